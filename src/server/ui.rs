//! The web page: a search page that calls the JSON API, and server-rendered
//! article pages (so links from hits work without JavaScript).

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::api::{Cost, with_kb};
use super::view::escape_html;
use crate::query;

const INDEX_HTML: &str = include_str!("../../web/index.html");
const STYLE_CSS: &str = include_str!("../../web/style.css");
/// The search page's script: served as a file, since the pages' security
/// policy allows no inline script.
const APP_JS: &str = include_str!("../../web/app.js");

pub async fn index() -> Html<&'static str> {
    Html(INDEX_HTML)
}

pub async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLE_CSS,
    )
        .into_response()
}

pub async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
        .into_response()
}

pub async fn doc(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let wanted = id.clone();
    match with_kb(&state, Cost::Unbounded, move |kb| {
        query::get_article(kb, &id)
    })
    .await
    {
        Ok(view) => {
            let a = &view.article;
            let chips = |label: &str, values: &[String]| -> String {
                if values.is_empty() {
                    return String::new();
                }
                let items: String = values
                    .iter()
                    .map(|v| format!("<span class=\"chip\">{}</span>", escape_html(v)))
                    .collect();
                format!("<div>{label}: {items}</div>")
            };
            let meta = format!(
                "<div class=\"meta\">{kind}{updated} · source: {source}</div>{audience}{fair}{terms}{tags}",
                kind = escape_html(a.kind.as_deref().unwrap_or("article")),
                updated = a
                    .updated
                    .as_deref()
                    .map(|u| format!(" · updated {}", escape_html(u)))
                    .unwrap_or_default(),
                source = escape_html(&format!("{}/{}", a.source.root, a.source.path)),
                audience = chips("Audience", &a.audience),
                fair = chips("FAIR", &a.fair),
                terms = chips("Terms", &a.terms),
                tags = chips("Tags", &a.tags),
            );
            let body = format!(
                "<p><em>{}</em></p>{meta}<hr>{}",
                escape_html(&a.summary),
                view.html
            );
            page(StatusCode::OK, &a.title, &body)
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => page(
            StatusCode::NOT_FOUND,
            "Not found",
            &format!(
                "<p>No article with id <code>{}</code>.</p>",
                escape_html(&wanted)
            ),
        ),
        // The API's message: it names the problem and never the host's paths.
        Err(e) => page(e.status, "Error", &escape_html(&e.message)),
    }
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · eoskb</title><link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
         <body><header><a class=\"brand\" href=\"/\">eoskb</a></header>\
         <main class=\"doc\"><h1>{title}</h1>{body}</main></body></html>",
        title = escape_html(title),
    );
    (status, Html(html)).into_response()
}
