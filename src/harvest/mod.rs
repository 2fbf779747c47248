//! Harvest: downloads research-output records from an OAI-PMH endpoint or the
//! DataCite REST API into a folder that `eoskb index` reads, one small record
//! file per record, and (asked with `--files`) the PDFs the records list.
//!
//! A harvest is restartable: every record is written atomically as soon as its
//! page arrives, and the state file (`.eoskb-harvest.state`) records every
//! few seconds and when a run ends or fails what is done, so a failure loses
//! nothing already written and the next run resumes; a later run fetches only what changed since the last complete
//! one. Nothing here runs during `index` or `serve`.

pub mod datacite;
pub mod files;
pub mod http;
pub mod oai_page;
pub mod oai_pmh;
pub mod state;
pub mod store;

use std::fmt;
use std::path::PathBuf;

pub use http::{ClientOptions, HttpClient, HttpError, RetryPolicy};

/// Why a harvest stopped.
#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} exists: another harvest ({holder}) is writing into this folder; if none is running, remove the file"
    )]
    Locked { path: PathBuf, holder: String },
    #[error("the OAI-PMH endpoint answered `{code}`: {message}")]
    Oai { code: String, message: String },
    #[error("{url}: {reason}")]
    BadResponse { url: String, reason: String },
    #[error("{path}: {reason}")]
    State { path: PathBuf, reason: String },
    #[error("{0}")]
    Usage(String),
}

impl HarvestError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        HarvestError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn bad(url: impl fmt::Display, reason: impl Into<String>) -> Self {
        HarvestError::BadResponse {
            url: url.to_string(),
            reason: reason.into(),
        }
    }
}

/// What to do with the files records list.
#[derive(Debug, Clone)]
pub struct FileOptions {
    /// Download the PDFs the records list.
    pub enabled: bool,
    /// Largest PDF taken, in bytes (by `Content-Length` and while streaming).
    pub max_size: u64,
}

impl Default for FileOptions {
    fn default() -> Self {
        FileOptions {
            enabled: false,
            max_size: files::DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// What a harvest did: printed by the command, asserted by the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Pages (responses) fetched.
    pub pages: usize,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub deleted: usize,
    pub files_fetched: usize,
    pub files_skipped: usize,
    /// Whether the run went on from an interrupted one (its resumption token).
    pub resumed: bool,
    /// The `from` date sent (conditional re-harvest), if any.
    pub from: Option<String>,
    /// Problems that did not stop the harvest (a record without identifier, a
    /// file that is no PDF or too large).
    pub warnings: Vec<String>,
}

impl Summary {
    /// Records written or confirmed in this run.
    pub fn records(&self) -> usize {
        self.new + self.updated + self.unchanged
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} pages: {} new, {} updated, {} unchanged, {} deleted records; {} files fetched, {} skipped; {} warnings",
            self.pages,
            self.new,
            self.updated,
            self.unchanged,
            self.deleted,
            self.files_fetched,
            self.files_skipped,
            self.warnings.len()
        )
    }
}
