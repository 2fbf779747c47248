//! `eoskb sparql`: one read-only SPARQL query, and the hidden `sparql-worker`
//! that evaluates queries for `serve`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::args::SparqlArgs;
use crate::config::Config;
use crate::index::DataDir;
use crate::query::{self, KnowledgeBase};

pub fn run(data: &DataDir, args: SparqlArgs, config: &Config) -> Result<ExitCode> {
    let query = match args.query.as_str() {
        "-" => std::io::read_to_string(std::io::stdin()).context("reading the query")?,
        q => match q.strip_prefix('@') {
            Some(path) => {
                std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?
            }
            None => q.to_string(),
        },
    };
    let kb = std::sync::Arc::new(KnowledgeBase::open(data, None)?);
    // The terminal default is TSV for tables: readable and easy to pipe.
    let accept = vec!["text/tab-separated-values".into(), "text/turtle".into()];
    let request = query::SparqlRequest {
        query,
        format: args.format,
        accept,
        ..Default::default()
    };
    let answer = query::sparql::execute_shared(&kb, &config.sparql, &request)?;
    // The body exactly as the HTTP endpoint would send it.
    let mut out = std::io::stdout().lock();
    out.write_all(&answer.body)?;
    if !answer.body.ends_with(b"\n") {
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The worker: needs neither configuration nor model, only the generation's store.
pub fn worker(generation: &Path, memory_limit: u64) -> Result<ExitCode> {
    query::sparql_pool::run_worker(generation, memory_limit)?;
    Ok(ExitCode::SUCCESS)
}
