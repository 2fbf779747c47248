//! The manifest of a generation: what was indexed from where, with content hashes
//! so the next run re-processes only files that changed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Error;
use crate::model::OntologyInfo;

/// Bumped whenever the index layout or analysis changes; a mismatch forces a full
/// rebuild instead of mixing old and new documents.
pub const SCHEMA_VERSION: u32 = 2;

const FILE_NAME: &str = "manifest.json";

/// What one generation holds.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Manifest {
    pub schema_version: u32,
    /// RFC 3339 time the generation was written.
    pub indexed_at: String,
    /// Content folders, in the order given.
    pub roots: Vec<String>,
    /// Indexed files by [`crate::model::SourceRef::key`].
    pub files: BTreeMap<String, FileEntry>,
    /// The embedding model of the generation's vectors, if it has any.
    #[serde(default)]
    pub model_id: Option<String>,
    /// Ontology paths, in the order given.
    #[serde(default)]
    pub ontology_roots: Vec<String>,
    /// Loaded ontology files by [`crate::ingest::ontology::OntologyFile::key`].
    #[serde(default)]
    pub ontologies: BTreeMap<String, OntologyEntry>,
    /// The base IRI and prefixes the content graph was written with; when they
    /// change, the next run rebuilds everything.
    #[serde(default)]
    pub graph_config: GraphConfig,
}

/// The configuration that shapes the stored RDF.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct GraphConfig {
    pub base_iri: String,
    pub prefixes: BTreeMap<String, String>,
}

/// One loaded ontology file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OntologyEntry {
    /// SHA-256 of the file's bytes.
    pub hash: String,
    pub info: OntologyInfo,
}

/// One indexed file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    pub root: String,
    pub path: String,
    /// SHA-256 of the file's bytes.
    pub hash: String,
    pub id: String,
    pub sections: usize,
}

impl Manifest {
    pub fn load(generation: &Path) -> Result<Manifest, Error> {
        let path = generation.join(FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Corrupt(format!("{}: {e}", path.display())))
    }

    pub fn save(&self, generation: &Path) -> Result<(), Error> {
        let path = generation.join(FILE_NAME);
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Corrupt(format!("manifest: {e}")))?;
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
    }

    pub fn articles(&self) -> usize {
        self.files.len()
    }

    pub fn sections(&self) -> usize {
        self.files.values().map(|f| f.sections).sum()
    }
}

/// Hex SHA-256 of some bytes.
pub fn hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
