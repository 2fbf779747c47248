//! Query: reads the stores of one published generation and answers questions.
//! Knows nothing of HTTP; the CLI and the server are two faces over these functions.

pub mod answer;
pub mod article;
pub(crate) mod article_table;
mod articles;
pub mod describe;
mod doc_set;
mod embeddings;
pub mod facet_labels;
pub mod highlight;
pub mod hybrid;
pub mod keyword;
pub mod ontology;
pub mod request;
pub mod search;
mod section_texts;
pub mod semantic;
pub mod sparql;
pub mod sparql_error;
pub mod sparql_guard;
pub mod sparql_pool;
pub mod sparql_search;
pub mod stats;
pub mod stop_words;
pub mod void;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::{DocAddress, IndexReader};

use crate::config::PrefixMap;
use crate::embed::{EmbedError, SentenceEncoder};
use crate::index::terms::TermIndex;
use crate::index::vectors::Vectors;
use crate::index::{self, DataDir, GraphStore, Manifest};

pub use crate::settings::{AskParams, Fusion, Mode, QueryOptions};
pub use answer::{Answer, ask};
pub use article::{ArticleView, get_article};
pub use article_table::FacetCounts;
use articles::Articles;
use embeddings::Embeddings;
pub use facet_labels::FacetLabels;
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
    #[error("no loaded ontology is called `{0}`")]
    UnknownOntology(String),
    #[error("no term `{term}` in the ontology `{ontology}`")]
    TermNotIn { term: String, ontology: String },
    #[error("the knowledge base says nothing about <{0}>")]
    ResourceNotFound(String),
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
            Error::NotFound(_)
            | Error::TermNotFound(_)
            | Error::UnknownOntology(_)
            | Error::TermNotIn { .. }
            | Error::ResourceNotFound(_) => K::NotFound,
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
            Error::TermNotFound(_) | Error::TermNotIn { .. } => "term_not_found",
            Error::UnknownOntology(_) => "ontology_not_found",
            Error::ResourceNotFound(_) => "not_found",
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
    generation: PathBuf,
    manifest: Manifest,
    /// The article and section indexes, in one dense article order.
    pub(crate) articles: Articles,
    /// Question encoder, section and passage vectors.
    pub(crate) embeddings: Embeddings,
    /// How it answers unless a request says otherwise.
    options: QueryOptions,
    /// The RDF dataset: ontology graphs and the content graph.
    graph: GraphStore,
    /// The term index; `None` in generations written before it existed.
    pub(crate) terms: Option<Terms>,
    /// The prefixes the generation was written with.
    prefixes: PrefixMap,
    /// Worker processes for SPARQL, when the server asked for them.
    sparql_workers: std::sync::OnceLock<sparql_pool::WorkerPool>,
    /// Articles per term (with descendants), read from the graph on first use.
    term_usage: std::sync::OnceLock<ontology::usage::TermUsage>,
    /// Labels of facet values looked up so far.
    facet_labels: facet_labels::LabelMemo,
    /// Root terms of each ontology, read from the term index on first use.
    ontology_roots: std::sync::OnceLock<ontology::browse::Roots>,
    /// Every term's ontology, kinds and status, read on first use (OLS API).
    term_table: std::sync::OnceLock<ontology::ols::TermTable>,
    /// VoID statistics of every graph, counted on first use (one pass over
    /// the store per generation, never per request).
    void_stats: std::sync::OnceLock<Result<void::DatasetStats, String>>,
    /// Keeps garbage collection away from the generation while it is read;
    /// last, so that it is released after everything reading the files.
    _lease: crate::index::Lease,
}

