//! The RDF store (oxigraph, in memory) and its snapshot in a generation folder.
//!
//! oxigraph's persistent backend is RocksDB, whose C++ build would take most of
//! CI's budget, so each generation keeps its whole dataset as one N-Quads file
//! (`graph.nq`) written with the rest of the generation and loaded when a
//! generation is opened. Owns the store's graphs; knows nothing of HTTP.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use oxigraph::io::RdfFormat;
use oxigraph::model::{
    GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Quad, QuadRef, Triple,
};
use oxigraph::store::Store;

use super::Error;

/// File name of the store's snapshot inside a generation.
pub const SNAPSHOT: &str = "graph.nq";

/// The dataset of one generation: one named graph per ontology file, plus the
/// content graph of articles.
#[derive(Clone)]
pub struct GraphStore {
    store: Store,
}

fn graph_error(e: impl std::fmt::Display) -> Error {
    Error::Graph(e.to_string())
}

impl GraphStore {
    /// An empty store.
    pub fn new() -> Result<GraphStore, Error> {
        Ok(GraphStore {
            store: Store::new().map_err(graph_error)?,
        })
    }

    /// Loads a generation's snapshot; a generation without one has an empty store
    /// (generations written before ontologies were supported).
    pub fn open(generation: &Path) -> Result<GraphStore, Error> {
        let graph = GraphStore::new()?;
        let path = generation.join(SNAPSHOT);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(graph),
            Err(e) => return Err(Error::io(&path, e)),
        };
        graph
            .store
            .load_from_reader(RdfFormat::NQuads, BufReader::with_capacity(1 << 20, file))
            .map_err(|e| Error::Corrupt(format!("{}: {e}", path.display())))?;
        Ok(graph)
    }

    /// Writes the snapshot into a generation folder.
    pub fn save(&self, generation: &Path) -> Result<(), Error> {
        let path = generation.join(SNAPSHOT);
        let file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let writer = self
            .store
            .dump_to_writer(RdfFormat::NQuads, BufWriter::with_capacity(1 << 20, file))
            .map_err(graph_error)?;
        writer
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?
            .flush()
            .map_err(|e| Error::io(&path, e))
    }

    /// The underlying store, for queries.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Replaces everything in `graph` with `triples`.
    pub fn replace_graph(&self, graph: &str, triples: Vec<Triple>) -> Result<(), Error> {
        let name = NamedNode::new(graph).map_err(graph_error)?;
        self.remove_graph(graph)?;
        self.store
            .extend(
                triples
                    .into_iter()
                    .map(|t| t.in_graph(name.clone()))
                    .collect::<Vec<Quad>>(),
            )
            .map_err(graph_error)
    }

    /// Removes a graph and its triples.
    pub fn remove_graph(&self, graph: &str) -> Result<(), Error> {
        let name = NamedNodeRef::new(graph).map_err(graph_error)?;
        self.store
            .remove_named_graph(NamedOrBlankNodeRef::NamedNode(name))
            .map_err(graph_error)
    }

    /// Adds triples to a graph.
    pub fn add(&self, graph: &str, triples: Vec<Triple>) -> Result<(), Error> {
        let name = NamedNode::new(graph).map_err(graph_error)?;
        self.store
            .extend(triples.into_iter().map(|t| t.in_graph(name.clone())))
            .map_err(graph_error)
    }

    /// Removes the triples of `graph` whose subject is `subject`.
    pub fn remove_subject(&self, graph: &str, subject: &str) -> Result<(), Error> {
        let g = NamedNodeRef::new(graph).map_err(graph_error)?;
        let s = NamedNodeRef::new(subject).map_err(graph_error)?;
        let quads: Vec<Quad> = self
            .store
            .quads_for_pattern(Some(s.into()), None, None, Some(GraphNameRef::NamedNode(g)))
            .collect::<Result<_, _>>()
            .map_err(graph_error)?;
        for quad in &quads {
            self.store
                .remove(QuadRef::from(quad))
                .map_err(graph_error)?;
        }
        Ok(())
    }

    /// Number of triples in a graph.
    pub fn graph_len(&self, graph: &str) -> Result<usize, Error> {
        let g = NamedNodeRef::new(graph).map_err(graph_error)?;
        Ok(self
            .store
            .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g)))
            .count())
    }
}
