//! `eoskb index`: the run's report.

use std::io::{self, Write};
use std::path::Path;

use crate::index::IndexReport;
use crate::ingest::Diagnostic;

/// Paths listed per change (added, changed, deleted); more are only counted.
const LISTED: usize = 20;

/// The run's problems, one per line (`path:line:col: severity: message`).
pub fn diagnostics(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for diagnostic in diagnostics {
        outln!(out, "{diagnostic}")?;
    }
    Ok(())
}

/// What the run did; `data` is the data directory it published to.
pub fn report(out: &mut impl Write, report: &IndexReport, data: &Path) -> io::Result<()> {
    let mode = if report.full_rebuild {
        "full"
    } else {
        "incremental"
    };
    outln!(
        out,
        "{mode} index of {} files in {:.0} ms: {} added, {} changed, {} deleted, {} unchanged; {} errors, {} warnings",
        report.files,
        report.took.as_secs_f64() * 1000.0,
        report.added.len(),
        report.changed.len(),
        report.deleted.len(),
        report.unchanged,
        report.errors(),
        report.warnings(),
    )?;
    for (label, paths) in [
        ("added", &report.added),
        ("changed", &report.changed),
        ("deleted", &report.deleted),
    ] {
        if !paths.is_empty() && paths.len() <= LISTED && !report.full_rebuild {
            for path in paths {
                outln!(out, "  {label}: {path}")?;
            }
        }
    }
    if report.embedded > 0 {
        outln!(
            out,
            "embedded {} section pieces with {}",
            report.embedded,
            report.model.as_deref().unwrap_or("?")
        )?;
    }
    if !report.ontologies_loaded.is_empty() || !report.ontologies_deleted.is_empty() {
        outln!(
            out,
            "ontologies: {} loaded, {} deleted, {} in the store",
            report.ontologies_loaded.len(),
            report.ontologies_deleted.len(),
            report.ontologies
        )?;
    }
    if report.published {
        outln!(
            out,
            "published {} articles, {} sections to {}",
            report.articles,
            report.sections,
            data.display()
        )?;
    } else if report.reprocessed() == 0 && report.deleted.is_empty() {
        outln!(out, "index is up to date ({} articles)", report.articles)?;
    }
    Ok(())
}

/// Why a `--strict` run published nothing.
pub fn strict_refusal(out: &mut impl Write, report: &IndexReport) -> io::Result<()> {
    outln!(
        out,
        "--strict: {} error(s); nothing published, the previous index stays live",
        report.errors()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_index_report_incremental() {
        let sample = samples::index_report();
        golden("index_report", |out| {
            report(out, &sample, Path::new("/srv/eoskb/data"))
        });
    }

    #[test]
    fn golden_index_report_up_to_date() {
        let sample = samples::index_report_up_to_date();
        golden("index_report_up_to_date", |out| {
            report(out, &sample, Path::new("data"))
        });
    }

    #[test]
    fn golden_index_diagnostics_and_strict_refusal() {
        let sample = samples::index_report();
        golden("index_diagnostics", |out| {
            diagnostics(out, &sample.diagnostics)?;
            strict_refusal(out, &sample)
        });
    }
}
