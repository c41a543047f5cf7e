//! Bulletins: published once, delivered at once to each recipient's inbox (one row per
//! person, read and mailed on its own), listed for the coalition's staff with how many read
//! them.

use mosaique_domain::audit::{AuditEvent, Outcome};
use mosaique_domain::coalition::bulletin::{Bulletin, NewBulletin, ReceivedBulletin, SentBulletin};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::coalition::{Workspace, WorkspaceAction};
use mosaique_domain::policy::referral::{Inbox, InboxAction};
use mosaique_domain::{Bilingual, BulletinId, OrgId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::cases::parse_id;
use crate::permits::require;
use crate::sql::Sql;
use crate::{StoreError, Tx, now_ms};

const COLUMNS: &str = "b.id, b.coalition_id, b.title_fr, b.title_en, b.body, b.author, \
     b.published_at";

fn bulletin(row: &AnyRow) -> Result<Bulletin, StoreError> {
    Ok(Bulletin {
        id: parse_id(row, "id")?,
        coalition: parse_id(row, "coalition_id")?,
        title: Bilingual::new(row.try_get("title_fr")?, row.try_get("title_en")?),
        body: row.try_get("body")?,
        author: row.try_get("author")?,
        published_at: Timestamp(row.try_get("published_at")?),
    })
}

fn count(row: &AnyRow, column: &str) -> Result<u64, StoreError> {
    Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or_default())
}

impl Tx {
    /// Publishes a checked bulletin, `at`, to every active account of `members` and of the
    /// coalition's staff, analysts excepted; returns it and how many it reached.
    pub async fn publish_bulletin(
        &mut self,
        permit: &Permit<Workspace>,
        new: &NewBulletin,
        members: &[OrgId],
        at: Timestamp,
    ) -> Result<(BulletinId, u64), StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        // The author's name as it is today (the command line publishes as the coalition).
        let author: String = match permit.actor() {
            Some(actor) => sqlx::query("SELECT display_name FROM users WHERE id = $1")
                .bind(actor.user_id.to_string())
                .fetch_optional(self.conn())
                .await?
                .map(|r| r.try_get("display_name"))
                .transpose()?
                .unwrap_or_default(),
            None => String::new(),
        };
        let id = BulletinId::new();
        let now = at.0;
        sqlx::query(
            "INSERT INTO bulletins (id, coalition_id, title_fr, title_en, body, author, \
             published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(permit.resource().coalition.to_string())
        .bind(new.title.fr.clone())
        .bind(new.title.en.clone())
        .bind(new.body.clone())
        .bind(author)
        .bind(now)
        .execute(self.conn())
        .await?;
        let mut sql = Sql::new(
            "INSERT INTO bulletin_deliveries (bulletin_id, user_id, created_at) \
             SELECT ",
        );
        sql.bind(id.to_string()).push(", id, ").bind(now).push(
            " FROM users WHERE disabled_at IS NULL AND role <> 'analyst' \
                 AND (org_id IS NULL",
        );
        if !members.is_empty() {
            sql.push(" OR org_id IN (")
                .bind_list(members.iter().map(ToString::to_string))
                .push(")");
        }
        sql.push(")");
        let reached = sql.query().execute(self.conn()).await?.rows_affected();
        let event = AuditEvent::new("bulletin.publish", "bulletin", Outcome::Success)
            .by_maybe(permit.who().audit_actor())
            .target(id);
        self.audit(&event).await?;
        Ok((id, reached))
    }

    /// The permit's coalition's bulletins, the newest first, with their reach (for those
    /// who run it).
    pub async fn sent_bulletins(
        &mut self,
        permit: &Permit<Workspace>,
    ) -> Result<Vec<SentBulletin>, StoreError> {
        require(permit, &[WorkspaceAction::Run])?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS}, \
             (SELECT COUNT(*) FROM bulletin_deliveries d WHERE d.bulletin_id = b.id) AS recipients, \
             (SELECT COUNT(*) FROM bulletin_deliveries d WHERE d.bulletin_id = b.id \
              AND d.read_at IS NOT NULL) AS readers \
             FROM bulletins b WHERE b.coalition_id = $1 ORDER BY b.published_at DESC, b.id DESC"
        )))
        .bind(permit.resource().coalition.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(SentBulletin {
                bulletin: bulletin(r)?,
                recipients: count(r, "recipients")?,
                read: count(r, "readers")?,
            })
        })
        .collect()
    }

    /// The owner's bulletins, the newest first (the last 100).
    pub async fn my_bulletins(
        &mut self,
        permit: &Permit<Inbox>,
    ) -> Result<Vec<ReceivedBulletin>, StoreError> {
        require(permit, &[InboxAction::Use])?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS}, d.read_at FROM bulletin_deliveries d \
             JOIN bulletins b ON b.id = d.bulletin_id WHERE d.user_id = $1 \
             ORDER BY b.published_at DESC, b.id DESC LIMIT 100"
        )))
        .bind(permit.resource().owner.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(ReceivedBulletin {
                bulletin: bulletin(r)?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect()
    }

    /// Opens one of the owner's bulletins and marks it read (`None`: not delivered to them).
    pub async fn open_bulletin(
        &mut self,
        permit: &Permit<Inbox>,
        id: BulletinId,
    ) -> Result<Option<Bulletin>, StoreError> {
        require(permit, &[InboxAction::Use])?;
        let owner = permit.resource().owner.to_string();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM bulletin_deliveries d JOIN bulletins b ON b.id = d.bulletin_id \
             WHERE d.user_id = $1 AND d.bulletin_id = $2"
        )))
        .bind(&owner)
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE bulletin_deliveries SET read_at = $3 WHERE user_id = $1 AND bulletin_id = $2 \
             AND read_at IS NULL",
        )
        .bind(&owner)
        .bind(id.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        bulletin(&row).map(Some)
    }
}
