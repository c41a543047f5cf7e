//! Screening instruments as data: the file format (`docs/instruments.md`), its parsing and
//! every check an instrument must pass before anyone is screened with it.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::law::Framework;
use crate::ServiceDomain;

/// The version of the file format this code reads.
pub const FORMAT: u32 = 1;

/// The answers that are not answers. They are never treated as "no".
pub const NON_ANSWERS: [&str; 3] = ["unknown", "declined", "not_asked"];

/// A text of an instrument, in both languages.
pub type Text = crate::Bilingual<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validation {
    NotValidated,
    Validated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    pub minor_question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploitation_question: Option<String>,
}

/// Minimums that must all hold for a band group to hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandGroup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive_dimensions: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strong: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium_or_stronger: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions_noted: Option<u32>,
    /// Indicators of means or control: weighted ones outside `exploitative_conditions`
    /// (for a child profile, every weighted one: no means are required for a child).
    /// Hard conditions alone are a labour-standards matter, not a pattern of exploitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub means_noted: Option<u32>,
    /// Indicators of an act or an exploitative purpose: weighted ones that support Palermo's
    /// act or purpose, or s. 279.03. Violence and threats alone, with nothing exacted and no
    /// one holding or moving the person, are not a pattern of exploitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploitation_noted: Option<u32>,
}

impl BandGroup {
    fn is_empty(&self) -> bool {
        *self == BandGroup::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    pub two: Vec<BandGroup>,
    pub three: Vec<BandGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    pub band_at_least: u8,
    pub domains: Vec<ServiceDomain>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub key: String,
    pub title: Text,
}

/// Whether a question is put to the person or recorded by the worker from what they see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Asked,
    Observed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerType {
    YesNo,
    SingleChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExploitationKind {
    Labour,
    Sexual,
    Both,
    Unclear,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub key: String,
    pub text: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicates: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploitation: Option<ExploitationKind>,
}

/// Skip logic: the question is shown when the earlier answer is (or is not) one of `values`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_not: Option<Vec<String>>,
}

impl Condition {
    /// Whether an answer value shows the question.
    pub fn shows(&self, value: &str) -> bool {
        match (&self.is, &self.is_not) {
            (Some(is), _) => is.iter().any(|v| v == value),
            (None, Some(is_not)) => !is_not.iter().any(|v| v == value),
            (None, None) => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub key: String,
    pub section: String,
    pub mode: Mode,
    #[serde(rename = "type")]
    pub answer_type: AnswerType,
    pub text: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicates: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
}

impl Question {
    /// Every value this question can take, answers and non-answers.
    pub fn values(&self) -> Vec<&str> {
        let mut values: Vec<&str> = match self.answer_type {
            AnswerType::YesNo => vec!["yes", "no"],
            AnswerType::SingleChoice => self.options.iter().map(|o| o.key.as_str()).collect(),
        };
        values.extend(NON_ANSWERS);
        values
    }

    /// The indicators an answer notes.
    pub fn noted_by(&self, value: &str) -> &[String] {
        match self.answer_type {
            AnswerType::YesNo if value == "yes" => &self.indicates,
            AnswerType::YesNo => &[],
            AnswerType::SingleChoice => self
                .options
                .iter()
                .find(|o| o.key == value)
                .map_or(&[], |o| o.indicates.as_slice()),
        }
    }

    /// Every indicator some answer to this question could note.
    pub fn could_note(&self) -> impl Iterator<Item = &String> {
        self.indicates
            .iter()
            .chain(self.options.iter().flat_map(|o| o.indicates.iter()))
    }
}

/// The Delphi dimensions (ILO/EC 2009 operational indicators), plus `None` for context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    DeceptiveRecruitment,
    CoerciveRecruitment,
    RecruitmentAbuseOfVulnerability,
    ExploitativeConditions,
    CoercionAtDestination,
    AbuseOfVulnerabilityAtDestination,
    None,
}

impl Dimension {
    pub fn phase(self) -> Phase {
        match self {
            Dimension::DeceptiveRecruitment
            | Dimension::CoerciveRecruitment
            | Dimension::RecruitmentAbuseOfVulnerability => Phase::Recruitment,
            Dimension::ExploitativeConditions
            | Dimension::CoercionAtDestination
            | Dimension::AbuseOfVulnerabilityAtDestination => Phase::Destination,
            Dimension::None => Phase::None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Dimension::DeceptiveRecruitment => "deceptive_recruitment",
            Dimension::CoerciveRecruitment => "coercive_recruitment",
            Dimension::RecruitmentAbuseOfVulnerability => "recruitment_abuse_of_vulnerability",
            Dimension::ExploitativeConditions => "exploitative_conditions",
            Dimension::CoercionAtDestination => "coercion_at_destination",
            Dimension::AbuseOfVulnerabilityAtDestination => "abuse_of_vulnerability_at_destination",
            Dimension::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Recruitment,
    Destination,
    None,
}

/// How strongly an indicator points to exploitation under one profile.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    #[default]
    None,
    Weak,
    Medium,
    Strong,
}

/// Who is screened and for which kind of exploitation; it selects the weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    AdultLabour,
    AdultSexual,
    ChildLabour,
    ChildSexual,
}

impl Profile {
    pub fn key(self) -> &'static str {
        match self {
            Profile::AdultLabour => "adult_labour",
            Profile::AdultSexual => "adult_sexual",
            Profile::ChildLabour => "child_labour",
            Profile::ChildSexual => "child_sexual",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    #[serde(default)]
    pub adult_labour: Weight,
    #[serde(default)]
    pub adult_sexual: Weight,
    #[serde(default)]
    pub child_labour: Weight,
    #[serde(default)]
    pub child_sexual: Weight,
}

impl Weights {
    pub fn get(&self, profile: Profile) -> Weight {
        match profile {
            Profile::AdultLabour => self.adult_labour,
            Profile::AdultSexual => self.adult_sexual,
            Profile::ChildLabour => self.child_labour,
            Profile::ChildSexual => self.child_sexual,
        }
    }
}

/// The legal elements an indicator supports, per framework.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Legal {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criminal_code: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criminal_code_minors: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents_279_03: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub irpa_118: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub palermo: Vec<String>,
}

impl Legal {
    pub fn elements(&self, framework: Framework) -> &[String] {
        match framework {
            Framework::CriminalCode => &self.criminal_code,
            Framework::CriminalCodeMinors => &self.criminal_code_minors,
            Framework::Documents27903 => &self.documents_279_03,
            Framework::Irpa118 => &self.irpa_118,
            Framework::Palermo => &self.palermo,
        }
    }

