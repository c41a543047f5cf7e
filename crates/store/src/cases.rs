//! Shared cases: the facts the access rule needs (readable, naming no person) and the
//! person's data, sealed per category under the case's own key. Every read and write takes
//! a `Permit<Case>`; a read opens only the categories the permit carries.

use mosaique_crypto::FieldCipher;
use mosaique_domain::audit::Outcome;
use mosaique_domain::case::{
    CaseAccess, CaseFile, CaseRole, CaseStatus, CaseStep, CaseSummary, CategorySet, Consent,
    ConsentRecord, ConsentedRead, Contact, DataCategory, DetailsPart, Identity, MemberView,
    NewCase, NewConsent, NewNote, Note, NoteSensitivity, Party, PartyFacts, Recipient, Relation,
    TeamMember, Whereabouts,
};
use mosaique_domain::policy::Permit;
use mosaique_domain::policy::case::{
    Case, CaseAction, CaseListAction, CaseOpening, CasesOf, OpeningAction,
};
use mosaique_domain::{CaseId, ConsentId, Language, NoteId, OrgId, Sector, Timestamp, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::{decode_hex, encode_hex};
use crate::keys::scope_cipher;
use crate::permits::{require, user};
use crate::{Db, StoreError, Tx, now_ms};

/// What the case policy needs to decide, read fresh for every request: a withdrawn consent
/// or a removed member counts from the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub id: CaseId,
    pub status: CaseStatus,
    pub version: i64,
    pub access: CaseAccess,
}

impl Db {
    /// The facts of one case, or `None` when there is no such case.
    pub async fn case_facts(&self, id: CaseId) -> Result<Option<CaseFacts>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        facts(&mut conn, id).await
    }

    /// The sector of an organization (consents may name a sector); `None` for the
    /// coalition's own staff or an organization without one.
    pub async fn sector_of(&self, org: Option<OrgId>) -> Result<Option<Sector>, StoreError> {
        let Some(org) = org else { return Ok(None) };
        let row = sqlx::query("SELECT sector FROM organizations WHERE id = $1")
            .bind(org.to_string())
            .fetch_optional(self.pool())
            .await?;
        let sector: Option<String> = match row {
            Some(row) => row.try_get("sector")?,
            None => None,
        };
        Ok(sector.and_then(|s| s.parse().ok()))
    }
}

impl Db {
    /// The sectors of several organizations at once (consents may name a sector).
    pub async fn sectors_of(
        &self,
        orgs: &[OrgId],
    ) -> Result<std::collections::HashMap<OrgId, Option<Sector>>, StoreError> {
        if orgs.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        // Parsed ids: safe in a query.
        let list = orgs
            .iter()
            .map(|o| format!("'{o}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT id, sector FROM organizations WHERE id IN ({list})");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                let sector: Option<String> = r.try_get("sector")?;
                Ok((parse_id(r, "id")?, sector.and_then(|s| s.parse().ok())))
            })
            .collect()
    }
}

