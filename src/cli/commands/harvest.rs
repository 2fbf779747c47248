//! `eoskb harvest oai-pmh|datacite`: downloads records into a content folder
//! and prints what changed. The work is `crate::harvest`'s; this runs it on a
//! small runtime and reports.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use url::Url;

use crate::cli::args::{HarvestCommon, HarvestSource};
use crate::harvest::datacite::{self, DataCiteOptions};
use crate::harvest::oai_pmh::{self, OaiOptions};
use crate::harvest::{ClientOptions, FileOptions, HarvestError, RetryPolicy, Summary};
use crate::terminal::escape_controls;

pub fn run(source: HarvestSource) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the harvest's runtime")?;
    let (summary, into) = match source {
        HarvestSource::OaiPmh(args) => {
            if let Some(from) = &args.from {
                check_date(from)?;
            }
            let mut options = OaiOptions::new(parse_url(&args.url)?, args.common.into.clone());
            options.set = args.set;
            options.metadata_prefix = args.metadata_prefix;
            options.from = args.from;
            common(&args.common, &mut options.files, &mut options.client);
            let into = options.into.clone();
            (
                runtime.block_on(interruptible(oai_pmh::harvest(&options))),
                into,
            )
        }
        HarvestSource::Datacite(args) => {
            let mut options =
                DataCiteOptions::new(parse_url(&args.url)?, args.query, args.common.into.clone());
            options.client_id = args.client_id;
            options.page_size = args.page_size;
            common(&args.common, &mut options.files, &mut options.client);
            let into = options.into.clone();
            (
                runtime.block_on(interruptible(datacite::harvest(&options))),
                into,
            )
        }
    };
    let summary = match summary {
        Ok(summary) => summary,
        // Stopped half-way by the network or the disk: say that nothing is lost.
        Err(e @ (HarvestError::Http(_) | HarvestError::Io { .. })) => {
            return Err(anyhow::Error::new(e).context(format!(
                "the harvest stopped; the records written into {} are kept, and the same command goes on from there",
                into.display()
            )));
        }
        Err(e) => return Err(e.into()),
    };
    print(&summary, &into)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs a harvest until it ends or Ctrl-C: then it is dropped, which releases
/// the folder's lock (the records written stay; the next run finds them).
async fn interruptible(
    harvest: impl std::future::Future<Output = Result<Summary, HarvestError>>,
) -> Result<Summary, HarvestError> {
    tokio::select! {
        result = harvest => result,
        _ = tokio::signal::ctrl_c() => Err(HarvestError::Usage(
            "interrupted; the records written so far are kept, and the same command goes on".into(),
        )),
    }
}

fn common(args: &HarvestCommon, files: &mut FileOptions, client: &mut ClientOptions) {
    *files = FileOptions {
        enabled: args.files,
        max_size: args.max_file_size,
    };
    client.retry = RetryPolicy {
        attempts: args.attempts.max(1),
        ..RetryPolicy::default()
    };
}

fn parse_url(text: &str) -> Result<Url> {
    let url = Url::parse(text).with_context(|| format!("`{text}` is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("`{text}`: only http:// and https:// endpoints can be harvested");
    }
    Ok(url)
}

/// OAI-PMH dates: `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ`.
fn check_date(text: &str) -> Result<()> {
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok();
    let second = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ").is_ok();
    if !(day || second) {
        bail!("--from {text}: expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ");
    }
    Ok(())
}

fn print(summary: &Summary, into: &std::path::Path) -> Result<()> {
    // Warnings quote what servers sent: escaped, on standard error.
    let mut err = std::io::stderr().lock();
    for warning in &summary.warnings {
        writeln!(err, "warning: {}", escape_controls(warning))?;
    }
    let mut out = std::io::stdout().lock();
    let how = match (&summary.from, summary.resumed) {
        (_, true) => " (went on from the interrupted run)".to_string(),
        (Some(from), false) => format!(" (changes since {})", escape_controls(from)),
        (None, false) => String::new(),
    };
    writeln!(out, "harvested into {}{how}: {summary}", into.display())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_urls_are_checked_before_anything_is_fetched() {
        assert!(check_date("2024-01-31").is_ok());
        assert!(check_date("2024-01-31T10:00:00Z").is_ok());
        assert!(check_date("2024-13-01").is_err());
        assert!(check_date("yesterday").is_err());
        assert!(parse_url("ftp://x/oai").is_err());
        assert!(parse_url("not a url").is_err());
        assert!(parse_url("https://zenodo.org/oai2d").is_ok());
    }
}
