//! nDCG@10, Recall@100 and MRR@10 with trec_eval's semantics (as BEIR computes
//! them through pytrec_eval): graded gains, log2 discount, ideal ranking from the
//! judgments, ties broken by document id, queries without judgments excluded.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// Judgments: query id → document id → grade.
pub type Qrels = BTreeMap<String, HashMap<String, i32>>;

/// Mean scores over the judged queries.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Scores {
    #[serde(rename = "ndcg@10")]
    pub ndcg_10: f64,
    #[serde(rename = "recall@100")]
    pub recall_100: f64,
    #[serde(rename = "mrr@10")]
    pub mrr_10: f64,
}

/// Scores `runs` (query id → ranked (doc id, score)) against `qrels`.
pub fn evaluate(qrels: &Qrels, runs: &BTreeMap<String, Vec<(String, f32)>>) -> Scores {
    let mut totals = (0.0, 0.0, 0.0);
    let mut judged = 0usize;
    for (query, judgments) in qrels {
        if !judgments.values().any(|g| *g > 0) {
            continue;
        }
        judged += 1;
        let mut ranking: Vec<(String, f32)> = runs.get(query).cloned().unwrap_or_default();
        // trec_eval orders by score, then by document id, both descending.
        ranking.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        let grade = |doc: &str| judgments.get(doc).copied().unwrap_or(0).max(0) as f64;

        let dcg: f64 = ranking
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, (d, _))| grade(d) / (i as f64 + 2.0).log2())
            .sum();
        let mut ideal: Vec<f64> = judgments.values().map(|g| (*g).max(0) as f64).collect();
        ideal.sort_by(|a, b| b.total_cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, g)| g / (i as f64 + 2.0).log2())
            .sum();
        let ndcg = if idcg > 0.0 { dcg / idcg } else { 0.0 };

        let relevant = judgments.values().filter(|g| **g > 0).count() as f64;
        let found = ranking
            .iter()
            .take(100)
            .filter(|(d, _)| grade(d) > 0.0)
            .count() as f64;
        let recall = found / relevant;

        let mrr = ranking
            .iter()
            .take(10)
            .position(|(d, _)| grade(d) > 0.0)
            .map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
        totals.0 += ndcg;
        totals.1 += recall;
        totals.2 += mrr;
    }
    let n = judged.max(1) as f64;
    Scores {
        ndcg_10: totals.0 / n,
        recall_100: totals.1 / n,
        mrr_10: totals.2 / n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(docs: &[&str]) -> Vec<(String, f32)> {
        docs.iter()
            .enumerate()
            .map(|(i, d)| (d.to_string(), 10.0 - i as f32))
            .collect()
    }

    /// Computed by hand:
    /// q1 judges a=2, b=1; ranking [x, a, y, b]:
    ///   DCG = 2/log2(3) + 1/log2(5) = 1.261860 + 0.430677 = 1.692537
    ///   IDCG = 2/log2(2) + 1/log2(3) = 2 + 0.630930 = 2.630930
    ///   nDCG = 0.643320; recall = 1; MRR = 1/2.
    /// q2 judges c=1; ranking [d]: all 0.
    /// q3 has no positive judgment: excluded.
    #[test]
    fn hand_computed_example() {
        let mut qrels = Qrels::new();
        qrels.insert(
            "q1".into(),
            HashMap::from([("a".into(), 2), ("b".into(), 1)]),
        );
        qrels.insert("q2".into(), HashMap::from([("c".into(), 1)]));
        qrels.insert("q3".into(), HashMap::from([("e".into(), 0)]));
        let mut runs = BTreeMap::new();
        runs.insert("q1".to_string(), run(&["x", "a", "y", "b"]));
        runs.insert("q2".to_string(), run(&["d"]));
        let s = evaluate(&qrels, &runs);
        assert!((s.ndcg_10 - 0.643320 / 2.0).abs() < 1e-5, "{s:?}");
        assert!((s.recall_100 - 0.5).abs() < 1e-9);
        assert!((s.mrr_10 - 0.25).abs() < 1e-9);
    }

    #[test]
    fn ties_break_by_descending_doc_id_and_cutoffs_apply() {
        let mut qrels = Qrels::new();
        qrels.insert("q".into(), HashMap::from([("a".into(), 1)]));
        let mut runs = BTreeMap::new();
        // Equal scores: trec_eval ranks "b" before "a".
        runs.insert(
            "q".to_string(),
            vec![("a".to_string(), 1.0), ("b".to_string(), 1.0)],
        );
        let s = evaluate(&qrels, &runs);
        assert!((s.mrr_10 - 0.5).abs() < 1e-9);
        // Relevant at rank 11: outside @10, inside @100.
        let mut docs: Vec<String> = (0..10).map(|i| format!("n{i}")).collect();
        docs.push("a".into());
        let ranking = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.clone(), 100.0 - i as f32))
            .collect();
        runs.insert("q".to_string(), ranking);
        let s = evaluate(&qrels, &runs);
        assert_eq!((s.ndcg_10, s.mrr_10, s.recall_100), (0.0, 0.0, 1.0));
    }
}
