//! Snippets for hits: the best fragment of a section's text for a query, with
//! the words that match it.
//!
//! Fragments are chosen as tantivy's `SnippetGenerator` chooses them (windows of
//! at most `max_chars` bytes starting at a word, scored by the rarity of the
//! query terms they hold, the earliest of the best), but cheaper: a snippet
//! analyses the whole text of every section it quotes, and running every word
//! through the analyser (copy, lower-case, fold, stop words, stem) and looking
//! it up in a map were most of a keyword search's time. A stem keeps the first
//! two characters of its word (the English Snowball stemmer only rewrites
//! endings), so a word whose first two characters begin no query term cannot
//! match one: [`Words`] reads ASCII words in place, skips stop words as the
//! analyser does, and passes only the possible matches (and words with other
//! characters) through the analyser. Fragments and highlights are exactly what
//! the plain analyser gives. The words of a text, with how each begins, are read
//! once into a [`WordTable`] that every later query quoting the text scans
//! instead of its characters.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::LazyLock;

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use super::Error;
use crate::index::text::{ENGLISH_STOP_WORDS, MAX_WORD_BYTES, analyzer};

/// Most words whose stems one query remembers.
const MAX_CACHED_STEMS: usize = 4096;

/// A fragment of a hit's text and the byte ranges of the words in it that
/// match the query: data, for each face to render (HTML `<mark>`, terminal
/// styles) as it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges into `text`, in order, not overlapping, each on character
    /// boundaries.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// Text with nothing highlighted (a summary, the start of a section).
    pub fn plain(text: impl Into<String>) -> Snippet {
        Snippet {
            text: text.into(),
            highlights: Vec::new(),
        }
    }

    /// The text cut into runs, each with whether it is highlighted; ranges that
    /// are out of order, overlapping or not on character boundaries are
    /// merged or skipped, so that a renderer never panics on a hand-made value.
    pub fn runs(&self) -> impl Iterator<Item = (&str, bool)> {
        let mut runs = Vec::with_capacity(2 * self.highlights.len() + 1);
        let mut written = 0;
        for range in &self.highlights {
            let start = range.start.max(written);
            let (Some(before), Some(marked)) = (
                self.text.get(written..start),
                self.text.get(start..range.end.max(start)),
            ) else {
                continue;
            };
            if !before.is_empty() {
                runs.push((before, false));
            }
            if !marked.is_empty() {
                runs.push((marked, true));
            }
            written = range.end.max(start);
        }
        if let Some(rest) = self.text.get(written..).filter(|r| !r.is_empty()) {
            runs.push((rest, false));
        }
        runs.into_iter()
    }
}

