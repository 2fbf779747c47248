//! A web page's main text, readability-style: the `<main>` (or `role="main"`,
//! `<article>`, else `<body>`) without navigation, headers, footers, scripts,
//! styles and forms, cut into sections at its headings (h1-h6). `<pre>` blocks go
//! to a section's `code`. The DOM is walked with an explicit stack (ego-tree's
//! `traverse`), so any nesting depth is safe.

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use super::json::line_at;
use super::text::{one_line, tidy};

/// Elements whose content is never the page's text.
const SKIPPED: [&str; 22] = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "select", "textarea", "input", "iframe", "svg", "canvas", "object", "embed", "head",
    "dialog", "menu", "math",
];

/// ARIA roles of page furniture.
const SKIPPED_ROLES: [&str; 5] = [
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "complementary",
];

/// Elements that end a line of text.
const BLOCKS: [&str; 28] = [
    "p",
    "div",
    "li",
    "br",
    "tr",
    "td",
    "th",
    "pre",
    "blockquote",
    "dt",
    "dd",
    "table",
    "section",
    "article",
    "main",
    "ul",
    "ol",
    "dl",
    "figure",
    "figcaption",
    "hr",
    "details",
    "summary",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
];

/// One heading's worth of a page.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PageSection {
    /// The heading text; empty for the text before the first heading.
    pub heading: String,
    /// 1-6; 0 before the first heading.
    pub level: u8,
    pub text: String,
    pub code: Vec<String>,
    pub link_texts: Vec<String>,
    /// 1-based line of the heading in the file (best effort).
    pub line: usize,
}

/// The element holding the page's main text.
fn main_root(html: &Html) -> Option<ElementRef<'_>> {
    for css in ["main", "[role=main]", "article", "body"] {
        let Ok(selector) = Selector::parse(css) else {
            continue;
        };
        if let Some(found) = html.select(&selector).next() {
            return Some(found);
        }
    }
    None
}

