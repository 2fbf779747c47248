//! What an item says about itself beyond its text: its title, kind and summary,
//! from the Info dictionary when that is meaningful, else from the pages.

use super::clean::{Paragraph, plain};
use super::info::Info;
use super::layout::PageText;

/// An Info `/Title` worth showing: not blank, not a placeholder and not a file
/// name (`Microsoft Word - D2.1.docx`, `untitled`, `Slide 1`).
pub fn meaningful_title(raw: &str) -> Option<String> {
    let title = plain(raw);
    let lower = title.to_lowercase();
    let placeholder = matches!(
        lower.as_str(),
        "untitled"
            | "title"
            | "document"
            | "presentation"
            | "powerpoint presentation"
            | "slide 1"
            | "no title"
    ) || lower.starts_with("microsoft word - ")
        || lower.starts_with("microsoft powerpoint - ")
        || lower.starts_with("untitled document");
    let file_name = [
        ".doc", ".docx", ".odt", ".pdf", ".ppt", ".pptx", ".odp", ".tex", ".dvi", ".rtf", ".txt",
        ".indd",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext));
    let has_letters = title.chars().any(char::is_alphabetic);
    (!placeholder && !file_name && has_letters).then_some(title)
}

/// The most a title made from page text may hold.
const MAX_TITLE_CHARS: usize = 200;

/// The title printed on the first page: its largest type (paragraphs at least
/// three quarters the size of the largest), at most three paragraphs, joined with
/// `: ` (`PaN-Finder Deliverable 2.a:` + `Report on exploration and activities
/// for MVP`). The first lines of the page are often a running header instead (in
/// Deliverable 7.b a wrong one), so position alone does not decide. When page 1
/// has one type size only, its first paragraph if short enough.
pub fn title_from_first_page(paragraphs: &[Paragraph]) -> Option<String> {
    let largest = paragraphs.iter().map(|p| p.size).fold(0.0_f32, f32::max);
    if largest <= 0.0 {
        return None;
    }
    let uniform = paragraphs.iter().all(|p| (p.size - largest).abs() < 0.5);
    if uniform {
        let first = paragraphs.first()?;
        return (first.text.chars().count() <= 150 && first.text.chars().any(char::is_alphabetic))
            .then(|| first.text.clone());
    }
    let mut title = String::new();
    for paragraph in paragraphs
        .iter()
        .filter(|p| p.size >= 0.75 * largest)
        .take(3)
    {
        if title.chars().count() + paragraph.text.chars().count() > MAX_TITLE_CHARS {
            break;
        }
        if !title.is_empty() {
            title.push_str(if title.ends_with(':') { " " } else { ": " });
        }
        title.push_str(&paragraph.text);
    }
    (title.chars().any(char::is_alphabetic)).then_some(title)
}

/// The kind of output: `deliverable` when the title or first page says so (as a
/// label, capitalised: body text mentioning a deliverable does not count),
/// `presentation` for slides (made by a presentation program, or mostly landscape
/// pages with little text) and posters (one page of A2 or larger), else `document`.
pub fn kind(
    title: &str,
    first_page: &[Paragraph],
    info: &Info,
    pages: &[PageText],
) -> &'static str {
    let says_deliverable = |text: &str| {
        text.split(|c: char| !c.is_alphanumeric())
            .any(|word| word == "Deliverable" || word == "DELIVERABLE")
    };
    if says_deliverable(title) || first_page.iter().any(|p| says_deliverable(&p.text)) {
        return "deliverable";
    }
    let software = format!(
        "{} {}",
        info.get("Creator").unwrap_or(""),
        info.get("Producer").unwrap_or("")
    )
    .to_lowercase();
    let slide_software = [
        "impress",
        "powerpoint",
        "keynote",
        "beamer",
        "google slides",
    ]
    .iter()
    .any(|name| software.contains(name));
    let landscape = pages.iter().filter(|p| p.width() > p.height()).count();
    let chars: usize = pages.iter().map(PageText::chars).sum();
    let slides =
        pages.len() >= 2 && 10 * landscape >= 6 * pages.len() && chars < 1000 * pages.len();
    // A2 is 420 mm × 594 mm: 1191 pt on its short side.
    let poster = pages.len() == 1 && pages.iter().all(|p| p.width().min(p.height()) >= 1190.0);
    if slide_software || slides || poster {
        "presentation"
    } else {
        "document"
    }
}

