//! Markdown bodies: heading-aware sections with stable anchors, plain text for the
//! indexes, and sanitised HTML for readers.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::model::Section;

/// The Markdown extensions the corpora use.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What a Markdown body yields for indexing.
#[derive(Debug, Default)]
pub struct Body {
    pub sections: Vec<Section>,
    /// Text of the first level-1 heading (or, failing that, the first heading).
    pub first_heading: Option<String>,
    /// Links (and images), in order.
    pub links: Vec<Link>,
    /// The anchor of every heading, in order, including headings with no text of
    /// their own (which yield no section).
    pub anchors: Vec<String>,
    /// Every heading, in the order of `anchors`.
    pub headings: Vec<Heading>,
}

/// A heading of a Markdown body, whether or not text follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Its line in the file.
    pub line: usize,
    pub level: u8,
    pub text: String,
    /// The headings it sits under, itself last.
    pub path: Vec<String>,
}

/// A link or image in a Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as written (`other.md#anchor`, `https://...`).
    pub target: String,
    /// 1-based line of the link in the file.
    pub line: usize,
    /// 1-based column (in characters) of the link's first character, `[` or `<`.
    pub column: usize,
    /// Whether it is an image (`![...](...)`).
    pub image: bool,
}

/// Maps byte offsets in the body to 1-based lines in the file.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    fn line(&self, offset: usize) -> usize {
        self.first_line + self.row(offset)
    }

    fn row(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// 1-based line and character column of a byte offset in `text`.
    fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let row = self.row(offset);
        let start = self.starts[row];
        let column = text
            .get(start..offset)
            .map_or(1, |before| before.chars().count() + 1);
        (self.first_line + row, column)
    }
}

/// Builds a GitHub-style anchor: lower case, punctuation dropped, spaces to hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            slug.push('-');
        }
    }
    slug
}

/// Hands out anchors that are unique within one article, as GitHub does (`x`,
/// `x-1`, `x-2`, ...): the first of `base`, `base-1`, `base-2`, ... not used yet.
/// Every reader that builds sections (Markdown, HTML pages, notebooks, JSON-LD)
/// takes its anchors from here.
#[derive(Default)]
pub struct Anchors {
    used: HashSet<String>,
    /// Per base slug, the suffix to try next. Anchors are never released, so the
    /// candidates tried before stay taken: resuming here instead of at `base`
    /// keeps many identical headings linear rather than quadratic.
    next_suffix: HashMap<String, usize>,
    /// Candidates tried in all (the work done; tests bound it).
    tries: usize,
}

impl Anchors {
    /// `explicit` (a `{#id}` the author wrote) when given, else the first free
    /// anchor for `heading` (`section` for a heading without letters or digits).
    pub fn assign(&mut self, explicit: Option<&str>, heading: &str) -> String {
        if let Some(id) = explicit.filter(|id| !id.is_empty()) {
            self.used.insert(id.to_string());
            return id.to_string();
        }
        let base = slugify(heading);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(0);
        loop {
            self.tries += 1;
            let candidate = match n {
                0 => base.clone(),
                n => format!("{base}-{n}"),
            };
            n += 1;
            if self.used.insert(candidate.clone()) {
                self.next_suffix.insert(base, n);
                return candidate;
            }
        }
    }
}

static HTML_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").expect("valid regex"));
static HTML_SKIPPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<(script|style)\b.*?</(script|style)\s*>|<!--.*?-->").expect("valid regex")
});

/// Text a reader would see in a raw HTML block.
fn html_text(html: &str) -> String {
    let without_code = HTML_SKIPPED.replace_all(html, " ");
    let text = HTML_TAG.replace_all(&without_code, " ");
    decode_entities(&text)
}

fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Collapses runs of spaces in each line and drops blank lines, so snippets and
/// section texts of every reader read alike.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&line);
        }
    }
    out
}

struct SectionBuilder {
    heading: String,
    level: u8,
    heading_path: Vec<String>,
    anchor: String,
    text: String,
    line: usize,
    link_texts: Vec<String>,
    /// Code blocks and tables, kept apart from the prose: searchable, never
    /// quoted as an answer.
    code: Vec<String>,
    /// The code block or table being read.
    listing: Option<String>,
}

