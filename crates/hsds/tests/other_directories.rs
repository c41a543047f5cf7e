//! Other directories' HSDS data: the official HSDS 3.1 example package, read as it is
//! published, and feeds classified with other taxonomies, placed by the mapping.
#![allow(clippy::unwrap_used)] // A failed unwrap is a failed test, with its location.

use std::path::Path;

use mosaique_domain::{Language, ServiceDomain};
use mosaique_hsds::mapping::Mapping;
use mosaique_hsds::read::{ReadOptions, Reason, SourceFile, read, read_partial, write_report};
use serde_json::json;

fn options(mapping: Mapping) -> ReadOptions {
    ReadOptions {
        lang: Language::En,
        source: "test".into(),
        mapping,
    }
}

/// The official example package's CSV files, as Open Referral publishes them.
fn official_csv() -> Vec<SourceFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/hsds/examples/csv");
    let mut files: Vec<SourceFile> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "csv"))
        .map(|path| SourceFile {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(&path).unwrap(),
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

#[test]
fn the_official_example_package_imports_partially_with_exactly_its_known_defects() {
    let files = official_csv();
    // All or nothing: refused, naming every problem.
    let all = read(&files, &options(Mapping::defaults())).unwrap_err();
    // Partially: its organization comes in; what it cannot place is named, nothing dropped
    // silently. The example's only service names a site of another organization; that site
    // names an organization the package does not hold. The service is also classified with a
    // placeholder term (code "code", name "name") that no mapping places: that alone would
    // queue it to classify; with the bad site it is refused.
    let package = read_partial(&files, &options(Mapping::defaults())).unwrap();
    let found: Vec<(String, String)> = package
        .refused
        .iter()
        .map(|p| (p.at.clone(), format!("{:?}", p.reason)))
        .collect();
    assert_eq!(package.refused, all, "the same problems either way");
    assert_eq!(package.refused.len(), 3, "{found:#?}");
    assert!(
        package
            .refused
            .iter()
            .any(|p| p.at == "services.csv:2" && p.reason == Reason::NoDomain),
        "{found:#?}"
    );
    assert!(package.to_classify.is_empty());
    assert!(package.refused.iter().any(|p| p.at == "services.csv:2"
        && matches!(&p.reason, Reason::Dangling { field, .. } if field == "service_at_locations[].location_id")), "{found:#?}");
    assert!(
        package.refused.iter().any(|p| p.at == "locations.csv:2"
            && matches!(&p.reason, Reason::Dangling { field, .. } if field == "organization_id")),
        "{found:#?}"
    );
    assert_eq!(package.records.len(), 1);
    assert!(package.records[0].services.is_empty());
    assert_eq!(
        (
            package.refused_counts.organizations,
            package.refused_counts.locations,
            package.refused_counts.services
        ),
        (0, 1, 1)
    );

    // The report: a CSV that a spreadsheet (here, the csv crate's reader) reads back.
    let mut out = Vec::new();
    let refused = package.refused.iter();
    write_report(
        &mut out,
        ["where", "reason"],
        refused.map(|p| (p.at.clone(), p.reason.to_string())),
    )
    .unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    assert_eq!(reader.headers().unwrap(), vec!["where", "reason"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == 2 && !r[1].is_empty()));
}

/// A feed as a 211 region might publish it: terms of its own taxonomy, by code and name.
fn feed(terms: &[(&str, &str)]) -> Vec<SourceFile> {
    let services: Vec<_> = terms
        .iter()
        .enumerate()
        .map(|(n, (code, name))| {
            json!({
                "id": format!("7d0f6a3e-0000-4000-8000-{n:012}"),
                "name": format!("Service {n}"),
                "description": "A service of another directory.",
                "status": "active",
                "attributes": [{
                    "id": format!("7d0f6a3e-0001-4000-8000-{n:012}"),
                    "taxonomy_term": {
                        "id": format!("7d0f6a3e-0002-4000-8000-{n:012}"),
                        "code": code,
                        "name": name,
                        "taxonomy": "211"
                    }
                }]
            })
        })
        .collect();
    let organization = json!([{
        "id": "7d0f6a3e-0003-4000-8000-000000000000",
        "name": "Another directory's organization",
        "description": "Imported from elsewhere.",
        "services": services
    }]);
    vec![SourceFile {
        name: "organizations.json".into(),
        bytes: serde_json::to_vec(&organization).unwrap(),
    }]
}

#[test]
fn a_feed_with_another_taxonomys_codes_and_names_maps_into_domains() {
    let own = Mapping::parse(
        r#"
[[codes]]
code = "XQ-7000"
domain = "work"
term = "labour_standards_complaint"
[[names]]
name = "Aide juridique communautaire"
domain = "legal_aid"
"#,
    );
    // A coalition's own rule may name only a real domain and one of its terms.
    let own = own.unwrap_or_else(|problems| panic!("{problems:?}"));
    let mapping = Mapping::defaults().over(own);
    let package = read_partial(
        &feed(&[
            ("XQ-7000.1500-300", "Wage claims"),
            ("", "AIDE JURIDIQUE communautaire"),
            ("", "Emergency Shelter"),
            ("ZZ-1", "Nothing anyone maps"),
            // 211 codes from the committed defaults: exact, and deeper than any mapped code.
            ("BH-1800.1500-100", "Domestic Violence Shelters"),
            ("NL-6000.1234-567", "A public assistance program"),
        ]),
        &options(mapping),
    )
    .unwrap();
    let services = &package.records[0].services;
    let domains: Vec<Vec<ServiceDomain>> =
        services.iter().map(|(_, s, _)| s.domains.clone()).collect();
    assert_eq!(domains[0], [ServiceDomain::Work]);
    assert_eq!(services[0].1.terms, ["labour_standards_complaint"]);
    assert_eq!(domains[1], [ServiceDomain::LegalAid]);
    assert!(
        domains[2].contains(&ServiceDomain::HousingShortTerm),
        "{:?}",
        domains[2]
    );
    assert_eq!(domains[3], [ServiceDomain::HousingShortTerm]);
    assert_eq!(services[3].1.terms, ["violence_shelter"]);
    assert_eq!(domains[4], [ServiceDomain::MaterialNeeds]);
    // The fourth is not guessed: it waits for a coalition administrator, nothing refused.
    assert_eq!(services.len(), 5);
    assert!(package.refused.is_empty(), "{:?}", package.refused);
    assert_eq!(package.to_classify.len(), 1);
    let waiting = &package.to_classify[0];
    assert_eq!(waiting.service.name.en, "Service 3");
    assert_eq!(waiting.org, package.records[0].id);
    assert!(waiting.service.domains.is_empty());
}

#[test]
fn a_confidential_flag_that_is_not_a_boolean_refuses_the_site() {
    let package = |flag: serde_json::Value| {
        let organization = json!([{
            "id": "7d0f6a3e-0004-4000-8000-000000000000",
            "name": "A shelter's organization",
            "description": "Imported from elsewhere.",
            "locations": [{
                "id": "7d0f6a3e-0005-4000-8000-000000000000",
                "name": "The shelter",
                "location_type": "physical",
                "confidential": flag,
                "addresses": [{
                    "address_1": "1 rue Secrète",
                    "city": "Montréal",
                    "state_province": "QC",
                    "postal_code": "H2X 1Y4",
                    "country": "CA",
                    "address_type": "physical"
                }]
            }]
        }]);
        read_partial(
            &[SourceFile {
                name: "organizations.json".into(),
                bytes: serde_json::to_vec(&organization).unwrap(),
            }],
            &options(Mapping::defaults()),
        )
        .unwrap()
    };
    // Misread as "not confidential", the address would be published: refused instead.
    for flag in [json!("vrai"), json!("Y"), json!(2)] {
        let read = package(flag.clone());
        assert!(read.records[0].locations.is_empty(), "{flag}");
        assert!(
            read.refused.iter().any(|p| matches!(&p.reason,
                Reason::BadValue { field, .. } if field == "confidential")),
            "{flag}: {:?}",
            read.refused
        );
    }
    for (flag, confidential) in [
        (json!(" true "), true),
        (json!(true), true),
        (json!("oui"), true),
        (json!(false), false),
        (json!(null), false),
    ] {
        let read = package(flag.clone());
        assert!(read.refused.is_empty(), "{flag}: {:?}", read.refused);
        assert_eq!(
            read.records[0].locations[0].1.confidential, confidential,
            "{flag}"
        );
    }
}
