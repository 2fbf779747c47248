//! VoID statistics of a generation's graphs and the SPARQL service description
//! built on them. Counted once per generation ([`KnowledgeBase::void_stats`]),
//! in two passes over the store, never per request.
//!
//! A *link* from graph A to graph B is a triple of A whose object is an IRI
//! that B describes (is the subject of a triple in B) and A does not: an
//! article's `dcterms:subject` pointing at a PaNET class, one ontology's axiom
//! naming another's term. Links are counted per source graph, target graph and
//! predicate, each such group one `void:Linkset`.
//!
//! [`KnowledgeBase::void_stats`]: super::KnowledgeBase::void_stats

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use oxigraph::model::{
    BlankNode, GraphNameRef, Literal, NamedNode, NamedOrBlankNode, Term, Triple, vocab::rdf,
    vocab::rdfs, vocab::xsd,
};
use oxigraph::store::Store;

use crate::vocab::{FORMATS, SD, SEARCH, SEARCH_SERVICE, VOID};

/// Most linksets reported (the largest first); more is a sign of a dataset
/// that interlinks everything, and a description nobody reads whole.
pub const MAX_LINKSETS: usize = 500;

/// One named graph's statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphStats {
    pub graph: String,
    pub triples: u64,
    /// Distinct objects of `rdf:type`.
    pub classes: u64,
    /// Distinct predicates.
    pub properties: u64,
    pub distinct_subjects: u64,
    pub distinct_objects: u64,
}

/// Triples of `source` whose object `target` describes, by one predicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linkset {
    pub source: String,
    pub target: String,
    pub predicate: String,
    pub triples: u64,
}

/// The statistics of every named graph and the links between them.
#[derive(Debug, Clone, Default)]
pub struct DatasetStats {
    /// By graph IRI.
    pub graphs: Vec<GraphStats>,
    /// Largest first, at most [`MAX_LINKSETS`].
    pub linksets: Vec<Linkset>,
    /// Whether linksets beyond [`MAX_LINKSETS`] were left out.
    pub linksets_cut: bool,
}

/// A term's 64-bit hash: distinct values are counted by hash, so that counting
/// a graph never copies its literals (a collision among a few million values
/// is a one-in-a-billion event).
fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl DatasetStats {
    /// Counts `store`'s named graphs: one pass for the counts and for which
    /// graphs describe each IRI, one for the links.
    pub fn count(store: &Store) -> Result<DatasetStats, oxigraph::store::StorageError> {
        let mut names: Vec<NamedNode> = Vec::new();
        for graph in store.named_graphs() {
            if let NamedOrBlankNode::NamedNode(name) = graph? {
                names.push(name);
            }
        }
        names.sort();
        let mut graphs = Vec::with_capacity(names.len());
        // Subject IRI → the graphs (indexes into `names`, ascending) describing it.
        let mut describers: HashMap<NamedNode, Vec<u32>> = HashMap::new();
        for (index, name) in names.iter().enumerate() {
            let index = index as u32;
            let mut stats = GraphStats {
                graph: name.as_str().to_string(),
                triples: 0,
                classes: 0,
                properties: 0,
                distinct_subjects: 0,
                distinct_objects: 0,
            };
            let (mut subjects, mut objects) = (HashSet::new(), HashSet::new());
            let (mut predicates, mut classes) = (HashSet::new(), HashSet::new());
            let graph = GraphNameRef::NamedNode(name.as_ref());
            for quad in store.quads_for_pattern(None, None, None, Some(graph)) {
                let quad = quad?;
                stats.triples += 1;
                subjects.insert(hash_of(&quad.subject));
                objects.insert(hash_of(&quad.object));
                predicates.insert(hash_of(&quad.predicate));
                if quad.predicate == rdf::TYPE {
                    classes.insert(hash_of(&quad.object));
                }
                if let NamedOrBlankNode::NamedNode(subject) = quad.subject {
                    let list = describers.entry(subject).or_default();
                    if list.last() != Some(&index) {
                        list.push(index);
                    }
                }
            }
            stats.distinct_subjects = subjects.len() as u64;
            stats.distinct_objects = objects.len() as u64;
            stats.properties = predicates.len() as u64;
            stats.classes = classes.len() as u64;
            graphs.push(stats);
        }
        let mut links: HashMap<(u32, u32, NamedNode), u64> = HashMap::new();
        for (index, name) in names.iter().enumerate() {
            let index = index as u32;
            let graph = GraphNameRef::NamedNode(name.as_ref());
            for quad in store.quads_for_pattern(None, None, None, Some(graph)) {
                let quad = quad?;
                let Term::NamedNode(object) = &quad.object else {
                    continue;
                };
                let Some(targets) = describers.get(object) else {
                    continue;
                };
                if targets.binary_search(&index).is_ok() {
                    continue;
                }
                for &target in targets {
                    *links
                        .entry((index, target, quad.predicate.clone()))
                        .or_default() += 1;
                }
            }
        }
        let mut linksets: Vec<Linkset> = links
            .into_iter()
            .map(|((source, target, predicate), triples)| Linkset {
                source: names[source as usize].as_str().to_string(),
                target: names[target as usize].as_str().to_string(),
                predicate: predicate.into_string(),
                triples,
            })
            .collect();
        linksets.sort_by(|a, b| {
            b.triples.cmp(&a.triples).then_with(|| {
                (&a.source, &a.target, &a.predicate).cmp(&(&b.source, &b.target, &b.predicate))
            })
        });
        let linksets_cut = linksets.len() > MAX_LINKSETS;
        linksets.truncate(MAX_LINKSETS);
        Ok(DatasetStats {
            graphs,
            linksets,
            linksets_cut,
        })
    }

    /// One graph's statistics.
    pub fn graph(&self, iri: &str) -> Option<&GraphStats> {
        self.graphs.iter().find(|g| g.graph == iri)
    }
}

