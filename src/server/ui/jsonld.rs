//! schema.org JSON-LD for an article page, so that harvesters and search
//! engines read what the page is about. It is written from the same
//! description the article's IRI serves as RDF (`query::describe`), so the
//! two cannot drift: the JSON-LD holds exactly the description's schema.org
//! statements (those whose predicate is in the `https://schema.org/`
//! namespace, and the `rdf:type`s that are schema.org classes) and nothing
//! else. The context is inline (`@vocab`), so reading it fetches nothing.

use std::collections::HashSet;

use oxigraph::model::{NamedOrBlankNode, Term, Triple, vocab::rdf, vocab::xsd};
use serde_json::{Map, Value, json};

use crate::query::describe::Description;
use crate::vocab::SCHEMA;

/// Whether a triple is a schema.org statement.
pub fn is_schema_org(triple: &Triple) -> bool {
    if triple.predicate == rdf::TYPE {
        matches!(&triple.object, Term::NamedNode(n) if n.as_str().starts_with(SCHEMA))
    } else {
        triple.predicate.as_str().starts_with(SCHEMA)
    }
}

/// A schema.org IRI as the `@vocab` context reads it back: its local name
/// when that is a plain word, else the whole IRI.
fn vocab_name(iri: &str) -> String {
    match iri.strip_prefix(SCHEMA) {
        Some(local)
            if !local.is_empty()
                && local.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            local.to_string()
        }
        _ => iri.to_string(),
    }
}

fn node_id(node: &NamedOrBlankNode) -> String {
    match node {
        NamedOrBlankNode::NamedNode(n) => n.as_str().to_string(),
        NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
    }
}

/// The page's JSON-LD: the described resource as the top node, the nodes it
/// leads to (authors, organisations, grants) nested where first named and
/// referenced by `@id` after that; nodes the resource does not lead to by
/// schema.org statements follow in `@graph`.
pub fn description_jsonld(description: &Description) -> Value {
    let statements: Vec<&Triple> = description
        .triples
        .iter()
        .filter(|t| is_schema_org(t))
        .collect();
    let mut subjects: Vec<&NamedOrBlankNode> = Vec::new();
    for t in &statements {
        if !subjects.contains(&&t.subject) {
            subjects.push(&t.subject);
        }
    }
    let mut done: HashSet<NamedOrBlankNode> = HashSet::new();
    let mut roots: Vec<Value> = Vec::new();
    // The described resource first, then any other subject not yet written.
    let focus = subjects
        .iter()
        .position(|s| node_id(s) == description.iri)
        .unwrap_or(0);
    if let Some(first) = subjects.get(focus) {
        let first = (*first).clone();
        roots.push(node(&first, &statements, &mut done));
    }
    for subject in subjects {
        if !done.contains(subject) {
            roots.push(node(subject, &statements, &mut done));
        }
    }
    let context = json!({"@vocab": SCHEMA});
    match roots.len() {
        0 => json!({"@context": context, "@id": description.iri}),
        1 => {
            let mut top = Map::new();
            top.insert("@context".into(), context);
            if let Some(Value::Object(only)) = roots.pop() {
                top.extend(only);
            }
            Value::Object(top)
        }
        _ => json!({"@context": context, "@graph": roots}),
    }
}