pub(crate) async fn facts(
    conn: &mut sqlx::AnyConnection,
    id: CaseId,
) -> Result<Option<CaseFacts>, StoreError> {
    let Some(row) = sqlx::query(
        "SELECT c.status, c.version, c.lead_org_id, o.sector FROM cases c \
         LEFT JOIN organizations o ON o.id = c.lead_org_id WHERE c.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let lead = PartyFacts {
        party: party(row.try_get("lead_org_id")?)?,
        sector: row
            .try_get::<Option<String>, _>("sector")?
            .and_then(|s| s.parse().ok()),
    };
    let status = vocab(&row, "status")?;
    let version = row.try_get("version")?;
    let team = sqlx::query(
        "SELECT user_id, org_id, role FROM case_members WHERE case_id = $1 ORDER BY added_at",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(TeamMember {
            user: parse_id(r, "user_id")?,
            party: party(r.try_get("org_id")?)?,
            role: vocab(r, "role")?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let consents = consent_rows(conn, id)
        .await?
        .into_iter()
        .map(|c| c.consent)
        .collect();
    let (legal_bases, emergency) = crate::disclosures::live_grants(conn, id).await?;
    let (agreements, rules) = crate::agreements::sharing(conn).await?;
    let referred = crate::referrals::referred_parties(conn, id).await?;
    Ok(Some(CaseFacts {
        id,
        status,
        version,
        access: CaseAccess {
            lead,
            team,
            consents,
            agreements,
            legal_bases,
            emergency,
            rules,
            referred,
        },
    }))
}

impl Tx {
    /// Opens a case for the permit's party, with its opener as lead worker; returns its id
    /// and reference.
    pub async fn open_case(
        &mut self,
        permit: &Permit<CaseOpening>,
        new: &NewCase,
    ) -> Result<(CaseId, String), StoreError> {
        require(permit, &[OpeningAction::Open])?;
        let opener = user(permit)?.clone();
        let id = CaseId::new();
        let now = now_ms();
        let number: i64 = sqlx::query(
            "UPDATE change_counters SET version = version + 1, updated_at = $1 \
             WHERE name = 'case_reference' RETURNING version",
        )
        .bind(now)
        .fetch_one(self.conn())
        .await?
        .try_get("version")?;
        let year = &Timestamp(now).to_rfc3339()[..4];
        let reference = format!("{year}-{number:04}");
        let cipher = self.case_cipher(id, true).await?;
        let row = id.to_string();
        let lead_org = match permit.resource().lead {
            Party::Coalition => None,
            Party::Organization(org) => Some(org.to_string()),
        };
        sqlx::query(
            "INSERT INTO cases (id, reference, lead_org_id, status, exploitation, scope, alias, \
             identity, contact, whereabouts, version, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $12)",
        )
        .bind(row.clone())
        .bind(reference.clone())
        .bind(lead_org.clone())
        .bind(CaseStatus::Open.key())
        .bind(new.exploitation.key())
        .bind(new.scope.key())
        .bind(seal(&cipher, "alias", &row, &new.alias)?)
        .bind(seal(&cipher, "identity", &row, &new.details.identity)?)
        .bind(seal(&cipher, "contact", &row, &new.details.contact)?)
        .bind(seal(
            &cipher,
            "whereabouts",
            &row,
            &new.details.whereabouts,
        )?)
        .bind(opener.user_id.to_string())
        .bind(now)
        .execute(self.conn())
        .await?;
        sqlx::query(
            "INSERT INTO case_members (case_id, user_id, org_id, role, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $2, $5)",
        )
        .bind(row)
        .bind(opener.user_id.to_string())
        .bind(lead_org)
        .bind(CaseRole::LeadWorker.key())
        .bind(now)
        .execute(self.conn())
        .await?;
        self.index_for_duplicates(
            id,
            permit.resource().lead,
            Some(&new.alias),
            &new.details.identity,
        )
        .await?;
        self.audit(&permit.audit_event(Outcome::Success).target(id))
            .await?;
        Ok((id, reference))
    }

    /// The cases the permit's user is on the team of, most recently changed first. Audited:
    /// a list shows aliases.
    pub async fn cases_of(
        &mut self,
        permit: &Permit<CasesOf>,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        require(permit, &[CaseListAction::List])?;
        let viewer = permit.resource().user;
        let rows = sqlx::query(
            "SELECT c.id, c.reference, c.lead_org_id, c.status, c.exploitation, c.scope, c.alias, \
             c.updated_at, m.role FROM cases c JOIN case_members m ON m.case_id = c.id \
             WHERE m.user_id = $1 ORDER BY c.updated_at DESC, c.id",
        )
        .bind(viewer.to_string())
        .fetch_all(self.conn())
        .await?;
        let mut cases = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: CaseId = parse_id(row, "id")?;
            let cipher = self.case_cipher(id, false).await?;
            cases.push(summary(row, &cipher, Some(vocab(row, "role")?))?);
        }
        // Cases seen without being on the team: open emergency access, and for police a live
        // legal basis naming their organization.
        let police_org = permit
            .actor()
            .filter(|a| a.role == mosaique_domain::Role::PoliceLiaison)
            .and_then(|a| a.org_id)
            .map(|o| o.to_string())
            .unwrap_or_default();
        let outside = sqlx::query(
            "SELECT id, reference, lead_org_id, status, exploitation, scope, alias, updated_at              FROM cases WHERE id IN (SELECT case_id FROM case_emergency_access              WHERE user_id = $1 AND opens_at IS NOT NULL AND closes_at > $2)              OR id IN (SELECT case_id FROM case_legal_bases              WHERE recipient_org_id = $3 AND expires_at > $2) ORDER BY updated_at DESC, id",
        )
        .bind(viewer.to_string())
        .bind(now_ms())
        .bind(police_org)
        .fetch_all(self.conn())
        .await?;
        for row in &outside {
            let id: CaseId = parse_id(row, "id")?;
            if cases.iter().all(|c| c.id != id) {
                let cipher = self.case_cipher(id, false).await?;
                cases.push(summary(row, &cipher, None)?);
            }
        }
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(cases)
    }

    /// The case as the permit lets its holder see it: each category's part opened only when
    /// the permit carries it, notes filtered by their sensitivity. Audited.
    pub async fn case_file(&mut self, permit: &Permit<Case>) -> Result<CaseFile, StoreError> {
        require(permit, &[CaseAction::View, CaseAction::ExportForPerson])?;
        let disclosed = permit.categories();
        let case = permit.resource();
        let id = case.id;
        let row = sqlx::query(
            "SELECT id, reference, lead_org_id, status, closure_reason, exploitation, scope, alias, \
             identity, contact, whereabouts, version, created_at, updated_at FROM cases WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?
        .ok_or(StoreError::Stale)?;
        let cipher = self.case_cipher(id, false).await?;
        let viewer = permit.actor().map(|a| (a.user_id, Party::of(a.org_id)));
        let role = viewer
            .and_then(|(user, _)| case.access.team.iter().find(|m| m.user == user))
            .map(|m| m.role);
        let opened = |category: DataCategory| disclosed.contains(category);
        let identity = if opened(DataCategory::Identity) {
            Some(open::<Identity>(&cipher, "identity", &row)?)
        } else {
            None
        };
        let contact = if opened(DataCategory::Contact) {
            Some(open::<Contact>(&cipher, "contact", &row)?)
        } else {
            None
        };
        let whereabouts = if opened(DataCategory::Location) {
            Some(open::<Whereabouts>(&cipher, "whereabouts", &row)?)
        } else {
            None
        };
        let notes = if opened(DataCategory::Notes) {
            let reader = viewer.map(|(_, party)| party);
            let everything = permit.action() == CaseAction::ExportForPerson;
            let lead = case.access.lead.party;
            let all = self.notes(id, &cipher).await?;
            Some(
                all.into_iter()
                    .filter(|n| {
                        everything
                            || reader.is_some_and(|r| n.sensitivity.readable_by(r, n.party, lead))
                    })
                    .collect(),
            )
        } else {
            None
        };
        let documents = self.documents(id, &cipher, disclosed).await?;
        let mut history = self.history(id).await?;
        let steps = self.steps(id, &cipher, disclosed, &mut history).await?;
        let details_history = [
            DataCategory::Identity,
            DataCategory::Contact,
            DataCategory::Location,
        ]
        .into_iter()
        .filter(|c| opened(*c))
        .filter_map(|c| history.remove(c.key()).map(|changes| (c, changes)))
        .collect();
        let screenings = if opened(DataCategory::Screening) {
            Some(self.case_screenings(id).await?)
        } else {
            None
        };
        let team = self.members(id).await?;
        let consents = consent_rows(self.conn(), id).await?;
        let needs = self.needs(id, &cipher, disclosed).await?;
        let (situation, contact_safety) = self.situation(id, &cipher, disclosed).await?;
        let reader_org = permit.actor().and_then(|a| a.org_id);
        let referrals = self.referrals_of_case(id, disclosed, reader_org).await?;
        // The lead sees every access without consent; so does the person's own export.
        let leads = matches!(permit.relation(), Some(Relation::Lead(_)));
        let exceptional = if leads || permit.action() == CaseAction::ExportForPerson {
            self.exceptional_accesses(id).await?
        } else {
            Vec::new()
        };
        let reference: String = row.try_get("reference")?;
        let without_consent = permit.without_consent();
        if !without_consent.is_empty() {
            self.register_disclosure(permit, &reference, without_consent)
                .await?;
        }
        // What consent opened to another organization's member: for the consent receipts.
        let consented = disclosed.difference(without_consent);
        if matches!(
            permit.relation(),
            Some(Relation::Member(_) | Relation::Referred)
        ) && permit.action() == CaseAction::View
            && !consented.is_empty()
            && let Some(reader) = permit.actor()
        {
            sqlx::query(
                "INSERT INTO case_reads (id, case_id, user_id, org_id, categories, read_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(id.to_string())
            .bind(reader.user_id.to_string())
            .bind(reader.org_id.map(|o| o.to_string()))
            .bind(consented.keys().join(" "))
            .bind(now_ms())
            .execute(self.conn())
            .await?;
        }
        let file = CaseFile {
            summary: summary(&row, &cipher, role)?,
            closure_reason: row
                .try_get::<Option<String>, _>("closure_reason")?
                .and_then(|r| r.parse().ok()),
            version: row.try_get("version")?,
            created_at: Timestamp(row.try_get("created_at")?),
            disclosed,
            team,
            consents,
            identity,
            contact,
            whereabouts,
            notes,
            steps,
            screenings,
            documents,
            details_history,
            exceptional,
            situation,
            contact_safety,
            needs,
            referrals,
        };
        self.audit(&permit.audit_event(Outcome::Success)).await?;
        Ok(file)
    }

    /// The reads of a case by other organizations' members, with what consent opened to
    /// each, oldest first: what the consent receipts tell the person.
    pub async fn consented_reads(
        &mut self,
        permit: &Permit<Case>,
    ) -> Result<Vec<ConsentedRead>, StoreError> {
        require(permit, &[CaseAction::View, CaseAction::ExportForPerson])?;
        sqlx::query(
            "SELECT r.categories, r.read_at, r.org_id, u.display_name, o.name_fr, o.name_en, \
             o.sector FROM case_reads r JOIN users u ON u.id = r.user_id \
             LEFT JOIN organizations o ON o.id = r.org_id WHERE r.case_id = $1 \
             ORDER BY r.read_at, r.id",
        )
        .bind(permit.resource().id.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            let fr: Option<String> = r.try_get("name_fr")?;
            let en: Option<String> = r.try_get("name_en")?;
            Ok(ConsentedRead {
                at: Timestamp(r.try_get("read_at")?),
                user_name: r.try_get("display_name")?,
                organization: fr
                    .zip(en)
                    .map(|(fr, en)| mosaique_domain::Bilingual::new(fr, en)),
                reader: PartyFacts {
                    party: party(r.try_get("org_id")?)?,
                    sector: r
                        .try_get::<Option<String>, _>("sector")?
                        .and_then(|s| s.parse().ok()),
                },
                categories: parse_categories(&r.try_get::<String, _>("categories")?)?,
            })
        })
        .collect()
    }

    /// Adds someone to the team (or changes their role when they are on it already).
    pub async fn add_member(
        &mut self,
        permit: &Permit<Case>,
        member: UserId,
        org: Option<OrgId>,
        role: CaseRole,
    ) -> Result<(), StoreError> {
        require(permit, &[CaseAction::ManageTeam])?;
        let by = user(permit)?.user_id;
        let now = now_ms();
        let id = permit.resource().id.to_string();
        sqlx::query(
            "INSERT INTO case_members (case_id, user_id, org_id, role, added_by, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (case_id, user_id) DO UPDATE SET role = $4",
        )
        .bind(id)
        .bind(member.to_string())
        .bind(org.map(|o| o.to_string()))
        .bind(role.key())
        .bind(by.to_string())
        .bind(now)
        .execute(self.conn())
        .await?;
        self.touch(permit, now).await
    }

    /// Takes someone off the team; their access ends with their next request. Returns
    /// whether they were on it.
    pub async fn remove_member(
        &mut self,
        permit: &Permit<Case>,
        member: UserId,
    ) -> Result<bool, StoreError> {
        require(permit, &[CaseAction::ManageTeam])?;
        let removed = sqlx::query("DELETE FROM case_members WHERE case_id = $1 AND user_id = $2")
            .bind(permit.resource().id.to_string())
            .bind(member.to_string())
            .execute(self.conn())
            .await?
            .rows_affected();
        if removed > 0 {
            self.touch(permit, now_ms()).await?;
        }
        Ok(removed > 0)
    }

    /// Records a consent, already validated against the case by the domain.
    pub async fn record_consent(
        &mut self,
        permit: &Permit<Case>,
        new: &NewConsent,
        language: Language,
    ) -> Result<ConsentId, StoreError> {
        require(permit, &[CaseAction::RecordConsent])?;
        let by = user(permit)?.user_id;
        let id = ConsentId::new();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO consents (id, case_id, purpose, recipients, categories, form, witness_id, \
             language, given_at, expires_at, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id.to_string())
        .bind(permit.resource().id.to_string())
        .bind(new.purpose.key())
        .bind(recipients_text(&new.recipients))
        .bind(new.categories.keys().join(" "))
        .bind(new.form.key())
        .bind(new.witness.map(|w| w.to_string()))
        .bind(language.code())
        .bind(new.given_at.0)
        .bind(new.expires_at.0)
        .bind(by.to_string())
        .bind(now)
        .execute(self.conn())
        .await?;
        self.touch(permit, now).await?;
        Ok(id)
    }

    /// Records that the person withdrew a consent, from now. Returns false when it was
    /// withdrawn already (or is not this case's).
    pub async fn withdraw_consent(
        &mut self,
        permit: &Permit<Case>,
        consent: ConsentId,
    ) -> Result<bool, StoreError> {
        require(permit, &[CaseAction::WithdrawConsent])?;
        let by = user(permit)?.user_id;
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE consents SET withdrawn_at = $3, withdrawn_by = $4 \
             WHERE id = $1 AND case_id = $2 AND withdrawn_at IS NULL",
        )
        .bind(consent.to_string())
        .bind(permit.resource().id.to_string())
        .bind(now)
        .bind(by.to_string())
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed > 0 {
            self.touch(permit, now).await?;
        }
        Ok(changed > 0)
    }

    /// Adds a note, sealed under the case's key.
    pub async fn add_note(
        &mut self,
        permit: &Permit<Case>,
        note: &NewNote,
    ) -> Result<NoteId, StoreError> {
        require(permit, &[CaseAction::Write(DataCategory::Notes)])?;
        let author = user(permit)?.clone();
        let case = permit.resource().id;
        let id = NoteId::new();
        let cipher = self.case_cipher(case, false).await?;
        let body =
            encode_hex(&cipher.seal(note.body.as_bytes(), "case_notes", "body", &id.to_string()));
        let now = now_ms();
        sqlx::query(
            "INSERT INTO case_notes (id, case_id, author_id, org_id, sensitivity, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(case.to_string())
        .bind(author.user_id.to_string())
        .bind(author.org_id.map(|o| o.to_string()))
        .bind(note.sensitivity.key())
        .bind(body)
        .bind(now)
        .execute(self.conn())
        .await?;
        self.touch(permit, now).await?;
        Ok(id)
    }

    /// Changes the person's details of one category, from the case version the writer saw;
    /// the change's fields go to the case's history. An unchanged part writes nothing.
    pub async fn change_details(
        &mut self,
        permit: &Permit<Case>,
        version: i64,
        part: &DetailsPart,
    ) -> Result<(), StoreError> {
        let category = part.category();
        require(permit, &[CaseAction::Write(category)])?;
        let column = match part {
            DetailsPart::Identity(_) => "identity",
            DetailsPart::Contact(_) => "contact",
            DetailsPart::Whereabouts(_) => "whereabouts",
        };
        let case = permit.resource().id;
        let cipher = self.case_cipher(case, false).await?;
        let sql = format!("SELECT id, {column} FROM cases WHERE id = $1 AND version = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case.to_string())
            .bind(version)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::Stale)?;
        let id = case.to_string();
        let (before, sealed) = match part {
            DetailsPart::Identity(i) => (
                DetailsPart::Identity(open(&cipher, column, &row)?),
                seal(&cipher, column, &id, i)?,
            ),
            DetailsPart::Contact(c) => (
                DetailsPart::Contact(open(&cipher, column, &row)?),
                seal(&cipher, column, &id, c)?,
            ),
            DetailsPart::Whereabouts(w) => (
                DetailsPart::Whereabouts(open(&cipher, column, &row)?),
                seal(&cipher, column, &id, w)?,
            ),
        };
        let changed = part.changed_fields(&before);
        if changed.is_empty() {
            return Ok(());
        }
        let now = now_ms();
        let sql = format!(
            "UPDATE cases SET {column} = $3, version = version + 1, updated_at = $4 \
             WHERE id = $1 AND version = $2"
        );
        let written = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(version)
            .bind(sealed)
            .bind(now)
            .execute(self.conn())
            .await?
            .rows_affected();
        if written == 0 {
            return Err(StoreError::Stale);
        }
        let by = user(permit)?.user_id;
        self.record_change(case, category.key(), by, now, &changed)
            .await?;
        if let DetailsPart::Identity(identity) = part {
            let lead = permit.resource().access.lead.party;
            self.index_for_duplicates(case, lead, None, identity)
                .await?;
        }
        self.audit(&permit.audit_event(Outcome::Success)).await
    }

    /// Writes a status change the lifecycle allowed, if the case is still at the version it
    /// was read at.
    pub async fn step_case(
        &mut self,
        permit: &Permit<Case>,
        version: i64,
        step: CaseStep,
    ) -> Result<(), StoreError> {
        require(permit, &[CaseAction::ChangeStatus])?;
        let now = now_ms();
        let closed_at = (step.to() == CaseStatus::Closed).then_some(now);
        let changed = sqlx::query(
            "UPDATE cases SET status = $3, closure_reason = $4, closed_at = $5, \
             version = version + 1, updated_at = $6 WHERE id = $1 AND version = $2 AND status = $7",
        )
        .bind(permit.resource().id.to_string())
        .bind(version)
        .bind(step.to().key())
        .bind(step.reason().map(|r| r.key()))
        .bind(closed_at)
        .bind(now)
        .bind(step.from().key())
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        self.audit(&permit.audit_event(Outcome::Success)).await
    }

    /// Hands the case over to `to`, with `worker` (of that party) as its lead worker: the
    /// lead changes, the previous lead party's workers stay on the team as members (they
    /// see from now on what consent gives them), and the duplicate keys move to the new
    /// lead's index. From the version the lead worker saw.
    pub async fn transfer_case(
        &mut self,
        permit: &Permit<Case>,
        version: i64,
        to: Party,
        worker: UserId,
    ) -> Result<(), StoreError> {
        require(permit, &[CaseAction::TransferLead])?;
        let by = user(permit)?.user_id;
        let case = permit.resource().id;
        let old = permit.resource().access.lead.party;
        let now = now_ms();
        let org = |p: Party| match p {
            Party::Coalition => None,
            Party::Organization(org) => Some(org.to_string()),
        };
        let moved = sqlx::query(
            "UPDATE cases SET lead_org_id = $3, version = version + 1, updated_at = $4              WHERE id = $1 AND version = $2",
        )
        .bind(case.to_string())
        .bind(version)
        .bind(org(to))
        .bind(now)
        .execute(self.conn())
        .await?
        .rows_affected();
        if moved == 0 {
            return Err(StoreError::Stale);
        }
        let old_org = org(old);
        let demote = match &old_org {
            Some(_) => "UPDATE case_members SET role = $2 WHERE case_id = $1 AND org_id = $3",
            None => {
                "UPDATE case_members SET role = $2 WHERE case_id = $1 AND org_id IS NULL AND $3 IS NULL"
            }
        };
        sqlx::query(demote)
            .bind(case.to_string())
            .bind(CaseRole::TeamMember.key())
            .bind(old_org)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM case_members WHERE case_id = $1 AND user_id = $2")
            .bind(case.to_string())
            .bind(worker.to_string())
            .execute(self.conn())
            .await?;
        sqlx::query(
            "INSERT INTO case_members (case_id, user_id, org_id, role, added_by, added_at)              VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(case.to_string())
        .bind(worker.to_string())
        .bind(org(to))
        .bind(CaseRole::LeadWorker.key())
        .bind(by.to_string())
        .bind(now)
        .execute(self.conn())
        .await?;
        // The duplicate keys are HMACs under the lead's own key: recomputed under the new one.
        let row = sqlx::query("SELECT id, alias, identity FROM cases WHERE id = $1")
            .bind(case.to_string())
            .fetch_one(self.conn())
            .await?;
        let cipher = self.case_cipher(case, false).await?;
        let alias: String = open(&cipher, "alias", &row)?;
        let identity: Identity = open(&cipher, "identity", &row)?;
        sqlx::query("DELETE FROM case_match_keys WHERE case_id = $1")
            .bind(case.to_string())
            .execute(self.conn())
            .await?;
        self.index_for_duplicates(case, to, Some(&alias), &identity)
            .await?;
        self.audit(&permit.audit_event(Outcome::Success)).await
    }

    /// Moves the case's version and time on after a change, and audits the permit's action.
    pub(crate) async fn touch(
        &mut self,
        permit: &Permit<Case>,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE cases SET version = version + 1, updated_at = $2 WHERE id = $1")
            .bind(permit.resource().id.to_string())
            .bind(now)
            .execute(self.conn())
            .await?;
        self.audit(&permit.audit_event(Outcome::Success)).await
    }

    /// The case's cipher; its key is made when the case is (`create`), and is gone once the
    /// case is purged.
    pub(crate) async fn case_cipher(
        &mut self,
        id: CaseId,
        create: bool,
    ) -> Result<FieldCipher, StoreError> {
        let keys = self.keys.clone().ok_or(StoreError::NoKey)?;
        scope_cipher(
            &mut self.inner,
            keys.masters(),
            &format!("case:{id}"),
            create,
        )
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("case {id} has no key")))
    }

    async fn members(&mut self, id: CaseId) -> Result<Vec<MemberView>, StoreError> {
        sqlx::query(
            "SELECT m.user_id, m.org_id, m.role, m.added_at, u.display_name FROM case_members m \
             JOIN users u ON u.id = m.user_id WHERE m.case_id = $1 ORDER BY m.added_at, m.user_id",
        )
        .bind(id.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(MemberView {
                user: parse_id(r, "user_id")?,
                display_name: r.try_get("display_name")?,
                party: party(r.try_get("org_id")?)?,
                role: vocab(r, "role")?,
                added_at: Timestamp(r.try_get("added_at")?),
            })
        })
        .collect()
    }

    async fn notes(&mut self, id: CaseId, cipher: &FieldCipher) -> Result<Vec<Note>, StoreError> {
        sqlx::query(
            "SELECT n.id, n.author_id, n.org_id, n.sensitivity, n.body, n.created_at, u.display_name \
             FROM case_notes n JOIN users u ON u.id = n.author_id WHERE n.case_id = $1 \
             ORDER BY n.created_at DESC, n.id DESC",
        )
        .bind(id.to_string())
        .fetch_all(self.conn())
        .await?
        .iter()
        .map(|r| {
            let note_id: NoteId = parse_id(r, "id")?;
            let sealed: String = r.try_get("body")?;
            let body = open_bytes(cipher, "case_notes", "body", &note_id.to_string(), &sealed)?;
            Ok(Note {
                id: note_id,
                author: parse_id(r, "author_id")?,
                author_name: r.try_get("display_name")?,
                party: party(r.try_get("org_id")?)?,
                sensitivity: vocab::<NoteSensitivity>(r, "sensitivity")?,
                body: String::from_utf8(body)
                    .map_err(|_| StoreError::Corrupt("note body".into()))?,
                written_at: Timestamp(r.try_get("created_at")?),
            })
        })
        .collect()
    }
}

async fn consent_rows(
    conn: &mut sqlx::AnyConnection,
    id: CaseId,
) -> Result<Vec<ConsentRecord>, StoreError> {
    sqlx::query(
        "SELECT id, purpose, recipients, categories, form, witness_id, language, given_at, \
         expires_at, withdrawn_at, withdrawn_by, recorded_by FROM consents WHERE case_id = $1 \
         ORDER BY recorded_at, id",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let categories: String = r.try_get("categories")?;
        let recipients: String = r.try_get("recipients")?;
        let user_opt = |column: &'static str| -> Result<Option<UserId>, StoreError> {
            r.try_get::<Option<String>, _>(column)?
                .map(|u| u.parse().map_err(|_| StoreError::Corrupt(column.into())))
                .transpose()
        };
        Ok(ConsentRecord {
            id: parse_id(r, "id")?,
            consent: Consent {
                purpose: vocab(r, "purpose")?,
                recipients: parse_recipients(&recipients)?,
                categories: parse_categories(&categories)?,
                given_at: Timestamp(r.try_get("given_at")?),
                expires_at: Timestamp(r.try_get("expires_at")?),
                withdrawn_at: r.try_get::<Option<i64>, _>("withdrawn_at")?.map(Timestamp),
            },
            form: vocab(r, "form")?,
            witness: user_opt("witness_id")?,
            language: vocab(r, "language")?,
            recorded_by: parse_id(r, "recorded_by")?,
            withdrawn_by: user_opt("withdrawn_by")?,
        })
    })
    .collect()
}