    pub fn supports(&self, framework: Framework, element: &str) -> bool {
        self.elements(framework).iter().any(|e| e == element)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub key: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ilo: Option<u8>,
    pub dimension: Dimension,
    pub phase: Phase,
    #[serde(default)]
    pub weights: Weights,
    #[serde(default)]
    pub legal: Legal,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<ServiceDomain>,
    #[serde(default)]
    pub safety_trigger: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctdc: Option<String>,
    /// Something the person asks for, not a sign of exploitation: it offers its domains and
    /// nothing else (no weight, no legal element, no alert, no band). Left out of the
    /// canonical form when false, so files written before it keep their content hash.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub need: bool,
}

/// An instrument file as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstrumentFile {
    pub format: u32,
    pub key: String,
    pub version: u32,
    pub validation: Validation,
    pub title: Text,
    pub summary: Text,
    pub licence: Text,
    pub sources: Vec<Source>,
    /// What changed since the previous version, for the people who use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Text>,
    /// The key of a fuller instrument to suggest when this one finds a pattern (a quick
    /// screen names the full assessment; the full assessment names none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<String>,
    pub profile: ProfileSpec,
    pub bands: Bands,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routing: Vec<Routing>,
    pub sections: Vec<Section>,
    pub questions: Vec<Question>,
    pub indicators: Vec<Indicator>,
}

/// A problem that keeps an instrument from being used, with what a reader needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstrumentProblem {
    #[error("not a valid instrument file at line {line}, column {column}: {detail}")]
    Syntax {
        line: usize,
        column: usize,
        detail: String,
    },
    #[error("format {found} is not supported (this version reads format {FORMAT})")]
    UnsupportedFormat { found: u32 },
    #[error("{what} key {key:?} is not valid")]
    BadKey { what: &'static str, key: String },
    #[error("version must be 1 or more")]
    BadVersion,
    #[error("{path}: the {language:?} text is missing")]
    MissingTranslation {
        path: String,
        language: &'static str,
    },
    #[error("{what} {key:?} is defined twice")]
    Duplicate { what: &'static str, key: String },
    #[error("the instrument cites no source")]
    NoSources,
    #[error("source {label:?}: {url:?} is not a web address")]
    BadSourceUrl { label: String, url: String },
    #[error("question {question:?}: section {section:?} is not defined")]
    UnknownSection { question: String, section: String },
    #[error("{at}: indicator {indicator:?} is not defined")]
    UnknownIndicator { at: String, indicator: String },
    #[error("question {question:?}: a yes_no question cannot have options")]
    OptionsOnYesNo { question: String },
    #[error("question {question:?}: a single_choice question notes indicators through its options")]
    IndicatesOnChoice { question: String },
    #[error("question {question:?}: a single_choice question needs at least two options")]
    TooFewOptions { question: String },
    #[error("question {question:?}: option key {option:?} is reserved for non-answers")]
    ReservedOption { question: String, option: String },
    #[error("question {question:?}: shown_if names {refers:?}, which is not a question")]
    UnknownConditionQuestion { question: String, refers: String },
    #[error("question {question:?}: shown_if needs exactly one of `is` or `is_not`")]
    BadCondition { question: String },
    #[error("question {question:?}: shown_if names {refers:?}, which comes later")]
    ForwardCondition { question: String, refers: String },
    #[error("question {question:?}: {refers:?} can never be {value:?}")]
    ImpossibleConditionValue {
        question: String,
        refers: String,
        value: String,
    },
    #[error("the skip logic has a cycle: {}", cycle.join(" → "))]
    SkipCycle { cycle: Vec<String> },
    #[error("question {question:?} can never be shown")]
    Unreachable { question: String },
    #[error("indicator {indicator:?}: phase {phase:?} does not match dimension {dimension:?}")]
    PhaseMismatch {
        indicator: String,
        dimension: String,
        phase: String,
    },
    #[error("indicator {indicator:?}: ILO indicator {ilo} does not exist (1–11)")]
    BadIlo { indicator: String, ilo: u8 },
    #[error("indicator {indicator:?}: the {profile} weight is lower than the adult one")]
    ChildWeightBelowAdult { indicator: String, profile: String },
    #[error("indicator {indicator:?}: {framework} has no element {element:?}")]
    UnknownElement {
        indicator: String,
        framework: &'static str,
        element: String,
    },
    #[error("indicator {indicator:?}: no question notes it")]
    UnusedIndicator { indicator: String },
    #[error(
        "indicator {indicator:?}: a need offers domains only (no weight, legal element or \
         safety trigger, dimension and phase none, at least one domain)"
    )]
    NeedNotOnlyDomains { indicator: String },
    #[error("profile: {question:?} must be a yes_no question")]
    BadMinorQuestion { question: String },
    #[error("profile: {question:?} must be a single_choice question")]
    BadExploitationQuestion { question: String },
    #[error("question {question:?}: option {option:?} needs `exploitation`")]
    MissingExploitation { question: String, option: String },
    #[error("question {question:?}: only the profile's exploitation question has `exploitation`")]
    StrayExploitation { question: String },
    #[error("bands: band {band} needs at least one group, each with at least one minimum")]
    EmptyBand { band: u8 },
    #[error("routing: band_at_least must be 1, 2 or 3, not {band}")]
    BadRoutingBand { band: u8 },
}

impl InstrumentProblem {
    /// The Fluent message id that says this problem in the user's language.
    pub fn message_id(&self) -> &'static str {
        match self {
            InstrumentProblem::Syntax { .. } => "instrument-problem-syntax",
            InstrumentProblem::UnsupportedFormat { .. } => "instrument-problem-format",
            InstrumentProblem::BadKey { .. } => "instrument-problem-bad-key",
            InstrumentProblem::BadVersion => "instrument-problem-bad-version",
            InstrumentProblem::MissingTranslation { .. } => "instrument-problem-translation",
            InstrumentProblem::Duplicate { .. } => "instrument-problem-duplicate",
            InstrumentProblem::NoSources => "instrument-problem-no-sources",
            InstrumentProblem::BadSourceUrl { .. } => "instrument-problem-source-url",
            InstrumentProblem::UnknownSection { .. } => "instrument-problem-section",
            InstrumentProblem::UnknownIndicator { .. } => "instrument-problem-unknown-indicator",
            InstrumentProblem::OptionsOnYesNo { .. } => "instrument-problem-options-on-yes-no",
            InstrumentProblem::IndicatesOnChoice { .. } => "instrument-problem-indicates-on-choice",
            InstrumentProblem::TooFewOptions { .. } => "instrument-problem-too-few-options",
            InstrumentProblem::ReservedOption { .. } => "instrument-problem-reserved-option",
            InstrumentProblem::UnknownConditionQuestion { .. } => {
                "instrument-problem-condition-unknown"
            }
            InstrumentProblem::BadCondition { .. } => "instrument-problem-condition-shape",
            InstrumentProblem::ForwardCondition { .. } => "instrument-problem-condition-forward",
            InstrumentProblem::ImpossibleConditionValue { .. } => {
                "instrument-problem-condition-value"
            }
            InstrumentProblem::SkipCycle { .. } => "instrument-problem-cycle",
            InstrumentProblem::Unreachable { .. } => "instrument-problem-unreachable",
            InstrumentProblem::PhaseMismatch { .. } => "instrument-problem-phase",
            InstrumentProblem::BadIlo { .. } => "instrument-problem-ilo",
            InstrumentProblem::ChildWeightBelowAdult { .. } => "instrument-problem-child-weight",
            InstrumentProblem::UnknownElement { .. } => "instrument-problem-element",
            InstrumentProblem::UnusedIndicator { .. } => "instrument-problem-unused-indicator",
            InstrumentProblem::NeedNotOnlyDomains { .. } => "instrument-problem-need",
            InstrumentProblem::BadMinorQuestion { .. } => "instrument-problem-minor-question",
            InstrumentProblem::BadExploitationQuestion { .. } => {
                "instrument-problem-exploitation-question"
            }
            InstrumentProblem::MissingExploitation { .. } => {
                "instrument-problem-missing-exploitation"
            }
            InstrumentProblem::StrayExploitation { .. } => "instrument-problem-stray-exploitation",
            InstrumentProblem::EmptyBand { .. } => "instrument-problem-empty-band",
            InstrumentProblem::BadRoutingBand { .. } => "instrument-problem-routing-band",
        }
    }

