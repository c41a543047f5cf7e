//! A deterministic synthetic national directory, for benchmarks and load tests: bilingual
//! organizations, locations and services spread over Canadian places by population. The
//! same seed gives the same directory on every machine. Nothing here is real.

use crate::directory::geo::Point;
use crate::directory::places::{Place, gazetteer};
use crate::directory::schedule::{Day, Hours, Schedule};
use crate::directory::taxonomy::taxonomy;
use crate::service::{
    Access, Cost, Eligibility, GenderServed, NewLocation, NewService, ServiceArea, ServiceAreaKind,
    ServiceStatus,
};
use crate::{Bilingual, Level, NewOrganization, Province, Sector, ServiceDomain};

/// SplitMix64: small, fast, and the same everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One synthetic organization with its locations and services (locations referenced by
/// index into `locations`).
#[derive(Debug, Clone)]
pub struct SyntheticOrganization {
    pub organization: NewOrganization,
    pub locations: Vec<NewLocation>,
    pub services: Vec<(NewService, Vec<usize>)>,
}

const KINDS_FR: [&str; 10] = [
    "Centre",
    "Maison",
    "Réseau",
    "Collectif",
    "Clinique",
    "Association",
    "Regroupement",
    "Service",
    "Carrefour",
    "Alliance",
];
const KINDS_EN: [&str; 10] = [
    "Centre",
    "House",
    "Network",
    "Collective",
    "Clinic",
    "Association",
    "Coalition",
    "Service",
    "Hub",
    "Alliance",
];
const THEMES_FR: [&str; 8] = [
    "d’entraide",
    "pour femmes",
    "jeunesse",
    "des travailleuses et travailleurs",
    "d’accueil des nouveaux arrivants",
    "de santé communautaire",
    "juridique populaire",
    "de soutien",
];
const THEMES_EN: [&str; 8] = [
    "for Mutual Aid",
    "for Women",
    "for Youth",
    "for Workers",
    "for Newcomers",
    "for Community Health",
    "for Legal Help",
    "for Support",
];

