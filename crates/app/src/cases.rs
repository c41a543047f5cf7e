//! Shared cases: opening one, the list of one's cases, a case as the reader may see it, its
//! team, consents, notes and status. Each use case reads the facts fresh (team, consents),
//! so a withdrawn consent or a removed member counts from the next request.

use mosaique_domain::case::{
    CaseEvent, CaseFile, CaseProblem, CaseRole, CaseSummary, ConsentProblem, DataCategory,
    DetailsPart, NewCase, NewConsent, NewNote, Party, Recipient, TeamProblem, check_joining,
    check_leaving, check_taking_over, transition,
};
use mosaique_domain::policy::case::{
    Case, CaseAction, CaseListAction, CaseOpening, CasesOf, OpeningAction,
};
use mosaique_domain::policy::{Permit, Principal, offers};
use mosaique_domain::{CaseId, ConsentId, Language, NoteId, OrgId, Timestamp, UserId};
use mosaique_store::OrgFilter;
use mosaique_store::cases::CaseFacts;

use crate::{App, AppError, AppResult, Conflict, Invalid};

/// A case as its reader may see it, with what they may do to it (for the buttons).
#[derive(Debug, Clone)]
pub struct CaseView {
    pub file: CaseFile,
    pub may: CaseAbilities,
}

/// What the reader may do on the case now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseAbilities {
    pub write_notes: bool,
    /// The categories the reader may write: which steps they may add or change.
    pub write: mosaique_domain::case::CategorySet,
    pub manage_team: bool,
    /// Refer the person to a service of another organization.
    pub refer: bool,
    /// Hand the case over to another party.
    pub transfer: bool,
    pub change_status: bool,
    pub record_consent: bool,
    pub withdraw_consent: bool,
    /// Ask for emergency access: someone on the team who does not see it all.
    pub request_emergency: bool,
    /// Answer the person's access request: everything held about them.
    pub export: bool,
}

/// A consent's receipt: the consent as recorded, and who received what under it.
#[derive(Debug, Clone)]
pub struct ConsentReceipt {
    pub file: CaseFile,
    pub consent: mosaique_domain::case::ConsentRecord,
    pub received: Vec<(
        mosaique_domain::case::ConsentedRead,
        mosaique_domain::case::CategorySet,
    )>,
}

/// Everything held about the person of a case, for their access request.
#[derive(Debug, Clone)]
pub struct CaseExport {
    pub file: CaseFile,
    pub disclosures: Vec<mosaique_domain::case::DisclosureEntry>,
}

impl App {
    /// Whether `who` may open a case (to show the form).
    pub fn may_open_case(&self, who: &Principal) -> bool {
        let lead = Party::of(who.actor().and_then(|a| a.org_id));
        offers(who, OpeningAction::Open, CaseOpening { lead })
    }

    /// Whether `who` may open a case, or the (audited) refusal: asked before reading a
    /// request's body, so a role that may not is told so whatever it sent.
    pub async fn may_open_case_or_refusal(&self, who: &Principal) -> AppResult<()> {
        let lead = Party::of(who.actor().and_then(|a| a.org_id));
        self.authorize(who, OpeningAction::Open, CaseOpening { lead })
            .await
            .map(|_| ())
    }

