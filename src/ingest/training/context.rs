//! JSON-LD `@context` resolved locally, never fetched: the contexts training
//! metadata names (schema.org, CodeMeta 2/3, RO-Crate) are known here and all map
//! to schema.org names; prefixes and terms an object context defines are honoured.
//! [`normalise`] rewrites a node's keys to schema.org local names (`name`,
//! `educationalLevel`), so the mapping in `schema.rs` reads one vocabulary
//! whichever way the file spelled it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::json::MAX_DEPTH;
use crate::ingest::vocab::{CODEMETA_ONLY, CODEMETA_TERMS};

/// The schema.org namespace as contexts write it (both schemes are used).
const SCHEMA_HTTP: &str = "http://schema.org/";
const SCHEMA_HTTPS: &str = "https://schema.org/";
/// Which well-known context an item uses, for `Record::format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flavour {
    #[default]
    SchemaOrg,
    CodeMeta,
    RoCrate,
}

/// A known remote context, recognised by its URL.
fn known(url: &str) -> Option<Flavour> {
    let url = url.trim().trim_end_matches('/').to_ascii_lowercase();
    let url = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(&url);
    match url {
        "schema.org"
        | "schema.org/docs/jsonldcontext.json"
        | "schema.org/docs/jsonldcontext.jsonld" => Some(Flavour::SchemaOrg),
        "doi.org/10.5063/schema/codemeta-2.0"
        | "w3id.org/codemeta/3.0"
        | "w3id.org/codemeta/3.1"
        | "w3id.org/codemeta/v3.0"
        | "raw.githubusercontent.com/codemeta/codemeta/2.0/codemeta.jsonld"
        | "raw.githubusercontent.com/codemeta/codemeta/master/codemeta.jsonld" => {
            Some(Flavour::CodeMeta)
        }
        "w3id.org/ro/crate/1.0/context"
        | "w3id.org/ro/crate/1.1/context"
        | "w3id.org/ro/crate/1.2/context" => Some(Flavour::RoCrate),
        _ => None,
    }
}

/// The active context of a node: its vocabulary, the prefixes and terms defined
/// so far, and keyword aliases (`id`, `type` in CodeMeta).
#[derive(Debug, Clone, Default)]
pub struct Context {
    vocab: Option<String>,
    /// Prefixes and terms: name → IRI (or compact IRI, expanded when used).
    terms: BTreeMap<String, String>,
    /// `id` → `@id`, `type` → `@type`.
    aliases: BTreeMap<String, String>,
    pub flavour: Flavour,
    /// Whether any context was given at all.
    pub declared: bool,
}

/// What a key of a node means under a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// A JSON-LD keyword (`@id`, `@type`, `@graph`, ...).
    Keyword(String),
    /// A schema.org term, by its local name.
    Schema(String),
    /// Another vocabulary's term, as a full IRI.
    Iri(String),
    /// Not expandable (undefined prefix, no vocabulary): kept as written.
    AsWritten(String),
}

impl Name {
    /// The key the normalised node uses.
    pub fn key(&self) -> &str {
        match self {
            Name::Keyword(k) | Name::Schema(k) | Name::Iri(k) | Name::AsWritten(k) => k,
        }
    }
}

/// Problems met while resolving contexts (each stated once per item).
#[derive(Debug, Default)]
pub struct Notes {
    pub warnings: Vec<String>,
}

impl Notes {
    fn warn(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }
}

impl Context {
    /// The context `value` (a URL, an object, a list of them, or null) sets up on
    /// top of this one.
    pub fn with(&self, value: &Value, notes: &mut Notes) -> Context {
        let mut next = self.clone();
        next.declared = true;
        let mut stack: Vec<&Value> = vec![value];
        // A list applies in order: walk it back to front onto a stack.
        while let Some(value) = stack.pop() {
            match value {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::String(url) => next.apply_remote(url, notes),
                Value::Object(map) => next.apply_object(map, notes),
                Value::Null => {
                    next = Context {
                        declared: true,
                        ..Context::default()
                    }
                }
                _ => notes.warn(format!(
                    "@context {value} is neither a URL nor an object: ignored"
                )),
            }
        }
        next
    }

    fn use_schema(&mut self) {
        self.vocab = Some(SCHEMA_HTTP.to_string());
    }

