//! Public search answers kept for a moment, so a burst of the same searches (a public page
//! shared widely, a help line's screens all asking "housing tonight in Montréal") is answered
//! once per snapshot and second rather than searched and written every time.
//!
//! Only answers that depend on nothing but the language, the query string, the search
//! snapshot and the clock may be stored: never one that depends on who asks, so a
//! confidential location shown to an authorized role can never be replayed to the public.
//! An answer ends with its snapshot (a directory change is served at once) and after the
//! configured time (what depends on the clock, such as "open now", moves on).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::body::Bytes;
use mosaique_domain::Language;

/// What the stored answers and their keys may weigh in all: a few hundred pages of results.
const BUDGET_BYTES: usize = 8 * 1024 * 1024;
/// An answer heavier than this is not worth crowding the others out for.
const LARGEST_BYTES: usize = BUDGET_BYTES / 16;
/// A longer query string is not a search people repeat (and unknown parameters are ignored,
/// so padding must not let a client fill the cache with keys).
const LONGEST_QUERY: usize = 1024;
/// The map entry and the queue's copy of the key, beyond the key and body themselves.
const ENTRY_OVERHEAD: usize = 128;

#[derive(Debug)]
pub(crate) struct AnswerCache {
    lifetime_ms: i64,
    answers: Mutex<Answers>,
}

#[derive(Debug, Default)]
struct Answers {
    /// The newest snapshot an answer was stored for; older ones are gone.
    version: i64,
    /// One map per language, keyed by the raw query string.
    by_language: [HashMap<Box<str>, Answer>; 2],
    /// Stored answers, oldest first: the first to end, and the first to make room.
    order: VecDeque<Stored>,
    next_seq: u64,
    bytes: usize,
}

#[derive(Debug)]
struct Stored {
    map: usize,
    query: Box<str>,
    seq: u64,
    at_ms: i64,
}

#[derive(Debug)]
struct Answer {
    seq: u64,
    stored_at_ms: i64,
    body: Bytes,
}

fn slot(lang: Language) -> usize {
    match lang {
        Language::Fr => 0,
        Language::En => 1,
    }
}

fn cost(query: &str, body: &Bytes) -> usize {
    2 * query.len() + body.len() + ENTRY_OVERHEAD
}

