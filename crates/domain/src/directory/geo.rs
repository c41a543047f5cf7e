//! Distances on the Earth's surface, for "near me" and radius searches.

/// Mean Earth radius (IUGG), in kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A WGS84 point.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    /// A point, if the coordinates are finite and on the globe.
    pub fn new(lat: f64, lon: f64) -> Option<Point> {
        (lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon))
        .then_some(Point { lat, lon })
    }

    /// Great-circle distance in kilometres (haversine; under 0.5 % error, plenty for "how
    /// far is this shelter").
    pub fn distance_km(self, other: Point) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn montreal_to_quebec_is_about_233_km() {
        let montreal = Point::new(45.50884, -73.58781).expect("valid");
        let quebec = Point::new(46.81228, -71.21454).expect("valid");
        let d = montreal.distance_km(quebec);
        assert!((228.0..238.0).contains(&d), "{d}");
        assert_eq!(montreal.distance_km(montreal), 0.0);
    }

    #[test]
    fn invalid_coordinates_are_refused() {
        assert!(Point::new(91.0, 0.0).is_none());
        assert!(Point::new(0.0, f64::NAN).is_none());
        assert!(Point::new(0.0, -181.0).is_none());
    }
}
