//! The one place where library errors become HTTP status codes and JSON bodies.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::query;

/// An error answered to an HTTP client: status, a stable code, and a message a
/// person can act on.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds after which a client may try again (`Retry-After`), for 503s.
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 503 `busy`: too much work already waiting; try again in a second.
    pub fn busy(message: impl Into<String>) -> Self {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message)
        }
    }

    /// 500 for a failure of the engine, not the request: logged in full, while
    /// the client gets no detail (paths, file names) about the host.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("request failed: {detail}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the request could not be handled; the server log has the details",
        )
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<query::Error> for ApiError {
    fn from(e: query::Error) -> Self {
        use query::Error as E;
        let (status, code) = match &e {
            E::EmptyQuery => (StatusCode::BAD_REQUEST, "empty_query"),
            E::QueryTooLong { .. } => (StatusCode::BAD_REQUEST, "query_too_long"),
            E::Syntax(_) => (StatusCode::BAD_REQUEST, "query_syntax"),
            E::UnknownFacetValue { .. } => (StatusCode::BAD_REQUEST, "unknown_facet_value"),
            E::InvalidParameter { .. } => (StatusCode::BAD_REQUEST, "invalid_parameter"),
            E::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            E::SemanticUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "semantic_unavailable"),
            E::TermNotFound(_) => (StatusCode::NOT_FOUND, "term_not_found"),
            E::UnknownTerm { .. } => (StatusCode::BAD_REQUEST, "unknown_term"),
            E::QueryTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "query_too_large"),
            E::SparqlSyntax(_) => (StatusCode::BAD_REQUEST, "sparql_syntax"),
            E::QueryTooComplex(_) => (StatusCode::BAD_REQUEST, "query_too_complex"),
            E::Unsupported(_) => (StatusCode::BAD_REQUEST, "unsupported"),
            E::ResultTooLarge(_) => (StatusCode::UNPROCESSABLE_ENTITY, "result_too_large"),
            E::ResourceLimit(_) => (StatusCode::UNPROCESSABLE_ENTITY, "resource_limit"),
            E::ReadOnly(_) => (StatusCode::FORBIDDEN, "read_only"),
            E::NotAcceptable(_) => (StatusCode::NOT_ACCEPTABLE, "not_acceptable"),
            E::SparqlTimeout(_) => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            E::SparqlBusy(_) => return ApiError::busy(e.to_string()),
            E::TooManyResults(_) => (StatusCode::UNPROCESSABLE_ENTITY, "too_many_results"),
            E::SparqlEvaluation(_) => (StatusCode::INTERNAL_SERVER_ERROR, "sparql_evaluation"),
            E::SparqlWorker(_) => (StatusCode::INTERNAL_SERVER_ERROR, "sparql_worker"),
            E::Index(crate::index::Error::NoIndex(_)) => {
                return ApiError::unavailable("no index yet: run `eoskb index`");
            }
            E::Index(_) | E::Tantivy(_) | E::Embed(_) => return ApiError::internal(e),
        };
        if status.is_server_error() {
            tracing::error!("request failed: {e}");
        }
        ApiError::new(status, code, e.to_string())
    }
}

/// Bodies over the server-wide limit are refused before any handler runs, with
/// a plain-text 413: give it the API's JSON shape too.
pub(super) async fn json_payload_too_large(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        )
        .into_response();
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.code, "message": self.message });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
