//! Shared application state. Nothing here is needed by another app server: sessions,
//! throttling and search freshness all come from the database, through the use cases.

use std::sync::Arc;
use std::time::Duration;

use mosaique_app::App;
use mosaique_domain::Language;

use crate::answer_cache::AnswerCache;
use crate::metrics::Metrics;

/// What the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub default_language: Language,
    pub coalition_name_fr: String,
    pub coalition_name_en: String,
    /// The coalition's own help line, beside 911 and the national hotline.
    pub help_line: HelpLine,
    /// The neutral site the quick exit leaves for.
    pub quick_exit_url: String,
    /// The public origin (scheme://host[:port]); `https` turns on Secure cookies and HSTS.
    pub public_url: String,
    pub search_refresh: Duration,
    /// How long a public search answer may be replayed on the same snapshot (zero: never).
    pub search_cache: Duration,
    /// A session lasts this long (idle, then in any case), for the cookie's lifetime.
    pub session_absolute: Duration,
    /// Reverse proxies whose `X-Forwarded-For` names the real client (for throttling).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// E-mail about the inbox; none when SMTP is not configured (the inbox alone).
    pub mail: Option<crate::Mailer>,
    pub demo: bool,
}

/// The coalition's own help line; an empty phone number shows none.
#[derive(Debug, Clone, Default)]
pub struct HelpLine {
    pub phone: String,
    pub hours_fr: String,
    pub hours_en: String,
}

impl Settings {
    pub fn coalition_name(&self, lang: Language) -> &str {
        match lang {
            Language::Fr => &self.coalition_name_fr,
            Language::En => &self.coalition_name_en,
        }
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The device cookie's name, prefixed as the session cookie's is.
    pub fn device_cookie_name(&self) -> &'static str {
        if self.is_https() {
            "__Host-mosaique_device"
        } else {
            "mosaique_device"
        }
    }

    /// `__Host-` cookies must be Secure, which browsers only keep over TLS; plain-HTTP
    /// deployments (a laptop demo) use an unprefixed name.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.is_https() {
            "__Host-mosaique_session"
        } else {
            "mosaique_session"
        }
    }
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    pub settings: Arc<Settings>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) answers: Arc<AnswerCache>,
}

impl AppState {
    pub fn new(app: App, settings: Settings) -> AppState {
        let lifetime = i64::try_from(settings.search_cache.as_millis()).unwrap_or(i64::MAX);
        AppState {
            app,
            answers: Arc::new(AnswerCache::new(lifetime)),
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
        }
    }
}
