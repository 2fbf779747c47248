//! Term pages (`/terms/{curie-or-encoded-iri}`), rendered on the server so that
//! they read without JavaScript: label, identifiers, definitions, synonyms,
//! deprecation, mappings, the term in its hierarchy ([`super::tree`]), and the
//! guidance and outputs that use it; and the term chips of article pages.

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::tree::{encode_segment, ontology_url, term_url, tree_html};
use super::{Section, page, shell};
use crate::model::LangText;
use crate::query::ontology::browse::{self, MappingTarget, TermName, TermPage, TermTag, TreeNode};
use crate::query::ontology::lookup::resolve;
use crate::server::api::{Cost, with_kb};
use crate::server::view::escape_html;
use crate::server::{AppState, linked_data};

fn name_text(name: &TermName) -> &str {
    name.label
        .as_deref()
        .or(name.curie.as_deref())
        .unwrap_or(&name.iri)
}

/// A term as a link to its page (label shown, CURIE in the title), or as
/// text when no loaded ontology defines it.
fn term_link(name: &TermName) -> String {
    let text = escape_html(name_text(name));
    let id = escape_html(name.curie.as_deref().unwrap_or(&name.iri));
    if name.known {
        format!(
            "<a href=\"{}\" title=\"{id}\">{text}</a>",
            escape_html(&term_url(name.curie.as_deref(), &name.iri))
        )
    } else {
        format!("<span title=\"{}\">{text}</span>", escape_html(&name.iri))
    }
}

/// The term chips of an article page: links to the term pages, label shown and
/// CURIE in the title; a value no loaded ontology defines stays plain text.
pub fn term_chips(tags: &[TermTag]) -> String {
    if tags.is_empty() {
        return String::new();
    }
    let items: String = tags
        .iter()
        .map(|tag| match &tag.term {
            Some(name) => format!(
                "<a class=\"chip term-chip\" href=\"{}\" title=\"{}\">{}</a>",
                escape_html(&term_url(name.curie.as_deref(), &name.iri)),
                escape_html(name.curie.as_deref().unwrap_or(&name.iri)),
                escape_html(name_text(name)),
            ),
            None => format!(
                "<span class=\"chip\" title=\"not in the loaded ontologies\">{}</span>",
                escape_html(&tag.value)
            ),
        })
        .collect();
    format!("<div>Terms: {items}</div>")
}

fn lang(text: &LangText) -> String {
    match &text.lang {
        Some(l) => format!(" <span class=\"lang\">@{}</span>", escape_html(l)),
        None => String::new(),
    }
}

/// What a synonym's property says, in words.
pub(super) fn synonym_kind(kind: &str) -> &str {
    match kind {
        "oboInOwl:hasExactSynonym" => "exact",
        "oboInOwl:hasRelatedSynonym" => "related",
        "oboInOwl:hasBroadSynonym" => "broad",
        "oboInOwl:hasNarrowSynonym" => "narrow",
        "skos:altLabel" => "alternative label",
        "skos:hiddenLabel" => "hidden label",
        "obo:IAO_0000118" => "alternative term",
        other => other,
    }
}

fn row(label: &str, value: String) -> String {
    if value.is_empty() {
        return String::new();
    }
    format!("<dt>{label}</dt><dd>{value}</dd>")
}

fn links(names: &[TermName]) -> String {
    names.iter().map(term_link).collect::<Vec<_>>().join(", ")
}

