//! The consent rule, checked two ways: a table of the situations coalitions describe, and a
//! property test against a second, per-category statement of the rule written from the issue's
//! wording ("a member from organization X sees category C only if X leads the case, or a live
//! consent covers X (or X's sector) and C").

use mosaique_domain::case::{
    Agreement, CaseAccess, CaseRole, CategorySet, Consent, DataCategory, EmergencyAccess,
    LegalBasis, LegalGround, Party, PartyFacts, Purpose, Recipient, Relation, SharingRules,
    TeamMember, Viewer,
};
use mosaique_domain::{OrgId, Role, Sector, Timestamp, UserId};
use proptest::prelude::*;

const NOW: Timestamp = Timestamp(1_000_000);
const DAY: i64 = 86_400_000;

fn at(ms: i64) -> Timestamp {
    Timestamp(NOW.0 + ms)
}

fn cats(list: &[DataCategory]) -> CategorySet {
    list.iter().copied().collect()
}

struct World {
    lead: PartyFacts,
    shelter: PartyFacts,
    clinic: PartyFacts,
    police: PartyFacts,
    lead_worker: UserId,
    shelter_worker: UserId,
    clinic_worker: UserId,
    officer: UserId,
}

fn world() -> World {
    let org = |sector| PartyFacts {
        party: Party::Organization(OrgId::new()),
        sector: Some(sector),
    };
    World {
        lead: org(Sector::Community),
        shelter: org(Sector::Community),
        clinic: org(Sector::HealthSocial),
        police: org(Sector::Police),
        lead_worker: UserId::new(),
        shelter_worker: UserId::new(),
        clinic_worker: UserId::new(),
        officer: UserId::new(),
    }
}

fn team(w: &World) -> Vec<TeamMember> {
    vec![
        TeamMember {
            user: w.lead_worker,
            party: w.lead.party,
            role: CaseRole::LeadWorker,
        },
        TeamMember {
            user: w.shelter_worker,
            party: w.shelter.party,
            role: CaseRole::TeamMember,
        },
        TeamMember {
            user: w.clinic_worker,
            party: w.clinic.party,
            role: CaseRole::Observer,
        },
        TeamMember {
            user: w.officer,
            party: w.police.party,
            role: CaseRole::Observer,
        },
    ]
}

fn consent(purpose: Purpose, to: Recipient, categories: CategorySet) -> Consent {
    Consent {
        purpose,
        recipients: vec![to],
        categories,
        given_at: at(-DAY),
        expires_at: at(DAY),
        withdrawn_at: None,
    }
}

fn access(w: &World, consents: Vec<Consent>) -> CaseAccess {
    CaseAccess {
        lead: w.lead,
        team: team(w),
        consents,
        agreements: Vec::new(),
        legal_bases: Vec::new(),
        emergency: Vec::new(),
        rules: SharingRules::default(),
        referred: Vec::new(),
    }
}

fn viewer(user: UserId, role: Role, at: PartyFacts) -> Viewer {
    Viewer { user, role, at }
}

fn seen(access: &CaseAccess, v: &Viewer) -> Option<CategorySet> {
    access.disclosed(v, NOW).map(|d| d.categories)
}

