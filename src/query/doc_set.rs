//! A query matching a fixed set of documents, each with the same score.
//!
//! Restricting a search to known articles (term boosts, `term=` filters, the
//! sections of a page's hits) was a `TermSetQuery` over their ids, which builds
//! a finite-state transducer on every query: a third of a keyword search's time
//! after the other fixes. The documents are known in advance, so this query
//! simply walks their sorted ids.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::index::SegmentId;
use tantivy::query::{ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, TantivyError,
};

/// Matches the given documents of one searcher's segments, scoring each with
/// the boost it is given (1 at top level), as tantivy's `TermSetQuery` does.
#[derive(Clone, Debug)]
pub(crate) struct DocSetQuery {
    /// Per segment (by id: a weight is handed a segment, not its ordinal), the
    /// matching documents, sorted.
    docs: Arc<HashMap<SegmentId, Vec<DocId>>>,
}

impl DocSetQuery {
    pub(crate) fn new(searcher: &Searcher, docs: impl IntoIterator<Item = DocAddress>) -> Self {
        let mut by_segment: HashMap<SegmentId, Vec<DocId>> = HashMap::new();
        for doc in docs {
            if let Some(reader) = searcher.segment_readers().get(doc.segment_ord as usize) {
                by_segment
                    .entry(reader.segment_id())
                    .or_default()
                    .push(doc.doc_id);
            }
        }
        for ids in by_segment.values_mut() {
            ids.sort_unstable();
            ids.dedup();
        }
        DocSetQuery {
            docs: Arc::new(by_segment),
        }
    }
}

impl Query for DocSetQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(DocSetWeight {
            docs: Arc::clone(&self.docs),
        }))
    }
}

struct DocSetWeight {
    docs: Arc<HashMap<SegmentId, Vec<DocId>>>,
}

impl Weight for DocSetWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let alive = |doc: &&DocId| !reader.is_deleted(**doc);
        Ok(match self.docs.get(&reader.segment_id()) {
            Some(ids) => {
                let ids: Vec<DocId> = ids.iter().filter(alive).copied().collect();
                Box::new(ConstScorer::new(SortedDocs { ids, cursor: 0 }, boost))
            }
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) == doc {
            Ok(Explanation::new("DocSetQuery", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not in the set"
            )))
        }
    }
}

/// Sorted, distinct document ids as a `DocSet`.
struct SortedDocs {
    ids: Vec<DocId>,
    cursor: usize,
}

impl DocSet for SortedDocs {
    fn advance(&mut self) -> DocId {
        self.cursor = (self.cursor + 1).min(self.ids.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let rest = self.ids.get(self.cursor..).unwrap_or_default();
        self.cursor += rest.partition_point(|&d| d < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.ids.get(self.cursor).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        self.ids.len().saturating_sub(self.cursor) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{DocSetCollector, TopDocs};
    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, IndexWriter, doc};

    #[test]
    fn matches_exactly_the_given_documents_with_a_constant_score() {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for i in 0..20 {
            writer
                .add_document(doc!(id => format!("d{i}")))
                .expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let wanted = [
            DocAddress::new(0, 3),
            DocAddress::new(0, 17),
            DocAddress::new(0, 3),
        ];
        let query = DocSetQuery::new(&searcher, wanted);
        let found = searcher.search(&query, &DocSetCollector).expect("search");
        assert_eq!(
            found,
            [DocAddress::new(0, 3), DocAddress::new(0, 17)]
                .into_iter()
                .collect()
        );
        let top = searcher
            .search(&query, &TopDocs::with_limit(5).order_by_score())
            .expect("search");
        assert!(top.iter().all(|(score, _)| *score == 1.0));
        assert!(query.explain(&searcher, DocAddress::new(0, 4)).is_err());
        let mut docs = SortedDocs {
            ids: vec![2, 5, 9],
            cursor: 0,
        };
        assert_eq!((docs.doc(), docs.seek(3), docs.seek(9)), (2, 5, 9));
        assert_eq!(docs.advance(), TERMINATED);
        let empty = DocSetQuery::new(&searcher, []);
        assert_eq!(
            searcher
                .search(&empty, &DocSetCollector)
                .expect("search")
                .len(),
            0
        );
    }
}
