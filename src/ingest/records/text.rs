//! Descriptions as plain text: records carry HTML (Zenodo, InvenioRDM, the
//! escaped abstracts of OAI-PMH dumps) or plain text; search, snippets and ask
//! want words and paragraph breaks, not tags.

/// HTML (or plain text) as plain text: tags removed, block elements ending a
/// line, entities decoded, runs of spaces collapsed and blank lines kept as
/// paragraph breaks. Linear in the input; unknown entities stay as written.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    let mut closers = NextGt::default();
    while let Some(found) = html.get(pos..).and_then(|rest| rest.find(['<', '&'])) {
        let at = pos + found;
        out.push_str(&html[pos..at]);
        let rest = &html[at..];
        let step = if rest.starts_with('<') {
            match tag(rest, closers.after(html, at).map(|gt| gt - at)) {
                Some((len, name)) => {
                    if name == "li" {
                        out.push_str("\n- ");
                    } else if name == "/li" {
                        // The next item or the list's end starts the line.
                    } else if is_block(&name) {
                        out.push('\n');
                        if matches!(name.as_str(), "p" | "/p" | "blockquote" | "/blockquote") {
                            out.push('\n');
                        }
                    }
                    len
                }
                None => {
                    out.push('<');
                    1
                }
            }
        } else {
            match entity(rest) {
                Some((len, decoded)) => {
                    out.push_str(&decoded);
                    len
                }
                None => {
                    out.push('&');
                    1
                }
            }
        };
        pos = at + step;
    }
    out.push_str(html.get(pos..).unwrap_or(""));
    tidy(&out)
}

/// The next `>` at or after a position, remembered: positions only grow, so
/// each byte is searched once and `<a<a<a...` stays linear.
#[derive(Default)]
struct NextGt {
    /// The last answer and the position it was searched from.
    found: Option<Option<usize>>,
}

impl NextGt {
    fn after(&mut self, html: &str, at: usize) -> Option<usize> {
        match self.found {
            Some(Some(gt)) if gt > at => Some(gt),
            // No `>` after an earlier position: none after this one either.
            Some(None) => None,
            _ => {
                let gt = html.get(at..).and_then(|r| r.find('>')).map(|i| at + i);
                self.found = Some(gt);
                gt
            }
        }
    }
}

