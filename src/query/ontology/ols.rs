//! The loaded ontologies as an Ontology Lookup Service (OLS) client expects to
//! find them: ontologies and terms one page at a time, a term by IRI, short form
//! or OBO id, its relatives up and down the hierarchy, its place in a tree, and
//! term search with OLS's filters and facet counts. Everything here reuses the
//! term index, the hierarchy walks and the ranked term search; every walk is
//! bounded by [`super::lookup::MAX_WALK`] and every page by [`MAX_ROWS`].
//!
//! Data only: `server::ols` renders OLS's JSON shapes.

use std::collections::{BTreeMap, HashMap, HashSet};

use oxigraph::model::NamedNodeRef;
use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, TantivyDocument};

use super::browse::{self, OntologySummary, has_children, is_top};
use super::lookup::{find_term, neighbours, walk};
use super::search::{Matched, Names, TermFilters, best_match, rank_terms, stored_term};
use crate::index::terms::local_name;
use crate::model::OntologyTerm;
use crate::query::request::MAX_OFFSET;
use crate::query::{Error, KnowledgeBase};

/// Most hits or terms one page may hold (`rows`, `size`).
pub const MAX_ROWS: usize = 1_000;
/// Deepest first hit a search may ask for (`start`).
pub const MAX_START: usize = MAX_OFFSET;
/// Terms a `childrenOf` / `allChildrenOf` filter may name.
pub const MAX_SUBTREES: usize = 20;

/// What the table knows of one term.
#[derive(Debug, Clone)]
struct Facts {
    iri: String,
    /// Graph IRI of the defining ontology.
    graph: String,
    label: Option<String>,
    kinds: Vec<String>,
    deprecated: bool,
}

/// Every term of the term index, read once per generation: which ontology
/// defines it, its kinds and status, each ontology's terms in IRI order and
/// the CURIE prefix most of its terms use.
#[derive(Debug, Default)]
pub struct TermTable {
    facts: Vec<Facts>,
    by_iri: HashMap<String, usize>,
    by_address: HashMap<DocAddress, usize>,
    /// Graph IRI → its terms (indexes into `facts`), by IRI.
    by_graph: HashMap<String, Vec<usize>>,
    /// Graph IRI → the CURIE prefix at least half of its terms have.
    prefixes: HashMap<String, String>,
}

impl TermTable {
    pub(crate) fn build(kb: &KnowledgeBase) -> TermTable {
        let Some(terms) = &kb.terms else {
            return TermTable::default();
        };
        let searcher = terms.reader.searcher();
        let f = terms.index.fields;
        let Ok(docs) = searcher.search(&tantivy::query::AllQuery, &DocSetCollector) else {
            return TermTable::default();
        };
        let mut docs: Vec<DocAddress> = docs.into_iter().collect();
        docs.sort();
        let mut table = TermTable::default();
        let mut prefix_counts: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
        for address in docs {
            let Ok(document) = searcher.doc::<TantivyDocument>(address) else {
                continue;
            };
            let Ok(t) = stored_term(&document, &f) else {
                continue;
            };
            if let Some((prefix, _)) = t.curie.as_deref().and_then(|c| c.split_once(':')) {
                *prefix_counts
                    .entry(t.ontology.clone())
                    .or_default()
                    .entry(prefix.to_string())
                    .or_default() += 1;
            }
            let index = table.facts.len();
            table.by_iri.insert(t.iri.clone(), index);
            table.by_address.insert(address, index);
            table.facts.push(Facts {
                iri: t.iri,
                graph: t.ontology,
                label: t.label,
                kinds: t.types,
                deprecated: t.deprecated,
            });
        }
        for (index, facts) in table.facts.iter().enumerate() {
            table
                .by_graph
                .entry(facts.graph.clone())
                .or_default()
                .push(index);
        }
        let facts = &table.facts;
        for list in table.by_graph.values_mut() {
            list.sort_by(|a, b| facts[*a].iri.cmp(&facts[*b].iri));
        }
        // A prefix that names fewer than half of the ontology's terms is not
        // its own (a few `skos:` terms in an ontology of unprefixed IRIs).
        table.prefixes = prefix_counts
            .into_iter()
            .filter_map(|(graph, counts)| {
                let (prefix, n) = counts.into_iter().max_by_key(|(p, n)| (*n, p.clone()))?;
                let all = table.by_graph.get(&graph).map_or(0, Vec::len);
                (n * 2 >= all).then_some((graph, prefix))
            })
            .collect();
        table
    }

