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
            rows_html(kb, terms, &b.clone().into(), description, depth + 1, &[])
        }
        Term::BlankNode(_) => "…".into(),
        Term::Literal(l) => escape_html(l.value()),
    }
}

/// What `subject` says, one row per property, values joined; statements whose
/// object is in `shown_apart` are left out.
fn rows_html(
    kb: &KnowledgeBase,
    terms: &[String],
    subject: &NamedOrBlankNode,
    description: &Description,
    depth: usize,
    shown_apart: &[Term],
) -> String {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for triple in description
        .triples
        .iter()
        .filter(|t| &t.subject == subject && !shown_apart.contains(&t.object))
    {
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

/// The one value of `property` on `subject`, if any.
fn value_of<'a>(description: &'a Description, subject: &Term, property: &str) -> Option<&'a Term> {
    description
        .triples
        .iter()
        .find(|t| Term::from(t.subject.clone()) == *subject && t.predicate.as_str() == property)
        .map(|t| &t.object)
}

/// A graph as a linkset's target: a loaded ontology by its title, linked to
/// its page, with the graph IRI beneath; any other graph by its IRI.
fn graph_cell(
    kb: &KnowledgeBase,
    terms: &[String],
    description: &Description,
    graph: &str,
) -> String {
    let ontology = crate::query::ontology::browse::ontologies(kb)
        .into_iter()
        .find(|o| o.info.graph == graph);
    match ontology {
        Some(o) => format!(
            "<a href=\"{}\">{}</a><br><code class=\"muted\">{}</code>",
            escape_html(&super::tree::ontology_url(&o.id)),
            escape_html(o.info.title.as_deref().unwrap_or(&o.id)),
            escape_html(graph)
        ),
        None => value_html(
            kb,
            terms,
            &Term::NamedNode(oxigraph::model::NamedNode::new_unchecked(graph)),
            description,
            2,
        ),
    }
}

/// A graph's VoID linksets (its `void:subset`s typed `void:Linkset`) as one
/// table, a row per target graph and predicate, most links first; with the
/// linkset nodes, which the record table then leaves out.
fn linksets_html(
    kb: &KnowledgeBase,
    terms: &[String],
    subject: &NamedOrBlankNode,
    description: &Description,
) -> (String, Vec<Term>) {
    let subset = format!("{}subset", vocab::VOID);
    let linkset = Term::from(oxigraph::model::NamedNode::new_unchecked(format!(
        "{}Linkset",
        vocab::VOID
    )));
    let rdf_type = oxigraph::model::vocab::rdf::TYPE.as_str();
    let mut nodes = Vec::new();
    let mut rows: Vec<(u64, String)> = Vec::new();
    for triple in description
        .triples
        .iter()
        .filter(|t| &t.subject == subject && t.predicate.as_str() == subset)
    {
        let node = &triple.object;
        if value_of(description, node, rdf_type) != Some(&linkset) {
            continue;
        }
        let target = match value_of(description, node, &format!("{}objectsTarget", vocab::VOID)) {
            Some(Term::NamedNode(graph)) => graph_cell(kb, terms, description, graph.as_str()),
            Some(other) => value_html(kb, terms, other, description, 2),
            None => String::new(),
        };
        let cell = |property: &str| {
            value_of(description, node, &format!("{}{property}", vocab::VOID))
                .map(|v| value_html(kb, terms, v, description, 2))
                .unwrap_or_default()
        };
        let count = match value_of(description, node, &format!("{}triples", vocab::VOID)) {
            Some(Term::Literal(l)) => l.value().parse().unwrap_or(0),
            _ => 0,
        };
        rows.push((
            count,
            format!(
                "<tr><td>{target}</td><td>{}</td><td class=\"num\">{count}</td></tr>",
                cell("linkPredicate"),
            ),
        ));
        nodes.push(node.clone());
    }
    if rows.is_empty() {
        return (String::new(), nodes);
    }
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    let rows: String = rows.into_iter().map(|(_, row)| row).collect();
    (
        format!(
            "<h2>Links to other graphs</h2><p class=\"muted\">VoID linksets: statements of this graph whose object is a resource of another graph.</p>\
             <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Links to other graphs\">\
             <table class=\"counts linksets\"><thead><tr><th scope=\"col\">Graph</th>\
             <th scope=\"col\">Through</th><th scope=\"col\" class=\"num\">Links</th></tr></thead><tbody>{rows}</tbody></table></div>"
        ),
        nodes,
    )
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
    let (linksets, apart) = linksets_html(kb, &terms, &subject, description);
    let body = format!(
        "<p class=\"meta\">IRI: <code>{}</code></p>{links}{}{note}{linksets}",
        escape_html(&description.iri),
        rows_html(kb, &terms, &subject, description, 0, &apart),
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