fn term_body(p: &TermPage) -> String {
    let t = &p.term;
    let title = t.label.as_deref().or(t.curie.as_deref()).unwrap_or(&t.iri);
    let ontology_link = match &p.ontology_id {
        Some(id) => format!(
            "<a href=\"{}\">{}</a>",
            escape_html(&ontology_url(id)),
            escape_html(p.ontology_title.as_deref().unwrap_or(id))
        ),
        None => escape_html(&t.ontology),
    };
    let crumbs = format!(
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/ontologies\">Ontologies</a> › {ontology_link}</nav>"
    );
    let mut badges: Vec<String> = t
        .types
        .iter()
        .map(|k| format!("<span class=\"badge\">{}</span>", escape_html(k)))
        .collect();
    if t.deprecated {
        badges.push("<span class=\"badge deprecated\">deprecated</span>".into());
    }
    let deprecation = if t.deprecated {
        let mut text = "This term is deprecated.".to_string();
        if !p.replaced_by.is_empty() {
            text.push_str(&format!(" Replaced by {}.", links(&p.replaced_by)));
        }
        if !p.consider.is_empty() {
            text.push_str(&format!(" Consider {}.", links(&p.consider)));
        }
        format!("<div class=\"notice deprecation\" role=\"note\">{text}</div>")
    } else {
        String::new()
    };
    let definitions: String = t
        .definitions
        .iter()
        .map(|d| format!("<p>{}{}</p>", escape_html(&d.value), lang(d)))
        .collect();
    let synonyms: String = t
        .synonyms
        .iter()
        .map(|s| {
            format!(
                "<li>{}{} <span class=\"muted\" title=\"{}\">{}</span></li>",
                escape_html(&s.value),
                s.lang
                    .as_deref()
                    .map(|l| format!(" <span class=\"lang\">@{}</span>", escape_html(l)))
                    .unwrap_or_default(),
                escape_html(&s.kind),
                escape_html(synonym_kind(&s.kind)),
            )
        })
        .collect();
    let other_labels: String = t
        .labels
        .iter()
        .filter(|l| Some(&l.value) != t.label.as_ref())
        .map(|l| format!("<li>{}{}</li>", escape_html(&l.value), lang(l)))
        .collect();
    let mappings: String = p
        .mappings
        .iter()
        .map(|m| {
            let target = match &m.target {
                MappingTarget::Term(name) => term_link(name),
                MappingTarget::Iri { iri } => format!(
                    "<a href=\"{0}\" rel=\"nofollow\"><code>{0}</code></a>",
                    escape_html(iri)
                ),
                MappingTarget::Text { value } => format!("<code>{}</code>", escape_html(value)),
            };
            format!(
                "<li><span class=\"muted\">{}</span> {target}</li>",
                escape_html(&m.relation)
            )
        })
        .collect();
    let direct = p
        .context
        .roots
        .first()
        .map(|_| count_children(&p.context.roots))
        .unwrap_or(0);
    let narrower = match p.descendant_count {
        Some(all) if all as usize > direct => format!("{direct} direct, {all} in all"),
        _ => direct.to_string(),
    };
    let facts = [
        row(
            "CURIE",
            t.curie
                .as_deref()
                .map(|c| format!("<code id=\"term-curie\">{}</code>", escape_html(c)))
                .unwrap_or_default(),
        ),
        row(
            "IRI",
            format!(
                "<a href=\"{0}\" rel=\"nofollow\"><code id=\"term-iri\">{0}</code></a>",
                escape_html(&t.iri)
            ),
        ),
        row("Ontology", ontology_link),
        row("Definition", definitions),
        row(
            "Synonyms",
            if synonyms.is_empty() {
                String::new()
            } else {
                format!("<ul class=\"plain\" id=\"term-synonyms\">{synonyms}</ul>")
            },
        ),
        row(
            "Other labels",
            if other_labels.is_empty() {
                String::new()
            } else {
                format!("<ul class=\"plain\">{other_labels}</ul>")
            },
        ),
        row(
            if p.parents.len() == 1 {
                "Parent"
            } else {
                "Parents"
            },
            links(&p.parents),
        ),
        row("Narrower terms", narrower),
        row(
            "Mappings",
            if mappings.is_empty() {
                String::new()
            } else {
                format!("<ul class=\"plain\" id=\"term-mappings\">{mappings}</ul>")
            },
        ),
    ]
    .concat();
    let cut = if p.context.truncated {
        "<p class=\"tree-note\">The hierarchy is large: only part of it is shown.</p>"
    } else {
        ""
    };
    let tree = format!(
        "<section aria-labelledby=\"h-tree\"><h2 id=\"h-tree\">Hierarchy</h2>\
         <p class=\"muted\">Every path from the top of the ontology down to this term; open a term to see its narrower terms.</p>\
         <ul class=\"tree\" id=\"term-tree\">{}</ul>{cut}</section>",
        tree_html(&p.context.roots)
    );
    format!(
        "{crumbs}<h1 id=\"term-label\">{}</h1><p class=\"badges\">{}</p>{deprecation}\
         <dl class=\"facts\">{facts}</dl>{tree}{}",
        escape_html(title),
        badges.join(" "),
        used_by_html(p)
    )
}

/// Direct children of the current term, as the tree counted them.
fn count_children(nodes: &[TreeNode]) -> usize {
    for n in nodes {
        if n.current {
            return n.child_count.unwrap_or(n.children.len());
        }
        let found = count_children(&n.children);
        if found > 0 {
            return found;
        }
    }
    0
}

