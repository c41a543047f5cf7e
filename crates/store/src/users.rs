//! Accounts, as administered: creating, disabling and resetting an account, and staff
//! lists. Each takes a permit, whose resource names the account; the facts a decision needs
//! (an account's organization and role) are read without one, as they say nothing personal.

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::identity::LinkPurpose;
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::identity::{
    AccountAction, OwnAccount, StaffAccount, StaffAction, StaffList, StaffListAction,
};
use mosaique_domain::{OrgId, User, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::permits::require;
use crate::{Db, StoreError, Tx, now_ms};

pub(crate) const USER_COLUMNS: &str = "users.id, users.org_id, users.email, users.display_name, users.role, \
     users.password_hash IS NOT NULL AS has_password, users.totp_enabled_at, users.disabled_at, users.is_demo, \
     users.created_at";

/// An account as a decision about it sees it: its organization, role and state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountFacts {
    pub account: StaffAccount,
    pub disabled: bool,
}

impl Db {
    /// What deciding on an account needs to know of it.
    pub async fn account_facts(&self, id: UserId) -> Result<Option<AccountFacts>, StoreError> {
        let row = sqlx::query("SELECT id, org_id, role, disabled_at FROM users WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(facts_from_row).transpose()
    }

    /// The same, for an account named by its (normalized) e-mail (the command line).
    pub async fn account_facts_by_email(
        &self,
        email: &str,
    ) -> Result<Option<AccountFacts>, StoreError> {
        let row = sqlx::query("SELECT id, org_id, role, disabled_at FROM users WHERE email = $1")
            .bind(email.to_owned())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(facts_from_row).transpose()
    }

    /// Whether any demo account exists (a real deployment must not start with them).
    pub async fn demo_accounts_exist(&self) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE is_demo = 1")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }
}

impl Tx {
    /// Creates the account the permit describes (its organization and role) and its
    /// one-time enrolment link, stored hashed.
    pub async fn create_user(
        &mut self,
        permit: &Permit<StaffAccount>,
        email: &str,
        display_name: &str,
        enrolment_link_hash: &str,
    ) -> Result<User, StoreError> {
        require(permit, &[StaffAction::Create])?;
        let account = permit.resource();
        let id = self
            .insert_user(email, display_name, account.role, account.org_id, false)
            .await?;
        self.insert_link(id, enrolment_link_hash, LinkPurpose::Enrolment)
            .await?;
        let event = permit.audit_event(Outcome::Success).target(id);
        self.audit(&event).await?;
        let link = AuditEvent::new("user.enrolment_link", "user", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&link).await?;
        self.user(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("user vanished after insert".into()))
    }

