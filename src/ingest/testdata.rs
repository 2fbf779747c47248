//! The real files the readers' tests read (records, PDFs, training), from
//! `../shared/data` beside the crate.

use std::path::{Path, PathBuf};

use crate::ingest::{ContentFile, Diagnostic, Severity};

/// `../shared/data/<folder>`, or `None` (with a note) in a clone without it. In
/// CI (`CI` set) a missing folder is a failure: the real-file tests must run there.
pub fn shared(folder: &str) -> Option<PathBuf> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if data.is_dir() {
        return Some(data.join(folder));
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing in CI, where the real-file tests must run",
        data.display()
    );
    eprintln!("skipped: ../shared/data not found");
    None
}

/// A file under `root` (a folder of the shared data), as a scan would list it.
pub fn file(root: &Path, rel: &str) -> ContentFile {
    ContentFile {
        root: root.to_string_lossy().into_owned(),
        rel: rel.to_string(),
        abs: root.join(rel),
    }
}

/// The file's bytes (the test fails if it cannot be read).
pub fn bytes(file: &ContentFile) -> Vec<u8> {
    std::fs::read(&file.abs).unwrap_or_else(|e| panic!("{}: {e}", file.abs.display()))
}

/// A file that is not on disk, for inline inputs.
pub fn inline(rel: &str) -> ContentFile {
    ContentFile {
        root: "content".into(),
        rel: rel.into(),
        abs: PathBuf::from(rel),
    }
}

pub fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}