fn is_skipped(element: &scraper::node::Element) -> bool {
    let name = element.name();
    SKIPPED.contains(&name)
        || element.attr("hidden").is_some()
        || element
            .attr("aria-hidden")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || element
            .attr("role")
            .is_some_and(|r| SKIPPED_ROLES.contains(&r.to_ascii_lowercase().as_str()))
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Finds headings' lines in the source: the next `<hN` tag (after the previous
/// heading's) whose opening holds the heading's `id` or first word, else the
/// heading's text itself.
struct LineFinder {
    /// The source in ASCII lower case (same byte offsets as the source).
    lower: String,
    cursor: usize,
    line: usize,
}

/// How many `<hN` tags one heading may try (bounded work on hostile pages).
const TAG_TRIES: usize = 200;
/// How far after `<hN` the id or first word is looked for.
const TAG_WINDOW: usize = 600;

impl LineFinder {
    fn new(source: &str) -> Self {
        LineFinder {
            lower: source.to_ascii_lowercase(),
            cursor: 0,
            line: 1,
        }
    }

    fn find(&mut self, level: u8, id: Option<&str>, text: &str) -> usize {
        let rest = self.lower.get(self.cursor..).unwrap_or_default();
        let id = id
            .filter(|id| !id.is_empty())
            .map(|id| format!("id=\"{}\"", id.to_ascii_lowercase()));
        let word = text.split_whitespace().next().map(str::to_ascii_lowercase);
        let tag = format!("<h{level}");
        let mut from = 0;
        let mut found = None;
        for _ in 0..TAG_TRIES {
            let Some(at) = rest.get(from..).and_then(|r| r.find(&tag)) else {
                break;
            };
            let start = from + at;
            let mut end = (start + TAG_WINDOW).min(rest.len());
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            let window = rest.get(start..end).unwrap_or_default();
            let matches = id.as_deref().is_some_and(|id| window.contains(id))
                || word.as_deref().is_some_and(|w| window.contains(w));
            if matches {
                found = Some(start);
                break;
            }
            from = start + tag.len();
        }
        let found = found.or_else(|| {
            let words: String = text
                .chars()
                .take(30)
                .collect::<String>()
                .to_ascii_lowercase();
            (!words.trim().is_empty())
                .then(|| rest.find(words.trim()))
                .flatten()
        });
        if let Some(at) = found {
            self.cursor += at;
            self.line = line_at(&self.lower, self.cursor);
        }
        self.line
    }
}

/// The page's main text in sections. `source` is the page as written (for lines).
pub fn sections(html: &Html, source: &str) -> Vec<PageSection> {
    let Some(root) = main_root(html) else {
        return Vec::new();
    };
    let mut finder = LineFinder::new(source);
    let mut out: Vec<PageSection> = Vec::new();
    let mut current = PageSection {
        line: 1,
        ..PageSection::default()
    };
    let mut skipping: Option<ego_tree::NodeId> = None;
    // The open heading (its node) and the text gathered for it.
    let mut heading: Option<(ego_tree::NodeId, u8, Option<String>)> = None;
    let mut heading_text = String::new();
    // The open `<pre>` and its text; the open link and where its text starts.
    let mut pre: Option<(ego_tree::NodeId, String)> = None;
    let mut link: Option<(ego_tree::NodeId, usize)> = None;

    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Element(element) => {
                        let name = element.name();
                        if is_skipped(element) {
                            skipping = Some(node.id());
                        } else if let Some(level) =
                            heading_level(name).filter(|_| heading.is_none())
                        {
                            heading =
                                Some((node.id(), level, element.attr("id").map(str::to_string)));
                            heading_text.clear();
                        } else if name == "pre" && pre.is_none() {
                            pre = Some((node.id(), String::new()));
                        } else if name == "a"
                            && link.is_none()
                            && heading.is_none()
                            && pre.is_none()
                        {
                            link = Some((node.id(), current.text.len()));
                        } else if name == "img" && heading.is_none() && pre.is_none() {
                            // An image says what it shows only through its alternative
                            // text; one or two words ("Avatar", "orcid logo") are decoration.
                            if let Some(alt) = element
                                .attr("alt")
                                .filter(|a| a.split_whitespace().count() >= 3)
                            {
                                current.text.push(' ');
                                current.text.push_str(alt.trim());
                                current.text.push(' ');
                            }
                        }
                        if BLOCKS.contains(&name) && heading.is_none() && pre.is_none() {
                            current.text.push('\n');
                        }
                    }
                    Node::Text(text) => {
                        if let Some((_, code)) = pre.as_mut() {
                            code.push_str(text);
                        } else if heading.is_some() {
                            heading_text.push_str(text);
                        } else {
                            current.text.push_str(text);
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                if skipping.is_some() {
                    continue;
                }
                close(node, &mut current, &mut pre, &mut link);
                if heading.as_ref().is_some_and(|(id, _, _)| *id == node.id()) {
                    if let Some((_, level, id)) = heading.take() {
                        let text = one_line(&heading_text);
                        let line = finder.find(level, id.as_deref(), &text);
                        let next = PageSection {
                            heading: text,
                            level,
                            line,
                            ..PageSection::default()
                        };
                        finish(std::mem::replace(&mut current, next), &mut out);
                    }
                } else if let Node::Element(e) = node.value()
                    && BLOCKS.contains(&e.name())
                    && heading.is_none()
                {
                    current.text.push('\n');
                }
            }
        }
    }
    finish(current, &mut out);
    out
}

/// Ends a `<pre>` (its text becomes code) or a link (its words become link text).
fn close(
    node: NodeRef<'_, Node>,
    current: &mut PageSection,
    pre: &mut Option<(ego_tree::NodeId, String)>,
    link: &mut Option<(ego_tree::NodeId, usize)>,
) {
    if pre.as_ref().is_some_and(|(id, _)| *id == node.id())
        && let Some((_, code)) = pre.take()
    {
        let code = code.trim_matches('\n').trim_end().to_string();
        if !code.trim().is_empty() {
            current.code.push(code);
        }
    }
    if link.as_ref().is_some_and(|(id, _)| *id == node.id())
        && let Some((_, start)) = link.take()
    {
        let words = one_line(current.text.get(start..).unwrap_or_default());
        if !words.is_empty() {
            current.link_texts.push(words);
        }
    }
}

fn finish(mut section: PageSection, out: &mut Vec<PageSection>) {
    section.text = tidy(&section.text);
    if !section.text.is_empty() || !section.code.is_empty() {
        out.push(section);
    } else if section.level > 0 {
        // A heading with nothing under it still names the part it opens: keep it
        // so the heading text is searchable, with the heading as its text.
        section.text = section.heading.clone();
        if !section.text.is_empty() {
            out.push(section);
        }
    }
}

/// `<title>`, else the first `<h1>`, as one line.
pub fn title(html: &Html) -> Option<String> {
    ["title", "h1"].into_iter().find_map(|css| {
        let selector = Selector::parse(css).ok()?;
        let element = html.select(&selector).next()?;
        let text = one_line(&element.text().collect::<String>());
        (!text.is_empty()).then_some(text)
    })
}

