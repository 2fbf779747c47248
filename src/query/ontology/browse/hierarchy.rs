//! The hierarchy of the loaded ontologies as trees: a term in the context of
//! every path down to it, children and roots one page at a time.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use oxigraph::model::{NamedNodeRef, NamedOrBlankNode, Term as RdfTerm};
use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::collector::DocSetCollector;

use super::{display, find_ontology, name_of};
use crate::model::OntologyTerm;
use crate::query::ontology::lookup::{MAX_WALK, find_term, neighbours};
use crate::query::ontology::search::stored_term;
use crate::query::{Error, KnowledgeBase};
use crate::vocab::{OWL, RDFS, term};

/// Children or roots listed per page unless a request asks for fewer or more.
pub const PAGE: usize = 100;
/// Most children or roots one page may list.
pub const MAX_PAGE: usize = 500;
/// Most nodes in the tree that shows a term in context.
pub const MAX_TREE: usize = 400;
/// Children sorted by label when a term has at most this many; beyond, the pages
/// follow IRI order so that a page reads only its own terms.
const MAX_SORTED: usize = 5_000;

/// The tops every class hierarchy shares (and the one OWL gives deprecated
/// classes): never shown as a node of a tree.
pub(crate) fn is_top(iri: &str) -> bool {
    iri.strip_prefix(OWL)
        .is_some_and(|l| l == "Thing" || l == "DeprecatedClass")
        || iri.strip_prefix(RDFS).is_some_and(|l| l == "Resource")
}

/// One node of a hierarchy tree.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TreeNode {
    pub iri: String,
    pub curie: Option<String>,
    pub label: Option<String>,
    /// Whether the term index knows the term (a page exists for it).
    pub known: bool,
    pub deprecated: bool,
    /// Whether it has narrower terms (listed or not).
    pub has_children: bool,
    /// How many narrower terms it has, when counted (nodes on a path and the
    /// term in context); `children` may list only some of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_count: Option<usize>,
    /// The narrower terms shown under it (a path down, or the first page).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<TreeNode>,
    /// The term the tree is about.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub current: bool,
}

/// A page of narrower terms, or of an ontology's roots.
#[derive(Debug, Clone, Serialize)]
pub struct TreePage {
    pub total: usize,
    pub offset: usize,
    pub items: Vec<TreeNode>,
}

/// A term with every path from the top of its hierarchy down to it.
#[derive(Debug, Clone, Serialize)]
pub struct TermContext {
    pub roots: Vec<TreeNode>,
    /// The ancestor walk or the tree stopped at its budget.
    pub truncated: bool,
}

/// Whether `iri` has at least one narrower term (stops at the first).
pub(crate) fn has_children(kb: &KnowledgeBase, iri: &str) -> bool {
    let store = kb.graph.store();
    let Ok(node) = NamedNodeRef::new(iri) else {
        return false;
    };
    let narrower = NamedNodeRef::new_unchecked(term::SKOS_NARROWER);
    if store
        .quads_for_pattern(Some(node.into()), Some(narrower), None, None)
        .flatten()
        .any(|q| matches!(&q.object, RdfTerm::NamedNode(n) if n.as_str() != iri))
    {
        return true;
    }
    [
        term::RDFS_SUB_CLASS_OF,
        term::RDFS_SUB_PROPERTY_OF,
        term::SKOS_BROADER,
    ]
    .iter()
    .any(|p| {
        store
            .quads_for_pattern(
                None,
                Some(NamedNodeRef::new_unchecked(p)),
                Some(node.into()),
                None,
            )
            .flatten()
            .any(|q| matches!(&q.subject, NamedOrBlankNode::NamedNode(n) if n.as_str() != iri))
    })
}

fn node(kb: &KnowledgeBase, iri: &str, term: Option<&OntologyTerm>) -> TreeNode {
    let name = name_of(term, iri, kb);
    TreeNode {
        has_children: has_children(kb, iri),
        iri: name.iri,
        curie: name.curie,
        label: name.label,
        known: name.known,
        deprecated: term.is_some_and(|t| t.deprecated),
        child_count: None,
        children: Vec::new(),
        current: false,
    }
}

