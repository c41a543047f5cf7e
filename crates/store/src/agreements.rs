//! Collaboration agreements (ententes) and the coalition's rule that a data flow between
//! organizations needs one as well as consent.

use mosaique_domain::audit::Outcome;
use mosaique_domain::case::{Agreement, AgreementRecord, NewAgreement, SharingRules};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::case::{AgreementAction, Agreements};
use mosaique_domain::{AgreementId, Timestamp};
use sqlx::Row;

use crate::cases::{parse_categories, parse_id, parse_recipients, recipients_text};
use crate::permits::{require, user};
use crate::{StoreError, Tx, now_ms};

const REQUIRE_AGREEMENT: &str = "require_agreement";

/// The live agreements and the coalition's rule, for a case's policy facts.
pub(crate) async fn sharing(
    conn: &mut sqlx::AnyConnection,
) -> Result<(Vec<Agreement>, SharingRules), StoreError> {
    let agreements = rows(conn, true)
        .await?
        .iter()
        .map(AgreementRecord::agreement)
        .collect();
    let require_agreement = require_agreement(conn).await?;
    Ok((agreements, SharingRules { require_agreement }))
}

async fn require_agreement(conn: &mut sqlx::AnyConnection) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT value FROM coalition_settings WHERE key = $1")
        .bind(REQUIRE_AGREEMENT)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<String, _>("value")? == "true",
        None => false,
    })
}

/// Every agreement (or the live ones only), newest first.
async fn rows(
    conn: &mut sqlx::AnyConnection,
    live_only: bool,
) -> Result<Vec<AgreementRecord>, StoreError> {
    let filter = if live_only {
        "WHERE starts_at <= $1 AND (ends_at IS NULL OR ends_at > $1)"
    } else {
        ""
    };
    let sql = format!(
        "SELECT id, title, purpose, parties, categories, starts_at, ends_at, document \
         FROM agreements {filter} ORDER BY starts_at DESC, id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    if live_only {
        query = query.bind(now_ms());
    }
    query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(AgreementRecord {
                id: parse_id(r, "id")?,
                title: r.try_get("title")?,
                purpose: r.try_get("purpose")?,
                parties: parse_recipients(&r.try_get::<String, _>("parties")?)?,
                categories: parse_categories(&r.try_get::<String, _>("categories")?)?,
                starts_at: Timestamp(r.try_get("starts_at")?),
                ends_at: r.try_get::<Option<i64>, _>("ends_at")?.map(Timestamp),
                document: r.try_get("document")?,
            })
        })
        .collect()
}

impl Tx {
    /// Every agreement, newest first, and whether the coalition requires one.
    pub async fn agreements(
        &mut self,
        permit: &Permit<Agreements>,
    ) -> Result<(Vec<AgreementRecord>, bool), StoreError> {
        require(permit, &[AgreementAction::View, AgreementAction::Manage])?;
        let all = rows(self.conn(), false).await?;
        Ok((all, require_agreement(self.conn()).await?))
    }

    /// Records an agreement, already validated by the domain.
    pub async fn record_agreement(
        &mut self,
        permit: &Permit<Agreements>,
        new: &NewAgreement,
    ) -> Result<AgreementId, StoreError> {
        require(permit, &[AgreementAction::Manage])?;
        let by = user(permit)?.user_id;
        let id = AgreementId::new();
        sqlx::query(
            "INSERT INTO agreements (id, title, purpose, parties, categories, starts_at, ends_at, \
             document, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.to_string())
        .bind(new.title.trim().to_owned())
        .bind(new.purpose.trim().to_owned())
        .bind(recipients_text(&new.parties))
        .bind(new.categories.keys().join(" "))
        .bind(new.starts_at.0)
        .bind(new.ends_at.map(|t| t.0))
        .bind(new.document.trim().to_owned())
        .bind(by.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        self.audit(&permit.audit_event(Outcome::Success).target(id))
            .await?;
        Ok(id)
    }

    /// Ends an agreement now; returns whether it was live.
    pub async fn end_agreement(
        &mut self,
        permit: &Permit<Agreements>,
        id: AgreementId,
    ) -> Result<bool, StoreError> {
        require(permit, &[AgreementAction::Manage])?;
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE agreements SET ends_at = $2 WHERE id = $1 AND (ends_at IS NULL OR ends_at > $2)",
        )
        .bind(id.to_string())
        .bind(now)
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed > 0 {
            self.audit(
                &permit
                    .audit_event(Outcome::Success)
                    .target(id)
                    .because("ended"),
            )
            .await?;
        }
        Ok(changed > 0)
    }

    /// Sets whether a data flow between organizations needs a live agreement too.
    pub async fn set_require_agreement(
        &mut self,
        permit: &Permit<Agreements>,
        required: bool,
    ) -> Result<(), StoreError> {
        require(permit, &[AgreementAction::Manage])?;
        let by = user(permit)?.user_id;
        sqlx::query(
            "UPDATE coalition_settings SET value = $2, updated_by = $3, updated_at = $4 WHERE key = $1",
        )
        .bind(REQUIRE_AGREEMENT)
        .bind(if required { "true" } else { "false" })
        .bind(by.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        let reason = if required { "required" } else { "not_required" };
        self.audit(&permit.audit_event(Outcome::Success).because(reason))
            .await
    }
}
