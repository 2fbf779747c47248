//! The SPARQL page: what `GET /sparql` answers a browser that asks for HTML and
//! sends no query. A query editor prefilled with an example (PREFIX lines from
//! the generation's prefix table), the examples, the prefixes, and download
//! links; `web/sparql.js` runs queries against the same endpoint and shows the
//! results. Without script the examples still load (`?example=`) and the form
//! and the download links still run them.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::sparql_examples::{EXAMPLES, ResultShape, example, with_prefixes};
use super::{Section, shell};
use crate::config::Config;
use crate::query::ontology::namespaces::term_namespaces;
use crate::server::AppState;
use crate::server::media;
use crate::server::view::escape_html;

/// Longest encoded query a download link carries in its URL; a longer query is
/// downloaded by the script with a POST.
const MAX_LINK_QUERY: usize = 8 * 1024;

/// Whether a request to `/sparql` is a browser asking for the page: a GET
/// without a `query` whose most wanted media type is HTML.
pub fn wants_page(method: &Method, headers: &HeaderMap, url_query: Option<&str>) -> bool {
    if method != Method::GET {
        return false;
    }
    let has_query = url_query.is_some_and(|q| {
        form_urlencoded::parse(q.as_bytes()).any(|(name, _)| name == "query" || name == "update")
    });
    let html = media::accepted(headers)
        .first()
        .is_some_and(|m| m == "text/html" || m == "application/xhtml+xml");
    html && !has_query
}

/// The download formats of a result shape: label, `format` value, file name.
fn downloads(shape: ResultShape) -> &'static [(&'static str, &'static str, &'static str)] {
    match shape {
        ResultShape::Solutions => &[
            ("JSON", "json", "results.srj"),
            ("XML", "xml", "results.srx"),
            ("CSV", "csv", "results.csv"),
            ("TSV", "tsv", "results.tsv"),
        ],
        ResultShape::Graph => &[
            ("Turtle", "turtle", "results.ttl"),
            ("N-Triples", "ntriples", "results.nt"),
            ("RDF/XML", "rdfxml", "results.rdf"),
            ("JSON-LD", "jsonld", "results.jsonld"),
        ],
    }
}

