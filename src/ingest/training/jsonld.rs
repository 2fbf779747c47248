//! schema.org / Bioschemas JSON-LD files (`.json`, `.jsonld`): a top-level object,
//! an array of them, or a `@graph`. Contexts are resolved locally (`context.rs`),
//! never fetched.

use std::collections::{BTreeMap, HashMap};

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::context::{self, Context, Flavour, Notes};
use super::json::{self, JsonError};
use super::schema::{self, Origin};
use crate::ingest::{ContentFile, Diagnostic, Reading};

/// How many bytes [`sniff`] looks at.
const SNIFF_BYTES: usize = 4096;

/// Whether the bytes look like schema.org JSON-LD: JSON with an `@context` naming
/// schema.org (or CodeMeta, RO-Crate) and a `@type`.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(bytes.get(..SNIFF_BYTES).unwrap_or(bytes));
    let json_like = head
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '[']);
    let vocab = ["schema.org", "codemeta", "w3id.org/ro/crate"]
        .iter()
        .any(|v| head.contains(v));
    json_like
        && head.contains("\"@context\"")
        && (head.contains("\"@type\"") || head.contains("\"type\""))
        && vocab
}

/// One node of a file, before mapping: where it is, what it says, and the
/// context around it (a `@graph`'s).
pub struct Node<'a> {
    pub line: usize,
    pub raw: &'a str,
    pub value: Map<String, Value>,
    pub context: Context,
}

/// Reads a JSON-LD file into one item per top-level node (per described work in
/// a `@graph`).
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    let display = file.display();
    let text = match json::utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Reading::failed(Diagnostic::error(display, e.line, e.message)),
    };
    let mut notes = Notes::default();
    let nodes = match nodes(text, 1, &mut notes) {
        Ok(nodes) => nodes,
        Err(e) => return Reading::failed(Diagnostic::error(display, e.line, e.message)),
    };
    let mut reading = Reading::default();
    reading.diagnostics.extend(
        notes
            .warnings
            .drain(..)
            .map(|w| Diagnostic::warning(&display, 1, w)),
    );
    if nodes.is_empty() {
        reading.diagnostics.push(Diagnostic::error(
            &display,
            1,
            "JSON-LD file describes nothing (no object)",
        ));
        return reading;
    }
    let mut ids = Ids::default();
    for node in nodes {
        let item = item(file, &node, "schema.org");
        let mut article = item.article;
        article.id = ids.unique(article.id);
        reading.articles.push(article);
        reading.diagnostics.extend(item.diagnostics);
    }
    reading
}

/// Maps one node to an item, with the context problems it met as warnings on its line.
pub fn item(file: &ContentFile, node: &Node, format: &'static str) -> schema::Item {
    let mut notes = Notes::default();
    let normalised = context::normalise(
        &Value::Object(node.value.clone()),
        &node.context,
        &mut notes,
    );
    let own_context = match node.value.get("@context") {
        Some(local) => node.context.with(local, &mut Notes::default()),
        None => node.context.clone(),
    };
    let format = match own_context.flavour {
        Flavour::CodeMeta => "codemeta",
        _ => format,
    };
    if !own_context.declared {
        notes
            .warnings
            .push("no @context: read with schema.org names".into());
    }
    let empty = Map::new();
    let map = normalised.as_object().unwrap_or(&empty);
    let origin = Origin {
        file,
        raw: node.raw,
        line: node.line,
        format,
    };
    let mut item = schema::article(map, &node.value, &own_context, &origin);
    let warnings = notes
        .warnings
        .into_iter()
        .map(|w| Diagnostic::warning(file.display(), node.line, w));
    item.diagnostics.splice(0..0, warnings);
    item
}

/// How much a node says it is a described work (see [`schema::rank`]).
pub fn rank(node: &Node) -> Option<u8> {
    let normalised = context::normalise(
        &Value::Object(node.value.clone()),
        &node.context,
        &mut Notes::default(),
    );
    normalised.as_object().and_then(schema::rank)
}

/// Ids unique within one file: items without a DOI share the file's path slug, so
/// the second gets `/2`, and so on (a DOI seen twice likewise).
#[derive(Default)]
pub struct Ids {
    seen: HashMap<String, usize>,
}

impl Ids {
    pub fn unique(&mut self, id: String) -> String {
        let count = self.seen.entry(id.clone()).or_insert(0);
        *count += 1;
        if *count == 1 {
            id
        } else {
            format!("{id}/{count}")
        }
    }
}