/// A `<meta>` element's content, by `name` or `property` (`description`, `og:url`).
pub fn meta(html: &Html, name: &str) -> Option<String> {
    let selector = Selector::parse("meta").ok()?;
    html.select(&selector).find_map(|m| {
        let key = m.attr("name").or_else(|| m.attr("property"))?;
        if !key.eq_ignore_ascii_case(name) {
            return None;
        }
        let content = one_line(m.attr("content")?);
        (!content.is_empty()).then_some(content)
    })
}

/// The page's language (`<html lang>`).
pub fn language(html: &Html) -> Option<String> {
    let lang = html.root_element().attr("lang")?.trim();
    (!lang.is_empty()).then(|| lang.to_string())
}

/// The text of each `<script type="application/ld+json">`, with the line its text
/// starts on in `source`.
pub fn json_ld_blocks(html: &Html, source: &str) -> Vec<(usize, String)> {
    let Ok(selector) = Selector::parse("script") else {
        return Vec::new();
    };
    let mut cursor = 0;
    html.select(&selector)
        .filter(|s| {
            s.attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        })
        .map(|s| {
            let text: String = s.text().collect();
            // Script text is raw in HTML (no entities): the same bytes are in the
            // source, after the previous block's.
            let line = source
                .get(cursor..)
                .and_then(|rest| rest.find(&text).filter(|_| !text.trim().is_empty()))
                .map_or(1, |at| {
                    cursor += at;
                    line_at(source, cursor)
                });
            (line, text)
        })
        .collect()
}

/// The Markdown of a remark.js slide deck (`<textarea id="source">`), with the
/// line it starts on, when the page is one.
pub fn slide_source(html: &Html, source: &str) -> Option<(usize, String)> {
    let selector = Selector::parse("textarea#source").ok()?;
    let textarea = html.select(&selector).next()?;
    let text: String = textarea.text().collect();
    if text.trim().is_empty() {
        return None;
    }
    // The deck's Markdown starts on the line after the tag.
    let line = source
        .find("<textarea id=\"source\"")
        .map_or(1, |at| line_at(source, at) + 1);
    Some((line, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_is_dropped_and_headings_cut_sections() {
        let source = "<html><body><header>Site</header><nav>Menu</nav>\n<main><p>Intro <a href=x>link words</a>.</p>\n<h2 id=\"a\">Part <b>A</b></h2><p>Text A</p><pre>print(1)\n</pre>\n<script>var x;</script><form>field</form><footer>foot</footer>\n<h3>Empty</h3><h2>B</h2>B text</main><footer>Page foot</footer></body></html>";
        let html = Html::parse_document(source);
        let got = sections(&html, source);
        let headings: Vec<(&str, u8)> = got.iter().map(|s| (s.heading.as_str(), s.level)).collect();
        assert_eq!(headings, [("", 0), ("Part A", 2), ("Empty", 3), ("B", 2)]);
        assert_eq!(got[0].text, "Intro link words.");
        assert_eq!(got[0].link_texts, ["link words"]);
        assert_eq!(got[1].text, "Text A");
        assert_eq!(got[1].code, ["print(1)"]);
        assert_eq!(got[1].line, 3);
        assert_eq!(got[3].text, "B text");
        let all: String = got.iter().map(|s| s.text.clone()).collect();
        for furniture in ["Site", "Menu", "var x", "field", "foot"] {
            assert!(!all.contains(furniture), "{furniture}");
        }
    }

    #[test]
    fn garbage_and_deep_nesting_do_not_crash() {
        for source in [
            "<h1>Unclosed <b><i>title<p>text<div><table><tr><td>cell",
            "<<<>>><!-- never closed",
            "</p></div></body></html>",
            "\u{0}\u{feff}<script>",
            "",
        ] {
            let html = Html::parse_document(source);
            let _ = sections(&html, source);
            let _ = title(&html);
        }
        // Deeper pages are refused before parsing (`nesting.rs`); up to the limit
        // the walk is iterative.
        let deep = format!(
            "<main>{}deep{}</main>",
            "<div>".repeat(1900),
            "</div>".repeat(1900)
        );
        let html = Html::parse_document(&deep);
        let got = sections(&html, &deep);
        assert_eq!(got[0].text, "deep");
        let unclosed = "<span>".repeat(1900);
        let html = Html::parse_document(&unclosed);
        assert!(sections(&html, &unclosed).is_empty());
    }
}
