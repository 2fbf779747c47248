//! DataCite XML (kernel 3, 3.0/3.1 and 4.x): a `<resource>` element, read as a
//! whole file here or as the payload of an OAI-PMH record (`oai_pmh.rs`).
//!
//! The element is turned into the attribute shape of DataCite's REST JSON
//! (`creators[].nameIdentifiers[]`, `rightsList[].rightsUri`, ...) with the line
//! of every value, and mapped by [`super::datacite_json::draft`]: one mapping
//! for every DataCite serialisation.

use serde_json::{Map, Value};

use super::datacite_json::{self, WHAT};
use super::item::{Diags, Draft, finish};
use super::json::{Lines, join};
use super::merge_versions;
use super::xml::{self, Element};
use crate::ingest::{ContentFile, Diagnostic, Reading};

/// Whether a namespace is a DataCite metadata kernel (`http://datacite.org/schema/kernel-4`,
/// `.../kernel-3`, `.../kernel-3.0`, ...).
pub fn is_datacite_namespace(ns: &str) -> bool {
    ns.trim_end_matches('/')
        .strip_prefix("http://datacite.org/schema/kernel-")
        .or_else(|| {
            ns.trim_end_matches('/')
                .strip_prefix("https://datacite.org/schema/kernel-")
        })
        .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
}

/// Reads a DataCite XML file (its root element is `<resource>`).
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    let root = match xml::parse(bytes) {
        Ok(root) => root,
        Err(e) => return Reading::failed(Diagnostic::error(file.display(), e.line, e.message)),
    };
    let is_resource =
        root.name == "resource" && root.namespace.as_deref().is_some_and(is_datacite_namespace);
    if !is_resource {
        return Reading::failed(Diagnostic::error(
            file.display(),
            root.line,
            format!(
                "not a DataCite record: the root element is <{}> in namespace {}",
                root.name,
                root.namespace.as_deref().unwrap_or("(none)")
            ),
        ));
    }
    let mut diags = Diags::new(file);
    let draft = resource(&root, "datacite-xml", 1, &mut diags);
    Reading {
        articles: merge_versions(finish(vec![draft], file, WHAT, &mut diags)),
        diagnostics: diags.list,
    }
}

/// Maps one `<resource>` element; `line` is where the item starts.
pub(crate) fn resource(el: &Element, format: &str, line: usize, diags: &mut Diags) -> Draft {
    let mut lines = Lines::default();
    let attrs = to_attributes(el, &mut lines);
    datacite_json::draft(&attrs, &lines, "", line, format, diags)
}

/// The `<resource>` as DataCite REST attributes, with lines by attribute path.
fn to_attributes(el: &Element, lines: &mut Lines) -> Map<String, Value> {
    let mut map = Map::new();
    lines.insert("", el.line);
    if let Some(ns) = &el.namespace {
        map.insert("schemaVersion".into(), Value::String(ns.clone()));
    }
    for child in &el.children {
        match child.name.as_str() {
            "identifier" => {
                let kind = child.attr("identifierType").unwrap_or("DOI");
                if kind.eq_ignore_ascii_case("DOI") {
                    lines.insert("doi", child.line);
                    map.insert("doi".into(), Value::String(child.text().to_string()));
                } else {
                    let list = map
                        .entry("identifiers")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = list {
                        lines.insert(&format!("identifiers/{}", list.len()), child.line);
                        list.push(serde_json::json!({
                            "identifier": child.text(),
                            "identifierType": kind,
                        }));
                    }
                }
            }
            "resourceType" => {
                lines.insert("types", child.line);
                let mut types = Map::new();
                for (k, v) in &child.attrs {
                    types.insert(attr_key(k), Value::String(v.trim().to_string()));
                }
                if !child.text().is_empty() {
                    types.insert(
                        "resourceType".into(),
                        Value::String(child.text().to_string()),
                    );
                }
                map.insert("types".into(), Value::Object(types));
            }
            name => {
                let value = convert(child, name, lines);
                insert_or_append(&mut map, name, value);
            }
        }
    }
    map
}

