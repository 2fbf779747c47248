//! An Ontology Lookup Service (OLS) compatible API, version 1, under
//! [`PREFIX`]: clients written for EBI's or TIB's OLS work with their base URL
//! changed to `http://HOST/ols4/api` (or `http://HOST/ols4`, which clients
//! complete with `/api`). Search (`/search`, `/select`, `/suggest`), the
//! ontologies, their terms by IRI, short form or OBO id, a term's relatives
//! and its jstree; errors in OLS's shape. The query layer
//! (`query::ontology::ols`) does the work; this module reads requests and
//! renders OLS's JSON (`render.rs`).

mod params;
mod render;

use std::time::Instant;

use axum::Json;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{OriginalUri, RawPathParams, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::AppState;
use super::api::{Cost, with_kb};
use super::error::ApiError;
use super::routes::Routes;
use crate::query::ontology::ols::{self, Entities, Identifier, OlsSearch, Relation};
use crate::query::ontology::search::Names;
use crate::query::{self, KnowledgeBase};
pub(super) use params::decode;
use params::{Params, iri_segment};

/// Where the API is mounted.
pub const PREFIX: &str = "/ols4/api";

/// The routes, nested under [`PREFIX`].
pub(in crate::server) fn routes() -> Routes {
    const GET: &[&str] = &["GET"];
    let mut routes = Routes::under(PREFIX)
        .add(GET, "/search", search)
        .add(GET, "/select", select)
        .add(GET, "/suggest", suggest)
        .add(GET, "/ontologies", ontologies)
        .add(GET, "/ontologies/{onto}", ontology)
        // `{entities}`: `terms`, `properties` or `individuals`.
        .add(GET, "/ontologies/{onto}/{entities}", ontology_terms)
        .add(GET, "/ontologies/{onto}/{entities}/roots", roots)
        .add(GET, "/ontologies/{onto}/{entities}/preferredRoots", roots)
        .add(GET, "/ontologies/{onto}/{entities}/{iri}", term)
        .add(
            GET,
            "/ontologies/{onto}/{entities}/{iri}/{relation}",
            relatives,
        )
        .add(GET, "/terms", |s, u, h, q| {
            terms(Entities::Terms, s, u, h, q)
        })
        .add(GET, "/properties", |s, u, h, q| {
            terms(Entities::Properties, s, u, h, q)
        })
        .add(GET, "/individuals", |s, u, h, q| {
            terms(Entities::Individuals, s, u, h, q)
        });
    routes.router = routes.router.fallback(not_found);
    routes
}

/// What every handler reads from the request.
struct Request {
    /// `http://host/ols4/api`, for links.
    base: String,
    /// The request's path as sent (still encoded).
    path: String,
    params: Params,
    /// Why the query string could not be read, until a handler asks.
    bad: Option<query::Error>,
    started: Instant,
}

impl Request {
    fn new(uri: &OriginalUri, headers: &HeaderMap, raw: Option<String>) -> Request {
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
            })
            .unwrap_or("localhost");
        let scheme = match headers
            .get("x-forwarded-proto")
            .and_then(|h| h.to_str().ok())
        {
            Some("https") => "https",
            _ => "http",
        };
        let (params, bad) = match Params::parse(raw.as_deref()) {
            Ok(p) => (p, None),
            Err(e) => (Params::default(), Some(e)),
        };
        Request {
            base: format!("{scheme}://{host}{PREFIX}"),
            path: uri.path().to_string(),
            params,
            bad,
            started: Instant::now(),
        }
    }

    /// The query string's parameters, or why they could not be read.
    fn params(&mut self) -> Result<&Params, query::Error> {
        match self.bad.take() {
            Some(e) => Err(e),
            None => Ok(&self.params),
        }
    }

    /// The absolute URL of the request's path.
    fn url(&self) -> String {
        let host_and_scheme = self.base.strip_suffix(PREFIX).unwrap_or(&self.base);
        format!("{host_and_scheme}{}", self.path)
    }

    /// An error in OLS's shape.
    fn fail(&self, e: ApiError) -> Response {
        let reason = e.status.canonical_reason().unwrap_or("Error").to_string();
        let body = render::error(e.status.as_u16(), &reason, &e.message, &self.path);
        e.respond_with(body)
    }
}

