//! A bound on XML entity expansion ("billion laughs") for RDF/XML files.
//!
//! The RDF/XML parser (oxrdfxml, over quick-xml) reads `<!ENTITY name "value">`
//! declarations from the DOCTYPE and expands each value at once, with the
//! entities declared before it; it then copies an entity's whole value wherever
//! `&name;` appears: in text and attribute values, and on every element or
//! attribute name of a namespace whose `xmlns` value uses it. Ten declarations
//! that each repeat the previous one ten times ask for gigabytes.
//!
//! [`check`] adds up, before parsing and in one pass over the file, how many
//! bytes that expansion would produce, and refuses the file above
//! [`MAX_EXPANSION_BYTES`]. It reads declarations exactly as the parser does,
//! but wherever they appear (a superset of the DOCTYPE), and counts every
//! reference it finds, also in comments: it may overestimate, never
//! underestimate. External entities (`SYSTEM`, `PUBLIC`) are not expanded by the
//! parser at all: it refuses them as syntax errors.

use std::collections::HashMap;

/// At most this many bytes of entity expansion per file. Real ontologies
/// abbreviate namespace IRIs (`<!ENTITY obo "http://purl.obolibrary.org/obo/">`),
/// which adds a few times the file's own size at most.
pub const MAX_EXPANSION_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file's entities are refused; `offset` is the byte where the limit was
/// crossed (a declaration or a reference).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpansionError {
    #[error(
        "entity `{name}` expands to {size} bytes or more, over the limit of {MAX_EXPANSION_BYTES} bytes of entity expansion per file (nested entities: \"billion laughs\")"
    )]
    Declaration {
        name: String,
        size: u64,
        offset: usize,
    },
    #[error(
        "references to entity `{name}` expand to more than {MAX_EXPANSION_BYTES} bytes in all, the limit of entity expansion per file"
    )]
    References { name: String, offset: usize },
}

impl ExpansionError {
    pub fn offset(&self) -> usize {
        match self {
            ExpansionError::Declaration { offset, .. }
            | ExpansionError::References { offset, .. } => *offset,
        }
    }
}

/// Refuses a document whose entities would expand beyond [`MAX_EXPANSION_BYTES`].
pub fn check(bytes: &[u8]) -> Result<(), ExpansionError> {
    check_with_limit(bytes, MAX_EXPANSION_BYTES)
}

fn check_with_limit(bytes: &[u8], limit: u64) -> Result<(), ExpansionError> {
    // Without a declaration there is nothing to expand: the common case costs
    // one substring search.
    if !contains(bytes, b"<!ENTITY") {
        return Ok(());
    }
    let text = String::from_utf8_lossy(bytes);
    let mut budget = Budget { spent: 0, limit };
    let entities = declarations(&text, &mut budget)?;
    references(&text, &entities, &mut budget)?;
    namespace_references(&text, &entities, &mut budget)
}

/// Bytes of expansion counted so far, against the limit.
struct Budget {
    spent: u64,
    limit: u64,
}

impl Budget {
    fn spend(&mut self, bytes: u64) -> bool {
        self.spent = self.spent.saturating_add(bytes);
        self.spent <= self.limit
    }
}

/// Expanded sizes of the declared entities, by name, read as oxrdfxml reads
/// them: the text after each `<` that starts with `!ENTITY`, an optional `%`,
/// the name up to ASCII white space, and a double-quoted value (single quotes
/// are counted too, to be safe). The parser stores every expanded value, so
/// each one is spent from the budget.
fn declarations(text: &str, budget: &mut Budget) -> Result<HashMap<String, u64>, ExpansionError> {
    let mut sizes: HashMap<String, u64> = HashMap::new();
    let mut offset = 0;
    for piece in text.split('<') {
        let start = offset;
        offset += piece.len() + 1;
        let Some((name, value)) = piece.strip_prefix("!ENTITY").and_then(declaration) else {
            continue;
        };
        let size = expanded_size(value, &sizes);
        if !budget.spend(size) {
            return Err(ExpansionError::Declaration {
                name: name.to_string(),
                size,
                offset: start.saturating_sub(1),
            });
        }
        sizes.insert(name.to_string(), size);
    }
    Ok(sizes)
}

