//! The Canadian gazetteer shipped with Mosaïque (GeoNames, CC BY 4.0; see
//! `data/GAZETTEER-NOTICE.md`): place names, postal-code areas (FSA) and Québec's
//! administrative regions, so place search and distances work offline.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::geo::Point;
use crate::Province;
use crate::text::fold;

const PLACES: &str = include_str!("../../data/gazetteer-ca.tsv");
const FSAS: &str = include_str!("../../data/fsa-ca.tsv");
const REGIONS: &str = include_str!("../../data/qc-regions.tsv");

/// A populated place.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub province: Province,
    pub point: Point,
    pub population: u64,
    /// Québec administrative region code (`06` for Montréal), for places in Québec.
    pub qc_region: Option<String>,
}

/// One of Québec's 17 administrative regions.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub code: String,
    pub name: crate::Bilingual<String>,
    /// The largest place of the region: a centre for "near the region" searches.
    pub centre: Point,
}

impl Region {
    pub fn name(&self, lang: crate::Language) -> &str {
        self.name.text(lang)
    }
}

#[derive(Debug)]
pub struct Gazetteer {
    places: Vec<Place>,
    /// Folded name → indexes into `places`, most populous first.
    by_name: HashMap<String, Vec<usize>>,
    fsas: HashMap<String, (Province, Point)>,
    regions: Vec<Region>,
}

/// The gazetteer, parsed once on first use.
pub fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(Gazetteer::load)
}

fn point(lat: &str, lon: &str) -> Option<Point> {
    Point::new(lat.parse().ok()?, lon.parse().ok()?)
}

impl Gazetteer {
    fn load() -> Gazetteer {
        let mut places = Vec::new();
        for line in PLACES.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let (Some(province), Some(point)) = (
                f.get(1).and_then(|p| p.parse::<Province>().ok()),
                point(f.get(2).unwrap_or(&""), f.get(3).unwrap_or(&"")),
            ) else {
                continue;
            };
            places.push(Place {
                name: f[0].to_owned(),
                province,
                point,
                population: f.get(4).and_then(|p| p.parse().ok()).unwrap_or(0),
                qc_region: f.get(6).filter(|r| !r.is_empty()).map(|r| (*r).to_owned()),
            });
        }
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, place) in places.iter().enumerate() {
            by_name.entry(fold(&place.name)).or_default().push(i);
        }
        for indexes in by_name.values_mut() {
            indexes.sort_by_key(|i| std::cmp::Reverse(places[*i].population));
        }
        let fsas = FSAS
            .lines()
            .skip(1)
            .filter_map(|line| {
                let f: Vec<&str> = line.split('\t').collect();
                Some((
                    f.first()?.to_string(),
                    (f.get(1)?.parse().ok()?, point(f.get(3)?, f.get(4)?)?),
                ))
            })
            .collect();
        let regions = REGIONS
            .lines()
            .skip(1)
            .filter_map(|line| {
                let f: Vec<&str> = line.split('\t').collect();
                Some(Region {
                    code: f.first()?.to_string(),
                    name: crate::Bilingual::new(f.get(1)?.to_string(), f.get(2)?.to_string()),
                    centre: point(f.get(6)?, f.get(7)?)?,
                })
            })
            .collect();
        Gazetteer {
            places,
            by_name,
            fsas,
            regions,
        }
    }

    /// Every place, by province then name.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The place a name means, accents and case ignored: in `province` when given, else
    /// the most populous of that name ("Montreal" is Montréal, QC).
    pub fn place(&self, name: &str, province: Option<Province>) -> Option<&Place> {
        self.by_name
            .get(&fold(name.trim()))?
            .iter()
            .map(|i| &self.places[*i])
            .find(|p| province.is_none_or(|want| p.province == want))
    }

    /// The centre of a postal code's forward sortation area ("H2X 1Y4" → H2X).
    pub fn postal_code(&self, code: &str) -> Option<(Province, Point)> {
        let fsa: String = code
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(3)
            .collect::<String>()
            .to_ascii_uppercase();
        self.fsas.get(&fsa).copied()
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// The Québec region of a point: that of the nearest Québec place. An approximation
    /// (regions are unions of MRCs, not Voronoi cells), good enough to file a location.
    pub fn nearest_qc_region(&self, point: Point) -> Option<&str> {
        self.places
            .iter()
            .filter(|p| p.province == Province::Qc && p.qc_region.is_some())
            .min_by(|a, b| {
                a.point
                    .distance_km(point)
                    .total_cmp(&b.point.distance_km(point))
            })
            .and_then(|p| p.qc_region.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_found_with_or_without_accents() {
        let g = gazetteer();
        assert!(g.len() > 3000);
        let montreal = g.place("montreal", None).expect("Montréal");
        assert_eq!(
            (montreal.name.as_str(), montreal.province),
            ("Montréal", Province::Qc)
        );
        assert_eq!(montreal.qc_region.as_deref(), Some("06"));
        assert_eq!(
            g.place("TROIS-RIVIÈRES", Some(Province::Qc))
                .map(|p| p.qc_region.clone()),
            Some(Some("04".into()))
        );
        assert!(g.place("Toronto", Some(Province::Qc)).is_none());
        assert!(g.place("Atlantis", None).is_none());
    }

    #[test]
    fn postal_codes_and_regions() {
        let g = gazetteer();
        let (province, point) = g.postal_code("h2x 1y4").expect("H2X");
        assert_eq!(province, Province::Qc);
        assert!(point.distance_km(g.place("Montréal", None).expect("M").point) < 15.0);
        assert!(g.postal_code("Z9Z").is_none());
        assert_eq!(g.regions().len(), 17);
        assert_eq!(
            g.nearest_qc_region(g.place("Rimouski", None).expect("R").point),
            Some("01")
        );
    }
}
