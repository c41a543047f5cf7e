//! The directory search index: a *derived* tantivy index, rebuilt from the database.
//!
//! The database stays the source of truth. Each app server builds its own index in RAM at
//! start and rebuilds it when the directory change counter moves, so servers stay stateless
//! and a change made through any server is seen by all of them.

mod services;

use std::collections::HashSet;

use mosaique_domain::{OrgId, Organization};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{QueryParser, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term, doc};

pub use services::{Facets, Hit, Reason, ServiceIndex, ServiceQuery, ServiceResults, Sort};

#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct SearchError(#[from] tantivy::TantivyError);

/// Reading the in-RAM index's postings and term dictionaries (tantivy reports these as
/// plain I/O errors).
impl From<std::io::Error> for SearchError {
    fn from(error: std::io::Error) -> SearchError {
        SearchError(error.into())
    }
}

const FRENCH: &str = "mosaique_fr";
const ENGLISH: &str = "mosaique_en";
/// Folded but not stemmed: typos are forgiven against the words as written, since a typo
/// often changes how a word stems ("hebergment" does not stem like "hébergement").
const PLAIN: &str = "mosaique_plain";
/// The indexing memory of one writer thread for `docs` documents: tantivy sets a third of
/// it aside for its term table up front, so a small index (a delta, the organizations) gets
/// the minimum rather than what a national build needs.
fn writer_memory(docs: usize) -> usize {
    docs.saturating_mul(1_500).clamp(15_000_000, 50_000_000)
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    name_fr: Field,
    name_en: Field,
    description_fr: Field,
    description_en: Field,
}

impl Fields {
    fn document(&self, org: &Organization) -> TantivyDocument {
        doc!(
            self.id => org.id.to_string(),
            self.name_fr => org.name.fr.as_str(),
            self.name_en => org.name.en.as_str(),
            self.description_fr => org.description.fr.as_str(),
            self.description_en => org.description.en.as_str(),
        )
    }
}

/// An immutable snapshot of the directory index at one directory version.
pub struct DirectoryIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    version: i64,
    documents: usize,
}

impl std::fmt::Debug for DirectoryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectoryIndex")
            .field("version", &self.version)
            .field("documents", &self.documents)
            .finish()
    }
}

impl DirectoryIndex {
    /// Builds a fresh in-memory index of these organizations, tagged with the directory
    /// version they were read at.
    pub fn build(
        organizations: &[Organization],
        version: i64,
    ) -> Result<DirectoryIndex, SearchError> {
        let mut builder = Schema::builder();
        let text = |analyzer| text_options(analyzer, IndexRecordOption::WithFreqsAndPositions);
        let fields = Fields {
            id: builder.add_text_field("id", STRING | STORED),
            name_fr: builder.add_text_field("name_fr", text(FRENCH)),
            name_en: builder.add_text_field("name_en", text(ENGLISH)),
            description_fr: builder.add_text_field("description_fr", text(FRENCH)),
            description_en: builder.add_text_field("description_en", text(ENGLISH)),
        };
        let index = index_in_ram(builder.build());
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, writer_memory(organizations.len()))?;
        for org in organizations {
            writer.add_document(fields.document(org))?;
        }
        writer.commit()?;
        DirectoryIndex::open(index, fields, version, organizations.len())
    }

    /// A new snapshot with these organizations changed or added, the rest as they are: a
    /// rename is written in place rather than the whole directory read and indexed again.
    /// This snapshot still answers as it was (its reader keeps the segments it opened).
    pub fn apply(
        &self,
        organizations: &[Organization],
        version: i64,
    ) -> Result<DirectoryIndex, SearchError> {
        let searcher = self.reader.searcher();
        let mut writer = self
            .index
            .writer_with_num_threads::<TantivyDocument>(1, writer_memory(organizations.len()))?;
        let mut documents = self.documents;
        for org in organizations {
            let id = Term::from_field_text(self.fields.id, &org.id.to_string());
            if searcher.search(
                &TermQuery::new(id.clone(), IndexRecordOption::Basic),
                &Count,
            )? == 0
            {
                documents += 1;
            }
            writer.delete_term(id);
            writer.add_document(self.fields.document(org))?;
        }
        writer.commit()?;
        // Merges of the small segments updates leave finish before the next writer opens.
        writer.wait_merging_threads()?;
        DirectoryIndex::open(self.index.clone(), self.fields, version, documents)
    }

    fn open(
        index: Index,
        fields: Fields,
        version: i64,
        documents: usize,
    ) -> Result<DirectoryIndex, SearchError> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(DirectoryIndex {
            index,
            reader,
            fields,
            version,
            documents,
        })
    }

    pub fn version(&self) -> i64 {
        self.version
    }

    pub fn len(&self) -> usize {
        self.documents
    }

    pub fn is_empty(&self) -> bool {
        self.documents == 0
    }

    /// Organizations matching every word of `text` in either language, best first. Query
    /// syntax errors never fail a search: the parser is lenient and treats them as words.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<OrgId>, SearchError> {
        let f = &self.fields;
        let mut parser = QueryParser::for_index(
            &self.index,
            vec![f.name_fr, f.name_en, f.description_fr, f.description_en],
        );
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.name_fr, 3.0);
        parser.set_field_boost(f.name_en, 3.0);
        let (query, _ignored) = parser.parse_query_lenient(text);
        let searcher = self.reader.searcher();
        let hits = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        let mut seen = HashSet::new();
        let mut ids = Vec::with_capacity(hits.len());
        for (_score, address) in hits {
            let document: TantivyDocument = searcher.doc(address)?;
            let id = document
                .get_first(f.id)
                .and_then(|v| v.as_str())
                .and_then(|s| s.parse::<OrgId>().ok());
            if let Some(id) = id.filter(|id| seen.insert(*id)) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}

