//! Translations. Every user-visible string lives in `locales/{fr,en}/*.ftl`; a test fails
//! when a key is missing in one language, empty, or copied untranslated.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::static_loader;
use mosaique_domain::Language;
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        // Fluent wraps placeables in bidi isolation marks by default; they show up in HTML
        // and in terminals, and we only mix left-to-right scripts.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

/// A translator for one language, handed to every template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub lang: Language,
}

impl Tr {
    pub fn new(lang: Language) -> Tr {
        Tr { lang }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.lang {
            Language::Fr => &FR,
            Language::En => &EN,
        }
    }

    /// The message in this language, else in French (the fallback), else the key itself
    /// (tests keep that from happening) rather than failing the page. Both bundles always
    /// exist, so the loader's per-call language negotiation is skipped.
    fn lookup(&self, key: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue>>) -> String {
        LOCALES
            .lookup_single_language(self.id(), key, args)
            .or_else(|_| LOCALES.lookup_single_language(&FR, key, args))
            .unwrap_or_else(|_| key.to_owned())
    }

    /// The message for `key`.
    pub fn t(&self, key: &str) -> String {
        self.lookup(key, None)
    }

    /// The message for `key` with named arguments; numbers select plural forms.
    pub fn t_args(&self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.to_fluent()))
            .collect();
        self.lookup(key, Some(&args))
    }

    /// Shorthand for a message with one numeric argument `count`.
    pub fn count(&self, key: &str, count: i64) -> String {
        self.t_args(key, &[("count", Arg::Int(count))])
    }

    /// Shorthand for a message with one text argument.
    pub fn with(&self, key: &str, name: &'static str, value: &str) -> String {
        self.t_args(key, &[(name, Arg::Text(value.to_owned()))])
    }

    /// The label of a vocabulary value, from its stable key (`province-QC`, `level-national`).
    pub fn label(&self, prefix: &str, key: &str) -> String {
        self.t(&format!("{prefix}-{key}"))
    }

    /// What is wrong with an instrument file, in this language.
    pub fn instrument_problem(
        &self,
        problem: &mosaique_domain::screening::InstrumentProblem,
    ) -> String {
        let args: Vec<(&'static str, Arg)> = problem
            .args()
            .into_iter()
            .map(|(k, v)| (k, Arg::Text(v)))
            .collect();
        self.t_args(problem.message_id(), &args)
    }
}

/// A message in French then English, for the rare answer given before the language is known.
pub fn both_languages(key: &str) -> String {
    format!(
        "{} / {}",
        Tr::new(Language::Fr).t(key),
        Tr::new(Language::En).t(key)
    )
}

/// A message argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Int(i64),
}

impl Arg {
    fn to_fluent(&self) -> FluentValue<'static> {
        match self {
            Arg::Text(s) => FluentValue::from(s.clone()),
            Arg::Int(n) => FluentValue::from(*n),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use fluent_syntax::ast;

    use super::*;

    /// Messages whose French and English texts are legitimately identical.
    const SAME_IN_BOTH: &[&str] = &[
        "site-name",
        "case-notes",
        "note-body",
        "data_category-notes",
        "data_category-immigration",
        "domain-immigration",
        "screening-questions-count",
        "screening-version",
        "nav-services",
        "svc-results-count",
        "svc-radius-km",
        "svc-sort-distance",
        "svc-language-tl",
        "adm-svc-unit-places",
        "adm-loc-latitude",
        "org-formal",
        "mandate-protection",
        "adm-loc-longitude",
        "nav-api",
        "lang-name-fr",
        "lang-name-en",
        "help-now-emergency-number",
        "help-now-hotline-number",
        "dir-coalition-badge",
        "org-source",
        "admin-actions",
        "cli-heading-options",
        "cli-hsds-kind-service",
        "meeting-date",
        "pillar-protection",
        "action-description",
        "audit-action",
        "province-AB",
        "province-MB",
        "province-NU",
        "province-ON",
        "province-SK",
        "province-YT",
        "level-national",
        "level-provincial",
        "level-municipal",
        "level-local",
        "sector-police",
        "sector-immigration",
    ];

    fn messages(lang: &str) -> BTreeMap<String, String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut out = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("locale dir") {
            let path = entry.expect("entry").path();
            let source = std::fs::read_to_string(&path).expect("ftl file");
            let resource = fluent_syntax::parser::parse(source.as_str())
                .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", path.display()));
            for entry in resource.body {
                if let ast::Entry::Message(message) = entry {
                    let text = message.value.as_ref().map(pattern_text).unwrap_or_default();
                    let id = message.id.name.to_owned();
                    assert!(
                        out.insert(id.clone(), text).is_none(),
                        "{lang}: duplicate key {id}"
                    );
                }
            }
        }
        out
    }

