//! The HTTP API through a real bound socket.

use std::time::Duration;

use eoskb::index::DataDir;
use eoskb::server::{self, AppState};
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{fixture_content, index};

/// Serves `data` on an ephemeral port; the server stops with the returned sender.
pub(crate) async fn start(data: DataDir) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(data, None);
    tokio::spawn(server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    (base, stop)
}

pub(crate) async fn get(base: &str, path: &str) -> (StatusCode, Value) {
    let response = crate::support::get(format!("{base}{path}")).await.unwrap();
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_answers_and_rejects_bad_input_with_json() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, &[content]);
    let (base, _stop) = start(data).await;

    let (status, health) = get(&base, "/healthz").await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = get(&base, "/api/search?q=doi%20landing&limit=5&mode=keyword").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let hit = &body["hits"][0];
    assert_eq!(hit["id"], "doi-beamtime");
    for field in [
        "id", "title", "path", "url", "kind", "score", "snippet", "section",
    ] {
        assert!(hit.get(field).is_some(), "hit lacks {field}: {hit}");
    }
    assert_eq!(hit["section"]["anchor"], "requesting-the-doi");
    assert!(hit["snippet"].as_str().unwrap().contains("<mark>"));
    assert!(body["took_ms"].is_number());
    assert!(body["facets"]["kind"]["guide"].as_u64().unwrap() >= 1);

    let (status, filtered) = get(&base, "/api/search?q=data&fair=F1&tag=doi&mode=keyword").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(filtered["total"], 1);

    let long = "a".repeat(10_000);
    for (path, code) in [
        ("/api/search?q=", "empty_query"),
        ("/api/search", "empty_query"),
        (&format!("/api/search?q={long}")[..], "query_too_long"),
        ("/api/search?q=title:(doi", "query_syntax"),
        ("/api/search?q=doi&kind=nonsense", "unknown_facet_value"),
        ("/api/search?q=doi&mode=fuzzy", "invalid_parameter"),
        ("/api/search?q=doi&limit=-1", "invalid_parameter"),
        ("/api/search?q=doi&offset=-5", "invalid_parameter"),
        ("/api/search?q=doi&limit=ten", "invalid_parameter"),
    ] {
        let (status, body) = get(&base, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["error"], code, "{path}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }

    let (status, capped) = get(&base, "/api/search?q=data&limit=100000&mode=keyword").await;
    assert_eq!(status, StatusCode::OK);
    assert!(capped["hits"].as_array().unwrap().len() <= 100);

    // Without a model, a search that names no mode is a keyword search and says
    // so; the semantic and hybrid modes, asked for, say what to install. Health
    // says the service is degraded.
    let (status, body) = get(&base, "/api/search?q=doi").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["mode"], "keyword");
    assert!(!body["hits"].as_array().unwrap().is_empty());
    for path in [
        "/api/search?q=doi&mode=hybrid",
        "/api/search?q=doi&mode=semantic",
    ] {
        let (status, body) = get(&base, path).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
        assert_eq!(body["error"], "semantic_unavailable");
        assert!(
            body["message"].as_str().unwrap().contains("make setup"),
            "{body}"
        );
    }
    assert_eq!(health["status"], "degraded");
    assert_eq!(health["keyword"], "ok");
    assert!(health["reason"].as_str().unwrap().contains("model"));

    let (status, doc) = get(&base, "/api/docs/doi-beamtime").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["title"], "Getting a DOI for your beamtime data");
    assert_eq!(doc["authors"][0]["orcid"], "0000-0002-1825-0097");
    assert!(
        doc["html"]
            .as_str()
            .unwrap()
            .contains("id=\"requesting-the-doi\"")
    );
    assert_eq!(doc["sections"].as_array().unwrap().len(), 3);

    let (status, nested) = get(&base, "/api/docs/untitled-notes").await;
    assert_eq!(
        (status, nested["title"].as_str()),
        (StatusCode::OK, Some("Untitled notes"))
    );

    let (status, missing) = get(&base, "/api/docs/no-such-id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["error"], "not_found");

    let (status, stats) = get(&base, "/api/stats").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stats["articles"], 5);
    assert!(stats["sections"].as_u64().unwrap() >= 8);
    assert!(stats["index_bytes"].as_u64().unwrap() > 0);
    assert_eq!(stats["sources"].as_object().unwrap().len(), 1);
    assert!(stats["indexed_at"].as_str().unwrap().starts_with("20"));

    let (status, unknown) = get(&base, "/api/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(unknown["error"], "not_found");

    let page = crate::support::get(format!("{base}/docs/doi-beamtime"))
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Requesting the DOI"));
    let home = crate::support::get(format!("{base}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("src=\"/assets/app.js\""));
    let script = crate::support::get(format!("{base}/assets/app.js"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(script.contains("/api/search"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_without_index_is_degraded_then_picks_up_new_generations() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    let (base, _stop) = start(data.clone()).await;

    let (status, body) = get(&base, "/api/search?q=doi&mode=keyword").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body["message"].as_str().unwrap().contains("eoskb index"));
    assert_eq!(
        get(&base, "/healthz").await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );

    let indexer = {
        let data = data.clone();
        let content = content.clone();
        move || index(&data, &[content])
    };
    tokio::task::spawn_blocking(indexer.clone()).await.unwrap();
    wait_for(&base, "/api/search?q=doi&mode=keyword", |b| b["total"] == 1).await;

    std::fs::write(
        content.join("fresh.md"),
        "# Fresh\n\nA page about beamline alignment.\n",
    )
    .unwrap();
    tokio::task::spawn_blocking(indexer).await.unwrap();
    wait_for(&base, "/api/search?q=alignment&mode=keyword", |b| {
        b["total"] == 1
    })
    .await;
}

async fn wait_for(base: &str, path: &str, ready: impl Fn(&Value) -> bool) {
    for _ in 0..50 {
        let (status, body) = get(base, path).await;
        if status == StatusCode::OK && ready(&body) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never became ready");
}