/// How nodes are ordered among siblings: live before deprecated, then by what
/// they are called (case-insensitive), then by IRI.
fn sort_key(n: &TreeNode) -> (bool, String, String) {
    (
        n.deprecated,
        display(n.label.as_deref(), n.curie.as_deref(), &n.iri).to_lowercase(),
        n.iri.clone(),
    )
}

/// A page of the given terms, sorted as [`sort_key`] says when there are at most
/// [`MAX_SORTED`] (else in IRI order), each with whether it has children.
fn page_of(
    kb: &KnowledgeBase,
    iris: &[String],
    offset: usize,
    limit: usize,
) -> Result<TreePage, Error> {
    let limit = limit.min(MAX_PAGE);
    let items = if iris.len() <= MAX_SORTED {
        let mut all: Vec<(Option<OntologyTerm>, &String)> = iris
            .iter()
            .map(|i| Ok((find_term(kb, i)?, i)))
            .collect::<Result<_, Error>>()?;
        let key = |(t, i): &(Option<OntologyTerm>, &String)| {
            let curie = t
                .as_ref()
                .and_then(|t| t.curie.clone())
                .or_else(|| kb.prefixes.compact(i));
            (
                t.as_ref().is_some_and(|t| t.deprecated),
                display(
                    t.as_ref().and_then(|t| t.label.as_deref()),
                    curie.as_deref(),
                    i,
                )
                .to_lowercase(),
                (*i).clone(),
            )
        };
        all.sort_by_cached_key(key);
        all.into_iter()
            .skip(offset)
            .take(limit)
            .map(|(t, i)| node(kb, i, t.as_ref()))
            .collect()
    } else {
        iris.iter()
            .skip(offset)
            .take(limit)
            .map(|i| Ok(node(kb, i, find_term(kb, i)?.as_ref())))
            .collect::<Result<_, Error>>()?
    };
    Ok(TreePage {
        total: iris.len(),
        offset,
        items,
    })
}

/// Checks that `iri` can name a node of the graph.
fn valid_iri(iri: &str) -> Result<(), Error> {
    NamedNodeRef::new(iri)
        .map(|_| ())
        .map_err(|_| Error::InvalidParameter {
            name: "iri".into(),
            reason: format!("`{iri}` is not an IRI"),
        })
}

/// The narrower terms of `iri`, one page at a time.
pub fn children(
    kb: &KnowledgeBase,
    iri: &str,
    offset: usize,
    limit: usize,
) -> Result<TreePage, Error> {
    valid_iri(iri)?;
    let all: Vec<String> = neighbours(kb, iri, false).into_iter().collect();
    page_of(kb, &all, offset, limit)
}

