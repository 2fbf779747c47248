//! Term lookup: one term with its hierarchy and the articles annotated with it or
//! a descendant. The hierarchy is walked in the graph store breadth-first with a
//! visited set and a node budget, so cycles, punning and huge ontologies stay bounded.

use std::collections::{BTreeSet, HashSet, VecDeque};

use oxigraph::model::{GraphNameRef, NamedNodeRef, NamedOrBlankNode, Term as RdfTerm};
use serde::Serialize;
use tantivy::collector::TopDocs;

use super::search::{stored_term, term_query};
use crate::model::OntologyTerm;
use crate::query::{Error, KnowledgeBase};
use crate::vocab::term;

/// Hierarchy nodes listed per direction in a lookup.
pub const MAX_LISTED: usize = 200;
/// Hierarchy nodes visited per direction before a walk stops counting.
pub const MAX_WALK: usize = 20_000;

/// A related term, with its label when it is in the term index.
#[derive(Debug, Clone, Serialize)]
pub struct TermRef {
    pub iri: String,
    pub curie: Option<String>,
    pub label: Option<String>,
}

/// A bounded list of related terms.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TermList {
    /// All reachable terms (up to the walk budget).
    pub total: usize,
    /// Whether the walk stopped at its budget (`total` is then a lower bound).
    pub truncated: bool,
    pub items: Vec<TermRef>,
}

/// An article annotated with the term or one of its descendants.
#[derive(Debug, Clone, Serialize)]
pub struct AnnotatedArticle {
    pub id: String,
    pub title: Option<String>,
    pub iri: String,
    /// The term of the article (the looked-up term or a descendant).
    pub via: String,
}

/// Everything known about one term.
#[derive(Debug, Clone, Serialize)]
pub struct TermDetails {
    #[serde(flatten)]
    pub term: OntologyTerm,
    pub parents: Vec<TermRef>,
    pub children: TermList,
    pub ancestors: TermList,
    pub descendants: TermList,
    pub articles: Vec<AnnotatedArticle>,
}

pub(crate) fn find_term(kb: &KnowledgeBase, iri: &str) -> Result<Option<OntologyTerm>, Error> {
    let Some(terms) = &kb.terms else {
        return Ok(None);
    };
    let f = terms.index.fields;
    let searcher = terms.reader.searcher();
    let found = searcher.search(
        &*term_query(f.iri, iri),
        &TopDocs::with_limit(1).order_by_score(),
    )?;
    match found.first() {
        Some((_, address)) => Ok(Some(stored_term(&searcher.doc(*address)?, &f)?)),
        None => Ok(None),
    }
}

fn term_ref(kb: &KnowledgeBase, iri: &str) -> Result<TermRef, Error> {
    let term = find_term(kb, iri)?;
    Ok(TermRef {
        iri: iri.to_string(),
        curie: term
            .as_ref()
            .and_then(|t| t.curie.clone())
            .or_else(|| kb.prefixes.compact(iri)),
        label: term.and_then(|t| t.label),
    })
}

/// Named neighbours of `iri` one step up (`up`) or down the hierarchy, over all graphs.
pub(crate) fn neighbours(kb: &KnowledgeBase, iri: &str, up: bool) -> BTreeSet<String> {
    let store = kb.graph.store();
    let mut out = BTreeSet::new();
    let Ok(node) = NamedNodeRef::new(iri) else {
        return out;
    };
    let (forward, backward): (&[&str], &[&str]) = if up {
        (
            &[
                term::RDFS_SUB_CLASS_OF,
                term::RDFS_SUB_PROPERTY_OF,
                term::SKOS_BROADER,
            ],
            &[term::SKOS_NARROWER],
        )
    } else {
        (
            &[term::SKOS_NARROWER],
            &[
                term::RDFS_SUB_CLASS_OF,
                term::RDFS_SUB_PROPERTY_OF,
                term::SKOS_BROADER,
            ],
        )
    };
    for p in forward {
        let p = NamedNodeRef::new_unchecked(p);
        for q in store
            .quads_for_pattern(Some(node.into()), Some(p), None, None)
            .flatten()
        {
            if let RdfTerm::NamedNode(n) = q.object {
                out.insert(n.into_string());
            }
        }
    }
    for p in backward {
        let p = NamedNodeRef::new_unchecked(p);
        for q in store
            .quads_for_pattern(None, Some(p), Some(node.into()), None)
            .flatten()
        {
            if let NamedOrBlankNode::NamedNode(n) = q.subject {
                out.insert(n.into_string());
            }
        }
    }
    out.remove(iri);
    out
}

/// Breadth-first walk; the visited set makes cycles harmless. Returns the terms
/// reached (nearest first) and whether the walk stopped at its budget.
pub(crate) fn walk(kb: &KnowledgeBase, iri: &str, up: bool) -> (Vec<String>, bool) {
    let mut visited: HashSet<String> = HashSet::from([iri.to_string()]);
    let mut order = Vec::new();
    let mut queue = VecDeque::from([iri.to_string()]);
    while let Some(next) = queue.pop_front() {
        for n in neighbours(kb, &next, up) {
            if visited.len() > MAX_WALK {
                return (order, true);
            }
            if visited.insert(n.clone()) {
                order.push(n.clone());
                queue.push_back(n);
            }
        }
    }
    (order, false)
}

