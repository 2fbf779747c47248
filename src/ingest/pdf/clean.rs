//! Lines into paragraphs a reader (and a search index) can use: characters
//! normalised, tables-of-contents leaders, running headers and footers and bare
//! page numbers dropped, broken words joined, lines joined into paragraphs.

use std::collections::{HashMap, HashSet};

use super::layout::{Line, PageText};

/// One paragraph of a page, in drawing order.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub text: String,
    /// Baseline of its first line, in PDF user space.
    pub y: f32,
    /// Type size of its first line.
    pub size: f32,
}

/// The paragraphs of every page (index 0 is page 1).
pub fn paragraphs(pages: &[PageText]) -> Vec<Vec<Paragraph>> {
    let lines: Vec<Vec<Line>> = pages.iter().map(normalised_lines).collect();
    let running = running_lines(pages, &lines);
    pages
        .iter()
        .zip(lines)
        .map(|(page, lines)| {
            let kept: Vec<Line> = lines
                .into_iter()
                .filter(|line| {
                    !(in_margin(page, line)
                        && (running.contains(&line_key(&line.text)) || is_page_number(&line.text)))
                })
                .collect();
            join_lines(&kept)
        })
        .collect()
}

/// The page's lines with their text normalised; empty lines and table-of-contents
/// entries (a title, a dot leader and a page number: the outline has them) dropped.
fn normalised_lines(page: &PageText) -> Vec<Line> {
    page.lines
        .iter()
        .filter_map(|line| {
            let text = normalise(&line.text);
            (!text.is_empty() && !is_toc_entry(&text)).then(|| Line {
                text,
                ..line.clone()
            })
        })
        .collect()
}

/// Text with control and zero-width characters removed, every kind of space a
/// plain space (U+00A0 included), runs of spaces collapsed, ligatures spelt out
/// and private-use bullets from symbol fonts made `•`. A soft hyphen is kept only
/// at the end, where it marks a broken word.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // Dealt with below.
            '\u{AD}' => out.push(c),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{F0A7}' | '\u{F0B7}' | '\u{F076}' | '\u{F0D8}' | '\u{F0FC}' | '\u{F0A8}' => {
                out.push('•')
            }
            '\u{E000}'..='\u{F8FF}' => {}
            c if c.is_whitespace() => push_space(&mut out),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    // A soft hyphen survives only as the last character.
    let trimmed = out.trim();
    let (body, soft_end) = match trimmed.strip_suffix('\u{AD}') {
        Some(body) => (body, true),
        None => (trimmed, false),
    };
    let mut text: String = body.chars().filter(|&c| c != '\u{AD}').collect();
    if soft_end {
        text.push('\u{AD}');
    }
    text
}

/// [`normalise`] for a value on its own (a title, a name): no soft hyphen at all.
pub fn plain(text: &str) -> String {
    normalise(text).replace('\u{AD}', "")
}

fn push_space(out: &mut String) {
    if !out.ends_with(' ') {
        out.push(' ');
    }
}

/// `1.2 Data collection......... 3`: a table-of-contents entry.
fn is_toc_entry(text: &str) -> bool {
    let without_number = text.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    without_number.len() < text.len()
        && (without_number.ends_with("....")
            || without_number.ends_with("……")
            || without_number.ends_with(". . . ."))
}

/// A line in the top or bottom fifth of its page, where running headers,
/// footers and page numbers are.
fn in_margin(page: &PageText, line: &Line) -> bool {
    let (bottom, top) = (
        page.media_box[1].min(page.media_box[3]),
        page.media_box[1].max(page.media_box[3]),
    );
    let band = (top - bottom) * 0.2;
    line.y > top - band || line.y < bottom + band
}

/// A line's identity across pages: lower case, numbers as `#` (the page number
/// and a date in a footer change from page to page).
fn line_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !key.ends_with('#') {
                key.push('#');
            }
        } else {
            key.extend(c.to_lowercase());
        }
    }
    key
}

