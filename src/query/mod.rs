//! Query: reads the stores of one published generation and answers questions.
//! Knows nothing of HTTP; the CLI and the server are two faces over these functions.

pub mod docs;
pub mod keyword;
pub mod ontologies;
pub mod sparql;
pub mod stats;
pub mod term_lookup;
pub mod terms;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use tantivy::collector::FacetCollector;
use tantivy::query::AllQuery;
use tantivy::{IndexReader, ReloadPolicy};

use crate::config::PrefixMap;
use crate::index::terms::TermIndex;
use crate::index::text::TextIndex;
use crate::index::{self, DataDir, GraphStore, Manifest};
use crate::model::{FACETS, Facet};

pub use docs::{ArticleView, get_article};
pub use keyword::{Hit, SearchRequest, SearchResponse, search};
pub use ontologies::list_ontologies;
pub use sparql::{SparqlRequest, SparqlResponse};
pub use stats::{Stats, stats};
pub use term_lookup::{TermDetails, lookup_term};
pub use terms::{TermSearch, TermSearchResponse, search_terms};

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
    #[error("no term with IRI <{0}>")]
    TermNotFound(String),
    #[error("the query is {len} bytes long; the limit is {max}")]
    QueryTooLarge { len: usize, max: usize },
    #[error("SPARQL syntax error: {0}")]
    SparqlSyntax(String),
    #[error("{0}")]
    ReadOnly(String),
    #[error("not acceptable: {0}")]
    NotAcceptable(String),
    #[error("the query ran longer than the {}s limit and was stopped; narrow it or add LIMIT", .0.as_secs_f64())]
    SparqlTimeout(std::time::Duration),
    #[error(
        "the result has more than {0} rows, the endpoint's limit; add LIMIT (and OFFSET to page)"
    )]
    TooManyResults(usize),
    #[error("{0} SPARQL queries are already running; try again shortly")]
    SparqlBusy(usize),
    #[error("SPARQL evaluation failed: {0}")]
    SparqlEvaluation(String),
    #[error(transparent)]
    Index(#[from] index::Error),
    #[error("full-text index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// Whether the error is the caller's (bad request) rather than the engine's.
    pub fn is_client_error(&self) -> bool {
        !matches!(
            self,
            Error::Index(_) | Error::Tantivy(_) | Error::SparqlEvaluation(_)
        )
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
    /// The RDF dataset: ontology graphs and the content graph.
    pub(crate) graph: GraphStore,
    /// The term index; `None` in generations written before it existed.
    pub(crate) terms: Option<Terms>,
    /// The prefixes the generation was written with.
    pub(crate) prefixes: PrefixMap,
}

/// An open term index.
pub(crate) struct Terms {
    pub(crate) index: TermIndex,
    pub(crate) reader: IndexReader,
}

impl KnowledgeBase {
    /// Opens the live generation of a data directory.
    pub fn open(data: &DataDir) -> Result<KnowledgeBase, Error> {
        let generation = data
            .current()?
            .ok_or_else(|| index::Error::NoIndex(data.root().to_path_buf()))?;
        Self::open_generation(&generation)
    }

    /// Opens one generation folder.
    pub fn open_generation(generation: &Path) -> Result<KnowledgeBase, Error> {
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
            graph,
            terms,
            prefixes,
        };
        kb.facet_values = kb.collect_facet_values()?;
        Ok(kb)
    }

    /// The generation folder this snapshot reads.
    pub fn generation(&self) -> &Path {
        &self.generation
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The RDF store, for in-process SPARQL.
    pub fn graph(&self) -> &GraphStore {
        &self.graph
    }

    /// IRI of the graph holding the articles.
    pub fn content_graph(&self) -> String {
        format!("{}graph/content", self.manifest.graph_config.base_iri)
    }

    fn collect_facet_values(&self) -> Result<BTreeMap<&'static str, BTreeSet<String>>, Error> {
        let searcher = self.articles.searcher();
        let mut out = BTreeMap::new();
        for facet in FACETS {
            let counts = facet_counts(&searcher, &AllQuery, facet)?;
            out.insert(facet.name(), counts.into_keys().collect());
        }
        Ok(out)
    }
}

/// Counts of each value of one facet over the documents matching `query`.
pub(crate) fn facet_counts(
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
    facet: Facet,
) -> Result<BTreeMap<String, u64>, Error> {
    let mut collector = FacetCollector::for_field(facet.name());
    collector.add_facet("/");
    let counts = searcher.search(query, &collector)?;
    Ok(facet_children(&counts))
}

pub(crate) fn facet_children(counts: &tantivy::collector::FacetCounts) -> BTreeMap<String, u64> {
    counts
        .get("/")
        .filter_map(|(facet, count)| {
            let path = facet.to_path();
            path.last().map(|v| (v.to_string(), count))
        })
        .collect()
}
