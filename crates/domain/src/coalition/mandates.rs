//! "Who does what" in a coalition: each member organization's mandates (what it says it does
//! in the coalition) beside the service domains of the services it offers, and the gaps —
//! the mandates no member holds and the domains no member serves — so that every member's
//! role is clear and what nobody covers shows.

use crate::{Bilingual, Mandate, OrgId, Sector, ServiceDomain};

/// One member organization's work, as the directory holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberWork {
    pub member: OrgId,
    pub name: Bilingual<String>,
    pub sector: Option<Sector>,
    pub mandates: Vec<Mandate>,
    /// Mandates in its own words, beyond the vocabulary.
    pub mandates_other: String,
    /// The domains of its active services, each once, in the vocabulary's order.
    pub domains: Vec<ServiceDomain>,
}

/// What no member covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gaps {
    pub mandates: Vec<Mandate>,
    pub domains: Vec<ServiceDomain>,
}

/// The mandates no member holds and the service domains no member serves, in their
/// vocabularies' order.
pub fn gaps(work: &[MemberWork]) -> Gaps {
    Gaps {
        mandates: Mandate::ALL
            .iter()
            .copied()
            .filter(|m| !work.iter().any(|w| w.mandates.contains(m)))
            .collect(),
        domains: ServiceDomain::ALL
            .iter()
            .copied()
            .filter(|d| !work.iter().any(|w| w.domains.contains(d)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_no_member_covers_is_a_gap() {
        let work = |mandates: Vec<Mandate>, domains: Vec<ServiceDomain>| MemberWork {
            member: OrgId::new(),
            name: Bilingual::default(),
            sector: None,
            mandates,
            mandates_other: String::new(),
            domains,
        };
        let all_but_one_mandate: Vec<Mandate> = Mandate::ALL[1..].to_vec();
        let all_but_last_domain: Vec<ServiceDomain> =
            ServiceDomain::ALL[..ServiceDomain::ALL.len() - 1].to_vec();
        let members = [
            work(all_but_one_mandate, Vec::new()),
            work(Vec::new(), all_but_last_domain),
        ];
        let g = gaps(&members);
        assert_eq!(g.mandates, vec![Mandate::ALL[0]]);
        assert_eq!(
            g.domains,
            vec![ServiceDomain::ALL[ServiceDomain::ALL.len() - 1]]
        );
        let none = gaps(&[]);
        assert_eq!(none.mandates.len(), Mandate::ALL.len());
        assert_eq!(none.domains.len(), ServiceDomain::ALL.len());
    }
}
