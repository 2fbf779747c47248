//! JSON API handlers: parse the request, call the query layer, map errors.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use super::params;
use super::view::{AnswerView, DocView, SearchView};
use crate::query::{self, KnowledgeBase, Mode};
use crate::querylog::QueryEvent;

/// The generation being served, or 503 while there is none.
pub(super) fn live_kb(state: &AppState) -> Result<Arc<KnowledgeBase>, ApiError> {
    state
        .snapshot()
        .ok_or_else(|| ApiError::unavailable("no index yet: run `eoskb index`"))
}

/// What a request's work costs, which decides where it runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Cost {
    /// Bounded to a few milliseconds whatever the request (keyword search, the
    /// list of ontologies): run on the async thread that received the request,
    /// still under admission. Handing such work to the blocking pool and back
    /// costs more than a fifth of it (two thread wake-ups and context switches
    /// per request on two cores).
    Bounded,
    /// Embeds text or grows with what it reads: on the blocking pool, so that a
    /// slow request never stalls the connections sharing its async thread.
    Unbounded,
}

/// Runs query work once admitted: a bounded number wait (503 `busy` beyond),
/// and a request whose client leaves while it waits is never computed.
pub(super) async fn with_kb<T, F>(state: &AppState, cost: Cost, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&KnowledgeBase) -> Result<T, query::Error> + Send + 'static,
{
    let kb = live_kb(state)?;
    let permit = state.admission.enter().await?;
    if cost == Cost::Bounded {
        let result = work(&kb);
        drop(permit);
        return result.map_err(ApiError::from);
    }
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work(&kb)
    })
    .await
    .map_err(|e| ApiError::internal(format!("query task failed: {e}")))?
    .map_err(ApiError::from)
}

pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let raw = raw.as_deref().unwrap_or_default();
    let mut request = match params::search_request(raw) {
        Ok(r) => r,
        Err(e) => return ApiError::from(e).into_response(),
    };
    // Without the embedding model, a search that names no mode is a keyword
    // search (the response's `mode` says so); naming one still fails clearly.
    if state.encoder.is_none() && !params::names_mode(raw) {
        request = request.with_mode(Mode::Keyword);
    }
    // Later pages repeat a question already logged with its first page.
    let logged = (request.offset == 0).then(|| request.query.trim().to_string());
    // Only keyword search is bounded: the other modes embed the query.
    let cost = if request.mode == Mode::Keyword {
        Cost::Bounded
    } else {
        Cost::Unbounded
    };
    match with_kb(&state, cost, move |kb| query::search(kb, &request)).await {
        Ok(response) => {
            if let Some(question) = logged {
                state
                    .query_log
                    .record(QueryEvent::search(question, &response));
            }
            sized_json(&SearchView::new(&response), SEARCH_RESPONSE_BYTES)
        }
        Err(e) => e.into_response(),
    }
}

/// About what a page of ten hits with its facets takes as JSON.
const SEARCH_RESPONSE_BYTES: usize = 16 * 1024;

/// A JSON response serialised into a buffer sized for it up front (axum's
/// `Json` starts at 128 bytes and grows by copying, seven times for a page of
/// search results).
fn sized_json<T: serde::Serialize>(value: &T, capacity: usize) -> Response {
    let mut body = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut body, value) {
        Ok(()) => (
            [(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(e) => ApiError::internal(format!("serialising the response: {e}")).into_response(),
    }
}

/// `GET /api/ask?q=`: an extractive answer with citations, or `answered: false`
/// with the nearest pages.
pub async fn ask(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let raw = raw.unwrap_or_default();
    let question = form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == "q" || k == "question")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    match with_kb(&state, Cost::Unbounded, move |kb| {
        query::ask(kb, &question, &kb.options().ask)
    })
    .await
    {
        Ok(answer) => {
            let cited = if answer.answered {
                answer.sources.len()
            } else {
                0
            };
            state.query_log.record(QueryEvent::ask(
                answer.question.clone(),
                cited,
                answer.best_similarity,
                answer.answered,
            ));
            Json(AnswerView::new(&answer)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub async fn doc(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match with_kb(&state, Cost::Unbounded, move |kb| {
        query::get_article(kb, &id)
    })
    .await
    {
        Ok(view) => Json(DocView::new(&view)).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn stats(State(state): State<AppState>) -> Response {
    match with_kb(&state, Cost::Unbounded, |kb| Ok(query::stats(kb))).await {
        Ok(stats) => Json(stats).into_response(),
        Err(e) => e.into_response(),
    }
}

/// 200 when an index is being served (`degraded` when semantic search is off, with
/// the reason); 503 (still JSON) when there is no index yet.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.snapshot() {
        Some(kb) => {
            let semantic = kb.semantic_status();
            Json(json!({
                "status": if semantic.is_ok() { "ok" } else { "degraded" },
                "generation": kb.generation().file_name().map(|n| n.to_string_lossy().into_owned()),
                "articles": kb.manifest().articles(),
                "keyword": "ok",
                "semantic": semantic.as_ref().map_or("unavailable", |_| "ok"),
                "reason": semantic.err(),
                "query_log": state.query_log.stats(),
                "waiting": state.admission.waiting(),
            }))
            .into_response()
        }
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "no_index", "message": "run `eoskb index` first"})),
        )
            .into_response(),
    }
}

pub async fn not_found() -> ApiError {
    ApiError::not_found(
        "no such endpoint; see /api/docs (or /api/openapi.json) for all of them: /api/search, /api/ask, /api/docs/{id}, /api/stats, /api/terms, /api/terms/lookup, /api/ontologies, POST /api/feedback, /api/admin/gaps, /api/admin/index, /api/admin/check (with EOSKB_ADMIN_TOKEN), /sparql, /healthz",
    )
}
