//! Checks on SPARQL text made before any parser sees it. The parser and the
//! evaluator recurse once per nested group, bracket or sub-expression, so a
//! query of a few hundred thousand `(` overflows their stack and aborts the
//! process that parses it; a bound on nesting, found by a linear scan that
//! recurses nowhere, turns that into a 400 naming the problem.

use super::SparqlError;

/// Deepest nesting of `(`, `{` and `[` accepted. Real queries stay well under
/// 20; the parser and evaluator use a few KiB of stack per level.
pub const MAX_NESTING: usize = 64;

/// Most binary operators and group joins (`UNION`, `||`, `+`, `/`, ...) one
/// query may chain. Each adds a level to the algebra tree the evaluator walks
/// recursively, nesting or not: `{} UNION {} UNION ...` builds one as deep as
/// the chain is long.
pub const MAX_OPERATORS: usize = 2_000;

/// Refuses text nested deeper than [`MAX_NESTING`] or chaining more than
/// [`MAX_OPERATORS`] operators. Brackets inside string literals, IRIs and
/// comments do not count.
pub fn check(text: &str) -> Result<(), SparqlError> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut operators = 0usize;
    let mut line = 1usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'#' => {
                i = skip_comment(bytes, i);
                continue;
            }
            b'"' | b'\'' => {
                let end = skip_string(bytes, i);
                line += count_newlines(&bytes[i..end]);
                i = end;
                continue;
            }
            b'<' => {
                if let Some(end) = iri_end(bytes, i) {
                    i = end;
                    continue;
                }
                operators += 1;
            }
            b'(' | b'{' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(SparqlError::TooComplex(format!(
                        "brackets nest more than {MAX_NESTING} deep (line {line})"
                    )));
                }
            }
            b')' | b'}' | b']' => depth = depth.saturating_sub(1),
            b'|' | b'&' | b'+' | b'*' | b'/' | b'=' | b'>' => operators += 1,
            b'-' if !bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphanumeric()) => operators += 1,
            b'u' | b'U' if keyword_at(bytes, i, b"union") => operators += 1,
            _ => {}
        }
        if operators > MAX_OPERATORS {
            return Err(SparqlError::TooComplex(format!(
                "more than {MAX_OPERATORS} operators and UNIONs (line {line})"
            )));
        }
        i += 1;
    }
    Ok(())
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The index of the newline ending a `#` comment (or the end).
fn skip_comment(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| start + n)
}

/// The index after a string literal starting at `start` (`"`, `'`, `"""` or
/// `'''`), honouring backslash escapes; the end of the text if unterminated.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let long = bytes.get(start..start + 3) == Some(&[quote, quote, quote][..]);
    let mut i = start + if long { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote && !long => return i + 1,
            b if b == quote && bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]) => {
                return i + 3;
            }
            b'\n' if !long => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index after an IRI reference `<...>` starting at `start`, or `None`
/// when the `<` is a comparison (the characters that follow cannot be an IRI).
fn iri_end(bytes: &[u8], start: usize) -> Option<usize> {
    for (n, &b) in bytes[start + 1..].iter().enumerate() {
        match b {
            b'>' => return Some(start + n + 2),
            b'<' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\' => return None,
            b if b <= b' ' => return None,
            _ => {}
        }
    }
    None
}

/// Whether the case-insensitive `keyword` stands alone at `i`.
fn keyword_at(bytes: &[u8], i: usize, keyword: &[u8]) -> bool {
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    bytes
        .get(i..i + keyword.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(keyword))
        && !bytes.get(i + keyword.len()).is_some_and(word)
        && (i == 0 || !word(&bytes[i - 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!(
            "SELECT * WHERE {{ FILTER({}1{}) }}",
            "(".repeat(depth),
            ")".repeat(depth)
        )
    }

    #[test]
    fn ordinary_queries_pass() {
        for q in [
            "SELECT ?s WHERE { ?s a <http://x/C> . FILTER(?n < 3 && ?n > 1) } LIMIT 10",
            "PREFIX ex: <http://x/> SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } }",
            "SELECT * WHERE { ?s ?p \"((((((\" } # ((((((((",
            "SELECT * WHERE { ?s <http://x/a(b)> ?o }",
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p [ ?q ?r ] }",
        ] {
            check(q).unwrap();
        }
        check(&nested(MAX_NESTING - 3)).unwrap();
    }

    #[test]
    fn deep_nesting_is_refused_with_its_line() {
        let err = check(&format!("SELECT *\nWHERE {}", nested(300_000)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nest more than 64"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        for open in ["{", "["] {
            assert!(check(&open.repeat(MAX_NESTING + 1)).is_err());
        }
    }

    #[test]
    fn brackets_hidden_in_literals_iris_and_comments_do_not_count() {
        let deep = "(".repeat(1000);
        check(&format!("SELECT * WHERE {{ ?s ?p \"{deep}\" }}")).unwrap();
        check(&format!("SELECT * WHERE {{ ?s ?p '''{deep}\n''' }}")).unwrap();
        check(&format!("SELECT * WHERE {{ ?s ?p \"a\\\"{deep}\" }}")).unwrap();
        check(&format!("SELECT * WHERE {{ ?s <http://x/{deep}> ?o }}")).unwrap();
        check(&format!("# {deep}\nSELECT * WHERE {{ ?s ?p ?o }}")).unwrap();
        // A `<` that cannot start an IRI is a comparison: what follows counts.
        assert!(check(&format!("SELECT * WHERE {{ FILTER(?a < {deep}1) }}")).is_err());
        // An IRI cannot swallow brackets across a space.
        assert!(check(&format!("SELECT * WHERE {{ FILTER(?a <{deep} 1) }}")).is_err());
    }

    #[test]
    fn long_operator_chains_are_refused() {
        let unions = vec!["{ ?s ?p ?o }"; MAX_OPERATORS + 2].join(" UNION ");
        let err = check(&format!("SELECT * WHERE {{ {unions} }}")).unwrap_err();
        assert!(err.to_string().contains("UNION"), "{err}");
        let sums = vec!["1"; MAX_OPERATORS + 2].join("+");
        assert!(check(&format!("SELECT ({sums} AS ?x) WHERE {{}}")).is_err());
        let path = vec!["<http://x/p>"; MAX_OPERATORS + 2].join("/");
        assert!(check(&format!("SELECT * WHERE {{ ?s {path} ?o }}")).is_err());
        // Words containing "union" and names with hyphens are not operators.
        let names = "?reunion ?union_x ex:a-b ".repeat(MAX_OPERATORS);
        check(&format!("SELECT {names} WHERE {{}}")).unwrap();
    }
}
