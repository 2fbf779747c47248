//! Which articles each term stands for: the articles annotated (`dcterms:subject`
//! in the content graph) with the term or any of its descendants. Built once per
//! generation, on first use, by walking *up* from every term an article uses: few
//! terms are used, each has few ancestors, so this is cheap even for EDAM-sized
//! ontologies, and every later question ("articles under PaNET01124?") is one
//! hash lookup. Search uses it to boost and filter; it must not rank anything.

use std::collections::{BTreeSet, HashMap};

use oxigraph::model::{GraphNameRef, NamedNodeRef, NamedOrBlankNode, Term as RdfTerm};
use tantivy::DocAddress;
use tantivy::collector::DocSetCollector;

use super::lookup::walk;
use super::search::term_query;
use crate::query::KnowledgeBase;
use crate::vocab::term;

/// Articles by term IRI, each list sorted and holding dense article indexes
/// (positions in `KnowledgeBase::article_ids`).
#[derive(Debug, Default)]
pub struct TermUsage {
    articles: HashMap<String, Vec<u32>>,
    /// The same counts by the term's document in the term index, so that
    /// recognition can rule out unused terms before reading them.
    by_term_doc: HashMap<DocAddress, usize>,
    /// Articles annotated with any term at all.
    annotated: usize,
}

impl TermUsage {
    /// Reads the content graph of `kb`.
    pub(crate) fn build(kb: &KnowledgeBase) -> TermUsage {
        let direct = direct_annotations(kb);
        let annotated = direct
            .values()
            .flatten()
            .copied()
            .collect::<BTreeSet<u32>>()
            .len();
        let mut articles: HashMap<String, BTreeSet<u32>> = HashMap::new();
        for (term, annotated) in &direct {
            // Bounded like a lookup: a truncated walk only misses far ancestors.
            let (ancestors, _) = walk(kb, term, true);
            for iri in std::iter::once(term.as_str()).chain(ancestors.iter().map(String::as_str)) {
                articles
                    .entry(iri.to_string())
                    .or_default()
                    .extend(annotated.iter().copied());
            }
        }
        let by_term_doc = term_docs(
            kb,
            articles.iter().map(|(iri, set)| (iri.as_str(), set.len())),
        );
        TermUsage {
            articles: articles
                .into_iter()
                .map(|(iri, set)| (iri, set.into_iter().collect()))
                .collect(),
            by_term_doc,
            annotated,
        }
    }

    /// How many articles are annotated with any term: the population a term's
    /// share is measured in. An item nobody annotated (a metadata-only record
    /// with free-text subjects) says nothing about whether a term applies to it.
    pub fn annotated(&self) -> usize {
        self.annotated
    }

    /// How many articles the term stored at `doc` in the term index stands for.
    pub fn articles_of_term_doc(&self, doc: DocAddress) -> usize {
        self.by_term_doc.get(&doc).copied().unwrap_or(0)
    }

    /// The articles annotated with `iri` or a descendant (sorted; empty if none).
    pub fn articles(&self, iri: &str) -> &[u32] {
        self.articles.get(iri).map_or(&[], Vec::as_slice)
    }

    /// Whether no article is annotated with any term.
    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }
}

/// The term index documents of the given IRIs, with their counts.
fn term_docs<'a>(
    kb: &KnowledgeBase,
    counts: impl Iterator<Item = (&'a str, usize)>,
) -> HashMap<DocAddress, usize> {
    let Some(terms) = &kb.terms else {
        return HashMap::new();
    };
    let searcher = terms.reader.searcher();
    let mut out = HashMap::new();
    for (iri, count) in counts {
        let query = term_query(terms.index.fields.iri, iri);
        // A term the index cannot find is simply not recognisable.
        if let Ok(found) = searcher.search(&*query, &DocSetCollector) {
            out.extend(found.into_iter().map(|doc| (doc, count)));
        }
    }
    out
}

/// Term IRI → the articles whose `dcterms:subject` it is.
fn direct_annotations(kb: &KnowledgeBase) -> HashMap<String, BTreeSet<u32>> {
    let mut out: HashMap<String, BTreeSet<u32>> = HashMap::new();
    let content = kb.content_graph();
    let Ok(graph) = NamedNodeRef::new(&content) else {
        return out;
    };
    let graph = GraphNameRef::NamedNode(graph);
    let store = kb.graph.store();
    let identifier = NamedNodeRef::new_unchecked(term::DCTERMS_IDENTIFIER);
    for quad in store
        .quads_for_pattern(
            None,
            Some(NamedNodeRef::new_unchecked(term::DCTERMS_SUBJECT)),
            None,
            Some(graph),
        )
        .flatten()
    {
        let (NamedOrBlankNode::NamedNode(article), RdfTerm::NamedNode(term)) =
            (&quad.subject, &quad.object)
        else {
            continue;
        };
        // The article's id is its `dcterms:identifier`, not a reading of its IRI.
        let id = store
            .quads_for_pattern(
                Some(article.as_ref().into()),
                Some(identifier),
                None,
                Some(graph),
            )
            .flatten()
            .find_map(|q| match q.object {
                RdfTerm::Literal(l) => kb.articles.index_of(l.value()),
                _ => None,
            });
        if let Some(index) = id {
            out.entry(term.as_str().to_string())
                .or_default()
                .insert(index);
        }
    }
    out
}
