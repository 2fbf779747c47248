//! Front matter: splitting it from the body, parsing YAML (`---`) or TOML (`+++`),
//! and mapping the field names other knowledge bases use onto the content model.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::Author;

/// The raw front matter block of a file and where the body starts.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    pub format: Option<Format>,
    /// Text between the fences (empty when there is no front matter).
    pub block: &'a str,
    /// 1-based line of the first line inside the fences.
    pub block_line: usize,
    pub body: &'a str,
    /// 1-based line where the body starts.
    pub body_line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// A front matter problem, with the 1-based line in the file it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatterError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Splits a file into front matter and body. A fence that opens but never closes
/// is an error: treating the rest of the file as metadata would hide the article.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (format, fence) = match first_line(text) {
        "---" => (Format::Yaml, "---"),
        "+++" => (Format::Toml, "+++"),
        _ => {
            return Ok(Split {
                format: None,
                block: "",
                block_line: 1,
                body: text,
                body_line: 1,
            });
        }
    };
    let after_open = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = after_open;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let current = text[offset..end].trim_end_matches(['\n', '\r']);
        // YAML also allows `...` to end a document.
        if current.trim_end() == fence || (format == Format::Yaml && current.trim_end() == "...") {
            return Ok(Split {
                format: Some(format),
                block: &text[after_open..offset],
                block_line: 2,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err(FrontMatterError {
        line: 1,
        column: 1,
        message: format!("front matter opened with `{fence}` is never closed"),
    })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim_end()
}

/// Parsed front matter fields, with notes on what was repaired.
#[derive(Debug, Default)]
pub struct Fields {
    pub values: BTreeMap<String, Value>,
    /// Problems tolerated the way static-site generators tolerate them.
    pub warnings: Vec<FrontMatterError>,
}

/// Parses a front matter block into a JSON object (keys as strings).
pub fn parse(split: &Split<'_>) -> Result<Fields, FrontMatterError> {
    let mut warnings = Vec::new();
    let value = match split.format {
        None => return Ok(Fields::default()),
        Some(Format::Yaml) => {
            if split.block.trim().is_empty() {
                return Ok(Fields::default());
            }
            let yaml = match yaml_serde::from_str::<yaml_serde::Value>(split.block) {
                Ok(yaml) => yaml,
                Err(e) if e.to_string().contains("duplicate entry") => {
                    // Jekyll keeps the last of repeated keys; so do we, and say so.
                    let (deduplicated, repeated) = drop_repeated_keys(split.block);
                    warnings.extend(repeated.into_iter().map(|(key, line)| FrontMatterError {
                        line: split.block_line + line,
                        column: 1,
                        message: format!("field `{key}` is repeated; the last one is used"),
                    }));
                    yaml_serde::from_str(&deduplicated).map_err(|e| yaml_error(split, &e))?
                }
                Err(e) => return Err(yaml_error(split, &e)),
            };
            yaml_to_json(yaml)
        }
        Some(Format::Toml) => {
            let table: toml::Table = toml::from_str(split.block).map_err(|e| {
                let line = e
                    .span()
                    .map_or(0, |span| split.block[..span.start].matches('\n').count());
                FrontMatterError {
                    line: split.block_line + line,
                    column: 1,
                    message: format!("invalid TOML front matter: {}", e.message()),
                }
            })?;
            serde_json::to_value(table).unwrap_or(Value::Null)
        }
    };
    match value {
        Value::Object(map) => Ok(Fields {
            values: map.into_iter().collect(),
            warnings,
        }),
        Value::Null => Ok(Fields::default()),
        other => Err(FrontMatterError {
            line: split.block_line,
            column: 1,
            message: format!(
                "front matter must be a mapping of fields, found {}",
                json_kind(&other)
            ),
        }),
    }
}

fn yaml_error(split: &Split<'_>, e: &yaml_serde::Error) -> FrontMatterError {
    let (line, column) = e
        .location()
        .map_or((0, 1), |loc| (loc.line(), loc.column()));
    // Errors found at the end of input point past the block; keep them inside it.
    let last = split.block.lines().count().max(1);
    FrontMatterError {
        line: split.block_line + line.clamp(1, last) - 1,
        column,
        message: format!("invalid YAML front matter: {}", strip_location(e)),
    }
}

/// Removes all but the last occurrence of each top-level key. Returns the new text
/// and the repeated keys with the 0-based line of each dropped occurrence.
fn drop_repeated_keys(block: &str) -> (String, Vec<(String, usize)>) {
    let lines: Vec<&str> = block.lines().collect();
    let top_key = |line: &str| -> Option<String> {
        let first = line.chars().next()?;
        if first.is_whitespace() || matches!(first, '#' | '-') {
            return None;
        }
        let (key, _) = line.split_once(':')?;
        Some(key.trim().trim_matches(['"', '\'']).to_string())
    };
    // Each top-level entry spans from its key line to the next key line.
    let starts: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| top_key(l).map(|k| (i, k)))
        .collect();
    let mut keep = vec![true; lines.len()];
    let mut repeated = Vec::new();
    for (n, (start, key)) in starts.iter().enumerate() {
        if starts[n + 1..].iter().any(|(_, later)| later == key) {
            let end = starts.get(n + 1).map_or(lines.len(), |(next, _)| *next);
            keep[*start..end].iter_mut().for_each(|k| *k = false);
            repeated.push((key.clone(), *start));
        }
    }
    let text = lines
        .iter()
        .zip(&keep)
        .map(|(line, keep)| if *keep { *line } else { "" })
        .collect::<Vec<_>>()
        .join("\n");
    (text, repeated)
}

fn strip_location(e: &yaml_serde::Error) -> String {
    let text = e.to_string();
    // The crate appends " at line L column C"; we report the file position ourselves.
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn yaml_to_json(v: yaml_serde::Value) -> Value {
    use yaml_serde::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (scalar_key(k), yaml_to_json(v)))
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn scalar_key(k: yaml_serde::Value) -> String {
    match yaml_to_json(k) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Front matter mapped onto the content model. Unknown fields stay in `extra`.
#[derive(Debug, Default, PartialEq)]
pub struct Metadata {
    pub id: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub kind: Option<String>,
    pub audience: Vec<String>,
    pub fair: Vec<String>,
    pub terms: Vec<String>,
    pub tags: Vec<String>,
    pub projects: Vec<String>,
    pub authors: Vec<Author>,
    pub license: Option<String>,
    pub updated: Option<String>,
    pub related: Vec<String>,
    pub extra: BTreeMap<String, Value>,
    /// Fields present but of a shape we cannot use (field, what was wrong).
    pub warnings: Vec<String>,
}

/// Field names of the content model, each with the aliases other sites use.
/// The first alias present wins; later ones are kept in `extra`.
const ALIASES: &[(&str, &[&str])] = &[
    ("id", &["id", "page_id"]),
    ("title", &["title"]),
    (
        "summary",
        &["summary", "description", "abstract", "excerpt"],
    ),
    ("kind", &["kind", "type"]),
    ("audience", &["audience", "audiences"]),
    ("fair", &["fair", "fair_principles"]),
    ("terms", &["terms", "ontology_terms", "subjects"]),
    ("tags", &["tags", "keywords", "tag", "categories"]),
    ("projects", &["projects", "project"]),
    ("authors", &["authors", "author", "contributors"]),
    ("license", &["license", "licence"]),
    (
        "updated",
        &[
            "updated",
            "last_modified",
            "last-modified",
            "modified",
            "date",
        ],
    ),
    ("related", &["related", "related_pages", "see_also"]),
];

/// The front matter names of a content-model field, in order of precedence
/// (`summary` → `summary`, `description`, ...); empty for an unknown field.
pub fn aliases(canonical: &str) -> &'static [&'static str] {
    ALIASES
        .iter()
        .find(|(name, _)| *name == canonical)
        .map_or(&[], |(_, aliases)| aliases)
}

/// Maps parsed front matter onto the content model.
pub fn to_metadata(mut fields: BTreeMap<String, Value>) -> Metadata {
    let mut meta = Metadata::default();
    for (canonical, aliases) in ALIASES {
        let Some(value) = aliases.iter().find_map(|alias| fields.remove(*alias)) else {
            continue;
        };
        match *canonical {
            "id" => meta.id = scalar(&value).filter(|s| !s.is_empty()),
            "title" => meta.title = scalar(&value).filter(|s| !s.is_empty()),
            "summary" => meta.summary = scalar(&value),
            "kind" => meta.kind = scalar(&value).map(|s| s.to_lowercase()),
            "audience" => meta.audience = string_list(&value),
            "fair" => {
                meta.fair = string_list(&value)
                    .into_iter()
                    .map(|s| s.to_uppercase())
                    .collect()
            }
            "terms" => meta.terms = string_list(&value),
            "tags" => meta.tags = string_list(&value),
            "projects" => meta.projects = string_list(&value),
            "authors" => meta.authors = authors(&value),
            "license" => meta.license = scalar(&value),
            "updated" => meta.updated = scalar(&value),
            "related" => meta.related = string_list(&value),
            _ => {}
        }
        let usable = match *canonical {
            "id" | "title" | "summary" | "kind" | "license" | "updated" => scalar(&value).is_some(),
            _ => true,
        };
        if !usable {
            meta.warnings.push(format!(
                "field `{canonical}` should be a single value, found {}",
                json_kind(&value)
            ));
        }
    }
    meta.extra = fields;
    meta
}

/// A scalar as trimmed text; lists, maps and null give `None`.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A list of strings from a list, a single scalar, a comma-separated string, or a
/// mapping of lists (as RDMkit's `related_pages: {Your_tasks: [...]}`).
fn string_list(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_strings(v, &mut out);
    out.retain(|s| !s.is_empty());
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    out
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.contains(',') => {
            out.extend(s.split(',').map(|p| p.trim().to_string()));
        }
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_strings(i, out)),
        other => out.extend(scalar(other)),
    }
}

