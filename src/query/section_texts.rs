//! Section texts as hits quote them: heading, anchor and body from the stored
//! document, with the body's [`WordTable`], kept for the generation so that a
//! section quoted again is neither read from the store (decompressed and
//! copied field by field) nor scanned again. Reading and scanning were about a
//! fifth of a keyword search.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::Error;
use super::highlight::WordTable;
use crate::index::text::SectionFields;

/// Most bytes of text and word tables kept. Past it the cache starts over:
/// simple, bounded, and far above what the guidance of a knowledge base holds.
const BUDGET_BYTES: usize = 64 << 20;

/// One section's stored text.
#[derive(Debug)]
pub(crate) struct SectionText {
    pub heading: String,
    pub anchor: String,
    /// The body's values joined by spaces.
    pub body: String,
    pub words: WordTable,
}

impl SectionText {
    fn of(doc: &TantivyDocument, fields: &SectionFields) -> SectionText {
        let first = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let mut body = String::new();
        for value in doc.get_all(fields.body).filter_map(|v| v.as_str()) {
            if !body.is_empty() {
                body.push(' ');
            }
            body.push_str(value);
        }
        let body = body.trim().to_string();
        let words = WordTable::of(&body);
        SectionText {
            heading: first(fields.heading),
            anchor: first(fields.anchor),
            body,
            words,
        }
    }

    fn bytes(&self) -> usize {
        self.heading.len() + self.anchor.len() + self.body.len() + self.words.heap_bytes()
    }
}

/// The section texts read so far in one generation (whose documents never
/// move: its readers do not reload).
#[derive(Default)]
pub(crate) struct SectionTexts {
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    texts: HashMap<DocAddress, Arc<SectionText>>,
    bytes: usize,
}

impl SectionTexts {
    /// The text of the section stored at `address` in `searcher`'s index.
    pub(crate) fn get(
        &self,
        searcher: &Searcher,
        fields: &SectionFields,
        address: DocAddress,
    ) -> Result<Arc<SectionText>, Error> {
        if let Some(text) = self.lock().texts.get(&address) {
            return Ok(Arc::clone(text));
        }
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = Arc::new(SectionText::of(&doc, fields));
        let size = text.bytes();
        let mut cache = self.lock();
        if cache.bytes + size > BUDGET_BYTES {
            cache.texts.clear();
            cache.bytes = 0;
        }
        if size <= BUDGET_BYTES && cache.texts.insert(address, Arc::clone(&text)).is_none() {
            cache.bytes += size;
        }
        Ok(text)
    }

    /// A panic elsewhere while the lock was held leaves a map that is still
    /// whole (inserts and clears do not unwind halfway): keep using it.
    fn lock(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