fn summary(
    row: &AnyRow,
    cipher: &FieldCipher,
    role: Option<CaseRole>,
) -> Result<CaseSummary, StoreError> {
    let id: CaseId = parse_id(row, "id")?;
    Ok(CaseSummary {
        id,
        reference: row.try_get("reference")?,
        alias: open::<String>(cipher, "alias", row)?,
        status: vocab(row, "status")?,
        lead: party(row.try_get("lead_org_id")?)?,
        exploitation: vocab(row, "exploitation")?,
        scope: vocab(row, "scope")?,
        role,
        updated_at: Timestamp(row.try_get("updated_at")?),
    })
}

/// Space-separated category keys, as stored.
/// The categories a permit opens as an SQL list (`'identity', 'notes'`), to read only the
/// rows of those categories. Category keys are a closed vocabulary: safe in a query.
pub(crate) fn category_list(categories: CategorySet) -> String {
    categories
        .keys()
        .iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn parse_categories(text: &str) -> Result<CategorySet, StoreError> {
    text.split_whitespace()
        .map(|c| c.parse::<DataCategory>())
        .collect::<Result<CategorySet, _>>()
        .map_err(|_| StoreError::Corrupt("categories".into()))
}

/// Space-separated, as `Recipient` writes itself.
pub(crate) fn recipients_text(recipients: &[Recipient]) -> String {
    recipients
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn parse_recipients(text: &str) -> Result<Vec<Recipient>, StoreError> {
    text.split_whitespace()
        .map(|r| {
            r.parse()
                .map_err(|_| StoreError::Corrupt("consent recipients".into()))
        })
        .collect()
}

pub(crate) fn party(org: Option<String>) -> Result<Party, StoreError> {
    org.map(|o| o.parse().map_err(|_| StoreError::Corrupt("party".into())))
        .transpose()
        .map(Party::of)
}

pub(crate) fn parse_id<T: std::str::FromStr>(
    row: &AnyRow,
    column: &'static str,
) -> Result<T, StoreError> {
    row.try_get::<String, _>(column)?
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("cases: {column}")))
}

