//! Which namespaces of the generation's prefix table hold terms of the loaded
//! ontologies: a page that shows IRIs (SPARQL results) links an IRI in one of
//! them to its term page, without a lookup per IRI.

use crate::query::{Error, KnowledgeBase};

/// The namespaces (each once, in prefix order) under which the term index holds
/// at least one term; empty without a term index.
pub fn term_namespaces(kb: &KnowledgeBase) -> Result<Vec<String>, Error> {
    let Some(terms) = &kb.terms else {
        return Ok(Vec::new());
    };
    let searcher = terms.reader.searcher();
    let mut found: Vec<String> = Vec::new();
    for namespace in kb.manifest().graph_config.prefixes.values() {
        if found.contains(namespace) {
            continue;
        }
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(terms.index.fields.iri)?;
            // The first indexed IRI at or after the namespace: a term of it if
            // it starts with the namespace and is longer.
            let mut stream = index
                .terms()
                .range()
                .ge(namespace.as_bytes())
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            if stream.advance()
                && stream.key().len() > namespace.len()
                && stream.key().starts_with(namespace.as_bytes())
            {
                found.push(namespace.clone());
                break;
            }
        }
    }
    Ok(found)
}
