//! The page of a resource the knowledge base minted that has no page of its
//! own (a person, an organisation, a grant, the content graph): what the
//! store says about it, as a table whose values link to the pages of articles,
//! terms and other resources; and the links to a resource's RDF views that
//! article, term and resource pages show.

use axum::http::StatusCode;
use axum::response::Response;
use oxigraph::model::{NamedOrBlankNode, Term};

use super::tree::term_url;
use super::{Section, page};
use crate::query::KnowledgeBase;
use crate::query::describe::Description;
use crate::query::ontology::namespaces::term_namespaces;
use crate::server::view::escape_html;
use crate::vocab;

/// The RDF views of the resource at `path` (a path of this server), as links.
pub fn data_links(path: &str) -> String {
    let links: Vec<String> = [
        ("Turtle", "ttl"),
        ("N-Triples", "nt"),
        ("RDF/XML", "rdf"),
        ("JSON-LD", "jsonld"),
    ]
    .iter()
    .map(|(label, format)| {
        format!(
            "<a href=\"{}?format={format}\">{label}</a>",
            escape_html(path)
        )
    })
    .collect();
    format!(
        "<p class=\"meta data-links\">As data: {}</p>",
        links.join(" · ")
    )
}

/// Where this server shows an IRI: an article's page, a minted resource's
/// path, a loaded term's page (`terms`: the namespaces holding terms); `None`
/// for IRIs of the wider web.
fn local_url(kb: &KnowledgeBase, terms: &[String], iri: &str) -> Option<String> {
    let base = &kb.manifest().graph_config.base_iri;
    if let Some(id) = iri.strip_prefix(&format!("{base}article/")) {
        return Some(format!("/docs/{id}"));
    }
    if let Some(rest) = iri.strip_prefix(base.as_str())
        && !base.ends_with('#')
    {
        return Some(format!("/{rest}"));
    }
    terms
        .iter()
        .any(|ns| iri.starts_with(ns.as_str()))
        .then(|| term_url(kb.prefixes().compact(iri).as_deref(), iri))
}

/// An IRI as a CURIE: the generation's prefixes, then those of the RDF views
/// (`void:`, `sd:`), else the IRI itself.
fn name_of(kb: &KnowledgeBase, iri: &str) -> String {
    kb.prefixes()
        .compact(iri)
        .or_else(|| {
            crate::server::linked_data::PREFIXES
                .iter()
                .find_map(|(prefix, ns)| {
                    iri.strip_prefix(ns)
                        .filter(|local| !local.is_empty())
                        .map(|local| format!("{prefix}:{local}"))
                })
        })
        .unwrap_or_else(|| iri.to_string())
}

fn value_html(
    kb: &KnowledgeBase,
    terms: &[String],
    term: &Term,
    description: &Description,
    depth: usize,
) -> String {
    match term {
        Term::NamedNode(n) => {
            let text = escape_html(&name_of(kb, n.as_str()));
            match local_url(kb, terms, n.as_str()) {
                Some(url) => format!("<a href=\"{}\">{text}</a>", escape_html(&url)),
                None if n.as_str().starts_with("http") => format!(
                    "<a href=\"{}\" rel=\"noopener\">{text}</a>",
                    escape_html(n.as_str())
                ),
                None => text,
            }
        }
        Term::BlankNode(b) if depth < 2 => {
            rows_html(kb, terms, &b.clone().into(), description, depth + 1)
        }
        Term::BlankNode(_) => "…".into(),
        Term::Literal(l) => escape_html(l.value()),
    }
}

/// What `subject` says, one row per property, values joined.
fn rows_html(
    kb: &KnowledgeBase,
    terms: &[String],
    subject: &NamedOrBlankNode,
    description: &Description,
    depth: usize,
) -> String {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for triple in description.triples.iter().filter(|t| &t.subject == subject) {
        let property = name_of(kb, triple.predicate.as_str());
        let value = value_html(kb, terms, &triple.object, description, depth);
        match rows.iter_mut().find(|(p, _)| *p == property) {
            Some((_, values)) => values.push(value),
            None => rows.push((property, vec![value])),
        }
    }
    let rows: String = rows
        .into_iter()
        .map(|(property, values)| {
            format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                escape_html(&property),
                values.join("<br>")
            )
        })
        .collect();
    format!("<table class=\"record\">{rows}</table>")
}

/// A resource's page: its name, IRI, the RDF views, and its statements.
pub fn resource_page(kb: &KnowledgeBase, description: &Description) -> Response {
    let subject: Option<NamedOrBlankNode> = oxigraph::model::NamedNode::new(&description.iri)
        .ok()
        .map(Into::into);
    let Some(subject) = subject else {
        return resource_not_found(&description.iri);
    };
    let names = [
        format!("{}name", vocab::SCHEMA),
        format!("{}label", vocab::RDFS),
        format!("{}title", vocab::DCTERMS),
    ];
    let title = names
        .iter()
        .find_map(|name| {
            description.triples.iter().find_map(|t| match &t.object {
                Term::Literal(l)
                    if t.subject == subject && t.predicate.as_str() == name.as_str() =>
                {
                    Some(l.value().to_string())
                }
                _ => None,
            })
        })
        .unwrap_or_else(|| {
            if description.iri == kb.content_graph() {
                "The content graph".to_string()
            } else {
                name_of(kb, &description.iri)
            }
        });
    // Without the term index, term IRIs are shown as plain links.
    let terms = term_namespaces(kb).unwrap_or_default();
    let path = local_url(kb, &terms, &description.iri).unwrap_or_default();
    let links = if path.starts_with('/') {
        data_links(&path)
    } else {
        String::new()
    };
    let note = if description.truncated {
        "<p class=\"muted\">The description is cut at its size limit; ask the SPARQL endpoint for the rest.</p>"
    } else {
        ""
    };
    let body = format!(
        "<p class=\"meta\">IRI: <code>{}</code></p>{links}{}{note}",
        escape_html(&description.iri),
        rows_html(kb, &terms, &subject, description, 0),
    );
    page(StatusCode::OK, Section::None, &title, &body)
}

/// The page for a path under a minted kind that names nothing known.
pub fn resource_not_found(path: &str) -> Response {
    page(
        StatusCode::NOT_FOUND,
        Section::None,
        "Not found",
        &format!(
            "<p>The knowledge base says nothing about <code>{}</code>.</p>",
            escape_html(path)
        ),
    )
}
