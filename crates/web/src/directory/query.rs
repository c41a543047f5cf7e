//! The service search query shared by the search page and `GET /api/v1/services`, so both
//! answer alike: raw parameters in, a validated [`ServiceQuery`] (or every bad parameter,
//! named) out.

use mosaique_domain::directory::geo::Point;
use mosaique_domain::directory::places::gazetteer;
use mosaique_domain::service::GenderServed;
use mosaique_domain::{Language, OrgId, Province, ServiceDomain};
use mosaique_search::{ServiceQuery, Sort};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::directory::BadParam;

pub(crate) const PER_PAGE_DEFAULT: usize = 20;
pub(crate) const PER_PAGE_MAX: usize = 100;
pub(crate) const RADIUS_MAX_KM: f64 = 5000.0;
pub(crate) const PAGE_MAX: usize = 10_000;

/// Query-string parameters of a service search. Every value is text so a bad one is named
/// back; an empty value means "any". `domain`, `term` may repeat (any of them matches).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ServiceParams {
    /// Words to find in either language (names, descriptions, organization, categories,
    /// cities); accents and case are ignored, and one typo is forgiven on words of five
    /// letters or more.
    pub q: Option<String>,
    /// Service domain keys (repeatable): `immediate_safety`, `housing_short_term`,
    /// `housing_long_term`, `health`, `material_needs`, `psychological_support`,
    /// `youth_protection`, `immigration`, `work`, `legal_aid`, `spiritual_support`, `education`.
    #[param(value_type = Option<Vec<String>>)]
    pub domain: Vec<String>,
    /// Taxonomy term codes (repeatable), e.g. `emergency_shelter`.
    #[param(value_type = Option<Vec<String>>)]
    pub term: Vec<String>,
    /// Two-letter province or territory code.
    #[param(example = "QC")]
    pub province: Option<String>,
    /// Québec administrative region, two digits (`06` is Montréal).
    pub region: Option<String>,
    /// A municipality the service must serve (a site there, or a service area covering it).
    pub city: Option<String>,
    /// Where to measure distances from: a place name (`Montréal`), a postal code (`H2X 1Y4`)
    /// or `latitude,longitude`.
    pub near: Option<String>,
    /// Only services with a site within this many kilometres of `near`.
    pub radius_km: Option<String>,
    /// `true`: open at this moment (in each service's own time zone).
    pub open_now: Option<String>,
    /// `true`: open 24 hours a day, 7 days a week.
    pub always_open: Option<String>,
    /// `true`: accepts people who use substances.
    pub substance_use: Option<String>,
    /// `true`: serves people regardless of immigration status.
    pub any_status: Option<String>,
    /// `true`: accepts people under 18.
    pub minors: Option<String>,
    /// `true`: dedicated to people affected by trafficking.
    pub dedicated: Option<String>,
    /// ISO 639-1 code of a language the service is given in.
    pub language: Option<String>,
    /// `women`, `men` or `gender_diverse`: services open to that person.
    pub gender: Option<String>,
    /// The person's age: services that accept it.
    pub age: Option<String>,
    /// An organization id: only its services.
    pub organization: Option<String>,
    /// `relevance` (default), `distance` or `name`.
    pub sort: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
    /// Results per page, 1 to 100 (default 20).
    pub per_page: Option<String>,
    /// API: `fr` or `en`, the language of the texts and of `why` (default: `Accept-Language`,
    /// then French); `all`, the texts in both languages.
    pub lang: Option<String>,
}

/// A resolved `near`: the point and how to name it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Near {
    pub label: String,
    pub point: Point,
}

