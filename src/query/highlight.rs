//! Snippets for hits: the best fragment of a section's text for a query, with
//! the words that match it.
//!
//! Fragments are chosen as tantivy's `SnippetGenerator` chooses them (windows of
//! at most `max_chars` bytes starting at a word, scored by the rarity of the
//! query terms they hold, the earliest of the best), but cheaper: a snippet
//! analyses the whole text of every section it quotes, and stemming every word
//! and looking each up in an ordered map were most of a keyword search's time.
//! A stem keeps the first two characters of its word (the English Snowball
//! stemmer only rewrites endings), so a word whose first two characters begin no
//! query term cannot match one: it is blanked instead of stemmed, and only the
//! remaining words are looked up. Blanked words keep their offsets, so fragments
//! and highlights are exactly what the plain analyser gives.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};
use tantivy::{Document, Searcher, Term};

use super::Error;
use crate::index::text::analyzer_with;

/// The best fragment of a text and the byte ranges of its matching words
/// (relative to the fragment).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Passage {
    pub(crate) text: String,
    pub(crate) highlights: Vec<Range<usize>>,
}

/// Picks and highlights the best fragment of a text for one query.
pub(crate) struct Highlighter {
    /// Query term (as the analyser writes it) → weight: rarer terms count more.
    weights: HashMap<String, f32>,
    analyzer: TextAnalyzer,
    field: Field,
    max_chars: usize,
}

impl Highlighter {
    /// The query's terms on `field`, each weighted as tantivy's generator does,
    /// and fragments of at most `max_chars` bytes.
    pub(crate) fn new(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
        max_chars: usize,
    ) -> Result<Highlighter, Error> {
        let mut terms: BTreeSet<&Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.insert(term);
            }
        });
        let mut weights: HashMap<String, f32> = HashMap::new();
        for term in terms {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            let doc_freq = searcher.doc_freq(term)?;
            if doc_freq > 0 {
                weights.insert(text.to_string(), 1.0 / (1.0 + doc_freq as f32));
            }
        }
        let prefixes = weights.keys().map(|t| prefix(t).to_string()).collect();
        let analyzer = analyzer_with(BlankNonCandidates {
            prefixes: Arc::new(prefixes),
        });
        Ok(Highlighter {
            weights,
            analyzer,
            field,
            max_chars,
        })
    }

    /// The best fragment of the document's text in the highlighter's field (its
    /// values joined by spaces), or `None` when no query term occurs in it.
    pub(crate) fn passage_from_doc<D: Document>(&self, doc: &D) -> Option<Passage> {
        let mut text = String::new();
        for (field, value) in doc.iter_fields_and_values() {
            let value = value as D::Value<'_>;
            if let Some(v) = value.as_str().filter(|_| field == self.field) {
                text.push(' ');
                text.push_str(v);
            }
        }
        self.passage(text.trim())
    }

    /// The best fragment of `text`, or `None` when no query term occurs in it.
    pub(crate) fn passage(&self, text: &str) -> Option<Passage> {
        let mut analyzer = self.analyzer.clone();
        let mut words = analyzer.token_stream(text);
        let mut best: Option<Fragment> = None;
        let mut current = Fragment::starting_at(0);
        while let Some(word) = words.next() {
            if word.offset_to - current.start > self.max_chars {
                current.offer_to(&mut best);
                current = Fragment::starting_at(word.offset_from);
            }
            current.end = word.offset_to;
            if word.text.is_empty() {
                continue;
            }
            if let Some(&weight) = self.weights.get(&word.text) {
                current.score += weight;
                current.highlights.push(word.offset_from..word.offset_to);
            }
        }
        current.offer_to(&mut best);
        let best = best?;
        let text = text.get(best.start..best.end)?.to_string();
        let highlights = best
            .highlights
            .iter()
            .map(|r| r.start - best.start..r.end - best.start)
            .collect();
        Some(Passage { text, highlights })
    }
}

/// A window of the text being scored.
struct Fragment {
    start: usize,
    end: usize,
    score: f32,
    highlights: Vec<Range<usize>>,
}

