//! Every JSON, HTML and notebook file of the shared outputs and corpora (114) through
//! every reader: nothing panics; each file is claimed by the one sniffer it
//! should be, and that reader reads it without errors.

use std::path::Path;

use crate::ingest::testdata::shared;
use crate::ingest::training::{catalogue, html, jsonld, notebook};
use crate::ingest::{ContentFile, Reading, Severity};

type Reader = fn(&ContentFile, &[u8]) -> Reading;
type Sniffer = fn(&[u8]) -> bool;

const READERS: [(&str, Sniffer, Reader); 4] = [
    ("jsonld", jsonld::sniff, jsonld::read),
    ("html", html::sniff, html::read),
    ("notebook", notebook::sniff, notebook::read),
    ("catalogue", catalogue::sniff, catalogue::read),
];

fn files(root: &Path) -> Vec<ContentFile> {
    let mut out: Vec<ContentFile> = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let ext = e
                .path()
                .extension()
                .and_then(|x| x.to_str())
                .unwrap_or_default();
            matches!(ext, "json" | "jsonld" | "html" | "htm" | "ipynb")
        })
        .map(|e| ContentFile {
            root: root.to_string_lossy().into_owned(),
            rel: crate::ingest::relative_path(root, e.path()),
            abs: e.path().to_path_buf(),
        })
        .collect();
    out.sort();
    out
}

/// The reader a file belongs to, by where it is in the shared data.
fn expected(rel: &str) -> Option<&'static str> {
    if rel.ends_with(".ipynb") {
        Some("notebook")
    } else if rel.contains("ExPaNDS-eu+WP1-reporting/_") {
        // Jekyll front matter (YAML) named `.html`: no reader's.
        None
    } else if rel.ends_with(".html") {
        Some("html")
    } else if rel.contains("PaN-Finder+deliverables/task-1/data/") {
        Some("catalogue")
    } else if rel.contains("Bioschemas/examples/")
        || rel.ends_with("codemeta.json")
        || rel.ends_with("schema_org.json")
        || rel.ends_with("codemeta-software.json")
        || rel.ends_with("example-code-jsonld.json")
    {
        Some("jsonld")
    } else {
        None
    }
}

#[test]
fn every_shared_file_is_claimed_by_its_reader_and_nothing_panics() {
    let Some(data) = shared("") else { return };
    let mut seen = 0;
    for folder in ["outputs", "corpora"] {
        for file in files(&data.join(folder)) {
            seen += 1;
            let bytes = std::fs::read(&file.abs).unwrap();
            let claimed: Vec<&str> = READERS
                .iter()
                .filter(|(_, sniff, _)| sniff(&bytes))
                .map(|(name, _, _)| *name)
                .collect();
            assert_eq!(
                claimed,
                expected(&file.rel).into_iter().collect::<Vec<_>>(),
                "{}",
                file.rel
            );
            for (name, _, read) in READERS {
                let reading = read(&file, &bytes);
                if claimed.contains(&name) {
                    assert!(!reading.articles.is_empty(), "{}", file.rel);
                    let errors: Vec<_> = reading
                        .diagnostics
                        .iter()
                        .filter(|d| d.severity == Severity::Error)
                        .collect();
                    assert!(errors.is_empty(), "{}: {errors:?}", file.rel);
                }
            }
        }
    }
    assert_eq!(seen, 114);
}
