//! Ontology pages: `/ontologies` lists the loaded ontologies, and
//! `/ontologies/{id}` shows one's header, counts and root terms as a tree that
//! opens on demand (`terms.js`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::tree::{ontology_url, roots_html};
use super::{Section, page, shell};
use crate::query::ontology::browse::{self, OntologyDetails};
use crate::server::AppState;
use crate::server::api::{Cost, with_kb};
use crate::server::view::escape_html;

fn link_if_url(value: &str) -> String {
    if value.starts_with("http://") || value.starts_with("https://") {
        format!(
            "<a href=\"{0}\" rel=\"nofollow\">{0}</a>",
            escape_html(value)
        )
    } else {
        escape_html(value)
    }
}

/// `GET /ontologies`.
pub async fn list(State(state): State<AppState>) -> Response {
    let list = match with_kb(&state, Cost::Bounded, |kb| Ok(browse::ontologies(kb))).await {
        Ok(list) => list,
        Err(e) => {
            return page(
                e.status,
                Section::Ontologies,
                "Error",
                &escape_html(&e.message),
            );
        }
    };
    let rows: String = list
        .iter()
        .map(|o| {
            let c = &o.info.counts;
            format!(
                "<tr><td><a href=\"{}\">{}</a></td><td><code>{}</code></td><td>{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape_html(&ontology_url(&o.id)),
                escape_html(o.info.title.as_deref().unwrap_or(&o.id)),
                escape_html(&o.id),
                escape_html(o.info.version_info.as_deref().unwrap_or("")),
                c.terms,
                c.classes,
                c.properties,
                c.concepts,
            )
        })
        .collect();
    let body = if list.is_empty() {
        "<p>No ontology is loaded: index with <code>--ontology PATH</code>.</p>".to_string()
    } else {
        format!(
            "<p>{} ontologies loaded. <a href=\"/terms\">Search their terms</a>.</p>\
             <div class=\"table-wrap\"><table class=\"ontologies\" id=\"ontology-list\"><thead><tr><th scope=\"col\">Ontology</th><th scope=\"col\">Id</th>\
             <th scope=\"col\">Version</th><th scope=\"col\">Terms</th><th scope=\"col\">Classes</th><th scope=\"col\">Properties</th>\
             <th scope=\"col\">Concepts</th></tr></thead><tbody>{rows}</tbody></table></div>",
            list.len()
        )
    };
    Html(shell(
        Section::Ontologies,
        "Ontologies · eoskb",
        "doc ontology-page",
        &format!("<h1>Ontologies</h1>{body}"),
        &[],
    ))
    .into_response()
}

fn details_body(d: &OntologyDetails) -> String {
    let info = &d.summary.info;
    let id = &d.summary.id;
    let title = info.title.as_deref().unwrap_or(id);
    let mut facts = vec![("Id", format!("<code>{}</code>", escape_html(id)))];
    if let Some(iri) = &info.iri {
        facts.push(("IRI", link_if_url(iri)));
    }
    if let Some(v) = &info.version_iri {
        facts.push(("Version IRI", link_if_url(v)));
    }
    if let Some(v) = &info.version_info {
        facts.push(("Version", escape_html(v)));
    }
    if let Some(l) = &info.license {
        facts.push(("Licence", link_if_url(l)));
    }
    if let Some(text) = &d.description {
        facts.push((
            "Description",
            format!("<span class=\"description\">{}</span>", escape_html(text)),
        ));
    }
    if !d.imports.is_empty() {
        facts.push((
            "Imports",
            d.imports
                .iter()
                .map(|i| link_if_url(i))
                .collect::<Vec<_>>()
                .join("<br>"),
        ));
    }
    facts.push((
        "Source",
        format!(
            "<code>{}</code> ({})",
            escape_html(&info.source),
            escape_html(&info.format)
        ),
    ));
    let facts: String = facts
        .into_iter()
        .map(|(k, v)| format!("<dt>{k}</dt><dd>{v}</dd>"))
        .collect();
    let c = &info.counts;
    let counts: String = [
        ("Terms", c.terms),
        ("Classes", c.classes),
        ("Properties", c.properties),
        ("Concepts", c.concepts),
        ("Deprecated terms", d.deprecated),
        ("Triples", c.triples),
    ]
    .iter()
    .map(|(k, v)| format!("<tr><th scope=\"row\">{k}</th><td class=\"num\">{v}</td></tr>"))
    .collect();
    let headings = [
        ("class", "Classes"),
        ("concept", "Concepts"),
        ("property", "Properties"),
    ];
    let trees: String = headings
        .iter()
        .filter_map(|(kind, heading)| {
            let page = d.roots.get(*kind)?;
            Some(format!(
                "<section aria-labelledby=\"h-{kind}\"><h3 id=\"h-{kind}\">{heading} <span class=\"muted\">({} root{})</span></h3>{}</section>",
                page.total,
                if page.total == 1 { "" } else { "s" },
                roots_html(id, kind, page)
            ))
        })
        .collect();
    let trees = if trees.is_empty() {
        "<p class=\"muted\">No root terms: every term has a broader one, or none is loaded.</p>"
            .to_string()
    } else {
        trees
    };
    format!(
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/ontologies\">Ontologies</a></nav>\
         <h1>{}</h1><dl class=\"facts\">{facts}</dl>\
         <h2>Counts</h2><table class=\"counts\" id=\"ontology-counts\">{counts}</table>\
         <p><a href=\"/terms?ontology={}\">Search the terms of this ontology</a></p>\
         <section aria-labelledby=\"h-roots\" id=\"ontology-roots\"><h2 id=\"h-roots\">Root terms</h2>\
         <p class=\"muted\">Terms with no broader term in the loaded ontologies; open one to see its narrower terms.</p>{trees}</section>",
        escape_html(title),
        escape_html(&form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()),
    )
}

/// `GET /ontologies/{id}`.
pub async fn ontology(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let wanted = id.clone();
    match with_kb(&state, Cost::Unbounded, move |kb| {
        browse::ontology_details(kb, &id)
    })
    .await
    {
        Ok(d) => {
            let title = d.summary.info.title.clone().unwrap_or(d.summary.id.clone());
            Html(shell(
                Section::Ontologies,
                &format!("{title} · eoskb"),
                "doc ontology-page",
                &details_body(&d),
                &["terms.js"],
            ))
            .into_response()
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => page(
            StatusCode::NOT_FOUND,
            Section::Ontologies,
            "Ontology not found",
            &format!(
                "<p>No loaded ontology is called <code>{}</code>. See the <a href=\"/ontologies\">loaded ontologies</a>.</p>",
                escape_html(&wanted)
            ),
        ),
        Err(e) => page(
            e.status,
            Section::Ontologies,
            "Error",
            &escape_html(&e.message),
        ),
    }
}
