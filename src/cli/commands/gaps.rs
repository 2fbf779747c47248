//! `eoskb gaps`: what the knowledge base answered badly, from the query log.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::args::GapsArgs;
use crate::cli::defaults::load_encoder;
use crate::cli::render;
use crate::config::Config;
use crate::index::DataDir;
use crate::querylog::{GapsOptions, gaps_report, parse_since};

pub fn run(
    data: &DataDir,
    args: GapsArgs,
    config: &Config,
    model: Option<&Path>,
) -> Result<ExitCode> {
    // The model groups questions by meaning; without it, by normalised text.
    let encoder = load_encoder(model)?;
    let since = parse_since(&args.since, chrono::Utc::now())?;
    let options = GapsOptions::new(since, args.limit, &config.log);
    let report = gaps_report(&data.logs(), &options, encoder.as_deref());
    let mut out = std::io::stdout().lock();
    if args.format == "json" {
        render::json(&mut out, &report)?;
    } else {
        render::gaps::report(&mut out, &report, &data.logs())?;
    }
    Ok(ExitCode::SUCCESS)
}
