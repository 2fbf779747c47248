//! The loaded ontologies as pages: a short id for each, and one's header,
//! counts and first roots.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use oxigraph::model::{GraphNameRef, NamedNodeRef, Term as RdfTerm};
use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur};

use super::hierarchy::{PAGE, TreePage, roots};
use crate::index::manifest::OntologyEntry;
use crate::model::OntologyInfo;
use crate::query::ontology::search::term_query;
use crate::query::{Error, KnowledgeBase};
use crate::vocab::{DC, DCTERMS, OWL, RDFS, SKOS};

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
pub(crate) fn header(kb: &KnowledgeBase, info: &OntologyInfo) -> (Option<String>, Vec<String>) {
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
