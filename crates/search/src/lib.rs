//! The directory search index: a *derived* tantivy index, rebuilt from the database.
//!
//! The database stays the source of truth. Each app server builds its own index in RAM at
//! start and rebuilds it when the directory change counter moves, so servers stay stateless
//! and a change made through any server is seen by all of them.

mod services;

use std::collections::HashSet;

use mosaique_domain::{OrgId, Organization};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, doc};

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
/// Enough for one small writer thread; the directory is thousands of rows, not millions.
const WRITER_MEMORY: usize = 50_000_000;

struct Fields {
    id: Field,
    name_fr: Field,
    name_en: Field,
    description_fr: Field,
    description_en: Field,
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
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
        for org in organizations {
            writer.add_document(doc!(
                fields.id => org.id.to_string(),
                fields.name_fr => org.name_fr.as_str(),
                fields.name_en => org.name_en.as_str(),
                fields.description_fr => org.description_fr.as_str(),
                fields.description_en => org.description_en.as_str(),
            ))?;
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(DirectoryIndex {
            index,
            reader,
            fields,
            version,
            documents: organizations.len(),
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
            name_fr: name_fr.into(),
            name_en: name_en.into(),
            description_fr: description_fr.into(),
            description_en: String::new(),
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
    fn malformed_queries_do_not_fail() {
        let index = DirectoryIndex::build(&[org("Réseau", "Network", "")], 1).unwrap();
        for text in ["\"unbalanced", "name_fr:", "((", "AND OR", "*", ""] {
            assert!(index.search(text, 10).is_ok(), "{text}");
        }
    }
}