/// Name and raw value of one declaration (after `<!ENTITY`).
fn declaration(input: &str) -> Option<(&str, &str)> {
    let input = input.trim_start();
    let input = input.strip_prefix('%').unwrap_or(input);
    let (name, rest) = input
        .trim_start()
        .split_once(|c: char| c.is_ascii_whitespace())?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let (value, _) = rest[1..].split_once(quote)?;
    Some((name, value))
}

/// The length of `value` once its references are replaced, as quick-xml's
/// unescaping does it (one level: the entities' own values are expanded already).
fn expanded_size(value: &str, sizes: &HashMap<String, u64>) -> u64 {
    let mut size = value.len() as u64;
    for (name, span) in entity_refs(value) {
        size = size
            .saturating_sub(span as u64)
            .saturating_add(sizes.get(name).copied().unwrap_or(4));
    }
    size
}

/// `&name;` references in `text`: the name and the reference's length in bytes.
/// A `&` followed by another `&` before any `;` is not one (the parser rejects it).
fn entity_refs(text: &str) -> impl Iterator<Item = (&str, usize)> {
    entity_refs_at(text).map(|(_, name, span)| (name, span))
}

/// As [`entity_refs`], with the byte offset of each `&`.
fn entity_refs_at(text: &str) -> impl Iterator<Item = (usize, &str, usize)> {
    text.match_indices('&').filter_map(move |(at, _)| {
        let rest = &text[at + 1..];
        let end = rest.find([';', '&'])?;
        rest[end..]
            .starts_with(';')
            .then(|| (at, &rest[..end], end + 2))
    })
}

/// Every reference to a declared entity copies its value once.
fn references(
    text: &str,
    entities: &HashMap<String, u64>,
    budget: &mut Budget,
) -> Result<(), ExpansionError> {
    for (offset, name, _) in entity_refs_at(text) {
        let size = entities.get(name).copied().unwrap_or(0);
        if !budget.spend(size) {
            return Err(ExpansionError::References {
                name: name.to_string(),
                offset,
            });
        }
    }
    Ok(())
}

/// A namespace declared with entities (`xmlns:x="&big;"`) is expanded again for
/// every name resolved in it: at most once per `x:` in the file (once per `<`
/// for the default namespace).
fn namespace_references(
    text: &str,
    entities: &HashMap<String, u64>,
    budget: &mut Budget,
) -> Result<(), ExpansionError> {
    let mut uses: Option<HashMap<&str, u64>> = None;
    let mut offset = 0;
    while let Some(found) = text[offset..].find("xmlns") {
        let at = offset + found;
        offset = at + "xmlns".len();
        let Some((prefix, value)) = namespace_declaration(&text[offset..]) else {
            continue;
        };
        let mut size = 0u64;
        let mut first = None;
        for (name, _) in entity_refs(value) {
            if let Some(s) = entities.get(name) {
                size = size.saturating_add(*s);
                first.get_or_insert(name);
            }
        }
        let Some(name) = first else { continue };
        let uses = uses.get_or_insert_with(|| prefix_uses(text));
        let count = uses.get(prefix).copied().unwrap_or(0);
        if !budget.spend(size.saturating_mul(count)) {
            return Err(ExpansionError::References {
                name: name.to_string(),
                offset: at,
            });
        }
    }
    Ok(())
}

/// How often each prefix appears before a `:` (an upper bound on the names
/// resolved in its namespace), and under `""` the number of `<` (names without
/// a prefix). One pass: each `:` looks back only to the previous delimiter.
fn prefix_uses(text: &str) -> HashMap<&str, u64> {
    let bytes = text.as_bytes();
    let delimiter = |b: u8| b.is_ascii_whitespace() || b"<>/=\"'&;:".contains(&b);
    let mut uses: HashMap<&str, u64> = HashMap::new();
    let mut name_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b':' {
            *uses.entry(&text[name_start..i]).or_default() += 1;
        }
        if b == b'<' {
            *uses.entry("").or_default() += 1;
        }
        if delimiter(b) {
            name_start = i + 1;
        }
    }
    uses
}

