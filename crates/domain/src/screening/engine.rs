//! The rules engine: answers in, observations out. Pure and deterministic, so the same
//! answers to the same instrument version always give the same result.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::instrument::{
    BandGroup, Dimension, ExploitationKind, Instrument, Mode, NON_ANSWERS, Profile, Question,
    Weight,
};
use super::law::Framework;
use crate::ServiceDomain;

/// Stored with every result; bump it whenever a rule below changes meaning.
/// Version 2: safety alert, band minimum `means_noted`, elements not covered by the tool,
/// declined and observed answers named, incomplete results, hidden answers refused.
/// Version 3: needs (`need = true`) offer their domains only, and questions about them do
/// not count toward an incomplete result.
pub const ENGINE_VERSION: u32 = 3;

/// The value recorded for a question that was not put or whose answer was skipped.
pub const NOT_ASKED: &str = "not_asked";

/// An answer the instrument cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("{question:?} is not a question of this instrument")]
    UnknownQuestion { question: String },
    #[error("{question:?} cannot be answered {value:?}")]
    BadValue { question: String, value: String },
    /// An answer to a question that an earlier answer hides: refused rather than dropped,
    /// so the caller learns that it was not taken into account.
    #[error("{question:?} is not asked given the answer to {depends_on:?}")]
    Hidden {
        question: String,
        depends_on: String,
    },
}