#[test]
fn the_situations_coalitions_describe() {
    use DataCategory as C;
    let w = world();
    let shelter = viewer(w.shelter_worker, Role::Caseworker, w.shelter);
    let clinic = viewer(w.clinic_worker, Role::Caseworker, w.clinic);
    let officer = viewer(w.officer, Role::PoliceLiaison, w.police);
    let lead = viewer(w.lead_worker, Role::Caseworker, w.lead);
    let stranger = viewer(UserId::new(), Role::Caseworker, w.shelter);

    // No consent: the lead sees everything, the team the case but no category, strangers nothing.
    let none = access(&w, vec![]);
    assert_eq!(seen(&none, &lead), Some(CategorySet::all()));
    assert_eq!(seen(&none, &shelter), Some(CategorySet::EMPTY));
    assert_eq!(seen(&none, &stranger), None);
    assert_eq!(
        none.disclosed(&lead, NOW).map(|d| d.relation),
        Some(Relation::Lead(CaseRole::LeadWorker))
    );

    // Consent to share contact and location with the shelter, named.
    let named = consent(
        Purpose::Sharing,
        Recipient::Party(w.shelter.party),
        cats(&[C::Contact, C::Location]),
    );
    let a = access(&w, vec![named.clone()]);
    assert_eq!(seen(&a, &shelter), Some(cats(&[C::Contact, C::Location])));
    assert_eq!(seen(&a, &clinic), Some(CategorySet::EMPTY), "not named");

    // By sector: the health and social services sector, health only.
    let sector = consent(
        Purpose::Services,
        Recipient::Sector(Sector::HealthSocial),
        cats(&[C::Health]),
    );
    let a = access(&w, vec![named.clone(), sector.clone()]);
    assert_eq!(seen(&a, &clinic), Some(cats(&[C::Health])));
    assert_eq!(seen(&a, &shelter), Some(cats(&[C::Contact, C::Location])));

    // Withdrawn a moment ago: gone on the next request. Expired: gone too.
    let mut withdrawn = named.clone();
    withdrawn.withdrawn_at = Some(NOW);
    assert_eq!(
        seen(&access(&w, vec![withdrawn]), &shelter),
        Some(CategorySet::EMPTY)
    );
    let mut expired = named.clone();
    expired.expires_at = NOW;
    assert_eq!(
        seen(&access(&w, vec![expired]), &shelter),
        Some(CategorySet::EMPTY)
    );
    let mut not_yet = named.clone();
    not_yet.given_at = at(1);
    assert_eq!(
        seen(&access(&w, vec![not_yet]), &shelter),
        Some(CategorySet::EMPTY)
    );

    // Research consent opens nothing to anyone.
    let research = consent(
        Purpose::Research,
        Recipient::Party(w.shelter.party),
        CategorySet::all(),
    );
    assert_eq!(
        seen(&access(&w, vec![research]), &shelter),
        Some(CategorySet::EMPTY)
    );

    // Police: an ordinary consent naming the police sector gives them nothing; a consent to
    // police disclosure does, and opens nothing to anyone else.
    let ordinary = consent(
        Purpose::Sharing,
        Recipient::Sector(Sector::Police),
        CategorySet::all(),
    );
    assert_eq!(
        seen(&access(&w, vec![ordinary]), &officer),
        Some(CategorySet::EMPTY)
    );
    let disclosure = consent(
        Purpose::PoliceDisclosure,
        Recipient::Party(w.police.party),
        cats(&[C::Identity]),
    );
    let a = access(&w, vec![disclosure]);
    assert_eq!(seen(&a, &officer), Some(cats(&[C::Identity])));
    let civilian = viewer(w.officer, Role::Caseworker, w.police);
    assert_eq!(seen(&a, &civilian), Some(CategorySet::EMPTY));

    // A police liaison in the lead organization still sees only what consent says.
    let lead_officer = viewer(w.lead_worker, Role::PoliceLiaison, w.lead);
    assert_eq!(seen(&none, &lead_officer), Some(CategorySet::EMPTY));

    // A legal basis recorded for the police party, without team membership, while it lasts.
    let mut off_team = access(&w, vec![]);
    off_team.team.retain(|m| m.user != w.officer);
    assert_eq!(seen(&off_team, &officer), None);
    off_team.legal_bases.push(LegalBasis {
        ground: LegalGround::CourtOrder,
        recipient: w.police.party,
        categories: cats(&[C::Identity, C::Legal]),
        recorded_at: at(-1),
        expires_at: at(DAY),
    });
    assert_eq!(
        seen(&off_team, &officer),
        Some(cats(&[C::Identity, C::Legal]))
    );
    let disclosure = off_team.disclosed(&officer, NOW).unwrap();
    assert_eq!(
        disclosure.without_consent,
        cats(&[C::Identity, C::Legal]),
        "the register's"
    );
    // On the team with a police-disclosure consent for identity: only `legal` is without it.
    let mut both = off_team.clone();
    both.team = team(&w);
    both.consents.push(consent(
        Purpose::PoliceDisclosure,
        Recipient::Sector(Sector::Police),
        cats(&[C::Identity]),
    ));
    let disclosure = both.disclosed(&officer, NOW).unwrap();
    assert_eq!(disclosure.categories, cats(&[C::Identity, C::Legal]));
    assert_eq!(disclosure.without_consent, cats(&[C::Legal]));
    assert_eq!(
        off_team.disclosed(&officer, NOW).map(|d| d.relation),
        Some(Relation::Outside)
    );
    // …for police only: the same party's other staff get nothing from it.
    let colleague = viewer(UserId::new(), Role::Caseworker, w.police);
    assert_eq!(seen(&off_team, &colleague), None);

    // Emergency access: the user it was opened for, while it is open.
    let mut urgent = access(&w, vec![]);
    let responder = viewer(
        UserId::new(),
        Role::Coordinator,
        PartyFacts {
            party: Party::Coalition,
            sector: None,
        },
    );
    urgent.emergency.push(EmergencyAccess {
        user: responder.user,
        categories: cats(&[C::Identity, C::Contact, C::Location, C::Health]),
        opens_at: at(-1),
        closes_at: at(DAY / 24),
    });
    assert_eq!(
        seen(&urgent, &responder),
        Some(cats(&[C::Identity, C::Contact, C::Location, C::Health]))
    );
    urgent.emergency[0].closes_at = NOW;
    assert_eq!(seen(&urgent, &responder), None);

    // The coalition requires an agreement: consent alone no longer opens anything, and an
    // agreement narrows what consent opens.
    let mut strict = access(&w, vec![named.clone(), sector]);
    strict.rules.require_agreement = true;
    assert_eq!(seen(&strict, &shelter), Some(CategorySet::EMPTY));
    strict.agreements.push(Agreement {
        parties: vec![Recipient::Sector(Sector::Community)],
        categories: cats(&[C::Contact]),
        starts_at: at(-DAY),
        ends_at: None,
    });
    assert_eq!(seen(&strict, &shelter), Some(cats(&[C::Contact])));
    assert_eq!(
        seen(&strict, &clinic),
        Some(CategorySet::EMPTY),
        "no community–health agreement"
    );
    strict.agreements[0].ends_at = Some(NOW);
    assert_eq!(
        seen(&strict, &shelter),
        Some(CategorySet::EMPTY),
        "agreement ended"
    );
    assert_eq!(
        seen(&strict, &lead),
        Some(CategorySet::all()),
        "no flow within the lead"
    );

    // A member who moved to another organization is not a member for it.
    let moved = viewer(w.shelter_worker, Role::Caseworker, w.clinic);
    assert_eq!(seen(&access(&w, vec![named]), &moved), None);
}