/// Every path from the top of the hierarchy down to `iri`, each node on a path
/// open on the next one, and the term itself open on its first page of children.
/// A term with two parents appears under both; a cycle is cut where a path
/// would meet itself.
pub fn context(kb: &KnowledgeBase, iri: &str) -> Result<TermContext, Error> {
    // The ancestor graph, walked up breadth-first with a visited set.
    let mut up: HashMap<String, Vec<String>> = HashMap::new();
    let mut order = vec![iri.to_string()];
    let mut visited: HashSet<String> = HashSet::from([iri.to_string()]);
    let mut queue = VecDeque::from([iri.to_string()]);
    let mut truncated = false;
    'walk: while let Some(next) = queue.pop_front() {
        let parents: Vec<String> = neighbours(kb, &next, true)
            .into_iter()
            .filter(|p| !is_top(p))
            .collect();
        for p in &parents {
            if visited.len() >= MAX_WALK {
                truncated = true;
                up.insert(next, parents);
                break 'walk;
            }
            if visited.insert(p.clone()) {
                order.push(p.clone());
                queue.push_back(p.clone());
            }
        }
        up.insert(next, parents);
    }
    // Downward edges inside the ancestor graph: each leads towards the term.
    let mut down: HashMap<&str, Vec<&str>> = HashMap::new();
    for (child, parents) in &up {
        for p in parents {
            if visited.contains(p) {
                down.entry(p.as_str()).or_default().push(child.as_str());
            }
        }
    }
    // Roots: the ancestors without a parent, then, for ancestors no root
    // reaches (a cycle with no way out above), the one found last, the
    // farthest up, until every ancestor hangs under some root.
    let mut roots: Vec<&str> = order
        .iter()
        .filter(|n| up.get(*n).is_none_or(|p| p.is_empty()))
        .map(String::as_str)
        .collect();
    let mut reached: HashSet<&str> = HashSet::new();
    for root in &roots {
        reach(root, &down, &mut reached);
    }
    while let Some(top) = order.iter().rev().find(|n| !reached.contains(n.as_str())) {
        roots.push(top.as_str());
        reach(top, &down, &mut reached);
    }
    let own_children = children(kb, iri, 0, PAGE)?;
    let mut grower = Grower {
        kb,
        down: &down,
        names: HashMap::new(),
        target: iri,
        own_children: &own_children,
        path: Vec::new(),
        budget: MAX_TREE,
        cut: false,
    };
    let mut built = Vec::new();
    for root in roots {
        built.extend(grower.grow(root)?);
    }
    if built.is_empty() && grower.cut {
        // Deeper than the budget: show the term under its parents at least.
        grower.budget = MAX_TREE;
        for parent in up.get(iri).into_iter().flatten() {
            let mut tree = grower.named(parent)?;
            tree.children.extend(grower.grow(iri)?);
            built.push(tree);
        }
    }
    built.sort_by_cached_key(sort_key);
    Ok(TermContext {
        roots: built,
        truncated: truncated || grower.cut,
    })
}

/// Marks `from` and everything below it in `down` as reached.
fn reach<'a>(from: &'a str, down: &HashMap<&'a str, Vec<&'a str>>, reached: &mut HashSet<&'a str>) {
    let mut stack = vec![from];
    while let Some(n) = stack.pop() {
        if reached.insert(n) {
            stack.extend(down.get(n).into_iter().flatten().copied());
        }
    }
}

/// Builds the tree of a term's context down from its roots. At most
/// [`MAX_TREE`] nodes are grown, so the recursion is at most that deep and
/// only the nodes shown are looked up.
struct Grower<'a> {
    kb: &'a KnowledgeBase,
    down: &'a HashMap<&'a str, Vec<&'a str>>,
    /// Nodes already looked up (a node under several paths is read once).
    names: HashMap<&'a str, TreeNode>,
    target: &'a str,
    own_children: &'a TreePage,
    /// The nodes above the one being grown: a child among them closes a cycle.
    path: Vec<&'a str>,
    /// Nodes still allowed.
    budget: usize,
    /// Whether the budget ran out.
    cut: bool,
}

impl<'a> Grower<'a> {
    /// A node on a path, with how many children it has in all.
    fn named(&mut self, at: &'a str) -> Result<TreeNode, Error> {
        if let Some(n) = self.names.get(at) {
            return Ok(n.clone());
        }
        let term = find_term(self.kb, at)?;
        let mut tree_node = node(self.kb, at, term.as_ref());
        let count = neighbours(self.kb, at, false).len();
        tree_node.child_count = Some(count);
        tree_node.has_children = count > 0;
        self.names.insert(at, tree_node.clone());
        Ok(tree_node)
    }

    /// The subtree of `at` along the paths to the target; `None` once the
    /// budget is spent or when no path from `at` reaches the target.
    fn grow(&mut self, at: &'a str) -> Result<Option<TreeNode>, Error> {
        if self.budget == 0 {
            self.cut = true;
            return Ok(None);
        }
        self.budget -= 1;
        let mut tree = self.named(at)?;
        if at == self.target {
            tree.current = true;
            tree.child_count = Some(self.own_children.total);
            tree.children = self.own_children.items.clone();
            return Ok(Some(tree));
        }
        self.path.push(at);
        let down = self.down;
        for child in down.get(at).into_iter().flatten() {
            if self.path.contains(child) {
                continue;
            }
            if let Some(c) = self.grow(child)? {
                tree.children.push(c);
            }
        }
        self.path.pop();
        // Every node here leads down to the target: one with no child left was
        // cut by the budget (or only closes a cycle), and is not shown.
        if tree.children.is_empty() {
            return Ok(None);
        }
        tree.children.sort_by_cached_key(sort_key);
        Ok(Some(tree))
    }
}

