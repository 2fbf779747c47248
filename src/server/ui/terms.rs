//! Term pages, rendered on the server so that they read without JavaScript:
//! `/terms` (search, with autocomplete added by `terms.js`) and
//! `/terms/{curie-or-encoded-iri}` (label, identifiers, definitions, synonyms,
//! deprecation, mappings, the term in its hierarchy, and what uses it). The
//! hierarchy is nested lists, the paths to the term open: without a script every
//! node is a link to its own page (which lists its children); `terms.js` adds a
//! disclosure button to each node that has children, loading them on demand.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::{Section, page, shell};
use crate::model::LangText;
use crate::query::ontology::browse::{
    self, MappingTarget, OntologySummary, TermName, TermPage, TermTag, TreeNode, TreePage,
};
use crate::query::ontology::lookup::resolve;
use crate::query::ontology::search::TermHit;
use crate::query::{self, TermSearch, TermSearchResponse};
use crate::server::AppState;
use crate::server::api::{Cost, with_kb};
use crate::server::view::escape_html;

/// Percent-encodes a path segment, keeping letters, digits, `-._~` and `:` (so
/// CURIEs stay readable: `/terms/PaNET:PaNET01188`).
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where a term's page is: `/terms/{curie}` when it has a CURIE, else
/// `/terms/{percent-encoded IRI}`.
pub fn term_url(curie: Option<&str>, iri: &str) -> String {
    format!("/terms/{}", encode_segment(curie.unwrap_or(iri)))
}

/// Where an ontology's page is.
pub fn ontology_url(id: &str) -> String {
    format!("/ontologies/{}", encode_segment(id))
}

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

/// A hierarchy as nested lists (the same markup `terms.js` builds for pages it
/// loads).
pub(super) fn tree_html(nodes: &[TreeNode]) -> String {
    nodes.iter().map(node_html).collect()
}

fn node_html(n: &TreeNode) -> String {
    let text = escape_html(n.label.as_deref().or(n.curie.as_deref()).unwrap_or(&n.iri));
    // The CURIE beside the label (a term without a label is shown by its CURIE).
    let curie = n
        .curie
        .as_deref()
        .filter(|_| n.label.is_some())
        .map(|c| format!(" <span class=\"curie\">{}</span>", escape_html(c)))
        .unwrap_or_default();
    let url = escape_html(&term_url(n.curie.as_deref(), &n.iri));
    let mut classes = vec!["term-node"];
    if n.deprecated {
        classes.push("deprecated");
    }
    let name = if !n.known {
        format!("<span class=\"{}\">{text}</span>", classes.join(" "))
    } else if n.current {
        format!(
            "<a class=\"{} current\" href=\"{url}\" aria-current=\"page\">{text}</a>",
            classes.join(" ")
        )
    } else {
        format!(
            "<a class=\"{}\" href=\"{url}\">{text}</a>",
            classes.join(" ")
        )
    };
    let flag = if n.deprecated {
        " <span class=\"badge deprecated\">deprecated</span>"
    } else {
        ""
    };
    let iri = escape_html(&n.iri);
    if !n.has_children {
        return format!("<li class=\"leaf\" data-iri=\"{iri}\">{name}{curie}{flag}</li>");
    }
    let count = n
        .child_count
        .map(|c| format!(" <span class=\"count\" title=\"narrower terms\">{c}</span>"))
        .unwrap_or_default();
    let shown = n.children.len();
    if shown == 0 {
        // Closed: its own link leads to its children without a script;
        // `terms.js` adds a button that opens it in place.
        return format!("<li class=\"branch\" data-iri=\"{iri}\">{name}{curie}{flag}{count}</li>");
    }
    let total = n.child_count.unwrap_or(shown).max(shown);
    // On a path only the way down is shown: the rest is a link to the node's
    // page without a script, a button that loads them in place with one.
    let more = match total - shown {
        0 => String::new(),
        _ if !n.known => String::new(),
        1 => format!("<a class=\"tree-more\" href=\"{url}\">1 more narrower term</a>"),
        rest => format!("<a class=\"tree-more\" href=\"{url}\">{rest} more narrower terms</a>"),
    };
    format!(
        "<li class=\"branch open\" data-iri=\"{iri}\" data-total=\"{total}\">{name}{curie}{flag}{count}<ul>{}</ul>{more}</li>",
        tree_html(&n.children)
    )
}