/// A nullable column's value, parsed (an id, a day…).
pub(crate) fn parse_optional<T: std::str::FromStr>(
    row: &AnyRow,
    column: &'static str,
) -> Result<Option<T>, StoreError> {
    row.try_get::<Option<String>, _>(column)?
        .map(|v| v.parse())
        .transpose()
        .map_err(|_| StoreError::Corrupt(format!("cases: {column}")))
}

pub(crate) fn vocab<T: std::str::FromStr>(
    row: &AnyRow,
    column: &'static str,
) -> Result<T, StoreError> {
    parse_id(row, column)
}

pub(crate) fn seal<T: serde::Serialize + ?Sized>(
    cipher: &FieldCipher,
    column: &'static str,
    row: &str,
    value: &T,
) -> Result<String, StoreError> {
    let json = serde_json::to_vec(value).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(encode_hex(&cipher.seal(&json, "cases", column, row)))
}

fn open<T: serde::de::DeserializeOwned>(
    cipher: &FieldCipher,
    column: &'static str,
    row: &AnyRow,
) -> Result<T, StoreError> {
    let id: String = row.try_get("id")?;
    let sealed: String = row.try_get(column)?;
    let plain = open_bytes(cipher, "cases", column, &id, &sealed)?;
    serde_json::from_slice(&plain).map_err(|_| StoreError::Corrupt(format!("cases.{column}")))
}

