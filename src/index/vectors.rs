//! Embedding tables: L2-normalised embeddings in a contiguous row-major f32
//! matrix, with the rows' owners beside it. Two tables per generation: section
//! pieces (`Vectors`, for semantic search) and passages (`Passages`, sentences
//! that `ask` quotes).
//!
//! On disk, per table: `<name>.f32` (little-endian floats) and `<name>.json`
//! (model id, dimension, row owners).

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Error;

/// What a table row records about where its text came from.
pub trait Owner: Clone + Serialize + DeserializeOwned {
    /// The table's file stem in a generation directory.
    const FILE_STEM: &'static str;
    /// The source file's key, to drop its rows when it changes.
    fn file_key(&self) -> &str;
}

/// Section pieces, for semantic search.
pub type Vectors = EmbeddingTable<RowOwner>;

/// Who a section-piece row belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOwner {
    /// The source file's key, to drop its rows when it changes.
    pub file_key: String,
    pub article_id: String,
    /// Section ordinal within the article.
    pub section: u32,
    /// Piece of the section (long sections are split).
    pub chunk: u32,
}

impl Owner for RowOwner {
    const FILE_STEM: &'static str = "vectors";
    fn file_key(&self) -> &str {
        &self.file_key
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(bound(deserialize = "O: DeserializeOwned"))]
struct Meta<O> {
    model_id: String,
    dim: usize,
    rows: Vec<O>,
}

/// Embeddings of one model, one row per owner.
#[derive(Debug, Clone)]
pub struct EmbeddingTable<O> {
    pub model_id: String,
    pub dim: usize,
    pub owners: Vec<O>,
    /// `owners.len() * dim` floats.
    pub data: Vec<f32>,
}

impl<O: Owner> EmbeddingTable<O> {
    pub fn new(model_id: &str, dim: usize) -> Self {
        EmbeddingTable {
            model_id: model_id.to_string(),
            dim,
            owners: Vec::new(),
            data: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.owners.len()
    }

    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    pub fn push(&mut self, owner: O, vector: &[f32]) {
        debug_assert_eq!(vector.len(), self.dim);
        self.owners.push(owner);
        self.data.extend_from_slice(vector);
    }

    /// Keeps only the rows whose file satisfies `keep`.
    pub fn retain_files(&mut self, keep: impl Fn(&str) -> bool) {
        let mut kept = Self::new(&self.model_id, self.dim);
        for (i, owner) in self.owners.iter().enumerate() {
            if keep(owner.file_key()) {
                kept.push(owner.clone(), self.row(i));
            }
        }
        *self = kept;
    }

    /// Dot product of `query` with every row (cosine similarity for normalised
    /// vectors). A plain loop over contiguous rows: the compiler vectorises it.
    pub fn similarities(&self, query: &[f32]) -> Vec<f32> {
        if query.len() != self.dim || self.dim == 0 {
            return vec![0.0; self.len()];
        }
        self.data
            .chunks_exact(self.dim)
            .map(|row| dot(row, query))
            .collect()
    }

    fn files(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
        (
            dir.join(format!("{}.json", O::FILE_STEM)),
            dir.join(format!("{}.f32", O::FILE_STEM)),
        )
    }

    pub fn save(&self, dir: &Path) -> Result<(), Error> {
        let (meta_path, data_path) = Self::files(dir);
        let meta = Meta {
            model_id: self.model_id.clone(),
            dim: self.dim,
            rows: self.owners.clone(),
        };
        let text =
            serde_json::to_string(&meta).map_err(|e| Error::Corrupt(format!("vectors: {e}")))?;
        std::fs::write(&meta_path, text).map_err(|e| Error::io(&meta_path, e))?;
        let bytes: Vec<u8> = self.data.iter().flat_map(|x| x.to_le_bytes()).collect();
        std::fs::write(&data_path, bytes).map_err(|e| Error::io(&data_path, e))
    }

    /// Loads the table of a generation, or `None` if it has none.
    pub fn load(dir: &Path) -> Result<Option<Self>, Error> {
        let (meta_path, data_path) = Self::files(dir);
        if !meta_path.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&meta_path).map_err(|e| Error::io(&meta_path, e))?;
        let meta: Meta<O> = serde_json::from_str(&text)
            .map_err(|e| Error::Corrupt(format!("{}: {e}", meta_path.display())))?;
        let bytes = std::fs::read(&data_path).map_err(|e| Error::io(&data_path, e))?;
        if bytes.len() != meta.rows.len() * meta.dim * 4 {
            return Err(Error::Corrupt(format!(
                "{}: {} bytes for {} rows of {} floats",
                data_path.display(),
                bytes.len(),
                meta.rows.len(),
                meta.dim
            )));
        }
        let data = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Ok(Some(EmbeddingTable {
            model_id: meta.model_id,
            dim: meta.dim,
            owners: meta.rows,
            data,
        }))
    }
}

pub use crate::embed::math::dot;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_retain() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = Vectors::new("m", 3);
        let owner = |f: &str, s| RowOwner {
            file_key: f.into(),
            article_id: f.into(),
            section: s,
            chunk: 0,
        };
        v.push(owner("a", 0), &[1.0, 0.0, 0.0]);
        v.push(owner("b", 0), &[0.0, 1.0, 0.0]);
        v.save(dir.path()).unwrap();
        let mut loaded = Vectors::load(dir.path()).unwrap().unwrap();
        assert_eq!(loaded.similarities(&[0.0, 1.0, 0.0]), vec![0.0, 1.0]);
        loaded.retain_files(|f| f != "a");
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded.row(0), &[0.0, 1.0, 0.0]);
    }

    #[test]
    fn dot_matches_naive() {
        let a: Vec<f32> = (0..19).map(|i| i as f32 * 0.5).collect();
        let b: Vec<f32> = (0..19).map(|i| 1.0 - i as f32 * 0.1).collect();
        let naive: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - naive).abs() < 1e-4);
    }
}
