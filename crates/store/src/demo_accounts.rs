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
/// The fictitious police service the demo police liaison belongs to.
pub const DEMO_POLICE_SLUG: &str = "exemple-service-police";

/// Caseworkers of three more fictitious organizations of the demo services (a shelter, a
/// clinic, a legal clinic), so that a demo case can be shared across organizations:
/// `(address before the @, organization slug, name)`.
pub const PARTNER_CASEWORKERS: [(&str, &str, &str); 3] = [
    (
        "intervenante.plateau",
        "exemple-maison-plateau",
        "Démo Intervenante Plateau",
    ),
    (
        "intervenant.clinique",
        "exemple-clinique-quartier",
        "Démo Intervenant Clinique",
    ),
    (
        "intervenante.juridique",
        "exemple-clinique-juridique-migrants",
        "Démo Intervenante Juridique",
    ),
];

pub fn demo_email(role: Role) -> String {
    format!("{}@{DEMO_DOMAIN}", role.key())
}

/// The address of a partner caseworker (see [`PARTNER_CASEWORKERS`]).
pub fn partner_email(local: &str) -> String {
    format!("{local}@{DEMO_DOMAIN}")
}

/// The fixed TOTP secret of a demo account, so it can be printed in the README and typed
/// into an authenticator app. Analysts (aggregates only) have none.
pub fn demo_totp_secret(role: Role) -> Option<TotpSecret> {
    role.requires_second_factor()
        .then(|| totp_secret_for(role.key()))
        .flatten()
}

/// The TOTP secret of a partner caseworker.
pub fn partner_totp_secret(local: &str) -> Option<TotpSecret> {
    totp_secret_for(local)
}

fn totp_secret_for(key: &str) -> Option<TotpSecret> {
    let digest = sha256_hex(format!("mosaique-demo-totp:{key}").as_bytes());
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
    let police = db.organization_by_slug(DEMO_POLICE_SLUG).await?;
    for role in Role::ALL {
        let name = format!("Démo {}", role.key().replace('_', " "));
        let org_id = match (role, &police) {
            (Role::PoliceLiaison, Some(police)) => Some(police.id),
            _ => role.needs_organization().then_some(org.id),
        };
        let account = (demo_email(role), name, role, org_id);
        if create(db, permit, &phc, account, demo_totp_secret(role)).await? {
            created += 1;
        }
    }
    for (local, slug, name) in PARTNER_CASEWORKERS {
        // The organizations of the demo services; absent when only the directory is loaded.
        let Some(partner) = db.organization_by_slug(slug).await? else {
            continue;
        };
        let account = (
            partner_email(local),
            name.to_owned(),
            Role::Caseworker,
            Some(partner.id),
        );
        if create(db, permit, &phc, account, partner_totp_secret(local)).await? {
            created += 1;
        }
    }
    Ok(created)
}

/// Creates one demo account unless it exists; returns whether it did.
async fn create(
    db: &Db,
    permit: &Permit<Directory>,
    phc: &str,
    (email, name, role, org_id): (String, String, Role, Option<mosaique_domain::OrgId>),
    secret: Option<TotpSecret>,
) -> Result<bool, StoreError> {
    if db.user_by_email(&email).await?.is_some() {
        return Ok(false);
    }
    let mut tx = db.begin().await?;
    let id = tx.insert_user(&email, &name, role, org_id, true).await?;
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id.to_string())
        .bind(phc.to_owned())
        .execute(tx.conn())
        .await?;
    let event = AuditEvent::new("user.create", "user", Outcome::Success)
        .by_maybe(permit.who().audit_actor())
        .target(id)
        .because("demo");
    tx.audit(&event).await?;
    tx.commit().await?;
    if let Some(secret) = secret
        && let Some(user) = db.user_by_email(&email).await?
    {
        db.enable_totp(&user, &secret, 0, &[]).await?;
    }
    Ok(true)
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
        for (local, _, _) in PARTNER_CASEWORKERS {
            assert!(
                readme.contains(&format!("`{}`", partner_email(local))),
                "{local}"
            );
            let secret = partner_totp_secret(local).expect("a secret");
            assert!(
                readme.contains(&format!("`{}`", secret.base32())),
                "{local}'s secret"
            );
        }
        assert!(readme.contains(DEMO_PASSWORD));
    }
}
