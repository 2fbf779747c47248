//! Ids and titles unique across the whole corpus. A shared id is an error: the
//! index keeps the first article and the other one loses its address. A shared
//! title is a warning: both articles stay reachable, but readers cannot tell
//! them apart in a list of results.

use std::collections::HashMap;

use super::corpus::Corpus;
use super::location::Position;
use super::{Finding, Rule};
use crate::ingest::Severity;

/// Findings on every article (after the first) that repeats an id or a title.
pub fn check(corpus: &Corpus) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut ids: HashMap<&str, &str> = HashMap::new();
    let mut titles: HashMap<String, &str> = HashMap::new();
    for doc in &corpus.docs {
        let article = &doc.parsed.article;
        if let Some(first) = ids.get(article.id.as_str()) {
            if doc.reported {
                let at = doc
                    .front
                    .value("id", &article.id)
                    .unwrap_or(Position::FILE_START);
                out.push(Finding::new(
                    Rule::DuplicateId,
                    Severity::Error,
                    &doc.display,
                    at,
                    format!(
                        "duplicate id `{}`: already used by {first}; set a unique `id`",
                        article.id
                    ),
                ));
            }
        } else {
            ids.insert(&article.id, &doc.display);
        }
        let title = normalise_title(&article.title);
        if title.is_empty() {
            continue;
        }
        if let Some(first) = titles.get(&title) {
            if doc.reported {
                let at = doc.front.key("title").unwrap_or(Position::FILE_START);
                out.push(Finding::new(
                    Rule::DuplicateTitle,
                    Severity::Warning,
                    &doc.display,
                    at,
                    format!(
                        "title `{}` is also the title of {first}; make one of them more specific",
                        article.title
                    ),
                ));
            }
        } else {
            titles.insert(title, &doc.display);
        }
    }
    out
}

/// Titles compare ignoring case, punctuation and spacing.
fn normalise_title(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_compare_loosely() {
        assert_eq!(
            normalise_title("Data  management: a plan!"),
            normalise_title("data management a plan")
        );
    }
}
