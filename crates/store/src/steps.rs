//! The steps of a case's work (plan, accompaniment, immigration, legal, safety): title and
//! details sealed under the case's key, read only in the categories a permit opens, every
//! change kept as who changed which fields when.

use mosaique_crypto::FieldCipher;
use mosaique_domain::case::{CategorySet, DataCategory, NewStep, Step, StepKind, changed_fields};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::case::{Case, CaseAction};
use mosaique_domain::{CaseId, StepId, Timestamp};
use sqlx::Row;

use crate::audit::encode_hex;
use crate::cases::{category_list, open_bytes, parse_id, party, vocab};
use crate::permits::{require, user};
use crate::{Db, StoreError, Tx, now_ms};

/// What a step's access rule needs, readable without opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepFacts {
    pub category: DataCategory,
    pub version: i64,
}

impl Db {
    /// The category and version of a step of `case`, or `None` if the case has no such step.
    pub async fn step_facts(
        &self,
        case: CaseId,
        step: StepId,
    ) -> Result<Option<StepFacts>, StoreError> {
        sqlx::query("SELECT category, version FROM case_steps WHERE id = $1 AND case_id = $2")
            .bind(step.to_string())
            .bind(case.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(|r| {
                Ok(StepFacts {
                    category: vocab(&r, "category")?,
                    version: r.try_get("version")?,
                })
            })
            .transpose()
    }
}

/// Binds a step's fields as `$3`…`$11` (kind, category, status, domain, title, details,
/// date, end, assignee), the title and details sealed: the insert and the update share them.
fn bind_fields<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    cipher: &FieldCipher,
    id: StepId,
    step: &NewStep,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(step.kind.key())
        .bind(step.category().key())
        .bind(step.status.key())
        .bind(step.domain.map(|d| d.key()))
        .bind(seal_text(cipher, "title", id, &step.title))
        .bind(
            step.details
                .as_deref()
                .map(|d| seal_text(cipher, "details", id, d)),
        )
        .bind(step.on.clone())
        .bind(step.expires_on.clone())
        .bind(step.assignee.map(|a| a.to_string()))
}

fn seal_text(cipher: &FieldCipher, column: &'static str, id: StepId, text: &str) -> String {
    encode_hex(&cipher.seal(text.as_bytes(), "case_steps", column, &id.to_string()))
}

fn open_text(
    cipher: &FieldCipher,
    column: &'static str,
    id: StepId,
    sealed: &str,
) -> Result<String, StoreError> {
    let plain = open_bytes(cipher, "case_steps", column, &id.to_string(), sealed)?;
    String::from_utf8(plain).map_err(|_| StoreError::Corrupt(format!("case_steps.{column}")))
}

impl Tx {
    /// Adds a step, sealed under the case's key; the permit must be for writing its category.
    pub async fn add_step(
        &mut self,
        permit: &Permit<Case>,
        step: &NewStep,
    ) -> Result<StepId, StoreError> {
        require(permit, &[CaseAction::Write(step.category())])?;
        let author = user(permit)?.clone();
        let case = permit.resource().id;
        let id = StepId::new();
        let cipher = self.case_cipher(case, false).await?;
        let now = now_ms();
        let insert = sqlx::query(
            "INSERT INTO case_steps (id, case_id, kind, category, status, domain, title, details, \
             on_date, expires_on, assignee_id, org_id, created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1)",
        )
        .bind(id.to_string())
        .bind(case.to_string());
        bind_fields(insert, &cipher, id, step)
            .bind(author.org_id.map(|o| o.to_string()))
            .bind(author.user_id.to_string())
            .bind(now)
            .execute(self.conn())
            .await?;
        self.record_change(
            case,
            &format!("step:{id}"),
            author.user_id,
            now,
            &["created"],
        )
        .await?;
        self.touch(permit, now).await?;
        Ok(id)
    }

