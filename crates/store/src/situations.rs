//! The person's situation (what services need to know to take them) and how they may be
//! contacted safely: one sealed part per data category under the case's key, so a read opens
//! only the parts a permit discloses. Contact safety is read for everyone who reads the case.

use mosaique_crypto::FieldCipher;
use mosaique_domain::case::{CategorySet, DataCategory};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::case::{Case, CaseAction};
use mosaique_domain::referral::situation::{ContactSafety, Situation, SituationPart};
use mosaique_domain::{CaseId, ServiceId};
use sqlx::Row;

use crate::audit::encode_hex;
use crate::cases::{open_bytes, parse_id};
use crate::permits::{require, user};
use crate::{Db, StoreError, Tx, now_ms};

const TABLE: &str = "case_situations";

fn seal<T: serde::Serialize>(
    cipher: &FieldCipher,
    column: &'static str,
    case: CaseId,
    value: &T,
) -> Result<String, StoreError> {
    let json = serde_json::to_vec(value).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(encode_hex(&cipher.seal(
        &json,
        TABLE,
        column,
        &case.to_string(),
    )))
}

fn open<T: serde::de::DeserializeOwned>(
    cipher: &FieldCipher,
    column: &'static str,
    case: CaseId,
    sealed: Option<String>,
) -> Result<Option<T>, StoreError> {
    sealed
        .map(|s| {
            let plain = open_bytes(cipher, TABLE, column, &case.to_string(), &s)?;
            serde_json::from_slice(&plain)
                .map_err(|_| StoreError::Corrupt(format!("{TABLE}.{column}")))
        })
        .transpose()
}

impl Tx {
    /// Writes one part of the situation; the permit must be for writing its category.
    pub async fn write_situation(
        &mut self,
        permit: &Permit<Case>,
        part: &SituationPart,
    ) -> Result<(), StoreError> {
        require(permit, &[CaseAction::Write(part.category())])?;
        let author = user(permit)?.clone();
        let case = permit.resource().id;
        let cipher = self.case_cipher(case, false).await?;
        let column = part.column();
        let sealed = match part {
            SituationPart::Identity(v) => seal(&cipher, column, case, v)?,
            SituationPart::Health(v) => seal(&cipher, column, case, v)?,
            SituationPart::Immigration(v) => seal(&cipher, column, case, v)?,
            SituationPart::ContactSafety(v) => seal(&cipher, column, case, v)?,
        };
        let now = now_ms();
        // `column` comes from a closed list.
        let sql = format!(
            "INSERT INTO case_situations (case_id, {column}, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (case_id) DO UPDATE SET {column} = excluded.{column}, \
             updated_at = excluded.updated_at"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case.to_string())
            .bind(sealed)
            .bind(now)
            .execute(self.conn())
            .await?;
        self.record_change(
            case,
            &format!("situation:{column}"),
            author.user_id,
            now,
            &[column],
        )
        .await?;
        self.touch(permit, now).await
    }

