//! The manifest of a generation: what was indexed from where, with content hashes
//! so the next run re-processes only files that changed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Error;
use crate::model::OntologyInfo;

/// Bumped whenever the index layout or analysis changes; a mismatch forces a full
/// rebuild instead of mixing old and new documents.
pub const SCHEMA_VERSION: u32 = 4;

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

impl GraphConfig {
    /// IRI of an article in the graph this generation was written with.
    pub fn article_iri(&self, id: &str) -> String {
        crate::config::article_iri(&self.base_iri, id)
    }
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
    /// The items the file yields: one for a Markdown article, many for a harvest
    /// dump, none for a file whose every record was refused.
    pub ids: Vec<String>,
    /// Sections over all its items.
    pub sections: usize,
    /// The file names its records list (a PDF so named beside it is their body).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listed: Vec<String>,
    /// The PDFs read as the body of its records, with the hashes they had.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// The concept DOIs its records are versions of: when any file of a concept
    /// changes, all of them are read again and merged anew.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<String>,
    /// Its records folded into a newer version that another file holds: not
    /// items, but their ids stay claimed by this file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub folded: Vec<String>,
}

impl FileEntry {
    /// Every id the file claims: its items' and its folded versions'.
    pub fn claims(&self) -> impl Iterator<Item = &String> {
        self.ids.iter().chain(&self.folded)
    }
}

/// A file read as part of another file's items (a deliverable's PDF beside its record).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Attachment {
    /// Path relative to the content folder, `/`-separated.
    pub path: String,
    /// SHA-256 of the file's bytes.
    pub hash: String,
}

impl Manifest {
    pub fn load(generation: &Path) -> Result<Manifest, Error> {
        let path = generation.join(FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let corrupt = |e: serde_json::Error| Error::Corrupt(format!("{}: {e}", path.display()));
        // An older layout is not damage: say so before its fields fail to parse.
        #[derive(Deserialize)]
        struct Layout {
            schema_version: u64,
        }
        let layout: Layout = serde_json::from_str(&text).map_err(corrupt)?;
        if layout.schema_version != u64::from(SCHEMA_VERSION) {
            return Err(Error::OtherLayout {
                path: generation.to_path_buf(),
                found: layout.schema_version,
                expected: SCHEMA_VERSION,
            });
        }
        serde_json::from_str(&text).map_err(corrupt)
    }

    pub fn save(&self, generation: &Path) -> Result<(), Error> {
        let path = generation.join(FILE_NAME);
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Corrupt(format!("manifest: {e}")))?;
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
    }

    pub fn articles(&self) -> usize {
        self.files.values().map(|f| f.ids.len()).sum()
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
