//! The service search: one engine for the pages, `GET /api/v1/services` and `/hsds`.
//!
//! A snapshot numbers its services ("entries") in the order of a geographic grid and keeps
//! three derived structures beside them: a bitset per filter value ([`filters`]), the grid
//! runs and site points ([`geo`]), and the words in tantivy ([`text`]: French and English
//! analyzers, folding, stemming, one typo allowed on words of five letters or more). A query
//! ANDs its filters over the grid runs around its place, 64 entries at a time, then matches
//! words on the few candidates left, so it reads only what can match.
//!
//! Snapshots are immutable. A change read from the database makes a new snapshot that
//! shares what did not change; a text change goes to a small delta index, so it is
//! searchable within one refresh even at national scale.

mod bits;
#[cfg(test)]
mod equivalence;
mod filters;
mod geo;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use mosaique_domain::directory::geo::Point;
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::directory::schedule::{LocalTime, local_time};
use mosaique_domain::directory::taxonomy::taxonomy;
use mosaique_domain::service::{GenderServed, Location, Service, ServiceArea, ServiceAreaKind};
use mosaique_domain::text::fold;
use mosaique_domain::{
    Bilingual, Language as Lang, LocationId, OrgId, Organization, Province, ServiceDomain,
    ServiceId,
};
use tantivy::Score;

use self::bits::{Bits, ones_of, range_mask};
use self::filters::{
    ACTIVE, ALWAYS_OPEN, ANY_STATUS, DEDICATED, Filters, MINORS, MORE_LANGUAGES, SUBSTANCE_USE,
};
use self::geo::{Geo, SitePoint, Spot, haversine_of_km, key_of, km};
use self::text::{Text, TextDoc};
use crate::SearchError;

/// Longest query kept: a pasted paragraph is cut, not refused.
const MAX_QUERY_WORDS: usize = 12;
/// With more candidates than this after the filters, words are matched posting by posting
/// rather than candidate by candidate.
const TEXT_FIRST_ABOVE: usize = 20_000;
/// A delta index larger than this (or a twentieth of the directory) asks for a rebuild.
const DELTA_MAX: usize = 2_000;

/// Where a service is, as the public may be told: a confidential site's point is its town's
/// centre (`Location::public_point`); the index never holds a shelter's real point.
#[derive(Debug, Clone)]
struct Site {
    city: String,
    province: Province,
    region: Option<String>,
    public: Option<Point>,
}

/// An organization's names, shared by the entries of all its services.
#[derive(Debug)]
struct OrgNames {
    slug: String,
    name: Bilingual<String>,
}

impl OrgNames {
    fn of(o: &Organization) -> Arc<OrgNames> {
        Arc::new(OrgNames {
            slug: o.slug.clone(),
            name: o.name.clone(),
        })
    }
}

#[derive(Debug)]
pub(crate) struct Entry {
    /// Folded names, for sorting by name without folding at query time.
    sort_fr: String,
    sort_en: String,
    service: Service,
    /// The service's sites, as positions in the snapshot's one list of locations (a site
    /// shared by several services is stored once).
    locations: Vec<u32>,
    org: Arc<OrgNames>,
    /// Folded municipality names: locations and municipal service areas.
    cities: Vec<String>,
    /// Served by province only (no town, no region): serves every town of its provinces.
    province_wide: bool,
    tz: Option<usize>,
    /// Fingerprint of the indexed text, to tell a text change from any other.
    text: u64,
}

impl Entry {
    /// The towns of the service's sites, as written.
    fn site_cities<'a>(&self, locations: &'a [Location]) -> Vec<&'a str> {
        self.locations
            .iter()
            .filter_map(|at| locations.get(*at as usize))
            .map(|l| l.city.as_str())
            .collect()
    }

    fn text_doc(&self, locations: &[Location]) -> TextDoc {
        text_doc(&self.service, &self.org, &self.site_cities(locations))
    }
}

