//! The graph half of one index run: decides which ontology files changed, then
//! writes the new generation's store (changed files' graphs replaced, changed
//! articles' triples replaced) and, only when some ontology changed, re-derives
//! the term index. Unchanged graphs are carried over from the previous snapshot.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use oxigraph::model::Term;
use oxigraph::sparql::{QueryResults, SparqlEvaluator};

use super::Error;
use super::content_graph;
use super::datadir::link_tree;
use super::graph::{GraphStore, SNAPSHOT};
use super::manifest::{self, Manifest, OntologyEntry};
use super::terms::{self, TermIndex};
use crate::config::{Config, iri_path};
use crate::ingest::Diagnostic;
use crate::ingest::guard::read_bounded;
use crate::ingest::ontology::{self, OntologyFile, ParsedOntology};
use crate::model::{Article, OntologyCounts, OntologyInfo};

/// What this run does with the ontology files.
#[derive(Default)]
pub struct OntologyPlan {
    /// Files that stay as they were, by key.
    pub kept: BTreeMap<String, OntologyEntry>,
    /// Files parsed by this run: key, file, parse result, hash.
    pub parsed: Vec<(String, OntologyFile, ParsedOntology, String)>,
    /// Graphs to drop: those of deleted files and the old graphs of changed files.
    pub dropped_graphs: Vec<String>,
    /// Display paths of deleted ontology files.
    pub deleted: Vec<String>,
}

impl OntologyPlan {
    pub fn changed(&self) -> bool {
        !self.parsed.is_empty() || !self.dropped_graphs.is_empty()
    }
}

/// Scans the ontology paths and parses the files that changed since `previous`.
pub fn plan(
    paths: &[std::path::PathBuf],
    missing_ok: bool,
    previous: &Manifest,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> OntologyPlan {
    let (files, problems) = ontology::scan(paths, missing_ok);
    diagnostics.extend(problems);
    let mut plan = OntologyPlan::default();
    let mut graphs_taken: BTreeSet<String> = BTreeSet::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut to_parse = Vec::new();
    let mut first_with_hash: HashMap<String, String> = HashMap::new();
    for file in files {
        let key = file.key();
        let bytes = match read_bounded(&file.abs, config.index.max_file_bytes) {
            Ok(b) => b,
            Err(e) => {
                diagnostics.push(Diagnostic::error(file.display(), 0, e.to_string()));
                continue;
            }
        };
        let hash = manifest::hash(&bytes);
        let unchanged = previous
            .ontologies
            .get(&key)
            .is_some_and(|entry| entry.hash == hash);
        // A copy of a file already loaded (same bytes, another path) is loaded once.
        if unchanged || ontology::detect(&file.abs, &bytes).is_ok() {
            match first_with_hash.get(&hash) {
                Some(first) => {
                    diagnostics.push(Diagnostic::note(
                        file.display(),
                        0,
                        format!("same content as {first}; loaded once"),
                    ));
                    continue;
                }
                None => {
                    first_with_hash.insert(hash.clone(), file.display());
                }
            }
        }
        if unchanged && let Some(entry) = previous.ontologies.get(&key) {
            seen.insert(key.clone());
            graphs_taken.insert(entry.info.graph.clone());
            plan.kept.insert(key, entry.clone());
            continue;
        }
        to_parse.push((key, file, bytes, hash));
    }
    for (key, file, bytes, hash) in to_parse {
        let format = match ontology::detect(&file.abs, &bytes) {
            Ok(f) => f,
            Err(reason) => {
                diagnostics.push(Diagnostic::note(
                    file.display(),
                    0,
                    format!("skipped: {reason}"),
                ));
                continue;
            }
        };
        seen.insert(key.clone());
        match ontology::parse(&file, &bytes, format) {
            Ok(parsed) => {
                if let Some(old) = previous.ontologies.get(&key) {
                    plan.dropped_graphs.push(old.info.graph.clone());
                }
                let graph = match &parsed.ontology_iri {
                    Some(iri) if !graphs_taken.contains(iri) => iri.clone(),
                    other => {
                        if let Some(iri) = other {
                            diagnostics.push(Diagnostic::warning(
                                file.display(),
                                0,
                                format!("ontology <{iri}> is already loaded from another file; this file gets its own graph"),
                            ));
                        }
                        file_graph(config, &file, &graphs_taken)
                    }
                };
                graphs_taken.insert(graph.clone());
                let mut parsed = parsed;
                parsed.graph = graph;
                plan.parsed.push((key.clone(), file, parsed, hash));
            }
            Err(d) => {
                diagnostics.push(d);
                // A broken edit keeps the last good version of the file loaded.
                if let Some(old) = previous.ontologies.get(&key) {
                    graphs_taken.insert(old.info.graph.clone());
                    plan.kept.insert(key, old.clone());
                }
            }
        }
    }
    for (key, entry) in &previous.ontologies {
        if !seen.contains(key) {
            plan.dropped_graphs.push(entry.info.graph.clone());
            plan.deleted.push(entry.info.source.clone());
        }
    }
    plan
}

/// A graph IRI for a file that declares no ontology IRI (or a taken one): the
/// base IRI, `graph/file/`, and the file's path below its ontology folder.
fn file_graph(config: &Config, file: &OntologyFile, taken: &BTreeSet<String>) -> String {
    let name = if file.rel.is_empty() {
        file.abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        file.rel.clone()
    };
    let stem = format!("{}graph/file/{}", config.base_iri, iri_path(&name));
    let mut candidate = stem.clone();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{stem}-{n}");
    }
    candidate
}