    /// Whether the term index holds `iri`.
    pub fn knows(&self, iri: &str) -> bool {
        self.by_iri.contains_key(iri)
    }

    fn graph_of(&self, iri: &str) -> Option<&str> {
        self.by_iri.get(iri).map(|i| self.facts[*i].graph.as_str())
    }

    /// Which entities the term `iri` is, if the index holds it.
    fn entities_of(&self, iri: &str) -> Option<Entities> {
        self.by_iri
            .get(iri)
            .map(|i| Entities::of(&self.facts[*i].kinds))
    }

    /// The IRIs of the ontology graph's `entities`, in IRI order.
    fn of_graph(&self, graph: &str, entities: Entities) -> Vec<&str> {
        self.by_graph
            .get(graph)
            .into_iter()
            .flatten()
            .map(|i| &self.facts[*i])
            .filter(|f| Entities::of(&f.kinds) == entities && entities != Entities::Individuals)
            .map(|f| f.iri.as_str())
            .collect()
    }
}

/// A loaded ontology with what OLS says about it.
#[derive(Debug, Clone)]
pub struct OlsOntology {
    pub summary: OntologySummary,
    /// The CURIE prefix most of its terms use (`PaNET`, `EDAM`).
    pub prefix: Option<String>,
    pub description: Option<String>,
    /// How many classes and concepts (OLS's terms) it defines.
    pub terms: usize,
    /// How many properties it defines.
    pub properties: usize,
}

/// A term with what OLS says about it.
#[derive(Debug, Clone)]
pub struct OlsTerm {
    pub term: OntologyTerm,
    /// The defining ontology's short id (`panet`).
    pub ontology_id: String,
    pub ontology_prefix: Option<String>,
    pub ontology_iri: Option<String>,
    /// The IRI's local name (`PaNET01188`).
    pub short_form: String,
    /// The term's CURIE (`PaNET:PaNET01188`).
    pub obo_id: Option<String>,
    pub has_children: bool,
    /// No broader term the index knows (tops such as `owl:Thing` aside).
    pub is_root: bool,
}

/// One page of a longer list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Which page (from 0).
    pub number: usize,
    pub size: usize,
    pub total: usize,
}

/// How a request names a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    Iri(String),
    /// The IRI's local name: `PaNET01188`.
    ShortForm(String),
    /// The CURIE: `PaNET:PaNET01188`.
    OboId(String),
}

/// Which relatives of a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Parents,
    Children,
    Ancestors,
    Descendants,
}

/// Which of an ontology's entities, as OLS splits them: `terms` are classes
/// (and SKOS concepts), `properties` are properties, `individuals` are named
/// individuals, which the term index does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entities {
    Terms,
    Properties,
    Individuals,
}

impl Entities {
    /// The path segment OLS gives them (`/ontologies/{id}/terms`).
    pub fn segment(self) -> &'static str {
        match self {
            Entities::Terms => "terms",
            Entities::Properties => "properties",
            Entities::Individuals => "individuals",
        }
    }

    /// The entities a term of these kinds is one of.
    pub fn of(kinds: &[String]) -> Entities {
        match ols_type(kinds) {
            "property" => Entities::Properties,
            _ => Entities::Terms,
        }
    }
}

/// The ontology `id` names, or `UnknownOntology`.
fn ontology_summary(kb: &KnowledgeBase, id: &str) -> Result<OntologySummary, Error> {
    browse::find_ontology(kb, id).ok_or_else(|| Error::UnknownOntology(id.to_string()))
}

