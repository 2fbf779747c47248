//! `eoskb terms`: search ontology terms, or look one up by IRI or CURIE.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::args::TermsArgs;
use crate::cli::render;
use crate::index::DataDir;
use crate::query::ontology::lookup::TermDetails;
use crate::query::{self, KnowledgeBase};

pub fn run(data: &DataDir, args: TermsArgs) -> Result<ExitCode> {
    let kb = KnowledgeBase::open(data, None)?;
    if args.iri.is_some() || args.curie.is_some() {
        let details = lookup(&kb, args.iri.as_deref(), args.curie.as_deref())?;
        let mut out = std::io::stdout().lock();
        if args.json {
            render::json(&mut out, &details)?;
        } else {
            render::terms::details(&mut out, &details)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let request = query::TermSearch {
        q: args.query.unwrap_or_default(),
        ontology: args.ontology,
        kind: args.kind,
        limit: args.limit.min(query::ontology::search::MAX_LIMIT),
        offset: 0,
    };
    if request.q.trim().is_empty() {
        anyhow::bail!("give words to search, or --iri/--curie");
    }
    let response = query::search_terms(&kb, &request)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        render::json(&mut out, &response)?;
    } else {
        render::terms::hits(&mut out, &response)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// One term by IRI or CURIE (expanded with the generation's prefixes), with
/// its hierarchy and annotated articles.
pub fn lookup(kb: &KnowledgeBase, iri: Option<&str>, curie: Option<&str>) -> Result<TermDetails> {
    let iri = query::ontology::lookup::resolve(kb, iri, curie)?;
    Ok(query::lookup_term(kb, &iri)?)
}
