//! The document information dictionary (`/Info` in the trailer): title, author,
//! keywords, dates, the software that made the file. PDF text strings and dates
//! have their own syntax; both are decoded here.

use std::collections::BTreeMap;

use lopdf::{Document, Object};

/// What the Info dictionary says, each value decoded to text.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Info {
    /// Every entry as written (key without `/`, value as text), in file order.
    pub entries: Vec<(String, String)>,
}

impl Info {
    /// The value of `key` (`Title`, `Author`, ...), trimmed; `None` when absent or blank.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The entries other than `mapped`, as JSON values for `Article::extra`.
    pub fn unmapped(&self, mapped: &[&str]) -> BTreeMap<String, serde_json::Value> {
        self.entries
            .iter()
            .filter(|(k, _)| !mapped.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect()
    }
}

/// Bounds a hostile Info dictionary: at most this many entries are read.
const MAX_ENTRIES: usize = 64;
/// ... and at most this many characters of each value.
const MAX_VALUE_CHARS: usize = 4096;

/// Reads the trailer's `/Info` dictionary; an absent or malformed one is empty.
pub fn read(doc: &Document) -> Info {
    let dict = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| deref(doc, info))
        .and_then(|info| info.as_dict().ok());
    let Some(dict) = dict else {
        return Info::default();
    };
    let entries = dict
        .iter()
        .take(MAX_ENTRIES)
        .filter_map(|(key, value)| {
            let value = deref(doc, value)?;
            let text = match value {
                Object::String(..) => text_string(value)?,
                Object::Name(name) => String::from_utf8_lossy(name).into_owned(),
                Object::Integer(i) => i.to_string(),
                Object::Real(r) => r.to_string(),
                Object::Boolean(b) => b.to_string(),
                _ => return None,
            };
            let text: String = text.chars().take(MAX_VALUE_CHARS).collect();
            Some((String::from_utf8_lossy(key).into_owned(), text))
        })
        .collect();
    Info { entries }
}

/// The document's language (the catalog's `/Lang`, e.g. `en-GB`), when given.
pub fn language(doc: &Document) -> Option<String> {
    let lang = doc.catalog().ok()?.get(b"Lang").ok()?;
    let text = text_string(deref(doc, lang)?)?;
    let text = text.trim();
    let plausible = !text.is_empty()
        && text.len() <= 35
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    plausible.then(|| text.to_string())
}

/// Follows a reference (one level, as lopdf's own `dereference` does with a bound).
pub fn deref<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    doc.dereference(object).ok().map(|(_, object)| object)
}

/// Decodes a PDF text string: UTF-16BE or UTF-8 after a byte-order mark, else
/// PDFDocEncoding. Lossy: a broken surrogate becomes U+FFFD rather than losing
/// the whole value.
pub fn text_string(object: &Object) -> Option<String> {
    let bytes = object.as_str().ok()?;
    if let Some(utf16) = bytes.strip_prefix(b"\xFE\xFF") {
        let units: Vec<u16> = utf16
            .chunks(2)
            .map(|pair| match *pair {
                [hi, lo] => u16::from_be_bytes([hi, lo]),
                [hi] => u16::from_be_bytes([hi, 0]),
                _ => 0xFFFD,
            })
            .collect();
        return Some(String::from_utf16_lossy(&units));
    }
    if let Some(utf8) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Some(String::from_utf8_lossy(utf8).into_owned());
    }
    lopdf::decode_text_string(object)
        .ok()
        .or_else(|| Some(bytes.iter().map(|&b| char::from(b)).collect()))
}

/// A PDF date (`D:YYYYMMDDHHmmSSOHH'mm'`, every part after the year optional) as
/// an ISO 8601 calendar date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise as the
/// value). The time of day is dropped: an article's date is a day.
pub fn iso_date(pdf_date: &str) -> Option<String> {
    let text = pdf_date.trim();
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let part = |from: usize, to: usize| digits.get(from..to).and_then(|s| s.parse::<u32>().ok());
    let year = part(0, 4)?;
    if year < 1000 {
        return None;
    }
    let Some(month) = part(4, 6) else {
        return Some(format!("{year:04}"));
    };
    if !(1..=12).contains(&month) {
        return Some(format!("{year:04}"));
    }
    match part(6, 8) {
        Some(day) if (1..=31).contains(&day) => Some(format!("{year:04}-{month:02}-{day:02}")),
        _ => Some(format!("{year:04}-{month:02}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::StringFormat;

    #[test]
    fn pdf_dates_become_iso_days() {
        assert_eq!(
            iso_date("D:20260113094512+01'00'").as_deref(),
            Some("2026-01-13")
        );
        assert_eq!(iso_date("D:2024").as_deref(), Some("2024"));
        assert_eq!(iso_date("D:202403").as_deref(), Some("2024-03"));
        assert_eq!(iso_date("20240399").as_deref(), Some("2024-03"));
        assert_eq!(iso_date("D:19").as_deref(), None);
        assert_eq!(iso_date("yesterday"), None);
        assert_eq!(iso_date(""), None);
    }

    #[test]
    fn text_strings_decode_by_byte_order_mark() {
        let utf16 = Object::String(
            b"\xFE\xFF\x00A\x00\xA0\x00\xE9".to_vec(),
            StringFormat::Hexadecimal,
        );
        assert_eq!(text_string(&utf16).as_deref(), Some("A\u{a0}é"));
        let odd = Object::String(b"\xFE\xFF\xD8\x00\x00".to_vec(), StringFormat::Literal);
        assert_eq!(text_string(&odd).as_deref(), Some("\u{fffd}\u{0}"));
        let utf8 = Object::String(
            b"\xEF\xBB\xBFGr\xC3\xBC\xC3\x9Fe".to_vec(),
            StringFormat::Literal,
        );
        assert_eq!(text_string(&utf8).as_deref(), Some("Grüße"));
        let doc = Object::String(b"Caf\xE9".to_vec(), StringFormat::Literal);
        assert_eq!(text_string(&doc).as_deref(), Some("Café"));
    }
}