/// The prefix (empty for the default namespace) and value of a namespace
/// declaration, given the text after `xmlns`.
fn namespace_declaration(input: &str) -> Option<(&str, &str)> {
    let (prefix, rest) = match input.strip_prefix(':') {
        Some(rest) => {
            let end = rest.find(|c: char| c == '=' || c.is_ascii_whitespace())?;
            (&rest[..end], &rest[end..])
        }
        None => ("", input),
    };
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let (value, _) = rest[1..].split_once(quote)?;
    Some((prefix, value))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `depth` nested entities, each ten copies of the one before.
    fn laughs(depth: usize) -> String {
        let mut doc =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY lol0 \"lol\">\n");
        for i in 1..=depth {
            let value = format!("&lol{};", i - 1).repeat(10);
            doc.push_str(&format!("<!ENTITY lol{i} \"{value}\">\n"));
        }
        doc.push_str(&format!(
            "]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:rdfs=\"http://www.w3.org/2000/01/rdf-schema#\">\n<rdf:Description rdf:about=\"http://ex.org/a\"><rdfs:label>&lol{depth};</rdfs:label></rdf:Description>\n</rdf:RDF>\n"
        ));
        doc
    }

    #[test]
    fn nested_entities_are_refused_at_their_declaration() {
        let doc = laughs(9);
        let err = check(doc.as_bytes()).unwrap_err();
        let ExpansionError::Declaration { name, size, offset } = &err else {
            panic!("{err}");
        };
        // lol7 is 30,000,000 bytes; lol8 (300,000,000) crosses 64 MiB.
        assert_eq!(name, "lol8");
        assert_eq!(*size, 300_000_000);
        assert!(doc[*offset..].starts_with("<!ENTITY lol8 "), "{err}");
    }

    #[test]
    fn small_entities_pass() {
        assert_eq!(check(laughs(3).as_bytes()), Ok(()));
        assert_eq!(check(b"<rdf:RDF/>"), Ok(()));
    }

    #[test]
    fn many_references_to_a_fair_sized_entity_are_refused() {
        let mut doc = laughs(5); // lol5: 300,000 bytes
        doc.push_str(&"<x>&lol5;</x>".repeat(200));
        assert!(check(doc.as_bytes()).is_ok());
        let err = check_with_limit(doc.as_bytes(), 10_000_000).unwrap_err();
        assert!(
            matches!(&err, ExpansionError::References { name, .. } if name == "lol5"),
            "{err}"
        );
    }

    #[test]
    fn namespaces_made_of_entities_count_once_per_name() {
        let doc = "<!DOCTYPE x [<!ENTITY big \"0123456789\">]>\n<r xmlns:b=\"&big;\"><b:x/><b:y b:z=\"1\"/></r>";
        // 10 (declaration) + 10 (reference) + 10 x 3 (`b:x`, `b:y`, `b:z`).
        assert!(check_with_limit(doc.as_bytes(), 50).is_ok());
        assert!(check_with_limit(doc.as_bytes(), 49).is_err());
        let uses = prefix_uses("<a:b c:d=\"e:f\"/><é:x>");
        assert_eq!(uses.get("a"), Some(&1));
        assert_eq!(uses.get("e"), Some(&1));
        assert_eq!(uses.get("é"), Some(&1));
        assert_eq!(uses.get(""), Some(&2));
    }

    #[test]
    fn declarations_are_read_as_the_parser_reads_them() {
        assert_eq!(
            declaration(" obo \"http://x/\" >"),
            Some(("obo", "http://x/"))
        );
        assert_eq!(declaration(" % p 'v'>"), Some(("p", "v")));
        assert_eq!(declaration("x \"v\">"), Some(("x", "v")));
        assert_eq!(declaration(" ext SYSTEM \"file:///etc/passwd\">"), None);
        let refs: Vec<_> = entity_refs("a&b;c&&d;&e").collect();
        assert_eq!(refs, [("b", 3), ("d", 3)]);
    }
}