/// The first page of an ontology's roots of one kind, as a tree that pages on.
pub(super) fn roots_html(ontology: &str, kind: &str, page: &TreePage) -> String {
    let more = if page.items.len() < page.total {
        format!(
            "<p class=\"tree-note\">{} of {} root terms shown.</p>",
            page.items.len(),
            page.total
        )
    } else {
        String::new()
    };
    format!(
        "<ul class=\"tree\" data-ontology=\"{}\" data-type=\"{}\" data-total=\"{}\">{}</ul>{more}",
        escape_html(ontology),
        escape_html(kind),
        page.total,
        tree_html(&page.items)
    )
}

fn lang(text: &LangText) -> String {
    match &text.lang {
        Some(l) => format!(" <span class=\"lang\">@{}</span>", escape_html(l)),
        None => String::new(),
    }
}

/// What a synonym's property says, in words.
fn synonym_kind(kind: &str) -> &str {
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

/// `GET /terms/{curie-or-encoded-iri}`.
pub async fn term(State(state): State<AppState>, Path(id): Path<String>) -> Response {
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
                &term_body(&p),
                &["terms.js"],
            );
            Html(html).into_response()
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => not_found(&wanted, ""),
        Err(e) if e.status == StatusCode::BAD_REQUEST => not_found(&wanted, &e.message),
        Err(e) => page(e.status, Section::Terms, "Error", &escape_html(&e.message)),
    }
}

fn hit_html(hit: &TermHit, ontologies: &[OntologySummary]) -> String {
    let url = escape_html(&term_url(hit.curie.as_deref(), &hit.iri));
    let label = escape_html(
        hit.label
            .as_deref()
            .or(hit.curie.as_deref())
            .unwrap_or(&hit.iri),
    );
    let curie = hit
        .curie
        .as_deref()
        .map(|c| format!(" <span class=\"curie\">{}</span>", escape_html(c)))
        .unwrap_or_default();
    let ontology = ontologies
        .iter()
        .find(|o| o.info.graph == hit.ontology)
        .map(|o| format!(" <span class=\"badge\">{}</span>", escape_html(&o.id)))
        .unwrap_or_default();
    let deprecated = if hit.deprecated {
        " <span class=\"badge deprecated\">deprecated</span>"
    } else {
        ""
    };
    let matched = if hit.matched.field != "label" && hit.matched.field != "iri" {
        format!(
            "<div class=\"muted\">matched {}: {}</div>",
            escape_html(synonym_kind(&hit.matched.field)),
            escape_html(&hit.matched.value)
        )
    } else {
        String::new()
    };
    let definition = hit
        .definition
        .as_deref()
        .map(|d| format!("<p>{}</p>", escape_html(d)))
        .unwrap_or_default();
    format!(
        "<li class=\"term-hit\"><a href=\"{url}\">{label}</a>{curie}{ontology}{deprecated}{matched}{definition}</li>"
    )
}