impl AnswerCache {
    /// Answers live `lifetime_ms` at most; 0 turns the cache off.
    pub(crate) fn new(lifetime_ms: i64) -> AnswerCache {
        AnswerCache {
            lifetime_ms,
            answers: Mutex::default(),
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
        let answers = self.answers.lock().ok()?;
        (answers.version == version)
            .then(|| answers.by_language[slot(lang)].get(query))
            .flatten()
            .filter(|a| self.young(a.stored_at_ms, now_ms))
            .map(|a| a.body.clone())
    }

    /// Keeps an answer. A newer snapshot drops every older answer; an answer of an older
    /// snapshot (a search that finished after the swap) is not kept. Answers past their
    /// time go, then the oldest, until this one fits.
    pub(crate) fn put(&self, lang: Language, query: &str, version: i64, now_ms: i64, body: &[u8]) {
        if self.lifetime_ms <= 0 || body.len() > LARGEST_BYTES || query.len() > LONGEST_QUERY {
            return;
        }
        let Ok(mut answers) = self.answers.lock() else {
            return;
        };
        if version > answers.version {
            *answers = Answers {
                version,
                ..Answers::default()
            };
        } else if version < answers.version {
            return;
        }
        let map = slot(lang);
        if answers.by_language[map]
            .get(query)
            .is_some_and(|a| self.young(a.stored_at_ms, now_ms))
        {
            // Another request just stored the same answer.
            return;
        }
        // Copied to its exact size: the serialization buffer has room to spare.
        let body = Bytes::copy_from_slice(body);
        let needed = cost(query, &body);
        if let Some(old) = answers.by_language[map].remove(query) {
            answers.bytes -= cost(query, &old.body);
        }
        // Ended answers go (so the queue spans one lifetime), then the oldest make room. One
        // whose entry was stored again since has nothing left to free.
        while let Some(front) = answers.order.front() {
            if self.young(front.at_ms, now_ms) && answers.bytes + needed <= BUDGET_BYTES {
                break;
            }
            let Some(front) = answers.order.pop_front() else {
                break;
            };
            if let Entry::Occupied(entry) = answers.by_language[front.map].entry(front.query)
                && entry.get().seq == front.seq
            {
                let (query, gone) = entry.remove_entry();
                answers.bytes -= cost(&query, &gone.body);
            }
        }
        let seq = answers.next_seq;
        answers.next_seq += 1;
        answers.order.push_back(Stored {
            map,
            query: query.into(),
            seq,
            at_ms: now_ms,
        });
        answers.bytes += needed;
        answers.by_language[map].insert(
            query.into(),
            Answer {
                seq,
                stored_at_ms: now_ms,
                body,
            },
        );
    }

    fn young(&self, stored_at_ms: i64, now_ms: i64) -> bool {
        (0..self.lifetime_ms).contains(&(now_ms - stored_at_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: usize) -> Vec<u8> {
        vec![b'x'; n]
    }

    fn bytes(cache: &AnswerCache) -> usize {
        cache.answers.lock().unwrap().bytes
    }

    #[test]
    fn an_answer_serves_its_language_query_and_snapshot_only() {
        let cache = AnswerCache::new(1000);
        cache.put(Language::Fr, "q=abri", 7, 10_000, b"fr");
        assert_eq!(
            cache.get(Language::Fr, "q=abri", 7, 10_500).as_deref(),
            Some(&b"fr"[..])
        );
        assert!(cache.get(Language::En, "q=abri", 7, 10_500).is_none());
        assert!(cache.get(Language::Fr, "q=abris", 7, 10_500).is_none());
        // A directory change (a new snapshot) ends it at once.
        assert!(cache.get(Language::Fr, "q=abri", 8, 10_500).is_none());
    }

    #[test]
    fn an_answer_ends_after_its_lifetime_or_with_a_clock_gone_back() {
        let cache = AnswerCache::new(1000);
        cache.put(Language::Fr, "q=abri", 7, 10_000, &body(10));
        assert!(cache.get(Language::Fr, "q=abri", 7, 10_999).is_some());
        assert!(cache.get(Language::Fr, "q=abri", 7, 11_000).is_none());
        assert!(cache.get(Language::Fr, "q=abri", 7, 9_999).is_none());
        // Stored again once ended, and counted once.
        cache.put(Language::Fr, "q=abri", 7, 11_000, &body(20));
        assert_eq!(
            cache.get(Language::Fr, "q=abri", 7, 11_001).unwrap().len(),
            20
        );
        assert_eq!(bytes(&cache), cost("q=abri", &Bytes::from(body(20))));
    }

    #[test]
    fn a_query_stored_again_every_second_keeps_one_place_in_the_queue() {
        let cache = AnswerCache::new(1000);
        for second in 0..100 {
            cache.put(Language::Fr, "q=abri", 7, second * 1000, &body(10));
        }
        let answers = cache.answers.lock().unwrap();
        assert_eq!(answers.order.len(), 1);
        assert_eq!(answers.bytes, cost("q=abri", &Bytes::from(body(10))));
    }

    #[test]
    fn off_stores_nothing() {
        let cache = AnswerCache::new(0);
        cache.put(Language::Fr, "q=abri", 7, 10_000, &body(10));
        assert!(cache.get(Language::Fr, "q=abri", 7, 10_000).is_none());
    }

    #[test]
    fn a_newer_snapshot_drops_the_older_answers_and_a_late_old_one_is_not_kept() {
        let cache = AnswerCache::new(1000);
        cache.put(Language::Fr, "q=a", 7, 10_000, &body(10));
        cache.put(Language::Fr, "q=b", 8, 10_000, &body(10));
        assert_eq!(bytes(&cache), cost("q=b", &Bytes::from(body(10))));
        cache.put(Language::Fr, "q=c", 7, 10_000, &body(10));
        assert!(cache.get(Language::Fr, "q=c", 7, 10_000).is_none());
        assert!(cache.get(Language::Fr, "q=b", 8, 10_000).is_some());
    }

    #[test]
    fn long_queries_and_huge_answers_are_not_kept() {
        let cache = AnswerCache::new(1000);
        let padded = format!("q=abri&pad={}", "x".repeat(LONGEST_QUERY));
        cache.put(Language::Fr, &padded, 7, 10_000, &body(10));
        cache.put(Language::Fr, "q=huge", 7, 10_000, &body(LARGEST_BYTES + 1));
        assert_eq!(bytes(&cache), 0);
    }

    #[test]
    fn the_budget_is_never_exceeded_and_the_oldest_answers_make_room() {
        let cache = AnswerCache::new(1000);
        let size = 100_000;
        for i in 0..1_000 {
            cache.put(Language::Fr, &format!("q={i}"), 7, 10_000 + i, &body(size));
            assert!(bytes(&cache) <= BUDGET_BYTES);
        }
        // The newest are kept, the oldest made room for them.
        assert!(cache.get(Language::Fr, "q=999", 7, 10_999).is_some());
        assert!(cache.get(Language::Fr, "q=0", 7, 10_999).is_none());
        let answers = cache.answers.lock().unwrap();
        let kept: usize = answers.by_language.iter().map(HashMap::len).sum();
        assert_eq!(answers.order.len(), kept);
        assert_eq!(kept, BUDGET_BYTES / cost("q=999", &Bytes::from(body(size))));
    }
}
