//! How recognised terms move results. An article annotated with a recognised term
//! (or a descendant) counts as matching one more, conceptual, query word, weighted
//! like BM25 weighs a word: by its inverse document frequency, so a term that
//! annotates many articles barely moves them and a specific one does. A term that
//! more than half of the articles use is evidence of nothing (the original BM25
//! idf is negative there) and moves nothing. Whether a term is such a category
//! is judged among the articles annotated with any term: items nobody annotated
//! (output records with free-text subjects, say) are no evidence that a term is
//! rare, and counting them would make a category look specific as soon as a
//! catalogue is indexed beside the guidance. Its weight, though, is the one a
//! word as frequent would have in this index, so that it stays commensurate
//! with the query's words, whose BM25 weights count every article.
//!
//! - keyword mode: one constant-score clause per term on the annotated articles,
//!   worth `idf` (the BM25 score of a word found once); it also finds annotated
//!   articles that lack the words, unless the query requires or excludes words.
//! - semantic and hybrid modes: after fusion, a bonus of [`FUSED_BONUS`] of the
//!   list's score range per term, scaled by `idf / idf_max`; annotated articles
//!   outside both candidate lists join with the bonus alone.

use std::collections::HashSet;

use tantivy::DocAddress;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};

use super::recognise::RecognisedTerm;
use crate::query::KnowledgeBase;
use crate::query::hybrid::{self, Fused};
use crate::query::keyword::articles_query;
use crate::query::search::MatchedTerm;

/// Share of the fused list's score range a perfectly specific term (one article)
/// adds: enough to lift an annotated article over near ties, not over clearly
/// better matches.
pub const FUSED_BONUS: f32 = 0.5;

/// The recognised terms that annotate articles, with their weights.
pub struct TermBoost<'a> {
    terms: Vec<Boosted<'a>>,
    /// idf of a term annotating one article: the most a term can weigh.
    idf_max: f32,
}

struct Boosted<'a> {
    matched: MatchedTerm,
    /// Dense article indexes, sorted.
    articles: &'a [u32],
    idf: f32,
}

/// BM25's inverse document frequency of something `n` of `total` articles have.
fn idf(n: usize, total: usize) -> f32 {
    let (n, total) = (n as f32, total as f32);
    (1.0 + (total - n + 0.5) / (n + 0.5)).ln()
}

impl<'a> TermBoost<'a> {
    pub fn new(kb: &'a KnowledgeBase, recognised: &[RecognisedTerm]) -> TermBoost<'a> {
        let usage = kb.term_usage();
        let total = kb.articles.len();
        let annotated = usage.annotated();
        let terms = recognised
            .iter()
            .filter_map(|t| {
                let articles = usage.articles(&t.iri);
                let telling = !articles.is_empty() && 2 * articles.len() <= annotated;
                telling.then(|| Boosted {
                    matched: MatchedTerm {
                        iri: t.iri.clone(),
                        label: t.label.clone(),
                    },
                    articles,
                    idf: idf(articles.len(), total),
                })
            })
            .collect();
        TermBoost {
            terms,
            idf_max: idf(1, total.max(1)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Every article any of the terms stands for (sorted, once each).
    pub fn articles(&self) -> Vec<u32> {
        let mut all: Vec<u32> = self
            .terms
            .iter()
            .flat_map(|t| t.articles.iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// Keyword mode: `text_query` plus a clause per term. With `also_find`, annotated
    /// articles match even without the words.
    pub fn keyword_query(
        &self,
        kb: &KnowledgeBase,
        text_query: Box<dyn Query>,
        also_find: bool,
    ) -> Box<dyn Query> {
        if self.terms.is_empty() {
            return text_query;
        }
        let text_occur = if also_find {
            Occur::Should
        } else {
            Occur::Must
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(text_occur, text_query)];
        for term in &self.terms {
            let annotated = ConstScoreQuery::new(articles_query(kb, term.articles), term.idf);
            clauses.push((Occur::Should, Box::new(annotated)));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// What the terms add to an article's keyword score.
    pub fn keyword_bonus(&self, article: u32) -> Option<f32> {
        self.sum(article, |t| t.idf)
    }

    /// The first recognised term (in query order) the article is annotated with.
    pub fn matched_term(&self, article: u32) -> Option<MatchedTerm> {
        self.terms
            .iter()
            .find(|t| t.articles.binary_search(&article).is_ok())
            .map(|t| t.matched.clone())
    }

    fn sum(&self, article: u32, weight: impl Fn(&Boosted) -> f32) -> Option<f32> {
        let matching: Vec<f32> = self
            .terms
            .iter()
            .filter(|t| t.articles.binary_search(&article).is_ok())
            .map(weight)
            .collect();
        (!matching.is_empty()).then(|| matching.iter().sum())
    }

    /// Semantic and hybrid modes: adds the bonus to annotated articles of `fused`,
    /// adds annotated articles it lacks (those `allowed` lets through), and sorts
    /// again. Returns each boosted article's bonus.
    pub fn apply_to_fused(
        &self,
        kb: &KnowledgeBase,
        fused: &mut Vec<Fused>,
        allowed: impl Fn(DocAddress) -> bool,
    ) -> Vec<(DocAddress, f32)> {
        if self.terms.is_empty() {
            return Vec::new();
        }
        let (lo, hi) = fused
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), f| {
                (lo.min(f.score), hi.max(f.score))
            });
        let range = if hi > lo {
            hi - lo
        } else if hi.is_finite() && hi > 0.0 {
            hi
        } else {
            1.0
        };
        let scale = FUSED_BONUS * range / self.idf_max;
        let present: HashSet<DocAddress> = fused.iter().map(|f| f.doc).collect();
        let mut missing: Vec<DocAddress> = self
            .terms
            .iter()
            .flat_map(|t| t.articles.iter())
            .filter_map(|&a| kb.articles.doc(a))
            .filter(|d| !present.contains(d))
            .collect::<HashSet<_>>()
            .into_iter()
            .filter(|d| allowed(*d))
            .collect();
        missing.sort();
        fused.extend(missing.into_iter().map(hybrid::empty));
        let mut bonuses = Vec::new();
        for f in fused.iter_mut() {
            let Some(article) = kb.articles.at(f.doc) else {
                continue;
            };
            if let Some(bonus) = self.sum(article, |t| t.idf * scale) {
                f.score += bonus;
                bonuses.push((f.doc, bonus));
            }
        }
        fused.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        bonuses
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idf_falls_as_a_term_annotates_more_articles() {
        assert!(idf(1, 50) > idf(4, 50));
        assert!(idf(4, 50) > idf(25, 50));
        assert!(idf(50, 50) > 0.0 && idf(50, 50) < 0.02);
    }
}
