//! Fusion of the keyword and semantic result lists.

use std::collections::HashMap;

use tantivy::DocAddress;

use super::semantic::SemanticMatch;
use crate::settings::Fusion;

/// One article of the fused list, with what each side said about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fused {
    pub doc: DocAddress,
    pub score: f32,
    pub keyword_rank: Option<usize>,
    pub keyword_score: Option<f32>,
    pub semantic_rank: Option<usize>,
    pub similarity: Option<f32>,
    pub semantic_section: Option<u32>,
}

/// The cosine similarity below which a text is unrelated to the question: the
/// sentence encoder puts unrelated texts between 0 and this. Convex fusion
/// scales similarities from the weakest candidate up; the semantic list always
/// holds 100 candidates, so in a small collection its tail is whatever the
/// collection has least to do with the question, and 50 unrelated records
/// (a projects' output catalogue beside how-to guidance) would lower the
/// floor and shrink every difference between the related articles, handing
/// the order to the keyword side. Unrelated candidates all count as 0
/// instead; in a large collection the 100th candidate is above this anyway.
pub const UNRELATED_SIMILARITY: f32 = 0.1;

/// Fuses the lists (each best first). With no keyword list, the semantic order
/// and similarities are kept as they are.
pub fn fuse(
    keyword: &[(f32, DocAddress)],
    semantic: &[SemanticMatch],
    fusion: Fusion,
) -> Vec<Fused> {
    let mut by_doc: HashMap<DocAddress, Fused> = HashMap::new();
    for (rank, (score, doc)) in keyword.iter().enumerate() {
        let f = by_doc.entry(*doc).or_insert_with(|| empty(*doc));
        f.keyword_rank = Some(rank + 1);
        f.keyword_score = Some(*score);
    }
    for (rank, m) in semantic.iter().enumerate() {
        let f = by_doc.entry(m.doc).or_insert_with(|| empty(m.doc));
        f.semantic_rank = Some(rank + 1);
        f.similarity = Some(m.similarity);
        f.semantic_section = Some(m.section);
    }
    let keyword_range = min_max(keyword.iter().map(|(s, _)| *s));
    let (lo, hi) = min_max(semantic.iter().map(|m| m.similarity));
    let semantic_range = (lo.max(UNRELATED_SIMILARITY).min(hi), hi);
    for f in by_doc.values_mut() {
        f.score = if keyword.is_empty() {
            f.similarity.unwrap_or(0.0)
        } else {
            match fusion {
                Fusion::Rrf { k } => {
                    let part = |rank: Option<usize>| rank.map_or(0.0, |r| 1.0 / (k + r as f32));
                    part(f.keyword_rank) + part(f.semantic_rank)
                }
                Fusion::Convex { semantic_weight } => {
                    let kw = f.keyword_score.map_or(0.0, |s| normalise(s, keyword_range));
                    let sem = f.similarity.map_or(0.0, |s| normalise(s, semantic_range));
                    semantic_weight * sem + (1.0 - semantic_weight) * kw
                }
            }
        };
    }
    let mut fused: Vec<Fused> = by_doc.into_values().collect();
    fused.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    fused
}

/// An article in the fused list before any method has scored it.
pub(super) fn empty(doc: DocAddress) -> Fused {
    Fused {
        doc,
        score: 0.0,
        keyword_rank: None,
        keyword_score: None,
        semantic_rank: None,
        similarity: None,
        semantic_section: None,
    }
}

fn min_max(scores: impl Iterator<Item = f32>) -> (f32, f32) {
    scores.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), s| {
        (lo.min(s), hi.max(s))
    })
}

/// `score` on [0, 1] between `lo` and `hi`; below `lo` (an unrelated
/// candidate under a raised floor) is 0.
fn normalise(score: f32, (lo, hi): (f32, f32)) -> f32 {
    if hi > lo {
        ((score - lo) / (hi - lo)).max(0.0)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: u32) -> DocAddress {
        DocAddress::new(0, i)
    }

    fn sem(i: u32, s: f32) -> SemanticMatch {
        SemanticMatch {
            doc: doc(i),
            similarity: s,
            section: 0,
        }
    }

    #[test]
    fn rrf_rewards_agreement() {
        let keyword = [(9.0, doc(1)), (5.0, doc(2)), (1.0, doc(3))];
        let semantic = [sem(2, 0.9), sem(3, 0.8)];
        let fused = fuse(&keyword, &semantic, Fusion::Rrf { k: 60.0 });
        let order: Vec<u32> = fused.iter().map(|f| f.doc.doc_id).collect();
        assert_eq!(order, [2, 3, 1]);
        assert!((fused[0].score - (1.0 / 62.0 + 1.0 / 61.0)).abs() < 1e-6);
        assert_eq!(fused[0].keyword_rank, Some(2));
        assert_eq!(fused[0].semantic_rank, Some(1));
        assert_eq!(fused[2].semantic_rank, None);
    }

    #[test]
    fn convex_normalises_each_side() {
        let keyword = [(10.0, doc(1)), (0.0, doc(2))];
        let semantic = [sem(2, 0.9), sem(1, 0.1)];
        let fused = fuse(
            &keyword,
            &semantic,
            Fusion::Convex {
                semantic_weight: 0.75,
            },
        );
        assert_eq!(fused[0].doc, doc(2));
        assert!((fused[0].score - 0.75).abs() < 1e-6 && (fused[1].score - 0.25).abs() < 1e-6);
    }

    #[test]
    fn unrelated_candidates_do_not_set_the_semantic_scale() {
        // As for "how do I move terabytes of data ...": 1 has the question's
        // words, 2 its meaning; 3 is the weakest related article.
        let keyword = [(11.0, doc(1)), (6.8, doc(2)), (0.4, doc(3))];
        let related = || vec![sem(2, 0.68), sem(1, 0.42), sem(3, 0.09)];
        let mut with_tail = related();
        // 50 unrelated records fill the rest of the list.
        with_tail.extend((10..60).map(|i| sem(i, 0.001 * (i - 10) as f32)));
        let alone = fuse(&keyword, &related(), Fusion::default());
        let beside = fuse(&keyword, &with_tail, Fusion::default());
        for d in 1..=3 {
            let score = |fused: &[Fused]| {
                fused
                    .iter()
                    .find(|f| f.doc == doc(d))
                    .map_or(f32::NAN, |f| f.score)
            };
            assert!((score(&alone) - score(&beside)).abs() < 1e-6, "{d}");
        }
        assert_eq!(beside[0].doc, doc(2));
        assert!(
            beside
                .iter()
                .filter(|f| f.doc.doc_id >= 10)
                .all(|f| f.score == 0.0)
        );
    }

    #[test]
    fn semantic_only_keeps_similarities() {
        let fused = fuse(&[], &[sem(4, 0.7), sem(5, 0.6)], Fusion::default());
        assert_eq!(
            fused.iter().map(|f| f.score).collect::<Vec<_>>(),
            vec![0.7, 0.6]
        );
    }
}
