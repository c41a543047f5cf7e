//! Where services are, for radius searches. At build, entries are numbered in the order of
//! a grid of 0.25° cells (row by row), so the services near a point are a few runs of
//! consecutive entry numbers: one per grid row the circle crosses. A site whose cell is not
//! the one its entry was numbered by (a second site, a service added or moved since the
//! build) is listed apart, by cell.

use std::ops::Range;

use mosaique_domain::directory::geo::{EARTH_RADIUS_KM, Point};

const CELL_DEG: f64 = 0.25;
const COLS: u32 = 1440;
const ROWS: u32 = 720;
/// The key of an entry with no point at all (a phone line): after every cell.
pub(crate) const NO_CELL: u32 = u32::MAX;

/// Where the public may be told a site is (a confidential site's town centre): the only
/// point the index holds, so no search can measure a distance to a shelter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SitePoint {
    pub public: Option<Point>,
}

/// A point in radians with the cosine of its latitude, so a distance costs two sines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Spot {
    lat: f64,
    lon: f64,
    cos_lat: f64,
}

impl Spot {
    pub fn of(p: Point) -> Spot {
        let lat = p.lat.to_radians();
        Spot {
            lat,
            lon: p.lon.to_radians(),
            cos_lat: lat.cos(),
        }
    }

    /// The haversine of the angle between two points: it grows with the distance, so it
    /// sorts and compares to a radius as the distance would, without the arcsine.
    fn haversine(&self, other: &Spot) -> f64 {
        let dlat = ((other.lat - self.lat) / 2.0).sin();
        let dlon = ((other.lon - self.lon) / 2.0).sin();
        dlat * dlat + self.cos_lat * other.cos_lat * dlon * dlon
    }
}

/// Kilometres for a haversine (the same formula as `Point::distance_km`).
pub(crate) fn km(haversine: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * haversine.sqrt().min(1.0).asin()
}

/// The haversine of a distance, to compare with [`Spot::haversine`].
pub(crate) fn haversine_of_km(km: f64) -> f64 {
    let half = (km.max(0.0) / (2.0 * EARTH_RADIUS_KM)).min(std::f64::consts::FRAC_PI_2);
    half.sin() * half.sin()
}

/// A site as stored: where it may be said to be.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stored {
    public: Option<Spot>,
}

fn row_of(lat: f64) -> u32 {
    (((lat + 90.0) / CELL_DEG).floor() as i64).clamp(0, i64::from(ROWS) - 1) as u32
}

fn col_of(lon: f64) -> u32 {
    (((lon + 180.0) / CELL_DEG).floor() as i64).clamp(0, i64::from(COLS) - 1) as u32
}

pub(crate) fn cell_of(p: Point) -> u32 {
    row_of(p.lat) * COLS + col_of(p.lon)
}

