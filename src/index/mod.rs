//! Index: turns model values into the stores in the data directory. Knows nothing
//! of HTTP; reads nothing but content it is handed and its own data directory.

pub mod content_graph;
pub mod datadir;
pub mod graph;
pub mod indexer;
pub mod manifest;
pub mod ontology_run;
pub mod passages;
pub mod record_graph;
pub mod terms;
pub mod text;
pub mod vectors;
pub mod watch;

use std::path::{Path, PathBuf};

pub use datadir::{DataDir, Lease};
pub use graph::GraphStore;
pub use indexer::{IndexOptions, IndexReport, build, run};
pub use manifest::Manifest;

/// Errors of the index layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("full-text index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("another `eoskb index` is writing to {0} (remove {0}/.lock only if no run is active)")]
    Locked(PathBuf),
    #[error("data directory is damaged: {0}")]
    Corrupt(String),
    #[error("graph store: {0}")]
    Graph(String),
    #[error("no index in {0}: run `eoskb index` first")]
    NoIndex(PathBuf),
    #[error(
        "the index in {path} was written by another version of eoskb (layout {found}, this one reads {expected}): run `eoskb index` to rebuild it"
    )]
    OtherLayout {
        path: PathBuf,
        found: u64,
        expected: u32,
    },
    #[error(
        "the index holds vectors of model `{indexed}`, not `{requested}`: pass --reembed to re-embed every section with the new model"
    )]
    ModelChanged { indexed: String, requested: String },
    #[error("embedding: {0}")]
    Embed(#[from] crate::embed::EmbedError),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
