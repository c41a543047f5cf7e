//! The authorization matrix: every route × every role × every relationship, as written in
//! `authorization_matrix.tsv`, checked against a real server on SQLite and PostgreSQL. A
//! route of the application that the table does not list fails the build's tests.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::TestApp;
use mosaique_domain::{Bilingual, OrgId, Role, User};

const MATRIX: &str = include_str!("authorization_matrix.tsv");

struct Row<'a> {
    line: usize,
    method: &'a str,
    path: &'a str,
    who: &'a str,
    relationship: &'a str,
    expected: u16,
    /// The route shows or changes personal data: a refusal must be audited.
    personal: bool,
}

fn rows() -> Vec<Row<'static>> {
    MATRIX
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "line {}: {l}", i + 1);
            assert!(matches!(f[5], "personal" | "-"), "line {}: {l}", i + 1);
            Row {
                line: i + 1,
                method: f[0],
                path: f[1],
                who: f[2],
                relationship: f[3],
                expected: f[4].parse().unwrap(),
                personal: f[5] == "personal",
            }
        })
        .collect()
}

/// (method, path pattern) of every route the application declares, read from its source.
fn declared_routes() -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // `.route("/path", get(a).post(b))`, possibly over several lines.
            for chunk in text.split(".route(").skip(1) {
                let Some(rest) = chunk.trim_start().strip_prefix('"') else {
                    continue;
                };
                let (route, tail) = rest.split_once('"').unwrap();
                let call = &tail[..tail
                    .find("\n        .")
                    .or_else(|| tail.find(";"))
                    .unwrap_or(tail.len())];
                for method in ["get", "post", "put", "patch", "delete", "any"] {
                    if call.contains(&format!("{method}(")) {
                        let method = if method == "any" {
                            "GET".to_owned()
                        } else {
                            method.to_uppercase()
                        };
                        routes.insert((method, route.to_owned()));
                    }
                }
            }
            // `#[utoipa::path(get, path = "/api/v1/…"`.
            for chunk in text.split("#[utoipa::path(").skip(1) {
                let method = chunk
                    .trim_start()
                    .split(',')
                    .next()
                    .unwrap()
                    .trim()
                    .to_uppercase();
                let route = chunk
                    .split("path = \"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                routes.insert((method, route.to_owned()));
            }
        }
    }
    routes
}

#[test]
fn every_route_is_in_the_matrix() {
    let listed: BTreeSet<(String, String)> = rows()
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let declared = declared_routes();
    assert!(
        declared.len() > 20,
        "route discovery found too little: {declared:?}"
    );
    let missing: Vec<_> = declared.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "routes missing from authorization_matrix.tsv: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&declared).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that no longer exist: {stale:?}"
    );
    // Every listed route is tried by an anonymous visitor and by every role.
    for (method, path) in &listed {
        let whos: BTreeSet<&str> = rows()
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .map(|r| r.who)
            .collect();
        assert_eq!(whos.len(), 1 + Role::ALL.len(), "{method} {path}: {whos:?}");
    }
}

/// The account a row acts on, for routes with `{user}`.
async fn target(app: &TestApp, actor: Option<&User>, relationship: &str) -> String {
    let db = &app.db;
    let own_org = actor.and_then(|a| a.org_id);
    let (org_id, role): (Option<OrgId>, Role) = match relationship {
        "own" => {
            return actor
                .map(|a| a.id.to_string())
                .unwrap_or_else(|| mosaique_domain::UserId::new().to_string());
        }
        "same_org" => match own_org {
            Some(org) => (Some(org), Role::Caseworker),
            None => (None, Role::Coordinator),
        },
        "other_org" => (
            Some(db.organization_by_slug("cqtp").await.unwrap().unwrap().id),
            Role::Caseworker,
        ),
        other => panic!("unknown relationship {other}"),
    };
    mosaique_store::testing::test_user(db, role, org_id)
        .await
        .id
        .to_string()
}

