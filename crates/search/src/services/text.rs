//! The words of the service index, in tantivy. The base index holds every entry at build
//! time, one document per entry in entry order; a small delta index holds the entries
//! whose text changed since (or that were added), so a renamed service is found by its new
//! name within one refresh, without rebuilding the base.
//!
//! Scores use the base's statistics (document frequencies, average lengths) until the next
//! rebuild, delta documents included: which services match is exact at every version; how
//! two close scores compare may move a little at a rebuild.
//!
//! A query is matched in one of two ways, whichever touches less: candidate by candidate
//! (each word's postings are sought forward to the next candidate, so a query narrowed by
//! place and filters reads only the blocks around its candidates), or posting by posting
//! into a bitset (a common word with few other filters).

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::InvertedIndexReader;
use tantivy::merge_policy::NoMergePolicy;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema};
use tantivy::termdict::TermDictionary;
use tantivy::tokenizer::{Language, TextAnalyzer, TokenStream};
use tantivy::{DocId, DocSet, ReloadPolicy, TERMINATED, TantivyDocument, Term};

use super::bits::Bits;
use crate::{
    ENGLISH, FRENCH, PLAIN, SearchError, analyzer, index_in_ram, text_options, writer_memory,
};

// Fields 0 to 3 are stemmed: name_fr, name_en, body_fr, body_en (French ones even).
const NAME_PLAIN: usize = 4;
const BODY_PLAIN: usize = 5;
/// Stemmed fields: a word found in a name counts three times one found elsewhere.
const STEM_BOOSTS: [f32; 4] = [3.0, 3.0, 1.0, 1.0];
/// A word found through a typo scores as BM25 would score the word it was taken for, times
/// this: like the right spelling, a little lower.
const TYPO_FACTOR: f32 = 0.8;
/// The stemmed field whose length stands for a folded field's in BM25 (the folded name and
/// body are as long as the stemmed ones).
const NAME_NORM_FIELD: usize = 0;
const BODY_NORM_FIELD: usize = 2;
/// Words shorter than this must match exactly; longer ones may have one typo.
const FUZZY_MIN_LETTERS: usize = 5;
/// BM25, as tantivy scores it.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// The six indexed texts of an entry: name and body in French and in English, stemmed,
/// then names and bodies folded only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextDoc(pub [String; 6]);

#[derive(Clone, Copy)]
struct Fields {
    ord: Field,
    text: [Field; 6],
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |b: &mut tantivy::schema::SchemaBuilder, name: &str, analyzer| {
        b.add_text_field(name, text_options(analyzer, IndexRecordOption::WithFreqs))
    };
    let ord = builder.add_u64_field("ord", FAST);
    let fields = [
        text(&mut builder, "name_fr", FRENCH),
        text(&mut builder, "name_en", ENGLISH),
        text(&mut builder, "body_fr", FRENCH),
        text(&mut builder, "body_en", ENGLISH),
        text(&mut builder, "name_plain", PLAIN),
        text(&mut builder, "body_plain", PLAIN),
    ];
    (builder.build(), Fields { ord, text: fields })
}

/// Which entry each document of a segment is.
#[derive(Debug)]
enum Docs {
    /// Documents `0..n` are entries `first..first + n`.
    Run(u32),
    /// Document `d` is entry `list[d]` (ascending).
    List(Vec<u32>),
}

struct Segment {
    docs: Docs,
    max_doc: u32,
    inverted: Vec<Arc<InvertedIndexReader>>,
    norms: Vec<FieldNormReader>,
    /// One-edit neighbourhoods of the folded fields' terms (names, then bodies).
    typos: [Typos; 2],
}

impl Segment {
    fn entry(&self, doc: DocId) -> u32 {
        match &self.docs {
            Docs::Run(first) => first + doc,
            Docs::List(list) => list[doc as usize],
        }
    }

    fn doc(&self, entry: u32) -> Option<DocId> {
        match &self.docs {
            Docs::Run(first) => entry.checked_sub(*first).filter(|d| *d < self.max_doc),
            Docs::List(list) => list.binary_search(&entry).ok().map(|d| d as DocId),
        }
    }
}

