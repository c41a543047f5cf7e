//! Funding: the grants that keep the coalition going — the funder, the amount, the period,
//! the reports due and the plan's actions each grant pays for — so that no report is late
//! and every action knows what funds it.

use jiff::civil::Date;

use crate::text::has_control;
use crate::{ActionId, GrantId, OrgId};

pub const TEXT_MAX_CHARS: usize = 300;
pub const REPORTS_MAX: usize = 50;
/// Ten billion dollars, in cents: more is a typing error.
pub const AMOUNT_MAX_CENTS: i64 = 1_000_000_000_000;
/// A report may be due up to a year after the grant ends (the final report).
pub const REPORT_GRACE_DAYS: i32 = 366;

/// A report due to the funder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDue {
    pub due_on: Date,
    /// "Rapport d'étape", "Rapport final".
    pub label: String,
    pub submitted_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrant {
    pub funder: String,
    /// The program or project funded.
    pub title: String,
    pub amount_cents: i64,
    pub starts_on: Date,
    pub ends_on: Date,
    /// (due day, label) of each report.
    pub reports: Vec<(Date, String)>,
    /// The plan's actions it pays for.
    pub activities: Vec<ActionId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: GrantId,
    pub coalition: OrgId,
    pub funder: String,
    pub title: String,
    pub amount_cents: i64,
    pub starts_on: Date,
    pub ends_on: Date,
    /// By due day.
    pub reports: Vec<ReportDue>,
    pub activities: Vec<ActionId>,
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantProblem {
    #[error("no funder")]
    NoFunder,
    #[error("no title")]
    NoTitle,
    #[error("a text is too long")]
    TextTooLong,
    #[error("a control character (not text)")]
    ControlCharacter,
    #[error("the amount is not more than zero, or implausible")]
    BadAmount,
    #[error("it ends before it starts")]
    EndsBeforeStart,
    #[error("a report is due before the grant starts or over a year after it ends")]
    ReportOutsidePeriod,
    #[error("a report without a label, or two reports on one day")]
    BadReport,
    #[error("too many reports")]
    TooManyReports,
    #[error("an activity that is not one of the plan's actions")]
    UnknownActivity,
    #[error("no such report")]
    UnknownReport,
    #[error("submitted in the future")]
    SubmittedInFuture,
}

impl GrantProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoFunder => "grant-problem-no-funder",
            Self::NoTitle => "grant-problem-no-title",
            Self::TextTooLong => "grant-problem-text-too-long",
            Self::ControlCharacter => "grant-problem-control-character",
            Self::BadAmount => "grant-problem-bad-amount",
            Self::EndsBeforeStart => "grant-problem-ends-before-start",
            Self::ReportOutsidePeriod => "grant-problem-report-outside-period",
            Self::BadReport => "grant-problem-bad-report",
            Self::TooManyReports => "grant-problem-too-many-reports",
            Self::UnknownActivity => "grant-problem-unknown-activity",
            Self::UnknownReport => "grant-problem-unknown-report",
            Self::SubmittedInFuture => "grant-problem-submitted-in-future",
        }
    }
}

