//! OLS's JSON shapes (API v1) for what the query layer returns: terms and
//! ontologies as HAL resources with `_links`, pages with `_embedded`, `_links`
//! and `page`, Solr-style search answers, jstree nodes and errors.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::query::ontology::ols::{
    Entities, OlsFacets, OlsHit, OlsOntology, OlsSearchResult, OlsTerm, Page, TreeEntry, ols_type,
};
use crate::query::ontology::search::Matched;

const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";

/// Percent-encodes everything but unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An IRI as OLS puts it in a path: encoded twice.
pub fn double_encode(iri: &str) -> String {
    encode(&encode(iri))
}

fn href(url: String) -> Value {
    json!({ "href": url })
}

/// The URL of a term (or property) of an ontology under `base`
/// (`http://host/ols4/api`).
pub fn term_url(base: &str, ontology_id: &str, entities: Entities, iri: &str) -> String {
    format!(
        "{base}/ontologies/{}/{}/{}",
        encode(ontology_id),
        entities.segment(),
        double_encode(iri)
    )
}

/// A term as OLS's `V1Term`, with its links.
pub fn term(base: &str, t: &OlsTerm) -> Value {
    let term = &t.term;
    let url = term_url(base, &t.ontology_id, Entities::of(&term.types), &term.iri);
    let mut links = Map::new();
    links.insert("self".into(), href(url.clone()));
    if !t.is_root {
        for rel in [
            "parents",
            "ancestors",
            "hierarchicalParents",
            "hierarchicalAncestors",
            "jstree",
        ] {
            links.insert(rel.into(), href(format!("{url}/{rel}")));
        }
    }
    if t.has_children {
        for rel in [
            "children",
            "descendants",
            "hierarchicalChildren",
            "hierarchicalDescendants",
        ] {
            links.insert(rel.into(), href(format!("{url}/{rel}")));
        }
    }
    let mut annotation: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &term.mappings {
        annotation
            .entry(m.relation.clone())
            .or_default()
            .push(m.target.clone());
    }
    if !term.consider.is_empty() {
        annotation.insert("consider".into(), term.consider.clone());
    }
    if !term.replaced_by.is_empty() {
        annotation.insert("term replaced by".into(), term.replaced_by.clone());
    }
    json!({
        "iri": term.iri,
        "lang": "en",
        "description": term.definitions.iter().map(|d| d.value.as_str()).collect::<Vec<_>>(),
        "synonyms": term.synonyms.iter().map(|s| s.value.as_str()).collect::<Vec<_>>(),
        "annotation": annotation,
        "label": term.label.clone().unwrap_or_else(|| t.short_form.clone()),
        "ontology_name": t.ontology_id,
        "ontology_prefix": t.ontology_prefix,
        "ontology_iri": t.ontology_iri,
        "is_obsolete": term.deprecated,
        "term_replaced_by": term.replaced_by.first(),
        "is_defining_ontology": true,
        "has_children": t.has_children,
        "is_root": t.is_root,
        "short_form": t.short_form,
        "obo_id": t.obo_id,
        "in_subset": Value::Null,
        "obo_definition_citation": Value::Null,
        "obo_xref": Value::Null,
        "obo_synonym": Value::Null,
        "is_preferred_root": false,
        "_links": links,
    })
}

/// An ontology as OLS's `V1Ontology`, with its links.
pub fn ontology(base: &str, o: &OlsOntology) -> Value {
    let info = &o.summary.info;
    let url = format!("{base}/ontologies/{}", encode(&o.summary.id));
    json!({
        "languages": ["en"],
        "lang": "en",
        "ontologyId": o.summary.id,
        "loaded": Value::Null,
        "updated": Value::Null,
        "status": "LOADED",
        "message": "",
        "version": info.version_info,
        "fileHash": Value::Null,
        "loadAttempts": 0,
        "numberOfTerms": o.terms,
        "numberOfProperties": o.properties,
        "numberOfIndividuals": 0,
        "config": {
            "id": info.iri.clone().unwrap_or_else(|| info.graph.clone()),
            "versionIri": info.version_iri,
            "namespace": o.summary.id,
            "preferredPrefix": o.prefix,
            "title": info.title,
            "description": o.description,
            "homepage": Value::Null,
            "version": info.version_info,
            "mailingList": Value::Null,
            "tracker": Value::Null,
            "logo": Value::Null,
            "creators": [],
            "annotations": { "license": info.license.iter().collect::<Vec<_>>() },
            "fileLocation": Value::Null,
            "oboSlims": false,
            "labelProperty": RDFS_LABEL,
            "definitionProperties": [],
            "synonymProperties": [],
            "hierarchicalProperties": [],
            "baseUris": [],
            "hiddenProperties": [],
            "preferredRootTerms": [],
            "isSkos": info.counts.concepts > info.counts.classes,
            "allowDownload": false,
        },
        "_links": {
            "self": href(url.clone()),
            "terms": href(format!("{url}/terms")),
            "properties": href(format!("{url}/properties")),
            "individuals": href(format!("{url}/individuals")),
        },
    })
}