    /// The named values the message interpolates.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        use InstrumentProblem as P;
        match self {
            P::Syntax {
                line,
                column,
                detail,
            } => vec![
                ("line", line.to_string()),
                ("column", column.to_string()),
                ("detail", detail.clone()),
            ],
            P::UnsupportedFormat { found } => {
                vec![("found", found.to_string()), ("format", FORMAT.to_string())]
            }
            P::BadKey { what, key } => vec![("what", (*what).into()), ("key", key.clone())],
            P::BadVersion | P::NoSources => vec![],
            P::MissingTranslation { path, language } => {
                vec![("path", path.clone()), ("language", (*language).into())]
            }
            P::Duplicate { what, key } => vec![("what", (*what).into()), ("key", key.clone())],
            P::BadSourceUrl { label, url } => vec![("label", label.clone()), ("url", url.clone())],
            P::UnknownSection { question, section } => {
                vec![("question", question.clone()), ("section", section.clone())]
            }
            P::UnknownIndicator { at, indicator } => {
                vec![("at", at.clone()), ("indicator", indicator.clone())]
            }
            P::OptionsOnYesNo { question }
            | P::IndicatesOnChoice { question }
            | P::TooFewOptions { question }
            | P::BadCondition { question }
            | P::Unreachable { question }
            | P::BadMinorQuestion { question }
            | P::BadExploitationQuestion { question }
            | P::StrayExploitation { question } => vec![("question", question.clone())],
            P::ReservedOption { question, option }
            | P::MissingExploitation { question, option } => {
                vec![("question", question.clone()), ("option", option.clone())]
            }
            P::UnknownConditionQuestion { question, refers }
            | P::ForwardCondition { question, refers } => {
                vec![("question", question.clone()), ("refers", refers.clone())]
            }
            P::ImpossibleConditionValue {
                question,
                refers,
                value,
            } => vec![
                ("question", question.clone()),
                ("refers", refers.clone()),
                ("value", value.clone()),
            ],
            P::SkipCycle { cycle } => vec![("cycle", cycle.join(" → "))],
            P::PhaseMismatch {
                indicator,
                dimension,
                phase,
            } => vec![
                ("indicator", indicator.clone()),
                ("dimension", dimension.clone()),
                ("phase", phase.clone()),
            ],
            P::BadIlo { indicator, ilo } => {
                vec![("indicator", indicator.clone()), ("ilo", ilo.to_string())]
            }
            P::ChildWeightBelowAdult { indicator, profile } => {
                vec![
                    ("indicator", indicator.clone()),
                    ("profile", profile.clone()),
                ]
            }
            P::UnknownElement {
                indicator,
                framework,
                element,
            } => vec![
                ("indicator", indicator.clone()),
                ("framework", (*framework).into()),
                ("element", element.clone()),
            ],
            P::UnusedIndicator { indicator } | P::NeedNotOnlyDomains { indicator } => {
                vec![("indicator", indicator.clone())]
            }
            P::EmptyBand { band } | P::BadRoutingBand { band } => {
                vec![("band", band.to_string())]
            }
        }
    }
}

