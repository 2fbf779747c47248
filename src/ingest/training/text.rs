//! Small text helpers shared by the training readers: plain text, summaries,
//! dates, ORCID iDs.

/// Collapses runs of spaces in each line and drops blank lines, so section text
/// reads as the rest of the index's does.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        for (i, word) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

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

/// What an ORCID-looking value is.
#[derive(Debug, PartialEq, Eq)]
pub enum Orcid {
    /// A well-formed iD with a correct check digit, without its resolver.
    Valid(String),
    /// An iD whose form or check digit is wrong, with why.
    Invalid { id: String, reason: &'static str },
    /// Not an ORCID at all (another IRI, a name, ...).
    Other,
}

/// Reads `https://orcid.org/0000-0002-1825-0097`, `http://orcid.org/...`,
/// `orcid.org/...` or a bare iD, checking the ISO 7064 11,2 check digit.
pub fn orcid(text: &str) -> Orcid {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let id = [
        "https://orcid.org/",
        "http://orcid.org/",
        "orcid.org/",
        "orcid:",
    ]
    .iter()
    .find_map(|prefix| {
        lower
            .strip_prefix(prefix)
            .and_then(|_| text.get(prefix.len()..))
    });
    let id = match id {
        Some(id) => id.trim_end_matches('/'),
        None if looks_like_bare_orcid(text) => text,
        None => return Orcid::Other,
    };
    let id = id.to_ascii_uppercase();
    let digits: Vec<char> = id.chars().filter(|&c| c != '-').collect();
    let shaped = id.len() == 19
        && id.chars().enumerate().all(|(i, c)| {
            if matches!(i, 4 | 9 | 14) {
                c == '-'
            } else {
                c.is_ascii_digit() || (i == 18 && c == 'X')
            }
        });
    if !shaped || digits.len() != 16 {
        return Orcid::Invalid {
            id,
            reason: "not of the form 0000-0000-0000-000X",
        };
    }
    let mut total = 0u32;
    for c in &digits[..15] {
        total = (total + c.to_digit(10).unwrap_or(0)) * 2;
    }
    let check = (12 - total % 11) % 11;
    let expected = if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10).unwrap_or('?')
    };
    if digits.get(15) == Some(&expected) {
        Orcid::Valid(id)
    } else {
        Orcid::Invalid {
            id,
            reason: "checksum",
        }
    }
}

fn looks_like_bare_orcid(text: &str) -> bool {
    text.len() == 19 && text.chars().filter(|&c| c == '-').count() == 3
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

    #[test]
    fn orcids_are_checked() {
        assert_eq!(
            orcid("https://orcid.org/0000-0002-1825-0097"),
            Orcid::Valid("0000-0002-1825-0097".into())
        );
        assert_eq!(
            orcid("http://orcid.org/0000-0003-3803-468x"),
            Orcid::Valid("0000-0003-3803-468X".into())
        );
        assert_eq!(
            orcid("https://orcid.org/0000-0001-9876-5432"),
            Orcid::Invalid {
                id: "0000-0001-9876-5432".into(),
                reason: "checksum"
            }
        );
        assert!(matches!(
            orcid("https://orcid.org/12"),
            Orcid::Invalid { .. }
        ));
        assert_eq!(orcid("https://example.org/me"), Orcid::Other);
    }
}
