//! The instrument versions that ship with Mosaïque, embedded in the binary and published
//! at start. A published version never changes: to change one, add a new file with the next
//! version and keep the old one.

use super::instrument::{Instrument, InstrumentProblem, Syntax};

const FILES: [(&str, &str); 5] = [
    (
        "reperage-rapide-v1.toml",
        include_str!("../../instruments/reperage-rapide-v1.toml"),
    ),
    (
        "evaluation-approfondie-v1.toml",
        include_str!("../../instruments/evaluation-approfondie-v1.toml"),
    ),
    (
        "reperage-rapide-v2.toml",
        include_str!("../../instruments/reperage-rapide-v2.toml"),
    ),
    (
        "evaluation-approfondie-v2.toml",
        include_str!("../../instruments/evaluation-approfondie-v2.toml"),
    ),
    (
        "evaluation-approfondie-v3.toml",
        include_str!("../../instruments/evaluation-approfondie-v3.toml"),
    ),
];

/// Every shipped version, or the first file that does not pass its checks.
pub fn shipped() -> Result<Vec<Instrument>, (&'static str, Vec<InstrumentProblem>)> {
    FILES
        .iter()
        .map(|(name, source)| Instrument::parse(source, Syntax::Toml).map_err(|p| (*name, p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_instruments_pass_every_check() {
        match shipped() {
            Ok(instruments) => assert_eq!(instruments.len(), FILES.len()),
            Err((name, problems)) => {
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                panic!("{name}:\n{}", list.join("\n"));
            }
        }
    }
}
