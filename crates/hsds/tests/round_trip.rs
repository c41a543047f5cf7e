//! The HSDS publication read back: JSON and CSV packages give the directory they came from,
//! confidential sites never leave, and bad packages are refused with their exact place and
//! reason. No database: the store's part (all or nothing) is tested in the CLI tests.

use std::collections::HashMap;

use mosaique_domain::directory::schedule::Schedule;
use mosaique_domain::service::{
    Location, NewLocation, NewService, Service, ServiceArea, ServiceAreaKind,
};
use mosaique_domain::synthetic::directory;
use mosaique_domain::{
    Language, LocationId, Mandate, OrgDetails, OrgId, Organization, ServiceId, Timestamp,
};
use mosaique_hsds::Texts;
use mosaique_hsds::publish::Publication;
use mosaique_hsds::read::{Problem, ReadOptions, Reason, SourceFile, read};
use mosaique_hsds::tabular::to_csv;
use proptest::prelude::*;
use serde_json::Value;

/// Words are not under test here: the key and its arguments are enough.
struct KeyTexts;

impl Texts for KeyTexts {
    fn text(&self, lang: Language, key: &str, args: &[(&'static str, String)]) -> String {
        let args: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}:{key}({})", lang.code(), args.join(","))
    }
}

/// A synthetic directory with ids, as the store would hold it.
struct Fixture {
    organizations: Vec<Organization>,
    locations: Vec<Location>,
    services: Vec<Service>,
    new_services: HashMap<ServiceId, NewService>,
    new_locations: HashMap<LocationId, NewLocation>,
}

fn fixture(seed: u64, organizations: usize, services: usize) -> Fixture {
    let at = Timestamp::from_millis(1_780_000_000_000);
    let mut f = Fixture {
        organizations: Vec::new(),
        locations: Vec::new(),
        services: Vec::new(),
        new_services: HashMap::new(),
        new_locations: HashMap::new(),
    };
    for (n, o) in directory(seed, organizations, services)
        .into_iter()
        .enumerate()
    {
        // Every other organization says how it is constituted, what it does and how to reach it.
        let details = if n % 2 == 0 {
            OrgDetails {
                formal: Some(n % 4 == 0),
                mandates: vec![Mandate::DirectServices, Mandate::Referrals],
                website: format!("https://exemple.org/{n}"),
                email: format!("info{n}@exemple.org"),
                phone: format!("514-555-01{:02}", n % 100),
                areas: vec![ServiceArea {
                    kind: ServiceAreaKind::Region,
                    code: "06".into(),
                }],
                ..OrgDetails::default()
            }
        } else {
            OrgDetails::default()
        };
        let n = o.organization;
        let org = Organization {
            id: OrgId::new(),
            slug: n.slug,
            name: n.name,
            description: n.description,
            province: n.province,
            level: n.level,
            sector: n.sector,
            founded_year: n.founded_year,
            is_coalition: n.is_coalition,
            source: n.source,
            details,
            created_at: at,
            updated_at: at,
        };
        let ids: Vec<LocationId> = o.locations.iter().map(|_| LocationId::new()).collect();
        for (l, id) in o.locations.into_iter().zip(&ids) {
            f.locations
                .push(Location::new(*id, org.id, l.clone(), Some("06".into()), at));
            f.new_locations.insert(*id, l);
        }
        for (s, sites) in o.services {
            let id = ServiceId::new();
            f.services.push(Service {
                id,
                org_id: org.id,
                name: s.name.clone(),
                description: s.description.clone(),
                status: s.status,
                domains: s.domains.clone(),
                terms: s.terms.clone(),
                eligibility: s.eligibility.clone(),
                languages: s.languages.clone(),
                cost: s.cost,
                access: s.access,
                schedule: s.schedule.clone(),
                capacity: None,
                wait_days: s.wait_days,
                phone: s.phone.clone(),
                email: s.email.clone(),
                website: s.website.clone(),
                areas: s.areas.clone(),
                location_ids: sites.iter().map(|i| ids[*i]).collect(),
                reviewed_at: at,
                created_at: at,
                updated_at: at,
            });
            f.new_services.insert(id, s);
        }
        f.organizations.push(org);
    }
    f
}

fn publish(f: &Fixture, lang: Language, include_redacted: bool) -> Vec<Value> {
    let p = Publication {
        lang,
        now: Timestamp::from_millis(1_780_000_000_000),
        include_redacted,
        texts: &KeyTexts,
    };
    let by_id: HashMap<LocationId, &Location> = f.locations.iter().map(|l| (l.id, l)).collect();
    f.organizations
        .iter()
        .map(|o| {
            let own: Vec<&Location> = f.locations.iter().filter(|l| l.org_id == o.id).collect();
            let offered: Vec<(&Service, Vec<&Location>)> = f
                .services
                .iter()
                .filter(|s| s.org_id == o.id)
                .map(|s| (s, s.location_ids.iter().map(|id| by_id[id]).collect()))
                .collect();
            p.organization_full(o, &own, &offered)
        })
        .collect()
}

fn options(lang: Language) -> ReadOptions {
    ReadOptions {
        lang,
        source: "test".into(),
        mapping: mosaique_hsds::mapping::Mapping::defaults(),
    }
}

fn file(name: &str, text: impl Into<Vec<u8>>) -> SourceFile {
    SourceFile {
        name: name.into(),
        bytes: text.into(),
    }
}

/// A schedule as HSDS can carry it: without hours, the zone has nowhere to go.
fn comparable(mut s: NewService) -> NewService {
    if s.schedule.hours.is_empty() && !s.schedule.always_open {
        s.schedule = Schedule::default();
    }
    s
}

fn assert_same_directory(f: &Fixture, files: &[SourceFile], lang: Language) {
    let package = read(files, &options(lang)).unwrap_or_else(|p| panic!("{p:#?}"));
    let mut services = 0;
    for record in &package.records {
        let org = f
            .organizations
            .iter()
            .find(|o| o.id == record.id)
            .expect("organization kept its id");
        assert_eq!(record.organization.name, org.name);
        assert_eq!(record.organization.description.en, org.description.en);
        assert_eq!(record.organization.details, org.details);
        assert_eq!(
            (
                record.organization.province,
                record.organization.level,
                record.organization.sector
            ),
            (org.province, org.level, org.sector)
        );
        for (id, location) in &record.locations {
            let mut expected = f.new_locations[id].clone();
            assert!(!expected.confidential, "a confidential site was published");
            expected.postal_code = expected.postal_code.to_uppercase();
            // Coordinates are stored in microdegrees: compare at that precision.
            let micro = |l: &NewLocation| {
                l.point
                    .map(|p| ((p.lat * 1e6).round(), (p.lon * 1e6).round()))
            };
            assert_eq!(micro(location), micro(&expected));
            expected.point = location.point;
            assert_eq!(location, &expected);
        }
        for (id, service, sites) in &record.services {
            services += 1;
            assert_eq!(
                comparable(service.clone()),
                comparable(f.new_services[id].clone())
            );
            let published_sites: Vec<LocationId> =
                sites.iter().map(|i| record.locations[*i].0).collect();
            let stored = f.services.iter().find(|s| s.id == *id).expect("service");
            let public: Vec<LocationId> = stored
                .location_ids
                .iter()
                .copied()
                .filter(|l| !f.new_locations[l].confidential)
                .collect();
            assert_eq!(published_sites, public, "sites of {}", service.name.fr);
        }
    }
    assert_eq!(services, f.services.len());
    assert_eq!(package.records.len(), f.organizations.len());
}

#[test]
fn a_json_package_reads_back_as_the_directory_it_came_from() {
    let f = fixture(7, 40, 160);
    assert!(
        f.locations.iter().any(|l| l.confidential),
        "the fixture has shelters"
    );
    for lang in [Language::Fr, Language::En] {
        let text = serde_json::to_string(&publish(&f, lang, false)).expect("json");
        assert_same_directory(&f, &[file("organizations.json", text)], lang);
        // Redacted sites are skipped on the way in: their address was withheld on purpose.
        let text = serde_json::to_string(&publish(&f, lang, true)).expect("json");
        assert_same_directory(&f, &[file("organizations.json", text)], lang);
    }
}

fn csv_files(f: &Fixture, lang: Language) -> Vec<SourceFile> {
    to_csv(&publish(f, lang, false))
        .expect("csv")
        .into_iter()
        .map(|(path, text)| file(&path, text))
        .collect()
}

#[test]
fn a_csv_package_reads_back_as_the_directory_it_came_from() {
    let f = fixture(11, 30, 120);
    for lang in [Language::Fr, Language::En] {
        assert_same_directory(&f, &csv_files(&f, lang), lang);
    }
}

#[test]
fn confidential_sites_never_leave_in_any_outlet() {
    let f = fixture(3, 40, 200);
    // The sites as their editors typed them, exact addresses included.
    let typed: Vec<&NewLocation> = f.new_locations.values().collect();
    let secrets: Vec<String> = typed
        .iter()
        .filter(|l| l.confidential)
        .flat_map(|l| {
            let mut s = vec![l.address.clone(), l.postal_code.clone()];
            if let Some(p) = l.point {
                s.push(p.lat.to_string());
                s.push(p.lon.to_string());
            }
            s
        })
        .filter(|s| s.len() > 3)
        // Synthetic streets repeat: only what no public site also has is a secret.
        .filter(|s| {
            !typed.iter().any(|l| {
                !l.confidential
                    && (l.address == *s
                        || l.postal_code == *s
                        || l.point
                            .is_some_and(|p| p.lat.to_string() == *s || p.lon.to_string() == *s))
            })
        })
        .collect();
    assert!(!secrets.is_empty());
    for redacted in [false, true] {
        for lang in [Language::Fr, Language::En] {
            let published = publish(&f, lang, redacted);
            // Every value of every outlet, whole (a street number inside another is no leak).
            let mut values = std::collections::HashSet::new();
            fn leaves(v: &Value, out: &mut std::collections::HashSet<String>) {
                match v {
                    Value::Array(a) => a.iter().for_each(|x| leaves(x, out)),
                    Value::Object(o) => o.values().for_each(|x| leaves(x, out)),
                    Value::String(s) => {
                        out.insert(s.clone());
                    }
                    other => {
                        out.insert(other.to_string());
                    }
                }
            }
            published.iter().for_each(|o| leaves(o, &mut values));
            for (_, text) in to_csv(&published).expect("csv") {
                let mut reader = csv::Reader::from_reader(text.as_bytes());
                for record in reader.records() {
                    values.extend(record.expect("csv").iter().map(str::to_owned));
                }
            }
            for secret in &secrets {
                assert!(!values.contains(secret), "{secret} leaked");
            }
        }
    }
}

fn problems(files: &[SourceFile]) -> Vec<Problem> {
    match read(files, &options(Language::Fr)) {
        Ok(_) => panic!("accepted"),
        Err(p) => p,
    }
}

#[test]
fn bad_packages_are_refused_with_the_place_and_the_reason() {
    let f = fixture(5, 3, 6);
    let good = csv_files(&f, Language::Fr);
    let with = |name: &str, edit: &dyn Fn(String) -> Vec<u8>| -> Vec<SourceFile> {
        good.iter()
            .map(|s| {
                if s.name == name {
                    file(
                        name,
                        edit(String::from_utf8(s.bytes.clone()).expect("utf-8")),
                    )
                } else {
                    s.clone()
                }
            })
            .collect()
    };
    let first_row = |text: &str| text.lines().nth(1).expect("a row").to_owned();

    // Windows-1252: the first accent is named, with its line.
    let p = problems(&with("organizations.csv", &|t| {
        format!("{}\n", t.lines().next().expect("header"))
            .into_bytes()
            .into_iter()
            .chain(b"0,caf\xe9\n".iter().copied())
            .collect()
    }));
    assert_eq!(p[0].at, "organizations.csv:2");
    assert!(matches!(
        p[0].reason,
        Reason::NotUtf8 {
            windows_1252: true,
            ..
        }
    ));

    // A duplicate row: the second is named, with where the first was.
    let p = problems(&with("services.csv", &|t| {
        let row = first_row(&t);
        format!("{t}{row}\n").into_bytes()
    }));
    let rows = good
        .iter()
        .find(|s| s.name == "services.csv")
        .map_or(0, |s| String::from_utf8_lossy(&s.bytes).lines().count());
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].at, format!("services.csv:{}", rows + 1));
    assert!(matches!(&p[0].reason, Reason::Duplicate { first, .. } if first == "services.csv:2"));

    // Spreadsheets end lines with CRLF: the lines named are the same.
    let p = problems(&with("services.csv", &|t| {
        let row = first_row(&t);
        format!("{t}{row}\n").replace('\n', "\r\n").into_bytes()
    }));
    assert_eq!(p[0].at, format!("services.csv:{}", rows + 1));
    assert!(matches!(&p[0].reason, Reason::Duplicate { first, .. } if first == "services.csv:2"));

    // A dangling reference.
    let p = problems(&with("services.csv", &|t| {
        let row = first_row(&t).replacen(
            &first_row(&t)[..36],
            "3f2a4e1c-0000-4000-8000-000000000001",
            1,
        );
        let mut cells: Vec<String> = row.split(',').map(str::to_owned).collect();
        cells[1] = "3f2a4e1c-0000-4000-8000-000000000002".into();
        format!("{t}{}\n", cells.join(",")).into_bytes()
    }));
    assert!(
        p.iter().any(
            |p| matches!(&p.reason, Reason::Dangling { field, .. } if field == "organization_id")
        ),
        "{p:?}"
    );

    // Malformed CSV: an unterminated quote on its line.
    let p = problems(&with("phones.csv", &|t| {
        format!("{t}\"open,quote\n").into_bytes()
    }));
    assert!(matches!(p[0].reason, Reason::BadCsv(_)), "{p:?}");
    assert!(p[0].at.starts_with("phones.csv:"));

    // A huge field.
    let p = problems(&with("services.csv", &|t| {
        let row = first_row(&t);
        let id = &row[..36];
        let huge = "x".repeat(mosaique_hsds::read::FIELD_MAX + 1);
        format!(
            "{t}{},{huge}\n",
            row.replacen(id, "3f2a4e1c-0000-4000-8000-000000000003", 1)
        )
        .into_bytes()
    }));
    assert!(
        p.iter()
            .any(|p| matches!(p.reason, Reason::BadCsv(_) | Reason::TooLong { .. })),
        "{p:?}"
    );

    // JSON: a syntax error with line and column; a bad status and a missing domain by path.
    let p = problems(&[file("organizations.json", "[{\"id\": \"x\"")]);
    assert!(p[0].at.starts_with("organizations.json:1:"), "{p:?}");
    let mut orgs = publish(&f, Language::Fr, false);
    orgs[0]["services"][0]["status"] = "paused".into();
    orgs[0]["services"][0]
        .as_object_mut()
        .map(|s| s.remove("mosaique_domains"));
    orgs[0]["services"][0]
        .as_object_mut()
        .map(|s| s.remove("attributes"));
    let p = problems(&[file(
        "organizations.json",
        serde_json::to_string(&orgs).expect("json"),
    )]);
    assert!(
        p.iter().any(|p| p.at == "organizations.json[0].services[0]"
            && matches!(&p.reason, Reason::BadValue { field, .. } if field == "status")),
        "{p:?}"
    );
    assert!(p.iter().any(|p| p.reason == Reason::NoDomain), "{p:?}");
    assert_eq!(problems(&[])[0].reason, Reason::Empty);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes, as any file of a package, give records or problems: never a panic.
    #[test]
    fn any_bytes_are_read_without_panicking(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        name in prop::sample::select(vec!["organizations.json", "services.json", "services.csv", "organizations.csv", "locations.csv", "service_at_location.csv", "attributes.csv"]),
    ) {
        let _ = read(&[file(name, bytes)], &options(Language::En));
    }

    /// Text shaped like a package (brackets, quotes, commas, ids) goes deeper into the reader.
    #[test]
    fn package_shaped_text_is_read_without_panicking(
        text in r#"(\[|\{|"id"|"services"|"locations"|"status"|"mosaique_domains"|"active"|:|,|\]|\}|"[a-z_]{0,8}"|[0-9]{1,3}|null|true|"3f2a4e1c-0000-4000-8000-00000000000[0-9]"){0,60}"#,
    ) {
        let _ = read(&[file("organizations.json", text.clone())], &options(Language::Fr));
        let csv = text.replace(':', ",").replace('}', "\n");
        let _ = read(&[file("services.csv", format!("id,organization_id,name,status\n{csv}"))], &options(Language::Fr));
    }
}
