//! `eoskb stats`: counts of what is indexed.

use std::io::{self, Write};

use crate::query::Stats;

pub fn stats(out: &mut impl Write, stats: &Stats) -> io::Result<()> {
    outln!(
        out,
        "{} articles, {} sections, {:.1} MB, indexed {} ({})",
        stats.articles,
        stats.sections,
        stats.index_bytes as f64 / 1e6,
        stats.indexed_at,
        stats.generation
    )?;
    if stats.triples > 0 {
        outln!(
            out,
            "  {} ontologies, {} terms, {} triples in the RDF store",
            stats.ontologies,
            stats.terms,
            stats.triples
        )?;
    }
    for (root, s) in &stats.sources {
        outln!(
            out,
            "  {root}: {} articles, {} sections",
            s.articles,
            s.sections
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_stats() {
        let sample = samples::stats();
        golden("stats", |out| stats(out, &sample));
    }

    #[test]
    fn golden_stats_without_ontologies() {
        let mut sample = samples::stats();
        sample.ontologies = 0;
        sample.terms = 0;
        sample.triples = 0;
        golden("stats_without_ontologies", |out| stats(out, &sample));
    }
}