fn void(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{VOID}{local}"))
}

fn sd(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SD}{local}"))
}

fn count(n: u64) -> Term {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER).into()
}

/// A graph's VoID description: `<graph> a sd:Graph, void:Dataset` with its
/// counts, and the linksets leading out of it (`void:subset`). Empty when the
/// store has no such graph.
pub fn graph_description(stats: &DatasetStats, iri: &str) -> Vec<Triple> {
    let mut out = Vec::new();
    let Some(graph) = stats.graph(iri) else {
        return out;
    };
    let Ok(node) = NamedNode::new(iri) else {
        return out;
    };
    let mut add = |p: NamedNode, o: Term| out.push(Triple::new(node.clone(), p, o));
    add(rdf::TYPE.into_owned(), sd("Graph").into());
    add(rdf::TYPE.into_owned(), void("Dataset").into());
    add(void("triples"), count(graph.triples));
    add(void("classes"), count(graph.classes));
    add(void("properties"), count(graph.properties));
    add(void("distinctSubjects"), count(graph.distinct_subjects));
    add(void("distinctObjects"), count(graph.distinct_objects));
    for linkset in stats.linksets.iter().filter(|l| l.source == iri) {
        let (Ok(target), Ok(predicate)) = (
            NamedNode::new(&linkset.target),
            NamedNode::new(&linkset.predicate),
        ) else {
            continue;
        };
        let set = BlankNode::default();
        out.push(Triple::new(node.clone(), void("subset"), set.clone()));
        for (p, o) in [
            (rdf::TYPE.into_owned(), Term::from(void("Linkset"))),
            (void("subjectsTarget"), node.clone().into()),
            (void("objectsTarget"), target.into()),
            (void("linkPredicate"), predicate.into()),
            (void("triples"), count(linkset.triples)),
        ] {
            out.push(Triple::new(set.clone(), p, o));
        }
    }
    out
}

/// The media formats the endpoint answers in (`sd:resultFormat`).
const RESULT_FORMATS: &[&str] = &[
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
];

