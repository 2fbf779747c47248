//! The loaded ontologies: header fields and counts recorded by the index run.

use crate::model::OntologyInfo;
use crate::query::KnowledgeBase;

/// Every loaded ontology, in source order.
pub fn list_ontologies(kb: &KnowledgeBase) -> Vec<OntologyInfo> {
    kb.manifest
        .ontologies
        .values()
        .map(|e| e.info.clone())
        .collect()
}
