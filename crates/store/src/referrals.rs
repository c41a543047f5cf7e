//! Needs and referrals. A need's note and an answer's note are sealed under the case's key;
//! statuses, urgencies and dates stay readable so queues, dashboards and expiry run without
//! opening a case. Every move of a referral is a compare-and-set on the status and version
//! it was read at, and leaves an entry in its history.

use mosaique_crypto::FieldCipher;
use mosaique_domain::audit::Outcome;
use mosaique_domain::case::{CaseRole, CategorySet, DataCategory, Party};
use mosaique_domain::inbox::NoticeKind;
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::case::{Case, CaseAction};
use mosaique_domain::policy::referral::{IntakeQueue, QueueAction, Referral, ReferralAction};
use mosaique_domain::referral::situation::ContactSafety;
use mosaique_domain::referral::{
    self, NeedStatus, NewNeed, NewReferral, Outcome as ReferralOutcome, ReferralEntry,
    ReferralEvent, ReferralStatus, ReferralStep, ReferredNeed, ServiceFacts, Urgency,
};
use mosaique_domain::{Bilingual, CaseId, NeedId, OrgId, ReferralId, ServiceId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::encode_hex;
use crate::cases::{open_bytes, parse_id, party, vocab};
use crate::inbox::Addressee;
use crate::permits::{require, user};
use crate::{Db, StoreError, Tx, now_ms};

/// Statuses in which a referral is out with the receiving organization and not ended.
const LIVE: &str = "'sent', 'received', 'accepted', 'in_progress'";

/// What a referral's access rule needs, readable without opening anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralFacts {
    pub id: ReferralId,
    pub case: CaseId,
    pub status: ReferralStatus,
    pub to: OrgId,
    pub urgency: Urgency,
    pub version: i64,
}

/// The service a referral would go to: what it is checked against, and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivingService {
    pub facts: ServiceFacts,
    pub name: Bilingual<String>,
}

/// A need's facts, readable without opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedFacts {
    pub category: DataCategory,
    pub status: NeedStatus,
    pub urgency: Urgency,
    pub version: i64,
}

/// The parties a live referral of the case went to (the case's facts).
pub(crate) async fn referred_parties(
    conn: &mut sqlx::AnyConnection,
    case: CaseId,
) -> Result<Vec<Party>, StoreError> {
    let sql = format!(
        "SELECT DISTINCT to_org_id FROM referrals WHERE case_id = $1 AND status IN ({LIVE})"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(case.to_string())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| party(Some(r.try_get("to_org_id")?)))
        .collect()
}

