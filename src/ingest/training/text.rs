//! Small text helpers shared by the training readers: plain text, summaries,
//! dates.

pub use crate::ingest::markdown::tidy;

/// One line of text: every run of whitespace, newlines included, is one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Longest summary, in characters.
const SUMMARY_CHARS: usize = 300;

/// The first two sentences of a description as one line of plain text, at most
/// about 300 characters (cut at a word, with an ellipsis).
pub fn summary(description: &str) -> String {
    let text = one_line(description);
    let mut end = text.len();
    let mut sentences = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let next_is_space = chars.get(i + 1).is_none_or(|(_, n)| *n == ' ');
        if matches!(c, '.' | '!' | '?')
            && next_is_space
            && !ends_abbreviation(text.get(..at).unwrap_or_default())
        {
            sentences += 1;
            if sentences == 2 {
                end = at + c.len_utf8();
                break;
            }
        }
    }
    let text = text.get(..end).unwrap_or(&text);
    if text.chars().count() <= SUMMARY_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(SUMMARY_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// Whether the word before a full stop is an abbreviation that does not end a
/// sentence (`e.g.`, `Dr.`).
fn ends_abbreviation(before: &str) -> bool {
    let word = before.rsplit(' ').next().unwrap_or_default();
    let word = word
        .trim_start_matches(['(', '"', '\''])
        .to_ascii_lowercase();
    matches!(
        word.as_str(),
        "e.g" | "i.e" | "etc" | "dr" | "prof" | "vs" | "cf" | "al" | "fig" | "no" | "approx"
    ) || (word.len() == 1 && word.chars().all(|c| c.is_ascii_alphabetic()))
}

/// The ISO 8601 date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) a date or date-time
/// starts with: `2022-10-18 14:23:35 +0000` and `2026-09-14T09:00:00+01:00` give
/// `2022-10-18`, `2016` gives `2016`. `None` for anything else.
pub fn iso_date(text: &str) -> Option<String> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    let number =
        |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u32>().ok());
    if !digits(0..4) {
        return None;
    }
    let mut end = 4;
    if bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && number(5..7).is_some_and(|m| (1..=12).contains(&m))
    {
        end = 7;
        if bytes.get(7) == Some(&b'-')
            && digits(8..10)
            && number(8..10).is_some_and(|d| (1..=31).contains(&d))
        {
            end = 10;
        }
    }
    match bytes.get(end) {
        None | Some(b'T' | b' ' | b'Z' | b'+') => text.get(..end).map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_take_two_sentences() {
        assert_eq!(
            summary("One, e.g. this. Two  is\nhere! Three."),
            "One, e.g. this. Two is here!"
        );
        let long = "word ".repeat(100);
        let s = summary(&long);
        assert!(s.chars().count() <= 301 && s.ends_with('…'), "{s}");
    }

    #[test]
    fn dates_keep_their_iso_part() {
        assert_eq!(
            iso_date("2022-10-18 14:23:35 +0000").as_deref(),
            Some("2022-10-18")
        );
        assert_eq!(
            iso_date("2026-09-14T09:00:00+01:00").as_deref(),
            Some("2026-09-14")
        );
        assert_eq!(iso_date("2016").as_deref(), Some("2016"));
        assert_eq!(iso_date("2024-11").as_deref(), Some("2024-11"));
        assert_eq!(iso_date("18/10/2022"), None);
        assert_eq!(iso_date("2020-05-xx"), None);
        assert_eq!(iso_date("20201"), None);
    }
}