/// `GET /terms?q=&ontology=&type=&offset=`: term search; results are rendered
/// here, so the page works without a script, and `terms.js` adds suggestions
/// as you type.
pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (q, ontology, kind) = (get("q"), get("ontology"), get("type"));
    let limit = 20;
    let mut request_params = params.clone();
    request_params.retain(|(k, _)| k != "limit");
    request_params.push(("limit".into(), limit.to_string()));
    type Found = (
        Vec<OntologySummary>,
        Option<Result<TermSearchResponse, query::Error>>,
    );
    let found: Result<Found, _> = with_kb(&state, Cost::Unbounded, move |kb| {
        let ontologies = browse::ontologies(kb);
        if q.trim().is_empty() {
            return Ok((ontologies, None));
        }
        let result =
            TermSearch::from_params(request_params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .and_then(|request| query::search_terms(kb, &request));
        Ok((ontologies, Some(result)))
    })
    .await;
    let (ontologies, result) = match found {
        Ok(found) => found,
        Err(e) => return page(e.status, Section::Terms, "Error", &escape_html(&e.message)),
    };
    let q = get("q");
    let offset: usize = get("offset").parse().unwrap_or(0);
    let options: String = ontologies
        .iter()
        .map(|o| {
            let selected = if o.id == ontology { " selected" } else { "" };
            format!(
                "<option value=\"{}\"{selected}>{}</option>",
                escape_html(&o.id),
                escape_html(&format!(
                    "{} ({})",
                    o.info.title.as_deref().unwrap_or(&o.id),
                    o.id
                ))
            )
        })
        .collect();
    let kinds: String = [
        ("", "any type"),
        ("class", "classes"),
        ("property", "properties"),
        ("concept", "concepts"),
    ]
    .iter()
    .map(|(value, label)| {
        let selected = if *value == kind { " selected" } else { "" };
        format!("<option value=\"{value}\"{selected}>{label}</option>")
    })
    .collect();
    let form = format!(
        "<form class=\"search term-search\" id=\"term-form\" role=\"search\" action=\"/terms\" method=\"get\">\
         <div class=\"combo\"><input id=\"term-q\" name=\"q\" type=\"search\" value=\"{}\" \
         placeholder=\"a term, e.g. small angle x-ray scattering\" aria-label=\"Term\" autocomplete=\"off\" \
         role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\" aria-controls=\"term-suggestions\">\
         <ul id=\"term-suggestions\" role=\"listbox\" aria-label=\"Suggested terms\" hidden></ul></div>\
         <select name=\"ontology\" id=\"term-ontology\" aria-label=\"Ontology\"><option value=\"\">all ontologies</option>{options}</select>\
         <select name=\"type\" id=\"term-type\" aria-label=\"Type of term\">{kinds}</select>\
         <button type=\"submit\">Search</button></form>",
        escape_html(&q)
    );
    let results = match result {
        None => {
            "<p class=\"status\" id=\"term-status\">Type a term: suggestions appear as you type. \
                 Or browse the <a href=\"/ontologies\">loaded ontologies</a>.</p>"
                .to_string()
        }
        Some(Err(e)) => {
            let e = crate::server::ApiError::from(e);
            format!(
                "<p class=\"status error\" id=\"term-status\">{}</p>",
                escape_html(&e.message)
            )
        }
        Some(Ok(r)) => {
            let hits: String = r.hits.iter().map(|h| hit_html(h, &ontologies)).collect();
            let link = |offset: usize| {
                let mut p = form_urlencoded::Serializer::new(String::new());
                for (k, v) in [("q", &q), ("ontology", &ontology), ("type", &kind)] {
                    if !v.is_empty() {
                        p.append_pair(k, v);
                    }
                }
                if offset > 0 {
                    p.append_pair("offset", &offset.to_string());
                }
                format!("/terms?{}", p.finish())
            };
            let mut pager = Vec::new();
            if offset > 0 {
                pager.push(format!(
                    "<a href=\"{}\" rel=\"prev\">previous</a>",
                    escape_html(&link(offset.saturating_sub(limit)))
                ));
            }
            if offset + r.hits.len() < r.total {
                pager.push(format!(
                    "<a href=\"{}\" rel=\"next\">next</a>",
                    escape_html(&link(offset + limit))
                ));
            }
            format!(
                "<p class=\"status\" id=\"term-status\">{} term{}</p><ol class=\"term-hits\" start=\"{}\">{hits}</ol>\
                 <nav class=\"pager\" aria-label=\"Pages\">{}</nav>",
                r.total,
                if r.total == 1 { "" } else { "s" },
                offset + 1,
                pager.join(" ")
            )
        }
    };
    let body = format!("<h1>Terms</h1>{form}{results}");
    Html(shell(
        Section::Terms,
        "Terms · eoskb",
        "terms-search",
        &body,
        &["terms.js"],
    ))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_urls_keep_curies_readable_and_encode_iris() {
        assert_eq!(
            term_url(Some("PaNET:PaNET01188"), "x"),
            "/terms/PaNET:PaNET01188"
        );
        assert_eq!(
            term_url(None, "http://example.org/a#b c"),
            "/terms/http:%2F%2Fexample.org%2Fa%23b%20c"
        );
        assert_eq!(ontology_url("edam_1.25"), "/ontologies/edam_1.25");
    }

    #[test]
    fn a_closed_node_links_to_its_page_and_an_open_one_links_the_rest() {
        let n = TreeNode {
            iri: "http://example.org/a".into(),
            curie: Some("ex:a".into()),
            label: Some("<A>".into()),
            known: true,
            deprecated: false,
            has_children: true,
            child_count: None,
            children: Vec::new(),
            current: false,
        };
        let html = node_html(&n);
        assert!(html.starts_with("<li class=\"branch\""), "{html}");
        assert!(html.contains("&lt;A&gt;"), "{html}");
        assert!(html.contains("href=\"/terms/ex:a\""), "{html}");
        assert!(!html.contains("<ul>"), "{html}");
        let child = TreeNode {
            has_children: false,
            ..n.clone()
        };
        let open = node_html(&TreeNode {
            child_count: Some(3),
            children: vec![child],
            ..n.clone()
        });
        assert!(open.starts_with("<li class=\"branch open\""), "{open}");
        assert!(
            open.contains("<a class=\"tree-more\" href=\"/terms/ex:a\">2 more narrower terms</a>"),
            "{open}"
        );
        let leaf = node_html(&TreeNode {
            has_children: false,
            ..n
        });
        assert!(leaf.starts_with("<li class=\"leaf\""), "{leaf}");
    }
}
