//! `POST /api/feedback {"query": ..., "id": ..., "helpful": true|false}`: whether a
//! search result (an article `id`) or an answer (no `id`) helped. Validated,
//! then handed to the query log without waiting.

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::error::ApiError;
use super::media;
use crate::query::article::article_exists;
use crate::query::request::MAX_QUERY_CHARS;
use crate::querylog::FeedbackEvent;

/// Largest body accepted: a question of 1,000 characters and an id fit easily.
const MAX_BODY_BYTES: usize = 16 * 1024;
/// Longest article id accepted.
const MAX_ID_CHARS: usize = 512;

#[derive(Deserialize)]
struct Feedback {
    query: String,
    #[serde(default)]
    id: Option<String>,
    helpful: bool,
}

pub async fn record(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    match parse(&state, &headers, body).await {
        Ok(event) => {
            let (status, detail) = if state.query_log.record(event) {
                ("accepted", None)
            } else if state.query_log.is_enabled() {
                (
                    "not_recorded",
                    Some("the query log is busy; try again later"),
                )
            } else {
                ("not_recorded", Some("the query log is turned off"))
            };
            let mut body = json!({ "status": status });
            if let Some(detail) = detail {
                body["message"] = json!(detail);
            }
            (StatusCode::ACCEPTED, Json(body)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn parse(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<FeedbackEvent, ApiError> {
    if !is_json(headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            r#"send `Content-Type: application/json` and a body like {"query": "...", "id": "...", "helpful": true}"#,
        ));
    }
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the feedback body is over {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    // Past the declared length, only an over-long (chunked) body fails here.
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())?;
    let feedback: Feedback = serde_json::from_slice(&bytes).map_err(|e| {
        let code = if e.is_data() {
            "invalid_feedback"
        } else {
            "invalid_json"
        };
        ApiError::new(StatusCode::BAD_REQUEST, code, format!("feedback: {e}"))
    })?;
    let invalid =
        |message: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid_feedback", message);

    let query = feedback.query.trim();
    if query.is_empty() {
        return Err(invalid(
            "`query` is empty: send the question the result was for".into(),
        ));
    }
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(invalid(format!(
            "`query` is {chars} characters long; the limit is {MAX_QUERY_CHARS}"
        )));
    }
    let id = match feedback.id.as_deref().map(str::trim) {
        None => None,
        Some("") => {
            return Err(invalid(
                "`id` is empty: send an article id, or leave `id` out for feedback on an answer"
                    .into(),
            ));
        }
        Some(id) if id.chars().count() > MAX_ID_CHARS => {
            return Err(invalid(format!(
                "`id` is over {MAX_ID_CHARS} characters long"
            )));
        }
        Some(id) => {
            let kb = state
                .snapshot()
                .ok_or_else(|| ApiError::unavailable("no index yet: run `eoskb index`"))?;
            if !article_exists(&kb, id) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "unknown_id",
                    format!("no article with id `{id}`"),
                ));
            }
            Some(id.to_string())
        }
    };
    Ok(FeedbackEvent::new(query, id, feedback.helpful))
}

/// `application/json` or `application/<something>+json`, any parameters.
fn is_json(headers: &HeaderMap) -> bool {
    media::is_json(&media::content_type(headers))
}
