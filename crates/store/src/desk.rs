//! The coordination desk: the on-call roster (handover notes sealed under the desk's own
//! key) and what waits for the coordinators — items of the coalition-led cases the reader is
//! on the team of, and counts over all of them (no names).

use mosaique_crypto::FieldCipher;
use mosaique_domain::audit::Outcome;
use mosaique_domain::coordination::{
    Desk, DeskItem, DeskWhat, EXPIRING_WITHIN_MS, NewShift, Shift,
};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::referral::{Desk as DeskResource, DeskAction};
use mosaique_domain::{Bilingual, CaseId, ShiftId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::encode_hex;
use crate::cases::{open_bytes, parse_id, vocab};
use crate::keys::scope_cipher;
use crate::permits::{require, user};
use crate::{StoreError, Tx, now_ms};

const SCOPE: &str = "desk";

/// Statuses of a referral out with its receiver and not ended.
const LIVE: &str = "'sent', 'received', 'accepted', 'in_progress'";

impl Tx {
    async fn desk_cipher(&mut self, create: bool) -> Result<Option<FieldCipher>, StoreError> {
        let keys = self.keys.clone().ok_or(StoreError::NoKey)?;
        scope_cipher(&mut self.inner, keys.masters(), SCOPE, create).await
    }

    /// Puts someone on call; the caller checked that they are an active coordinator.
    pub async fn add_shift(
        &mut self,
        permit: &Permit<DeskResource>,
        shift: &NewShift,
    ) -> Result<ShiftId, StoreError> {
        require(permit, &[DeskAction::ManageRoster])?;
        let by = user(permit)?.user_id;
        let id = ShiftId::new();
        let handover = match &shift.handover {
            Some(text) => {
                let cipher = self
                    .desk_cipher(true)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt("desk key".into()))?;
                Some(encode_hex(&cipher.seal(
                    text.as_bytes(),
                    "on_call_shifts",
                    "handover",
                    &id.to_string(),
                )))
            }
            None => None,
        };
        sqlx::query(
            "INSERT INTO on_call_shifts (id, user_id, starts_at, ends_at, handover, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(shift.user.to_string())
        .bind(shift.starts_at.0)
        .bind(shift.ends_at.0)
        .bind(handover)
        .bind(by.to_string())
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        self.audit(&permit.audit_event(Outcome::Success).target(id))
            .await?;
        Ok(id)
    }

    /// What waits for the permit's coordinator now. Audited: it names cases.
    pub async fn desk(&mut self, permit: &Permit<DeskResource>) -> Result<Desk, StoreError> {
        require(permit, &[DeskAction::View])?;
        let reader = user(permit)?.user_id;
        let now = now_ms();
        let shifts = self.shifts(now).await?;
        // The coalition-led, not closed cases the reader is on the team of.
        let mine = "c.lead_org_id IS NULL AND c.status <> 'closed' AND EXISTS \
                    (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND m.user_id = $1)";
        let week_ago = now - 7 * 86_400_000;
        let intakes = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT c.id AS case_id, c.reference, c.alias, i.unsafe_now, i.taken_at AS at \
             FROM intakes i JOIN cases c ON c.id = i.case_id \
             WHERE {mine} AND i.taken_at >= $2 ORDER BY i.taken_at DESC LIMIT 100"
        )))
        .bind(reader.to_string())
        .bind(week_ago)
        .fetch_all(self.conn())
        .await?;
        let waiting = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT c.id AS case_id, c.reference, c.alias, r.id AS referral_id, \
             r.service_name_fr, r.service_name_en, r.expires_at, r.updated_at AS at \
             FROM referrals r JOIN cases c ON c.id = r.case_id \
             WHERE {mine} AND r.status IN ('sent', 'received') \
             ORDER BY r.expires_at, r.id LIMIT 100"
        )))
        .bind(reader.to_string())
        .fetch_all(self.conn())
        .await?;
        let urgent = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT c.id AS case_id, c.reference, c.alias, k.domain, k.urgency, k.created_at AS at \
             FROM case_needs k JOIN cases c ON c.id = k.case_id \
             WHERE {mine} AND k.status = 'open' AND k.urgency IN ('now', 'within_24h') \
             AND NOT EXISTS (SELECT 1 FROM referral_needs n JOIN referrals r \
             ON r.id = n.referral_id WHERE n.need_id = k.id AND r.status IN ({LIVE})) \
             ORDER BY k.urgency, k.created_at LIMIT 100"
        )))
        .bind(reader.to_string())
        .fetch_all(self.conn())
        .await?;
        let mut desk = Desk {
            intakes: self
                .items(&intakes, |r| {
                    Ok(DeskWhat::Intake {
                        unsafe_now: r.try_get::<i64, _>("unsafe_now")? == 1,
                    })
                })
                .await?,
            waiting: self
                .items(&waiting, |r| {
                    Ok(DeskWhat::Waiting {
                        referral: parse_id(r, "referral_id")?,
                        service: Bilingual::new(
                            r.try_get("service_name_fr")?,
                            r.try_get("service_name_en")?,
                        ),
                        expires_at: r.try_get::<Option<i64>, _>("expires_at")?.map(Timestamp),
                    })
                })
                .await?,
            urgent: self
                .items(&urgent, |r| {
                    Ok(DeskWhat::UrgentNeed {
                        domain: vocab(r, "domain")?,
                        urgency: vocab(r, "urgency")?,
                    })
                })
                .await?,
            shifts,
            ..Desk::default()
        };
        desk.expiring = desk
            .waiting
            .iter()
            .filter(|item| {
                matches!(item.what, DeskWhat::Waiting { expires_at: Some(at), .. }
                    if at.0 <= now + EXPIRING_WITHIN_MS)
            })
            .cloned()
            .collect();
        desk.counts = self.desk_counts(week_ago).await?;
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(desk)
    }

    async fn items(
        &mut self,
        rows: &[AnyRow],
        what: impl Fn(&AnyRow) -> Result<DeskWhat, StoreError>,
    ) -> Result<Vec<DeskItem>, StoreError> {
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let case: CaseId = parse_id(row, "case_id")?;
            let cipher = self.case_cipher(case, false).await?;
            let sealed: String = row.try_get("alias")?;
            let alias = open_bytes(&cipher, "cases", "alias", &case.to_string(), &sealed)?;
            out.push(DeskItem {
                case,
                reference: row.try_get("reference")?,
                alias: serde_json::from_slice(&alias)
                    .map_err(|_| StoreError::Corrupt("cases.alias".into()))?,
                what: what(row)?,
                at: Timestamp(row.try_get("at")?),
            });
        }
        Ok(out)
    }

    /// Counts over every coalition-led case not closed: new intakes, referrals waiting,
    /// urgent needs no live referral answers.
    async fn desk_counts(&mut self, since: i64) -> Result<(i64, i64, i64), StoreError> {
        let count = |row: AnyRow| row.try_get::<i64, _>("n");
        let led = "c.lead_org_id IS NULL AND c.status <> 'closed'";
        let intakes = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM intakes i JOIN cases c ON c.id = i.case_id \
             WHERE {led} AND i.taken_at >= $1"
        )))
        .bind(since)
        .fetch_one(self.conn())
        .await?;
        let waiting = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM referrals r JOIN cases c ON c.id = r.case_id \
             WHERE {led} AND r.status IN ('sent', 'received')"
        )))
        .fetch_one(self.conn())
        .await?;
        let urgent = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM case_needs k JOIN cases c ON c.id = k.case_id \
             WHERE {led} AND k.status = 'open' AND k.urgency IN ('now', 'within_24h') \
             AND NOT EXISTS (SELECT 1 FROM referral_needs n JOIN referrals r \
             ON r.id = n.referral_id WHERE n.need_id = k.id AND r.status IN ({LIVE}))"
        )))
        .fetch_one(self.conn())
        .await?;
        Ok((count(intakes)?, count(waiting)?, count(urgent)?))
    }

    /// Shifts on now or starting within two days, and those that ended in the last twelve
    /// hours (their handover notes), by start.
    async fn shifts(&mut self, now: i64) -> Result<Vec<Shift>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.user_id, u.display_name, s.starts_at, s.ends_at, s.handover, \
             w.display_name AS writer FROM on_call_shifts s JOIN users u ON u.id = s.user_id \
             JOIN users w ON w.id = s.created_by \
             WHERE s.ends_at >= $1 AND s.starts_at <= $2 ORDER BY s.starts_at, s.id",
        )
        .bind(now - 12 * 3_600_000)
        .bind(now + 48 * 3_600_000)
        .fetch_all(self.conn())
        .await?;
        let cipher = if rows.is_empty() {
            None
        } else {
            self.desk_cipher(false).await?
        };
        rows.iter()
            .map(|r| {
                let id: ShiftId = parse_id(r, "id")?;
                let handover =
                    match (r.try_get::<Option<String>, _>("handover")?, &cipher) {
                        (Some(sealed), Some(cipher)) => {
                            let plain = open_bytes(
                                cipher,
                                "on_call_shifts",
                                "handover",
                                &id.to_string(),
                                &sealed,
                            )?;
                            Some(String::from_utf8(plain).map_err(|_| {
                                StoreError::Corrupt("on_call_shifts.handover".into())
                            })?)
                        }
                        (Some(_), None) => {
                            return Err(StoreError::Corrupt("desk key".into()));
                        }
                        (None, _) => None,
                    };
                Ok(Shift {
                    id,
                    user: parse_id(r, "user_id")?,
                    name: r.try_get("display_name")?,
                    starts_at: Timestamp(r.try_get("starts_at")?),
                    ends_at: Timestamp(r.try_get("ends_at")?),
                    handover,
                    written_by: r.try_get("writer")?,
                })
            })
            .collect()
    }
}
