//! Public search answers kept for a moment, so a burst of the same searches (a public page
//! shared widely, a help line's screens all asking "housing tonight in Montréal") is answered
//! once per snapshot and second rather than searched and written every time.
//!
//! Only answers that depend on nothing but the language, the query string, the search
//! snapshot and the clock may be stored: never one that depends on who asks, so a
//! confidential location shown to an authorized role can never be replayed to the public.
//! An answer ends with its snapshot (a directory change is served at once) and after the
//! configured time (what depends on the clock, such as "open now", moves on).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use mosaique_domain::Language;

/// What the stored answers may weigh in all: a few hundred pages of results.
const BUDGET_BYTES: usize = 8 * 1024 * 1024;
/// An answer heavier than this is not worth crowding the others out for.
const LARGEST_BYTES: usize = BUDGET_BYTES / 16;

#[derive(Debug)]
pub(crate) struct AnswerCache {
    lifetime_ms: i64,
    answers: Mutex<Answers>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Debug, Default)]
struct Answers {
    /// One map per language, keyed by the raw query string.
    by_language: [HashMap<Box<str>, Answer>; 2],
    bytes: usize,
}

#[derive(Debug)]
struct Answer {
    version: i64,
    stored_at_ms: i64,
    body: Bytes,
}

fn slot(lang: Language) -> usize {
    match lang {
        Language::Fr => 0,
        Language::En => 1,
    }
}

impl AnswerCache {
    /// Answers live `lifetime_ms` at most; 0 turns the cache off.
    pub(crate) fn new(lifetime_ms: i64) -> AnswerCache {
        AnswerCache {
            lifetime_ms,
            answers: Mutex::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The answer stored for this query on this snapshot, if still young enough.
    pub(crate) fn get(
        &self,
        lang: Language,
        query: &str,
        version: i64,
        now_ms: i64,
    ) -> Option<Bytes> {
        if self.lifetime_ms <= 0 {
            return None;
        }
        let found = self.answers.lock().ok().and_then(|answers| {
            answers.by_language[slot(lang)]
                .get(query)
                .filter(|a| a.version == version && self.young(a, now_ms))
                .map(|a| a.body.clone())
        });
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Keeps an answer; when the budget is spent, answers of older snapshots or past their
    /// time go first, and if that is not enough this one is simply not kept.
    pub(crate) fn put(&self, lang: Language, query: &str, version: i64, now_ms: i64, body: Bytes) {
        if self.lifetime_ms <= 0 || body.len() > LARGEST_BYTES {
            return;
        }
        let Ok(mut answers) = self.answers.lock() else {
            return;
        };
        if answers.bytes + body.len() > BUDGET_BYTES {
            let mut freed = 0;
            for map in &mut answers.by_language {
                map.retain(|_, a| {
                    let keep = a.version == version && self.young(a, now_ms);
                    if !keep {
                        freed += a.body.len();
                    }
                    keep
                });
            }
            answers.bytes -= freed;
            if answers.bytes + body.len() > BUDGET_BYTES {
                return;
            }
        }
        let len = body.len();
        let answer = Answer {
            version,
            stored_at_ms: now_ms,
            body,
        };
        if let Some(old) = answers.by_language[slot(lang)].insert(query.into(), answer) {
            answers.bytes -= old.body.len();
        }
        answers.bytes += len;
    }

    fn young(&self, answer: &Answer, now_ms: i64) -> bool {
        (0..self.lifetime_ms).contains(&(now_ms - answer.stored_at_ms))
    }

    /// (answers replayed, answers searched) since start.
    pub(crate) fn counts(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> Bytes {
        Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn an_answer_serves_its_language_query_and_snapshot_only() {
        let cache = AnswerCache::new(1000);
        cache.put(Language::Fr, "q=abri", 7, 10_000, Bytes::from_static(b"fr"));
        assert_eq!(
            cache.get(Language::Fr, "q=abri", 7, 10_500).as_deref(),
            Some(&b"fr"[..])
        );
        assert!(cache.get(Language::En, "q=abri", 7, 10_500).is_none());
        assert!(cache.get(Language::Fr, "q=abris", 7, 10_500).is_none());
        // A directory change (a new snapshot) ends it at once.
        assert!(cache.get(Language::Fr, "q=abri", 8, 10_500).is_none());
        assert_eq!(cache.counts(), (1, 3));
    }

    #[test]
    fn an_answer_ends_after_its_lifetime_or_with_a_clock_gone_back() {
        let cache = AnswerCache::new(1000);
        cache.put(Language::Fr, "q=abri", 7, 10_000, body(10));
        assert!(cache.get(Language::Fr, "q=abri", 7, 10_999).is_some());
        assert!(cache.get(Language::Fr, "q=abri", 7, 11_000).is_none());
        assert!(cache.get(Language::Fr, "q=abri", 7, 9_999).is_none());
    }

    #[test]
    fn off_stores_nothing() {
        let cache = AnswerCache::new(0);
        cache.put(Language::Fr, "q=abri", 7, 10_000, body(10));
        assert!(cache.get(Language::Fr, "q=abri", 7, 10_000).is_none());
    }

    #[test]
    fn the_budget_is_never_exceeded_and_old_answers_make_room() {
        let cache = AnswerCache::new(1000);
        let size = LARGEST_BYTES;
        for i in 0..16 {
            cache.put(Language::Fr, &format!("q={i}"), 7, 10_000, body(size));
        }
        // Full: a seventeenth answer of the same snapshot and second is not kept.
        cache.put(Language::En, "q=full", 7, 10_000, body(size));
        assert!(cache.get(Language::En, "q=full", 7, 10_000).is_none());
        assert_eq!(cache.answers.lock().unwrap().bytes, BUDGET_BYTES);
        // Too large to keep at all.
        cache.put(Language::En, "q=huge", 7, 10_000, body(size + 1));
        assert!(cache.get(Language::En, "q=huge", 7, 10_000).is_none());
        // On a new snapshot the old answers are dropped to make room.
        cache.put(Language::En, "q=new", 8, 10_000, body(size));
        assert!(cache.get(Language::En, "q=new", 8, 10_000).is_some());
        assert_eq!(cache.answers.lock().unwrap().bytes, size);
        // Replacing an answer counts its size once.
        cache.put(Language::En, "q=new", 8, 10_100, body(10));
        assert_eq!(cache.answers.lock().unwrap().bytes, 10);
    }
}