/// An `/hsds` route with real ids: every item of the public feed exists for everyone.
async fn hsds_path(app: &TestApp, path: &str) -> String {
    let services = app.db.all_services().await.unwrap();
    let with_site = services
        .iter()
        .find(|s| !s.location_ids.is_empty())
        .unwrap();
    let site = app
        .db
        .location(with_site.location_ids[0])
        .await
        .unwrap()
        .unwrap();
    let id = match path {
        "/hsds/services/{id}" => services[0].id.to_string(),
        "/hsds/organizations/{id}" => services[0].org_id.to_string(),
        "/hsds/service_at_locations/{id}" if !site.confidential => {
            mosaique_hsds::publish::service_at_location_id(with_site, &site).to_string()
        }
        "/hsds/service_at_locations/{id}" => {
            return format!(
                "/hsds/service_at_locations/{}?include_redacted=true",
                mosaique_hsds::publish::service_at_location_id(with_site, &site)
            );
        }
        "/hsds/taxonomies/{id}" => mosaique_hsds::taxonomy_id().to_string(),
        "/hsds/taxonomy_terms/{id}" => mosaique_hsds::term_id("health").to_string(),
        _ => String::new(),
    };
    path.replace("{id}", &id)
        .replace("{file}", "location.json")
        .replace("{*path}", "openapi.json")
}

/// A location for the `/admin/organizations/{slug}/locations/{id}` rows.
fn matrix_location() -> mosaique_domain::service::NewLocation {
    mosaique_domain::service::NewLocation {
        name: Bilingual::new("Bureau (matrice)".into(), "Office (matrix)".into()),
        address: "1, rue de l’Exemple".into(),
        city: "Montréal".into(),
        province: mosaique_domain::Province::Qc,
        postal_code: "H2X 1Y4".into(),
        point: None,
        confidential: false,
    }
}

/// A service for the `/admin/services/{id}` rows.
fn matrix_service() -> mosaique_domain::service::NewService {
    use mosaique_domain::directory::schedule::Schedule;
    use mosaique_domain::service::*;
    NewService {
        name: Bilingual::new("Service de la matrice".into(), "Matrix service".into()),
        description: Bilingual::default(),
        status: ServiceStatus::Active,
        domains: vec![mosaique_domain::ServiceDomain::Health],
        terms: vec![],
        eligibility: Eligibility::default(),
        languages: vec!["fr".into()],
        cost: Cost::Free,
        access: Access::SelfReferral,
        schedule: Schedule::default(),
        wait_days: None,
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        areas: vec![],
    }
}

/// A screening in progress for routes with `/screening…/{id}`: the actor's own, or one run
/// by another screener.
async fn screening_of(app: &TestApp, users: &HashMap<&str, User>, row: &Row<'_>) -> String {
    // A role that does not screen has no screening of its own: it tries another's.
    let screens = |u: &User| mosaique_domain::policy::screening::SCREENING_ROLES.contains(&u.role);
    let owner = match (row.relationship, users.get(row.who)) {
        ("own", Some(actor)) if screens(actor) => actor,
        (_, Some(actor)) if actor.role == Role::Coordinator => &users["caseworker"],
        _ => &users["coordinator"],
    };
    let stored = app
        .db
        .instrument("reperage-rapide", None)
        .await
        .unwrap()
        .unwrap();
    mosaique_store::testing::start_screening(&app.db, owner, &stored.instrument)
        .await
        .to_string()
}