fn describe(kb: &KnowledgeBase, summary: OntologySummary) -> OlsOntology {
    let (description, _) = browse::header(kb, &summary.info);
    let table = kb.term_table();
    let graph = summary.info.graph.as_str();
    OlsOntology {
        prefix: table.prefixes.get(graph).cloned(),
        description,
        terms: table.of_graph(graph, Entities::Terms).len(),
        properties: table.of_graph(graph, Entities::Properties).len(),
        summary,
    }
}

/// The rows of page `number` of `size` of a list of `total`: `None` past the
/// end (or past what `usize` can count).
fn page_range(number: usize, size: usize, total: usize) -> Option<std::ops::Range<usize>> {
    let start = number.checked_mul(size)?;
    (start < total).then(|| start..start.saturating_add(size).min(total))
}

/// One page of the loaded ontologies, in the manifest's order.
pub fn ontologies_page(kb: &KnowledgeBase, number: usize, size: usize) -> Page<OlsOntology> {
    let all = browse::ontologies(kb);
    let size = size.clamp(1, MAX_ROWS);
    let total = all.len();
    let items = match page_range(number, size, total) {
        Some(range) => all[range].iter().map(|o| describe(kb, o.clone())).collect(),
        None => Vec::new(),
    };
    Page {
        items,
        number,
        size,
        total,
    }
}

/// The ontology `id` names.
pub fn ontology(kb: &KnowledgeBase, id: &str) -> Result<OlsOntology, Error> {
    Ok(describe(kb, ontology_summary(kb, id)?))
}

/// `term` as OLS shows it.
fn ols_term(kb: &KnowledgeBase, term: OntologyTerm, ids: &HashMap<String, String>) -> OlsTerm {
    let table = kb.term_table();
    let summary_id = ids
        .get(&term.ontology)
        .cloned()
        .unwrap_or_else(|| term.ontology.clone());
    let ontology_iri = kb
        .manifest
        .ontologies
        .values()
        .find(|e| e.info.graph == term.ontology)
        .map(|e| e.info.iri.clone().unwrap_or_else(|| e.info.graph.clone()));
    let is_root = !neighbours(kb, &term.iri, true)
        .iter()
        .any(|p| !is_top(p) && table.knows(p));
    OlsTerm {
        ontology_id: summary_id,
        ontology_prefix: table.prefixes.get(&term.ontology).cloned(),
        ontology_iri,
        short_form: local_name(&term.iri).to_string(),
        obo_id: term.curie.clone(),
        has_children: has_children(kb, &term.iri),
        is_root,
        term,
    }
}

/// Graph IRI → the ontology's short id, for every loaded ontology.
fn ontology_ids(kb: &KnowledgeBase) -> HashMap<String, String> {
    browse::ontologies(kb)
        .into_iter()
        .map(|o| (o.info.graph, o.id))
        .collect()
}

/// The IRIs of the terms `id` may name (several for a short form shared by
/// ontologies), known to the index.
fn candidates(kb: &KnowledgeBase, id: &Identifier) -> Result<Vec<String>, Error> {
    let table = kb.term_table();
    Ok(match id {
        Identifier::Iri(iri) => {
            valid_iri(iri)?;
            vec![iri.clone()]
        }
        Identifier::OboId(curie) => match kb.prefixes.expand(curie) {
            Ok(iri) => vec![iri],
            Err(_) => Vec::new(),
        },
        Identifier::ShortForm(short) => {
            let mut out: Vec<String> = table
                .facts
                .iter()
                .filter(|f| local_name(&f.iri) == short)
                .map(|f| f.iri.clone())
                .collect();
            out.sort();
            out
        }
    }
    .into_iter()
    .filter(|iri| table.knows(iri))
    .collect())
}

fn shown(id: &Identifier) -> &str {
    match id {
        Identifier::Iri(s) | Identifier::ShortForm(s) | Identifier::OboId(s) => s,
    }
}

