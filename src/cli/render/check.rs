//! `eoskb check`: the findings (`path:line:col: severity: message [rule]`) and
//! the summary line.

use std::io::{self, Write};

use crate::check::CheckReport;

/// One finding per line.
pub fn findings(out: &mut impl Write, report: &CheckReport) -> io::Result<()> {
    for finding in &report.findings {
        outln!(out, "{finding}")?;
    }
    Ok(())
}

/// Files read, time taken, and the counts (for standard error).
pub fn summary(out: &mut impl Write, report: &CheckReport) -> io::Result<()> {
    outln!(
        out,
        "checked {} files in {:.0} ms: {} errors, {} warnings",
        report.files,
        report.took.as_secs_f64() * 1000.0,
        report.errors,
        report.warnings
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_check_findings_and_summary() {
        let sample = samples::check_report();
        golden("check_report", |out| {
            findings(out, &sample)?;
            summary(out, &sample)
        });
    }
}
