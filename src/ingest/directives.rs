//! Removes template and extension markup that static-site generators expand at
//! build time (Jekyll's Liquid, MyST's directives and roles, kramdown attribute
//! lists), so it never reaches titles, snippets or answers.
//!
//! The output keeps exactly the input's line count, so positions found in the
//! cleaned text are positions in the source file.

use std::sync::LazyLock;

use regex::{Captures, Regex};

static FENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^ {0,3}(`{3,}|~{3,}|:{3,})\s*(.*?)\s*$").expect("valid regex"));
static DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\{([A-Za-z][\w:-]*)\}\s*(.*)$").expect("valid regex"));
static LIQUID_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{%-?\s*(\w+)([^%]*?)-?%\}").expect("valid regex"));
static LIQUID_OUTPUT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{-?[^}]*?-?\}\}").expect("valid regex"));
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*["']([^"']*)["']"#).expect("valid regex"));
static CONTENT_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"content="([^"]*)""#).expect("valid regex"));
static LIQUID_RAW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{%-?\s*(raw|endraw)\s*-?%\}").expect("valid regex"));
static MYST_ROLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([A-Za-z][\w:-]*)\}`([^`]*)`").expect("valid regex"));
static MYST_TARGET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\([\w:.-]+\)=\s*$").expect("valid regex"));
static KRAMDOWN_IAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\{:[^}]*\}\s*$").expect("valid regex"));
static OPTION_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*:[\w-]+:").expect("valid regex"));

/// What an open fence does to the lines inside it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Body {
    /// Code: passed through untouched.
    Code,
    /// A directive whose content is Markdown (admonitions, figure captions, tabs).
    Markdown,
    /// A directive whose content is not reader-facing text (includes, toctrees).
    Dropped,
}

#[derive(Debug)]
struct Fence {
    marker: char,
    len: usize,
    body: Body,
    /// Still reading the directive's `:option:` lines or `---` option block.
    in_options: bool,
    in_yaml_options: bool,
    /// What to emit for the closing fence (code must stay a closed code block).
    closing: String,
}

/// Directives whose body is dropped: they pull in other files or build navigation.
const DROPPED: &[&str] = &[
    "include",
    "literalinclude",
    "toctree",
    "tableofcontents",
    "bibliography",
    "footbibliography",
    "image",
    "raw",
    "eval-rst",
    "mermaid",
    "math",
    "glue:figure",
];

/// Directives that are code with an optional language argument.
const CODE: &[&str] = &["code", "code-block", "code-cell", "sourcecode"];

/// Directives whose argument is a path, not text (their body is the caption).
const PATH_ARGUMENT: &[&str] = &["figure"];

/// Cleans `body`, preserving its line count.
pub fn clean(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut fences: Vec<Fence> = Vec::new();
    let mut liquid_block: Option<&'static str> = None;
    let mut in_raw = false;
    for line in body.split_inclusive('\n') {
        let (text, newline) = match line.strip_suffix('\n') {
            Some(t) => (t.strip_suffix('\r').unwrap_or(t), "\n"),
            None => (line, ""),
        };
        if in_raw || LIQUID_RAW.is_match(text) {
            out.push_str(&raw_line(text, &mut in_raw, &mut fences, &mut liquid_block));
        } else {
            out.push_str(&clean_line(text, &mut fences, &mut liquid_block));
        }
        out.push_str(newline);
    }
    out
}

/// A line touching a `{% raw %}` block: what is inside the block is shown to
/// readers literally (that is how sites document Liquid itself), the rest is cleaned.
fn raw_line(
    line: &str,
    in_raw: &mut bool,
    fences: &mut Vec<Fence>,
    liquid_block: &mut Option<&'static str>,
) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(tag) = LIQUID_RAW.captures(rest) {
        let whole = tag.get(0).map_or(0..0, |m| m.range());
        let before = &rest[..whole.start];
        if *in_raw {
            out.push_str(before);
        } else if !before.trim().is_empty() {
            out.push_str(&clean_line(before, fences, liquid_block));
        }
        *in_raw = &tag[1] == "raw";
        rest = &rest[whole.end..];
    }
    if *in_raw {
        out.push_str(rest);
    } else if !rest.trim().is_empty() {
        out.push_str(&clean_line(rest, fences, liquid_block));
    }
    out
}

