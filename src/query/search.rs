//! The search entry point: validates a request, retrieves with the requested
//! mode (keyword, semantic, or both fused), counts facets over the whole result
//! set, and builds hits with their best section and snippet.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::article_table::{BestSectionPerArticle, CountedFacets, FacetCounts, FacetCut};
use super::doc_set::DocSetQuery;
use super::highlight::{Highlighter, Snippet};
use super::hybrid::{Fused, fuse};
use super::keyword::{
    Filters, articles_query, constrains_matches, keyword_matches, parse_article_query,
    parse_section_query, resolve_filters, with_filters,
};
use super::ontology::boost::TermBoost;
use super::ontology::recognise::{RecognisedTerm, recognise_terms};
use super::request::{SearchRequest, validated_query};
use super::semantic::semantic_matches;
use super::{Error, KnowledgeBase};
use crate::settings::Mode;

/// How many candidates each method contributes to fusion (and semantic results
/// hold at most): deep enough for Recall@100.
pub const CANDIDATES: usize = 100;
const SNIPPET_CHARS: usize = 220;

/// A page of results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResponse {
    /// Articles matching, over all pages.
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    pub mode: Mode,
    /// Per facet, value → number of matching articles (over all matches): the
    /// request's `facet_limit` most frequent values, and those filtered on.
    pub facets: FacetCounts,
    /// For each facet that had more values than `facets` lists: how many.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facet_sizes: BTreeMap<String, usize>,
    /// Per facet, the labels of listed values that name a concept (terms,
    /// kinds, audiences, FAIR principles).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facet_labels: super::FacetLabels,
    /// Cosine similarity of the best matching article when the mode embeds the
    /// question (semantic, hybrid): an absolute measure of how well anything
    /// matched, unlike fused scores, which are relative to the result list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_similarity: Option<f32>,
    /// Whether the query reads as a question, which a quoted answer may help
    /// (see [`super::answer::looks_like_question`]); a term or keywords do not.
    pub question: bool,
    /// Ontology terms the query names; articles annotated with them (or a
    /// descendant) rank higher.
    #[serde(default)]
    pub terms: Vec<RecognisedTerm>,
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
    pub kind: Option<String>,
    pub summary: String,
    /// A record's DOI (`10.5281/zenodo.1`), without its resolver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// A record's issue date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<String>,
    pub score: f32,
    /// The best passage, with the words that match.
    pub snippet: Snippet,
    pub section: SectionRef,
    /// The recognised query term this article is annotated with (or with a
    /// descendant of): why it ranks higher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_term: Option<MatchedTerm>,
    /// Why it ranks here (with `explain=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
}

/// Ranks (1-based) and scores of a hit per method, and the fused score.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Explain {
    pub keyword_rank: Option<usize>,
    pub keyword_score: Option<f32>,
    pub semantic_rank: Option<usize>,
    pub semantic_similarity: Option<f32>,
    pub fused_score: Option<f32>,
    /// What recognised terms added to the score (included in it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_bonus: Option<f32>,
}

/// A recognised term, as a hit names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MatchedTerm {
    pub iri: String,
    pub label: String,
}

/// The section a hit points into.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SectionRef {
    pub heading: String,
    pub anchor: String,
}

/// A ranked article before it becomes a hit.
struct Ranked {
    doc: DocAddress,
    score: f32,
    explain: Explain,
    /// Section ordinal the semantic side liked best.
    semantic_section: Option<u32>,
    matched_term: Option<MatchedTerm>,
}

/// What retrieval found: a page, the total, facet counts, recognised terms.
struct Retrieved {
    ranked: Vec<Ranked>,
    total: usize,
    facets: CountedFacets,
    terms: Vec<RecognisedTerm>,
    best_similarity: Option<f32>,
}

/// Runs a search in the request's mode.
pub fn search(kb: &KnowledgeBase, request: &SearchRequest) -> Result<SearchResponse, Error> {
    search_embedded(kb, request, None)
}

