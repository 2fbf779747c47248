//! `eoskb gaps`: the badly answered questions and the "not helpful" feedback,
//! as tables.

use std::io::{self, Write};
use std::path::Path;

use crate::querylog::GapsReport;
use crate::querylog::gaps::Variant;

/// The report; `dir` is the log folder it read (named when nothing was logged).
pub fn report(out: &mut impl Write, report: &GapsReport, dir: &Path) -> io::Result<()> {
    let day = |t: &chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    outln!(
        out,
        "{} to {}: {} searches, {} asks, {} feedback; {} answered badly, in {} groups",
        day(&report.since),
        day(&report.until),
        report.searches,
        report.asks,
        report.feedback,
        report.unanswered,
        report.gap_groups,
    )?;
    match &report.note {
        Some(note) => outln!(out, "note: {note}")?,
        None => outln!(
            out,
            "grouped by meaning (similarity >= {:.2}); low score = best similarity < {:.2}",
            report.group_similarity,
            report.low_similarity
        )?,
    }
    if report.skipped_lines > 0 {
        outln!(out, "skipped {} damaged log lines", report.skipped_lines)?;
    }
    for problem in &report.problems {
        outln!(out, "problem: {problem}")?;
    }
    if report.searches + report.asks + report.feedback == 0 {
        return outln!(
            out,
            "\nnothing logged in {} for this period (`eoskb serve` writes it)",
            dir.display()
        );
    }
    let quote = |v: &Variant| format!("\"{}\" ({})", v.query, v.count);
    if !report.gaps.is_empty() {
        outln!(
            out,
            "\n{:>6}  {:<16}  {:>7} {:>6} {:>5}  question",
            "count",
            "last seen",
            "no-hits",
            "low",
            "unans"
        )?;
    }
    for gap in &report.gaps {
        outln!(
            out,
            "{:>6}  {:<16}  {:>7} {:>6} {:>5}  {}",
            gap.count,
            day(&gap.last_seen),
            gap.reasons.no_hits,
            gap.reasons.low_score,
            gap.reasons.unanswered,
            gap.question
        )?;
        let others: Vec<String> = gap.variants.iter().skip(1).map(quote).collect();
        if !others.is_empty() {
            outln!(out, "{:>49}also: {}", "", others.join(", "))?;
        }
    }
    if !report.negative_feedback.is_empty() {
        outln!(
            out,
            "\nmost \"not helpful\" feedback:\n{:>4} {:>4}  question",
            "-",
            "+"
        )?;
    }
    for group in &report.negative_feedback {
        outln!(
            out,
            "{:>4} {:>4}  {}",
            group.negative,
            group.positive,
            group.question
        )?;
        let results: Vec<String> = group
            .results
            .iter()
            .filter(|r| r.negative > 0)
            .map(|r| {
                format!(
                    "{} (-{} +{})",
                    r.id.as_deref().unwrap_or("the answer"),
                    r.negative,
                    r.positive
                )
            })
            .collect();
        outln!(out, "{:>11}unhelpful: {}", "", results.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_gaps_report() {
        let sample = samples::gaps_report();
        golden("gaps_report", |out| {
            report(out, &sample, Path::new("data/logs"))
        });
    }

    #[test]
    fn golden_gaps_nothing_logged() {
        let sample = samples::gaps_report_empty();
        golden("gaps_nothing_logged", |out| {
            report(out, &sample, Path::new("data/logs"))
        });
    }
}
