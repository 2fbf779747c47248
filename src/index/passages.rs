//! Passages: the sentences (or short sentence groups) of every section, each
//! embedded on its own, so `ask` can quote the few lines that answer a question
//! instead of a whole section. Their text is stored verbatim beside the vectors:
//! an answer is always a copy of what the article says.

use serde::{Deserialize, Serialize};

use super::Error;
use super::vectors::{EmbeddingTable, Owner};
use crate::embed::SentenceEncoder;
use crate::model::Article;

/// Sentences shorter than this join the next one ("Yes." alone answers nothing).
const MIN_SENTENCE_CHARS: usize = 40;
/// A passage needs this many words to say something.
const MIN_WORDS: usize = 4;
/// Longer sentences are kept whole for display; the encoder reads their start.
const MAX_GROUP_CHARS: usize = 600;
/// A passage whose words are mostly link text points elsewhere ("See What is
/// PaNET."): it is not an answer.
const MAX_LINK_SHARE: f32 = 0.5;

/// Passage embeddings of a generation.
pub type Passages = EmbeddingTable<PassageRow>;

/// One passage: where it is and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageRow {
    pub file_key: String,
    pub article_id: String,
    /// Section ordinal within the article.
    pub section: u32,
    /// The passage, verbatim from the section's text.
    pub text: String,
    /// Link texts inside it: words about other pages, which do not count as
    /// the passage matching a question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
}

impl PassageRow {
    /// The passage without its link texts.
    pub fn own_text(&self) -> std::borrow::Cow<'_, str> {
        if self.links.is_empty() {
            return self.text.as_str().into();
        }
        let mut text = self.text.clone();
        for link in &self.links {
            text = text.replace(link.as_str(), " ");
        }
        text.into()
    }
}

impl Owner for PassageRow {
    const FILE_STEM: &'static str = "passages";
    fn file_key(&self) -> &str {
        &self.file_key
    }
}

/// Embeds the passages of every section of `articles` into `passages`; returns
/// how many.
pub fn embed_passages(
    encoder: &SentenceEncoder,
    articles: &[Article],
    passages: &mut Passages,
) -> Result<usize, Error> {
    let mut rows = Vec::new();
    for article in articles {
        for section in &article.sections {
            for text in split_passages(&section.text) {
                let links: Vec<String> = section
                    .link_texts
                    .iter()
                    .filter(|l| text.contains(l.as_str()))
                    .cloned()
                    .collect();
                if link_share(&text, &links) >= MAX_LINK_SHARE {
                    continue;
                }
                rows.push(PassageRow {
                    file_key: article.source.key(),
                    article_id: article.id.clone(),
                    section: section.ordinal as u32,
                    text,
                    links,
                });
            }
        }
    }
    if rows.is_empty() {
        return Ok(0);
    }
    tracing::info!("embedding {} passages", rows.len());
    let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
    let vectors = encoder.encode_with_progress(&texts, &mut |_| {})?;
    let count = rows.len();
    for (row, vector) in rows.into_iter().zip(vectors) {
        passages.push(row, &vector);
    }
    Ok(count)
}

/// Splits a section's plain text into passages: each line (paragraph, list
/// item) into sentences, short sentences joined to the next, a line that ends
/// with a colon joined to what follows it. Code, table rows and fragments are
/// left out: they are not answers on their own.
pub fn split_passages(text: &str) -> Vec<String> {
    let mut passages = Vec::new();
    let mut pending = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !is_prose(line) {
            flush(&mut pending, &mut passages);
            continue;
        }
        for sentence in sentences(line) {
            append(&mut pending, sentence);
            if pending.chars().count() >= MIN_SENTENCE_CHARS && !pending.ends_with(':') {
                flush(&mut pending, &mut passages);
            }
        }
        // A paragraph ends its passage, unless it introduces what follows.
        if !pending.ends_with(':') {
            flush(&mut pending, &mut passages);
        }
    }
    flush(&mut pending, &mut passages);
    passages
}

/// The share of a passage's words that are link text.
fn link_share(text: &str, links: &[String]) -> f32 {
    let words = text.split_whitespace().count().max(1);
    let linked: usize = links.iter().map(|l| l.split_whitespace().count()).sum();
    linked.min(words) as f32 / words as f32
}

fn append(pending: &mut String, sentence: &str) {
    if !pending.is_empty() {
        pending.push(' ');
    }
    pending.push_str(sentence);
}

