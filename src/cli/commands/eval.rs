//! `eoskb eval`: retrieval quality on a BEIR collection, or `ask`'s on judged
//! questions (`--ask`).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::args::EvalArgs;
use crate::cli::defaults::load_encoder;
use crate::cli::render;
use crate::config::Config;
use crate::embed::SETUP_HINT;
use crate::query::Mode;

pub fn run(args: EvalArgs, config: &Config, model: Option<&Path>) -> Result<ExitCode> {
    if args.ask.is_some() {
        ask(args, config, model)
    } else {
        beir(args, model)
    }
}

fn beir(args: EvalArgs, model: Option<&Path>) -> Result<ExitCode> {
    let modes: Vec<Mode> = match args.mode.as_str() {
        "all" => vec![Mode::Keyword, Mode::Semantic, Mode::Hybrid],
        other => vec![other.parse().map_err(anyhow::Error::msg)?],
    };
    let encoder = if modes.iter().any(|m| *m != Mode::Keyword) {
        let encoder = load_encoder(model)?;
        anyhow::ensure!(
            encoder.is_some(),
            "semantic and hybrid evaluation need a model: {}",
            SETUP_HINT
        );
        encoder
    } else {
        None
    };
    let collection_dir = args.beir.context("--beir or --ask is required")?;
    let (collection, qrels) = crate::eval::load_with_qrels(&collection_dir, &args.split)?;
    let report = crate::eval::run(
        &collection,
        &qrels,
        &modes,
        encoder,
        args.fusion,
        args.keep.as_deref(),
    )?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let scores: std::collections::BTreeMap<_, _> =
            report.modes.iter().map(|(m, r)| (*m, r.scores)).collect();
        render::json(&mut out, &scores)?;
    } else {
        render::eval::beir(&mut out, &report, &collection_dir, &args.split)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn ask(args: EvalArgs, config: &Config, model: Option<&Path>) -> Result<ExitCode> {
    let (Some(dir), Some(content)) = (args.ask.as_deref(), args.content.as_deref()) else {
        anyhow::bail!("--ask needs --content");
    };
    let encoder =
        load_encoder(model)?.with_context(|| format!("ask needs the model: {SETUP_HINT}"))?;
    let questions = crate::eval::ask::load_questions(dir)?;
    let params = args.configured.then_some(config.ask);
    let report = crate::eval::ask::run(content, &questions, encoder, params, args.keep.as_deref())?;
    let mut out = std::io::stdout().lock();
    if args.json {
        render::json(&mut out, &report)?;
    } else {
        render::eval::ask(&mut out, &report, content, questions.len())?;
    }
    Ok(ExitCode::SUCCESS)
}
