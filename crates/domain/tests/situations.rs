//! The identification tool measured against situations written from published Canadian
//! decisions (`situations.toml`): each situation's answers are run through every shipped
//! version of both instruments, and the results are compared with what the law leads us to
//! expect. The newest version of each must meet the targets (band within range, the expected
//! alert, no false alarm, every expected domain offered); older ones are measured for
//! comparison. The report in
//! `docs/instruments.md` is generated here: `MOSAIQUE_UPDATE_REPORT=1` rewrites it, and the
//! test fails when the committed report is stale.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use mosaique_domain::ServiceDomain;
use mosaique_domain::screening::{
    ElementStatus, Evaluation, Framework, Instrument, evaluate, without_hidden,
};
use serde::Deserialize;

mod support;
use support::instruments;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Suite {
    situations: Vec<Situation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Situation {
    id: String,
    name: String,
    source: String,
    url: String,
    kind: String,
    /// False for situations that must not be flagged (smuggling, a labour-standards
    /// complaint, independent sex work, a runaway without an exploiter…).
    flag: bool,
    /// The person declines most questions: the result must say it is incomplete and give the
    /// alert and safety domains; its band can only reflect what was recorded.
    #[serde(default)]
    declines: bool,
    facts: String,
    band: [u8; 2],
    quick_band: [u8; 2],
    alert: bool,
    elements: BTreeSet<String>,
    domains: BTreeSet<ServiceDomain>,
    quick_domains: BTreeSet<ServiceDomain>,
    #[serde(default)]
    unsettled: Option<String>,
    quick: BTreeMap<String, String>,
    full: BTreeMap<String, String>,
}

const QUICK: &str = "reperage-rapide";
const FULL: &str = "evaluation-approfondie";
/// Situations where the newest versions offer every expected domain (quick, full): a floor
/// that may only rise. The full assessment's misses are needs the situation's facts do not
/// show the person asking for (the report lists them): the tool offers what is recorded.
const EVERY_DOMAIN_OFFERED: (usize, usize) = (47, 41);
/// The versions measured, oldest first; the last of each instrument holds the targets.
const QUICK_VERSIONS: [u32; 2] = [1, 2];
const FULL_VERSIONS: [u32; 3] = [1, 2, 3];

fn suite() -> Suite {
    toml::from_str(include_str!("situations.toml")).expect("situations.toml parses")
}

/// The answers a situation records for the newest version, as an older version would have
/// taken them: questions it lacks are dropped, and for version 1, v2's "violence suffered" is
/// v1's "violence now or recently" and forced crimes were labour, the only way v1 could record
/// them.
fn as_version(
    instrument: &Instrument,
    answers: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut mapped = BTreeMap::new();
    for (key, value) in answers {
        let (key, value) = match (instrument.version(), key.as_str(), value.as_str()) {
            (1, "violence", v) => ("violence_now", v),
            (1, "violence_now", _) => continue,
            (1, "kind", "criminality") => ("kind", "labour"),
            (1, "made_to_do", "crimes") => ("made_to_do", "work"),
            (_, key, value) => (key, value),
        };
        if instrument
            .question(key)
            .is_some_and(|q| q.values().contains(&value))
        {
            mapped.insert(key.to_owned(), value.to_owned());
        }
    }
    without_hidden(instrument, &mapped)
}

/// One situation's result under one instrument version.
struct Outcome<'a> {
    situation: &'a Situation,
    evaluation: Evaluation,
    band_range: [u8; 2],
    expected_domains: &'a BTreeSet<ServiceDomain>,
}