/// A case for the `/cases/{id}` rows, set up for the row's relationship: held by the actor
/// (`lead`), or by another worker with the actor on the team with a consent covering them
/// (`member_consent`) or none (`member`), or without them (`none`). Returns the case, one
/// live consent on it, the id of the actor (or a stranger) for `{user}`, and an immigration
/// step for `{step}` and document for `{document}`.
async fn case_for(
    app: &TestApp,
    users: &HashMap<&str, User>,
    row: &Row<'_>,
) -> (String, String, String, String, String, String) {
    use mosaique_domain::case::{CaseRole, DataCategory, Party, Purpose, Recipient};
    use mosaique_store::testing::{add_to_case, consent_to, open_case, sample_case};
    let actor = users.get(row.who);
    let leads = |u: &User| matches!(u.role, Role::Coordinator | Role::Caseworker);
    let case_work = |u: &User| mosaique_domain::policy::case::CASE_ROLES.contains(&u.role);
    let lead = match (row.relationship, actor) {
        ("lead", Some(a)) if leads(a) => a,
        (_, Some(a)) if a.role == Role::Coordinator => &users["caseworker"],
        _ => &users["coordinator"],
    };
    let db = &app.db;
    let id = open_case(db, lead, &sample_case("Exemple — Matrice", "Nom Matrice")).await;
    let all = DataCategory::ALL;
    let member =
        actor.filter(|a| row.relationship.starts_with("member") && case_work(a) && a.id != lead.id);
    let consent = match member {
        Some(a) => {
            let police = a.role == Role::PoliceLiaison;
            let role = if police {
                CaseRole::Observer
            } else {
                CaseRole::TeamMember
            };
            add_to_case(db, lead, id, a, role).await;
            let purpose = if police {
                Purpose::PoliceDisclosure
            } else {
                Purpose::Services
            };
            let to = Recipient::Party(Party::of(a.org_id));
            match row.relationship {
                "member_consent" => consent_to(db, lead, id, purpose, to, all).await,
                // A consent that covers the lead only: the member sees no category.
                _ => {
                    let to = Recipient::Party(Party::of(lead.org_id));
                    consent_to(db, lead, id, Purpose::Services, to, all).await
                }
            }
        }
        None => {
            let to = Recipient::Party(Party::of(lead.org_id));
            consent_to(db, lead, id, Purpose::Services, to, all).await
        }
    };
    let user = actor.map_or_else(mosaique_domain::UserId::new, |a| a.id);
    let step = mosaique_domain::case::NewStep {
        kind: mosaique_domain::case::StepKind::TemporaryResidentPermit,
        status: mosaique_domain::case::StepStatus::InProgress,
        domain: None,
        title: "Matrice".into(),
        details: None,
        on: None,
        expires_on: None,
        assignee: None,
    };
    let write = mosaique_store::testing::case_permit(
        db,
        &mosaique_store::testing::signed_in(lead),
        mosaique_domain::policy::case::CaseAction::Write(DataCategory::Immigration),
        id,
    )
    .await;
    let mut tx = db.begin().await.unwrap();
    let step = tx.add_step(&write, &step).await.unwrap();
    tx.commit().await.unwrap();
    let document = mosaique_domain::case::NewDocument {
        category: DataCategory::Immigration,
        name: "permis.pdf".into(),
        bytes: b"%PDF-1.4 matrice".to_vec(),
    };
    let mut tx = db.begin().await.unwrap();
    let document = tx
        .add_document(&write, &document, mosaique_domain::case::DocumentType::Pdf)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let need = mosaique_domain::referral::NewNeed {
        domain: mosaique_domain::ServiceDomain::Health,
        urgency: mosaique_domain::referral::Urgency::Now,
        note: Some("Matrice".into()),
    };
    let write_health = mosaique_store::testing::case_permit(
        db,
        &mosaique_store::testing::signed_in(lead),
        mosaique_domain::policy::case::CaseAction::Write(DataCategory::Health),
        id,
    )
    .await;
    let mut tx = db.begin().await.unwrap();
    let need = tx.add_need(&write_health, &need).await.unwrap();
    tx.commit().await.unwrap();
    if row.path.contains("referrals/{id}") {
        // To the actor's own organization (`receiver`), or to another one.
        let to = match (row.relationship, actor.and_then(|a| a.org_id)) {
            ("receiver", Some(org)) => org,
            _ => db.organization_by_slug("cqtp").await.unwrap().unwrap().id,
        };
        let service =
            mosaique_store::testing::save_service(db, to, None, &matrix_service(), &[]).await;
        let to_party = Recipient::Party(Party::Organization(to));
        consent_to(db, lead, id, Purpose::Referral, to_party, all).await;
        let refer = mosaique_store::testing::case_permit(
            db,
            &mosaique_store::testing::signed_in(lead),
            mosaique_domain::policy::case::CaseAction::Refer,
            id,
        )
        .await;
        let receiving = db.receiving_service(service.id).await.unwrap().unwrap();
        let new = mosaique_domain::referral::NewReferral {
            service: service.id,
            needs: vec![need],
            to_user: None,
            send: true,
        };
        let mut tx = db.begin().await.unwrap();
        let referral = tx
            .refer(
                &refer,
                &new,
                &receiving,
                mosaique_domain::referral::Urgency::Now,
            )
            .await
            .unwrap();
        tx.commit().await.unwrap();
        return (
            referral.to_string(),
            consent.to_string(),
            user.to_string(),
            step.to_string(),
            document.to_string(),
            need.to_string(),
        );
    }
    (
        id.to_string(),
        consent.to_string(),
        user.to_string(),
        step.to_string(),
        document.to_string(),
        need.to_string(),
    )
}

