//! Semantic retrieval: embed the question, score every section piece by cosine
//! similarity (exact k-NN over the contiguous vector matrix), keep each article's
//! best piece.

use std::collections::HashSet;

use tantivy::DocAddress;
use tantivy::collector::DocSetCollector;
use tantivy::query::Query;

use super::{Error, KnowledgeBase};

/// An article found by meaning, with the section that matched best.
#[derive(Debug, Clone, PartialEq)]
pub struct SemanticMatch {
    pub doc: DocAddress,
    pub similarity: f32,
    pub section: u32,
}

/// The `k` articles most similar to the embedded query `query`, restricted to
/// those matching `filter`.
pub fn semantic_matches(
    kb: &KnowledgeBase,
    query: &[f32],
    filter: Option<&dyn Query>,
    k: usize,
) -> Result<Vec<SemanticMatch>, Error> {
    let (_, vectors) = kb.semantic_ready()?;
    let similarities = vectors.similarities(query);

    // Best piece per article (dense article index), one pass over the rows.
    let mut best: Vec<(f32, usize)> = vec![(f32::NEG_INFINITY, 0); kb.articles.len()];
    for (row, similarity) in similarities.iter().enumerate() {
        if let Some(article) = kb.embeddings.article_of_row(row)
            && *similarity > best[article as usize].0
        {
            best[article as usize] = (*similarity, row);
        }
    }
    let allowed: Option<HashSet<DocAddress>> = match filter {
        Some(q) => Some(kb.articles.searcher().search(q, &DocSetCollector)?),
        None => None,
    };
    let mut found: Vec<SemanticMatch> = best
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| s.is_finite())
        .filter_map(|(article, (similarity, row))| {
            Some(SemanticMatch {
                doc: kb.articles.doc(article as u32)?,
                similarity: *similarity,
                section: vectors.owners.get(*row)?.section,
            })
        })
        .filter(|m| allowed.as_ref().is_none_or(|a| a.contains(&m.doc)))
        .collect();
    let by_similarity =
        |a: &SemanticMatch, b: &SemanticMatch| b.similarity.total_cmp(&a.similarity);
    if found.len() > k {
        found.select_nth_unstable_by(k, by_similarity);
        found.truncate(k);
    }
    found.sort_by(by_similarity);
    Ok(found)
}
