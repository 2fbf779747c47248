//! JSON as the training readers need it: UTF-8 with its line on failure, parse
//! errors with their line, a depth bound, and the line each array element starts
//! on (a catalogue file holds hundreds of items; each item's diagnostics and
//! `body_line` point at its own line).

use serde_json::Value;
use serde_json::value::RawValue;

/// Deepest nesting accepted. serde_json refuses more than 128 levels by itself
/// (cleanly, as an error); our own walks over a value stay well within the stack
/// at 64, and no real record nests half as deep.
pub const MAX_DEPTH: usize = 64;

/// Why a JSON text could not be used, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line in the file.
    pub line: usize,
    pub message: String,
}

/// The file's text: UTF-8 without a byte-order mark.
pub fn utf8(bytes: &[u8]) -> Result<&str, JsonError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| JsonError {
        line: 1 + count_newlines(bytes.get(..e.valid_up_to()).unwrap_or_default()),
        message: "invalid UTF-8".into(),
    })
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// 1-based line of a byte offset in `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    1 + count_newlines(text.as_bytes().get(..offset).unwrap_or(text.as_bytes()))
}

/// Where `inner` (a slice of `outer`, e.g. a borrowed [`RawValue`]) starts in it.
pub fn offset_in(outer: &str, inner: &str) -> Option<usize> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (start + inner.len() <= outer.len()).then_some(start)
}

/// Line of `inner` in the file, given the line `outer` starts on.
pub fn line_of(outer: &str, outer_line: usize, inner: &str) -> usize {
    offset_in(outer, inner).map_or(outer_line, |o| outer_line + line_at(outer, o) - 1)
}

fn syntax_error(e: &serde_json::Error, first_line: usize) -> JsonError {
    let line = first_line + e.line().saturating_sub(1);
    let message = match e.classify() {
        serde_json::error::Category::Eof => format!("invalid JSON: unexpected end of file ({e})"),
        _ => format!("invalid JSON: {e}"),
    };
    JsonError { line, message }
}

/// Parses JSON text starting on `first_line` of the file into a value no deeper
/// than [`MAX_DEPTH`].
pub fn parse(text: &str, first_line: usize) -> Result<Value, JsonError> {
    let value: Value = serde_json::from_str(text).map_err(|e| syntax_error(&e, first_line))?;
    if depth(&value) > MAX_DEPTH {
        return Err(JsonError {
            line: first_line,
            message: format!("JSON nested deeper than {MAX_DEPTH} levels"),
        });
    }
    Ok(value)
}

/// Checks the syntax of the whole text without building it (serde_json skips raw
/// values with a loop, so any depth is safe here).
pub fn raw(text: &str) -> Result<&RawValue, JsonError> {
    serde_json::from_str(text).map_err(|e| syntax_error(&e, 1))
}

/// The elements of a JSON array, unparsed, each with the line it starts on;
/// `raw` is a slice of `whole`, which starts on line `first_line` of the file.
pub fn elements<'a>(
    raw: &'a RawValue,
    whole: &str,
    first_line: usize,
) -> Result<Vec<(usize, &'a RawValue)>, JsonError> {
    let start = line_of(whole, first_line, raw.get());
    let items: Vec<&RawValue> =
        serde_json::from_str(raw.get()).map_err(|e| syntax_error(&e, start))?;
    Ok(items
        .into_iter()
        .map(|item| (line_of(whole, first_line, item.get()), item))
        .collect())
}

/// The first non-blank character of a JSON text: `[`, `{`, ...
pub fn opening(raw: &RawValue) -> Option<char> {
    raw.get().trim_start().chars().next()
}

/// Nesting depth of a value (a scalar is 0), computed without recursion.
pub fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((value, level)) = stack.pop() {
        deepest = deepest.max(level);
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, level + 1))),
            Value::Object(map) => stack.extend(map.values().map(|v| (v, level + 1))),
            _ => {}
        }
    }
    deepest
}

/// A string (or number) value, trimmed, when it is not empty; a JSON-LD value
/// object (`{"@value": ...}`) gives its value, a list its first text.
pub fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(map) => match map.get("@value")? {
            Value::Object(_) | Value::Array(_) => None,
            scalar => text(Some(scalar)),
        },
        Value::Array(items) => items.iter().find_map(|v| match v {
            Value::Array(_) => None,
            v => text(Some(v)),
        }),
        _ => None,
    }
}

/// A value that may be one item or a list of them, as a list.
pub fn many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().filter(|v| !v.is_null()).collect(),
        Some(one) => vec![one],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_elements_know_their_lines() {
        let text = "[\n {\"a\": 1},\n\n {\"b\": [2,\n 3]}\n]\n";
        let whole = raw(text).unwrap();
        let items = elements(whole, text, 1).unwrap();
        let lines: Vec<usize> = items.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn syntax_errors_carry_their_line() {
        let err = parse("{\n\"a\": 1,\n\"b\": }\n", 1).unwrap_err();
        assert_eq!(err.line, 3, "{err:?}");
        assert!(err.message.starts_with("invalid JSON"), "{err:?}");
        let err = parse("{\"a\": [1,\n", 10).unwrap_err();
        assert_eq!(err.line, 11, "{err:?}");
        assert!(err.message.contains("end of file"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing() {
        let deep = "[".repeat(100_000);
        let err = parse(&deep, 1).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err:?}");
        // Skipping the same text unparsed is a loop in serde_json, not recursion.
        assert!(raw(&deep).is_err());
        let closed = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let err = parse(&closed, 1).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err:?}");
        let seventy = format!("{}{}", "[".repeat(70), "]".repeat(70));
        assert_eq!(
            parse(&seventy, 1).unwrap_err().message,
            "JSON nested deeper than 64 levels"
        );
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse(&ok, 1).is_ok());
    }

    #[test]
    fn invalid_utf8_is_located() {
        assert_eq!(utf8(b"{\n\"a\":\n\"\xff\"}").unwrap_err().line, 3);
        assert_eq!(utf8(b"\xef\xbb\xbf[]").unwrap(), "[]");
    }
}
