//! What a query filters and counts on, kept apart from the services themselves: a bitset
//! per filter value (ANDed 64 entries at a time) and a small record per entry for the facet
//! counts. Both are derived from the entries and patched in place when a service changes.

use std::collections::HashMap;

use mosaique_domain::directory::schedule::{LocalTime, Rule, open_at};
use mosaique_domain::service::{GenderServed, ServiceStatus};
use mosaique_domain::{Province, ServiceDomain};

use super::Derived;
use super::bits::Bits;

pub(crate) const ACTIVE: u16 = 1;
pub(crate) const SUBSTANCE_USE: u16 = 1 << 1;
pub(crate) const ANY_STATUS: u16 = 1 << 2;
pub(crate) const MINORS: u16 = 1 << 3;
pub(crate) const DEDICATED: u16 = 1 << 4;
pub(crate) const ALWAYS_OPEN: u16 = 1 << 5;
/// Given in a language past the first 64 the snapshot has seen: counted from the entry.
pub(crate) const MORE_LANGUAGES: u16 = 1 << 6;
const FLAGS: [u16; 6] = [
    ACTIVE,
    SUBSTANCE_USE,
    ANY_STATUS,
    MINORS,
    DEDICATED,
    ALWAYS_OPEN,
];
const GENDERS: [GenderServed; 3] = [
    GenderServed::Women,
    GenderServed::Men,
    GenderServed::GenderDiverse,
];

/// No time zone: always open, or hours in a zone the time zone database does not know.
const NO_ZONE: u16 = u16::MAX;

/// One entry, as the facets count it and "open now" decides it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    pub flags: u16,
    pub domains: u16,
    pub provinces: u16,
    pub languages: u64,
    pub age_min: u8,
    pub age_max: u8,
    /// The entry's time zone (index into the snapshot's zones) and weekly hours (a run of
    /// `Filters::rules`), kept here so "open now" reads no service record.
    zone: u16,
    rules: (u32, u32),
}

impl Default for Record {
    fn default() -> Record {
        Record {
            flags: 0,
            domains: 0,
            provinces: 0,
            languages: 0,
            age_min: 0,
            age_max: u8::MAX,
            zone: NO_ZONE,
            rules: (0, 0),
        }
    }
}

impl Record {
    pub fn serves_province(&self, p: Province) -> bool {
        self.provinces & province_bit(p) != 0
    }

    pub fn accepts_age(&self, age: u8) -> bool {
        (age >= 18 || self.flags & MINORS != 0) && age >= self.age_min && age <= self.age_max
    }
}

pub(crate) fn domain_bit(d: ServiceDomain) -> u16 {
    1 << (d as u16)
}

fn province_bit(p: Province) -> u16 {
    1 << (p as u16)
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    records: Vec<Record>,
    flags: [Bits; 6],
    genders: [Bits; 3],
    domains: Vec<Bits>,
    provinces: Vec<Bits>,
    regions: HashMap<String, Bits>,
    languages: HashMap<String, Bits>,
    terms: HashMap<String, Bits>,
    /// The first 64 languages seen, in the order of `Record::languages` bits.
    language_codes: Vec<String>,
    /// Every entry's weekly hours, one run each.
    rules: Vec<Rule>,
}

impl Filters {
    pub fn build(entries: &[Derived]) -> Filters {
        let n = entries.len();
        let mut f = Filters {
            domains: vec![Bits::with_len(n); ServiceDomain::ALL.len()],
            provinces: vec![Bits::with_len(n); Province::ALL.len()],
            flags: std::array::from_fn(|_| Bits::with_len(n)),
            genders: std::array::from_fn(|_| Bits::with_len(n)),
            ..Filters::default()
        };
        for (e, entry) in entries.iter().enumerate() {
            f.set(e as u32, entry);
        }
        f
    }

    pub fn record(&self, e: u32) -> Record {
        self.records.get(e as usize).copied().unwrap_or_default()
    }

    pub fn language_codes(&self) -> &[String] {
        &self.language_codes
    }