/// Picks and highlights the best fragment of a text for one query.
pub(crate) struct Highlighter {
    /// Query term (as the analyser writes it) → weight: rarer terms count more.
    weights: HashMap<String, f32>,
    /// How the query terms begin.
    heads: Heads,
    /// Words already analysed for this query → their stems (`None`: a stop
    /// word). The same few candidate words recur in every section quoted.
    stems: RefCell<HashMap<String, Option<String>>>,
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
        // Fx: the keys are short words, hashed once per candidate word quoted.
        let mut weights: HashMap<String, f32> = HashMap::default();
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
        let heads = Heads::of(weights.keys().map(String::as_str));
        Ok(Highlighter {
            weights,
            heads,
            stems: RefCell::default(),
            max_chars,
        })
    }

    /// The best fragment of `text`, or `None` when no query term occurs in it.
    #[cfg(test)]
    pub(crate) fn passage(&self, text: &str) -> Option<Snippet> {
        self.passage_in(text, &WordTable::of(text))
    }

    /// The best fragment of `text`, whose words `table` holds, or `None` when
    /// no query term occurs in it.
    pub(crate) fn passage_in(&self, text: &str, table: &WordTable) -> Option<Snippet> {
        let mut best: Option<Fragment> = None;
        let mut current = Fragment::starting_at(0);
        let mut stems = self.stems.borrow_mut();
        let mut words = Words::new(text, table, &self.heads, &mut stems);
        while let Some((range, stem)) = words.next_word() {
            if range.end - current.start > self.max_chars {
                current.offer_to(&mut best);
                current = Fragment::starting_at(range.start);
            }
            current.end = range.end;
            if let Some(&weight) = stem.and_then(|s| self.weights.get(s)) {
                current.score += weight;
                current.highlights.push(range);
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
        Some(Snippet { text, highlights })
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

/// The words of a text as the English analyser sees them (the same words at
/// the same offsets; over-long words and ASCII stop words, which the analyser
/// drops whatever the query, left out), each with how it begins. Read once per
/// text; scanning it for a query only asks whether each word's beginning could
/// be a query term's.
#[derive(Debug, Default)]
pub(crate) struct WordTable {
    words: Vec<WordSpan>,
}

#[derive(Debug, Clone, Copy)]
struct WordSpan {
    start: u32,
    end: u32,
    head: Head,
}

/// How a word begins, lower-cased: one or two ASCII characters, or other
/// characters (which only the analyser can judge).
#[derive(Debug, Clone, Copy)]
enum Head {
    One(u8),
    Two(u8, u8),
    Other,
}

impl WordTable {
    pub(crate) fn of(text: &str) -> WordTable {
        let mut words = Vec::new();
        let mut at = 0;
        while let Some(range) = next_run(text, &mut at) {
            let word = text.as_bytes().get(range.clone()).unwrap_or_default();
            // The analyser drops words of 40 bytes or more before anything else.
            if word.len() >= MAX_WORD_BYTES {
                continue;
            }
            let head = match word {
                _ if !word.is_ascii() => Head::Other,
                _ if is_stop_word(word) => continue,
                [a] => Head::One(a.to_ascii_lowercase()),
                [a, b, ..] => Head::Two(a.to_ascii_lowercase(), b.to_ascii_lowercase()),
                [] => continue,
            };
            // Offsets past 4 GiB cannot be held; no section is near that.
            let (Ok(start), Ok(end)) = (u32::try_from(range.start), u32::try_from(range.end))
            else {
                break;
            };
            words.push(WordSpan { start, end, head });
        }
        words.shrink_to_fit();
        WordTable { words }
    }

    /// Heap bytes the table holds.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * std::mem::size_of::<WordSpan>()
    }
}

/// The next run of alphanumeric characters from `*at` (the analyser's
/// tokenizer splits on every other character), moving `*at` past it.
fn next_run(text: &str, at: &mut usize) -> Option<Range<usize>> {
    let start = *at + text.get(*at..)?.find(char::is_alphanumeric)?;
    let bytes = text.as_bytes();
    let mut end = start;
    // ASCII a byte at a time; a character beyond it decoded and asked.
    while let Some(&b) = bytes.get(end) {
        if b.is_ascii() {
            if !b.is_ascii_alphanumeric() {
                break;
            }
            end += 1;
        } else {
            match text.get(end..).and_then(|rest| rest.chars().next()) {
                Some(c) if c.is_alphanumeric() => end += c.len_utf8(),
                _ => break,
            }
        }
    }
    *at = end;
    Some(start..end)
}

/// A text's words for one query: each with its stem when it could match a
/// query term and `None` when it cannot.
struct Words<'t> {
    text: &'t str,
    words: std::slice::Iter<'t, WordSpan>,
    /// How the query terms begin.
    heads: &'t Heads,
    /// For words that are not plain ASCII, and for possible matches.
    analyzer: Option<TextAnalyzer>,
    /// What the analyser made of the words seen so far.
    stems: &'t mut HashMap<String, Option<String>>,
    stem: String,
}

impl<'t> Words<'t> {
    fn new(
        text: &'t str,
        table: &'t WordTable,
        heads: &'t Heads,
        stems: &'t mut HashMap<String, Option<String>>,
    ) -> Words<'t> {
        Words {
            text,
            words: table.words.iter(),
            heads,
            analyzer: None,
            stems,
            stem: String::new(),
        }
    }

    /// The next word's byte range and, when it could match, its stem.
    fn next_word(&mut self) -> Option<(Range<usize>, Option<&str>)> {
        loop {
            let span = self.words.next()?;
            let range = span.start as usize..span.end as usize;
            let could = match span.head {
                Head::One(first) => self.heads.could_match(first, None),
                Head::Two(first, second) => self.heads.could_match(first, Some(second)),
                Head::Other => true, // other characters: the analyser decides
            };
            if !could {
                return Some((range, None));
            }
            if self.analyse(range.clone()) {
                return Some((range, Some(&self.stem)));
            }
        }
    }

    /// Runs one word through the analyser (once per query): its stem, or
    /// `false` when the analyser drops it (a stop word once folded).
    fn analyse(&mut self, range: Range<usize>) -> bool {
        let Some(word) = self.text.get(range) else {
            return false;
        };
        let stem = match self.stems.get(word) {
            Some(stem) => stem.as_deref(),
            None => {
                let analyzer = self.analyzer.get_or_insert_with(analyzer);
                let stem = analyzer.token_stream(word).next().map(|t| t.text.clone());
                // Bounded: a long text of distinct candidates is analysed
                // word by word past this point.
                if self.stems.len() < MAX_CACHED_STEMS {
                    self.stems.insert(word.to_string(), stem);
                    self.stems.get(word).and_then(Option::as_deref)
                } else {
                    self.stem = stem.unwrap_or_default();
                    return !self.stem.is_empty();
                }
            }
        };
        match stem {
            Some(stem) => {
                self.stem.clear();
                self.stem.push_str(stem);
                true
            }
            None => false,
        }
    }
}