/// Checks that `iri` is an IRI.
pub fn valid_iri(iri: &str) -> Result<(), Error> {
    NamedNodeRef::new(iri)
        .map(|_| ())
        .map_err(|e| Error::InvalidParameter {
            name: "iri".into(),
            reason: format!("`{iri}` is not an IRI ({e})"),
        })
}

/// The term `id` names among the `entities` of the ontology `ontology` (which
/// must define it: a property is not found among the terms).
pub fn term(
    kb: &KnowledgeBase,
    ontology: &str,
    entities: Entities,
    id: &Identifier,
) -> Result<OlsTerm, Error> {
    let summary = ontology_summary(kb, ontology)?;
    let table = kb.term_table();
    let not_in = || Error::TermNotIn {
        term: shown(id).to_string(),
        ontology: summary.id.clone(),
    };
    let iri = candidates(kb, id)?
        .into_iter()
        .find(|iri| {
            table.graph_of(iri) == Some(summary.info.graph.as_str())
                && table.entities_of(iri) == Some(entities)
        })
        .ok_or_else(not_in)?;
    let found = find_term(kb, &iri)?.ok_or_else(not_in)?;
    Ok(ols_term(kb, found, &ontology_ids(kb)))
}

/// The `entities` `id` names in any loaded ontology (OLS's `/api/terms?iri=`).
pub fn term_anywhere(
    kb: &KnowledgeBase,
    entities: Entities,
    id: &Identifier,
) -> Result<Vec<OlsTerm>, Error> {
    let ids = ontology_ids(kb);
    let table = kb.term_table();
    let mut out = Vec::new();
    for iri in candidates(kb, id)? {
        if table.entities_of(&iri) != Some(entities) {
            continue;
        }
        if let Some(t) = find_term(kb, &iri)? {
            out.push(ols_term(kb, t, &ids));
        }
    }
    if out.is_empty() {
        return Err(Error::TermNotFound(shown(id).to_string()));
    }
    Ok(out)
}

fn page_of_iris(
    kb: &KnowledgeBase,
    iris: &[&str],
    number: usize,
    size: usize,
) -> Result<Page<OlsTerm>, Error> {
    let size = size.clamp(1, MAX_ROWS);
    let ids = ontology_ids(kb);
    let mut items = Vec::new();
    if let Some(range) = page_range(number, size, iris.len()) {
        for iri in &iris[range] {
            if let Some(t) = find_term(kb, iri)? {
                items.push(ols_term(kb, t, &ids));
            }
        }
    }
    Ok(Page {
        items,
        number,
        size,
        total: iris.len(),
    })
}

/// One page of the `entities` the ontology defines, in IRI order.
pub fn terms_of(
    kb: &KnowledgeBase,
    ontology: &str,
    entities: Entities,
    number: usize,
    size: usize,
) -> Result<Page<OlsTerm>, Error> {
    let summary = ontology_summary(kb, ontology)?;
    let iris = kb.term_table().of_graph(&summary.info.graph, entities);
    page_of_iris(kb, &iris, number, size)
}

/// One page of the ontology's root `entities` (no broader term the index
/// holds; deprecated terms left out), by label: classes, then SKOS concepts.
pub fn roots_of(
    kb: &KnowledgeBase,
    ontology: &str,
    entities: Entities,
    number: usize,
    size: usize,
) -> Result<Page<OlsTerm>, Error> {
    let summary = ontology_summary(kb, ontology)?;
    let roots = kb.ontology_roots();
    let graph = summary.info.graph.as_str();
    let kinds: &[&str] = match entities {
        Entities::Terms => &["class", "concept"],
        Entities::Properties => &["property"],
        Entities::Individuals => &[],
    };
    let table = kb.term_table();
    let mut seen = HashSet::new();
    let iris: Vec<&str> = kinds
        .iter()
        .flat_map(|kind| roots.of(graph, kind).iter())
        .map(String::as_str)
        // A class that is also a property is listed with the one OLS shows it as.
        .filter(|iri| table.entities_of(iri) == Some(entities) && seen.insert(*iri))
        .collect();
    page_of_iris(kb, &iris, number, size)
}

