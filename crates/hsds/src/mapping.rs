//! Other directories' classifications, mapped to Mosaïque's domains and finer terms.
//!
//! A mapping is a TOML file of rules: the committed defaults (`data/mapping.toml`: 211 /
//! AIRS codes from public sources, plus every Open Eligibility name and every name of our own
//! terms, taken from the taxonomy itself), to which an import can add a coalition's own file
//! (`--mapping`), whose rules come first. A service's attribute is matched by its term's code
//! (exactly, then by the longest mapped prefix of a hierarchical code such as 211's
//! `BH-1800.8500-180`), then by its term's name in either language, case and accents ignored.

use std::collections::HashMap;

use mosaique_domain::ServiceDomain;
use mosaique_domain::directory::taxonomy::taxonomy;
use mosaique_domain::text::fold;
use serde::Deserialize;

const DEFAULTS: &str = include_str!("../data/mapping.toml");

/// Where a mapped term goes: a domain, and one of our finer terms when one is equivalent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub domain: ServiceDomain,
    pub term: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    codes: Vec<CodeRule>,
    #[serde(default)]
    names: Vec<NameRule>,
}

/// A code of another taxonomy (`BH-1800`), with its published name and source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRule {
    code: String,
    #[serde(default)]
    name: Option<String>,
    domain: String,
    #[serde(default)]
    term: Option<String>,
    #[serde(default)]
    source: Option<String>,
}

/// A term name, in any language (`Emergency Shelter`, `Hébergement d'urgence`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NameRule {
    name: String,
    domain: String,
    #[serde(default)]
    term: Option<String>,
}

/// A rule that cannot be applied, named for the person who wrote the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingProblem {
    #[error("not a valid mapping file: {0}")]
    Syntax(String),
    #[error("{rule}: {domain:?} is not a service domain")]
    UnknownDomain { rule: String, domain: String },
    #[error("{rule}: {term:?} is not a term of the Mosaïque taxonomy")]
    UnknownTerm { rule: String, term: String },
    #[error("{rule}: the term {term:?} belongs to the domain {belongs_to}, not {domain}")]
    TermOutsideDomain {
        rule: String,
        term: String,
        domain: String,
        belongs_to: String,
    },
}

impl MappingProblem {
    /// The Fluent message id (`hsds-mapping-…`) and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            MappingProblem::Syntax(detail) => {
                ("hsds-mapping-syntax", vec![("detail", detail.clone())])
            }
            MappingProblem::UnknownDomain { rule, domain } => (
                "hsds-mapping-domain",
                vec![("rule", rule.clone()), ("domain", domain.clone())],
            ),
            MappingProblem::UnknownTerm { rule, term } => (
                "hsds-mapping-term",
                vec![("rule", rule.clone()), ("term", term.clone())],
            ),
            MappingProblem::TermOutsideDomain {
                rule,
                term,
                domain,
                belongs_to,
            } => (
                "hsds-mapping-term-domain",
                vec![
                    ("rule", rule.clone()),
                    ("term", term.clone()),
                    ("domain", domain.clone()),
                    ("belongs_to", belongs_to.clone()),
                ],
            ),
        }
    }
}

/// The rules, ready to match.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// By code, as written (codes are case-sensitive identifiers).
    codes: HashMap<String, Target>,
    /// By folded name; a name may stand for several of our terms.
    names: HashMap<String, Vec<Target>>,
}

impl Mapping {
    /// The committed defaults: 211 codes, Open Eligibility names, our own terms' names.
    pub fn defaults() -> Mapping {
        // The committed file is checked by `the_committed_mapping_is_valid`.
        let mut mapping = Mapping::parse(DEFAULTS).unwrap_or_default();
        for term in &taxonomy().terms {
            let Some(domain) = taxonomy().domain_of(&term.code) else {
                continue;
            };
            let target = Target {
                domain,
                term: (term.code != domain.key()).then(|| term.code.clone()),
            };
            for name in term
                .open_eligibility
                .iter()
                .chain([&term.name.fr, &term.name.en])
            {
                mapping.add_name(name, target.clone());
            }
        }
        mapping
    }