/// How the query terms begin: their first two characters when ASCII (stems
/// keep those), and the one-character terms, as bit sets, because every word
/// of every section quoted asks.
#[derive(Debug)]
struct Heads {
    /// Bit `first * 128 + second` for each pair of ASCII characters.
    pairs: Box<[u64; 256]>,
    /// Bit `first` for each one-character term.
    singles: u128,
}

impl Heads {
    fn of<'a>(terms: impl Iterator<Item = &'a str>) -> Heads {
        let mut heads = Heads {
            pairs: Box::new([0; 256]),
            singles: 0,
        };
        for term in terms {
            match term.as_bytes() {
                [a] if a.is_ascii() => heads.singles |= 1 << a.to_ascii_lowercase(),
                [a, b, ..] if a.is_ascii() && b.is_ascii() => {
                    let bit = pair_bit(*a, *b);
                    if let Some(word) = heads.pairs.get_mut(bit / 64) {
                        *word |= 1 << (bit % 64);
                    }
                }
                // A term in other characters matches only words in other
                // characters, and those are always analysed.
                _ => {}
            }
        }
        heads
    }

    /// Whether an ASCII word starting with `first` (and `second`, if it has two
    /// characters) could stem to a query term.
    fn could_match(&self, first: u8, second: Option<u8>) -> bool {
        let single = first.is_ascii() && self.singles & (1 << first.to_ascii_lowercase()) != 0;
        match second {
            // A one-character term matches only a one-character word; the check
            // is cheap and keeps the rule exact even if a stem were that short.
            Some(second) if first.is_ascii() && second.is_ascii() => {
                let bit = pair_bit(first, second);
                single
                    || self
                        .pairs
                        .get(bit / 64)
                        .is_some_and(|word| word & (1 << (bit % 64)) != 0)
            }
            Some(_) => false,
            None => single,
        }
    }
}

/// The bit of a pair of ASCII characters, in any case.
fn pair_bit(first: u8, second: u8) -> usize {
    usize::from(first.to_ascii_lowercase() & 0x7f) * 128
        + usize::from(second.to_ascii_lowercase() & 0x7f)
}

/// Whether an ASCII word is one of the analyser's stop words, in any case.
fn is_stop_word(word: &[u8]) -> bool {
    static STOP_WORDS: LazyLock<Vec<u64>> = LazyLock::new(|| {
        ENGLISH_STOP_WORDS
            .iter()
            .filter_map(|w| packed(str::as_bytes(w)))
            .collect()
    });
    packed(word).is_some_and(|w| STOP_WORDS.contains(&w))
}