/// The known relatives of `iri` (tops such as `owl:Thing` left out): parents
/// and children in IRI order, ancestors and descendants nearest first (at most
/// [`super::lookup::MAX_WALK`] of them).
fn relatives(kb: &KnowledgeBase, iri: &str, relation: Relation) -> Vec<String> {
    let table = kb.term_table();
    let all: Vec<String> = match relation {
        Relation::Parents => neighbours(kb, iri, true).into_iter().collect(),
        Relation::Children => neighbours(kb, iri, false).into_iter().collect(),
        Relation::Ancestors => walk(kb, iri, true).0,
        Relation::Descendants => walk(kb, iri, false).0,
    };
    all.into_iter()
        .filter(|r| !is_top(r) && table.knows(r))
        .collect()
}

/// One page of the relatives of the term `iri` of the ontology `ontology`.
pub fn related(
    kb: &KnowledgeBase,
    ontology: &str,
    entities: Entities,
    iri: &str,
    relation: Relation,
    number: usize,
    size: usize,
) -> Result<Page<OlsTerm>, Error> {
    let found = term(kb, ontology, entities, &Identifier::Iri(iri.to_string()))?;
    let all = relatives(kb, &found.term.iri, relation);
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    page_of_iris(kb, &refs, number, size)
}

/// One node of a term's tree (every path from a root down to the term).
#[derive(Debug, Clone, PartialEq)]
pub struct TreeEntry {
    /// Unique within the tree (a term under two parents has two entries).
    pub id: String,
    /// The parent entry's `id`, `None` for a root.
    pub parent: Option<String>,
    pub iri: String,
    pub label: Option<String>,
    /// The term the tree is about.
    pub selected: bool,
    /// Whether it has narrower terms that the tree does not open.
    pub closed_children: bool,
    /// The defining ontology's short id.
    pub ontology_id: Option<String>,
}

/// The tree of `iri` in its hierarchy, flattened as a jstree lists it: each
/// path from a root down to the term (at most [`browse::MAX_TREE`] nodes, as
/// the term page draws it), the term itself selected and closed.
pub fn tree(
    kb: &KnowledgeBase,
    ontology: &str,
    entities: Entities,
    iri: &str,
) -> Result<Vec<TreeEntry>, Error> {
    let found = term(kb, ontology, entities, &Identifier::Iri(iri.to_string()))?;
    let context = browse::context(kb, &found.term.iri)?;
    let ids = ontology_ids(kb);
    let table = kb.term_table();
    let mut out = Vec::new();
    // Depth-first, explicit stack: the tree is bounded, the recursion need not be.
    let mut stack: Vec<(&browse::TreeNode, Option<String>)> =
        context.roots.iter().rev().map(|n| (n, None)).collect();
    while let Some((node, parent)) = stack.pop() {
        let id = (out.len() + 1).to_string();
        out.push(TreeEntry {
            id: id.clone(),
            parent,
            iri: node.iri.clone(),
            label: node.label.clone(),
            selected: node.current,
            closed_children: node.current && node.has_children,
            ontology_id: table.graph_of(&node.iri).and_then(|g| ids.get(g).cloned()),
        });
        if !node.current {
            stack.extend(node.children.iter().rev().map(|c| (c, Some(id.clone()))));
        }
    }
    Ok(out)
}