fn authors(v: &Value) -> Vec<Author> {
    let one = |item: &Value| -> Option<Author> {
        match item {
            Value::Object(map) => {
                let name = map
                    .get("name")
                    .or_else(|| map.get("given-names"))
                    .and_then(scalar)?;
                let orcid = map.get("orcid").and_then(scalar);
                Some(Author { name, orcid })
            }
            other => scalar(other)
                .filter(|s| !s.is_empty())
                .map(|name| Author { name, orcid: None }),
        }
    };
    match v {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|name| Author {
                name: name.to_string(),
                orcid: None,
            })
            .collect(),
        other => one(other).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(text: &str) -> Metadata {
        let s = split(text).unwrap();
        to_metadata(parse(&s).unwrap().values)
    }

    #[test]
    fn yaml_front_matter_maps_to_content_model() {
        let m = meta(
            "---\ntitle: A DOI\nsummary: Short.\nkind: Guide\nfair: [f1, A1.1]\ntags: doi\nauthors: [{name: Ada, orcid: 0000-0001}]\nupdated: 2026-05-01\nfoo: {bar: 1}\n---\nbody\n",
        );
        assert_eq!(m.title.as_deref(), Some("A DOI"));
        assert_eq!(m.kind.as_deref(), Some("guide"));
        assert_eq!(m.fair, ["F1", "A1.1"]);
        assert_eq!(m.tags, ["doi"]);
        assert_eq!(m.authors[0].orcid.as_deref(), Some("0000-0001"));
        assert_eq!(m.updated.as_deref(), Some("2026-05-01"));
        assert_eq!(m.extra["foo"]["bar"], 1);
    }

    #[test]
    fn jekyll_aliases_are_mapped() {
        let m = meta(
            "---\ntitle: DMP\ndescription: How to write one.\npage_id: dmp\nkeywords: [plan, dmp]\ncontributors: [Flora D'Anna, Daniel Faria]\nrelated_pages:\n  Tool_assembly: [nels, tsd]\n  Your_tasks: [costs]\ntraining: [{name: x}]\n---\n",
        );
        assert_eq!(m.id.as_deref(), Some("dmp"));
        assert_eq!(m.summary.as_deref(), Some("How to write one."));
        assert_eq!(m.tags, ["plan", "dmp"]);
        assert_eq!(m.authors.len(), 2);
        assert_eq!(m.related, ["nels", "tsd", "costs"]);
        assert!(m.extra.contains_key("training"));
    }

    #[test]
    fn toml_front_matter() {
        let m = meta("+++\ntitle = \"T\"\ntags = [\"a\", \"b\"]\n+++\n# Body\n");
        assert_eq!(m.title.as_deref(), Some("T"));
        assert_eq!(m.tags, ["a", "b"]);
    }

    #[test]
    fn body_line_counts_front_matter() {
        let s = split("---\na: 1\nb: 2\n---\nbody").unwrap();
        assert_eq!(s.body_line, 5);
        assert_eq!(s.body, "body");
        let none = split("# Title\n").unwrap();
        assert_eq!((none.format, none.body_line), (None, 1));
    }

    #[test]
    fn yaml_error_reports_file_line() {
        let s = split("---\ntitle: ok\nbad: [unclosed\nmore: x\n---\n").unwrap();
        let err = parse(&s).unwrap_err();
        assert!(err.line >= 3, "{err:?}");
        assert!(err.message.starts_with("invalid YAML"), "{err:?}");
    }

    #[test]
    fn unclosed_and_non_mapping_front_matter_are_errors() {
        assert!(split("---\ntitle: x\n").is_err());
        let s = split("---\n- a\n- b\n---\n").unwrap();
        assert!(parse(&s).unwrap_err().message.contains("mapping"));
    }

    #[test]
    fn repeated_keys_keep_the_last_with_a_warning() {
        let s = split(
            "---\ntitle: A\nrelated_pages:\n  x: [a]\ntags: [t]\nrelated_pages:\n  y: [b]\n---\n",
        )
        .unwrap();
        let fields = parse(&s).unwrap();
        assert_eq!(fields.values["related_pages"]["y"][0], "b");
        assert!(fields.values["related_pages"].get("x").is_none());
        assert_eq!(fields.warnings.len(), 1);
        assert_eq!(fields.warnings[0].line, 3);
    }

    #[test]
    fn wrong_shapes_warn_instead_of_failing() {
        let m = meta("---\ntitle: [a, b]\n---\n");
        assert_eq!(m.title, None);
        assert_eq!(m.warnings.len(), 1);
    }
}
