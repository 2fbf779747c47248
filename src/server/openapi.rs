//! The OpenAPI 3.1 description of every route, served as `GET /api/openapi.json`
//! and rendered for people as `GET /api/docs` (`ui/api_docs.rs`).
//!
//! Written here, in Rust, rather than as a committed YAML or JSON file or with
//! `utoipa`: the bounds it states (`limit` ≤ 100, `offset` ≤ 10,000, OLS
//! `rows` ≤ 1,000, the SPARQL query's size, ...) are the very constants the
//! handlers enforce, so they cannot drift apart; the handlers read raw query
//! strings on purpose (strict decoding, repeated keys, named errors), which
//! `utoipa`'s derive macros would have to be taught handler by handler; and a
//! file would need a parser and a second copy of each number. The test
//! `tests/it/openapi.rs` checks that the paths described here and the router's
//! table ([`super::route_table`]) are the same, in both directions, so a new
//! route is one entry in [`operations`] (plus its schema, if new).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::ols::PREFIX as OLS;
use crate::query::ontology::browse::{MAX_PAGE, PAGE};
use crate::query::ontology::ols::{MAX_ROWS, MAX_START};
use crate::query::ontology::search::MAX_LIMIT as MAX_TERM_LIMIT;
use crate::query::request::{
    DEFAULT_FACET_LIMIT, MAX_FACET_LIMIT, MAX_FILTER_VALUES, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS,
};
use crate::query::sparql::MAX_QUERY_BYTES;
use crate::querylog::gaps::{DEFAULT_LIMIT as GAPS_DEFAULT, MAX_LIMIT as GAPS_MAX};

/// The document, built once.
static DOCUMENT: LazyLock<Value> = LazyLock::new(build);
static DOCUMENT_JSON: LazyLock<String> =
    LazyLock::new(|| serde_json::to_string_pretty(&*DOCUMENT).unwrap_or_default());

/// The OpenAPI document.
pub fn document() -> &'static Value {
    &DOCUMENT
}

/// `GET /api/openapi.json`.
pub async fn json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        DOCUMENT_JSON.as_str(),
    )
        .into_response()
}

/// `GET /api/docs`: the same document as a page.
pub async fn page() -> Response {
    super::ui::api_docs()
}

/// The tags, in the order the page lists them, with what each groups.
const TAGS: &[(&str, &str)] = &[
    (
        "Search",
        "Keyword, semantic and hybrid search over the articles and outputs; answers quoted from them; one article; feedback.",
    ),
    (
        "Terms",
        "Ontology terms: search, one term in full, narrower terms and roots a page at a time, the loaded ontologies.",
    ),
    (
        "SPARQL",
        "The read-only SPARQL 1.1 Protocol endpoint and its service description.",
    ),
    (
        "Linked data",
        "The IRIs the knowledge base mints, dereferenceable at the same paths: a page for browsers (or a 303 to one), RDF for RDF clients by `Accept` or `format`.",
    ),
    (
        "OLS",
        "An Ontology Lookup Service (OLS 4, API v1) compatible API: clients written for EBI's OLS work with their base URL changed to `/ols4/api`. Errors use OLS's (Spring) shape, `OlsError`.",
    ),
    ("Pages", "The web pages (HTML) and their assets."),
    ("Service", "Health and this description."),
    (
        "Admin",
        "Curators' reports. These routes exist only when the server runs with `EOSKB_ADMIN_TOKEN` set (404 otherwise) and answer only `Authorization: Bearer <token>` (401 otherwise).",
    ),
];

/// One operation being described.
struct Op {
    method: &'static str,
    path: String,
    value: Map<String, Value>,
    responses: Map<String, Value>,
}

fn op(method: &'static str, path: impl Into<String>, tag: &str, summary: &str) -> Op {
    let path = path.into();
    let mut value = Map::new();
    value.insert("tags".into(), json!([tag]));
    value.insert("summary".into(), json!(summary));
    value.insert("operationId".into(), json!(operation_id(method, &path)));
    value.insert("parameters".into(), json!([]));
    Op {
        method,
        path,
        value,
        responses: Map::new(),
    }
}

/// `get_api_terms_lookup` from `GET /api/terms/lookup`.
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        id.push('_');
        id.extend(
            part.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase()),
        );
    }
    if id == method.to_ascii_lowercase() {
        id.push_str("_root");
    }
    id
}

impl Op {
    fn describe(mut self, text: &str) -> Op {
        self.value.insert("description".into(), json!(text));
        self
    }

    fn param(mut self, p: Value) -> Op {
        if let Some(Value::Array(list)) = self.value.get_mut("parameters") {
            list.push(p);
        }
        self
    }

    fn params(self, ps: impl IntoIterator<Item = Value>) -> Op {
        ps.into_iter().fold(self, Op::param)
    }

    fn body(mut self, body: Value) -> Op {
        self.value.insert("requestBody".into(), body);
        self
    }

    /// A response given in full.
    fn answer(mut self, status: u16, response: Value) -> Op {
        self.responses.insert(status.to_string(), response);
        self
    }

    /// A 200 with one media type and schema.
    fn ok(self, description: &str, media: &str, schema: Value) -> Op {
        self.answer(200, content(description, &[media], schema))
    }

    /// Shared responses by status (`#/components/responses/{name}`).
    fn errors(mut self, names: &[&str]) -> Op {
        for name in names {
            let status = status_of(name);
            self.responses.insert(
                status.to_string(),
                json!({ "$ref": format!("#/components/responses/{name}") }),
            );
        }
        self
    }

    /// Needs the admin token.
    fn admin(mut self) -> Op {
        self.value
            .insert("security".into(), json!([{ "adminToken": [] }]));
        self
    }
}