/// Lines repeated in the margins of at least half the pages with text (three
/// pages at least): running headers and footers.
fn running_lines(pages: &[PageText], lines: &[Vec<Line>]) -> HashSet<String> {
    let mut pages_with: HashMap<String, usize> = HashMap::new();
    let mut with_text = 0;
    for (page, lines) in pages.iter().zip(lines) {
        if lines.is_empty() {
            continue;
        }
        with_text += 1;
        let keys: HashSet<String> = lines
            .iter()
            .filter(|l| in_margin(page, l))
            .map(|l| line_key(&l.text))
            .collect();
        for key in keys {
            *pages_with.entry(key).or_default() += 1;
        }
    }
    pages_with
        .into_iter()
        .filter(|&(_, n)| n >= 3 && 2 * n >= with_text)
        .map(|(key, _)| key)
        .collect()
}

/// `7`, `- 7 -`, `Page 7`, `7 / 20`, `Page 7 of 20`, `vii`.
fn is_page_number(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '/' | '|'))
        .filter(|w| !w.is_empty() && !matches!(*w, "page" | "p." | "of" | "seite" | "von"))
        .collect();
    let numeral = |w: &&str| {
        (w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit()))
            || (w.len() <= 6 && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'l')))
    };
    !words.is_empty() && words.len() <= 2 && words.iter().all(numeral)
}

/// Starts a list item: a bullet, or `1.`, `a)`, `(iv)` before the text.
fn starts_item(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if matches!(
        first,
        '•' | '●'
            | '▪'
            | '◦'
            | '‣'
            | '∙'
            | '○'
            | '■'
            | '□'
            | '➢'
            | '►'
            | '✓'
            | '–'
            | '—'
            | '*'
            | '-'
    ) {
        return true;
    }
    let label: String = text.chars().take_while(|c| !c.is_whitespace()).collect();
    let body = label.trim_start_matches('(').trim_end_matches(['.', ')']);
    label.len() > body.len()
        && !body.is_empty()
        && body.len() <= 3
        && (body.chars().all(|c| c.is_ascii_digit())
            || body.chars().all(|c| c.is_ascii_lowercase()))
        && text.len() > label.len()
}