fn clean_line(
    line: &str,
    fences: &mut Vec<Fence>,
    liquid_block: &mut Option<&'static str>,
) -> String {
    // Inside `{% comment %}` / `{% raw %}`-like blocks spanning lines.
    if let Some(end) = *liquid_block {
        if line.contains(end) {
            *liquid_block = None;
        }
        return String::new();
    }
    if let Some(caps) = FENCE.captures(line) {
        let marker_run = &caps[1];
        let marker = marker_run.chars().next().unwrap_or('`');
        let info = caps.get(2).map_or("", |m| m.as_str());
        if let Some(top) = fences.last()
            && top.marker == marker
            && marker_run.len() >= top.len
            && info.is_empty()
        {
            return fences.pop().map(|f| f.closing).unwrap_or_default();
        }
        if fences.last().is_none_or(|f| f.body != Body::Code) {
            return open_fence(line, marker, marker_run.len(), info, fences);
        }
    }
    let Some(top) = fences.last_mut() else {
        return clean_text_line(line, liquid_block);
    };
    match top.body {
        Body::Code => line.to_string(),
        Body::Dropped => String::new(),
        Body::Markdown => {
            if top.in_yaml_options {
                if line.trim() == "---" {
                    top.in_yaml_options = false;
                    top.in_options = false;
                }
                return String::new();
            }
            if top.in_options {
                if line.trim() == "---" {
                    top.in_yaml_options = true;
                    return String::new();
                }
                if OPTION_LINE.is_match(line) {
                    return String::new();
                }
                top.in_options = false;
            }
            clean_text_line(line, liquid_block)
        }
    }
}

fn open_fence(line: &str, marker: char, len: usize, info: &str, fences: &mut Vec<Fence>) -> String {
    let directive = DIRECTIVE.captures(info);
    let (body, replacement, closing) = match directive {
        None if marker == ':' => (Body::Markdown, String::new(), String::new()),
        None => {
            let closing: String = std::iter::repeat_n(marker, len).collect();
            (Body::Code, line.to_string(), closing)
        }
        Some(caps) => {
            let name = caps[1].to_ascii_lowercase();
            let argument = caps.get(2).map_or("", |m| m.as_str()).trim();
            if CODE.contains(&name.as_str()) {
                // A `:::` code directive becomes a backtick fence, opened and closed.
                let fence: String = if marker == ':' {
                    "```".to_string()
                } else {
                    std::iter::repeat_n(marker, len).collect()
                };
                (Body::Code, format!("{fence}{argument}"), fence)
            } else if DROPPED.contains(&name.as_str()) {
                (Body::Dropped, String::new(), String::new())
            } else if PATH_ARGUMENT.contains(&name.as_str()) {
                (Body::Markdown, String::new(), String::new())
            } else {
                // Admonitions, dropdowns, tabs: the argument is a title worth keeping.
                (Body::Markdown, clean_inline(argument), String::new())
            }
        }
    };
    fences.push(Fence {
        marker,
        len,
        body,
        in_options: body == Body::Markdown,
        in_yaml_options: false,
        closing,
    });
    replacement
}

fn clean_text_line(line: &str, liquid_block: &mut Option<&'static str>) -> String {
    if MYST_TARGET.is_match(line) || KRAMDOWN_IAL.is_match(line) {
        return String::new();
    }
    let mut text = clean_inline(line);
    // A `{% comment %}` left open on this line hides the lines that follow.
    let opens_comment = line.contains("{% comment") || line.contains("{%comment");
    if opens_comment && !line.contains("endcomment") {
        *liquid_block = Some("endcomment");
        text.clear();
    }
    text
}

/// Cleans template markup inside one line of text.
pub fn clean_inline(text: &str) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let text = LIQUID_TAG.replace_all(text, |caps: &Captures| liquid_tag(&caps[1], &caps[2]));
    let text = LIQUID_OUTPUT.replace_all(&text, "");
    let text = MYST_ROLE.replace_all(&text, |caps: &Captures| myst_role(&caps[1], &caps[2]));
    text.into_owned()
}

