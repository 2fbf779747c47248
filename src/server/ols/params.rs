//! Reading OLS requests: query strings and path segments decoded strictly (a
//! malformed `%` escape or bytes that are not UTF-8 are refused, not passed on
//! mangled), repeated and comma-separated values, booleans, and pages capped.

use crate::query::Error;
use crate::query::ontology::ols::{MAX_ROWS, MAX_START};

/// Rows of a search page unless the request says (OLS's default).
pub const DEFAULT_ROWS: usize = 10;
/// Entries of a list page unless the request says (OLS's default).
pub const DEFAULT_SIZE: usize = 20;

/// Percent-decodes `text`; `+` is a space when `plus_is_space` (query strings).
pub fn decode(text: &str, plus_is_space: bool) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                // Two hex digits exactly: `from_str_radix` alone would take
                // a sign (`%+1`).
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| format!("malformed percent-encoding at byte {i} of `{text}`"))?;
                out.push(hex);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{text}` does not decode to UTF-8"))
}

/// The IRI a path segment names: OLS clients encode it twice
/// (`http%253A%252F%252F...`), some once; both are read.
pub fn iri_segment(raw: &str) -> Result<String, Error> {
    let bad = |reason: String| Error::InvalidParameter {
        name: "iri".into(),
        reason,
    };
    let once = decode(raw, false).map_err(bad)?;
    let iri = if once.contains('%') {
        decode(&once, false).map_err(bad)?
    } else {
        once
    };
    crate::query::ontology::ols::valid_iri(&iri)?;
    Ok(iri)
}

/// A query string's parameters, in order, decoded strictly.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Result<Params, Error> {
        let mut out = Vec::new();
        for pair in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let bad = |reason: String| Error::InvalidParameter {
                name: k.to_string(),
                reason,
            };
            out.push((decode(k, true).map_err(bad)?, decode(v, true).map_err(bad)?));
        }
        Ok(Params(out))
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, repeated or comma-separated, trimmed, none empty.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    }

    pub fn flag(&self, name: &str) -> Result<bool, Error> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(Error::InvalidParameter {
                name: name.into(),
                reason: format!("`{v}`: use true or false"),
            }),
        }
    }

    pub fn number(&self, name: &str, default: usize) -> Result<usize, Error> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(default),
            Some(v) => v.parse::<usize>().map_err(|_| Error::InvalidParameter {
                name: name.into(),
                reason: format!("`{v}` is not a non-negative integer"),
            }),
        }
    }

    /// `rows` (capped at [`MAX_ROWS`]) and `start` (at most [`MAX_START`]).
    pub fn rows_start(&self) -> Result<(usize, usize), Error> {
        let rows = self.number("rows", DEFAULT_ROWS)?.min(MAX_ROWS);
        let start = self.number("start", 0)?;
        if start > MAX_START {
            return Err(Error::InvalidParameter {
                name: "start".into(),
                reason: format!("must be at most {MAX_START}"),
            });
        }
        Ok((rows, start))
    }

    /// `page` (from 0) and `size` (1 to [`MAX_ROWS`]) of a list.
    pub fn page_size(&self) -> Result<(usize, usize), Error> {
        let size = self.number("size", DEFAULT_SIZE)?.clamp(1, MAX_ROWS);
        let page = self.number("page", 0)?;
        // Past this no list has rows; refused rather than computed.
        if page.checked_mul(size).is_none_or(|s| s > MAX_START * 10) {
            return Err(Error::InvalidParameter {
                name: "page".into(),
                reason: format!("page {page} of {size} is past every list"),
            });
        }
        Ok((page, size))
    }

    /// The parameters other than `page` and `size`, encoded again (for links).
    pub fn others_encoded(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            if k != "page" && k != "size" {
                out.append_pair(k, v);
            }
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_is_two_hex_digits() {
        assert_eq!(decode("a%20b+c", true).unwrap(), "a b c");
        assert_eq!(decode("a+b", false).unwrap(), "a+b");
        for bad in ["%+1", "%-1", "%zz", "%2", "%", "%FF"] {
            assert!(decode(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn malformed_escapes_and_bad_utf8_are_refused() {
        assert_eq!(decode("a%20b+c", true).as_deref(), Ok("a b c"));
        assert_eq!(decode("a+b", false).as_deref(), Ok("a+b"));
        assert!(decode("a%2", false).is_err());
        assert!(decode("a%zz", false).is_err());
        assert!(decode("%ff%fe", false).is_err());
        assert!(decode("%", false).is_err());
    }

    #[test]
    fn iris_are_read_encoded_once_or_twice() {
        let iri = "http://purl.org/pan-science/PaNET/PaNET01188";
        assert_eq!(
            iri_segment("http%253A%252F%252Fpurl.org%252Fpan-science%252FPaNET%252FPaNET01188")
                .unwrap(),
            iri
        );
        assert_eq!(
            iri_segment("http%3A%2F%2Fpurl.org%2Fpan-science%2FPaNET%2FPaNET01188").unwrap(),
            iri
        );
        assert!(iri_segment("not%20an%20iri").is_err());
        assert!(iri_segment("http%25zz").is_err());
    }

    #[test]
    fn lists_flags_and_pages() {
        let p = Params::parse(Some(
            "ontology=panet,edam&ontology=nexus&exact=TRUE&rows=5000&start=3",
        ))
        .unwrap();
        assert_eq!(p.list("ontology"), ["panet", "edam", "nexus"]);
        assert!(p.flag("exact").unwrap());
        assert!(!p.flag("obsoletes").unwrap());
        assert_eq!(p.rows_start().unwrap(), (MAX_ROWS, 3));
        assert!(
            Params::parse(Some("start=999999999"))
                .unwrap()
                .rows_start()
                .is_err()
        );
        assert!(
            Params::parse(Some("rows=-1"))
                .unwrap()
                .rows_start()
                .is_err()
        );
        assert!(
            Params::parse(Some("exact=yes"))
                .unwrap()
                .flag("exact")
                .is_err()
        );
        assert!(
            Params::parse(Some("page=18446744073709551615&size=2"))
                .unwrap()
                .page_size()
                .is_err()
        );
        assert!(Params::parse(Some("q=%E0%A4")).is_err());
    }
}
