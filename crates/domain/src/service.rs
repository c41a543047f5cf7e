//! The service domains a person can be routed to: the twelve keys shared by the directory,
//! the screening tool and, later, referrals.

use crate::vocabulary::vocabulary;

vocabulary!(
    /// A service domain. Immediate safety comes first: it is always the first route.
    ServiceDomain, "domain" {
        ImmediateSafety => "immediate_safety",
        HousingShortTerm => "housing_short_term",
        HousingLongTerm => "housing_long_term",
        Health => "health",
        MaterialNeeds => "material_needs",
        PsychologicalSupport => "psychological_support",
        YouthProtection => "youth_protection",
        Immigration => "immigration",
        Work => "work",
        LegalAid => "legal_aid",
        SpiritualSupport => "spiritual_support",
        Education => "education",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for d in ServiceDomain::ALL {
            assert_eq!(d.key().parse::<ServiceDomain>(), Ok(*d));
        }
        assert_eq!(ServiceDomain::ALL.len(), 12);
        assert!("housing".parse::<ServiceDomain>().is_err());
    }
}
