//! The service search: one engine for the pages and `GET /api/v1/services`. Text goes
//! through tantivy (French and English analyzers, folding, stemming, one typo allowed on
//! words of five letters or more); filters, distance, facets and sorting run over columns
//! kept beside the index, so a query over a national directory stays in milliseconds.

use std::collections::{BTreeMap, HashMap};

use mosaique_domain::directory::geo::Point;
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::directory::schedule::{LocalTime, Rule, local_time, open_at};
use mosaique_domain::directory::taxonomy::taxonomy;
use mosaique_domain::service::{
    GenderServed, Location, Service, ServiceArea, ServiceAreaKind, ServiceStatus,
};
use mosaique_domain::text::fold;
use mosaique_domain::{Language as Lang, LocationId, OrgId, Organization, Province, ServiceDomain};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema};
use tantivy::tokenizer::{Language, TextAnalyzer, TokenStream};
use tantivy::{DocId, IndexReader, ReloadPolicy, Score, SegmentReader, TantivyDocument, Term};

use crate::{
    ENGLISH, FRENCH, PLAIN, SearchError, WRITER_MEMORY, analyzer, index_in_ram, text_options,
};

/// Longest query kept: a pasted paragraph is cut, not refused.
const MAX_QUERY_WORDS: usize = 12;
/// Words shorter than this must match exactly; longer ones may have one typo.
const FUZZY_MIN_LETTERS: usize = 5;

/// Where a service is, as this index may use it: a confidential site's point is replaced by
/// its city's centre unless the caller may see exact locations.
#[derive(Debug, Clone)]
struct Site {
    city: String,
    province: Province,
    region: Option<String>,
    exact: Option<Point>,
    public: Option<Point>,
}

/// An organization's names, shared by the entries of all its services.
#[derive(Debug)]
struct OrgNames {
    slug: String,
    name_fr: String,
    name_en: String,
}

#[derive(Debug)]
struct Entry {
    /// Folded names, for sorting by name without folding at query time.
    sort_fr: String,
    sort_en: String,
    service: Service,
    /// The service's sites, as positions in the snapshot's one list of locations (a site
    /// shared by several services is stored once).
    locations: Vec<u32>,
    org: std::sync::Arc<OrgNames>,
    sites: Vec<Site>,
    domains: u16,
    provinces: Vec<Province>,
    regions: Vec<String>,
    /// Folded municipality names: locations and municipal service areas.
    cities: Vec<String>,
    tz: Option<usize>,
    rules: Vec<Rule>,
}

/// Where a service is, for place filters: provinces, Québec regions and folded town names,
/// from its sites and its service areas.
fn coverage(sites: &[Site], areas: &[ServiceArea]) -> (Vec<Province>, Vec<String>, Vec<String>) {
    let places = gazetteer();
    let mut provinces: Vec<Province> = sites.iter().map(|s| s.province).collect();
    let mut regions: Vec<String> = sites.iter().filter_map(|s| s.region.clone()).collect();
    let mut cities: Vec<String> = sites.iter().map(|s| fold(&s.city)).collect();
    for area in areas {
        match area.kind {
            ServiceAreaKind::Province => provinces.extend(area.code.parse::<Province>().ok()),
            ServiceAreaKind::Region => {
                regions.push(area.code.clone());
                provinces.push(Province::Qc);
            }
            ServiceAreaKind::Municipality => {
                cities.push(fold(&area.code));
                if let Some(p) = places.place(&area.code, None) {
                    provinces.push(p.province);
                    regions.extend(p.qc_region.clone());
                }
            }
        }
    }
    provinces.sort();
    provinces.dedup();
    regions.sort();
    regions.dedup();
    cities.sort();
    cities.dedup();
    (provinces, regions, cities)
}

/// A search request. Every filter narrows (boolean AND); within `domains` and `terms`, any
/// listed value matches.
#[derive(Debug, Clone, Default)]
pub struct ServiceQuery {
    pub text: String,
    pub domains: Vec<ServiceDomain>,
    pub terms: Vec<String>,
    pub province: Option<Province>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub open_now: bool,
    pub always_open: bool,
    pub substance_use: bool,
    pub any_status: bool,
    pub minors: bool,
    pub dedicated: bool,
    pub language: Option<String>,
    pub gender: Option<GenderServed>,
    pub age: Option<u8>,
    pub organization: Option<OrgId>,
    /// Include inactive and temporarily closed services (editors' views).
    pub any_status_of_service: bool,
    pub near: Option<Point>,
    pub radius_km: Option<f64>,
    pub sort: Sort,
    /// The caller may use confidential sites' exact coordinates for distances.
    pub exact_locations: bool,
    pub now_ms: i64,
    pub language_of_names: Lang,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best text match first; without text, open now and nearest first, then by name.
    #[default]
    Relevance,
    Distance,
    Name,
}

