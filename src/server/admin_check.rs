//! `GET /api/admin/check`: the findings of `eoskb check` on the served content,
//! for curators. The check reads the content and ontology folders the served
//! generation was indexed from (as the index run named them, so relative to the
//! folder the server runs in) against that generation's term index. It runs on
//! the first request for a generation, one at a time, and its report is kept
//! until another generation is served.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use super::admin::refusal;
use super::error::ApiError;
use crate::check::{CheckOptions, Finding, check};
use crate::config::Config;
use crate::index::DataDir;
use crate::ingest::Severity;

/// Most findings a response lists (the counts cover all of them).
const MAX_FINDINGS: usize = 500;

/// The check of one generation's content.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedContent {
    /// The generation whose sources were checked.
    pub generation: String,
    /// When the check ran (RFC 3339): the files as they were then.
    pub checked_at: String,
    pub took_ms: u128,
    /// The content folders read, as the index run named them.
    pub roots: Vec<String>,
    /// Those the server cannot find from where it runs: their findings are missing.
    pub missing_roots: Vec<String>,
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings per rule, over all of them.
    pub rules: BTreeMap<String, usize>,
    /// The first findings (errors first, then by path and line).
    pub findings: Vec<Finding>,
    /// Findings not listed.
    pub more: usize,
}

/// The last report, for the generation it describes.
pub type CheckCache = Arc<tokio::sync::Mutex<Option<Arc<CheckedContent>>>>;

/// Runs the check of `generation`'s sources.
fn check_generation(
    generation: PathBuf,
    data: DataDir,
    config: Config,
) -> Result<CheckedContent, crate::check::Error> {
    let started = Instant::now();
    let manifest = crate::index::Manifest::load(&generation)?;
    let roots: Vec<PathBuf> = manifest.roots.iter().map(PathBuf::from).collect();
    let missing_roots = manifest
        .roots
        .iter()
        .filter(|r| !PathBuf::from(r).is_dir())
        .cloned()
        .collect();
    let options = CheckOptions {
        ontologies: manifest.ontology_roots.iter().map(PathBuf::from).collect(),
        ontologies_optional: true,
        data: Some(data),
        config,
        ..CheckOptions::new(roots)
    };
    let report = check(&options)?;
    let mut rules: BTreeMap<String, usize> = BTreeMap::new();
    for finding in &report.findings {
        *rules.entry(finding.rule.name().to_string()).or_default() += 1;
    }
    let mut findings = report.findings;
    // Errors first; the report's order (path, line, column) within each.
    findings.sort_by_key(|f| f.severity() != Severity::Error);
    let more = findings.len().saturating_sub(MAX_FINDINGS);
    findings.truncate(MAX_FINDINGS);
    Ok(CheckedContent {
        generation: generation
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        checked_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        took_ms: started.elapsed().as_millis(),
        roots: manifest.roots,
        missing_roots,
        files: report.files,
        errors: report.errors,
        warnings: report.warnings,
        rules,
        findings,
        more,
    })
}

/// `GET /api/admin/check`.
pub async fn findings(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(refused) = refusal(&state, &headers) {
        return refused;
    }
    let kb = match super::api::live_kb(&state) {
        Ok(kb) => kb,
        Err(e) => return e.into_response(),
    };
    let generation = kb.generation().to_path_buf();
    drop(kb);
    // Held while a check runs: a second request waits for its report.
    let mut cached = state.check_cache.lock().await;
    let name = generation
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(report) = cached.as_ref().filter(|r| r.generation == name) {
        return Json(report.as_ref()).into_response();
    }
    let (data, config) = (state.data.clone(), state.config.clone());
    // Reads every content file: off the async threads.
    match tokio::task::spawn_blocking(move || check_generation(generation, data, config)).await {
        Ok(Ok(report)) => {
            let report = Arc::new(report);
            *cached = Some(report.clone());
            Json(report.as_ref()).into_response()
        }
        Ok(Err(e)) => {
            ApiError::internal(format!("check of the served content: {e}")).into_response()
        }
        Err(e) => {
            ApiError::internal(format!("check of the served content failed: {e}")).into_response()
        }
    }
}