/// The first sentences of a text, at most about `max` characters: two sentences
/// when they fit, else as many words of the first as fit, with `…`.
pub fn summary(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max && sentence_ends(&flat).len() <= 2 {
        return flat;
    }
    let ends = sentence_ends(&flat);
    let two = ends.get(1).or(ends.first()).copied();
    if let Some(end) = two.filter(|e| flat[..*e].chars().count() <= max) {
        return flat[..end].to_string();
    }
    if let Some(end) = ends
        .first()
        .copied()
        .filter(|e| flat[..*e].chars().count() <= max)
    {
        return flat[..end].to_string();
    }
    let mut cut = String::new();
    for word in flat.split(' ') {
        if cut.chars().count() + word.chars().count() + 1 > max {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// Byte offsets just after each sentence end (`.`, `!`, `?` before a space and
/// an upper-case letter, digit or quote, or at the end of the text).
fn sentence_ends(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut ends = Vec::new();
    for (i, b) in bytes.iter().enumerate() {
        if !matches!(b, b'.' | b'!' | b'?') {
            continue;
        }
        let after = i + 1;
        if after == bytes.len() {
            ends.push(after);
            continue;
        }
        let next_is_space = bytes.get(after) == Some(&b' ');
        let starts_sentence = text
            .get(after + 1..)
            .and_then(|t| t.chars().next())
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '"' || c == '(');
        // "e.g. Foo", "Dr. Smith": a one- or two-letter word before the dot is an
        // abbreviation more often than a sentence.
        let word_before = text[..i].rsplit(' ').next().unwrap_or("");
        let abbreviation = *b == b'.'
            && !word_before.is_empty()
            && (word_before.chars().count() <= 2 || word_before.contains('.'))
            && word_before.chars().all(|c| c.is_alphabetic() || c == '.');
        if next_is_space && starts_sentence && !abbreviation {
            ends.push(after);
        }
    }
    ends
}

/// A tag at the start of `text` whose first `>` is at `gt` (if any): its length
/// and lower-case name (`/p` for a closing tag). `None` when the `<` does not
/// open a tag (`a < b`).
fn tag(text: &str, gt: Option<usize>) -> Option<(usize, String)> {
    let inner = text.get(1..)?;
    let first = inner.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '/' || first == '!' || first == '?') {
        return None;
    }
    if let Some(comment) = inner.strip_prefix("!--") {
        // An unclosed comment hides the rest, as in a browser (and keeps this linear).
        let len = comment
            .find("-->")
            .map_or(text.len(), |end| 1 + 3 + end + 3);
        return Some((len, "!--".into()));
    }
    let end = gt?.checked_sub(1)?;
    let name: String = inner
        .get(..end)?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!')
        .collect::<String>()
        .to_ascii_lowercase();
    Some((end + 2, name.trim_end_matches('/').to_string()))
}

fn is_block(name: &str) -> bool {
    matches!(
        name.trim_start_matches('/'),
        "p" | "br"
            | "div"
            | "ul"
            | "ol"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "section"
            | "article"
            | "hr"
            | "dl"
            | "dt"
            | "dd"
            | "figure"
            | "figcaption"
    )
}

/// An entity at the start of `text` (`&amp;`, `&#233;`, `&#xE9;`, `&eacute;`).
fn entity(text: &str) -> Option<(usize, String)> {
    let end = text
        .char_indices()
        .take(12)
        .find(|(_, c)| *c == ';')
        .map(|(i, _)| i)?;
    let name = text.get(1..end)?;
    let decoded = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        char::from_u32(code)?.to_string()
    } else {
        named_entity(name)?.to_string()
    };
    Some((end + 1, decoded))
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" | "ensp" | "emsp" | "thinsp" => " ",
        "ndash" => "–",
        "mdash" => "—",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "hellip" => "…",
        "bull" => "•",
        "middot" => "·",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "euro" => "€",
        "pound" => "£",
        "times" => "×",
        "shy" | "zwj" | "zwnj" => "",
        "szlig" => "ß",
        "aacute" => "á",
        "eacute" => "é",
        "iacute" => "í",
        "oacute" => "ó",
        "uacute" => "ú",
        "yacute" => "ý",
        "Aacute" => "Á",
        "Eacute" => "É",
        "Iacute" => "Í",
        "Oacute" => "Ó",
        "Uacute" => "Ú",
        "agrave" => "à",
        "egrave" => "è",
        "igrave" => "ì",
        "ograve" => "ò",
        "ugrave" => "ù",
        "Agrave" => "À",
        "Egrave" => "È",
        "acirc" => "â",
        "ecirc" => "ê",
        "icirc" => "î",
        "ocirc" => "ô",
        "ucirc" => "û",
        "auml" => "ä",
        "euml" => "ë",
        "iuml" => "ï",
        "ouml" => "ö",
        "uuml" => "ü",
        "yuml" => "ÿ",
        "Auml" => "Ä",
        "Ouml" => "Ö",
        "Uuml" => "Ü",
        "atilde" => "ã",
        "otilde" => "õ",
        "ntilde" => "ñ",
        "Ntilde" => "Ñ",
        "ccedil" => "ç",
        "Ccedil" => "Ç",
        "aring" => "å",
        "Aring" => "Å",
        "aelig" => "æ",
        "oslash" => "ø",
        "Oslash" => "Ø",
        _ => return None,
    })
}

/// Spaces collapsed within lines, lines trimmed, at most one blank line in a row.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_paragraphs_of_text() {
        assert_eq!(
            html_to_text("<p>TuLeD: Tup&iacute;an lexical database</p>"),
            "TuLeD: Tupían lexical database"
        );
        assert_eq!(
            html_to_text("<p>One &amp; two.</p><p>Three<br/>four</p><ul><li>a</li><li>b</li></ul>"),
            "One & two.\n\nThree\nfour\n\n- a\n- b"
        );
        assert_eq!(html_to_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(
            html_to_text("AT&T &#233;t&#xE9; &bogus;"),
            "AT&T été &bogus;"
        );
        assert_eq!(html_to_text("x<!-- hidden -->y"), "xy");
        assert_eq!(html_to_text("<a href=\"x\">link</a> <b"), "link <b");
        // Hostile input stays linear: many `<` and no `>`.
        let hostile = "<a".repeat(200_000);
        let start = std::time::Instant::now();
        assert_eq!(html_to_text(&hostile).len(), hostile.len());
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn summaries_take_two_sentences_or_cut_at_a_word() {
        assert_eq!(
            summary("First one. Second one. Third one.", 300),
            "First one. Second one."
        );
        assert_eq!(summary("Short text", 300), "Short text");
        assert_eq!(
            summary("See e.g. Foo. Then more.", 300),
            "See e.g. Foo. Then more."
        );
        let long = "word ".repeat(100);
        let cut = summary(&long, 30);
        assert!(cut.ends_with('…') && cut.chars().count() <= 31, "{cut}");
    }
}