    /// The names, in `language`, of the organizations a case names: its lead, its team's
    /// and its consents' recipients (public directory data).
    pub async fn party_names(
        &self,
        file: &CaseFile,
        language: Language,
    ) -> AppResult<Vec<(Party, String)>> {
        let parties: Vec<Party> = std::iter::once(file.summary.lead)
            .chain(file.team.iter().map(|m| m.party))
            .chain(file.consents.iter().flat_map(|c| {
                c.consent.recipients.iter().filter_map(|r| match r {
                    Recipient::Party(p) => Some(*p),
                    Recipient::Sector(_) => None,
                })
            }))
            .collect();
        let mut ids: Vec<OrgId> = parties
            .into_iter()
            .filter_map(|p| match p {
                Party::Organization(org) => Some(org),
                Party::Coalition => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        // One query for the whole team, however many organizations it spans.
        let filter = OrgFilter {
            limit: ids.len() as i64,
            ids: Some(ids),
            ..OrgFilter::default()
        };
        let page = self.db.list_organizations(&filter).await?;
        Ok(page
            .items
            .iter()
            .map(|o| (Party::Organization(o.id), o.name(language).to_owned()))
            .collect())
    }

    /// Opens a case for the party the user acts for, with them as its lead worker.
    pub async fn open_case(&self, who: &Principal, new: NewCase) -> AppResult<(CaseId, String)> {
        let lead = Party::of(who.actor().and_then(|a| a.org_id));
        let permit = self
            .authorize(who, OpeningAction::Open, CaseOpening { lead })
            .await?;
        let new = new
            .validate()
            .map_err(|problems| AppError::Invalid(Invalid::Case(problems)))?;
        let terms = self.db.case_terms().await?;
        if terms.retired("exploitation", new.exploitation.key())
            || terms.retired("trafficking_scope", new.scope.key())
        {
            return Err(AppError::Invalid(Invalid::Case(vec![
                CaseProblem::RetiredValue,
            ])));
        }
        let mut tx = self.db.begin().await?;
        let opened = tx.open_case(&permit, &new).await?;
        tx.commit().await?;
        Ok(opened)
    }

    /// Cases of the opener's organization that may be the person about to be opened (same
    /// folded alias, or same name and date of birth), for a warning before opening: only
    /// within the organization, never across.
    pub async fn possible_duplicates(
        &self,
        who: &Principal,
        new: &NewCase,
    ) -> AppResult<Vec<mosaique_domain::case::PossibleDuplicate>> {
        let lead = Party::of(who.actor().and_then(|a| a.org_id));
        let permit = self
            .authorize(who, OpeningAction::Open, CaseOpening { lead })
            .await?;
        let new = new
            .clone()
            .validate()
            .map_err(|problems| AppError::Invalid(Invalid::Case(problems)))?;
        let mut tx = self.db.begin().await?;
        let found = tx
            .possible_duplicates(&permit, &new.alias, &new.details.identity)
            .await?;
        tx.commit().await?;
        // Whether the opener may see each one is the case policy's answer (asked without a
        // read, so nothing is opened or registered).
        let mut duplicates = Vec::with_capacity(found.len());
        for (case, reference) in found {
            let Some(resource) = self.case_resource(who, case).await? else {
                continue;
            };
            duplicates.push(mosaique_domain::case::PossibleDuplicate {
                case,
                reference,
                visible: offers(who, CaseAction::View, resource),
            });
        }
        Ok(duplicates)
    }

    /// The cases the user is on the team of, most recently changed first.
    pub async fn my_cases(&self, who: &Principal) -> AppResult<Vec<CaseSummary>> {
        let user = who.actor().map_or_else(UserId::new, |a| a.user_id);
        let permit = self
            .authorize(who, CaseListAction::List, CasesOf { user })
            .await?;
        let mut tx = self.db.begin().await?;
        let cases = tx.cases_of(&permit).await?;
        tx.commit().await?;
        Ok(cases)
    }

    /// One case, as consent lets the reader see it (the read is audited), with what they
    /// may do to it.
    pub async fn case(&self, who: &Principal, id: CaseId) -> AppResult<CaseView> {
        let (permit, resource) = self.case_permit(who, id, CaseAction::View).await?;
        let mut tx = self.db.begin().await?;
        let file = tx.case_file(&permit).await?;
        tx.commit().await?;
        let may = |action| offers(who, action, resource.clone());
        let may = CaseAbilities {
            write_notes: may(CaseAction::Write(DataCategory::Notes)),
            write: DataCategory::ALL
                .iter()
                .copied()
                .filter(|c| may(CaseAction::Write(*c)))
                .collect(),
            manage_team: may(CaseAction::ManageTeam),
            refer: may(CaseAction::Refer),
            transfer: may(CaseAction::TransferLead),
            change_status: may(CaseAction::ChangeStatus),
            record_consent: may(CaseAction::RecordConsent),
            withdraw_consent: may(CaseAction::WithdrawConsent),
            request_emergency: may(CaseAction::RequestEmergencyAccess),
            export: may(CaseAction::ExportForPerson),
        };
        Ok(CaseView { file, may })
    }

    /// Everything held about the person (Québec P-39.1 s. 27): every category, every note,
    /// every access without consent and the register's entries. For the lead worker or a
    /// privacy officer, with a recent second factor; audited as an export.
    pub async fn export_case(&self, who: &Principal, id: CaseId) -> AppResult<CaseExport> {
        let (permit, _) = self
            .case_permit(who, id, CaseAction::ExportForPerson)
            .await?;
        let mut tx = self.db.begin().await?;
        let file = tx.case_file(&permit).await?;
        let disclosures = tx.case_disclosures(&permit).await?;
        tx.commit().await?;
        Ok(CaseExport { file, disclosures })
    }

    /// The receipt of one consent, for the person: what they agreed to, until when, and who
    /// received what under it. Anyone on the team may print it; the read is audited.
    pub async fn consent_receipt(
        &self,
        who: &Principal,
        id: CaseId,
        consent: ConsentId,
    ) -> AppResult<ConsentReceipt> {
        let (permit, _) = self.case_permit(who, id, CaseAction::View).await?;
        let mut tx = self.db.begin().await?;
        let file = tx.case_file(&permit).await?;
        let reads = tx.consented_reads(&permit).await?;
        tx.commit().await?;
        let record = file
            .consents
            .iter()
            .find(|c| c.id == consent)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let received = record
            .consent
            .received(&reads)
            .into_iter()
            .map(|(read, categories)| (read.clone(), categories))
            .collect();
        Ok(ConsentReceipt {
            file,
            consent: record,
            received,
        })
    }

    /// Puts the account with `email` on the team as `role` (or changes their role).
    pub async fn add_team_member(
        &self,
        who: &Principal,
        id: CaseId,
        email: &str,
        role: CaseRole,
    ) -> AppResult<()> {
        let (permit, resource) = self.case_permit(who, id, CaseAction::ManageTeam).await?;
        let unknown = || AppError::Invalid(Invalid::Team(TeamProblem::UnknownAccount));
        let account = self
            .db
            .account_facts_by_email(email.trim())
            .await?
            .filter(|a| !a.disabled)
            .ok_or_else(unknown)?
            .account;
        let member = account.id.ok_or_else(unknown)?;
        let party = Party::of(account.org_id);
        check_joining(
            &resource.access.team,
            resource.access.lead.party,
            member,
            (account.role, party),
            role,
        )
        .map_err(|problem| AppError::Invalid(Invalid::Team(problem)))?;
        let mut tx = self.db.begin().await?;
        tx.add_member(&permit, member, account.org_id, role).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Hands the case over to another organization (or the coalition's intake line), with
    /// the account at `email` as its lead worker, from the version the lead worker saw. A
    /// live consent to be referred to (or receive services from) that party must name it:
    /// the whole file goes there.
    pub async fn transfer_case(
        &self,
        who: &Principal,
        id: CaseId,
        email: &str,
        version: i64,
    ) -> AppResult<()> {
        let (permit, resource) = self.case_permit(who, id, CaseAction::TransferLead).await?;
        let unknown = || AppError::Invalid(Invalid::Team(TeamProblem::UnknownAccount));
        let account = self
            .db
            .account_facts_by_email(email.trim())
            .await?
            .filter(|a| !a.disabled)
            .ok_or_else(unknown)?
            .account;
        let worker = account.id.ok_or_else(unknown)?;
        let to = Party::of(account.org_id);
        check_taking_over(resource.access.lead.party, (account.role, to))
            .map_err(|problem| AppError::Invalid(Invalid::Team(problem)))?;
        let facts = mosaique_domain::case::PartyFacts {
            party: to,
            sector: self.db.sector_of(account.org_id).await?,
        };
        if resource
            .access
            .referral_consent(facts, resource.now)
            .is_none()
        {
            return Err(AppError::Invalid(Invalid::Referral(vec![
                mosaique_domain::referral::ReferralProblem::NoConsent,
            ])));
        }
        let mut tx = self.db.begin().await?;
        tx.transfer_case(&permit, version, to, worker).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes someone off the team; their access ends with their next request.
    pub async fn remove_team_member(
        &self,
        who: &Principal,
        id: CaseId,
        member: UserId,
    ) -> AppResult<()> {
        let (permit, resource) = self.case_permit(who, id, CaseAction::ManageTeam).await?;
        check_leaving(&resource.access.team, member)
            .map_err(|problem| AppError::Invalid(Invalid::Team(problem)))?;
        let mut tx = self.db.begin().await?;
        let removed = tx.remove_member(&permit, member).await?;
        tx.commit().await?;
        if removed {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Records a consent the person gave, checked against the case (its recipients must be
    /// its lead or on its team).
    pub async fn record_consent(
        &self,
        who: &Principal,
        id: CaseId,
        new: NewConsent,
        language: Language,
    ) -> AppResult<ConsentId> {
        let (permit, resource) = self.case_permit(who, id, CaseAction::RecordConsent).await?;
        let recorder = who.actor().map_or_else(UserId::new, |a| a.user_id);
        let mut problems = new
            .validate(&resource.access, recorder, resource.now)
            .err()
            .unwrap_or_default();
        // A witness is a colleague who heard the consent: an active account of the
        // recorder's organization, never an id nobody holds.
        if let Some(witness) = new.witness {
            let colleague = self.db.account_facts(witness).await?.is_some_and(|f| {
                !f.disabled && f.account.org_id == who.actor().and_then(|a| a.org_id)
            });
            if !colleague {
                problems.push(ConsentProblem::UnknownWitness);
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(Invalid::Consent(problems)));
        }
        let mut tx = self.db.begin().await?;
        let consent = tx.record_consent(&permit, &new, language).await?;
        tx.commit().await?;
        Ok(consent)
    }

    /// Records that the person withdrew a consent: from the next request, what it opened
    /// is closed.
    pub async fn withdraw_consent(
        &self,
        who: &Principal,
        id: CaseId,
        consent: ConsentId,
    ) -> AppResult<()> {
        let (permit, _) = self
            .case_permit(who, id, CaseAction::WithdrawConsent)
            .await?;
        let mut tx = self.db.begin().await?;
        let withdrawn = tx.withdraw_consent(&permit, consent).await?;
        tx.commit().await?;
        if withdrawn {
            Ok(())
        } else {
            Err(AppError::Conflict(Conflict::Stale))
        }
    }

    /// Adds a note; who reads it is decided by the `notes` category and its sensitivity.
    pub async fn add_note(&self, who: &Principal, id: CaseId, note: NewNote) -> AppResult<NoteId> {
        let action = CaseAction::Write(DataCategory::Notes);
        let (permit, _) = self.case_permit(who, id, action).await?;
        let note = note
            .validate()
            .map_err(|problem| AppError::Invalid(Invalid::Case(vec![problem])))?;
        let mut tx = self.db.begin().await?;
        let note = tx.add_note(&permit, &note).await?;
        tx.commit().await?;
        Ok(note)
    }

    /// Changes the person's details of one category, from the case version the writer saw.
    pub async fn change_details(
        &self,
        who: &Principal,
        id: CaseId,
        version: i64,
        part: DetailsPart,
    ) -> AppResult<()> {
        let action = CaseAction::Write(part.category());
        let (permit, _) = self.case_permit(who, id, action).await?;
        let part = part
            .validate()
            .map_err(|problems| AppError::Invalid(Invalid::Case(problems)))?;
        let mut tx = self.db.begin().await?;
        tx.change_details(&permit, version, &part).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Puts the case on hold, resumes, closes or reopens it, from the version the user saw.
    pub async fn change_case_status(
        &self,
        who: &Principal,
        id: CaseId,
        event: CaseEvent,
        version: i64,
    ) -> AppResult<()> {
        let (permit, resource) = self.case_permit(who, id, CaseAction::ChangeStatus).await?;
        let step =
            transition(resource.status, event).map_err(|_| AppError::Conflict(Conflict::Stale))?;
        if let Some(reason) = step.reason()
            && self
                .db
                .case_terms()
                .await?
                .retired("closure_reason", reason.key())
        {
            return Err(AppError::Invalid(Invalid::Case(vec![
                CaseProblem::RetiredValue,
            ])));
        }
        let mut tx = self.db.begin().await?;
        tx.step_case(&permit, version, step).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether `who` may do `action` on the case, or the (audited) refusal: asked before a
    /// form or a body is read, so that what someone may not do is refused whatever they sent.
    pub async fn may_act_on_case(
        &self,
        who: &Principal,
        id: CaseId,
        action: CaseAction,
    ) -> AppResult<()> {
        self.case_permit(who, id, action).await.map(|_| ())
    }

    /// The case as the policy decides on it for `who`, from the facts read now; `None` when
    /// there is no such case.
    pub(crate) async fn case_resource(
        &self,
        who: &Principal,
        id: CaseId,
    ) -> AppResult<Option<Case>> {
        let Some(CaseFacts { status, access, .. }) = self.db.case_facts(id).await? else {
            return Ok(None);
        };
        let viewer_sector = self
            .db
            .sector_of(who.actor().and_then(|a| a.org_id))
            .await?;
        Ok(Some(Case {
            id,
            status,
            access,
            viewer_sector,
            now: Timestamp(App::now_ms()),
        }))
    }

    /// The case's facts read now, and a permit for `action` on it (or the audited refusal).
    /// A case that does not exist answers as one the user may not see.
    pub(crate) async fn case_permit(
        &self,
        who: &Principal,
        id: CaseId,
        action: CaseAction,
    ) -> AppResult<(Permit<Case>, Case)> {
        let resource = self
            .case_resource(who, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let permit = self.authorize(who, action, resource.clone()).await?;
        Ok((permit, resource))
    }
}

/// The demo's three fictitious cases (README): one shared with three organizations, one
/// whose consent to one of them was withdrawn, one seen by its lead alone. None consents to
/// police disclosure.
mod demo {
    use mosaique_domain::case::{
        CaseRole, Contact, DataCategory, Exploitation, Identity, NewCase, NewConsent, NewNote,
        NoteSensitivity, Party, PersonDetails, Purpose, Recipient, TraffickingScope, Whereabouts,
    };
    use mosaique_domain::case::{NewStep, StepKind, StepStatus};
    use mosaique_domain::policy::Principal;
    use mosaique_domain::{CaseId, Language, Role, ServiceDomain, Timestamp, User};
    use mosaique_store::demo_accounts::{PARTNER_CASEWORKERS, demo_email, partner_email};

    use crate::{App, AppResult};

    const YEAR_MS: i64 = 365 * 86_400_000;

    fn person(alias: &str, name: &str, year: &str, city: &str) -> NewCase {
        NewCase {
            alias: alias.into(),
            exploitation: Exploitation::ForcedLabour,
            scope: TraffickingScope::International,
            details: PersonDetails {
                identity: Identity {
                    name: Some(name.into()),
                    birth_date: Some(year.into()),
                    languages: vec!["espagnol / Spanish".into()],
                },
                contact: Contact {
                    phone: Some("514-555-0142".into()),
                    email: None,
                    safe_contact: Some("Textos seulement / Texts only".into()),
                },
                whereabouts: Whereabouts {
                    address: None,
                    city: Some(city.into()),
                },
            },
        }
    }

    fn consent(to: &User, categories: &[DataCategory]) -> NewConsent {
        let now = App::now_ms();
        NewConsent {
            purpose: Purpose::Services,
            recipients: vec![Recipient::Party(Party::of(to.org_id))],
            categories: categories.iter().copied().collect(),
            form: mosaique_domain::case::ConsentForm::Written,
            witness: None,
            given_at: Timestamp(now - 60_000),
            expires_at: Timestamp(now + YEAR_MS),
        }
    }

    /// A day `offset` days from today, in Québec.
    fn day(offset: i64) -> Option<String> {
        let at = Timestamp(App::now_ms() + offset * 86_400_000);
        Some(mosaique_domain::time::local_date(
            at,
            mosaique_domain::time::DEFAULT_TIME_ZONE,
        ))
    }

    /// Rose's plan and steps: a permit to renew soon, an appointment, a court date, a goal.
    fn rose_steps(shelter: &User) -> Vec<NewStep> {
        let step = |kind, status, title: &str, on, expires_on| NewStep {
            kind,
            status,
            domain: None,
            title: title.into(),
            details: None,
            on,
            expires_on,
            assignee: None,
        };
        vec![
            step(
                StepKind::TemporaryResidentPermit,
                StepStatus::Done,
                "Exemple — PST accordé / TRP granted",
                day(-140),
                day(40),
            ),
            NewStep {
                domain: Some(ServiceDomain::HousingLongTerm),
                ..step(
                    StepKind::Goal,
                    StepStatus::InProgress,
                    "Exemple — Logement stable / Stable housing",
                    None,
                    None,
                )
            },
            NewStep {
                assignee: Some(shelter.id),
                ..step(
                    StepKind::Accompaniment,
                    StepStatus::Planned,
                    "Exemple — Accompagner au CLSC / Go with her to the CLSC",
                    day(3),
                    None,
                )
            },
            step(
                StepKind::CourtDate,
                StepStatus::Planned,
                "Exemple — Audience préliminaire / Preliminary hearing",
                day(21),
                None,
            ),
        ]
    }

    impl App {
        /// Opens the demo cases unless the demo caseworker holds some already; returns how
        /// many it opened (none when the demo services' organizations are not loaded).
        pub(crate) async fn load_demo_cases(&self) -> AppResult<usize> {
            let Some(lead) = self.db.user_by_email(&demo_email(Role::Caseworker)).await? else {
                return Ok(0);
            };
            let mut partners = Vec::new();
            for (local, _, _) in PARTNER_CASEWORKERS {
                match self.db.user_by_email(&partner_email(local)).await? {
                    Some(user) => partners.push(user),
                    None => return Ok(0),
                }
            }
            let who = Principal::User(lead.actor(true));
            if !self.my_cases(&who).await?.is_empty() {
                return Ok(0);
            }
            let [shelter, clinic, legal] = [&partners[0], &partners[1], &partners[2]];
            use DataCategory::*;

            let rose = self
                .open_demo(
                    &who,
                    person("Exemple — Rose", "Exemple Rosa", "1994", "Montréal"),
                )
                .await?;
            for (member, categories) in [
                (shelter, &[Contact, Location, Notes][..]),
                (clinic, &[Identity, Health][..]),
                (legal, &[Identity, Immigration, Legal][..]),
            ] {
                self.add_team_member(&who, rose, &member.email, CaseRole::TeamMember)
                    .await?;
                self.record_consent(&who, rose, consent(member, categories), Language::Fr)
                    .await?;
            }
            self.add_note(
                &who,
                rose,
                NewNote {
                    sensitivity: NoteSensitivity::Normal,
                    body: "Exemple — Première rencontre à la ligne d’accueil; hébergement \
                           demandé. / Example — First meeting at the intake line; shelter asked."
                        .into(),
                },
            )
            .await?;
            for step in rose_steps(shelter) {
                self.add_step(&who, rose, step).await?;
            }

            let ana = self
                .open_demo(
                    &who,
                    person("Exemple — Ana", "Exemple Ana", "1988", "Laval"),
                )
                .await?;
            for member in [shelter, clinic] {
                self.add_team_member(&who, ana, &member.email, CaseRole::TeamMember)
                    .await?;
            }
            let withdrawn = self
                .record_consent(
                    &who,
                    ana,
                    consent(shelter, &[Contact, Location]),
                    Language::Fr,
                )
                .await?;
            self.withdraw_consent(&who, ana, withdrawn).await?;
            self.record_consent(&who, ana, consent(clinic, &[Health]), Language::Fr)
                .await?;

            let lina = self
                .open_demo(
                    &who,
                    person("Exemple — Lina", "Exemple Lina", "2001", "Québec"),
                )
                .await?;
            self.add_note(
                &who,
                lina,
                NewNote {
                    sensitivity: NoteSensitivity::Lead,
                    body: "Exemple — La personne ne souhaite aucun partage pour l’instant. / \
                           Example — The person wants no sharing for now."
                        .into(),
                },
            )
            .await?;
            Ok(3)
        }

        async fn open_demo(&self, who: &Principal, case: NewCase) -> AppResult<CaseId> {
            self.open_case(who, case).await.map(|(id, _)| id)
        }
    }
}