/// One built index: its segments, each knowing which entries it holds.
struct Part {
    segments: Vec<Segment>,
    /// Documents per stemmed field, and their average length (for BM25).
    docs: u64,
    tokens: [u64; 4],
}

impl Part {
    /// Indexes `docs` (ascending entry numbers).
    fn build(
        fields: Fields,
        schema: Schema,
        docs: impl ExactSizeIterator<Item = (u32, TextDoc)>,
    ) -> Result<Part, SearchError> {
        let index = index_in_ram(schema);
        let mut writer =
            index.writer_with_num_threads::<TantivyDocument>(1, writer_memory(docs.len()))?;
        // One thread and no merges: each segment holds a run of consecutive documents.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for (entry, text) in docs {
            let mut document = TantivyDocument::default();
            document.add_u64(fields.ord, u64::from(entry));
            for (field, value) in fields.text.iter().zip(text.0) {
                document.add_text(*field, value);
            }
            writer.add_document(document)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = tantivy::IndexReader::searcher(&reader);
        let mut segments = Vec::new();
        let mut tokens = [0u64; 4];
        let mut total = 0u64;
        for reader in searcher.segment_readers() {
            let ords = reader.fast_fields().u64("ord")?;
            let list: Vec<u32> = (0..reader.max_doc())
                .map(|d| ords.first(d).unwrap_or(0) as u32)
                .collect();
            let run = list
                .first()
                .filter(|first| {
                    list.iter()
                        .enumerate()
                        .all(|(i, e)| *e == **first + i as u32)
                })
                .copied();
            let inverted = fields
                .text
                .iter()
                .map(|f| reader.inverted_index(*f))
                .collect::<Result<Vec<_>, _>>()?;
            for (t, inv) in tokens.iter_mut().zip(&inverted) {
                *t += inv.total_num_tokens();
            }
            total += u64::from(reader.max_doc());
            let typos = [
                Typos::build(inverted[NAME_PLAIN].terms())?,
                Typos::build(inverted[BODY_PLAIN].terms())?,
            ];
            segments.push(Segment {
                typos,
                docs: run.map_or(Docs::List(list), Docs::Run),
                max_doc: reader.max_doc(),
                norms: fields.text[..4]
                    .iter()
                    .map(|f| reader.get_fieldnorms_reader(*f))
                    .collect::<Result<Vec<_>, _>>()?,
                inverted,
            });
        }
        segments.sort_by_key(|s| s.entry(0));
        Ok(Part {
            segments,
            docs: total,
            tokens,
        })
    }

    fn locate(&self, entry: u32) -> Option<(usize, DocId)> {
        self.segments
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.doc(entry).map(|d| (i, d)))
    }
}

/// A query word, analyzed once for every segment.
pub(crate) struct Word {
    /// The stem looked up in each stemmed field (French fields French-stemmed…).
    stems: [Option<String>; 4],
    /// Words of five letters or more: the word and its one-letter deletions, to find every
    /// term within one edit in the folded fields.
    typo: Option<Variants>,
}

/// BM25's length normalisation per stemmed field and field-norm id.
struct Norms([[f32; 256]; 4]);

#[derive(Clone)]
pub(crate) struct Text {
    fields: Fields,
    base: Arc<Part>,
    delta: Option<Arc<Part>>,
    /// Entries whose text is in `delta` (their base document, if any, is out of date).
    in_delta: Bits,
    delta_len: usize,
    norms: Arc<Norms>,
}

thread_local! {
    /// The stemming analyzers, one pair per thread: analyzing a word needs them mutably, and
    /// cloning them for each word of each query costs more than the analysis.
    static STEMMERS: std::cell::RefCell<[TextAnalyzer; 2]> =
        std::cell::RefCell::new([analyzer(Language::French), analyzer(Language::English)]);
}

/// The last token of `word` through the French (`english` false) or English analyzer.
fn stem(word: &str, english: bool) -> Option<String> {
    STEMMERS.with(|stemmers| {
        let mut stemmers = stemmers.borrow_mut();
        let mut stream = stemmers[usize::from(english)].token_stream(word);
        let mut out = None;
        while stream.advance() {
            out = Some(stream.token().text.clone());
        }
        out
    })
}