impl ServiceParams {
    /// Reads a raw query string, keeping repeated keys.
    pub fn from_query(query: Option<&str>) -> ServiceParams {
        let mut p = ServiceParams::default();
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = value.into_owned();
            let slot = match key.as_ref() {
                "domain" => {
                    p.domain.push(value);
                    continue;
                }
                "term" => {
                    p.term.push(value);
                    continue;
                }
                "q" => &mut p.q,
                "province" => &mut p.province,
                "region" => &mut p.region,
                "city" => &mut p.city,
                "near" => &mut p.near,
                "radius_km" => &mut p.radius_km,
                "open_now" => &mut p.open_now,
                "always_open" => &mut p.always_open,
                "substance_use" => &mut p.substance_use,
                "any_status" => &mut p.any_status,
                "minors" => &mut p.minors,
                "dedicated" => &mut p.dedicated,
                "language" => &mut p.language,
                "gender" => &mut p.gender,
                "age" => &mut p.age,
                "organization" => &mut p.organization,
                "sort" => &mut p.sort,
                "page" => &mut p.page,
                "per_page" => &mut p.per_page,
                // The first, as the language layer reads it.
                "lang" if p.lang.is_none() => &mut p.lang,
                _ => continue,
            };
            *slot = Some(value);
        }
        // Empty means any, as the document says; anything else must be a key exactly.
        p.domain.retain(|d| !d.is_empty());
        p.term.retain(|t| !t.is_empty());
        p
    }

    /// The validated query and the resolved `near`, or every bad parameter.
    pub fn parse(
        &self,
        lang: Language,
        now_ms: i64,
    ) -> Result<(ServiceQuery, Option<Near>, usize, usize), Vec<BadParam>> {
        let mut bad = Vec::new();
        let mut flag = |name: &'static str, value: &Option<String>| match present(value) {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") | Some("on") => true,
            Some(other) => {
                bad.push(BadParam {
                    name,
                    value: other.to_owned(),
                });
                false
            }
        };
        let open_now = flag("open_now", &self.open_now);
        let always_open = flag("always_open", &self.always_open);
        let substance_use = flag("substance_use", &self.substance_use);
        let any_status = flag("any_status", &self.any_status);
        let minors = flag("minors", &self.minors);
        let dedicated = flag("dedicated", &self.dedicated);
        let mut domains = Vec::new();
        for d in &self.domain {
            match d.parse::<ServiceDomain>() {
                Ok(d) => domains.push(d),
                Err(_) => bad.push(BadParam {
                    name: "domain",
                    value: d.clone(),
                }),
            }
        }
        let taxonomy = mosaique_domain::directory::taxonomy::taxonomy();
        for t in &self.term {
            if taxonomy.term(t).is_none() {
                bad.push(BadParam {
                    name: "term",
                    value: t.clone(),
                });
            }
        }
        let province = parse::<Province>("province", &self.province, &mut bad);
        let region = present(&self.region).and_then(|r| {
            if gazetteer().region(r).is_some() {
                Some(r.to_owned())
            } else {
                bad.push(BadParam {
                    name: "region",
                    value: r.to_owned(),
                });
                None
            }
        });
        let city = present(&self.city).and_then(|c| {
            if gazetteer().place(c, province).is_some() {
                Some(c.to_owned())
            } else {
                bad.push(BadParam {
                    name: "city",
                    value: c.to_owned(),
                });
                None
            }
        });
        let near = present(&self.near).and_then(|n| {
            let found = resolve_near(n, province);
            if found.is_none() {
                bad.push(BadParam {
                    name: "near",
                    value: n.to_owned(),
                });
            }
            found
        });
        let radius_km = parse::<f64>("radius_km", &self.radius_km, &mut bad).and_then(|r| {
            if r.is_finite() && r > 0.0 && r <= RADIUS_MAX_KM {
                Some(r)
            } else {
                bad.push(BadParam {
                    name: "radius_km",
                    value: r.to_string(),
                });
                None
            }
        });
        let language = present(&self.language).and_then(|l| {
            if l.len() == 2 && l.chars().all(|c| c.is_ascii_alphabetic()) {
                Some(l.to_ascii_lowercase())
            } else {
                bad.push(BadParam {
                    name: "language",
                    value: l.to_owned(),
                });
                None
            }
        });
        let gender = parse::<GenderServed>("gender", &self.gender, &mut bad);
        let age = parse::<u8>("age", &self.age, &mut bad);
        let organization = parse::<OrgId>("organization", &self.organization, &mut bad);
        let sort = match present(&self.sort) {
            None | Some("relevance") => Sort::Relevance,
            Some("distance") => Sort::Distance,
            Some("name") => Sort::Name,
            Some(other) => {
                bad.push(BadParam {
                    name: "sort",
                    value: other.to_owned(),
                });
                Sort::Relevance
            }
        };
        let page = parse::<usize>("page", &self.page, &mut bad).unwrap_or(1);
        let per_page =
            parse::<usize>("per_page", &self.per_page, &mut bad).unwrap_or(PER_PAGE_DEFAULT);
        if page == 0 || page > PAGE_MAX {
            bad.push(BadParam {
                name: "page",
                value: page.to_string(),
            });
        }
        if per_page == 0 || per_page > PER_PAGE_MAX {
            bad.push(BadParam {
                name: "per_page",
                value: per_page.to_string(),
            });
        }
        if !bad.is_empty() {
            return Err(bad);
        }
        let query = ServiceQuery {
            text: present(&self.q).unwrap_or("").chars().take(200).collect(),
            domains,
            terms: self.term.iter().map(|t| t.trim().to_owned()).collect(),
            province,
            region,
            city,
            open_now,
            always_open,
            substance_use,
            any_status,
            minors,
            dedicated,
            language,
            gender,
            age,
            organization,
            any_status_of_service: false,
            near: near.as_ref().map(|n| n.point),
            radius_km,
            sort,
            now_ms,
            language_of_names: lang,
            offset: (page - 1) * per_page,
            limit: per_page,
        };
        Ok((query, near, page, per_page))
    }
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse<T: std::str::FromStr>(
    name: &'static str,
    value: &Option<String>,
    bad: &mut Vec<BadParam>,
) -> Option<T> {
    let v = present(value)?;
    match v.parse() {
        Ok(parsed) => Some(parsed),
        Err(_) => {
            bad.push(BadParam {
                name,
                value: v.to_owned(),
            });
            None
        }
    }
}

