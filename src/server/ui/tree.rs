//! Term URLs and hierarchy trees as HTML: nested lists whose paths to a term
//! are open. Without a script every node is a link to its own page (which lists
//! its children); `terms.js` adds a disclosure button to each node that has
//! children and loads them on demand, building the same markup.

use crate::query::ontology::browse::{TreeNode, TreePage};
use crate::server::view::escape_html;

/// Percent-encodes a path segment, keeping letters, digits, `-._~` and `:` (so
/// CURIEs stay readable: `/terms/PaNET:PaNET01188`).
pub(super) fn encode_segment(text: &str) -> String {
    percent_encode_keeping(text, b":")
}

/// Percent-encodes every byte but unreserved ASCII (letters, digits, `-._~`)
/// and the bytes in `keep`.
pub(crate) fn percent_encode_keeping(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep.contains(&b)
        {
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
