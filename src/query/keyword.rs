//! Keyword retrieval: the user's text as a BM25 query over articles, with facet
//! filters, and the same words over sections for passages and snippets.

use std::sync::Arc;

use tantivy::collector::{Count, MultiCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Term};

use super::article_table::{CountedFacets, FacetCut, MatchedArticles};
use super::doc_set::DocSetQuery;
use super::ontology::filter::term_filter_articles;
use super::stop_words::drop_stop_words;
use super::{Error, KnowledgeBase};
use crate::index::text::TextIndex;
use crate::model::Facet;

/// Ranking reads the whole article as one text (`all`), plus a little extra for
/// words in the title and headings. Tuned on BEIR SciFact with `eoskb eval`: a
/// single bag of words beats summed per-field scores, and a title weight above
/// ~0.5 costs more than it gains.
const BOOST_TITLE: f32 = 0.2;
const BOOST_HEADINGS: f32 = 0.2;

/// Keyword matches: the best `k` (score order), the number of all matches, and
/// facet counts over all matches.
pub(crate) struct KeywordMatches {
    pub top: Vec<(f32, DocAddress)>,
    pub total: usize,
    pub facets: CountedFacets,
}

/// Runs the article query (with filters) and collects the best `k`, the total and
/// the facet counts (cut as `cut` says) in one pass.
pub(crate) fn keyword_matches(
    kb: &KnowledgeBase,
    query: &dyn Query,
    k: usize,
    offset: usize,
    cut: FacetCut<'_>,
) -> Result<KeywordMatches, Error> {
    let searcher = kb.articles.searcher();
    let mut collectors = MultiCollector::new();
    let count = collectors.add_collector(Count);
    let top = collectors.add_collector(
        TopDocs::with_limit(k.max(1))
            .and_offset(offset)
            .order_by_score(),
    );
    let matched = (cut.limit > 0)
        .then(|| collectors.add_collector(MatchedArticles(Arc::clone(kb.articles.table()))));
    let mut fruit = searcher.search(query, &collectors)?;
    let total = count.extract(&mut fruit);
    let mut top = top.extract(&mut fruit);
    top.truncate(k);
    let facets = match matched {
        Some(matched) => kb
            .articles
            .table()
            .count_facets(matched.extract(&mut fruit), cut),
        None => CountedFacets::default(),
    };
    Ok(KeywordMatches { top, total, facets })
}

/// Filters checked against the index: facet values as the index holds them, and
/// the articles `term=` lets through.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Per facet (not `term`), the accepted values (any of them matches).
    pub facets: Vec<(Facet, Vec<String>)>,
    /// Dense indexes of the articles annotated with a `term=` value or one of its
    /// descendants; `None` without a `term=` filter.
    pub articles: Option<Vec<u32>>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.facets.is_empty() && self.articles.is_none()
    }
}