/// Why a result is in the list, to show beside it.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// A searched word found in the name (or, `false`, elsewhere: description, terms…).
    Word {
        word: String,
        in_name: bool,
    },
    Domain(ServiceDomain),
    OpenNow,
    AlwaysOpen,
    SubstanceUse,
    AnyStatus,
    Minors,
    Dedicated,
    Language(String),
    /// The distance to the nearest site.
    Distance(f64),
    /// Serves the place asked for (by a site there or by its service area).
    Serves(String),
}

#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub service: &'a Service,
    /// Its locations, unredacted: the caller decides what a reader may see.
    pub locations: Vec<&'a Location>,
    pub org_slug: &'a str,
    pub org_name_fr: &'a str,
    pub org_name_en: &'a str,
    pub distance_km: Option<f64>,
    pub open_now: bool,
    pub reasons: Vec<Reason>,
}

/// Counts over every result (not only the page), to narrow a search further.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub domains: Vec<(ServiceDomain, usize)>,
    pub provinces: Vec<(Province, usize)>,
    pub languages: Vec<(String, usize)>,
    pub open_now: usize,
    pub always_open: usize,
    pub substance_use: usize,
    pub any_status: usize,
    pub minors: usize,
    pub dedicated: usize,
}

#[derive(Debug, Clone)]
pub struct ServiceResults<'a> {
    pub total: usize,
    pub hits: Vec<Hit<'a>>,
    pub facets: Facets,
}

/// An immutable snapshot of every service, at one directory version.
pub struct ServiceIndex {
    reader: IndexReader,
    fields: Vec<(Field, f32)>,
    plain: [(Field, f32); 2],
    fr_analyzer: TextAnalyzer,
    en_analyzer: TextAnalyzer,
    entries: Vec<std::sync::Arc<Entry>>,
    /// Every location the entries point at.
    locations: std::sync::Arc<Vec<Location>>,
    /// Entry number of each service, for updates in place.
    positions: std::sync::Arc<HashMap<mosaique_domain::ServiceId, u32>>,
    zone_names: Vec<String>,
    /// Database time the snapshot was read at: changes after it are applied on top.
    read_at: i64,
    /// The organization-and-location counter it was built at: any other value rebuilds.
    structure: i64,
    zones: Vec<jiff::tz::TimeZone>,
    version: i64,
}

impl std::fmt::Debug for ServiceIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceIndex")
            .field("version", &self.version)
            .field("documents", &self.entries.len())
            .finish()
    }
}

fn domain_bit(d: ServiceDomain) -> u16 {
    1 << ServiceDomain::ALL
        .iter()
        .position(|x| *x == d)
        .unwrap_or(15)
}