/// The reader-facing text of a Liquid tag, if it has any.
fn liquid_tag(name: &str, args: &str) -> String {
    match name {
        // RDMkit's `{% tool "data-stewardship-wizard" %}` renders the tool's name.
        "tool" => QUOTED
            .captures(args)
            .map(|c| c[1].replace(['-', '_'], " "))
            .unwrap_or_default(),
        // `{% include callout.html content="..." %}` renders its content.
        "include" => CONTENT_ATTR
            .captures(args)
            .map(|c| c[1].to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The reader-facing text of a MyST role.
fn myst_role(name: &str, content: &str) -> String {
    let name = name.to_ascii_lowercase();
    if name.starts_with("cite") || name.starts_with("footcite") || name.starts_with("glue") {
        return String::new();
    }
    if name == "eq" || name == "math" {
        return content.to_string();
    }
    // `Text <target>` shows Text; a bare target shows itself, made readable.
    match content.rfind('<') {
        Some(i) if content.ends_with('>') && i > 0 => content[..i].trim().to_string(),
        _ if matches!(name.as_str(), "ref" | "numref" | "doc" | "download") => content
            .rsplit('/')
            .next()
            .unwrap_or(content)
            .replace(['-', '_'], " "),
        _ => content.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_line_count() {
        let src = "a\n```{note}\n:class: x\nbody\n```\n{% include x.html %}\n(label)=\nend";
        let out = clean(src);
        assert_eq!(out.lines().count(), src.lines().count());
    }

    #[test]
    fn liquid_is_removed_but_tool_names_kept() {
        let out = clean(
            "Use {% tool \"data-stewardship-wizard\" %} and {{ site.x | relative_url }} {% cite key %}.\n",
        );
        assert_eq!(out, "Use data stewardship wizard and  .\n");
    }

    #[test]
    fn myst_admonition_keeps_text_drops_options() {
        let out = clean("```{admonition} Tip\n:class: tip\nDo this.\n```\n");
        assert_eq!(out, "Tip\n\nDo this.\n\n");
    }

    #[test]
    fn myst_figure_keeps_caption_only() {
        let out = clean("```{figure} img.png\n---\nname: f\nalt: A\n---\nThe caption\n```\n");
        assert_eq!(out.trim(), "The caption");
    }

    #[test]
    fn nested_directives_and_code() {
        let src =
            "````{tabbed} One\n```{note}\nInner\n```\n````\n```python\n{{ not_liquid }}\n```\n";
        let out = clean(src);
        assert!(out.contains("One") && out.contains("Inner"));
        assert!(out.contains("{{ not_liquid }}"), "code is untouched: {out}");
        assert!(!out.contains("{note}") && !out.contains("{tabbed}"));
    }

    #[test]
    fn dropped_directives_vanish() {
        let out = clean("```{toctree}\n:maxdepth: 2\nchapter1\n```\n```{footbibliography}\n```\n");
        assert_eq!(out.trim(), "");
    }

    #[test]
    fn myst_roles() {
        assert_eq!(
            clean_inline("see {ref}`the guide <rr-guide>`"),
            "see the guide"
        );
        assert_eq!(clean_inline("a {term}`FAIR` b"), "a FAIR b");
        assert_eq!(clean_inline("x {cite:ps}`key2020`."), "x .");
    }

    #[test]
    fn code_block_directive_becomes_code() {
        let out = clean("```{code-block} python\nprint(1)\n```\n");
        assert_eq!(out, "```python\nprint(1)\n```\n");
    }

    #[test]
    fn liquid_raw_blocks_are_literal() {
        let out = clean(
            "Use:\n{% raw %}\n{% tool \"id\" %}\n{% endraw %}\nand {% raw %}{{ x }}{% endraw %} {{ y }}\n",
        );
        assert_eq!(out, "Use:\n\n{% tool \"id\" %}\n\nand {{ x }} \n");
    }

    #[test]
    fn liquid_comment_blocks_are_hidden() {
        let out = clean("a\n{% comment %}\nsecret\n{% endcomment %}\nb\n");
        assert_eq!(out, "a\n\n\n\nb\n");
    }
}
