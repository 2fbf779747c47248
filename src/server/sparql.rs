//! The SPARQL 1.1 Protocol endpoint (`/sparql`): takes the request apart (GET,
//! POST form, POST `application/sparql-query`), awaits
//! [`crate::query::sparql::execute_async`] (a worker process, no thread hand-off),
//! and sends the serialised result. Updates are refused with 403. A browser's
//! `GET` without a query gets the query page instead (`ui/sparql.rs`).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::api::{Cost, live_kb, with_kb};
use super::error::ApiError;
use super::linked_data;
use super::media;
use crate::query::sparql::{self, Format, MAX_QUERY_BYTES, ResultKind, SparqlRequest};
use crate::query::{self, SparqlError};

/// Most `default-graph-uri` plus `named-graph-uri` values one request may name.
const MAX_GRAPH_URIS: usize = 64;

fn params(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text).into_owned().collect()
}

/// Builds the protocol request from URL and body parameters.
fn request(
    method: &Method,
    headers: &HeaderMap,
    url_query: Option<String>,
    body: &Bytes,
) -> Result<SparqlRequest, SparqlError> {
    let mut all = params(url_query.unwrap_or_default().as_bytes());
    let content_type = media::content_type(headers);
    let mut query = None;
    if method == Method::POST {
        if body.len() > MAX_QUERY_BYTES {
            return Err(SparqlError::QueryTooLarge {
                len: body.len(),
                max: MAX_QUERY_BYTES,
            });
        }
        match content_type.as_str() {
            "application/sparql-query" => {
                query = Some(String::from_utf8(body.to_vec()).map_err(|_| {
                    SparqlError::InvalidParameter {
                        name: "query".into(),
                        reason: "the body is not UTF-8".into(),
                    }
                })?);
            }
            "application/sparql-update" => {
                return Err(sparql::reject_update());
            }
            "application/x-www-form-urlencoded" | "" => all.extend(params(body)),
            other => {
                return Err(SparqlError::InvalidParameter {
                    name: "Content-Type".into(),
                    reason: format!(
                        "`{other}`: send application/sparql-query or application/x-www-form-urlencoded"
                    ),
                });
            }
        }
    }
    let mut request = SparqlRequest {
        accept: media::accepted(headers),
        ..SparqlRequest::default()
    };
    for (k, v) in all {
        match k.as_str() {
            "query" if query.is_none() => query = Some(v),
            "query" => {
                return Err(SparqlError::InvalidParameter {
                    name: "query".into(),
                    reason: "give exactly one query".into(),
                });
            }
            "update" => return Err(sparql::reject_update()),
            "default-graph-uri" => request.default_graphs.push(v),
            "named-graph-uri" => request.named_graphs.push(v),
            "format" | "output" => request.format = Some(v),
            _ => {}
        }
    }
    let graphs = request.default_graphs.len() + request.named_graphs.len();
    if graphs > MAX_GRAPH_URIS {
        return Err(SparqlError::InvalidParameter {
            name: "default-graph-uri".into(),
            reason: format!("{graphs} graph IRIs; at most {MAX_GRAPH_URIS} may be named"),
        });
    }
    request.query = query.ok_or_else(|| SparqlError::InvalidParameter {
        name: "query".into(),
        reason: "missing: pass the SPARQL query as `query` (GET or form POST) or as an application/sparql-query body".into(),
    })?;
    if request.query.len() > MAX_QUERY_BYTES {
        return Err(SparqlError::QueryTooLarge {
            len: request.query.len(),
            max: MAX_QUERY_BYTES,
        });
    }
    Ok(request)
}

/// `GET|POST /sparql`.
pub async fn endpoint(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    RawQuery(url_query): RawQuery,
    body: Bytes,
) -> Response {
    if super::ui::wants_sparql_page(&method, &headers, url_query.as_deref()) {
        return super::ui::sparql_page(&state, url_query.as_deref());
    }
    if method == Method::GET
        && let Some(format) = service_description_format(&headers, url_query.as_deref())
    {
        return service_description(&state, format).await;
    }
    let request = match request(&method, &headers, url_query, &body) {
        Ok(r) => r,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let kb = match live_kb(&state) {
        Ok(kb) => kb,
        Err(e) => return e.into_response(),
    };
    // Awaited here, not on a blocking thread: the worker pool is asynchronous.
    match query::sparql::execute_async(kb, state.sparql.clone(), request)
        .await
        .map_err(ApiError::from)
    {
        Ok(answer) => {
            let mut response = (StatusCode::OK, answer.body).into_response();
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
            headers.insert(VARY, HeaderValue::from_static("Accept"));
            response
        }
        Err(e) => e.into_response(),
    }
}

/// The RDF syntax a `GET` without a query asks the service description in:
/// a `format` naming one, or the first `Accept` range that is an RDF syntax
/// and not also a results format (`application/json` stays a protocol request
/// missing its query).
fn service_description_format(headers: &HeaderMap, url_query: Option<&str>) -> Option<Format> {
    let params = params(url_query.unwrap_or_default().as_bytes());
    if params.iter().any(|(k, _)| k == "query" || k == "update") {
        return None;
    }
    let named = params
        .iter()
        .find(|(k, _)| k == "format" || k == "output")
        .map(|(_, v)| v.clone());
    let candidates = match named {
        Some(name) => vec![name],
        None => media::accepted(headers),
    };
    for candidate in candidates {
        let graph = sparql::lookup(ResultKind::Graph, &candidate);
        if sparql::lookup(ResultKind::Solutions, &candidate).is_some() {
            return None;
        }
        if graph.is_some() {
            return graph;
        }
    }
    None
}

/// The SPARQL 1.1 service description, with every graph's VoID statistics
/// (counted once per generation).
async fn service_description(state: &AppState, format: Format) -> Response {
    let union = state.sparql.union_default_graph;
    let result = with_kb(state, Cost::Unbounded, move |kb| {
        let endpoint = format!("{}sparql", kb.manifest().graph_config.base_iri);
        let stats = kb.void_stats()?;
        query::void::service_description(stats, &endpoint, union)
    })
    .await;
    linked_data::vary(match result {
        Ok(triples) => linked_data::rdf_response(&triples, format),
        Err(e) => e.into_response(),
    })
}