/// A term search as OLS's `/api/search` and `/api/select` ask for it.
#[derive(Debug, Clone, Default)]
pub struct OlsSearch {
    pub q: String,
    /// Short ids of ontologies (any of them); each must be loaded.
    pub ontologies: Vec<String>,
    /// `class`, `property`, `individual`, `ontology` (any of them).
    pub types: Vec<String>,
    pub exact: bool,
    /// Deprecated terms too (they are left out unless asked for).
    pub obsoletes: bool,
    /// Only the direct children of these IRIs.
    pub children_of: Vec<String>,
    /// Only the descendants (any depth) of these IRIs.
    pub descendants_of: Vec<String>,
    /// The `childrenOf`/`allChildrenOf` terms themselves too.
    pub inclusive: bool,
    pub leaves_only: bool,
    pub names: Names,
    pub start: usize,
    pub rows: usize,
}

/// One search hit with the name that matched.
#[derive(Debug, Clone)]
pub struct OlsHit {
    pub term: OlsTerm,
    pub matched: Matched,
}

/// Counts of every match by ontology, kind and status.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OlsFacets {
    /// Ontology short id → matches.
    pub ontology: BTreeMap<String, usize>,
    pub ontology_iri: BTreeMap<String, usize>,
    pub ontology_prefix: BTreeMap<String, usize>,
    /// `class` / `property` → matches.
    pub kind: BTreeMap<String, usize>,
    /// `true` / `false` → matches.
    pub obsolete: BTreeMap<String, usize>,
}

/// A page of hits with the total and the facet counts.
#[derive(Debug, Clone)]
pub struct OlsSearchResult {
    pub total: usize,
    pub start: usize,
    pub hits: Vec<OlsHit>,
    pub facets: OlsFacets,
}

/// What OLS calls the kind of a term: classes and SKOS concepts are `class`.
pub fn ols_type(kinds: &[String]) -> &'static str {
    if kinds.iter().any(|k| k == "class" || k == "concept") || kinds.is_empty() {
        "class"
    } else {
        "property"
    }
}

/// The term index's filters for an OLS search.
fn filters(kb: &KnowledgeBase, request: &OlsSearch) -> Result<TermFilters, Error> {
    let mut ontologies = Vec::new();
    for id in &request.ontologies {
        ontologies.push(ontology_summary(kb, id)?.info.graph.to_lowercase());
    }
    let mut kinds: Vec<String> = Vec::new();
    for t in &request.types {
        match t.as_str() {
            "class" => kinds.extend(["class".to_string(), "concept".to_string()]),
            "property" => kinds.push("property".into()),
            // No individuals or ontologies among the indexed terms.
            "individual" | "ontology" => {}
            other => {
                return Err(Error::InvalidParameter {
                    name: "type".into(),
                    reason: format!("`{other}`: use class, property, individual or ontology"),
                });
            }
        }
    }
    if !request.types.is_empty() && kinds.is_empty() {
        // Only kinds nothing has: match nothing.
        kinds.push(String::new());
    }
    let subtrees = request.children_of.len() + request.descendants_of.len();
    if subtrees > MAX_SUBTREES {
        return Err(Error::InvalidParameter {
            name: "childrenOf".into(),
            reason: format!("{subtrees} terms; at most {MAX_SUBTREES}"),
        });
    }
    let within = if subtrees == 0 {
        None
    } else {
        let mut set: HashSet<String> = HashSet::new();
        let tops = request
            .children_of
            .iter()
            .map(|i| (i, Relation::Children))
            .chain(
                request
                    .descendants_of
                    .iter()
                    .map(|i| (i, Relation::Descendants)),
            );
        for (iri, relation) in tops {
            valid_iri(iri)?;
            if request.inclusive {
                set.insert(iri.clone());
            }
            // Each walk stops at MAX_WALK; the set at MAX_SUBTREES of them.
            set.extend(relatives(kb, iri, relation));
        }
        Some(set.into_iter().collect())
    };
    Ok(TermFilters {
        ontologies,
        kinds,
        live_only: !request.obsoletes,
        within,
        leaves_only: request.leaves_only,
        exact_only: request.exact,
        names: request.names,
    })
}

