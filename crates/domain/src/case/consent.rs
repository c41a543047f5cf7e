//! What a person agreed to share, with whom, and what the rest of the law allows: the one
//! rule that says which categories of a case each person sees ([`disclosed`]).
//!
//! The lead party's team sees the whole case. Anyone else sees a category only while a live
//! consent for the right purpose names their organization (or its sector) and that category
//! — and, where the coalition requires it, while a live collaboration agreement between the
//! lead and their organization allows it too. Police see nothing through an ordinary
//! consent: only through a consent to police disclosure, or a legal basis a privacy officer
//! recorded. Emergency access opens what it names, for its hour or until its end.

use super::{CategorySet, Party, PartyFacts, TeamMember};
use crate::vocabulary::vocabulary;
use crate::{Role, Sector, Timestamp, UserId};

use super::CaseRole;

vocabulary!(
    /// What a consent is for.
    Purpose, "consent_purpose" {
        // Receiving services from the recipients (the team's work together).
        Services => "services",
        // Being referred to the recipients.
        Referral => "referral",
        // Sharing information with a named organization or sector.
        Sharing => "sharing",
        // Disclosure to police. The only way police see a person's data with consent.
        PoliceDisclosure => "police_disclosure",
        // Being counted in de-identified statistics. Opens nothing to anyone.
        Research => "research",
    }
);

vocabulary!(
    /// How consent was given.
    ConsentForm, "consent_form" {
        Written => "written",
        // Said aloud, in front of a named colleague who can attest to it.
        VerbalWitnessed => "verbal_witnessed",
    }
);

vocabulary!(
    /// Why police may see data without consent (Québec P-39.1 ss. 18, 18.1).
    LegalGround, "legal_ground" {
        CourtOrder => "court_order",
        Warrant => "warrant",
        // A serious and imminent risk of death or injury.
        ImminentDanger => "imminent_danger",
    }
);

/// Whom a consent or an agreement names: one party, or every organization of a sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recipient {
    Party(Party),
    Sector(Sector),
}

/// `coalition`, `org:<uuid>` or `sector:<key>`: how a recipient is stored and sent.
impl std::fmt::Display for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recipient::Party(Party::Coalition) => f.write_str("coalition"),
            Recipient::Party(Party::Organization(org)) => write!(f, "org:{org}"),
            Recipient::Sector(sector) => write!(f, "sector:{}", sector.key()),
        }
    }
}

impl std::str::FromStr for Recipient {
    type Err = crate::vocabulary::UnknownValue;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || crate::vocabulary::UnknownValue {
            field: "recipient",
            value: text.to_owned(),
        };
        match text.trim().split_once(':') {
            None if text.trim() == "coalition" => Ok(Recipient::Party(Party::Coalition)),
            Some(("org", id)) => id
                .parse()
                .map(|id| Recipient::Party(Party::Organization(id)))
                .map_err(|_| unknown()),
            Some(("sector", key)) => key.parse().map(Recipient::Sector).map_err(|_| unknown()),
            _ => Err(unknown()),
        }
    }
}

impl Recipient {
    pub fn covers(self, who: PartyFacts) -> bool {
        match self {
            Recipient::Party(party) => party == who.party,
            Recipient::Sector(sector) => who.sector == Some(sector),
        }
    }
}

/// One consent, as recorded. Live from `given_at` until it expires or is withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub purpose: Purpose,
    pub recipients: Vec<Recipient>,
    pub categories: CategorySet,
    pub given_at: Timestamp,
    pub expires_at: Timestamp,
    pub withdrawn_at: Option<Timestamp>,
}

impl Consent {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.given_at <= now
            && now < self.expires_at
            && self.withdrawn_at.is_none_or(|withdrawn| now < withdrawn)
    }

    fn covers(&self, who: PartyFacts) -> bool {
        self.recipients.iter().any(|r| r.covers(who))
    }
}

/// One read of a case by a member of another organization, with what consent opened to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentedRead {
    pub at: Timestamp,
    pub user_name: String,
    pub organization: Option<crate::Bilingual<String>>,
    pub reader: PartyFacts,
    pub categories: CategorySet,
}

