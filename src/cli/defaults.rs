//! What the command line assumes when it is not told: the embedding model
//! (`models/all-MiniLM-L6-v2`, or `none`), the ontology folder (`ontologies`),
//! and which content folder `check` reads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::config::Config;
use crate::embed::{DEFAULT_MODEL_DIR, SETUP_HINT, SentenceEncoder};
use crate::index::IndexOptions;

/// The content folder read when none is named.
pub const CONTENT_DIR: &str = "content";
/// The ontology folder read, if it exists, when no ontology path is named.
pub const ONTOLOGY_DIR: &str = "ontologies";

/// Loads the embedding model: the one named by `--model` (an error if it fails),
/// else the default one if installed (a warning if not: keyword search still
/// works). `--model none` loads nothing.
pub fn load_encoder(explicit: Option<&Path>) -> Result<Option<Arc<SentenceEncoder>>> {
    if explicit.is_some_and(|p| p == Path::new("none")) {
        return Ok(None);
    }
    let dir = explicit.unwrap_or(Path::new(DEFAULT_MODEL_DIR));
    if explicit.is_none() && !dir.exists() {
        tracing::warn!(
            "no embedding model at {}: semantic and hybrid search are off; {}",
            dir.display(),
            SETUP_HINT
        );
        return Ok(None);
    }
    let started = std::time::Instant::now();
    let encoder = SentenceEncoder::load(dir)
        .with_context(|| format!("loading the model in {}", dir.display()))?;
    tracing::debug!("loaded {} in {:?}", encoder.id(), started.elapsed());
    Ok(Some(Arc::new(encoder)))
}

/// The ontology paths to read, and whether they may be missing: those named,
/// else the default folder, optional.
pub fn ontology_paths(named: Vec<PathBuf>) -> (Vec<PathBuf>, bool) {
    if named.is_empty() {
        (vec![PathBuf::from(ONTOLOGY_DIR)], true)
    } else {
        (named, false)
    }
}

/// What `index` (and `serve --watch`) reads: the content folders, and the
/// ontology paths (default `ontologies/`, optional when not named).
pub fn index_options(
    content: Vec<PathBuf>,
    ontology: Vec<PathBuf>,
    config: Config,
    encoder: Option<Arc<SentenceEncoder>>,
) -> IndexOptions {
    let (ontologies, optional) = ontology_paths(ontology);
    IndexOptions {
        ontologies,
        ontologies_optional: optional,
        config,
        ..IndexOptions::new(content)
    }
    .with_encoder(encoder)
}

/// The content folders `check` sees: those named; else `content`, when no
/// paths are given or all lie inside it; else none (paths elsewhere, another
/// corpus, are checked on their own).
pub fn check_content(named: Vec<PathBuf>, paths: &[PathBuf]) -> Vec<PathBuf> {
    let default_content = PathBuf::from(CONTENT_DIR);
    if !named.is_empty() {
        named
    } else if paths.is_empty() || within(paths, &default_content) {
        vec![default_content]
    } else {
        Vec::new()
    }
}

/// Whether every path lies inside `folder` (which exists); a path that does not
/// exist counts by its parent folder.
pub fn within(paths: &[PathBuf], folder: &Path) -> bool {
    let Ok(folder) = folder.canonicalize() else {
        return false;
    };
    paths.iter().all(|p| {
        p.canonicalize()
            .or_else(|_| p.parent().map_or(Ok(PathBuf::new()), |d| d.canonicalize()))
            .is_ok_and(|p| p.starts_with(&folder))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_ontologies_are_required_and_the_default_is_optional() {
        assert_eq!(
            ontology_paths(Vec::new()),
            (vec![PathBuf::from("ontologies")], true)
        );
        let named = vec![PathBuf::from("a.ttl"), PathBuf::from("more")];
        assert_eq!(ontology_paths(named.clone()), (named, false));
    }

    #[test]
    fn within_follows_real_paths_and_parents_of_missing_files() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("content");
        let other = tmp.path().join("other");
        std::fs::create_dir_all(folder.join("guides")).unwrap();
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(folder.join("guides/a.md"), "# A\n").unwrap();
        assert!(within(&[folder.join("guides/a.md")], &folder));
        assert!(within(&[folder.join("guides")], &folder));
        assert!(within(&[folder.join("missing.md")], &folder));
        assert!(within(&[folder.join("guides/../guides/a.md")], &folder));
        assert!(!within(
            &[folder.join("guides/a.md"), other.clone()],
            &folder
        ));
        assert!(!within(&[folder.join("../other")], &folder));
        assert!(!within(
            &[folder.join("guides")],
            &tmp.path().join("absent")
        ));
    }

    #[test]
    fn check_reads_named_content_folders_as_given() {
        let named = vec![PathBuf::from("corpus"), PathBuf::from("more")];
        assert_eq!(
            check_content(named.clone(), &[PathBuf::from("/elsewhere")]),
            named
        );
    }
}
