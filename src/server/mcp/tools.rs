//! The tools: their names, descriptions and input schemas (with the bounds the
//! calls enforce), and the arguments each call takes, read strictly: an
//! unknown, missing or mistyped argument is the caller's error, named.

use std::sync::{Arc, LazyLock};

use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::query::Mode;
use crate::query::request::{MAX_FILTER_VALUES, MAX_OFFSET, MAX_QUERY_CHARS};
use crate::query::sparql::MAX_QUERY_BYTES;

/// Most hits a `search` call returns: a page an assistant reads whole.
pub const MAX_SEARCH_LIMIT: usize = 50;
/// Most terms a `search_terms` call returns (as `/api/terms`).
pub const MAX_TERM_LIMIT: usize = crate::query::ontology::search::MAX_LIMIT;
/// Longest term search text (as `/api/terms`).
const MAX_TERM_QUERY_BYTES: usize = 500;
/// Longest IRI, CURIE or article id accepted.
const MAX_NAME_BYTES: usize = 2048;

pub const SEARCH: &str = "search";
pub const ASK: &str = "ask";
pub const SEARCH_TERMS: &str = "search_terms";
pub const LOOKUP_TERM: &str = "lookup_term";
pub const SPARQL: &str = "sparql";
pub const READ_ARTICLE: &str = "read_article";

/// Every tool, built once.
pub static TOOLS: LazyLock<Vec<Tool>> = LazyLock::new(|| {
    vec![
        tool(
            SEARCH,
            "Search the knowledge base (open-science guidance, research outputs, training) by keywords, meaning or both. Returns ranked articles with id, title, URL, summary and the best-matching passage. Filters narrow by facet value (any value of one facet matches); `term` takes an ontology term IRI or CURIE (e.g. PaNET:PaNET01188) and also matches narrower terms.",
            json!({
                "type": "object",
                "properties": {
                    "query": text_schema("What to search for.", MAX_QUERY_CHARS),
                    "mode": {
                        "type": "string",
                        "enum": ["keyword", "semantic", "hybrid"],
                        "description": "keyword (BM25), semantic (sentence embeddings) or hybrid (both, fused; the default)."
                    },
                    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_SEARCH_LIMIT, "default": 10, "description": "Hits to return."},
                    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0, "description": "Hits to skip (paging)."},
                    "kind": filter_schema("Article kinds: guide, faq, resource, output, training, policy."),
                    "term": filter_schema("Ontology terms (IRI or CURIE); narrower terms match too."),
                    "tag": filter_schema("Tags."),
                    "project": filter_schema("Projects."),
                    "audience": filter_schema("Audiences."),
                    "fair": filter_schema("FAIR principles (F1, A1.1, ...)."),
                    "community": filter_schema("Communities or collections of research outputs."),
                    "year": filter_schema("Years (issued, else last updated)."),
                    "license": filter_schema("Licences (SPDX ids)."),
                },
                "required": ["query"],
                "additionalProperties": false
            }),
            "Search the knowledge base",
        ),
        tool(
            ASK,
            "Answer a question with passages quoted verbatim from the articles, each cited (article id, title, section, URL). When nothing answers the question well enough, says so (answered: false) with the reason and the nearest pages instead of guessing.",
            json!({
                "type": "object",
                "properties": {
                    "question": text_schema("The question, in plain words.", MAX_QUERY_CHARS),
                },
                "required": ["question"],
                "additionalProperties": false
            }),
            "Answer with citations",
        ),
        tool(
            SEARCH_TERMS,
            "Search the loaded ontologies' terms (PaNET, EDAM, NeXus, ...) by label or synonym: exact names first, then names starting with the words, then phrase prefixes, then one typo per word. Returns IRI, CURIE, label, ontology and definition.",
            json!({
                "type": "object",
                "properties": {
                    "query": text_schema("A term's name, or the start of one.", MAX_TERM_QUERY_BYTES),
                    "ontology": {"type": "string", "maxLength": MAX_NAME_BYTES, "description": "Only terms of this ontology: its graph IRI, file stem or folder name (panet, edam)."},
                    "type": {"type": "string", "enum": ["class", "property", "concept"], "description": "Only terms of this kind."},
                    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_TERM_LIMIT, "default": 10},
                    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
                },
                "required": ["query"],
                "additionalProperties": false
            }),
            "Search ontology terms",
        ),
        tool(
            LOOKUP_TERM,
            "Look one ontology term up by IRI or CURIE: labels, synonyms, definitions, parents, children, ancestors and descendants (each bounded), mappings, deprecation, and the articles annotated with it or a narrower term.",
            json!({
                "type": "object",
                "properties": {
                    "iri": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_BYTES, "description": "The term's IRI."},
                    "curie": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_BYTES, "description": "The term's CURIE, e.g. PaNET:PaNET01188."},
                },
                "additionalProperties": false
            }),
            "Look up an ontology term",
        ),
        tool(
            SPARQL,
            "Run a read-only SPARQL 1.1 query over the ontologies and the articles as RDF (schema.org and Dublin Core; the default graph is the union of all graphs). SELECT and ASK answer as SPARQL JSON by default, CONSTRUCT and DESCRIBE as Turtle. Queries run under a time limit and row and size caps: add LIMIT.",
            json!({
                "type": "object",
                "properties": {
                    "query": text_schema("The SPARQL query.", MAX_QUERY_BYTES),
                    "format": {
                        "type": "string",
                        "enum": ["json", "xml", "csv", "tsv", "turtle", "ntriples", "rdfxml", "jsonld"],
                        "description": "Result format: json, xml, csv or tsv for SELECT/ASK; turtle, ntriples, rdfxml or jsonld for CONSTRUCT/DESCRIBE."
                    },
                },
                "required": ["query"],
                "additionalProperties": false
            }),
            "Query the knowledge graph (SPARQL)",
        ),
        tool(
            READ_ARTICLE,
            "Read one article whole, as Markdown with its metadata, by the id search and ask return.",
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_BYTES, "description": "The article's id."},
                },
                "required": ["id"],
                "additionalProperties": false
            }),
            "Read an article",
        ),
    ]
});