/// Like [`search`], with the query's embedding when the caller already has it
/// (ask embeds the question once for both its search and its passages).
pub(crate) fn search_embedded(
    kb: &KnowledgeBase,
    request: &SearchRequest,
    embedded: Option<&[f32]>,
) -> Result<SearchResponse, Error> {
    search_among(kb, request, embedded, None)
}

/// Like [`search`], among the articles given by dense index only (`None`: all
/// of them), as if a filter had picked them; the SPARQL text service restricts
/// a search to guidance or to outputs so.
pub(crate) fn search_within(
    kb: &KnowledgeBase,
    request: &SearchRequest,
    within: Option<&[u32]>,
) -> Result<SearchResponse, Error> {
    search_among(kb, request, None, within)
}

fn search_among(
    kb: &KnowledgeBase,
    request: &SearchRequest,
    embedded: Option<&[f32]>,
    within: Option<&[u32]>,
) -> Result<SearchResponse, Error> {
    let started = Instant::now();
    let text = validated_text(request)?;
    let found = retrieve(kb, request, text, embedded, within)?;
    let mut hits = hits(kb, text, &found.ranked)?;
    if !request.explain {
        hits.iter_mut().for_each(|h| h.explain = None);
    }
    Ok(SearchResponse {
        total: found.total,
        took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        hits,
        mode: request.mode,
        facet_labels: super::facet_labels::facet_labels(kb, &found.facets.counts)?,
        facets: found.facets.counts,
        facet_sizes: found.facets.sizes,
        best_similarity: found.best_similarity,
        question: super::answer::looks_like_question(text),
        terms: found.terms,
    })
}

/// The ranked article ids and scores of a page, without building hits (for
/// evaluation, where snippets would only cost time).
pub fn ranked_ids(
    kb: &KnowledgeBase,
    request: &SearchRequest,
) -> Result<Vec<(String, f32)>, Error> {
    ranked_ids_within(kb, request, None)
}

/// Like [`ranked_ids`], among the articles given by dense index only (see
/// [`search_within`]).
pub(crate) fn ranked_ids_within(
    kb: &KnowledgeBase,
    request: &SearchRequest,
    within: Option<&[u32]>,
) -> Result<Vec<(String, f32)>, Error> {
    let text = validated_text(request)?;
    // Evaluation reads ranks only: no facets to count.
    let request = &request.clone().with_facet_limit(0);
    Ok(retrieve(kb, request, text, None, within)?
        .ranked
        .iter()
        .filter_map(|r| kb.article_id(r.doc).map(|id| (id.to_string(), r.score)))
        .collect())
}

fn validated_text(request: &SearchRequest) -> Result<&str, Error> {
    request.check_bounds()?;
    validated_query(&request.query)
}

