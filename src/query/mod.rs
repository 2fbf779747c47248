//! Query: reads the stores of one published generation and answers questions.
//! Knows nothing of HTTP; the CLI and the server are two faces over these functions.

pub mod answer;
pub mod article;
pub(crate) mod article_table;
mod doc_set;
pub mod highlight;
pub mod hybrid;
pub mod keyword;
pub mod ontology;
pub mod request;
pub mod search;
pub mod semantic;
pub mod sparql;
pub mod sparql_error;
pub mod sparql_guard;
pub mod sparql_pool;
pub mod stats;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::collector::DocSetCollector;
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::{DocAddress, IndexReader, ReloadPolicy, TantivyDocument};

use crate::config::PrefixMap;
use crate::embed::{EmbedError, SETUP_HINT, SentenceEncoder};
use crate::index::passages::Passages;
use crate::index::terms::TermIndex;
use crate::index::text::TextIndex;
use crate::index::vectors::Vectors;
use crate::index::{self, DataDir, GraphStore, Manifest};

pub use crate::settings::{AskParams, Fusion, Mode, QueryOptions};
pub use answer::{Answer, ask};
pub use article::{ArticleView, get_article};
pub use article_table::FacetCounts;
pub use highlight::Snippet;
pub use ontology::list::list_ontologies;
pub use ontology::lookup::{TermDetails, lookup_term};
pub use ontology::recognise::{RecognisedTerm, recognise_terms};
pub use ontology::search::{TermSearch, TermSearchResponse, search_terms};
pub use request::SearchRequest;
pub use search::{Explain, Hit, MatchedTerm, SearchResponse, SectionRef, search};
pub use sparql::{SparqlRequest, SparqlResponse};
pub use sparql_error::SparqlError;
pub use stats::{Stats, stats};

/// Errors of the query layer. The `Invalid*`, `Empty*` and `Unknown*` variants are
/// the caller's mistakes (HTTP 400); `NotFound` is 404; the rest are ours.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the query is empty")]
    EmptyQuery,
    #[error("the query is {len} characters long; the limit is {max}")]
    QueryTooLong { len: usize, max: usize },
    #[error("query syntax error: {0}")]
    Syntax(String),
    #[error("unknown value `{value}` for `{facet}`; known values: {known}")]
    UnknownFacetValue {
        facet: &'static str,
        value: String,
        known: String,
    },
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter { name: String, reason: String },
    #[error("no article with id `{0}`")]
    NotFound(String),
    #[error("semantic search is unavailable: {0}")]
    SemanticUnavailable(String),
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error("no term with IRI <{0}>")]
    TermNotFound(String),
    #[error(
        "unknown term `{value}` (<{iri}>): no loaded ontology defines it and no article is annotated with it"
    )]
    UnknownTerm { value: String, iri: String },
    #[error(transparent)]
    Sparql(#[from] SparqlError),
    #[error(transparent)]
    Index(#[from] index::Error),
    #[error("full-text index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// What kind of failure an [`Error`] is, for whoever answers the caller: the
/// server maps each kind to one HTTP status, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed or names nothing that exists as asked.
    Invalid,
    /// The article or term asked for does not exist.
    NotFound,
    /// The request is over a size limit before any work.
    TooLarge,
    /// The work was refused or stopped at a limit (rows, bytes, memory).
    OverLimit,
    /// The endpoint is read-only.
    Forbidden,
    /// No result format the caller accepts.
    NotAcceptable,
    /// The work ran past its time limit.
    Timeout,
    /// Too much work is already running; try again shortly.
    Busy,
    /// A part of the engine is not available (no index yet, no model).
    Unavailable,
    /// The engine failed: a bug or a broken index, not the caller's doing.
    Internal,
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Error::EmptyQuery
            | Error::QueryTooLong { .. }
            | Error::Syntax(_)
            | Error::UnknownFacetValue { .. }
            | Error::InvalidParameter { .. }
            | Error::UnknownTerm { .. } => K::Invalid,
            Error::NotFound(_) | Error::TermNotFound(_) => K::NotFound,
            Error::Sparql(e) => e.kind(),
            Error::SemanticUnavailable(_) | Error::Index(index::Error::NoIndex(_)) => {
                K::Unavailable
            }
            Error::Index(_) | Error::Tantivy(_) | Error::Embed(_) => K::Internal,
        }
    }

    /// A stable name for the error, for programs (the JSON `error` field).
    pub fn code(&self) -> &'static str {
        match self {
            Error::EmptyQuery => "empty_query",
            Error::QueryTooLong { .. } => "query_too_long",
            Error::Syntax(_) => "query_syntax",
            Error::UnknownFacetValue { .. } => "unknown_facet_value",
            Error::InvalidParameter { .. } => "invalid_parameter",
            Error::NotFound(_) => "not_found",
            Error::SemanticUnavailable(_) => "semantic_unavailable",
            Error::TermNotFound(_) => "term_not_found",
            Error::UnknownTerm { .. } => "unknown_term",
            Error::Sparql(e) => e.code(),
            Error::Index(index::Error::NoIndex(_)) => "unavailable",
            Error::Index(_) | Error::Tantivy(_) | Error::Embed(_) => "internal",
        }
    }

    /// Whether the error is the caller's (bad request) rather than the engine's.
    pub fn is_client_error(&self) -> bool {
        !matches!(self.kind(), ErrorKind::Internal | ErrorKind::Unavailable)
    }
}

