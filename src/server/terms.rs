//! Term and ontology routes: `/api/terms`, `/api/terms/lookup`,
//! `/api/terms/children`, `/api/terms/roots`, `/api/ontologies` and
//! `/api/ontologies/{id}`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::api::{Cost, with_kb};
use super::error::ApiError;
use crate::query::ontology::browse;
use crate::query::{self, TermSearch};

fn params(raw: Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// `GET /api/terms?q=&ontology=&type=&limit=&offset=`.
pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params = params(raw);
    let request =
        match TermSearch::from_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(r) => r,
            Err(e) => return ApiError::from(e).into_response(),
        };
    match with_kb(&state, Cost::Unbounded, move |kb| {
        query::search_terms(kb, &request)
    })
    .await
    {
        Ok(response) => Json(response).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/terms/lookup?iri=` or `?curie=`.
pub async fn lookup(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params = params(raw);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (iri, curie) = (get("iri"), get("curie"));
    match with_kb(&state, Cost::Unbounded, move |kb| {
        let iri = query::ontology::lookup::resolve(kb, iri.as_deref(), curie.as_deref())?;
        query::lookup_term(kb, &iri)
    })
    .await
    {
        Ok(details) => Json(details).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/ontologies`: each loaded ontology with its short `id`.
pub async fn ontologies(State(state): State<AppState>) -> Response {
    match with_kb(&state, Cost::Bounded, |kb| Ok(browse::ontologies(kb))).await {
        Ok(list) => Json(list).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/ontologies/{id}`: header, counts and the first page of roots.
pub async fn ontology(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match with_kb(&state, Cost::Unbounded, move |kb| {
        browse::ontology_details(kb, &id)
    })
    .await
    {
        Ok(details) => Json(details).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `offset` and `limit` of a page of a tree (`limit` at most [`browse::MAX_PAGE`]).
fn page_params(params: &[(String, String)]) -> Result<(usize, usize), query::Error> {
    let mut page = (0, browse::PAGE);
    for (k, v) in params {
        let n = || {
            v.trim()
                .parse::<usize>()
                .map_err(|_| query::Error::InvalidParameter {
                    name: k.clone(),
                    reason: format!("`{v}` is not a non-negative integer"),
                })
        };
        match k.as_str() {
            "offset" => page.0 = n()?,
            "limit" => page.1 = n()?.min(browse::MAX_PAGE),
            _ => {}
        }
    }
    Ok(page)
}

fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// `GET /api/terms/children?iri=|curie=&offset=&limit=`: the narrower terms of
/// a term, one page at a time, sorted by label, each saying whether it has
/// narrower terms of its own (for a tree that opens on demand).
pub async fn children(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params = params(raw);
    let (iri, curie) = (param(&params, "iri"), param(&params, "curie"));
    match with_kb(&state, Cost::Unbounded, move |kb| {
        let (offset, limit) = page_params(&params)?;
        let iri = query::ontology::lookup::resolve(kb, iri.as_deref(), curie.as_deref())?;
        browse::children(kb, &iri, offset, limit)
    })
    .await
    {
        Ok(page) => Json(page).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/terms/roots?ontology=&type=&offset=&limit=`: the root terms of one
/// kind (`class` unless `type` says `property` or `concept`) of an ontology.
pub async fn roots(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params = params(raw);
    match with_kb(&state, Cost::Unbounded, move |kb| {
        let (offset, limit) = page_params(&params)?;
        let ontology = param(&params, "ontology").unwrap_or_default();
        let kind = param(&params, "type")
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "class".into());
        if !matches!(kind.as_str(), "class" | "property" | "concept") {
            return Err(query::Error::InvalidParameter {
                name: "type".into(),
                reason: format!("`{kind}`: use class, property or concept"),
            });
        }
        browse::roots(kb, &ontology, &kind, offset, limit)
    })
    .await
    {
        Ok(page) => Json(page).into_response(),
        Err(e) => e.into_response(),
    }
}
