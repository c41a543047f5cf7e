//! The types of the API's query parameters, as the server reads them. The handlers take
//! every value as text, so that a bad one is named back in a problem, never a bare 400; the
//! document still says what each parameter takes (booleans, integers with their ranges, the
//! keys of a closed vocabulary), built from the domain's own lists so it cannot drift. An
//! empty value means "any", as a form's blank field does, and the document says so. The
//! fields of request bodies are typed the same way: the keys a field takes, dates, ids and
//! e-mail addresses.

use mosaique_domain::case::{
    CaseRole, ConsentForm, DataCategory, Exploitation, NoteSensitivity, Purpose, StepKind,
    StepStatus, TraffickingScope,
};
use mosaique_domain::coalition::glossary::Framework;
use mosaique_domain::coalition::library::{Audience, ResourceLanguage, Theme, Visibility};
use mosaique_domain::coalition::practice::Evidence;
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::referral::situation::{AgeGroup, Gender, ImmigrationStatus, SafeChannel};
use mosaique_domain::referral::{DeclineReason, EntryModel, NeedStatus, NotServedReason, Urgency};
use mosaique_domain::service::GenderServed;
use mosaique_domain::vocabulary::Vocabulary;
use mosaique_domain::{Level, Mandate, Province, Sector, ServiceDomain};
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{OpenApi, RefOr};

use crate::directory::query as services;

/// Where a schema goes (an operation path or a component schema, then a parameter or a
/// field) and the function that builds it.
type Typed = (&'static str, &'static str, fn() -> Schema);

/// Query parameters and their schemas: (operation path, parameter, schema).
const TYPED: &[Typed] = &[
    ("/api/v1/services", "domain", domains),
    ("/api/v1/services", "term", terms),
    ("/api/v1/services", "province", any_of::<Province>),
    ("/api/v1/services", "region", region),
    ("/api/v1/services", "radius_km", search_radius),
    ("/api/v1/services", "open_now", boolean),
    ("/api/v1/services", "always_open", boolean),
    ("/api/v1/services", "substance_use", boolean),
    ("/api/v1/services", "any_status", boolean),
    ("/api/v1/services", "minors", boolean),
    ("/api/v1/services", "dedicated", boolean),
    ("/api/v1/services", "language", language),
    ("/api/v1/services", "gender", any_of::<GenderServed>),
    ("/api/v1/services", "age", age),
    ("/api/v1/services", "organization", uuid),
    ("/api/v1/services", "sort", sort),
    ("/api/v1/services", "page", service_page),
    ("/api/v1/services", "per_page", per_page),
    ("/api/v1/services", "lang", text_languages),
    ("/api/v1/services/{id}", "lang", text_languages),
    ("/api/v1/organizations", "province", any_of::<Province>),
    ("/api/v1/organizations", "level", any_of::<Level>),
    ("/api/v1/organizations", "sector", any_of::<Sector>),
    ("/api/v1/organizations", "coalitions", boolean),
    ("/api/v1/organizations", "mandate", any_of::<Mandate>),
    ("/api/v1/organizations", "page", organization_page),
    ("/api/v1/coalitions/{id}/meetings", "from", day_or_blank),
    ("/api/v1/coalitions/{id}/meetings", "to", day_or_blank),
    ("/api/v1/organizations", "per_page", per_page),
    (
        "/api/v1/cases/{id}/matches",
        "domain",
        any_of::<ServiceDomain>,
    ),
    ("/api/v1/cases/{id}/matches", "radius_km", match_radius),
    ("/api/v1/instruments/{key}", "version", version),
    (
        "/api/v1/coalitions/{id}/resources",
        "audience",
        any_of::<Audience>,
    ),
    (
        "/api/v1/coalitions/{id}/resources",
        "theme",
        any_of::<Theme>,
    ),
    (
        "/api/v1/coalitions/{id}/resources/file",
        "visibility",
        one_of_vocabulary::<Visibility>,
    ),
    (
        "/api/v1/coalitions/{id}/resources/file",
        "language",
        one_of_vocabulary::<ResourceLanguage>,
    ),
    ("/api/v1/coalitions/{id}/resources/file", "meeting_id", uuid),
];