impl Text {
    /// The base index of `docs` (ascending entry numbers), with no delta.
    pub fn build(docs: impl ExactSizeIterator<Item = (u32, TextDoc)>) -> Result<Text, SearchError> {
        let (schema, fields) = schema();
        let base = Part::build(fields, schema, docs)?;
        let mut norms = [[0f32; 256]; 4];
        for (f, row) in norms.iter_mut().enumerate() {
            let average = base.tokens[f] as f32 / base.docs.max(1) as f32;
            for (id, slot) in row.iter_mut().enumerate() {
                let length = FieldNormReader::id_to_fieldnorm(id as u8) as f32;
                *slot = K1 * (1.0 - B + B * length / average.max(1.0));
            }
        }
        Ok(Text {
            fields,
            base: Arc::new(base),
            delta: None,
            in_delta: Bits::default(),
            delta_len: 0,
            norms: Arc::new(Norms(norms)),
        })
    }

    /// This text with its delta replaced by `docs` (ascending entry numbers): every entry
    /// whose text differs from the base, or that the base does not have.
    pub fn with_delta(
        &self,
        docs: impl ExactSizeIterator<Item = (u32, TextDoc)>,
    ) -> Result<Text, SearchError> {
        let mut in_delta = Bits::default();
        let docs = docs.inspect(|(e, _)| in_delta.set(*e));
        let (schema, fields) = schema();
        let delta = Part::build(fields, schema, docs)?;
        let delta_len = in_delta.count();
        Ok(Text {
            delta: Some(Arc::new(delta)),
            in_delta,
            delta_len,
            ..self.clone()
        })
    }

    /// How many entries the delta holds.
    pub fn delta_len(&self) -> usize {
        self.delta_len
    }

