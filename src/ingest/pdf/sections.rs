//! Sections from the outline: each entry's text runs from where its heading is
//! on its page to where the next entry's is. The heading is found by its title
//! in the page's paragraphs (numbers, spaces and case aside), else by the
//! destination's top edge; failing both, an entry sharing a page with the one
//! before starts at the page's end (the earlier entry keeps the text) and any
//! other at its page's start. Without an outline, a section per page.

use crate::model::Section;

use super::clean::{Paragraph, append_line, plain};
use super::outline::OutlineEntry;

/// A place in the text: a paragraph of a page (both 0-based), `skip` bytes in
/// (past a heading that shares its paragraph with the text after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Position {
    page: usize,
    paragraph: usize,
    skip: usize,
}

/// Sections for an outline; `title` names the text before the first entry.
/// Entries with no text of their own (a chapter heading directly followed by
/// its first subsection) give no section, as in Markdown; their titles stay in
/// their subsections' heading paths.
pub fn from_outline(
    title: &str,
    entries: &[OutlineEntry],
    pages: &[Vec<Paragraph>],
) -> Vec<Section> {
    let starts = locate(entries, pages);
    let end = Position {
        page: pages.len(),
        paragraph: 0,
        skip: 0,
    };
    let mut sections = Vec::new();
    let first = starts.iter().flatten().next().map_or(end, |s| s.cut);
    let before = text_between(
        pages,
        Position {
            page: 0,
            paragraph: 0,
            skip: 0,
        },
        first,
    );
    push(&mut sections, title.to_string(), 0, Vec::new(), 1, before);

    // Where the text of each entry ends: the next located entry's cut.
    let mut ends = vec![end; starts.len()];
    let mut next = end;
    for (index, start) in starts.iter().enumerate().rev() {
        if let Some(slot) = ends.get_mut(index) {
            *slot = next;
        }
        if let Some(start) = start {
            next = start.cut;
        }
    }
    let mut path: Vec<String> = Vec::new();
    for ((entry, start), end) in entries.iter().zip(&starts).zip(ends) {
        let heading = plain(&entry.title);
        path.truncate(entry.depth);
        path.push(heading.clone());
        let (Some(start), Some(page)) = (start, entry.page) else {
            continue;
        };
        let text = text_between(pages, start.text, end);
        let level = u8::try_from(entry.depth + 1).unwrap_or(u8::MAX);
        // The page the outline points at, where a viewer opens the section.
        let page = usize::try_from(page).unwrap_or(usize::MAX);
        push(&mut sections, heading, level, path.clone(), page, text);
    }
    sections
}

/// One section per page with text, headed "Page N".
pub fn per_page(pages: &[Vec<Paragraph>]) -> Vec<Section> {
    let mut sections = Vec::new();
    for (index, paragraphs) in pages.iter().enumerate() {
        let text = paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let heading = format!("Page {}", index + 1);
        push(
            &mut sections,
            heading.clone(),
            1,
            vec![heading],
            index + 1,
            text,
        );
    }
    sections
}

fn push(
    sections: &mut Vec<Section>,
    heading: String,
    level: u8,
    heading_path: Vec<String>,
    page: usize,
    text: String,
) {
    if text.trim().is_empty() {
        return;
    }
    let page_number = u32::try_from(page).unwrap_or(u32::MAX);
    sections.push(Section {
        ordinal: sections.len(),
        heading,
        level,
        heading_path,
        anchor: if level == 0 {
            String::new()
        } else {
            format!("page={page}")
        },
        text,
        line: page,
        page: Some(page_number),
        link_texts: Vec::new(),
        code: Vec::new(),
    });
}

/// Where an entry is in the text: `cut` ends the text before it (its heading
/// starts there), `text` is where its own text starts (past its heading).
#[derive(Debug, Clone, Copy)]
struct Start {
    cut: Position,
    text: Position,
}