/// Runs `work` on the live generation and renders its answer, or the error.
async fn answer<T, W, R>(state: &AppState, request: &Request, work: W, render: R) -> Response
where
    T: Send + 'static,
    W: FnOnce(&KnowledgeBase) -> Result<T, query::Error> + Send + 'static,
    R: FnOnce(T) -> Value,
{
    match with_kb(state, Cost::Unbounded, work).await {
        Ok(value) => Json(render(value)).into_response(),
        Err(e) => request.fail(e),
    }
}

/// A path whose parameters do not decode to UTF-8.
fn bad_path(e: RawPathParamsRejection) -> ApiError {
    query::Error::InvalidParameter {
        name: "path".into(),
        reason: e.body_text(),
    }
    .into()
}

/// The raw value of a path parameter (still encoded), `""` when absent.
fn raw_param<'a>(raw: &'a RawPathParams, name: &str) -> &'a str {
    raw.iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// The `{entities}` segment of the path, or `None` for a path OLS does not have.
fn entities(raw: &RawPathParams) -> Option<Entities> {
    [Entities::Terms, Entities::Properties, Entities::Individuals]
        .into_iter()
        .find(|e| e.segment() == raw_param(raw, "entities"))
}

/// The raw (still encoded) value of a path parameter, decoded.
fn path_param(raw: &RawPathParams, name: &str) -> Result<String, query::Error> {
    decode(raw_param(raw, name), false).map_err(|reason| query::Error::InvalidParameter {
        name: name.into(),
        reason,
    })
}

/// The term `iri=`, `short_form=`, `obo_id=` or `id=` names, if any.
fn identifier(p: &Params) -> Option<Identifier> {
    let nonempty = |name| p.get(name).map(str::trim).filter(|v| !v.is_empty());
    if let Some(iri) = nonempty("iri") {
        return Some(Identifier::Iri(iri.to_string()));
    }
    if let Some(short) = nonempty("short_form") {
        return Some(Identifier::ShortForm(short.to_string()));
    }
    if let Some(curie) = nonempty("obo_id") {
        return Some(Identifier::OboId(curie.to_string()));
    }
    nonempty("id").map(|id| {
        if id.contains("://") || id.starts_with("urn:") {
            Identifier::Iri(id.to_string())
        } else if id.contains(':') {
            Identifier::OboId(id.to_string())
        } else {
            Identifier::ShortForm(id.to_string())
        }
    })
}

/// Reads an OLS search; `direct_children` says what `childrenOf` means (direct
/// children for `/select`, any depth for `/search`, as in OLS 4).
fn search_request(
    p: &Params,
    direct_children: bool,
) -> Result<(OlsSearch, Vec<String>), query::Error> {
    let q = p.get("q").unwrap_or_default().to_string();
    if q.trim().is_empty() {
        return Err(query::Error::EmptyQuery);
    }
    if q.len() > 500 {
        return Err(query::Error::QueryTooLong {
            len: q.len(),
            max: 500,
        });
    }
    let (rows, start) = p.rows_start()?;
    let mut names = Names {
        labels: true,
        synonyms: true,
        iri: true,
    };
    let query_fields = p.list("queryFields");
    if !query_fields.is_empty() {
        names = Names {
            labels: false,
            synonyms: false,
            iri: false,
        };
        for field in &query_fields {
            match field.as_str() {
                "label" => names.labels = true,
                // Synonyms, local names and CURIEs share one index field.
                "synonym" | "short_form" | "obo_id" => names.synonyms = true,
                "iri" => names.iri = true,
                // Not indexed for search: asking for them alone finds nothing.
                _ => {}
            }
        }
    }
    let children = p.list("childrenOf");
    let mut descendants = p.list("allChildrenOf");
    let mut direct = Vec::new();
    if direct_children {
        direct = children;
    } else {
        descendants.extend(children);
    }
    let request = OlsSearch {
        q,
        ontologies: p.list("ontology"),
        types: p.list("type"),
        exact: p.flag("exact")?,
        obsoletes: p.flag("obsoletes")?,
        children_of: direct,
        descendants_of: descendants,
        inclusive: p.flag("inclusive")?,
        leaves_only: p.flag("isLeaf")?,
        names,
        start,
        rows,
    };
    let mut fields = p.list("fieldList");
    if fields.is_empty() {
        fields = render::DEFAULT_FIELDS
            .iter()
            .map(|f| f.to_string())
            .collect();
    }
    // `local` and `groupField` change nothing: every term has one defining
    // ontology and appears once.
    p.flag("local")?;
    Ok((request, fields))
}

