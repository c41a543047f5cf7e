//! The directory as HSDS 3.1 objects (Mosaïque Canada profile), in one publication
//! language with the other under `translations`.
//!
//! Confidential locations are decided here, once, for every outlet: without
//! `include_redacted` they and their `service_at_location` rows do not exist; with it they
//! are the redacted form (id, type, a coarse region name, the flag), never a street,
//! coordinates, phones or hours.

use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::directory::schedule::Schedule;
use mosaique_domain::directory::taxonomy::{Term, taxonomy};
use mosaique_domain::screening::Text;
use mosaique_domain::service::{Location, Service, ServiceArea, ServiceAreaKind, ServiceStatus};
use mosaique_domain::{Language, LocationId, Organization, ServiceId, Timestamp};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::{Texts, derived_id, taxonomy_id, term_id};

/// How much of an object to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// `id`, `name`, `status`, `last_modified` (the `minimal` parameter).
    Minimal,
    /// One-to-one fields only: a list item (`*_list.json`).
    List,
    /// Fully nested (`compiled/*.json`).
    Full,
}

/// One publication: its language, its clock (schedule offsets are those valid now), and
/// whether confidential locations appear redacted or not at all.
pub struct Publication<'a> {
    pub lang: Language,
    pub now: Timestamp,
    pub include_redacted: bool,
    pub texts: &'a dyn Texts,
}

impl std::fmt::Debug for Publication<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publication")
            .field("lang", &self.lang)
            .field("include_redacted", &self.include_redacted)
            .finish()
    }
}

/// HSDS `service.status`: note the space in "temporarily closed".
pub fn status(s: ServiceStatus) -> &'static str {
    match s {
        ServiceStatus::Active => "active",
        ServiceStatus::TemporarilyClosed => "temporarily closed",
        ServiceStatus::Inactive => "inactive",
    }
}

/// When a service, or anything published with it, last changed. A confidential location
/// never moves it, so `modified_after` cannot reveal when a shelter's details changed.
pub fn last_modified(service: &Service, locations: &[&Location]) -> Timestamp {
    locations
        .iter()
        .filter(|l| l.public_site().is_some())
        .map(|l| l.updated_at)
        .fold(service.updated_at, Timestamp::max)
}

fn put(map: &mut Map<String, Value>, key: &str, value: impl Into<Value>) {
    map.insert(key.to_owned(), value.into());
}

fn put_text(map: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.trim().is_empty() {
        put(map, key, value.trim());
    }
}

/// `translations: {"en": {"name": …}}` with the non-empty fields only, or nothing.
fn put_translations(map: &mut Map<String, Value>, lang: Language, fields: &[(&str, &str)]) {
    let mut t = Map::new();
    for (k, v) in fields {
        put_text(&mut t, k, v);
    }
    if !t.is_empty() {
        put(map, "translations", json!({ lang.other().code(): t }));
    }
}

/// A web address as HSDS wants it (`format: uri`): addresses typed without a scheme get
/// `https://`; anything with spaces is not published.
pub fn web_address(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.contains(char::is_whitespace) {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Some(raw.to_owned())
    } else {
        Some(format!("https://{raw}"))
    }
}

fn email(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    let (user, host) = raw.split_once('@')?;
    (!user.is_empty() && host.contains('.') && !raw.contains(char::is_whitespace)).then_some(raw)
}

/// `±hh:mm` of an offset in seconds.
fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    format!("{sign}{:02}:{:02}", s / 3600, s / 60 % 60)
}