impl ServiceIndex {
    /// Builds the index of these services, with their organizations and locations, tagged
    /// with the directory version they were read at.
    pub fn build(
        services: Vec<Service>,
        organizations: &[Organization],
        locations: &[Location],
        version: i64,
    ) -> Result<ServiceIndex, SearchError> {
        let mut builder = Schema::builder();
        let text = |analyzer| text_options(analyzer, IndexRecordOption::WithFreqs);
        let ord = builder.add_u64_field("ord", FAST);
        let name_fr = builder.add_text_field("name_fr", text(FRENCH));
        let name_en = builder.add_text_field("name_en", text(ENGLISH));
        let body_fr = builder.add_text_field("body_fr", text(FRENCH));
        let body_en = builder.add_text_field("body_en", text(ENGLISH));
        let name_plain = builder.add_text_field("name_plain", text(PLAIN));
        let body_plain = builder.add_text_field("body_plain", text(PLAIN));
        let index = index_in_ram(builder.build());

        let orgs: HashMap<OrgId, (&Organization, std::sync::Arc<OrgNames>)> = organizations
            .iter()
            .map(|o| {
                let names = OrgNames {
                    slug: o.slug.clone(),
                    name_fr: o.name_fr.clone(),
                    name_en: o.name_en.clone(),
                };
                (o.id, (o, std::sync::Arc::new(names)))
            })
            .collect();
        let sites: HashMap<LocationId, (u32, &Location)> = locations
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id, (i as u32, l)))
            .collect();
        let places = gazetteer();
        let tax = taxonomy();
        let mut zones: Vec<jiff::tz::TimeZone> = Vec::new();
        let mut zone_names: Vec<String> = Vec::new();
        let mut entries = Vec::with_capacity(services.len());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
        for service in services {
            let Some((org, org_names)) = orgs.get(&service.org_id) else {
                continue;
            };
            let mut entry_sites = Vec::new();
            let mut entry_locations = Vec::new();
            for id in &service.location_ids {
                let Some((position, l)) = sites.get(id) else {
                    continue;
                };
                entry_locations.push(*position);
                let centre = places.place(&l.city, Some(l.province)).map(|p| p.point);
                entry_sites.push(Site {
                    city: l.city.clone(),
                    province: l.province,
                    region: l.region.clone(),
                    exact: l.point.or(centre),
                    public: if l.confidential {
                        centre
                    } else {
                        l.point.or(centre)
                    },
                });
            }
            let (provinces, regions, cities) = coverage(&entry_sites, &service.areas);
            let tz = if service.schedule.always_open {
                None
            } else {
                match zone_names
                    .iter()
                    .position(|z| *z == service.schedule.time_zone)
                {
                    Some(i) => Some(i),
                    None => jiff::tz::TimeZone::get(&service.schedule.time_zone)
                        .ok()
                        .map(|zone| {
                            zones.push(zone);
                            zone_names.push(service.schedule.time_zone.clone());
                            zones.len() - 1
                        }),
                }
            };
            // Everything a person might type: names, descriptions, the organization, the
            // domain and term labels, the cities.
            let labels = |lang: Lang| {
                let mut words: Vec<String> = service
                    .terms
                    .iter()
                    .chain(
                        service
                            .domains
                            .iter()
                            .map(|d| d.key().to_owned())
                            .collect::<Vec<_>>()
                            .iter(),
                    )
                    .filter_map(|code| tax.term(code))
                    .map(|t| t.name.get(lang).to_owned())
                    .collect();
                words.extend(entry_sites.iter().map(|s| s.city.clone()));
                words.join(" ")
            };
            let mut document = TantivyDocument::default();
            document.add_u64(ord, entries.len() as u64);
            document.add_text(name_fr, &service.name_fr);
            document.add_text(name_en, &service.name_en);
            document.add_text(
                body_fr,
                format!(
                    "{} {} {}",
                    service.description_fr,
                    org.name_fr,
                    labels(Lang::Fr)
                ),
            );
            let body_en_text = format!(
                "{} {} {}",
                service.description_en,
                org.name_en,
                labels(Lang::En)
            );
            let body_fr_text = format!(
                "{} {} {}",
                service.description_fr,
                org.name_fr,
                labels(Lang::Fr)
            );
            document.add_text(body_en, &body_en_text);
            document.add_text(
                name_plain,
                format!("{} {}", service.name_fr, service.name_en),
            );
            document.add_text(body_plain, format!("{body_fr_text} {body_en_text}"));
            writer.add_document(document)?;
            entries.push(std::sync::Arc::new(Entry {
                sort_fr: fold(&service.name_fr),
                sort_en: fold(&service.name_en),
                domains: service.domains.iter().fold(0, |m, d| m | domain_bit(*d)),
                rules: service.schedule.rules(),
                org: org_names.clone(),
                sites: entry_sites,
                locations: entry_locations,
                provinces,
                regions,
                cities,
                tz,
                service,
            }));
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(ServiceIndex {
            reader,
            fields: vec![
                (name_fr, 3.0),
                (name_en, 3.0),
                (body_fr, 1.0),
                (body_en, 1.0),
            ],
            plain: [(name_plain, 1.5), (body_plain, 0.5)],
            fr_analyzer: analyzer(Language::French),
            en_analyzer: analyzer(Language::English),
            positions: std::sync::Arc::new(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.service.id, i as u32))
                    .collect(),
            ),
            entries,
            locations: std::sync::Arc::new(locations.to_vec()),
            zones,
            zone_names,
            read_at: 0,
            structure: 0,
            version,
        })
    }

    /// Tags the snapshot with the database time it was read at and the structure counter
    /// it was built from.
    pub fn read_at(mut self, read_at: i64, structure: i64) -> ServiceIndex {
        self.read_at = read_at;
        self.structure = structure;
        self
    }

    pub fn structure(&self) -> i64 {
        self.structure
    }

    /// A new snapshot with these services changed, sharing the text index, when no change
    /// touches what the text index holds (names, descriptions, categories, organization,
    /// locations) — capacity, status, hours, eligibility: the frequent, urgent edits. `None`
    /// asks for a full rebuild.
    pub fn with_changed_services(
        &self,
        changed: Vec<Service>,
        version: i64,
        read_at: i64,
    ) -> Option<ServiceIndex> {
        let mut entries = self.entries.clone();
        for service in changed {
            let at = *self.positions.get(&service.id)?;
            let old = &self.entries[at as usize];
            let same_text = old.service.name_fr == service.name_fr
                && old.service.name_en == service.name_en
                && old.service.description_fr == service.description_fr
                && old.service.description_en == service.description_en
                && old.service.terms == service.terms
                && old.service.domains == service.domains
                && old.service.org_id == service.org_id
                && old.service.location_ids == service.location_ids;
            if !same_text {
                return None;
            }
            let tz = if service.schedule.always_open {
                None
            } else {
                Some(
                    self.zone_names
                        .iter()
                        .position(|z| *z == service.schedule.time_zone)?,
                )
            };
            let (provinces, regions, cities) = coverage(&old.sites, &service.areas);
            entries[at as usize] = std::sync::Arc::new(Entry {
                sort_fr: old.sort_fr.clone(),
                sort_en: old.sort_en.clone(),
                locations: old.locations.clone(),
                org: old.org.clone(),
                sites: old.sites.clone(),
                domains: old.domains,
                rules: service.schedule.rules(),
                provinces,
                regions,
                cities,
                tz,
                service,
            });
        }
        Some(ServiceIndex {
            reader: self.reader.clone(),
            fields: self.fields.clone(),
            plain: self.plain,
            fr_analyzer: self.fr_analyzer.clone(),
            en_analyzer: self.en_analyzer.clone(),
            entries,
            locations: self.locations.clone(),
            positions: self.positions.clone(),
            zones: self.zones.clone(),
            zone_names: self.zone_names.clone(),
            read_at,
            structure: self.structure,
            version,
        })
    }

    pub fn version(&self) -> i64 {
        self.version
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The words of a query, folded, at most [`MAX_QUERY_WORDS`]. Anything a person types
    /// is a valid query: punctuation and operators are only separators.
    fn words(text: &str) -> Vec<String> {
        let folded = fold(text);
        let mut words: Vec<String> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && w.chars().count() <= 40)
            .map(str::to_owned)
            .collect();
        words.dedup();
        words.truncate(MAX_QUERY_WORDS);
        words
    }

    fn analyzed(analyzer: &TextAnalyzer, word: &str) -> Option<String> {
        let mut analyzer = analyzer.clone();
        let mut stream = analyzer.token_stream(word);
        let mut out = None;
        while stream.advance() {
            out = Some(stream.token().text.clone());
        }
        out
    }

    /// Every service matching every word, with its score, by entry number.
    fn text_matches(&self, words: &[String]) -> Result<Vec<(u32, Score)>, SearchError> {
        let mut per_word: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words {
            let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (i, (field, boost)) in self.fields.iter().enumerate() {
                let analyzer = if i % 2 == 0 {
                    &self.fr_analyzer
                } else {
                    &self.en_analyzer
                };
                let Some(term_text) = Self::analyzed(analyzer, word) else {
                    continue;
                };
                let term = Term::from_field_text(*field, &term_text);
                alternatives.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                        *boost,
                    )),
                ));
            }
            if word.chars().count() >= FUZZY_MIN_LETTERS {
                for (field, boost) in self.plain {
                    let term = Term::from_field_text(field, word);
                    alternatives.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            Box::new(FuzzyTermQuery::new(term, 1, true)),
                            boost,
                        )),
                    ));
                }
            }
            if alternatives.is_empty() {
                continue;
            }
            per_word.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        if per_word.is_empty() {
            return Ok((0..self.entries.len() as u32).map(|i| (i, 0.0)).collect());
        }
        let query = BooleanQuery::new(per_word);
        let searcher = self.reader.searcher();
        Ok(searcher.search(&query, &AllScored)?)
    }

    /// Runs a query. Bad input cannot fail it: unknown words simply match nothing.
    pub fn search(&self, q: &ServiceQuery) -> Result<ServiceResults<'_>, SearchError> {
        let words = Self::words(&q.text);
        let matches = self.text_matches(&words)?;
        let local_times: Vec<Option<LocalTime>> =
            self.zones.iter().map(|z| local_time(z, q.now_ms)).collect();
        let city = q.city.as_deref().map(|c| {
            let place = gazetteer().place(c, q.province);
            (fold(c), place.map(|p| (p.province, p.qc_region.clone())))
        });
        let domain_mask = q.domains.iter().fold(0u16, |m, d| m | domain_bit(*d));
        let language = q.language.as_deref().map(str::to_ascii_lowercase);

        struct Candidate {
            entry: u32,
            score: Score,
            distance: Option<f64>,
            open: bool,
        }
        let mut candidates: Vec<Candidate> = Vec::with_capacity(matches.len());
        for (entry_no, score) in matches {
            let e = &self.entries[entry_no as usize];
            let s = &e.service;
            let el = &s.eligibility;
            if !q.any_status_of_service && s.status != ServiceStatus::Active {
                continue;
            }
            if domain_mask != 0 && e.domains & domain_mask == 0 {
                continue;
            }
            if !q.terms.is_empty() && !q.terms.iter().any(|t| s.terms.contains(t)) {
                continue;
            }
            if q.organization.is_some_and(|o| o != s.org_id) {
                continue;
            }
            if (q.substance_use && !el.substance_use)
                || (q.any_status && !el.any_status)
                || (q.minors && !el.minors)
                || (q.dedicated && !el.dedicated)
                || (q.always_open && !s.schedule.always_open)
            {
                continue;
            }
            if let Some(g) = q.gender
                && !el.accepts_gender(g)
            {
                continue;
            }
            if let Some(age) = q.age
                && !el.accepts_age(age)
            {
                continue;
            }
            if let Some(lang) = &language
                && !s.languages.iter().any(|l| l == lang)
            {
                continue;
            }
            if let Some(p) = q.province
                && !e.provinces.contains(&p)
            {
                continue;
            }
            if let Some(r) = &q.region
                && !e.regions.contains(r)
            {
                continue;
            }
            if let Some((folded, place)) = &city {
                let serves = e.cities.contains(folded)
                    || place.as_ref().is_some_and(|(province, region)| {
                        region.as_ref().is_some_and(|r| e.regions.contains(r))
                            || (e.provinces.contains(province)
                                && e.cities.is_empty()
                                && e.regions.is_empty())
                    });
                if !serves {
                    continue;
                }
            }
            let open = s.schedule.always_open
                || e.tz
                    .and_then(|z| local_times[z])
                    .is_some_and(|at| open_at(&e.rules, at));
            if q.open_now && !open {
                continue;
            }
            let distance = q.near.and_then(|near| {
                e.sites
                    .iter()
                    .filter_map(|site| {
                        if q.exact_locations {
                            site.exact
                        } else {
                            site.public
                        }
                    })
                    .map(|p| p.distance_km(near))
                    .min_by(f64::total_cmp)
            });
            if let Some(radius) = q.radius_km
                && q.near.is_some()
                && distance.is_none_or(|d| d > radius)
            {
                continue;
            }
            candidates.push(Candidate {
                entry: entry_no,
                score,
                distance,
                open,
            });
        }

        let mut facets = Facets::default();
        let mut domains: BTreeMap<usize, usize> = BTreeMap::new();
        let mut provinces: BTreeMap<Province, usize> = BTreeMap::new();
        let mut languages: BTreeMap<String, usize> = BTreeMap::new();
        for c in &candidates {
            let e = &self.entries[c.entry as usize];
            let s = &e.service;
            for (i, _) in ServiceDomain::ALL.iter().enumerate() {
                if e.domains & (1 << i) != 0 {
                    *domains.entry(i).or_default() += 1;
                }
            }
            for p in &e.provinces {
                *provinces.entry(*p).or_default() += 1;
            }
            for l in &s.languages {
                *languages.entry(l.clone()).or_default() += 1;
            }
            facets.open_now += usize::from(c.open);
            facets.always_open += usize::from(s.schedule.always_open);
            facets.substance_use += usize::from(s.eligibility.substance_use);
            facets.any_status += usize::from(s.eligibility.any_status);
            facets.minors += usize::from(s.eligibility.minors);
            facets.dedicated += usize::from(s.eligibility.dedicated);
        }
        facets.domains = domains
            .into_iter()
            .map(|(i, n)| (ServiceDomain::ALL[i], n))
            .collect();
        facets.provinces = provinces.into_iter().collect();
        let mut languages: Vec<(String, usize)> = languages.into_iter().collect();
        languages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        facets.languages = languages;

        let name = |c: &Candidate| {
            let e = &self.entries[c.entry as usize];
            match q.language_of_names {
                Lang::Fr => e.sort_fr.as_str(),
                Lang::En => e.sort_en.as_str(),
            }
        };
        let by_distance = |a: &Candidate, b: &Candidate| match (a.distance, b.distance) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        // Only the requested page needs ordering: partition the best `offset + limit` to the
        // front in linear time, then sort just those.
        let keep = (q.offset + q.limit.max(1)).min(candidates.len());
        let order = |a: &Candidate, b: &Candidate| -> std::cmp::Ordering {
            match q.sort {
                Sort::Name => name(a).cmp(name(b)).then(a.entry.cmp(&b.entry)),
                Sort::Distance => by_distance(a, b).then(a.entry.cmp(&b.entry)),
                Sort::Relevance if !words.is_empty() => b
                    .score
                    .total_cmp(&a.score)
                    .then(by_distance(a, b))
                    .then(a.entry.cmp(&b.entry)),
                Sort::Relevance => b
                    .open
                    .cmp(&a.open)
                    .then(by_distance(a, b))
                    .then_with(|| name(a).cmp(name(b)))
                    .then(a.entry.cmp(&b.entry)),
            }
        };
        if keep > 0 && keep < candidates.len() {
            candidates.select_nth_unstable_by(keep - 1, order);
        }
        candidates[..keep].sort_by(order);

        let total = candidates.len();
        let hits = candidates
            .iter()
            .skip(q.offset)
            .take(q.limit.max(1))
            .map(|c| {
                let e = &self.entries[c.entry as usize];
                Hit {
                    service: &e.service,
                    locations: self.sites_of(e),
                    org_slug: &e.org.slug,
                    org_name_fr: &e.org.name_fr,
                    org_name_en: &e.org.name_en,
                    distance_km: c.distance,
                    open_now: c.open,
                    reasons: reasons(
                        q,
                        e,
                        &words,
                        c.distance,
                        c.open,
                        city.as_ref().map(|(f, _)| f.as_str()),
                    ),
                }
            })
            .collect();
        Ok(ServiceResults {
            total,
            hits,
            facets,
        })
    }

    fn sites_of(&self, e: &Entry) -> Vec<&Location> {
        e.locations
            .iter()
            .filter_map(|i| self.locations.get(*i as usize))
            .collect()
    }

    /// Every service of the snapshot, in build order (sites: [`ServiceIndex::sites`]).
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.entries.iter().map(|e| &e.service)
    }

    /// The sites of a service of the snapshot.
    pub fn sites(&self, id: mosaique_domain::ServiceId) -> Vec<&Location> {
        self.positions
            .get(&id)
            .and_then(|at| self.entries.get(*at as usize))
            .map(|e| self.sites_of(e))
            .unwrap_or_default()
    }

    /// One service by id (for its page), with its organization's names and whether it is
    /// open at `now_ms`.
    pub fn get(&self, id: mosaique_domain::ServiceId, now_ms: i64) -> Option<Hit<'_>> {
        let e = &self.entries[*self.positions.get(&id)? as usize];
        let open = e.service.schedule.always_open
            || e.tz
                .and_then(|z| local_time(&self.zones[z], now_ms))
                .is_some_and(|at| open_at(&e.rules, at));
        Some(Hit {
            service: &e.service,
            locations: self.sites_of(e),
            org_slug: &e.org.slug,
            org_name_fr: &e.org.name_fr,
            org_name_en: &e.org.name_en,
            distance_km: None,
            open_now: open,
            reasons: Vec::new(),
        })
    }
}