/// The nodes of a JSON-LD text that starts on `first_line`: the object itself, each
/// object of a top-level array, or the described works of a `@graph` (with their
/// references to other graph nodes embedded one level deep).
pub fn nodes<'a>(
    text: &'a str,
    first_line: usize,
    notes: &mut Notes,
) -> Result<Vec<Node<'a>>, JsonError> {
    let whole = json::raw(text).map_err(|e| JsonError {
        line: e.line + first_line - 1,
        ..e
    })?;
    let mut out = Vec::new();
    match json::opening(whole) {
        Some('[') => {
            for (line, raw) in json::elements(whole, text, first_line)? {
                collect(
                    raw,
                    line,
                    text,
                    first_line,
                    &Context::default(),
                    notes,
                    &mut out,
                )?;
            }
        }
        Some('{') => collect(
            whole,
            first_line,
            text,
            first_line,
            &Context::default(),
            notes,
            &mut out,
        )?,
        _ => {
            return Err(JsonError {
                line: first_line,
                message: "JSON-LD must be an object or an array of objects".into(),
            });
        }
    }
    Ok(out)
}

/// One top-level object (or an element of the top-level array): itself, or its
/// `@graph`'s described works.
fn collect<'a>(
    raw: &'a RawValue,
    line: usize,
    text: &'a str,
    first_line: usize,
    context: &Context,
    notes: &mut Notes,
    out: &mut Vec<Node<'a>>,
) -> Result<(), JsonError> {
    let value = json::parse(raw.get(), line)?;
    let Value::Object(map) = value else {
        return Ok(());
    };
    if !map.contains_key("@graph") {
        out.push(Node {
            line,
            raw: raw.get(),
            value: map,
            context: context.clone(),
        });
        return Ok(());
    }
    let graph_context = match map.get("@context") {
        Some(local) => context.with(local, notes),
        None => context.clone(),
    };
    let members: BTreeMap<String, &RawValue> =
        serde_json::from_str(raw.get()).map_err(|e| JsonError {
            line,
            message: format!("invalid JSON: {e}"),
        })?;
    let graph_raw = members.get("@graph").copied();
    let located: Vec<(usize, &RawValue)> = match graph_raw {
        Some(g) if json::opening(g) == Some('[') => json::elements(g, text, first_line)?,
        Some(g) => vec![(json::line_of(text, first_line, g.get()), g)],
        None => Vec::new(),
    };
    let mut graph: Vec<(usize, &RawValue, Map<String, Value>)> = Vec::new();
    for (line, raw) in located {
        if let Value::Object(node) = json::parse(raw.get(), line)? {
            graph.push((line, raw, node));
        }
    }
    let by_id: HashMap<String, Map<String, Value>> = graph
        .iter()
        .filter_map(|(_, _, node)| Some((json::text(node.get("@id"))?, node.clone())))
        .collect();
    let described: Vec<usize> = (0..graph.len())
        .filter(|&i| {
            graph
                .get(i)
                .is_some_and(|(_, _, n)| is_described_work(n, &graph_context))
        })
        .collect();
    // A graph of people and places only still describes something: its first node.
    let chosen = if described.is_empty() {
        vec![0]
    } else {
        described
    };
    for i in chosen {
        let Some((line, raw, node)) = graph.get(i) else {
            continue;
        };
        out.push(Node {
            line: *line,
            raw: raw.get(),
            value: embed_references(node, &by_id),
            context: graph_context.clone(),
        });
    }
    Ok(())
}

/// Whether a graph node is a work the graph describes (not a person, a file, or
/// RO-Crate's metadata descriptor).
fn is_described_work(node: &Map<String, Value>, context: &Context) -> bool {
    let id = json::text(node.get("@id")).unwrap_or_default();
    if id.ends_with("ro-crate-metadata.json") || id.ends_with("ro-crate-metadata.jsonld") {
        return false;
    }
    let normalised =
        context::normalise(&Value::Object(node.clone()), context, &mut Notes::default());
    normalised.as_object().and_then(schema::rank).is_some()
}

/// Replaces `{"@id": x}` references in a node's properties by the graph node `x`
/// (one level: the embedded nodes keep their own references).
fn embed_references(
    node: &Map<String, Value>,
    by_id: &HashMap<String, Map<String, Value>>,
) -> Map<String, Value> {
    let resolve = |value: &Value| -> Value {
        match value {
            Value::Object(r) if r.len() == 1 => json::text(r.get("@id"))
                .and_then(|id| by_id.get(&id))
                .map_or_else(|| value.clone(), |target| Value::Object(target.clone())),
            other => other.clone(),
        }
    };
    node.iter()
        .map(|(key, value)| {
            let value = match value {
                Value::Array(items) => Value::Array(items.iter().map(resolve).collect()),
                other => resolve(other),
            };
            (key.clone(), value)
        })
        .collect()
}
