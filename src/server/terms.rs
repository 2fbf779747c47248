//! Term and ontology routes: `/api/terms`, `/api/terms/lookup`, `/api/ontologies`.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::api::{Cost, with_kb};
use super::error::ApiError;
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

/// `GET /api/ontologies`.
pub async fn ontologies(State(state): State<AppState>) -> Response {
    match with_kb(&state, Cost::Bounded, |kb| Ok(query::list_ontologies(kb))).await {
        Ok(list) => Json(list).into_response(),
        Err(e) => e.into_response(),
    }
}
