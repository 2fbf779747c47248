//! The one place where library errors become HTTP status codes and JSON bodies.

use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::query::{self, ErrorKind};

/// An error answered to an HTTP client: status, a stable code, and a message a
/// person can act on.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds after which a client may try again (`Retry-After`), for 503s.
    pub retry_after: Option<u32>,
    /// What failed, for the server log only (5xx).
    pub detail: Option<String>,
    /// Where in the request's text the problem is (1-based line and column), sent
    /// as `line` and `column`: a SPARQL syntax error's position.
    pub position: Option<(usize, usize)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            detail: None,
            position: None,
        }
    }

    /// 503 `busy`: too much work already waiting; try again in a second.
    pub fn busy(message: impl Into<String>) -> Self {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message)
        }
    }

    /// 500 for a failure of the engine, not the request: logged in full (by
    /// [`log_server_errors`]), while the client gets no detail (paths, file
    /// names) about the host.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        ApiError {
            detail: Some(detail.to_string()),
            ..ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the request could not be handled; the server log has the details",
            )
        }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

/// The HTTP status of each kind of failure: the one mapping.
fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::BAD_REQUEST,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::OverLimit => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
        ErrorKind::Timeout | ErrorKind::Busy | ErrorKind::Unavailable => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<query::SparqlError> for ApiError {
    fn from(e: query::SparqlError) -> Self {
        query::Error::from(e).into()
    }
}

impl From<query::Error> for ApiError {
    fn from(e: query::Error) -> Self {
        match (e.kind(), &e) {
            (ErrorKind::Busy, _) => ApiError::busy(e.to_string()),
            // The error names the data directory: not for the client.
            (_, query::Error::Index(crate::index::Error::NoIndex(_))) => {
                ApiError::unavailable("no index yet: run `eoskb index`")
            }
            // A broken index or model: the detail is for the log only.
            (
                ErrorKind::Internal,
                query::Error::Index(_) | query::Error::Tantivy(_) | query::Error::Embed(_),
            ) => ApiError::internal(e),
            (kind, _) => ApiError {
                detail: (kind == ErrorKind::Internal).then(|| e.to_string()),
                position: match &e {
                    query::Error::Sparql(sparql) => sparql.position(),
                    _ => None,
                },
                ..ApiError::new(status_of(kind), e.code(), e.to_string())
            },
        }
    }
}

/// What a 5xx response failed on, for [`log_server_errors`]; never sent.
#[derive(Clone)]
struct FailureDetail(String);

/// Logs every 5xx answer with what failed (the client got no detail about
/// the host), in one place for all routes.
pub(super) async fn log_server_errors(request: Request, next: Next) -> Response {
    // Cloning the URI shares its bytes: nothing is copied for the many requests that succeed.
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let response = next.run(request).await;
    let status = response.status();
    if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
        match response.extensions().get::<FailureDetail>() {
            Some(FailureDetail(detail)) => {
                tracing::error!("{method} {}: {} {detail}", uri.path(), status.as_u16())
            }
            None => tracing::error!("{method} {}: {}", uri.path(), status.as_u16()),
        }
    }
    response
}

/// Bodies over the server-wide limit are refused before any handler runs, with
/// a plain-text 413: give it the API's JSON shape too.
pub(super) async fn json_payload_too_large(response: Response) -> Response {
    let is_json = super::media::is_json(&super::media::content_type(response.headers()));
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

/// Refuses a path or query string whose percent-encoding is malformed (`%zz`,
/// a `%` at the end) or decodes to bytes that are not UTF-8, before any
/// handler reads it: axum's path decoder passes a malformed escape on as text
/// (`/docs/%zz` would look up the article `%zz`), and the form decoder the
/// handlers use would pass such bytes on mangled. The OLS API checks its own,
/// answering in OLS's error shape, and so do the minted IRIs (`invalid_iri`).
pub(super) async fn strict_percent_encoding(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !path.starts_with(super::ols::PREFIX) {
        // Most paths hold no escape at all: nothing to decode.
        if path.contains('%')
            && !super::linked_data::is_minted(path)
            && let Err(reason) = super::ols::decode(path, false)
        {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_path",
                format!("the path is malformed: {reason}"),
            )
            .into_response();
        }
        if let Some(raw) = request.uri().query()
            && let Err(reason) = check_query(raw)
        {
            return ApiError::new(StatusCode::BAD_REQUEST, "invalid_query_string", reason)
                .into_response();
        }
    }
    next.run(request).await
}