pub(crate) fn open_bytes(
    cipher: &FieldCipher,
    table: &'static str,
    column: &'static str,
    id: &str,
    sealed_hex: &str,
) -> Result<Vec<u8>, StoreError> {
    let sealed =
        decode_hex(sealed_hex).ok_or_else(|| StoreError::Corrupt(format!("{table}.{column}")))?;
    Ok(cipher.open(&sealed, table, column, id)?.to_vec())
}

impl Db {
    /// Cases closed before `closed_before`: due for destruction at the end of their
    /// retention. Ids only.
    pub async fn cases_closed_before(&self, closed_before: i64) -> Result<Vec<CaseId>, StoreError> {
        sqlx::query(
            "SELECT id FROM cases WHERE status = 'closed' AND closed_at < $1 ORDER BY closed_at, id",
        )
        .bind(closed_before)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| parse_id(r, "id"))
        .collect()
    }
}

impl Tx {
    /// Destroys a closed case: its data key first (what it sealed can no longer be opened
    /// anywhere, backups included once they expire), then every row about it. The register
    /// of disclosures and the audit trail keep their entries: they name no person.
    pub async fn purge_case(&mut self, permit: &Permit<Case>) -> Result<(), StoreError> {
        require(permit, &[CaseAction::Purge])?;
        let id = permit.resource().id.to_string();
        sqlx::query("DELETE FROM data_keys WHERE scope = $1")
            .bind(format!("case:{id}"))
            .execute(self.conn())
            .await?;
        // Children first: foreign keys hold on both databases.
        for table in [
            "notifications",
            "referral_events",
            "referral_needs",
            "referrals",
            "case_needs",
            "case_situations",
            "intakes",
            "case_reads",
            "case_changes",
            "case_documents",
            "case_match_keys",
            "case_steps",
            "case_notes",
            "consents",
            "case_members",
            "case_legal_bases",
            "case_emergency_access",
            "screenings",
        ] {
            let sql = format!("DELETE FROM {table} WHERE case_id = $1");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.clone())
                .execute(self.conn())
                .await?;
        }
        let removed = sqlx::query("DELETE FROM cases WHERE id = $1 AND status = 'closed'")
            .bind(id)
            .execute(self.conn())
            .await?
            .rows_affected();
        if removed == 0 {
            return Err(StoreError::Stale);
        }
        self.audit(&permit.audit_event(Outcome::Success)).await
    }
}

