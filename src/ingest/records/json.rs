//! JSON records: a linear, non-recursive scan that refuses nesting past
//! [`MAX_DEPTH`] before serde_json sees the bytes, and remembers the line where
//! each value starts (`hits/hits/3` → 57), so items and diagnostics point into
//! the file. The same path → line table is filled from XML for DataCite.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

/// Records are a handful of levels deep; anything deeper is not a record.
pub const MAX_DEPTH: usize = 64;

/// Values deeper than this get no line of their own (their parent's is used).
const TRACKED_DEPTH: usize = 8;

/// The line where each value starts, by its path (`data/attributes/titles/0`).
#[derive(Debug, Default, Clone)]
pub struct Lines {
    by_path: HashMap<String, usize>,
}

impl Lines {
    pub fn insert(&mut self, path: &str, line: usize) {
        self.by_path.entry(path.to_string()).or_insert(line);
    }

    /// The line of `path`, else of its nearest ancestor that has one, else 1.
    pub fn at(&self, path: &str) -> usize {
        let mut p = path;
        loop {
            if let Some(line) = self.by_path.get(p) {
                return *line;
            }
            match p.rsplit_once('/') {
                Some((parent, _)) => p = parent,
                None => return self.by_path.get("").copied().unwrap_or(1),
            }
        }
    }
}

/// Joins path segments: `join("data", "0")` is `data/0`; the root is `""`.
pub fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else {
        format!("{base}/{key}")
    }
}

/// What [`scan`] learnt about a JSON text.
#[derive(Debug, Default)]
pub struct Scan {
    pub lines: Lines,
    /// Object keys seen, by path (`hits/hits/0/metadata`), up to the tracked depth.
    pub keys: BTreeSet<String>,
    /// String values at depth 1 and 2 (`@context`, `@type`), at most a few hundred.
    pub strings: Vec<(String, String)>,
    /// The deepest nesting met before the scan stopped.
    pub deepest: usize,
}

/// Nesting past [`MAX_DEPTH`], with the line where it went too deep.
#[derive(Debug, Clone, PartialEq)]
pub struct TooDeep {
    pub line: usize,
}

enum Frame {
    Object {
        key: Option<String>,
        expect_key: bool,
    },
    Array {
        index: usize,
    },
}

/// Walks the text once without recursion. Stops with [`TooDeep`] when nesting
/// passes [`MAX_DEPTH`]; syntax errors are left to serde_json (a truncated text
/// scans as far as it goes, which is what sniffing a prefix needs).
pub fn scan(bytes: &[u8]) -> Result<Scan, TooDeep> {
    let mut out = Scan::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut line = 1usize;
    let mut i = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => line += 1,
            b' ' | b'\t' | b'\r' | b':' => {}
            b'"' => {
                let (text, end, newlines) = string_at(bytes, i);
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Object {
                        expect_key: true,
                        ..
                    })
                );
                if is_key {
                    let parent = path(&stack);
                    if let Some(Frame::Object { key, expect_key }) = stack.last_mut() {
                        *expect_key = false;
                        if parent.matches('/').count() < TRACKED_DEPTH {
                            out.keys.insert(join(&parent, &text));
                        }
                        *key = Some(text);
                    }
                } else {
                    let p = value_start(&mut out, &stack, line);
                    if stack.len() <= 2 && out.strings.len() < 512 {
                        out.strings.push((p, text.chars().take(512).collect()));
                    }
                }
                line += newlines;
                i = end;
                continue;
            }
            b'{' | b'[' => {
                value_start(&mut out, &stack, line);
                if stack.len() >= MAX_DEPTH {
                    return Err(TooDeep { line });
                }
                stack.push(if c == b'{' {
                    Frame::Object {
                        key: None,
                        expect_key: true,
                    }
                } else {
                    Frame::Array { index: 0 }
                });
                out.deepest = out.deepest.max(stack.len());
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, expect_key }) => {
                    *key = None;
                    *expect_key = true;
                }
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {
                // A number or literal: note where it starts and skip it.
                value_start(&mut out, &stack, line);
                while i + 1 < bytes.len()
                    && !matches!(
                        bytes[i + 1],
                        b',' | b'}' | b']' | b'\n' | b' ' | b'\t' | b'\r'
                    )
                {
                    i += 1;
                }
            }
        }
        i += 1;
    }
    Ok(out)
}

