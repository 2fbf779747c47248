//! Recognising ontology terms in a query: runs of the query's words that equal a
//! term's label or synonym (or its CURIE or local name), compared as name keys (case, accents, hyphens and other
//! punctuation ignored: "small-angle X-ray scattering" = "small angle x ray
//! scattering"), looked up exactly in the term index. Longer runs win; matches do
//! not overlap. Search uses the result to boost and explain; the "ask" answer lists
//! it. Reads the term index only; never ranks anything itself.
//!
//! Noise is kept out on three levels: runs never start or end with a stop word
//! ("of", "the", "how", ...) or consist of one letter; a term with more than
//! [`MAX_DESCENDANTS`] narrower terms is a category (EDAM's Data, Topic, Format;
//! PaNET's root), not something a query names; and a single word is recognised only
//! when its term is used by the articles (directly or through a narrower term),
//! since single words ("name", "report", "place") are names of something in one of
//! the large ontologies for most questions.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tantivy::columnar::Column;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED, Term};

use super::search::stored_term;
use crate::index::terms::{
    DESCENDANTS, TermFields, local_name, name_analyzer, name_key, names, normalise_name,
};
use crate::model::OntologyTerm;
use crate::query::{Error, KnowledgeBase};

/// Longest run of words tried as a name (PaNET's longest labels have 7 words).
pub const MAX_WORDS: usize = 10;
/// Terms with more narrower terms than this are too broad to recognise.
pub const MAX_DESCENDANTS: u64 = 100;
/// Words of a query considered at most; longer text is a paste, not a query.
const MAX_QUERY_WORDS: usize = 64;

/// Words that never start or end a recognised name: English function words and
/// question words (sorted, for binary search).
const STOP_WORDS: [&str; 58] = [
    "a", "about", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "did", "do",
    "does", "for", "from", "get", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its",
    "me", "my", "no", "not", "of", "on", "or", "our", "should", "so", "such", "that", "the",
    "their", "then", "there", "these", "they", "this", "to", "was", "we", "what", "when", "where",
    "which", "who", "why", "with", "would",
];

/// A term the query names.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecognisedTerm {
    pub iri: String,
    pub curie: Option<String>,
    /// The term's preferred label (its CURIE or local name when it has none).
    pub label: String,
    /// The query's words that name it, as typed.
    pub matched: String,
    /// The label or synonym those words equal, as the ontology writes it.
    pub name: String,
    /// `label`, the synonym's property (`skos:altLabel`, ...), or `iri` (the
    /// words are the term's CURIE or local name, e.g. `PaNET01188`).
    pub field: String,
    /// Graph IRI of the defining ontology.
    pub ontology: String,
    pub deprecated: bool,
    /// Articles annotated with the term or a descendant.
    pub articles: usize,
}

/// One word of a query, as the name analyser sees it.
#[derive(Debug, Clone, PartialEq)]
struct Word {
    key: String,
    /// Byte range in the query.
    start: usize,
    end: usize,
    /// May be inside a name but neither start nor end one.
    stop: bool,
    /// Query syntax (`-excluded`, a word after NOT, a `field:` prefix): never part of a name.
    barrier: bool,
}

/// A run of words that could be a name: words `first..last` (exclusive).
#[derive(Debug, Clone, PartialEq)]
struct Span {
    first: usize,
    last: usize,
    key: String,
}