impl Outcome<'_> {
    fn band_ok(&self) -> bool {
        let low = if self.situation.declines {
            0
        } else {
            self.band_range[0]
        };
        (low..=self.band_range[1]).contains(&self.evaluation.band)
            && (!self.situation.declines || self.evaluation.incomplete)
    }

    fn alert_ok(&self) -> bool {
        self.evaluation.safety_alert == self.situation.alert
    }

    fn false_alarm(&self) -> bool {
        !self.situation.flag && (self.evaluation.safety_alert || self.evaluation.band >= 2)
    }

    fn missing_domains(&self) -> Vec<ServiceDomain> {
        // Where the person declines, only the safety domains can follow from the answers.
        let safety = [
            ServiceDomain::ImmediateSafety,
            ServiceDomain::HousingShortTerm,
            ServiceDomain::YouthProtection,
        ];
        self.expected_domains
            .iter()
            .filter(|d| !self.situation.declines || safety.contains(d))
            .filter(|d| !self.evaluation.domains.contains(d))
            .copied()
            .collect()
    }

    fn status(&self, framework: Framework, element: &str) -> ElementStatus {
        self.evaluation
            .elements
            .iter()
            .find(|f| f.framework == framework)
            .and_then(|f| f.elements.iter().find(|e| e.element == element))
            .map_or(ElementStatus::NotCovered, |e| e.status)
    }
}

fn run<'a>(suite: &'a Suite, instrument: &Instrument) -> Vec<Outcome<'a>> {
    suite
        .situations
        .iter()
        .map(|s| {
            let quick = instrument.key() == QUICK;
            let answers = if quick { &s.quick } else { &s.full };
            let answers = as_version(instrument, answers);
            let evaluation = evaluate(instrument, &answers).unwrap_or_else(|e| {
                panic!("{} on {}: answers refused: {e:?}", s.id, instrument.key())
            });
            Outcome {
                situation: s,
                evaluation,
                band_range: if quick { s.quick_band } else { s.band },
                expected_domains: if quick { &s.quick_domains } else { &s.domains },
            }
        })
        .collect()
}

/// Agreement on one legal element over the situations: (covered, agree, expected and
/// supported, expected but not supported, supported but not expected).
fn element_agreement(
    outcomes: &[Outcome],
    framework: Framework,
    element: &str,
) -> Option<[usize; 5]> {
    let name = format!("{}.{element}", framework.key());
    let mut counts = [0; 5];
    for o in outcomes {
        let status = o.status(framework, element);
        if matches!(
            status,
            ElementStatus::NotCovered | ElementStatus::NotApplicable | ElementStatus::NotRequired
        ) {
            continue;
        }
        let expected = o.situation.elements.contains(&name);
        let supported = status == ElementStatus::Supported;
        counts[0] += 1;
        if expected == supported {
            counts[1] += 1;
        }
        match (expected, supported) {
            (true, true) => counts[2] += 1,
            (true, false) => counts[3] += 1,
            (false, true) => counts[4] += 1,
            (false, false) => {}
        }
    }
    (counts[0] > 0).then_some(counts)
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "—".into();
    }
    format!("{:.0} %", 100.0 * part as f64 / whole as f64)
}

fn summary_row(label: &str, outcomes: &[Outcome]) -> String {
    let n = outcomes.len();
    let must_not = outcomes.iter().filter(|o| !o.situation.flag).count();
    format!(
        "| {label} | {} ({}) | {} ({}) | {} of {must_not} | {} ({}) |\n",
        outcomes.iter().filter(|o| o.band_ok()).count(),
        percent(outcomes.iter().filter(|o| o.band_ok()).count(), n),
        outcomes.iter().filter(|o| o.alert_ok()).count(),
        percent(outcomes.iter().filter(|o| o.alert_ok()).count(), n),
        outcomes.iter().filter(|o| o.false_alarm()).count(),
        outcomes
            .iter()
            .filter(|o| o.missing_domains().is_empty())
            .count(),
        percent(
            outcomes
                .iter()
                .filter(|o| o.missing_domains().is_empty())
                .count(),
            n
        ),
    )
}

/// Every situation through one instrument version.
struct Run<'a> {
    key: &'static str,
    label: String,
    outcomes: Vec<Outcome<'a>>,
}

/// The newest version of an instrument among the runs (they are oldest first).
fn latest<'r, 'a>(runs: &'r [Run<'a>], key: &str) -> &'r Run<'a> {
    runs.iter()
        .rfind(|r| r.key == key)
        .expect("the instrument was run")
}