impl Publication<'_> {
    fn t(&self, key: &str) -> String {
        self.texts.text(self.lang, key, &[])
    }

    fn t_in(&self, lang: Language, key: &str, args: &[(&'static str, String)]) -> String {
        self.texts.text(lang, key, args)
    }

    /// The coarse name of a confidential site: its region (Québec) or else its province,
    /// never its street or town.
    fn redacted_name(&self, location: &Location, lang: Language) -> String {
        match location
            .region
            .as_deref()
            .and_then(|r| gazetteer().region(r))
        {
            Some(region) => self.t_in(
                lang,
                "hsds-redacted-region",
                &[("region", region.name(lang).to_owned())],
            ),
            None => {
                let province =
                    self.t_in(lang, &format!("province-{}", location.province.key()), &[]);
                self.t_in(lang, "hsds-redacted-province", &[("province", province)])
            }
        }
    }

    /// A location as published, or `None` when it is confidential and redacted forms were
    /// not asked for. [`Depth::List`] leaves out its addresses (a one-to-many field). What
    /// is shown of a site is `domain`'s decision ([`Location::public_site`]): this feed is
    /// public, so a shelter gives only its coarse area.
    pub fn location(&self, l: &Location, depth: Depth) -> Option<Value> {
        let id = l.id.to_string();
        let Some(site) = l.public_site() else {
            if !self.include_redacted {
                return None;
            }
            return Some(json!({
                "id": id,
                "location_type": "redacted",
                "name": self.redacted_name(l, self.lang),
                "confidential": true,
                "translations": { self.lang.other().code(): { "name": self.redacted_name(l, self.lang.other()) } },
            }));
        };
        let mut m = Map::new();
        put(&mut m, "id", id.clone());
        put(&mut m, "location_type", "physical");
        put(&mut m, "organization_id", l.org_id.to_string());
        put_text(&mut m, "name", l.name(self.lang));
        if let Some(p) = site.point {
            put(&mut m, "latitude", p.lat);
            put(&mut m, "longitude", p.lon);
        }
        put(&mut m, "confidential", false);
        if depth == Depth::Full && !site.address.trim().is_empty() {
            put(
                &mut m,
                "addresses",
                json!([{
                    "id": derived_id(l.id.as_uuid(), "address", "physical").to_string(),
                    "location_id": id,
                    "address_1": site.address.trim(),
                    "city": l.city.trim(),
                    "state_province": l.province.key(),
                    "postal_code": site.postal_code.trim(),
                    "country": "CA",
                    "address_type": "physical",
                }]),
            );
        }
        put_translations(&mut m, self.lang, &[("name", l.name(self.lang.other()))]);
        Some(Value::Object(m))
    }

    /// The organization's own one-to-one fields (`organization_list.json`).
    pub fn organization(&self, o: &Organization) -> Map<String, Value> {
        let mut m = Map::new();
        put(&mut m, "id", o.id.to_string());
        put(&mut m, "name", o.name(self.lang).trim());
        // Required by HSDS even when we have none.
        put(&mut m, "description", o.description(self.lang).trim());
        if let Some(p) = o.province {
            put(&mut m, "mosaique_province", p.key());
        }
        if let Some(l) = o.level {
            put(&mut m, "mosaique_level", l.key());
        }
        if let Some(s) = o.sector {
            put(&mut m, "mosaique_sector", s.key());
        }
        if let Some(year) = o.founded_year {
            put(&mut m, "year_incorporated", year);
        }
        let d = &o.details;
        if let Some(formal) = d.formal {
            put(&mut m, "mosaique_formal", formal);
        }
        if !d.mandates.is_empty() {
            let keys: Vec<&str> = d.mandates.iter().map(|m| m.key()).collect();
            put(&mut m, "mosaique_mandates", keys);
        }
        if let Some(url) = web_address(&d.website) {
            put(&mut m, "website", url);
        }
        if let Some(e) = email(&d.email) {
            put(&mut m, "email", e);
        }
        put_translations(
            &mut m,
            self.lang,
            &[
                ("name", o.name(self.lang.other())),
                ("description", o.description(self.lang.other())),
            ],
        );
        m
    }

    /// A full organization: its public locations and, with `services`, each service fully
    /// nested (`compiled/organization.json`).
    pub fn organization_full(
        &self,
        o: &Organization,
        locations: &[&Location],
        services: &[(&Service, Vec<&Location>)],
    ) -> Value {
        let mut m = self.organization(o);
        // An array of objects: a one-to-many field, so not in list items.
        if !o.details.areas.is_empty() {
            put(&mut m, "mosaique_areas", json!(o.details.areas));
        }
        let phones: Vec<Value> = (!o.details.phone.trim().is_empty())
            .then(|| {
                json!({
                    "id": derived_id(o.id.as_uuid(), "phone", "0").to_string(),
                    "organization_id": o.id.to_string(),
                    "number": o.details.phone.trim(),
                    "type": "voice",
                })
            })
            .into_iter()
            .collect();
        put(&mut m, "phones", phones);
        let locations: Vec<Value> = locations
            .iter()
            .filter_map(|l| self.location(l, Depth::Full))
            .collect();
        put(&mut m, "locations", locations);
        let services: Vec<Value> = services
            .iter()
            .map(|(s, at)| self.service(s, None, at, Depth::Full))
            .collect();
        put(&mut m, "services", services);
        Value::Object(m)
    }

    fn eligibility_description(&self, s: &Service, lang: Language) -> String {
        let e = &s.eligibility;
        let mut parts = vec![self.t_in(lang, &format!("hsds-gender-{}", e.gender.key()), &[])];
        match (e.age_min, e.age_max) {
            (Some(min), Some(max)) => parts.push(self.t_in(
                lang,
                "hsds-age-range",
                &[("min", min.to_string()), ("max", max.to_string())],
            )),
            (Some(min), None) => {
                parts.push(self.t_in(lang, "hsds-age-min", &[("min", min.to_string())]))
            }
            (None, Some(max)) => {
                parts.push(self.t_in(lang, "hsds-age-max", &[("max", max.to_string())]))
            }
            (None, None) => {}
        }
        for (flag, key) in [
            (e.minors, "hsds-minors"),
            (e.substance_use, "hsds-substance-use"),
            (e.any_status, "hsds-any-status"),
            (e.dedicated, "hsds-dedicated"),
        ] {
            if flag {
                parts.push(self.t_in(lang, key, &[]));
            }
        }
        parts.join(" · ")
    }

    fn application_process(&self, s: &Service, lang: Language) -> String {
        self.t_in(lang, &format!("hsds-access-{}", s.access.key()), &[])
    }

    fn area_name(&self, a: &ServiceArea, lang: Language) -> String {
        match a.kind {
            ServiceAreaKind::Province => self.t_in(lang, &format!("province-{}", a.code), &[]),
            ServiceAreaKind::Region => gazetteer()
                .region(&a.code)
                .map_or_else(|| a.code.clone(), |r| r.name(lang).to_owned()),
            ServiceAreaKind::Municipality => a.code.clone(),
        }
    }

    fn schedules(&self, s: &Service) -> Vec<Value> {
        let sched: &Schedule = &s.schedule;
        let offset = jiff::tz::TimeZone::get(&sched.time_zone)
            .ok()
            .zip(jiff::Timestamp::from_millisecond(self.now.millis()).ok())
            .map(|(tz, now)| tz.to_offset(now).seconds())
            .unwrap_or(0);
        let (off, hours) = (offset_text(offset), f64::from(offset) / 3600.0);
        let one = |key: String, days: String, opens: &str, closes: &str| {
            json!({
                "id": derived_id(s.id.as_uuid(), "schedule", &key).to_string(),
                "service_id": s.id.to_string(),
                "freq": "WEEKLY",
                "byday": days,
                "opens_at": format!("{opens}:00{off}"),
                "closes_at": format!("{closes}:00{off}"),
                "timezone": hours,
                "timezone_name": sched.time_zone,
            })
        };
        if sched.always_open {
            return vec![one(
                "always".into(),
                "MO,TU,WE,TH,FR,SA,SU".into(),
                "00:00",
                "23:59",
            )];
        }
        sched
            .hours
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let days: Vec<&str> = h.days.iter().map(|d| d.rrule()).collect();
                one(i.to_string(), days.join(","), &h.opens, &h.closes)
            })
            .collect()
    }

    /// `name` and `description` in the publication language, the other under `translations`.
    fn put_name_and_description(
        &self,
        m: &mut Map<String, Value>,
        name: &Text,
        description: &Text,
    ) {
        put(m, "name", name.get(self.lang).to_owned());
        put(m, "description", description.get(self.lang).to_owned());
        let other = self.lang.other();
        put_translations(
            m,
            self.lang,
            &[
                ("name", name.get(other)),
                ("description", description.get(other)),
            ],
        );
    }

    /// A term of our taxonomy as published.
    pub fn term(&self, t: &Term) -> Value {
        let mut m = Map::new();
        put(&mut m, "id", term_id(&t.code).to_string());
        put(&mut m, "code", t.code.clone());
        self.put_name_and_description(&mut m, &t.name, &t.description);
        if !t.parent.is_empty() {
            put(&mut m, "parent_id", term_id(&t.parent).to_string());
        }
        put(&mut m, "taxonomy", taxonomy().taxonomy.id.clone());
        put(&mut m, "taxonomy_id", taxonomy_id().to_string());
        put(&mut m, "language", self.lang.code());
        Value::Object(m)
    }

    /// Our taxonomy as an HSDS `taxonomy` record.
    pub fn taxonomy(&self) -> Value {
        let t = &taxonomy().taxonomy;
        let mut m = Map::new();
        put(&mut m, "id", taxonomy_id().to_string());
        self.put_name_and_description(&mut m, &t.name, &t.description);
        put(&mut m, "uri", t.uri.clone());
        put(&mut m, "version", t.version.to_string());
        Value::Object(m)
    }

    /// A service. `organization` is embedded at [`Depth::Full`] when given; `locations` are
    /// the service's sites (confidential ones are dropped or redacted here).
    pub fn service(
        &self,
        s: &Service,
        organization: Option<&Organization>,
        locations: &[&Location],
        depth: Depth,
    ) -> Value {
        let id = s.id.to_string();
        let lang = self.lang;
        let mut m = Map::new();
        put(&mut m, "id", id.clone());
        put(&mut m, "name", s.name(lang).trim());
        put(&mut m, "status", status(s.status));
        put(
            &mut m,
            "last_modified",
            last_modified(s, locations).to_rfc3339(),
        );
        if depth == Depth::Minimal {
            return Value::Object(m);
        }
        put(&mut m, "organization_id", s.org_id.to_string());
        put_text(&mut m, "description", s.description(lang));
        if let Some(url) = web_address(&s.website) {
            put(&mut m, "url", url);
        }
        if let Some(e) = email(&s.email) {
            put(&mut m, "email", e);
        }
        put(
            &mut m,
            "eligibility_description",
            self.eligibility_description(s, lang),
        );
        if let Some(min) = s.eligibility.age_min {
            put(&mut m, "minimum_age", min);
        }
        if let Some(max) = s.eligibility.age_max {
            put(&mut m, "maximum_age", max);
        }
        put(
            &mut m,
            "application_process",
            self.application_process(s, lang),
        );
        put(&mut m, "assured_date", s.reviewed_at.date_utc());
        let domains: Vec<&str> = s.domains.iter().map(|d| d.key()).collect();
        put(&mut m, "mosaique_domains", domains);
        let e = &s.eligibility;
        put(
            &mut m,
            "mosaique_eligibility",
            json!({
                "gender": e.gender.key(),
                "minors": e.minors,
                "substance_use": e.substance_use,
                "any_status": e.any_status,
                "dedicated": e.dedicated,
            }),
        );
        put(&mut m, "mosaique_access", s.access.key());
        put(&mut m, "mosaique_always_open", s.schedule.always_open);
        if let Some(w) = s.wait_days {
            put(&mut m, "mosaique_wait_days", w);
        }
        let other_lang = lang.other();
        put_translations(
            &mut m,
            lang,
            &[
                ("name", s.name(other_lang)),
                ("description", s.description(other_lang)),
                (
                    "eligibility_description",
                    &self.eligibility_description(s, other_lang),
                ),
                (
                    "application_process",
                    &self.application_process(s, other_lang),
                ),
            ],
        );
        if depth == Depth::List {
            return Value::Object(m);
        }
        self.service_children(s, &mut m);
        let sals: Vec<Value> = locations
            .iter()
            .filter_map(|l| self.service_at_location(s, l, Depth::Full, None))
            .collect();
        put(&mut m, "service_at_locations", sals);
        if let Some(o) = organization {
            put(&mut m, "organization", Value::Object(self.organization(o)));
        }
        Value::Object(m)
    }

    fn service_children(&self, s: &Service, m: &mut Map<String, Value>) {
        let sid = s.id.as_uuid();
        let id = s.id.to_string();
        let phones: Vec<Value> = (!s.phone.trim().is_empty())
            .then(|| {
                json!({
                    "id": derived_id(sid, "phone", "0").to_string(),
                    "service_id": id,
                    "number": s.phone.trim(),
                    "type": "voice",
                })
            })
            .into_iter()
            .collect();
        put(m, "phones", phones);
        put(m, "schedules", self.schedules(s));
        let areas: Vec<Value> = s
            .areas
            .iter()
            .map(|a| {
                let name = self.area_name(a, self.lang);
                let mut area = Map::new();
                put(
                    &mut area,
                    "id",
                    derived_id(sid, "area", &format!("{}/{}", a.kind.key(), a.code)).to_string(),
                );
                put(&mut area, "service_id", id.clone());
                put(&mut area, "name", name.clone());
                put(&mut area, "extent_type", "text");
                put(&mut area, "extent", name);
                put(
                    &mut area,
                    "mosaique_area",
                    json!({"kind": a.kind.key(), "code": a.code}),
                );
                put_translations(
                    &mut area,
                    self.lang,
                    &[("name", &self.area_name(a, self.lang.other()))],
                );
                Value::Object(area)
            })
            .collect();
        put(m, "service_areas", areas);
        let languages: Vec<Value> = s
            .languages
            .iter()
            .map(|code| {
                let key = format!("svc-language-{code}");
                let name = self.t(&key);
                json!({
                    "id": derived_id(sid, "language", code).to_string(),
                    "service_id": id,
                    "code": code,
                    "name": if name == key { code.to_uppercase() } else { name },
                })
            })
            .collect();
        put(m, "languages", languages);
        let mut cost = Map::new();
        put(&mut cost, "id", derived_id(sid, "cost", "0").to_string());
        put(&mut cost, "service_id", id.clone());
        put(
            &mut cost,
            "option",
            self.t(&format!("hsds-cost-{}", s.cost.key())),
        );
        put(&mut cost, "mosaique_cost", s.cost.key());
        if s.cost == mosaique_domain::service::Cost::Free {
            put(&mut cost, "amount", 0);
            put(&mut cost, "currency", "CAD");
        }
        put_translations(
            &mut cost,
            self.lang,
            &[(
                "option",
                &self.t_in(
                    self.lang.other(),
                    &format!("hsds-cost-{}", s.cost.key()),
                    &[],
                ),
            )],
        );
        put(m, "cost_options", vec![Value::Object(cost)]);
        let capacities: Vec<Value> = s
            .capacity
            .iter()
            .map(|c| {
                let unit = c.unit.key();
                let mut v = json!({
                    "id": derived_id(sid, "capacity", unit).to_string(),
                    "service_id": id,
                    "available": c.available,
                    "updated": c.updated_at.to_rfc3339(),
                    "unit": {
                        "id": derived_id(Uuid::nil(), "unit", unit).to_string(),
                        "name": self.t(&format!("hsds-unit-{unit}")),
                        "scheme": "mosaique",
                        "identifier": unit,
                        "translations": { self.lang.other().code(): {
                            "name": self.t_in(self.lang.other(), &format!("hsds-unit-{unit}"), &[]) } },
                    },
                });
                if let (Some(total), Some(obj)) = (c.total, v.as_object_mut()) {
                    obj.insert("maximum".into(), total.into());
                }
                v
            })
            .collect();
        put(m, "capacities", capacities);
        let tax = taxonomy();
        let codes = s
            .domains
            .iter()
            .map(|d| d.key())
            .chain(s.terms.iter().map(String::as_str));
        let attributes: Vec<Value> = codes
            .filter_map(|code| tax.term(code))
            .map(|t| {
                json!({
                    "id": derived_id(sid, "attribute", &t.code).to_string(),
                    "link_id": id,
                    "link_type": "service_category",
                    "link_entity": "service",
                    "taxonomy_term_id": term_id(&t.code).to_string(),
                    "taxonomy_term": self.term(t),
                })
            })
            .collect();
        put(m, "attributes", attributes);
    }

    /// A service at one of its sites, or `None` for a confidential site without redaction
    /// (the row does not exist for plain-HSDS consumers). The row's id is derived from the
    /// pair, so it is the same in every publication. At [`Depth::Full`] with an
    /// organization, the service is nested too.
    pub fn service_at_location(
        &self,
        s: &Service,
        l: &Location,
        depth: Depth,
        organization: Option<&Organization>,
    ) -> Option<Value> {
        let location = self.location(l, depth)?;
        let mut m = Map::new();
        put(&mut m, "id", service_at_location_id(s, l).to_string());
        put(&mut m, "service_id", s.id.to_string());
        put(&mut m, "location_id", l.id.to_string());
        put(&mut m, "location", location);
        if let (Some(org), Depth::Full) = (organization, depth) {
            let mut service = self.service(s, Some(org), &[], Depth::Full);
            if let Some(obj) = service.as_object_mut() {
                // The location is the row's own; nesting the service's others would loop.
                obj.remove("service_at_locations");
            }
            put(&mut m, "service", service);
        }
        Some(Value::Object(m))
    }
}

/// The id of the `service_at_location` row of a service at a site.
pub fn service_at_location_id(s: &Service, l: &Location) -> Uuid {
    pair_id(s.id, l.id)
}

/// [`service_at_location_id`] from the two ids alone.
pub fn pair_id(service: ServiceId, location: LocationId) -> Uuid {
    derived_id(
        service.as_uuid(),
        "service_at_location",
        &location.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_addresses_are_written_as_hsds_wants() {
        assert_eq!(offset_text(-5 * 3600), "-05:00");
        assert_eq!(offset_text(-(3 * 3600 + 1800)), "-03:30");
        assert_eq!(offset_text(0), "+00:00");
        assert_eq!(
            web_address("exemple.org").as_deref(),
            Some("https://exemple.org")
        );
        assert_eq!(web_address("HTTP://x.ca").as_deref(), Some("HTTP://x.ca"));
        assert_eq!(web_address("pas une adresse"), None);
        assert_eq!(email("info@exemple.org"), Some("info@exemple.org"));
        assert_eq!(email("info"), None);
    }
}