/// Per domain: French and English service names, and a description phrase.
fn templates(
    domain: ServiceDomain,
) -> (
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    &'static str,
) {
    use ServiceDomain as D;
    match domain {
        D::ImmediateSafety => (
            &[
                "Ligne d’urgence",
                "Accompagnement de crise",
                "Plan de sécurité",
            ],
            &["Crisis line", "Crisis accompaniment", "Safety planning"],
            "Aide immédiate, jour et nuit, pour une personne en danger.",
            "Immediate help, day and night, for a person in danger.",
        ),
        D::HousingShortTerm => (
            &["Hébergement d’urgence", "Lits de nuit", "Refuge temporaire"],
            &["Emergency shelter", "Night beds", "Temporary refuge"],
            "Un lit sûr le soir même, repas et accompagnement.",
            "A safe bed the same night, meals and support.",
        ),
        D::HousingLongTerm => (
            &[
                "Logement de transition",
                "Appartements supervisés",
                "Aide à la recherche de logement",
            ],
            &[
                "Transitional housing",
                "Supervised apartments",
                "Housing search help",
            ],
            "Un logement stable et un suivi pour reprendre pied.",
            "Stable housing and follow-up to get back on one’s feet.",
        ),
        D::Health => (
            &[
                "Clinique de santé",
                "Soins de santé sexuelle",
                "Services en dépendance",
            ],
            &["Health clinic", "Sexual health care", "Addiction services"],
            "Soins de santé sans jugement, avec ou sans carte d’assurance maladie.",
            "Non-judgemental health care, with or without a health card.",
        ),
        D::MaterialNeeds => (
            &[
                "Banque alimentaire",
                "Vêtements et produits de base",
                "Aide financière d’urgence",
            ],
            &[
                "Food bank",
                "Clothing and basics",
                "Emergency financial help",
            ],
            "Nourriture, vêtements et biens de première nécessité.",
            "Food, clothing and essentials.",
        ),
        D::PsychologicalSupport => (
            &[
                "Soutien psychologique",
                "Groupe d’entraide",
                "Thérapie post-traumatique",
            ],
            &[
                "Psychological support",
                "Peer support group",
                "Trauma therapy",
            ],
            "Écoute, soutien et suivi psychologique.",
            "Listening, support and counselling.",
        ),
        D::YouthProtection => (
            &[
                "Hébergement jeunesse",
                "Intervention jeunesse",
                "Travail de rue jeunesse",
            ],
            &[
                "Youth shelter",
                "Youth intervention",
                "Youth street outreach",
            ],
            "Pour les jeunes de 12 à 17 ans, en lien avec la protection de la jeunesse.",
            "For young people aged 12 to 17, working with youth protection.",
        ),
        D::Immigration => (
            &[
                "Clinique d’immigration",
                "Accompagnement pour le permis de séjour",
                "Accueil des personnes réfugiées",
            ],
            &[
                "Immigration clinic",
                "Temporary resident permit support",
                "Refugee welcome",
            ],
            "Information et accompagnement juridique en immigration, quel que soit le statut.",
            "Immigration information and legal support, whatever the status.",
        ),
        D::Work => (
            &[
                "Droits du travail",
                "Aide à l’emploi",
                "Plaintes en normes du travail",
            ],
            &[
                "Labour rights",
                "Employment help",
                "Labour standards complaints",
            ],
            "Salaire impayé, heures excessives, recrutement frauduleux : défendre ses droits.",
            "Unpaid wages, excessive hours, fraudulent recruitment: standing up for one’s rights.",
        ),
        D::LegalAid => (
            &[
                "Aide juridique",
                "Accompagnement à la cour",
                "Indemnisation des personnes",
            ],
            &["Legal aid", "Court accompaniment", "Compensation support"],
            "Conseils juridiques gratuits et accompagnement dans les démarches.",
            "Free legal advice and support through the process.",
        ),
        D::SpiritualSupport => (
            &[
                "Accompagnement spirituel",
                "Écoute interconfessionnelle",
                "Soutien communautaire",
            ],
            &[
                "Spiritual care",
                "Interfaith listening",
                "Community support",
            ],
            "Sur demande, dans le respect des croyances de chaque personne.",
            "On request, respecting each person’s beliefs.",
        ),
        D::Education => (
            &[
                "Francisation",
                "Formation professionnelle",
                "Raccrochage scolaire",
            ],
            &["French classes", "Job training", "Back to school"],
            "Cours et formation pour bâtir son avenir.",
            "Classes and training to build one’s future.",
        ),
    }
}

fn zone(province: Province) -> &'static str {
    match province {
        Province::Nl => "America/St_Johns",
        Province::Ns | Province::Nb | Province::Pe => "America/Halifax",
        Province::Mb => "America/Winnipeg",
        Province::Sk => "America/Regina",
        Province::Ab | Province::Nt => "America/Edmonton",
        Province::Bc | Province::Yt => "America/Vancouver",
        _ => "America/Toronto",
    }
}

/// A place drawn with probability proportional to population (cumulative table).
struct Places<'a> {
    places: Vec<&'a Place>,
    cumulative: Vec<u64>,
}

impl<'a> Places<'a> {
    fn new() -> Places<'a> {
        let places: Vec<&Place> = gazetteer().places().iter().collect();
        let mut total = 0;
        let cumulative = places
            .iter()
            .map(|p| {
                total += p.population.max(500);
                total
            })
            .collect();
        Places { places, cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> &'a Place {
        let total = *self.cumulative.last().unwrap_or(&1);
        let x = rng.next_u64() % total.max(1);
        let i = self.cumulative.partition_point(|c| *c <= x);
        self.places[i.min(self.places.len() - 1)]
    }
}