impl SectionBuilder {
    /// Where text read now goes: the open code block or table, else the prose.
    fn text_sink(&mut self) -> &mut String {
        self.listing.as_mut().unwrap_or(&mut self.text)
    }

    fn close_listing(&mut self) {
        if let Some(listing) = self.listing.take() {
            let lines: Vec<&str> = listing.lines().map(str::trim_end).collect();
            let listing = lines.join("\n");
            if !listing.trim().is_empty() {
                self.code.push(listing.trim_matches('\n').to_string());
            }
        }
    }
}

/// Splits a (directive-cleaned) Markdown body into sections. `title` names the text
/// before the first heading; `body_line` is the body's first line in the file.
pub fn parse(markdown: &str, title: &str, body_line: usize) -> Body {
    let lines = LineIndex::new(markdown, body_line);
    let mut body = Body::default();
    let mut anchors = Anchors::default();
    let mut path: Vec<(u8, String)> = Vec::new();
    let mut current = SectionBuilder {
        heading: title.to_string(),
        level: 0,
        heading_path: Vec::new(),
        anchor: String::new(),
        text: String::new(),
        line: body_line,
        link_texts: Vec::new(),
        code: Vec::new(),
        listing: None,
    };
    // Where the text of the open link starts in the section's text.
    let mut link_start: Option<usize> = None;
    let mut in_heading: Option<(u8, Option<String>, usize)> = None;
    let mut heading_text = String::new();
    let mut image_depth = 0usize;
    let mut first_any_heading: Option<String> = None;

    let finish = |section: SectionBuilder, sections: &mut Vec<Section>| {
        let text = tidy(&section.text);
        if !text.is_empty() || !section.code.is_empty() {
            sections.push(Section {
                ordinal: sections.len(),
                heading: section.heading,
                level: section.level,
                heading_path: section.heading_path,
                anchor: section.anchor,
                text,
                line: section.line,
                page: None,
                link_texts: section.link_texts,
                code: section.code,
            });
        }
    };

    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                in_heading = Some((
                    heading_number(level),
                    id.map(|i| i.to_string()),
                    lines.line(range.start),
                ));
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, id, line)) = in_heading.take() else {
                    continue;
                };
                let text = tidy(&heading_text).replace('\n', " ");
                if level == 1 && body.first_heading.is_none() {
                    body.first_heading = Some(text.clone());
                }
                first_any_heading.get_or_insert_with(|| text.clone());
                let anchor = anchors.assign(id.as_deref(), &text);
                body.anchors.push(anchor.clone());
                path.retain(|(l, _)| *l < level);
                path.push((level, text.clone()));
                let heading_path: Vec<String> = path.iter().map(|(_, t)| t.clone()).collect();
                body.headings.push(Heading {
                    line,
                    level,
                    text: text.clone(),
                    path: heading_path.clone(),
                });
                let next = SectionBuilder {
                    heading: text,
                    level,
                    heading_path,
                    anchor,
                    text: String::new(),
                    line,
                    link_texts: Vec::new(),
                    code: Vec::new(),
                    listing: None,
                };
                finish(std::mem::replace(&mut current, next), &mut body.sections);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                image_depth += 1;
                let (line, column) = lines.position(markdown, range.start);
                body.links.push(Link {
                    target: dest_url.to_string(),
                    line,
                    column,
                    image: true,
                });
            }
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::End(TagEnd::Link) => {
                if let Some(start) = link_start.take() {
                    let words: Vec<&str> = current
                        .text
                        .get(start..)
                        .unwrap_or_default()
                        .split_whitespace()
                        .collect();
                    if !words.is_empty() {
                        current.link_texts.push(words.join(" "));
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if in_heading.is_none() && current.listing.is_none() {
                    link_start = Some(current.text.len());
                }
                let (line, column) = lines.position(markdown, range.start);
                body.links.push(Link {
                    target: dest_url.to_string(),
                    line,
                    column,
                    image: false,
                });
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                if image_depth > 0 {
                    continue;
                }
                if in_heading.is_some() {
                    heading_text.push_str(&t);
                } else {
                    current.text_sink().push_str(&t);
                }
            }
            Event::Html(html) if in_heading.is_none() => {
                let sink = current.text_sink();
                sink.push_str(&html_text(&html));
                sink.push('\n');
            }
            Event::SoftBreak => push_to(
                current.text_sink(),
                &mut heading_text,
                in_heading.is_some(),
                " ",
            ),
            Event::HardBreak => push_to(
                current.text_sink(),
                &mut heading_text,
                in_heading.is_some(),
                "\n",
            ),
            // Code and tables are listings, not sentences: kept apart from the prose.
            Event::Start(Tag::CodeBlock(_) | Tag::Table(_)) => {
                current.close_listing();
                current.listing = Some(String::new());
            }
            Event::End(TagEnd::CodeBlock | TagEnd::Table) => current.close_listing(),
            Event::End(TagEnd::TableCell) => current.text_sink().push_str(" | "),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListDefinition,
            ) => current.text_sink().push('\n'),
            _ => {}
        }
    }
    finish(current, &mut body.sections);
    if body.first_heading.is_none() {
        body.first_heading = first_any_heading;
    }
    body
}