/// The page of ranked articles, the total, facet counts over all results, and the
/// terms the query names, and the best semantic similarity (when the mode
/// computed one). `embedded` is the text's embedding when the caller has it;
/// `within`, the only articles that may match (`None`: any).
fn retrieve(
    kb: &KnowledgeBase,
    request: &SearchRequest,
    text: &str,
    embedded: Option<&[f32]>,
    within: Option<&[u32]>,
) -> Result<Retrieved, Error> {
    let filters = restricted(resolve_filters(kb, &request.filters)?, within);
    let terms = if request.recognise {
        recognise_terms(kb, text)?
    } else {
        Vec::new()
    };
    let boost = TermBoost::new(kb, &terms);
    let text_query = parse_article_query(kb, text)?;
    let page_end = request.offset + request.limit;
    let cut = FacetCut {
        limit: request.facet_limit,
        keep: &request.filters,
    };

    let mut best_similarity = None;
    let (ranked, total, facets): (Vec<Ranked>, usize, CountedFacets) = match request.mode {
        Mode::Keyword => {
            let query = boost.keyword_query(kb, text_query, !constrains_matches(text));
            let query = with_filters(kb, query, &filters);
            let matches = keyword_matches(kb, &*query, request.limit, request.offset, cut)?;
            let ranked = matches
                .top
                .iter()
                .enumerate()
                .map(|(i, (score, doc))| {
                    let article = kb.articles.at(*doc);
                    Ranked {
                        doc: *doc,
                        score: *score,
                        explain: Explain {
                            keyword_rank: Some(request.offset + i + 1),
                            keyword_score: Some(*score),
                            term_bonus: article.and_then(|a| boost.keyword_bonus(a)),
                            ..Explain::default()
                        },
                        semantic_section: None,
                        matched_term: article.and_then(|a| boost.matched_term(a)),
                    }
                })
                .collect();
            (ranked, matches.total, matches.facets)
        }
        Mode::Semantic | Mode::Hybrid => {
            let (encoder, _) = kb.semantic_ready()?;
            let encoded;
            let embedded = match embedded {
                Some(vector) => vector,
                None => {
                    encoded = encoder.encode_one(text)?;
                    &encoded
                }
            };
            let depth = CANDIDATES.max(page_end);
            let filter = (!filters.is_empty())
                .then(|| with_filters(kb, Box::new(tantivy::query::AllQuery), &filters));
            let semantic = semantic_matches(kb, embedded, filter.as_deref(), depth)?;
            best_similarity = semantic.first().map(|m| m.similarity);
            let keyword = if request.mode == Mode::Hybrid {
                let keyword_query = with_filters(kb, text_query, &filters);
                let no_facets = FacetCut { limit: 0, ..cut };
                keyword_matches(kb, &*keyword_query, depth, 0, no_facets)?.top
            } else {
                Vec::new()
            };
            let mut fused: Vec<Fused> = fuse(
                &keyword,
                &semantic,
                request.fusion.unwrap_or(kb.options.fusion),
            );
            let allowed = allowed_by(kb, &boost, &filters)?;
            let bonuses = boost.apply_to_fused(kb, &mut fused, |d| {
                allowed.as_ref().is_none_or(|a| a.contains(&d))
            });
            let all: Vec<DocAddress> = fused.iter().map(|f| f.doc).collect();
            let facets = facets_of(kb, &all, cut);
            let total = fused.len();
            let ranked = fused
                .into_iter()
                .skip(request.offset)
                .take(request.limit)
                .map(|f| {
                    let article = kb.articles.at(f.doc);
                    Ranked {
                        doc: f.doc,
                        score: f.score,
                        semantic_section: f.semantic_section,
                        matched_term: article.and_then(|a| boost.matched_term(a)),
                        explain: Explain {
                            keyword_rank: f.keyword_rank,
                            keyword_score: f.keyword_score,
                            semantic_rank: f.semantic_rank,
                            semantic_similarity: f.similarity,
                            fused_score: (request.mode == Mode::Hybrid).then_some(f.score),
                            term_bonus: bonuses.iter().find(|(d, _)| *d == f.doc).map(|(_, b)| *b),
                        },
                    }
                })
                .collect();
            (ranked, total, facets)
        }
    };
    Ok(Retrieved {
        ranked,
        total,
        facets,
        terms,
        best_similarity,
    })
}

/// The filters, further restricted to the articles `within` (when given).
fn restricted(mut filters: Filters, within: Option<&[u32]>) -> Filters {
    let Some(within) = within else {
        return filters;
    };
    filters.articles = Some(match filters.articles.take() {
        Some(mut articles) => {
            let allowed: HashSet<u32> = within.iter().copied().collect();
            articles.retain(|a| allowed.contains(a));
            articles
        }
        None => within.to_vec(),
    });
    filters
}

/// Of the articles the terms stand for, those the filters let through (`None`:
/// no filters, all of them).
fn allowed_by(
    kb: &KnowledgeBase,
    boost: &TermBoost,
    filters: &Filters,
) -> Result<Option<HashSet<DocAddress>>, Error> {
    if boost.is_empty() || filters.is_empty() {
        return Ok(None);
    }
    let query = with_filters(kb, articles_query(kb, &boost.articles()), filters);
    Ok(Some(
        kb.articles.searcher().search(&*query, &DocSetCollector)?,
    ))
}

/// Facet counts over a set of articles.
fn facets_of(kb: &KnowledgeBase, docs: &[DocAddress], cut: FacetCut<'_>) -> CountedFacets {
    kb.articles
        .table()
        .count_facets(docs.iter().filter_map(|d| kb.articles.at(*d)), cut)
}