fn reasons(
    q: &ServiceQuery,
    e: &Entry,
    words: &[String],
    distance: Option<f64>,
    open: bool,
    city: Option<&str>,
) -> Vec<Reason> {
    let s = &e.service;
    let mut out = Vec::new();
    let names = format!("{} {}", fold(&s.name_fr), fold(&s.name_en));
    for word in words {
        out.push(Reason::Word {
            word: word.clone(),
            in_name: names.contains(word.as_str()),
        });
    }
    for d in &q.domains {
        if s.domains.contains(d) {
            out.push(Reason::Domain(*d));
        }
    }
    if let Some(c) = city {
        out.push(Reason::Serves(c.to_owned()));
    }
    if let Some(d) = distance {
        out.push(Reason::Distance(d));
    }
    if s.schedule.always_open {
        out.push(Reason::AlwaysOpen);
    } else if open {
        out.push(Reason::OpenNow);
    }
    let el = &s.eligibility;
    for (asked, has, reason) in [
        (q.substance_use, el.substance_use, Reason::SubstanceUse),
        (q.any_status, el.any_status, Reason::AnyStatus),
        (q.minors, el.minors, Reason::Minors),
        (q.dedicated, el.dedicated, Reason::Dedicated),
    ] {
        if asked && has {
            out.push(reason);
        }
    }
    if let Some(l) = &q.language {
        out.push(Reason::Language(l.clone()));
    }
    out
}

