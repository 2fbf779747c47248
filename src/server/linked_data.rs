//! Dereferenceable IRIs: every IRI the knowledge base mints under its base IRI
//! (`{base}article/{id}`, `person/`, `organization/`, `grant/`, `graph/content`,
//! `graph/file/...`) has a route with the same path, so with `base_iri` set to
//! the server's own address the IRIs answer. A browser (HTML first in
//! `Accept`, or anything-goes) gets the page: articles and ontology graphs by a
//! 303 to `/docs/{id}` and `/ontologies/{id}`, the others a page listing what
//! is known. RDF clients get the resource's description (`query::describe`)
//! in Turtle, N-Triples, RDF/XML or JSON-LD, chosen by `format=` or `Accept`
//! with the SPARQL endpoint's negotiation. Every answer varies by `Accept`;
//! an `Accept` nothing satisfies is 406.

use axum::extract::{RawQuery, State};
use axum::http::header::{CONTENT_TYPE, LOCATION, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::api::{Cost, with_kb};
use super::error::ApiError;
use super::media;
use crate::query::describe::{self, Description};
use crate::query::sparql::{self, Format, ResultKind};
use crate::query::{self, KnowledgeBase, SparqlError, void};
use crate::vocab;

/// Longest resource path accepted (an id is a slug or a DOI).
const MAX_PATH_BYTES: usize = 2048;

/// Largest serialised description (the description itself is bounded in
/// triples; this bounds long literals).
const MAX_DESCRIPTION_BYTES: usize = 16 << 20;

/// Prefixes written in Turtle and RDF/XML descriptions besides the usual ones.
pub const PREFIXES: &[(&str, &str)] = &[
    ("schema", vocab::SCHEMA),
    ("dcterms", vocab::DCTERMS),
    ("dcat", vocab::DCAT),
    ("xsd", vocab::XSD),
    ("eoskb", vocab::EOSKB),
    ("void", vocab::VOID),
    ("sd", vocab::SD),
];

/// What a request for a resource gets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Representation {
    Html,
    Rdf(Format),
}

/// Chooses the representation: `format` (`html`, `ttl`, `nt`, `rdf`, `jsonld`
/// or a media type) first, else the first `Accept` range that HTML or an RDF
/// syntax satisfies (`*/*`, `text/*` and no `Accept` at all: HTML).
pub fn representation(
    headers: &HeaderMap,
    raw_query: Option<&str>,
) -> Result<Representation, ApiError> {
    let format = raw_query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "format")
            .map(|(_, v)| v.into_owned())
    });
    if let Some(format) = format {
        if matches!(format.trim(), "html" | "text/html") {
            return Ok(Representation::Html);
        }
        return sparql::negotiate(ResultKind::Graph, Some(&format), &[])
            .map(Representation::Rdf)
            .map_err(ApiError::from);
    }
    let accept = media::accepted(headers);
    if accept.is_empty() {
        return Ok(Representation::Html);
    }
    for range in &accept {
        match range.as_str() {
            "text/html" | "application/xhtml+xml" | "*/*" | "text/*" => {
                return Ok(Representation::Html);
            }
            "application/*" => {
                return sparql::negotiate(ResultKind::Graph, None, &[])
                    .map(Representation::Rdf)
                    .map_err(ApiError::from);
            }
            other => {
                if let Some(format) = sparql::lookup(ResultKind::Graph, other) {
                    return Ok(Representation::Rdf(format));
                }
            }
        }
    }
    Err(SparqlError::NotAcceptable(format!(
        "none of `{}` is offered: this resource is served as text/html, text/turtle, application/n-triples, application/rdf+xml and application/ld+json",
        accept.join(", ")
    ))
    .into())
}

/// Adds `Vary: Accept`: every resource route negotiates.
pub fn vary(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(VARY, HeaderValue::from_static("Accept"));
    response
}

/// A 303 to where a person reads the resource.
pub fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(LOCATION, value);
            response
        }
        Err(_) => ApiError::internal(format!("unusable redirect to {location:?}")).into_response(),
    }
}

