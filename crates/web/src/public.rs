//! The public face beyond the directory: the signs of trafficking and what to do, browsing
//! more safely, and the coalition's own page. Readable by anyone, signed in or not.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::Arg;
use crate::shell::{Shell, render};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/signs", get(signs))
        .route("/safety", get(safety))
        .route("/coalition", get(coalition))
}

/// A titled list of plain-language points, each a message id.
struct Section {
    id: &'static str,
    title: &'static str,
    intro: Option<&'static str>,
    points: &'static [&'static str],
}

const SIGNS: &[Section] = &[
    Section {
        id: "sexual",
        title: "signs-sexual-title",
        intro: Some("signs-sexual-intro"),
        points: &[
            "signs-sexual-relationship",
            "signs-sexual-isolated",
            "signs-sexual-controlled",
            "signs-sexual-watched",
            "signs-sexual-debt",
            "signs-sexual-moves",
            "signs-sexual-things",
            "signs-sexual-fear",
        ],
    },
    Section {
        id: "labour",
        title: "signs-labour-title",
        intro: Some("signs-labour-intro"),
        points: &[
            "signs-labour-deceived",
            "signs-labour-documents",
            "signs-labour-wages",
            "signs-labour-debt",
            "signs-labour-movement",
            "signs-labour-threats",
            "signs-labour-conditions",
            "signs-labour-hours",
            "signs-labour-vulnerability",
        ],
    },
    Section {
        id: "do",
        title: "signs-do-title",
        intro: None,
        points: &[
            "signs-do-danger",
            "signs-do-hotline",
            "signs-do-listen",
            "signs-do-number",
            "signs-do-note",
        ],
    },
    Section {
        id: "dont",
        title: "signs-dont-title",
        intro: None,
        points: &[
            "signs-dont-confront",
            "signs-dont-rescue",
            "signs-dont-force",
            "signs-dont-share",
        ],
    },
    Section {
        id: "health",
        title: "signs-health-title",
        intro: None,
        points: &[
            "signs-health-signs",
            "signs-health-alone",
            "signs-health-interpreter",
            "signs-health-minor",
        ],
    },
    Section {
        id: "schools",
        title: "signs-schools-title",
        intro: None,
        points: &[
            "signs-schools-signs",
            "signs-schools-online",
            "signs-schools-report",
        ],
    },
    Section {
        id: "employers",
        title: "signs-employers-title",
        intro: None,
        points: &[
            "signs-employers-signs",
            "signs-employers-do",
            "signs-employers-standards",
        ],
    },
];

const SAFETY: &[Section] = &[
    Section {
        id: "exit",
        title: "safety-exit-title",
        intro: None,
        points: &["safety-exit-button", "safety-exit-back"],
    },
    Section {
        id: "trace",
        title: "safety-trace-title",
        intro: None,
        points: &[
            "safety-trace-site",
            "safety-trace-private",
            "safety-trace-history",
        ],
    },
    Section {
        id: "device",
        title: "safety-device-title",
        intro: None,
        points: &[
            "safety-device-shared",
            "safety-device-calls",
            "safety-device-accounts",
        ],
    },
];

/// A source the page cites: its name (a message id) and its address in French and in
/// English (the same when it publishes in one language only).
pub(crate) struct Source {
    name: &'static str,
    fr: &'static str,
    en: &'static str,
}

impl Source {
    fn url(&self, lang: &str) -> &'static str {
        if lang == "fr" { self.fr } else { self.en }
    }

    /// The language of the page at [`Source::url`].
    fn hreflang(&self, lang: &str) -> &'static str {
        if lang == "fr" && self.fr != self.en {
            "fr"
        } else {
            "en"
        }
    }
}

const SOURCES: &[Source] = &[
    Source {
        name: "signs-source-hotline",
        fr: "https://canadianhumantraffickinghotline.ca/im-worried-about-someone-else",
        en: "https://canadianhumantraffickinghotline.ca/im-worried-about-someone-else",
    },
    Source {
        name: "signs-source-hotline-confidentiality",
        fr: "https://canadianhumantraffickinghotline.ca/fr/confidentiality-policy",
        en: "https://www.canadianhumantraffickinghotline.ca/confidentiality-policy/",
    },
    Source {
        name: "signs-source-rcmp",
        fr: "https://www.rcmp-grc.gc.ca/en/human-trafficking/recognizing-human-trafficking-victims",
        en: "https://www.rcmp-grc.gc.ca/en/human-trafficking/recognizing-human-trafficking-victims",
    },
    Source {
        name: "signs-source-ilo",
        fr: "https://www.ilo.org/global/topics/forced-labour/publications/WCMS_203832/lang--en/index.htm",
        en: "https://www.ilo.org/global/topics/forced-labour/publications/WCMS_203832/lang--en/index.htm",
    },
];

#[derive(Template)]
#[template(path = "signs.html")]
struct SignsPage {
    shell: Shell,
    sections: &'static [Section],
    sources: &'static [Source],
}

async fn signs(ctx: Ctx) -> Response {
    render(&SignsPage {
        shell: ctx.shell(ctx.tr().t("signs-title"), "signs"),
        sections: SIGNS,
        sources: SOURCES,
    })
}

#[derive(Template)]
#[template(path = "safety.html")]
struct SafetyPage {
    shell: Shell,
    sections: &'static [Section],
}

async fn safety(ctx: Ctx) -> Response {
    render(&SafetyPage {
        shell: ctx.shell(ctx.tr().t("safety-title"), "safety"),
        sections: SAFETY,
    })
}

/// One mandate on the coalition page: its name, how many members hold it, and the directory
/// filtered to them.
struct MandateRow {
    label: String,
    count: String,
    /// None when no member holds it.
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "coalition.html")]
struct CoalitionPage {
    shell: Shell,
    members: String,
    mandates: Vec<MandateRow>,
    /// (slug, name, id) of each coalition: its directory entry, public library and plan.
    coalitions: Vec<(String, String, String)>,
    more_coalitions: bool,
}

async fn coalition(State(state): State<AppState>, ctx: Ctx) -> Response {
    let (organizations, mandates, coalitions) = match state.app.coalition_overview(ctx.lang).await {
        Ok(found) => found,
        Err(e) => return ctx.page_error(e),
    };
    let tr = ctx.tr();
    let shell = ctx.shell(tr.t("coalition-title"), "coalition");
    let mandates = mandates
        .into_iter()
        .map(|(mandate, count)| MandateRow {
            label: tr.label("mandate", mandate.key()),
            count: tr.count("coalition-mandate-count", count),
            href: (count > 0)
                .then(|| format!("/organizations?mandate={}{}", mandate.key(), shell.qa)),
        })
        .collect();
    render(&CoalitionPage {
        members: tr.t_args(
            "coalition-members",
            &[("organizations", Arg::Int(organizations))],
        ),
        mandates,
        more_coalitions: coalitions.total > i64::try_from(coalitions.items.len()).unwrap_or(0),
        coalitions: coalitions
            .items
            .iter()
            .map(|org| {
                (
                    org.slug.clone(),
                    org.name(ctx.lang).to_owned(),
                    org.id.to_string(),
                )
            })
            .collect(),
        shell,
    })
}
