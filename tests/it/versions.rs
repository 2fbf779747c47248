//! Versions of one output in different files, as a harvest writes them (one
//! file per record), become one item listing its versions, and stay so through
//! incremental runs that change, delete and restore either file.
//!
//! No two records in ../shared/data/outputs share a concept DOI (MANIFEST.md:
//! the Zenodo search response has "no two versions of one concept"), so the
//! older version is made from the real legacy Zenodo record of commonmeta-ruby
//! v3.0.1 (DOI 10.5281/zenodo.7752775, concept 10.5281/zenodo.5785518): a copy
//! in which only the version DOI, the version and the publication date are
//! changed. Its DOI, 10.5281/zenodo.7700001, is invented for the test.

use std::path::{Path, PathBuf};

use eoskb::index::{self, DataDir, IndexOptions, IndexReport};
use eoskb::query::{self, KnowledgeBase, SearchRequest};
use serde_json::Value;

use crate::ontology::select;
use crate::support::{open, shared_dir};

const NEWER: &str = "10.5281/zenodo.7752775";
const OLDER: &str = "10.5281/zenodo.7700001";
const CONCEPT: &str = "10.5281/zenodo.5785518";

fn run(data: &DataDir, content: &Path) -> IndexReport {
    let report =
        index::run(data, &IndexOptions::new(vec![content.to_path_buf()])).expect("index run");
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    report
}

fn keyword_ids(kb: &KnowledgeBase, q: &str) -> Vec<String> {
    let request = SearchRequest::new(q).with_mode(eoskb::settings::Mode::Keyword);
    let response = query::search(kb, &request).unwrap_or_else(|e| panic!("{q}: {e}"));
    response.hits.into_iter().map(|h| h.id).collect()
}

/// (DOI, version, issued) of each version the item lists.
fn versions(kb: &KnowledgeBase, id: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let view = query::get_article(kb, id).unwrap_or_else(|e| panic!("{id}: {e}"));
    let record = view.article.record.expect("a record");
    record
        .versions
        .into_iter()
        .map(|v| (v.doi, v.version, v.issued))
        .collect()
}

/// The real record, and the older version made from it.
fn write_versions(folder: &Path, record: &Path) -> (PathBuf, PathBuf) {
    let text = std::fs::read_to_string(record).expect("read the Zenodo record");
    let mut older: Value = serde_json::from_str(&text).expect("the record is JSON");
    older["doi"] = OLDER.into();
    older["metadata"]["doi"] = OLDER.into();
    older["metadata"]["version"] = "v3.0.0".into();
    older["metadata"]["publication_date"] = "2023-03-14".into();
    std::fs::create_dir_all(folder).expect("content folder");
    let newer_path = folder.join("commonmeta-ruby-v3.0.1.json");
    let older_path = folder.join("commonmeta-ruby-v3.0.0.json");
    std::fs::write(&newer_path, &text).expect("write");
    std::fs::write(&older_path, older.to_string()).expect("write");
    (newer_path, older_path)
}

/// The state an incremental run reached must be the one a full run reaches.
fn assert_same_as_full_run(kb: &KnowledgeBase, content: &Path) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = DataDir::new(tmp.path().join("data"));
    let report = index::run(
        &data,
        &IndexOptions {
            full: true,
            ..IndexOptions::new(vec![content.to_path_buf()])
        },
    )
    .expect("full run");
    assert!(report.published);
    let full = open(&data);
    assert_eq!(kb.article_count(), full.article_count());
    for (key, entry) in &full.manifest().files {
        let incremental = kb.manifest().files.get(key).expect("same files");
        assert_eq!(incremental.ids, entry.ids, "{key}");
        assert_eq!(incremental.folded, entry.folded, "{key}");
        for id in &entry.ids {
            assert_eq!(versions(kb, id), versions(&full, id), "{id}");
        }
    }
}