/// The root terms of every ontology by graph and kind, sorted, built once per
/// generation: terms not deprecated whose every broader term is a top
/// (`owl:Thing`) or a term the index does not hold.
#[derive(Debug, Default)]
pub struct Roots {
    by_graph: HashMap<String, BTreeMap<String, Vec<String>>>,
}

impl Roots {
    pub(crate) fn build(kb: &KnowledgeBase) -> Roots {
        let Some(terms) = &kb.terms else {
            return Roots::default();
        };
        let searcher = terms.reader.searcher();
        let f = terms.index.fields;
        let Ok(docs) = searcher.search(&tantivy::query::AllQuery, &DocSetCollector) else {
            return Roots::default();
        };
        let mut all: Vec<OntologyTerm> = Vec::with_capacity(docs.len());
        for address in docs {
            let Ok(document) = searcher.doc::<TantivyDocument>(address) else {
                continue;
            };
            if let Ok(t) = stored_term(&document, &f) {
                all.push(t);
            }
        }
        let known: HashSet<&str> = all.iter().map(|t| t.iri.as_str()).collect();
        let mut roots: HashMap<String, BTreeMap<String, Vec<(String, String)>>> = HashMap::new();
        for t in &all {
            if t.deprecated || is_top(&t.iri) {
                continue;
            }
            let has_parent = neighbours(kb, &t.iri, true)
                .iter()
                .any(|p| !is_top(p) && known.contains(p.as_str()));
            if has_parent {
                continue;
            }
            let key = display(t.label.as_deref(), t.curie.as_deref(), &t.iri).to_lowercase();
            for kind in &t.types {
                roots
                    .entry(t.ontology.clone())
                    .or_default()
                    .entry(kind.clone())
                    .or_default()
                    .push((key.clone(), t.iri.clone()));
            }
        }
        Roots {
            by_graph: roots
                .into_iter()
                .map(|(g, kinds)| {
                    let kinds = kinds
                        .into_iter()
                        .map(|(k, mut v)| {
                            v.sort();
                            (k, v.into_iter().map(|(_, i)| i).collect())
                        })
                        .collect();
                    (g, kinds)
                })
                .collect(),
        }
    }

    /// The roots of one kind in one ontology graph.
    pub(crate) fn of(&self, graph: &str, kind: &str) -> &[String] {
        self.by_graph
            .get(graph)
            .and_then(|k| k.get(kind))
            .map_or(&[], Vec::as_slice)
    }

    /// The kinds of term with roots in the graph.
    pub(super) fn kinds(&self, graph: &str) -> Vec<String> {
        self.by_graph
            .get(graph)
            .map(|k| k.keys().cloned().collect())
            .unwrap_or_default()
    }
}

fn unknown_ontology(key: &str) -> Error {
    Error::InvalidParameter {
        name: "ontology".into(),
        reason: format!("no loaded ontology is called `{key}`"),
    }
}

/// A page of the root terms of one kind (`class`, `property`, `concept`) of the
/// ontology `key` names.
pub fn roots(
    kb: &KnowledgeBase,
    key: &str,
    kind: &str,
    offset: usize,
    limit: usize,
) -> Result<TreePage, Error> {
    let ontology = find_ontology(kb, key).ok_or_else(|| unknown_ontology(key))?;
    let iris = kb.ontology_roots().of(&ontology.info.graph, kind);
    let limit = limit.min(MAX_PAGE);
    Ok(TreePage {
        total: iris.len(),
        offset,
        items: iris
            .iter()
            .skip(offset)
            .take(limit)
            .map(|i| Ok(node(kb, i, find_term(kb, i)?.as_ref())))
            .collect::<Result<_, Error>>()?,
    })
}
