//! The screening engine against written vignettes, a monotonicity property, and bad
//! instrument files rejected with their exact reason.

use std::collections::{BTreeMap, BTreeSet};

use mosaique_domain::ServiceDomain;
use mosaique_domain::screening::instrument::{AnswerType, NON_ANSWERS};
use mosaique_domain::screening::{
    AnswerError, Instrument, InstrumentProblem, Syntax, evaluate, without_hidden,
};
use proptest::prelude::*;
use serde::Deserialize;

mod support;
use support::instruments;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vignettes {
    vignettes: Vec<Vignette>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Vignette {
    name: String,
    instrument: String,
    version: u32,
    answers: BTreeMap<String, String>,
    band: u8,
    safety_alert: bool,
    supported: BTreeSet<String>,
    domains: BTreeSet<ServiceDomain>,
}

fn instrument(key: &str, version: u32) -> Instrument {
    instruments()
        .remove(&(key.to_owned(), version))
        .expect("a shipped version")
}

#[test]
fn vignettes_give_the_expected_observations() {
    let file: Vignettes = toml::from_str(include_str!("vignettes.toml")).expect("vignettes parse");
    assert!(file.vignettes.len() >= 25, "at least 25 vignettes");
    let instruments = instruments();
    let mut failures = Vec::new();
    for v in &file.vignettes {
        let instrument = &instruments[&(v.instrument.clone(), v.version)];
        let result = match evaluate(instrument, &v.answers) {
            Ok(result) => result,
            Err(errors) => {
                failures.push(format!("{}: answers refused: {errors:?}", v.name));
                continue;
            }
        };
        let domains: BTreeSet<ServiceDomain> = result.domains.iter().copied().collect();
        let supported = result.supported_elements();
        if result.band != v.band
            || result.safety_alert != v.safety_alert
            || supported != v.supported
            || domains != v.domains
        {
            failures.push(format!(
                "{}:\n  band {} (expected {}), alert {} (expected {})\n  supported {:?}\n  expected  {:?}\n  domains {:?}\n  expected {:?}\n  indicators {:?}",
                v.name,
                result.band,
                v.band,
                result.safety_alert,
                v.safety_alert,
                supported,
                v.supported,
                domains,
                v.domains,
                result.indicators
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Random answers to an instrument: every question gets any value it can take.
fn answers_for(instrument: &Instrument) -> impl Strategy<Value = BTreeMap<String, String>> {
    let per_question: Vec<_> = instrument
        .file()
        .questions
        .iter()
        .map(|q| {
            let values: Vec<String> = q.values().into_iter().map(str::to_owned).collect();
            (Just(q.key.clone()), proptest::sample::select(values))
        })
        .collect();
    let instrument = instrument.clone();
    per_question.prop_map(move |pairs| without_hidden(&instrument, &pairs.into_iter().collect()))
}

fn never_raises_the_band(instrument: &Instrument, answers: &BTreeMap<String, String>) {
    let before = evaluate(instrument, answers).expect("valid answers");
    for q in &instrument.file().questions {
        if q.answer_type != AnswerType::YesNo
            || answers.get(&q.key).map(String::as_str) != Some("yes")
        {
            continue;
        }
        for non_answer in NON_ANSWERS {
            let mut changed = answers.clone();
            changed.insert(q.key.clone(), non_answer.to_owned());
            let changed = without_hidden(instrument, &changed);
            let after = evaluate(instrument, &changed).expect("valid answers");
            assert!(
                after.band <= before.band,
                "{}: {} yes → {non_answer} raised the band {} → {}",
                instrument.key(),
                q.key,
                before.band,
                after.band
            );
            assert!(
                !after.safety_alert || before.safety_alert,
                "{}: {} yes → {non_answer} raised a safety alert",
                instrument.key(),
                q.key
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_non_answer_never_raises_the_band_quick_v1(answers in answers_for(&instrument("reperage-rapide", 1))) {
        never_raises_the_band(&instrument("reperage-rapide", 1), &answers);
    }

    #[test]
    fn a_non_answer_never_raises_the_band_full_v1(answers in answers_for(&instrument("evaluation-approfondie", 1))) {
        never_raises_the_band(&instrument("evaluation-approfondie", 1), &answers);
    }

    #[test]
    fn a_non_answer_never_raises_the_band_quick_v2(answers in answers_for(&instrument("reperage-rapide", 2))) {
        never_raises_the_band(&instrument("reperage-rapide", 2), &answers);
    }

    #[test]
    fn a_non_answer_never_raises_the_band_full_v2(answers in answers_for(&instrument("evaluation-approfondie", 2))) {
        never_raises_the_band(&instrument("evaluation-approfondie", 2), &answers);
    }

    #[test]
    fn a_non_answer_never_raises_the_band_full_v3(answers in answers_for(&instrument("evaluation-approfondie", 3))) {
        never_raises_the_band(&instrument("evaluation-approfondie", 3), &answers);
    }
}

#[test]
fn every_result_offers_youth_protection_to_a_possible_minor() {
    for instrument in instruments().values() {
        let minor = &instrument.file().profile.minor_question;
        for value in ["yes", "unknown", "declined", "not_asked"] {
            let answers = BTreeMap::from([(minor.clone(), value.to_owned())]);
            let result = evaluate(instrument, &answers).expect("valid");
            assert!(result.possibly_minor);
            assert!(
                result.domains.contains(&ServiceDomain::YouthProtection),
                "{value}"
            );
        }
        let adult = BTreeMap::from([(minor.clone(), "no".to_owned())]);
        assert!(!evaluate(instrument, &adult).expect("valid").possibly_minor);
    }
}

#[test]
fn answers_the_instrument_cannot_take_are_refused() {
    let instruments = instruments();
    let quick = &instruments[&("reperage-rapide".to_owned(), 2)];
    let minor = quick.file().profile.minor_question.clone();
    for (key, value) in [
        ("no_such_question", "yes"),
        (minor.as_str(), "maybe"),
        (minor.as_str(), ""),
    ] {
        let answers = BTreeMap::from([(key.to_owned(), value.to_owned())]);
        assert!(evaluate(quick, &answers).is_err(), "{key}={value}");
    }
}

#[test]
fn an_answer_to_a_hidden_question_is_refused_not_dropped() {
    let full = instrument("evaluation-approfondie", 3);
    let answers = BTreeMap::from([
        ("born_abroad".to_owned(), "no".to_owned()),
        ("entry_organized".to_owned(), "yes".to_owned()),
    ]);
    assert_eq!(
        evaluate(&full, &answers).expect_err("refused"),
        vec![AnswerError::Hidden {
            question: "entry_organized".into(),
            depends_on: "born_abroad".into(),
        }]
    );
    // An interview drops it when the answer that hides it changes.
    let kept = without_hidden(&full, &answers);
    assert!(!kept.contains_key("entry_organized"));
    assert!(evaluate(&full, &kept).is_ok());
}

#[test]
fn instrument_texts_never_label_the_person_or_conclude() {
    for instrument in instruments().values() {
        let json = instrument.canonical_json().to_lowercase();
        for word in mosaique_domain::screening::FORBIDDEN_WORDS {
            assert!(!json.contains(word), "{} uses {word:?}", instrument.key());
        }
    }
}

// ---- Bad instrument files --------------------------------------------------------------

/// A small valid instrument, edited by each test to break exactly one rule.
const BASE: &str = r#"
format = 1
key = "essai"
version = 1
validation = "not_validated"
title = { fr = "Essai", en = "Test" }
summary = { fr = "Résumé", en = "Summary" }
licence = { fr = "Licence", en = "Licence" }

[[sources]]
label = "Criminal Code"
url = "https://laws-lois.justice.gc.ca/eng/acts/c-46/"

[profile]
minor_question = "minor"

[bands]
two = [{ strong = 1 }]
three = [{ strong = 2 }]

[[sections]]
key = "main"
title = { fr = "Principal", en = "Main" }

[[questions]]
key = "minor"
section = "main"
mode = "asked"
type = "yes_no"
text = { fr = "Moins de 18 ans ?", en = "Under 18?" }
indicates = ["minor"]

[[questions]]
key = "abroad"
section = "main"
mode = "asked"
type = "yes_no"
text = { fr = "Née à l’étranger ?", en = "Born abroad?" }

[[questions]]
key = "papers"
section = "main"
mode = "asked"
type = "yes_no"
text = { fr = "Papiers gardés ?", en = "Papers kept?" }
indicates = ["papers"]
shown_if = { question = "abroad", is_not = ["no"] }

[[indicators]]
key = "minor"
label = { fr = "Mineure", en = "Minor" }
dimension = "none"
phase = "none"
legal = { criminal_code_minors = ["minor"] }
domains = ["youth_protection"]

[[indicators]]
key = "papers"
label = { fr = "Papiers", en = "Papers" }
dimension = "coercion_at_destination"
phase = "destination"
weights = { adult_labour = "strong", adult_sexual = "strong", child_labour = "strong", child_sexual = "strong" }
legal = { documents_279_03 = ["documents"] }
domains = ["immigration"]
"#;

fn problems(source: &str) -> Vec<InstrumentProblem> {
    Instrument::parse(source, Syntax::Toml)
        .err()
        .unwrap_or_default()
}

#[test]
fn the_base_instrument_is_valid() {
    assert_eq!(problems(BASE), vec![]);
}

#[test]
fn bad_files_are_rejected_with_the_exact_reason() {
    let cases: Vec<(String, InstrumentProblem)> = vec![
        (
            BASE.replace(r#"indicates = ["papers"]"#, r#"indicates = ["papers", "passport"]"#),
            InstrumentProblem::UnknownIndicator {
                at: "questions.papers".into(),
                indicator: "passport".into(),
            },
        ),
        (
            BASE.replace(r#"en = "Papers kept?""#, r#"en = " ""#),
            InstrumentProblem::MissingTranslation {
                path: "questions.papers.text".into(),
                language: "en",
            },
        ),
        (
            BASE.replace(r#"is_not = ["no"]"#, r#"is = []"#),
            InstrumentProblem::Unreachable {
                question: "papers".into(),
            },
        ),
        (
            BASE.replace(r#"is_not = ["no"]"#, r#"is_not = ["yes", "no", "unknown", "declined", "not_asked"]"#),
            InstrumentProblem::Unreachable {
                question: "papers".into(),
            },
        ),
        (
            BASE.replace(r#"is_not = ["no"]"#, r#"is = ["maybe"]"#),
            InstrumentProblem::ImpossibleConditionValue {
                question: "papers".into(),
                refers: "abroad".into(),
                value: "maybe".into(),
            },
        ),
        (
            BASE.replace(
                "key = \"abroad\"\nsection = \"main\"\nmode = \"asked\"\ntype = \"yes_no\"\n",
                "key = \"abroad\"\nsection = \"main\"\nmode = \"asked\"\ntype = \"yes_no\"\nshown_if = { question = \"papers\", is_not = [\"no\"] }\n",
            ),
            InstrumentProblem::SkipCycle {
                cycle: vec!["abroad".into(), "papers".into(), "abroad".into()],
            },
        ),
        (
            BASE.replace(r#"shown_if = { question = "abroad""#, r#"shown_if = { question = "elsewhere""#),
            InstrumentProblem::UnknownConditionQuestion {
                question: "papers".into(),
                refers: "elsewhere".into(),
            },
        ),
        (
            BASE.replace(r#"child_labour = "strong""#, r#"child_labour = "weak""#),
            InstrumentProblem::ChildWeightBelowAdult {
                indicator: "papers".into(),
                profile: "child_labour".into(),
            },
        ),
        (
            BASE.replace(r#"documents_279_03 = ["documents"]"#, r#"documents_279_03 = ["passport"]"#),
            InstrumentProblem::UnknownElement {
                indicator: "papers".into(),
                framework: "documents_279_03",
                element: "passport".into(),
            },
        ),
        (
            BASE.replace("dimension = \"coercion_at_destination\"\nphase = \"destination\"", "dimension = \"coercion_at_destination\"\nphase = \"recruitment\""),
            InstrumentProblem::PhaseMismatch {
                indicator: "papers".into(),
                dimension: "coercion_at_destination".into(),
                phase: "recruitment".into(),
            },
        ),
        (
            BASE.replace(r#"indicates = ["papers"]"#, "indicates = []"),
            InstrumentProblem::UnusedIndicator {
                indicator: "papers".into(),
            },
        ),
        (
            BASE.replace(r#"minor_question = "minor""#, r#"minor_question = "age""#),
            InstrumentProblem::BadMinorQuestion {
                question: "age".into(),
            },
        ),
        (
            BASE.replace("format = 1", "format = 2"),
            InstrumentProblem::UnsupportedFormat { found: 2 },
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(problems(&source), vec![expected.clone()], "{expected}");
    }
}

#[test]
fn a_bad_answer_type_is_named_with_its_line() {
    let source = BASE.replace(
        "type = \"yes_no\"\ntext = { fr = \"Née",
        "type = \"number\"\ntext = { fr = \"Née",
    );
    let found = problems(&source);
    let [InstrumentProblem::Syntax { line, detail, .. }] = found.as_slice() else {
        panic!("expected one syntax problem, got {found:?}");
    };
    let expected_line = source
        .lines()
        .position(|l| l.contains("\"number\""))
        .map(|i| i + 1)
        .expect("line");
    assert_eq!(*line, expected_line);
    assert!(
        detail.contains("number") && detail.contains("yes_no"),
        "{detail}"
    );
}

#[test]
fn toml_and_json_of_the_same_content_have_the_same_hash() {
    let from_toml = Instrument::parse(BASE, Syntax::Toml).expect("valid");
    let from_json = Instrument::parse(from_toml.canonical_json(), Syntax::Json).expect("valid");
    assert_eq!(from_toml.content_hash(), from_json.content_hash());
    let edited = Instrument::parse(&BASE.replace("Papers kept?", "Papers held?"), Syntax::Toml)
        .expect("valid");
    assert_ne!(from_toml.content_hash(), edited.content_hash());
}

#[test]
fn a_need_offers_its_domains_and_nothing_else() {
    let full = instrument("evaluation-approfondie", 3);
    let base = BTreeMap::from([
        ("danger_now".to_owned(), "no".to_owned()),
        ("minor".to_owned(), "no".to_owned()),
    ]);
    let without = evaluate(&full, &base).expect("valid");
    let mut asked = base.clone();
    asked.insert("need_work".into(), "yes".into());
    asked.insert("need_children".into(), "yes".into());
    let with = evaluate(&full, &asked).expect("valid");
    assert_eq!(with.asked_for, ["asks_work", "asks_help_for_children"]);
    assert!(with.indicators.is_empty(), "{:?}", with.indicators);
    assert_eq!(
        (
            with.band,
            with.safety_alert,
            &with.elements,
            with.incomplete
        ),
        (
            without.band,
            without.safety_alert,
            &without.elements,
            without.incomplete
        )
    );
    for domain in [
        ServiceDomain::Work,
        ServiceDomain::LegalAid,
        ServiceDomain::YouthProtection,
    ] {
        assert!(with.domains.contains(&domain), "{domain:?}");
        assert!(!without.domains.contains(&domain), "{domain:?}");
    }
}

#[test]
fn a_need_that_weighs_is_refused() {
    let full = include_str!("../instruments/evaluation-approfondie-v3.toml");
    let weighs = full.replacen(
        "domains = [\"health\"]\nneed = true",
        "domains = [\"health\"]\nweights = { child_sexual = \"weak\" }\nneed = true",
        1,
    );
    assert_ne!(weighs, full);
    let problems = Instrument::parse(&weighs, Syntax::Toml).expect_err("refused");
    assert_eq!(
        problems,
        vec![InstrumentProblem::NeedNotOnlyDomains {
            indicator: "asks_health_care".into()
        }]
    );
}