    /// A mapping file, every problem named.
    pub fn parse(text: &str) -> Result<Mapping, Vec<MappingProblem>> {
        let file: MappingFile =
            toml::from_str(text).map_err(|e| vec![MappingProblem::Syntax(e.to_string())])?;
        let mut problems = Vec::new();
        let mut mapping = Mapping::default();
        for (n, rule) in file.codes.iter().enumerate() {
            let label = format!("codes[{n}] ({})", rule.code);
            if let Some(target) = target(&label, &rule.domain, rule.term.as_deref(), &mut problems)
            {
                mapping.codes.insert(rule.code.trim().to_owned(), target);
            }
            // Names and sources are for the reader of the file.
            let _ = (&rule.name, &rule.source);
        }
        for (n, rule) in file.names.iter().enumerate() {
            let label = format!("names[{n}] ({})", rule.name);
            if let Some(target) = target(&label, &rule.domain, rule.term.as_deref(), &mut problems)
            {
                mapping.add_name(&rule.name, target);
            }
        }
        if problems.is_empty() {
            Ok(mapping)
        } else {
            Err(problems)
        }
    }

    /// `first`'s rules before these: a coalition's own file over the defaults.
    pub fn over(mut self, first: Mapping) -> Mapping {
        self.codes.extend(first.codes);
        for (name, targets) in first.names {
            self.names.insert(name, targets);
        }
        self
    }

    /// The domain a service's own words suggest, for an administrator to confirm: each known
    /// term name whose words all appear in the texts counts for its domains, longer names
    /// more; the domain with the most wins (none when no name appears).
    pub fn suggest(&self, texts: &[&str]) -> Option<ServiceDomain> {
        let words: std::collections::HashSet<String> = texts
            .iter()
            .flat_map(|t| {
                fold(t)
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w.len() > 2)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut votes: HashMap<ServiceDomain, usize> = HashMap::new();
        for (name, targets) in &self.names {
            let name_words: Vec<&str> = name
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 2)
                .collect();
            if name_words.is_empty() || !name_words.iter().all(|w| words.contains(*w)) {
                continue;
            }
            for target in targets {
                *votes.entry(target.domain).or_default() += name_words.len();
            }
        }
        // Ties go to the domain listed first.
        ServiceDomain::ALL
            .iter()
            .enumerate()
            .filter_map(|(i, d)| votes.get(d).map(|n| (*d, *n, i)))
            .max_by_key(|(_, n, i)| (*n, std::cmp::Reverse(*i)))
            .map(|(d, _, _)| d)
    }

    fn add_name(&mut self, name: &str, target: Target) {
        let key = fold(name.trim());
        if key.is_empty() {
            return;
        }
        let targets = self.names.entry(key).or_default();
        if !targets.contains(&target) {
            targets.push(target);
        }
    }

    /// Where another taxonomy's term goes: by its code exactly, then by its name, then —
    /// for a code shaped as 211's (`BH-1800.8500-180`) — by the longest mapped code it falls
    /// under. Nothing when no rule places it: a coalition's own `LOG-01` is never taken for
    /// 211's `L`.
    pub fn find(&self, code: &str, name: &str) -> Vec<Target> {
        let code = code.trim();
        if let Some(target) = self.codes.get(code) {
            return vec![target.clone()];
        }
        if let Some(targets) = self.names.get(&fold(name.trim())) {
            return targets.clone();
        }
        if !is_211_code(code) {
            return Vec::new();
        }
        // 211 codes grow by `.` and `-` segments: BH-1800.8500-180 is under BH-1800.8500,
        // under BH-1800, under BH, under B.
        let mut prefix = code;
        while let Some(cut) = prefix.rfind(['.', '-']) {
            prefix = &prefix[..cut];
            if let Some(target) = self.codes.get(prefix) {
                return vec![target.clone()];
            }
        }
        match self.codes.get(&prefix[..1]) {
            Some(target) if prefix.len() == 2 => vec![target.clone()],
            _ => Vec::new(),
        }
    }
}