/// Collects every matching document with its score and entry number.
struct AllScored;

struct AllScoredSegment {
    ords: Column<u64>,
    hits: Vec<(u32, Score)>,
}

impl Collector for AllScored {
    type Fruit = Vec<(u32, Score)>;
    type Child = AllScoredSegment;

    fn for_segment(
        &self,
        _segment: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<AllScoredSegment> {
        Ok(AllScoredSegment {
            ords: reader.fast_fields().u64("ord")?,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, Score)>>) -> tantivy::Result<Vec<(u32, Score)>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for AllScoredSegment {
    type Fruit = Vec<(u32, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(ord) = self.ords.first(doc) {
            self.hits.push((ord as u32, score));
        }
    }

    fn harvest(self) -> Vec<(u32, Score)> {
        self.hits
    }
}

#[cfg(test)]
mod tests {
    use mosaique_domain::directory::schedule::{Day, Hours, Schedule};
    use mosaique_domain::service::{Access, Cost, Eligibility, ServiceArea};
    use mosaique_domain::{ServiceId, Timestamp};
    use proptest::prelude::*;

    use super::*;

    fn org() -> Organization {
        Organization {
            id: OrgId::new(),
            slug: "exemple".into(),
            name_fr: "Exemple — Organisme".into(),
            name_en: "Example — Organization".into(),
            description_fr: String::new(),
            description_en: String::new(),
            province: Some(Province::Qc),
            level: None,
            sector: None,
            founded_year: None,
            is_coalition: false,
            source: "test".into(),
            details: Default::default(),
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    fn location(org: &Organization, city: &str, point: Point, confidential: bool) -> Location {
        Location {
            id: LocationId::new(),
            org_id: org.id,
            name_fr: "Lieu".into(),
            name_en: "Site".into(),
            address: "1, rue de l’Exemple".into(),
            city: city.into(),
            province: Province::Qc,
            postal_code: String::new(),
            region: gazetteer()
                .place(city, None)
                .and_then(|p| p.qc_region.clone()),
            point: Some(point),
            confidential,
            updated_at: Timestamp(0),
        }
    }

    fn service(org: &Organization, name_fr: &str, name_en: &str, sites: &[&Location]) -> Service {
        Service {
            id: ServiceId::new(),
            org_id: org.id,
            name_fr: name_fr.into(),
            name_en: name_en.into(),
            description_fr: String::new(),
            description_en: String::new(),
            status: ServiceStatus::Active,
            domains: vec![ServiceDomain::HousingShortTerm],
            terms: vec![],
            eligibility: Eligibility::default(),
            languages: vec!["fr".into()],
            cost: Cost::Free,
            access: Access::SelfReferral,
            schedule: Schedule {
                always_open: true,
                ..Schedule::default()
            },
            capacity: None,
            wait_days: None,
            phone: String::new(),
            email: String::new(),
            website: String::new(),
            areas: vec![],
            location_ids: sites.iter().map(|l| l.id).collect(),
            reviewed_at: Timestamp(0),
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    fn query(text: &str) -> ServiceQuery {
        ServiceQuery {
            text: text.into(),
            limit: 50,
            now_ms: 1_795_000_000_000,
            ..ServiceQuery::default()
        }
    }

    fn names(results: &ServiceResults<'_>) -> Vec<String> {
        results
            .hits
            .iter()
            .map(|h| h.service.name_en.clone())
            .collect()
    }

    struct Fixture {
        index: ServiceIndex,
    }

    fn fixture() -> Fixture {
        let o = org();
        let montreal = gazetteer().place("Montréal", None).expect("Montréal").point;
        let quebec = gazetteer().place("Québec", None).expect("Québec").point;
        let plateau = Point::new(45.5226, -73.5822).expect("point");
        let shelter_site = location(&o, "Montréal", plateau, true);
        let office_site = location(&o, "Montréal", montreal, false);
        let quebec_site = location(&o, "Québec", quebec, false);
        let mut shelter = service(
            &o,
            "Hébergement d’urgence pour femmes",
            "Emergency shelter for women",
            &[&shelter_site],
        );
        shelter.eligibility = Eligibility {
            gender: GenderServed::Women,
            substance_use: true,
            any_status: true,
            ..Eligibility::default()
        };
        let mut strict = service(
            &o,
            "Maison d’hébergement sécuritaire",
            "Safe house",
            &[&shelter_site],
        );
        strict.eligibility.gender = GenderServed::Women;
        let mut clinic = service(
            &o,
            "Clinique juridique en immigration",
            "Immigration legal clinic",
            &[&office_site],
        );
        clinic.domains = vec![ServiceDomain::LegalAid, ServiceDomain::Immigration];
        clinic.schedule = Schedule {
            time_zone: "America/Toronto".into(),
            always_open: false,
            hours: vec![Hours {
                days: vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri],
                opens: "09:00".into(),
                closes: "17:00".into(),
            }],
        };
        let mut quebec_shelter = service(
            &o,
            "Hébergement à Québec",
            "Shelter in Québec City",
            &[&quebec_site],
        );
        quebec_shelter.eligibility.substance_use = true;
        quebec_shelter.eligibility.any_status = true;
        let mut line = service(&o, "Ligne d’écoute", "Listening line", &[]);
        line.domains = vec![ServiceDomain::PsychologicalSupport];
        line.areas = vec![ServiceArea {
            kind: ServiceAreaKind::Province,
            code: "QC".into(),
        }];
        let mut closed = service(&o, "Hébergement fermé", "Closed shelter", &[&office_site]);
        closed.status = ServiceStatus::TemporarilyClosed;
        let index = ServiceIndex::build(
            vec![shelter, strict, clinic, quebec_shelter, line, closed],
            &[o],
            &[shelter_site, office_site, quebec_site],
            3,
        )
        .expect("index builds");
        Fixture { index }
    }

    #[test]
    fn a_safe_bed_tonight_in_montreal_for_a_woman_who_uses_drugs_and_has_no_status() {
        let f = fixture();
        let q = ServiceQuery {
            domains: vec![ServiceDomain::HousingShortTerm],
            city: Some("montreal".into()),
            gender: Some(GenderServed::Women),
            substance_use: true,
            any_status: true,
            open_now: true,
            ..query("")
        };
        let results = f.index.search(&q).expect("search");
        assert_eq!(names(&results), ["Emergency shelter for women"]);
        let reasons = &results.hits[0].reasons;
        assert!(reasons.contains(&Reason::SubstanceUse) && reasons.contains(&Reason::AnyStatus));
        assert!(reasons.contains(&Reason::AlwaysOpen));
        assert_eq!(results.facets.substance_use, 1);
    }

    #[test]
    fn text_is_bilingual_folded_stemmed_and_forgives_one_typo_on_long_words() {
        let f = fixture();
        let found = |text: &str| names(&f.index.search(&query(text)).expect("search"));
        assert!(found("HEBERGEMENTS").contains(&"Emergency shelter for women".to_owned()));
        assert!(found("shelters").contains(&"Emergency shelter for women".to_owned()));
        assert!(
            found("hebergment").contains(&"Emergency shelter for women".to_owned()),
            "one typo"
        );
        assert_eq!(found("juridique immigration"), ["Immigration legal clinic"]);
        assert_eq!(
            found("clinque"),
            ["Immigration legal clinic"],
            "one typo on a 6-letter word"
        );
        assert!(
            found("lgne").is_empty(),
            "no typo allowed under five letters"
        );
        assert!(found("zzzzzz").is_empty());
        // Temporarily closed services are left out unless asked for.
        assert!(!found("fermé").contains(&"Closed shelter".to_owned()));
    }

    #[test]
    fn distance_radius_and_confidential_sites() {
        let f = fixture();
        let near = gazetteer().place("Montréal", None).expect("M").point;
        let q = ServiceQuery {
            near: Some(near),
            radius_km: Some(50.0),
            sort: Sort::Distance,
            ..query("")
        };
        let results = f.index.search(&q).expect("search");
        assert!(!names(&results).contains(&"Shelter in Québec City".to_owned()));
        // The public never measures to a shelter's real address: its distance is to the
        // centre of its city, here exactly where we stand.
        let shelter = results
            .hits
            .iter()
            .find(|h| h.service.name_en == "Emergency shelter for women")
            .expect("shelter");
        assert!(shelter.distance_km.expect("distance") < 0.01);
        let exact = f
            .index
            .search(&ServiceQuery {
                exact_locations: true,
                ..q.clone()
            })
            .expect("search");
        let shelter = exact
            .hits
            .iter()
            .find(|h| h.service.name_en == "Emergency shelter for women")
            .expect("shelter");
        assert!(shelter.distance_km.expect("distance") > 0.5);
        // A phone line has no site: it is not "within 50 km".
        assert!(!names(&results).contains(&"Listening line".to_owned()));
    }

    #[test]
    fn province_region_and_facets() {
        let f = fixture();
        let q = ServiceQuery {
            region: Some("03".into()),
            ..query("")
        };
        assert_eq!(
            names(&f.index.search(&q).expect("search")),
            ["Shelter in Québec City"]
        );
        let all = f.index.search(&query("")).expect("search");
        assert_eq!(all.total, 5);
        let housing = all
            .facets
            .domains
            .iter()
            .find(|(d, _)| *d == ServiceDomain::HousingShortTerm);
        assert_eq!(housing, Some(&(ServiceDomain::HousingShortTerm, 3)));
        assert_eq!(all.facets.provinces, vec![(Province::Qc, 5)]);
    }

    #[test]
    fn service_only_changes_apply_in_place_and_text_changes_ask_for_a_rebuild() {
        let f = fixture();
        let hit = f.index.search(&query("juridique")).expect("search").hits[0]
            .service
            .clone();
        let mut closed = hit.clone();
        closed.status = ServiceStatus::TemporarilyClosed;
        closed.eligibility.any_status = true;
        let next = f
            .index
            .with_changed_services(vec![closed], 4, 0)
            .expect("in place");
        assert_eq!(next.version(), 4);
        assert!(
            next.search(&query("juridique"))
                .expect("search")
                .hits
                .is_empty(),
            "closed now"
        );
        let any = ServiceQuery {
            any_status_of_service: true,
            ..query("juridique")
        };
        assert!(
            next.search(&any).expect("search").hits[0]
                .service
                .eligibility
                .any_status
        );
        // The old snapshot is untouched: readers holding it see what they saw.
        assert_eq!(
            f.index.search(&query("juridique")).expect("search").total,
            1
        );
        let mut renamed = hit.clone();
        renamed.name_en = "Renamed clinic".into();
        assert!(f.index.with_changed_services(vec![renamed], 4, 0).is_none());
        let mut new = hit;
        new.id = ServiceId::new();
        assert!(f.index.with_changed_services(vec![new], 4, 0).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Anything typed is a query: it never fails and never panics.
        #[test]
        fn any_text_is_a_valid_query(text in "\\PC{0,80}") {
            let f = fixture();
            prop_assert!(f.index.search(&query(&text)).is_ok());
        }
    }
}
