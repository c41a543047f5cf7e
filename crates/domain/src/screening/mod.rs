//! The identification tool: versioned screening instruments (data) and the rules engine
//! (code) that turns answers into observations, a level of concern and service domains.
//! It never concludes that anything happened: see `docs/instruments.md`.

pub mod engine;
pub mod instrument;
pub mod law;
pub mod record;
pub mod shipped;

pub use engine::{
    AnswerError, ENGINE_VERSION, ElementStatus, Evaluation, evaluate, next_question,
    shown_questions, without_hidden,
};
pub use instrument::{Instrument, InstrumentProblem, Syntax, Text};
pub use law::Framework;
pub use record::{
    InstrumentStatus, PublishedInstrument, Screening, ScreeningEvent, ScreeningRefusal,
    ScreeningState, ScreeningSummary, Step, Transition, transition,
};

/// Words a screening's texts and results never use: they would label the person or conclude
/// that something happened (see `docs/instruments.md`). Checked by tests over every shipped
/// instrument and every statement.
pub const FORBIDDEN_WORDS: [&str; 12] = [
    "victim",
    "trafficked",
    "trafficker",
    "offence",
    "guilty",
    "confirmed",
    "victime",
    "trafiquant",
    "infraction",
    "coupable",
    "confirmé",
    "confirmée",
];
