//! Retrieval evaluation on BEIR-format collections: index the corpus into a
//! temporary data directory, run the judged queries in each mode, and score the
//! rankings as trec_eval (and so BEIR) does.

pub mod ask;
mod beir;
mod metrics;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

pub use beir::{BeirError, Collection, load};
pub use metrics::{Qrels, Scores, evaluate};

use crate::embed::SentenceEncoder;
use crate::index::{self, DataDir};
use crate::query::{self, Fusion, KnowledgeBase, Mode, QueryOptions, SearchRequest};

/// Depth of each ranking: Recall@100 needs 100.
const DEPTH: usize = 100;

/// Errors of an evaluation run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Beir(#[from] BeirError),
    #[error(transparent)]
    Index(#[from] index::Error),
    #[error(transparent)]
    Query(#[from] query::Error),
    #[error("temporary directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("question file: {0}")]
    Questions(String),
}

/// Scores per mode, plus how long each took.
#[derive(Debug, Serialize)]
pub struct Report {
    pub documents: usize,
    pub queries: usize,
    pub index_seconds: f64,
    pub modes: BTreeMap<&'static str, ModeReport>,
}

#[derive(Debug, Serialize)]
pub struct ModeReport {
    #[serde(flatten)]
    pub scores: Scores,
    /// Mean time per query, milliseconds.
    pub query_ms: f64,
}

/// Indexes `collection` and evaluates `modes` on the judged queries of `qrels`.
/// With `keep`, the index is kept in that folder and reused by later runs on the
/// same collection and model (embedding a corpus takes minutes; tuning should not).
pub fn run(
    collection: &Collection,
    qrels: &Qrels,
    modes: &[Mode],
    encoder: Option<Arc<SentenceEncoder>>,
    fusion: Option<Fusion>,
    keep: Option<&Path>,
) -> Result<Report, EvalError> {
    let tmp = tempfile::tempdir()?;
    let data = DataDir::new(keep.unwrap_or(tmp.path()));
    let started = Instant::now();
    let needs_vectors = modes.iter().any(|m| *m != Mode::Keyword);
    let encoder_for_index = if needs_vectors { encoder.clone() } else { None };
    if !reusable(&data, collection, encoder_for_index.as_deref()) {
        index::build(&data, &collection.articles, encoder_for_index.as_deref())?;
    }
    let index_seconds = started.elapsed().as_secs_f64();
    let mut kb = KnowledgeBase::open(&data, encoder)?;
    if let Some(fusion) = fusion {
        let options = QueryOptions {
            fusion,
            ..*kb.options()
        };
        kb = kb.with_options(options);
    }

    let judged: Vec<(&String, &String)> = collection
        .queries
        .iter()
        .filter(|(id, _)| qrels.contains_key(*id))
        .collect();
    let mut report = Report {
        documents: collection.articles.len(),
        queries: judged.len(),
        index_seconds,
        modes: BTreeMap::new(),
    };
    for mode in modes {
        let started = Instant::now();
        let mut runs: BTreeMap<String, Vec<(String, f32)>> = BTreeMap::new();
        for (id, text) in &judged {
            let request = SearchRequest {
                limit: DEPTH,
                mode: *mode,
                ..SearchRequest::new(text.as_str())
            };
            // A query the engine cannot parse counts as retrieving nothing.
            let ranking = match query::search::ranked_ids(&kb, &request) {
                Ok(r) => r,
                Err(e) if e.is_client_error() => Vec::new(),
                Err(e) => return Err(e.into()),
            };
            runs.insert((*id).clone(), ranking);
        }
        let query_ms = started.elapsed().as_secs_f64() * 1000.0 / judged.len().max(1) as f64;
        let scores = evaluate(qrels, &runs);
        report
            .modes
            .insert(mode.name(), ModeReport { scores, query_ms });
    }
    Ok(report)
}

/// Whether `data` already holds this collection, embedded with this model (or
/// with any model when none is needed).
fn reusable(data: &DataDir, collection: &Collection, encoder: Option<&SentenceEncoder>) -> bool {
    let Ok(Some(generation)) = data.current() else {
        return false;
    };
    let Ok(manifest) = index::Manifest::load(&generation) else {
        return false;
    };
    manifest.schema_version == index::manifest::SCHEMA_VERSION
        && manifest.files.len() == collection.articles.len()
        && encoder.is_none_or(|e| manifest.model_id.as_deref() == Some(e.id()))
}

/// Loads a collection and its qrels for `split` from a BEIR folder.
pub fn load_with_qrels(dir: &Path, split: &str) -> Result<(Collection, Qrels), EvalError> {
    let collection = load(dir)?;
    let qrels = beir::load_qrels(&dir.join("qrels").join(format!("{split}.tsv")))?;
    Ok((collection, qrels))
}
