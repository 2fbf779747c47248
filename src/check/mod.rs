//! Check: validates content the way a compiler checks code, without indexing it.
//! Reads articles through `ingest` and ontology terms from the data directory's
//! live generation (plus any ontology files not indexed yet); writes nothing.
//!
//! Each rule family lives in its own file and returns [`Finding`]s located at
//! `path:line:col`: `fields.rs` (required fields, allowed values, dates, staleness),
//! `unique.rs` (ids and titles), `terms.rs` (ontology terms, read through
//! `catalogue.rs`), `links.rs` (internal links, anchors, `related`, external URLs).
//! `corpus.rs` reads the files and reports the ones that cannot be read.

pub mod catalogue;
pub mod corpus;
pub mod fields;
pub mod links;
pub mod location;
pub mod terms;
pub mod unique;

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::Config;
use crate::index::DataDir;
use crate::ingest::{Diagnostic, Severity};

pub use corpus::Corpus;

/// Errors that stop a check (problems in the content are findings, not errors).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Index(#[from] crate::index::Error),
    #[error("term index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("term index: {0}")]
    TermIndexIo(#[from] std::io::Error),
    #[error("term index: stored term is not readable: {0}")]
    StoredTerm(String),
}

/// What a finding is about; its name is shown after the message and in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The file cannot be read as text: missing, a symbolic link loop, binary,
    /// too large, not UTF-8.
    Read,
    /// Front matter that does not parse, or fields of an unusable shape.
    FrontMatter,
    /// The article has no text at all.
    EmptyArticle,
    /// `title` or `summary` missing.
    RequiredField,
    /// `kind`, `audience` or `fair` outside the allowed values.
    AllowedValue,
    /// `updated` (or `date`, `modified`, ...) is not a date.
    Date,
    /// Not updated for longer than the configured age.
    Stale,
    /// Two articles with one id.
    DuplicateId,
    /// Two articles with one title.
    DuplicateTitle,
    /// A term that is neither a CURIE with a known prefix nor an absolute IRI.
    TermSyntax,
    /// A term that is not in the loaded ontology that owns its namespace.
    TermUnknown,
    /// A deprecated term.
    TermDeprecated,
    /// A term no loaded ontology can confirm or deny (its namespace is not loaded).
    TermUnverified,
    /// A configured ontology that is missing or unreadable.
    Ontology,
    /// A relative link to a file that is not there.
    InternalLink,
    /// A `#fragment` that names no heading or anchor of the target.
    Anchor,
    /// A `related` entry that names no article.
    Related,
    /// An `http(s)` link that is not a well-formed URL.
    ExternalLink,
    /// A research-output record (DataCite, Zenodo, CFF, CodeMeta, JSON-LD, a PDF,
    /// a notebook) that cannot be read, or whose values are not valid: DOI,
    /// ORCID checksum, licence identifier, date, missing title.
    Record,
}

impl Rule {
    /// The rule's name, as shown (`required-field`).
    pub fn name(self) -> &'static str {
        match self {
            Rule::Read => "read",
            Rule::FrontMatter => "front-matter",
            Rule::EmptyArticle => "empty-article",
            Rule::RequiredField => "required-field",
            Rule::AllowedValue => "allowed-value",
            Rule::Date => "date",
            Rule::Stale => "stale",
            Rule::DuplicateId => "duplicate-id",
            Rule::DuplicateTitle => "duplicate-title",
            Rule::TermSyntax => "term-syntax",
            Rule::TermUnknown => "term-unknown",
            Rule::TermDeprecated => "term-deprecated",
            Rule::TermUnverified => "term-unverified",
            Rule::Ontology => "ontology",
            Rule::InternalLink => "internal-link",
            Rule::Anchor => "anchor",
            Rule::Related => "related",
            Rule::ExternalLink => "external-link",
            Rule::Record => "record",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem found, located in its file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
    pub rule: Rule,
}

impl Finding {
    pub fn new(
        rule: Rule,
        severity: Severity,
        path: impl Into<String>,
        at: location::Position,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            diagnostic: Diagnostic {
                path: path.into(),
                line: at.line,
                column: Some(at.column),
                severity,
                message: message.into(),
            },
            rule,
        }
    }

    /// A finding from an ingest diagnostic.
    pub fn from_diagnostic(rule: Rule, diagnostic: Diagnostic) -> Finding {
        Finding { diagnostic, rule }
    }

    pub fn severity(&self) -> Severity {
        self.diagnostic.severity
    }
}

impl fmt::Display for Finding {
    /// `path:line:col: severity: message [rule]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.diagnostic, self.rule)
    }
}

/// What to check, and against what.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Content folders: every article in them is known to links, `related` and the
    /// uniqueness rules.
    pub content: Vec<PathBuf>,
    /// Files or folders to report on; empty: everything under `content`. Paths
    /// outside the content folders are read too.
    pub paths: Vec<PathBuf>,
    /// Ontology files or folders whose terms articles may use (besides those in the
    /// data directory's index).
    pub ontologies: Vec<PathBuf>,
    /// Whether missing `ontologies` paths are fine (the default folder).
    pub ontologies_optional: bool,
    /// Data directory whose live generation's term index is read, if any.
    pub data: Option<DataDir>,
    pub config: Config,
    /// Overrides `[check] stale_after_days`.
    pub stale_after_days: Option<u32>,
    /// The date staleness is measured from (today, unless a test fixes it).
    pub today: chrono::NaiveDate,
}

impl CheckOptions {
    /// Checks every article under `content`, with the default configuration.
    pub fn new(content: Vec<PathBuf>) -> CheckOptions {
        CheckOptions {
            content,
            paths: Vec::new(),
            ontologies: Vec::new(),
            ontologies_optional: true,
            data: None,
            config: Config::default(),
            stale_after_days: None,
            today: chrono::Local::now().date_naive(),
        }
    }

    pub fn stale_after_days(&self) -> u32 {
        self.stale_after_days
            .unwrap_or(self.config.check.stale_after_days)
    }
}

/// The outcome of a check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub errors: usize,
    pub warnings: usize,
    /// Articles read (those reported on).
    pub files: usize,
    /// Sorted by path, line and column.
    pub findings: Vec<Finding>,
    #[serde(skip)]
    pub took: Duration,
}

impl CheckReport {
    fn new(mut findings: Vec<Finding>, files: usize, took: Duration) -> CheckReport {
        findings.sort_by(|a, b| {
            let key = |f: &Finding| {
                (
                    f.diagnostic.path.clone(),
                    f.diagnostic.line,
                    f.diagnostic.column,
                    f.rule,
                )
            };
            key(a).cmp(&key(b))
        });
        findings.dedup();
        let count = |s: Severity| findings.iter().filter(|f| f.severity() == s).count();
        CheckReport {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            files,
            findings,
            took,
        }
    }

    /// The findings of one rule.
    pub fn of(&self, rule: Rule) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.rule == rule)
    }
}

/// Checks the content named by `options`.
pub fn check(options: &CheckOptions) -> Result<CheckReport, Error> {
    let started = Instant::now();
    let mut findings = Vec::new();
    let corpus = Corpus::read(options, &mut findings);
    findings.extend(fields::check(&corpus, options));
    findings.extend(unique::check(&corpus));
    findings.extend(links::check(&corpus));
    let catalogue = catalogue::TermCatalogue::open(options, &mut findings)?;
    findings.extend(terms::check(&corpus, &catalogue, &options.config)?);
    let findings = corpus.keep_reported(findings);
    Ok(CheckReport::new(
        findings,
        corpus.reported_count(),
        started.elapsed(),
    ))
}