fn push_to(text: &mut String, heading: &mut String, in_heading: bool, s: &str) {
    if in_heading {
        heading.push_str(s);
    } else {
        text.push_str(s);
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The Markdown of an item whose text came from sections rather than Markdown
/// (PDFs, HTML pages, notebooks, JSON-LD): the text before the first heading,
/// then each section under a heading of its level, each line of its text a
/// paragraph, its code as fenced blocks tagged with `code_language`.
pub fn from_sections(sections: &[Section], code_language: &str) -> String {
    let mut out = String::new();
    for section in sections {
        if section.level > 0 {
            let hashes = "#".repeat(usize::from(section.level.min(6)));
            out.push_str(&format!("{hashes} {}\n\n", section.heading));
        }
        if !section.text.is_empty() {
            out.push_str(&section.text.replace('\n', "\n\n"));
            out.push_str("\n\n");
        }
        for code in &section.code {
            let fence = if code.contains("```") { "~~~~" } else { "```" };
            out.push_str(&format!(
                "{fence}{code_language}\n{}\n{fence}\n\n",
                code.trim_end()
            ));
        }
    }
    out.trim_end().to_string()
}

/// HTML for an item whose text came from sections rather than Markdown (records,
/// PDFs, notebooks): each section under its heading, with its anchor as the
/// heading's id (so `#page=4` opens at page 4's section), its paragraphs as
/// written and its code as preformatted blocks. Everything is escaped text.
pub fn sections_html(sections: &[crate::model::Section]) -> String {
    let mut html = String::new();
    for section in sections {
        if section.level > 0 {
            let level = section.level.clamp(2, 6);
            html.push_str(&format!("<h{level}"));
            if !section.anchor.is_empty() {
                html.push_str(" id=\"");
                pulldown_cmark_escape::escape_html(&mut html, &section.anchor).ok();
                html.push('"');
            }
            html.push('>');
            pulldown_cmark_escape::escape_html(&mut html, &section.heading).ok();
            html.push_str(&format!("</h{level}>"));
        } else if !section.anchor.is_empty() {
            html.push_str("<a id=\"");
            pulldown_cmark_escape::escape_html(&mut html, &section.anchor).ok();
            html.push_str("\"></a>");
        }
        for paragraph in section.text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            html.push_str("<p>");
            pulldown_cmark_escape::escape_html(&mut html, paragraph.trim()).ok();
            html.push_str("</p>");
        }
        for code in &section.code {
            html.push_str("<pre><code>");
            pulldown_cmark_escape::escape_html_body_text(&mut html, code).ok();
            html.push_str("</code></pre>");
        }
    }
    html
}

/// Renders a (directive-cleaned) body to sanitised HTML whose heading ids are the
/// section anchors, so `#anchor` links from search hits land on the right heading.
pub fn render_html(markdown: &str) -> String {
    let mut anchors = Anchors::default();
    let mut events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id, .. }) = &events[i] {
            let explicit = id.as_ref().map(|s| s.to_string());
            let text: String = events[i + 1..]
                .iter()
                .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    Event::SoftBreak => Some(" "),
                    _ => None,
                })
                .collect();
            let text = tidy(&text).replace('\n', " ");
            let anchor = anchors.assign(explicit.as_deref(), &text);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(anchor));
            }
        }
        i += 1;
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitize(&html)
}

