//! The engine against plain definitions: for random synthetic directories and random
//! queries, the indexed search (bitsets, grid runs, postings sought candidate by candidate
//! or read into a bitset, the typo neighbourhoods, the delta index) finds exactly what a
//! direct check of every service against every condition finds; and a snapshot changed in
//! place answers as one built afresh from the changed directory.

use std::collections::{BTreeMap, BTreeSet};

use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::directory::schedule::{local_time, open_at};
use mosaique_domain::service::{GenderServed, Location, NewLocation, Service, ServiceStatus};
use mosaique_domain::synthetic::{StoredDirectory, stored};
use mosaique_domain::text::fold;
use mosaique_domain::{Organization, Province, ServiceDomain, Timestamp};
use proptest::prelude::*;
use tantivy::tokenizer::{Language, TextAnalyzer, TokenStream};

use super::text::within_one_edit;
use super::*;
use crate::{analyzer, plain_analyzer};

const NOW: i64 = 1_795_000_000_000;

fn tokens(analyzer: &TextAnalyzer, text: &str) -> BTreeSet<String> {
    let mut analyzer = analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    let mut out = BTreeSet::new();
    while stream.advance() {
        out.insert(stream.token().text.clone());
    }
    out
}

/// What a service is, read directly from the directory.
struct Plain {
    service: Service,
    sites: Vec<Site>,
    provinces: Vec<Province>,
    regions: Vec<String>,
    cities: Vec<String>,
    fr: BTreeSet<String>,
    en: BTreeSet<String>,
    plain: BTreeSet<String>,
}

fn plain(directory: &StoredDirectory) -> Vec<Plain> {
    let (fr, en, folded) = (
        analyzer(Language::French),
        analyzer(Language::English),
        plain_analyzer(),
    );
    let orgs: BTreeMap<_, _> = directory.organizations.iter().map(|o| (o.id, o)).collect();
    directory
        .services
        .iter()
        .filter_map(|s| {
            let org = orgs.get(&s.org_id)?;
            let sites: Vec<Site> = s
                .location_ids
                .iter()
                .filter_map(|id| directory.locations.iter().find(|l| l.id == *id))
                .map(|l| Site {
                    city: l.city.clone(),
                    province: l.province,
                    region: l.region.clone(),
                    public: l.public_point(),
                })
                .collect();
            let (provinces, regions, cities) = coverage(&sites, &s.areas);
            let site_cities: Vec<&str> = sites.iter().map(|s| s.city.as_str()).collect();
            let TextDoc(text) = text_doc(s, &OrgNames::of(org), &site_cities);
            let join = |a: usize, b: usize| format!("{} {}", text[a], text[b]);
            Some(Plain {
                fr: tokens(&fr, &join(0, 2)),
                en: tokens(&en, &join(1, 3)),
                plain: tokens(&folded, &join(4, 5)),
                service: s.clone(),
                sites,
                provinces,
                regions,
                cities,
            })
        })
        .collect()
}

fn stem(analyzer: &TextAnalyzer, word: &str) -> Option<String> {
    tokens(analyzer, word).into_iter().next()
}