// --- The property test -------------------------------------------------------------------

/// A small world of parties, so that generated consents often name the viewer.
#[derive(Debug, Clone)]
struct Gen {
    parties: Vec<PartyFacts>,
    users: Vec<UserId>,
}

fn small_world() -> Gen {
    let sectors = [Sector::Community, Sector::HealthSocial, Sector::Police];
    let mut parties = vec![PartyFacts {
        party: Party::Coalition,
        sector: None,
    }];
    for i in 0..4 {
        parties.push(PartyFacts {
            party: Party::Organization(OrgId::from_uuid(uuid_from(i))),
            sector: Some(sectors[i as usize % 3]),
        });
    }
    Gen {
        parties,
        users: (10..16).map(|i| UserId::from_uuid(uuid_from(i))).collect(),
    }
}

fn uuid_from(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n + 1)
}

fn category_set() -> impl Strategy<Value = CategorySet> {
    any::<u8>().prop_map(|bits| {
        DataCategory::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, c)| *c)
            .collect()
    })
}

fn window() -> impl Strategy<Value = (Timestamp, Timestamp)> {
    (-3i64..3, -3i64..4).prop_map(|(a, b)| (at(a * DAY), at(b * DAY)))
}

fn recipient(g: &Gen) -> impl Strategy<Value = Recipient> + use<> {
    let parties: Vec<Party> = g.parties.iter().map(|p| p.party).collect();
    prop_oneof![
        proptest::sample::select(parties).prop_map(Recipient::Party),
        proptest::sample::select(vec![
            Sector::Community,
            Sector::HealthSocial,
            Sector::Police
        ])
        .prop_map(Recipient::Sector),
    ]
}

