//! The embedding side of one generation: the encoder that embeds questions, the
//! section-piece vectors with the article each row belongs to, and the passage
//! vectors `ask` quotes from. Any of them may be missing; [`Embeddings::ready`]
//! says why semantic search cannot run.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::Error;
use super::articles::Articles;
use crate::embed::{SETUP_HINT, SentenceEncoder};
use crate::index::passages::Passages;
use crate::index::vectors::Vectors;

pub(crate) struct Embeddings {
    encoder: Option<Arc<SentenceEncoder>>,
    vectors: Option<Vectors>,
    /// For each vector row, its article's dense index.
    row_article: Vec<Option<u32>>,
    passages: Option<Passages>,
    /// Each article's passage rows.
    passages_by_article: HashMap<String, Vec<u32>>,
}

impl Embeddings {
    pub(crate) fn load(
        generation: &Path,
        encoder: Option<Arc<SentenceEncoder>>,
        articles: &Articles,
    ) -> Result<Embeddings, Error> {
        let vectors = Vectors::load(generation)?;
        let row_article = vectors
            .iter()
            .flat_map(|v| &v.owners)
            .map(|o| articles.index_of(&o.article_id))
            .collect();
        let passages = Passages::load(generation)?;
        let mut passages_by_article: HashMap<String, Vec<u32>> = HashMap::new();
        for (row, owner) in passages.iter().flat_map(|p| p.owners.iter().enumerate()) {
            passages_by_article
                .entry(owner.article_id.clone())
                .or_default()
                .push(row as u32);
        }
        Ok(Embeddings {
            encoder,
            vectors,
            row_article,
            passages,
            passages_by_article,
        })
    }

    /// No encoder, vectors or passages: for a process that searches by keyword
    /// only (a SPARQL worker), which need not hold the vectors in memory.
    pub(crate) fn none() -> Embeddings {
        Embeddings {
            encoder: None,
            vectors: None,
            row_article: Vec::new(),
            passages: None,
            passages_by_article: HashMap::new(),
        }
    }

    /// The encoder and vectors, or why semantic search cannot run.
    pub(crate) fn ready(&self) -> Result<(&SentenceEncoder, &Vectors), Error> {
        let encoder = self.encoder.as_deref().ok_or_else(|| {
            Error::SemanticUnavailable(format!("no embedding model is loaded; {SETUP_HINT}"))
        })?;
        let vectors = self.vectors.as_ref().ok_or_else(|| {
            Error::SemanticUnavailable(
                "the index has no vectors: run `eoskb index` with the model installed".into(),
            )
        })?;
        if vectors.model_id != encoder.id() {
            return Err(Error::SemanticUnavailable(format!(
                "the index was embedded with `{}` but the loaded model is `{}`; run `eoskb index --reembed` or pass the matching --model",
                vectors.model_id,
                encoder.id()
            )));
        }
        Ok((encoder, vectors))
    }

    /// The dense index of the article vector row `row` belongs to.
    pub(crate) fn article_of_row(&self, row: usize) -> Option<u32> {
        self.row_article.get(row).copied().flatten()
    }

    /// The passages `ask` can quote, if the generation has them.
    pub(crate) fn passages(&self) -> Option<&Passages> {
        self.passages.as_ref()
    }

    /// The passage rows of an article (none when the index has no passages).
    pub(crate) fn passage_rows(&self, article_id: &str) -> &[u32] {
        self.passages_by_article
            .get(article_id)
            .map_or(&[], Vec::as_slice)
    }
}
