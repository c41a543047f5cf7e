//! Needs and referrals: a case's needs, referring them to a service of another organization,
//! the receiving organization's intake queue, and each side's moves until the loop closes.

pub(crate) mod api;