    /// The entries whose text is in the delta, ascending.
    pub fn delta_entries(&self) -> impl Iterator<Item = u32> + '_ {
        self.in_delta.ones()
    }

    /// Analyzes folded query words. A word nothing can match on is left out.
    pub fn words(&self, folded: &[String]) -> Result<Vec<Word>, SearchError> {
        let mut words = Vec::with_capacity(folded.len());
        for word in folded {
            // French fields are even, English ones odd.
            let (french, english) = (stem(word, false), stem(word, true));
            let stems = [french.clone(), english.clone(), french, english];
            let typo = (word.chars().count() >= FUZZY_MIN_LETTERS).then(|| Variants::of(word));
            let w = Word { stems, typo };
            if w.stems.iter().any(Option::is_some) || w.typo.is_some() {
                words.push(w);
            }
        }
        Ok(words)
    }

    fn parts(&self) -> impl Iterator<Item = (bool, &Part)> {
        std::iter::once((true, &*self.base)).chain(self.delta.iter().map(|d| (false, &**d)))
    }

    /// Which entries match every word, read posting by posting.
    pub fn matching(&self, words: &[Word]) -> Result<Bits, SearchError> {
        let mut all: Option<Bits> = None;
        for word in words {
            let mut found = Bits::default();
            for (is_base, part) in self.parts() {
                for segment in &part.segments {
                    let cursors = self.open(segment, word, None)?;
                    for mut postings in cursors.into_postings() {
                        let mut doc = postings.doc();
                        while doc != TERMINATED {
                            let entry = segment.entry(doc);
                            if !(is_base && self.in_delta.get(entry)) {
                                found.set(entry);
                            }
                            doc = postings.advance();
                        }
                    }
                }
            }
            match &mut all {
                None => all = Some(found),
                Some(bits) => bits.and(&found),
            }
        }
        Ok(all.unwrap_or_default())
    }

    /// A matcher of `words` for candidates taken in ascending order; `scoring` computes
    /// relevance (otherwise every match scores 0).
    pub fn matcher<'a>(
        &'a self,
        words: &'a [Word],
        scoring: bool,
    ) -> Result<Matcher<'a>, SearchError> {
        let weights = if scoring {
            words
                .iter()
                .map(|w| self.weights(w))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            vec![[0.0; 4]; words.len()]
        };
        let slots = self.base.segments.len() + self.delta.as_ref().map_or(0, |d| d.segments.len());
        Ok(Matcher {
            text: self,
            words,
            weights,
            scoring,
            open: (0..slots).map(|_| None).collect(),
        })
    }

    /// Each stem's BM25 weight (idf over the base, times its field's boost).
    fn weights(&self, word: &Word) -> Result<[f32; 4], SearchError> {
        let mut weights = [0.0; 4];
        for (f, stem) in word.stems.iter().enumerate() {
            let Some(stem) = stem else { continue };
            let term = Term::from_field_text(self.fields.text[f], stem);
            let mut df = 0u64;
            for segment in &self.base.segments {
                df += segment.inverted[f]
                    .get_term_info(&term)?
                    .map_or(0, |t| u64::from(t.doc_freq));
            }
            let n = self.base.docs as f32;
            let idf = (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
            weights[f] = idf * (1.0 + K1) * STEM_BOOSTS[f];
        }
        Ok(weights)
    }

    fn open(
        &self,
        segment: &Segment,
        word: &Word,
        weights: Option<&[f32; 4]>,
    ) -> Result<WordCursors, SearchError> {
        let mut cursors = WordCursors::default();
        for (f, stem) in word.stems.iter().enumerate() {
            let Some(stem) = stem else { continue };
            let term = Term::from_field_text(self.fields.text[f], stem);
            let inverted = &segment.inverted[f];
            if let Some(info) = inverted.get_term_info(&term)? {
                let postings =
                    inverted.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
                cursors
                    .stems
                    .push((f, postings, weights.map_or(0.0, |w| w[f])));
            }
        }
        if let Some(variants) = &word.typo {
            for (f, typos, list, boost) in [
                (
                    NAME_PLAIN,
                    &segment.typos[0],
                    &mut cursors.names,
                    STEM_BOOSTS[0],
                ),
                (
                    BODY_PLAIN,
                    &segment.typos[1],
                    &mut cursors.bodies,
                    STEM_BOOSTS[2],
                ),
            ] {
                let inverted = &segment.inverted[f];
                for info in typos.matches(variants) {
                    // The term's idf in this segment (a typo's terms differ by segment).
                    let (n, df) = (segment.max_doc as f32, info.doc_freq as f32);
                    let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                    let weight = weights.map_or(0.0, |_| idf * (1.0 + K1) * boost * TYPO_FACTOR);
                    list.push((
                        inverted.read_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?,
                        weight,
                    ));
                }
            }
        }
        Ok(cursors)
    }
}

/// One word's postings in one segment: scored by kind, or (matching only) all of them,
/// commonest first. A typo's postings carry their term's BM25 weight in this segment.
#[derive(Default)]
struct WordCursors {
    stems: Vec<(usize, SegmentPostings, f32)>,
    names: Vec<(SegmentPostings, f32)>,
    bodies: Vec<(SegmentPostings, f32)>,
    any: Vec<SegmentPostings>,
}

impl WordCursors {
    fn into_postings(self) -> impl Iterator<Item = SegmentPostings> {
        self.stems
            .into_iter()
            .map(|(_, p, _)| p)
            .chain(self.names.into_iter().map(|(p, _)| p))
            .chain(self.bodies.into_iter().map(|(p, _)| p))
            .chain(self.any)
    }

    /// Puts every cursor in `any`, commonest first, for matching without scores.
    fn for_matching(self) -> WordCursors {
        let mut any: Vec<SegmentPostings> = self.into_postings().collect();
        any.sort_by_key(|p| std::cmp::Reverse(p.doc_freq()));
        WordCursors {
            any,
            ..WordCursors::default()
        }
    }
}

/// Whether `doc` is next in `postings`, seeking forward to it.
#[inline]
fn at(postings: &mut SegmentPostings, doc: DocId) -> bool {
    if postings.doc() < doc {
        postings.seek(doc);
    }
    postings.doc() == doc
}