/// The terms `text` names, in query order, one per run of words, each at most once.
pub fn recognise_terms(kb: &KnowledgeBase, text: &str) -> Result<Vec<RecognisedTerm>, Error> {
    let Some(terms) = &kb.terms else {
        return Ok(Vec::new());
    };
    let words = query_words(text);
    let spans = candidate_spans(&words);
    if spans.is_empty() {
        return Ok(Vec::new());
    }
    let f = terms.index.fields;
    let searcher = terms.reader.searcher();
    let usage = kb.term_usage();
    let broad = &terms.breadth;

    // Per span, its best term. Categories, and for single words the terms no
    // article uses, are ruled out from the index before any stored term is read.
    let mut read: HashMap<DocAddress, OntologyTerm> = HashMap::new();
    let mut best: Vec<(&Span, Candidate)> = Vec::new();
    for span in &spans {
        let single_word = span.last - span.first == 1;
        let mut candidates: Vec<Candidate> = Vec::new();
        for address in postings(&searcher, &lookup_terms(&f, span, text, &words))? {
            let articles = usage.articles_of_term_doc(address);
            if broad.exceeds(address, MAX_DESCENDANTS) || (single_word && articles == 0) {
                continue;
            }
            let term = match read.entry(address) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(stored_term(&searcher.doc(address)?, &f)?),
            };
            candidates.extend(
                keyed_names(term)
                    .into_iter()
                    .filter(|(key, _, _)| *key == span.key)
                    .map(|(_, name, field)| Candidate {
                        term: term.clone(),
                        name,
                        field,
                        articles,
                    }),
            );
        }
        if let Some(c) = candidates
            .into_iter()
            .min_by(|a, b| a.rank().cmp(&b.rank()))
        {
            best.push((span, c));
        }
    }

    // The longest spans that do not overlap.
    best.sort_by_key(|(span, _)| (std::cmp::Reverse(span.last - span.first), span.first));
    let mut taken = vec![false; words.len()];
    let mut chosen: Vec<(&Span, Candidate)> = Vec::new();
    for (span, candidate) in best {
        if taken[span.first..span.last].iter().any(|t| *t) {
            continue;
        }
        taken[span.first..span.last].fill(true);
        chosen.push((span, candidate));
    }
    chosen.sort_by_key(|(span, _)| span.first);

    let mut seen = HashSet::new();
    Ok(chosen
        .into_iter()
        .filter(|(_, c)| seen.insert(c.term.iri.clone()))
        .map(|(span, c)| RecognisedTerm {
            label: c
                .term
                .label
                .clone()
                .or_else(|| c.term.curie.clone())
                .unwrap_or_else(|| local_name(&c.term.iri).to_string()),
            matched: text[words[span.first].start..words[span.last - 1].end].to_string(),
            iri: c.term.iri,
            curie: c.term.curie,
            name: c.name,
            field: c.field,
            ontology: c.term.ontology,
            deprecated: c.term.deprecated,
            articles: c.articles,
        })
        .collect())
}

/// A term whose name equals a span.
#[derive(Debug, Clone)]
struct Candidate {
    term: OntologyTerm,
    name: String,
    field: String,
    articles: usize,
}

impl Candidate {
    /// Lower is better: used by the articles, live, named by its label (then by an
    /// exact synonym, a broader, narrower or related one, its CURIE or local name),
    /// used by more articles; the IRI settles ties so the answer never flickers.
    fn rank(&self) -> (bool, bool, u8, std::cmp::Reverse<usize>, &str) {
        let name = match self.field.as_str() {
            "label" => 0,
            "skos:altLabel" | "oboInOwl:hasExactSynonym" | "obo:IAO_0000118" => 1,
            "iri" => 3,
            _ => 2,
        };
        (
            self.articles == 0,
            self.term.deprecated,
            name,
            std::cmp::Reverse(self.articles),
            self.term.iri.as_str(),
        )
    }
}

/// Each name of a term (labels, synonyms, CURIE, local name) with its key.
fn keyed_names(term: &OntologyTerm) -> Vec<(String, String, String)> {
    names(term)
        .into_iter()
        .map(|(name, field)| (name_key(&name), name, field))
        .collect()
}

/// The index terms a span is looked up as: its name key, or in a term index older
/// than name keys, its words as typed (lower case) among exact labels and synonyms.
fn lookup_terms(f: &TermFields, span: &Span, text: &str, words: &[Word]) -> Vec<Term> {
    match f.name_key {
        Some(field) => vec![Term::from_field_text(field, &span.key)],
        None => {
            let typed = normalise_name(&text[words[span.first].start..words[span.last - 1].end]);
            vec![
                Term::from_field_text(f.label_exact, &typed),
                Term::from_field_text(f.synonym_exact, &typed),
            ]
        }
    }
}