/// `GET /search`: term search in Solr's shape, with facet counts.
async fn search(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    searching(state, Request::new(&uri, &headers, raw), false).await
}

/// `GET /select`: autocompletion, with the matched names highlighted.
async fn select(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    searching(state, Request::new(&uri, &headers, raw), true).await
}

async fn searching(state: AppState, request: Request, select: bool) -> Response {
    let mut request = request;
    let parsed = request.params().and_then(|p| search_request(p, select));
    let (search, fields) = match parsed {
        Ok(s) => s,
        Err(e) => return request.fail(e.into()),
    };
    let q = search.q.clone();
    let started = request.started;
    answer(
        &state,
        &request,
        move |kb| ols::search(kb, &search),
        |result| {
            let millis = started.elapsed().as_millis();
            if select {
                render::select(&result, &fields, &q, millis)
            } else {
                render::search(&result, &fields, &q, millis)
            }
        },
    )
    .await
}

/// `GET /suggest?q=&ontology=&rows=&start=`: labels for autocompletion.
async fn suggest(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut request = Request::new(&uri, &headers, raw);
    let parsed = request.params().and_then(|p| {
        let q = p.get("q").unwrap_or_default().to_string();
        if q.trim().is_empty() {
            return Err(query::Error::EmptyQuery);
        }
        if q.len() > 500 {
            return Err(query::Error::QueryTooLong {
                len: q.len(),
                max: 500,
            });
        }
        let (rows, start) = p.rows_start()?;
        Ok((q, p.list("ontology"), rows, start))
    });
    let (q, ontologies, rows, start) = match parsed {
        Ok(s) => s,
        Err(e) => return request.fail(e.into()),
    };
    let started = request.started;
    answer(
        &state,
        &request,
        move |kb| ols::suggest(kb, &q, &ontologies, start, rows),
        |(total, labels)| render::suggest(total, start, &labels, started.elapsed().as_millis()),
    )
    .await
}

/// `GET /ontologies?page=&size=`.
async fn ontologies(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut request = Request::new(&uri, &headers, raw);
    let (page, size) = match request.params().and_then(|p| p.page_size()) {
        Ok(ps) => ps,
        Err(e) => return request.fail(e.into()),
    };
    let (base, url) = (request.base.clone(), request.url());
    answer(
        &state,
        &request,
        move |kb| Ok(ols::ontologies_page(kb, page, size)),
        |list| {
            render::page(&url, "", "ontologies", &list, |o| {
                render::ontology(&base, o)
            })
        },
    )
    .await
}

/// `GET /ontologies/{onto}`.
async fn ontology(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    raw_path: Result<RawPathParams, RawPathParamsRejection>,
) -> Response {
    let request = Request::new(&uri, &headers, None);
    let raw_path = match raw_path {
        Ok(r) => r,
        Err(e) => return request.fail(bad_path(e)),
    };
    let onto = match path_param(&raw_path, "onto") {
        Ok(o) => o,
        Err(e) => return request.fail(e.into()),
    };
    let base = request.base.clone();
    answer(
        &state,
        &request,
        move |kb| ols::ontology(kb, &onto),
        |o| render::ontology(&base, &o),
    )
    .await
}

