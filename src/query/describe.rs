//! What the knowledge base says about one resource, for its IRI to dereference:
//! a concise bounded description read from the generation's store. The
//! resource's own triples (as subject, in any graph), the blank nodes they lead
//! to (followed, as in a concise bounded description), and the descriptions of
//! the nodes of the content graph it points to that are not items themselves
//! (authors, organisations, grants), so that an article's page and its RDF
//! name the same people. Bounded in triples and nodes, whatever the data.

use std::collections::{HashSet, VecDeque};

use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple};

use super::{Error, KnowledgeBase};

/// Most triples one description holds; a larger one is cut (and says so).
pub const MAX_TRIPLES: usize = 5_000;
/// Most nodes (the resource, its blank nodes and linked nodes) described.
const MAX_NODES: usize = 500;
/// How far from the resource linked content-graph nodes are followed
/// (an output → its grant → the funder).
const MAX_LINK_DEPTH: usize = 2;

/// One resource's description.
#[derive(Debug, Clone)]
pub struct Description {
    /// The resource described.
    pub iri: String,
    /// Its triples first, then those of the nodes it leads to; no duplicates.
    pub triples: Vec<Triple>,
    /// Whether a bound cut the description short.
    pub truncated: bool,
}

impl Description {
    /// A description of `iri` made of `triples` (computed elsewhere: a graph's
    /// statistics).
    pub fn of(iri: &str, triples: Vec<Triple>) -> Description {
        Description {
            iri: iri.to_string(),
            triples,
            truncated: false,
        }
    }
}

fn store_error(e: impl std::fmt::Display) -> Error {
    Error::Index(crate::index::Error::Graph(e.to_string()))
}

/// Parses a resource IRI a request named (400 when it is not an absolute IRI).
pub fn parse_iri(iri: &str) -> Result<NamedNode, Error> {
    NamedNode::new(iri).map_err(|e| Error::InvalidParameter {
        name: "iri".into(),
        reason: format!("`{iri}` is not an absolute IRI: {e}"),
    })
}

/// The description of `iri`; [`Error::ResourceNotFound`] when the store holds
/// nothing about it.
pub fn describe(kb: &KnowledgeBase, iri: &str) -> Result<Description, Error> {
    let focus = parse_iri(iri)?;
    let store = kb.graph().store();
    let content_graph = kb.content_graph();
    let content_graph = NamedNodeRef::new(&content_graph).map_err(store_error)?;
    let item_prefix = format!("{}article/", kb.manifest().graph_config.base_iri);

    let mut triples = Vec::new();
    let mut seen_triples: HashSet<Triple> = HashSet::new();
    let mut seen_nodes: HashSet<NamedOrBlankNode> = HashSet::new();
    let mut queue: VecDeque<(NamedOrBlankNode, usize)> = VecDeque::new();
    let root = NamedOrBlankNode::from(focus.clone());
    seen_nodes.insert(root.clone());
    queue.push_back((root, 0));
    let mut truncated = false;

    'nodes: while let Some((node, depth)) = queue.pop_front() {
        for quad in store.quads_for_pattern(Some(node.as_ref()), None, None, None) {
            let quad = quad.map_err(store_error)?;
            let triple = Triple::new(quad.subject, quad.predicate, quad.object);
            if seen_triples.contains(&triple) {
                continue;
            }
            if triples.len() >= MAX_TRIPLES {
                truncated = true;
                break 'nodes;
            }
            let next: Option<(NamedOrBlankNode, usize)> = match &triple.object {
                // Blank nodes are part of what says something about the node.
                Term::BlankNode(b) => Some((b.clone().into(), depth)),
                // Authors, organisations and grants: described in the content
                // graph, and not items with IRIs of their own to follow.
                Term::NamedNode(n)
                    if depth < MAX_LINK_DEPTH
                        && *n != focus
                        && !n.as_str().starts_with(&item_prefix)
                        && store
                            .quads_for_pattern(
                                Some(n.as_ref().into()),
                                None,
                                None,
                                Some(GraphNameRef::NamedNode(content_graph)),
                            )
                            .next()
                            .is_some() =>
                {
                    Some((n.clone().into(), depth + 1))
                }
                _ => None,
            };
            if let Some((next, next_depth)) = next
                && !seen_nodes.contains(&next)
            {
                if seen_nodes.len() >= MAX_NODES {
                    truncated = true;
                } else {
                    seen_nodes.insert(next.clone());
                    queue.push_back((next, next_depth));
                }
            }
            seen_triples.insert(triple.clone());
            triples.push(triple);
        }
    }
    if triples.is_empty() {
        return Err(Error::ResourceNotFound(iri.to_string()));
    }
    Ok(Description {
        iri: iri.to_string(),
        triples,
        truncated,
    })
}