/// Every condition of the query, checked on one service.
fn matches(q: &ServiceQuery, p: &Plain) -> Option<Option<f64>> {
    let s = &p.service;
    let el = &s.eligibility;
    let (fr, en) = (analyzer(Language::French), analyzer(Language::English));
    for word in ServiceIndex::words(&q.text) {
        let chars: Vec<char> = word.chars().collect();
        let found = stem(&fr, &word).is_some_and(|t| p.fr.contains(&t))
            || stem(&en, &word).is_some_and(|t| p.en.contains(&t))
            || (chars.len() >= 5
                && p.plain
                    .iter()
                    .any(|t| within_one_edit(&chars, &t.chars().collect::<Vec<_>>())));
        if !found {
            return None;
        }
    }
    let ok = (q.any_status_of_service || s.status == ServiceStatus::Active)
        && (q.domains.is_empty() || q.domains.iter().any(|d| s.domains.contains(d)))
        && (q.terms.is_empty() || q.terms.iter().any(|t| s.terms.contains(t)))
        && q.organization.is_none_or(|o| o == s.org_id)
        && (!q.substance_use || el.substance_use)
        && (!q.any_status || el.any_status)
        && (!q.minors || el.minors)
        && (!q.dedicated || el.dedicated)
        && (!q.always_open || s.schedule.always_open)
        && q.gender.is_none_or(|g| el.accepts_gender(g))
        && q.age.is_none_or(|a| el.accepts_age(a))
        && q.language
            .as_ref()
            .is_none_or(|l| s.languages.contains(&l.to_ascii_lowercase()))
        && q.province.is_none_or(|x| p.provinces.contains(&x))
        && q.region.as_ref().is_none_or(|r| p.regions.contains(r));
    if !ok {
        return None;
    }
    if let Some(city) = &q.city {
        let place = gazetteer().place(city, q.province);
        let serves = p.cities.contains(&fold(city))
            || place.is_some_and(|pl| {
                pl.qc_region.as_ref().is_some_and(|r| p.regions.contains(r))
                    || (p.provinces.contains(&pl.province)
                        && p.cities.is_empty()
                        && p.regions.is_empty())
            });
        if !serves {
            return None;
        }
    }
    let open = s.schedule.always_open
        || jiff::tz::TimeZone::get(&s.schedule.time_zone)
            .ok()
            .and_then(|z| local_time(&z, q.now_ms))
            .is_some_and(|at| open_at(&s.schedule.rules(), at));
    if q.open_now && !open {
        return None;
    }
    let distance = q.near.and_then(|near| {
        p.sites
            .iter()
            .filter_map(|site| site.public)
            .map(|pt| pt.distance_km(near))
            .min_by(f64::total_cmp)
    });
    if let Some(r) = q.radius_km
        && q.near.is_some()
        && distance.is_none_or(|d| d > r)
    {
        return None;
    }
    Some(distance)
}

/// Words that occur in the synthetic directory, some misspelt, some absent.
const WORDS: &[&str] = &[
    "hebergement",
    "hebergment",
    "urgence",
    "shelter",
    "sheltr",
    "clinique",
    "cliniuqe",
    "legal",
    "juridique",
    "francisation",
    "travail",
    "travial",
    "immigration",
    "immigraton",
    "jeunesse",
    "food",
    "aide",
    "crisis",
    "zzzzzz",
    "refuge",
    "logement",
];
const PLACES: &[&str] = &[
    "Montréal",
    "Toronto",
    "Vancouver",
    "Québec",
    "Halifax",
    "Winnipeg",
];

