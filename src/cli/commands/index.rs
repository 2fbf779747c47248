//! `eoskb index`: one incremental, atomic index run.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::args::IndexArgs;
use crate::cli::defaults::{index_options, load_encoder};
use crate::cli::render;
use crate::config::Config;
use crate::index::{self, DataDir, IndexOptions};

pub fn run(
    data: &DataDir,
    args: IndexArgs,
    config: Config,
    model: Option<&Path>,
) -> Result<ExitCode> {
    let encoder = load_encoder(model)?;
    let options = IndexOptions {
        strict: args.strict,
        full: args.full,
        reembed: args.reembed,
        ..index_options(args.content.content, args.ontology, config, encoder)
    };
    let report = index::run(data, &options)?;
    render::index::diagnostics(&mut std::io::stderr().lock(), &report.diagnostics)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        render::json(&mut out, &report)?;
    } else {
        render::index::report(&mut out, &report, data.root())?;
    }
    if args.strict && report.errors() > 0 {
        render::index::strict_refusal(&mut std::io::stderr().lock(), &report)?;
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
