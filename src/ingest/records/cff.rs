//! `CITATION.cff` (Citation File Format 1.2.0): how software and datasets ask to
//! be cited. YAML, read with yaml_serde into JSON values (which keep the last of
//! repeated keys, as PyYAML does; the repetition itself is a warning here).
//! Keys outside CFF 1.2.0 (`author` for `authors`) and dates that are not
//! `YYYY-MM-DD` are warnings a curator can fix, with their lines.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::item::{Diags, Draft, finish, person_name, source_code};
use super::json::{items, line_of, str_of};
use super::merge_versions;
use crate::ingest::licence;
use crate::ingest::validate;
use crate::ingest::{ContentFile, Diagnostic, Reading};
use crate::model::{Affiliation, Agent, Identifier, normalise_doi};

pub const WHAT: &str = "CITATION.cff";

/// The keys CFF 1.2.0 defines at the top level.
const KEYS: &[&str] = &[
    "abstract",
    "authors",
    "cff-version",
    "commit",
    "contact",
    "date-released",
    "doi",
    "identifiers",
    "keywords",
    "license",
    "license-url",
    "message",
    "preferred-citation",
    "references",
    "repository",
    "repository-artifact",
    "repository-code",
    "title",
    "type",
    "url",
    "version",
];

/// Keys CFF requires.
const REQUIRED: &[&str] = &["authors", "cff-version", "message", "title"];

/// Keys mapped completely (the rest, CFF's own or not, are kept in `extra`).
const MAPPED: &[&str] = &[
    "abstract",
    "authors",
    "date-released",
    "doi",
    "identifiers",
    "keywords",
    "license",
    "license-url",
    "repository-code",
    "title",
    "type",
    "url",
    "version",
];

/// Reads a `CITATION.cff` file.
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            return Reading::failed(Diagnostic::error(file.display(), line, "invalid UTF-8"));
        }
    };
    if let Err(line) = flow_depth_ok(text) {
        return Reading::failed(Diagnostic::error(
            file.display(),
            line,
            format!("YAML nested deeper than {MAX_FLOW_DEPTH} levels"),
        ));
    }
    let value: Value = match yaml_serde::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line().max(1));
            let message = e.to_string();
            let message = message
                .find(" at line ")
                .map_or(message.as_str(), |i| &message[..i]);
            return Reading::failed(Diagnostic::error(
                file.display(),
                line,
                format!("invalid YAML in CITATION.cff: {message}"),
            ));
        }
    };
    let Some(cff) = value.as_object() else {
        return Reading::failed(Diagnostic::error(
            file.display(),
            1,
            "CITATION.cff must be a mapping of keys",
        ));
    };
    let mut diags = Diags::new(file);
    let key_lines = top_level_keys(text, &mut diags);
    let line = |key: &str| key_lines.get(key).copied().unwrap_or(1);
    for key in cff.keys() {
        if !KEYS.contains(&key.as_str()) {
            let hint = match key.as_str() {
                "author" => " (did you mean `authors`?)",
                "licence" => " (did you mean `license`?)",
                "date" | "date-published" => " (did you mean `date-released`?)",
                _ => "",
            };
            diags.warn(
                line(key),
                format!("unknown CFF key `{key}`{hint}; CFF 1.2.0 does not define it"),
            );
        }
    }
    for key in REQUIRED {
        if !cff.contains_key(*key) {
            diags.warn(
                1,
                format!("CITATION.cff has no `{key}`, which CFF requires"),
            );
        }
    }
    let draft = draft(cff, text, &line, &mut diags);
    Reading {
        articles: merge_versions(finish(vec![draft], file, WHAT, &mut diags)),
        diagnostics: diags.list,
    }
}

