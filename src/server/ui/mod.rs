//! The web interface: pages rendered on the server around one shell (header,
//! navigation, stylesheet), each enhanced by its own script from `web/`. The
//! pages' security policy allows no inline script, so every script is a file
//! served from [`ASSETS`].

mod admin;
mod api_docs;
mod doc;
mod jsonld;
mod ontologies;
mod resource;
mod sparql;
mod sparql_examples;
mod term_search;
mod terms;
mod tree;

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::view::escape_html;

pub use admin::admin;
pub use api_docs::api_docs;
pub use doc::doc;
pub use ontologies::{list as ontologies, ontology};
pub use resource::{data_links, resource_not_found, resource_page};
pub use sparql::{page as sparql_page, wants_page as wants_sparql_page};
pub use term_search::search as term_search;
pub use terms::term;
pub(crate) use tree::percent_encode_keeping;

/// The files under `/assets/`: name, media type and content, compiled in.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../../web/style.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../web/app.js"),
    ),
    (
        "sparql.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../web/sparql.js"),
    ),
    (
        "admin.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../web/admin.js"),
    ),
    (
        "terms.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../web/terms.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../../../web/favicon.svg"),
    ),
];

/// The sections of the site, in the order the header lists them.
const NAV: &[(Section, &str, &str)] = &[
    (Section::Search, "/", "Search"),
    (Section::Terms, "/terms", "Terms"),
    (Section::Ontologies, "/ontologies", "Ontologies"),
    (Section::Sparql, "/sparql", "SPARQL"),
    (Section::Admin, "/admin", "Curators"),
];

/// Which section a page belongs to (marked as current in the header).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Search,
    Sparql,
    Admin,
    Terms,
    Ontologies,
    /// A page outside the navigation (an article, an error).
    None,
}

/// `GET /assets/{name}`.
pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, media_type, content)) => (
            [
                (header::CONTENT_TYPE, *media_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *content,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

/// The site's icon where browsers look for it unasked.
pub async fn favicon() -> Response {
    asset(Path("favicon.svg".to_string())).await
}

/// `GET /`: the search page.
pub async fn index() -> Html<&'static str> {
    static PAGE: LazyLock<String> = LazyLock::new(|| {
        shell(
            Section::Search,
            "eoskb: open-science knowledge base",
            "",
            include_str!("../../../web/search.html"),
            &["app.js"],
        )
    });
    Html(PAGE.as_str())
}

/// A page of the site: `title` (already plain text, escaped here), `body`
/// (HTML), and the scripts under `/assets/` it loads.
pub fn shell(
    section: Section,
    title: &str,
    main_class: &str,
    body: &str,
    scripts: &[&str],
) -> String {
    let nav: String = NAV
        .iter()
        .map(|(s, href, label)| {
            let current = if *s == section {
                " aria-current=\"page\""
            } else {
                ""
            };
            format!("<a href=\"{href}\"{current}>{label}</a>")
        })
        .collect();
    let scripts: String = scripts
        .iter()
        .map(|s| format!("<script src=\"/assets/{s}\" defer></script>"))
        .collect();
    let class = if main_class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{main_class}\"")
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/assets/style.css\">\
         <link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\"></head>\
         <body><header><a class=\"brand\" href=\"/\">eoskb</a>\
         <nav aria-label=\"Site\">{nav}</nav></header>\
         <main{class}>{body}</main>\
         <footer><a href=\"/api/docs\">API</a> · <a href=\"/api/openapi.json\">OpenAPI</a> · \
         <a href=\"/sparql\">SPARQL endpoint</a> · <a href=\"/ols4/api/ontologies\">OLS API</a></footer>\
         {scripts}</body></html>",
        title = escape_html(title),
    )
}

/// A page with a heading: `title` becomes both the `<title>` and the `<h1>`.
pub fn page(status: StatusCode, section: Section, title: &str, body: &str) -> Response {
    let body = format!("<h1>{}</h1>{body}", escape_html(title));
    let html = shell(section, &format!("{title} · eoskb"), "doc", &body, &[]);
    (status, Html(html)).into_response()
}