/// The syntax an instrument file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Toml,
    Json,
}

impl Syntax {
    /// From a file name: `.json` is JSON, anything else TOML.
    pub fn from_path(path: &str) -> Syntax {
        if path.to_ascii_lowercase().ends_with(".json") {
            Syntax::Json
        } else {
            Syntax::Toml
        }
    }
}

/// An instrument that passed every check, with its content hash.
#[derive(Debug, Clone)]
pub struct Instrument {
    file: InstrumentFile,
    canonical: String,
    hash: String,
    questions: HashMap<String, usize>,
    indicators: HashMap<String, usize>,
}

impl Instrument {
    /// Parses and checks a file; every problem found is returned, not only the first.
    pub fn parse(source: &str, syntax: Syntax) -> Result<Instrument, Vec<InstrumentProblem>> {
        let file = parse_file(source, syntax).map_err(|p| vec![p])?;
        Instrument::from_file(file)
    }

    pub fn from_file(file: InstrumentFile) -> Result<Instrument, Vec<InstrumentProblem>> {
        let problems = check(&file);
        if !problems.is_empty() {
            return Err(problems);
        }
        // The hash is over a canonical JSON form, so the same content written in TOML or in
        // JSON, with any layout or comments, has the same hash.
        let canonical = serde_json::to_string(&file).unwrap_or_default();
        let hash = hex(&Sha256::digest(canonical.as_bytes()));
        let questions = file
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.key.clone(), i))
            .collect();
        let indicators = file
            .indicators
            .iter()
            .enumerate()
            .map(|(i, q)| (q.key.clone(), i))
            .collect();
        Ok(Instrument {
            file,
            canonical,
            hash,
            questions,
            indicators,
        })
    }

    pub fn file(&self) -> &InstrumentFile {
        &self.file
    }

    pub fn key(&self) -> &str {
        &self.file.key
    }

    pub fn version(&self) -> u32 {
        self.file.version
    }

    /// SHA-256 of the canonical JSON form, in hex.
    pub fn content_hash(&self) -> &str {
        &self.hash
    }

    /// The canonical JSON form, as stored.
    pub fn canonical_json(&self) -> &str {
        &self.canonical
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.get(key).map(|i| &self.file.questions[*i])
    }

    pub fn question_position(&self, key: &str) -> Option<usize> {
        self.questions.get(key).copied()
    }

    pub fn indicator(&self, key: &str) -> Option<&Indicator> {
        self.indicators.get(key).map(|i| &self.file.indicators[*i])
    }

    pub fn section(&self, key: &str) -> Option<&Section> {
        self.file.sections.iter().find(|s| s.key == key)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_file(source: &str, syntax: Syntax) -> Result<InstrumentFile, InstrumentProblem> {
    match syntax {
        Syntax::Json => serde_json::from_str(source).map_err(|e| InstrumentProblem::Syntax {
            line: e.line(),
            column: e.column(),
            detail: e.to_string(),
        }),
        Syntax::Toml => toml::from_str(source).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| line_column(source, s.start))
                .unwrap_or((0, 0));
            InstrumentProblem::Syntax {
                line,
                column,
                detail: e.message().to_owned(),
            }
        }),
    }
}

fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn valid_key(key: &str, extra: char, min: usize) -> bool {
    (min..=40).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == extra)
        && key.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Every check of `docs/instruments.md`, in file order.
pub fn check(file: &InstrumentFile) -> Vec<InstrumentProblem> {
    use InstrumentProblem as P;
    let mut problems = Vec::new();
    if file.format != FORMAT {
        problems.push(P::UnsupportedFormat { found: file.format });
    }
    if !valid_key(&file.key, '-', 3) {
        problems.push(P::BadKey {
            what: "instrument",
            key: file.key.clone(),
        });
    }
    if file.version == 0 {
        problems.push(P::BadVersion);
    }
    if let Some(follow_up) = &file.follow_up
        && (!valid_key(follow_up, '-', 3) || *follow_up == file.key)
    {
        problems.push(P::BadKey {
            what: "follow_up",
            key: follow_up.clone(),
        });
    }
    check_texts(file, &mut problems);
    if file.sources.is_empty() {
        problems.push(P::NoSources);
    }
    for s in &file.sources {
        if !(s.url.starts_with("https://") || s.url.starts_with("http://")) {
            problems.push(P::BadSourceUrl {
                label: s.label.clone(),
                url: s.url.clone(),
            });
        }
    }
    let mut sections = BTreeSet::new();
    for s in &file.sections {
        if !valid_key(&s.key, '_', 2) {
            problems.push(P::BadKey {
                what: "section",
                key: s.key.clone(),
            });
        }
        if !sections.insert(s.key.as_str()) {
            problems.push(P::Duplicate {
                what: "section",
                key: s.key.clone(),
            });
        }
    }
    let mut indicators = BTreeSet::new();
    for i in &file.indicators {
        if !indicators.insert(i.key.as_str()) {
            problems.push(P::Duplicate {
                what: "indicator",
                key: i.key.clone(),
            });
        }
    }
    check_questions(file, &sections, &indicators, &mut problems);
    check_skip_logic(file, &mut problems);
    check_indicators(file, &mut problems);
    check_profile(file, &mut problems);
    for (band, groups) in [(2, &file.bands.two), (3, &file.bands.three)] {
        if groups.is_empty() || groups.iter().any(BandGroup::is_empty) {
            problems.push(P::EmptyBand { band });
        }
    }
    for r in &file.routing {
        if !(1..=3).contains(&r.band_at_least) {
            problems.push(P::BadRoutingBand {
                band: r.band_at_least,
            });
        }
    }
    problems
}