    pub(crate) async fn insert_user(
        &mut self,
        email: &str,
        display_name: &str,
        role: mosaique_domain::Role,
        org_id: Option<OrgId>,
        is_demo: bool,
    ) -> Result<UserId, StoreError> {
        if role.needs_organization() && org_id.is_none() {
            return Err(StoreError::Invalid(format!(
                "role {role} needs an organization"
            )));
        }
        let id = UserId::new();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO users (id, org_id, email, display_name, role, is_demo, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(id.to_string())
        .bind(org_id.map(|o| o.to_string()))
        .bind(email.to_owned())
        .bind(display_name.trim().to_owned())
        .bind(role.key())
        .bind(i64::from(is_demo))
        .bind(now)
        .execute(self.conn())
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict("email"),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::Invalid("unknown organization".into())
            }
            _ => StoreError::Database(e),
        })?;
        Ok(id)
    }

    /// The account the permit names, to say whom an administration act concerned.
    pub async fn staff_user(
        &mut self,
        permit: &Permit<StaffAccount>,
    ) -> Result<Option<User>, StoreError> {
        match permit.resource().id {
            Some(id) => self.user(id).await,
            None => Ok(None),
        }
    }

    async fn user(&mut self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Disables the account the permit names and ends all its sessions at once. Returns
    /// false when it was already disabled.
    pub async fn disable_user(
        &mut self,
        permit: &Permit<StaffAccount>,
    ) -> Result<bool, StoreError> {
        require(permit, &[StaffAction::Disable])?;
        let id = permit
            .resource()
            .id
            .ok_or(StoreError::WrongPermit("user"))?;
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE users SET disabled_at = $2, updated_at = $2 WHERE id = $1 AND disabled_at IS NULL",
        )
        .bind(id.to_string())
        .bind(now)
        .execute(self.conn())
        .await?
        .rows_affected()
            == 1;
        crate::sessions::revoke_all_in(self, id, now).await?;
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(changed)
    }

    /// Stores a one-time password-reset link (hashed) for the account the permit names; only
    /// the newest link works.
    pub async fn issue_reset_link(
        &mut self,
        permit: &Permit<StaffAccount>,
        token_hash: &str,
    ) -> Result<(), StoreError> {
        require(permit, &[StaffAction::IssueResetLink])?;
        let id = permit
            .resource()
            .id
            .ok_or(StoreError::WrongPermit("user"))?;
        self.insert_link(id, token_hash, LinkPurpose::PasswordReset)
            .await?;
        self.audit(&permit.audit_event(Outcome::Success)).await
    }

    async fn insert_link(
        &mut self,
        user: UserId,
        token_hash: &str,
        purpose: LinkPurpose,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        void_links(self, user, now).await?;
        sqlx::query(
            "INSERT INTO account_links (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash.to_owned())
        .bind(user.to_string())
        .bind(purpose.key())
        .bind(now)
        .bind(now + purpose.valid_for_ms())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The accounts of the staff list the permit names, by e-mail. Reading it is audited:
    /// names and addresses are personal data too.
    pub async fn list_users(
        &mut self,
        permit: &Permit<StaffList>,
    ) -> Result<Vec<User>, StoreError> {
        require(permit, &[StaffListAction::View])?;
        let mut sql = crate::Sql::new(&format!("SELECT {USER_COLUMNS} FROM users"));
        if let Some(org) = permit.resource().org_id {
            sql.push(" WHERE org_id = ").bind(org.to_string());
        }
        sql.push(" ORDER BY email");
        let rows = sql.query().fetch_all(self.conn()).await?;
        let users = rows
            .iter()
            .map(user_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(users)
    }

    /// The permit's own account.
    pub async fn own_account(
        &mut self,
        permit: &Permit<OwnAccount>,
    ) -> Result<Option<User>, StoreError> {
        require(
            permit,
            &[AccountAction::View, AccountAction::ManageSecurity],
        )?;
        self.user(permit.resource().owner).await
    }

    /// How many recovery codes the permit's own account has left.
    pub async fn unused_recovery_codes(
        &mut self,
        permit: &Permit<OwnAccount>,
    ) -> Result<i64, StoreError> {
        require(
            permit,
            &[AccountAction::View, AccountAction::ManageSecurity],
        )?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(permit.resource().owner.to_string())
        .fetch_one(self.conn())
        .await?;
        Ok(row.try_get("n")?)
    }
}

/// Marks every unused one-time link of the account as used.
pub(crate) async fn void_links(tx: &mut Tx, user: UserId, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE account_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.to_string())
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}

fn parse_user_id(id: &str) -> Result<UserId, StoreError> {
    id.parse()
        .map_err(|_| StoreError::Corrupt(format!("user id {id:?}")))
}

fn parse_org_id(row: &AnyRow) -> Result<Option<OrgId>, StoreError> {
    row.try_get::<Option<String>, _>("org_id")?
        .map(|o| {
            o.parse()
                .map_err(|_| StoreError::Corrupt(format!("org id {o:?}")))
        })
        .transpose()
}

fn parse_role(row: &AnyRow) -> Result<mosaique_domain::Role, StoreError> {
    let role: String = row.try_get("role")?;
    role.parse()
        .map_err(|_| StoreError::Corrupt(format!("role {role:?}")))
}

fn facts_from_row(row: &AnyRow) -> Result<AccountFacts, StoreError> {
    Ok(AccountFacts {
        account: StaffAccount {
            id: Some(parse_user_id(&row.try_get::<String, _>("id")?)?),
            org_id: parse_org_id(row)?,
            role: parse_role(row)?,
        },
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
    })
}

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let id: String = row.try_get("id")?;
    Ok(User {
        id: parse_user_id(&id)?,
        org_id: parse_org_id(row)?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: parse_role(row)?,
        has_password: flag(row, "has_password")?,
        totp_enabled: row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some(),
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
        is_demo: row.try_get::<i64, _>("is_demo")? == 1,
        created_at: row.try_get("created_at")?,
    })
}

/// A computed boolean: SQLite returns an integer, PostgreSQL a boolean.
pub(crate) fn flag(row: &AnyRow, column: &str) -> Result<bool, StoreError> {
    match row.try_get::<bool, _>(column) {
        Ok(b) => Ok(b),
        Err(_) => Ok(row.try_get::<i64, _>(column)? != 0),
    }
}