fn hits(kb: &KnowledgeBase, text: &str, ranked: &[Ranked]) -> Result<Vec<Hit>, Error> {
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let section_query = parse_section_query(kb, text);
    let searcher = kb.articles.section_searcher();
    let body = kb.articles.section_fields().body;
    let highlighter = Highlighter::new(&searcher, &*section_query, body, SNIPPET_CHARS)?;
    let articles = ranked
        .iter()
        .map(|r| {
            kb.articles.table().article_at(r.doc).ok_or_else(|| {
                Error::from(tantivy::TantivyError::InternalError(
                    "hit outside the article table".into(),
                ))
            })
        })
        .collect::<Result<Vec<u32>, Error>>()?;
    let best = best_sections(kb, &searcher, &*section_query, &articles)?;

    ranked
        .iter()
        .zip(articles)
        .map(|(r, article)| {
            let card =
                kb.articles.table().card(article).cloned().ok_or_else(|| {
                    tantivy::TantivyError::InternalError("hit without card".into())
                })?;
            let section = match best.get(&article) {
                Some(&doc) => Some(doc),
                None => first_section(kb, &searcher, &card.id, r.semantic_section)?,
            };
            let (heading, anchor, snippet) = match section {
                Some(address) => {
                    let section = kb.articles.section_text(address)?;
                    let snippet = match highlighter.passage_in(&section.body, &section.words) {
                        Some(passage) if !passage.text.trim().is_empty() => passage,
                        _ => Snippet::plain(leading_text(&section.body, SNIPPET_CHARS)),
                    };
                    (section.heading.clone(), section.anchor.clone(), snippet)
                }
                None => (
                    card.title.clone(),
                    String::new(),
                    Snippet::plain(card.summary.clone()),
                ),
            };
            Ok(Hit {
                id: card.id,
                title: card.title,
                path: card.path,
                source: card.root,
                kind: card.kind,
                summary: card.summary,
                doi: card.doi,
                issued: card.issued,
                score: r.score,
                snippet,
                section: SectionRef { heading, anchor },
                matched_term: r.matched_term.clone(),
                explain: Some(r.explain.clone()),
            })
        })
        .collect()
}

/// For each article, the section the words match best: one search over the
/// sections of all the page's articles.
fn best_sections(
    kb: &KnowledgeBase,
    searcher: &Searcher,
    query: &dyn Query,
    articles: &[u32],
) -> Result<HashMap<u32, DocAddress>, Error> {
    let sections = articles
        .iter()
        .flat_map(|&a| kb.articles.table().sections_of(a).iter().copied());
    let in_page = BooleanQuery::new(vec![
        (Occur::Must, query.box_clone()),
        (Occur::Must, Box::new(DocSetQuery::new(searcher, sections))),
    ]);
    let best = searcher.search(
        &in_page,
        &BestSectionPerArticle(Arc::clone(kb.articles.table())),
    )?;
    Ok(best.into_iter().map(|(a, (_, doc))| (a, doc)).collect())
}

/// The section to show when the words match none of an article's sections: the
/// one the semantic side ranked best, else the first.
fn first_section(
    kb: &KnowledgeBase,
    searcher: &Searcher,
    article_id: &str,
    semantic_section: Option<u32>,
) -> Result<Option<DocAddress>, Error> {
    let sf = kb.articles.section_fields();
    let term_query =
        |term| -> Box<dyn Query> { Box::new(TermQuery::new(term, IndexRecordOption::Basic)) };
    let wanted = BooleanQuery::new(vec![
        (
            Occur::Must,
            term_query(Term::from_field_text(sf.article_id, article_id)),
        ),
        (
            Occur::Must,
            term_query(Term::from_field_u64(
                sf.ordinal,
                u64::from(semantic_section.unwrap_or(0)),
            )),
        ),
    ]);
    let found = searcher.search(&wanted, &TopDocs::with_limit(1).order_by_score())?;
    Ok(found.first().map(|(_, a)| *a))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_text_cuts_at_words() {
        assert_eq!(leading_text("alpha beta gamma", 12), "alpha beta…");
        assert_eq!(leading_text("short", 12), "short");
    }
}