fn check_texts(file: &InstrumentFile, problems: &mut Vec<InstrumentProblem>) {
    let mut texts: Vec<(String, &Text)> = vec![
        ("title".into(), &file.title),
        ("summary".into(), &file.summary),
        ("licence".into(), &file.licence),
    ];
    if let Some(changes) = &file.changes {
        texts.push(("changes".into(), changes));
    }
    for s in &file.sections {
        texts.push((format!("sections.{}.title", s.key), &s.title));
    }
    for q in &file.questions {
        texts.push((format!("questions.{}.text", q.key), &q.text));
        if let Some(help) = &q.help {
            texts.push((format!("questions.{}.help", q.key), help));
        }
        for o in &q.options {
            texts.push((
                format!("questions.{}.options.{}.text", q.key, o.key),
                &o.text,
            ));
        }
    }
    for i in &file.indicators {
        texts.push((format!("indicators.{}.label", i.key), &i.label));
    }
    for (path, text) in texts {
        for (language, value) in [("fr", &text.fr), ("en", &text.en)] {
            if value.trim().is_empty() {
                problems.push(InstrumentProblem::MissingTranslation {
                    path: path.clone(),
                    language,
                });
            }
        }
    }
}

fn check_questions(
    file: &InstrumentFile,
    sections: &BTreeSet<&str>,
    indicators: &BTreeSet<&str>,
    problems: &mut Vec<InstrumentProblem>,
) {
    use InstrumentProblem as P;
    let mut keys = BTreeSet::new();
    let exploitation = file.profile.exploitation_question.as_deref();
    for q in &file.questions {
        if !valid_key(&q.key, '_', 2) {
            problems.push(P::BadKey {
                what: "question",
                key: q.key.clone(),
            });
        }
        if !keys.insert(q.key.as_str()) {
            problems.push(P::Duplicate {
                what: "question",
                key: q.key.clone(),
            });
        }
        if !sections.contains(q.section.as_str()) {
            problems.push(P::UnknownSection {
                question: q.key.clone(),
                section: q.section.clone(),
            });
        }
        match q.answer_type {
            AnswerType::YesNo if !q.options.is_empty() => problems.push(P::OptionsOnYesNo {
                question: q.key.clone(),
            }),
            AnswerType::SingleChoice if !q.indicates.is_empty() => {
                problems.push(P::IndicatesOnChoice {
                    question: q.key.clone(),
                })
            }
            AnswerType::SingleChoice if q.options.len() < 2 => problems.push(P::TooFewOptions {
                question: q.key.clone(),
            }),
            _ => {}
        }
        let mut options = BTreeSet::new();
        for o in &q.options {
            if ["yes", "no"].contains(&o.key.as_str()) || NON_ANSWERS.contains(&o.key.as_str()) {
                problems.push(P::ReservedOption {
                    question: q.key.clone(),
                    option: o.key.clone(),
                });
            } else if !valid_key(&o.key, '_', 2) {
                problems.push(P::BadKey {
                    what: "option",
                    key: o.key.clone(),
                });
            }
            if !options.insert(o.key.as_str()) {
                problems.push(P::Duplicate {
                    what: "option",
                    key: format!("{}.{}", q.key, o.key),
                });
            }
            if Some(q.key.as_str()) == exploitation {
                if o.exploitation.is_none() {
                    problems.push(P::MissingExploitation {
                        question: q.key.clone(),
                        option: o.key.clone(),
                    });
                }
            } else if o.exploitation.is_some() {
                problems.push(P::StrayExploitation {
                    question: q.key.clone(),
                });
            }
        }
        let mut noted: Vec<(String, &String)> = q
            .indicates
            .iter()
            .map(|i| (format!("questions.{}", q.key), i))
            .collect();
        for o in &q.options {
            noted.extend(
                o.indicates
                    .iter()
                    .map(|i| (format!("questions.{}.options.{}", q.key, o.key), i)),
            );
        }
        for (at, indicator) in noted {
            if !indicators.contains(indicator.as_str()) {
                problems.push(P::UnknownIndicator {
                    at,
                    indicator: indicator.clone(),
                });
            }
        }
    }
}