/// The live documents holding any of `terms`, read from the postings directly: a
/// query per span would cost more than the lookups themselves.
fn postings(searcher: &Searcher, terms: &[Term]) -> Result<Vec<DocAddress>, Error> {
    let mut out = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for term in terms {
            let index = segment.inverted_index(term.field())?;
            let Some(mut docs) = index
                .read_postings(term, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?
            else {
                continue;
            };
            let mut doc = docs.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc) {
                    out.push(DocAddress::new(ord as u32, doc));
                }
                doc = docs.advance();
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Each term's count of narrower terms, per segment (absent before format 3),
/// opened once per generation: opening the columns was a tenth of recognising.
pub(crate) struct Breadth(Vec<Option<Column<u64>>>);

impl Breadth {
    pub(crate) fn of(searcher: &Searcher, f: &TermFields) -> Breadth {
        Breadth(
            searcher
                .segment_readers()
                .iter()
                .map(|s| {
                    f.descendants?;
                    s.fast_fields().u64(DESCENDANTS).ok()
                })
                .collect(),
        )
    }

    fn exceeds(&self, address: DocAddress, max: u64) -> bool {
        self.0
            .get(address.segment_ord as usize)
            .and_then(Option::as_ref)
            .and_then(|c| c.first(address.doc_id))
            .is_some_and(|n| n > max)
    }
}

fn is_stop_word(key: &str) -> bool {
    STOP_WORDS.binary_search(&key).is_ok()
}

/// The query's words with their byte ranges, marked as stop words or syntax.
fn query_words(text: &str) -> Vec<Word> {
    let mut analyzer = name_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() && words.len() < MAX_QUERY_WORDS {
        let token = stream.token();
        let (start, end) = (token.offset_from, token.offset_to);
        // The whitespace-separated chunk the word is in, and the chunk before it.
        let chunk_start = text[..start].rfind(char::is_whitespace).map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        });
        let previous = text[..chunk_start].split_whitespace().next_back();
        let field_prefix = text[end..].starts_with(':')
            && text[end + 1..]
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace());
        let barrier =
            text[chunk_start..].starts_with('-') || previous == Some("NOT") || field_prefix;
        let key = token.text.clone();
        words.push(Word {
            stop: is_stop_word(&key),
            key,
            start,
            end,
            barrier,
        });
    }
    words
}

/// Runs of up to [`MAX_WORDS`] words that could be names: no syntax inside, no
/// stop word at either end, not a single letter.
fn candidate_spans(words: &[Word]) -> Vec<Span> {
    let mut spans = Vec::new();
    for first in 0..words.len() {
        if words[first].stop || words[first].barrier {
            continue;
        }
        let mut key = String::new();
        for last in first + 1..=(first + MAX_WORDS).min(words.len()) {
            let word = &words[last - 1];
            if word.barrier {
                break;
            }
            if !key.is_empty() {
                key.push(' ');
            }
            key.push_str(&word.key);
            let single_letter = last - first == 1 && word.key.chars().count() < 2;
            if !word.stop && !single_letter {
                spans.push(Span {
                    first,
                    last,
                    key: key.clone(),
                });
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        candidate_spans(&query_words(text))
            .into_iter()
            .map(|s| s.key)
            .collect()
    }

    #[test]
    fn stop_words_are_sorted() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn words_are_normalised_with_their_places_in_the_query() {
        let text = "Small-angle X-ray  SCATTERING";
        let words = query_words(text);
        let keys: Vec<&str> = words.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, ["small", "angle", "x", "ray", "scattering"]);
        assert_eq!(&text[words[2].start..words[3].end], "X-ray");
        assert!(words.iter().all(|w| !w.stop && !w.barrier));
    }

    #[test]
    fn runs_neither_start_nor_end_with_stop_words_or_single_letters() {
        assert_eq!(
            keys("the SAXS of x"),
            ["saxs", "saxs of x"],
            "`x` alone is one letter, runs from `the`/`of` or ending in `of` are dropped"
        );
        assert_eq!(
            keys("photon and neutron"),
            ["photon", "photon and neutron", "neutron"]
        );
        assert!(keys("how do I").is_empty());
    }

    #[test]
    fn syntax_breaks_runs() {
        assert_eq!(keys("-SAXS data"), ["data"]);
        assert_eq!(keys("NOT SAXS data"), ["data"]);
        assert_eq!(keys("title:SAXS data"), ["saxs", "saxs data", "data"]);
        // A hyphen inside a word is not an exclusion.
        assert_eq!(keys("x-ray")[0], "x ray");
    }

    #[test]
    fn runs_are_at_most_max_words_long() {
        let text = "w ".repeat(30).replace('w', "word");
        let longest = keys(&text)
            .iter()
            .map(|k| k.split(' ').count())
            .max()
            .unwrap();
        assert_eq!(longest, MAX_WORDS);
    }
}