/// A description serialised in `format`.
pub fn rdf_response(triples: &[oxigraph::model::Triple], format: Format) -> Response {
    match sparql::serialise_triples(triples, format, PREFIXES, MAX_DESCRIPTION_BYTES) {
        Ok(answer) => {
            let mut response = (StatusCode::OK, answer.body).into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
            response
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Percent-decodes a path: a `%` not followed by two hex digits, or bytes
/// that are not UTF-8, are the client's mistake (400), as are control
/// characters.
pub fn decode_path(path: &str) -> Result<String, ApiError> {
    let bad = |reason: &str| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_iri",
            format!("the resource path {reason}"),
        )
    };
    if path.len() > MAX_PATH_BYTES {
        return Err(bad(&format!(
            "is {} bytes long; at most {MAX_PATH_BYTES} are accepted",
            path.len()
        )));
    }
    // The server's one strict decoder: two hex digits exactly (`%+1` is no escape).
    let text = super::ols::decode(path, false)
        .map_err(|reason| bad(&format!("is malformed: {reason}")))?;
    if text.chars().any(char::is_control) {
        return Err(bad("holds control characters"));
    }
    Ok(text)
}

/// Percent-encodes everything but unreserved ASCII and `/`, for a `Location`.
pub fn encode_path(text: &str) -> String {
    crate::server::ui::percent_encode_keeping(text, b"/")
}

/// The first path segments of the IRIs minted under the base IRI.
const MINTED: &[&str] = &["article", "person", "organization", "grant", "graph"];

/// Whether `path` names an IRI minted under the base IRI: its handler reads
/// the path itself and answers a malformed one with 400 `invalid_iri`.
pub fn is_minted(path: &str) -> bool {
    let path = path.trim_start_matches('/');
    let head = path.split_once('/').map_or(path, |(head, _)| head);
    MINTED.contains(&head)
}

/// The kinds of IRIs minted under the base IRI, by the first path segment.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Minted {
    Article,
    Node,
    Graph,
}

/// The IRI a request path stands for, and its kind; the path's rest decoded
/// and encoded again as the indexer mints it, so `%2D` and `-` are one IRI.
fn minted_iri(base: &str, path: &str) -> Result<(Minted, String, String), ApiError> {
    let path = path.trim_start_matches('/');
    let (head, rest) = path.split_once('/').unwrap_or((path, ""));
    let rest = decode_path(rest)?;
    if rest.is_empty() {
        return Err(ApiError::not_found("name the resource after the slash"));
    }
    let (kind, iri) = match head {
        "article" => (Minted::Article, crate::config::article_iri(base, &rest)),
        "person" | "organization" | "grant" => (Minted::Node, format!("{base}{head}/{rest}")),
        "graph" if rest == "content" => (Minted::Graph, format!("{base}graph/content")),
        "graph" => match rest.strip_prefix("file/") {
            Some(file) if !file.is_empty() => (
                Minted::Graph,
                format!("{base}graph/file/{}", crate::config::iri_path(file)),
            ),
            _ => return Err(ApiError::not_found("no such graph")),
        },
        _ => return Err(ApiError::not_found("no such resource")),
    };
    describe::parse_iri(&iri).map_err(ApiError::from)?;
    Ok((kind, iri, rest))
}

/// What answering a minted IRI needs from the query layer.
enum Answer {
    Description(Description),
    Redirect(String),
}

/// A graph's description: its VoID statistics and linksets, and what the
/// store says about the graph's IRI (an ontology's header).
pub fn graph_description(kb: &KnowledgeBase, iri: &str) -> Result<Description, query::Error> {
    let mut triples = void::graph_description(kb.void_stats()?, iri);
    match describe::describe(kb, iri) {
        Ok(about) => triples.extend(about.triples),
        Err(query::Error::ResourceNotFound(_)) => {}
        Err(e) => return Err(e),
    }
    if triples.is_empty() {
        return Err(query::Error::ResourceNotFound(iri.to_string()));
    }
    Ok(Description::of(iri, triples))
}

/// `GET /article/{id}`, `/person/{slug}`, `/organization/{slug}`,
/// `/grant/{slug}`, `/graph/content`, `/graph/file/{path}`.
pub async fn resource(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
) -> Response {
    vary(answer(state, uri, headers, raw_query).await)
}