/// A service as the index keeps it, with what the filters and the grid take from it.
pub(crate) struct Derived {
    entry: Arc<Entry>,
    sites: Vec<SitePoint>,
    provinces: Vec<Province>,
    regions: Vec<String>,
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

/// Everything a person might type about a service: names, descriptions, the organization,
/// the domain and term labels, the cities.
fn text_doc(service: &Service, org: &OrgNames, cities: &[&str]) -> TextDoc {
    let tax = taxonomy();
    let labels = |lang: Lang| {
        let mut words: Vec<&str> = service
            .terms
            .iter()
            .map(String::as_str)
            .chain(service.domains.iter().map(|d| d.key()))
            .filter_map(|code| tax.term(code))
            .map(|t| t.name.get(lang).as_str())
            .collect();
        words.extend(cities);
        words.join(" ")
    };
    let body_fr = format!(
        "{} {} {}",
        service.description.fr,
        org.name.fr,
        labels(Lang::Fr)
    );
    let body_en = format!(
        "{} {} {}",
        service.description.en,
        org.name.en,
        labels(Lang::En)
    );
    TextDoc([
        service.name.fr.clone(),
        service.name.en.clone(),
        body_fr.clone(),
        body_en.clone(),
        format!("{} {}", service.name.fr, service.name.en),
        format!("{body_fr} {body_en}"),
    ])
}

/// A fingerprint of what [`text_doc`] is made of, taken without building it (a build
/// takes one per service), to tell a change that touches the text from one that does not.
fn text_fingerprint(service: &Service, org: &OrgNames, cities: &[&str]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &service.name,
        &service.description,
        &service.terms,
        &service.domains,
        &org.name,
    )
        .hash(&mut h);
    cities.hash(&mut h);
    h.finish()
}

/// The time zones services are open in, each read from the bundled database once.
#[derive(Debug, Clone, Default)]
struct Zones {
    names: Vec<String>,
    zones: Vec<jiff::tz::TimeZone>,
}

impl Zones {
    fn index(&mut self, name: &str) -> Option<usize> {
        if let Some(i) = self.names.iter().position(|z| z == name) {
            return Some(i);
        }
        let zone = jiff::tz::TimeZone::get(name).ok()?;
        self.names.push(name.to_owned());
        self.zones.push(zone);
        Some(self.zones.len() - 1)
    }
}

/// What an entry is derived from besides its service.
struct Sources<'a> {
    orgs: &'a HashMap<OrgId, Arc<OrgNames>>,
    locations: &'a [Location],
    location_at: &'a HashMap<LocationId, u32>,
}

/// A service as the index keeps it, or `None` when its organization is unknown.
fn derive(service: Service, src: &Sources<'_>, zones: &mut Zones) -> Option<Derived> {
    let org = src.orgs.get(&service.org_id)?.clone();
    let mut sites = Vec::new();
    let mut locations = Vec::new();
    for id in &service.location_ids {
        let Some(&position) = src.location_at.get(id) else {
            continue;
        };
        let l = &src.locations[position as usize];
        locations.push(position);
        sites.push(Site {
            city: l.city.clone(),
            province: l.province,
            region: l.region.clone(),
            public: l.public_point(),
        });
    }
    let (provinces, regions, cities) = coverage(&sites, &service.areas);
    let tz = if service.schedule.always_open {
        None
    } else {
        zones.index(&service.schedule.time_zone)
    };
    let site_cities: Vec<&str> = sites.iter().map(|s| s.city.as_str()).collect();
    let text = text_fingerprint(&service, &org, &site_cities);
    let points = sites
        .iter()
        .map(|s| SitePoint { public: s.public })
        .collect();
    Some(Derived {
        entry: Arc::new(Entry {
            sort_fr: fold(&service.name.fr),
            sort_en: fold(&service.name.en),
            org,
            locations,
            province_wide: cities.is_empty() && regions.is_empty(),
            cities,
            tz,
            text,
            service,
        }),
        sites: points,
        provinces,
        regions,
    })
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
    /// A searched word, found in the French name, the English name, or (neither) elsewhere:
    /// description, terms…
    Word {
        word: String,
        in_name_fr: bool,
        in_name_en: bool,
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
    pub org_name: Bilingual<&'a str>,
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
    entries: Vec<Arc<Entry>>,
    text: Text,
    filters: Arc<Filters>,
    geo: Arc<Geo>,
    /// Every location the entries point at.
    locations: Arc<Vec<Location>>,
    location_at: Arc<HashMap<LocationId, u32>>,
    /// Entry number of each service.
    positions: Arc<HashMap<ServiceId, u32>>,
    /// Each organization's entries, ascending.
    by_org: Arc<HashMap<OrgId, Vec<u32>>>,
    orgs: Arc<HashMap<OrgId, Arc<OrgNames>>>,
    zones: Arc<Zones>,
    version: i64,
}

impl std::fmt::Debug for ServiceIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceIndex")
            .field("version", &self.version)
            .field("documents", &self.entries.len())
            .field("delta", &self.text.delta_len())
            .finish()
    }
}

/// Where a query's candidates come from before the filters.
enum Source {
    /// Runs of entry numbers, and single entries (unsorted, possibly repeated).
    Runs(Vec<std::ops::Range<u32>>, Vec<u32>),
    /// These entries, ascending.
    List(Vec<u32>),
}

struct Candidate {
    entry: u32,
    score: Score,
    /// The haversine to `near` (see [`geo::km`]): it orders as the distance does.
    nearness: Option<f64>,
    open: bool,
}