    fn apply_remote(&mut self, url: &str, notes: &mut Notes) {
        match known(url) {
            Some(flavour) => {
                self.use_schema();
                // Every one of them defines the `schema:` prefix; CodeMeta also `codemeta:`.
                self.terms.insert("schema".into(), SCHEMA_HTTP.into());
                if flavour != Flavour::SchemaOrg {
                    self.flavour = flavour;
                }
                if flavour == Flavour::CodeMeta {
                    for (alias, keyword) in [("id", "@id"), ("type", "@type")] {
                        self.aliases.insert(alias.into(), keyword.into());
                    }
                    self.terms.insert("codemeta".into(), CODEMETA_TERMS.into());
                    for term in CODEMETA_ONLY {
                        self.terms
                            .insert(term.into(), format!("{CODEMETA_TERMS}{term}"));
                    }
                }
            }
            None => {
                notes.warn(format!(
                    "unknown remote @context {url}: not fetched; read with schema.org names"
                ));
                self.use_schema();
            }
        }
    }

    fn apply_object(&mut self, map: &Map<String, Value>, notes: &mut Notes) {
        for (key, value) in map {
            match (key.as_str(), value) {
                ("@vocab", Value::String(iri)) => {
                    let iri = self.expand_iri(iri).unwrap_or_else(|| iri.clone());
                    self.vocab = Some(iri);
                }
                ("@vocab", Value::Null) => self.vocab = None,
                ("@import", Value::String(url)) => self.apply_remote(url, notes),
                (k, _) if k.starts_with('@') => {}
                (term, Value::String(iri)) if iri.starts_with('@') => {
                    self.aliases.insert(term.into(), iri.clone());
                }
                (term, Value::String(iri)) => {
                    self.terms.insert(term.into(), iri.clone());
                }
                (term, Value::Object(def)) => match def.get("@id") {
                    Some(Value::String(iri)) if iri.starts_with('@') => {
                        self.aliases.insert(term.into(), iri.clone());
                    }
                    Some(Value::String(iri)) => {
                        self.terms.insert(term.into(), iri.clone());
                    }
                    _ => {}
                },
                (term, Value::Null) => {
                    self.terms.remove(term);
                }
                _ => {}
            }
        }
    }

    /// A term, compact IRI or IRI as a full IRI, when it can be expanded without
    /// the vocabulary.
    fn expand_iri(&self, text: &str) -> Option<String> {
        if let Some(iri) = self.terms.get(text) {
            // A term defined as a compact IRI (`"name": "schema:name"`): one more step.
            return Some(self.expand_prefixed(iri).unwrap_or_else(|| iri.clone()));
        }
        self.expand_prefixed(text)
    }

    fn expand_prefixed(&self, text: &str) -> Option<String> {
        let (prefix, suffix) = text.split_once(':')?;
        if suffix.starts_with("//") || prefix == "urn" || prefix == "_" {
            return Some(text.to_string());
        }
        self.terms.get(prefix).map(|base| format!("{base}{suffix}"))
    }

    /// What `key` of a node means.
    pub fn key(&self, key: &str, notes: &mut Notes) -> Name {
        if key.starts_with('@') {
            return Name::Keyword(key.to_string());
        }
        if let Some(keyword) = self.aliases.get(key) {
            return Name::Keyword(keyword.clone());
        }
        if let Some(iri) = self.expand_iri(key) {
            return classify(iri);
        }
        if let Some((prefix, _)) = key.split_once(':') {
            notes.warn(format!(
                "prefix `{prefix}` in `{key}` is not defined by the @context: kept as written"
            ));
            return Name::AsWritten(key.to_string());
        }
        match &self.vocab {
            Some(vocab) => classify(format!("{vocab}{key}")),
            None => Name::AsWritten(key.to_string()),
        }
    }

    /// A `@type` value: type names are relative to the vocabulary too.
    pub fn type_name(&self, written: &str) -> String {
        let iri = self.expand_iri(written).or_else(|| {
            (!written.contains(':'))
                .then(|| self.vocab.as_ref().map(|v| format!("{v}{written}")))?
        });
        match iri.map(classify) {
            Some(Name::Schema(local)) => local,
            Some(Name::Iri(iri)) => iri,
            _ => written.to_string(),
        }
    }
}

/// A schema.org IRI (either scheme) as its local name.
fn classify(iri: String) -> Name {
    let local = iri
        .strip_prefix(SCHEMA_HTTP)
        .or_else(|| iri.strip_prefix(SCHEMA_HTTPS));
    match local {
        Some(local) if !local.is_empty() => Name::Schema(local.to_string()),
        _ => Name::Iri(iri),
    }
}

/// Rewrites a JSON-LD value under `context`: object keys become schema.org local
/// names (other vocabularies' terms full IRIs), `@type` values local names,
/// nested `@context`s apply to their own node and are removed. The depth is
/// bounded by [`MAX_DEPTH`] (the parser refused deeper input already).
pub fn normalise(value: &Value, context: &Context, notes: &mut Notes) -> Value {
    normalise_at(value, context, notes, 0)
}