impl Db {
    pub async fn referral_facts(
        &self,
        id: ReferralId,
    ) -> Result<Option<ReferralFacts>, StoreError> {
        sqlx::query(
            "SELECT id, case_id, status, to_org_id, urgency, version FROM referrals WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .map(|r| {
            Ok(ReferralFacts {
                id: parse_id(&r, "id")?,
                case: parse_id(&r, "case_id")?,
                status: vocab(&r, "status")?,
                to: parse_id(&r, "to_org_id")?,
                urgency: vocab(&r, "urgency")?,
                version: r.try_get("version")?,
            })
        })
        .transpose()
    }

    /// The service a referral would go to, or `None` when there is no such service.
    pub async fn receiving_service(
        &self,
        id: ServiceId,
    ) -> Result<Option<ReceivingService>, StoreError> {
        sqlx::query(
            "SELECT org_id, status, capacity_unit, capacity_available, name_fr, name_en \
             FROM services WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .map(|r| {
            let status: String = r.try_get("status")?;
            let unit: Option<String> = r.try_get("capacity_unit")?;
            let available: Option<i64> = r.try_get("capacity_available")?;
            Ok(ReceivingService {
                facts: ServiceFacts {
                    organization: parse_id(&r, "org_id")?,
                    active: status == "active",
                    available: unit
                        .and(available)
                        .map(|a| u32::try_from(a.max(0)).unwrap_or(u32::MAX)),
                },
                name: Bilingual::new(r.try_get("name_fr")?, r.try_get("name_en")?),
            })
        })
        .transpose()
    }

    /// A need of `case`, or `None` when the case has no such need.
    pub async fn need_facts(
        &self,
        case: CaseId,
        need: NeedId,
    ) -> Result<Option<NeedFacts>, StoreError> {
        sqlx::query(
            "SELECT category, status, urgency, version FROM case_needs WHERE id = $1 AND case_id = $2",
        )
        .bind(need.to_string())
        .bind(case.to_string())
        .fetch_optional(self.pool())
        .await?
        .map(|r| {
            Ok(NeedFacts {
                category: vocab(&r, "category")?,
                status: vocab(&r, "status")?,
                urgency: vocab(&r, "urgency")?,
                version: r.try_get("version")?,
            })
        })
        .transpose()
    }

    /// Whether a live referral already takes `need` to `service`.
    pub async fn already_referred(
        &self,
        need: NeedId,
        service: ServiceId,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "SELECT 1 AS found FROM referral_needs n JOIN referrals r ON r.id = n.referral_id \
             WHERE n.need_id = $1 AND r.service_id = $2 AND r.status IN ('draft', {LIVE})"
        );
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(need.to_string())
            .bind(service.to_string())
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    /// Whether `user` is an active account of `org` that answers referrals (a caseworker).
    pub async fn answers_referrals_at(
        &self,
        user: mosaique_domain::UserId,
        org: OrgId,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "SELECT 1 AS found FROM users WHERE id = $1 AND org_id = $2 AND role = 'caseworker' \
             AND disabled_at IS NULL",
        )
        .bind(user.to_string())
        .bind(org.to_string())
        .fetch_optional(self.pool())
        .await?
        .is_some())
    }

    /// The referrals still waiting for an answer whose delay ran out by `now`.
    pub async fn referrals_overdue(&self, now: i64) -> Result<Vec<ReferralId>, StoreError> {
        sqlx::query(
            "SELECT id FROM referrals WHERE status IN ('sent', 'received') AND expires_at <= $1 \
             ORDER BY expires_at LIMIT 500",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| parse_id(r, "id"))
        .collect()
    }
}

fn seal_note(cipher: &FieldCipher, table: &'static str, id: &str, note: &str) -> String {
    encode_hex(&cipher.seal(note.as_bytes(), table, "note", id))
}

fn open_note(
    cipher: &FieldCipher,
    table: &'static str,
    id: &str,
    sealed: Option<String>,
) -> Result<Option<String>, StoreError> {
    sealed
        .map(|s| {
            let plain = open_bytes(cipher, table, "note", id, &s)?;
            String::from_utf8(plain).map_err(|_| StoreError::Corrupt(format!("{table}.note")))
        })
        .transpose()
}

/// The case's alias, sealed in `cases.alias` (the row's `id` is the referral's).
fn case_alias(cipher: &FieldCipher, case: CaseId, row: &AnyRow) -> Result<String, StoreError> {
    let sealed: String = row.try_get("alias")?;
    let plain = open_bytes(cipher, "cases", "alias", &case.to_string(), &sealed)?;
    serde_json::from_slice(&plain).map_err(|_| StoreError::Corrupt("cases.alias".into()))
}

/// Rows grouped by their `referral_id`, in their order.
fn by_referral(
    rows: &[AnyRow],
) -> Result<std::collections::HashMap<String, Vec<&AnyRow>>, StoreError> {
    let mut grouped: std::collections::HashMap<String, Vec<&AnyRow>> =
        std::collections::HashMap::new();
    for row in rows {
        grouped
            .entry(row.try_get("referral_id")?)
            .or_default()
            .push(row);
    }
    Ok(grouped)
}