fn case_access(g: Gen) -> impl Strategy<Value = CaseAccess> {
    let purposes = Purpose::ALL.to_vec();
    let consent = (
        proptest::sample::select(purposes),
        proptest::collection::vec(recipient(&g), 1..3),
        category_set(),
        window(),
        proptest::option::of(-3i64..3),
    )
        .prop_map(
            |(purpose, recipients, categories, (given_at, expires_at), withdrawn)| Consent {
                purpose,
                recipients,
                categories,
                given_at,
                expires_at,
                withdrawn_at: withdrawn.map(|d| at(d * DAY)),
            },
        );
    let agreement = (
        proptest::collection::vec(recipient(&g), 1..3),
        category_set(),
        window(),
        any::<bool>(),
    )
        .prop_map(
            |(parties, categories, (starts_at, ends_at), open_ended)| Agreement {
                parties,
                categories,
                starts_at,
                ends_at: (!open_ended).then_some(ends_at),
            },
        );
    let member = (
        proptest::sample::select(g.users.clone()),
        proptest::sample::select(g.parties.iter().map(|p| p.party).collect::<Vec<_>>()),
        proptest::sample::select(CaseRole::ALL.to_vec()),
    )
        .prop_map(|(user, party, role)| TeamMember { user, party, role });
    (
        proptest::sample::select(g.parties.clone()),
        proptest::collection::vec(member, 0..6),
        proptest::collection::vec(consent, 0..5),
        proptest::collection::vec(agreement, 0..3),
        any::<bool>(),
        proptest::collection::vec(
            proptest::sample::select(g.parties.iter().map(|p| p.party).collect::<Vec<_>>()),
            0..3,
        ),
    )
        .prop_map(
            |(lead, team, consents, agreements, require_agreement, referred)| CaseAccess {
                lead,
                team,
                consents,
                agreements,
                legal_bases: Vec::new(),
                emergency: Vec::new(),
                rules: SharingRules { require_agreement },
                referred,
            },
        )
}

