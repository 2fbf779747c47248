//! Positions in a source file for findings: where a front matter key or one of its
//! values is written, and where a link's destination sits on its line. Front matter
//! is parsed into values without positions (`ingest::frontmatter`), so keys are
//! found again in the raw block, the way its repeated-key repair finds them.

use crate::ingest::frontmatter::{self, Format};

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub const FILE_START: Position = Position { line: 1, column: 1 };
}

/// One top-level front matter entry: its key line and the lines its value spans.
#[derive(Debug)]
struct Entry {
    key: String,
    /// Index into `FrontMatterMap::lines` of the key line.
    first: usize,
    /// One past the last line of the entry.
    end: usize,
    /// Column (in characters) just after the `:` or `=` that follows the key.
    value_column: usize,
}

/// The top-level keys of a file's front matter with their lines.
#[derive(Debug, Default)]
pub struct FrontMatterMap {
    /// Lines of the block (without line ends).
    lines: Vec<String>,
    /// File line of the block's first line.
    first_line: usize,
    entries: Vec<Entry>,
}

impl FrontMatterMap {
    /// Maps the front matter of a file's text (empty when it has none or it is
    /// not closed).
    pub fn new(text: &str) -> FrontMatterMap {
        let Ok(split) = frontmatter::split(text) else {
            return FrontMatterMap::default();
        };
        let Some(format) = split.format else {
            return FrontMatterMap::default();
        };
        let lines: Vec<String> = split.block.lines().map(str::to_string).collect();
        let mut entries: Vec<Entry> = Vec::new();
        let mut in_table = false;
        for (i, line) in lines.iter().enumerate() {
            let found = match format {
                Format::Yaml => yaml_key(line),
                Format::Toml => {
                    if line.trim_start().starts_with('[') {
                        // Keys after a `[table]` header belong to that table.
                        in_table = true;
                    }
                    if in_table { None } else { toml_key(line) }
                }
            };
            let starts_entry = found.is_some() || (format == Format::Toml && in_table);
            if starts_entry && let Some(last) = entries.last_mut() {
                last.end = last.end.min(i);
            }
            if let Some((key, value_column)) = found {
                entries.push(Entry {
                    key,
                    first: i,
                    end: lines.len(),
                    value_column,
                });
            }
        }
        FrontMatterMap {
            lines,
            first_line: split.block_line,
            entries,
        }
    }

    /// Whether the file has front matter.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.entries.is_empty()
    }

    /// The entry of a content-model field, through its aliases (`summary` finds
    /// `description`), as ingest picks it: the first alias present.
    fn entry(&self, field: &str) -> Option<&Entry> {
        let aliases = frontmatter::aliases(field);
        let names: &[&str] = if aliases.is_empty() {
            &[field]
        } else {
            aliases
        };
        names
            .iter()
            .find_map(|name| self.entries.iter().rev().find(|e| e.key == *name))
    }

    /// The key a field is written under (`description` for `summary`), if present.
    pub fn key_name(&self, field: &str) -> Option<&str> {
        self.entry(field).map(|e| e.key.as_str())
    }

    /// Where a field's key is written.
    pub fn key(&self, field: &str) -> Option<Position> {
        self.entry(field).map(|e| Position {
            line: self.first_line + e.first,
            column: 1 + leading_spaces(&self.lines[e.first]),
        })
    }

    /// Where `value` is written in a field's entry (case-insensitively, as a whole
    /// word); else where the key is.
    pub fn value(&self, field: &str, value: &str) -> Option<Position> {
        let entry = self.entry(field)?;
        for i in entry.first..entry.end {
            let line = &self.lines[i];
            let from = if i == entry.first {
                entry.value_column
            } else {
                0
            };
            if let Some(column) = find_word(line, value, from) {
                return Some(Position {
                    line: self.first_line + i,
                    column,
                });
            }
        }
        self.key(field)
    }

    /// Where a finding about the front matter as a whole goes: its opening fence.
    pub fn start(&self) -> Position {
        Position {
            line: self.first_line.saturating_sub(1).max(1),
            column: 1,
        }
    }
}

/// A top-level YAML key (`key:` at column 1) and the column after its colon.
fn yaml_key(line: &str) -> Option<(String, usize)> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '[' | '{') {
        return None;
    }
    split_key(line, ':')
}

/// A top-level TOML key (`key = ...`) and the column after its `=`.
fn toml_key(line: &str) -> Option<(String, usize)> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    split_key(line, '=')
}