/// `GET /ontologies/{onto}/terms?iri=|short_form=|obo_id=|id=` (a page of one
/// term), or every term of the ontology a page at a time; the same for
/// `properties` and `individuals`.
async fn ontology_terms(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    raw_path: Result<RawPathParams, RawPathParamsRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut request = Request::new(&uri, &headers, raw);
    let raw_path = match raw_path {
        Ok(r) => r,
        Err(e) => return request.fail(bad_path(e)),
    };
    let Some(entities) = entities(&raw_path) else {
        return not_found_at(&request);
    };
    let parsed = request.params().and_then(|p| {
        Ok((
            path_param(&raw_path, "onto")?,
            identifier(p),
            p.page_size()?,
            p.others_encoded(),
        ))
    });
    let (onto, id, (page, size), others) = match parsed {
        Ok(v) => v,
        Err(e) => return request.fail(e.into()),
    };
    let (base, url) = (request.base.clone(), request.url());
    answer(
        &state,
        &request,
        move |kb| match id {
            Some(id) => {
                let term = ols::term(kb, &onto, entities, &id)?;
                Ok(ols::Page {
                    items: vec![term],
                    number: 0,
                    size,
                    total: 1,
                })
            }
            None => ols::terms_of(kb, &onto, entities, page, size),
        },
        |list| {
            render::page(&url, &others, entities.segment(), &list, |t| {
                render::term(&base, t)
            })
        },
    )
    .await
}

/// `GET /ontologies/{onto}/terms/roots` (and `properties`): the terms with no
/// broader term, a page at a time; `preferredRoots`: those the ontology's
/// configuration prefers, which no loaded ontology names, so an empty page.
async fn roots(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    raw_path: Result<RawPathParams, RawPathParamsRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut request = Request::new(&uri, &headers, raw);
    let raw_path = match raw_path {
        Ok(r) => r,
        Err(e) => return request.fail(bad_path(e)),
    };
    let Some(entities) = entities(&raw_path) else {
        return not_found_at(&request);
    };
    let preferred = request.path.ends_with("/preferredRoots");
    let parsed = request.params().and_then(|p| {
        // OLS's `includeObsoletes`: deprecated terms are never roots here.
        p.flag("includeObsoletes")?;
        Ok((path_param(&raw_path, "onto")?, p.page_size()?))
    });
    let (onto, (page, size)) = match parsed {
        Ok(v) => v,
        Err(e) => return request.fail(e.into()),
    };
    let (base, url) = (request.base.clone(), request.url());
    answer(
        &state,
        &request,
        move |kb| {
            if preferred {
                ols::ontology(kb, &onto)?;
                return Ok(ols::Page {
                    items: Vec::new(),
                    number: page,
                    size,
                    total: 0,
                });
            }
            ols::roots_of(kb, &onto, entities, page, size)
        },
        |list| {
            render::page(&url, "", entities.segment(), &list, |t| {
                render::term(&base, t)
            })
        },
    )
    .await
}

/// `GET /terms?iri=|short_form=|obo_id=|id=`: the term in every ontology that
/// defines it (and `/properties`, `/individuals`).
async fn terms(
    entities: Entities,
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut request = Request::new(&uri, &headers, raw);
    let parsed = request.params().and_then(|p| {
        let id = identifier(p).ok_or_else(|| query::Error::InvalidParameter {
            name: "iri".into(),
            reason: "give `iri`, `short_form`, `obo_id` or `id`".into(),
        })?;
        Ok((id, p.page_size()?.1, p.others_encoded()))
    });
    let (id, size, others) = match parsed {
        Ok(v) => v,
        Err(e) => return request.fail(e.into()),
    };
    let (base, url) = (request.base.clone(), request.url());
    answer(
        &state,
        &request,
        move |kb| {
            let items = ols::term_anywhere(kb, entities, &id)?;
            Ok(ols::Page {
                total: items.len(),
                items,
                number: 0,
                size,
            })
        },
        |list| {
            render::page(&url, &others, entities.segment(), &list, |t| {
                render::term(&base, t)
            })
        },
    )
    .await
}