fn check_skip_logic(file: &InstrumentFile, problems: &mut Vec<InstrumentProblem>) {
    use InstrumentProblem as P;
    let position: HashMap<&str, usize> = file
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.key.as_str(), i))
        .collect();
    // Cycles first: a cycle is the clearer report than the forward reference it contains.
    let mut in_cycle = BTreeSet::new();
    for start in 0..file.questions.len() {
        let mut path = vec![start];
        let mut at = start;
        while let Some(next) = file.questions[at]
            .shown_if
            .as_ref()
            .and_then(|c| position.get(c.question.as_str()).copied())
        {
            if next == start {
                if path.iter().all(|p| !in_cycle.contains(p)) {
                    problems.push(P::SkipCycle {
                        cycle: path
                            .iter()
                            .chain([&start])
                            .map(|i| file.questions[*i].key.clone())
                            .collect(),
                    });
                }
                in_cycle.extend(path.iter().copied());
                break;
            }
            if path.contains(&next) {
                break;
            }
            path.push(next);
            at = next;
        }
    }
    let mut reachable = vec![false; file.questions.len()];
    for (i, q) in file.questions.iter().enumerate() {
        let Some(condition) = &q.shown_if else {
            reachable[i] = true;
            continue;
        };
        let Some(&refers) = position.get(condition.question.as_str()) else {
            problems.push(P::UnknownConditionQuestion {
                question: q.key.clone(),
                refers: condition.question.clone(),
            });
            continue;
        };
        if condition.is.is_some() == condition.is_not.is_some() {
            problems.push(P::BadCondition {
                question: q.key.clone(),
            });
            continue;
        }
        if in_cycle.contains(&i) {
            continue;
        }
        if refers >= i {
            problems.push(P::ForwardCondition {
                question: q.key.clone(),
                refers: condition.question.clone(),
            });
            continue;
        }
        let earlier = &file.questions[refers];
        let values = earlier.values();
        let listed = condition.is.iter().chain(condition.is_not.iter()).flatten();
        let mut bad_value = false;
        for value in listed {
            if !values.contains(&value.as_str()) {
                bad_value = true;
                problems.push(P::ImpossibleConditionValue {
                    question: q.key.clone(),
                    refers: earlier.key.clone(),
                    value: value.clone(),
                });
            }
        }
        reachable[i] = reachable[refers] && values.iter().any(|v| condition.shows(v));
        if !reachable[i] && !bad_value {
            problems.push(P::Unreachable {
                question: q.key.clone(),
            });
        }
    }
}

