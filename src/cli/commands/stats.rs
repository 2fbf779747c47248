//! `eoskb stats`: counts of what is indexed.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::render;
use crate::index::DataDir;
use crate::query::{self, KnowledgeBase};

pub fn run(data: &DataDir, json: bool) -> Result<ExitCode> {
    let kb = KnowledgeBase::open(data, None)?;
    let stats = query::stats(&kb);
    let mut out = std::io::stdout().lock();
    if json {
        render::json(&mut out, &stats)?;
    } else {
        render::stats::stats(&mut out, &stats)?;
    }
    Ok(ExitCode::SUCCESS)
}