/// Quoted ids for an `IN (…)` list: they were parsed as UUIDs, so they are safe in a query.
fn id_list<T: std::fmt::Display>(ids: impl IntoIterator<Item = T>) -> String {
    ids.into_iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

const REFERRAL_COLUMNS: &str = "r.id, r.case_id, r.service_id, r.service_name_fr, \
     r.service_name_en, r.to_org_id, o.name_fr AS to_name_fr, o.name_en AS to_name_en, \
     r.to_user_id, tu.display_name AS to_user_name, r.from_org_id, \
     s.display_name AS sender_name, r.status, r.urgency, r.decline_reason, r.outcome, \
     r.not_served_reason, r.expires_at, r.created_at, r.updated_at, r.version, \
     c.reference, c.alias \
     FROM referrals r JOIN organizations o ON o.id = r.to_org_id \
     JOIN users s ON s.id = r.created_by LEFT JOIN users tu ON tu.id = r.to_user_id \
     JOIN cases c ON c.id = r.case_id";

impl Tx {
    /// Records a need; the permit must be for writing the need's category.
    pub async fn add_need(
        &mut self,
        permit: &Permit<Case>,
        need: &NewNeed,
    ) -> Result<NeedId, StoreError> {
        require(permit, &[CaseAction::Write(need.category())])?;
        let author = user(permit)?.clone();
        let case = permit.resource().id;
        let id = NeedId::new();
        let cipher = self.case_cipher(case, false).await?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO case_needs (id, case_id, domain, category, urgency, status, note, \
             created_by, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1)",
        )
        .bind(id.to_string())
        .bind(case.to_string())
        .bind(need.domain.key())
        .bind(need.category().key())
        .bind(need.urgency.key())
        .bind(NeedStatus::Open.key())
        .bind(
            need.note
                .as_deref()
                .map(|n| seal_note(&cipher, "case_needs", &id.to_string(), n)),
        )
        .bind(author.user_id.to_string())
        .bind(now)
        .execute(self.conn())
        .await?;
        self.touch(permit, now).await?;
        Ok(id)
    }

    /// Sets a need's status (met, no longer needed, open again) from the version its writer
    /// saw; the permit must be for writing the need's category.
    pub async fn set_need_status(
        &mut self,
        permit: &Permit<Case>,
        need: NeedId,
        facts: NeedFacts,
        status: NeedStatus,
    ) -> Result<(), StoreError> {
        require(permit, &[CaseAction::Write(facts.category)])?;
        let now = now_ms();
        let written = sqlx::query(
            "UPDATE case_needs SET status = $4, updated_at = $5, version = version + 1 \
             WHERE id = $1 AND case_id = $2 AND version = $3",
        )
        .bind(need.to_string())
        .bind(permit.resource().id.to_string())
        .bind(facts.version)
        .bind(status.key())
        .bind(now)
        .execute(self.conn())
        .await?
        .rows_affected();
        if written == 0 {
            return Err(StoreError::Stale);
        }
        self.touch(permit, now).await
    }

    /// The needs of the categories in `disclosed`, open and most urgent first, each with
    /// the live referral answering it (read with the case file).
    pub(crate) async fn needs(
        &mut self,
        case: CaseId,
        cipher: &FieldCipher,
        disclosed: CategorySet,
    ) -> Result<Vec<referral::Need>, StoreError> {
        if disclosed.is_empty() {
            return Ok(Vec::new());
        }
        let list = crate::cases::category_list(disclosed);
        let sql = format!(
            "SELECT id, domain, urgency, status, note, created_at, version FROM case_needs \
             WHERE case_id = $1 AND category IN ({list}) ORDER BY created_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case.to_string())
            .fetch_all(self.conn())
            .await?;
        let answering = format!(
            "SELECT n.need_id, r.status, r.service_name_fr, r.service_name_en \
             FROM referral_needs n JOIN referrals r ON r.id = n.referral_id \
             WHERE n.case_id = $1 AND r.status IN ({LIVE}) ORDER BY r.created_at"
        );
        let mut answered = std::collections::HashMap::new();
        for r in sqlx::query(sqlx::AssertSqlSafe(answering))
            .bind(case.to_string())
            .fetch_all(self.conn())
            .await?
        {
            let need: NeedId = parse_id(&r, "need_id")?;
            let status: ReferralStatus = vocab(&r, "status")?;
            let name = Bilingual::new(r.try_get("service_name_fr")?, r.try_get("service_name_en")?);
            answered.insert(need, (status, name));
        }
        let mut needs = rows
            .iter()
            .map(|r| {
                let id: NeedId = parse_id(r, "id")?;
                Ok(referral::Need {
                    id,
                    domain: vocab(r, "domain")?,
                    urgency: vocab(r, "urgency")?,
                    status: vocab(r, "status")?,
                    note: open_note(cipher, "case_needs", &id.to_string(), r.try_get("note")?)?,
                    answered_by: answered.remove(&id),
                    created_at: Timestamp(r.try_get("created_at")?),
                    version: r.try_get("version")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        needs.sort_by_key(|n| (n.status != NeedStatus::Open, n.urgency));
        Ok(needs)
    }

    /// The referrals of a case the reader may know of, newest first, with their histories
    /// (read with the case file): those whose needs are all of categories in `disclosed`,
    /// and those sent to the reader's own organization.
    pub(crate) async fn referrals_of_case(
        &mut self,
        case: CaseId,
        disclosed: CategorySet,
        reader: Option<OrgId>,
    ) -> Result<Vec<referral::Referral>, StoreError> {
        let hidden = if disclosed.is_empty() {
            "1 = 1".to_owned()
        } else {
            let list = crate::cases::category_list(disclosed);
            format!("k.category NOT IN ({list})")
        };
        let sql = format!(
            "SELECT {REFERRAL_COLUMNS} WHERE r.case_id = $1 AND (r.to_org_id = $2 OR NOT EXISTS \
             (SELECT 1 FROM referral_needs n JOIN case_needs k ON k.id = n.need_id \
             WHERE n.referral_id = r.id AND {hidden})) ORDER BY r.created_at DESC, r.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case.to_string())
            .bind(reader.map(|o| o.to_string()))
            .fetch_all(self.conn())
            .await?;
        self.referral_views(&rows, |_| disclosed, true).await
    }

    /// Writes a referral of the case's needs to `service`, as a draft or sent at once. The
    /// caller has checked the needs (the case's, open, not already referred there), the
    /// service and the consent.
    pub async fn refer(
        &mut self,
        permit: &Permit<Case>,
        new: &NewReferral,
        service: &ReceivingService,
        urgency: Urgency,
    ) -> Result<ReferralId, StoreError> {
        require(permit, &[CaseAction::Refer])?;
        let sender = user(permit)?.clone();
        let case = permit.resource().id;
        let id = ReferralId::new();
        let now = now_ms();
        let status = if new.send {
            ReferralStatus::Sent
        } else {
            ReferralStatus::Draft
        };
        let expires_at = new.send.then(|| now + urgency.answer_within_ms());
        sqlx::query(
            "INSERT INTO referrals (id, case_id, service_id, service_name_fr, service_name_en, \
             to_org_id, to_user_id, from_org_id, created_by, status, urgency, expires_at, \
             created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1)",
        )
        .bind(id.to_string())
        .bind(case.to_string())
        .bind(new.service.to_string())
        .bind(service.name.fr.clone())
        .bind(service.name.en.clone())
        .bind(service.facts.organization.to_string())
        .bind(new.to_user.map(|u| u.to_string()))
        .bind(sender.org_id.map(|o| o.to_string()))
        .bind(sender.user_id.to_string())
        .bind(status.key())
        .bind(urgency.key())
        .bind(expires_at)
        .bind(now)
        .execute(self.conn())
        .await?;
        for need in &new.needs {
            sqlx::query(
                "INSERT INTO referral_needs (referral_id, need_id, case_id) VALUES ($1, $2, $3)",
            )
            .bind(id.to_string())
            .bind(need.to_string())
            .bind(case.to_string())
            .execute(self.conn())
            .await?;
        }
        let cipher = self.case_cipher(case, false).await?;
        self.referral_event(
            &cipher,
            case,
            id,
            None,
            status,
            None,
            None,
            Some(sender.user_id),
            now,
        )
        .await?;
        if new.send {
            let to = match new.to_user {
                Some(user) => Addressee::User(user),
                None => Addressee::Organization(service.facts.organization),
            };
            self.notify(to, NoticeKind::ReferralReceived, id, case)
                .await?;
        }
        self.audit(&permit.audit_event(Outcome::Success).because(status.key()))
            .await?;
        Ok(id)
    }

    /// Writes a move the lifecycle allowed, if the referral is still at the version and
    /// status it was read at; accepting puts the one who accepts on the case's team, and a
    /// completion with the person served meets the needs it answered.
    pub async fn step_referral(
        &mut self,
        permit: &Permit<Referral>,
        version: i64,
        step: ReferralStep,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        let resource = permit.resource();
        require(permit, &[ReferralAction::Move(step.event().side())])?;
        let by = permit.actor().map(|a| a.user_id);
        let case = resource.case.id;
        let now = now_ms();
        let (decline, outcome, reason) = match step.event() {
            ReferralEvent::Decline(reason) => (Some(reason.key()), None, Some(reason.key())),
            ReferralEvent::Complete(outcome) => {
                let not_served = outcome.reason().map(|r| r.key());
                (
                    None,
                    Some(outcome.key()),
                    not_served.or(Some(outcome.key())),
                )
            }
            _ => (None, None, None),
        };
        let row =
            sqlx::query("SELECT urgency, to_user_id, created_by FROM referrals WHERE id = $1")
                .bind(resource.id.to_string())
                .fetch_one(self.conn())
                .await?;
        let urgency: Urgency = vocab(&row, "urgency")?;
        let to_user: Option<String> = row.try_get("to_user_id")?;
        let sender: mosaique_domain::UserId = parse_id(&row, "created_by")?;
        let expires_at =
            (step.to() == ReferralStatus::Sent).then(|| now + urgency.answer_within_ms());
        let written = sqlx::query(
            "UPDATE referrals SET status = $4, decline_reason = COALESCE($5, decline_reason), \
             outcome = COALESCE($6, outcome), not_served_reason = COALESCE($7, not_served_reason), \
             expires_at = COALESCE($8, expires_at), updated_at = $9, version = version + 1 \
             WHERE id = $1 AND version = $2 AND status = $3",
        )
        .bind(resource.id.to_string())
        .bind(version)
        .bind(step.from().key())
        .bind(step.to().key())
        .bind(decline)
        .bind(outcome)
        .bind(match step.event() {
            ReferralEvent::Complete(o) => o.reason().map(|r| r.key()),
            _ => None,
        })
        .bind(expires_at)
        .bind(now)
        .execute(self.conn())
        .await?
        .rows_affected();
        if written == 0 {
            return Err(StoreError::Stale);
        }
        if step.to() == ReferralStatus::Accepted
            && let Some(accepting) = permit.actor()
        {
            sqlx::query(
                "INSERT INTO case_members (case_id, user_id, org_id, role, added_by, added_at) \
                 SELECT $1, $2, $3, $4, $2, $5 WHERE NOT EXISTS \
                 (SELECT 1 FROM case_members WHERE case_id = $1 AND user_id = $2)",
            )
            .bind(case.to_string())
            .bind(accepting.user_id.to_string())
            .bind(resource.to.to_string())
            .bind(CaseRole::TeamMember.key())
            .bind(now)
            .execute(self.conn())
            .await?;
        }
        if matches!(
            step.event(),
            ReferralEvent::Complete(ReferralOutcome::Served)
        ) {
            sqlx::query(
                "UPDATE case_needs SET status = 'met', updated_at = $2, version = version + 1 \
                 WHERE status = 'open' AND id IN \
                 (SELECT need_id FROM referral_needs WHERE referral_id = $1)",
            )
            .bind(resource.id.to_string())
            .bind(now)
            .execute(self.conn())
            .await?;
        }
        let cipher = self.case_cipher(case, false).await?;
        self.referral_event(
            &cipher,
            case,
            resource.id,
            Some(step.from()),
            step.to(),
            reason,
            note,
            by,
            now,
        )
        .await?;
        // Who learns that something waits: the receiver of a referral sent, the sender of one
        // answered.
        let notice = match step.to() {
            ReferralStatus::Sent => Some((
                match to_user.map(|u| u.parse()) {
                    Some(Ok(user)) => Addressee::User(user),
                    _ => Addressee::Organization(resource.to),
                },
                NoticeKind::ReferralReceived,
            )),
            ReferralStatus::Accepted
            | ReferralStatus::Declined
            | ReferralStatus::Expired
            | ReferralStatus::Completed => {
                Some((Addressee::User(sender), NoticeKind::ReferralAnswered))
            }
            _ => None,
        };
        if let Some((to, kind)) = notice {
            self.notify(to, kind, resource.id, case).await?;
        }
        self.audit(
            &permit
                .audit_event(Outcome::Success)
                .because(step.event().key()),
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn referral_event(
        &mut self,
        cipher: &FieldCipher,
        case: CaseId,
        referral: ReferralId,
        from: Option<ReferralStatus>,
        to: ReferralStatus,
        reason: Option<&str>,
        note: Option<&str>,
        by: Option<mosaique_domain::UserId>,
        at: i64,
    ) -> Result<(), StoreError> {
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO referral_events (id, referral_id, case_id, from_status, to_status, \
             reason, note, by_user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.clone())
        .bind(referral.to_string())
        .bind(case.to_string())
        .bind(from.map(|s| s.key()))
        .bind(to.key())
        .bind(reason)
        .bind(note.map(|n| seal_note(cipher, "referral_events", &id, n)))
        .bind(by.map(|u| u.to_string()))
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// One referral, as the permit's holder may see it: the notes of its needs only in the
    /// categories the case discloses to them. Audited.
    pub async fn referral(
        &mut self,
        permit: &Permit<Referral>,
    ) -> Result<referral::Referral, StoreError> {
        require(permit, &[ReferralAction::View])?;
        let resource = permit.resource();
        let disclosed = resource
            .case
            .disclosure(permit.who())
            .map_or(CategorySet::EMPTY, |d| d.categories);
        let sql = format!("SELECT {REFERRAL_COLUMNS} WHERE r.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(resource.id.to_string())
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::Stale)?;
        let mut found = self.referral_views(&[row], |_| disclosed, true).await?;
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        found.pop().ok_or(StoreError::Stale)
    }

    /// An organization's intake queue: the referrals sent to its services that are still
    /// open, most urgent and oldest first, then those answered in the last 30 days. Needs'
    /// notes are not shown here (open the referral). Audited.
    pub async fn intake_queue(
        &mut self,
        permit: &Permit<IntakeQueue>,
    ) -> Result<Vec<referral::Referral>, StoreError> {
        require(permit, &[QueueAction::List])?;
        let since = now_ms() - 30 * 86_400_000;
        let sql = format!(
            "SELECT {REFERRAL_COLUMNS} WHERE r.to_org_id = $1 AND r.status <> 'draft' \
             AND (r.status IN ({LIVE}) OR r.updated_at >= $2) \
             ORDER BY CASE WHEN r.status IN ({LIVE}) THEN 0 ELSE 1 END, \
             CASE r.urgency WHEN 'now' THEN 0 WHEN 'within_24h' THEN 1 WHEN 'this_week' THEN 2 \
             ELSE 3 END, r.created_at, r.id LIMIT 500"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(permit.resource().org.to_string())
            .bind(since)
            .fetch_all(self.conn())
            .await?;
        let found = self
            .referral_views(&rows, |_| CategorySet::EMPTY, false)
            .await?;
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(found)
    }

    /// Builds referrals from their rows: their needs (notes opened in the categories
    /// `disclosed` gives for the case) and, when asked, their histories.
    async fn referral_views(
        &mut self,
        rows: &[AnyRow],
        disclosed: impl Fn(CaseId) -> CategorySet,
        with_history: bool,
    ) -> Result<Vec<referral::Referral>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<ReferralId> = rows
            .iter()
            .map(|r| parse_id(r, "id"))
            .collect::<Result<_, _>>()?;
        let list = id_list(&ids);
        let needs_sql = format!(
            "SELECT n.referral_id, k.id, k.domain, k.urgency, k.category, k.note \
             FROM referral_needs n JOIN case_needs k ON k.id = n.need_id \
             WHERE n.referral_id IN ({list}) ORDER BY k.created_at, k.id"
        );
        let need_rows = sqlx::query(sqlx::AssertSqlSafe(needs_sql))
            .fetch_all(self.conn())
            .await?;
        let history_rows = if with_history {
            let sql = format!(
                "SELECT e.id, e.referral_id, e.from_status, e.to_status, e.reason, e.note, e.at, \
                 u.display_name FROM referral_events e LEFT JOIN users u ON u.id = e.by_user_id \
                 WHERE e.referral_id IN ({list}) ORDER BY e.at, e.id"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(self.conn())
                .await?
        } else {
            Vec::new()
        };
        let needs_of = by_referral(&need_rows)?;
        let history_of = by_referral(&history_rows)?;
        let mut ciphers = std::collections::HashMap::new();
        let mut safety: std::collections::HashMap<CaseId, ContactSafety> =
            std::collections::HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: ReferralId = parse_id(row, "id")?;
            let case: CaseId = parse_id(row, "case_id")?;
            if let std::collections::hash_map::Entry::Vacant(slot) = ciphers.entry(case) {
                slot.insert(self.case_cipher(case, false).await?);
            }
            let cipher = &ciphers[&case];
            let opened = disclosed(case);
            // Read once per case: a case's referrals share it.
            let contact_safety = match safety.get(&case) {
                Some(known) => ContactSafety::clone(known),
                None => {
                    let (_, found) = self.situation(case, cipher, CategorySet::EMPTY).await?;
                    safety.insert(case, found.clone());
                    found
                }
            };
            let rid = id.to_string();
            let mut needs = Vec::new();
            for n in needs_of.get(rid.as_str()).into_iter().flatten() {
                let need: NeedId = parse_id(n, "id")?;
                let category: DataCategory = vocab(n, "category")?;
                needs.push(ReferredNeed {
                    id: need,
                    domain: vocab(n, "domain")?,
                    urgency: vocab(n, "urgency")?,
                    note: if opened.contains(category) {
                        open_note(cipher, "case_needs", &need.to_string(), n.try_get("note")?)?
                    } else {
                        None
                    },
                });
            }
            let mut history = Vec::new();
            for e in history_of.get(rid.as_str()).into_iter().flatten() {
                let event_id: String = e.try_get("id")?;
                history.push(ReferralEntry {
                    at: Timestamp(e.try_get("at")?),
                    by_name: e.try_get("display_name")?,
                    from: e
                        .try_get::<Option<String>, _>("from_status")?
                        .map(|s| s.parse())
                        .transpose()
                        .map_err(|_| StoreError::Corrupt("referral_events.from_status".into()))?,
                    to: vocab(e, "to_status")?,
                    reason: e.try_get("reason")?,
                    note: open_note(cipher, "referral_events", &event_id, e.try_get("note")?)?,
                });
            }
            let outcome: Option<String> = row.try_get("outcome")?;
            let not_served: Option<String> = row.try_get("not_served_reason")?;
            let to_user = match row.try_get::<Option<String>, _>("to_user_id")? {
                Some(u) => Some((
                    u.parse()
                        .map_err(|_| StoreError::Corrupt("referrals.to_user_id".into()))?,
                    row.try_get::<Option<String>, _>("to_user_name")?
                        .unwrap_or_default(),
                )),
                None => None,
            };
            out.push(referral::Referral {
                id,
                case,
                case_reference: row.try_get("reference")?,
                case_alias: case_alias(cipher, case, row)?,
                service: parse_id(row, "service_id")?,
                service_name: Bilingual::new(
                    row.try_get("service_name_fr")?,
                    row.try_get("service_name_en")?,
                ),
                to_org: parse_id(row, "to_org_id")?,
                to_org_name: Bilingual::new(row.try_get("to_name_fr")?, row.try_get("to_name_en")?),
                to_user,
                from: party(row.try_get("from_org_id")?)?,
                sent_by_name: row.try_get("sender_name")?,
                status: vocab(row, "status")?,
                urgency: vocab(row, "urgency")?,
                needs,
                contact_safety,
                decline_reason: row
                    .try_get::<Option<String>, _>("decline_reason")?
                    .and_then(|r| r.parse().ok()),
                outcome: outcome
                    .as_deref()
                    .and_then(|o| ReferralOutcome::from_keys(o, not_served.as_deref())),
                expires_at: row.try_get::<Option<i64>, _>("expires_at")?.map(Timestamp),
                created_at: Timestamp(row.try_get("created_at")?),
                updated_at: Timestamp(row.try_get("updated_at")?),
                version: row.try_get("version")?,
                history,
            });
        }
        Ok(out)
    }
}
