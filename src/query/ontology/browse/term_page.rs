//! What a term page shows besides the hierarchy: the names of its parents,
//! replacements and mapping targets, and the guidance and outputs that use it
//! or a narrower term.

use std::collections::HashMap;

use oxigraph::model::{
    GraphNameRef, LiteralRef, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term as RdfTerm,
};
use serde::Serialize;
use tantivy::DocAddress;
use tantivy::collector::TopDocs;

use super::hierarchy::{TermContext, context};
use super::{TermName, name_of, ontologies, term_name};
use crate::index::terms::DESCENDANTS;
use crate::model::OntologyTerm;
use crate::query::ontology::lookup::{find_term, walk};
use crate::query::ontology::search::term_query;
use crate::query::{Error, KnowledgeBase};
use crate::vocab::term;

/// Most articles listed on a term page.
pub const MAX_ARTICLES: usize = 500;

/// An article or output annotated with the term or a narrower one.
#[derive(Debug, Clone, Serialize)]
pub struct UsedBy {
    pub id: String,
    pub title: String,
    pub kind: Option<String>,
    /// A research output (a record with a DOI), not guidance.
    pub output: bool,
    /// The term the article is annotated with, when it is a narrower one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<TermName>,
}

/// What a term page shows.
#[derive(Debug, Clone, Serialize)]
pub struct TermPage {
    #[serde(flatten)]
    pub term: OntologyTerm,
    /// The defining ontology's short id (`/ontologies/{id}`), if it is loaded.
    pub ontology_id: Option<String>,
    pub ontology_title: Option<String>,
    pub parents: Vec<TermName>,
    pub replaced_by: Vec<TermName>,
    pub consider: Vec<TermName>,
    /// Mappings to terms elsewhere, with their targets resolved.
    pub mappings: Vec<MappingView>,
    /// Narrower terms at any depth (from the term index's count).
    pub descendant_count: Option<u64>,
    pub context: TermContext,
    /// Articles and outputs annotated with the term or a narrower one.
    pub used_by: Vec<UsedBy>,
    /// All of them, when more than [`MAX_ARTICLES`] exist.
    pub used_by_total: usize,
}

/// A mapping of the term: its relation (`skos:exactMatch`) and target.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MappingView {
    pub relation: String,
    pub target: MappingTarget,
}

/// Where a mapping points.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MappingTarget {
    /// A term of a loaded ontology.
    Term(TermName),
    /// An IRI nothing loaded defines.
    Iri { iri: String },
    /// A cross-reference as written (`Wikipedia:Small-angle_scattering`).
    Text { value: String },
}

/// A term as written in front matter (a CURIE or an IRI), resolved.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TermTag {
    pub value: String,
    /// The term, when the value expands to a term the index holds.
    pub term: Option<TermName>,
}

/// The articles and outputs annotated with `iri` or a narrower term, each with
/// the narrower term it is annotated with (sorted: guidance first, by title).
pub fn used_by(kb: &KnowledgeBase, iri: &str) -> Result<(Vec<UsedBy>, usize), Error> {
    let annotated = kb.term_usage().articles(iri);
    let store = kb.graph.store();
    let content = kb.content_graph();
    let Ok(graph) = NamedNodeRef::new(&content) else {
        return Ok((Vec::new(), 0));
    };
    let graph = GraphNameRef::NamedNode(graph);
    let identifier = NamedNodeRef::new_unchecked(term::DCTERMS_IDENTIFIER);
    let subject = NamedNodeRef::new_unchecked(term::DCTERMS_SUBJECT);
    // Whether a term is `iri` or lies under it, per term (articles share terms).
    let mut under: HashMap<String, bool> = HashMap::new();
    let mut out = Vec::new();
    for &index in annotated.iter().take(MAX_ARTICLES) {
        let Some(card) = kb.articles.card(index) else {
            continue;
        };
        let mut via: Option<String> = None;
        let mut direct = false;
        let id = LiteralRef::new_simple_literal(&card.id);
        let article = store
            .quads_for_pattern(None, Some(identifier), Some(id.into()), Some(graph))
            .flatten()
            .find_map(|q| match q.subject {
                NamedOrBlankNode::NamedNode(n) => Some(n),
                _ => None,
            });
        if let Some(article) = &article {
            let a: NamedOrBlankNodeRef<'_> = article.as_ref().into();
            let mut terms: Vec<String> = store
                .quads_for_pattern(Some(a), Some(subject), None, Some(graph))
                .flatten()
                .filter_map(|q| match q.object {
                    RdfTerm::NamedNode(n) => Some(n.into_string()),
                    _ => None,
                })
                .collect();
            terms.sort();
            for t in terms {
                if t == iri {
                    direct = true;
                    break;
                }
                let is_under = *under
                    .entry(t.clone())
                    .or_insert_with(|| walk(kb, &t, true).0.iter().any(|a| a == iri));
                if is_under && via.is_none() {
                    via = Some(t);
                }
            }
        }
        let via = match via.filter(|_| !direct) {
            Some(t) => Some(term_name(kb, &t)?),
            None => None,
        };
        out.push(UsedBy {
            id: card.id.clone(),
            title: card.title.clone(),
            kind: card.kind.clone(),
            output: card.doi.is_some(),
            via,
        });
    }
    out.sort_by(|a, b| {
        (a.output, a.title.to_lowercase(), &a.id).cmp(&(b.output, b.title.to_lowercase(), &b.id))
    });
    Ok((out, annotated.len()))
}