/// An emergency access request waiting for a privacy officer: a coordinator asks about a
/// case the demo caseworker holds.
async fn emergency_request(app: &TestApp, users: &HashMap<&str, User>) -> String {
    use mosaique_domain::case::{CategorySet, NewEmergencyRequest};
    use mosaique_domain::policy::case::CaseAction;
    use mosaique_store::testing::{case_permit, open_case, sample_case, signed_in};
    let db = &app.db;
    let case = open_case(
        db,
        &users["caseworker"],
        &sample_case("Exemple — Urgence", "Nom"),
    )
    .await;
    let asker = &users["coordinator"];
    let ask = case_permit(
        db,
        &signed_in(asker),
        CaseAction::RequestEmergencyAccess,
        case,
    )
    .await;
    let mut tx = db.begin().await.unwrap();
    let id = tx
        .request_emergency(
            &ask,
            &NewEmergencyRequest {
                reason: "Matrice".into(),
                categories: CategorySet::all(),
                imminent: false,
            },
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

/// The demo coalition, one of its past meetings, one of its current memberships and one of
/// its actions, for the workspace's rows.
/// The demo coalition's id.
async fn demo_coalition(app: &TestApp) -> mosaique_domain::OrgId {
    app.db
        .organization_by_slug("cqtp")
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn workspace_ids(app: &TestApp) -> [String; 11] {
    use mosaique_domain::policy::coalition::{Workspace, WorkspaceAction};
    let coalition = demo_coalition(app).await;
    let view = mosaique_store::testing::permit(
        &mosaique_domain::policy::Principal::Operator,
        WorkspaceAction::View,
        Workspace {
            coalition,
            caller_is_member: false,
        },
    );
    let mut tx = app.db.begin().await.unwrap();
    let meetings = tx
        .meetings(
            &view,
            mosaique_domain::Timestamp(0),
            mosaique_domain::Timestamp(i64::MAX / 2),
        )
        .await
        .unwrap();
    let memberships = tx.memberships(&view).await.unwrap();
    let actions = tx.actions(&view).await.unwrap();
    let sessions = tx.training_sessions(&view).await.unwrap();
    let groups = tx.groups(&view).await.unwrap();
    let glossary = tx.glossary(&view).await.unwrap();
    let trainers = tx.trainers(&view).await.unwrap();
    let campaigns = tx.campaigns(&view).await.unwrap();
    let grants = tx.grants(&view).await.unwrap();
    let run = mosaique_store::testing::permit(
        &mosaique_domain::policy::Principal::Operator,
        WorkspaceAction::Run,
        Workspace {
            coalition,
            caller_is_member: false,
        },
    );
    let bulletins = tx.sent_bulletins(&run).await.unwrap();
    tx.commit().await.unwrap();
    let membership = memberships.iter().find(|m| m.left_on.is_none()).unwrap().id;
    [
        coalition.to_string(),
        meetings[0].id.to_string(),
        membership.to_string(),
        actions[0].id.to_string(),
        sessions[0].id.to_string(),
        groups[0].id.to_string(),
        glossary[0].id.to_string(),
        trainers[0].id.to_string(),
        campaigns[0].id.to_string(),
        grants[0].id.to_string(),
        bulletins[0].bulletin.id.to_string(),
    ]
}

/// A new members' file in the demo coalition's library, for each `/library/{resource}` and
/// `/api/v1/resources/{id}` row (a row may withdraw it).
async fn library_resource(app: &TestApp) -> String {
    use mosaique_domain::coalition::library::{
        Audience, NewFile, NewResource, ResourceLanguage, Theme, Visibility,
    };
    use mosaique_domain::policy::coalition::{Shelf, ShelfAction};
    let coalition = demo_coalition(app).await;
    let add = mosaique_store::testing::permit(
        &mosaique_domain::policy::Principal::Operator,
        ShelfAction::Add,
        Shelf {
            coalition,
            caller_is_member: false,
            visibility: Visibility::Members,
            owner: None,
        },
    );
    let checked = NewResource {
        title: mosaique_domain::Bilingual::new("Matrice".into(), "Matrix".into()),
        summary: mosaique_domain::Bilingual::new(String::new(), String::new()),
        audiences: vec![Audience::FrontLine],
        themes: vec![Theme::Coordination],
        visibility: Visibility::Members,
        language: ResourceLanguage::French,
        meeting: None,
        link: String::new(),
        file: Some(NewFile {
            name: "matrice.txt".into(),
            bytes: b"Matrice".to_vec(),
        }),
    }
    .check()
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let id = tx.add_resource(&add, &checked).await.unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

/// A live agreement, for the `/agreements/{id}` rows.
async fn agreement(app: &TestApp, users: &HashMap<&str, User>) -> String {
    use mosaique_domain::case::{CategorySet, NewAgreement, Recipient};
    use mosaique_domain::policy::case::{AgreementAction, Agreements};
    use mosaique_store::testing::{permit, signed_in};
    let manage = permit(
        &signed_in(&users["coalition_admin"]),
        AgreementAction::Manage,
        Agreements,
    );
    let new = NewAgreement {
        title: "Entente (matrice)".into(),
        purpose: "Matrice".into(),
        parties: vec![Recipient::Sector(mosaique_domain::Sector::Community)],
        categories: CategorySet::all(),
        starts_at: mosaique_domain::Timestamp(0),
        ends_at: None,
        document: String::new(),
    };
    let mut tx = app.db.begin().await.unwrap();
    let id = tx.record_agreement(&manage, &new).await.unwrap();
    tx.commit().await.unwrap();
    id.to_string()
}

/// How many refusals the audit trail records of this user.
async fn denials_of(app: &TestApp, user: &User) -> usize {
    mosaique_store::testing::audit_trail(&app.db, None, Some(user.id), 10_000)
        .await
        .iter()
        .filter(|e| e.outcome == "denied")
        .count()
}

app_test!(the_matrix_holds, |backend| {
    let app = TestApp::builder(backend).start().await;
    let mut cookies: HashMap<&str, String> = HashMap::new();
    let mut users = HashMap::new();
    for role in Role::ALL {
        cookies.insert(role.key(), app.sign_in(role).await);
        let email = mosaique_store::demo_accounts::demo_email(role);
        users.insert(
            role.key(),
            app.db.user_by_email(&email).await.unwrap().unwrap(),
        );
    }
    let mut failures = Vec::new();
    let mut audited_refusals = 0;
    for row in rows().iter() {
        let actor = users.get(row.who);
        // An organization administered: the one the org-bound demo roles belong to, or another.
        let administered = match row.relationship {
            "same_org" => "exemple-organisme-membre",
            _ => "cqtp",
        };
        let org_id = app
            .db
            .organization_by_slug(administered)
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut path = row.path.to_owned();
        if path.starts_with("/admin/services/{id}") {
            let service = mosaique_store::testing::save_service(
                &app.db,
                org_id,
                None,
                &matrix_service(),
                &[],
            )
            .await;
            path = path.replace("{id}", &service.id.to_string());
        }
        if path.contains("/locations/{id}") {
            let site =
                mosaique_store::testing::save_location(&app.db, org_id, None, &matrix_location())
                    .await;
            path = path.replace("{id}", &site.id.to_string());
        }
        if path.starts_with("/hsds/") && path.contains('{') {
            path = hsds_path(&app, &path).await;
        }
        let mut path = path
            .replace(
                "/admin/organizations/{slug}",
                &format!("/admin/organizations/{administered}"),
            )
            .replace("{slug}", "cqtp")
            .replace("/organizations/{id}", "/organizations/cqtp")
            .replace("{file}", "app.css")
            .replace("{*rest}", "nothing/here")
            .replace("{token}", &"0".repeat(64));
        if path.contains("/admin/users/{id}") {
            path = path.replace("{id}", &target(&app, actor, row.relationship).await);
        }
        if path.contains("/screening") && !path.contains("/cases/") && path.contains("{id}") {
            path = path.replace("{id}", &screening_of(&app, &users, row).await);
        }
        if path.starts_with("/referrals/{id}") || path.contains("/api/v1/referrals/{id}") {
            let (referral, ..) = case_for(&app, &users, row).await;
            path = path.replace("{id}", &referral);
        }
        if path.contains("/cases/{id}") {
            let (case, consent, user, step, document, need) = case_for(&app, &users, row).await;
            path = path
                .replace("{need}", &need)
                .replace("{id}", &case)
                .replace("{consent}", &consent)
                .replace("{user}", &user)
                .replace("{step}", &step)
                .replace("{category}", "contact")
                .replace("{document}", &document);
        }
        if path.contains("/admin/messages/{id}") {
            let send = mosaique_store::testing::permit(
                &mosaique_domain::policy::Principal::Anonymous,
                mosaique_domain::policy::contact::ContactAction::Send,
                mosaique_domain::policy::contact::CoalitionInbox,
            );
            let mut tx = app.db.begin().await.unwrap();
            let id = tx
                .add_contact_message(
                    &send,
                    mosaique_domain::contact::ContactTopic::Other,
                    &mosaique_domain::contact::ContactBody {
                        message: "Bonjour".into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            tx.commit().await.unwrap();
            path = path.replace("{id}", &id.to_string());
        }
        if path.contains("/coalitions/{id}")
            || path.contains("/meetings/{")
            || path.contains("/actions/{")
            || path.contains("/trainings/{")
            || path.contains("/groups/{")
            || path.contains("/glossary/{")
            || path.contains("/trainers/{")
            || path.contains("/campaigns/{")
            || path.contains("/grants/{")
            || path.contains("/bulletins/{")
        {
            let [
                coalition,
                meeting,
                membership,
                action,
                session,
                group,
                entry,
                trainer,
                campaign,
                grant,
                bulletin,
            ] = workspace_ids(&app).await;
            path = path
                .replace("/coalitions/{id}", &format!("/coalitions/{coalition}"))
                .replace("{membership}", &membership)
                .replace("/meetings/{meeting}", &format!("/meetings/{meeting}"))
                .replace("/meetings/{id}", &format!("/meetings/{meeting}"))
                .replace("/actions/{action}", &format!("/actions/{action}"))
                .replace("/actions/{id}", &format!("/actions/{action}"))
                .replace("/trainings/{id}", &format!("/trainings/{session}"))
                .replace("/groups/{group}", &format!("/groups/{group}"))
                .replace("/groups/{id}", &format!("/groups/{group}"))
                .replace("/glossary/{entry}", &format!("/glossary/{entry}"))
                .replace("/glossary/{id}", &format!("/glossary/{entry}"))
                .replace("/trainers/{trainer}", &format!("/trainers/{trainer}"))
                .replace("/trainers/{id}", &format!("/trainers/{trainer}"))
                .replace("/campaigns/{campaign}", &format!("/campaigns/{campaign}"))
                .replace("/campaigns/{id}", &format!("/campaigns/{campaign}"))
                .replace("/grants/{grant}", &format!("/grants/{grant}"))
                .replace("/grants/{id}", &format!("/grants/{grant}"))
                .replace("/bulletins/{bulletin}", &format!("/bulletins/{bulletin}"))
                .replace("/bulletins/{id}", &format!("/bulletins/{bulletin}"));
        }
        if path.contains("/library/{resource}") || path.contains("/api/v1/resources/{id}") {
            let resource = library_resource(&app).await;
            path = path
                .replace("{resource}", &resource)
                .replace("/resources/{id}", &format!("/resources/{resource}"));
        }
        if path.contains("/agreements/{id}") {
            path = path.replace("{id}", &agreement(&app, &users).await);
        }
        if path.contains("/emergency/{id}") {
            path = path
                .replace("{id}", &emergency_request(&app, &users).await)
                .replace("{decision}", "approve");
        }
        path = path.replace("{key}", "reperage-rapide");
        if path.contains("/services/{id}") {
            let any = app.db.all_services().await.unwrap();
            path = path.replace("{id}", &any[0].id.to_string());
        }
        let mut request = match row.method {
            "GET" => app.client.get(app.url(&path)),
            "POST" => app.client.post(app.url(&path)),
            "PUT" => app.client.put(app.url(&path)),
            "DELETE" => app.client.delete(app.url(&path)),
            other => panic!("method {other}"),
        };
        if let Some(cookie) = cookies.get(row.who) {
            request = request.header("cookie", cookie);
        }
        if row.method == "POST" && path == "/login" {
            request = request.form(&[
                ("email", format!("nobody-{}@matrix.example", row.who)),
                ("password", "x".into()),
            ]);
        } else if row.method == "POST" {
            request = request.form(&[("unused", "")]);
        }
        let refused = matches!(row.expected, 403 | 404);
        let watch = actor.filter(|_| row.personal && refused);
        let before = match watch {
            Some(user) => denials_of(&app, user).await,
            None => 0,
        };
        let status = request.send().await.unwrap().status().as_u16();
        let describe = |what: &str| {
            format!(
                "line {}: {} {} as {} ({}): {what}",
                row.line, row.method, row.path, row.who, row.relationship
            )
        };
        if status != row.expected {
            failures.push(describe(&format!(
                "expected {}, got {status}",
                row.expected
            )));
        }
        if let Some(user) = watch {
            if denials_of(&app, user).await > before {
                audited_refusals += 1;
            } else {
                failures.push(describe(
                    "refused without a `denied` entry on the audit trail",
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The check ran: the matrix refuses personal data to someone, row after row.
    assert!(audited_refusals > 40, "{audited_refusals}");
    app.stop().await;
});

/// The OpenAPI document says which operations need a signed-in caller, and the server agrees:
/// an operation carries the security requirement (and documents its 401) exactly when the
/// matrix has an anonymous caller refused with 401.
#[test]
fn the_api_document_says_which_operations_need_authentication() {
    let document: serde_json::Value =
        serde_json::from_str(&mosaique_web::openapi_json()).expect("the document is JSON");
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    let mut checked = 0;
    for row in rows()
        .iter()
        .filter(|r| r.who == "anonymous" && r.path.starts_with("/api/v1/"))
    {
        let operation = &document["paths"][row.path][row.method.to_lowercase()];
        assert!(
            operation.is_object(),
            "{} {} is not documented",
            row.method,
            row.path
        );
        let secured = operation["security"]
            .as_array()
            .is_some_and(|s| !s.is_empty());
        assert_eq!(
            secured,
            row.expected == 401,
            "{} {}: anonymous gets {}, the document says secured = {secured}",
            row.method,
            row.path,
            row.expected
        );
        assert_eq!(operation["responses"]["401"].is_object(), secured);
        checked += 1;
    }
    assert!(checked > 40, "only {checked} operations checked");
}