/// Fields of request bodies and their schemas: (component schema, field, schema).
const BODY_FIELDS: &[Typed] = &[
    ("CaseInput", "scope", one_of_vocabulary::<TraffickingScope>),
    (
        "CaseInput",
        "exploitation",
        one_of_vocabulary::<Exploitation>,
    ),
    ("CaseInput", "birth_date", birth_date),
    ("CaseInput", "email", email),
    ("DetailsInput", "birth_date", birth_date),
    ("DetailsInput", "email", email),
    (
        "ContactSafetyJson",
        "channel",
        optional_vocabulary::<SafeChannel>,
    ),
    (
        "IdentityFactsInput",
        "age_group",
        optional_vocabulary::<AgeGroup>,
    ),
    (
        "IdentityFactsInput",
        "gender",
        optional_vocabulary::<Gender>,
    ),
    (
        "ImmigrationFactsInput",
        "status",
        optional_vocabulary::<ImmigrationStatus>,
    ),
    ("NeedInput", "domain", one_of_vocabulary::<ServiceDomain>),
    ("NeedInput", "urgency", one_of_vocabulary::<Urgency>),
    ("NeedStatusInput", "status", one_of_vocabulary::<NeedStatus>),
    ("MemberInput", "role", one_of_vocabulary::<CaseRole>),
    ("MemberInput", "email", email),
    (
        "NoteInput",
        "sensitivity",
        one_of_vocabulary::<NoteSensitivity>,
    ),
    ("ReferralInput", "service_id", id),
    ("ReferralInput", "to_user", id),
    ("StepInput", "kind", one_of_vocabulary::<StepKind>),
    ("StepInput", "status", one_of_vocabulary::<StepStatus>),
    ("StepInput", "domain", one_of_vocabulary::<ServiceDomain>),
    ("StepInput", "on", date),
    ("StepInput", "expires_on", date),
    ("StepInput", "assignee", id),
    ("TransitionInput", "event", referral_event),
    ("TransitionInput", "outcome", outcome),
    (
        "TransitionInput",
        "reason",
        one_of_vocabulary::<DeclineReason>,
    ),
    (
        "TransitionInput",
        "not_served_reason",
        one_of_vocabulary::<NotServedReason>,
    ),
    ("ConsentInput", "purpose", one_of_vocabulary::<Purpose>),
    ("ConsentInput", "form", one_of_vocabulary::<ConsentForm>),
    ("ConsentInput", "given_on", date),
    ("ConsentInput", "expires_on", date),
    ("ConsentInput", "categories", data_categories),
    ("ConsentInput", "witness", id),
    ("AgreementInput", "starts_on", date),
    ("AgreementInput", "ends_on", date),
    ("EmergencyDecisionJson", "decision", emergency_decision),
    ("EntryModelJson", "model", one_of_vocabulary::<EntryModel>),
    ("ShiftInput", "email", email),
    ("ShiftInput", "starts_at", local_minute),
    ("ShiftInput", "ends_at", local_minute),
    ("TransferInput", "email", email),
    ("AttachJson", "screening", id),
    ("NewScreeningJson", "case_id", id),
    ("NewScreeningJson", "version", version),
    ("NewScreeningJson", "answers", answers),
    ("MembershipInput", "organization_id", id),
    ("MembershipInput", "role", member_role),
    ("MembershipInput", "joined_on", date),
    ("MembershipInput", "left_on", date),
    ("MeetingInput", "starts", local_minute),
    ("MeetingInput", "ends", local_minute),
    ("PresenceInput", "organization_id", id),
    ("PresenceInput", "presence", presence),
    ("ActionInput", "pillar", pillar),
    ("ActionInput", "owner_id", id),
    ("ActionInput", "due_on", date),
    ("ActionInput", "meeting_id", id),
    ("ProgressInput", "status", action_status),
    ("TrainingSessionInput", "program_id", id),
    ("TrainingSessionInput", "held_on", date),
    ("TrainingSessionInput", "region", region),
    ("TrainingSessionInput", "lead_trainer_id", id),
    ("ParticipantsInput", "organization_id", id),
    ("TrainerInput", "organization_id", id),
    ("TrainerInput", "certified_on", date),
    ("TrainerInput", "valid_until", date),
    ("TrainerInput", "certified_in", id),
    ("MeetingInput", "group_id", id),
    ("CertificationInput", "valid_until", date),
    (
        "DefinitionJson",
        "framework",
        one_of_vocabulary::<Framework>,
    ),
    ("ResourceLinkInput", "audiences", audiences),
    ("ResourceLinkInput", "themes", themes),
    (
        "ResourceLinkInput",
        "visibility",
        one_of_vocabulary::<Visibility>,
    ),
    (
        "ResourceLinkInput",
        "language",
        one_of_vocabulary::<ResourceLanguage>,
    ),
    ("ResourceLinkInput", "meeting_id", id),
    ("CampaignInput", "audiences", audiences),
    ("CampaignInput", "starts_on", date),
    ("CampaignInput", "ends_on", date),
    ("CampaignInput", "materials", ids),
    ("PracticeInput", "themes", themes),
    ("PracticeInput", "evidence", one_of_vocabulary::<Evidence>),
    ("PracticeInput", "organization_id", id),
    ("GrantInput", "starts_on", date),
    ("GrantInput", "ends_on", date),
    ("GrantInput", "activities", ids),
    ("GrantReportInput", "due_on", date),
    ("SubmissionInput", "due_on", date),
    ("SubmissionInput", "submitted_on", date),
];

