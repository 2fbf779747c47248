//! Article pages (`/docs/{id}`), rendered on the server so links from hits
//! work without JavaScript.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::terms::term_chips;
use super::{Section, data_links, jsonld, page};
use crate::query;
use crate::query::ontology::browse::term_tags;
use crate::server::AppState;
use crate::server::api::{Cost, with_kb};
use crate::server::linked_data::encode_path;
use crate::server::view::escape_html;

pub async fn doc(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let wanted = id.clone();
    match with_kb(&state, Cost::Unbounded, move |kb| {
        let view = query::get_article(kb, &id)?;
        let tags = term_tags(kb, &view.article.terms)?;
        let related = related_items(kb, &view.article.related);
        let iri = kb.manifest().graph_config.article_iri(&view.article.id);
        // The JSON-LD is the schema.org part of what the article's IRI serves.
        let description = match query::describe::describe(kb, &iri) {
            Ok(d) => Some(d),
            Err(query::Error::ResourceNotFound(_)) => None,
            Err(e) => return Err(e),
        };
        Ok((view, tags, related, description))
    })
    .await
    {
        Ok((view, tags, related, description)) => {
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
                terms = term_chips(&tags),
                tags = chips("Tags", &a.tags),
            );
            let record = a.record.as_deref().map(record_block).unwrap_or_default();
            let jsonld = description
                .as_ref()
                .map(|d| jsonld::script_block(&jsonld::description_jsonld(d)))
                .unwrap_or_default();
            let data = data_links(&format!("/article/{}", encode_path(&a.id)));
            let body = format!(
                "<p><em>{}</em></p>{authors}{meta}{record}<hr>{}{related}{data}{jsonld}",
                escape_html(&a.summary),
                view.html,
                authors = authors_line(&a.authors),
                related = related_block(&related),
            );
            page(StatusCode::OK, Section::None, &a.title, &body)
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => page(
            StatusCode::NOT_FOUND,
            Section::None,
            "Not found",
            &format!(
                "<p>No article with id <code>{}</code>.</p>",
                escape_html(&wanted)
            ),
        ),
        // The API's message: it names the problem and never the host's paths.
        Err(e) => page(e.status, Section::None, "Error", &escape_html(&e.message)),
    }
}

/// Related items listed on a page, at most.
const MAX_RELATED: usize = 50;

/// An entry of `related:`: the item it names when the knowledge base holds it
/// (id and title), else the entry as written.
enum Related {
    Item { id: String, title: String },
    Other(String),
}

fn related_items(kb: &query::KnowledgeBase, related: &[String]) -> Vec<Related> {
    related
        .iter()
        .take(MAX_RELATED)
        .map(|entry| {
            let id = entry.trim();
            match query::article::article_title(kb, id) {
                Some(title) => Related::Item {
                    id: id.to_string(),
                    title,
                },
                None => Related::Other(entry.clone()),
            }
        })
        .collect()
}

fn related_block(related: &[Related]) -> String {
    if related.is_empty() {
        return String::new();
    }
    let items: String = related
        .iter()
        .map(|r| match r {
            Related::Item { id, title } => format!(
                "<li><a href=\"{}\">{}</a></li>",
                escape_html(&crate::server::view::article_url(id)),
                escape_html(title)
            ),
            Related::Other(entry)
                if entry.starts_with("10.") || entry.starts_with("https://doi.org/") =>
            {
                let iri = crate::model::doi_iri(entry.trim_start_matches("https://doi.org/"));
                format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    escape_html(&iri),
                    escape_html(entry)
                )
            }
            Related::Other(entry) => format!("<li>{}</li>", escape_html(entry)),
        })
        .collect();
    format!(
        "<section class=\"related\" aria-labelledby=\"related-heading\"><h2 id=\"related-heading\">Related</h2><ul>{items}</ul></section>"
    )
}

/// The authors of a guidance article, each with a link to their ORCID record.
fn authors_line(authors: &[crate::model::Author]) -> String {
    if authors.is_empty() {
        return String::new();
    }
    let people: Vec<String> = authors
        .iter()
        .map(|a| match &a.orcid {
            Some(orcid) => format!(
                "{} <a href=\"https://orcid.org/{}\" title=\"ORCID {}\">iD</a>",
                escape_html(&a.name),
                escape_html(orcid),
                escape_html(orcid)
            ),
            None => escape_html(&a.name),
        })
        .collect();
    format!("<div class=\"meta authors\">By {}</div>", people.join(", "))
}

/// What a research-output record adds to its page: the DOI as a link, creators
/// with their ORCID iDs, dates, version, publisher, licence, funding and versions.
fn record_block(record: &crate::model::Record) -> String {
    let mut rows: Vec<(&str, String)> = Vec::new();
    if let Some(doi) = &record.doi {
        let iri = crate::model::doi_iri(doi);
        rows.push((
            "DOI",
            format!("<a href=\"{}\">{}</a>", escape_html(&iri), escape_html(doi)),
        ));
    }
    let people: Vec<String> = record
        .creators
        .iter()
        .map(|c| match &c.orcid {
            Some(orcid) => format!(
                "{} <a href=\"https://orcid.org/{}\" title=\"ORCID\">iD</a>",
                escape_html(&c.name),
                escape_html(orcid)
            ),
            None => escape_html(&c.name),
        })
        .collect();
    if !people.is_empty() {
        rows.push(("Creators", people.join("; ")));
    }
    let mut text_row = |label, value: Option<&str>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            rows.push((label, escape_html(value)));
        }
    };
    text_row("Issued", record.issued.as_deref());
    text_row("Version", record.version.as_deref());
    text_row("Publisher", record.publisher.as_deref());
    text_row("Type", record.resource_type.as_deref());
    let licence = record
        .license
        .as_ref()
        .and_then(|l| l.spdx.as_deref().or(l.name.as_deref()).or(l.url.as_deref()));
    text_row("Licence", licence);
    let funding: Vec<String> = record
        .funding
        .iter()
        .map(|f| {
            [
                f.award_title.as_deref(),
                f.award_number.as_deref(),
                f.funder.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
        })
        .filter(|f| !f.is_empty())
        .collect();
    if !funding.is_empty() {
        rows.push(("Funding", escape_html(&funding.join("; "))));
    }
    if !record.communities.is_empty() {
        rows.push(("Communities", escape_html(&record.communities.join(", "))));
    }
    let versions: Vec<String> = record
        .versions
        .iter()
        .map(|v| {
            let label = v.version.as_deref().unwrap_or(&v.doi);
            format!(
                "<a href=\"{}\">{}</a>",
                escape_html(&crate::model::doi_iri(&v.doi)),
                escape_html(label)
            )
        })
        .collect();
    if !versions.is_empty() {
        rows.push(("Other versions", versions.join(", ")));
    }
    let files: Vec<String> = record.files.iter().map(|f| escape_html(&f.name)).collect();
    if !files.is_empty() {
        rows.push(("Files", files.join(", ")));
    }
    let rows: String = rows
        .into_iter()
        .map(|(label, value)| format!("<tr><th>{label}</th><td>{value}</td></tr>"))
        .collect();
    format!("<table class=\"record\">{rows}</table>")
}
