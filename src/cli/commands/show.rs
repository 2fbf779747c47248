//! `eoskb show`: one article by id.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::render;
use crate::index::DataDir;
use crate::query::{self, KnowledgeBase};
use crate::server::view::DocView;

pub fn run(data: &DataDir, id: &str, json: bool) -> Result<ExitCode> {
    let kb = KnowledgeBase::open(data, None)?;
    let view = query::get_article(&kb, id)?;
    let mut out = std::io::stdout().lock();
    if json {
        render::json(&mut out, &DocView::new(&view))?;
    } else {
        render::article::article(&mut out, &view)?;
    }
    Ok(ExitCode::SUCCESS)
}
