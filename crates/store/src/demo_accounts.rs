//! Demo accounts: one per role, `ROLE@demo.mosaique.ca`, with a password and a TOTP secret
//! that the README lists. A real deployment refuses to start while any of them exists.

use mosaique_crypto::{TotpSecret, hash_password, sha256_hex};
use mosaique_domain::Role;

use crate::users::NewUser;
use crate::{Db, StoreError};

/// The password of every demo account (documented in the README; demo only).
pub const DEMO_PASSWORD: &str = "Mosaique-Demo-2026!";
pub const DEMO_DOMAIN: &str = "demo.mosaique.ca";
/// The fictitious member organization the organization-bound demo roles belong to.
pub const DEMO_ORG_SLUG: &str = "exemple-organisme-membre";

pub fn demo_email(role: Role) -> String {
    format!("{}@{DEMO_DOMAIN}", role.key())
}

/// The fixed TOTP secret of a demo account, so it can be printed in the README and typed
/// into an authenticator app. Analysts (aggregates only) have none.
pub fn demo_totp_secret(role: Role) -> Option<TotpSecret> {
    if !role.requires_second_factor() {
        return None;
    }
    let digest = sha256_hex(format!("mosaique-demo-totp:{}", role.key()).as_bytes());
    let bytes: Vec<u8> = (0..20)
        .filter_map(|i| u8::from_str_radix(digest.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect();
    TotpSecret::from_bytes(&bytes).ok()
}

/// Creates the demo accounts that do not exist yet; returns how many were created.
pub async fn load(db: &Db) -> Result<usize, StoreError> {
    let org = db
        .organization_by_slug(DEMO_ORG_SLUG)
        .await?
        .ok_or_else(|| {
            StoreError::Invalid("demo organization missing: load the demo directory first".into())
        })?;
    let phc = hash_password(DEMO_PASSWORD)?;
    let mut created = 0;
    for role in Role::ALL {
        if db.user_by_email(&demo_email(role)).await?.is_some() {
            continue;
        }
        let new = NewUser {
            email: demo_email(role),
            display_name: format!("Démo {}", role.key().replace('_', " ")),
            role,
            org_id: role.needs_organization().then_some(org.id),
            is_demo: true,
        };
        let user = db.create_user(&new, None).await?;
        db.set_password(user.id, &phc).await?;
        if let Some(secret) = demo_totp_secret(role) {
            db.enable_totp(user.id, &secret, 0, &[]).await?;
        }
        created += 1;
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README lists these secrets; this keeps it true.
    #[test]
    fn demo_secrets_match_the_readme() {
        let readme = include_str!("../../../README.md");
        for role in Role::ALL {
            assert!(
                readme.contains(&format!("`{}`", demo_email(role))),
                "{role} missing from README"
            );
            if let Some(secret) = demo_totp_secret(role) {
                assert!(
                    readme.contains(&format!("`{}`", secret.base32())),
                    "{role}'s secret missing from README"
                );
            }
        }
        assert!(readme.contains(DEMO_PASSWORD));
    }
}