impl Consent {
    /// What each read received under this consent: the reads by someone it names, while it
    /// was live, of the categories it covers (a read may owe other categories to another
    /// consent). Reads that received nothing under it are left out.
    pub fn received<'a>(
        &self,
        reads: &'a [ConsentedRead],
    ) -> Vec<(&'a ConsentedRead, CategorySet)> {
        reads
            .iter()
            .filter(|r| self.is_live(r.at) && self.covers(r.reader))
            .map(|r| (r, r.categories.intersection(self.categories)))
            .filter(|(_, received)| !received.is_empty())
            .collect()
    }
}

/// A collaboration agreement (entente) between parties or sectors: which categories may
/// flow between them, from when until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub parties: Vec<Recipient>,
    pub categories: CategorySet,
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
}

impl Agreement {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.starts_at <= now && self.ends_at.is_none_or(|end| now < end)
    }

    /// Whether data may flow between `a` and `b` under it.
    pub fn binds(&self, a: PartyFacts, b: PartyFacts) -> bool {
        self.parties.iter().any(|p| p.covers(a)) && self.parties.iter().any(|p| p.covers(b))
    }
}

/// A legal basis a privacy officer recorded for disclosing a case to one police party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalBasis {
    pub ground: LegalGround,
    pub recipient: Party,
    pub categories: CategorySet,
    pub recorded_at: Timestamp,
    pub expires_at: Timestamp,
}

impl LegalBasis {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.recorded_at <= now && now < self.expires_at
    }
}

/// Emergency access (break-glass) that is open: approved by a privacy officer, or opened for
/// one hour on a declared imminent danger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyAccess {
    pub user: UserId,
    pub categories: CategorySet,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
}

impl EmergencyAccess {
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.opens_at <= now && now < self.closes_at
    }
}

/// The coalition's own rule on data flows between organizations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SharingRules {
    /// A flow from the lead to another party needs a live agreement as well as consent.
    pub require_agreement: bool,
}

/// Who is looking, as the rule sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user: UserId,
    pub role: Role,
    pub at: PartyFacts,
}

/// Everything the rule needs about one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAccess {
    pub lead: PartyFacts,
    pub team: Vec<TeamMember>,
    pub consents: Vec<Consent>,
    pub agreements: Vec<Agreement>,
    pub legal_bases: Vec<LegalBasis>,
    pub emergency: Vec<EmergencyAccess>,
    pub rules: SharingRules,
    /// The parties a live referral of this case went to: their intake reads what consent
    /// covers until they answer (the one who accepts joins the team).
    pub referred: Vec<Party>,
}

/// How someone stands towards a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// On the team, for the lead party.
    Lead(CaseRole),
    /// On the team, for another party.
    Member(CaseRole),
    /// Not on the team; the case was referred to their organization, which reads what
    /// consent covers while the referral is live.
    Referred,
    /// Not on the team; sees the case through a legal basis or emergency access only.
    Outside,
}

/// What one viewer sees of one case: how they stand, and which categories are disclosed.
/// `None` when they have no relation to it at all (then the case does not exist for them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    pub relation: Relation,
    pub categories: CategorySet,
    /// Those of `categories` no consent covers: opened by a legal basis or emergency access.
    /// Reading them is a disclosure without consent, written to the disclosure register.
    pub without_consent: CategorySet,
}

impl CaseAccess {
    /// The viewer's place on the team: only for the party they act for now.
    pub fn membership(&self, viewer: &Viewer) -> Option<&TeamMember> {
        self.team
            .iter()
            .find(|m| m.user == viewer.user && m.party == viewer.at.party)
    }