/// The download links of `query`, which returns `shape`.
fn download_links(query: &str, shape: ResultShape) -> String {
    let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    if encoded.len() > MAX_LINK_QUERY {
        return String::new();
    }
    downloads(shape)
        .iter()
        .map(|(label, format, file)| {
            format!(
                "<a href=\"/sparql?query={}&amp;format={format}\" download=\"{file}\">{label}</a>",
                escape_html(&encoded)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `100000` as `100,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `GET /sparql` for a browser: the page, with the example `?example=` names.
pub fn page(state: &AppState, url_query: Option<&str>) -> Response {
    let chosen = url_query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(name, _)| name == "example")
            .map(|(_, value)| value.into_owned())
    });
    let example = example(chosen.as_deref());
    let kb = state.snapshot();
    let (prefixes, base_iri): (BTreeMap<String, String>, String) = match &kb {
        Some(kb) => (
            kb.manifest().graph_config.prefixes.clone(),
            kb.manifest().graph_config.base_iri.clone(),
        ),
        None => {
            let config = Config::default();
            (config.prefix_map().map, config.base_iri)
        }
    };
    let namespaces = match &kb {
        Some(kb) => term_namespaces(kb).unwrap_or_else(|e| {
            tracing::warn!("cannot list the term namespaces: {e}");
            Vec::new()
        }),
        None => Vec::new(),
    };
    // The text search's vocabulary is the service's, not a graph's: always
    // declared, whatever the generation's prefix table holds.
    let mut prefixes = prefixes;
    prefixes
        .entry("search".to_string())
        .or_insert_with(|| crate::vocab::SEARCH.to_string());
    let query = with_prefixes(example.body, &prefixes);

    let options: String = EXAMPLES
        .iter()
        .map(|e| {
            let selected = if e.id == example.id { " selected" } else { "" };
            format!(
                "<option value=\"{}\"{selected}>{}</option>",
                e.id,
                escape_html(e.title)
            )
        })
        .collect();
    let prefix_rows: String = prefixes
        .iter()
        .map(|(p, ns)| {
            format!(
                "<tr><th scope=\"row\">{}:</th><td>{}</td></tr>",
                escape_html(p),
                escape_html(ns)
            )
        })
        .collect();
    let gutter: String = (1..=query.lines().count().max(1))
        .map(|n| format!("{n}\n"))
        .collect();
    let examples_json: Vec<serde_json::Value> = EXAMPLES
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "title": e.title,
                "description": e.description,
                "graph": e.shape == ResultShape::Graph,
                "query": with_prefixes(e.body, &prefixes),
            })
        })
        .collect();
    let data = json!({
        "base": base_iri,
        "termNamespaces": namespaces,
        "prefixes": prefixes,
        "examples": examples_json,
        "maxLinkQuery": MAX_LINK_QUERY,
    });
    // A data block, never run; `<` escaped so no text in it can close the element.
    let data = data.to_string().replace('<', "\\u003c");
    let no_index = if kb.is_none() {
        "<p class=\"error\">No index yet: run <code>eoskb index</code>; queries will fail until then.</p>"
    } else {
        ""
    };
    let body = format!(
        "<h1>SPARQL</h1>{no_index}\
         <p class=\"intro\">Query the knowledge base's RDF: every article in the content graph \
         (schema.org and Dublin Core terms, <code>dcterms:subject</code> to ontology terms) and one \
         named graph per ontology file. The endpoint <code>/sparql</code> speaks the SPARQL 1.1 \
         Protocol, read-only; a query may run {timeout} s and return {rows} rows.</p>\
         <form class=\"sparql-examples\" method=\"get\" action=\"/sparql\">\
         <label for=\"example\">Example</label>\
         <select id=\"example\" name=\"example\">{options}</select>\
         <button type=\"submit\" id=\"load-example\">Load</button></form>\
         <p id=\"example-description\" class=\"muted\">{description}</p>\
         <form id=\"sparql-form\" class=\"sparql-editor\" method=\"get\" action=\"/sparql\">\
         <label for=\"query\">Query</label>\
         <div class=\"editor\"><pre class=\"gutter\" id=\"gutter\" aria-hidden=\"true\">{gutter}</pre>\
         <textarea id=\"query\" name=\"query\" rows=\"14\" wrap=\"off\" spellcheck=\"false\" \
         autocapitalize=\"off\" autocomplete=\"off\">{query}</textarea></div>\
         <div class=\"actions\"><button type=\"submit\" id=\"run\">Run</button>\
         <span class=\"muted\">Ctrl+Enter (⌘+Enter) runs the query</span>\
         <button type=\"button\" id=\"add-prefixes\" hidden>Declare all prefixes</button></div></form>\
         <div id=\"status\" class=\"status\" role=\"status\" aria-live=\"polite\"></div>\
         <div id=\"sparql-error\"></div>\
         <p id=\"downloads\" class=\"downloads\">Download the results: {links}</p>\
         <div id=\"results\"></div>\
         <details class=\"prefixes\"><summary>Prefixes ({count})</summary>\
         <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Prefixes\">\
         <table><tbody>{prefix_rows}</tbody></table></div></details>\
         <script type=\"application/json\" id=\"sparql-data\">{data}</script>",
        timeout = state.sparql.timeout_secs,
        rows = thousands(state.sparql.max_rows),
        description = escape_html(example.description),
        query = escape_html(&query),
        links = download_links(&query, example.shape),
        count = prefixes.len(),
    );
    let html = shell(
        Section::Sparql,
        "SPARQL · eoskb",
        "sparql",
        &body,
        &["sparql.js"],
    );
    (StatusCode::OK, Html(html)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use axum::http::header::ACCEPT;

    #[test]
    fn only_a_browser_get_without_a_query_gets_the_page() {
        let accept = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT, HeaderValue::from_str(value).unwrap());
            headers
        };
        let browser = accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        assert!(wants_page(&Method::GET, &browser, None));
        assert!(wants_page(
            &Method::GET,
            &browser,
            Some("example=ask-tomography")
        ));
        assert!(!wants_page(&Method::GET, &browser, Some("query=ASK%7B%7D")));
        assert!(!wants_page(&Method::POST, &browser, None));
        assert!(!wants_page(&Method::GET, &accept("*/*"), None));
        assert!(!wants_page(&Method::GET, &HeaderMap::new(), None));
        assert!(!wants_page(
            &Method::GET,
            &accept("application/sparql-results+json, text/html;q=0.5"),
            None
        ));
    }

    #[test]
    fn download_links_name_every_format_of_the_result_shape() {
        let links = download_links("ASK {}", ResultShape::Solutions);
        for format in ["json", "xml", "csv", "tsv"] {
            assert!(links.contains(&format!("format={format}\"")), "{links}");
        }
        assert!(links.contains("query=ASK+%7B%7D"));
        let links = download_links("DESCRIBE <a:b>", ResultShape::Graph);
        assert_eq!(links.matches("download=").count(), 4);
        assert!(download_links(&"x".repeat(MAX_LINK_QUERY + 1), ResultShape::Graph).is_empty());
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(999), "999");
    }
}