/// Whether a code has the shape of a 211 / AIRS code: one or two capital letters, then
/// optionally `-` and four digits, `.` and four digits, `-` and three or four digits.
fn is_211_code(code: &str) -> bool {
    let digits =
        |s: &str, n: &[usize]| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let (level, rest) = code
        .split_once('-')
        .map_or((code, None), |(l, r)| (l, Some(r)));
    if !(1..=2).contains(&level.len()) || !level.bytes().all(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let Some(rest) = rest else {
        return true;
    };
    let (four, rest) = rest
        .split_once('.')
        .map_or((rest, None), |(a, b)| (a, Some(b)));
    if !digits(four, &[4]) {
        return false;
    }
    let Some(rest) = rest else {
        return true;
    };
    let (four, last) = rest
        .split_once('-')
        .map_or((rest, None), |(a, b)| (a, Some(b)));
    digits(four, &[4]) && last.is_none_or(|l| digits(l, &[3, 4]))
}

fn target(
    rule: &str,
    domain: &str,
    term: Option<&str>,
    problems: &mut Vec<MappingProblem>,
) -> Option<Target> {
    let Ok(domain) = domain.parse::<ServiceDomain>() else {
        problems.push(MappingProblem::UnknownDomain {
            rule: rule.to_owned(),
            domain: domain.to_owned(),
        });
        return None;
    };
    let term = match term {
        None | Some("") => None,
        Some(term) => match taxonomy().domain_of(term) {
            None => {
                problems.push(MappingProblem::UnknownTerm {
                    rule: rule.to_owned(),
                    term: term.to_owned(),
                });
                return None;
            }
            Some(belongs_to) if belongs_to != domain => {
                problems.push(MappingProblem::TermOutsideDomain {
                    rule: rule.to_owned(),
                    term: term.to_owned(),
                    domain: domain.key().to_owned(),
                    belongs_to: belongs_to.key().to_owned(),
                });
                return None;
            }
            Some(_) => (term != domain.key()).then(|| term.to_owned()),
        },
    };
    Some(Target { domain, term })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_mapping_is_valid() {
        if let Err(problems) = Mapping::parse(DEFAULTS) {
            panic!("{problems:?}");
        }
    }

    #[test]
    fn codes_match_exactly_then_by_prefix_then_names_in_either_language() {
        let own = Mapping::parse(
            r#"
[[codes]]
code = "ZZ-1000"
domain = "work"
[[codes]]
code = "ZZ-1000.5000"
domain = "legal_aid"
[[names]]
name = "Cours de francisation"
domain = "education"
"#,
        )
        .expect("valid");
        let mapping = Mapping::defaults().over(own);
        let domain = |code: &str, name: &str| -> Vec<ServiceDomain> {
            mapping.find(code, name).iter().map(|t| t.domain).collect()
        };
        assert_eq!(domain("ZZ-1000.5000", ""), [ServiceDomain::LegalAid]);
        assert_eq!(domain("ZZ-1000.5000-200", ""), [ServiceDomain::LegalAid]);
        assert_eq!(domain("ZZ-1000.7000", ""), [ServiceDomain::Work]);
        assert_eq!(
            domain("", "cours de FRANCISATION"),
            [ServiceDomain::Education]
        );
        // Our own terms, by either name; Open Eligibility's names.
        let shelter = mapping.find("", "Emergency shelter");
        assert!(
            shelter
                .iter()
                .any(|t| t.term.as_deref() == Some("emergency_shelter")),
            "{shelter:?}"
        );
        assert!(!mapping.find("", "Help Hotlines").is_empty());
        assert!(mapping.find("QQ-9", "Nothing we know").is_empty());
        // A coalition's own code is not a 211 code: `LOG-01` is not 211's `L` (health),
        // nor `HEB-2` its `H`.
        for own in ["LOG-01", "HEB-2", "REF", "FAM-3", "L01", "l"] {
            assert!(mapping.find(own, "Nothing we know").is_empty(), "{own}");
        }
        assert!(is_211_code("BH-1800.8500-180") && is_211_code("B") && is_211_code("LV"));
        assert!(!is_211_code("BH-18") && !is_211_code("BH-1800.85") && !is_211_code("É"));
    }

    #[test]
    fn a_services_words_suggest_a_domain() {
        let mapping = Mapping::defaults();
        // Our own terms' names, in either language, in a longer text.
        assert_eq!(
            mapping.suggest(&["Free LEGAL AID for workers", ""]),
            Some(ServiceDomain::LegalAid)
        );
        assert_eq!(
            mapping.suggest(&["", "Cours de francisation le soir"]),
            Some(ServiceDomain::Education)
        );
        assert_eq!(mapping.suggest(&["Zzz qqq"]), None);
    }

    #[test]
    fn bad_rules_are_named() {
        let problems = Mapping::parse(
            r#"
[[codes]]
code = "A"
domain = "housing"
[[names]]
name = "x"
domain = "work"
term = "emergency_shelter"
[[names]]
name = "y"
domain = "work"
term = "no_such_term"
"#,
        )
        .expect_err("refused");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(matches!(problems[0], MappingProblem::UnknownDomain { .. }));
        assert!(matches!(
            problems[1],
            MappingProblem::TermOutsideDomain { .. }
        ));
        assert!(matches!(problems[2], MappingProblem::UnknownTerm { .. }));
        assert!(matches!(
            Mapping::parse("codes = 3"),
            Err(ref p) if matches!(p[0], MappingProblem::Syntax(_))
        ));
    }
}