    /// What consent, agreements, legal bases and emergency access disclose to `viewer` at
    /// `now`; `None` when nothing relates them to the case.
    pub fn disclosed(&self, viewer: &Viewer, now: Timestamp) -> Option<Disclosure> {
        let police = viewer.role == Role::PoliceLiaison;
        // What opens without the person's consent: emergency access, a legal basis.
        let mut without_consent = CategorySet::EMPTY;
        let mut outside = false;
        for grant in self.emergency.iter().filter(|g| g.is_live(now)) {
            if grant.user == viewer.user {
                without_consent = without_consent.union(grant.categories);
                outside = true;
            }
        }
        if police {
            for basis in self.legal_bases.iter().filter(|b| b.is_live(now)) {
                if basis.recipient == viewer.at.party {
                    without_consent = without_consent.union(basis.categories);
                    outside = true;
                }
            }
        }
        let relation = match self.membership(viewer) {
            // Police never hold a case for the lead: what they see is what consent says.
            Some(member) if member.party == self.lead.party && !police => {
                return Some(Disclosure {
                    relation: Relation::Lead(member.role),
                    categories: CategorySet::all(),
                    without_consent: CategorySet::EMPTY,
                });
            }
            Some(member) => Relation::Member(member.role),
            None if !police && self.referred.contains(&viewer.at.party) => Relation::Referred,
            None if outside => Relation::Outside,
            None => return None,
        };
        let consented = match relation {
            Relation::Member(_) | Relation::Referred => self.consented(viewer.at, police, now),
            _ => CategorySet::EMPTY,
        };
        Some(Disclosure {
            relation,
            categories: consented.union(without_consent),
            without_consent: without_consent.difference(consented),
        })
    }

    /// What a referral to `to` may carry: the categories live consents to be referred to it
    /// (or to receive its services) open, narrowed by the agreements when the coalition
    /// requires them; `None` when no such consent names it, and then it cannot be referred.
    pub fn referral_consent(&self, to: PartyFacts, now: Timestamp) -> Option<CategorySet> {
        let named = self.consents.iter().any(|c| {
            c.is_live(now)
                && c.covers(to)
                && matches!(c.purpose, Purpose::Referral | Purpose::Services)
        });
        named.then(|| self.consented(to, false, now))
    }

    /// The categories live consents open to `at` — for police, consents to police
    /// disclosure only — narrowed by the agreements when the coalition requires them.
    fn consented(&self, at: PartyFacts, police: bool, now: Timestamp) -> CategorySet {
        let consented = self
            .consents
            .iter()
            .filter(|c| c.is_live(now) && c.covers(at))
            .filter(|c| match c.purpose {
                Purpose::PoliceDisclosure => police,
                Purpose::Services | Purpose::Referral | Purpose::Sharing => !police,
                Purpose::Research => false,
            })
            .fold(CategorySet::EMPTY, |set, c| set.union(c.categories));
        if !self.rules.require_agreement {
            return consented;
        }
        let agreed = self
            .agreements
            .iter()
            .filter(|a| a.is_live(now) && a.binds(self.lead, at))
            .fold(CategorySet::EMPTY, |set, a| set.union(a.categories));
        consented.intersection(agreed)
    }
}

/// A consent as it is being recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsent {
    pub purpose: Purpose,
    pub recipients: Vec<Recipient>,
    pub categories: CategorySet,
    pub form: ConsentForm,
    /// The colleague who heard a verbal consent.
    pub witness: Option<UserId>,
    pub given_at: Timestamp,
    pub expires_at: Timestamp,
}

/// What is wrong with a consent being recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConsentProblem {
    #[error("a consent names at least one recipient")]
    NoRecipient,
    #[error("a consent names at least one category of data")]
    NoCategory,
    #[error("the expiry is not after the date consent was given")]
    ExpiryBeforeStart,
    #[error("consent cannot be recorded as given in the future")]
    GivenInFuture,
    #[error("a recipient organization is not part of the case")]
    RecipientOutsideCase,
    #[error("a verbal consent names the colleague who witnessed it")]
    MissingWitness,
    #[error("the witness of a consent is not the person recording it")]
    SelfWitnessed,
    /// The witness named is not an active account of the recorder's organization.
    #[error("the witness of a consent is an active colleague of the person recording it")]
    UnknownWitness,
}

