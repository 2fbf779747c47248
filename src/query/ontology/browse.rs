//! Browsing the loaded ontologies as their builders do: a term in the context of
//! its hierarchy (every path from the top down to it, its children listed), the
//! children of any term one page at a time, the root terms of an ontology, an
//! ontology's header and counts, and the guidance and outputs that use a term or
//! a narrower one. Every walk is bounded: the ancestor walk by the lookup's
//! budget ([`MAX_WALK`]), the rendered tree by [`MAX_TREE`] nodes, pages by
//! [`MAX_PAGE`]; cycles and multiple parents are handled by visited sets and by
//! showing a term once under each of its parents.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use oxigraph::model::{
    GraphNameRef, LiteralRef, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term as RdfTerm,
};
use serde::Serialize;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur};
use tantivy::{DocAddress, TantivyDocument};

use super::lookup::{MAX_WALK, find_term, neighbours, walk};
use super::search::{stored_term, term_query};
use crate::index::manifest::OntologyEntry;
use crate::index::terms::DESCENDANTS;
use crate::model::{OntologyInfo, OntologyTerm};
use crate::query::{Error, KnowledgeBase};
use crate::vocab::{DC, DCTERMS, OWL, RDFS, SKOS, term};

/// Children or roots listed per page unless a request asks for fewer or more.
pub const PAGE: usize = 100;
/// Most children or roots one page may list.
pub const MAX_PAGE: usize = 500;
/// Most nodes in the tree that shows a term in context.
pub const MAX_TREE: usize = 400;
/// Children sorted by label when a term has at most this many; beyond, the pages
/// follow IRI order so that a page reads only its own terms.
const MAX_SORTED: usize = 5_000;
/// Most articles listed on a term page.
pub const MAX_ARTICLES: usize = 500;

/// The tops every class hierarchy shares (and the one OWL gives deprecated
/// classes): never shown as a node of a tree.
fn is_top(iri: &str) -> bool {
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

/// A term named for display: IRI, CURIE, label, whether it has a page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TermName {
    pub iri: String,
    pub curie: Option<String>,
    pub label: Option<String>,
    pub known: bool,
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

/// One loaded ontology with its short id.
#[derive(Debug, Clone, Serialize)]
pub struct OntologySummary {
    /// Short, stable name used in URLs (`panet`, `edam`): the file's folder, or
    /// its stem when several files share a folder.
    pub id: String,
    #[serde(flatten)]
    pub info: OntologyInfo,
}

/// An ontology page: header, counts, roots.
#[derive(Debug, Clone, Serialize)]
pub struct OntologyDetails {
    #[serde(flatten)]
    pub summary: OntologySummary,
    pub description: Option<String>,
    pub imports: Vec<String>,
    pub deprecated: usize,
    /// The first page of roots of each kind of term the ontology has
    /// (`class`, `property`, `concept`).
    pub roots: BTreeMap<String, TreePage>,
}

fn name_of(term: Option<&OntologyTerm>, iri: &str, kb: &KnowledgeBase) -> TermName {
    TermName {
        iri: iri.to_string(),
        curie: term
            .and_then(|t| t.curie.clone())
            .or_else(|| kb.prefixes.compact(iri)),
        label: term.and_then(|t| t.label.clone()),
        known: term.is_some(),
    }
}

/// The display name of any IRI: label and CURIE when the index knows it.
pub fn term_name(kb: &KnowledgeBase, iri: &str) -> Result<TermName, Error> {
    let term = find_term(kb, iri)?;
    Ok(name_of(term.as_ref(), iri, kb))
}

/// Whether `iri` has at least one narrower term (stops at the first).
fn has_children(kb: &KnowledgeBase, iri: &str) -> bool {
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

/// What a node is called on screen: its label, else its CURIE, else its IRI.
fn display<'a>(label: Option<&'a str>, curie: Option<&'a str>, iri: &'a str) -> &'a str {
    label.or(curie).unwrap_or(iri)
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
    let mut names: HashMap<&str, TreeNode> = HashMap::new();
    for n in &order {
        let term = find_term(kb, n)?;
        let mut tree_node = node(kb, n, term.as_ref());
        tree_node.child_count = Some(neighbours(kb, n, false).len());
        tree_node.has_children = tree_node.child_count != Some(0);
        names.insert(n.as_str(), tree_node);
    }
    let own_children = children(kb, iri, 0, PAGE)?;
    let mut grower = Grower {
        down: &down,
        names: &names,
        target: iri,
        own_children: &own_children,
        path: Vec::new(),
        budget: MAX_TREE,
        cut: false,
    };
    let mut built: Vec<TreeNode> = roots.iter().filter_map(|r| grower.grow(r)).collect();
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

/// Builds the tree of a term's context down from its roots.
struct Grower<'a> {
    down: &'a HashMap<&'a str, Vec<&'a str>>,
    names: &'a HashMap<&'a str, TreeNode>,
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
    /// The subtree of `at` along the paths to the target; `None` once the
    /// budget is spent or when no path from `at` reaches the target.
    fn grow(&mut self, at: &'a str) -> Option<TreeNode> {
        if self.budget == 0 {
            self.cut = true;
            return None;
        }
        self.budget -= 1;
        let mut tree = self.names.get(at).cloned()?;
        if at == self.target {
            tree.current = true;
            tree.child_count = Some(self.own_children.total);
            tree.children = self.own_children.items.clone();
            return Some(tree);
        }
        self.path.push(at);
        let down = self.down;
        for child in down.get(at).into_iter().flatten() {
            if self.path.contains(child) {
                continue;
            }
            if let Some(c) = self.grow(child) {
                tree.children.push(c);
            }
        }
        self.path.pop();
        // Every node here leads down to the target: one with no child left was
        // cut by the budget (or only closes a cycle), and is not shown.
        if tree.children.is_empty() {
            return None;
        }
        tree.children.sort_by_cached_key(sort_key);
        Some(tree)
    }
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

/// Every loaded ontology with its short id, in the manifest's order.
pub fn ontologies(kb: &KnowledgeBase) -> Vec<OntologySummary> {
    let entries: Vec<&OntologyEntry> = kb.manifest.ontologies.values().collect();
    let candidates: Vec<Vec<String>> = entries.iter().map(|e| id_candidates(&e.info)).collect();
    let mut taken: HashSet<String> = HashSet::new();
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let unique = candidates[i].iter().find(|c| {
                !taken.contains(*c)
                    && candidates
                        .iter()
                        .enumerate()
                        .all(|(j, other)| j == i || !other.contains(c))
            });
            let id = unique.cloned().unwrap_or_else(|| e.info.graph.clone());
            taken.insert(id.clone());
            OntologySummary {
                id,
                info: e.info.clone(),
            }
        })
        .collect()
}

