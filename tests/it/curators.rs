//! The curators' page and its token-guarded reports through a real socket:
//! `/admin` says whether it is enabled and holds no data, `/api/admin/index`
//! and `/api/admin/check` answer 401 without the token and their reports with it.

use eoskb::index::DataDir;
use eoskb::server::AppState;
use reqwest::StatusCode;
use serde_json::Value;

use crate::sparql_http::serve;
use crate::support::{client, fixture_content, index};

const TOKEN: &str = "curator-s3cret";

async fn get(base: &str, path: &str, token: Option<&str>) -> (StatusCode, String) {
    let mut request = client().get(format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_curators_reports_need_the_token() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, std::slice::from_ref(&content));
    // Written after the index run: the check reads the files as they are now.
    std::fs::write(content.join("no-title.md"), "Just text, no front matter.\n").unwrap();

    let (open, _stop_open) = serve(AppState::new(data.clone(), None)).await;
    let (status, page) = get(&open, "/admin", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        page.contains("not enabled") && page.contains("EOSKB_ADMIN_TOKEN"),
        "{page}"
    );
    for route in ["/api/admin/index", "/api/admin/check"] {
        let (status, body) = get(&open, route, Some(TOKEN)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{route}");
        assert_eq!(json(&body)["error"], "not_found");
    }

    let state = AppState::new(data.clone(), None).with_admin_token(Some(TOKEN));
    let (base, _stop) = serve(state).await;
    let (status, page) = get(&base, "/admin", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"sign-in\"") && page.contains("/assets/admin.js"));
    assert!(
        !page.contains("no-title.md") && !page.contains("gen-0"),
        "the page holds no data"
    );

    for route in ["/api/admin/index", "/api/admin/check"] {
        for token in [None, Some("wrong"), Some("")] {
            let (status, body) = get(&base, route, token).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{route} {token:?}");
            assert_eq!(json(&body)["error"], "unauthorized");
            assert!(!body.contains("gen-0") && !body.contains("no-title"));
        }
    }

    let (status, body) = get(&base, "/api/admin/index", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let status_report = json(&body);
    assert_eq!(status_report["generation"], "gen-000001");
    assert_eq!(status_report["generations"][0]["live"], true);
    assert!(status_report["indexed_at"].as_str().unwrap().ends_with('Z'));
    let root = &status_report["roots"][0];
    assert_eq!(root["root"], content.to_string_lossy().as_ref());
    let files = root["files"].as_u64().unwrap();
    assert!(files >= 4, "{root}");
    let in_folders: u64 = root["folders"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["files"].as_u64().unwrap())
        .sum();
    assert_eq!(in_folders, files, "every file is in one folder: {root}");
    assert!(
        root["folders"]["guides"]["files"].as_u64().unwrap() >= 1,
        "{root}"
    );
    assert!(status_report["ontologies"].is_array());
    assert!(
        status_report["semantic_unavailable"].is_string(),
        "no model"
    );

    let (status, body) = get(&base, "/api/admin/check", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let checked = json(&body);
    assert_eq!(checked["generation"], "gen-000001");
    assert_eq!(checked["missing_roots"].as_array().unwrap().len(), 0);
    assert!(
        checked["files"].as_u64().unwrap() > files,
        "the new file too"
    );
    let findings = checked["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["path"].as_str().unwrap().ends_with("no-title.md")
                && f["rule"] == "required-field"
                && f["severity"] == "error"
                && f["line"] == 1),
        "{checked}"
    );
    assert!(checked["errors"].as_u64().unwrap() >= 2);
    assert!(checked["rules"]["required-field"].as_u64().unwrap() >= 2);
    // Kept for the generation: the second request does not check again.
    let (_, again) = get(&base, "/api/admin/check", Some(TOKEN)).await;
    assert_eq!(json(&again)["checked_at"], checked["checked_at"]);
}