/// Where each entry starts; `None` for an entry that points at no page of the
/// document. Positions never go backwards: an entry out of order starts where
/// the one before it did.
fn locate(entries: &[OutlineEntry], pages: &[Vec<Paragraph>]) -> Vec<Option<Start>> {
    let mut starts = Vec::with_capacity(entries.len());
    // Where the search for the next heading begins, and whether an entry before
    // already starts on that page.
    let mut cursor = Position {
        page: 0,
        paragraph: 0,
        skip: 0,
    };
    let mut cursor_from_entry = false;
    for entry in entries {
        let page = entry
            .page
            .and_then(|p| usize::try_from(p).ok())
            .filter(|&p| p >= 1 && p <= pages.len())
            .map(|p| p - 1);
        let Some(page) = page else {
            starts.push(None);
            continue;
        };
        if page < cursor.page {
            starts.push(Some(Start {
                cut: cursor,
                text: cursor,
            }));
            continue;
        }
        let from = if page == cursor.page {
            cursor.paragraph
        } else {
            0
        };
        let paragraphs = pages.get(page).map_or(&[][..], Vec::as_slice);
        let at = |paragraph: usize, skip: usize| Position {
            page,
            paragraph,
            skip,
        };
        let start = if let Some(found) = find_heading(paragraphs, from, &entry.title) {
            // The heading is used up: the next search starts after it.
            cursor = at(found.last + 1, 0);
            Start {
                cut: at(found.first, 0),
                text: at(found.last, found.skip),
            }
        } else {
            let below_top = entry
                .top
                .and_then(|top| (from..paragraphs.len()).find(|&i| paragraphs[i].y <= top + 1.0));
            let paragraph = match below_top {
                Some(paragraph) => paragraph,
                // Sharing a page with the entry before: that one keeps the page.
                None if page == cursor.page && cursor_from_entry => paragraphs.len(),
                None => from,
            };
            cursor = at(paragraph, 0);
            Start {
                cut: cursor,
                text: cursor,
            }
        };
        cursor_from_entry = true;
        starts.push(Some(start));
    }
    starts
}

/// Lower-case letters and digits only: `1.2. Data  Collection` and
/// `1.2 Data collection` compare equal.
fn key_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    text.char_indices()
        .filter(|(_, c)| c.is_alphanumeric())
        .flat_map(|(i, c)| c.to_lowercase().map(move |l| (i + c.len_utf8(), l)))
}

/// A heading wrapped over lines may span this many paragraphs.
const MAX_HEADING_PARAGRAPHS: usize = 3;

/// Where a heading is: the paragraph it starts, the paragraph it ends in and
/// the byte offset just past it there (past any `:` or spaces after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Found {
    first: usize,
    last: usize,
    skip: usize,
}

/// The first paragraph from `from` on that starts with `title` (which may run
/// on into the next paragraphs, as a long heading wraps).
fn find_heading(paragraphs: &[Paragraph], from: usize, title: &str) -> Option<Found> {
    let wanted: Vec<char> = key_chars(title).map(|(_, c)| c).collect();
    if wanted.is_empty() {
        return None;
    }
    (from..paragraphs.len()).find_map(|first| {
        let mut matched = 0;
        let last = first + MAX_HEADING_PARAGRAPHS.min(paragraphs.len() - first);
        for index in first..last {
            let text = &paragraphs.get(index)?.text;
            let mut end = 0;
            for (after, c) in key_chars(text) {
                if matched == wanted.len() {
                    break;
                }
                if wanted.get(matched) != Some(&c) {
                    return None;
                }
                matched += 1;
                end = after;
            }
            if matched == wanted.len() {
                let rest = text.get(end..).unwrap_or("");
                let trimmed = rest.trim_start_matches(|c: char| {
                    c.is_whitespace() || matches!(c, ':' | '.' | ')' | '-' | '–')
                });
                return Some(Found {
                    first,
                    last: index,
                    skip: text.len() - trimmed.len(),
                });
            }
        }
        None
    })
}