impl ConsentProblem {
    /// The Fluent message id.
    pub fn message_id(self) -> &'static str {
        match self {
            ConsentProblem::NoRecipient => "consent-problem-no-recipient",
            ConsentProblem::NoCategory => "consent-problem-no-category",
            ConsentProblem::ExpiryBeforeStart => "consent-problem-expiry-before-start",
            ConsentProblem::GivenInFuture => "consent-problem-given-in-future",
            ConsentProblem::RecipientOutsideCase => "consent-problem-recipient-outside-case",
            ConsentProblem::MissingWitness => "consent-problem-missing-witness",
            ConsentProblem::SelfWitnessed => "consent-problem-self-witnessed",
            ConsentProblem::UnknownWitness => "consent-problem-unknown-witness",
        }
    }
}

impl NewConsent {
    /// Every problem, checked against the case it is for: a named organization must be its
    /// lead, on its team or referred to, so consent never reaches past the case — except a
    /// consent to be referred, which names the organizations the person agrees to be
    /// referred to before any referral exists.
    pub fn validate(
        &self,
        access: &CaseAccess,
        recorded_by: UserId,
        now: Timestamp,
    ) -> Result<(), Vec<ConsentProblem>> {
        let mut problems = Vec::new();
        let research = self.purpose == Purpose::Research;
        if self.recipients.is_empty() && !research {
            problems.push(ConsentProblem::NoRecipient);
        }
        if self.categories.is_empty() && !research {
            problems.push(ConsentProblem::NoCategory);
        }
        if self.expires_at <= self.given_at {
            problems.push(ConsentProblem::ExpiryBeforeStart);
        }
        if self.given_at > now {
            problems.push(ConsentProblem::GivenInFuture);
        }
        let in_case = |party: Party| {
            party == access.lead.party
                || access.team.iter().any(|m| m.party == party)
                || access.referred.contains(&party)
        };
        if self.purpose != Purpose::Referral
            && self
                .recipients
                .iter()
                .any(|r| matches!(r, Recipient::Party(p) if !in_case(*p)))
        {
            problems.push(ConsentProblem::RecipientOutsideCase);
        }
        match (self.form, self.witness) {
            (ConsentForm::VerbalWitnessed, None) => problems.push(ConsentProblem::MissingWitness),
            (ConsentForm::VerbalWitnessed, Some(w)) if w == recorded_by => {
                problems.push(ConsentProblem::SelfWitnessed);
            }
            _ => {}
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgId;

    #[test]
    fn a_consent_counts_only_its_own_readers_categories_and_period() {
        use crate::case::DataCategory::{Contact, Health, Identity};
        let shelter = PartyFacts {
            party: Party::Organization(OrgId::new()),
            sector: Some(Sector::Community),
        };
        let clinic = PartyFacts {
            party: Party::Organization(OrgId::new()),
            sector: Some(Sector::HealthSocial),
        };
        let consent = Consent {
            purpose: Purpose::Services,
            recipients: vec![Recipient::Party(shelter.party)],
            categories: [Contact].into_iter().collect(),
            given_at: Timestamp(100),
            expires_at: Timestamp(1_000),
            withdrawn_at: Some(Timestamp(500)),
        };
        let read = |at, reader, categories: &[crate::case::DataCategory]| ConsentedRead {
            at: Timestamp(at),
            user_name: "x".into(),
            organization: None,
            reader,
            categories: categories.iter().copied().collect(),
        };
        let reads = [
            read(200, shelter, &[Contact, Identity]),
            read(50, shelter, &[Contact]),
            read(600, shelter, &[Contact]),
            read(300, clinic, &[Contact, Health]),
            read(300, shelter, &[Identity]),
        ];
        let received = consent.received(&reads);
        assert_eq!(received.len(), 1, "{received:?}");
        assert_eq!(received[0].0.at, Timestamp(200));
        assert_eq!(received[0].1, [Contact].into_iter().collect());
    }

    #[test]
    fn a_recipient_reads_back_what_it_writes() {
        for r in [
            Recipient::Party(Party::Coalition),
            Recipient::Party(Party::Organization(OrgId::new())),
            Recipient::Sector(Sector::HealthSocial),
        ] {
            assert_eq!(r.to_string().parse::<Recipient>(), Ok(r));
        }
        for bad in ["", "org:", "org:nope", "sector:moon", "police"] {
            assert!(bad.parse::<Recipient>().is_err(), "{bad}");
        }
    }
}