/// Splits `key<sep>` off a line; the key may be quoted and must be followed by the
/// separator (and for YAML by a space or the line end, so URLs are not keys).
fn split_key(line: &str, sep: char) -> Option<(String, usize)> {
    let at = line.find(sep)?;
    let after = &line[at + sep.len_utf8()..];
    if sep == ':' && !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let quoted = line.trim_start().starts_with(['"', '\'']);
    let key = line[..at].trim().trim_matches(['"', '\'']);
    if key.is_empty() || (!quoted && key.contains(char::is_whitespace)) {
        return None;
    }
    let column = line[..at + sep.len_utf8()].chars().count();
    Some((key.to_string(), column))
}

fn leading_spaces(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count()
}

/// The 1-based character column of `needle` in `line` as a whole word, searching
/// from character `from`, ignoring ASCII case.
pub fn find_word(line: &str, needle: &str, from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let hay = line.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let start = hay.char_indices().nth(from).map_or(hay.len(), |(b, _)| b);
    let mut offset = start;
    while let Some(found) = hay[offset..].find(&needle) {
        let at = offset + found;
        let end = at + needle.len();
        let before_ok = hay[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'));
        let mut rest = hay[end..].chars();
        let after_ok = match rest.next() {
            None => true,
            Some('.') => rest.next().is_none_or(|c| !c.is_alphanumeric()),
            Some(c) => !(c.is_alphanumeric() || c == '_' || c == '-'),
        };
        if before_ok && after_ok {
            return Some(hay[..at].chars().count() + 1);
        }
        offset = at + needle.len().max(1);
        if offset > hay.len() {
            break;
        }
    }
    None
}

/// The column of a link's destination on its line in the source, when it is
/// written there literally; `fallback` (the link's start) otherwise.
pub fn link_column(source_line: Option<&str>, target: &str, fallback: usize) -> usize {
    let Some(line) = source_line else {
        return fallback;
    };
    if target.is_empty() {
        return fallback;
    }
    let mut search_from = 0;
    while let Some(found) = line[search_from..].find(target) {
        let at = search_from + found;
        // Prefer the occurrence that is a destination: after `(` or `<` or `: `.
        let before = line[..at].chars().next_back();
        if matches!(before, Some('(' | '<' | '"' | '\'') | Some(' ')) {
            return line[..at].chars().count() + 1;
        }
        search_from = at + target.len();
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "---\ntitle: A\ndescription: Short.\nterms: [PaNET:PaNET01188, EDAM:topic_0219]\naudience:\n  - researcher\n  - Scientist\nfair: [A1.1, A1]\nurl: http://x.org\n---\nbody\n";

    #[test]
    fn keys_are_found_through_aliases() {
        let map = FrontMatterMap::new(YAML);
        assert_eq!(map.key("title"), Some(Position { line: 2, column: 1 }));
        assert_eq!(map.key("summary"), Some(Position { line: 3, column: 1 }));
        assert_eq!(map.key_name("summary"), Some("description"));
        assert_eq!(map.key("kind"), None);
        assert_eq!(map.start(), Position::FILE_START);
    }

    #[test]
    fn values_are_found_in_flow_and_block_lists() {
        let map = FrontMatterMap::new(YAML);
        assert_eq!(
            map.value("terms", "EDAM:topic_0219"),
            Some(Position {
                line: 4,
                column: 27
            })
        );
        assert_eq!(
            map.value("audience", "scientist"),
            Some(Position { line: 7, column: 5 })
        );
        // `A1` is not the `A1` inside `A1.1`.
        assert_eq!(
            map.value("fair", "A1"),
            Some(Position {
                line: 8,
                column: 14
            })
        );
        // Not found: the key.
        assert_eq!(
            map.value("fair", "R1"),
            Some(Position { line: 8, column: 1 })
        );
    }

    #[test]
    fn toml_keys() {
        let map =
            FrontMatterMap::new("+++\ntitle = \"T\"\nkind = \"gide\"\n[extra]\nkind = 1\n+++\n");
        assert_eq!(
            map.value("kind", "gide"),
            Some(Position { line: 3, column: 9 })
        );
    }

    #[test]
    fn link_destinations() {
        assert_eq!(
            link_column(Some("See [a](a.md) and [b](b.md)."), "b.md", 19),
            23
        );
        assert_eq!(link_column(Some("[x][ref]"), "http://y", 1), 1);
    }
}