/// The text from `start` up to `end`: paragraphs one per line; a paragraph that
/// runs on over a page break (no closing punctuation, a lower-case start on the
/// next page) is joined again.
fn text_between(pages: &[Vec<Paragraph>], start: Position, end: Position) -> String {
    let mut text = String::new();
    let mut position = start;
    while position < end && position.page < pages.len() {
        let paragraphs = pages.get(position.page).map_or(&[][..], Vec::as_slice);
        let Some(paragraph) = paragraphs.get(position.paragraph) else {
            position = Position {
                page: position.page + 1,
                paragraph: 0,
                skip: 0,
            };
            continue;
        };
        let stop = if end.page == position.page && end.paragraph == position.paragraph {
            end.skip
        } else {
            paragraph.text.len()
        };
        let piece = paragraph
            .text
            .get(position.skip..stop.max(position.skip))
            .unwrap_or("")
            .trim();
        if !piece.is_empty() {
            let runs_on = position.paragraph == 0
                && !text.is_empty()
                && !text.ends_with(['.', '!', '?', ':', ';'])
                && piece.chars().next().is_some_and(char::is_lowercase);
            if runs_on {
                append_line(&mut text, piece);
            } else {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(piece);
            }
        }
        position = Position {
            paragraph: position.paragraph + 1,
            skip: 0,
            ..position
        };
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str, y: f32) -> Paragraph {
        Paragraph {
            text: text.into(),
            y,
            size: 12.0,
        }
    }

    fn entry(title: &str, depth: usize, page: u32, top: Option<f32>) -> OutlineEntry {
        OutlineEntry {
            title: title.into(),
            depth,
            page: Some(page),
            top,
        }
    }

    #[test]
    fn entries_split_pages_at_their_headings() {
        let pages = vec![
            vec![para("Title page", 700.0)],
            vec![
                para("1 System Design", 650.0),
                para("1.1 Introduction", 600.0),
                para("The application has parts", 580.0),
                para("1.2. Data Collection: scripts collect", 400.0),
            ],
            vec![para("data from facilities.", 700.0), para("More.", 650.0)],
        ];
        let entries = [
            entry("1 System Design", 0, 2, None),
            entry("1.1 Introduction", 1, 2, None),
            entry("1.2 Data collection", 1, 2, None),
        ];
        let sections = from_outline("Deliverable", &entries, &pages);
        let summary: Vec<(&str, u8, &str, Option<u32>)> = sections
            .iter()
            .map(|s| (s.heading.as_str(), s.level, s.text.as_str(), s.page))
            .collect();
        assert_eq!(
            summary,
            [
                ("Deliverable", 0, "Title page", Some(1)),
                ("1.1 Introduction", 2, "The application has parts", Some(2)),
                (
                    "1.2 Data collection",
                    2,
                    "scripts collect data from facilities.\nMore.",
                    Some(2)
                ),
            ]
        );
        assert_eq!(
            sections[2].heading_path,
            ["1 System Design", "1.2 Data collection"]
        );
        assert_eq!(sections[2].anchor, "page=2");
        assert_eq!(sections[0].anchor, "");
        assert_eq!(
            sections.iter().map(|s| s.ordinal).collect::<Vec<_>>(),
            [0, 1, 2]
        );
    }

    #[test]
    fn headings_not_in_the_text_fall_back_to_the_top_edge_then_the_page() {
        let pages = vec![
            vec![para("Intro text", 700.0), para("Lower text", 300.0)],
            vec![para("Next page", 700.0)],
        ];
        let entries = [
            entry("Alpha", 0, 1, None),
            entry("Beta", 0, 1, Some(350.0)),
            entry("Gamma", 0, 1, None),
            entry("Delta", 0, 2, None),
        ];
        let sections = from_outline("T", &entries, &pages);
        let summary: Vec<(&str, &str)> = sections
            .iter()
            .map(|s| (s.heading.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("Alpha", "Intro text"),
                ("Beta", "Lower text"),
                ("Delta", "Next page")
            ],
            "Gamma shares Beta's page and is not found: Beta keeps the text"
        );
    }

    #[test]
    fn a_wrapped_heading_spans_paragraphs() {
        let pages = vec![vec![
            para("Before.", 700.0),
            para("2.4.3.8 expected normalized Gain at 1N", 650.0),
            para("( eNDCG@1N ) As the previous metric", 630.0),
        ]];
        let entries = [entry(
            "2.4.3.8 expected normalized Gain at 1N ( eNDCG@1N )",
            0,
            1,
            None,
        )];
        let sections = from_outline("T", &entries, &pages);
        let texts: Vec<&str> = sections.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Before.", "As the previous metric"]);
    }

    #[test]
    fn hostile_outlines_stay_in_bounds() {
        let pages = vec![vec![para("Only text", 700.0)]];
        let entries = [
            entry("Far", 0, 99, None),
            entry("Zero", 0, 0, None),
            entry("Back", 0, 1, None),
            OutlineEntry {
                title: String::new(),
                depth: 3,
                page: None,
                top: None,
            },
        ];
        let sections = from_outline("T", &entries, &pages);
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].heading, "Back");
        assert_eq!(sections[0].text, "Only text");
    }

    #[test]
    fn without_outline_each_page_is_a_section() {
        let pages = vec![
            vec![para("One", 1.0)],
            vec![],
            vec![para("Three", 1.0), para("more", 0.5)],
        ];
        let sections = per_page(&pages);
        let summary: Vec<(&str, &str, &str)> = sections
            .iter()
            .map(|s| (s.heading.as_str(), s.anchor.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("Page 1", "page=1", "One"),
                ("Page 3", "page=3", "Three\nmore")
            ]
        );
    }
}
