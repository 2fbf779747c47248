//! Curators' endpoints under `/api/admin/`. They exist only when the server was
//! started with `EOSKB_ADMIN_TOKEN` set (otherwise they are 404 like any unknown
//! route), and answer only requests bearing that token (else 401).

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use super::error::ApiError;
use crate::querylog::gaps::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::querylog::{DEFAULT_SINCE, GapsOptions, gaps_report, parse_since};

/// The environment variable holding the admin token.
pub const TOKEN_VARIABLE: &str = "EOSKB_ADMIN_TOKEN";

/// The admin token, kept only as a digest: comparing digests takes the same
/// time whatever the candidate, so response times do not leak the token.
#[derive(Clone)]
pub struct AdminToken([u8; 32]);

impl AdminToken {
    /// `None` for an empty (or blank) token: no admin endpoints then.
    pub fn new(token: &str) -> Option<AdminToken> {
        let token = token.trim();
        (!token.is_empty()).then(|| AdminToken(digest(token)))
    }

    fn matches(&self, candidate: &str) -> bool {
        let candidate = digest(candidate.trim());
        self.0
            .iter()
            .zip(candidate.iter())
            .fold(0u8, |differ, (a, b)| differ | (a ^ b))
            == 0
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(..)")
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// The refusal (401) of a request without `Authorization: Bearer <the admin
/// token>`; `None` lets it through.
pub(super) fn refusal(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let Some(token) = &state.admin_token else {
        return Some(ApiError::not_found("no such endpoint").into_response());
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, credentials) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(credentials)
        });
    let (challenge, message) = match presented {
        Some(candidate) if token.matches(candidate) => return None,
        Some(_) => (
            r#"Bearer realm="eoskb admin", error="invalid_token""#,
            "the admin token is wrong",
        ),
        None => (
            r#"Bearer realm="eoskb admin""#,
            "send the admin token as `Authorization: Bearer <EOSKB_ADMIN_TOKEN>`",
        ),
    };
    let mut response =
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(challenge),
    );
    Some(response)
}

/// `GET /api/admin/gaps?since=30d&limit=20`: the gaps report as JSON.
pub async fn gaps(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Some(refused) = refusal(&state, &headers) {
        return refused;
    }
    let raw = raw.unwrap_or_default();
    let mut since = DEFAULT_SINCE.to_string();
    let mut limit = DEFAULT_LIMIT;
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        match name.as_ref() {
            "since" => since = value.into_owned(),
            "limit" => match value.trim().parse::<usize>() {
                Ok(n) if n > 0 => limit = n.min(MAX_LIMIT),
                _ => {
                    return invalid(
                        "limit",
                        "must be a whole number from 1 (at most 1000 are listed)",
                    );
                }
            },
            _ => {}
        }
    }
    let since = match parse_since(&since, chrono::Utc::now()) {
        Ok(t) => t,
        Err(e) => return invalid("since", &e.to_string()),
    };
    let Ok(running) = state.gaps_running.clone().try_lock_owned() else {
        return ApiError::busy("a gaps report is being built; try again when it is done")
            .into_response();
    };
    let options = GapsOptions::new(since, limit, &state.log_config);
    let dir = state.data.logs();
    let encoder = state.encoder.clone();
    // Reading files and embedding questions: off the async threads.
    let build = move || {
        let _running = running;
        gaps_report(&dir, &options, encoder.as_deref())
    };
    match tokio::task::spawn_blocking(build).await {
        Ok(report) => Json(report).into_response(),
        Err(e) => ApiError::internal(format!("gaps report failed: {e}")).into_response(),
    }
}

pub(super) fn invalid(name: &str, reason: &str) -> Response {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_parameter",
        format!("invalid parameter `{name}`: {reason}"),
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_by_digest_and_blank_means_none() {
        let token = AdminToken::new(" s3cret ").unwrap();
        assert!(token.matches("s3cret"));
        assert!(!token.matches("s3cre"));
        assert!(!token.matches(""));
        assert!(AdminToken::new("  ").is_none());
        assert_eq!(format!("{token:?}"), "AdminToken(..)");
    }
}
