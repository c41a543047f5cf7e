//! Demo accounts: one per role, `ROLE@demo.mosaique.ca`, with a password and a TOTP secret
//! that the README lists. A real deployment refuses to start while any of them exists.

use mosaique_crypto::{TotpSecret, hash_password, sha256_hex};
use mosaique_domain::Role;
use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::directory::{Directory, DirectoryAction};

use crate::permits::require;
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

/// Creates the demo accounts that do not exist yet, as part of loading the demo (an import);
/// returns how many were created.
pub async fn load(db: &Db, permit: &Permit<Directory>) -> Result<usize, StoreError> {
    require(permit, &[DirectoryAction::Import])?;
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
        let mut tx = db.begin().await?;
        let name = format!("Démo {}", role.key().replace('_', " "));
        let org_id = role.needs_organization().then_some(org.id);
        let id = tx
            .insert_user(&demo_email(role), &name, role, org_id, true)
            .await?;
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(phc.clone())
            .execute(tx.conn())
            .await?;
        let event = AuditEvent::new("user.create", "user", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id)
            .because("demo");
        tx.audit(&event).await?;
        tx.commit().await?;
        if let Some(secret) = demo_totp_secret(role)
            && let Some(user) = db.user_by_email(&demo_email(role)).await?
        {
            db.enable_totp(&user, &secret, 0, &[]).await?;
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