/// The term index document of `iri`.
fn term_doc(kb: &KnowledgeBase, iri: &str) -> Result<Option<DocAddress>, Error> {
    let Some(terms) = &kb.terms else {
        return Ok(None);
    };
    let searcher = terms.reader.searcher();
    let found = searcher.search(
        &*term_query(terms.index.fields.iri, iri),
        &TopDocs::with_limit(1).order_by_score(),
    )?;
    Ok(found.first().map(|(_, a)| *a))
}

/// How many narrower terms the index counted for `iri` at any depth.
fn descendant_count(kb: &KnowledgeBase, iri: &str) -> Result<Option<u64>, Error> {
    let (Some(terms), Some(address)) = (&kb.terms, term_doc(kb, iri)?) else {
        return Ok(None);
    };
    if terms.index.fields.descendants.is_none() {
        return Ok(None);
    }
    let searcher = terms.reader.searcher();
    let segment = searcher.segment_reader(address.segment_ord);
    Ok(segment
        .fast_fields()
        .u64(DESCENDANTS)
        .ok()
        .and_then(|c| c.first(address.doc_id)))
}

/// Everything the page of the term `iri` shows; `TermNotFound` when the index
/// does not hold it.
pub fn term_page(kb: &KnowledgeBase, iri: &str) -> Result<TermPage, Error> {
    let term = find_term(kb, iri)?.ok_or_else(|| Error::TermNotFound(iri.to_string()))?;
    let names = |iris: &[String]| -> Result<Vec<TermName>, Error> {
        iris.iter().map(|i| term_name(kb, i)).collect()
    };
    let summary = ontologies(kb)
        .into_iter()
        .find(|o| o.info.graph == term.ontology);
    let mut mappings = Vec::new();
    for m in &term.mappings {
        mappings.push(MappingView {
            relation: m.relation.clone(),
            target: mapping_target(kb, &m.target)?,
        });
    }
    let (used_by, used_by_total) = used_by(kb, iri)?;
    Ok(TermPage {
        ontology_id: summary.as_ref().map(|s| s.id.clone()),
        ontology_title: summary.and_then(|s| s.info.title),
        parents: names(&term.parents)?,
        replaced_by: names(&term.replaced_by)?,
        consider: names(&term.consider)?,
        mappings,
        descendant_count: descendant_count(kb, iri)?,
        context: context(kb, iri)?,
        used_by,
        used_by_total,
        term,
    })
}

fn mapping_target(kb: &KnowledgeBase, target: &str) -> Result<MappingTarget, Error> {
    let Ok(iri) = kb.prefixes.expand(target) else {
        return Ok(MappingTarget::Text {
            value: target.to_string(),
        });
    };
    // A CURIE with a known prefix whose term is not loaded still names an IRI.
    Ok(match find_term(kb, &iri)? {
        Some(t) => MappingTarget::Term(name_of(Some(&t), &iri, kb)),
        None => MappingTarget::Iri { iri },
    })
}

/// Resolves the terms an article lists (CURIEs or IRIs as written).
pub fn term_tags(kb: &KnowledgeBase, values: &[String]) -> Result<Vec<TermTag>, Error> {
    values
        .iter()
        .map(|value| {
            let term = match kb.prefixes.expand(value) {
                Ok(iri) => find_term(kb, &iri)?.map(|t| name_of(Some(&t), &iri, kb)),
                Err(_) => None,
            };
            Ok(TermTag {
                value: value.clone(),
                term,
            })
        })
        .collect()
}