/// The longest summary, in characters.
const MAX_SUMMARY_CHARS: usize = 300;

/// One or two sentences describing the item: the Info `/Subject` when given, else
/// the start of the first paragraph that reads as prose (twelve words or more;
/// failing that, four), at most 300 characters.
pub fn summary(
    subject: Option<&str>,
    paragraphs: impl Iterator<Item = String> + Clone,
    title: &str,
) -> String {
    if let Some(subject) = subject
        .map(plain)
        .filter(|s| s.chars().any(char::is_alphabetic))
    {
        return shorten(&subject);
    }
    let words = |text: &str| text.split_whitespace().count();
    let candidate = |min_words: usize| {
        paragraphs
            .clone()
            .find(|p| words(p) >= min_words && p != title && !title.contains(p.as_str()))
    };
    candidate(12)
        .or_else(|| candidate(4))
        .map(|p| shorten(&p))
        .unwrap_or_default()
}

/// The first two sentences of `text`, cut at a word if still longer than
/// [`MAX_SUMMARY_CHARS`].
fn shorten(text: &str) -> String {
    let mut end = text.len();
    let mut sentences = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for window in chars.windows(3) {
        if let [(_, stop), (_, ' '), (next_at, next)] = *window
            && matches!(stop, '.' | '!' | '?')
            && (next.is_uppercase() || next.is_ascii_digit())
        {
            sentences += 1;
            if sentences == 2 {
                end = next_at - 1;
                break;
            }
        }
    }
    let two = text.get(..end).unwrap_or(text).trim();
    if two.chars().count() <= MAX_SUMMARY_CHARS {
        return two.to_string();
    }
    let cut: String = two.chars().take(MAX_SUMMARY_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str, size: f32) -> Paragraph {
        Paragraph {
            text: text.into(),
            y: 0.0,
            size,
        }
    }

    #[test]
    fn placeholder_titles_are_not_meaningful() {
        assert_eq!(
            meaningful_title(" Users\u{a0}Interviews ").as_deref(),
            Some("Users Interviews")
        );
        for raw in [
            "",
            "Untitled",
            "Microsoft Word - D2.1 final.docx",
            "report.pdf",
            "Slide 1",
            "1.2.3",
        ] {
            assert_eq!(meaningful_title(raw), None, "{raw}");
        }
    }

    #[test]
    fn the_largest_type_on_page_one_is_the_title() {
        let page = [
            para("Running header", 16.0),
            para("PaN-Finder Deliverable 2.a:", 28.0),
            para("Report on exploration and activities for MVP", 22.0),
            para("Table of Contents", 16.0),
        ];
        assert_eq!(
            title_from_first_page(&page).as_deref(),
            Some("PaN-Finder Deliverable 2.a: Report on exploration and activities for MVP")
        );
        let one_size = [para("A letter", 12.0), para("Dear reader, ...", 12.0)];
        assert_eq!(
            title_from_first_page(&one_size).as_deref(),
            Some("A letter")
        );
        assert_eq!(title_from_first_page(&[]), None);
    }

    #[test]
    fn summaries_are_two_sentences_at_most() {
        let paragraphs = [
            "Title",
            "Short line",
            "This is the first sentence of the body text here. And a second one follows it. A third is dropped.",
        ];
        let summary = summary(None, paragraphs.iter().map(|s| s.to_string()), "Title");
        assert_eq!(
            summary,
            "This is the first sentence of the body text here. And a second one follows it."
        );
        let long = "word ".repeat(100);
        let short = shorten(&long);
        assert!(
            short.ends_with("word…") && short.chars().count() <= 301,
            "{short}"
        );
    }
}
