//! What every query needs of every article, read once when a generation opens:
//! its card (what a hit shows), its facet values, and which article each section
//! document belongs to. Per query this turns facet counting into an array walk
//! and a hit's card into a lookup, where tantivy's facet collector resolved
//! dictionary ordinals and each hit decompressed a stored document (together
//! about a quarter of a keyword search's time before; see ARCHITECTURE.md).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::Value;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::Error;
use crate::index::text::{ArticleFields, Card, SectionFields};
use crate::model::{FACETS, Facet};

/// Not an article (a deleted or unknown document).
const NONE: u32 = u32::MAX;

/// Facet name → value → number of articles.
pub type FacetCounts = BTreeMap<String, BTreeMap<Arc<str>, u64>>;

/// How many values of each facet to list, and which to list whatever their
/// counts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FacetCut<'a> {
    /// Values per facet, the most frequent first (ties in value order); 0
    /// counts nothing.
    pub limit: usize,
    /// The values a search filters on (as requested, any case): a page shows
    /// them checked even when they are rare.
    pub keep: &'a [(Facet, Vec<String>)],
}

/// Facet counts as a response lists them.
#[derive(Debug, Default)]
pub(crate) struct CountedFacets {
    pub counts: FacetCounts,
    /// For each facet with more values than were listed: how many it had.
    pub sizes: BTreeMap<String, usize>,
}

/// The articles of one generation in dense order (sorted by document address).
pub(crate) struct ArticleTable {
    cards: Vec<Card>,
    /// Per facet (in `FACETS` order), every value the index holds, sorted.
    facet_values: Vec<Vec<Arc<str>>>,
    /// Per article, its values as (facet position, value position).
    article_values: Vec<Vec<(u8, u32)>>,
    /// Per segment of the article index, per document: its article.
    doc_article: Vec<Vec<u32>>,
    /// Per segment of the section index, per document: its article.
    section_article: Vec<Vec<u32>>,
    /// Per article, its sections in the section index.
    article_sections: Vec<Vec<DocAddress>>,
}

impl ArticleTable {
    /// Reads the cards and facet values of `docs` (the articles in dense order)
    /// and maps each section to its article.
    pub(crate) fn build(
        articles: &Searcher,
        sections: &Searcher,
        article_fields: &ArticleFields,
        section_fields: &SectionFields,
        docs: &[DocAddress],
        index_of_id: &HashMap<String, u32>,
    ) -> Result<ArticleTable, Error> {
        let mut doc_article: Vec<Vec<u32>> = articles
            .segment_readers()
            .iter()
            .map(|r| vec![NONE; r.max_doc() as usize])
            .collect();
        let mut cards = Vec::with_capacity(docs.len());
        for (i, doc) in docs.iter().enumerate() {
            let document: tantivy::TantivyDocument = articles.doc(*doc)?;
            let card = document
                .get_first(article_fields.card)
                .and_then(|v| v.as_str())
                .and_then(|s| serde_json::from_str::<Card>(s).ok())
                .ok_or_else(|| {
                    tantivy::TantivyError::InternalError("article without card".into())
                })?;
            cards.push(card);
            if let Some(slot) = doc_article
                .get_mut(doc.segment_ord as usize)
                .and_then(|s| s.get_mut(doc.doc_id as usize))
            {
                *slot = i as u32;
            }
        }
        let (facet_values, article_values) = read_facets(articles, &doc_article, docs.len())?;
        let section_article: Vec<Vec<u32>> = sections
            .segment_readers()
            .iter()
            .map(|reader| section_owners(reader, section_fields, index_of_id))
            .collect::<Result<_, Error>>()?;
        let mut article_sections = vec![Vec::new(); docs.len()];
        for (segment, owners) in section_article.iter().enumerate() {
            for (doc, &article) in owners.iter().enumerate() {
                if let Some(sections) = article_sections.get_mut(article as usize) {
                    sections.push(DocAddress::new(segment as SegmentOrdinal, doc as DocId));
                }
            }
        }
        Ok(ArticleTable {
            cards,
            article_sections,
            facet_values,
            article_values,
            doc_article,
            section_article,
        })
    }

