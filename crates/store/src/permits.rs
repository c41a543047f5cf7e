//! Checks on the permits store functions take: a permit is for one resource and one action,
//! and the store refuses to use it for another (a bug upstream, never a silent write).

use mosaique_domain::Actor;
use mosaique_domain::policy::{Permit, Resource};

use crate::StoreError;

/// The permit is for one of `actions`.
pub(crate) fn require<R: Resource>(
    permit: &Permit<R>,
    actions: &[R::Action],
) -> Result<(), StoreError> {
    if actions.contains(&permit.action()) {
        Ok(())
    } else {
        Err(StoreError::WrongPermit(R::KIND))
    }
}

/// The signed-in user a permit was given to, for writes that record who made them.
pub(crate) fn user<R: Resource>(permit: &Permit<R>) -> Result<&Actor, StoreError> {
    permit.actor().ok_or(StoreError::WrongPermit(R::KIND))
}