#[cfg(test)]
mod tests {
    use mosaique_domain::case::{CaseEvent, ClosureReason, Purpose, transition};
    use mosaique_domain::policy::Principal;
    use mosaique_domain::{Role, Sector, User};

    use super::*;
    use crate::db_test;
    use crate::testing::{case_permit, permit, signed_in, test_org, test_user};

    const ROSE: &str = "Rose-Alias-Canary";
    const NAME: &str = "Maria Canary-Name";

    async fn open(db: &Db, lead: &User) -> CaseId {
        crate::testing::open_case(db, lead, &crate::testing::sample_case(ROSE, NAME)).await
    }

    async fn read(db: &Db, who: &Principal, id: CaseId) -> CaseFile {
        let view = case_permit(db, who, CaseAction::View, id).await;
        let mut tx = db.begin().await.unwrap();
        let file = tx.case_file(&view).await.unwrap();
        tx.commit().await.unwrap();
        file
    }

    async fn consent(db: &Db, lead: &User, to: Party, categories: &[DataCategory]) -> ConsentId {
        let case = case_of(db, lead).await;
        let to = Recipient::Party(to);
        crate::testing::consent_to(db, lead, case, Purpose::Services, to, categories).await
    }

    async fn case_of(db: &Db, who: &User) -> CaseId {
        let list = permit(
            &signed_in(who),
            CaseListAction::List,
            CasesOf { user: who.id },
        );
        let mut tx = db.begin().await.unwrap();
        let cases = tx.cases_of(&list).await.unwrap();
        tx.commit().await.unwrap();
        cases[0].id
    }