    /// The parts of the situation in `disclosed`, and the contact safety (for every reader).
    pub(crate) async fn situation(
        &mut self,
        case: CaseId,
        cipher: &FieldCipher,
        disclosed: CategorySet,
    ) -> Result<(Situation, ContactSafety), StoreError> {
        let Some(row) = sqlx::query(
            "SELECT identity, health, immigration, contact_safety FROM case_situations \
             WHERE case_id = $1",
        )
        .bind(case.to_string())
        .fetch_optional(self.conn())
        .await?
        else {
            return Ok((Situation::default(), ContactSafety::default()));
        };
        let part = |category: DataCategory, column: &'static str| {
            if disclosed.contains(category) {
                row.try_get::<Option<String>, _>(column)
            } else {
                Ok(None)
            }
        };
        let situation = Situation {
            identity: open(
                cipher,
                "identity",
                case,
                part(DataCategory::Identity, "identity")?,
            )?,
            health: open(
                cipher,
                "health",
                case,
                part(DataCategory::Health, "health")?,
            )?,
            immigration: open(
                cipher,
                "immigration",
                case,
                part(DataCategory::Immigration, "immigration")?,
            )?,
        };
        let safety = open(
            cipher,
            "contact_safety",
            case,
            row.try_get("contact_safety")?,
        )?
        .unwrap_or_default();
        Ok((situation, safety))
    }

    /// What matching a need needs, as the permit's holder may see it: the situation, the
    /// open needs (domain and urgency) and the town the person stays in. Audited: it opens
    /// personal data.
    pub async fn matching_facts(
        &mut self,
        permit: &Permit<Case>,
    ) -> Result<MatchingFacts, StoreError> {
        require(permit, &[CaseAction::Refer])?;
        let case = permit.resource();
        let disclosed = case
            .disclosure(permit.who())
            .map_or(CategorySet::EMPTY, |d| d.categories);
        let cipher = self.case_cipher(case.id, false).await?;
        let (situation, _) = self.situation(case.id, &cipher, disclosed).await?;
        let mut open_needs = Vec::new();
        if !disclosed.is_empty() {
            let list = crate::cases::category_list(disclosed);
            let sql = format!(
                "SELECT domain, urgency FROM case_needs WHERE case_id = $1 AND status = 'open' \
                 AND category IN ({list})"
            );
            for row in sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(case.id.to_string())
                .fetch_all(self.conn())
                .await?
            {
                open_needs.push((
                    crate::cases::vocab(&row, "domain")?,
                    crate::cases::vocab(&row, "urgency")?,
                ));
            }
        }
        open_needs.sort_by_key(|(_, urgency)| *urgency);
        let city = if disclosed.contains(DataCategory::Location) {
            let row = sqlx::query("SELECT whereabouts FROM cases WHERE id = $1")
                .bind(case.id.to_string())
                .fetch_one(self.conn())
                .await?;
            let sealed: String = row.try_get("whereabouts")?;
            let plain = open_bytes(
                &cipher,
                "cases",
                "whereabouts",
                &case.id.to_string(),
                &sealed,
            )?;
            serde_json::from_slice::<mosaique_domain::case::Whereabouts>(&plain)
                .map_err(|_| StoreError::Corrupt("cases.whereabouts".into()))?
                .city
        } else {
            None
        };
        self.audit(
            &permit
                .audit_event(mosaique_domain::audit::Outcome::Success)
                .because("match"),
        )
        .await?;
        Ok(MatchingFacts {
            situation,
            open_needs,
            city,
        })
    }
}

/// What matching reads of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchingFacts {
    pub situation: Situation,
    /// Open needs in the categories disclosed, most urgent first.
    pub open_needs: Vec<(
        mosaique_domain::ServiceDomain,
        mosaique_domain::referral::Urgency,
    )>,
    /// The town the person stays in, when `location` is disclosed.
    pub city: Option<String>,
}

impl Db {
    /// How each service answered the referrals sent in the last year: for each answered
    /// (accepted, declined or expired) referral, its service, whether it was accepted and
    /// how many hours it took from sending. The matcher makes each service's record of it.
    pub async fn referral_answers(
        &self,
        since: i64,
    ) -> Result<Vec<(ServiceId, bool, f64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.service_id, a.to_status, a.at - s.at AS delay \
             FROM referrals r \
             JOIN referral_events s ON s.referral_id = r.id AND s.to_status = 'sent' \
             JOIN referral_events a ON a.referral_id = r.id \
             AND a.to_status IN ('accepted', 'declined', 'expired') \
             WHERE r.created_at >= $1",
        )
        .bind(since)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("to_status")?;
                let delay: i64 = r.try_get("delay")?;
                Ok((
                    parse_id(r, "service_id")?,
                    status == "accepted",
                    delay.max(0) as f64 / 3_600_000.0,
                ))
            })
            .collect()
    }
}