fn report(suite: &Suite, runs: &[Run]) -> String {
    let n = suite.situations.len();
    let flagged = suite.situations.iter().filter(|s| s.flag).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{n} situations ({flagged} with indicators expected, {} that must not be flagged), each \
         run through every shipped version of both instruments. Generated by \
         `crates/domain/tests/situations.rs`; older versions are given the same answers, those \
         to questions they lack left out.\n",
        n - flagged
    );
    out.push_str(
        "| Instrument | Band within the expected range | Expected safety alert | False alarms (alert or band ≥ 2 where nothing must be flagged) | Every expected domain offered |\n\
         |---|---|---|---|---|\n",
    );
    for run in runs {
        out.push_str(&summary_row(&run.label, &run.outcomes));
    }
    out.push_str(
        "\nAgreement per legal element: situations where the instrument covers the element \
         (a minor's s. 279.011 and an adult's are counted where they apply), the share where the \
         instrument's support matches the expectation, and the disagreements (expected but not \
         supported / supported but not expected). \"not covered\" means the instrument has no \
         question for it.\n\n",
    );
    out.push_str("| Element |");
    for run in runs {
        let _ = write!(out, " {} |", run.label);
    }
    out.push_str("\n|---|");
    for _ in runs {
        out.push_str("---|");
    }
    out.push('\n');
    for framework in Framework::ALL {
        for element in framework.elements() {
            let _ = write!(out, "| `{}.{element}` |", framework.key());
            for run in runs {
                match element_agreement(&run.outcomes, framework, element) {
                    Some([covered, agree, _, missed, extra]) => {
                        let _ = write!(
                            out,
                            " {} of {covered} ({}; {missed}/{extra}) |",
                            agree,
                            percent(agree, covered)
                        );
                    }
                    None => out.push_str(" not covered |"),
                }
            }
            out.push('\n');
        }
    }
    let (quick, full) = (latest(runs, QUICK), latest(runs, FULL));
    let _ = writeln!(
        out,
        "\nPer situation (band expected → {}, {}; alert expected → quick/full):\n",
        quick.label, full.label
    );
    out.push_str(
        "| Id | Situation | Source | Quick band | Full band | Alert |\n|---|---|---|---|---|---|\n",
    );
    for ((s, q), f) in suite
        .situations
        .iter()
        .zip(&quick.outcomes)
        .zip(&full.outcomes)
    {
        let _ = writeln!(
            out,
            "| {} | {}{} | [{}]({}) | {}–{} → {} | {}–{} → {} | {} → {}/{} |",
            s.id,
            s.name.replace('|', "/"),
            match (s.flag, s.declines) {
                (false, _) => " *(must not be flagged)*",
                (true, true) => " *(declines most questions: only the upper bound applies)*",
                (true, false) => "",
            },
            s.source.replace('|', "/"),
            s.url,
            s.quick_band[0],
            s.quick_band[1],
            q.evaluation.band,
            s.band[0],
            s.band[1],
            f.evaluation.band,
            yes_no(s.alert),
            yes_no(q.evaluation.safety_alert),
            yes_no(f.evaluation.safety_alert),
        );
    }
    let missing: Vec<String> = [quick, full]
        .iter()
        .flat_map(|run| {
            run.outcomes.iter().filter_map(|o| {
                let missing = o.missing_domains();
                (!missing.is_empty()).then(|| {
                    let keys: Vec<&str> = missing.iter().map(|d| d.key()).collect();
                    format!("- {}, {}: {}\n", run.label, o.situation.id, keys.join(", "))
                })
            })
        })
        .collect();
    if !missing.is_empty() {
        out.push_str(
            "\nExpected domains the newest versions do not offer (the facts do not show the \
             person asking for them, so the worker records unknown):\n\n",
        );
        out.extend(missing);
    }
    out
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

const BEGIN: &str = "<!-- situations:begin -->\n";
const END: &str = "<!-- situations:end -->";

