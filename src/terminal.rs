//! Text from indexed files and the query log, made safe to print to a
//! terminal: anyone who can write an article or send a query controls that
//! text, and control characters in it (ESC sequences, carriage returns,
//! backspaces) could rewrite what a curator sees, or drive the terminal itself.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character but newline and tab written as a
/// visible escape (`\u{1b}`); text without any is borrowed as it is.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// C0 and C1 controls and DEL, except the two line layout needs; also the
/// bidirectional overrides, which reorder what is shown.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_and_text_stays() {
        assert!(matches!(
            escape_controls("plain text\twith a tab\n"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            escape_controls("a\x1b[31mred\x1b[0m\r\x08b"),
            "a\\u{1b}[31mred\\u{1b}[0m\\u{d}\\u{8}b"
        );
        assert_eq!(escape_controls("\u{9b}2J\u{7f}"), "\\u{9b}2J\\u{7f}");
        assert_eq!(escape_controls("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(escape_controls("Ångström ✓"), "Ångström ✓");
    }
}