/// Types the listed fields of request bodies, keeping each field's description and whether
/// it may be null.
pub(crate) fn type_body_fields(api: &mut OpenApi) {
    let Some(components) = api.components.as_mut() else {
        return;
    };
    for (name, field, schema) in BODY_FIELDS {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*name) else {
            continue;
        };
        let (nullable, description) = match object.properties.get(*field) {
            Some(RefOr::T(Schema::Object(old))) => (
                matches!(
                    &old.schema_type,
                    utoipa::openapi::schema::SchemaType::Array(types) if types.contains(&Type::Null)
                ),
                old.description.clone(),
            ),
            Some(RefOr::T(Schema::Array(old))) => (false, old.description.clone()),
            _ => continue,
        };
        let mut typed = schema();
        if nullable {
            typed = AnyOfBuilder::new()
                .item(typed)
                .item(ObjectBuilder::new().schema_type(Type::Null))
                .into();
        }
        let typed = match typed {
            Schema::Object(mut o) => {
                o.description = description;
                Schema::Object(o)
            }
            Schema::Array(mut a) => {
                a.description = description;
                Schema::Array(a)
            }
            Schema::AnyOf(mut a) => {
                a.description = description;
                Schema::AnyOf(a)
            }
            other => other,
        };
        object
            .properties
            .insert((*field).to_owned(), RefOr::T(typed));
    }
}

/// Gives each listed query parameter its schema; a listed parameter the document does not
/// have is a mistake in this table, caught by a test.
pub(crate) fn type_query_parameters(api: &mut OpenApi) {
    for (path, name, schema) in TYPED {
        let Some(item) = api.paths.paths.get_mut(*path) else {
            continue;
        };
        for operation in [&mut item.get, &mut item.post, &mut item.put]
            .into_iter()
            .flatten()
        {
            for parameter in operation.parameters.iter_mut().flatten() {
                let RefOr::T(parameter) = parameter else {
                    continue;
                };
                if parameter.name == *name && parameter.parameter_in == ParameterIn::Query {
                    parameter.schema = Some(RefOr::T(schema()));
                }
            }
        }
    }
}

/// One of these keys, or empty (any).
fn keys(keys: impl IntoIterator<Item = &'static str>) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(keys.into_iter().chain([""])))
        .into()
}

/// A value of `schema`, or these other spellings the server also reads (always with the
/// empty value, which means any).
fn or_text(schema: impl Into<Schema>, also: &[&'static str]) -> Schema {
    AnyOfBuilder::new()
        .item(schema.into())
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(also.iter().copied().chain([""]))),
        )
        .into()
}

fn domains() -> Schema {
    ArrayBuilder::new()
        .items(RefOr::T(any_of::<ServiceDomain>()))
        .into()
}

/// A key of a vocabulary, or empty (any).
fn any_of<V: Vocabulary>() -> Schema {
    keys(V::keys())
}

/// Exactly one key of a vocabulary.
fn one_of_vocabulary<V: Vocabulary>() -> Schema {
    one_of(V::keys())
}