/// A place name, a postal code or `lat,lon`.
fn resolve_near(text: &str, province: Option<Province>) -> Option<Near> {
    let g = gazetteer();
    if let Some((lat, lon)) = text.split_once(',')
        && let (Ok(lat), Ok(lon)) = (lat.trim().parse::<f64>(), lon.trim().parse::<f64>())
    {
        return Point::new(lat, lon).map(|point| Near {
            label: format!("{lat:.4}, {lon:.4}"),
            point,
        });
    }
    if let Some(place) = g.place(text, province) {
        return Some(Near {
            label: format!("{} ({})", place.name, place.province.key()),
            point: place.point,
        });
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if (3..=6).contains(&compact.len())
        && let Some((province, point)) = g.postal_code(&compact)
    {
        return Some(Near {
            label: format!("{} ({})", compact[..3].to_ascii_uppercase(), province.key()),
            point,
        });
    }
    None
}

/// The "why this result" texts of one page of results. Most reasons repeat from one result
/// to the next (the domain asked for, "open 24/7"…), so each distinct one is translated once.
pub(crate) struct WhyTexts<'t> {
    tr: &'t crate::i18n::Tr,
    seen: Vec<(mosaique_search::Reason, &'static str, String)>,
    /// "3.2 km away" with a marker where the distance goes: each result differs only there.
    distance: Option<String>,
}

/// Stands for the distance in the distance message. The distance is a text argument, so
/// the message cannot select on it: putting the text in place of the marker gives exactly
/// what translating it with the distance would.
const DISTANCE_MARK: &str = "\u{e000}";

impl<'t> WhyTexts<'t> {
    pub fn new(tr: &'t crate::i18n::Tr) -> WhyTexts<'t> {
        WhyTexts {
            tr,
            seen: Vec::new(),
            distance: None,
        }
    }

    /// The reason's key and text.
    pub fn text(&mut self, reason: &mosaique_search::Reason) -> (&'static str, String) {
        if let mosaique_search::Reason::Distance(km) = reason {
            let tr = self.tr;
            let pattern = self
                .distance
                .get_or_insert_with(|| tr.with("why-distance", "km", DISTANCE_MARK));
            return ("distance", pattern.replace(DISTANCE_MARK, &format_km(*km)));
        }
        if let Some((_, key, text)) = self.seen.iter().find(|(r, _, _)| r == reason) {
            return (key, text.clone());
        }
        let (key, text) = reason_text(self.tr, reason);
        self.seen.push((reason.clone(), key, text.clone()));
        (key, text)
    }
}

/// A reason shown beside a result, in the reader's language.
fn reason_text(tr: &crate::i18n::Tr, reason: &mosaique_search::Reason) -> (&'static str, String) {
    use crate::i18n::Arg;
    use mosaique_search::Reason as R;
    match reason {
        R::Word {
            word,
            in_name_fr,
            in_name_en,
        } => {
            // Said of the name the reader sees, or of the other language's when only it has
            // the word.
            let (in_mine, in_other) = match tr.lang {
                mosaique_domain::Language::Fr => (*in_name_fr, *in_name_en),
                mosaique_domain::Language::En => (*in_name_en, *in_name_fr),
            };
            let key = if in_mine {
                "why-word-name"
            } else if in_other {
                "why-word-other-name"
            } else {
                "why-word-text"
            };
            ("word", tr.with(key, "word", word))
        }
        R::Domain(d) => (
            "domain",
            tr.with("why-domain", "domain", &tr.label("domain", d.key())),
        ),
        R::OpenNow => ("open_now", tr.t("why-open-now")),
        R::AlwaysOpen => ("always_open", tr.t("why-always-open")),
        R::SubstanceUse => ("substance_use", tr.t("why-substance-use")),
        R::AnyStatus => ("any_status", tr.t("why-any-status")),
        R::Minors => ("minors", tr.t("why-minors")),
        R::Dedicated => ("dedicated", tr.t("why-dedicated")),
        R::Language(code) => (
            "language",
            tr.with("why-language", "language", &language_label(tr, code)),
        ),
        R::Distance(km) => (
            "distance",
            tr.t_args("why-distance", &[("km", Arg::Text(format_km(*km)))]),
        ),
        R::Serves(place) => ("serves", tr.with("why-serves", "place", place)),
    }
}

/// `0.4`, `12`: one decimal under ten kilometres.
pub(crate) fn format_km(km: f64) -> String {
    if km < 10.0 {
        format!("{km:.1}")
    } else {
        format!("{km:.0}")
    }
}

/// A language's name, or its code when the language has no label yet.
/// An area served, named in the reader's language: a province, a Québec region, a town.
pub(crate) fn area_name(
    tr: &crate::i18n::Tr,
    area: &mosaique_domain::service::ServiceArea,
) -> String {
    use mosaique_domain::service::ServiceAreaKind;
    match area.kind {
        ServiceAreaKind::Province => tr.label("province", &area.code),
        ServiceAreaKind::Region => mosaique_domain::directory::places::gazetteer()
            .region(&area.code)
            .map_or_else(|| area.code.clone(), |r| r.name(tr.lang).to_owned()),
        ServiceAreaKind::Municipality => area.code.clone(),
    }
}

pub(crate) fn language_label(tr: &crate::i18n::Tr, code: &str) -> String {
    let key = format!("svc-language-{code}");
    let label = tr.t(&key);
    if label == key {
        code.to_uppercase()
    } else {
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_and_every_bad_parameter_are_kept() {
        let p = ServiceParams::from_query(Some(
            "domain=immediate_safety&domain=housing_short_term&domain=legal_aid&domain=&open_now=true&near=H2X%201Y4",
        ));
        let (q, near, page, _) = p.parse(Language::Fr, 0).expect("valid");
        assert_eq!(q.domains.len(), 3);
        assert!(q.open_now);
        assert!(near.expect("near").label.starts_with("H2X"));
        assert_eq!(page, 1);
        let bad = ServiceParams::from_query(Some(
            "domain=teleport&age=-3&near=Atlantis&per_page=1000&sort=best",
        ))
        .parse(Language::Fr, 0)
        .expect_err("invalid");
        let names: Vec<&str> = bad.iter().map(|b| b.name).collect();
        assert_eq!(names, ["domain", "near", "age", "sort", "per_page"]);
        // Keys exactly: not padded, not blank, not a comma list.
        for value in ["%20health", "%0A", "health,work"] {
            let bad = ServiceParams::from_query(Some(&format!("domain={value}")))
                .parse(Language::Fr, 0)
                .expect_err(value);
            assert_eq!(bad[0].name, "domain", "{value}");
        }
    }

    #[test]
    fn why_texts_translated_once_per_page_read_as_translated_each_time() {
        use mosaique_search::Reason;
        for lang in [Language::Fr, Language::En] {
            let tr = crate::i18n::Tr::new(lang);
            let mut why = WhyTexts::new(&tr);
            for reason in [
                Reason::Distance(3.24),
                Reason::Distance(12.6),
                Reason::SubstanceUse,
                Reason::Domain(ServiceDomain::Health),
                Reason::Distance(0.04),
                Reason::SubstanceUse,
            ] {
                assert_eq!(why.text(&reason), reason_text(&tr, &reason), "{lang:?}");
            }
        }
    }

    #[test]
    fn near_accepts_places_postal_codes_and_coordinates() {
        assert!(resolve_near("montreal", None).is_some());
        assert!(resolve_near("45.5, -73.6", None).is_some());
        assert!(resolve_near("91, 0", None).is_none());
        assert!(resolve_near("G1R", None).is_some());
    }
}