fn sanitize(html: &str) -> String {
    static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let mut builder = ammonia::Builder::default();
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            builder.add_tag_attributes(h, ["id"]);
        }
        builder
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tags(["input"])
            .add_generic_attributes(["id"])
            // A remote image would tell its host who reads the article, and
            // when: it keeps its alt text and loses its source.
            .attribute_filter(|element, attribute, value| {
                if element == "img" && attribute == "src" && is_remote(value) {
                    return None;
                }
                Some(value.into())
            });
        builder
    });
    CLEANER.clean(html).to_string()
}

/// Whether a URL leaves the server (`https://`, `//host`, `data:` stays).
fn is_remote(url: &str) -> bool {
    let url = url.trim_start().to_ascii_lowercase();
    url.starts_with("//") || url.starts_with("http:") || url.starts_with("https:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_images_lose_their_source_and_keep_their_alt_text() {
        let html = sanitize(
            "<p><img src=\"https://tracker.example/pixel.png\" alt=\"Beamline\">\
             <img src=\"//cdn.example/x.png\" alt=\"b\"><img src=\"figures/plot.png\" alt=\"Plot\"></p>",
        );
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(!html.contains("cdn.example"), "{html}");
        assert!(html.contains("alt=\"Beamline\""), "{html}");
        assert!(html.contains("src=\"figures/plot.png\""), "{html}");
    }

    #[test]
    fn splits_sections_with_paths_and_anchors() {
        let md = "Intro text.\n\n## Getting a DOI\n\nAsk the facility.\n\n### Step 1: log in\n\nUse your account.\n\n## Getting a DOI\n\nAgain.\n";
        let body = parse(md, "Title", 10);
        let headings: Vec<_> = body.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            ["Title", "Getting a DOI", "Step 1: log in", "Getting a DOI"]
        );
        let anchors: Vec<_> = body.sections.iter().map(|s| s.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            ["", "getting-a-doi", "step-1-log-in", "getting-a-doi-1"]
        );
        assert_eq!(
            body.sections[2].heading_path,
            ["Getting a DOI", "Step 1: log in"]
        );
        assert_eq!(body.sections[3].heading_path, ["Getting a DOI"]);
        assert_eq!(body.anchors, anchors[1..]);
        assert_eq!(body.sections[1].line, 12);
        assert_eq!(body.sections[2].text, "Use your account.");
    }

    #[test]
    fn explicit_heading_ids_win() {
        let body = parse("## Hello {#custom}\n\ntext\n", "T", 1);
        assert_eq!(body.sections[0].anchor, "custom");
        assert_eq!(body.sections[0].heading, "Hello");
    }

    #[test]
    fn first_heading_is_found_and_empty_sections_dropped() {
        let body = parse("# The Title\n\n## A\n\nx\n", "fallback", 1);
        assert_eq!(body.first_heading.as_deref(), Some("The Title"));
        assert_eq!(body.sections.len(), 1);
        assert_eq!(body.sections[0].heading_path, ["The Title", "A"]);
        assert_eq!(
            body.anchors,
            ["the-title", "a"],
            "empty sections keep their anchors"
        );
    }

    #[test]
    fn tables_lists_html_and_links_become_text() {
        let md = "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [link](http://x.org)\n\n<div class=\"c\"><p>Inside <b>html</b></p><script>bad()</script></div>\n\n![logo](l.png)\n";
        let body = parse(md, "T", 1);
        let text = &body.sections[0].text;
        // The table is a listing, kept apart from the prose.
        assert!(!text.contains("a | b"), "{text}");
        assert_eq!(body.sections[0].code, ["a | b |\n1 | 2 |"]);
        assert!(text.contains("done") && text.contains("link"));
        assert!(text.contains("Inside html") && !text.contains("bad()") && !text.contains('<'));
        assert!(!text.contains("logo"));
        let links: Vec<_> = body
            .links
            .iter()
            .map(|l| (l.target.as_str(), l.line, l.column, l.image))
            .collect();
        assert_eq!(
            links,
            [("http://x.org", 6, 3, false), ("l.png", 10, 1, true)]
        );
    }

    #[test]
    fn code_blocks_and_tables_are_kept_apart_from_the_prose() {
        let md = "## Mappings\n\nPublish them as SSSOM.\n\n```tsv\nfac:saxs\tSAXS\tskos:exactMatch\tPaNET:PaNET01188\n```\n\n\
                  | technique | term |\n|---|---|\n| SAXS | [PaNET01188](http://x.org) |\n\nThen review them.\n\n## Only code\n\n    indented code\n";
        let body = parse(md, "T", 1);
        let mappings = &body.sections[0];
        assert_eq!(mappings.text, "Publish them as SSSOM.\nThen review them.");
        assert_eq!(mappings.code.len(), 2, "{:?}", mappings.code);
        assert!(mappings.code[0].starts_with("fac:saxs\tSAXS"));
        assert!(mappings.code[1].contains("SAXS | PaNET01188"));
        assert!(mappings.link_texts.is_empty(), "{:?}", mappings.link_texts);
        // A section with only code is kept: its code is searchable.
        assert_eq!(body.sections[1].heading, "Only code");
        assert_eq!(body.sections[1].code, ["indented code"]);
    }

    #[test]
    fn rendered_html_has_anchors_and_no_scripts() {
        let html =
            render_html("## Getting a DOI\n\n<script>alert(1)</script>\n\n## Getting a DOI\n");
        assert!(html.contains("id=\"getting-a-doi\""), "{html}");
        assert!(html.contains("id=\"getting-a-doi-1\""), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }

    /// The anchors as they were assigned before `next_suffix` (rescanning from
    /// `base` for every heading): the reference the fast version must equal.
    fn reference_anchors(headings: &[&str]) -> Vec<String> {
        let mut used = HashSet::new();
        headings
            .iter()
            .map(|h| {
                let base = slugify(h);
                let mut candidate = base.clone();
                let mut n = 1;
                while !used.insert(candidate.clone()) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                candidate
            })
            .collect()
    }

    #[test]
    fn duplicate_headings_get_numbered_anchors_as_before() {
        let headings = [
            "a", "a", "a-1", "a", "a-1", "A", "a 1", "a-2", "b", "a-1-1", "a", "b-1", "b",
        ];
        let mut anchors = Anchors::default();
        let got: Vec<String> = headings.iter().map(|h| anchors.assign(None, h)).collect();
        assert_eq!(got, reference_anchors(&headings));
        assert_eq!(
            got,
            [
                "a", "a-1", "a-1-1", "a-2", "a-1-2", "a-3", "a-1-3", "a-2-1", "b", "a-1-1-1",
                "a-4", "b-1", "b-2"
            ]
        );
        // An explicit id takes its anchor from the numbering too.
        let mut anchors = Anchors::default();
        assert_eq!(anchors.assign(Some("x-1"), "ignored"), "x-1");
        assert_eq!(anchors.assign(None, "x"), "x");
        assert_eq!(anchors.assign(None, "x"), "x-2");
    }

    #[test]
    fn many_identical_headings_cost_linear_work() {
        const N: usize = 50_000;
        let mut anchors = Anchors::default();
        for i in 0..N {
            let anchor = anchors.assign(None, "a");
            let expected = if i == 0 {
                "a".to_string()
            } else {
                format!("a-{i}")
            };
            assert_eq!(anchor, expected);
        }
        // One candidate per heading: rescanning from `a` would try N²/2.
        assert_eq!(anchors.tries, N);
        // Headings that look like numbered anchors interleave without rescanning.
        let mut anchors = Anchors::default();
        for i in 0..N {
            anchors.assign(None, "a");
            anchors.assign(None, &format!("a-{i}"));
        }
        assert!(anchors.tries <= 4 * N, "{} tries", anchors.tries);
        assert_eq!(anchors.used.len(), 2 * N);
    }

    #[test]
    fn fifty_thousand_identical_headings_parse_with_distinct_anchors() {
        let md = "# a\n\n".repeat(50_000) + "text\n";
        let body = parse(&md, "T", 1);
        assert_eq!(body.anchors.len(), 50_000);
        assert_eq!(body.anchors[49_999], "a-49999");
        let distinct: HashSet<&String> = body.anchors.iter().collect();
        assert_eq!(distinct.len(), 50_000);
        assert_eq!(body.sections.len(), 1);
        assert_eq!(body.sections[0].anchor, "a-49999");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("What is PaNET?"), "what-is-panet");
        assert_eq!(slugify("Données & métadonnées"), "données--métadonnées");
    }
}