async fn answer(
    state: AppState,
    uri: Uri,
    headers: HeaderMap,
    raw_query: Option<String>,
) -> Response {
    let wanted = match representation(&headers, raw_query.as_deref()) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let kb = match super::api::live_kb(&state) {
        Ok(kb) => kb,
        Err(e) => return e.into_response(),
    };
    let browser = wanted == Representation::Html;
    let base = kb.manifest().graph_config.base_iri.clone();
    let (kind, iri, rest) = match minted_iri(&base, uri.path()) {
        Ok(found) => found,
        Err(e) if browser && e.status == StatusCode::NOT_FOUND => {
            return super::ui::resource_not_found(uri.path());
        }
        Err(e) => return e.into_response(),
    };
    let result = with_kb(&state, Cost::Unbounded, move |kb| match kind {
        Minted::Article if browser => {
            if !kb.has_article(&rest) {
                return Err(query::Error::ResourceNotFound(iri));
            }
            Ok(Answer::Redirect(format!("/docs/{}", encode_path(&rest))))
        }
        Minted::Graph if browser => match query::ontology::browse::find_ontology(kb, &iri) {
            Some(o) if o.info.graph == iri => Ok(Answer::Redirect(format!(
                "/ontologies/{}",
                encode_path(&o.id)
            ))),
            _ => graph_description(kb, &iri).map(Answer::Description),
        },
        Minted::Graph => graph_description(kb, &iri).map(Answer::Description),
        Minted::Article | Minted::Node => describe::describe(kb, &iri).map(Answer::Description),
    })
    .await;
    match (result, wanted) {
        (Ok(Answer::Redirect(to)), _) => see_other(&to),
        (Ok(Answer::Description(d)), Representation::Rdf(format)) => {
            rdf_response(&d.triples, format)
        }
        (Ok(Answer::Description(d)), Representation::Html) => super::ui::resource_page(&kb, &d),
        (Err(e), Representation::Html) if e.status == StatusCode::NOT_FOUND => {
            super::ui::resource_not_found(uri.path())
        }
        (Err(e), _) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(accept: &str, query: Option<&str>) -> Result<Representation, u16> {
        let mut headers = HeaderMap::new();
        if !accept.is_empty() {
            headers.insert(
                axum::http::header::ACCEPT,
                HeaderValue::from_str(accept).unwrap(),
            );
        }
        representation(&headers, query).map_err(|e| e.status.as_u16())
    }

    #[test]
    fn browsers_get_html_and_rdf_clients_their_syntax() {
        use Representation::*;
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(choose(browser, None), Ok(Html));
        assert_eq!(choose("", None), Ok(Html));
        assert_eq!(choose("*/*", None), Ok(Html));
        let turtle = Format::Graph(oxigraph::io::RdfFormat::Turtle);
        assert_eq!(choose("text/turtle", None), Ok(Rdf(turtle)));
        assert_eq!(
            choose("application/ld+json;q=0.5, application/n-triples", None)
                .map(|r| matches!(r, Rdf(f) if f.content_type() == "application/n-triples")),
            Ok(true)
        );
        assert_eq!(choose(browser, Some("format=ttl")), Ok(Rdf(turtle)));
        assert_eq!(choose("text/turtle", Some("format=html")), Ok(Html));
        assert_eq!(choose("image/png", None), Err(406));
        assert_eq!(choose("", Some("format=png")), Err(400));
    }

    #[test]
    fn paths_decode_strictly() {
        assert_eq!(decode_path("a%20b/%C3%A9").unwrap(), "a b/é");
        assert_eq!(decode_path("%zz").unwrap_err().status, 400);
        assert_eq!(decode_path("%C3").unwrap_err().status, 400);
        assert_eq!(decode_path("a%0Ab").unwrap_err().status, 400);
        assert_eq!(decode_path("%").unwrap_err().status, 400);
        assert_eq!(encode_path("doi/10.1/x y"), "doi/10.1/x%20y");
    }

    #[test]
    fn paths_name_the_iris_the_indexer_mints() {
        let base = "http://127.0.0.1:8080/";
        let (kind, iri, rest) = minted_iri(base, "/article/fair/x%2Dy").unwrap();
        assert_eq!(
            (kind, iri.as_str(), rest.as_str()),
            (
                Minted::Article,
                "http://127.0.0.1:8080/article/fair/x-y",
                "fair/x-y"
            )
        );
        assert_eq!(
            minted_iri(base, "/article/a%20b").unwrap().1,
            "http://127.0.0.1:8080/article/a%20b"
        );
        assert_eq!(
            minted_iri(base, "/person/jos%C3%A9").unwrap().1,
            "http://127.0.0.1:8080/person/josé"
        );
        assert_eq!(minted_iri(base, "/graph/content").unwrap().0, Minted::Graph);
        assert_eq!(
            minted_iri(base, "/graph/file/x%20y.ttl").unwrap().1,
            "http://127.0.0.1:8080/graph/file/x%20y.ttl"
        );
        assert_eq!(minted_iri(base, "/graph/other").unwrap_err().status, 404);
        assert_eq!(minted_iri(base, "/person/%FF").unwrap_err().status, 400);
    }
}
