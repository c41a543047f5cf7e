//! Shared application state. Nothing here is needed by another app server: sessions,
//! throttling and search freshness all come from the database.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use mosaique_domain::Language;
use mosaique_search::{DirectoryIndex, ServiceIndex};
use mosaique_store::Db;

use crate::answer_cache::AnswerCache;
use crate::metrics::Metrics;

/// What the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub default_language: Language,
    pub coalition_name_fr: String,
    pub coalition_name_en: String,
    /// The public origin (scheme://host[:port]); `https` turns on Secure cookies and HSTS.
    pub public_url: String,
    pub search_refresh: Duration,
    /// How long a public search answer may be replayed on the same snapshot (zero: never).
    pub search_cache: Duration,
    /// A session ends after this long without a request…
    pub session_idle: Duration,
    /// …and after this long in any case.
    pub session_absolute: Duration,
    /// Reverse proxies whose `X-Forwarded-For` names the real client (for throttling).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub demo: bool,
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

    /// `__Host-` cookies must be Secure, which browsers only keep over TLS; plain-HTTP
    /// deployments (a laptop demo) use an unprefixed name.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.is_https() {
            "__Host-mosaique_session"
        } else {
            "mosaique_session"
        }
    }

    pub fn session_limits(&self) -> mosaique_store::sessions::SessionLimits {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        mosaique_store::sessions::SessionLimits {
            idle_ms: ms(self.session_idle),
            absolute_ms: ms(self.session_absolute),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub(crate) search: Arc<RwLock<Option<Arc<DirectoryIndex>>>>,
    pub(crate) services: Arc<RwLock<Option<Arc<ServiceIndex>>>>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) answers: Arc<AnswerCache>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> AppState {
        let lifetime = i64::try_from(settings.search_cache.as_millis()).unwrap_or(i64::MAX);
        AppState {
            db,
            answers: Arc::new(AnswerCache::new(lifetime)),
            settings: Arc::new(settings),
            search: Arc::new(RwLock::new(None)),
            services: Arc::new(RwLock::new(None)),
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// The current search snapshot, if one has been built.
    pub(crate) fn search_index(&self) -> Option<Arc<DirectoryIndex>> {
        self.search
            .read()
            .map(|guard| guard.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// The service search snapshot, built with the directory one.
    pub(crate) fn service_index(&self) -> Option<Arc<ServiceIndex>> {
        self.services
            .read()
            .map(|guard| guard.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Swaps in a service snapshot updated in place (the directory one is unchanged).
    pub(crate) fn set_service_index(&self, services: ServiceIndex) {
        let services = Some(Arc::new(services));
        match self.services.write() {
            Ok(mut guard) => *guard = services,
            Err(poisoned) => *poisoned.into_inner() = services,
        }
    }

    /// Swaps in both snapshots; services first, so a reader that sees the new directory
    /// version also sees the services of that version.
    pub(crate) fn set_search_index(&self, index: DirectoryIndex, services: ServiceIndex) {
        let services = Some(Arc::new(services));
        match self.services.write() {
            Ok(mut guard) => *guard = services,
            Err(poisoned) => *poisoned.into_inner() = services,
        }
        let index = Some(Arc::new(index));
        match self.search.write() {
            Ok(mut guard) => *guard = index,
            Err(poisoned) => *poisoned.into_inner() = index,
        }
    }
}