fn tool(name: &'static str, description: &'static str, schema: Value, title: &str) -> Tool {
    let schema: JsonObject = match schema {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    };
    Tool::new(name, description, Arc::new(schema))
        .with_title(title)
        .with_annotations(
            ToolAnnotations::with_title(title)
                .read_only(true)
                .destructive(false),
        )
}

fn text_schema(description: &str, max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "description": description})
}

fn filter_schema(description: &str) -> Value {
    json!({
        "type": "array",
        "items": {"type": "string", "maxLength": MAX_NAME_BYTES},
        "maxItems": MAX_FILTER_VALUES,
        "description": description
    })
}

/// A bad argument: what the caller sent that the tool cannot take.
#[derive(Debug, thiserror::Error)]
#[error("invalid arguments for `{tool}`: {reason}")]
pub struct ArgumentError {
    pub tool: String,
    pub reason: String,
}

/// The call's arguments as `T`: unknown names, missing or mistyped values and
/// out-of-range numbers are refused with serde's account of which.
pub fn parse<T: DeserializeOwned>(
    tool: &str,
    arguments: Option<JsonObject>,
) -> Result<T, ArgumentError> {
    let value = Value::Object(arguments.unwrap_or_default());
    serde_json::from_value(value).map_err(|e| ArgumentError {
        tool: tool.to_string(),
        reason: e.to_string(),
    })
}

/// Checks that a number lies in `min..=max`.
fn in_range(
    tool: &str,
    name: &str,
    value: usize,
    min: usize,
    max: usize,
) -> Result<usize, ArgumentError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ArgumentError {
            tool: tool.to_string(),
            reason: format!("`{name}` is {value}; it must be between {min} and {max}"),
        })
    }
}