/// An amount as written: `25 000`, `25 000,50 $`, `$25,000.50`, `1.234,56`, `25000.5`. French
/// and English writing both read; anything else (`0.500`, `1,5000`, `12.5.2025`, `5$5`) is
/// refused rather than guessed. The cents, or `None`.
pub fn parse_amount(text: &str) -> Option<i64> {
    let text: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\u{a0}' | '\u{202f}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let text = text.trim();
    // A dollar sign before or after, never inside.
    let text = text
        .strip_prefix('$')
        .or_else(|| text.strip_suffix('$'))
        .unwrap_or(text)
        .trim();
    if text.is_empty() || text.contains('$') {
        return None;
    }
    // The last `,` or `.` followed by one or two digits is the decimal mark.
    let (whole, cents, decimal) = match text.rfind([',', '.']) {
        Some(at) if (1..=2).contains(&(text.len() - at - 1)) => {
            let decimals = &text[at + 1..];
            let cents = if decimals.len() == 1 {
                format!("{decimals}0")
            } else {
                decimals.to_owned()
            };
            (&text[..at], cents, text[at..].chars().next())
        }
        _ => (text, "00".to_owned(), None),
    };
    if !cents.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let separators: Vec<char> = whole.chars().filter(|c| !c.is_ascii_digit()).collect();
    let digits: String = match separators.first() {
        None => whole.to_owned(),
        Some(&sep) => {
            // One thousands separator, other than the decimal mark, between groups of three.
            if !matches!(sep, ' ' | ',' | '.')
                || separators.iter().any(|c| *c != sep)
                || Some(sep) == decimal
            {
                return None;
            }
            let groups: Vec<&str> = whole.split(sep).collect();
            let first = groups[0];
            if first.is_empty()
                || first.len() > 3
                || first.starts_with('0')
                || groups[1..].iter().any(|g| g.len() != 3)
            {
                return None;
            }
            groups.concat()
        }
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = digits.parse().ok()?;
    let cents: i64 = cents.parse().ok()?;
    whole.checked_mul(100)?.checked_add(cents)
}

impl NewGrant {
    /// The grant with its texts trimmed, its reports by due day and each activity once,
    /// checked against the plan's actions.
    pub fn check(self, actions: &[ActionId]) -> Result<NewGrant, Vec<GrantProblem>> {
        let mut problems = Vec::new();
        let (funder, title) = (self.funder.trim().to_owned(), self.title.trim().to_owned());
        if funder.is_empty() {
            problems.push(GrantProblem::NoFunder);
        }
        if title.is_empty() {
            problems.push(GrantProblem::NoTitle);
        }
        let mut reports: Vec<(Date, String)> = self
            .reports
            .into_iter()
            .map(|(d, l)| (d, l.trim().to_owned()))
            .collect();
        reports.sort();
        let texts = || {
            [&funder, &title]
                .into_iter()
                .chain(reports.iter().map(|(_, l)| l))
        };
        if texts().any(|t| t.chars().count() > TEXT_MAX_CHARS) {
            problems.push(GrantProblem::TextTooLong);
        }
        if texts().any(|t| has_control(t) || t.contains(['\n', '\r'])) {
            problems.push(GrantProblem::ControlCharacter);
        }
        if !(1..=AMOUNT_MAX_CENTS).contains(&self.amount_cents) {
            problems.push(GrantProblem::BadAmount);
        }
        if self.ends_on < self.starts_on {
            problems.push(GrantProblem::EndsBeforeStart);
        }
        let last_due = self
            .ends_on
            .checked_add(jiff::Span::new().days(REPORT_GRACE_DAYS))
            .unwrap_or(self.ends_on);
        if reports
            .iter()
            .any(|(d, _)| *d < self.starts_on || *d > last_due)
        {
            problems.push(GrantProblem::ReportOutsidePeriod);
        }
        if reports.iter().any(|(_, l)| l.is_empty()) || reports.windows(2).any(|w| w[0].0 == w[1].0)
        {
            problems.push(GrantProblem::BadReport);
        }
        if reports.len() > REPORTS_MAX {
            problems.push(GrantProblem::TooManyReports);
        }
        let mut activities = self.activities;
        activities.sort();
        activities.dedup();
        if activities.iter().any(|a| !actions.contains(a)) {
            problems.push(GrantProblem::UnknownActivity);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewGrant {
            funder,
            title,
            reports,
            activities,
            ..self
        })
    }
}

impl Grant {
    /// Checks marking the report due on `due_on` submitted on `on`, `today`.
    pub fn check_submission(
        &self,
        due_on: Date,
        on: Date,
        today: Date,
    ) -> Result<(), GrantProblem> {
        if !self.reports.iter().any(|r| r.due_on == due_on) {
            return Err(GrantProblem::UnknownReport);
        }
        if on > today {
            return Err(GrantProblem::SubmittedInFuture);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn amounts_read_as_written_in_french_and_english() {
        for (text, cents) in [
            ("25 000", Some(2_500_000)),
            ("25 000,50 $", Some(2_500_050)),
            ("$25,000.50", Some(2_500_050)),
            ("25000.5", Some(2_500_050)),
            ("1.250.000", Some(125_000_000)),
            ("25\u{202f}000", Some(2_500_000)),
            ("", None),
            ("vingt", None),
            ("-5", None),
            ("12,345", Some(1_234_500)),
            ("1,5", Some(150)),
            ("1.234,56", Some(123_456)),
            ("12,345.6", Some(1_234_560)),
            ("0,50", Some(50)),
            ("0.500", None),
            ("1,5000", None),
            ("12.5.2025", None),
            ("1.5.0", None),
            ("1,,5", None),
            ("5$5", None),
            ("1 234,567", None),
            ("1.234.56", None),
        ] {
            assert_eq!(parse_amount(text), cents, "{text}");
        }
    }

    fn grant() -> NewGrant {
        NewGrant {
            funder: " Ministère de la Sécurité publique ".into(),
            title: "Concertation régionale".into(),
            amount_cents: 7_500_000,
            starts_on: date(2026, 4, 1),
            ends_on: date(2027, 3, 31),
            reports: vec![
                (date(2027, 6, 30), "Rapport final".into()),
                (date(2026, 10, 31), "Rapport d’étape".into()),
            ],
            activities: vec![],
        }
    }

    #[test]
    fn a_grant_is_checked_against_its_period_and_the_plan() {
        let action = ActionId::new();
        let ok = NewGrant {
            activities: vec![action, action],
            ..grant()
        }
        .check(&[action])
        .unwrap();
        assert_eq!(ok.funder, "Ministère de la Sécurité publique");
        assert_eq!(ok.reports[0].1, "Rapport d’étape", "by due day");
        assert_eq!(ok.activities, [action]);
        let bad = NewGrant {
            funder: " ".into(),
            amount_cents: 0,
            ends_on: date(2026, 3, 1),
            reports: vec![
                (date(2026, 3, 15), String::new()),
                (date(2026, 3, 15), "x".into()),
            ],
            activities: vec![ActionId::new()],
            ..grant()
        };
        assert_eq!(
            bad.check(&[action]).unwrap_err(),
            [
                GrantProblem::NoFunder,
                GrantProblem::BadAmount,
                GrantProblem::EndsBeforeStart,
                GrantProblem::ReportOutsidePeriod,
                GrantProblem::BadReport,
                GrantProblem::UnknownActivity,
            ]
        );
        let late = NewGrant {
            reports: vec![(date(2028, 4, 2), "Trop tard".into())],
            ..grant()
        };
        assert_eq!(
            late.check(&[]).unwrap_err(),
            [GrantProblem::ReportOutsidePeriod]
        );
    }
}