impl ServiceIndex {
    /// Builds the index of these services, with their organizations and locations, tagged
    /// with the directory version they were read at. Services of unknown organizations are
    /// left out.
    pub fn build(
        services: Vec<Service>,
        organizations: &[Organization],
        locations: &[Location],
        version: i64,
    ) -> Result<ServiceIndex, SearchError> {
        let orgs: HashMap<OrgId, Arc<OrgNames>> = organizations
            .iter()
            .map(|o| (o.id, OrgNames::of(o)))
            .collect();
        let location_at: HashMap<LocationId, u32> = locations
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id, i as u32))
            .collect();
        let mut zones = Zones::default();
        let src = Sources {
            orgs: &orgs,
            locations,
            location_at: &location_at,
        };
        // Each entry is allocated once, then only pointers move.
        let mut derived: Vec<Derived> = services
            .into_iter()
            .filter_map(|s| derive(s, &src, &mut zones))
            .collect();
        // Grid order, stable: within a cell, the database's order.
        derived.sort_by_cached_key(|d| key_of(&d.sites));
        let filters = Filters::build(&derived);
        let mut sites = Vec::with_capacity(derived.len());
        let entries: Vec<Arc<Entry>> = derived
            .into_iter()
            .map(|d| {
                sites.push(d.sites);
                d.entry
            })
            .collect();
        let geo = Geo::build(sites);
        let text = Text::build(
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| (i as u32, e.text_doc(locations))),
        )?;
        let mut by_org: HashMap<OrgId, Vec<u32>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_org.entry(e.service.org_id).or_default().push(i as u32);
        }
        Ok(ServiceIndex {
            positions: Arc::new(
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.service.id, i as u32))
                    .collect(),
            ),
            entries,
            text,
            filters: Arc::new(filters),
            geo: Arc::new(geo),
            locations: Arc::new(locations.to_vec()),
            location_at: Arc::new(location_at),
            by_org: Arc::new(by_org),
            orgs: Arc::new(orgs),
            zones: Arc::new(zones),
            version,
        })
    }

    /// A new snapshot with these services, organizations and locations changed or added,
    /// sharing everything else with this one: an organization's rename reaches its
    /// services' text, a location's move their distances. `None` asks for a full rebuild
    /// (a service of an organization this snapshot does not know, or a delta grown large).
    pub fn apply(
        &self,
        services: Vec<Service>,
        organizations: &[Organization],
        locations: &[Location],
        version: i64,
    ) -> Result<Option<ServiceIndex>, SearchError> {
        let mut orgs = self.orgs.clone();
        let mut all_locations = self.locations.clone();
        let mut location_at = self.location_at.clone();
        let mut touched: BTreeSet<u32> = BTreeSet::new();
        for o in organizations {
            Arc::make_mut(&mut orgs).insert(o.id, OrgNames::of(o));
            touched.extend(self.by_org.get(&o.id).into_iter().flatten());
        }
        // Which entries use each moved location: one pass over the entries, however many.
        let mut moved: HashMap<u32, Vec<u32>> = locations
            .iter()
            .filter_map(|l| self.location_at.get(&l.id).map(|at| (*at, Vec::new())))
            .collect();
        if !moved.is_empty() {
            for (i, e) in self.entries.iter().enumerate() {
                for at in &e.locations {
                    if let Some(users) = moved.get_mut(at) {
                        users.push(i as u32);
                    }
                }
            }
        }
        for l in locations {
            match self.location_at.get(&l.id) {
                Some(&at) => {
                    Arc::make_mut(&mut all_locations)[at as usize] = l.clone();
                    touched.extend(moved.remove(&at).unwrap_or_default());
                }
                None => {
                    let all = Arc::make_mut(&mut all_locations);
                    Arc::make_mut(&mut location_at).insert(l.id, all.len() as u32);
                    all.push(l.clone());
                }
            }
        }
        let mut replaced: BTreeMap<u32, Service> = BTreeMap::new();
        let mut added: Vec<Service> = Vec::new();
        for s in services {
            match self.positions.get(&s.id) {
                Some(&at) => {
                    replaced.insert(at, s);
                }
                None => added.push(s),
            }
        }
        touched.extend(replaced.keys());

        let mut zones = (*self.zones).clone();
        let src = Sources {
            orgs: &orgs,
            locations: &all_locations,
            location_at: &location_at,
        };
        let mut entries = self.entries.clone();
        let mut positions = self.positions.clone();
        let mut by_org = self.by_org.clone();
        let mut text_changed: Vec<u32> = Vec::new();
        let mut changed: Vec<(u32, Derived)> = Vec::new();
        for at in touched {
            let old = &self.entries[at as usize];
            let service = replaced.remove(&at).unwrap_or_else(|| old.service.clone());
            let Some(derived) = derive(service, &src, &mut zones) else {
                return Ok(None);
            };
            let entry = &derived.entry;
            if entry.service.org_id != old.service.org_id {
                let map = Arc::make_mut(&mut by_org);
                if let Some(list) = map.get_mut(&old.service.org_id) {
                    list.retain(|e| *e != at);
                }
                let list = map.entry(entry.service.org_id).or_default();
                list.push(at);
                list.sort_unstable();
            }
            if entry.text != old.text {
                text_changed.push(at);
            }
            entries[at as usize] = entry.clone();
            changed.push((at, derived));
        }
        for service in added {
            let at = entries.len() as u32;
            let Some(derived) = derive(service, &src, &mut zones) else {
                return Ok(None);
            };
            let entry = &derived.entry;
            Arc::make_mut(&mut positions).insert(entry.service.id, at);
            Arc::make_mut(&mut by_org)
                .entry(entry.service.org_id)
                .or_default()
                .push(at);
            entries.push(entry.clone());
            text_changed.push(at);
            changed.push((at, derived));
        }

        let mut text = self.text.clone();
        if !text_changed.is_empty() {
            let mut delta: BTreeSet<u32> = self.text.delta_entries().collect();
            delta.extend(text_changed);
            if delta.len() > DELTA_MAX.max(entries.len() / 20) {
                return Ok(None);
            }
            text = text.with_delta(
                delta
                    .into_iter()
                    .map(|at| (at, entries[at as usize].text_doc(&all_locations))),
            )?;
        }
        let mut filters = self.filters.clone();
        let mut geo = self.geo.clone();
        if !changed.is_empty() {
            let f = Arc::make_mut(&mut filters);
            for (at, derived) in &changed {
                f.set(*at, derived);
            }
            f.compact();
            Arc::make_mut(&mut geo).replace(
                changed
                    .into_iter()
                    .map(|(at, derived)| (at, derived.sites))
                    .collect(),
            );
        }
        Ok(Some(ServiceIndex {
            entries,
            text,
            filters,
            geo,
            locations: all_locations,
            location_at,
            positions,
            by_org,
            orgs,
            zones: Arc::new(zones),
            version,
        }))
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

    /// How many services' text lives in the delta index (changed since the last build).
    pub fn delta_len(&self) -> usize {
        self.text.delta_len()
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

    /// The entries passing the bitset filters, ascending; `None` when a filter value is
    /// unknown to the snapshot, so nothing can match.
    fn filtered(&self, q: &ServiceQuery, language: Option<&str>) -> Option<Vec<u32>> {
        let f = &*self.filters;
        let mut all: Vec<&Bits> = Vec::new();
        if !q.any_status_of_service {
            all.push(f.flag(ACTIVE));
        }
        for (asked, flag) in [
            (q.substance_use, SUBSTANCE_USE),
            (q.any_status, ANY_STATUS),
            (q.minors, MINORS),
            (q.dedicated, DEDICATED),
            (q.always_open, ALWAYS_OPEN),
        ] {
            if asked {
                all.push(f.flag(flag));
            }
        }
        if let Some(g) = q.gender {
            all.extend(f.gender(g));
        }
        if let Some(p) = q.province {
            all.push(f.province(p));
        }
        if let Some(r) = &q.region {
            all.push(f.region(r)?);
        }
        if let Some(l) = language {
            all.push(f.language(l)?);
        }
        let mut any_of: Vec<Vec<&Bits>> = Vec::new();
        if !q.domains.is_empty() {
            any_of.push(q.domains.iter().map(|d| f.domain(*d)).collect());
        }
        if !q.terms.is_empty() {
            let terms: Vec<&Bits> = q.terms.iter().filter_map(|t| f.term(t)).collect();
            if terms.is_empty() {
                return None;
            }
            any_of.push(terms);
        }
        let word_at = |w: usize| -> u64 {
            let mut x = u64::MAX;
            for b in &all {
                x &= b.word(w);
            }
            for group in &any_of {
                x &= group.iter().fold(0, |y, b| y | b.word(w));
            }
            x
        };
        let passes = |e: u32| word_at((e >> 6) as usize) & (1u64 << (e & 63)) != 0;
        let n = self.entries.len() as u32;
        let source = if let Some(org) = q.organization {
            Source::List(self.by_org.get(&org).cloned().unwrap_or_default())
        } else if let (Some(near), Some(radius)) = (q.near, q.radius_km) {
            let (runs, singles) = self.geo.around(near, radius);
            Source::Runs(runs, singles)
        } else {
            Source::Runs(std::iter::once(0..n).collect(), Vec::new())
        };
        let mut out = Vec::new();
        match source {
            Source::List(list) => out.extend(list.into_iter().filter(|e| passes(*e))),
            Source::Runs(runs, singles) => {
                for run in runs {
                    let run = run.start..run.end.min(n);
                    if run.is_empty() {
                        continue;
                    }
                    for w in (run.start >> 6) as usize..=((run.end - 1) >> 6) as usize {
                        let word = word_at(w) & range_mask(w, run.start, run.end);
                        out.extend(ones_of(word, w));
                    }
                }
                if !singles.is_empty() {
                    out.extend(singles.into_iter().filter(|e| *e < n && passes(*e)));
                    out.sort_unstable();
                    out.dedup();
                }
            }
        }
        Some(out)
    }

    /// Runs a query. Bad input cannot fail it: unknown words simply match nothing.
    pub fn search(&self, q: &ServiceQuery) -> Result<ServiceResults<'_>, SearchError> {
        let folded = Self::words(&q.text);
        let language = q.language.as_deref().map(str::to_ascii_lowercase);
        let empty = ServiceResults {
            total: 0,
            hits: Vec::new(),
            facets: Facets::default(),
        };
        // Text with no searchable word in it (punctuation only, or a word too long to be
        // one) finds nothing, as an unknown word does: it must not read as "no text".
        if folded.is_empty() && !q.text.trim().is_empty() {
            return Ok(empty);
        }
        let Some(mut filtered) = self.filtered(q, language.as_deref()) else {
            return Ok(empty);
        };
        let words = self.text.words(&folded)?;
        let scoring = q.sort == Sort::Relevance && !words.is_empty();
        let mut scored: Vec<(u32, Score)> = Vec::with_capacity(filtered.len().min(4096));
        if words.is_empty() {
            scored.extend(filtered.into_iter().map(|e| (e, 0.0)));
        } else {
            if filtered.len() > TEXT_FIRST_ABOVE {
                let matching = self.text.matching(&words)?;
                filtered.retain(|e| matching.get(*e));
                if !scoring {
                    scored.extend(filtered.iter().map(|e| (*e, 0.0)));
                }
            }
            if scored.is_empty() {
                let mut matcher = self.text.matcher(&words, scoring)?;
                for e in filtered {
                    if let Some(score) = matcher.score(e)? {
                        scored.push((e, score));
                    }
                }
            }
        }

        let mut local: Vec<Option<Option<LocalTime>>> = vec![None; self.zones.zones.len()];
        let city = q.city.as_deref().map(|c| {
            let place = gazetteer().place(c, q.province);
            (fold(c), place.map(|p| (p.province, p.qc_region.clone())))
        });
        let near = q.near.map(Spot::of);
        let within = q.radius_km.filter(|_| near.is_some()).map(haversine_of_km);
        let mut candidates: Vec<Candidate> = Vec::with_capacity(scored.len());
        for (entry_no, score) in scored {
            let record = self.filters.record(entry_no);
            if let Some(age) = q.age
                && !record.accepts_age(age)
            {
                continue;
            }
            if let Some((folded, place)) = &city {
                let e = &self.entries[entry_no as usize];
                let serves = e.cities.contains(folded)
                    || place.as_ref().is_some_and(|(province, region)| {
                        region.as_ref().is_some_and(|r| {
                            self.filters.region(r).is_some_and(|b| b.get(entry_no))
                        }) || (e.province_wide && record.serves_province(*province))
                    });
                if !serves {
                    continue;
                }
            }
            let open = self.filters.open(&record, |z| {
                *local[z].get_or_insert_with(|| local_time(&self.zones.zones[z], q.now_ms))
            });
            if q.open_now && !open {
                continue;
            }
            let nearness = near
                .as_ref()
                .and_then(|near| self.geo.nearness(entry_no, near));
            if let Some(within) = within
                && nearness.is_none_or(|h| h > within)
            {
                continue;
            }
            candidates.push(Candidate {
                entry: entry_no,
                score,
                nearness,
                open,
            });
        }

        let facets = self.facets(&candidates);
        let name = |c: &Candidate| {
            let e = &self.entries[c.entry as usize];
            match q.language_of_names {
                Lang::Fr => e.sort_fr.as_str(),
                Lang::En => e.sort_en.as_str(),
            }
        };
        // The last tie-break: the service's id (its creation time first), the same in a
        // snapshot changed in place and in a rebuild, and unrelated to where it is.
        let id = |c: &Candidate| self.entries[c.entry as usize].service.id.as_uuid();
        let by_distance = |a: &Candidate, b: &Candidate| match (a.nearness, b.nearness) {
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
                Sort::Name => name(a).cmp(name(b)).then_with(|| id(a).cmp(&id(b))),
                Sort::Distance => by_distance(a, b).then_with(|| id(a).cmp(&id(b))),
                Sort::Relevance if scoring => b
                    .score
                    .total_cmp(&a.score)
                    .then(by_distance(a, b))
                    .then_with(|| id(a).cmp(&id(b))),
                Sort::Relevance => b
                    .open
                    .cmp(&a.open)
                    .then(by_distance(a, b))
                    .then_with(|| name(a).cmp(name(b)))
                    .then_with(|| id(a).cmp(&id(b))),
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
                let distance = c.nearness.map(km);
                Hit {
                    service: &e.service,
                    locations: self.sites_of(e),
                    org_slug: &e.org.slug,
                    org_name: e.org.name.as_str(),
                    distance_km: distance,
                    open_now: c.open,
                    reasons: reasons(
                        q,
                        e,
                        &folded,
                        distance,
                        c.open,
                        city.as_ref().map(|(f, _)| f.as_str()),
                    ),
                }
            })
            .collect();
        if total == 0 {
            return Ok(empty);
        }
        Ok(ServiceResults {
            total,
            hits,
            facets,
        })
    }

    /// Counts over every result, from the per-entry records.
    fn facets(&self, candidates: &[Candidate]) -> Facets {
        let mut facets = Facets::default();
        let mut domains = [0usize; 16];
        let mut provinces = [0usize; 16];
        let mut languages = [0usize; 64];
        let mut more: BTreeMap<&str, usize> = BTreeMap::new();
        let codes = self.filters.language_codes();
        for c in candidates {
            let r = self.filters.record(c.entry);
            for i in ones_of(u64::from(r.domains), 0) {
                domains[i as usize] += 1;
            }
            for i in ones_of(u64::from(r.provinces), 0) {
                provinces[i as usize] += 1;
            }
            for i in ones_of(r.languages, 0) {
                languages[i as usize] += 1;
            }
            if r.flags & MORE_LANGUAGES != 0 {
                for l in &self.entries[c.entry as usize].service.languages {
                    if !codes.contains(l) {
                        *more.entry(l.as_str()).or_default() += 1;
                    }
                }
            }
            facets.open_now += usize::from(c.open);
            for (flag, count) in [
                (ALWAYS_OPEN, &mut facets.always_open),
                (SUBSTANCE_USE, &mut facets.substance_use),
                (ANY_STATUS, &mut facets.any_status),
                (MINORS, &mut facets.minors),
                (DEDICATED, &mut facets.dedicated),
            ] {
                *count += usize::from(r.flags & flag != 0);
            }
        }
        facets.domains = ServiceDomain::ALL
            .iter()
            .zip(domains)
            .filter(|(_, n)| *n > 0)
            .map(|(d, n)| (*d, n))
            .collect();
        facets.provinces = Province::ALL
            .iter()
            .zip(provinces)
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| (*p, n))
            .collect();
        let mut languages: Vec<(String, usize)> = codes
            .iter()
            .zip(languages)
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| (c.clone(), n))
            .chain(more.into_iter().map(|(c, n)| (c.to_owned(), n)))
            .collect();
        languages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        facets.languages = languages;
        facets
    }

    fn sites_of(&self, e: &Entry) -> Vec<&Location> {
        e.locations
            .iter()
            .filter_map(|i| self.locations.get(*i as usize))
            .collect()
    }

    /// Every service of the snapshot, in entry order (sites: [`ServiceIndex::sites`]).
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.entries.iter().map(|e| &e.service)
    }

    /// The services of one organization.
    pub fn services_of(&self, org: OrgId) -> impl Iterator<Item = &Service> {
        self.by_org
            .get(&org)
            .into_iter()
            .flatten()
            .map(|at| &self.entries[*at as usize].service)
    }

    /// The sites of a service of the snapshot.
    pub fn sites(&self, id: ServiceId) -> Vec<&Location> {
        self.positions
            .get(&id)
            .and_then(|at| self.entries.get(*at as usize))
            .map(|e| self.sites_of(e))
            .unwrap_or_default()
    }

    /// One service by id (for its page), with its organization's names and whether it is
    /// open at `now_ms`.
    pub fn get(&self, id: ServiceId, now_ms: i64) -> Option<Hit<'_>> {
        let at = *self.positions.get(&id)?;
        let e = &self.entries[at as usize];
        let open = self.filters.open(&self.filters.record(at), |z| {
            local_time(&self.zones.zones[z], now_ms)
        });
        Some(Hit {
            service: &e.service,
            locations: self.sites_of(e),
            org_slug: &e.org.slug,
            org_name: e.org.name.as_str(),
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
    for word in words {
        out.push(Reason::Word {
            word: word.clone(),
            in_name_fr: e.sort_fr.contains(word.as_str()),
            in_name_en: e.sort_en.contains(word.as_str()),
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

#[cfg(test)]
mod tests {
    use mosaique_domain::directory::schedule::{Day, Hours, Schedule};
    use mosaique_domain::service::{Access, Cost, Eligibility, ServiceArea, ServiceStatus};
    use mosaique_domain::{ServiceId, Timestamp};
    use proptest::prelude::*;

    use super::*;

    fn org() -> Organization {
        Organization {
            id: OrgId::new(),
            slug: "exemple".into(),
            name: Bilingual::new(
                "Exemple — Organisme".into(),
                "Example — Organization".into(),
            ),
            description: Bilingual::default(),
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
        let given = mosaique_domain::service::NewLocation {
            name: Bilingual::new("Lieu".into(), "Site".into()),
            address: "1, rue de l’Exemple".into(),
            city: city.into(),
            province: Province::Qc,
            postal_code: String::new(),
            point: Some(point),
            confidential,
        };
        let region = gazetteer()
            .place(city, None)
            .and_then(|p| p.qc_region.clone());
        Location::new(LocationId::new(), org.id, given, region, Timestamp(0))
    }

    fn service(org: &Organization, name_fr: &str, name_en: &str, sites: &[&Location]) -> Service {
        Service {
            id: ServiceId::new(),
            org_id: org.id,
            name: Bilingual::new(name_fr.into(), name_en.into()),
            description: Bilingual::default(),
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
            .map(|h| h.service.name.en.clone())
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
        // Typed text with no searchable word finds nothing, as the organization search does;
        // only no text at all lists everything.
        for nothing in ["(((", "%", "\u{FFFD}", "--", &"x".repeat(45)] {
            assert!(found(nothing).is_empty(), "{nothing:?}");
        }
        assert!(!found("").is_empty() && !found("   ").is_empty());
        // Temporarily closed services are left out unless asked for.
        assert!(!found("fermé").contains(&"Closed shelter".to_owned()));
    }

    #[test]
    fn a_misspelled_word_ranks_like_the_right_spelling() {
        let o = org();
        let site = location(
            &o,
            "Montréal",
            gazetteer().place("Montréal", None).expect("M").point,
            false,
        );
        // Both have the word in their name, one in a short name and one in a long one (BM25
        // ranks the short one first); ids ascend in the weaker one's favour, so a tie — what a
        // typo used to give — would put it first.
        let weak = service(
            &o,
            "Maison de quartier avec repas, vestiaire, aide aux démarches et refuge",
            "Neighbourhood house with meals, clothing, help with forms and a refuge",
            &[&site],
        );
        let strong = service(&o, "Refuge de nuit", "Night refuge", &[&site]);
        let index = ServiceIndex::build(vec![weak, strong], &[o], &[site], 1).expect("index");
        let ranked = |text: &str| names(&index.search(&query(text)).expect("search"));
        let order = [
            "Night refuge",
            "Neighbourhood house with meals, clothing, help with forms and a refuge",
        ];
        assert_eq!(ranked("refuge"), order);
        assert_eq!(ranked("refuje"), order, "the same order through a typo");
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
            .find(|h| h.service.name.en == "Emergency shelter for women")
            .expect("shelter");
        assert!(shelter.distance_km.expect("distance") < 0.01);
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
    fn changes_apply_on_a_new_snapshot_and_leave_the_old_one_untouched() {
        let f = fixture();
        let hit = f.index.search(&query("juridique")).expect("search").hits[0]
            .service
            .clone();
        let mut closed = hit.clone();
        closed.status = ServiceStatus::TemporarilyClosed;
        closed.eligibility.any_status = true;
        let next = f
            .index
            .apply(vec![closed], &[], &[], 4)
            .expect("apply")
            .expect("in place");
        assert_eq!(next.version(), 4);
        assert_eq!(next.delta_len(), 0, "no text changed");
        assert!(
            next.search(&query("juridique"))
                .expect("search")
                .hits
                .is_empty(),
            "closed now"
        );
        let any = ServiceQuery {
            any_status_of_service: true,
            any_status: true,
            ..query("juridique")
        };
        assert_eq!(next.search(&any).expect("search").total, 1);
        // The old snapshot is untouched: readers holding it see what they saw.
        assert_eq!(
            f.index.search(&query("juridique")).expect("search").total,
            1
        );
    }

    #[test]
    fn a_renamed_service_is_found_by_its_new_name_only() {
        let f = fixture();
        let mut renamed = f.index.search(&query("juridique")).expect("search").hits[0]
            .service
            .clone();
        renamed.name = Bilingual::new(
            "Consultation zanzibarite".into(),
            "Zanzibari consultation".into(),
        );
        renamed.description.fr = String::new();
        renamed.domains = vec![ServiceDomain::Health];
        let next = f
            .index
            .apply(vec![renamed], &[], &[], 4)
            .expect("apply")
            .expect("in place");
        assert_eq!(next.delta_len(), 1);
        let found = |text: &str| names(&next.search(&query(text)).expect("search"));
        assert_eq!(found("zanzibarite"), ["Zanzibari consultation"]);
        assert_eq!(found("zanzibri"), ["Zanzibari consultation"], "one typo");
        assert!(found("juridique").is_empty(), "the old name is gone");
        assert_eq!(
            found("hebergement").len(),
            names(&f.index.search(&query("hebergement")).expect("search")).len(),
            "other services keep their base text"
        );
    }

    #[test]
    fn new_services_organizations_and_moved_locations_apply_in_place() {
        let f = fixture();
        let mut boreal = org();
        boreal.name = Bilingual::new("Refuge Boréal".into(), "Boreal Refuge".into());
        let halifax = gazetteer().place("Halifax", None).expect("Halifax").point;
        let site = location(&boreal, "Halifax", halifax, false);
        let mut added = service(&boreal, "Maison côtière", "Coastal house", &[&site]);
        added.domains = vec![ServiceDomain::HousingLongTerm];
        let next = f
            .index
            .apply(
                vec![added.clone()],
                std::slice::from_ref(&boreal),
                std::slice::from_ref(&site),
                4,
            )
            .expect("apply")
            .expect("in place");
        assert_eq!(next.len(), f.index.len() + 1);
        let near_halifax = ServiceQuery {
            near: Some(halifax),
            radius_km: Some(5.0),
            ..query("boreal")
        };
        assert_eq!(
            names(&next.search(&near_halifax).expect("search")),
            ["Coastal house"]
        );
        // The site moves to Yellowknife: found there, no longer near Halifax.
        let yellowknife = gazetteer().place("Yellowknife", None).expect("YK").point;
        let given = mosaique_domain::service::NewLocation {
            name: site.name.clone(),
            address: "1, rue de l’Exemple".into(),
            city: "Yellowknife".into(),
            province: Province::Nt,
            postal_code: String::new(),
            point: Some(yellowknife),
            confidential: false,
        };
        let moved = Location::new(site.id, site.org_id, given, None, site.updated_at);
        let later = next
            .apply(vec![], &[], std::slice::from_ref(&moved), 5)
            .expect("apply")
            .expect("in place");
        assert!(later.search(&near_halifax).expect("search").hits.is_empty());
        let near_yellowknife = ServiceQuery {
            near: Some(yellowknife),
            radius_km: Some(5.0),
            ..query("")
        };
        assert_eq!(
            names(&later.search(&near_yellowknife).expect("search")),
            ["Coastal house"]
        );
        assert_eq!(
            names(&later.search(&query("yellowknife")).expect("search")),
            ["Coastal house"],
            "the city is part of the text"
        );
        // A service with no site (a phone line) is found by its words.
        let line = service(&boreal, "Seconde halte", "Second drop-in", &[]);
        let with_line = later
            .apply(vec![line], &[], &[], 6)
            .expect("apply")
            .expect("in place");
        assert_eq!(
            names(&with_line.search(&query("seconde")).expect("search")),
            ["Second drop-in"]
        );
        // A service of an organization the snapshot has never seen asks for a rebuild.
        let stranger = service(&org(), "Inconnu", "Unknown", &[]);
        assert!(
            f.index
                .apply(vec![stranger], &[], &[], 4)
                .expect("apply")
                .is_none()
        );
    }

    #[test]
    fn where_a_shelter_really_is_never_orders_results() {
        // Two shelters in a town the gazetteer lacks: no public point at all. Whatever their
        // real points, they come in the same order (their ids').
        let o = org();
        let south = Point::new(43.0, -79.0).expect("point");
        let north = Point::new(60.0, -135.0).expect("point");
        let order = |first: Point, second: Point| {
            let mut a = location(&o, "Villeperdue", first, true);
            let mut b = location(&o, "Villeperdue", second, true);
            a.region = None;
            b.region = None;
            let mut one = service(&o, "Refuge un", "Refuge one", &[&a]);
            let mut two = service(&o, "Refuge deux", "Refuge two", &[&b]);
            one.id = "00000000-0000-7000-8000-000000000001".parse().expect("id");
            two.id = "00000000-0000-7000-8000-000000000002".parse().expect("id");
            let index = ServiceIndex::build(vec![two, one], std::slice::from_ref(&o), &[a, b], 1)
                .expect("index");
            let near = ServiceQuery {
                near: Some(Point::new(45.5, -73.6).expect("point")),
                sort: Sort::Distance,
                ..query("refuge")
            };
            let results = index.search(&near).expect("search");
            assert!(results.hits.iter().all(|h| h.distance_km.is_none()));
            names(&results)
        };
        assert_eq!(order(south, north), ["Refuge one", "Refuge two"]);
        assert_eq!(order(north, south), ["Refuge one", "Refuge two"]);
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
