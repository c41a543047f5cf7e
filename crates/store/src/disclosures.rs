//! Access to a case without the person's consent: legal bases a privacy officer records,
//! emergency access (requested, decided by a second person, or opened for an hour on an
//! imminent danger), and the register of every read they opened.

use mosaique_domain::audit::Outcome;
use mosaique_domain::case::disclosure::{APPROVED_ACCESS_MS, IMMINENT_ACCESS_MS, decide};
use mosaique_domain::case::{
    CategorySet, DisclosureEntry, EmergencyAccess, EmergencyDecision, EmergencyStatus,
    ExceptionalAccess, ExceptionalKind, LegalBasis, NewEmergencyRequest, NewLegalBasis, Party,
    PrivacyDeskView,
};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::case::{
    Case, CaseAction, EmergencyAction, EmergencyRequest, PrivacyAction, PrivacyDesk,
};
use mosaique_domain::{Bilingual, CaseId, EmergencyId, LegalBasisId, Timestamp, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::encode_hex;
use crate::cases::{open_bytes, parse_categories, parse_id, vocab};
use crate::permits::{require, user};
use crate::{Db, StoreError, Tx, now_ms};

/// How many rows of the register and of the legal bases the desk shows.
const DESK_ROWS: i64 = 200;

/// The live legal bases and open emergency accesses of a case, for its policy facts.
pub(crate) async fn live_grants(
    conn: &mut sqlx::AnyConnection,
    id: CaseId,
) -> Result<(Vec<LegalBasis>, Vec<EmergencyAccess>), StoreError> {
    let now = now_ms();
    let legal = sqlx::query(
        "SELECT ground, recipient_org_id, categories, recorded_at, expires_at \
         FROM case_legal_bases WHERE case_id = $1 AND expires_at > $2",
    )
    .bind(id.to_string())
    .bind(now)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(LegalBasis {
            ground: vocab(r, "ground")?,
            recipient: Party::Organization(parse_id(r, "recipient_org_id")?),
            categories: parse_categories(&r.try_get::<String, _>("categories")?)?,
            recorded_at: Timestamp(r.try_get("recorded_at")?),
            expires_at: Timestamp(r.try_get("expires_at")?),
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let emergency = sqlx::query(
        "SELECT user_id, categories, opens_at, closes_at FROM case_emergency_access \
         WHERE case_id = $1 AND opens_at IS NOT NULL AND closes_at > $2",
    )
    .bind(id.to_string())
    .bind(now)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(EmergencyAccess {
            user: parse_id(r, "user_id")?,
            categories: parse_categories(&r.try_get::<String, _>("categories")?)?,
            opens_at: Timestamp(r.try_get("opens_at")?),
            closes_at: Timestamp(r.try_get("closes_at")?),
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((legal, emergency))
}

/// Who asked and where a request stands: what deciding on it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyFacts {
    pub case: CaseId,
    pub requested_by: UserId,
    pub status: EmergencyStatus,
}

impl Db {
    pub async fn emergency_facts(
        &self,
        id: EmergencyId,
    ) -> Result<Option<EmergencyFacts>, StoreError> {
        let row =
            sqlx::query("SELECT case_id, user_id, status FROM case_emergency_access WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?;
        row.map(|r| {
            Ok(EmergencyFacts {
                case: parse_id(&r, "case_id")?,
                requested_by: parse_id(&r, "user_id")?,
                status: vocab(&r, "status")?,
            })
        })
        .transpose()
    }

    /// The case a human reference names.
    pub async fn case_by_reference(&self, reference: &str) -> Result<Option<CaseId>, StoreError> {
        let row = sqlx::query("SELECT id FROM cases WHERE reference = $1")
            .bind(reference.trim().to_owned())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| parse_id(&r, "id")).transpose()
    }
}

impl Tx {
    /// Records a legal basis, already validated by the domain.
    pub async fn record_legal_basis(
        &mut self,
        permit: &Permit<Case>,
        new: &NewLegalBasis,
    ) -> Result<LegalBasisId, StoreError> {
        require(permit, &[CaseAction::RecordLegalBasis])?;
        let by = user(permit)?.user_id;
        let id = LegalBasisId::new();
        sqlx::query(
            "INSERT INTO case_legal_bases (id, case_id, ground, reference, recipient_org_id, \
             categories, recorded_by, recorded_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.to_string())
        .bind(permit.resource().id.to_string())
        .bind(new.ground.key())
        .bind(new.reference.trim().to_owned())
        .bind(new.recipient.to_string())
        .bind(new.categories.keys().join(" "))
        .bind(by.to_string())
        .bind(now_ms())
        .bind(new.expires_at.0)
        .execute(self.conn())
        .await?;
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(id)
    }

    /// Records a request for emergency access by the permit's holder; on an imminent danger,
    /// access opens now for an hour.
    pub async fn request_emergency(
        &mut self,
        permit: &Permit<Case>,
        new: &NewEmergencyRequest,
    ) -> Result<EmergencyId, StoreError> {
        require(permit, &[CaseAction::RequestEmergencyAccess])?;
        let by = user(permit)?.user_id;
        let case = permit.resource().id;
        let id = EmergencyId::new();
        let now = now_ms();
        let cipher = self.case_cipher(case, false).await?;
        let reason = encode_hex(&cipher.seal(
            new.reason.trim().as_bytes(),
            "case_emergency_access",
            "reason",
            &id.to_string(),
        ));
        let (status, opens, closes) = if new.imminent {
            (
                EmergencyStatus::Imminent,
                Some(now),
                Some(now + IMMINENT_ACCESS_MS),
            )
        } else {
            (EmergencyStatus::Requested, None, None)
        };
        sqlx::query(
            "INSERT INTO case_emergency_access (id, case_id, user_id, reason, categories, imminent, \
             status, requested_at, opens_at, closes_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.to_string())
        .bind(case.to_string())
        .bind(by.to_string())
        .bind(reason)
        .bind(new.categories.keys().join(" "))
        .bind(i64::from(new.imminent))
        .bind(status.key())
        .bind(now)
        .bind(opens)
        .bind(closes)
        .execute(self.conn())
        .await?;
        let mut event = permit.audit_event(Outcome::Success);
        if new.imminent {
            event = event.because("imminent_danger");
        }
        self.audit(&event).await?;
        Ok(id)
    }

    /// Approves, refuses or reviews a request, from the status it was read at.
    pub async fn decide_emergency(
        &mut self,
        permit: &Permit<EmergencyRequest>,
        id: EmergencyId,
        from: EmergencyStatus,
        decision: EmergencyDecision,
    ) -> Result<EmergencyStatus, StoreError> {
        require(permit, &[EmergencyAction::Decide])?;
        let Some(to) = decide(from, decision) else {
            return Err(StoreError::Stale);
        };
        let by = user(permit)?.user_id;
        let now = now_ms();
        let (opens, closes) = match to {
            EmergencyStatus::Approved => (Some(now), Some(now + APPROVED_ACCESS_MS)),
            _ => (None, None),
        };
        let changed = sqlx::query(
            "UPDATE case_emergency_access SET status = $3, decided_by = $4, decided_at = $5, \
             opens_at = COALESCE($6, opens_at), closes_at = COALESCE($7, closes_at) \
             WHERE id = $1 AND status = $2",
        )
        .bind(id.to_string())
        .bind(from.key())
        .bind(to.key())
        .bind(by.to_string())
        .bind(now)
        .bind(opens)
        .bind(closes)
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        self.audit(&permit.audit_event(Outcome::Success).because(to.key()))
            .await?;
        Ok(to)
    }

    /// Writes a read that opened categories without consent to the register.
    pub(crate) async fn register_disclosure(
        &mut self,
        permit: &Permit<Case>,
        reference: &str,
        categories: CategorySet,
    ) -> Result<(), StoreError> {
        let reader = user(permit)?.clone();
        let access = &permit.resource().access;
        let now = Timestamp(now_ms());
        let mut grounds = Vec::new();
        if access
            .emergency
            .iter()
            .any(|g| g.user == reader.user_id && g.is_live(now))
        {
            grounds.push("emergency_access");
        }
        if access
            .legal_bases
            .iter()
            .any(|b| b.recipient == Party::of(reader.org_id) && b.is_live(now))
        {
            grounds.push("legal_basis");
        }
        sqlx::query(
            "INSERT INTO disclosures (id, case_id, case_reference, user_id, org_id, categories, \
             grounds, disclosed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(permit.resource().id.to_string())
        .bind(reference.to_owned())
        .bind(reader.user_id.to_string())
        .bind(reader.org_id.map(|o| o.to_string()))
        .bind(categories.keys().join(" "))
        .bind(grounds.join(" "))
        .bind(now.0)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The accesses without consent of one case (for its lead), newest first.
    pub(crate) async fn exceptional_accesses(
        &mut self,
        case: CaseId,
    ) -> Result<Vec<ExceptionalAccess>, StoreError> {
        let mut accesses = self.legal_basis_rows(Some(case)).await?;
        accesses.extend(self.emergency_rows(Some(case)).await?);
        accesses.sort_by_key(|a| std::cmp::Reverse(a.at));
        Ok(accesses)
    }

    /// The register's entries about one case, for the person's access request.
    pub async fn case_disclosures(
        &mut self,
        permit: &Permit<Case>,
    ) -> Result<Vec<DisclosureEntry>, StoreError> {
        require(permit, &[CaseAction::ExportForPerson])?;
        let rows = sqlx::query(
            "SELECT d.case_reference, d.categories, d.grounds, d.disclosed_at, u.display_name, \
             o.name_fr, o.name_en FROM disclosures d JOIN users u ON u.id = d.user_id \
             LEFT JOIN organizations o ON o.id = d.org_id WHERE d.case_id = $1 \
             ORDER BY d.disclosed_at DESC, d.id DESC",
        )
        .bind(permit.resource().id.to_string())
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(disclosure_entry).collect()
    }

    /// The privacy officer's desk. Audited: it shows the reasons given.
    pub async fn privacy_desk(
        &mut self,
        permit: &Permit<PrivacyDesk>,
    ) -> Result<PrivacyDeskView, StoreError> {
        require(permit, &[PrivacyAction::View])?;
        let waiting = self.emergency_rows(None).await?;
        let legal_bases = self.legal_basis_rows(None).await?;
        let register = sqlx::query(
            "SELECT d.case_reference, d.categories, d.grounds, d.disclosed_at, u.display_name, \
             o.name_fr, o.name_en FROM disclosures d JOIN users u ON u.id = d.user_id \
             LEFT JOIN organizations o ON o.id = d.org_id \
             ORDER BY d.disclosed_at DESC, d.id DESC LIMIT $1",
        )
        .bind(DESK_ROWS)
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(disclosure_entry)
        .collect::<Result<Vec<_>, StoreError>>()?;
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(PrivacyDeskView {
            waiting,
            legal_bases,
            register,
        })
    }

    /// The legal bases of one case, or of every case; newest first.
    async fn legal_basis_rows(
        &mut self,
        case: Option<CaseId>,
    ) -> Result<Vec<ExceptionalAccess>, StoreError> {
        let filter = if case.is_some() {
            "WHERE b.case_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT b.id, b.case_id, c.reference, b.ground, b.reference AS basis, b.categories, \
             b.recorded_at, b.expires_at, o.name_fr, o.name_en FROM case_legal_bases b \
             JOIN cases c ON c.id = b.case_id JOIN organizations o ON o.id = b.recipient_org_id \
             {filter} ORDER BY b.recorded_at DESC LIMIT {DESK_ROWS}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(case) = case {
            query = query.bind(case.to_string());
        }
        query
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(|r| {
                Ok(ExceptionalAccess {
                    id: r.try_get("id")?,
                    kind: ExceptionalKind::LegalBasis(vocab(r, "ground")?),
                    case: parse_id(r, "case_id")?,
                    case_reference: r.try_get("reference")?,
                    holder: Bilingual::new(r.try_get("name_fr")?, r.try_get("name_en")?),
                    categories: parse_categories(&r.try_get::<String, _>("categories")?)?,
                    reason: r.try_get("basis")?,
                    at: Timestamp(r.try_get("recorded_at")?),
                    until: Some(Timestamp(r.try_get("expires_at")?)),
                })
            })
            .collect()
    }

    /// The emergency requests of one case, or those of every case that wait for a privacy
    /// officer; newest first, their reasons opened with each case's key.
    async fn emergency_rows(
        &mut self,
        case: Option<CaseId>,
    ) -> Result<Vec<ExceptionalAccess>, StoreError> {
        let filter = if case.is_some() {
            "WHERE e.case_id = $1"
        } else {
            "WHERE e.status IN ('requested', 'imminent')"
        };
        let sql = format!(
            "SELECT e.id, e.case_id, c.reference, e.reason, e.categories, e.imminent, e.status, \
             e.requested_at, e.closes_at, u.display_name FROM case_emergency_access e \
             JOIN cases c ON c.id = e.case_id JOIN users u ON u.id = e.user_id \
             {filter} ORDER BY e.requested_at DESC LIMIT {DESK_ROWS}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(case) = case {
            query = query.bind(case.to_string());
        }
        let rows = query.fetch_all(self.conn()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.emergency_row(r).await?);
        }
        Ok(out)
    }

    async fn emergency_row(&mut self, r: &AnyRow) -> Result<ExceptionalAccess, StoreError> {
        let id: String = r.try_get("id")?;
        let case: CaseId = parse_id(r, "case_id")?;
        let cipher = self.case_cipher(case, false).await?;
        let sealed: String = r.try_get("reason")?;
        let reason = open_bytes(&cipher, "case_emergency_access", "reason", &id, &sealed)?;
        Ok(ExceptionalAccess {
            kind: ExceptionalKind::Emergency {
                status: vocab(r, "status")?,
                imminent: r.try_get::<i64, _>("imminent")? != 0,
            },
            case,
            case_reference: r.try_get("reference")?,
            holder: Bilingual::both(r.try_get("display_name")?),
            categories: parse_categories(&r.try_get::<String, _>("categories")?)?,
            reason: String::from_utf8(reason)
                .map_err(|_| StoreError::Corrupt("emergency reason".into()))?,
            at: Timestamp(r.try_get("requested_at")?),
            until: r.try_get::<Option<i64>, _>("closes_at")?.map(Timestamp),
            id,
        })
    }
}

/// One row of the register, as read.
fn disclosure_entry(r: &AnyRow) -> Result<DisclosureEntry, StoreError> {
    Ok(DisclosureEntry {
        at: Timestamp(r.try_get("disclosed_at")?),
        case_reference: r.try_get("case_reference")?,
        user_name: r.try_get("display_name")?,
        organization: match (
            r.try_get::<Option<String>, _>("name_fr")?,
            r.try_get::<Option<String>, _>("name_en")?,
        ) {
            (Some(fr), Some(en)) => Some(Bilingual::new(fr, en)),
            _ => None,
        },
        categories: parse_categories(&r.try_get::<String, _>("categories")?)?,
        grounds: r
            .try_get::<String, _>("grounds")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use mosaique_domain::case::{DataCategory, LegalGround};
    use mosaique_domain::policy::case::CaseListAction;
    use mosaique_domain::policy::case::CasesOf;
    use mosaique_domain::{Role, Sector, User};

    use super::*;
    use crate::db_test;
    use crate::testing::{
        case_permit, open_case, permit, sample_case, signed_in, test_org, test_user,
    };

    async fn read(db: &Db, who: &User, id: CaseId) -> mosaique_domain::case::CaseFile {
        let view = case_permit(db, &signed_in(who), CaseAction::View, id).await;
        let mut tx = db.begin().await.unwrap();
        let file = tx.case_file(&view).await.unwrap();
        tx.commit().await.unwrap();
        file
    }

    async fn desk(db: &Db, officer: &User) -> PrivacyDeskView {
        let p = permit(&signed_in(officer), PrivacyAction::View, PrivacyDesk);
        let mut tx = db.begin().await.unwrap();
        let view = tx.privacy_desk(&p).await.unwrap();
        tx.commit().await.unwrap();
        view
    }

    db_test!(
        a_legal_basis_opens_to_police_and_every_read_is_registered,
        |db| {
            let (community, police_org) = (
                test_org(&db, Some(Sector::Community)).await,
                test_org(&db, Some(Sector::Police)).await,
            );
            let lead = test_user(&db, Role::Caseworker, Some(community)).await;
            let officer = test_user(&db, Role::PoliceLiaison, Some(police_org)).await;
            let privacy = test_user(&db, Role::PrivacyOfficer, None).await;
            let id = open_case(&db, &lead, &sample_case("Alias-L", "Nom-L")).await;
            let resource = crate::testing::case_resource(&db, &signed_in(&officer), id).await;
            assert!(
                resource.disclosure(&signed_in(&officer)).is_none(),
                "nothing before"
            );

            let record =
                case_permit(&db, &signed_in(&privacy), CaseAction::RecordLegalBasis, id).await;
            let basis = NewLegalBasis {
                ground: LegalGround::Warrant,
                reference: "500-01-000001-261".into(),
                recipient: police_org,
                categories: [DataCategory::Identity].into_iter().collect(),
                expires_at: Timestamp(now_ms() + 86_400_000),
            };
            let mut tx = db.begin().await.unwrap();
            tx.record_legal_basis(&record, &basis).await.unwrap();
            tx.commit().await.unwrap();

            // Police find it in their list, read its identity only, and the read is registered.
            let list = permit(
                &signed_in(&officer),
                CaseListAction::List,
                CasesOf { user: officer.id },
            );
            let mut tx = db.begin().await.unwrap();
            let cases = tx.cases_of(&list).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(cases.len(), 1);
            assert_eq!(cases[0].role, None);
            let file = read(&db, &officer, id).await;
            assert_eq!(file.disclosed.keys(), ["identity"]);
            assert_eq!(file.identity.unwrap().name.as_deref(), Some("Nom-L"));
            assert!(file.exceptional.is_empty(), "the history is the lead's");
            let view = desk(&db, &privacy).await;
            assert_eq!(view.register.len(), 1);
            assert_eq!(view.register[0].grounds, ["legal_basis"]);
            assert_eq!(view.register[0].categories.keys(), ["identity"]);
            assert_eq!(view.legal_bases.len(), 1);
            // The lead sees that it happened; their own reads are not disclosures.
            let file = read(&db, &lead, id).await;
            assert_eq!(file.exceptional.len(), 1);
            assert_eq!(desk(&db, &privacy).await.register.len(), 1);
        }
    );

    db_test!(
        emergency_access_is_decided_by_a_second_person_or_opens_for_an_hour,
        |db| {
            let org = test_org(&db, None).await;
            let lead = test_user(&db, Role::Caseworker, Some(org)).await;
            let stranger = test_user(&db, Role::Coordinator, None).await;
            let privacy = test_user(&db, Role::PrivacyOfficer, None).await;
            let id = open_case(&db, &lead, &sample_case("Alias-E", "Nom-E")).await;
            let ask = |imminent| NewEmergencyRequest {
                reason: "Appel de détresse / distress call".into(),
                categories: [DataCategory::Contact].into_iter().collect(),
                imminent,
            };
            let request = |imminent| {
                let db = db.clone();
                let stranger = stranger.clone();
                async move {
                    let p = case_permit(
                        &db,
                        &signed_in(&stranger),
                        CaseAction::RequestEmergencyAccess,
                        id,
                    )
                    .await;
                    let mut tx = db.begin().await.unwrap();
                    let r = tx.request_emergency(&p, &ask(imminent)).await.unwrap();
                    tx.commit().await.unwrap();
                    r
                }
            };
            // Asked, not yet decided: nothing opens.
            let asked = request(false).await;
            let resource = crate::testing::case_resource(&db, &signed_in(&stranger), id).await;
            assert!(resource.disclosure(&signed_in(&stranger)).is_none());
            let waiting = desk(&db, &privacy).await.waiting;
            assert_eq!(waiting.len(), 1);
            assert_eq!(waiting[0].reason, "Appel de détresse / distress call");
            // Approved by the privacy officer: open, and each read registered.
            let facts = db.emergency_facts(asked).await.unwrap().unwrap();
            let decide_permit = permit(
                &signed_in(&privacy),
                EmergencyAction::Decide,
                EmergencyRequest {
                    case: id,
                    requested_by: facts.requested_by,
                },
            );
            let mut tx = db.begin().await.unwrap();
            let to = tx
                .decide_emergency(
                    &decide_permit,
                    asked,
                    facts.status,
                    EmergencyDecision::Approve,
                )
                .await
                .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(to, EmergencyStatus::Approved);
            let mut tx = db.begin().await.unwrap();
            let again = tx
                .decide_emergency(
                    &decide_permit,
                    asked,
                    facts.status,
                    EmergencyDecision::Refuse,
                )
                .await;
            assert!(matches!(again, Err(StoreError::Stale)), "decided once");
            drop(tx);
            let file = read(&db, &stranger, id).await;
            assert_eq!(file.disclosed.keys(), ["contact"]);
            let register = desk(&db, &privacy).await.register;
            assert_eq!(register[0].grounds, ["emergency_access"]);
            // Imminent danger: open at once, waiting for review.
            request(true).await;
            let waiting = desk(&db, &privacy).await.waiting;
            assert!(waiting.iter().any(|w| matches!(
                w.kind,
                ExceptionalKind::Emergency {
                    status: EmergencyStatus::Imminent,
                    imminent: true
                }
            )));
            assert_eq!(read(&db, &lead, id).await.exceptional.len(), 2);
        }
    );
}