/// A word of at most seven ASCII bytes, lower-cased, as one number (its
/// length in the top byte), so that comparing words is comparing numbers.
fn packed(word: &[u8]) -> Option<u64> {
    if word.len() > 7 {
        return None;
    }
    let mut n = (word.len() as u64) << 56;
    for (i, b) in word.iter().enumerate() {
        n |= u64::from(b.to_ascii_lowercase()) << (8 * i);
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::text::folded_words;
    use tantivy::tokenizer::Token;

    /// The first two characters of a word (all of a shorter one).
    fn prefix(word: &str) -> &str {
        let end = word.char_indices().nth(2).map_or(word.len(), |(i, _)| i);
        &word[..end]
    }

    fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push(t.clone()));
        out
    }

    /// The text of every Markdown file under content/, with words in other
    /// scripts and accents that fold, so the slow path is taken too.
    fn bundled_text() -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut text =
            String::from("Ångström Éclair naïve Straße ÉTUDE Über THE The Données 北京 ");
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.expect("walk content/");
            if entry.path().extension().is_some_and(|e| e == "md") {
                text.push_str(&std::fs::read_to_string(entry.path()).expect("read content"));
                text.push('\n');
            }
        }
        text
    }

    /// The rule the scanner rests on, checked on every word of the bundled
    /// content: stemming never changes a word's first two characters.
    #[test]
    fn stems_keep_the_first_two_characters_of_their_word() {
        let text = bundled_text();
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
        }
        assert!(stemmed.len() > 10_000, "only {} words", stemmed.len());
    }

    /// The scanner yields the analyser's words at the analyser's offsets, with
    /// the analyser's stem for every word that could match, for queries whose
    /// terms start in many ways (one letter, folded accents, digits).
    #[test]
    fn words_are_the_analysers_with_stems_where_they_could_match() {
        let text = bundled_text();
        let plain = tokens(analyzer(), &text);
        for query in [
            &["cite", "dataset"][..],
            &["a", "doi"],
            &["etud", "2"],
            &["uber", "angstrom"],
        ] {
            let heads = Heads::of(query.iter().copied());
            let mut stems = HashMap::default();
            let table = WordTable::of(&text);
            let mut words = Words::new(&text, &table, &heads, &mut stems);
            let mut scanned = Vec::new();
            while let Some((range, stem)) = words.next_word() {
                scanned.push((range, stem.map(str::to_string)));
            }
            assert_eq!(scanned.len(), plain.len(), "{query:?}");
            let mut matched = 0;
            for ((range, stem), token) in scanned.iter().zip(&plain) {
                assert_eq!(
                    (range.start, range.end),
                    (token.offset_from, token.offset_to)
                );
                let could = query.iter().any(|t| {
                    prefix(t) == prefix(&token.text) || t.len() == 1 && token.text.starts_with(t)
                });
                if could {
                    assert_eq!(
                        stem.as_deref(),
                        Some(token.text.as_str()),
                        "{}",
                        &text[range.clone()]
                    );
                    matched += query.contains(&token.text.as_str()) as usize;
                } else if let Some(stem) = stem {
                    // Words with other characters are always analysed.
                    assert!(!text[range.clone()].is_ascii(), "{stem} was analysed");
                }
            }
            assert!(matched > 0, "no word of {query:?} found");
        }
    }

    #[test]
    fn a_passage_is_the_best_window_with_its_matches_highlighted() {
        let highlighter = Highlighter {
            weights: HashMap::from_iter([("cite".to_string(), 0.5)]),
            heads: Heads::of(["cite"].into_iter()),
            stems: RefCell::default(),
            max_chars: 40,
        };
        let text = "The archive keeps files for ten years. Cite the dataset; citing it is how credit flows.";
        let passage = highlighter.passage(text).expect("a passage");
        assert_eq!(passage.text, "Cite the dataset; citing it is how");
        let marked: Vec<&str> = passage
            .highlights
            .iter()
            .map(|r| &passage.text[r.clone()])
            .collect();
        assert_eq!(marked, ["Cite", "citing"]);
        assert_eq!(highlighter.passage("Nothing to see here."), None);
    }
}
