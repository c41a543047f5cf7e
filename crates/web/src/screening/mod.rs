//! The identification tool's pages and API, and what both say about a result: the statement
//! in each language, built only from fixed, reviewed sentences (no conclusion, no label).

pub(crate) mod api;
pub(crate) mod pages;

use axum::Router;
use axum::routing::{get, post};
use mosaique_domain::Language;
use mosaique_domain::screening::instrument::Validation;
use mosaique_domain::screening::{Evaluation, Instrument};

use crate::AppState;
use crate::i18n::{Arg, Tr};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/screening", get(pages::home).post(pages::start))
        .route("/screening/{id}", get(pages::interview))
        .route("/screening/{id}/answers", post(pages::answer))
        .route("/screening/{id}/complete", post(pages::complete))
        .route("/screening/{id}/discard", post(pages::discard))
        .route("/screening/{id}/result", get(pages::result))
}

/// The statement of a result, one paragraph per line.
pub(crate) fn statement(
    lang: Language,
    instrument: &Instrument,
    evaluation: &Evaluation,
) -> String {
    let tr = Tr::new(lang);
    let mut lines = Vec::new();
    if evaluation.safety_alert {
        lines.push(tr.t("screening-safety-alert"));
    }
    if evaluation.incomplete {
        lines.push(tr.t("screening-incomplete"));
    }
    lines.push(band_sentence(&tr, evaluation.band));
    lines.push(tr.t("screening-not-proof"));
    lines.push(tr.t("screening-who-decides"));
    lines.push(instrument_line(&tr, instrument));
    lines.push(tr.t("screening-footer"));
    lines.join("\n")
}

pub(crate) fn band_sentence(tr: &Tr, band: u8) -> String {
    tr.t(&format!("screening-band-{}", band.min(3)))
}

/// "Tool: …, version N." followed by its validation status.
pub(crate) fn instrument_line(tr: &Tr, instrument: &Instrument) -> String {
    let file = instrument.file();
    let line = tr.t_args(
        "screening-instrument-line",
        &[
            ("title", Arg::Text(file.title.get(tr.lang).to_owned())),
            ("version", Arg::Int(i64::from(file.version))),
        ],
    );
    format!("{line} {}", validation_sentence(tr, file.validation))
}

pub(crate) fn validation_sentence(tr: &Tr, validation: Validation) -> String {
    match validation {
        Validation::NotValidated => tr.t("screening-not-validated"),
        Validation::Validated => tr.t("screening-validated"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use mosaique_domain::screening::{evaluate, shipped::shipped};

    use super::*;

    #[test]
    fn statements_never_label_the_person_or_conclude_and_name_who_decides() {
        let instruments = shipped().expect("valid");
        for instrument in &instruments {
            let minor = instrument.file().profile.minor_question.clone();
            for answers in [
                BTreeMap::new(),
                BTreeMap::from([(minor.clone(), "no".to_owned())]),
            ] {
                let evaluation = evaluate(instrument, &answers).expect("valid");
                for band in 0..=3 {
                    for alert in [false, true] {
                        let mut e = evaluation.clone();
                        e.band = band;
                        e.safety_alert = alert;
                        for lang in [Language::Fr, Language::En] {
                            let text = statement(lang, instrument, &e);
                            let lower = text.to_lowercase();
                            for word in mosaique_domain::screening::FORBIDDEN_WORDS {
                                assert!(!lower.contains(word), "{lang:?} band {band}: {word}");
                            }
                            assert!(text.contains("IRCC") && text.contains("DPJ"), "{text}");
                            assert_eq!(
                                text.contains(&Tr::new(lang).t("screening-safety-alert")),
                                alert
                            );
                        }
                    }
                }
            }
        }
    }
}
