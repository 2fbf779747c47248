//! eoskb: a knowledge base and search engine for open-science guidance.
//!
//! Data flows one way: [`ingest`] turns files into [`model`] values, [`index`]
//! writes them into the stores of a data directory, [`query`] answers from those
//! stores, and [`server`] (like the CLI) is a thin face over [`query`]. [`check`]
//! validates content through [`ingest`] against a generation's ontology terms.
//! [`querylog`] records what the server was asked and reports the gaps.
//! [`cli`] is the `eoskb` command line (arguments, commands, text output) that
//! `src/main.rs` dispatches to.

pub mod check;
pub mod cli;
pub mod config;
pub mod embed;
pub mod eval;
pub mod harvest;
pub mod index;
pub mod ingest;
pub mod model;
pub mod query;
pub mod querylog;
pub mod server;
pub mod settings;
pub mod terminal;
pub mod vocab;