#[test]
fn the_newest_versions_meet_their_targets_on_situations_from_published_decisions() {
    let suite = suite();
    assert!(suite.situations.len() >= 40, "at least 40 situations");
    assert!(suite.situations.iter().filter(|s| !s.flag).count() >= 8);
    for s in &suite.situations {
        assert!(
            !s.source.is_empty() && s.url.starts_with("http"),
            "{}: a source",
            s.id
        );
        assert!(!s.facts.trim().is_empty() && !s.kind.is_empty() && !s.name.is_empty());
        assert!(s.band[0] <= s.band[1] && s.quick_band[0] <= s.quick_band[1]);
        if let Some(u) = &s.unsettled {
            assert!(!u.trim().is_empty(), "{}: say why it is unsettled", s.id);
        }
    }
    let instruments = instruments();
    let runs: Vec<Run> = QUICK_VERSIONS
        .iter()
        .map(|v| (QUICK, "Quick screen", *v))
        .chain(FULL_VERSIONS.iter().map(|v| (FULL, "Full assessment", *v)))
        .map(|(key, name, version)| Run {
            key,
            label: format!("{name} v{version}"),
            outcomes: run(&suite, &instruments[&(key.to_owned(), version)]),
        })
        .collect();
    // The measured versions are every shipped one, so a new version cannot skip the suite.
    assert_eq!(
        runs.len(),
        instruments.len(),
        "every shipped version is measured"
    );

    let mut failures = Vec::new();
    for run in [latest(&runs, QUICK), latest(&runs, FULL)] {
        let label = &run.label;
        for o in &run.outcomes {
            let s = o.situation;
            let e = &o.evaluation;
            if !o.band_ok() {
                failures.push(format!(
                    "{label} {}: band {} not in {:?} (indicators {:?})",
                    s.id, e.band, o.band_range, e.indicators
                ));
            }
            if !o.alert_ok() {
                failures.push(format!(
                    "{label} {}: alert {} (expected {}; triggers {:?})",
                    s.id, e.safety_alert, s.alert, e.safety_triggers
                ));
            }
            if o.false_alarm() {
                failures.push(format!("{label} {}: false alarm", s.id));
            }
        }
    }
    let offered = |run: &Run| {
        run.outcomes
            .iter()
            .filter(|o| o.missing_domains().is_empty())
            .count()
    };
    let (quick, full) = (latest(&runs, QUICK), latest(&runs, FULL));
    if offered(quick) < EVERY_DOMAIN_OFFERED.0 || offered(full) < EVERY_DOMAIN_OFFERED.1 {
        failures.push(format!(
            "every expected domain offered in fewer situations than the floor {:?}: quick {}, \
             full {}",
            EVERY_DOMAIN_OFFERED,
            offered(quick),
            offered(full)
        ));
    }

    // Version 3 of the full assessment only adds what the person asks for: its band, alert
    // and legal elements are version 2's, answer for answer.
    let full = |version: u32| {
        runs.iter()
            .find(|r| r.key == FULL && r.label.ends_with(&format!("v{version}")))
            .expect("measured")
    };
    for (v2, v3) in full(2).outcomes.iter().zip(&full(3).outcomes) {
        let (a, b) = (&v2.evaluation, &v3.evaluation);
        if (a.band, a.safety_alert, &a.elements) != (b.band, b.safety_alert, &b.elements) {
            failures.push(format!(
                "full v3 {}: band, alert or elements differ from v2",
                v2.situation.id
            ));
        }
    }

    let text = report(&suite, &runs);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/instruments.md");
    let doc = std::fs::read_to_string(path).expect("docs/instruments.md");
    let (Some(start), Some(end)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("docs/instruments.md needs the situations markers");
    };
    let current = &doc[start + BEGIN.len()..end];
    if current != text {
        if std::env::var_os("MOSAIQUE_UPDATE_REPORT").is_some() {
            let updated = format!("{}{BEGIN}{text}{}", &doc[..start], &doc[end..]);
            std::fs::write(path, updated).expect("writes the report");
        } else {
            failures.push(
                "the report in docs/instruments.md is stale: run with MOSAIQUE_UPDATE_REPORT=1"
                    .into(),
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