    /// Records entry `e` as it is now (new, or replacing what it was).
    pub fn set(&mut self, e: u32, derived: &Derived) {
        // A new entry has no bit to clear in the keyed bitsets (at build, none has).
        let new = e as usize >= self.records.len();
        let entry = &derived.entry;
        let s = &entry.service;
        let el = &s.eligibility;
        let mut flags = 0;
        for (on, flag) in [
            (s.status == ServiceStatus::Active, ACTIVE),
            (el.substance_use, SUBSTANCE_USE),
            (el.any_status, ANY_STATUS),
            (el.minors, MINORS),
            (el.dedicated, DEDICATED),
            (s.schedule.always_open, ALWAYS_OPEN),
        ] {
            if on {
                flags |= flag;
            }
        }
        for (bits, flag) in self.flags.iter_mut().zip(FLAGS) {
            bits.assign(e, flags & flag != 0);
        }
        for (bits, g) in self.genders.iter_mut().zip(GENDERS) {
            bits.assign(e, el.accepts_gender(g));
        }
        let domains = s.domains.iter().fold(0, |m, d| m | domain_bit(*d));
        for (i, bits) in self.domains.iter_mut().enumerate() {
            bits.assign(e, domains & (1 << i) != 0);
        }
        let provinces = derived
            .provinces
            .iter()
            .fold(0, |m, p| m | province_bit(*p));
        for (i, bits) in self.provinces.iter_mut().enumerate() {
            bits.assign(e, provinces & (1 << i) != 0);
        }
        assign_keys(&mut self.regions, e, &derived.regions, new);
        assign_keys(&mut self.terms, e, &s.terms, new);
        assign_keys(&mut self.languages, e, &s.languages, new);
        let mut languages = 0u64;
        for code in &s.languages {
            let bit = match self.language_codes.iter().position(|c| c == code) {
                Some(i) => Some(i),
                None if self.language_codes.len() < 64 => {
                    self.language_codes.push(code.clone());
                    Some(self.language_codes.len() - 1)
                }
                None => None,
            };
            match bit {
                Some(i) => languages |= 1 << i,
                None => flags |= MORE_LANGUAGES,
            }
        }
        let rules = entry.service.schedule.rules();
        let span = (self.rules.len() as u32, rules.len() as u32);
        self.rules.extend(rules);
        let record = Record {
            flags,
            domains,
            provinces,
            languages,
            age_min: el.age_min.unwrap_or(0),
            age_max: el.age_max.unwrap_or(u8::MAX),
            zone: entry
                .tz
                .and_then(|z| u16::try_from(z).ok())
                .unwrap_or(NO_ZONE),
            rules: span,
        };
        let at = e as usize;
        if at >= self.records.len() {
            self.records.resize(at + 1, Record::default());
        }
        self.records[at] = record;
    }

    /// Whether the entry is open, given the local time in each zone (`local(zone)`).
    pub fn open(&self, r: &Record, local: impl FnOnce(usize) -> Option<LocalTime>) -> bool {
        if r.flags & ALWAYS_OPEN != 0 {
            return true;
        }
        if r.zone == NO_ZONE {
            return false;
        }
        let (start, len) = (r.rules.0 as usize, r.rules.1 as usize);
        let rules = self.rules.get(start..start + len).unwrap_or_default();
        local(usize::from(r.zone)).is_some_and(|at| open_at(rules, at))
    }

    /// Drops the hours of entries since changed, once they outweigh the live ones (a
    /// snapshot updated in place for weeks would otherwise keep every old schedule).
    pub fn compact(&mut self) {
        let live: usize = self.records.iter().map(|r| r.rules.1 as usize).sum();
        if self.rules.len() <= 2 * live + 1024 {
            return;
        }
        let mut rules = Vec::with_capacity(live);
        for r in &mut self.records {
            let (start, len) = (r.rules.0 as usize, r.rules.1 as usize);
            let at = rules.len() as u32;
            rules.extend_from_slice(self.rules.get(start..start + len).unwrap_or_default());
            r.rules.0 = at;
        }
        self.rules = rules;
    }

    pub fn flag(&self, flag: u16) -> &Bits {
        let i = FLAGS.iter().position(|f| *f == flag).unwrap_or(0);
        &self.flags[i]
    }

    pub fn gender(&self, g: GenderServed) -> Option<&Bits> {
        GENDERS
            .iter()
            .position(|x| *x == g)
            .map(|i| &self.genders[i])
    }

    pub fn domain(&self, d: ServiceDomain) -> &Bits {
        &self.domains[d as usize]
    }

    pub fn province(&self, p: Province) -> &Bits {
        &self.provinces[p as usize]
    }

    pub fn region(&self, code: &str) -> Option<&Bits> {
        self.regions.get(code)
    }

    pub fn language(&self, code: &str) -> Option<&Bits> {
        self.languages.get(code)
    }

    pub fn term(&self, code: &str) -> Option<&Bits> {
        self.terms.get(code)
    }
}

/// Sets bit `e` in the bitsets of `keys` and clears it in every other one (unless `new`).
fn assign_keys(map: &mut HashMap<String, Bits>, e: u32, keys: &[String], new: bool) {
    if !new {
        for (key, bits) in map.iter_mut() {
            bits.assign(e, keys.contains(key));
        }
    }
    for key in keys {
        map.entry(key.clone()).or_default().set(e);
    }
}