fn normalise_at(value: &Value, context: &Context, notes: &mut Notes, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match value {
        Value::Object(map) => {
            let context = match map.get("@context") {
                Some(local) => Cow::Owned(context.with(local, notes)),
                None => Cow::Borrowed(context),
            };
            let mut out = Map::new();
            for (key, value) in map {
                if key == "@context" {
                    continue;
                }
                let name = context.key(key, notes);
                let value = if name.key() == "@type" {
                    types(value, &context)
                } else {
                    normalise_at(value, &context, notes, depth + 1)
                };
                // Two spellings of one term (`name` and `schema:name`): the first wins.
                out.entry(name.key().to_string()).or_insert(value);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| normalise_at(v, context, notes, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn types(value: &Value, context: &Context) -> Value {
    match value {
        Value::String(t) => Value::String(context.type_name(t)),
        Value::Array(items) => Value::Array(items.iter().map(|v| types(v, context)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> (Value, Vec<String>) {
        let mut notes = Notes::default();
        let out = normalise(&value, &Context::default(), &mut notes);
        (out, notes.warnings)
    }

    #[test]
    fn schema_org_urls_in_every_spelling_give_schema_names() {
        for context in [
            json!("https://schema.org"),
            json!("http://schema.org/"),
            json!(["https://schema.org/", {"dct": "http://purl.org/dc/terms/"}]),
            json!({"@vocab": "https://schema.org/"}),
            json!({"@vocab": "http://schema.org/", "dct": "http://purl.org/dc/terms/"}),
        ] {
            let (out, warnings) =
                read(json!({"@context": context, "@type": "Course", "name": "x"}));
            assert_eq!(out, json!({"@type": "Course", "name": "x"}), "{context}");
            assert!(warnings.is_empty(), "{warnings:?}");
        }
    }

    #[test]
    fn prefixes_of_an_object_context_are_honoured() {
        let (out, warnings) = read(json!({
            "@context": {"@vocab": "https://schema.org/", "dct": "http://purl.org/dc/terms/", "s": "https://schema.org/"},
            "dct:conformsTo": {"@id": "https://bioschemas.org/profiles/Course/1.0-RELEASE"},
            "s:description": "d",
            "@type": "s:Course"
        }));
        assert_eq!(
            out,
            json!({
                "http://purl.org/dc/terms/conformsTo": {"@id": "https://bioschemas.org/profiles/Course/1.0-RELEASE"},
                "description": "d",
                "@type": "Course"
            })
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn undefined_prefix_is_kept_and_named() {
        let (out, warnings) =
            read(json!({"@context": "https://schema.org", "dct:conformsTo": "x"}));
        assert_eq!(out, json!({"dct:conformsTo": "x"}));
        assert_eq!(
            warnings,
            ["prefix `dct` in `dct:conformsTo` is not defined by the @context: kept as written"]
        );
    }

    #[test]
    fn codemeta_contexts_alias_id_and_type() {
        for url in [
            "https://w3id.org/codemeta/3.0",
            "https://doi.org/10.5063/schema/codemeta-2.0",
        ] {
            let mut notes = Notes::default();
            let context = Context::default().with(&json!(url), &mut notes);
            assert_eq!(context.flavour, Flavour::CodeMeta);
            let out = normalise(
                &json!({"type": "SoftwareSourceCode", "id": "x", "name": "n", "funding": "f",
                        "schema:downloadUrl": "d", "codemeta:codeRepository": "r"}),
                &context,
                &mut notes,
            );
            assert_eq!(
                out,
                json!({"@type": "SoftwareSourceCode", "@id": "x", "name": "n", "https://codemeta.github.io/terms/funding": "f",
                       "downloadUrl": "d", "https://codemeta.github.io/terms/codeRepository": "r"})
            );
            assert!(notes.warnings.is_empty(), "{:?}", notes.warnings);
        }
        let mut notes = Notes::default();
        let ro =
            Context::default().with(&json!("https://w3id.org/ro/crate/1.1/context"), &mut notes);
        assert_eq!(ro.flavour, Flavour::RoCrate);
        assert!(notes.warnings.is_empty(), "{:?}", notes.warnings);
    }

    #[test]
    fn unknown_remote_context_warns_and_reads_schema_names() {
        let (out, warnings) =
            read(json!({"@context": "https://example.org/my-context.jsonld", "name": "n"}));
        assert_eq!(out, json!({"name": "n"}));
        assert_eq!(
            warnings,
            [
                "unknown remote @context https://example.org/my-context.jsonld: not fetched; read with schema.org names"
            ]
        );
    }

    #[test]
    fn nested_contexts_apply_to_their_node() {
        let (out, _) = read(json!({
            "@context": {"@vocab": "http://example.org/v/"},
            "name": "outer",
            "author": {"@context": "https://schema.org", "name": "inner"}
        }));
        assert_eq!(
            out,
            json!({"http://example.org/v/name": "outer", "http://example.org/v/author": {"name": "inner"}})
        );
    }
}