/// One published generation, opened for reading. Cheap to share behind an `Arc`;
/// a newer generation is a new `KnowledgeBase`.
pub struct KnowledgeBase {
    pub(crate) generation: PathBuf,
    pub(crate) manifest: Manifest,
    pub(crate) text: TextIndex,
    pub(crate) articles: IndexReader,
    pub(crate) sections: IndexReader,
    /// Every value each facet takes, to tell a typo from an empty result.
    pub(crate) facet_values: BTreeMap<&'static str, BTreeSet<String>>,
    /// Articles in a dense order: id and document address by index.
    pub(crate) article_ids: Vec<String>,
    pub(crate) article_docs: Vec<DocAddress>,
    pub(crate) article_by_doc: HashMap<DocAddress, u32>,
    /// Dense index by article id.
    pub(crate) article_index: HashMap<String, u32>,
    /// Cards, facet values and section owners of the articles, in dense order.
    pub(crate) table: Arc<article_table::ArticleTable>,
    /// Section-piece embeddings, and for each row its article's dense index.
    pub(crate) vectors: Option<Vectors>,
    pub(crate) row_article: Vec<Option<u32>>,
    /// Passage embeddings (for `ask`), and each article's passage rows.
    pub(crate) passages: Option<Passages>,
    pub(crate) passages_by_article: HashMap<String, Vec<u32>>,
    pub(crate) encoder: Option<Arc<SentenceEncoder>>,
    /// How it answers unless a request says otherwise.
    pub(crate) options: QueryOptions,
    /// The RDF dataset: ontology graphs and the content graph.
    pub(crate) graph: GraphStore,
    /// The term index; `None` in generations written before it existed.
    pub(crate) terms: Option<Terms>,
    /// The prefixes the generation was written with.
    pub(crate) prefixes: PrefixMap,
    /// Worker processes for SPARQL, when the server asked for them.
    pub(crate) sparql_workers: std::sync::OnceLock<sparql_pool::WorkerPool>,
    /// Articles per term (with descendants), read from the graph on first use.
    pub(crate) term_usage: std::sync::OnceLock<ontology::usage::TermUsage>,
    /// Keeps garbage collection away from the generation while it is read;
    /// last, so that it is released after everything reading the files.
    _lease: crate::index::Lease,
}

/// An open term index.
pub(crate) struct Terms {
    pub(crate) index: TermIndex,
    pub(crate) reader: IndexReader,
}

impl KnowledgeBase {
    /// Opens the live generation of a data directory; `encoder` embeds questions
    /// for semantic search (without it, keyword search still works).
    pub fn open(
        data: &DataDir,
        encoder: Option<Arc<SentenceEncoder>>,
    ) -> Result<KnowledgeBase, Error> {
        let generation = data
            .current()?
            .ok_or_else(|| index::Error::NoIndex(data.root().to_path_buf()))?;
        Self::open_generation(&generation, encoder)
    }

    /// Opens one generation folder.
    pub fn open_generation(
        generation: &Path,
        encoder: Option<Arc<SentenceEncoder>>,
    ) -> Result<KnowledgeBase, Error> {
        let lease = crate::index::Lease::take(generation)?;
        let manifest = Manifest::load(generation)?;
        let text = TextIndex::open(&generation.join("text"))?;
        let reader = |index: &tantivy::Index| {
            index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()
        };
        let articles: IndexReader = reader(&text.articles)?;
        let sections: IndexReader = reader(&text.sections)?;
        let vectors = Vectors::load(generation)?;
        let passages = Passages::load(generation)?;
        let mut passages_by_article: HashMap<String, Vec<u32>> = HashMap::new();
        for (row, owner) in passages.iter().flat_map(|p| p.owners.iter().enumerate()) {
            passages_by_article
                .entry(owner.article_id.clone())
                .or_default()
                .push(row as u32);
        }
        let graph = GraphStore::open(generation)?;
        let terms_dir = generation.join("terms");
        let terms = if terms_dir.join("meta.json").exists() {
            let index = TermIndex::open(&terms_dir)?;
            let reader = reader(&index.index)?;
            Some(Terms { index, reader })
        } else {
            None
        };
        let prefixes = PrefixMap {
            map: manifest.graph_config.prefixes.clone(),
        };
        let mut kb = KnowledgeBase {
            generation: generation.to_path_buf(),
            manifest,
            text,
            articles,
            sections,
            facet_values: BTreeMap::new(),
            article_ids: Vec::new(),
            article_docs: Vec::new(),
            article_by_doc: HashMap::new(),
            article_index: HashMap::new(),
            table: Arc::new(article_table::ArticleTable::empty()),
            vectors,
            row_article: Vec::new(),
            passages,
            passages_by_article,
            encoder,
            options: QueryOptions::default(),
            graph,
            terms,
            prefixes,
            sparql_workers: std::sync::OnceLock::new(),
            term_usage: std::sync::OnceLock::new(),
            _lease: lease,
        };
        kb.map_articles()?;
        kb.facet_values = kb
            .table
            .all_values()
            .map(|(name, values)| (name, values.iter().map(|v| v.to_string()).collect()))
            .collect();
        Ok(kb)
    }

