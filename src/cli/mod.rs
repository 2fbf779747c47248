//! The `eoskb` command line, as a library: [`args`] (the clap definitions and
//! `--help` text), [`defaults`] (what is assumed when not told: model,
//! ontology and content folders), [`commands`] (one `run` per command family)
//! and [`render`] (the text output, written to any `Write`, with golden-output
//! tests). `src/main.rs` only parses, sets up logging and configuration, and
//! dispatches here. Like the server, it is a thin face over [`query`](crate::query).

pub mod args;
pub mod commands;
pub mod defaults;
pub mod render;