/// Matches candidates against the words, in ascending entry order.
pub(crate) struct Matcher<'a> {
    text: &'a Text,
    words: &'a [Word],
    weights: Vec<[f32; 4]>,
    scoring: bool,
    /// Cursors per segment (base segments, then the delta's), opened on first use.
    open: Vec<Option<Vec<WordCursors>>>,
}

impl Matcher<'_> {
    /// The entry's score if it matches every word. Entries must come in ascending order.
    pub fn score(&mut self, entry: u32) -> Result<Option<f32>, SearchError> {
        let text = self.text;
        let (slot, segment, doc) = if text.in_delta.get(entry) {
            let Some(delta) = &text.delta else {
                return Ok(None);
            };
            let Some((s, doc)) = delta.locate(entry) else {
                return Ok(None);
            };
            (text.base.segments.len() + s, &delta.segments[s], doc)
        } else {
            let Some((s, doc)) = text.base.locate(entry) else {
                return Ok(None);
            };
            (s, &text.base.segments[s], doc)
        };
        if self.open[slot].is_none() {
            let cursors = self
                .words
                .iter()
                .zip(&self.weights)
                .map(|(w, weights)| {
                    let cursors = text.open(segment, w, Some(weights))?;
                    Ok(if self.scoring {
                        cursors
                    } else {
                        cursors.for_matching()
                    })
                })
                .collect::<Result<Vec<_>, SearchError>>()?;
            self.open[slot] = Some(cursors);
        }
        let Some(cursors) = self.open[slot].as_mut() else {
            return Ok(None);
        };
        if !self.scoring {
            // Matching only: the first alternative found settles a word, the commonest
            // tried first; the others catch up on a later candidate.
            for word in cursors.iter_mut() {
                if !word.any.iter_mut().any(|p| at(p, doc)) {
                    return Ok(None);
                }
            }
            return Ok(Some(0.0));
        }
        let norms = &text.norms.0;
        let mut total = 0.0;
        for word in cursors.iter_mut() {
            let mut found = false;
            for (f, postings, weight) in &mut word.stems {
                if at(postings, doc) {
                    found = true;
                    if *weight > 0.0 {
                        let tf = postings.term_freq() as f32;
                        let id = segment.norms[*f].fieldnorm_id(doc);
                        total += *weight * tf / (tf + norms[*f][id as usize]);
                    }
                }
            }
            // Found as typed: a neighbour's score would count the word twice.
            if found {
                continue;
            }
            // The best of a typo's alternatives in each field, scored as BM25 would score
            // the word it was taken for.
            for (list, norm_field) in [
                (&mut word.names, NAME_NORM_FIELD),
                (&mut word.bodies, BODY_NORM_FIELD),
            ] {
                let mut best: Option<f32> = None;
                for (postings, weight) in list.iter_mut() {
                    if at(postings, doc) {
                        let tf = postings.term_freq() as f32;
                        let id = segment.norms[norm_field].fieldnorm_id(doc);
                        let score = *weight * tf / (tf + norms[norm_field][id as usize]);
                        best = Some(best.map_or(score, |b: f32| b.max(score)));
                    }
                }
                if let Some(score) = best {
                    found = true;
                    total += score;
                }
            }
            if !found {
                return Ok(None);
            }
        }
        Ok(Some(total))
    }
}

/// Letters of four or more letters only: a five-letter query word is within one edit of
/// nothing shorter.
const TYPO_MIN_TERM: usize = FUZZY_MIN_LETTERS - 1;

fn hash_chars(chars: impl Iterator<Item = char>) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for c in chars {
        h.write_u32(c as u32);
    }
    h.finish()
}

/// A string and each way to delete one of its letters, hashed.
fn neighbourhood(chars: &[char]) -> impl Iterator<Item = u64> + '_ {
    std::iter::once(hash_chars(chars.iter().copied())).chain((0..chars.len()).map(|skip| {
        hash_chars(
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| *c),
        )
    }))
}

/// A query word, with its neighbourhood hashed once for every segment.
pub(crate) struct Variants {
    chars: Vec<char>,
    hashes: Vec<u64>,
}

impl Variants {
    fn of(word: &str) -> Variants {
        let chars: Vec<char> = word.chars().collect();
        let mut hashes: Vec<u64> = neighbourhood(&chars).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Variants { chars, hashes }
    }
}

