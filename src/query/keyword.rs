//! Keyword search: BM25 over articles, facets over every match, and for each hit
//! the best-matching section with a highlighted snippet.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, FacetCollector, MultiCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::{Error, KnowledgeBase, facet_children};
use crate::index::text::Card;
use crate::model::{FACETS, Facet};

/// Longest query accepted, in characters. Longer text is a paste, not a query.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most hits per page.
pub const MAX_LIMIT: usize = 100;
/// Deepest page start; deep paging is for crawlers, not people.
pub const MAX_OFFSET: usize = 10_000;
const DEFAULT_LIMIT: usize = 10;
const SNIPPET_CHARS: usize = 220;

/// Field boosts: a word in a title says more about an article than one in its body.
const BOOST_TITLE: f32 = 3.0;
const BOOST_HEADINGS: f32 = 1.5;
const BOOST_SUMMARY: f32 = 1.5;

/// A validated search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    /// Per facet, the accepted values (any of them matches).
    pub filters: Vec<(Facet, Vec<String>)>,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            filters: Vec::new(),
        }
    }

    /// Builds a request from URL parameters (`q`, `limit`, `offset`, and the facet
    /// filters `kind`, `audience`, `fair`, `tag`, `project`, `term`, repeatable).
    /// Unknown parameters are ignored.
    pub fn from_params<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SearchRequest, Error> {
        let mut request = SearchRequest::new("");
        let mut filters: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (name, value) in params {
            match name {
                "q" | "query" => request.query = value.to_string(),
                "limit" => request.limit = number(name, value)?.min(MAX_LIMIT as i64) as usize,
                "offset" => {
                    let offset = number(name, value)?;
                    if offset > MAX_OFFSET as i64 {
                        return Err(Error::InvalidParameter {
                            name: name.into(),
                            reason: format!("must be at most {MAX_OFFSET}"),
                        });
                    }
                    request.offset = offset as usize;
                }
                _ => {
                    if let Some(i) = FACETS.iter().position(|f| f.param() == name) {
                        if value.trim().is_empty() {
                            continue;
                        }
                        filters.entry(i).or_default().push(value.trim().to_string());
                    }
                }
            }
        }
        request.filters = filters.into_iter().map(|(i, v)| (FACETS[i], v)).collect();
        Ok(request)
    }
}

fn number(name: &str, value: &str) -> Result<i64, Error> {
    let n: i64 = value.trim().parse().map_err(|_| Error::InvalidParameter {
        name: name.into(),
        reason: format!("`{value}` is not a whole number"),
    })?;
    if n < 0 {
        return Err(Error::InvalidParameter {
            name: name.into(),
            reason: "must not be negative".into(),
        });
    }
    Ok(n)
}

/// A page of results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResponse {
    /// Articles matching, over all pages.
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    /// Per facet, value → number of matching articles (over all matches).
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
}

/// One matching article.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    /// Source file relative to its content folder.
    pub path: String,
    /// The content folder the file came from.
    pub source: String,
    /// Where a person reads it.
    pub url: String,
    pub kind: Option<String>,
    pub summary: String,
    pub score: f32,
    /// Best passage, HTML-escaped, matches wrapped in `<mark>`.
    pub snippet: String,
    pub section: SectionRef,
}

/// The section a hit points into.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SectionRef {
    pub heading: String,
    pub anchor: String,
}

