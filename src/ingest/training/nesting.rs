//! How deeply a page nests its elements, measured by a linear scan before the
//! HTML parser sees it. html5ever checks its stack of open elements on many start
//! tags ("is a `<p>` in scope?"), so tens of thousands of nested `<div>`s cost it
//! quadratic time: 50,000 take seconds, a few megabytes of them hours. Real pages
//! nest a few dozen levels.

/// Deepest nesting a page may have.
pub const MAX_NESTING: usize = 2000;

/// Elements that never have content.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose end tag may be left out (the parser closes them itself), and the
/// document's own: counting them would take a page of unclosed `<p>`s for a deep one.
const OPTIONAL_END: [&str; 19] = [
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rb", "rt", "rp", "html", "body",
];

/// Elements whose content is text up to their end tag (not markup).
const RAW_TEXT: [&str; 6] = ["script", "style", "textarea", "title", "xmp", "noscript"];

/// The 1-based line where the page's nesting first exceeds `limit`, if it does.
pub fn too_deep(source: &str, limit: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let lower = source.to_ascii_lowercase();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        let at = i + offset;
        let rest = lower.get(at..).unwrap_or_default();
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |end| at + end + 3);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = at + if closing { 2 } else { 1 };
        let name: String = lower
            .get(name_start..)
            .unwrap_or_default()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(32)
            .collect();
        let tag_end = lower
            .get(at..)
            .and_then(|r| r.find('>'))
            .map_or(bytes.len(), |end| at + end);
        i = tag_end.max(at + 1);
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let counted = !VOID.contains(&name.as_str()) && !OPTIONAL_END.contains(&name.as_str());
        if closing {
            if counted {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        let self_closing = lower.get(..tag_end).is_some_and(|t| t.ends_with('/'));
        if RAW_TEXT.contains(&name.as_str()) {
            let end = format!("</{name}");
            i = lower
                .get(i..)
                .and_then(|r| r.find(&end))
                .map_or(bytes.len(), |e| i + e);
            continue;
        }
        if counted && !self_closing {
            depth += 1;
            if depth > limit {
                return Some(super::json::line_at(source, at));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_linearly() {
        assert_eq!(too_deep("<div><div></div></div>", 1), Some(1));
        assert_eq!(too_deep("<div><div></div></div>", 2), None);
        // Unclosed paragraphs and list items, void elements, comments and scripts
        // do not nest.
        let flat = format!(
            "{}{}<!-- <div><div><div> --><script>'<div><div><div>'</script><br><img src=x/>",
            "<p>text".repeat(5000),
            "<li>item".repeat(5000)
        );
        assert_eq!(too_deep(&flat, 2), None);
        let deep = format!("<html>\n<body>\n{}", "<div>".repeat(100_000));
        assert_eq!(too_deep(&deep, MAX_NESTING), Some(3));
        assert_eq!(too_deep("<<<>>></ ><a", 0), Some(1));
        assert_eq!(too_deep("", 0), None);
    }
}
