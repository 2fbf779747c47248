//! `eoskb eval`: retrieval scores per mode on a BEIR collection, and `ask`'s
//! calibration and accuracy on judged questions.

use std::io::{self, Write};
use std::path::Path;

use crate::eval::Report;
use crate::eval::ask::AskReport;

/// The scores table; `collection` and `split` are what was evaluated.
pub fn beir(
    out: &mut impl Write,
    report: &Report,
    collection: &Path,
    split: &str,
) -> io::Result<()> {
    outln!(
        out,
        "{}: {} documents, {} judged queries ({} split), indexed in {:.1} s",
        collection.display(),
        report.documents,
        report.queries,
        split,
        report.index_seconds
    )?;
    outln!(
        out,
        "{:<10} {:>8} {:>11} {:>8} {:>10}",
        "mode",
        "nDCG@10",
        "Recall@100",
        "MRR@10",
        "ms/query"
    )?;
    for (mode, r) in &report.modes {
        outln!(
            out,
            "{mode:<10} {:>8.4} {:>11.4} {:>8.4} {:>10.2}",
            r.scores.ndcg_10,
            r.scores.recall_100,
            r.scores.mrr_10,
            r.query_ms
        )?;
    }
    Ok(())
}

/// The parameters used, each split's outcomes, and the latency; `content` and
/// `questions` are what was evaluated.
pub fn ask(
    out: &mut impl Write,
    report: &AskReport,
    content: &Path,
    questions: usize,
) -> io::Result<()> {
    outln!(
        out,
        "{}: {} articles, {} passages, indexed in {:.1} s; {} questions",
        content.display(),
        report.articles,
        report.passages,
        report.index_seconds,
        questions
    )?;
    let p = &report.params;
    outln!(
        out,
        "params: similarity_weight = {}, overlap_weight = {}, article_weight = {}, threshold = {}, slope = {}",
        p.similarity_weight,
        p.overlap_weight,
        p.article_weight,
        p.threshold,
        p.slope
    )?;
    for (name, split) in [("calibration", &report.calibration), ("test", &report.test)] {
        outln!(
            out,
            "{name:<12} first citation answers {}/{} ({:.1} %), first passage {}/{}, answerable refused {}, unanswerable refused {}/{} ({:.1} %)",
            split.first_citation_correct,
            split.answerable,
            100.0 * split.first_citation_accuracy(),
            split.first_passage_correct,
            split.answerable,
            split.answerable_refused,
            split.unanswerable_refused,
            split.unanswerable,
            100.0 * split.refusal_rate()
        )?;
        if !split.misses.is_empty() {
            outln!(out, "{:<12} misses: {}", "", split.misses.join(" "))?;
        }
    }
    let l = &report.latency_ms;
    outln!(
        out,
        "ask latency: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms",
        l.p50,
        l.p90,
        l.p99
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_eval_beir() {
        let sample = samples::beir_report();
        golden("eval_beir", |out| {
            beir(out, &sample, Path::new("benches/scifact"), "test")
        });
    }

    #[test]
    fn golden_eval_ask() {
        let sample = samples::ask_report();
        golden("eval_ask", |out| {
            ask(out, &sample, Path::new("../shared/rdmkit"), 40)
        });
    }
}
