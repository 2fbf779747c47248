//! `eoskb mcp`: the Model Context Protocol server on standard input/output, for
//! an assistant that starts eoskb itself. Answers from the same data directory
//! as `serve`, with the same limits; standard output carries only protocol
//! messages (logs go to standard error).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::defaults::load_encoder;
use crate::config::Config;
use crate::index::DataDir;
use crate::server::AppState;

pub fn run(data: DataDir, config: Config, model: Option<&Path>) -> Result<ExitCode> {
    let encoder = load_encoder(model)?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime
        .block_on(async move {
            let mut state = AppState::new(data, encoder)
                .with_limits(config.server.clone())
                .with_sparql(config.sparql.clone())
                .with_options(config.query_options())
                .with_config(config);
            // SPARQL in worker processes (started from within the runtime, which
            // loads the first in the background), so that a query past its time
            // limit is stopped.
            if let Ok(program) = std::env::current_exe() {
                state = state.with_sparql_workers(program);
            }
            crate::server::mcp::serve_stdio(state).await
        })
        .context("serving MCP on standard input/output")?;
    Ok(ExitCode::SUCCESS)
}
