//! `GET /api/admin/index`: what is indexed, for curators. The generations in the
//! data directory, when the served one was written, files, items and sections per
//! content folder and per folder within it, the embedding model, and the loaded
//! ontologies. Read from the manifests; nothing is indexed or checked here.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use super::admin::refusal;
use super::error::ApiError;
use crate::index::{DataDir, Manifest};
use crate::model::OntologyInfo;
use crate::query::KnowledgeBase;

/// The index as curators see it.
#[derive(Debug, Serialize)]
pub struct IndexStatus {
    /// The generation being served (its folder name).
    pub generation: String,
    /// When it was written (RFC 3339): the last index run that changed anything.
    pub indexed_at: String,
    /// Every generation folder in the data directory, oldest first.
    pub generations: Vec<GenerationStatus>,
    pub articles: usize,
    pub sections: usize,
    pub passages: usize,
    /// The embedding model of the vectors, if the index has any.
    pub model: Option<String>,
    /// Why semantic search and ask cannot run, if they cannot.
    pub semantic_unavailable: Option<String>,
    /// Per content folder, as the index run was given it.
    pub roots: Vec<RootStatus>,
    pub ontologies: Vec<OntologyInfo>,
}

/// One generation folder.
#[derive(Debug, Serialize)]
pub struct GenerationStatus {
    pub name: String,
    /// Whether the server answers from it.
    pub live: bool,
    /// When it was written; `None` for a run that never finished.
    pub indexed_at: Option<String>,
    pub articles: Option<usize>,
}

/// One content folder and the folders directly inside it.
#[derive(Debug, Default, Serialize)]
pub struct RootStatus {
    pub root: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// By first path component (`.` for files at the top).
    pub folders: BTreeMap<String, Counts>,
}

/// Files read, the items they yielded, and their sections.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Counts {
    pub files: usize,
    pub items: usize,
    pub sections: usize,
}

impl Counts {
    fn add(&mut self, items: usize, sections: usize) {
        self.files += 1;
        self.items += items;
        self.sections += sections;
    }
}

fn folder_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The status of `kb`, with the other generations of `data`.
pub fn index_status(kb: &KnowledgeBase, data: &DataDir) -> IndexStatus {
    let manifest = kb.manifest();
    let live = folder_name(kb.generation());
    let generations = data
        .generation_folders()
        .unwrap_or_default()
        .into_iter()
        .map(|folder| {
            let name = folder_name(&folder);
            let written = if name == live {
                Some(manifest.clone())
            } else {
                Manifest::load(&folder).ok()
            };
            GenerationStatus {
                live: name == live,
                indexed_at: written.as_ref().map(|m| m.indexed_at.clone()),
                articles: written.as_ref().map(Manifest::articles),
                name,
            }
        })
        .collect();
    let mut roots: BTreeMap<&str, RootStatus> = manifest
        .roots
        .iter()
        .map(|r| {
            let status = RootStatus {
                root: r.clone(),
                ..RootStatus::default()
            };
            (r.as_str(), status)
        })
        .collect();
    for entry in manifest.files.values() {
        let root = roots
            .entry(entry.root.as_str())
            .or_insert_with(|| RootStatus {
                root: entry.root.clone(),
                ..RootStatus::default()
            });
        let folder = match entry.path.split_once('/') {
            Some((first, _)) => first.to_string(),
            None => ".".to_string(),
        };
        let (items, sections) = (entry.ids.len(), entry.sections);
        root.counts.add(items, sections);
        root.folders.entry(folder).or_default().add(items, sections);
    }
    // In the order the run was given them.
    let order = |r: &RootStatus| manifest.roots.iter().position(|x| *x == r.root);
    let mut roots: Vec<RootStatus> = roots.into_values().collect();
    roots.sort_by_key(|r| order(r).unwrap_or(usize::MAX));
    IndexStatus {
        generation: live,
        indexed_at: manifest.indexed_at.clone(),
        generations,
        articles: manifest.articles(),
        sections: manifest.sections(),
        passages: kb.passage_count(),
        model: manifest.model_id.clone(),
        semantic_unavailable: kb.semantic_status().err(),
        roots,
        ontologies: crate::query::list_ontologies(kb),
    }
}

/// `GET /api/admin/index`.
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(refused) = refusal(&state, &headers) {
        return refused;
    }
    let kb = match super::api::live_kb(&state) {
        Ok(kb) => kb,
        Err(e) => return e.into_response(),
    };
    let data = state.data.clone();
    // Reads the other generations' manifests: off the async threads.
    match tokio::task::spawn_blocking(move || index_status(&kb, &data)).await {
        Ok(status) => Json(status).into_response(),
        Err(e) => ApiError::internal(format!("index status failed: {e}")).into_response(),
    }
}