/// Term search with OLS's filters: each term once, live terms before deprecated
/// ones, facet counts over every match.
pub fn search(kb: &KnowledgeBase, request: &OlsSearch) -> Result<OlsSearchResult, Error> {
    let filters = filters(kb, request)?;
    let start = request.start.min(MAX_START);
    let ranked = rank_terms(kb, &request.q, &filters, start, request.rows.min(MAX_ROWS))?;
    let ids = ontology_ids(kb);
    let table = kb.term_table();
    let mut facets = OlsFacets::default();
    let iris: HashMap<&str, String> = kb
        .manifest
        .ontologies
        .values()
        .map(|e| {
            let iri = e.info.iri.clone().unwrap_or_else(|| e.info.graph.clone());
            (e.info.graph.as_str(), iri)
        })
        .collect();
    for address in &ranked.matched {
        let Some(facts) = table.by_address.get(address).map(|i| &table.facts[*i]) else {
            continue;
        };
        let bump = |map: &mut BTreeMap<String, usize>, key: String| {
            *map.entry(key).or_default() += 1;
        };
        if let Some(id) = ids.get(&facts.graph) {
            bump(&mut facets.ontology, id.clone());
        }
        if let Some(iri) = iris.get(facts.graph.as_str()) {
            bump(&mut facets.ontology_iri, iri.clone());
        }
        if let Some(prefix) = table.prefixes.get(&facts.graph) {
            bump(&mut facets.ontology_prefix, prefix.clone());
        }
        bump(&mut facets.kind, ols_type(&facts.kinds).to_string());
        bump(&mut facets.obsolete, facts.deprecated.to_string());
    }
    let hits = ranked
        .page
        .into_iter()
        .map(|t| OlsHit {
            matched: best_match(&t, &request.q),
            term: ols_term(kb, t, &ids),
        })
        .collect();
    Ok(OlsSearchResult {
        total: ranked.total,
        start,
        hits,
        facets,
    })
}

/// Labels for autocompletion: the labels of matching live terms, each once,
/// best first, and how many distinct labels match in all.
pub fn suggest(
    kb: &KnowledgeBase,
    q: &str,
    ontologies: &[String],
    start: usize,
    rows: usize,
) -> Result<(usize, Vec<String>), Error> {
    let request = OlsSearch {
        q: q.to_string(),
        ontologies: ontologies.to_vec(),
        names: Names {
            labels: true,
            synonyms: false,
            iri: false,
        },
        ..OlsSearch::default()
    };
    let filters = filters(kb, &request)?;
    let start = start.min(MAX_START);
    let rows = rows.min(MAX_ROWS);
    // Several terms share a label: read twice the page to fill it.
    let wanted = start.saturating_add(rows).saturating_mul(2).min(MAX_ROWS);
    let ranked = rank_terms(kb, q, &filters, 0, wanted)?;
    let table = kb.term_table();
    let distinct: HashSet<&str> = ranked
        .matched
        .iter()
        .filter_map(|a| table.by_address.get(a))
        .filter_map(|i| table.facts[*i].label.as_deref())
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    let labels = ranked
        .page
        .into_iter()
        .filter_map(|t| t.label)
        .filter(|l| seen.insert(l.clone()))
        .skip(start)
        .take(rows)
        .collect();
    Ok((distinct.len(), labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_past_the_end_or_past_usize_are_empty() {
        assert_eq!(page_range(0, 20, 5), Some(0..5));
        assert_eq!(page_range(1, 2, 5), Some(2..4));
        assert_eq!(page_range(2, 2, 5), Some(4..5));
        assert_eq!(page_range(3, 2, 5), None);
        assert_eq!(page_range(usize::MAX, 2, 5), None);
        assert_eq!(page_range(0, usize::MAX, 5), Some(0..5));
    }

    #[test]
    fn classes_and_concepts_are_classes_to_ols() {
        assert_eq!(ols_type(&["concept".into()]), "class");
        assert_eq!(ols_type(&["property".into()]), "property");
        assert_eq!(ols_type(&["property".into(), "class".into()]), "class");
    }
}