/// `GET /ontologies/{onto}/terms/{iri}` (the IRI encoded twice, or once; and
/// `properties`, `individuals`).
async fn term(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    raw_path: Result<RawPathParams, RawPathParamsRejection>,
) -> Response {
    let request = Request::new(&uri, &headers, None);
    let raw_path = match raw_path {
        Ok(r) => r,
        Err(e) => return request.fail(bad_path(e)),
    };
    let Some(entities) = entities(&raw_path) else {
        return not_found_at(&request);
    };
    let parsed = path_param(&raw_path, "onto")
        .and_then(|onto| Ok((onto, iri_segment(raw_param(&raw_path, "iri"))?)));
    let (onto, iri) = match parsed {
        Ok(v) => v,
        Err(e) => return request.fail(e.into()),
    };
    let base = request.base.clone();
    answer(
        &state,
        &request,
        move |kb| ols::term(kb, &onto, entities, &Identifier::Iri(iri)),
        |t| render::term(&base, &t),
    )
    .await
}

/// `GET /ontologies/{onto}/terms/{iri}/{relation}`: `parents`, `children`,
/// `ancestors`, `descendants` and their `hierarchical` forms (the same here:
/// the hierarchy is `rdfs:subClassOf`, `rdfs:subPropertyOf` and SKOS broader /
/// narrower), a page at a time; or `jstree`.
async fn relatives(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    raw_path: Result<RawPathParams, RawPathParamsRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let mut request = Request::new(&uri, &headers, raw);
    let raw_path = match raw_path {
        Ok(r) => r,
        Err(e) => return request.fail(bad_path(e)),
    };
    let Some(entities) = entities(&raw_path) else {
        return not_found_at(&request);
    };
    let relation = match raw_param(&raw_path, "relation") {
        "parents" | "hierarchicalParents" => Some(Relation::Parents),
        "children" | "hierarchicalChildren" => Some(Relation::Children),
        "ancestors" | "hierarchicalAncestors" => Some(Relation::Ancestors),
        "descendants" | "hierarchicalDescendants" => Some(Relation::Descendants),
        "jstree" => None,
        _ => return not_found_at(&request),
    };
    let parsed = request.params().and_then(|p| {
        let onto = path_param(&raw_path, "onto")?;
        Ok((
            onto,
            iri_segment(raw_param(&raw_path, "iri"))?,
            p.page_size()?,
        ))
    });
    let (onto, iri, (page, size)) = match parsed {
        Ok(v) => v,
        Err(e) => return request.fail(e.into()),
    };
    let (base, url) = (request.base.clone(), request.url());
    match relation {
        Some(relation) => {
            answer(
                &state,
                &request,
                move |kb| ols::related(kb, &onto, entities, &iri, relation, page, size),
                |list| {
                    render::page(&url, "", entities.segment(), &list, |t| {
                        render::term(&base, t)
                    })
                },
            )
            .await
        }
        None => {
            answer(
                &state,
                &request,
                move |kb| ols::tree(kb, &onto, entities, &iri),
                |entries| render::jstree(&entries),
            )
            .await
        }
    }
}

fn not_found_at(request: &Request) -> Response {
    request.fail(ApiError::not_found(format!(
        "Endpoint not found: {}; this OLS-compatible API offers /search, /select, /suggest, /ontologies, /ontologies/{{id}}, /ontologies/{{id}}/terms (also /properties and /individuals) with /roots, /preferredRoots and /{{iri}}, each with /parents, /children, /ancestors, /descendants, /hierarchicalParents, /hierarchicalChildren, /hierarchicalAncestors, /hierarchicalDescendants, /jstree; and /terms, /properties, /individuals",
        request.path
    )))
}

async fn not_found(uri: OriginalUri, headers: HeaderMap) -> Response {
    not_found_at(&Request::new(&uri, &headers, None))
}
