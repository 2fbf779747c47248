//! What the knowledge base holds.

use std::collections::BTreeMap;

use serde::Serialize;

use super::KnowledgeBase;
use crate::index::datadir::tree_size;

/// Counts of what is indexed.
#[derive(Debug, Serialize)]
pub struct Stats {
    pub articles: usize,
    pub sections: usize,
    /// Per content folder: articles and sections.
    pub sources: BTreeMap<String, SourceStats>,
    /// Ontology files loaded, ontology terms indexed, and triples in the store
    /// (ontologies and the content graph).
    pub ontologies: usize,
    pub terms: usize,
    pub triples: usize,
    /// Bytes on disk of the live generation.
    pub index_bytes: u64,
    /// When the live generation was written (RFC 3339).
    pub indexed_at: String,
    pub generation: String,
}

#[derive(Debug, Default, Serialize)]
pub struct SourceStats {
    pub articles: usize,
    pub sections: usize,
}

pub fn stats(kb: &KnowledgeBase) -> Stats {
    let manifest = &kb.manifest;
    let mut sources: BTreeMap<String, SourceStats> = manifest
        .roots
        .iter()
        .map(|r| (r.clone(), SourceStats::default()))
        .collect();
    for entry in manifest.files.values() {
        let s = sources.entry(entry.root.clone()).or_default();
        s.articles += 1;
        s.sections += entry.sections;
    }
    Stats {
        articles: manifest.articles(),
        sections: manifest.sections(),
        sources,
        ontologies: manifest.ontologies.len(),
        terms: manifest
            .ontologies
            .values()
            .map(|o| o.info.counts.terms)
            .sum(),
        triples: kb.graph.store().len().unwrap_or(0),
        index_bytes: tree_size(&kb.generation),
        indexed_at: manifest.indexed_at.clone(),
        generation: kb
            .generation
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}
