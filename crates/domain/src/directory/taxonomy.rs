//! Mosaïque's open bilingual service taxonomy (`data/taxonomy.toml`, CC BY 4.0): the twelve
//! service domains and their finer terms, mapped to Open Eligibility where a term exists.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::ServiceDomain;
use crate::screening::Text;

const SOURCE: &str = include_str!("../../data/taxonomy.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyInfo {
    pub id: String,
    pub version: u32,
    pub name: Text,
    pub description: Text,
    pub uri: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub code: String,
    /// Empty for the twelve domains.
    pub parent: String,
    pub name: Text,
    pub description: Text,
    #[serde(default)]
    pub open_eligibility: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    pub taxonomy: TaxonomyInfo,
    pub terms: Vec<Term>,
}

/// The shipped taxonomy, parsed once. Its shape is checked by this module's tests.
pub fn taxonomy() -> &'static Taxonomy {
    static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
    TAXONOMY.get_or_init(|| {
        toml::from_str(SOURCE).unwrap_or_else(|_| Taxonomy {
            taxonomy: TaxonomyInfo {
                id: "mosaique-services".into(),
                version: 0,
                name: Text {
                    fr: String::new(),
                    en: String::new(),
                },
                description: Text {
                    fr: String::new(),
                    en: String::new(),
                },
                uri: String::new(),
            },
            terms: Vec::new(),
        })
    })
}

impl Taxonomy {
    pub fn term(&self, code: &str) -> Option<&Term> {
        self.terms.iter().find(|t| t.code == code)
    }

    /// The finer terms of a domain, in file order.
    pub fn terms_of(&self, domain: ServiceDomain) -> impl Iterator<Item = &Term> {
        self.terms.iter().filter(move |t| t.parent == domain.key())
    }

    /// The domain a term belongs to (a domain's own code is itself).
    pub fn domain_of(&self, code: &str) -> Option<ServiceDomain> {
        let term = self.term(code)?;
        let key = if term.parent.is_empty() {
            &term.code
        } else {
            &term.parent
        };
        key.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domains_are_the_top_level_and_every_term_has_one() {
        let t = taxonomy();
        assert!(t.taxonomy.version >= 1, "taxonomy.toml parses");
        let top: Vec<&str> = t
            .terms
            .iter()
            .filter(|t| t.parent.is_empty())
            .map(|t| t.code.as_str())
            .collect();
        let domains: Vec<&str> = ServiceDomain::ALL.iter().map(|d| d.key()).collect();
        assert_eq!(top, domains);
        let mut codes = std::collections::BTreeSet::new();
        for term in &t.terms {
            assert!(codes.insert(term.code.as_str()), "{} twice", term.code);
            assert!(t.domain_of(&term.code).is_some(), "{}", term.code);
            assert!(!term.name.fr.is_empty() && !term.name.en.is_empty());
        }
        for d in ServiceDomain::ALL {
            assert!(t.terms_of(*d).count() >= 4, "{d}");
        }
        assert_eq!(
            t.domain_of("emergency_shelter"),
            Some(ServiceDomain::ImmediateSafety)
        );
    }
}
