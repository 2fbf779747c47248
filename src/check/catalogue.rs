//! The ontology terms a check can verify against: the term index of the data
//! directory's live generation, plus the terms of ontology files under the
//! `--ontology` paths that the index does not hold (new or changed since the last
//! `eoskb index`), which are parsed for this check alone. A file is "indexed"
//! when the generation's manifest lists a file with the same content hash; the
//! indexed terms of a file that has changed since are ignored.

use std::collections::{BTreeSet, HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{IndexReader, ReloadPolicy, TantivyDocument, Term};

use super::location::Position;
use super::{CheckOptions, Error, Finding, Rule};
use crate::config::iri_path;
use crate::index::graph::GraphStore;
use crate::index::manifest::{self, Manifest};
use crate::index::terms::{self, TermIndex};
use crate::ingest::guard::read_bounded;
use crate::ingest::ontology;
use crate::ingest::{Diagnostic, Severity};
use crate::model::OntologyTerm;

/// The term index of the live generation.
struct Indexed {
    index: TermIndex,
    reader: IndexReader,
}

/// Terms to verify front matter against.
#[derive(Default)]
pub struct TermCatalogue {
    indexed: Option<Indexed>,
    /// Terms of ontology files read for this check, by IRI.
    loaded: HashMap<String, OntologyTerm>,
    /// Their IRIs, sorted, to answer namespace questions.
    loaded_iris: Vec<String>,
    /// Graphs of indexed files that have changed on disk: their indexed terms are
    /// out of date (the file's current terms are in `loaded`).
    superseded: HashSet<String>,
    /// Ontology files read for this check.
    pub loaded_files: usize,
}

impl TermCatalogue {
    /// Opens the live generation's term index (if `options.data` has one) and
    /// loads the ontology files it does not hold. Missing or unreadable ontology
    /// files are reported once each, as warnings: their terms count as unverified.
    pub fn open(options: &CheckOptions, findings: &mut Vec<Finding>) -> Result<Self, Error> {
        let mut catalogue = TermCatalogue::default();
        let mut manifest = Manifest::default();
        if let Some(data) = &options.data
            && let Some(generation) = data.current()?
        {
            manifest = Manifest::load(&generation)?;
            let dir = generation.join("terms");
            if dir.join("meta.json").exists() {
                let index = TermIndex::open(&dir)?;
                let reader = index
                    .index
                    .reader_builder()
                    .reload_policy(ReloadPolicy::Manual)
                    .try_into()?;
                catalogue.indexed = Some(Indexed { index, reader });
            }
        }
        let indexed_hashes: HashSet<&str> = manifest
            .ontologies
            .values()
            .map(|e| e.hash.as_str())
            .collect();

        // The configured sources' local copies too, as `index` loads them; a
        // missing copy is one warning and its terms count as unverified.
        let mut missing_sources = Vec::new();
        let paths = crate::index::indexer::ontology_paths(
            &options.ontologies,
            &options.config,
            &mut missing_sources,
        );
        findings.extend(missing_sources.into_iter().map(unavailable));
        let (files, problems) = ontology::scan(&paths, options.ontologies_optional);
        // Notes (a file reached twice) change nothing about the terms.
        let problems = problems
            .into_iter()
            .filter(|d| d.severity != Severity::Note);
        findings.extend(problems.map(|d| {
            let message = format!("{}; its terms count as unverified", d.message);
            unavailable(Diagnostic { message, ..d })
        }));
        let store = GraphStore::new()?;
        let mut graphs = Vec::new();
        for file in files {
            let bytes = match read_bounded(&file.abs, options.config.index.max_file_bytes) {
                Ok(bytes) => bytes,
                Err(e) => {
                    findings.push(unavailable(Diagnostic::error(
                        file.display(),
                        0,
                        format!("{e}; its terms count as unverified"),
                    )));
                    continue;
                }
            };
            let hash = manifest::hash(&bytes);
            if indexed_hashes.contains(hash.as_str()) {
                continue;
            }
            if let Some(old) = manifest.ontologies.get(&file.key()) {
                catalogue.superseded.insert(old.info.graph.clone());
            }
            // Files that are not RDF (LICENSE, README) are skipped, as by `index`.
            let Ok(format) = ontology::detect(&file.abs, &bytes) else {
                continue;
            };
            match ontology::parse(&file, &bytes, format) {
                Ok(parsed) => {
                    let graph = format!(
                        "{}graph/file/{}",
                        options.config.base_iri,
                        iri_path(&file.display())
                    );
                    store.replace_graph(&graph, parsed.triples)?;
                    graphs.push(graph);
                    catalogue.loaded_files += 1;
                }
                Err(d) => {
                    let message = format!("{}; its terms count as unverified", d.message);
                    findings.push(unavailable(Diagnostic { message, ..d }));
                }
            }
        }
        if !graphs.is_empty() {
            let extracted = terms::extract(&store, &graphs, &options.config.prefix_map())?;
            let iris: BTreeSet<String> = extracted.iter().map(|t| t.iri.clone()).collect();
            catalogue.loaded_iris = iris.into_iter().collect();
            catalogue.loaded = extracted.into_iter().map(|t| (t.iri.clone(), t)).collect();
        }
        Ok(catalogue)
    }

    /// Whether any term is known at all.
    pub fn is_empty(&self) -> bool {
        self.indexed.is_none() && self.loaded.is_empty()
    }

    /// The term with this IRI, if a loaded ontology defines it.
    pub fn lookup(&self, iri: &str) -> Result<Option<OntologyTerm>, Error> {
        if let Some(term) = self.loaded.get(iri) {
            return Ok(Some(term.clone()));
        }
        let Some(indexed) = &self.indexed else {
            return Ok(None);
        };
        let f = indexed.index.fields;
        let searcher = indexed.reader.searcher();
        let query = TermQuery::new(Term::from_field_text(f.iri, iri), IndexRecordOption::Basic);
        let hits = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = hits.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(*address)?;
        let json = doc
            .get_first(f.json)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::StoredTerm(format!("<{iri}> has no stored JSON")))?;
        let term: OntologyTerm =
            serde_json::from_str(json).map_err(|e| Error::StoredTerm(e.to_string()))?;
        Ok((!self.superseded.contains(&term.ontology)).then_some(term))
    }

    /// Whether some loaded ontology defines a term whose IRI starts with `namespace`.
    pub fn covers(&self, namespace: &str) -> Result<bool, Error> {
        let i = self
            .loaded_iris
            .partition_point(|iri| iri.as_str() < namespace);
        if self
            .loaded_iris
            .get(i)
            .is_some_and(|iri| iri.starts_with(namespace))
        {
            return Ok(true);
        }
        let Some(indexed) = &self.indexed else {
            return Ok(false);
        };
        let searcher = indexed.reader.searcher();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(indexed.index.fields.iri)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(namespace.as_bytes())
                .into_stream()?;
            if stream.advance() && stream.key().starts_with(namespace.as_bytes()) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// An ontology that is configured but cannot be used: a warning, since the
/// content may well be right.
fn unavailable(d: Diagnostic) -> Finding {
    let at = Position {
        line: d.line,
        column: d.column.unwrap_or(1),
    };
    let mut finding = Finding::new(Rule::Ontology, Severity::Warning, d.path, at, d.message);
    if d.line == 0 {
        finding.diagnostic.column = None;
    }
    finding
}