/// A page's `limit` (default 10, 1 to `max_limit`) and `offset` (default 0,
/// at most the API's offset cap), checked.
pub fn page(
    tool: &str,
    limit: Option<usize>,
    offset: Option<usize>,
    max_limit: usize,
) -> Result<(usize, usize), ArgumentError> {
    Ok((
        in_range(tool, "limit", limit.unwrap_or(10), 1, max_limit)?,
        in_range(
            tool,
            "offset",
            offset.unwrap_or(0),
            0,
            crate::query::request::MAX_OFFSET,
        )?,
    ))
}

/// Checks that a text is at most `max` bytes long (the query layer checks
/// emptiness and its own limits).
pub fn short(tool: &str, name: &str, value: &str, max: usize) -> Result<(), ArgumentError> {
    if value.len() > max {
        return Err(ArgumentError {
            tool: tool.to_string(),
            reason: format!(
                "`{name}` is {} bytes long; at most {max} are accepted",
                value.len()
            ),
        });
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    pub query: String,
    pub mode: Option<Mode>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    #[serde(default)]
    pub kind: Vec<String>,
    #[serde(default)]
    pub term: Vec<String>,
    #[serde(default)]
    pub tag: Vec<String>,
    #[serde(default)]
    pub project: Vec<String>,
    #[serde(default)]
    pub audience: Vec<String>,
    #[serde(default)]
    pub fair: Vec<String>,
    #[serde(default)]
    pub community: Vec<String>,
    #[serde(default)]
    pub year: Vec<String>,
    #[serde(default)]
    pub license: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskArgs {
    pub question: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermSearchArgs {
    pub query: String,
    pub ontology: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupArgs {
    pub iri: Option<String>,
    pub curie: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SparqlArgs {
    pub query: String,
    pub format: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleArgs {
    pub id: String,
}

/// The byte bound of names (IRIs, CURIEs, ids, filter values).
pub fn name_bound(tool: &str, name: &str, value: &str) -> Result<(), ArgumentError> {
    short(tool, name, value, MAX_NAME_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_an_object_schema_that_forbids_unknown_arguments() {
        for tool in TOOLS.iter() {
            assert_eq!(
                tool.input_schema.get("type"),
                Some(&json!("object")),
                "{}",
                tool.name
            );
            assert_eq!(
                tool.input_schema.get("additionalProperties"),
                Some(&json!(false)),
                "{}",
                tool.name
            );
        }
        let names: Vec<&str> = TOOLS.iter().map(|t| t.name.as_ref()).collect();
        assert_eq!(
            names,
            [SEARCH, ASK, SEARCH_TERMS, LOOKUP_TERM, SPARQL, READ_ARTICLE]
        );
    }

    #[test]
    fn bad_arguments_name_the_problem() {
        let args = |v: Value| match v {
            Value::Object(m) => Some(m),
            _ => None,
        };
        let e = parse::<SearchArgs>(SEARCH, args(json!({"q": "x"}))).unwrap_err();
        assert!(e.to_string().contains("unknown field `q`"), "{e}");
        let e = parse::<SearchArgs>(SEARCH, args(json!({}))).unwrap_err();
        assert!(e.to_string().contains("missing field `query`"), "{e}");
        let e = parse::<SearchArgs>(SEARCH, args(json!({"query": "x", "limit": -1}))).unwrap_err();
        assert!(e.to_string().contains("-1"), "{e}");
        let e =
            parse::<SearchArgs>(SEARCH, args(json!({"query": "x", "mode": "fast"}))).unwrap_err();
        assert!(e.to_string().contains("fast"), "{e}");
        let e = in_range(SEARCH, "limit", 500, 1, MAX_SEARCH_LIMIT).unwrap_err();
        assert!(e.to_string().contains("`limit` is 500"), "{e}");
        assert!(parse::<AskArgs>(ASK, None).is_err());
    }
}
