//! What the directory needs besides the records themselves: places and distances, opening
//! hours, and the service taxonomy. Pure data and rules.

pub mod geo;
pub mod places;
pub mod schedule;
pub mod sync;
pub mod taxonomy;
pub mod to_classify;