/// Runs a keyword search.
pub fn search(kb: &KnowledgeBase, request: &SearchRequest) -> Result<SearchResponse, Error> {
    let started = Instant::now();
    let text = request.query.trim();
    if text.is_empty() {
        return Err(Error::EmptyQuery);
    }
    let len = text.chars().count();
    if len > MAX_QUERY_CHARS {
        return Err(Error::QueryTooLong {
            len,
            max: MAX_QUERY_CHARS,
        });
    }
    let filters = resolve_filters(kb, &request.filters)?;
    let user_query = parse_article_query(kb, text)?;
    let query = with_filters(kb, user_query, &filters);

    let searcher = kb.articles.searcher();
    let mut collectors = MultiCollector::new();
    let count = collectors.add_collector(Count);
    let top = collectors.add_collector(
        TopDocs::with_limit(request.limit.max(1))
            .and_offset(request.offset)
            .order_by_score(),
    );
    let facet_handles: Vec<_> = FACETS
        .iter()
        .map(|facet| {
            let mut c = FacetCollector::for_field(facet.name());
            c.add_facet("/");
            (facet.name(), collectors.add_collector(c))
        })
        .collect();
    let mut fruit = searcher.search(&query, &collectors)?;
    let total = count.extract(&mut fruit);
    let mut top_docs = top.extract(&mut fruit);
    top_docs.truncate(request.limit);
    let facets = facet_handles
        .into_iter()
        .map(|(name, handle)| {
            (
                name.to_string(),
                facet_children(&handle.extract(&mut fruit)),
            )
        })
        .collect();

    let hits = hits(kb, &searcher, text, &top_docs)?;
    Ok(SearchResponse {
        total,
        took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        hits,
        facets,
    })
}

/// Checks filter values against the values the index holds, accepting any case.
fn resolve_filters(
    kb: &KnowledgeBase,
    filters: &[(Facet, Vec<String>)],
) -> Result<Vec<(Facet, Vec<String>)>, Error> {
    filters
        .iter()
        .map(|(facet, values)| {
            let known = kb.facet_values.get(facet.name());
            let resolved = values
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
            Ok((*facet, resolved))
        })
        .collect()
}

