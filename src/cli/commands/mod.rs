//! One module per command family: each `run` takes the parsed arguments (and
//! what `main` prepared: the data directory, the configuration, the `--model`
//! path), does the work through the library, prints with [`render`](super::render)
//! to the locked standard output, and returns the exit code.

pub mod ask;
pub mod check;
pub mod eval;
pub mod gaps;
pub mod harvest;
pub mod index;
pub mod mcp;
pub mod search;
pub mod serve;
pub mod show;
pub mod sparql;
pub mod stats;
pub mod terms;