/// The endpoint's SPARQL 1.1 service description: what it accepts and answers,
/// its default-graph semantics, and its dataset with every named graph's VoID
/// description.
pub fn service_description(
    stats: &DatasetStats,
    endpoint: &str,
    union_default_graph: bool,
) -> Result<Vec<Triple>, super::Error> {
    let service = super::describe::parse_iri(endpoint)?;
    let mut out = Vec::new();
    let mut add = |s: NamedOrBlankNode, p: NamedNode, o: Term| out.push(Triple::new(s, p, o));
    let me: NamedOrBlankNode = service.clone().into();
    add(me.clone(), rdf::TYPE.into_owned(), sd("Service").into());
    add(me.clone(), sd("endpoint"), service.clone().into());
    add(
        me.clone(),
        sd("supportedLanguage"),
        sd("SPARQL11Query").into(),
    );
    for format in RESULT_FORMATS {
        add(
            me.clone(),
            sd("resultFormat"),
            NamedNode::new_unchecked(format!("{FORMATS}{format}")).into(),
        );
    }
    if union_default_graph {
        add(me.clone(), sd("feature"), sd("UnionDefaultGraph").into());
    }
    // The one service a query may call: named as a feature of its own, since
    // the service description vocabulary has none for it.
    let text_search = NamedNode::new_unchecked(format!("{SEARCH}FullTextSearch"));
    add(me.clone(), sd("feature"), text_search.clone().into());
    let text_search: NamedOrBlankNode = text_search.into();
    add(
        text_search.clone(),
        rdfs::LABEL.into_owned(),
        Literal::new_simple_literal("full-text search inside SPARQL").into(),
    );
    add(
        text_search,
        rdfs::COMMENT.into_owned(),
        Literal::new_simple_literal(format!(
            "SERVICE <{SEARCH_SERVICE}> {{ ?x search:query \"words\" ; search:score ?score }} \
             binds ranked keyword matches over articles, outputs and ontology terms \
             (search: <{SEARCH}>)"
        ))
        .into(),
    );
    add(
        me.clone(),
        sd("defaultEntailmentRegime"),
        NamedNode::new_unchecked("http://www.w3.org/ns/entailment/Simple").into(),
    );
    let dataset: NamedOrBlankNode = BlankNode::default().into();
    add(me, sd("defaultDataset"), dataset.clone().into());
    add(
        dataset.clone(),
        rdf::TYPE.into_owned(),
        sd("Dataset").into(),
    );
    let default_graph: NamedOrBlankNode = BlankNode::default().into();
    add(
        dataset.clone(),
        sd("defaultGraph"),
        default_graph.clone().into(),
    );
    add(default_graph, rdf::TYPE.into_owned(), sd("Graph").into());
    for graph in &stats.graphs {
        let Ok(name) = NamedNode::new(&graph.graph) else {
            continue;
        };
        let entry: NamedOrBlankNode = BlankNode::default().into();
        add(dataset.clone(), sd("namedGraph"), entry.clone().into());
        add(
            entry.clone(),
            rdf::TYPE.into_owned(),
            sd("NamedGraph").into(),
        );
        add(entry.clone(), sd("name"), name.clone().into());
        add(entry, sd("graph"), name.into());
    }
    for graph in &stats.graphs {
        out.extend(graph_description(stats, &graph.graph));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::Quad;

    fn quad(s: &str, p: &str, o: &str, g: &str) -> Quad {
        Quad::new(
            NamedNode::new_unchecked(s),
            NamedNode::new_unchecked(p),
            NamedNode::new_unchecked(o),
            NamedNode::new_unchecked(g),
        )
    }

    #[test]
    fn counts_and_links_follow_their_definitions() {
        let store = Store::new().unwrap();
        let t = rdf::TYPE.as_str();
        for q in [
            quad("http://a/x", t, "http://a/C", "http://g/a"),
            quad("http://a/x", "http://p/about", "http://b/y", "http://g/a"),
            quad("http://a/z", "http://p/about", "http://b/y", "http://g/a"),
            // Described in a too: not a link.
            quad("http://a/x", "http://p/about", "http://a/z", "http://g/a"),
            quad("http://a/z", t, "http://a/C", "http://g/a"),
            quad("http://b/y", t, "http://b/D", "http://g/b"),
            // b describes a/x as well, but a describes it itself: no link to it.
            quad("http://a/x", "http://p/label", "http://b/y", "http://g/b"),
        ] {
            store.insert(&q).unwrap();
        }
        let stats = DatasetStats::count(&store).unwrap();
        let a = stats.graph("http://g/a").unwrap();
        assert_eq!(
            (
                a.triples,
                a.classes,
                a.properties,
                a.distinct_subjects,
                a.distinct_objects
            ),
            (5, 1, 2, 2, 3)
        );
        assert_eq!(
            stats.linksets,
            vec![Linkset {
                source: "http://g/a".into(),
                target: "http://g/b".into(),
                predicate: "http://p/about".into(),
                triples: 2,
            }]
        );
        let sd = service_description(&stats, "http://kb/sparql", true).unwrap();
        assert!(
            sd.iter()
                .any(|t| t.object == Term::from(sd_node("UnionDefaultGraph")))
        );
        assert!(
            !service_description(&stats, "http://kb/sparql", false)
                .unwrap()
                .iter()
                .any(|t| t.object == Term::from(sd_node("UnionDefaultGraph")))
        );
        assert_eq!(graph_description(&stats, "http://g/none"), vec![]);
    }

    fn sd_node(local: &str) -> NamedNode {
        sd(local)
    }
}