/// Article changes for the content graph.
pub struct ArticleChanges<'a> {
    /// Ids whose triples go (deleted files, and the old ids of changed files).
    pub removed_ids: Vec<String>,
    pub added: &'a [Article],
}

/// Writes `graph.nq` and `terms/` into `generation`, and fills `next.ontologies`.
pub fn write(
    generation: &Path,
    base: Option<&Path>,
    plan: OntologyPlan,
    articles: ArticleChanges<'_>,
    config: &Config,
    next: &mut Manifest,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), Error> {
    let store = match base {
        Some(dir) => GraphStore::open(dir)?,
        None => GraphStore::new()?,
    };
    // A term index written by an older version lacks fields: derive it again.
    let ontologies_changed =
        plan.changed() || base.is_none_or(|b| !terms::is_current(&b.join("terms")));
    for graph in &plan.dropped_graphs {
        store.remove_graph(graph)?;
    }
    next.ontologies = plan.kept;
    for (key, file, parsed, hash) in plan.parsed {
        let info = OntologyInfo {
            graph: parsed.graph.clone(),
            iri: parsed.ontology_iri.clone(),
            source: file.display(),
            format: parsed.format.name().to_string(),
            ..OntologyInfo::default()
        };
        store.replace_graph(&parsed.graph, parsed.triples)?;
        let info = describe(&store, info)?;
        next.ontologies.insert(key, OntologyEntry { hash, info });
    }

    let content = config.content_graph();
    for id in &articles.removed_ids {
        for subject in content_graph::subjects(config, id) {
            store.remove_subject(&content, &subject)?;
        }
    }
    let prefixes = config.prefix_map();
    let known = content_graph::KnownIds::new(
        next.files
            .values()
            .flat_map(|entry| entry.ids.iter().cloned()),
    );
    for article in articles.added {
        let (triples, unresolved) =
            content_graph::article_triples(config, &prefixes, &known, article);
        for u in unresolved {
            diagnostics.push(Diagnostic::warning(
                format!("{}/{}", article.source.root, article.source.path),
                1,
                u.reason,
            ));
        }
        store.add(&content, triples)?;
    }
    store.save(generation)?;

    let terms_dir = generation.join("terms");
    match base {
        Some(b) if !ontologies_changed => link_tree(&b.join("terms"), &terms_dir)?,
        _ => {
            let graphs: Vec<String> = next
                .ontologies
                .values()
                .map(|e| e.info.graph.clone())
                .collect();
            let extracted = terms::extract(&store, &graphs, &prefixes)?;
            let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for entry in next.ontologies.values() {
                keys.entry(entry.info.graph.clone())
                    .or_default()
                    .extend(filter_names(&entry.info.source));
            }
            TermIndex::build(&terms_dir, &extracted, &keys)?;
            let mut per_graph: BTreeMap<&str, usize> = BTreeMap::new();
            for t in &extracted {
                *per_graph.entry(t.ontology.as_str()).or_default() += 1;
            }
            for entry in next.ontologies.values_mut() {
                entry.info.counts.terms = per_graph
                    .get(entry.info.graph.as_str())
                    .copied()
                    .unwrap_or(0);
            }
        }
    }
    debug_assert!(generation.join(SNAPSHOT).exists());
    Ok(())
}