/// Why a query string's keys and values do not decode, if they do not.
fn check_query(raw: &str) -> Result<(), String> {
    for (i, pair) in raw.split('&').enumerate() {
        super::ols::decode(pair, true)
            .map_err(|e| format!("the query string's parameter {} is malformed: {e}", i + 1))?;
    }
    Ok(())
}

/// Most bytes of a plain-text refusal read to put its words into JSON.
const MAX_REJECTION_BYTES: usize = 4096;

/// axum refuses some requests before a handler runs (a path parameter that
/// does not percent-decode to UTF-8, a method the route lacks) with a
/// plain-text or empty body: give every such 4xx the API's JSON shape, keeping
/// its status, words and headers (`Allow`). Pages answer errors as HTML, which
/// is left alone.
pub(super) async fn json_rejections(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let media_type = super::media::content_type(response.headers());
    if !status.is_client_error() || !(media_type.is_empty() || media_type == "text/plain") {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_REJECTION_BYTES)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string())
        .unwrap_or_default();
    let (code, fallback) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", "the request is malformed"),
        StatusCode::NOT_FOUND => ("not_found", "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this path does not answer that method (see the `Allow` header)",
        ),
        _ => ("bad_request", "the request was refused"),
    };
    let message = if text.is_empty() {
        fallback.to_string()
    } else {
        text
    };
    let mut json = ApiError::new(status, code, message).into_response();
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            json.headers_mut().insert(name.clone(), value.clone());
        }
    }
    json
}

impl ApiError {
    /// The response with `body` instead of the API's own JSON (for APIs that
    /// mimic another service's error shape); the status, `Retry-After` and the
    /// logged detail are kept.
    pub(super) fn respond_with(self, body: serde_json::Value) -> Response {
        let mut response = (self.status, Json(body)).into_response();
        if let Some(detail) = self.detail {
            response.extensions_mut().insert(FailureDetail(detail));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.position {
            Some((line, column)) => json!({
                "error": self.code,
                "message": self.message,
                "line": line,
                "column": column,
            }),
            None => json!({ "error": self.code, "message": self.message }),
        };
        self.respond_with(body)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;
    use crate::query::Error as E;
    use crate::query::SparqlError as S;

    #[test]
    fn each_kind_of_failure_has_one_status_and_engine_detail_stays_in_the_log() {
        let cases = [
            (E::EmptyQuery, 400, "empty_query"),
            (E::NotFound("x".into()), 404, "not_found"),
            (
                E::Sparql(S::QueryTooLarge { len: 9, max: 1 }),
                413,
                "query_too_large",
            ),
            (E::Sparql(S::TooManyResults(10)), 422, "too_many_results"),
            (E::Sparql(S::ReadOnly("updates".into())), 403, "read_only"),
            (
                E::Sparql(S::NotAcceptable("text/x".into())),
                406,
                "not_acceptable",
            ),
            (
                E::Sparql(S::Timeout(Duration::from_secs(1))),
                503,
                "timeout",
            ),
            (E::Sparql(S::Busy(4)), 503, "busy"),
            (
                E::SemanticUnavailable("no model".into()),
                503,
                "semantic_unavailable",
            ),
            (
                E::Index(crate::index::Error::NoIndex(PathBuf::from(
                    "/srv/secret/data",
                ))),
                503,
                "unavailable",
            ),
            (E::Sparql(S::Worker("died".into())), 500, "sparql_worker"),
        ];
        for (error, status, code) in cases {
            let answered = ApiError::from(error);
            assert_eq!((answered.status.as_u16(), answered.code), (status, code));
            assert!(
                !answered.message.contains("/srv/secret"),
                "{}",
                answered.message
            );
        }
        let broken = E::Tantivy(tantivy::TantivyError::InternalError(
            "cannot read /srv/secret/data/gen-000001".into(),
        ));
        let answered = ApiError::from(broken);
        assert_eq!((answered.status.as_u16(), answered.code), (500, "internal"));
        assert!(!answered.message.contains("/srv/secret"));
        let response = answered.into_response();
        let logged = response
            .extensions()
            .get::<FailureDetail>()
            .map(|d| d.0.clone());
        assert!(logged.is_some_and(|d| d.contains("/srv/secret")));
    }
}