    /// Changes a step from the version its writer saw. `was` is the permit to write the
    /// step's category as it stands, `becomes` the one for its category after the change
    /// (the same when the kind keeps it). An unchanged step writes nothing.
    pub async fn change_step(
        &mut self,
        was: &Permit<Case>,
        becomes: &Permit<Case>,
        id: StepId,
        version: i64,
        step: &NewStep,
    ) -> Result<(), StoreError> {
        require(becomes, &[CaseAction::Write(step.category())])?;
        let case = was.resource().id;
        let author = user(becomes)?.clone();
        let cipher = self.case_cipher(case, false).await?;
        let row = sqlx::query(
            "SELECT id, kind, category, status, domain, title, details, on_date, expires_on, \
             assignee_id FROM case_steps WHERE id = $1 AND case_id = $2 AND version = $3",
        )
        .bind(id.to_string())
        .bind(case.to_string())
        .bind(version)
        .fetch_optional(self.conn())
        .await?
        .ok_or(StoreError::Stale)?;
        require(was, &[CaseAction::Write(vocab(&row, "category")?)])?;
        let before = fields(&row, &cipher, id)?;
        let changed = changed_fields(&before, step);
        if changed.is_empty() {
            return Ok(());
        }
        let now = now_ms();
        let update = sqlx::query(
            "UPDATE case_steps SET kind = $3, category = $4, status = $5, domain = $6, \
             title = $7, details = $8, on_date = $9, expires_on = $10, assignee_id = $11, \
             updated_at = $12, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id.to_string())
        .bind(version);
        let written = bind_fields(update, &cipher, id, step)
            .bind(now)
            .execute(self.conn())
            .await?
            .rows_affected();
        if written == 0 {
            return Err(StoreError::Stale);
        }
        self.record_change(case, &format!("step:{id}"), author.user_id, now, &changed)
            .await?;
        self.touch(becomes, now).await
    }

    /// The steps of the categories in `disclosed`, by date (undated last), each with its
    /// history. Steps of other categories are not read at all.
    pub(crate) async fn steps(
        &mut self,
        case: CaseId,
        cipher: &FieldCipher,
        disclosed: CategorySet,
        history: &mut crate::case_history::History,
    ) -> Result<Vec<Step>, StoreError> {
        if disclosed.is_empty() {
            return Ok(Vec::new());
        }
        let list = category_list(disclosed);
        let sql = format!(
            "SELECT s.id, s.kind, s.category, s.status, s.domain, s.title, s.details, s.on_date, \
             s.expires_on, s.assignee_id, s.org_id, s.created_by, s.updated_at, s.version, \
             a.display_name AS assignee_name, w.display_name AS writer_name \
             FROM case_steps s JOIN users w ON w.id = s.created_by \
             LEFT JOIN users a ON a.id = s.assignee_id \
             WHERE s.case_id = $1 AND s.category IN ({list}) \
             ORDER BY CASE WHEN s.on_date IS NULL THEN 1 ELSE 0 END, s.on_date, s.created_at, s.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case.to_string())
            .fetch_all(self.conn())
            .await?;
        rows.iter()
            .map(|r| {
                let id: StepId = parse_id(r, "id")?;
                Ok(Step {
                    id,
                    fields: fields(r, cipher, id)?,
                    assignee_name: r.try_get("assignee_name")?,
                    party: party(r.try_get("org_id")?)?,
                    written_by: parse_id(r, "created_by")?,
                    written_by_name: r.try_get("writer_name")?,
                    updated_at: Timestamp(r.try_get("updated_at")?),
                    version: r.try_get("version")?,
                    history: history.remove(&format!("step:{id}")).unwrap_or_default(),
                })
            })
            .collect()
    }
}

fn fields(r: &sqlx::any::AnyRow, cipher: &FieldCipher, id: StepId) -> Result<NewStep, StoreError> {
    let domain: Option<String> = r.try_get("domain")?;
    let details: Option<String> = r.try_get("details")?;
    let title: String = r.try_get("title")?;
    Ok(NewStep {
        kind: vocab::<StepKind>(r, "kind")?,
        status: vocab(r, "status")?,
        domain: domain
            .map(|d| d.parse())
            .transpose()
            .map_err(|_| StoreError::Corrupt("case_steps.domain".into()))?,
        title: open_text(cipher, "title", id, &title)?,
        details: details
            .map(|d| open_text(cipher, "details", id, &d))
            .transpose()?,
        on: r.try_get("on_date")?,
        expires_on: r.try_get("expires_on")?,
        assignee: r
            .try_get::<Option<String>, _>("assignee_id")?
            .map(|a| a.parse())
            .transpose()
            .map_err(|_| StoreError::Corrupt("case_steps.assignee_id".into()))?,
    })
}

#[cfg(test)]
mod tests {
    use mosaique_domain::case::{CaseRole, Party, Purpose, Recipient, StepStatus};
    use mosaique_domain::policy::Principal;
    use mosaique_domain::{Role, ServiceDomain, User};

    use super::*;
    use crate::db_test;
    use crate::testing::{
        add_to_case, case_permit, consent_to, open_case, sample_case, signed_in, test_org,
        test_user,
    };

    fn step(kind: StepKind, title: &str) -> NewStep {
        NewStep {
            kind,
            status: StepStatus::InProgress,
            domain: (kind == StepKind::Goal).then_some(ServiceDomain::HousingLongTerm),
            title: title.into(),
            details: Some(format!("{title}-details")),
            on: Some("2026-11-02".into()),
            expires_on: None,
            assignee: None,
        }
    }

    async fn add(db: &Db, who: &User, case: CaseId, new: &NewStep) -> StepId {
        let p = case_permit(db, &signed_in(who), CaseAction::Write(new.category()), case).await;
        let mut tx = db.begin().await.unwrap();
        let id = tx.add_step(&p, new).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    async fn titles(db: &Db, who: &Principal, case: CaseId) -> Vec<String> {
        let p = case_permit(db, who, CaseAction::View, case).await;
        let mut tx = db.begin().await.unwrap();
        let file = tx.case_file(&p).await.unwrap();
        tx.commit().await.unwrap();
        file.steps.into_iter().map(|s| s.fields.title).collect()
    }

    db_test!(
        steps_are_sealed_read_by_category_and_keep_their_history,
        |db| {
            let (lead_org, clinic) = (test_org(&db, None).await, test_org(&db, None).await);
            let lead = test_user(&db, Role::Caseworker, Some(lead_org)).await;
            let nurse = test_user(&db, Role::Caseworker, Some(clinic)).await;
            let case = open_case(&db, &lead, &sample_case("Alias-Canary", "Name-Canary")).await;
            add_to_case(&db, &lead, case, &nurse, CaseRole::TeamMember).await;
            consent_to(
                &db,
                &lead,
                case,
                Purpose::Services,
                Recipient::Party(Party::Organization(clinic)),
                &[DataCategory::Notes],
            )
            .await;

            let permit = NewStep {
                on: Some("2026-10-01".into()),
                ..step(StepKind::TemporaryResidentPermit, "permit-step-canary")
            };
            let permit_id = add(&db, &lead, case, &permit).await;
            add(&db, &lead, case, &step(StepKind::Task, "task-step-canary")).await;
            add(&db, &lead, case, &step(StepKind::Goal, "goal-step-canary")).await;

            // The lead reads all three, by date; the clinic only what `notes` opens.
            assert_eq!(
                titles(&db, &signed_in(&lead), case).await,
                ["permit-step-canary", "task-step-canary", "goal-step-canary"]
            );
            assert_eq!(
                titles(&db, &signed_in(&nurse), case).await,
                ["task-step-canary", "goal-step-canary"]
            );

            // Granted: the change names its fields; the old version is then stale.
            let granted = NewStep {
                status: StepStatus::Done,
                expires_on: Some("2027-04-01".into()),
                ..permit.clone()
            };
            let write = case_permit(
                &db,
                &signed_in(&lead),
                CaseAction::Write(DataCategory::Immigration),
                case,
            )
            .await;
            let mut tx = db.begin().await.unwrap();
            tx.change_step(&write, &write, permit_id, 1, &granted)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            let mut tx = db.begin().await.unwrap();
            let again = tx.change_step(&write, &write, permit_id, 1, &granted).await;
            assert!(matches!(again, Err(StoreError::Stale)), "{again:?}");
            drop(tx);
            let view = case_permit(&db, &signed_in(&lead), CaseAction::View, case).await;
            let mut tx = db.begin().await.unwrap();
            let file = tx.case_file(&view).await.unwrap();
            tx.commit().await.unwrap();
            let step = &file.steps[0];
            assert_eq!(step.fields, granted);
            assert_eq!(step.version, 2);
            let history: Vec<_> = step.history.iter().map(|c| c.fields.clone()).collect();
            assert_eq!(history, [vec!["created"], vec!["status", "expires_on"]]);
            assert_eq!(step.history[1].by, lead.id);

            // A writer of `notes` cannot move a step into or out of another category.
            let notes = case_permit(
                &db,
                &signed_in(&nurse),
                CaseAction::Write(DataCategory::Notes),
                case,
            )
            .await;
            let mut tx = db.begin().await.unwrap();
            let moved = tx.change_step(&notes, &notes, permit_id, 2, &granted).await;
            assert!(
                matches!(moved, Err(StoreError::WrongPermit(_))),
                "{moved:?}"
            );
            drop(tx);
            assert_eq!(
                db.step_facts(case, permit_id).await.unwrap(),
                Some(StepFacts {
                    category: DataCategory::Immigration,
                    version: 2
                })
            );

            // Nothing of a step's text is stored in the clear.
            for column in ["title", "details"] {
                let q =
                    format!("SELECT COUNT(*) AS n FROM case_steps WHERE {column} LIKE '%canary%'");
                let n: i64 = sqlx::query(sqlx::AssertSqlSafe(q))
                    .fetch_one(db.pool())
                    .await
                    .unwrap()
                    .try_get("n")
                    .unwrap();
                assert_eq!(n, 0, "{column}");
            }
        }
    );
}
