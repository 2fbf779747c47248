//! `eoskb terms`: one term in full, or a page of term search hits.

use std::io::{self, Write};

use crate::query::TermSearchResponse;
use crate::query::ontology::lookup::{TermDetails, TermRef};

/// One term: names, definitions, synonyms, hierarchy, mappings, articles.
pub fn details(out: &mut impl Write, details: &TermDetails) -> io::Result<()> {
    let t = &details.term;
    outln!(
        out,
        "{}  {}",
        t.label.as_deref().unwrap_or("(no label)"),
        t.curie.as_deref().unwrap_or(&t.iri)
    )?;
    outln!(
        out,
        "  iri: {}\n  ontology: {}{}",
        t.iri,
        t.ontology,
        if t.deprecated { "  (deprecated)" } else { "" }
    )?;
    for d in &t.definitions {
        outln!(out, "  definition: {}", d.value)?;
    }
    for s in &t.synonyms {
        outln!(out, "  synonym ({}): {}", s.kind, s.value)?;
    }
    related(out, "parents", &details.parents, details.parents.len())?;
    related(
        out,
        "children",
        &details.children.items,
        details.children.total,
    )?;
    related(
        out,
        "ancestors",
        &details.ancestors.items,
        details.ancestors.total,
    )?;
    related(
        out,
        "descendants",
        &details.descendants.items,
        details.descendants.total,
    )?;
    for m in &t.mappings {
        outln!(out, "  {}: {}", m.relation, m.target)?;
    }
    for a in &details.articles {
        outln!(
            out,
            "  article: {} ({})",
            a.title.as_deref().unwrap_or(""),
            a.id
        )?;
    }
    Ok(())
}

/// `  name (total): label; label; ...`, when there are any.
fn related(out: &mut impl Write, name: &str, list: &[TermRef], total: usize) -> io::Result<()> {
    if total == 0 {
        return Ok(());
    }
    let names: Vec<String> = list
        .iter()
        .map(|r| r.label.clone().or(r.curie.clone()).unwrap_or(r.iri.clone()))
        .collect();
    outln!(out, "  {name} ({total}): {}", names.join("; "))
}

/// A page of term search hits, with what each matched.
pub fn hits(out: &mut impl Write, response: &TermSearchResponse) -> io::Result<()> {
    outln!(out, "{} of {} terms", response.hits.len(), response.total)?;
    for hit in &response.hits {
        outln!(
            out,
            "{}  {}{}\n    matched {} {} `{}`  ·  {}",
            hit.curie.as_deref().unwrap_or(&hit.iri),
            hit.label.as_deref().unwrap_or("(no label)"),
            if hit.deprecated { "  (deprecated)" } else { "" },
            hit.matched.how,
            hit.matched.field,
            hit.matched.value,
            hit.ontology
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_term_details() {
        let sample = samples::term_details();
        golden("term_details", |out| details(out, &sample));
    }

    #[test]
    fn golden_term_hits() {
        let sample = samples::term_hits();
        golden("term_hits", |out| hits(out, &sample));
    }
}