    db_test!(
        a_member_sees_what_consent_opens_until_it_is_withdrawn,
        |db| {
            let (lead_org, shelter) = (
                test_org(&db, Some(Sector::Community)).await,
                test_org(&db, Some(Sector::Community)).await,
            );
            let lead = test_user(&db, Role::Caseworker, Some(lead_org)).await;
            let worker = test_user(&db, Role::Caseworker, Some(shelter)).await;
            let id = open(&db, &lead).await;

            let all = read(&db, &signed_in(&lead), id).await;
            assert_eq!(all.disclosed, CategorySet::all());
            assert_eq!(all.summary.alias, ROSE);
            assert_eq!(all.identity.unwrap().name.as_deref(), Some(NAME));
            assert_eq!(all.team.len(), 1);

            let manage = case_permit(&db, &signed_in(&lead), CaseAction::ManageTeam, id).await;
            let mut tx = db.begin().await.unwrap();
            tx.add_member(&manage, worker.id, Some(shelter), CaseRole::TeamMember)
                .await
                .unwrap();
            tx.commit().await.unwrap();

            // On the team, no consent yet: the case, but no category.
            let member = signed_in(&worker);
            let file = read(&db, &member, id).await;
            assert_eq!(file.disclosed, CategorySet::EMPTY);
            assert_eq!(
                (file.identity, file.contact, file.notes),
                (None, None, None)
            );
            assert_eq!(file.summary.alias, ROSE);

            let given = consent(
                &db,
                &lead,
                Party::Organization(shelter),
                &[DataCategory::Contact],
            )
            .await;
            let file = read(&db, &member, id).await;
            assert_eq!(file.disclosed.keys(), ["contact"]);
            assert_eq!(file.contact.unwrap().phone.as_deref(), Some("514-555-0199"));
            assert_eq!(file.identity, None);
            assert_eq!(file.consents.len(), 1);

            // Withdrawn (by the member the person told): gone on the next read.
            let withdraw = case_permit(&db, &member, CaseAction::WithdrawConsent, id).await;
            let mut tx = db.begin().await.unwrap();
            assert!(tx.withdraw_consent(&withdraw, given).await.unwrap());
            assert!(
                !tx.withdraw_consent(&withdraw, given).await.unwrap(),
                "once"
            );
            tx.commit().await.unwrap();
            let file = read(&db, &member, id).await;
            assert_eq!(file.disclosed, CategorySet::EMPTY);
            assert_eq!(file.contact, None);
            assert_eq!(file.consents[0].withdrawn_by, Some(worker.id));

            // Taken off the team: nothing relates them to the case any more.
            let mut tx = db.begin().await.unwrap();
            assert!(tx.remove_member(&manage, worker.id).await.unwrap());
            tx.commit().await.unwrap();
            let resource = crate::testing::case_resource(&db, &member, id).await;
            assert!(resource.disclosure(&member).is_none());

            let actions = crate::testing::audit_actions(&db, "case", &id.to_string()).await;
            for expected in [
                "case.open",
                "case.read",
                "case.team",
                "consent.record",
                "consent.withdraw",
            ] {
                assert!(
                    actions.iter().any(|a| a == expected),
                    "{expected} in {actions:?}"
                );
            }
        }
    );