fn listed(kb: &KnowledgeBase, iris: &[String], truncated: bool) -> Result<TermList, Error> {
    Ok(TermList {
        total: iris.len(),
        truncated,
        items: iris
            .iter()
            .take(MAX_LISTED)
            .map(|i| term_ref(kb, i))
            .collect::<Result<_, _>>()?,
    })
}

/// Resolves `iri=` or `curie=` to an IRI.
pub fn resolve(
    kb: &KnowledgeBase,
    iri: Option<&str>,
    curie: Option<&str>,
) -> Result<String, Error> {
    match (
        iri.filter(|s| !s.is_empty()),
        curie.filter(|s| !s.is_empty()),
    ) {
        (Some(iri), _) => Ok(iri
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()),
        (None, Some(curie)) => kb
            .prefixes
            .expand(curie)
            .map_err(|e| Error::InvalidParameter {
                name: "curie".into(),
                reason: match e {
                    crate::config::ExpandError::UnknownPrefix(p) => format!("unknown prefix `{p}`"),
                    crate::config::ExpandError::NotAnIri(r) => format!("`{r}` is not a CURIE"),
                },
            }),
        (None, None) => Err(Error::InvalidParameter {
            name: "iri".into(),
            reason: "give `iri` or `curie`".into(),
        }),
    }
}

/// The term with its hierarchy, mappings and annotated articles.
pub fn lookup_term(kb: &KnowledgeBase, iri: &str) -> Result<TermDetails, Error> {
    let mut term = find_term(kb, iri)?.ok_or_else(|| Error::TermNotFound(iri.to_string()))?;
    // The parents are listed once, as labelled references: flattened beside
    // them, the term's own list of IRIs would repeat the `parents` key.
    let parent_iris = std::mem::take(&mut term.parents);
    let children: Vec<String> = neighbours(kb, iri, false).into_iter().collect();
    let (ancestors, up_cut) = walk(kb, iri, true);
    let (descendants, down_cut) = walk(kb, iri, false);
    let parents = parent_iris
        .iter()
        .map(|p| term_ref(kb, p))
        .collect::<Result<_, _>>()?;
    let articles = annotated_articles(
        kb,
        std::iter::once(iri).chain(descendants.iter().map(String::as_str)),
    );
    Ok(TermDetails {
        parents,
        children: listed(kb, &children, false)?,
        ancestors: listed(kb, &ancestors, up_cut)?,
        descendants: listed(kb, &descendants, down_cut)?,
        articles,
        term,
    })
}

fn annotated_articles<'a>(
    kb: &KnowledgeBase,
    terms: impl Iterator<Item = &'a str>,
) -> Vec<AnnotatedArticle> {
    let store = kb.graph.store();
    let content = kb.content_graph();
    let Ok(graph) = NamedNodeRef::new(&content) else {
        return Vec::new();
    };
    let subject = NamedNodeRef::new_unchecked(term::DCTERMS_SUBJECT);
    let literal = |s: NamedNodeRef<'_>, p: &str| {
        store
            .quads_for_pattern(
                Some(s.into()),
                Some(NamedNodeRef::new_unchecked(p)),
                None,
                Some(GraphNameRef::NamedNode(graph)),
            )
            .flatten()
            .find_map(|q| match q.object {
                RdfTerm::Literal(l) => Some(l.value().to_string()),
                _ => None,
            })
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for term in terms {
        let Ok(t) = NamedNodeRef::new(term) else {
            continue;
        };
        for q in store
            .quads_for_pattern(
                None,
                Some(subject),
                Some(t.into()),
                Some(GraphNameRef::NamedNode(graph)),
            )
            .flatten()
        {
            let NamedOrBlankNode::NamedNode(article) = q.subject else {
                continue;
            };
            if !seen.insert(article.as_str().to_string()) {
                continue;
            }
            let a = article.as_ref();
            out.push(AnnotatedArticle {
                id: literal(a, term::DCTERMS_IDENTIFIER).unwrap_or_default(),
                title: literal(a, term::DCTERMS_TITLE),
                iri: article.as_str().to_string(),
                via: term.to_string(),
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_names_its_parents_once() {
        let details = TermDetails {
            term: OntologyTerm {
                iri: "http://example.org/child".into(),
                ..OntologyTerm::default()
            },
            parents: vec![TermRef {
                iri: "http://example.org/parent".into(),
                curie: None,
                label: Some("parent".into()),
            }],
            children: TermList::default(),
            ancestors: TermList::default(),
            descendants: TermList::default(),
            articles: Vec::new(),
        };
        let json = serde_json::to_string(&details).unwrap();
        assert_eq!(json.matches("\"parents\"").count(), 1, "{json}");
    }
}