impl Fragment {
    fn starting_at(start: usize) -> Fragment {
        Fragment {
            start,
            end: start,
            score: 0.0,
            highlights: Vec::new(),
        }
    }

    /// Becomes the best if it holds a term and beats the best so far (on equal
    /// scores the earlier fragment stays).
    fn offer_to(self, best: &mut Option<Fragment>) {
        if self.score > 0.0 && best.as_ref().is_none_or(|b| self.score > b.score) {
            *best = Some(self);
        }
    }
}

/// The first two characters of a word (all of a shorter one).
fn prefix(word: &str) -> &str {
    let end = word.char_indices().nth(2).map_or(word.len(), |(i, _)| i);
    &word[..end]
}

/// Whether a folded word could stem to one of the terms whose prefixes are given.
fn could_match(word: &str, prefixes: &HashSet<String>) -> bool {
    prefixes.contains(prefix(word))
        // A one-character term matches only a one-character word; the check is
        // cheap and keeps the rule exact even if a stem were ever that short.
        || word.chars().next().is_some_and(|c| {
            let mut one = [0u8; 4];
            prefixes.contains(&*c.encode_utf8(&mut one))
        })
}

/// Empties the text of words that cannot match (their offsets stay).
#[derive(Clone)]
struct BlankNonCandidates {
    prefixes: Arc<HashSet<String>>,
}

impl TokenFilter for BlankNonCandidates {
    type Tokenizer<T: Tokenizer> = BlankingTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> BlankingTokenizer<T> {
        BlankingTokenizer {
            inner,
            prefixes: self.prefixes,
        }
    }
}

#[derive(Clone)]
struct BlankingTokenizer<T> {
    inner: T,
    prefixes: Arc<HashSet<String>>,
}

impl<T: Tokenizer> Tokenizer for BlankingTokenizer<T> {
    type TokenStream<'a> = BlankingStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        BlankingStream {
            tail: self.inner.token_stream(text),
            prefixes: &self.prefixes,
        }
    }
}

struct BlankingStream<'a, T> {
    tail: T,
    prefixes: &'a HashSet<String>,
}

impl<T: TokenStream> TokenStream for BlankingStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if !could_match(&token.text, self.prefixes) {
            token.text.clear();
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::text::{analyzer, folded_words};

    fn tokens(mut analyzer: tantivy::tokenizer::TextAnalyzer, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push(t.clone()));
        out
    }

    /// The rule the blanking rests on, checked on every word of the bundled
    /// content: stemming never changes a word's first two characters.
    #[test]
    fn stems_keep_the_first_two_characters_of_their_word() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut words = 0;
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.expect("walk content/");
            if entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("read content");
            let stemmed = tokens(analyzer(), &text);
            let folded = tokens(folded_words().build(), &text);
            assert_eq!(stemmed.len(), folded.len());
            for (stem, word) in stemmed.iter().zip(&folded) {
                assert_eq!(
                    prefix(&stem.text),
                    prefix(&word.text),
                    "{} → {}",
                    word.text,
                    stem.text
                );
                words += 1;
            }
        }
        assert!(words > 10_000, "only {words} words in content/");
    }

    #[test]
    fn only_words_that_cannot_match_are_blanked() {
        let text = "Citing datasets: cite the dataset's DOI; citation files cite well. Ceramics.";
        let prefixes: HashSet<String> = ["cite".to_string()]
            .iter()
            .map(|t| prefix(t).to_string())
            .collect();
        let plain = tokens(analyzer(), text);
        let blanked = tokens(
            analyzer_with(BlankNonCandidates {
                prefixes: Arc::new(prefixes),
            }),
            text,
        );
        assert_eq!(plain.len(), blanked.len());
        for (p, b) in plain.iter().zip(&blanked) {
            assert_eq!((p.offset_from, p.offset_to), (b.offset_from, b.offset_to));
            if p.text.starts_with("ci") {
                assert_eq!(p.text, b.text);
            } else {
                assert!(b.text.is_empty(), "{} was kept", p.text);
            }
        }
        assert!(plain.iter().any(|t| t.text == "cite"));
    }
}