/// Checks answers against the instrument: every key a question, every value one it takes.
pub fn check_answers(
    instrument: &Instrument,
    answers: &BTreeMap<String, String>,
) -> Result<(), Vec<AnswerError>> {
    let mut errors = Vec::new();
    for (key, value) in answers {
        match instrument.question(key) {
            None => errors.push(AnswerError::UnknownQuestion {
                question: key.clone(),
            }),
            Some(q) if !q.values().contains(&value.as_str()) => {
                errors.push(AnswerError::BadValue {
                    question: key.clone(),
                    value: value.clone(),
                })
            }
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The questions shown for these answers, in order, each with its effective value (a
/// missing answer is `not_asked`). Hidden questions are left out: their answers, if any,
/// are ignored, and so is anything that depends on them.
pub fn shown_questions<'a>(
    instrument: &'a Instrument,
    answers: &BTreeMap<String, String>,
) -> Vec<(&'a Question, &'a str)> {
    let mut effective: BTreeMap<&str, &str> = BTreeMap::new();
    let mut shown = Vec::new();
    for q in &instrument.file().questions {
        // A question whose condition names a hidden question is hidden too, so a chain of
        // follow-ups closes as a whole.
        let visible = q.shown_if.as_ref().is_none_or(|c| {
            effective
                .get(c.question.as_str())
                .is_some_and(|value| c.shows(value))
        });
        if !visible {
            continue;
        }
        let value = answers
            .get(&q.key)
            .and_then(|v| q.values().into_iter().find(|known| *known == v))
            .unwrap_or(NOT_ASKED);
        effective.insert(&q.key, value);
        shown.push((q, value));
    }
    shown
}

/// The answers to questions still shown: when a changed answer hides its follow-ups, their
/// answers no longer apply and are dropped before they are stored.
pub fn without_hidden(
    instrument: &Instrument,
    answers: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let shown = shown_questions(instrument, answers);
    answers
        .iter()
        .filter(|(key, _)| shown.iter().any(|(q, _)| q.key == **key))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The next question an interview should put: the first shown one with no recorded answer.
pub fn next_question<'a>(
    instrument: &'a Instrument,
    answers: &BTreeMap<String, String>,
) -> Option<&'a Question> {
    shown_questions(instrument, answers)
        .into_iter()
        .map(|(q, _)| q)
        .find(|q| !answers.contains_key(&q.key))
}

/// The band and counts under one profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileOutcome {
    pub profile: Profile,
    pub band: u8,
    pub positive_dimensions: Vec<Dimension>,
    pub strong: u32,
    pub medium_or_stronger: u32,
    pub weighted: u32,
    pub dimensions_noted: u32,
    #[serde(default)]
    pub means_noted: u32,
    #[serde(default)]
    pub exploitation_noted: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementStatus {
    /// At least one indicator noted supports the element.
    Supported,
    /// Nothing noted supports it, but a question that could is unanswered.
    Unknown,
    /// Nothing noted supports it, and every question that could was answered.
    NotNoted,
    /// Not required for a minor (Palermo art. 3(c)).
    NotRequired,
    /// The framework does not apply: s. 279.011 for a person known to be an adult.
    NotApplicable,
    /// No question of this instrument can support it: the tool says nothing either way.
    NotCovered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElementCoverage {
    pub element: String,
    pub status: ElementStatus,
    /// The noted indicators that support it.
    pub indicators: Vec<String>,
    /// Unanswered questions that could support it.
    pub open_questions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkCoverage {
    pub framework: Framework,
    pub elements: Vec<ElementCoverage>,
}

/// What the engine observed. It holds no conclusion: only indicators, a level of concern
/// (the band), a safety alert and the domains to offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub engine_version: u32,
    /// 0 to 3; the safety alert overrides it.
    pub band: u8,
    pub safety_alert: bool,
    /// Under 18, or age not known.
    pub possibly_minor: bool,
    pub profiles: Vec<ProfileOutcome>,
    /// Noted indicators, in instrument order.
    pub indicators: Vec<String>,
    /// What the person asks for (the instrument's needs), in instrument order: each offers
    /// its domains and nothing else.
    #[serde(default)]
    pub asked_for: Vec<String>,
    pub safety_triggers: Vec<String>,
    pub elements: Vec<FrameworkCoverage>,
    pub domains: Vec<ServiceDomain>,
    /// The effective answer of every shown question.
    pub answers: BTreeMap<String, String>,
    pub shown: usize,
    pub unanswered: usize,
    /// Questions the person preferred not to answer, in instrument order.
    #[serde(default)]
    pub declined: Vec<String>,
    /// Noted indicators that come from the worker's own observation, not from an answer.
    #[serde(default)]
    pub observed: Vec<String>,
    /// Most shown questions have no answer: the result cannot exclude anything.
    #[serde(default)]
    pub incomplete: bool,
}

impl Evaluation {
    /// Elements with support, as `framework.element`.
    pub fn supported_elements(&self) -> BTreeSet<String> {
        self.elements
            .iter()
            .flat_map(|f| {
                f.elements
                    .iter()
                    .filter(|e| e.status == ElementStatus::Supported)
                    .map(move |e| format!("{}.{}", f.framework.key(), e.element))
            })
            .collect()
    }
}

/// Evaluates answers with an instrument. Unknown, declined and not-asked answers note
/// nothing and are never read as "no".
pub fn evaluate(
    instrument: &Instrument,
    answers: &BTreeMap<String, String>,
) -> Result<Evaluation, Vec<AnswerError>> {
    check_answers(instrument, answers)?;
    let file = instrument.file();
    let shown = shown_questions(instrument, answers);
    let hidden: Vec<AnswerError> = answers
        .keys()
        .filter(|key| !shown.iter().any(|(q, _)| q.key == **key))
        .filter_map(|key| {
            let condition = instrument.question(key)?.shown_if.as_ref()?;
            Some(AnswerError::Hidden {
                question: key.clone(),
                depends_on: condition.question.clone(),
            })
        })
        .collect();
    if !hidden.is_empty() {
        return Err(hidden);
    }

    let mut noted: BTreeSet<&str> = BTreeSet::new();
    let mut asked: BTreeSet<&str> = BTreeSet::new();
    for (q, value) in &shown {
        let by = q.noted_by(value).iter().map(String::as_str);
        if q.mode != Mode::Observed {
            asked.extend(by.clone());
        }
        noted.extend(by);
    }
    // What the person asks for offers domains and nothing else: it is kept apart from the
    // indicators, which alone decide the band, the alert and the legal elements.
    let (needs, indicators): (Vec<_>, Vec<_>) = file
        .indicators
        .iter()
        .filter(|i| noted.contains(i.key.as_str()))
        .partition(|i| i.need);

    let value_of = |key: &str| {
        shown
            .iter()
            .find(|(q, _)| q.key == key)
            .map_or(NOT_ASKED, |(_, v)| *v)
    };
    let minor = value_of(&file.profile.minor_question);
    let (ages, possibly_minor): (&[bool], bool) = match minor {
        "yes" => (&[true], true),
        "no" => (&[false], false),
        _ => (&[false, true], true),
    };
    let kind = file
        .profile
        .exploitation_question
        .as_deref()
        .and_then(|key| {
            let value = value_of(key);
            instrument
                .question(key)?
                .options
                .iter()
                .find(|o| o.key == value)?
                .exploitation
        });
    let kinds: &[bool] = match kind {
        Some(ExploitationKind::Labour) => &[false],
        Some(ExploitationKind::Sexual) => &[true],
        _ => &[false, true],
    };

    let mut profiles = Vec::new();
    for &child in ages {
        for &sexual in kinds {
            let profile = match (child, sexual) {
                (false, false) => Profile::AdultLabour,
                (false, true) => Profile::AdultSexual,
                (true, false) => Profile::ChildLabour,
                (true, true) => Profile::ChildSexual,
            };
            let weighted: Vec<Noted> = indicators
                .iter()
                .map(|i| Noted {
                    dimension: i.dimension,
                    weight: i.weights.get(profile),
                    exploitation: i.legal.supports(Framework::Palermo, "act")
                        || i.legal.supports(Framework::Palermo, "purpose")
                        || i.legal.supports(Framework::Documents27903, "documents"),
                })
                .filter(|n| n.weight != Weight::None)
                .collect();
            profiles.push(profile_outcome(profile, child, &weighted, file));
        }
    }
    let weighted_band = profiles.iter().map(|p| p.band).max().unwrap_or(0);
    let band = if weighted_band == 0 && !indicators.is_empty() {
        1
    } else {
        weighted_band
    };
    for p in &mut profiles {
        if p.band == 0 && !indicators.is_empty() {
            p.band = 1;
        }
    }

    let safety_triggers: Vec<String> = indicators
        .iter()
        .filter(|i| i.safety_trigger)
        .map(|i| i.key.clone())
        .collect();
    let safety_alert = !safety_triggers.is_empty();

    let mut domains: BTreeSet<ServiceDomain> = indicators
        .iter()
        .chain(&needs)
        .flat_map(|i| i.domains.iter().copied())
        .collect();
    for rule in &file.routing {
        if band >= rule.band_at_least {
            domains.extend(rule.domains.iter().copied());
        }
    }
    if safety_alert {
        domains.insert(ServiceDomain::ImmediateSafety);
    }
    // Non-negotiable: a person who may be a minor is always offered youth protection.
    if possibly_minor {
        domains.insert(ServiceDomain::YouthProtection);
    }

    let open: Vec<&Question> = shown
        .iter()
        .filter(|(_, v)| NON_ANSWERS.contains(v))
        .map(|(q, _)| *q)
        .collect();
    let elements = Framework::ALL
        .iter()
        .map(|&framework| FrameworkCoverage {
            framework,
            elements: framework
                .elements()
                .iter()
                .map(|&element| {
                    let supporting: Vec<String> = indicators
                        .iter()
                        .filter(|i| i.legal.supports(framework, element))
                        .map(|i| i.key.clone())
                        .collect();
                    let open_questions: Vec<String> = open
                        .iter()
                        .filter(|q| {
                            q.could_note().any(|k| {
                                instrument
                                    .indicator(k)
                                    .is_some_and(|i| i.legal.supports(framework, element))
                            })
                        })
                        .map(|q| q.key.clone())
                        .collect();
                    let covered = file
                        .indicators
                        .iter()
                        .any(|i| i.legal.supports(framework, element));
                    if framework.only_for_minors() && minor == "no" {
                        return ElementCoverage {
                            element: element.to_owned(),
                            status: ElementStatus::NotApplicable,
                            indicators: Vec::new(),
                            open_questions: Vec::new(),
                        };
                    }
                    let status = if !supporting.is_empty() {
                        ElementStatus::Supported
                    } else if minor == "yes" && framework.waived_for_minor(element) {
                        ElementStatus::NotRequired
                    } else if !covered {
                        ElementStatus::NotCovered
                    } else if !open_questions.is_empty() {
                        ElementStatus::Unknown
                    } else {
                        ElementStatus::NotNoted
                    };
                    ElementCoverage {
                        element: element.to_owned(),
                        status,
                        indicators: supporting,
                        open_questions,
                    }
                })
                .collect(),
        })
        .collect();

    Ok(Evaluation {
        engine_version: ENGINE_VERSION,
        band,
        safety_alert,
        possibly_minor,
        profiles,
        indicators: indicators.iter().map(|i| i.key.clone()).collect(),
        asked_for: needs.iter().map(|i| i.key.clone()).collect(),
        safety_triggers,
        elements,
        domains: domains.into_iter().collect(),
        answers: shown
            .iter()
            .map(|(q, v)| (q.key.clone(), (*v).to_owned()))
            .collect(),
        shown: shown.len(),
        unanswered: open.len(),
        declined: shown
            .iter()
            .filter(|(_, v)| *v == "declined")
            .map(|(q, _)| q.key.clone())
            .collect(),
        observed: indicators
            .iter()
            .filter(|i| !asked.contains(i.key.as_str()))
            .map(|i| i.key.clone())
            .collect(),
        // More than half the questions about the situation without an answer: nothing can
        // be excluded. Questions about what the person asks for do not count either way.
        incomplete: {
            let about_needs = |q: &Question| {
                q.could_note()
                    .all(|k| instrument.indicator(k).is_some_and(|i| i.need))
                    && q.could_note().next().is_some()
            };
            let situation = shown.iter().filter(|(q, _)| !about_needs(q)).count();
            let open_situation = open.iter().filter(|q| !about_needs(q)).count();
            open_situation * 2 > situation
        },
    })
}

/// The Delphi per-dimension rule: 2 strong; 1 strong + 1 medium or weak; 3 medium; or
/// 2 medium + 1 weak.
pub fn dimension_positive(weights: &[Weight]) -> bool {
    let count = |w| weights.iter().filter(|x| **x == w).count();
    let (s, m, w) = (
        count(Weight::Strong),
        count(Weight::Medium),
        count(Weight::Weak),
    );
    s >= 2 || (s >= 1 && m + w >= 1) || m >= 3 || (m >= 2 && w >= 1)
}

/// A noted indicator as a profile weighs it.
struct Noted {
    dimension: Dimension,
    weight: Weight,
    /// It supports an act or an exploitative purpose (see `BandGroup::exploitation_noted`).
    exploitation: bool,
}

fn profile_outcome(
    profile: Profile,
    child: bool,
    weighted: &[Noted],
    file: &super::instrument::InstrumentFile,
) -> ProfileOutcome {
    let mut by_dimension: BTreeMap<Dimension, Vec<Weight>> = BTreeMap::new();
    for n in weighted {
        if n.dimension != Dimension::None {
            by_dimension.entry(n.dimension).or_default().push(n.weight);
        }
    }
    let positive_dimensions: Vec<Dimension> = by_dimension
        .iter()
        .filter(|(_, ws)| dimension_positive(ws))
        .map(|(d, _)| *d)
        .collect();
    let strong = weighted
        .iter()
        .filter(|n| n.weight == Weight::Strong)
        .count() as u32;
    let medium_or_stronger = weighted
        .iter()
        .filter(|n| n.weight >= Weight::Medium)
        .count() as u32;
    // Palermo art. 3(c): no means are required for a child, so every indicator counts.
    let means_noted = weighted
        .iter()
        .filter(|n| child || n.dimension != Dimension::ExploitativeConditions)
        .count() as u32;
    let exploitation_noted = weighted.iter().filter(|n| n.exploitation).count() as u32;
    let mut outcome = ProfileOutcome {
        profile,
        means_noted,
        exploitation_noted,
        band: 0,
        positive_dimensions,
        strong,
        medium_or_stronger,
        weighted: weighted.len() as u32,
        dimensions_noted: by_dimension.len() as u32,
    };
    let holds = |groups: &[BandGroup]| groups.iter().any(|g| group_holds(g, &outcome));
    outcome.band = if holds(&file.bands.two) {
        if holds(&file.bands.three) { 3 } else { 2 }
    } else {
        0
    };
    outcome
}

fn group_holds(group: &BandGroup, o: &ProfileOutcome) -> bool {
    let at_least = |min: Option<u32>, have: u32| min.is_none_or(|m| have >= m);
    at_least(
        group.positive_dimensions,
        o.positive_dimensions.len() as u32,
    ) && at_least(group.strong, o.strong)
        && at_least(group.medium_or_stronger, o.medium_or_stronger)
        && at_least(group.weighted, o.weighted)
        && at_least(group.dimensions_noted, o.dimensions_noted)
        && at_least(group.means_noted, o.means_noted)
        && at_least(group.exploitation_noted, o.exploitation_noted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Weight::{Medium as M, Strong as S, Weak as W};

    #[test]
    fn dimension_rule_edges() {
        assert!(dimension_positive(&[S, S]));
        assert!(dimension_positive(&[S, W]));
        assert!(dimension_positive(&[S, M]));
        assert!(dimension_positive(&[M, M, M]));
        assert!(dimension_positive(&[M, M, W]));
        assert!(!dimension_positive(&[M, M]));
        assert!(!dimension_positive(&[S]));
        assert!(!dimension_positive(&[M, W, W]));
        assert!(!dimension_positive(&[W, W, W, W]));
        assert!(!dimension_positive(&[]));
    }
}
