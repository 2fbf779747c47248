//! Shared set-up for the benchmarks: the real corpora from `../shared`.

use std::path::{Path, PathBuf};

/// `../shared/data/corpora/<name>`, or `None` with a note when absent.
#[allow(dead_code)]
pub fn corpus(name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/corpora")
        .join(name);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: {} not found (needs the shared data folder)",
            dir.display()
        );
        None
    }
}

/// `../shared/data/ontologies`, or `None` with a note when absent.
#[allow(dead_code)]
pub fn ontologies() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ontologies");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: {} not found (needs the shared data folder)",
            dir.display()
        );
        None
    }
}
