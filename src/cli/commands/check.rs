//! `eoskb check`: validate content without indexing it.

use std::process::ExitCode;

use anyhow::Result;

use crate::check::{CheckOptions, check};
use crate::cli::args::CheckArgs;
use crate::cli::defaults::{check_content, ontology_paths};
use crate::cli::render;
use crate::config::Config;
use crate::index::DataDir;

/// Exit 1 if there are errors.
pub fn run(data: &DataDir, args: CheckArgs, config: Config) -> Result<ExitCode> {
    let content = check_content(args.content, &args.paths);
    let (ontologies, optional) = ontology_paths(args.ontology);
    let options = CheckOptions {
        paths: args.paths,
        ontologies,
        ontologies_optional: optional,
        data: Some(data.clone()),
        config,
        stale_after_days: args.stale_after,
        ..CheckOptions::new(content)
    };
    let report = check(&options)?;
    let mut out = std::io::stdout().lock();
    if args.format == "json" {
        render::json(&mut out, &report)?;
    } else {
        render::check::findings(&mut out, &report)?;
    }
    drop(out);
    render::check::summary(&mut std::io::stderr().lock(), &report)?;
    Ok(if report.errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