/// A key of a vocabulary, or empty for "not known".
fn optional_vocabulary<V: Vocabulary>() -> Schema {
    or_text(one_of_vocabulary::<V>(), &[])
}

fn terms() -> Schema {
    let taxonomy = mosaique_domain::directory::taxonomy::taxonomy();
    ArrayBuilder::new()
        .items(RefOr::T(keys(
            taxonomy.terms.iter().map(|t| t.code.as_str()),
        )))
        .into()
}

fn sort() -> Schema {
    keys(["relevance", "distance", "name"])
}

fn boolean() -> Schema {
    or_text(
        ObjectBuilder::new().schema_type(Type::Boolean),
        &["1", "0", "on"],
    )
}

fn integer(minimum: i64, maximum: i64) -> Schema {
    or_text(
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(minimum))
            .maximum(Some(maximum)),
        &[],
    )
}

fn region() -> Schema {
    keys(gazetteer().regions().iter().map(|r| r.code.as_str()))
}

fn text_languages() -> Schema {
    keys(["fr", "en", "all"])
}

fn language() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^([A-Za-z]{2})?$"))
        .into()
}

fn uuid() -> Schema {
    or_text(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::Custom("uuid".into()))),
        &[],
    )
}

fn age() -> Schema {
    integer(0, i64::from(u8::MAX))
}

fn search_radius() -> Schema {
    or_text(
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .exclusive_minimum(Some(0.0))
            .maximum(Some(services::RADIUS_MAX_KM)),
        &[],
    )
}

fn match_radius() -> Schema {
    let range = mosaique_app::matching::RADIUS_KM;
    or_text(
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .minimum(Some(*range.start()))
            .maximum(Some(*range.end())),
        &[],
    )
}

fn service_page() -> Schema {
    integer(1, services::PAGE_MAX as i64)
}

fn organization_page() -> Schema {
    integer(1, crate::directory::PAGE_MAX)
}

fn per_page() -> Schema {
    integer(1, crate::directory::PER_PAGE_MAX)
}

/// Read as a number only: an empty `version` is refused.
fn version() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(u32::MAX))
        .into()
}

/// Exactly one of these keys (a body field has no "any").
fn one_of(keys: impl IntoIterator<Item = &'static str>) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(keys))
        .into()
}

fn string_format(format: &str) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(utoipa::openapi::SchemaFormat::Custom(format.into())))
        .into()
}

fn ids() -> Schema {
    ArrayBuilder::new().items(RefOr::T(id())).into()
}

fn audiences() -> Schema {
    ArrayBuilder::new()
        .items(RefOr::T(one_of_vocabulary::<Audience>()))
        .into()
}

fn themes() -> Schema {
    ArrayBuilder::new()
        .items(RefOr::T(one_of_vocabulary::<Theme>()))
        .into()
}

fn data_categories() -> Schema {
    ArrayBuilder::new()
        .items(RefOr::T(one_of_vocabulary::<DataCategory>()))
        .into()
}

/// The events `TransitionInput` reads (crate::referrals::api).
fn referral_event() -> Schema {
    one_of([
        "send", "receive", "accept", "decline", "start", "complete", "cancel",
    ])
}

fn outcome() -> Schema {
    one_of(["served", "not_served"])
}

/// The decisions `EmergencyDecisionJson` reads (crate::cases::api).
fn emergency_decision() -> Schema {
    one_of(["approve", "refuse", "review"])
}

/// A date, or blank for none. The server trims, so a date between spaces is one too.
fn date() -> Schema {
    AnyOfBuilder::new()
        .item(string_format("date"))
        .item(ObjectBuilder::new().schema_type(Type::String).pattern(Some(
            "^[\\s\\u0085]*([0-9]{4}-[0-9]{2}-[0-9]{2})?[\\s\\u0085]*$",
        )))
        .into()
}

/// A real day (`format: date`), or blank for the default. Narrower than [`date`], whose
/// pattern also takes a day that does not exist (refused with 422, fine for a write but not
/// for a read that should answer).
fn day_or_blank() -> Schema {
    AnyOfBuilder::new()
        .item(string_format("date"))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[ \\t\\n\\r\\f\\v\\u0085]*$")),
        )
        .into()
}