fn draft(
    cff: &Map<String, Value>,
    text: &str,
    line: &dyn Fn(&str) -> usize,
    diags: &mut Diags,
) -> Draft {
    let mut d = Draft::new("cff", 1);
    d.title = str_of(cff.get("title"));
    if let Some(abstract_text) = str_of(cff.get("abstract")) {
        d.describe(&abstract_text, line("abstract"));
    }
    d.record.creators = authors(cff.get("authors"), text, line("authors"), diags);
    if let Some(doi) = str_of(cff.get("doi")) {
        d.record.doi = normalise_doi(&doi);
        if d.record.doi.is_none() {
            diags.warn(line("doi"), format!("invalid DOI `{doi}`"));
        }
    }
    for id in items(cff.get("identifiers")) {
        let (Some(kind), Some(value)) = (str_of(id.get("type")), str_of(id.get("value"))) else {
            continue;
        };
        if kind == "doi" {
            let doi = normalise_doi(&value);
            if doi.is_none() {
                diags.warn(
                    line_of(text, &value, line("identifiers")),
                    format!("invalid DOI `{value}`"),
                );
            }
            if d.record.doi.is_none() {
                d.record.doi = doi;
                continue;
            }
            if doi == d.record.doi {
                continue;
            }
        }
        d.record.identifiers.push(Identifier {
            scheme: kind,
            value,
        });
    }
    d.record.version = str_of(cff.get("version"));
    if let Some(date) = str_of(cff.get("date-released")) {
        if !validate::is_calendar_date(&date) {
            diags.warn(
                line("date-released"),
                format!("date-released `{date}` is not a date of the form YYYY-MM-DD"),
            );
        }
        d.record.issued = validate::issued_date(&date);
    }
    let licences: Vec<String> = items(cff.get("license"))
        .into_iter()
        .filter_map(|l| str_of(Some(l)))
        .collect();
    let url = str_of(cff.get("license-url"));
    d.record.license = match licences.first() {
        Some(first) => {
            let mut l = licence::licence(first);
            l.url = url.or(l.url);
            Some(l)
        }
        None => url.map(|u| licence::licence(&u)),
    };
    if licences.len() > 1 {
        d.extra.insert(
            "license".into(),
            cff.get("license").cloned().unwrap_or(Value::Null),
        );
    }
    d.record.keywords = items(cff.get("keywords"))
        .into_iter()
        .filter_map(|k| str_of(Some(k)))
        .collect();
    if let Some(repo) = str_of(cff.get("repository-code")) {
        d.record.related.push(source_code(&repo));
    }
    d.record.landing_page = str_of(cff.get("url"));
    // CFF's default type is software.
    d.record.resource_type = Some(str_of(cff.get("type")).unwrap_or_else(|| "software".into()));
    for (key, value) in cff {
        if !MAPPED.contains(&key.as_str()) {
            d.extra.insert(key.clone(), value.clone());
        }
    }
    d
}

fn authors(list: Option<&Value>, text: &str, key_line: usize, diags: &mut Diags) -> Vec<Agent> {
    let mut out = Vec::new();
    for a in items(list) {
        let given = str_of(a.get("given-names"));
        let family = match (
            str_of(a.get("name-particle")),
            str_of(a.get("family-names")),
        ) {
            (Some(particle), Some(family)) => Some(format!("{particle} {family}")),
            (_, family) => family,
        };
        let entity = str_of(a.get("name"));
        let is_entity = entity.is_some() && given.is_none() && family.is_none();
        let mut name = match &entity {
            Some(e) if is_entity => e.clone(),
            _ => person_name(given.as_deref(), family.as_deref()),
        };
        if let Some(suffix) = str_of(a.get("name-suffix")).filter(|_| !is_entity) {
            name = format!("{name}, {suffix}");
        }
        if name.is_empty() {
            diags.warn(
                key_line,
                "author without a name (give family-names and given-names, or name)",
            );
            continue;
        }
        let orcid =
            str_of(a.get("orcid")).and_then(|o| diags.orcid(&o, line_of(text, &o, key_line)));
        let affiliations = str_of(a.get("affiliation"))
            .map(|name| vec![Affiliation { name, ror: None }])
            .unwrap_or_default();
        out.push(Agent {
            name,
            given,
            family,
            orcid,
            identifier: None,
            organisation: is_entity,
            affiliations,
            role: None,
        });
    }
    out
}

/// The deepest `[`/`{` nesting read before the YAML parser sees the text: its
/// flow collections take time quadratic in their depth (a minute for 100,000).
const MAX_FLOW_DEPTH: usize = 64;

/// Checks flow nesting in one linear pass: brackets that open a value (after
/// `:`, `-`, `,`, another bracket or a line's start) count, brackets inside
/// quotes, comments and plain words do not. `Err` carries the line.
fn flow_depth_ok(text: &str) -> Result<(), usize> {
    let mut depth = 0usize;
    let mut line = 1usize;
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
                continue;
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' if opens_value(previous) => quote = Some(c),
                '#' if previous.is_whitespace() => {
                    // A comment runs to the end of the line.
                    for skipped in chars.by_ref() {
                        if skipped == '\n' {
                            line += 1;
                            break;
                        }
                    }
                    previous = '\n';
                    continue;
                }
                '[' | '{' if opens_value(previous) => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(line);
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        if !(c == ' ' || c == '\t') {
            previous = c;
        }
    }
    Ok(())
}

fn opens_value(previous: char) -> bool {
    matches!(previous, '\n' | ':' | '-' | ',' | '[' | '{' | '?')
}

/// Lines of the top-level keys (the last of repeated ones, which is the one
/// kept), warning once per repeated key.
fn top_level_keys(text: &str, diags: &mut Diags) -> HashMap<String, usize> {
    let mut lines: HashMap<String, usize> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let Some(first) = raw.chars().next() else {
            continue;
        };
        if first.is_whitespace() || matches!(first, '#' | '-' | '\'' | '"' | '{' | '[' | '.') {
            continue;
        }
        let Some((key, _)) = raw.split_once(':') else {
            continue;
        };
        let key = key.trim().to_string();
        if let Some(earlier) = lines.insert(key.clone(), i + 1) {
            diags.warn(
                i + 1,
                format!(
                    "key `{key}` is repeated (first on line {earlier}); the last value is used"
                ),
            );
        }
    }
    lines
}