/// Case and accent folding, then a language stemmer: "HÉBERGEMENTS" finds "hébergement".
fn analyzer(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(language))
        .build()
}

/// A text field analyzed by one of the analyzers [`index_in_ram`] registers.
fn text_options(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

/// An index in RAM with Mosaïque's analyzers: French, English, and folded-only.
fn index_in_ram(schema: Schema) -> Index {
    let index = Index::create_in_ram(schema);
    let tokenizers = index.tokenizers();
    tokenizers.register(FRENCH, analyzer(Language::French));
    tokenizers.register(ENGLISH, analyzer(Language::English));
    tokenizers.register(PLAIN, plain_analyzer());
    index
}

/// Case and accent folding only, for typo-tolerant matching.
fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

#[cfg(test)]
mod tests {
    use mosaique_domain::Timestamp;

    use super::*;

    fn org(name_fr: &str, name_en: &str, description_fr: &str) -> Organization {
        Organization {
            id: OrgId::new(),
            slug: "x".into(),
            name: mosaique_domain::Bilingual::new(name_fr.into(), name_en.into()),
            description: mosaique_domain::Bilingual::new(description_fr.into(), String::new()),
            province: None,
            level: None,
            sector: None,
            founded_year: None,
            is_coalition: false,
            source: "test".into(),
            details: Default::default(),
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    #[test]
    fn finds_across_languages_with_folding_and_stemming() {
        let shelter = org(
            "Maison d'hébergement",
            "Shelter house",
            "Hébergements d’urgence pour femmes",
        );
        let legal = org(
            "Clinique juridique",
            "Legal clinic",
            "Aide juridique gratuite",
        );
        let index = DirectoryIndex::build(&[shelter.clone(), legal.clone()], 7).unwrap();
        assert_eq!(index.version(), 7);
        assert_eq!(index.len(), 2);
        assert_eq!(index.search("HEBERGEMENT", 10).unwrap(), vec![shelter.id]);
        assert_eq!(index.search("juridiques", 10).unwrap(), vec![legal.id]);
        assert_eq!(index.search("clinics", 10).unwrap(), vec![legal.id]);
        assert!(index.search("bateau", 10).unwrap().is_empty());
        // Every word must match.
        assert!(index.search("clinique hébergement", 10).unwrap().is_empty());
    }

    #[test]
    fn applied_changes_leave_the_older_snapshot_as_it_was() {
        let shelter = org("Maison d'hébergement", "Shelter house", "");
        let legal = org("Clinique juridique", "Legal clinic", "");
        let first = DirectoryIndex::build(&[shelter.clone(), legal.clone()], 1).unwrap();
        let renamed = Organization {
            name: mosaique_domain::Bilingual::new("Refuge aurore".into(), shelter.name.en.clone()),
            ..shelter.clone()
        };
        let added = org("Centre de santé", "Health centre", "");
        let second = first.apply(&[renamed, added.clone()], 2).unwrap();
        assert_eq!((second.version(), second.len()), (2, 3));
        assert_eq!(second.search("aurore", 10).unwrap(), vec![shelter.id]);
        assert!(second.search("hébergement", 10).unwrap().is_empty());
        assert_eq!(second.search("santé", 10).unwrap(), vec![added.id]);
        assert_eq!(second.search("juridique", 10).unwrap(), vec![legal.id]);
        // The snapshot being served while the change was applied still answers as before.
        assert_eq!((first.version(), first.len()), (1, 2));
        assert_eq!(first.search("hébergement", 10).unwrap(), vec![shelter.id]);
        assert!(first.search("aurore", 10).unwrap().is_empty());
        // Many small updates in a row stay correct (their segments get merged).
        let mut current = second;
        for round in 0..20 {
            let name = format!("Refuge tour{round}");
            let renamed = Organization {
                name: mosaique_domain::Bilingual::new(name.clone(), shelter.name.en.clone()),
                ..shelter.clone()
            };
            current = current.apply(&[renamed], 3 + round).unwrap();
            assert_eq!(current.search(&name, 10).unwrap(), vec![shelter.id]);
            assert_eq!(current.len(), 3);
        }
        assert!(current.search("aurore", 10).unwrap().is_empty());
    }

    #[test]
    fn malformed_queries_do_not_fail() {
        let index = DirectoryIndex::build(&[org("Réseau", "Network", "")], 1).unwrap();
        for text in ["\"unbalanced", "name_fr:", "((", "AND OR", "*", ""] {
            assert!(index.search(text, 10).is_ok(), "{text}");
        }
    }
}