fn check_indicators(file: &InstrumentFile, problems: &mut Vec<InstrumentProblem>) {
    use InstrumentProblem as P;
    let noted: BTreeSet<&str> = file
        .questions
        .iter()
        .flat_map(Question::could_note)
        .map(String::as_str)
        .collect();
    for i in &file.indicators {
        if !valid_key(&i.key, '_', 2) {
            problems.push(P::BadKey {
                what: "indicator",
                key: i.key.clone(),
            });
        }
        if i.dimension.phase() != i.phase {
            problems.push(P::PhaseMismatch {
                indicator: i.key.clone(),
                dimension: i.dimension.key().into(),
                phase: format!("{:?}", i.phase).to_lowercase(),
            });
        }
        if let Some(ilo) = i.ilo
            && !(1..=11).contains(&ilo)
        {
            problems.push(P::BadIlo {
                indicator: i.key.clone(),
                ilo,
            });
        }
        for (child, adult, profile) in [
            (
                i.weights.child_labour,
                i.weights.adult_labour,
                "child_labour",
            ),
            (
                i.weights.child_sexual,
                i.weights.adult_sexual,
                "child_sexual",
            ),
        ] {
            if child < adult {
                problems.push(P::ChildWeightBelowAdult {
                    indicator: i.key.clone(),
                    profile: profile.into(),
                });
            }
        }
        for framework in Framework::ALL {
            for element in i.legal.elements(framework) {
                if !framework.elements().contains(&element.as_str()) {
                    problems.push(P::UnknownElement {
                        indicator: i.key.clone(),
                        framework: framework.key(),
                        element: element.clone(),
                    });
                }
            }
        }
        if !noted.contains(i.key.as_str()) {
            problems.push(P::UnusedIndicator {
                indicator: i.key.clone(),
            });
        }
        if i.need
            && (i.weights != Weights::default()
                || i.legal != Legal::default()
                || i.safety_trigger
                || i.dimension != Dimension::None
                || i.phase != Phase::None
                || i.ilo.is_some()
                || i.domains.is_empty())
        {
            problems.push(P::NeedNotOnlyDomains {
                indicator: i.key.clone(),
            });
        }
    }
}

fn check_profile(file: &InstrumentFile, problems: &mut Vec<InstrumentProblem>) {
    let find = |key: &str| file.questions.iter().find(|q| q.key == key);
    let minor = &file.profile.minor_question;
    if find(minor).is_none_or(|q| q.answer_type != AnswerType::YesNo) {
        problems.push(InstrumentProblem::BadMinorQuestion {
            question: minor.clone(),
        });
    }
    if let Some(kind) = &file.profile.exploitation_question
        && find(kind).is_none_or(|q| q.answer_type != AnswerType::SingleChoice)
    {
        problems.push(InstrumentProblem::BadExploitationQuestion {
            question: kind.clone(),
        });
    }
}