/// A HAL page: `_embedded.{key}`, `_links` (`first`, `prev`, `self`, `next`,
/// `last`, each `{url}?{query}page=N&size=S`) and `page`.
pub fn page<T>(
    url: &str,
    query: &str,
    key: &str,
    page: &Page<T>,
    item: impl Fn(&T) -> Value,
) -> Value {
    let pages = page.total.div_ceil(page.size.max(1));
    let at = |n: usize| {
        let sep = if query.is_empty() { "" } else { "&" };
        href(format!("{url}?{query}{sep}page={n}&size={}", page.size))
    };
    let mut links = Map::new();
    links.insert("first".into(), at(0));
    if page.number > 0 {
        links.insert(
            "prev".into(),
            at((page.number - 1).min(pages.saturating_sub(1))),
        );
    }
    links.insert("self".into(), at(page.number));
    if page.number + 1 < pages {
        links.insert("next".into(), at(page.number + 1));
    }
    links.insert("last".into(), at(pages.saturating_sub(1)));
    json!({
        "_embedded": { key: page.items.iter().map(item).collect::<Vec<_>>() },
        "_links": links,
        "page": {
            "size": page.size,
            "totalElements": page.total,
            "totalPages": pages,
            "number": page.number,
        },
    })
}

/// The fields a search document shows unless `fieldList` says otherwise: OLS's
/// defaults, and the term's status and replacement.
pub const DEFAULT_FIELDS: &[&str] = &[
    "id",
    "iri",
    "short_form",
    "obo_id",
    "label",
    "ontology_name",
    "ontology_prefix",
    "description",
    "type",
    "is_obsolete",
    "term_replaced_by",
];

/// Solr's document id for a term, as OLS 4 builds it.
fn doc_id(t: &OlsTerm) -> String {
    format!(
        "{}:{}:{}",
        t.ontology_id,
        ols_type(&t.term.types),
        t.term.iri
    )
}

fn search_doc(hit: &OlsHit, fields: &[String]) -> Value {
    let t = &hit.term;
    let term = &t.term;
    let mut doc = Map::new();
    for field in fields {
        let value = match field.as_str() {
            "id" => json!(doc_id(t)),
            "iri" => json!(term.iri),
            "short_form" => json!(t.short_form),
            "obo_id" => json!(t.obo_id),
            "label" => json!(term.label.clone().unwrap_or_else(|| t.short_form.clone())),
            "ontology_name" => json!(t.ontology_id),
            "ontology_prefix" => json!(t.ontology_prefix),
            "ontology_iri" => json!(t.ontology_iri),
            "description" => json!(
                term.definitions
                    .iter()
                    .map(|d| d.value.as_str())
                    .collect::<Vec<_>>()
            ),
            "synonym" => json!(
                term.synonyms
                    .iter()
                    .map(|s| s.value.as_str())
                    .collect::<Vec<_>>()
            ),
            "type" => json!(ols_type(&term.types)),
            "is_defining_ontology" => json!(true),
            "is_obsolete" => json!(term.deprecated),
            "term_replaced_by" => json!(term.replaced_by.first()),
            "has_children" => json!(t.has_children),
            "is_root" => json!(t.is_root),
            _ => continue,
        };
        doc.insert(field.clone(), value);
    }
    Value::Object(doc)
}

/// Solr's facet list: value, count, value, count, ..., most frequent first,
/// counts as strings (as OLS 4 sends them).
fn facet_list(counts: &BTreeMap<String, usize>) -> Value {
    let mut sorted: Vec<(&String, &usize)> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    Value::Array(
        sorted
            .into_iter()
            .flat_map(|(k, n)| [json!(k), json!(n.to_string())])
            .collect(),
    )
}

fn facets(f: &OlsFacets, defining: usize) -> Value {
    let mut defined = BTreeMap::new();
    if defining > 0 {
        defined.insert("true".to_string(), defining);
    }
    json!({
        "facet_queries": {},
        "facet_fields": {
            "ontologyId": facet_list(&f.ontology),
            "ontologyIri": facet_list(&f.ontology_iri),
            "ontologyPreferredPrefix": facet_list(&f.ontology_prefix),
            "type": facet_list(&f.kind),
            "isDefiningOntology": facet_list(&defined),
            "isObsolete": facet_list(&f.obsolete),
        },
        "facet_ranges": {},
        "facet_intervals": {},
        "facet_heatmaps": {},
    })
}