/// One element as JSON in the REST shape, recording lines under `path`.
/// Depth is bounded by the tree's (at most [`xml::MAX_DEPTH`]).
fn convert(el: &Element, path: &str, lines: &mut Lines) -> Value {
    lines.insert(path, el.line);
    if is_container(el) {
        let list = el
            .children
            .iter()
            .enumerate()
            .map(|(i, child)| convert(child, &join(path, &i.to_string()), lines))
            .collect();
        return Value::Array(list);
    }
    if el.children.is_empty() {
        if el.attrs.is_empty() {
            return Value::String(el.text().to_string());
        }
        let mut obj = Map::new();
        for (k, v) in &el.attrs {
            obj.insert(attr_key(k), Value::String(v.trim().to_string()));
        }
        if !el.text().is_empty() {
            obj.insert(text_key(&el.name), Value::String(el.text().to_string()));
        }
        return Value::Object(obj);
    }
    let mut obj = Map::new();
    for (k, v) in &el.attrs {
        obj.insert(attr_key(k), Value::String(v.trim().to_string()));
    }
    for child in &el.children {
        let key = text_key(&child.name);
        match child.name.as_str() {
            // Always lists in the REST shape, whatever their number.
            "nameIdentifier" | "affiliation" => {
                let list_key = if child.name == "nameIdentifier" {
                    "nameIdentifiers"
                } else {
                    "affiliation"
                };
                let index = obj
                    .get(list_key)
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                let value = convert(child, &join(path, &format!("{list_key}/{index}")), lines);
                insert_or_append_list(&mut obj, list_key, value);
            }
            // A leaf with attributes inside a record part (`creatorName nameType`,
            // `awardNumber awardURI`, `funderIdentifier funderIdentifierType`): its
            // attributes describe the part, its text is the value.
            _ if child.children.is_empty() && !child.attrs.is_empty() && !is_container(child) => {
                lines.insert(&join(path, &key), child.line);
                for (k, v) in &child.attrs {
                    obj.entry(attr_key(k))
                        .or_insert_with(|| Value::String(v.trim().to_string()));
                }
                insert_or_append(&mut obj, &key, Value::String(child.text().to_string()));
            }
            _ => {
                let value = convert(child, &join(path, &key), lines);
                insert_or_append(&mut obj, &key, value);
            }
        }
    }
    Value::Object(obj)
}

/// `creators` holding `creator`s, `rightsList` holding `rights`: a list in JSON.
fn is_container(el: &Element) -> bool {
    if !el.attrs.is_empty() {
        return false;
    }
    let plural = |child: &str| {
        el.name == format!("{child}s") || (el.name == "rightsList" && child == "rights")
    };
    match el.children.first() {
        Some(first) => el.children.iter().all(|c| c.name == first.name) && plural(&first.name),
        None => el.text().is_empty() && (el.name.ends_with('s') || el.name == "rightsList"),
    }
}

/// The JSON key for an element's text: REST names the creator's name `name`.
fn text_key(name: &str) -> String {
    match name {
        "creatorName" | "contributorName" | "publisher" | "affiliation" => "name".into(),
        other => other.into(),
    }
}

/// `xml:lang` → `lang`, `rightsURI` → `rightsUri`, as DataCite's JSON writes them.
fn attr_key(key: &str) -> String {
    let local = key.rsplit(':').next().unwrap_or(key);
    match local.strip_suffix("URI") {
        Some(stem) => format!("{stem}Uri"),
        None => local.to_string(),
    }
}

fn insert_or_append(obj: &mut Map<String, Value>, key: &str, value: Value) {
    match obj.get_mut(key) {
        None => {
            obj.insert(key.to_string(), value);
        }
        Some(Value::Array(list)) if !matches!(value, Value::Array(_)) => list.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}

fn insert_or_append_list(obj: &mut Map<String, Value>, key: &str, value: Value) {
    match obj.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(list) => list.push(value),
        other => {
            let first = other.take();
            *other = Value::Array(vec![first, value]);
        }
    }
}