/// Records the line of the value starting now and returns its path.
fn value_start(out: &mut Scan, stack: &[Frame], line: usize) -> String {
    let p = path(stack);
    if stack.len() <= TRACKED_DEPTH {
        out.lines.insert(&p, line);
    }
    p
}

fn path(stack: &[Frame]) -> String {
    let mut p = String::new();
    for frame in stack.iter().take(TRACKED_DEPTH + 1) {
        let segment = match frame {
            // An object whose key is not read yet adds nothing.
            Frame::Object { key: None, .. } => continue,
            Frame::Object { key: Some(key), .. } => key.clone(),
            Frame::Array { index } => index.to_string(),
        };
        if !p.is_empty() {
            p.push('/');
        }
        p.push_str(&segment);
    }
    p
}

/// The string starting at the quote at `start`: its text (escapes decoded where
/// simple; keys and sniffed values only), the offset after its closing quote and
/// the newlines inside it.
fn string_at(bytes: &[u8], start: usize) -> (String, usize, usize) {
    let mut i = start + 1;
    let mut newlines = 0;
    let mut raw = Vec::new();
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return (String::from_utf8_lossy(&raw).into_owned(), i + 1, newlines),
            b'\\' => {
                if let Some(next) = bytes.get(i + 1) {
                    raw.push(match next {
                        b'n' => b'\n',
                        b't' => b'\t',
                        other => *other,
                    });
                }
                i += 2;
                continue;
            }
            b'\n' => {
                newlines += 1;
                raw.push(b'\n');
            }
            b => raw.push(b),
        }
        i += 1;
    }
    (
        String::from_utf8_lossy(&raw).into_owned(),
        bytes.len(),
        newlines,
    )
}

/// A JSON file's problem: the line and what to tell the curator.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    pub line: usize,
    pub message: String,
}

/// Parses a whole JSON file: depth checked first, then serde_json.
pub fn parse(bytes: &[u8]) -> Result<(Value, Lines), JsonError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let scan = scan(bytes).map_err(|deep| JsonError {
        line: deep.line,
        message: format!("JSON nested deeper than {MAX_DEPTH} levels"),
    })?;
    let value: Value = serde_json::from_slice(bytes).map_err(|e| JsonError {
        line: e.line().max(1),
        message: format!("invalid JSON: {}", strip_position(&e.to_string())),
    })?;
    Ok((value, scan.lines))
}

fn strip_position(text: &str) -> &str {
    text.find(" at line ").map_or(text, |i| &text[..i])
}

/// The text of a JSON value when it is a non-empty string (trimmed), or a number.
pub fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A value that may be one item or a list of them, as a list.
pub fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    }
}

/// The first line in the text that contains `needle` (1-based), or `fallback`.
/// Used where a value's own line is not tracked (YAML, deep JSON).
pub fn line_of(text: &str, needle: &str, fallback: usize) -> usize {
    if needle.is_empty() {
        return fallback;
    }
    text.find(needle)
        .map_or(fallback, |at| 1 + text[..at].matches('\n').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_values_by_path() {
        let text = b"{\n  \"hits\": {\n    \"hits\": [\n      {\"a\": 1},\n      {\n        \"b\": \"x\\\"y\"\n      }\n    ]\n  }\n}\n";
        let (value, lines) = parse(text).unwrap();
        assert_eq!(value["hits"]["hits"][1]["b"], "x\"y");
        assert_eq!(lines.at("hits/hits/0"), 4);
        assert_eq!(lines.at("hits/hits/1"), 5);
        assert_eq!(lines.at("hits/hits/1/b"), 6);
        assert_eq!(lines.at("hits/hits/1/missing"), 5);
    }

    #[test]
    fn truncated_json_is_an_error_with_its_line() {
        let err = parse(b"{\n  \"title\": \"x\",\n  \"creators\": [\n").unwrap_err();
        assert!(err.message.starts_with("invalid JSON: EOF"), "{err:?}");
        assert_eq!(err.line, 4);
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let deep = "[".repeat(100_000);
        let err = parse(deep.as_bytes()).unwrap_err();
        assert_eq!(err.message, "JSON nested deeper than 64 levels");
        let deep = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
        assert!(parse(deep.as_bytes()).is_err());
    }
}