fn used_by_html(p: &TermPage) -> String {
    let list = |output: bool| -> (usize, String) {
        let items: Vec<String> = p
            .used_by
            .iter()
            .filter(|u| u.output == output)
            .map(|u| {
                let via = u
                    .via
                    .as_ref()
                    .map(|v| format!(" <span class=\"muted\">via {}</span>", term_link(v)))
                    .unwrap_or_default();
                let kind = u
                    .kind
                    .as_deref()
                    .map(|k| format!(" <span class=\"badge\">{}</span>", escape_html(k)))
                    .unwrap_or_default();
                format!(
                    "<li><a href=\"{}\">{}</a>{kind}{via}</li>",
                    escape_html(&crate::server::view::article_url(&u.id)),
                    escape_html(&u.title)
                )
            })
            .collect();
        (items.len(), items.concat())
    };
    let (guides, guide_items) = list(false);
    let (outputs, output_items) = list(true);
    let mut body = String::new();
    if guides > 0 {
        body.push_str(&format!(
            "<h3>Guidance ({guides})</h3><ul class=\"used\" id=\"used-guidance\">{guide_items}</ul>"
        ));
    }
    if outputs > 0 {
        body.push_str(&format!(
            "<h3>Research outputs ({outputs})</h3><ul class=\"used\" id=\"used-outputs\">{output_items}</ul>"
        ));
    }
    if body.is_empty() {
        body = "<p class=\"muted\">No guidance or output is annotated with this term or a narrower one yet.</p>".into();
    }
    if p.used_by_total > p.used_by.len() {
        body.push_str(&format!(
            "<p class=\"muted\">{} of {} shown.</p>",
            p.used_by.len(),
            p.used_by_total
        ));
    }
    format!(
        "<section aria-labelledby=\"h-used\"><h2 id=\"h-used\">Guidance and outputs that use this term or a narrower one</h2>{body}</section>"
    )
}

fn not_found(what: &str, reason: &str) -> Response {
    page(
        StatusCode::NOT_FOUND,
        Section::Terms,
        "Term not found",
        &format!(
            "<p>No loaded ontology defines <code>{}</code>{}.</p>\
             <p><a href=\"/terms?q={}\">Search the terms</a> or see the <a href=\"/ontologies\">loaded ontologies</a>.</p>",
            escape_html(what),
            if reason.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape_html(reason))
            },
            escape_html(&encode_segment(what)),
        ),
    )
}

/// `GET /terms/{curie-or-encoded-iri}`: the page, or the term's triples (its
/// concise bounded description) in an RDF syntax when `format=` or `Accept`
/// asks for one.
pub async fn term(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
) -> Response {
    let format = match linked_data::representation(&headers, raw_query.as_deref()) {
        Ok(linked_data::Representation::Html) => None,
        Ok(linked_data::Representation::Rdf(format)) => Some(format),
        Err(e) => return linked_data::vary(e.into_response()),
    };
    if let Some(format) = format {
        let result = with_kb(&state, Cost::Unbounded, move |kb| {
            let iri = resolve(kb, None, Some(&id))?;
            // Only terms of the loaded ontologies: the store may mention others.
            if !browse::term_name(kb, &iri)?.known {
                return Err(crate::query::Error::TermNotFound(iri));
            }
            crate::query::describe::describe(kb, &iri)
        })
        .await;
        return linked_data::vary(match result {
            Ok(description) => linked_data::rdf_response(&description.triples, format),
            Err(e) => e.into_response(),
        });
    }
    linked_data::vary(term_page(state, id).await)
}

async fn term_page(state: AppState, id: String) -> Response {
    let wanted = id.clone();
    let result = with_kb(&state, Cost::Unbounded, move |kb| {
        let iri = resolve(kb, None, Some(&id))?;
        browse::term_page(kb, &iri)
    })
    .await;
    match result {
        Ok(p) => {
            let t = &p.term;
            let title = t.label.as_deref().or(t.curie.as_deref()).unwrap_or(&t.iri);
            let html = shell(
                Section::Terms,
                &format!("{title} · eoskb"),
                "doc term-page",
                &format!(
                    "{}{}",
                    term_body(&p),
                    super::data_links(&term_url(t.curie.as_deref(), &t.iri))
                ),
                &["terms.js"],
            );
            Html(html).into_response()
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => not_found(&wanted, ""),
        Err(e) if e.status == StatusCode::BAD_REQUEST => not_found(&wanted, &e.message),
        Err(e) => page(e.status, Section::Terms, "Error", &escape_html(&e.message)),
    }
}
