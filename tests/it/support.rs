//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use eoskb::index::{self, DataDir, IndexOptions, IndexReport};
use eoskb::query::KnowledgeBase;

/// The fixture corpus, copied to a temporary folder so tests may change it.
pub fn fixture_content(tmp: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content");
    let to = tmp.join("content");
    copy_dir(&from, &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `../shared`, or `None` (with the reason printed) in a clone without it.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("data").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: {} not found; the real-corpus tests need the shared data folder beside the project",
            dir.display()
        );
        None
    }
}

pub fn index(data: &DataDir, content: &[PathBuf]) -> IndexReport {
    index::run(
        data,
        &IndexOptions {
            content: content.to_vec(),
            strict: false,
            full: false,
            ..Default::default()
        },
    )
    .expect("index run")
}

pub fn open(data: &DataDir) -> KnowledgeBase {
    KnowledgeBase::open(data).expect("open knowledge base")
}