/// A response whose body is `schema` in each of `media`.
fn content(description: &str, media: &[&str], schema: Value) -> Value {
    let content: Map<String, Value> = media
        .iter()
        .map(|m| (m.to_string(), json!({ "schema": schema })))
        .collect();
    json!({ "description": description, "content": content })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn text() -> Value {
    json!({ "type": "string" })
}

fn query(name: &str, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": "query", "schema": schema, "description": description })
}

fn required_query(name: &str, schema: Value, description: &str) -> Value {
    json!({ "name": name, "in": "query", "required": true, "schema": schema, "description": description })
}

fn path(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string", "minLength": 1 }, "description": description })
}

fn path_enum(name: &str, values: &[&str], description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string", "enum": values }, "description": description })
}

/// A whole number from `min` to `max` (a bound the server enforces or caps at).
fn count(min: usize, max: usize, default: usize) -> Value {
    json!({ "type": "integer", "minimum": min, "maximum": max, "default": default })
}

fn boolean_flag() -> Value {
    json!({ "type": "string", "enum": ["true", "false"] })
}

/// The shared error responses: name, status, description. Every one of them
/// is an `ApiError` body, except where an operation says otherwise (pages
/// answer HTML, the OLS API its own shape).
const ERROR_RESPONSES: &[(&str, u16, &str)] = &[
    (
        "BadRequest",
        400,
        "A parameter, the path or the body is malformed; `message` names it. A path or query string whose percent-encoding is broken or not UTF-8 is a 400 too (`invalid_query_string`, `invalid_path`, or `invalid_iri` under /ols4).",
    ),
    (
        "Unauthorized",
        401,
        "No admin token, or a wrong one (`WWW-Authenticate: Bearer`).",
    ),
    (
        "Forbidden",
        403,
        "A SPARQL update: the endpoint is read-only.",
    ),
    ("NotFound", 404, "Nothing by that name."),
    (
        "NotAcceptable",
        406,
        "No representation in the `Accept` header (or `format`) is offered.",
    ),
    ("PayloadTooLarge", 413, "The body or query is too large."),
    (
        "UnsupportedMediaType",
        415,
        "The body is not of a media type this operation reads.",
    ),
    (
        "OverLimit",
        422,
        "The answer would be over a limit (rows, bytes): narrow the query or add LIMIT.",
    ),
    (
        "Internal",
        500,
        "The engine failed; the server log has the details.",
    ),
    (
        "Unavailable",
        503,
        "`busy` (too many requests waiting; `Retry-After` says when to try again), `timeout` (over the time limit), `unavailable` (no index yet) or `semantic_unavailable` (no embedding model).",
    ),
];

fn error_responses() -> Map<String, Value> {
    let mut out = Map::new();
    for (name, status, description) in ERROR_RESPONSES {
        let mut response = content(description, &["application/json"], schema_ref("ApiError"));
        if *status == 503 {
            response["headers"] =
                json!({ "Retry-After": { "$ref": "#/components/headers/RetryAfter" } });
        }
        if *status == 401 {
            response["headers"] = json!({
                "WWW-Authenticate": { "description": "`Bearer realm=\"eoskb admin\"`", "schema": { "type": "string" } }
            });
        }
        out.insert(name.to_string(), response);
    }
    // Pages: HTML errors, except the time limit's and malformed paths' JSON.
    out.insert(
        "PageNotFound".into(),
        content(
            "No such page (an HTML page saying so).",
            &["text/html"],
            text(),
        ),
    );
    out.insert(
        "PageUnavailable".into(),
        json!({
            "description": "No index yet (a page), or the server is busy or over its time limit (JSON).",
            "headers": { "Retry-After": { "$ref": "#/components/headers/RetryAfter" } },
            "content": {
                "text/html": { "schema": text() },
                "application/json": { "schema": schema_ref("ApiError") }
            }
        }),
    );
    // The OLS API: OLS's error shape, but the server-wide time limit and
    // body limit answer in the API's own.
    let ols_or_api = json!({ "anyOf": [schema_ref("OlsError"), schema_ref("ApiError")] });
    for (name, description) in [
        ("OlsBadRequest", "A parameter or the path is malformed."),
        ("OlsNotFound", "No such ontology, term or endpoint."),
        ("OlsInternal", "The engine failed."),
    ] {
        out.insert(
            name.into(),
            content(description, &["application/json"], ols_or_api.clone()),
        );
    }
    let mut unavailable = content(
        "Busy (with `Retry-After`), over the time limit, or no index yet.",
        &["application/json"],
        ols_or_api,
    );
    unavailable["headers"] =
        json!({ "Retry-After": { "$ref": "#/components/headers/RetryAfter" } });
    out.insert("OlsUnavailable".into(), unavailable);
    out
}

/// The status of a shared response, by its name.
fn status_of(name: &str) -> u16 {
    match name {
        "PageNotFound" | "OlsNotFound" => 404,
        "PageUnavailable" | "OlsUnavailable" => 503,
        "OlsBadRequest" => 400,
        "OlsInternal" => 500,
        _ => ERROR_RESPONSES
            .iter()
            .find(|(n, _, _)| *n == name)
            .map_or(500, |(_, status, _)| *status),
    }
}

/// OLS's shared responses (named like the others, in OLS's shape).
fn ols_errors(op: Op, names: &[&str]) -> Op {
    op.errors(names)
}

/// Pages: 200 HTML.
fn html_page(op: Op, description: &str) -> Op {
    op.ok(description, "text/html", text())
}

const RDF_TYPES: &[&str] = &[
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
];

const SPARQL_TYPES: &[&str] = &[
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
];

fn search_ops() -> Vec<Op> {
    let filter = |name: &str, what: &str| {
        json!({
            "name": name, "in": "query", "style": "form", "explode": true,
            "schema": { "type": "array", "items": { "type": "string" }, "maxItems": MAX_FILTER_VALUES },
            "description": format!("Only items whose {what} is one of these (repeat the parameter; values of one filter are alternatives). At most {MAX_FILTER_VALUES} filter values in all."),
        })
    };
    let search = op("GET", "/api/search", "Search", "Search the articles and outputs")
        .describe("Keyword (BM25), semantic (nearest sections by embedding) or hybrid search, with facet counts. Ontology terms the query names are recognised and lift the articles annotated with them. Without the embedding model a search that names no mode is a keyword search.")
        .params([
            required_query("q", json!({ "type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS, "pattern": "\\S" }), "The query: words, \"phrases\", +required, -excluded, AND/OR/NOT, field prefixes (title:, summary:, headings:, body:). `query` is another name for it. Empty is a 400."),
            query("limit", count(0, MAX_LIMIT, 10), &format!("Hits per page (at most {MAX_LIMIT}).")),
            query("offset", count(0, MAX_OFFSET, 0), &format!("Hits to skip (at most {MAX_OFFSET}).")),
            query("mode", json!({ "type": "string", "enum": ["keyword", "semantic", "hybrid"], "default": "hybrid" }), "How to rank."),
            query("explain", boolean_flag(), "Give each hit its keyword and semantic rank and score."),
            query("recognise", boolean_flag(), "Recognise ontology terms in the query (default true)."),
            query("facet_limit", count(0, MAX_FACET_LIMIT, DEFAULT_FACET_LIMIT), &format!("Values listed per facet (at most {MAX_FACET_LIMIT}).")),
            filter("kind", "kind (guide, faq, resource, output, training, policy, ...)"),
            filter("audience", "audience"),
            filter("fair", "FAIR principle (F1, A1.1, ...)"),
            filter("tag", "tag"),
            filter("project", "project"),
            {
                let mut term = filter("term", "ontology term (IRI or CURIE; narrower terms included)");
                term["schema"]["items"]["pattern"] = json!("^[A-Za-z][A-Za-z0-9+.-]*:\\S+$");
                term
            },
            filter("community", "community"),
            filter("year", "year"),
            filter("license", "licence"),
        ])
        .ok("A page of hits with facet counts.", "application/json", schema_ref("SearchResponse"))
        .errors(&["BadRequest", "Internal", "Unavailable"]);
    let ask = op("GET", "/api/ask", "Search", "Answer a question with quoted passages")
        .describe("An extractive answer: passages quoted verbatim from the articles, each cited, or `answered: false` with the nearest pages and a reason. Needs the embedding model (503 `semantic_unavailable` without it).")
        .params([
            required_query("q", json!({ "type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS, "pattern": "\\S" }), &format!("The question (also `question`); at most {MAX_QUERY_CHARS} characters. Empty is a 400.")),
        ])
        .ok("The answer.", "application/json", schema_ref("Answer"))
        .errors(&["BadRequest", "Internal", "Unavailable"]);
    let feedback = op("POST", "/api/feedback", "Search", "Say whether a result or an answer helped")
        .describe("Recorded in the query log, never waited for. `id` names the article a search result was; leave it out for feedback on an answer.")
        .body(json!({
            "required": true,
            "content": { "application/json": { "schema": schema_ref("Feedback") } }
        }))
        .answer(202, content("Taken (`accepted`), or `not_recorded` with the reason (the log is off or busy).", &["application/json"], schema_ref("FeedbackReceipt")))
        .errors(&["BadRequest", "PayloadTooLarge", "UnsupportedMediaType", "Internal", "Unavailable"]);
    let doc = op("GET", "/api/docs/{id}", "Search", "One article")
        .describe("The article's fields, its page URL and its HTML. The id may contain `/`.")
        .param(path(
            "id",
            "The article's id (`doi-for-beamtime-data`, `doi/10.5281/zenodo.1234`).",
        ))
        .ok("The article.", "application/json", schema_ref("Article"))
        .errors(&["BadRequest", "NotFound", "Internal", "Unavailable"]);
    let stats = op("GET", "/api/stats", "Search", "What is indexed")
        .ok(
            "Counts of the live generation.",
            "application/json",
            schema_ref("Stats"),
        )
        .errors(&["Internal", "Unavailable"]);
    vec![search, ask, feedback, doc, stats]
}

fn term_ops() -> Vec<Op> {
    let iri_or_curie = [
        query("iri", text(), "The term's IRI."),
        query(
            "curie",
            text(),
            "The term's CURIE (`PaNET:PaNET01188`); `iri` or `curie` is required.",
        ),
    ];
    let page = [
        query(
            "offset",
            json!({ "type": "integer", "minimum": 0, "default": 0 }),
            "Entries to skip.",
        ),
        query(
            "limit",
            count(0, MAX_PAGE, PAGE),
            &format!("Entries per page (larger values are read as {MAX_PAGE})."),
        ),
    ];
    let kind = json!({ "type": "string", "enum": ["class", "property", "concept"] });
    vec![
        op("GET", "/api/terms", "Terms", "Search ontology terms")
            .describe("Exact label or synonym first, then names starting with the query, then phrase prefixes anywhere, then one typo per word; live terms before deprecated ones.")
            .params([
                required_query("q", json!({ "type": "string", "minLength": 1, "pattern": "\\S" }), "Words of a label, synonym, CURIE or IRI; empty is a 400."),
                query("ontology", text(), "Only terms of this ontology (its id or IRI)."),
                query("type", kind.clone(), "Only terms of this kind."),
                query("limit", count(0, MAX_TERM_LIMIT, 10), &format!("Hits per page (larger values are read as {MAX_TERM_LIMIT}).")),
                query("offset", count(0, MAX_OFFSET, 0), &format!("Hits to skip (at most {MAX_OFFSET}).")),
            ])
            .ok("A page of terms.", "application/json", schema_ref("TermSearchResponse"))
            .errors(&["BadRequest", "Internal", "Unavailable"]),
        op("GET", "/api/terms/lookup", "Terms", "One term in full")
            .describe("Labels, synonyms, definition, parents, children, ancestors, descendants (bounded walks) and the articles annotated with it or a narrower term.")
            .params(iri_or_curie.clone())
            .ok("The term.", "application/json", schema_ref("TermDetails"))
            .errors(&["BadRequest", "NotFound", "Internal", "Unavailable"]),
        op("GET", "/api/terms/children", "Terms", "Narrower terms, a page at a time")
            .params(iri_or_curie.into_iter().chain(page.clone()))
            .ok("A page of narrower terms, sorted by label.", "application/json", schema_ref("TreePage"))
            .errors(&["BadRequest", "NotFound", "Internal", "Unavailable"]),
        op("GET", "/api/terms/roots", "Terms", "An ontology's root terms, a page at a time")
            .params([
                required_query("ontology", json!({ "type": "string", "minLength": 1 }), "The ontology's id (`panet`, `edam`)."),
                query("type", kind, "The kind of root (default `class`)."),
            ].into_iter().chain(page))
            .ok("A page of roots.", "application/json", schema_ref("TreePage"))
            .errors(&["BadRequest", "NotFound", "Internal", "Unavailable"]),
        op("GET", "/api/ontologies", "Terms", "The loaded ontologies")
            .ok("Each loaded ontology with its short id.", "application/json", json!({ "type": "array", "items": schema_ref("OntologySummary") }))
            .errors(&["Internal", "Unavailable"]),
        op("GET", "/api/ontologies/{id}", "Terms", "One ontology")
            .param(path("id", "The ontology's short id (`panet`)."))
            .ok("Header, counts and the first page of roots of each kind.", "application/json", schema_ref("OntologyDetails"))
            .errors(&["BadRequest", "NotFound", "Internal", "Unavailable"]),
    ]
}

fn sparql_ops() -> Vec<Op> {
    let protocol = [
        query(
            "query",
            json!({ "type": "string", "maxLength": MAX_QUERY_BYTES }),
            &format!(
                "A SPARQL 1.1 query (at most {MAX_QUERY_BYTES} bytes). Without it, a `GET` asking for an RDF syntax gets the service description, and a browser the query page."
            ),
        ),
        query(
            "default-graph-uri",
            json!({ "type": "array", "items": { "type": "string" }, "maxItems": 64 }),
            "A graph of the default graph (repeatable; at most 64 graph IRIs in all).",
        ),
        query(
            "named-graph-uri",
            json!({ "type": "array", "items": { "type": "string" }, "maxItems": 64 }),
            "A named graph of the dataset (repeatable).",
        ),
        query(
            "format",
            json!({ "type": "string", "enum": ["json", "xml", "csv", "tsv", "turtle", "ttl", "ntriples", "nt", "rdfxml", "jsonld"] }),
            "The result format, overriding `Accept` (`output` too).",
        ),
    ];
    let results = |description: &str| {
        let mut types: Vec<&str> = SPARQL_TYPES.to_vec();
        types.push("text/html");
        let mut answer = content(description, &types, text());
        answer["content"]["application/sparql-results+json"]["schema"] =
            schema_ref("SparqlJsonResults");
        answer["content"]["application/ld+json"]["schema"] = json!({});
        answer["headers"] = json!({ "Vary": { "schema": { "type": "string" } } });
        answer
    };
    let errors = [
        "BadRequest",
        "Forbidden",
        "NotAcceptable",
        "PayloadTooLarge",
        "OverLimit",
        "Internal",
        "Unavailable",
    ];
    vec![
        op("GET", "/sparql", "SPARQL", "Query (SPARQL 1.1 Protocol), or the service description")
            .describe("Results by `Accept` (q-values honoured) or `format`: tables as SPARQL JSON, XML, CSV or TSV; graphs as Turtle, N-Triples, RDF/XML or JSON-LD. Each query has a time limit (503 `timeout`), a row cap and a byte cap (422). Updates are refused (403). Without `query`, an RDF `Accept` or `format` gets the SPARQL service description with VoID statistics; a browser (`Accept: text/html`) gets the query page.")
            .params(protocol.clone())
            .param(json!({ "name": "Accept", "in": "header", "schema": { "type": "string" }, "description": "The result formats wanted, with q-values." }))
            .answer(200, results("The results, the service description or the query page."))
            .errors(&errors),
        op("POST", "/sparql", "SPARQL", "Query (SPARQL 1.1 Protocol) by POST")
            .describe("The query as an `application/sparql-query` body, or as `query=` in an `application/x-www-form-urlencoded` body. `application/sparql-update` is refused (403).")
            .params(protocol.into_iter().skip(1))
            .body(json!({
                "required": true,
                "content": {
                    "application/sparql-query": { "schema": { "type": "string", "maxLength": MAX_QUERY_BYTES } },
                    "application/x-www-form-urlencoded": { "schema": {
                        "type": "object",
                        "required": ["query"],
                        "properties": {
                            "query": { "type": "string", "maxLength": MAX_QUERY_BYTES },
                            "default-graph-uri": { "type": "string" },
                            "named-graph-uri": { "type": "string" },
                            "format": { "type": "string" }
                        }
                    } }
                }
            }))
            .answer(200, results("The results."))
            .errors(&errors),
    ]
}

fn linked_data_ops() -> Vec<Op> {
    let resource = |route: &str, name: &str, summary: &str, what: &str| {
        op("GET", format!("/{route}/{{{name}}}"), "Linked data", summary)
            .describe(&format!("{what} A browser (`text/html` first in `Accept`, `*/*` or no `Accept`) gets a page or a 303 to one; an RDF client the concise bounded description (at most 5,000 triples) in the syntax it asks for. Every answer carries `Vary: Accept`."))
            .params([
                path(name, "The rest of the path below the base IRI; may contain `/`."),
                query("format", json!({ "type": "string", "enum": ["html", "ttl", "turtle", "nt", "ntriples", "rdf", "rdfxml", "jsonld"] }), "A representation, overriding `Accept`."),
                json!({ "name": "Accept", "in": "header", "schema": { "type": "string" }, "description": "text/html, text/turtle, application/n-triples, application/rdf+xml or application/ld+json, with q-values." }),
            ])
            .answer(200, {
                let mut types = RDF_TYPES.to_vec();
                types.push("text/html");
                let mut answer = content("The description, or the resource's page.", &types, text());
                answer["content"]["application/ld+json"]["schema"] = json!({});
                answer
            })
            .answer(303, json!({
                "description": "A browser is sent to the article's or the ontology's page.",
                "headers": { "Location": { "required": true, "schema": { "type": "string" } } }
            }))
            .answer(404, json!({
                "description": "The store says nothing about the IRI: JSON for RDF clients, a page for browsers.",
                "content": {
                    "application/json": { "schema": schema_ref("ApiError") },
                    "text/html": { "schema": text() }
                }
            }))
            .errors(&["BadRequest", "NotAcceptable", "Internal", "Unavailable"])
    };
    vec![
        resource("article", "id", "An article's IRI", "`{base}article/{id}`."),
        resource(
            "person",
            "slug",
            "A person's IRI",
            "`{base}person/{slug}`: an author without an ORCID.",
        ),
        resource(
            "organization",
            "slug",
            "An organisation's IRI",
            "`{base}organization/{slug}`.",
        ),
        resource("grant", "slug", "A grant's IRI", "`{base}grant/{slug}`."),
        resource(
            "graph",
            "name",
            "A graph's IRI",
            "`{base}graph/content` or `{base}graph/file/{path}`: its VoID statistics and linksets.",
        ),
    ]
}

fn ols_ops() -> Vec<Op> {
    let page = [
        query(
            "page",
            json!({ "type": "integer", "minimum": 0, "maximum": MAX_START * 10, "default": 0 }),
            "The page, from 0 (a page past every list is a 400).",
        ),
        query(
            "size",
            count(1, MAX_ROWS, 20),
            &format!("Entries per page (1 to {MAX_ROWS}; larger values are read as {MAX_ROWS})."),
        ),
    ];
    let rows = [
        query(
            "rows",
            count(0, MAX_ROWS, 10),
            &format!("Rows (larger values are read as {MAX_ROWS})."),
        ),
        query(
            "start",
            count(0, MAX_START, 0),
            &format!("Rows to skip (at most {MAX_START})."),
        ),
    ];
    let q = required_query(
        "q",
        json!({ "type": "string", "minLength": 1, "maxLength": 500, "pattern": "\\S" }),
        "What to search for (at most 500 bytes).",
    );
    let list = |name: &str, description: &str| {
        query(
            name,
            text(),
            &format!("{description} (comma-separated or repeated)."),
        )
    };
    let flag = |name: &str, description: &str| query(name, boolean_flag(), description);
    let onto = path("onto", "The ontology's id (`panet`).");
    let entities = path_enum(
        "entities",
        &["terms", "properties", "individuals"],
        "The kind of entity: classes and SKOS concepts are `terms`.",
    );
    let iri = path(
        "iri",
        "The term's IRI, percent-encoded twice as OLS clients send it (once is read too).",
    );
    let identifier = [
        query("iri", text(), "The term's IRI."),
        query(
            "short_form",
            text(),
            "The term's short form (`PaNET01188`).",
        ),
        query(
            "obo_id",
            text(),
            "The term's OBO id or CURIE (`PaNET:PaNET01188`).",
        ),
        query("id", text(), "Any of the three."),
    ];
    let std_errors = [
        "OlsBadRequest",
        "OlsNotFound",
        "OlsInternal",
        "OlsUnavailable",
    ];
    let search_params = || {
        vec![
            q.clone(),
            list("ontology", "Only terms of these ontologies"),
            list(
                "type",
                "Only these types: class, property, individual, ontology",
            ),
            flag("exact", "Exact matches only."),
            flag("obsoletes", "Include deprecated terms."),
            flag(
                "local",
                "Accepted; changes nothing (every term has one defining ontology).",
            ),
            list(
                "childrenOf",
                "Only descendants (`/search`) or direct children (`/select`) of these IRIs",
            ),
            list("allChildrenOf", "Only descendants of these IRIs"),
            flag("inclusive", "Include the terms of `childrenOf` themselves."),
            flag("isLeaf", "Only terms without narrower terms."),
            list(
                "queryFields",
                "Search only these fields: label, synonym, short_form, obo_id, iri",
            ),
            list("fieldList", "Return only these fields"),
        ]
        .into_iter()
        .chain(rows.clone())
        .collect::<Vec<_>>()
    };
    let ols =
        |method, route: &str, summary: &str| op(method, format!("{OLS}{route}"), "OLS", summary);
    vec![
        ols_errors(
            ols("GET", "/search", "Search terms (Solr-shaped, with facet counts)")
                .params(search_params())
                .ok("Solr's `responseHeader`, `response` and `facet_counts`.", "application/json", schema_ref("OlsSearch")),
            &std_errors,
        ),
        ols_errors(
            ols("GET", "/select", "Autocomplete terms, names highlighted")
                .params(search_params())
                .ok("Solr's `responseHeader`, `response` and `highlighting`.", "application/json", schema_ref("OlsSearch")),
            &std_errors,
        ),
        ols_errors(
            ols("GET", "/suggest", "Suggest labels")
                .params([q.clone(), list("ontology", "Only labels of these ontologies")].into_iter().chain(rows.clone()))
                .ok("Suggested labels.", "application/json", schema_ref("OlsSearch")),
            &std_errors,
        ),
        ols_errors(
            ols("GET", "/ontologies", "The loaded ontologies, a page at a time")
                .params(page.clone())
                .ok("A HAL page of ontologies.", "application/json", schema_ref("OlsPage")),
            &["OlsBadRequest", "OlsInternal", "OlsUnavailable"],
        ),
        ols_errors(
            ols("GET", "/ontologies/{onto}", "One ontology")
                .param(onto.clone())
                .ok("The ontology (HAL).", "application/json", schema_ref("OlsOntology")),
            &std_errors,
        ),
        ols_errors(
            ols("GET", "/ontologies/{onto}/{entities}", "An ontology's terms (or one by iri, short_form, obo_id or id)")
                .params([onto.clone(), entities.clone()].into_iter().chain(identifier.clone()).chain(page.clone()))
                .ok("A HAL page of terms.", "application/json", schema_ref("OlsPage")),
            &std_errors,
        ),
        ols_errors(
            ols("GET", "/ontologies/{onto}/{entities}/roots", "Terms without a broader term")
                .params([onto.clone(), entities.clone(), flag("includeObsoletes", "Accepted; deprecated terms are never roots here.")].into_iter().chain(page.clone()))
                .ok("A HAL page of root terms.", "application/json", schema_ref("OlsPage")),
            &std_errors,
        ),
        ols_errors(
            ols("GET", "/ontologies/{onto}/{entities}/preferredRoots", "Preferred roots (none: no loaded ontology names any)")
                .params([onto.clone(), entities.clone(), flag("includeObsoletes", "Accepted; changes nothing.")].into_iter().chain(page.clone()))
                .ok("An empty HAL page.", "application/json", schema_ref("OlsPage")),
            &std_errors,
        ),
        ols_errors(
            ols("GET", "/ontologies/{onto}/{entities}/{iri}", "One term")
                .params([onto.clone(), entities.clone(), iri.clone()])
                .ok("The term (HAL).", "application/json", schema_ref("OlsTerm")),
            &std_errors,
        ),
        ols_errors(
            ols("GET", "/ontologies/{onto}/{entities}/{iri}/{relation}", "A term's relatives, or its jstree")
                .describe("`parents`, `children`, `ancestors`, `descendants` and their `hierarchical` forms (the same here) a page at a time; `jstree` the term's tree as jstree nodes (an array).")
                .params([
                    onto.clone(),
                    entities.clone(),
                    iri.clone(),
                    path_enum("relation", &["parents", "children", "ancestors", "descendants", "hierarchicalParents", "hierarchicalChildren", "hierarchicalAncestors", "hierarchicalDescendants", "jstree"], "Which relatives."),
                ].into_iter().chain(page.clone()))
                .ok("A HAL page of terms, or (jstree) an array of nodes.", "application/json", json!({ "anyOf": [schema_ref("OlsPage"), { "type": "array", "items": schema_ref("JsTreeNode") }] })),
            &std_errors,
        ),
    ]
    .into_iter()
    .chain(["/terms", "/properties", "/individuals"].into_iter().map(|route| {
        ols_errors(
            ols("GET", route, "An entity in every ontology that defines it")
                .params(identifier.clone().into_iter().chain(page.clone()))
                .ok("A HAL page of the term in each ontology.", "application/json", schema_ref("OlsPage")),
            &std_errors,
        )
    }))
    .collect()
}

fn page_ops() -> Vec<Op> {
    let missing = ["BadRequest", "PageNotFound", "Internal", "PageUnavailable"];
    vec![
        html_page(op("GET", "/", "Pages", "The search page"), "The page; its script calls `/api/search` and `/api/ask`."),
        html_page(op("GET", "/docs/{id}", "Pages", "An article's page"), "The article, with its schema.org JSON-LD.")
            .param(path("id", "The article's id; may contain `/`."))
            .errors(&missing),
        html_page(op("GET", "/admin", "Pages", "The curators' page"), "Public HTML without data; its script calls the admin routes with the token.")
            .errors(&["PageNotFound"]),
        html_page(op("GET", "/terms", "Pages", "Term search"), "The form and, with `q`, the hits.")
            .params([
                query("q", text(), "Words of a label or synonym."),
                query("ontology", text(), "Only terms of this ontology."),
                query("type", json!({ "type": "string", "enum": ["class", "property", "concept"] }), "Only terms of this kind."),
                query("page", json!({ "type": "integer", "minimum": 1, "maximum": 100 }), "The page of hits, from 1."),
            ])
            .errors(&["BadRequest", "Internal", "PageUnavailable"]),
        html_page(op("GET", "/terms/{id}", "Pages", "A term's page"), "The term in its hierarchy, with the articles that use it. `format` or `Accept` asking for RDF gets the term's triples.")
            .param(path("id", "A CURIE (`PaNET:PaNET01188`) or a percent-encoded IRI."))
            .errors(&["BadRequest", "PageNotFound", "NotAcceptable", "Internal", "PageUnavailable"]),
        html_page(op("GET", "/ontologies", "Pages", "The ontologies' page"), "Every loaded ontology with its counts.")
            .errors(&["Internal", "PageUnavailable"]),
        html_page(op("GET", "/ontologies/{id}", "Pages", "An ontology's page"), "Header, counts and roots.")
            .param(path("id", "The ontology's short id (`panet`)."))
            .errors(&missing),
        op("GET", "/assets/{name}", "Pages", "A compiled-in asset")
            .param(path_enum("name", &["style.css", "app.js", "sparql.js", "admin.js", "terms.js", "favicon.svg"], "The file."))
            .answer(200, content("The file.", &["text/css", "text/javascript", "image/svg+xml"], text()))
            .errors(&["BadRequest", "NotFound"]),
        op("GET", "/favicon.ico", "Pages", "The site's icon (SVG)")
            .answer(200, content("The icon.", &["image/svg+xml"], text())),
        html_page(op("GET", "/api/docs", "Pages", "This description as a page"), "Every operation by tag, with its parameters and responses."),
    ]
}

fn service_ops() -> Vec<Op> {
    vec![
        op("GET", "/healthz", "Service", "Health")
            .ok("An index is served (`degraded`: semantic search is off, `reason` says why).", "application/json", schema_ref("Health"))
            .answer(503, json!({
                "description": "No index yet (`status: no_index`), or over the time limit (an `ApiError`).",
                "content": { "application/json": { "schema": { "anyOf": [schema_ref("NoIndex"), schema_ref("ApiError")] } } }
            })),
        op("POST", "/mcp", "Service", "Model Context Protocol (streamable HTTP, stateless)")
            .describe("One JSON-RPC 2.0 message of the Model Context Protocol (`initialize`, `tools/list`, `tools/call`, `resources/list`, `resources/read`, ...), answered whole as JSON; nothing is kept between requests. `Accept` must name `application/json` and `text/event-stream`. A tool's failure or bad arguments are a result with `isError: true`, not an HTTP error. A request with an `Origin` header from another site (or a host name the server does not answer to) is refused (403 `forbidden_origin`).")
            .param(json!({ "name": "Accept", "in": "header", "required": true, "schema": { "type": "string" }, "example": "application/json, text/event-stream", "description": "Must name application/json and text/event-stream." }))
            .body(json!({
                "required": true,
                "content": { "application/json": { "schema": {
                    "type": "object",
                    "required": ["jsonrpc"],
                    "properties": {
                        "jsonrpc": { "const": "2.0" },
                        "id": { "type": ["string", "integer"] },
                        "method": { "type": "string" },
                        "params": { "type": "object" }
                    }
                } } }
            }))
            .ok("The JSON-RPC response (a result, or a JSON-RPC error).", "application/json", json!({ "type": "object", "required": ["jsonrpc"] }))
            .answer(202, json!({ "description": "A notification or a response, accepted (no body)." }))
            .answer(403, content("A browser request from another origin (`forbidden_origin`).", &["application/json"], schema_ref("ApiError")))
            .errors(&["BadRequest", "NotAcceptable", "PayloadTooLarge", "UnsupportedMediaType", "Internal", "Unavailable"]),
        op("GET", "/api/openapi.json", "Service", "This description (OpenAPI 3.1)")
            .ok("The OpenAPI document.", "application/json", json!({ "type": "object", "required": ["openapi", "paths"] })),
    ]
}

fn admin_ops() -> Vec<Op> {
    let refused = ["Unauthorized", "NotFound", "Internal", "Unavailable"];
    vec![
        op("GET", "/api/admin/gaps", "Admin", "What to write next")
            .describe("The most frequent questions that found nothing, scored low or got no answer, near-duplicates grouped; then those marked not helpful. One report is built at a time (503 `busy` otherwise).")
            .params([
                query("since", text(), "A period back from now (`90m`, `12h`, `30d`, `2w`) or a start (`2026-05-01`, RFC 3339); default `30d`."),
                query("limit", count(1, GAPS_MAX, GAPS_DEFAULT), &format!("Groups per list (larger values are read as {GAPS_MAX}).")),
            ])
            .ok("The gaps report.", "application/json", json!({ "type": "object" }))
            .errors(&["BadRequest"])
            .errors(&refused)
            .admin(),
        op("GET", "/api/admin/index", "Admin", "What is indexed, per folder and generation")
            .ok("The index's status.", "application/json", json!({ "type": "object", "required": ["generation", "articles"] }))
            .errors(&refused)
            .admin(),
        op("GET", "/api/admin/check", "Admin", "`eoskb check` on the served content")
            .ok("Findings and counts (checked once per generation).", "application/json", json!({ "type": "object", "required": ["generation", "errors", "warnings", "findings"] }))
            .errors(&refused)
            .admin(),
    ]
}

/// Every operation. A route added to the router needs its entry here: the
/// OpenAPI test fails until it has one.
fn operations() -> Vec<Op> {
    [
        search_ops(),
        term_ops(),
        sparql_ops(),
        linked_data_ops(),
        ols_ops(),
        page_ops(),
        service_ops(),
        admin_ops(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn nullable(kind: &str) -> Value {
    json!({ "type": [kind, "null"] })
}

/// The bodies' schemas. Objects list the fields clients rely on; more may come.
fn schemas() -> Value {
    let string = text();
    let int = json!({ "type": "integer", "minimum": 0 });
    let number = json!({ "type": "number" });
    let boolean = json!({ "type": "boolean" });
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    json!({
        "ApiError": {
            "type": "object",
            "description": "Every error of the API: a stable code and a message a person can act on.",
            "required": ["error", "message"],
            "properties": {
                "error": { "type": "string", "description": "A stable code: `invalid_parameter`, `empty_query`, `not_found`, `busy`, `timeout`, `query_too_large`, `too_many_results`, `read_only`, `not_acceptable`, `unauthorized`, `internal`, ..." },
                "message": { "type": "string" },
                "line": { "type": "integer", "minimum": 1, "description": "A SPARQL syntax error's line." },
                "column": { "type": "integer", "minimum": 1, "description": "A SPARQL syntax error's column." }
            }
        },
        "OlsError": {
            "type": "object",
            "description": "OLS's error shape (Spring's).",
            "required": ["timestamp", "status", "error", "message", "path"],
            "properties": {
                "timestamp": string, "status": { "type": "integer" }, "error": string,
                "message": string, "path": string
            }
        },
        "SearchResponse": {
            "type": "object",
            "required": ["total", "took_ms", "hits", "mode", "facets", "question", "terms"],
            "properties": {
                "total": int, "took_ms": number,
                "hits": { "type": "array", "items": { "$ref": "#/components/schemas/SearchHit" } },
                "mode": { "type": "string", "enum": ["keyword", "semantic", "hybrid"] },
                "facets": { "type": "object", "description": "Per facet, its values and their counts." },
                "facet_sizes": { "type": "object", "additionalProperties": int },
                "facet_labels": { "type": "object" },
                "best_similarity": number,
                "question": boolean,
                "terms": { "type": "array", "items": { "type": "object" }, "description": "The ontology terms recognised in the query." }
            }
        },
        "SearchHit": {
            "type": "object",
            "required": ["id", "title", "path", "url", "summary", "score", "snippet", "section"],
            "properties": {
                "id": string, "title": string, "path": string, "source": string, "url": string,
                "kind": nullable("string"), "summary": string, "score": number,
                "snippet": { "type": "string", "description": "HTML-escaped, matches in <mark>." },
                "section": { "type": "object" },
                "matched_term": { "type": "object" },
                "explain": { "type": "object" }
            }
        },
        "Answer": {
            "type": "object",
            "required": ["question", "answered", "confidence", "answer", "sources", "terms", "took_ms"],
            "properties": {
                "question": string, "answered": boolean,
                "confidence": { "type": "number", "minimum": 0, "maximum": 1 },
                "answer": { "type": "array", "items": {
                    "type": "object", "required": ["text", "score", "citation"],
                    "properties": {
                        "text": string, "score": number,
                        "citation": { "type": "object", "required": ["id", "title", "path", "section", "anchor", "url"],
                            "properties": { "id": string, "title": string, "path": string, "section": string, "anchor": string, "url": string } }
                    }
                } },
                "sources": { "type": "array", "items": {
                    "type": "object", "required": ["id", "title", "path", "url", "summary"],
                    "properties": { "id": string, "title": string, "path": string, "url": string, "summary": string }
                } },
                "terms": { "type": "array", "items": { "type": "object" } },
                "best_similarity": number,
                "reason": string,
                "took_ms": number
            }
        },
        "Feedback": {
            "type": "object",
            "required": ["query", "helpful"],
            "properties": {
                "query": { "type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS, "description": "The question the result or answer was for." },
                "id": { "type": "string", "minLength": 1, "maxLength": 512, "description": "The article of a search result; leave out for an answer." },
                "helpful": boolean
            }
        },
        "FeedbackReceipt": {
            "type": "object",
            "required": ["status"],
            "properties": {
                "status": { "type": "string", "enum": ["accepted", "not_recorded"] },
                "message": string
            }
        },
        "Article": {
            "type": "object",
            "required": ["id", "title", "url", "html"],
            "properties": {
                "id": string, "title": string, "url": string,
                "html": { "type": "string", "description": "The body as HTML." }
            }
        },
        "Stats": {
            "type": "object",
            "required": ["articles", "sections", "sources", "ontologies", "terms", "triples", "index_bytes", "indexed_at", "generation"],
            "properties": {
                "articles": int, "sections": int,
                "sources": { "type": "object", "additionalProperties": {
                    "type": "object", "required": ["articles", "sections"], "properties": { "articles": int, "sections": int } } },
                "ontologies": int, "terms": int, "triples": int, "index_bytes": int,
                "indexed_at": { "type": "string", "format": "date-time" }, "generation": string
            }
        },
        "Health": {
            "type": "object",
            "required": ["status", "generation", "articles", "keyword", "semantic", "query_log", "waiting"],
            "properties": {
                "status": { "type": "string", "enum": ["ok", "degraded"] },
                "generation": nullable("string"),
                "articles": int,
                "keyword": { "type": "string", "enum": ["ok"] },
                "semantic": { "type": "string", "enum": ["ok", "unavailable"] },
                "reason": nullable("string"),
                "query_log": { "type": "object" },
                "waiting": int
            }
        },
        "NoIndex": {
            "type": "object",
            "required": ["status", "message"],
            "properties": { "status": { "type": "string", "enum": ["no_index"] }, "message": string }
        },
        "TermSearchResponse": {
            "type": "object",
            "required": ["total", "hits"],
            "properties": {
                "total": int,
                "hits": { "type": "array", "items": {
                    "type": "object",
                    "required": ["iri", "curie", "label", "matched", "ontology", "definition", "deprecated"],
                    "properties": {
                        "iri": string, "curie": nullable("string"), "label": nullable("string"),
                        "matched": { "type": "object" }, "ontology": string,
                        "definition": nullable("string"), "deprecated": boolean
                    }
                } }
            }
        },
        "TermDetails": {
            "type": "object",
            "required": ["iri", "parents", "children", "ancestors", "descendants", "articles"],
            "properties": {
                "iri": string,
                "parents": { "type": "array", "items": { "$ref": "#/components/schemas/TermRef" } },
                "children": { "type": "object" }, "ancestors": { "type": "object" }, "descendants": { "type": "object" },
                "articles": { "type": "array", "items": { "type": "object" } }
            }
        },
        "TermRef": {
            "type": "object",
            "required": ["iri"],
            "properties": { "iri": string, "curie": nullable("string"), "label": nullable("string") }
        },
        "TreePage": {
            "type": "object",
            "required": ["total", "offset", "items"],
            "properties": {
                "total": int, "offset": int,
                "items": { "type": "array", "items": { "type": "object", "required": ["iri"], "properties": { "iri": string } } }
            }
        },
        "OntologySummary": {
            "type": "object",
            "required": ["id", "graph", "source", "format", "counts"],
            "properties": {
                "id": string, "graph": string, "iri": nullable("string"),
                "version_iri": nullable("string"), "version_info": nullable("string"),
                "title": nullable("string"), "license": nullable("string"),
                "source": string, "format": string, "counts": { "type": "object" }
            }
        },
        "OntologyDetails": {
            "allOf": [{ "$ref": "#/components/schemas/OntologySummary" }],
            "type": "object",
            "required": ["description", "imports", "deprecated", "roots"],
            "properties": {
                "description": nullable("string"), "imports": strings, "deprecated": int,
                "roots": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/TreePage" } }
            }
        },
        "SparqlJsonResults": {
            "type": "object",
            "description": "SPARQL 1.1 Query Results JSON: `head` with `results` (SELECT) or `boolean` (ASK).",
            "required": ["head"],
            "properties": {
                "head": { "type": "object" },
                "results": { "type": "object", "required": ["bindings"], "properties": { "bindings": { "type": "array" } } },
                "boolean": boolean
            }
        },
        "OlsSearch": {
            "type": "object",
            "required": ["responseHeader", "response"],
            "properties": {
                "responseHeader": { "type": "object" },
                "response": { "type": "object", "required": ["numFound", "start", "docs"],
                    "properties": { "numFound": int, "start": int, "docs": { "type": "array", "items": { "type": "object" } } } },
                "facet_counts": { "type": "object" },
                "highlighting": { "type": "object" }
            }
        },
        "OlsPage": {
            "type": "object",
            "required": ["page"],
            "properties": {
                "_embedded": { "type": "object" },
                "_links": { "type": "object" },
                "page": { "type": "object", "required": ["size", "totalElements", "totalPages", "number"],
                    "properties": { "size": int, "totalElements": int, "totalPages": int, "number": int } }
            }
        },
        "OlsOntology": {
            "type": "object",
            "required": ["ontologyId", "config", "_links"],
            "properties": { "ontologyId": string, "config": { "type": "object" }, "_links": { "type": "object" } }
        },
        "OlsTerm": {
            "type": "object",
            "required": ["iri", "ontology_name", "_links"],
            "properties": { "iri": string, "label": nullable("string"), "ontology_name": string, "_links": { "type": "object" } }
        },
        "JsTreeNode": {
            "type": "object",
            "required": ["id", "parent", "text"],
            "properties": { "id": string, "parent": string, "text": string }
        }
    })
}

/// Parameter examples: path (`*` for any), parameter, value. They name what
/// the bundled content and PaNET hold, so that the page shows working requests
/// and a test client's first requests find something.
const EXAMPLES: &[(&str, &str, &str)] = &[
    ("/api/search", "q", "small angle scattering"),
    ("/api/ask", "q", "how do I cite a dataset from my beamtime?"),
    ("/api/docs/{id}", "id", "what-is-panet"),
    ("/docs/{id}", "id", "what-is-panet"),
    ("/article/{id}", "id", "what-is-panet"),
    ("/graph/{name}", "name", "content"),
    ("/api/terms", "q", "scattering"),
    ("/terms", "q", "saxs"),
    ("/terms/{id}", "id", "PaNET:PaNET01188"),
    ("/api/terms/lookup", "curie", "PaNET:PaNET01188"),
    (
        "/api/terms/children",
        "iri",
        "http://purl.org/pan-science/PaNET/PaNET01124",
    ),
    ("/api/terms/roots", "ontology", "panet"),
    ("/api/ontologies/{id}", "id", "panet"),
    ("/ontologies/{id}", "id", "panet"),
    ("*", "onto", "panet"),
    ("*", "entities", "terms"),
    // Encoded once here; a client encodes the path segment again, as OLS's do.
    (
        "*",
        "iri",
        "http%3A%2F%2Fpurl.org%2Fpan-science%2FPaNET%2FPaNET01124",
    ),
    (
        "/ols4/api/terms",
        "iri",
        "http://purl.org/pan-science/PaNET/PaNET01124",
    ),
    ("/ols4/api/search", "q", "scattering"),
    ("/ols4/api/select", "q", "small angle"),
    ("/ols4/api/suggest", "q", "scat"),
    (
        "/sparql",
        "query",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    ),
];

/// Gives `op`'s parameters their examples.
fn with_examples(op: &mut Op) {
    let Some(Value::Array(params)) = op.value.get_mut("parameters") else {
        return;
    };
    for p in params {
        let name = p["name"].as_str().unwrap_or_default().to_string();
        let in_path = p["in"] == "path";
        let example = EXAMPLES
            .iter()
            .find(|(path, n, _)| *path == op.path && *n == name)
            .or_else(|| {
                EXAMPLES
                    .iter()
                    .find(|(path, n, _)| *path == "*" && *n == name && in_path)
            });
        if let Some((_, _, value)) = example {
            p["example"] = json!(value);
        }
    }
}

fn build() -> Value {
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for mut op in operations() {
        with_examples(&mut op);
        let mut value = op.value;
        value.insert("responses".into(), Value::Object(op.responses));
        if value["parameters"].as_array().is_some_and(Vec::is_empty) {
            value.remove("parameters");
        }
        paths
            .entry(op.path)
            .or_default()
            .insert(op.method.to_ascii_lowercase(), Value::Object(value));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "eoskb",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A knowledge base and search engine for open-science guidance: search, answers quoted from the articles, ontology terms, a read-only SPARQL endpoint, dereferenceable IRIs and an OLS-compatible API. Errors are JSON `ApiError` bodies (the OLS API's are `OlsError`; pages answer HTML). Unknown paths under `/api` are 404 `ApiError`s.",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" }
        },
        "tags": TAGS.iter().map(|(name, description)| json!({ "name": name, "description": description })).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "responses": error_responses(),
            "headers": {
                "RetryAfter": {
                    "description": "Seconds after which to try again (503 `busy`).",
                    "schema": { "type": "integer", "minimum": 0 }
                }
            },
            "securitySchemes": {
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The token the server was started with in `EOSKB_ADMIN_TOKEN`."
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let text = serde_json::to_string(doc).unwrap();
        for piece in text.split("\"$ref\":\"#/").skip(1) {
            let pointer = format!("/{}", piece.split('"').next().unwrap());
            assert!(doc.pointer(&pointer).is_some(), "dangling $ref {pointer}");
        }
    }

    #[test]
    fn operation_ids_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for op in operations() {
            let id = op.value["operationId"].as_str().unwrap().to_string();
            assert!(seen.insert(id.clone()), "{id} twice");
        }
    }
}
