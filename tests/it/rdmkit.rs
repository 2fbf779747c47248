//! The whole RDMkit corpus from the shared data folder.

use eoskb::index::DataDir;
use eoskb::query::{self, Mode, SearchRequest};

use crate::support::{index, open, shared_dir};

#[test]
fn every_rdmkit_page_is_indexed_and_real_queries_find_their_page() {
    let Some(shared) = shared_dir() else { return };
    let corpus = shared.join("data/corpora/rdmkit");
    let markdown_files = walkdir::WalkDir::new(&corpus)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .count();
    assert!(markdown_files >= 130, "{markdown_files}");

    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = index(&data, &[corpus]);
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    assert_eq!(report.articles, markdown_files, "no page dropped");
    let kb = open(&data);
    assert_eq!(query::stats(&kb).articles, markdown_files);

    let top = |q: &str, n: usize| -> Vec<String> {
        let mut request = SearchRequest {
            mode: Mode::Keyword,
            ..SearchRequest::new(q)
        };
        request.limit = n;
        query::search(&kb, &request)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect()
    };
    let expect_near_top = |q: &str, id: &str, n: usize| {
        let ids = top(q, n);
        assert!(
            ids.iter().any(|i| i == id),
            "`{q}`: expected {id} in top {n}, got {ids:?}"
        );
    };
    expect_near_top("data management plan", "dmp", 3);
    expect_near_top("how to write a DMP", "dmp", 3);
    expect_near_top("sensitive human data", "human_data", 3);
    expect_near_top("GDPR compliance for personal data", "gdpr_compliance", 3);
    expect_near_top("data sensitivity classification", "sensitive", 3);
    expect_near_top("licensing data", "licensing", 3);
    expect_near_top("file naming and folder structure", "data_organisation", 3);

    // No Liquid markup survives into what people read, except where a page shows
    // Liquid on purpose inside `{% raw %}`.
    let response = query::search(
        &kb,
        &SearchRequest {
            limit: 100,
            ..SearchRequest {
                mode: Mode::Keyword,
                ..SearchRequest::new("tool data")
            }
        },
    )
    .unwrap();
    assert!(response.hits.len() >= 50);
    for hit in &response.hits {
        let source =
            std::fs::read_to_string(shared.join("data/corpora/rdmkit").join(&hit.path)).unwrap();
        if source.contains("{% raw %}") {
            continue;
        }
        for noise in ["{%", "%}", "{{", "}}"] {
            assert!(
                !hit.snippet.text.contains(noise) && !hit.title.contains(noise),
                "{noise} in {}: {}",
                hit.id,
                hit.snippet.text
            );
        }
    }
}
