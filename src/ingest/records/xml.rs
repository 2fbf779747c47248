//! A small element tree for record XML (DataCite, OAI-PMH), built without
//! recursion by a streaming parser (quick-xml: no DTD, no entity expansion) and
//! refused past [`MAX_DEPTH`] levels, with the line of every element for
//! diagnostics and `source.body_line`.

use quick_xml::NsReader;
use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// Record XML is a handful of levels deep; anything deeper is not a record.
pub const MAX_DEPTH: usize = 64;

/// One element: its local name and namespace, attributes, text and children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub namespace: Option<String>,
    /// Attributes by qualified name as written (`xml:lang`, `rightsURI`), values unescaped.
    pub attrs: Vec<(String, String)>,
    /// The element's own text (CDATA included), with `<br/>` as a line break.
    pub text: String,
    pub children: Vec<Element>,
    /// 1-based line of the start tag.
    pub line: usize,
}

/// Why a file is not usable XML, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct XmlError {
    pub line: usize,
    pub message: String,
}

impl Element {
    /// An attribute by its name as written, or by its local name (`lang` finds `xml:lang`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| {
                self.attrs
                    .iter()
                    .find(|(k, _)| k.rsplit(':').next() == Some(name))
            })
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text, trimmed.
    pub fn text(&self) -> &str {
        self.text.trim()
    }
}

/// Parses a whole document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = NsReader::from_reader(bytes);
    let mut lines = LineCounter::new(bytes);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = lines.line_at(reader.buffer_position());
        let decoder = reader.decoder();
        let event = reader.read_resolved_event();
        let (ns, event) = match event {
            Ok(ok) => ok,
            Err(e) => {
                let line = lines.line_at(reader.error_position());
                return Err(XmlError {
                    line,
                    message: format!("malformed XML: {e}"),
                });
            }
        };
        match event {
            Event::Start(ref start) | Event::Empty(ref start)
                if start.local_name().as_ref() == b"br" && !stack.is_empty() =>
            {
                // A line break inside text (DataCite descriptions allow `<br/>`).
                if let Some(parent) = stack.last_mut() {
                    parent.text.push('\n');
                }
            }
            Event::End(end) if end.local_name().as_ref() == b"br" => {}
            Event::Start(start) => {
                if root.is_some() {
                    return Err(XmlError {
                        line: at,
                        message: "malformed XML: more than one root element".into(),
                    });
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError {
                        line: at,
                        message: format!("XML nested deeper than {MAX_DEPTH} levels"),
                    });
                }
                stack.push(element(decoder, &ns, &start, at)?);
            }
            Event::Empty(start) => {
                let e = element(decoder, &ns, &start, at)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None if root.is_none() => root = Some(e),
                    None => {
                        return Err(XmlError {
                            line: at,
                            message: "malformed XML: more than one root element".into(),
                        });
                    }
                }
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(XmlError {
                        line: at,
                        message: "malformed XML: end tag without a start tag".into(),
                    });
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(text) => {
                let decoded = text.unescape().map_err(|e| XmlError {
                    line: lines.line_at(reader.buffer_position()),
                    message: format!("malformed XML: {e}"),
                })?;
                match stack.last_mut() {
                    Some(parent) => parent.text.push_str(&decoded),
                    None if decoded.trim().is_empty() => {}
                    None => {
                        return Err(XmlError {
                            line: at,
                            message: "malformed XML: text outside the root element".into(),
                        });
                    }
                }
            }
            Event::CData(data) => {
                if let Some(parent) = stack.last_mut() {
                    parent.text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError {
            line: lines.line_at(bytes.len() as u64),
            message: format!(
                "malformed XML: the file ends before <{}> (line {}) is closed",
                open.name, open.line
            ),
        });
    }
    root.ok_or_else(|| XmlError {
        line: 1,
        message: "malformed XML: no root element".into(),
    })
}