    /// Evaluates SPARQL queries in worker processes started from `program` (the
    /// eoskb executable), so that a query over its time limit can be stopped.
    /// Set once; later calls keep the first program.
    pub fn use_sparql_workers(&self, options: sparql_pool::WorkerOptions) {
        self.sparql_workers
            .get_or_init(|| sparql_pool::WorkerPool::new(options, self.generation.clone()));
    }

    /// The SPARQL worker pool, if queries run in workers.
    pub fn sparql_workers(&self) -> Option<&sparql_pool::WorkerPool> {
        self.sparql_workers.get()
    }

    /// Answers with `options` (the configuration's) from now on.
    pub fn with_options(mut self, options: QueryOptions) -> KnowledgeBase {
        self.options = options;
        self
    }

    /// How searches fuse and asks score, unless a request says otherwise.
    pub fn options(&self) -> &QueryOptions {
        &self.options
    }

    /// The encoder and vectors, or why semantic search cannot run.
    pub fn semantic_ready(&self) -> Result<(&SentenceEncoder, &Vectors), Error> {
        let encoder = self.encoder.as_deref().ok_or_else(|| {
            Error::SemanticUnavailable(format!("no embedding model is loaded; {SETUP_HINT}"))
        })?;
        let vectors = self.vectors.as_ref().ok_or_else(|| {
            Error::SemanticUnavailable(
                "the index has no vectors: run `eoskb index` with the model installed".into(),
            )
        })?;
        if vectors.model_id != encoder.id() {
            return Err(Error::SemanticUnavailable(format!(
                "the index was embedded with `{}` but the loaded model is `{}`; run `eoskb index --reembed` or pass the matching --model",
                vectors.model_id,
                encoder.id()
            )));
        }
        Ok((encoder, vectors))
    }

    /// Whether semantic and hybrid search can run, and if not, why.
    pub fn semantic_status(&self) -> Result<(), String> {
        self.semantic_ready().map(|_| ()).map_err(|e| e.to_string())
    }

    /// How many passages `ask` can quote.
    pub fn passage_count(&self) -> usize {
        self.passages.as_ref().map_or(0, |p| p.len())
    }

    /// The passage rows of an article (none when the index has no passages).
    pub(crate) fn passage_rows(&self, article_id: &str) -> &[u32] {
        self.passages_by_article
            .get(article_id)
            .map_or(&[], Vec::as_slice)
    }

    /// The id of the article stored at `doc`.
    pub fn article_id(&self, doc: DocAddress) -> Option<&str> {
        self.article_by_doc
            .get(&doc)
            .map(|&i| self.article_ids[i as usize].as_str())
    }

    /// Builds the dense article order and maps vector rows onto it.
    fn map_articles(&mut self) -> Result<(), Error> {
        let searcher = self.articles.searcher();
        let mut docs: Vec<DocAddress> = searcher
            .search(&AllQuery, &DocSetCollector)?
            .into_iter()
            .collect();
        docs.sort();
        let mut index_of_id: HashMap<String, u32> = HashMap::new();
        for doc in docs {
            let document: TantivyDocument = searcher.doc(doc)?;
            let id = document
                .get_first(self.text.article_fields.id)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            let i = self.article_ids.len() as u32;
            index_of_id.insert(id.clone(), i);
            self.article_by_doc.insert(doc, i);
            self.article_ids.push(id);
            self.article_docs.push(doc);
        }
        self.table = Arc::new(article_table::ArticleTable::build(
            &searcher,
            &self.sections.searcher(),
            &self.text.article_fields,
            &self.text.section_fields,
            &self.article_docs,
            &index_of_id,
        )?);
        if let Some(vectors) = &self.vectors {
            self.row_article = vectors
                .owners
                .iter()
                .map(|o| index_of_id.get(&o.article_id).copied())
                .collect();
        }
        self.article_index = index_of_id;
        Ok(())
    }

    /// The generation folder this snapshot reads.
    pub fn generation(&self) -> &Path {
        &self.generation
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Which articles each term stands for (annotated with it or a descendant).
    pub fn term_usage(&self) -> &ontology::usage::TermUsage {
        self.term_usage
            .get_or_init(|| ontology::usage::TermUsage::build(self))
    }

    /// The RDF store, for in-process SPARQL.
    pub fn graph(&self) -> &GraphStore {
        &self.graph
    }

    /// IRI of the graph holding the articles.
    pub fn content_graph(&self) -> String {
        format!("{}graph/content", self.manifest.graph_config.base_iri)
    }
}
