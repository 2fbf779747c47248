//! `eoskb search`: keyword, semantic or hybrid search from the terminal.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::args::SearchArgs;
use crate::cli::defaults::load_encoder;
use crate::cli::render;
use crate::config::Config;
use crate::index::DataDir;
use crate::model::Facet;
use crate::query::{self, KnowledgeBase, Mode, SearchRequest};
use crate::server::view::SearchView;

pub fn run(
    data: &DataDir,
    args: SearchArgs,
    config: &Config,
    model: Option<&Path>,
) -> Result<ExitCode> {
    // Keyword search needs no model: it is not loaded (nor its absence warned about).
    let encoder = match args.mode {
        Mode::Keyword => None,
        _ => load_encoder(model)?,
    };
    let kb = KnowledgeBase::open(data, encoder)?.with_options(config.query_options());
    let mut request = SearchRequest::new(args.query)
        .with_limit(args.limit)
        .with_offset(args.offset)
        .with_mode(args.mode)
        .with_explain(args.explain)
        .with_recognise(!args.no_recognise)
        .with_facet_limit(args.facet_limit);
    for (facet, values) in [
        (Facet::Kind, args.kind),
        (Facet::Audience, args.audience),
        (Facet::Fair, args.fair),
        (Facet::Tags, args.tag),
        (Facet::Projects, args.project),
        (Facet::Terms, args.term),
        (Facet::Communities, args.community),
        (Facet::Year, args.year),
        (Facet::License, args.license),
    ] {
        request = request.with_filter(facet, values);
    }
    let response = query::search(&kb, &request)?;
    let stdout = std::io::stdout();
    let color = stdout.is_terminal();
    let mut out = stdout.lock();
    if args.json {
        render::json(&mut out, &SearchView::new(&response))?;
    } else {
        render::search::hits(&mut out, &response, request.offset, color)?;
    }
    Ok(ExitCode::SUCCESS)
}