/// One node object: its `@id`, `@type`s and properties, with the nodes it
/// names nested the first time (each node is written once; `done` holds them,
/// so cycles end).
fn node(
    subject: &NamedOrBlankNode,
    statements: &[&Triple],
    done: &mut HashSet<NamedOrBlankNode>,
) -> Value {
    done.insert(subject.clone());
    let mut out = Map::new();
    out.insert("@id".into(), json!(node_id(subject)));
    let mut types: Vec<Value> = Vec::new();
    for t in statements.iter().filter(|t| &t.subject == subject) {
        if t.predicate == rdf::TYPE {
            if let Term::NamedNode(n) = &t.object {
                types.push(json!(vocab_name(n.as_str())));
            }
            continue;
        }
        let value = match &t.object {
            Term::Literal(l) => {
                if let Some(language) = l.language() {
                    json!({"@value": l.value(), "@language": language})
                } else if l.datatype() == xsd::STRING {
                    json!(l.value())
                } else {
                    json!({"@value": l.value(), "@type": l.datatype().as_str()})
                }
            }
            Term::NamedNode(n) => {
                let object = NamedOrBlankNode::from(n.clone());
                nested(&object, statements, done)
            }
            Term::BlankNode(b) => {
                let object = NamedOrBlankNode::from(b.clone());
                nested(&object, statements, done)
            }
        };
        let key = vocab_name(t.predicate.as_str());
        match out.get_mut(&key) {
            Some(Value::Array(values)) => values.push(value),
            Some(one) => {
                let first = one.take();
                *one = Value::Array(vec![first, value]);
            }
            None => {
                out.insert(key, value);
            }
        }
    }
    match types.len() {
        0 => {}
        1 => {
            out.insert("@type".into(), types.remove(0));
        }
        _ => {
            out.insert("@type".into(), Value::Array(types));
        }
    }
    Value::Object(out)
}

/// An object node: nested when it is described and not yet written, else a
/// reference.
fn nested(
    object: &NamedOrBlankNode,
    statements: &[&Triple],
    done: &mut HashSet<NamedOrBlankNode>,
) -> Value {
    let described = statements.iter().any(|t| &t.subject == object);
    if described && !done.contains(object) {
        node(object, statements, done)
    } else {
        json!({"@id": node_id(object)})
    }
}

/// JSON for a `<script type="application/ld+json">` block: `<` is escaped, so
/// no value can close the block.
pub fn script_block(value: &Value) -> String {
    let json = value.to_string().replace('<', "\\u003c");
    format!("<script type=\"application/ld+json\">{json}</script>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode};

    #[test]
    fn the_json_ld_holds_the_schema_org_statements_and_nests_what_it_names() {
        let n = |s: &str| NamedNode::new_unchecked(s);
        let article = n("http://kb/article/a");
        let person = n("https://orcid.org/0000-0002-1825-0097");
        let triples = vec![
            Triple::new(article.clone(), rdf::TYPE, n(&format!("{SCHEMA}HowTo"))),
            Triple::new(article.clone(), rdf::TYPE, n(&format!("{SCHEMA}Article"))),
            Triple::new(
                article.clone(),
                n(&format!("{SCHEMA}name")),
                Literal::new_simple_literal("A"),
            ),
            Triple::new(
                article.clone(),
                n("http://purl.org/dc/terms/title"),
                Literal::new_simple_literal("A"),
            ),
            Triple::new(
                article.clone(),
                n(&format!("{SCHEMA}dateModified")),
                Literal::new_typed_literal("2026-05-01", xsd::DATE),
            ),
            Triple::new(
                article.clone(),
                n(&format!("{SCHEMA}author")),
                person.clone(),
            ),
            Triple::new(person.clone(), rdf::TYPE, n(&format!("{SCHEMA}Person"))),
            Triple::new(
                person.clone(),
                n(&format!("{SCHEMA}name")),
                Literal::new_simple_literal("Ada"),
            ),
        ];
        let ld = description_jsonld(&Description::of("http://kb/article/a", triples));
        assert_eq!(ld["@context"]["@vocab"], SCHEMA);
        assert_eq!(ld["@id"], "http://kb/article/a");
        assert_eq!(ld["@type"], json!(["HowTo", "Article"]));
        assert_eq!(ld["name"], "A");
        assert!(ld.get("http://purl.org/dc/terms/title").is_none());
        assert_eq!(ld["dateModified"]["@type"], xsd::DATE.as_str());
        assert_eq!(ld["author"]["name"], "Ada");
        assert_eq!(ld["author"]["@type"], "Person");
    }

    #[test]
    fn no_value_can_close_the_script_block() {
        let block = script_block(&json!({"name": "</script><script>alert(1)</script>"}));
        assert_eq!(block.matches("</script>").count(), 1, "{block}");
        let inner = &block["<script type=\"application/ld+json\">".len()..block.len() - 9];
        let back: Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
