//! The `eoskb` command line: a thin face over the library, like the HTTP server.
//! This file parses the arguments, sets up logging and the configuration, and
//! dispatches to `eoskb::cli::commands`; what each command does and prints
//! lives there (`src/cli/`).

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use eoskb::cli::args::{Cli, Command};
use eoskb::cli::commands;
use eoskb::config::Config;
use eoskb::index::DataDir;
use eoskb::terminal::escape_controls;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(code) => code,
        // The reader went away (`eoskb terms x | head`): stop quietly, as
        // other command-line tools do.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Errors quote files and queries: escaped like everything printed.
            eprintln!("{}", escape_controls(&format!("error: {e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "eoskb=info,tower_http=warn",
        1 => "eoskb=debug,tower_http=debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn run(cli: Cli) -> Result<ExitCode> {
    // The worker needs neither configuration nor model: it only loads a store.
    let command = match cli.command {
        Command::SparqlWorker {
            generation,
            memory_limit,
        } => return commands::sparql::worker(&generation, memory_limit),
        // Harvesting writes a content folder: no data directory or configuration.
        Command::Harvest(source) => return commands::harvest::run(source),
        other => other,
    };
    let data = DataDir::new(&cli.data);
    let config = Config::load(cli.config.as_deref())?;
    let model = cli.model.as_deref();
    match command {
        Command::SparqlWorker { .. } | Command::Harvest(_) => unreachable!("handled above"),
        Command::Index(args) => commands::index::run(&data, args, config, model),
        Command::Serve(args) => commands::serve::run(data, args, config, model),
        Command::Mcp => commands::mcp::run(data, config, model),
        Command::Search(args) => commands::search::run(&data, args, &config, model),
        Command::Ask(args) => commands::ask::run(&data, args, &config, model),
        Command::Show { id, json } => commands::show::run(&data, &id, json),
        Command::Eval(args) => commands::eval::run(args, &config, model),
        Command::Sparql(args) => commands::sparql::run(&data, args, &config),
        Command::Terms(args) => commands::terms::run(&data, args),
        Command::Check(args) => commands::check::run(&data, args, config),
        Command::Gaps(args) => commands::gaps::run(&data, args, &config, model),
        Command::Stats { json } => commands::stats::run(&data, json),
    }
}
