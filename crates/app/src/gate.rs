//! The one way a use case asks for access: the policy decides, and a refusal about personal
//! data is written to the audit trail before the caller hears of it.

use mosaique_domain::policy::{Permit, Principal, Resource, can};

use crate::{App, AppResult};

impl App {
    /// A permit for `action` on `resource`, or the refusal — audited when its action is.
    pub(crate) async fn authorize<R: Resource>(
        &self,
        who: &Principal,
        action: R::Action,
        resource: R,
    ) -> AppResult<Permit<R>> {
        match can(who, action, resource) {
            Ok(permit) => Ok(permit),
            Err(denial) => {
                if let Some(event) = denial.audit_event() {
                    // Its own transaction: the use case's never started.
                    self.db.audit(event).await?;
                }
                Err(denial.into())
            }
        }
    }
}