/// Checks filter values against the values the index holds, accepting any case;
/// `term=` values are IRIs or CURIEs standing for the term and its descendants.
pub fn resolve_filters(
    kb: &KnowledgeBase,
    filters: &[(Facet, Vec<String>)],
) -> Result<Filters, Error> {
    let mut resolved = Filters::default();
    for (facet, values) in filters {
        if *facet == Facet::Terms {
            resolved.articles = Some(term_filter_articles(kb, values)?);
            continue;
        }
        let known = kb.articles.facet_values(facet.name());
        let values = values
            .iter()
            .map(|value| {
                known
                    .and_then(|k| k.iter().find(|v| v.eq_ignore_ascii_case(value)))
                    .cloned()
                    .ok_or_else(|| Error::UnknownFacetValue {
                        facet: facet.param(),
                        value: value.clone(),
                        known: known.map_or_else(String::new, |k| {
                            let mut list: Vec<&str> =
                                k.iter().map(String::as_str).take(25).collect();
                            if k.len() > 25 {
                                list.push("...");
                            }
                            list.join(", ")
                        }),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        resolved.facets.push((*facet, values));
    }
    Ok(resolved)
}

/// Makes everyday text safe for the query grammar while keeping its deliberate
/// syntax: `"phrases"`, `(groups)`, `field:word`, `+required`/`-excluded` words,
/// a lone `*` for everything, and AND/OR/NOT between words. Any other punctuation
/// is spacing to the analyser anyway, so it becomes a space; a hyphen inside a word
/// too ("x-ray" searches x and ray, not the phrase: +0.005 nDCG@10 on SciFact); a `word:` whose word is
/// not a field ("doi:10.5281", "PaNET:PaNET01188") is searched as text.
pub fn normalise_query(text: &str, fields: &[&str]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let at_word_start = out.is_empty() || out.ends_with([' ', '(', '"']);
        let keep = match c {
            c if c.is_alphanumeric() || c == '_' || c == '.' => true,
            '"' | '(' | ')' => true,
            ':' => fields.contains(&word.as_str()) && next.is_some_and(|n| !n.is_whitespace()),
            '+' | '-' if at_word_start => {
                next.is_some_and(|n| n.is_alphanumeric() || n == '"' || n == '(')
            }
            '*' => at_word_start && next.is_none_or(char::is_whitespace),
            _ => false,
        };
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            word.clear();
        }
        out.push(if keep { c } else { ' ' });
    }
    // Boolean operators need a word on each side; a dangling one is just a word.
    let words: Vec<&str> = out.split_whitespace().collect();
    let last = words.len().saturating_sub(1);
    let mut quotes = 0;
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            quotes += w.matches('"').count();
            let inside_phrase = quotes % 2 == 1;
            let operator = matches!(*w, "AND" | "OR" | "NOT" | "IN" | "TO");
            let dangling = i == 0 && *w != "NOT"
                || i == last
                || (operator && matches!(words.get(i + 1), Some(&"AND" | &"OR")));
            if operator && (dangling || inside_phrase) {
                w.to_lowercase()
            } else {
                (*w).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const SEARCHABLE_FIELDS: [&str; 5] = ["title", "summary", "headings", "body", "all"];

/// The query parsers of one generation, built once when it opens (building one
/// per query cost about 8 % of a keyword search).
pub(crate) struct Parsers {
    articles: QueryParser,
    sections: QueryParser,
}

impl Parsers {
    pub(crate) fn new(text: &TextIndex) -> Parsers {
        let f = text.article_fields;
        let mut articles = QueryParser::for_index(&text.articles, vec![f.all, f.title, f.headings]);
        articles.set_field_boost(f.title, BOOST_TITLE);
        articles.set_field_boost(f.headings, BOOST_HEADINGS);
        let f = text.section_fields;
        let mut sections = QueryParser::for_index(&text.sections, vec![f.heading, f.body]);
        sections.set_field_boost(f.heading, BOOST_HEADINGS);
        Parsers { articles, sections }
    }
}

/// The words a query searches: its text made safe for the grammar, without the
/// stop words of a question (*how do I*, *from my*) when it has other words; the
/// snippets highlight exactly these words, since they read the section query's
/// terms.
fn searched_words(text: &str, fields: &[&str]) -> String {
    drop_stop_words(&normalise_query(text, fields))
}

pub fn parse_article_query(kb: &KnowledgeBase, text: &str) -> Result<Box<dyn Query>, Error> {
    let text = searched_words(text, &SEARCHABLE_FIELDS);
    kb.articles
        .parsers()
        .articles
        .parse_query(&text)
        .map_err(|e| Error::Syntax(e.to_string()))
}

/// The same words over section headings and text (lenient: the article query has
/// already been validated, and article-only fields simply do not apply here).
pub fn parse_section_query(kb: &KnowledgeBase, text: &str) -> Box<dyn Query> {
    let text = searched_words(text, &["heading", "body"]);
    kb.articles.parsers().sections.parse_query_lenient(&text).0
}

/// Whether the query text requires or excludes words (`+word`, `-word`, AND, NOT):
/// then it says exactly which articles it wants, and nothing may be added to them.
pub fn constrains_matches(text: &str) -> bool {
    normalise_query(text, &SEARCHABLE_FIELDS)
        .split_whitespace()
        .any(|w| w.starts_with(['+', '-']) || w == "AND" || w == "NOT")
}

/// The articles given by dense index, as a query.
pub fn articles_query(kb: &KnowledgeBase, articles: &[u32]) -> Box<dyn Query> {
    let docs = articles.iter().filter_map(|&i| kb.articles.doc(i));
    Box::new(DocSetQuery::new(&kb.articles.searcher(), docs))
}

pub fn with_filters(
    kb: &KnowledgeBase,
    query: Box<dyn Query>,
    filters: &Filters,
) -> Box<dyn Query> {
    if filters.is_empty() {
        return query;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
    for (facet, values) in &filters.facets {
        let field = kb.articles.fields().facet(*facet);
        let any_value: Vec<(Occur, Box<dyn Query>)> = values
            .iter()
            .map(|v| {
                let term =
                    Term::from_facet(field, &tantivy::schema::Facet::from_path([v.as_str()]));
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_value))));
    }
    if let Some(articles) = &filters.articles {
        clauses.push((Occur::Must, articles_query(kb, articles)));
    }
    Box::new(BooleanQuery::new(clauses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_normalised_for_the_grammar() {
        let n = |q: &str| normalise_query(q, &SEARCHABLE_FIELDS);
        assert_eq!(n("title:doi"), "title:doi");
        assert_eq!(n("doi:10.5281/zenodo"), "doi 10.5281 zenodo");
        assert_eq!(n("PaNET:PaNET01188"), "PaNET PaNET01188");
        assert_eq!(n("what's a DOI?"), "what s a DOI");
        assert_eq!(
            n("RDMkit - data -embargo +doi x-ray"),
            "RDMkit data -embargo +doi x ray"
        );
        assert_eq!(n("doi OR citation"), "doi OR citation");
        assert_eq!(n("OR doi AND"), "or doi and");
        assert_eq!(n("\"open AND closed\" *"), "\"open and closed\" *");
    }

    /// The snippet a question gets marks its subject, not its question words.
    #[test]
    fn a_questions_snippet_marks_its_subject_only() {
        use crate::index::text::{ANALYZER, analyzer};
        use crate::query::highlight::Highlighter;
        use tantivy::schema::{STORED, Schema, TextFieldIndexing, TextOptions};

        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let body = schema.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(indexing) | STORED,
        );
        let index = tantivy::Index::create_in_ram(schema.build());
        index.tokenizers().register(ANALYZER, analyzer());
        let text = "How do I cite a dataset from my beamtime? Cite it from the DOI \
                    the facility gives my dataset, as you would cite a paper.";
        let mut writer = index.writer(15_000_000).expect("writer");
        writer
            .add_document(tantivy::doc!(body => text))
            .expect("add");
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();

        let question = "how do I cite a dataset from my beamtime?";
        let words = searched_words(question, &["body"]);
        assert_eq!(words, "cite dataset beamtime");
        let query = QueryParser::for_index(&index, vec![body])
            .parse_query(&words)
            .expect("parse");
        let highlighter = Highlighter::new(&searcher, &*query, body, 400).expect("highlighter");
        let snippet = highlighter.passage(text).expect("a snippet");
        let marked: Vec<String> = snippet
            .runs()
            .filter(|(_, m)| *m)
            .map(|(run, _)| run.to_lowercase())
            .collect();
        for subject in ["cite", "dataset", "beamtime"] {
            assert!(marked.iter().any(|m| m == subject), "{subject}: {marked:?}");
        }
        for question_word in ["how", "do", "i", "from", "my", "a"] {
            assert!(
                !marked.iter().any(|m| m == question_word),
                "{question_word}: {marked:?}"
            );
        }
    }

    #[test]
    fn required_and_excluded_words_constrain_matches() {
        assert!(constrains_matches("SAXS -embargo"));
        assert!(constrains_matches("+doi SAXS"));
        assert!(constrains_matches("doi AND SAXS"));
        assert!(!constrains_matches("small-angle x-ray scattering"));
        assert!(!constrains_matches(
            "doi OR saxs \"data citation\" title:doi"
        ));
        assert!(!constrains_matches("SAXS AND"));
    }
}