#[test]
fn versions_in_two_files_are_one_item_through_incremental_runs() {
    let Some(shared) = shared_dir() else { return };
    let record = shared.join(
        "data/outputs/zenodo-invenio/front-matter+commonmeta-py/tests/fixtures/inveniordm-software.json",
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let content = tmp.path().join("content");
    let (newer_path, older_path) = write_versions(&content.join("zenodo"), &record);
    let newer_id = format!("doi/{NEWER}");
    let older_id = format!("doi/{OLDER}");
    let data = DataDir::new(tmp.path().join("data"));

    // One item: the newest version, listing the older one.
    let report = run(&data, &content);
    assert!(report.published);
    assert_eq!(report.articles, 1, "two versions, one item");
    let kb = open(&data);
    assert!(kb.has_article(&newer_id));
    assert!(!kb.has_article(&older_id));
    let view = query::get_article(&kb, &newer_id).expect("the item");
    assert_eq!(view.article.title, "commonmeta-ruby");
    let own = view.article.record.as_deref().expect("a record");
    assert_eq!(own.version.as_deref(), Some("v3.0.1"));
    assert_eq!(own.concept_doi.as_deref(), Some(CONCEPT));
    let both = vec![(
        OLDER.to_string(),
        Some("v3.0.0".to_string()),
        Some("2023-03-14".to_string()),
    )];
    assert_eq!(versions(&kb, &newer_id), both);
    // Either version's DOI, the concept DOI and the title find the one item.
    for q in [NEWER, OLDER, CONCEPT, "commonmeta-ruby"] {
        assert_eq!(keyword_ids(&kb, q).first(), Some(&newer_id), "{q}");
    }
    assert_eq!(
        keyword_ids(&kb, "commonmeta-ruby"),
        std::slice::from_ref(&newer_id)
    );
    // The graph says so too.
    let rows = select(
        &kb,
        "SELECT ?v WHERE { ?item <http://purl.org/dc/terms/hasVersion> ?v }",
    );
    let listed: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["v"]["value"].as_str())
        .collect();
    assert_eq!(listed, [format!("https://doi.org/{OLDER}")]);
    // The older file holds no item but keeps its id claimed.
    let older_key = kb
        .manifest()
        .files
        .iter()
        .find(|(_, e)| e.path.ends_with("commonmeta-ruby-v3.0.0.json"))
        .map(|(_, e)| e.clone())
        .expect("the older file's entry");
    assert!(older_key.ids.is_empty());
    assert_eq!(older_key.folded, std::slice::from_ref(&older_id));
    assert_eq!(older_key.concepts, [CONCEPT.to_string()]);
    drop(kb);

    // Nothing changed: nothing is read again.
    let report = run(&data, &content);
    assert!(!report.published);
    assert!(report.changed.is_empty() && report.added.is_empty());

    // The older file changes: both are read again, still one item.
    let text = std::fs::read_to_string(&older_path).expect("read");
    std::fs::write(&older_path, text.replace("\"v3.0.0\"", "\"v3.0.0-final\"")).expect("write");
    let report = run(&data, &content);
    assert!(report.published);
    assert_eq!(report.changed.len(), 2, "{:?}", report.changed);
    let kb = open(&data);
    assert_eq!(kb.article_count(), 1);
    assert_eq!(
        versions(&kb, &newer_id),
        [(
            OLDER.to_string(),
            Some("v3.0.0-final".to_string()),
            Some("2023-03-14".to_string())
        )]
    );
    assert_same_as_full_run(&kb, &content);
    drop(kb);

    // The newer file goes: the older version is the item again, alone.
    let newer_text = std::fs::read(&newer_path).expect("read");
    std::fs::remove_file(&newer_path).expect("remove");
    let report = run(&data, &content);
    assert_eq!(report.deleted.len(), 1);
    assert_eq!(report.articles, 1);
    let kb = open(&data);
    assert_eq!(kb.article_count(), 1);
    assert!(kb.has_article(&older_id) && !kb.has_article(&newer_id));
    assert!(versions(&kb, &older_id).is_empty());
    assert_eq!(
        keyword_ids(&kb, "commonmeta-ruby"),
        std::slice::from_ref(&older_id)
    );
    assert!(
        !keyword_ids(&kb, NEWER).contains(&newer_id),
        "no stale item"
    );
    assert_same_as_full_run(&kb, &content);
    drop(kb);

    // It comes back: one item again, the newer one.
    std::fs::write(&newer_path, newer_text).expect("write");
    let report = run(&data, &content);
    assert_eq!(report.articles, 1);
    let kb = open(&data);
    assert_eq!(kb.article_count(), 1);
    assert!(kb.has_article(&newer_id) && !kb.has_article(&older_id));
    assert_eq!(versions(&kb, &newer_id).len(), 1);
    assert_eq!(keyword_ids(&kb, OLDER), std::slice::from_ref(&newer_id));
    assert_same_as_full_run(&kb, &content);
    drop(kb);

    // The older file goes: the newer item no longer lists it.
    std::fs::remove_file(&older_path).expect("remove");
    run(&data, &content);
    let kb = open(&data);
    assert_eq!(kb.article_count(), 1);
    assert!(versions(&kb, &newer_id).is_empty(), "no stale version");
    assert_same_as_full_run(&kb, &content);
}