    db_test!(notes_are_sealed_and_read_by_sensitivity, |db| {
        let (lead_org, clinic) = (test_org(&db, None).await, test_org(&db, None).await);
        let lead = test_user(&db, Role::Caseworker, Some(lead_org)).await;
        let nurse = test_user(&db, Role::Caseworker, Some(clinic)).await;
        let id = open(&db, &lead).await;
        crate::testing::add_to_case(&db, &lead, id, &nurse, CaseRole::TeamMember).await;
        consent(
            &db,
            &lead,
            Party::Organization(clinic),
            &[DataCategory::Notes],
        )
        .await;

        let write = |who: User| {
            let db = db.clone();
            move |sensitivity, body: &'static str| {
                let db = db.clone();
                let who = who.clone();
                async move {
                    let p = case_permit(
                        &db,
                        &signed_in(&who),
                        CaseAction::Write(DataCategory::Notes),
                        id,
                    )
                    .await;
                    let mut tx = db.begin().await.unwrap();
                    tx.add_note(
                        &p,
                        &NewNote {
                            sensitivity,
                            body: body.into(),
                        },
                    )
                    .await
                    .unwrap();
                    tx.commit().await.unwrap();
                }
            }
        };
        write(lead.clone())(NoteSensitivity::Normal, "note-normal-canary").await;
        write(lead.clone())(NoteSensitivity::Lead, "note-lead-canary").await;
        write(nurse.clone())(NoteSensitivity::Organization, "note-clinic-canary").await;

        let bodies = |file: CaseFile| {
            let mut b: Vec<String> = file.notes.unwrap().into_iter().map(|n| n.body).collect();
            b.sort();
            b
        };
        assert_eq!(
            bodies(read(&db, &signed_in(&lead), id).await),
            ["note-lead-canary", "note-normal-canary"]
        );
        assert_eq!(
            bodies(read(&db, &signed_in(&nurse), id).await),
            ["note-clinic-canary", "note-normal-canary"]
        );

        // Nothing about the person is stored in the clear.
        for (table, column) in [
            ("cases", "alias"),
            ("cases", "identity"),
            ("cases", "contact"),
            ("case_notes", "body"),
        ] {
            let q = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} LIKE '%anary%'");
            let n: i64 = sqlx::query(sqlx::AssertSqlSafe(q))
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
            assert_eq!(n, 0, "{table}.{column}");
        }
    });

    db_test!(
        details_change_from_the_version_read_and_keep_who_changed_what,
        |db| {
            let (lead_org, shelter) = (test_org(&db, None).await, test_org(&db, None).await);
            let lead = test_user(&db, Role::Caseworker, Some(lead_org)).await;
            let worker = test_user(&db, Role::Caseworker, Some(shelter)).await;
            let id = open(&db, &lead).await;
            crate::testing::add_to_case(&db, &lead, id, &worker, CaseRole::TeamMember).await;
            consent(
                &db,
                &lead,
                Party::Organization(shelter),
                &[DataCategory::Contact],
            )
            .await;
            let version = read(&db, &signed_in(&lead), id).await.version;
            let moved = DetailsPart::Contact(Contact {
                phone: Some("438-555-0123".into()),
                email: None,
                safe_contact: Some("Textos seulement".into()),
            });
            let write = case_permit(
                &db,
                &signed_in(&worker),
                CaseAction::Write(DataCategory::Contact),
                id,
            )
            .await;
            let mut tx = db.begin().await.unwrap();
            tx.change_details(&write, version, &moved).await.unwrap();
            tx.commit().await.unwrap();
            // From the same version again: stale, nothing written.
            let mut tx = db.begin().await.unwrap();
            let again = tx.change_details(&write, version, &moved).await;
            assert!(matches!(again, Err(StoreError::Stale)), "{again:?}");
            drop(tx);

            let file = read(&db, &signed_in(&worker), id).await;
            assert_eq!(file.contact.unwrap().phone.as_deref(), Some("438-555-0123"));
            assert_eq!(file.details_history.len(), 1);
            let (category, changes) = &file.details_history[0];
            assert_eq!(*category, DataCategory::Contact);
            assert_eq!(changes[0].fields, ["phone", "safe_contact"]);
            assert_eq!(changes[0].by, worker.id);
            // The lead reads the same history; the new phone is sealed like the first.
            assert_eq!(
                read(&db, &signed_in(&lead), id).await.details_history.len(),
                1
            );
            let n: i64 =
                sqlx::query("SELECT COUNT(*) AS n FROM cases WHERE contact LIKE '%438-555%'")
                    .fetch_one(db.pool())
                    .await
                    .unwrap()
                    .try_get("n")
                    .unwrap();
            assert_eq!(n, 0);
        }
    );

    db_test!(a_status_change_is_written_once, |db| {
        let org = test_org(&db, None).await;
        let lead = test_user(&db, Role::Caseworker, Some(org)).await;
        let id = open(&db, &lead).await;
        let who = signed_in(&lead);
        let p = case_permit(&db, &who, CaseAction::ChangeStatus, id).await;
        let facts = db.case_facts(id).await.unwrap().unwrap();
        let step = transition(facts.status, CaseEvent::Close(ClosureReason::GoalsMet)).unwrap();
        let mut tx = db.begin().await.unwrap();
        tx.step_case(&p, facts.version, step).await.unwrap();
        tx.commit().await.unwrap();
        // The same step from the version read before: stale.
        let mut tx = db.begin().await.unwrap();
        assert!(matches!(
            tx.step_case(&p, facts.version, step).await,
            Err(StoreError::Stale)
        ));
        drop(tx);
        let file = read(&db, &who, id).await;
        assert_eq!(file.summary.status, CaseStatus::Closed);
        assert_eq!(file.closure_reason, Some(ClosureReason::GoalsMet));
    });

    db_test!(a_list_holds_only_ones_own_cases, |db| {
        let (a, b) = (test_org(&db, None).await, test_org(&db, None).await);
        let mine = test_user(&db, Role::Caseworker, Some(a)).await;
        let theirs = test_user(&db, Role::Caseworker, Some(b)).await;
        let id = open(&db, &mine).await;
        open(&db, &theirs).await;
        let list = permit(
            &signed_in(&mine),
            CaseListAction::List,
            CasesOf { user: mine.id },
        );
        let mut tx = db.begin().await.unwrap();
        let cases = tx.cases_of(&list).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(cases.iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
        assert_eq!(cases[0].role, Some(CaseRole::LeadWorker));
    });

    db_test!(
        a_closed_case_is_destroyed_key_first_and_nothing_of_it_remains,
        |db| {
            let org = test_org(&db, None).await;
            let lead = test_user(&db, Role::Caseworker, Some(org)).await;
            let id = open(&db, &lead).await;
            crate::testing::consent_to(
                &db,
                &lead,
                id,
                Purpose::Services,
                Recipient::Party(Party::of(Some(org))),
                &[DataCategory::Identity],
            )
            .await;
            // Open: refused (closed first).
            let purge = crate::testing::case_resource(&db, &Principal::Operator, id).await;
            assert!(
                mosaique_domain::policy::can(&Principal::Operator, CaseAction::Purge, purge)
                    .is_err()
            );
            let who = signed_in(&lead);
            let p = case_permit(&db, &who, CaseAction::ChangeStatus, id).await;
            let facts = db.case_facts(id).await.unwrap().unwrap();
            let step = transition(
                facts.status,
                CaseEvent::Close(ClosureReason::PersonDeclined),
            )
            .unwrap();
            let mut tx = db.begin().await.unwrap();
            tx.step_case(&p, facts.version, step).await.unwrap();
            tx.commit().await.unwrap();
            // Closed a moment ago: due with a retention of zero, not with a day.
            assert!(
                db.cases_closed_before(crate::now_ms() - 86_400_000)
                    .await
                    .unwrap()
                    .is_empty()
            );
            assert_eq!(
                db.cases_closed_before(crate::now_ms() + 1).await.unwrap(),
                [id]
            );

            let p = case_permit(&db, &Principal::Operator, CaseAction::Purge, id).await;
            let mut tx = db.begin().await.unwrap();
            tx.purge_case(&p).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(db.case_facts(id).await.unwrap(), None);
            for (table, column) in [
                ("cases", "id"),
                ("case_members", "case_id"),
                ("consents", "case_id"),
                ("case_notes", "case_id"),
            ] {
                let q = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = $1");
                let n: i64 = sqlx::query(sqlx::AssertSqlSafe(q))
                    .bind(id.to_string())
                    .fetch_one(db.pool())
                    .await
                    .unwrap()
                    .try_get("n")
                    .unwrap();
                assert_eq!(n, 0, "{table}");
            }
            let keys: i64 = sqlx::query("SELECT COUNT(*) AS n FROM data_keys WHERE scope = $1")
                .bind(format!("case:{id}"))
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get("n")
                .unwrap();
            assert_eq!(keys, 0, "the key is gone");
            let actions = crate::testing::audit_actions(&db, "case", &id.to_string()).await;
            assert!(actions.iter().any(|a| a == "case.purge"), "{actions:?}");
            assert!(matches!(
                crate::testing::verify_audit(&db).await,
                crate::AuditVerdict::Intact { .. }
            ));
        }
    );
}