/// The rule for one category, stated directly.
fn reference_sees(access: &CaseAccess, v: &Viewer, c: DataCategory) -> Option<bool> {
    let member = access
        .team
        .iter()
        .any(|m| m.user == v.user && m.party == v.at.party);
    let police = v.role == Role::PoliceLiaison;
    // Off the team, a live referral to one's organization (never police) reads what
    // consent covers, like a member from there.
    let referred = !police && access.referred.contains(&v.at.party);
    if !member && !referred {
        return None;
    }
    if member && v.at.party == access.lead.party && !police {
        return Some(true);
    }
    let names = |r: &Recipient, p: PartyFacts| match r {
        Recipient::Party(party) => *party == p.party,
        Recipient::Sector(s) => p.sector == Some(*s),
    };
    let consented = access.consents.iter().any(|k| {
        let purpose_fits = if police {
            k.purpose == Purpose::PoliceDisclosure
        } else {
            matches!(
                k.purpose,
                Purpose::Services | Purpose::Referral | Purpose::Sharing
            )
        };
        purpose_fits
            && k.given_at <= NOW
            && NOW < k.expires_at
            && k.withdrawn_at.is_none_or(|w| NOW < w)
            && k.recipients.iter().any(|r| names(r, v.at))
            && k.categories.contains(c)
    });
    let agreed = !access.rules.require_agreement
        || access.agreements.iter().any(|a| {
            a.starts_at <= NOW
                && a.ends_at.is_none_or(|e| NOW < e)
                && a.parties.iter().any(|r| names(r, access.lead))
                && a.parties.iter().any(|r| names(r, v.at))
                && a.categories.contains(c)
        });
    Some(consented && agreed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_member_sees_exactly_the_covered_categories(
        (g, access, who, party, police) in Just(small_world()).prop_flat_map(|g| {
            let users = g.users.clone();
            let parties = g.parties.clone();
            (Just(g.clone()), case_access(g), proptest::sample::select(users),
             proptest::sample::select(parties), any::<bool>())
        })
    ) {
        let _ = g;
        let role = if police { Role::PoliceLiaison } else { Role::Caseworker };
        let v = Viewer { user: who, role, at: party };
        let disclosure = access.disclosed(&v, NOW);
        // Consents alone: nothing is ever disclosed without one.
        prop_assert!(disclosure.is_none_or(|d| d.without_consent.is_empty()));
        let got = disclosure.map(|d| d.categories);
        for c in DataCategory::ALL {
            let expected = reference_sees(&access, &v, *c);
            prop_assert_eq!(got.map(|set| set.contains(*c)), expected, "category {}", c);
        }
    }
}

/// A referral to an organization off the team: what it may carry, and what its intake reads
/// while the referral is live.
#[test]
fn a_referral_carries_what_consent_to_be_referred_covers() {
    use mosaique_domain::case::{ConsentForm, ConsentProblem, NewConsent};
    let w = world();
    let outside = PartyFacts {
        party: Party::Organization(OrgId::new()),
        sector: Some(Sector::Community),
    };
    let to = Recipient::Party(outside.party);
    let notes = cats(&[DataCategory::Notes, DataCategory::Contact]);
    // Only a consent to be referred (or to receive services) lets a referral go there.
    let sharing = access(&w, vec![consent(Purpose::Sharing, to, notes)]);
    assert_eq!(sharing.referral_consent(outside, NOW), None);
    let mut referral = access(&w, vec![consent(Purpose::Referral, to, notes)]);
    assert_eq!(referral.referral_consent(outside, NOW), Some(notes));
    // Its intake reads nothing until a referral is live, then what consent covers.
    let intake = Viewer {
        user: UserId::new(),
        role: Role::Caseworker,
        at: outside,
    };
    assert_eq!(referral.disclosed(&intake, NOW), None);
    referral.referred = vec![outside.party];
    let seen = referral.disclosed(&intake, NOW).unwrap();
    assert_eq!(seen.relation, Relation::Referred);
    assert_eq!(seen.categories, notes);
    // Police of that organization read nothing through it.
    let officer = Viewer {
        role: Role::PoliceLiaison,
        ..intake
    };
    assert_eq!(referral.disclosed(&officer, NOW), None);
    // A consent to be referred may name an organization off the case; another may not.
    let new = |purpose| NewConsent {
        purpose,
        recipients: vec![to],
        categories: notes,
        form: ConsentForm::Written,
        witness: None,
        given_at: at(-DAY),
        expires_at: at(DAY),
    };
    let empty = access(&w, Vec::new());
    assert_eq!(
        new(Purpose::Referral).validate(&empty, w.lead_worker, NOW),
        Ok(())
    );
    assert_eq!(
        new(Purpose::Sharing).validate(&empty, w.lead_worker, NOW),
        Err(vec![ConsentProblem::RecipientOutsideCase])
    );
}
