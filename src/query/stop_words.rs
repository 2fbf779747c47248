//! Words a query does not search for when it has others: *how do I cite a
//! dataset from my beamtime?* searches `cite`, `dataset` and `beamtime`.
//!
//! The index drops only Lucene's 33 English stop words (`the`, `is`, ...) so that
//! its format and BM25 statistics stay as they are; questions bring many more
//! words that say nothing about their subject (`how`, `do`, `I`, `from`, `my`),
//! which would otherwise match, rank and be highlighted in nearly every article.
//! The list is Snowball's English stop list, with its contractions as the
//! tokenizer splits them (`don't` → `don`, `t`). A query made of stop words only
//! (*the who*) keeps them all: something must be searched.

/// Snowball's English stop words plus the pieces of its contractions, sorted for
/// binary search.
const STOP_WORDS: [&str; 149] = [
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "couldn",
    "d",
    "did",
    "didn",
    "do",
    "does",
    "doesn",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "hadn",
    "has",
    "hasn",
    "have",
    "haven",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "isn",
    "it",
    "its",
    "itself",
    "let",
    "ll",
    "m",
    "me",
    "more",
    "most",
    "mustn",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "re",
    "s",
    "same",
    "shan",
    "she",
    "should",
    "shouldn",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "ve",
    "very",
    "was",
    "wasn",
    "we",
    "were",
    "weren",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "with",
    "won",
    "would",
    "wouldn",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Whether a word (any case) is a stop word of queries.
pub fn is_stop_word(word: &str) -> bool {
    if word.len() > 10 || !word.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    STOP_WORDS
        .binary_search(&word.to_ascii_lowercase().as_str())
        .is_ok()
}

/// The boolean operators of the query grammar, as `keyword::normalise_query`
/// leaves them (upper case, between two words).
fn is_operator(word: &str) -> bool {
    matches!(word, "AND" | "OR" | "NOT" | "IN" | "TO")
}

/// Removes the stop words of a normalised query (see `keyword::normalise_query`)
/// when it has other words. Only plain words go: a word in a `"phrase"`, a
/// `(group)`, with a field, `+required` or `-excluded`, or next to AND/OR/NOT is
/// the query's deliberate syntax and stays.
pub fn drop_stop_words(normalised: &str) -> String {
    let words: Vec<&str> = normalised.split_whitespace().collect();
    let mut quotes = 0usize;
    let droppable: Vec<bool> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let inside_phrase = quotes % 2 == 1;
            quotes += w.matches('"').count();
            let beside_operator = (i > 0 && is_operator(words[i - 1]))
                || words.get(i + 1).is_some_and(|next| is_operator(next));
            !inside_phrase && !beside_operator && !is_operator(w) && is_stop_word(w)
        })
        .collect();
    if droppable.iter().all(|&d| d) {
        return words.join(" ");
    }
    words
        .iter()
        .zip(&droppable)
        .filter(|&(_, &drop)| !drop)
        .map(|(w, _)| *w)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_lower_case_and_unique() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            STOP_WORDS
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        );
    }

    #[test]
    fn it_holds_the_analysers_stop_words() {
        for word in crate::index::text::ENGLISH_STOP_WORDS {
            // Lucene's list has one word Snowball's lacks; the index drops it anyway.
            if word != "will" {
                assert!(is_stop_word(word), "{word}");
            }
        }
    }

    #[test]
    fn a_question_keeps_its_subject() {
        assert_eq!(
            drop_stop_words("how do I cite a dataset from my beamtime"),
            "cite dataset beamtime"
        );
        assert_eq!(
            drop_stop_words("What s the embargo on my data"),
            "embargo data"
        );
    }

    #[test]
    fn only_stop_words_are_all_kept() {
        assert_eq!(drop_stop_words("the who"), "the who");
        assert_eq!(drop_stop_words("to be or not to be"), "to be or not to be");
        assert_eq!(drop_stop_words(""), "");
    }

    #[test]
    fn deliberate_syntax_is_kept() {
        assert_eq!(
            drop_stop_words("\"data from my beamtime\" for the embargo"),
            "\"data from my beamtime\" embargo"
        );
        assert_eq!(drop_stop_words("+how -why doi"), "+how -why doi");
        assert_eq!(drop_stop_words("title:how to cite"), "title:how cite");
        assert_eq!(drop_stop_words("who OR doi the"), "who OR doi");
        assert_eq!(drop_stop_words("doi AND NOT how"), "doi AND NOT how");
    }
}