/// Where a query measures from: a city, or one of the directory's own sites (where the
/// public may place it), so second sites are near some queries.
#[derive(Debug, Clone)]
enum From {
    City(&'static str),
    Site(usize),
}

fn near_of(d: &StoredDirectory, from: &From) -> Option<mosaique_domain::directory::geo::Point> {
    match from {
        From::City(name) => gazetteer().place(name, None).map(|p| p.point),
        From::Site(i) => d.locations[i % d.locations.len()].public_point(),
    }
}

fn queries(d: &StoredDirectory, raw: &[(ServiceQuery, Option<From>)]) -> Vec<ServiceQuery> {
    raw.iter()
        .map(|(q, from)| ServiceQuery {
            near: from.as_ref().and_then(|f| near_of(d, f)),
            ..q.clone()
        })
        .collect()
}

fn query() -> impl Strategy<Value = (ServiceQuery, Option<From>)> {
    (
        proptest::collection::vec(proptest::sample::select(WORDS), 0..3),
        proptest::collection::vec(proptest::sample::select(ServiceDomain::ALL), 0..2),
        any::<[bool; 7]>(),
        proptest::option::of(prop_oneof![
            proptest::sample::select(PLACES).prop_map(From::City),
            any::<usize>().prop_map(From::Site),
        ]),
        proptest::option::of(prop_oneof![Just(5.0), Just(25.0), Just(100.0), Just(900.0)]),
        proptest::option::of(proptest::sample::select(
            &[Province::Qc, Province::On, Province::Bc][..],
        )),
        proptest::option::of(proptest::sample::select(&["fr", "en", "es", "ar"][..])),
        proptest::option::of(prop_oneof![
            Just(GenderServed::Women),
            Just(GenderServed::Men),
            Just(GenderServed::GenderDiverse)
        ]),
        proptest::option::of(0u8..80),
        0i64..(7 * 24 * 60),
        prop_oneof![
            Just(Sort::Relevance),
            Just(Sort::Distance),
            Just(Sort::Name)
        ],
    )
        .prop_map(
            |(
                words,
                domains,
                flags,
                from,
                radius,
                province,
                language,
                gender,
                age,
                minute,
                sort,
            )| {
                let q = ServiceQuery {
                    text: words.join(" "),
                    domains,
                    open_now: flags[0],
                    always_open: flags[1] && flags[2],
                    substance_use: flags[2],
                    any_status: flags[3],
                    minors: flags[4] && flags[5],
                    any_status_of_service: flags[6],
                    radius_km: radius,
                    province,
                    language: language.map(str::to_owned),
                    gender,
                    age,
                    sort,
                    now_ms: NOW + minute * 60_000,
                    limit: 500,
                    ..ServiceQuery::default()
                };
                (q, from)
            },
        )
}

fn check(index: &ServiceIndex, plain: &[Plain], q: &ServiceQuery) -> Result<(), TestCaseError> {
    let results = index.search(q).expect("search");
    let expected: BTreeMap<ServiceId, Option<f64>> = plain
        .iter()
        .filter_map(|p| matches(q, p).map(|d| (p.service.id, d)))
        .collect();
    let found: BTreeMap<ServiceId, Option<f64>> = results
        .hits
        .iter()
        .map(|h| (h.service.id, h.distance_km))
        .collect();
    prop_assert_eq!(results.total, expected.len(), "total for {:?}", q);
    prop_assert_eq!(
        found.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "services for {:?}",
        q
    );
    for (id, d) in &found {
        let want = expected[id];
        prop_assert!(
            match (d, want) {
                (Some(a), Some(b)) => (a - b).abs() < 1e-6,
                (None, None) => true,
                _ => false,
            },
            "distance of {} for {:?}",
            id,
            q
        );
    }
    if q.sort == Sort::Distance {
        let distances: Vec<f64> = results.hits.iter().filter_map(|h| h.distance_km).collect();
        prop_assert!(
            distances.windows(2).all(|w| w[0] <= w[1] + 1e-9),
            "sorted by distance"
        );
    }
    let domains: usize = results.facets.domains.iter().map(|(_, n)| n).sum();
    let expected_domains: usize = plain
        .iter()
        .filter(|p| expected.contains_key(&p.service.id))
        .map(|p| p.service.domains.len())
        .sum();
    prop_assert_eq!(domains, expected_domains, "domain facets for {:?}", q);
    Ok(())
}

fn directory_of(seed: u64) -> StoredDirectory {
    stored(seed, 40, 400, Timestamp::from_millis(NOW))
}

/// Edits a directory as people do between two refreshes: a renamed service, a closed one,
/// a new one, a renamed organization, a moved site.
fn edit(
    d: &StoredDirectory,
    seed: u64,
) -> (
    StoredDirectory,
    Vec<Service>,
    Vec<Organization>,
    Vec<Location>,
) {
    let mut rng = mosaique_domain::synthetic::Rng::new(seed);
    let mut next = d.clone();
    let n = next.services.len();
    let renamed = rng.below(n);
    next.services[renamed].name =
        Bilingual::new("Halte zanzibarite".into(), "Zanzibari drop-in".into());
    let closed = rng.below(n);
    next.services[closed].status = ServiceStatus::TemporarilyClosed;
    next.services[closed].eligibility.substance_use =
        !next.services[closed].eligibility.substance_use;
    let mut added = next.services[rng.below(n)].clone();
    added.id = ServiceId::new();
    added.name.fr = "Refuge nouveau".into();
    added.domains = vec![ServiceDomain::HousingShortTerm, ServiceDomain::Health];
    next.services.push(added.clone());
    let org = rng.below(next.organizations.len());
    next.organizations[org].name.fr = "Collectif Aurore boréale".into();
    // A site some service uses, so the move matters.
    let used = next.services[rng.below(n)].location_ids.first().copied();
    let site = next
        .locations
        .iter()
        .position(|l| Some(l.id) == used)
        .unwrap_or(0);
    let halifax = gazetteer().place("Halifax", None).expect("Halifax");
    let moved = &next.locations[site];
    let given = NewLocation {
        name: moved.name.clone(),
        address: "1, rue Synthétique".into(),
        city: "Halifax".into(),
        province: Province::Ns,
        postal_code: String::new(),
        point: Some(halifax.point),
        confidential: moved.confidential,
    };
    next.locations[site] = Location::new(moved.id, moved.org_id, given, None, moved.updated_at);
    let services = vec![
        next.services[renamed].clone(),
        next.services[closed].clone(),
        added,
    ];
    (
        next.clone(),
        services,
        vec![next.organizations[org].clone()],
        vec![next.locations[site].clone()],
    )
}

fn build(d: &StoredDirectory) -> ServiceIndex {
    ServiceIndex::build(d.services.clone(), &d.organizations, &d.locations, 1).expect("build")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn search_finds_what_a_direct_check_finds(seed in 0u64..4, raw in proptest::collection::vec(query(), 8)) {
        let d = directory_of(seed);
        let index = build(&d);
        let p = plain(&d);
        for q in &queries(&d, &raw) {
            check(&index, &p, q)?;
        }
    }

    #[test]
    fn a_snapshot_changed_in_place_answers_as_a_fresh_one(seed in 0u64..4, raw in proptest::collection::vec(query(), 8)) {
        let d = directory_of(seed);
        let (next, services, organizations, locations) = edit(&d, seed);
        let applied = build(&d)
            .apply(services, &organizations, &locations, 2)
            .expect("apply")
            .expect("in place");
        prop_assert!(applied.delta_len() > 0);
        let p = plain(&next);
        let extra = [
            ServiceQuery { text: "zanzibarite".into(), limit: 500, now_ms: NOW, ..ServiceQuery::default() },
            ServiceQuery { text: "aurore".into(), limit: 500, now_ms: NOW, ..ServiceQuery::default() },
            ServiceQuery { text: "nouveau".into(), limit: 500, now_ms: NOW, ..ServiceQuery::default() },
            ServiceQuery {
                near: Some(gazetteer().place("Halifax", None).expect("Halifax").point),
                radius_km: Some(10.0),
                limit: 500,
                now_ms: NOW,
                ..ServiceQuery::default()
            },
        ];
        for q in queries(&next, &raw).iter().chain(&extra) {
            check(&applied, &p, q)?;
        }
        both_ways_agree(&applied);
    }
}

/// The two ways of matching words (candidate by candidate, posting by posting into a
/// bitset) agree: the national-scale path is taken past `TEXT_FIRST_ABOVE` candidates,
/// which these small directories never reach, so both are run here directly.
#[test]
fn both_ways_of_matching_words_agree() {
    both_ways_agree(&build(&directory_of(7)));
}

fn both_ways_agree(index: &ServiceIndex) {
    for text in [
        "hebergement",
        "sheltr urgence",
        "juridique",
        "zzzzzz",
        "aide travail",
        "zanzibarite",
        "aurore",
    ] {
        let folded = ServiceIndex::words(text);
        let words = index.text.words(&folded).expect("words");
        let bitset: Vec<u32> = index
            .text
            .matching(&words)
            .expect("matching")
            .ones()
            .collect();
        let mut matcher = index.text.matcher(&words, false).expect("matcher");
        let mut sought = Vec::new();
        for e in 0..index.len() as u32 {
            if matcher.score(e).expect("score").is_some() {
                sought.push(e);
            }
        }
        assert_eq!(bitset, sought, "{text}");
    }
}