/// The names an ontology may be called by in a URL: its folder, then its file
/// stem, lower case (the same names the `ontology=` filter of term search takes).
fn id_candidates(info: &OntologyInfo) -> Vec<String> {
    let path = std::path::Path::new(&info.source);
    let mut out = Vec::new();
    if let Some(dir) = path.parent().and_then(|p| p.file_name()) {
        out.push(dir.to_string_lossy().to_lowercase());
    }
    if let Some(stem) = path.file_stem() {
        out.push(stem.to_string_lossy().to_lowercase());
    }
    out.retain(|c| !c.is_empty() && c != "." && c != "..");
    out
}

/// The ontology an id, graph IRI, folder or file stem names.
pub fn find_ontology(kb: &KnowledgeBase, key: &str) -> Option<OntologySummary> {
    let key = key.trim();
    let all = ontologies(kb);
    if let Some(found) = all
        .iter()
        .find(|o| o.id.eq_ignore_ascii_case(key) || o.info.graph == key)
    {
        return Some(found.clone());
    }
    all.into_iter().find(|o| {
        o.info.iri.as_deref() == Some(key)
            || id_candidates(&o.info)
                .iter()
                .any(|c| c.eq_ignore_ascii_case(key))
    })
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
    fn of(&self, graph: &str, kind: &str) -> &[String] {
        self.by_graph
            .get(graph)
            .and_then(|k| k.get(kind))
            .map_or(&[], Vec::as_slice)
    }

    /// The kinds of term with roots in the graph.
    fn kinds(&self, graph: &str) -> Vec<String> {
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

/// An ontology's page: header, description, imports, counts and first roots.
pub fn ontology_details(kb: &KnowledgeBase, key: &str) -> Result<OntologyDetails, Error> {
    let summary = find_ontology(kb, key).ok_or_else(|| Error::NotFound(key.to_string()))?;
    let graph = summary.info.graph.clone();
    let (description, imports) = header(kb, &summary.info);
    let deprecated = match &kb.terms {
        Some(terms) => {
            let f = terms.index.fields;
            let query = BooleanQuery::new(vec![
                (Occur::Must, term_query(f.ontology, &graph.to_lowercase())),
                (Occur::Must, term_query(f.deprecated, "true")),
            ]);
            terms.reader.searcher().search(&query, &Count)?
        }
        None => 0,
    };
    let mut pages = BTreeMap::new();
    for kind in kb.ontology_roots().kinds(&graph) {
        let page = roots(kb, &graph, &kind, 0, PAGE)?;
        pages.insert(kind, page);
    }
    Ok(OntologyDetails {
        summary,
        description,
        imports,
        deprecated,
        roots: pages,
    })
}

/// The ontology's description and imports, read from its header in its graph.
fn header(kb: &KnowledgeBase, info: &OntologyInfo) -> (Option<String>, Vec<String>) {
    let (Some(iri), Ok(graph)) = (info.iri.as_deref(), NamedNodeRef::new(&info.graph)) else {
        return (None, Vec::new());
    };
    let Ok(subject) = NamedNodeRef::new(iri) else {
        return (None, Vec::new());
    };
    let store = kb.graph.store();
    let values = |p: &str| -> Vec<RdfTerm> {
        store
            .quads_for_pattern(
                Some(subject.into()),
                Some(NamedNodeRef::new_unchecked(p)),
                None,
                Some(GraphNameRef::NamedNode(graph)),
            )
            .flatten()
            .map(|q| q.object)
            .collect()
    };
    let mut texts: Vec<crate::model::LangText> = Vec::new();
    for p in [
        format!("{DCTERMS}description"),
        format!("{DC}description"),
        format!("{SKOS}definition"),
        format!("{RDFS}comment"),
    ] {
        texts.extend(values(&p).into_iter().filter_map(|t| match t {
            RdfTerm::Literal(l) => Some(crate::model::LangText {
                value: l.value().trim().to_string(),
                lang: l.language().map(str::to_string),
            }),
            _ => None,
        }));
        if !texts.is_empty() {
            break;
        }
    }
    let imports: BTreeSet<String> = values(&format!("{OWL}imports"))
        .into_iter()
        .filter_map(|t| match t {
            RdfTerm::NamedNode(n) => Some(n.into_string()),
            _ => None,
        })
        .collect();
    (
        crate::index::terms::preferred(&texts).filter(|t| !t.is_empty()),
        imports.into_iter().collect(),
    )
}