/// `/api/search`: the Solr-shaped answer with facet counts.
pub fn search(result: &OlsSearchResult, fields: &[String], q: &str, millis: u128) -> Value {
    let mut answer = solr_answer(result, fields, q, millis);
    answer["facet_counts"] = facets(&result.facets, result.total);
    answer
}

/// `/api/select`: the Solr-shaped answer with highlighted names.
pub fn select(result: &OlsSearchResult, fields: &[String], q: &str, millis: u128) -> Value {
    let mut highlighting = Map::new();
    for hit in &result.hits {
        highlighting.insert(doc_id(&hit.term), highlight(&hit.matched, q));
    }
    let mut answer = solr_answer(result, fields, q, millis);
    answer["highlighting"] = Value::Object(highlighting);
    answer
}

/// The response header and the page of documents both search forms share.
fn solr_answer(result: &OlsSearchResult, fields: &[String], q: &str, millis: u128) -> Value {
    json!({
        "responseHeader": { "status": 0, "QTime": millis, "params": { "q": q } },
        "response": {
            "numFound": result.total,
            "start": result.start,
            "docs": result.hits.iter().map(|h| search_doc(h, fields)).collect::<Vec<_>>(),
        },
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The name that matched, with the words that start with a query word in
/// `<b>` (text escaped), under `label_autosuggest` and `label` or the synonym
/// keys.
fn highlight(matched: &Matched, q: &str) -> Value {
    let query: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let lower = word.to_lowercase();
        if query.iter().any(|w| lower.starts_with(w.as_str())) {
            out.push_str(&format!("<b>{}</b>", escape(word)));
        } else {
            out.push_str(&escape(word));
        }
        word.clear();
    };
    for c in matched.value.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push_str(&escape(&c.to_string()));
        }
    }
    flush(&mut word, &mut out);
    let (edge, plain) = if matched.field == "label" {
        ("label_autosuggest", "label")
    } else {
        ("synonym_autosuggest", "synonym")
    };
    json!({ edge: [out.clone()], plain: [out] })
}

/// `/api/suggest`: labels as `autosuggest` documents.
pub fn suggest(total: usize, start: usize, labels: &[String], millis: u128) -> Value {
    json!({
        "responseHeader": { "status": 0, "QTime": millis },
        "response": {
            "numFound": total,
            "start": start,
            "docs": labels.iter().map(|l| json!({ "autosuggest": l })).collect::<Vec<_>>(),
        },
    })
}

/// `/jstree`: the nodes as jstree reads them.
pub fn jstree(entries: &[TreeEntry]) -> Value {
    Value::Array(
        entries
            .iter()
            .map(|e| {
                let mut state = Map::new();
                state.insert("opened".into(), json!(!e.selected));
                if e.selected {
                    state.insert("selected".into(), json!(true));
                }
                json!({
                    "id": e.id,
                    "parent": e.parent.as_deref().unwrap_or("#"),
                    "iri": e.iri,
                    "text": e.label.as_deref().unwrap_or(&e.iri),
                    "state": state,
                    "children": e.closed_children,
                    "a_attr": {
                        "iri": e.iri,
                        "ontology_name": e.ontology_id,
                        "title": e.iri,
                        "class": "is_a",
                    },
                    "ontology_name": e.ontology_id,
                })
            })
            .collect(),
    )
}

/// An error as OLS (Spring) answers it.
pub fn error(status: u16, reason: &str, message: &str, path: &str) -> Value {
    json!({
        "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "status": status,
        "error": reason,
        "message": message,
        "path": path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iris_in_paths_are_encoded_twice() {
        assert_eq!(
            double_encode("http://x.org/a b"),
            "http%253A%252F%252Fx.org%252Fa%2520b"
        );
    }

    #[test]
    fn highlights_mark_words_starting_with_a_query_word() {
        let matched = Matched {
            field: "label".into(),
            value: "small angle x-ray <scattering>".into(),
            how: "prefix",
        };
        let h = highlight(&matched, "small ang");
        assert_eq!(
            h["label_autosuggest"][0],
            "<b>small</b> <b>angle</b> x-ray &lt;scattering&gt;"
        );
    }

    #[test]
    fn facets_list_values_and_counts_most_frequent_first() {
        let counts = BTreeMap::from([("a".to_string(), 1), ("b".to_string(), 3)]);
        assert_eq!(facet_list(&counts), json!(["b", "3", "a", "1"]));
    }
}