    pub(crate) fn card(&self, article: u32) -> Option<&Card> {
        self.cards.get(article as usize)
    }

    /// The article stored at `doc` of the article index.
    pub(crate) fn article_at(&self, doc: DocAddress) -> Option<u32> {
        owner(&self.doc_article, doc.segment_ord, doc.doc_id)
    }

    /// The sections of an article, in the section index.
    pub(crate) fn sections_of(&self, article: u32) -> &[DocAddress] {
        self.article_sections
            .get(article as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// Every value of each facet, by facet name.
    pub(crate) fn all_values(&self) -> impl Iterator<Item = (&'static str, &[Arc<str>])> {
        FACETS
            .iter()
            .zip(&self.facet_values)
            .map(|(f, v)| (f.name(), v.as_slice()))
    }

    /// Facet counts over a set of articles (each counted once per value), cut
    /// as `cut` says. Every facet is present, with only the values that occur
    /// (none at all with a limit of 0).
    pub(crate) fn count_facets(
        &self,
        articles: impl IntoIterator<Item = u32>,
        cut: FacetCut<'_>,
    ) -> CountedFacets {
        if cut.limit == 0 {
            return CountedFacets::default();
        }
        // One counter per value the index holds, but only the values that occur
        // are visited afterwards: an article carries a term's ancestors too, and
        // the values run to thousands.
        let offsets: Vec<usize> = self
            .facet_values
            .iter()
            .scan(0, |total, values| {
                let start = *total;
                *total += values.len();
                Some(start)
            })
            .collect();
        let total: usize = self.facet_values.iter().map(Vec::len).sum();
        let mut counts = vec![0u32; total];
        let mut seen: Vec<(u8, u32)> = Vec::new();
        for article in articles {
            for &(facet, value) in self
                .article_values
                .get(article as usize)
                .into_iter()
                .flatten()
            {
                let Some(count) = offsets
                    .get(facet as usize)
                    .and_then(|offset| counts.get_mut(offset + value as usize))
                else {
                    continue;
                };
                if *count == 0 {
                    seen.push((facet, value));
                }
                *count += 1;
            }
        }
        // Sorted, each facet's values come in their (sorted) order, and its map
        // is built in one pass rather than by inserting value after value.
        seen.sort_unstable();
        let mut counted = CountedFacets::default();
        for (position, facet) in FACETS.iter().enumerate() {
            let (Some(values), Some(&offset)) =
                (self.facet_values.get(position), offsets.get(position))
            else {
                continue;
            };
            // This facet's run of the sorted values seen: (value, count).
            let from = seen.partition_point(|&(f, _)| usize::from(f) < position);
            let to = seen.partition_point(|&(f, _)| usize::from(f) <= position);
            let mut present: Vec<(u32, u32)> = seen
                .get(from..to)
                .unwrap_or_default()
                .iter()
                .filter_map(|&(_, value)| Some((value, *counts.get(offset + value as usize)?)))
                .collect();
            if present.len() > cut.limit {
                counted
                    .sizes
                    .insert(facet.name().to_string(), present.len());
                let keep = cut
                    .keep
                    .iter()
                    .find(|(f, _)| f == facet)
                    .map_or(&[][..], |(_, v)| v.as_slice());
                keep_most_frequent(&mut present, values, keep, cut.limit);
            }
            // Only the values listed are shared out (each a reference count
            // that both worker threads would otherwise bounce between them).
            let listed = present
                .iter()
                .filter_map(|&(value, count)| {
                    Some((Arc::clone(values.get(value as usize)?), u64::from(count)))
                })
                .collect();
            counted.counts.insert(facet.name().to_string(), listed);
        }
        counted
    }
}

/// Cuts a facet's values, as (value position, count) in value order, to the
/// `limit` most frequent plus any in `keep` (named in any case), and leaves
/// them in value order.
fn keep_most_frequent(
    present: &mut Vec<(u32, u32)>,
    names: &[Arc<str>],
    keep: &[String],
    limit: usize,
) {
    let kept = |value: u32| {
        !keep.is_empty()
            && names
                .get(value as usize)
                .is_some_and(|name| keep.iter().any(|k| k.eq_ignore_ascii_case(name)))
    };
    type Counted = Vec<(u32, u32)>;
    let (mut listed, mut rest): (Counted, Counted) =
        present.iter().partition(|&&(value, _)| kept(value));
    let more = limit.saturating_sub(listed.len());
    if more > 0 && more < rest.len() {
        // The most frequent first, ties in value order: the first `more` found
        // without sorting them all.
        rest.select_nth_unstable_by(more - 1, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    rest.truncate(more);
    listed.append(&mut rest);
    listed.sort_unstable();
    *present = listed;
}

fn owner(table: &[Vec<u32>], segment: SegmentOrdinal, doc: DocId) -> Option<u32> {
    table
        .get(segment as usize)
        .and_then(|s| s.get(doc as usize))
        .copied()
        .filter(|&a| a != NONE)
}

/// Every facet value the articles take, sorted per facet, and each article's.
#[allow(clippy::type_complexity)]
fn read_facets(
    searcher: &Searcher,
    doc_article: &[Vec<u32>],
    article_count: usize,
) -> Result<(Vec<Vec<Arc<str>>>, Vec<Vec<(u8, u32)>>), Error> {
    // First the raw (facet, value) pairs per article, then dense value numbers.
    let mut raw: Vec<Vec<(u8, String)>> = vec![Vec::new(); article_count];
    let mut facet = tantivy::schema::Facet::root();
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        for (position, f) in FACETS.iter().enumerate() {
            let facets = reader.facet_reader(f.name())?;
            for doc in reader.doc_ids_alive() {
                let Some(article) = owner(doc_article, segment as u32, doc) else {
                    continue;
                };
                for ord in facets.facet_ords(doc) {
                    facets.facet_from_ord(ord, &mut facet)?;
                    // Values are one level below the root, as the indexer writes them.
                    if let Some(value) = facet.to_path().last() {
                        raw[article as usize].push((position as u8, value.to_string()));
                    }
                }
            }
        }
    }
    let mut values: Vec<Vec<String>> = vec![Vec::new(); FACETS.len()];
    for (position, value) in raw.iter().flatten() {
        values[*position as usize].push(value.clone());
    }
    for v in &mut values {
        v.sort();
        v.dedup();
    }
    let article_values = raw
        .into_iter()
        .map(|pairs| {
            let mut dense: Vec<(u8, u32)> = pairs
                .iter()
                .filter_map(|(position, value)| {
                    let index = values[*position as usize]
                        .binary_search_by(|v: &String| v.as_str().cmp(value.as_str()))
                        .ok()?;
                    Some((*position, index as u32))
                })
                .collect();
            dense.sort_unstable();
            dense.dedup();
            dense
        })
        .collect();
    // Shared with every response that counts them: a count clones no text.
    let values = values
        .into_iter()
        .map(|v| v.into_iter().map(Arc::from).collect())
        .collect();
    Ok((values, article_values))
}

/// Per document of one section segment, the article it belongs to: a walk over
/// the `article_id` postings, which reads no stored document.
fn section_owners(
    reader: &SegmentReader,
    fields: &SectionFields,
    index_of_id: &HashMap<String, u32>,
) -> Result<Vec<u32>, Error> {
    let mut owners = vec![NONE; reader.max_doc() as usize];
    let inverted = reader.inverted_index(fields.article_id)?;
    let mut terms = inverted
        .terms()
        .stream()
        .map_err(tantivy::TantivyError::from)?;
    while terms.advance() {
        let Some(&article) = std::str::from_utf8(terms.key())
            .ok()
            .and_then(|id| index_of_id.get(id))
        else {
            continue;
        };
        let mut postings = inverted
            .read_postings_from_terminfo(terms.value(), tantivy::schema::IndexRecordOption::Basic)
            .map_err(tantivy::TantivyError::from)?;
        let mut doc = postings.doc();
        while doc != tantivy::TERMINATED {
            if let Some(slot) = owners.get_mut(doc as usize) {
                *slot = article;
            }
            doc = postings.advance();
        }
    }
    Ok(owners)
}

/// Collects the articles a query matches, as dense indexes (for facet counts).
pub(crate) struct MatchedArticles(pub(crate) Arc<ArticleTable>);

pub(crate) struct MatchedInSegment {
    table: Arc<ArticleTable>,
    segment: SegmentOrdinal,
    found: Vec<u32>,
}

impl Collector for MatchedArticles {
    type Fruit = Vec<u32>;
    type Child = MatchedInSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<MatchedInSegment> {
        Ok(MatchedInSegment {
            table: Arc::clone(&self.0),
            segment,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u32>>) -> tantivy::Result<Vec<u32>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for MatchedInSegment {
    type Fruit = Vec<u32>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(article) = owner(&self.table.doc_article, self.segment, doc) {
            self.found.push(article);
        }
    }

    fn harvest(self) -> Vec<u32> {
        self.found
    }
}

/// Collects, per article, its best-scoring matching section (ties: the earlier
/// document), in one pass over the section index for all hits of a page.
pub(crate) struct BestSectionPerArticle(pub(crate) Arc<ArticleTable>);

pub(crate) struct BestInSegment {
    table: Arc<ArticleTable>,
    segment: SegmentOrdinal,
    best: HashMap<u32, (Score, DocAddress)>,
}

impl Collector for BestSectionPerArticle {
    type Fruit = HashMap<u32, (Score, DocAddress)>;
    type Child = BestInSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<BestInSegment> {
        Ok(BestInSegment {
            table: Arc::clone(&self.0),
            segment,
            best: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<u32, (Score, DocAddress)>>,
    ) -> tantivy::Result<HashMap<u32, (Score, DocAddress)>> {
        let mut merged = HashMap::new();
        for fruit in fruits {
            for (article, candidate) in fruit {
                keep_better(&mut merged, article, candidate);
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for BestInSegment {
    type Fruit = HashMap<u32, (Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(article) = owner(&self.table.section_article, self.segment, doc) {
            keep_better(
                &mut self.best,
                article,
                (score, DocAddress::new(self.segment, doc)),
            );
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.best
    }
}

fn keep_better(
    best: &mut HashMap<u32, (Score, DocAddress)>,
    article: u32,
    candidate: (Score, DocAddress),
) {
    best.entry(article)
        .and_modify(|kept| {
            if candidate.0 > kept.0 || (candidate.0 == kept.0 && candidate.1 < kept.1) {
                *kept = candidate;
            }
        })
        .or_insert(candidate);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_keeps_the_most_frequent_and_the_values_filtered_on() {
        let names: Vec<Arc<str>> = ["a", "b", "c", "d", "e"].map(Arc::from).to_vec();
        // (value position, count) in value order.
        let all = vec![(0, 1), (1, 5), (2, 2), (3, 5), (4, 1)];
        let cut = |keep: &[&str], limit| {
            let keep: Vec<String> = keep.iter().map(|k| k.to_string()).collect();
            let mut values = all.clone();
            keep_most_frequent(&mut values, &names, &keep, limit);
            values
        };
        assert_eq!(cut(&[], 2), [(1, 5), (3, 5)]);
        // Ties keep value order; a value filtered on (any case) stays listed.
        assert_eq!(cut(&[], 3), [(1, 5), (2, 2), (3, 5)]);
        assert_eq!(cut(&["E"], 2), [(1, 5), (4, 1)]);
        assert_eq!(cut(&["E"], 3), [(1, 5), (3, 5), (4, 1)]);
        assert_eq!(cut(&["a", "e"], 1), [(0, 1), (4, 1)]);
    }
}