/// `organizations` organizations with `services` services in all, deterministic in `seed`.
pub fn directory(seed: u64, organizations: usize, services: usize) -> Vec<SyntheticOrganization> {
    let mut rng = Rng::new(seed);
    let places = Places::new();
    let tax = taxonomy();
    let mut out = Vec::with_capacity(organizations);
    for n in 0..organizations {
        // Spread the services evenly, the remainder on the first organizations.
        let count =
            services / organizations.max(1) + usize::from(n < services % organizations.max(1));
        let place = places.draw(&mut rng);
        let kind = rng.below(KINDS_FR.len());
        let theme = rng.below(THEMES_FR.len());
        let organization = NewOrganization {
            slug: format!("synthetique-{n:06}"),
            name: Bilingual::new(
                format!(
                    "{} {} de {} {n}",
                    KINDS_FR[kind], THEMES_FR[theme], place.name
                ),
                format!(
                    "{} {} of {} {n}",
                    place.name, KINDS_EN[kind], THEMES_EN[theme]
                ),
            ),
            description: Bilingual::new(
                format!(
                    "Organisme fictif de {} ({}).",
                    place.name,
                    place.province.key()
                ),
                format!(
                    "Fictitious organization in {} ({}).",
                    place.name,
                    place.province.key()
                ),
            ),
            province: Some(place.province),
            level: Some(*rng.pick(&[Level::Local, Level::Municipal, Level::Regional])),
            sector: Some(*rng.pick(Sector::ALL)),
            founded_year: None,
            is_coalition: false,
            source: "synthetic".into(),
            details: Default::default(),
        };
        let site_count = 1 + usize::from(rng.chance(0.3));
        let locations: Vec<NewLocation> = (0..site_count)
            .map(|i| {
                let jitter = |rng: &mut Rng| (rng.below(2001) as f64 - 1000.0) / 40_000.0;
                let (dlat, dlon) = (jitter(&mut rng), jitter(&mut rng));
                NewLocation {
                    name: Bilingual::new(
                        format!("Point de service {}", i + 1),
                        format!("Service point {}", i + 1),
                    ),
                    address: format!("{}, rue Synthétique", 10 + rng.below(9000)),
                    city: place.name.clone(),
                    province: place.province,
                    postal_code: String::new(),
                    point: Point::new(place.point.lat + dlat, place.point.lon + dlon),
                    confidential: rng.chance(0.12),
                }
            })
            .collect();
        let mut org_services = Vec::with_capacity(count);
        for _ in 0..count {
            let domain = *rng.pick(ServiceDomain::ALL);
            let mut domains = vec![domain];
            if rng.chance(0.3) {
                let extra = *rng.pick(ServiceDomain::ALL);
                if extra != domain {
                    domains.push(extra);
                }
            }
            let (names_fr, names_en, phrase_fr, phrase_en) = templates(domain);
            let which = rng.below(names_fr.len());
            let terms: Vec<String> = domains
                .iter()
                .filter_map(|d| {
                    let candidates: Vec<_> = tax.terms_of(*d).collect();
                    (!candidates.is_empty())
                        .then(|| candidates[rng.below(candidates.len())].code.clone())
                })
                .collect();
            let minors = domain == ServiceDomain::YouthProtection || rng.chance(0.1);
            let always_open = matches!(
                domain,
                ServiceDomain::ImmediateSafety | ServiceDomain::HousingShortTerm
            ) || rng.chance(0.1);
            let hours = if always_open {
                Vec::new()
            } else {
                vec![Hours {
                    days: Day::ALL[..5].to_vec(),
                    opens: format!("{:02}:00", 8 + rng.below(3)),
                    closes: format!("{:02}:00", 16 + rng.below(5)),
                }]
            };
            let gender = *rng.pick(&[
                GenderServed::All,
                GenderServed::All,
                GenderServed::All,
                GenderServed::Women,
                GenderServed::Men,
                GenderServed::GenderDiverse,
            ]);
            let service = NewService {
                name: Bilingual::new(
                    format!("{} — {}", names_fr[which], place.name),
                    format!("{} — {}", names_en[which], place.name),
                ),
                description: Bilingual::new(
                    format!("{phrase_fr} Offert à {}.", place.name),
                    format!("{phrase_en} Offered in {}.", place.name),
                ),
                status: if rng.chance(0.03) {
                    ServiceStatus::TemporarilyClosed
                } else {
                    ServiceStatus::Active
                },
                domains,
                terms,
                eligibility: Eligibility {
                    gender,
                    age_min: if minors { None } else { Some(18) },
                    age_max: (domain == ServiceDomain::YouthProtection).then_some(17),
                    minors,
                    substance_use: rng.chance(0.5),
                    any_status: rng.chance(0.5),
                    dedicated: rng.chance(0.15),
                },
                languages: if place.province == Province::Qc || rng.chance(0.3) {
                    vec!["fr".into(), "en".into()]
                } else {
                    vec!["en".into()]
                },
                cost: *rng.pick(&[Cost::Free, Cost::Free, Cost::Free, Cost::SlidingScale]),
                access: if rng.chance(0.2) {
                    Access::ReferralOnly
                } else {
                    Access::SelfReferral
                },
                schedule: Schedule {
                    time_zone: zone(place.province).into(),
                    always_open,
                    hours,
                },
                wait_days: Some(rng.below(30) as u16),
                phone: format!("555-01{:02}", rng.below(100)),
                email: String::new(),
                website: String::new(),
                areas: vec![ServiceArea {
                    kind: ServiceAreaKind::Municipality,
                    code: place.name.clone(),
                }],
            };
            let at: Vec<usize> = if rng.chance(0.1) {
                Vec::new()
            } else {
                vec![rng.below(site_count)]
            };
            org_services.push((service, at));
        }
        out.push(SyntheticOrganization {
            organization,
            locations,
            services: org_services,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_valid_directory() {
        let a = directory(7, 40, 200);
        let b = directory(7, 40, 200);
        assert_eq!(a.len(), 40);
        assert_eq!(a.iter().map(|o| o.services.len()).sum::<usize>(), 200);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.organization, y.organization);
            assert_eq!(x.services.len(), y.services.len());
        }
        for org in &a {
            assert_eq!(org.organization.validate(), Ok(()));
            for (service, _) in &org.services {
                assert_eq!(service.validate(), Ok(()), "{}", service.name.en);
            }
        }
    }
}

/// A synthetic directory as it is stored: fresh ids, organizations, locations (with their
/// Québec region) and services pointing at them, all dated `now`.
#[derive(Debug, Clone)]
pub struct StoredDirectory {
    pub organizations: Vec<crate::Organization>,
    pub locations: Vec<crate::service::Location>,
    pub services: Vec<crate::service::Service>,
}

pub fn stored(
    seed: u64,
    organizations: usize,
    services: usize,
    now: crate::Timestamp,
) -> StoredDirectory {
    use crate::service::{Location, Service};
    use crate::{LocationId, OrgId, Organization, ServiceId};
    let mut out = StoredDirectory {
        organizations: Vec::with_capacity(organizations),
        locations: Vec::new(),
        services: Vec::with_capacity(services),
    };
    for s in directory(seed, organizations, services) {
        let org_id = OrgId::new();
        let o = s.organization;
        out.organizations.push(Organization {
            id: org_id,
            slug: o.slug,
            name: o.name,
            description: o.description,
            province: o.province,
            level: o.level,
            sector: o.sector,
            founded_year: None,
            is_coalition: false,
            source: o.source,
            details: Default::default(),
            created_at: now,
            updated_at: now,
        });
        let ids: Vec<LocationId> = s
            .locations
            .into_iter()
            .map(|l| {
                let id = LocationId::new();
                let region = l
                    .point
                    .filter(|_| l.province == Province::Qc)
                    .and_then(|p| gazetteer().nearest_qc_region(p).map(str::to_owned));
                out.locations
                    .push(Location::new(id, org_id, l, region, now));
                id
            })
            .collect();
        for (n, at) in s.services {
            out.services.push(Service {
                id: ServiceId::new(),
                org_id,
                name: n.name,
                description: n.description,
                status: n.status,
                domains: n.domains,
                terms: n.terms,
                eligibility: n.eligibility,
                languages: n.languages,
                cost: n.cost,
                access: n.access,
                schedule: n.schedule,
                capacity: None,
                wait_days: n.wait_days,
                phone: n.phone,
                email: n.email,
                website: n.website,
                areas: n.areas,
                location_ids: at.into_iter().map(|i| ids[i]).collect(),
                reviewed_at: now,
                created_at: now,
                updated_at: now,
            });
        }
    }
    out
}
