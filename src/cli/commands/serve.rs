//! `eoskb serve`: the HTTP API and web page, optionally re-indexing on changes.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::args::ServeArgs;
use crate::cli::defaults::{index_options, load_encoder};
use crate::config::Config;
use crate::index::{DataDir, watch};

pub fn run(
    data: DataDir,
    args: ServeArgs,
    mut config: Config,
    model: Option<&Path>,
) -> Result<ExitCode> {
    if args.no_query_log {
        config.log.enabled = false;
    }
    let encoder = load_encoder(model)?;
    let watch = args.watch.then(|| {
        index_options(
            args.content.content.clone(),
            args.ontology.clone(),
            config.clone(),
            encoder.clone(),
        )
    });
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    // Bound first, so that a busy port is reported before any indexing.
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(args.addr))
        .with_context(|| format!("binding {}", args.addr))?;
    // The index is brought up to date, then re-indexed on changes; the server
    // only follows the generations this publishes.
    let _watch = match watch {
        Some(options) => Some(watch::start(data.clone(), options, || {})?),
        None => None,
    };
    runtime
        .block_on(crate::server::run(listener, data, encoder, &config))
        .with_context(|| format!("serving on {}", args.addr))?;
    Ok(ExitCode::SUCCESS)
}