/// `schema`, or a blank value (empty, or white space alone: the server trims, as Rust's
/// `trim` does, which also takes U+0085) that means none.
fn or_blank(schema: impl Into<Schema>) -> Schema {
    AnyOfBuilder::new()
        .item(schema.into())
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[\\s\\u0085]*$")),
        )
        .into()
}

/// `YYYY-MM-DD` or a year alone, or blank for none (the case's form sends it blank).
fn birth_date() -> Schema {
    or_blank(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$")),
    )
}

/// A coalition membership's role.
fn member_role() -> Schema {
    one_of(
        mosaique_domain::coalition::MemberRole::ALL
            .iter()
            .map(|r| r.key()),
    )
}

/// A member organization's presence at a meeting.
fn presence() -> Schema {
    one_of(
        mosaique_domain::coalition::meeting::Presence::ALL
            .iter()
            .map(|p| p.key()),
    )
}

/// One of the four P's of an action plan.
fn pillar() -> Schema {
    one_of(
        mosaique_domain::coalition::action::Pillar::ALL
            .iter()
            .map(|p| p.key()),
    )
}

/// An action's status.
fn action_status() -> Schema {
    one_of(
        mosaique_domain::coalition::action::ActionStatus::ALL
            .iter()
            .map(|s| s.key()),
    )
}

/// A local date and time to the minute, `YYYY-MM-DDTHH:MM` (Québec time).
fn local_minute() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$"))
        .into()
}

/// An e-mail address as the server reads one (`identity::normalize_email`: one `@`, a dot
/// inside the domain, no spaces; the server also refuses one over 254 bytes), or blank for
/// none.
fn email() -> Schema {
    // Between optional spaces (the server trims), as Rust's `trim` counts them (U+0085 too).
    or_blank(
        ObjectBuilder::new().schema_type(Type::String).pattern(Some(
            "^[\\s\\u0085]*[^@ \\t\\n\\r\\f\\v]+@[^@ \\t\\n\\r\\f\\v.][^@ \\t\\n\\r\\f\\v]*\\.[^@ \\t\\n\\r\\f\\v]*[^@ \\t\\n\\r\\f\\v.][\\s\\u0085]*$",
        )),
    )
}

fn id() -> Schema {
    string_format("uuid")
}

/// Question key → `yes`, `no`, `unknown`, `declined`, `not_asked` or an option key.
fn answers() -> Schema {
    let key = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[a-z0-9_]{1,40}$"))
    };
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(key()))
        .additional_properties(Some(key()))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> serde_json::Value {
        serde_json::from_str(&crate::api::openapi_json()).expect("JSON")
    }

    #[test]
    fn every_typed_parameter_is_typed_in_the_served_document() {
        let document = document();
        for (path, name, schema) in TYPED {
            // A query's parameters, or an upload's (its description is in the query).
            let item = &document["paths"][path];
            let method = if item["get"].is_object() {
                "get"
            } else {
                "post"
            };
            let parameters = item[method]["parameters"]
                .as_array()
                .unwrap_or_else(|| panic!("{path} has parameters"));
            let parameter = parameters
                .iter()
                .find(|p| p["name"] == *name && p["in"] == "query")
                .unwrap_or_else(|| panic!("{path} {name}"));
            let schema = serde_json::to_value(schema()).expect("JSON");
            assert_eq!(parameter["schema"], schema, "{path} {name}");
            // The parameter keeps its own description.
            assert!(parameter["description"].is_string(), "{path} {name}");
        }
    }

    #[test]
    fn every_typed_body_field_is_typed_in_the_served_document() {
        let document = document();
        for (name, field, schema) in BODY_FIELDS {
            let property = &document["components"]["schemas"][name]["properties"][field];
            assert!(property.is_object(), "{name}.{field} is in the document");
            let typed = serde_json::to_value(schema()).expect("JSON");
            // The typed schema is the property, or its first alternative when the field may
            // also be null.
            let same = |candidate: &serde_json::Value| {
                ["type", "enum", "format", "pattern", "items", "anyOf"]
                    .iter()
                    .all(|key| candidate.get(key) == typed.get(key))
            };
            let first = property.get("anyOf").map(|any| any[0].clone());
            assert!(
                same(property) || first.as_ref().is_some_and(same),
                "{name}.{field}: {property} is not {typed}"
            );
        }
    }
}