/// Names an `ontology=` filter accepts besides the graph IRI: the file stem and
/// its folder (`ontologies/edam/EDAM_1.25.owl` → `edam_1.25`, `edam`).
fn filter_names(source: &str) -> Vec<String> {
    let path = Path::new(source);
    let mut names = Vec::new();
    if let Some(stem) = path.file_stem() {
        names.push(stem.to_string_lossy().to_lowercase());
    }
    if let Some(dir) = path.parent().and_then(|p| p.file_name()) {
        names.push(dir.to_string_lossy().to_lowercase());
    }
    names
}

/// Fills the header fields and counts of an ontology from its graph.
fn describe(store: &GraphStore, mut info: OntologyInfo) -> Result<OntologyInfo, Error> {
    let g = &info.graph;
    let count = |pattern: &str| -> Result<usize, Error> {
        let q = format!(
            "PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> \
             PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> \
             SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{g}> {{ {pattern} FILTER(isIRI(?s)) }} }}"
        );
        let row = select_first(store, &q)?;
        Ok(row
            .get("n")
            .and_then(|t| match t {
                Term::Literal(l) => l.value().parse().ok(),
                _ => None,
            })
            .unwrap_or(0))
    };
    info.counts = OntologyCounts {
        triples: store.graph_len(g)?,
        classes: count("?s rdf:type ?t VALUES ?t { owl:Class rdfs:Class }")?,
        properties: count(
            "?s rdf:type ?t VALUES ?t { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty rdf:Property }",
        )?,
        concepts: count("?s rdf:type skos:Concept")?,
        terms: 0,
    };
    if let Some(iri) = info.iri.clone() {
        let q = format!(
            "PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX dcterms: <http://purl.org/dc/terms/> \
             PREFIX dc: <http://purl.org/dc/elements/1.1/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> \
             PREFIX cc: <http://creativecommons.org/ns#> PREFIX schema: <https://schema.org/> \
             SELECT ?version ?info ?title ?license WHERE {{ GRAPH <{g}> {{ \
               OPTIONAL {{ <{iri}> owl:versionIRI ?version }} OPTIONAL {{ <{iri}> owl:versionInfo ?info }} \
               OPTIONAL {{ <{iri}> dcterms:title|dc:title|rdfs:label ?title }} \
               OPTIONAL {{ <{iri}> dcterms:license|cc:license|dc:license|schema:license|dcterms:rights|dc:rights ?license }} }} }} \
             ORDER BY DESC(langMatches(lang(?title), \"en\")) DESC(lang(?title) = \"\") ?title LIMIT 1"
        );
        let row = select_first(store, &q)?;
        let text = |name: &str| {
            row.get(name).map(|t| match t {
                Term::NamedNode(n) => n.as_str().to_string(),
                Term::Literal(l) => l.value().to_string(),
                other => other.to_string(),
            })
        };
        info.version_iri = text("version");
        info.version_info = text("info");
        info.title = text("title");
        info.license = text("license");
    }
    Ok(info)
}

fn select_first(store: &GraphStore, query: &str) -> Result<BTreeMap<String, Term>, Error> {
    let results = SparqlEvaluator::new()
        .parse_query(query)
        .map_err(|e| Error::Graph(e.to_string()))?
        .on_store(store.store())
        .execute()
        .map_err(|e| Error::Graph(e.to_string()))?;
    let mut out = BTreeMap::new();
    if let QueryResults::Solutions(mut rows) = results
        && let Some(row) = rows.next()
    {
        let row = row.map_err(|e| Error::Graph(e.to_string()))?;
        for (var, term) in row.iter() {
            out.insert(var.as_str().to_string(), term.clone());
        }
    }
    Ok(out)
}