/// An open term index.
pub(crate) struct Terms {
    pub(crate) index: TermIndex,
    pub(crate) reader: IndexReader,
    pub(crate) breadth: ontology::recognise::Breadth,
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
        Self::open_parts(generation, Some(encoder))
    }

    /// Opens one generation for SPARQL, keyword and term search, without its
    /// vectors (a SPARQL worker answers text search by keyword only and need
    /// not hold them in memory).
    pub fn open_without_vectors(generation: &Path) -> Result<KnowledgeBase, Error> {
        Self::open_parts(generation, None)
    }

    /// `vectors`: the question encoder, when the vectors are loaded at all.
    fn open_parts(
        generation: &Path,
        vectors: Option<Option<Arc<SentenceEncoder>>>,
    ) -> Result<KnowledgeBase, Error> {
        let lease = crate::index::Lease::take(generation)?;
        let manifest = Manifest::load(generation)?;
        let articles = Articles::open(generation)?;
        let embeddings = match vectors {
            Some(encoder) => Embeddings::load(generation, encoder, &articles)?,
            None => Embeddings::none(),
        };
        let graph = GraphStore::open(generation)?;
        let terms_dir = generation.join("terms");
        let terms = if terms_dir.join("meta.json").exists() {
            let index = TermIndex::open(&terms_dir)?;
            let reader = articles::manual_reader(&index.index)?;
            let breadth = ontology::recognise::Breadth::of(&reader.searcher(), &index.fields);
            Some(Terms {
                index,
                reader,
                breadth,
            })
        } else {
            None
        };
        let prefixes = PrefixMap {
            map: manifest.graph_config.prefixes.clone(),
        };
        Ok(KnowledgeBase {
            generation: generation.to_path_buf(),
            manifest,
            articles,
            embeddings,
            options: QueryOptions::default(),
            graph,
            terms,
            prefixes,
            sparql_workers: std::sync::OnceLock::new(),
            term_usage: std::sync::OnceLock::new(),
            facet_labels: Default::default(),
            ontology_roots: std::sync::OnceLock::new(),
            term_table: std::sync::OnceLock::new(),
            void_stats: std::sync::OnceLock::new(),
            _lease: lease,
        })
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
        self.embeddings.ready()
    }

    /// Whether semantic and hybrid search can run, and if not, why.
    pub fn semantic_status(&self) -> Result<(), String> {
        self.embeddings
            .ready()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// How many passages `ask` can quote.
    pub fn passage_count(&self) -> usize {
        self.embeddings.passages().map_or(0, |p| p.len())
    }

    /// How many articles the generation holds.
    pub fn article_count(&self) -> usize {
        self.articles.len()
    }

    /// Whether the generation holds an article with this id.
    pub fn has_article(&self, id: &str) -> bool {
        self.articles.contains(id)
    }

    /// The id of the article stored at `doc`.
    pub fn article_id(&self, doc: DocAddress) -> Option<&str> {
        self.articles.id_at(doc)
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

    /// The root terms of each loaded ontology.
    pub fn ontology_roots(&self) -> &ontology::browse::Roots {
        self.ontology_roots
            .get_or_init(|| ontology::browse::Roots::build(self))
    }

    /// Every term's ontology, kinds and status, by IRI and by index document.
    pub fn term_table(&self) -> &ontology::ols::TermTable {
        self.term_table
            .get_or_init(|| ontology::ols::TermTable::build(self))
    }

    /// The VoID statistics of the generation's graphs, counted once.
    pub fn void_stats(&self) -> Result<&void::DatasetStats, Error> {
        self.void_stats
            .get_or_init(|| {
                void::DatasetStats::count(self.graph.store()).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| Error::Index(index::Error::Graph(e.clone())))
    }

    /// The RDF store, for in-process SPARQL.
    pub fn graph(&self) -> &GraphStore {
        &self.graph
    }

    /// The CURIE prefixes the generation was written with.
    pub fn prefixes(&self) -> &PrefixMap {
        &self.prefixes
    }

    /// IRI of the graph holding the articles.
    pub fn content_graph(&self) -> String {
        format!("{}graph/content", self.manifest.graph_config.base_iri)
    }
}
