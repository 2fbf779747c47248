//! HTTP media types, read in one place: the essence of a `Content-Type`
//! (`application/json` of `application/json; charset=utf-8`) and the ranges of
//! an `Accept` header in the client's order of preference.

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT, CONTENT_TYPE};

/// Most `Accept` ranges considered; a longer header is a client's mistake or a
/// probe, and the first ranges decide anyway.
const MAX_RANGES: usize = 32;

/// The request's `Content-Type` without parameters, lower-cased; empty when
/// there is none (or it is not text).
pub fn content_type(headers: &HeaderMap) -> String {
    essence(
        headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    )
}

/// A media type without its parameters, trimmed and lower-cased.
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `application/json` or `application/<something>+json`.
pub fn is_json(media_type: &str) -> bool {
    media_type == "application/json"
        || (media_type.starts_with("application/") && media_type.ends_with("+json"))
}

/// The request's `Accept` ranges, best first (see [`accepted_ranges`]).
pub fn accepted(headers: &HeaderMap) -> Vec<String> {
    accepted_ranges(
        headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    )
}

/// The media ranges of an `Accept` header, lower-cased and without their
/// parameters, ordered by q-value (ties keep the client's order), without those
/// the client refuses (`q=0`). Empty when the header is absent or empty: the
/// client takes anything.
pub fn accepted_ranges(accept: &str) -> Vec<String> {
    let mut ranges: Vec<(String, f32)> = accept
        .split(',')
        .take(MAX_RANGES)
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let media = essence(pieces.next()?);
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .filter(|q| q.is_finite())
                .unwrap_or(1.0);
            (!media.is_empty() && q > 0.0).then_some((media, q))
        })
        .collect();
    ranges.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranges.into_iter().map(|(media, _)| media).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_lose_their_parameters() {
        assert_eq!(
            essence(" Application/JSON ; charset=utf-8"),
            "application/json"
        );
        assert_eq!(essence(""), "");
        assert!(is_json("application/ld+json"));
        assert!(!is_json("text/json+plain"));
    }

    #[test]
    fn accept_ranges_follow_q_values_then_the_clients_order() {
        assert_eq!(
            accepted_ranges("application/json;q=0.5, text/csv, text/turtle;q=1"),
            ["text/csv", "text/turtle", "application/json"]
        );
        assert_eq!(accepted_ranges("image/png;q=0, */*;q=0.1"), ["*/*"]);
        assert_eq!(accepted_ranges("text/csv;q=NaN"), ["text/csv"]);
        assert!(accepted_ranges("").is_empty());
        assert!(accepted_ranges(" , ;q=1").is_empty());
        let long = vec!["text/csv"; 1000].join(",");
        assert_eq!(accepted_ranges(&long).len(), MAX_RANGES);
    }
}