    /// The literal text of a message, with plural variants included, so a select expression
    /// left untranslated is caught like plain text.
    fn pattern_text(pattern: &ast::Pattern<&str>) -> String {
        pattern
            .elements
            .iter()
            .map(|element| match element {
                ast::PatternElement::TextElement { value } => (*value).to_owned(),
                ast::PatternElement::Placeable {
                    expression: ast::Expression::Select { variants, .. },
                } => variants
                    .iter()
                    .map(|v| pattern_text(&v.value))
                    .collect::<Vec<_>>()
                    .join("|"),
                ast::PatternElement::Placeable { .. } => "{}".to_owned(),
            })
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_non_empty_translated_keys() {
        let fr = messages("fr");
        let en = messages("en");
        let only_fr: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
        let only_en: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
        assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in French: {only_en:?}");
        for (key, text) in &fr {
            let english = &en[key];
            for (lang, text) in [("fr", text), ("en", english)] {
                let words = text.replace("{}", "").replace('|', "");
                assert!(!words.trim().is_empty(), "{lang}: {key} has no text");
            }
            if !SAME_IN_BOTH.contains(&key.as_str()) {
                assert_ne!(
                    text, english,
                    "{key} is the same in French and English: translate it"
                );
            }
        }
        assert!(fr.len() > 50, "only {} messages found", fr.len());
    }

    /// Every case vocabulary's labels and every case problem's message.
    fn case_labels() -> impl Iterator<Item = String> {
        use mosaique_domain::case::*;
        fn keys<T: std::fmt::Display>(prefix: &str, all: &[T]) -> Vec<String> {
            all.iter().map(|v| format!("{prefix}-{v}")).collect()
        }
        let problems = [
            CaseProblem::MissingAlias,
            CaseProblem::TooLong,
            CaseProblem::BadBirthDate,
            CaseProblem::EmptyNote,
            CaseProblem::NoteTooLong,
            CaseProblem::RetiredValue,
        ]
        .map(|p| p.message_id().to_owned());
        let consent = [
            ConsentProblem::NoRecipient,
            ConsentProblem::NoCategory,
            ConsentProblem::ExpiryBeforeStart,
            ConsentProblem::GivenInFuture,
            ConsentProblem::RecipientOutsideCase,
            ConsentProblem::MissingWitness,
            ConsentProblem::SelfWitnessed,
        ]
        .map(|p| p.message_id().to_owned());
        let team = [
            TeamProblem::UnknownAccount,
            TeamProblem::NotCaseWork,
            TeamProblem::PoliceObserveOnly,
            TeamProblem::LeadWorkerOutsideLead,
            TeamProblem::LastLeadWorker,
            TeamProblem::SameLead,
        ]
        .map(|p| p.message_id().to_owned());
        let agreement = [
            AgreementProblem::MissingTitle,
            AgreementProblem::MissingPurpose,
            AgreementProblem::TooLong,
            AgreementProblem::TooFewParties,
            AgreementProblem::NoCategory,
            AgreementProblem::EndBeforeStart,
        ]
        .map(|p| p.message_id().to_owned());
        let disclosure = [
            DisclosureProblem::MissingReason,
            DisclosureProblem::ReasonTooLong,
            DisclosureProblem::NoCategory,
            DisclosureProblem::BadExpiry,
            DisclosureProblem::NotPolice,
            DisclosureProblem::UnknownCase,
        ]
        .map(|p| p.message_id().to_owned());
        let steps = [
            StepProblem::MissingTitle,
            StepProblem::TitleTooLong,
            StepProblem::DetailsTooLong,
            StepProblem::BadDate,
            StepProblem::ExpiresBeforeStart,
            StepProblem::NoExpiry,
            StepProblem::Domain,
            StepProblem::NotDecided,
            StepProblem::AssigneeNotOnTeam,
        ]
        .map(|p| p.message_id().to_owned())
        .into_iter()
        .chain(
            STEP_FIELDS
                .iter()
                .map(|f| format!("step-field-{}", f.replace('_', "-"))),
        )
        .chain([
            "step-problem-version".to_owned(),
            "case-problem-version".to_owned(),
        ])
        .chain(
            [
                DocumentProblem::Empty,
                DocumentProblem::TooLarge,
                DocumentProblem::ActiveType,
                DocumentProblem::UnsupportedType,
                DocumentProblem::BadName,
            ]
            .map(|p| p.message_id().to_owned()),
        )
        .chain(
            [
                TermProblem::UnknownVocabulary,
                TermProblem::UnknownValue,
                TermProblem::LabelTooLong,
                TermProblem::KeepsDefault,
            ]
            .map(|p| p.message_id().to_owned()),
        )
        .chain(
            CONFIGURABLE
                .iter()
                .map(|v| format!("terms-vocabulary-{}", v.name.replace('_', "-"))),
        );
        [
            keys("step_kind", StepKind::ALL),
            keys("step_status", StepStatus::ALL),
            keys("step_track", StepTrack::ALL),
            steps.collect(),
            keys("legal_ground", LegalGround::ALL),
            keys("emergency_status", EmergencyStatus::ALL),
            disclosure.to_vec(),
            agreement.to_vec(),
            keys("case_status", CaseStatus::ALL),
            keys("closure_reason", ClosureReason::ALL),
            keys("exploitation", Exploitation::ALL),
            keys("trafficking_scope", TraffickingScope::ALL),
            keys("case_role", CaseRole::ALL),
            keys("data_category", DataCategory::ALL),
            keys("consent_purpose", Purpose::ALL),
            keys("consent_form", ConsentForm::ALL),
            keys("note_sensitivity", NoteSensitivity::ALL),
            problems.to_vec(),
            consent.to_vec(),
            team.to_vec(),
            referral_labels(),
        ]
        .into_iter()
        .flatten()
    }

    /// Every needs and referrals vocabulary's labels and every referral problem's message.
    fn referral_labels() -> Vec<String> {
        use mosaique_domain::referral::*;
        fn keys<T: std::fmt::Display>(prefix: &str, all: &[T]) -> Vec<String> {
            all.iter().map(|v| format!("{prefix}-{v}")).collect()
        }
        let problems = [
            ReferralProblem::NoteTooLong,
            ReferralProblem::NoNeeds,
            ReferralProblem::NeedNotOpen,
            ReferralProblem::AlreadyReferred,
            ReferralProblem::UnknownService,
            ReferralProblem::ServiceInactive,
            ReferralProblem::ServiceFull,
            ReferralProblem::NoConsent,
            ReferralProblem::WorkerNotThere,
            ReferralProblem::OwnOrganization,
            ReferralProblem::BadLanguage,
            ReferralProblem::SafeTimesTooLong,
            ReferralProblem::NothingNeeded,
        ]
        .map(|p| p.message_id().to_owned());
        use mosaique_domain::referral::matching::{Exclusion, MatchReason};
        use mosaique_domain::referral::situation::{
            AgeGroup, Gender, ImmigrationStatus, SafeChannel,
        };
        let outcomes = [Outcome::Served, Outcome::NotServed(NotServedReason::Other)]
            .map(|o| format!("referral_outcome-{}", o.key()));
        [
            keys("urgency", Urgency::ALL),
            keys("need_status", NeedStatus::ALL),
            keys("referral_status", ReferralStatus::ALL),
            keys("decline_reason", DeclineReason::ALL),
            keys("not_served_reason", NotServedReason::ALL),
            problems.to_vec(),
            outcomes.to_vec(),
            keys("match_reason", MatchReason::ALL),
            keys("notice_kind", mosaique_domain::inbox::NoticeKind::ALL),
            keys("exclusion", Exclusion::ALL),
            keys("age_group", AgeGroup::ALL),
            keys("gender_identity", Gender::ALL),
            keys("immigration_status", ImmigrationStatus::ALL),
            keys("safe_channel", SafeChannel::ALL),
            {
                use mosaique_domain::coordination::ShiftProblem as S;
                [
                    S::EndsBeforeStart,
                    S::TooLong,
                    S::HandoverTooLong,
                    S::NotCoordinator,
                ]
                .map(|p| p.message_id().to_owned())
                .to_vec()
            },
            [
                "match-problem-unknown-place",
                "match-problem-bad-radius",
                "match-problem-no-domain",
            ]
            .map(str::to_owned)
            .to_vec(),
        ]
        .concat()
    }

    #[test]
    fn every_vocabulary_value_has_a_label() {
        use mosaique_domain::{Level, Province, Sector};
        for lang in Language::ALL {
            let tr = Tr::new(lang);
            let keys = Province::ALL
                .iter()
                .map(|p| format!("province-{p}"))
                .chain(Level::ALL.iter().map(|l| format!("level-{l}")))
                .chain(Sector::ALL.iter().map(|s| format!("sector-{s}")))
                .chain(case_labels());
            for key in keys {
                assert_ne!(tr.t(&key), key, "{lang}: no label for {key}");
            }
            // Reminders take their number of days.
            use mosaique_domain::case::Reminder;
            for reminder in [
                Reminder::RenewBy { days: 3 },
                Reminder::Expired,
                Reminder::Overdue { days: 3 },
            ] {
                let key = reminder.message_id();
                let text = tr.t_args(key, &[("days", Arg::Int(reminder.days()))]);
                assert_ne!(text, key, "{lang}: no label for {key}");
                assert!(
                    reminder == Reminder::Expired || text.contains('3'),
                    "{lang}: {text}"
                );
            }
        }
    }

    #[test]
    fn every_hsds_import_problem_is_said_in_both_languages() {
        use mosaique_domain::ServiceDomain;
        use mosaique_domain::directory::schedule::ScheduleError;
        use mosaique_domain::organization::OrganizationError as O;
        use mosaique_domain::service::{ServiceAreaKind, ServiceError as S};
        use mosaique_hsds::mapping::MappingProblem as M;
        use mosaique_hsds::read::Reason as R;
        let s = || "x".to_owned();
        let reasons = [
            R::NotUtf8 {
                offset: 3,
                windows_1252: true,
            },
            R::NotUtf8 {
                offset: 3,
                windows_1252: false,
            },
            R::BadJson(s()),
            R::BadCsv(s()),
            R::Shape("an object"),
            R::Missing { field: s() },
            R::BadId {
                field: s(),
                value: s(),
            },
            R::BadValue {
                field: s(),
                value: s(),
            },
            R::TooLong { field: s(), max: 9 },
            R::Duplicate {
                id: s(),
                first: s(),
            },
            R::Dangling {
                field: s(),
                id: s(),
            },
            R::NoDomain,
            R::Empty,
            R::Organization(O::UnknownValue {
                field: "sector",
                value: s(),
            }),
            R::Organization(O::Missing { field: "name_fr" }),
            R::Organization(O::TooLong {
                field: "name_fr",
                max: 3,
            }),
            R::Organization(O::BadSlug(s())),
            R::Organization(O::BadYear(1700)),
            R::Organization(O::BadEmail(s())),
            R::Organization(O::BadWebsite(s())),
            R::Organization(O::BadArea {
                kind: ServiceAreaKind::Region,
                code: s(),
            }),
            R::Service(S::Missing { field: "name_fr" }),
            R::Service(S::TooLong {
                field: "name_fr",
                max: 3,
            }),
            R::Service(S::NoDomain),
            R::Service(S::UnknownTerm(s())),
            R::Service(S::TermOutsideDomains {
                term: s(),
                domain: ServiceDomain::Work,
            }),
            R::Service(S::BadLanguage(s())),
            R::Service(S::BadAgeRange { min: 9, max: 3 }),
            R::Service(S::MinorsContradiction),
            R::Service(S::Schedule(ScheduleError::UnknownTimeZone(s()))),
            R::Service(S::Schedule(ScheduleError::BadTime(s()))),
            R::Service(S::Schedule(ScheduleError::NoDays)),
            R::Service(S::BadArea {
                kind: ServiceAreaKind::Municipality,
                code: s(),
            }),
        ];
        let mapping = [
            M::Syntax(s()),
            M::UnknownDomain {
                rule: s(),
                domain: s(),
            },
            M::UnknownTerm {
                rule: s(),
                term: s(),
            },
            M::TermOutsideDomain {
                rule: s(),
                term: s(),
                domain: s(),
                belongs_to: s(),
            },
        ];
        let messages = reasons
            .iter()
            .map(|r| r.message())
            .chain(mapping.iter().map(|m| m.message()));
        for (key, args) in messages {
            let args: Vec<(&'static str, Arg)> =
                args.into_iter().map(|(k, v)| (k, Arg::Text(v))).collect();
            let texts: Vec<String> = Language::ALL
                .iter()
                .map(|lang| Tr::new(*lang).t_args(key, &args))
                .collect();
            for text in &texts {
                assert_ne!(text, key, "no message");
                assert!(!text.contains("{ $") && !text.contains("{$"), "{text}");
            }
            assert_ne!(texts[0], texts[1], "{key}: the same in both languages");
        }
    }

    #[test]
    fn every_screening_label_and_instrument_problem_has_a_message() {
        use mosaique_domain::ServiceDomain;
        use mosaique_domain::screening::{Framework, InstrumentProblem as P};
        let s = || "x".to_owned();
        let problems = [
            P::Syntax {
                line: 1,
                column: 1,
                detail: s(),
            },
            P::UnsupportedFormat { found: 2 },
            P::BadKey {
                what: "question",
                key: s(),
            },
            P::BadVersion,
            P::MissingTranslation {
                path: s(),
                language: "fr",
            },
            P::Duplicate {
                what: "question",
                key: s(),
            },
            P::NoSources,
            P::BadSourceUrl {
                label: s(),
                url: s(),
            },
            P::UnknownSection {
                question: s(),
                section: s(),
            },
            P::UnknownIndicator {
                at: s(),
                indicator: s(),
            },
            P::OptionsOnYesNo { question: s() },
            P::IndicatesOnChoice { question: s() },
            P::TooFewOptions { question: s() },
            P::ReservedOption {
                question: s(),
                option: s(),
            },
            P::UnknownConditionQuestion {
                question: s(),
                refers: s(),
            },
            P::BadCondition { question: s() },
            P::ForwardCondition {
                question: s(),
                refers: s(),
            },
            P::ImpossibleConditionValue {
                question: s(),
                refers: s(),
                value: s(),
            },
            P::SkipCycle {
                cycle: vec![s(), s()],
            },
            P::Unreachable { question: s() },
            P::PhaseMismatch {
                indicator: s(),
                dimension: s(),
                phase: s(),
            },
            P::BadIlo {
                indicator: s(),
                ilo: 12,
            },
            P::ChildWeightBelowAdult {
                indicator: s(),
                profile: s(),
            },
            P::UnknownElement {
                indicator: s(),
                framework: "palermo",
                element: s(),
            },
            P::UnusedIndicator { indicator: s() },
            P::NeedNotOnlyDomains { indicator: s() },
            P::BadMinorQuestion { question: s() },
            P::BadExploitationQuestion { question: s() },
            P::MissingExploitation {
                question: s(),
                option: s(),
            },
            P::StrayExploitation { question: s() },
            P::EmptyBand { band: 2 },
            P::BadRoutingBand { band: 4 },
        ];
        for lang in Language::ALL {
            let tr = Tr::new(lang);
            for problem in &problems {
                let text = tr.instrument_problem(problem);
                assert_ne!(text, problem.message_id(), "{lang}: no message");
                assert!(
                    !text.contains("{ $") && !text.contains("{$"),
                    "{lang}: {text}"
                );
            }
            for d in ServiceDomain::ALL {
                assert_ne!(tr.label("domain", d.key()), format!("domain-{d}"));
            }
            for f in Framework::ALL {
                assert_ne!(
                    tr.label("framework", f.key()),
                    format!("framework-{}", f.key())
                );
                for e in f.elements() {
                    let key = format!("element-{}-{e}", f.key());
                    assert_ne!(tr.t(&key), key, "{lang}");
                }
            }
            for band in 0..=3 {
                let key = format!("screening-band-{band}");
                assert_ne!(tr.t(&key), key);
            }
        }
    }

    #[test]
    fn the_library_campaigns_and_practices_are_said_in_both_languages() {
        use mosaique_domain::case::DocumentProblem;
        use mosaique_domain::coalition::library::{
            Audience, ResourceLanguage, ResourceProblem as P, Theme, Visibility,
        };
        let problems = [
            P::NoTitle,
            P::TitleTooLong,
            P::SummaryNotTranslated,
            P::SummaryTooLong,
            P::NoAudience,
            P::NoTheme,
            P::BadLink,
            P::ControlCharacter,
            P::File(DocumentProblem::TooLarge),
            P::UnknownMeeting,
            P::NoContent,
            P::LinkAndFile,
        ]
        .map(|p| p.message_id().to_owned());
        let keys = |prefix: &str, all: Vec<&'static str>| {
            all.into_iter()
                .map(|k| format!("{prefix}-{k}"))
                .collect::<Vec<_>>()
        };
        let labels = [
            keys("audience", Audience::ALL.iter().map(|a| a.key()).collect()),
            keys("theme", Theme::ALL.iter().map(|t| t.key()).collect()),
            keys(
                "visibility",
                Visibility::ALL.iter().map(|v| v.key()).collect(),
            ),
            keys(
                "resource_language",
                ResourceLanguage::ALL.iter().map(|l| l.key()).collect(),
            ),
            problems.to_vec(),
            {
                use mosaique_domain::coalition::campaign::CampaignProblem as C;
                use mosaique_domain::coalition::practice::{Evidence, PracticeProblem as Pr};
                let campaign = [
                    C::NoTitle,
                    C::TitleTooLong,
                    C::NoAudience,
                    C::EndsBeforeStart,
                    C::UnknownMaterial,
                    C::ControlCharacter,
                    C::NotStarted,
                    C::ReachTooLarge,
                    C::NoteTooLong,
                ]
                .map(|p| p.message_id().to_owned());
                let practice = [
                    Pr::NoTitle,
                    Pr::NoTheme,
                    Pr::NoWhatWorked,
                    Pr::NoContext,
                    Pr::NoContact,
                    Pr::TextTooLong,
                    Pr::ControlCharacter,
                    Pr::NotAMember,
                ]
                .map(|p| p.message_id().to_owned());
                use mosaique_domain::coalition::funding::GrantProblem as G;
                let grant = [
                    G::NoFunder,
                    G::NoTitle,
                    G::TextTooLong,
                    G::ControlCharacter,
                    G::BadAmount,
                    G::EndsBeforeStart,
                    G::ReportOutsidePeriod,
                    G::BadReport,
                    G::TooManyReports,
                    G::UnknownActivity,
                    G::UnknownReport,
                    G::SubmittedInFuture,
                ]
                .map(|p| p.message_id().to_owned());
                use mosaique_domain::coalition::bulletin::BulletinProblem as B;
                let bulletin = [
                    B::NoTitle,
                    B::TitleTooLong,
                    B::NoBody,
                    B::BodyTooLong,
                    B::ControlCharacter,
                ]
                .map(|p| p.message_id().to_owned());
                [
                    campaign.to_vec(),
                    practice.to_vec(),
                    grant.to_vec(),
                    bulletin.to_vec(),
                    keys("evidence", Evidence::ALL.iter().map(|e| e.key()).collect()),
                ]
                .concat()
            },
        ]
        .concat();
        for lang in Language::ALL {
            let tr = Tr::new(lang);
            for key in &labels {
                assert_ne!(&tr.t(key), key, "{lang}: no label for {key}");
            }
        }
    }

    #[test]
    fn plurals_and_arguments_render_without_isolation_marks() {
        let fr = Tr::new(Language::Fr);
        let en = Tr::new(Language::En);
        assert_eq!(fr.count("dir-results-count", 1), "1 organisme");
        assert_eq!(fr.count("dir-results-count", 2), "2 organismes");
        assert_eq!(en.count("dir-results-count", 1), "1 organization");
        assert_eq!(en.count("dir-results-count", 0), "0 organizations");
        assert!(!fr.count("dir-results-count", 3).contains('\u{2068}'));
    }
}