fn flush(pending: &mut String, passages: &mut Vec<String>) {
    let text = std::mem::take(pending);
    if text.split_whitespace().count() < MIN_WORDS {
        return;
    }
    if text.chars().count() > MAX_GROUP_CHARS * 2 {
        // A run-on line (a pasted list, a long table cell): too long to quote.
        return;
    }
    passages.push(text);
}

/// Marks of code and command lines, rare in sentences.
const CODE_MARKS: [&str; 9] = ["--", "./", "{", "}", "=", "::", "()", "</", "/>"];

/// Prose, as opposed to code, a table row or a list of links: mostly letters
/// and spaces, with some words, and no marks of code.
fn is_prose(line: &str) -> bool {
    if CODE_MARKS.iter().any(|m| line.contains(m)) {
        return false;
    }
    let total = line.chars().count();
    let letters = line
        .chars()
        .filter(|c| c.is_alphabetic() || c.is_whitespace())
        .count();
    let pipes = line.matches(" | ").count();
    total > 0 && letters * 10 >= total * 7 && pipes < 2 && line.split_whitespace().count() >= 3
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: [&str; 16] = [
    "e.g", "i.e", "etc", "vs", "cf", "al", "fig", "figs", "dr", "prof", "no", "nr", "approx",
    "incl", "resp", "eq",
];

/// The sentences of one line: a boundary is `.`, `!` or `?` (and any closing
/// quotes or brackets) before a space and a capital letter, digit or opening
/// quote, unless the word before it is an abbreviation or an initial.
fn sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if matches!(c, '.' | '!' | '?') {
            let mut end = i + 1;
            while end < chars.len() && matches!(chars[end].1, '"' | '\'' | ')' | ']' | '”' | '’')
            {
                end += 1;
            }
            let next_is_space = end < chars.len() && chars[end].1.is_whitespace();
            let after = chars[end..]
                .iter()
                .map(|(_, c)| *c)
                .find(|c| !c.is_whitespace());
            let starts_sentence = after
                .is_some_and(|a| a.is_uppercase() || a.is_ascii_digit() || "\"'“(".contains(a));
            if next_is_space
                && starts_sentence
                && !(c == '.' && before_is_abbreviation(line, chars[i].0))
            {
                let cut = chars.get(end).map_or(line.len(), |(b, _)| *b);
                out.push(line[start..cut].trim());
                start = cut;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    let rest = line[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

fn before_is_abbreviation(line: &str, dot: usize) -> bool {
    let word = line[..dot]
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or_default();
    let lower = word.to_lowercase();
    (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        || ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_real_boundaries_only() {
        let line = "Register the dataset with DataCite, e.g. through the facility. \
                    Then cite it as J. Smith et al. describe in Fig. 2 of the guide. \
                    Is that all? Yes, 3 steps in total.";
        assert_eq!(
            sentences(line),
            vec![
                "Register the dataset with DataCite, e.g. through the facility.",
                "Then cite it as J. Smith et al. describe in Fig. 2 of the guide.",
                "Is that all?",
                "Yes, 3 steps in total.",
            ]
        );
        assert_eq!(
            sentences("version 1.2.3 is out. and more"),
            vec!["version 1.2.3 is out. and more"]
        );
    }

    #[test]
    fn passages_join_short_sentences_and_skip_code_and_tables() {
        let text = "Use a DOI. It is the persistent identifier readers can resolve for decades.\n\
                    cargo run --release -- index --content ./content\n\
                    a | b | c | d\n\
                    The licence should be chosen before the data are published:\n\
                    CC-BY-4.0 for most datasets\n\
                    Short.\n";
        let passages = split_passages(text);
        assert_eq!(
            passages,
            vec![
                "Use a DOI. It is the persistent identifier readers can resolve for decades.",
                "The licence should be chosen before the data are published: CC-BY-4.0 for most datasets",
            ]
        );
    }

    #[test]
    fn link_share_counts_link_words() {
        let links = vec!["What is PaNET".to_string()];
        assert_eq!(link_share("See What is PaNET.", &links), 0.75);
        assert_eq!(link_share("No links here at all.", &[]), 0.0);
        let row = PassageRow {
            file_key: String::new(),
            article_id: String::new(),
            section: 0,
            text: "Read What is PaNET first.".into(),
            links,
        };
        assert_eq!(row.own_text(), "Read   first.");
    }

    #[test]
    fn every_passage_is_verbatim_from_its_line() {
        let text = "First point here, with enough words to stand alone. Second, shorter one.\n\
                    Another paragraph that talks about metadata standards for beamtime data.";
        for passage in split_passages(text) {
            assert!(
                text.contains(&passage),
                "`{passage}` is not a copy of the source"
            );
        }
    }
}