/// The cell an entry is numbered by: its first site's public point (a shelter in a town the
/// gazetteer lacks has none and goes after every cell).
pub(crate) fn key_of(sites: &[SitePoint]) -> u32 {
    sites.iter().find_map(|s| s.public).map_or(NO_CELL, cell_of)
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Geo {
    /// The cell each entry numbered at build was numbered by, ascending.
    keys: Vec<u32>,
    /// (cell, entry) for every site point outside its entry's key cell, sorted.
    extras: Vec<(u32, u32)>,
    /// Each entry's sites, as a run of `points`.
    spans: Vec<(u32, u32)>,
    points: Vec<Stored>,
}

impl Geo {
    /// `sites[e]` are entry `e`'s sites; entries must already be in key order.
    pub fn build(sites: Vec<Vec<SitePoint>>) -> Geo {
        let keys: Vec<u32> = sites.iter().map(|s| key_of(s)).collect();
        debug_assert!(keys.is_sorted());
        let mut geo = Geo {
            keys,
            ..Geo::default()
        };
        for (e, s) in sites.into_iter().enumerate() {
            geo.push_sites(e as u32, s);
        }
        geo.extras.sort_unstable();
        geo
    }

    fn key(&self, e: u32) -> u32 {
        self.keys.get(e as usize).copied().unwrap_or(NO_CELL)
    }

    fn push_sites(&mut self, e: u32, sites: Vec<SitePoint>) {
        let key = self.key(e);
        for p in sites.iter().filter_map(|s| s.public) {
            let cell = cell_of(p);
            if cell != key {
                self.extras.push((cell, e));
            }
        }
        let span = (self.points.len() as u32, sites.len() as u32);
        self.points.extend(sites.iter().map(|s| Stored {
            public: s.public.map(Spot::of),
        }));
        let at = e as usize;
        if at >= self.spans.len() {
            self.spans.resize(at + 1, (0, 0));
        }
        self.spans[at] = span;
    }

    /// Replaces the sites of these entries (changed or added since the build). Their old
    /// points stay in `points` until the next build; nothing refers to them.
    pub fn replace(&mut self, changed: Vec<(u32, Vec<SitePoint>)>) {
        let entries: std::collections::HashSet<u32> = changed.iter().map(|(e, _)| *e).collect();
        self.extras.retain(|(_, e)| !entries.contains(e));
        for (e, sites) in changed {
            self.push_sites(e, sites);
        }
        self.extras.sort_unstable();
        self.extras.dedup();
        self.compact();
    }

    /// Drops the points of replaced sites once they outweigh the live ones.
    fn compact(&mut self) {
        let live: usize = self.spans.iter().map(|(_, len)| *len as usize).sum();
        if self.points.len() <= 2 * live + 1024 {
            return;
        }
        let mut points = Vec::with_capacity(live);
        for span in &mut self.spans {
            let (start, len) = (span.0 as usize, span.1 as usize);
            let at = points.len() as u32;
            points.extend_from_slice(&self.points[start..start + len]);
            span.0 = at;
        }
        self.points = points;
    }

    fn sites(&self, e: u32) -> &[Stored] {
        let (start, len) = self.spans.get(e as usize).copied().unwrap_or((0, 0));
        &self.points[start as usize..(start + len) as usize]
    }

    /// The haversine to the nearest site (see [`km`]).
    pub fn nearness(&self, e: u32, near: &Spot) -> Option<f64> {
        self.sites(e)
            .iter()
            .filter_map(|s| s.public)
            .map(|p| near.haversine(&p))
            .min_by(f64::total_cmp)
    }

    /// The entries that may have a site within `radius_km` of `near`: runs of entry
    /// numbers, and single entries (unsorted, possibly repeated). A superset: distances
    /// are checked afterwards.
    pub fn around(&self, near: Point, radius_km: f64) -> (Vec<Range<u32>>, Vec<u32>) {
        let mut runs = Vec::new();
        let mut singles = Vec::new();
        let (rows, spans) = bounding_cells(near, radius_km);
        for row in rows {
            for (c0, c1) in &spans {
                let (lo, hi) = (row * COLS + c0, row * COLS + c1);
                let start = self.keys.partition_point(|k| *k < lo) as u32;
                let end = self.keys.partition_point(|k| *k <= hi) as u32;
                if start < end {
                    runs.push(start..end);
                }
                let from = self.extras.partition_point(|(c, _)| *c < lo);
                singles.extend(
                    self.extras[from..]
                        .iter()
                        .take_while(|(c, _)| *c <= hi)
                        .map(|(_, e)| *e),
                );
            }
        }
        (runs, singles)
    }
}

/// The grid rows and column spans covering every point within `radius_km` of `near`
/// (the bounding box of a circle on the sphere, a little enlarged).
fn bounding_cells(near: Point, radius_km: f64) -> (Range<u32>, Vec<(u32, u32)>) {
    let angle = (radius_km.max(0.0) / EARTH_RADIUS_KM) * 1.01 + 1e-6;
    let full = vec![(0, COLS - 1)];
    if angle >= std::f64::consts::PI {
        return (0..ROWS, full);
    }
    let dlat = angle.to_degrees();
    let (south, north) = (near.lat - dlat, near.lat + dlat);
    let rows = row_of(south.max(-90.0))..row_of(north.min(90.0)) + 1;
    if south <= -90.0 || north >= 90.0 {
        return (rows, full);
    }
    let ratio = angle.sin() / near.lat.to_radians().cos();
    // At 1 or more the circle takes in every longitude (NaN cannot occur off the poles).
    if ratio.is_nan() || ratio >= 1.0 {
        return (rows, full);
    }
    let dlon = ratio.asin().to_degrees();
    let (west, east) = (near.lon - dlon, near.lon + dlon);
    let spans = if west < -180.0 {
        vec![(0, col_of(east)), (col_of(west + 360.0), COLS - 1)]
    } else if east > 180.0 {
        vec![(0, col_of(east - 360.0)), (col_of(west), COLS - 1)]
    } else {
        vec![(col_of(west), col_of(east))]
    };
    (rows, spans)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn point(lat: f64, lon: f64) -> Point {
        Point::new(lat, lon).expect("point")
    }

    fn site(lat: f64, lon: f64) -> SitePoint {
        SitePoint {
            public: Some(point(lat, lon)),
        }
    }

    fn distance(geo: &Geo, e: u32, near: Point) -> Option<f64> {
        geo.nearness(e, &Spot::of(near)).map(km)
    }

    #[test]
    fn haversines_give_the_distances_of_points() {
        let (montreal, quebec) = (point(45.50884, -73.58781), point(46.81228, -71.21454));
        let h = Spot::of(montreal).haversine(&Spot::of(quebec));
        assert!((km(h) - montreal.distance_km(quebec)).abs() < 1e-9);
        assert!(haversine_of_km(233.0) < h && h < haversine_of_km(234.0));
        assert_eq!(haversine_of_km(1e9), 1.0);
    }

    /// Every entry within the radius is among the candidates, whatever the layout.
    fn check_superset(sites: Vec<Vec<SitePoint>>, near: Point, radius: f64) {
        let mut sites = sites;
        sites.sort_by_key(|s| key_of(s));
        let geo = Geo::build(sites);
        let (runs, singles) = geo.around(near, radius);
        for e in 0..geo.spans.len() as u32 {
            if distance(&geo, e, near).is_some_and(|d| d <= radius) {
                assert!(
                    runs.iter().any(|r| r.contains(&e)) || singles.contains(&e),
                    "entry {e} within {radius} km of {near:?} was not a candidate"
                );
            }
        }
    }

    #[test]
    fn second_sites_are_found() {
        let sites = vec![
            vec![site(45.5, -73.6), site(48.4, -71.1)],
            vec![site(45.5, -73.6)],
            vec![],
            vec![site(49.0, -123.0)],
        ];
        check_superset(sites.clone(), point(48.4, -71.1), 5.0);
        check_superset(sites, point(45.5, -73.6), 1.0);
    }

    #[test]
    fn moved_and_added_entries_are_found_at_their_new_place() {
        let mut sites = vec![vec![site(45.5, -73.6)], vec![site(43.7, -79.4)]];
        sites.sort_by_key(|s| key_of(s));
        let mut geo = Geo::build(sites);
        geo.replace(vec![
            (0, vec![site(53.5, -113.5)]),
            (2, vec![site(44.6, -63.6)]),
        ]);
        let edmonton = geo.around(point(53.5, -113.5), 10.0);
        assert!(edmonton.1.contains(&0));
        let halifax = geo.around(point(44.6, -63.6), 10.0);
        assert!(halifax.1.contains(&2));
        assert_eq!(distance(&geo, 2, point(44.6, -63.6)), Some(0.0));
    }

    proptest! {
        #[test]
        fn candidates_cover_the_circle(
            points in proptest::collection::vec((-89.9f64..89.9, -179.9f64..179.9), 1..40),
            near in (-89.9f64..89.9, -179.9f64..179.9),
            radius in 0.0f64..3000.0,
        ) {
            let sites = points.iter().map(|(lat, lon)| vec![site(*lat, *lon)]).collect();
            check_superset(sites, point(near.0, near.1), radius);
        }

        #[test]
        fn candidates_cover_the_circle_near_the_antimeridian_and_poles(
            points in proptest::collection::vec((prop_oneof![80.0f64..89.99, -89.99f64..-80.0, -10.0f64..10.0],
                                                 prop_oneof![170.0f64..180.0, -180.0f64..-170.0]), 1..40),
            near in (prop_oneof![80.0f64..89.99, -10.0f64..10.0], prop_oneof![175.0f64..180.0, -180.0f64..-175.0]),
            radius in 0.0f64..2000.0,
        ) {
            let sites = points.iter().map(|(lat, lon)| vec![site(*lat, *lon)]).collect();
            check_superset(sites, point(near.0, near.1), radius);
        }
    }
}