/// Makes everyday text safe for the query grammar while keeping its deliberate
/// syntax: `"phrases"`, `(groups)`, `field:word`, `+required`/`-excluded` words,
/// a lone `*` for everything, and AND/OR/NOT between words. Any other punctuation
/// is spacing to the analyser anyway, so it becomes a space; a `word:` whose word is
/// not a field ("doi:10.5281", "PaNET:PaNET01188") is searched as text.
fn normalise_query(text: &str, fields: &[&str]) -> String {
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
            // Inside a word (x-ray, 3-year) a hyphen joins; the analyser splits it.
            '-' => next.is_some_and(char::is_alphanumeric),
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

const SEARCHABLE_FIELDS: [&str; 4] = ["title", "summary", "headings", "body"];

fn parse_article_query(kb: &KnowledgeBase, text: &str) -> Result<Box<dyn Query>, Error> {
    let f = kb.text.article_fields;
    let mut parser = QueryParser::for_index(
        &kb.text.articles,
        vec![f.title, f.summary, f.headings, f.body],
    );
    parser.set_field_boost(f.title, BOOST_TITLE);
    parser.set_field_boost(f.headings, BOOST_HEADINGS);
    parser.set_field_boost(f.summary, BOOST_SUMMARY);
    let text = normalise_query(text, &SEARCHABLE_FIELDS);
    parser
        .parse_query(&text)
        .map_err(|e| Error::Syntax(e.to_string()))
}

/// The same words over section headings and text (lenient: the article query has
/// already been validated, and article-only fields simply do not apply here).
fn parse_section_query(kb: &KnowledgeBase, text: &str) -> Box<dyn Query> {
    let f = kb.text.section_fields;
    let mut parser = QueryParser::for_index(&kb.text.sections, vec![f.heading, f.body]);
    parser.set_field_boost(f.heading, BOOST_HEADINGS);
    let text = normalise_query(text, &["heading", "body"]);
    parser.parse_query_lenient(&text).0
}

fn with_filters(
    kb: &KnowledgeBase,
    query: Box<dyn Query>,
    filters: &[(Facet, Vec<String>)],
) -> Box<dyn Query> {
    if filters.is_empty() {
        return query;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
    for (facet, values) in filters {
        let field = kb.text.article_fields.facet(*facet);
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
    Box::new(BooleanQuery::new(clauses))
}

fn hits(
    kb: &KnowledgeBase,
    searcher: &Searcher,
    text: &str,
    top_docs: &[(f32, DocAddress)],
) -> Result<Vec<Hit>, Error> {
    if top_docs.is_empty() {
        return Ok(Vec::new());
    }
    let section_query = parse_section_query(kb, text);
    let section_searcher = kb.sections.searcher();
    let sf = kb.text.section_fields;
    let mut snippets = SnippetGenerator::create(&section_searcher, &*section_query, sf.body)?;
    snippets.set_max_num_chars(SNIPPET_CHARS);

    top_docs
        .iter()
        .map(|(score, address)| {
            let document: TantivyDocument = searcher.doc(*address)?;
            let card: Card = document
                .get_first(kb.text.article_fields.card)
                .and_then(|v| v.as_str())
                .and_then(|s| serde_json::from_str(s).ok())
                .ok_or_else(|| tantivy::TantivyError::InternalError("hit without card".into()))?;
            let section = best_section(kb, &section_searcher, &*section_query, &card.id)?;
            let (heading, anchor, snippet) = match section {
                Some(doc) => {
                    let field = |f| {
                        doc.get_first(f)
                            .and_then(|v| v.as_str())
                            .unwrap_or_default()
                            .to_string()
                    };
                    let mut snippet = snippets.snippet_from_doc(&doc);
                    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                    let html = if snippet.fragment().trim().is_empty() {
                        escape_html(&leading_text(&field(sf.body), SNIPPET_CHARS))
                    } else {
                        snippet.to_html()
                    };
                    (field(sf.heading), field(sf.anchor), html)
                }
                None => (
                    card.title.clone(),
                    String::new(),
                    escape_html(&card.summary),
                ),
            };
            let url = format!("/docs/{}", card.id);
            Ok(Hit {
                id: card.id,
                title: card.title,
                path: card.path,
                source: card.root,
                url,
                kind: card.kind,
                summary: card.summary,
                score: *score,
                snippet,
                section: SectionRef { heading, anchor },
            })
        })
        .collect()
}

/// The article's section that best matches, or its first section.
fn best_section(
    kb: &KnowledgeBase,
    searcher: &Searcher,
    query: &dyn Query,
    article_id: &str,
) -> Result<Option<TantivyDocument>, Error> {
    let sf = kb.text.section_fields;
    let in_article = || -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(sf.article_id, article_id),
            IndexRecordOption::Basic,
        ))
    };
    let matching = BooleanQuery::new(vec![
        (Occur::Must, query.box_clone()),
        (Occur::Must, in_article()),
    ]);
    let best = searcher.search(&matching, &TopDocs::with_limit(1).order_by_score())?;
    let address = match best.first() {
        Some((_, address)) => Some(*address),
        None => {
            let first = BooleanQuery::new(vec![
                (Occur::Must, in_article()),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_u64(sf.ordinal, 0),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            let found = searcher.search(&first, &TopDocs::with_limit(1).order_by_score())?;
            found.first().map(|(_, a)| *a)
        }
    };
    Ok(match address {
        Some(a) => Some(searcher.doc(a)?),
        None => None,
    })
}

/// The first `max` characters of a text, cut at a word boundary.
pub(crate) fn leading_text(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => format!("{}…", cut[..i].trim_end()),
        _ => format!("{cut}…"),
    }
}

pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
            "RDMkit data -embargo +doi x-ray"
        );
        assert_eq!(n("doi OR citation"), "doi OR citation");
        assert_eq!(n("OR doi AND"), "or doi and");
        assert_eq!(n("\"open AND closed\" *"), "\"open and closed\" *");
    }

    #[test]
    fn params_are_validated() {
        let r =
            SearchRequest::from_params([("q", "x"), ("limit", "500"), ("tag", "a"), ("tag", "b")])
                .unwrap();
        assert_eq!(r.limit, MAX_LIMIT);
        assert_eq!(
            r.filters,
            vec![(Facet::Tags, vec!["a".to_string(), "b".to_string()])]
        );
        assert!(SearchRequest::from_params([("limit", "-1")]).is_err());
        assert!(SearchRequest::from_params([("offset", "x")]).is_err());
        assert!(SearchRequest::from_params([("offset", "100000")]).is_err());
    }

    #[test]
    fn leading_text_cuts_at_words() {
        assert_eq!(leading_text("alpha beta gamma", 12), "alpha beta…");
        assert_eq!(leading_text("short", 12), "short");
    }
}