/// The usual distance between the baselines of two lines of one paragraph on
/// this page: the most frequent gap between lines of the same size.
fn line_spacing(lines: &[Line]) -> Option<f32> {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for pair in lines.windows(2) {
        if let [a, b] = pair {
            let gap = a.y - b.y;
            if gap > 0.0 && same_size(a.size, b.size) && gap < 3.0 * a.size.max(1.0) {
                *counts.entry((gap * 2.0).round() as i32).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(gap, n)| (n, -gap))
        .map(|(gap, _)| gap as f32 / 2.0)
}

fn same_size(a: f32, b: f32) -> bool {
    (a - b).abs() <= 0.1 * a.max(b)
}

/// Whether `next` starts a new paragraph after `prev`.
fn breaks(prev: &Line, next: &Line, spacing: Option<f32>, right_edge: f32) -> bool {
    let gap = prev.y - next.y;
    let spacing = spacing.unwrap_or(1.2 * prev.size.max(1.0));
    !same_size(prev.size, next.size)
        || gap <= 0.0
        || gap > 1.25 * spacing
        || starts_item(&next.text)
        // A line ending well before the others ends its paragraph (or is a line
        // on its own: `Date: ...` above `Action items:`).
        || prev.x_end < right_edge - 0.15 * (right_edge - prev.x).max(0.0)
}

/// Joins a page's lines into paragraphs, mending words broken at a line end.
fn join_lines(lines: &[Line]) -> Vec<Paragraph> {
    let spacing = line_spacing(lines);
    let right_edge = lines.iter().map(|l| l.x_end).fold(f32::MIN, f32::max);
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut previous: Option<&Line> = None;
    for line in lines {
        let continues = previous.is_some_and(|prev| !breaks(prev, line, spacing, right_edge));
        match paragraphs.last_mut() {
            Some(paragraph) if continues => append_line(&mut paragraph.text, &line.text),
            _ => {
                if let Some(last) = paragraphs.last_mut() {
                    finish(&mut last.text);
                }
                paragraphs.push(Paragraph {
                    text: line.text.clone(),
                    y: line.y,
                    size: line.size,
                });
            }
        }
        previous = Some(line);
    }
    if let Some(last) = paragraphs.last_mut() {
        finish(&mut last.text);
    }
    paragraphs
}

/// Adds `next` to a paragraph. After a hyphen at the end of a word, a
/// lower-case continuation is the rest of a broken word (the hyphen goes), a
/// capital or digit the rest of a hyphenated name (`PaN-` + `Finder`: the
/// hyphen stays); anything else gets a space.
pub fn append_line(text: &mut String, next: &str) {
    let first = next.chars().next();
    let soft = text.ends_with('\u{AD}');
    let hyphen = text.ends_with('-') && text.chars().rev().nth(1).is_some_and(char::is_alphabetic);
    if (soft || hyphen) && first.is_some_and(char::is_lowercase) {
        text.pop();
    } else if hyphen && first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) {
        // Joined as it is.
    } else {
        finish(text);
        if !text.is_empty() {
            text.push(' ');
        }
    }
    text.push_str(next);
}

/// A paragraph's final form: no trailing soft hyphen or space.
fn finish(text: &mut String) {
    while text.ends_with(['\u{AD}', ' ']) {
        text.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, y: f32, size: f32) -> Line {
        Line {
            text: text.into(),
            x: 50.0,
            x_end: 550.0,
            y,
            size,
        }
    }

    #[test]
    fn characters_are_normalised() {
        assert_eq!(
            normalise("  5 Future\u{a0}Improvements\u{a0}1\t "),
            "5 Future Improvements 1"
        );
        assert_eq!(
            normalise("e\u{fb03}cient\u{7}  data\u{200b}"),
            "efficient data"
        );
        assert_eq!(normalise("\u{f0b7} item"), "• item");
        assert_eq!(normalise("inter\u{ad}na\u{ad}"), "interna\u{ad}");
    }

    #[test]
    fn broken_words_are_mended() {
        let mut text = "a well-known inter-".to_string();
        append_line(&mut text, "national effort");
        assert_eq!(text, "a well-known international effort");
        let mut text = "The PaN-".to_string();
        append_line(&mut text, "Finder is");
        assert_eq!(
            text, "The PaN-Finder is",
            "a capital after the hyphen: a name"
        );
        let mut text = "pages 3 -".to_string();
        append_line(&mut text, "Finder");
        assert_eq!(text, "pages 3 - Finder");
        let mut text = "soft\u{ad}".to_string();
        append_line(&mut text, "ware");
        assert_eq!(text, "software");
    }

    #[test]
    fn lines_join_into_paragraphs_at_gaps_sizes_and_bullets() {
        let lines = [
            line("1.1 Introduction", 700.0, 16.0),
            line("The application is composed by the", 680.0, 12.0),
            line("following components:", 664.0, 12.0),
            line("• Data collection", 648.0, 12.0),
            line("• Database", 632.0, 12.0),
            line("A new paragraph after a gap", 600.0, 12.0),
            line("continues here.", 584.0, 12.0),
        ];
        let texts: Vec<String> = join_lines(&lines).into_iter().map(|p| p.text).collect();
        assert_eq!(
            texts,
            [
                "1.1 Introduction",
                "The application is composed by the following components:",
                "• Data collection",
                "• Database",
                "A new paragraph after a gap continues here.",
            ]
        );
    }

    #[test]
    fn page_numbers_and_toc_entries_are_recognised() {
        for number in ["7", "- 7 -", "Page 7", "7 / 20", "Page 7 of 20", "xii"] {
            assert!(is_page_number(number), "{number}");
        }
        for text in ["7 users", "Page layout", "2026"] {
            assert_eq!(is_page_number(text), text == "2026", "{text}");
        }
        assert!(is_toc_entry(
            "1.2 Data collection.........................3"
        ));
        assert!(is_toc_entry("2.1 Introduction........... 12"));
        assert!(!is_toc_entry("Wait for it...."));
    }

    #[test]
    fn running_headers_and_footers_are_dropped() {
        let page = |n: usize| PageText {
            lines: vec![
                line("Deliverable 2.a", 760.0, 12.0),
                line(&format!("Body text of page {n}."), 400.0, 12.0),
                line(&format!("Ver. 7 (2026-01-14) Page {n} of 4"), 40.0, 12.0),
            ],
            media_box: [0.0, 0.0, 612.0, 792.0],
        };
        let pages: Vec<PageText> = (1..=4).map(page).collect();
        let texts: Vec<Vec<String>> = paragraphs(&pages)
            .into_iter()
            .map(|p| p.into_iter().map(|p| p.text).collect())
            .collect();
        assert_eq!(texts[2], ["Body text of page 3."]);
    }
}
