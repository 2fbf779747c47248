//! `eoskb ask`: a question answered with quoted, cited passages.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::args::AskArgs;
use crate::cli::defaults::load_encoder;
use crate::cli::render;
use crate::config::Config;
use crate::index::DataDir;
use crate::query::{self, KnowledgeBase};
use crate::server::view::AnswerView;

pub fn run(
    data: &DataDir,
    args: AskArgs,
    config: &Config,
    model: Option<&Path>,
) -> Result<ExitCode> {
    let encoder = load_encoder(model)?;
    let kb = KnowledgeBase::open(data, encoder)?.with_options(config.query_options());
    let answer = query::ask(&kb, &args.question, &kb.options().ask)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        render::json(&mut out, &AnswerView::new(&answer))?;
    } else {
        render::ask::answer(&mut out, &answer)?;
    }
    Ok(ExitCode::SUCCESS)
}