/// The first start tag's local name and namespace, read from at most the first
/// `limit` bytes (for sniffing: cheap, and tolerant of a cut-off tail).
pub fn root_name(bytes: &[u8], limit: usize) -> Option<(String, Option<String>)> {
    let bytes = bytes.get(..limit.min(bytes.len()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = NsReader::from_reader(bytes);
    loop {
        match reader.read_resolved_event().ok()? {
            (ns, Event::Start(start) | Event::Empty(start)) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                return Some((name, namespace(&ns)));
            }
            (_, Event::Eof) => return None,
            (_, Event::Text(t)) if !t.iter().all(u8::is_ascii_whitespace) => return None,
            _ => {}
        }
    }
}

/// The text of the first element with local name `name`, streaming through the
/// document without building it (no depth to bound).
pub fn first_text(bytes: &[u8], name: &str) -> Option<String> {
    let mut reader = NsReader::from_reader(bytes);
    let mut inside = false;
    let mut text = String::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(s) if s.local_name().as_ref() == name.as_bytes() => inside = true,
            Event::Empty(s) if s.local_name().as_ref() == name.as_bytes() => {
                return Some(String::new());
            }
            Event::Text(t) if inside => text.push_str(&t.unescape().ok()?),
            Event::End(e) if inside && e.local_name().as_ref() == name.as_bytes() => {
                return Some(text.trim().to_string());
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

fn namespace(ns: &ResolveResult) -> Option<String> {
    match ns {
        ResolveResult::Bound(n) => Some(String::from_utf8_lossy(n.as_ref()).into_owned()),
        _ => None,
    }
}

fn element(
    decoder: Decoder,
    ns: &ResolveResult,
    start: &BytesStart<'_>,
    line: usize,
) -> Result<Element, XmlError> {
    let mut attrs = Vec::new();
    for attr in start.attributes().with_checks(true) {
        let attr = attr.map_err(|e| XmlError {
            line,
            message: format!("malformed XML attribute: {e}"),
        })?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attr
            .decode_and_unescape_value(decoder)
            .map_err(|e| XmlError {
                line,
                message: format!("malformed XML attribute `{key}`: {e}"),
            })?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
        namespace: namespace(ns),
        attrs,
        text: String::new(),
        children: Vec::new(),
        line,
    })
}

/// Byte offsets to 1-based lines, for offsets that only move forward (or back
/// a little, for a start tag): counts each newline once.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: u64) -> usize {
        let target = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if target >= self.offset {
            let newlines = self.bytes[self.offset..target]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.line += newlines;
            self.offset = target;
            self.line
        } else {
            let back = self.bytes[target..self.offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.line - back
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_keep_lines_attributes_and_text() {
        let xml = b"<?xml version=\"1.0\"?>\n<r xmlns=\"urn:x\">\n  <a k=\"v &amp; w\">one<br/>two</a>\n  <b/>\n</r>\n";
        let root = parse(xml).unwrap();
        assert_eq!(root.name, "r");
        assert_eq!(root.namespace.as_deref(), Some("urn:x"));
        assert_eq!(root.line, 2);
        let a = root.child("a").unwrap();
        assert_eq!(
            (a.line, a.attr("k"), a.text()),
            (3, Some("v & w"), "one\ntwo")
        );
        assert_eq!(root.child("b").unwrap().line, 4);
    }

    #[test]
    fn malformed_xml_is_located() {
        let err = parse(b"<r>\n<a>\n</b>\n</r>").unwrap_err();
        assert_eq!(err.line, 3, "{err:?}");
        assert!(err.message.starts_with("malformed XML"), "{err:?}");
        let err = parse(b"<r>\n<a>text").unwrap_err();
        assert!(err.message.contains("ends before <a>"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let deep = "<a>".repeat(100_000);
        let err = parse(deep.as_bytes()).unwrap_err();
        assert_eq!(err.message, "XML nested deeper than 64 levels");
    }
}