/// Typo tolerance without walking the term dictionary (SymSpell's deletion neighbourhood):
/// every term of four letters or more and every one-letter deletion of it, hashed, with the
/// term's ordinal. Two words within one edit (insertion, deletion, substitution or swap of
/// neighbours) always share a member of their neighbourhoods, so a word looks up its own and
/// checks the few terms found with an exact test.
#[derive(Default)]
struct Typos {
    /// (hash, term number), sorted.
    keys: Vec<(u64, u32)>,
    /// Each term of four letters or more, with where its postings are.
    terms: Vec<(Box<str>, tantivy::postings::TermInfo)>,
}

impl Typos {
    fn build(dictionary: &TermDictionary) -> std::io::Result<Typos> {
        let mut keys = Vec::new();
        let mut terms = Vec::new();
        let mut stream = dictionary.stream()?;
        while stream.advance() {
            let Ok(term) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let chars: Vec<char> = term.chars().collect();
            if chars.len() < TYPO_MIN_TERM {
                continue;
            }
            let number = terms.len() as u32;
            keys.extend(neighbourhood(&chars).map(|h| (h, number)));
            terms.push((term.into(), stream.value().clone()));
        }
        keys.sort_unstable();
        keys.dedup();
        keys.shrink_to_fit();
        terms.shrink_to_fit();
        Ok(Typos { keys, terms })
    }

    /// The postings of the terms within one edit of the word.
    fn matches(&self, word: &Variants) -> Vec<&tantivy::postings::TermInfo> {
        let mut found: Vec<u32> = Vec::new();
        for hash in &word.hashes {
            let from = self.keys.partition_point(|(h, _)| h < hash);
            found.extend(
                self.keys[from..]
                    .iter()
                    .take_while(|(h, _)| h == hash)
                    .map(|(_, n)| *n),
            );
        }
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .filter_map(|n| self.terms.get(n as usize))
            .filter(|(term, _)| {
                let chars: Vec<char> = term.chars().collect();
                within_one_edit(&word.chars, &chars)
            })
            .map(|(_, info)| info)
            .collect()
    }
}

/// Whether two words are at most one insertion, deletion, substitution or swap of
/// neighbouring letters apart.
pub(crate) fn within_one_edit(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let i = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if i == short.len() {
        return true;
    }
    if short.len() < long.len() {
        return short[i..] == long[i + 1..];
    }
    short[i + 1..] == long[i + 1..]
        || (i + 1 < short.len()
            && short[i] == long[i + 1]
            && short[i + 1] == long[i]
            && short[i + 2..] == long[i + 2..])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Optimal string alignment distance: the reference `within_one_edit` must agree with.
    fn osa(a: &[char], b: &[char]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn one_edit_covers_insertions_deletions_substitutions_and_swaps() {
        let w = |s: &str| s.chars().collect::<Vec<_>>();
        for (a, b, near) in [
            ("hebergement", "hebergment", true),
            ("hebergement", "hebergemennt", true),
            ("clinique", "clinuqie", false),
            ("clinique", "clinqiue", true),
            ("travail", "travial", true),
            ("travail", "trvial", false),
            ("abc", "abc", true),
            ("école", "ecole", true),
        ] {
            assert_eq!(within_one_edit(&w(a), &w(b)), near, "{a} / {b}");
        }
    }

    proptest! {
        #[test]
        fn one_edit_agrees_with_the_distance(a in "[abcé]{0,7}", b in "[abcé]{0,7}") {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            prop_assert_eq!(within_one_edit(&a, &b), osa(&a, &b) <= 1);
        }

        /// Every pair within one edit shares a member of their neighbourhoods, so the
        /// lookup never misses a term the exact test would accept.
        #[test]
        fn neighbourhoods_meet_within_one_edit(a in "[abcé]{4,8}", b in "[abcé]{4,8}") {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            if within_one_edit(&a, &b) {
                let of_a: std::collections::HashSet<u64> = neighbourhood(&a).collect();
                prop_assert!(neighbourhood(&b).any(|h| of_a.contains(&h)));
            }
        }
    }
}
