//! The OpenAPI description stays true: every route of the router is described
//! and every described path is a route (with the same methods); the served
//! document and page say so over a real socket; and malformed requests that
//! the description promises are JSON 400s are JSON 400s.

use std::collections::BTreeSet;

use eoskb::index::DataDir;
use eoskb::server::{openapi_document, route_table};
use reqwest::StatusCode;
use serde_json::Value;

use crate::http::start;
use crate::support::{fixture_content, index};

/// `(METHOD, /path/{param})` of every route of the router.
fn routed() -> BTreeSet<(String, String)> {
    route_table()
        .iter()
        .flat_map(|route| {
            route
                .methods
                .iter()
                .map(move |m| (m.to_string(), route.openapi_path()))
        })
        .collect()
}

/// `(METHOD, /path/{param})` of every operation the description names.
fn described(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            out.insert((method.to_ascii_uppercase(), path.clone()));
        }
    }
    out
}

#[test]
fn every_route_is_described_and_every_description_is_a_route() {
    let routed = routed();
    let described = described(openapi_document());
    let undescribed: Vec<_> = routed.difference(&described).collect();
    let unrouted: Vec<_> = described.difference(&routed).collect();
    assert!(
        undescribed.is_empty(),
        "routes missing from the OpenAPI description (src/server/openapi.rs): {undescribed:?}"
    );
    assert!(
        unrouted.is_empty(),
        "the OpenAPI description names paths the server does not have: {unrouted:?}"
    );
    // The table is the router's: the routes tests elsewhere rely on are in it.
    for (method, path) in [
        ("GET", "/api/search"),
        ("POST", "/sparql"),
        (
            "GET",
            "/ols4/api/ontologies/{onto}/{entities}/{iri}/{relation}",
        ),
        ("GET", "/api/admin/gaps"),
        ("GET", "/article/{id}"),
        ("GET", "/api/docs"),
    ] {
        assert!(
            routed.contains(&(method.to_string(), path.to_string())),
            "{method} {path} not in the route table"
        );
    }
}

#[test]
fn every_path_parameter_is_declared_and_every_error_is_an_api_error() {
    let doc = openapi_document();
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, item) in doc["paths"].as_object().unwrap() {
        let in_path: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|p| p.split('}').next())
            .collect();
        for (method, op) in item.as_object().unwrap() {
            let declared: BTreeSet<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            assert_eq!(in_path, declared, "{method} {path}: path parameters");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.contains_key("200") || responses.contains_key("202"),
                "{method} {path}: no success response"
            );
            // Every JSON 4xx/5xx body is the shared ApiError (or, under the
            // OLS API, OLS's own shape beside it).
            for (status, response) in responses {
                if !status.starts_with('4') && !status.starts_with('5') {
                    continue;
                }
                let response = match response["$ref"].as_str() {
                    Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap(),
                    None => response,
                };
                let schema =
                    serde_json::to_string(&response["content"]["application/json"]).unwrap();
                if schema != "null" {
                    assert!(
                        schema.contains("#/components/schemas/ApiError"),
                        "{method} {path} {status}: JSON error without ApiError: {schema}"
                    );
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_description_is_served_as_json_and_as_a_page() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, &[content]);
    let (base, _stop) = start(data).await;
    let client = crate::support::client();

    let r = client
        .get(format!("{base}/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let served: Value = r.json().await.unwrap();
    assert_eq!(&served, openapi_document());

    let r = client.get(format!("{base}/api/docs")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("href=\"/api/openapi.json\""));
    // Every operation has its section, by its operationId.
    for item in served["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap();
            assert!(
                page.contains(&format!("id=\"{id}\"")),
                "{id} not on the page"
            );
        }
    }
    assert!(!page.contains("<script"), "the page needs no script");
    // The footer of every page leads to it.
    let home = client.get(format!("{base}/")).send().await.unwrap();
    assert!(home.text().await.unwrap().contains("href=\"/api/docs\""));
    // `/api/docs/{id}` is still the article API.
    let (status, body) = crate::http::get(&base, "/api/docs/doi-beamtime").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], "doi-beamtime");
}

/// Status, content type and body of a GET sent exactly as written.
async fn raw_get(base: &str, path: &str) -> (StatusCode, String, Value) {
    let r = crate::support::client()
        .get(format!("{base}{path}"))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let media = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = r.json().await.unwrap_or(Value::Null);
    (status, media, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_percent_encoding_in_paths_is_a_json_400() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, &[content]);
    let (base, _stop) = start(data).await;
    // Before: axum's plain-text 400 ("Invalid URL: ...") for path parameters
    // that do not decode to UTF-8.
    for path in [
        "/api/docs/%FF",
        "/api/ontologies/%C3",
        "/docs/%FF%FE",
        "/ontologies/%FF",
        "/terms/%FF",
        "/assets/%FF",
    ] {
        let (status, media, body) = raw_get(&base, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert!(media.starts_with("application/json"), "{path}: {media}");
        assert!(
            body["error"].is_string() && body["message"].is_string(),
            "{path}: {body}"
        );
    }
    // Before: axum's path decoder passed a malformed escape on as text, so
    // `/docs/%zz` was a 404 for an article named `%zz`; the form decoder passed
    // malformed escapes on as text and bytes that are not UTF-8 as U+FFFD, so
    // `q=%FF` searched for "\u{FFFD}".
    let malformed = [
        ("invalid_path", "/docs/%zz"),
        ("invalid_path", "/api/docs/a%G0b"),
        ("invalid_path", "/terms/%"),
        ("invalid_path", "/ontologies/x%+1"),
        ("invalid_path", "/assets/app%2"),
        ("invalid_query_string", "/api/search?q=%FF"),
        ("invalid_query_string", "/api/search?q=data&tag=%zz"),
        ("invalid_query_string", "/api/ask?q=%E0%A4"),
        ("invalid_query_string", "/api/terms?q=sax%"),
        ("invalid_query_string", "/sparql?query=ASK%7B%7D&format=%G1"),
        ("invalid_query_string", "/terms?q=%C3"),
        ("invalid_query_string", "/article/x?format=%FF"),
    ];
    for (code, path) in malformed {
        let (status, media, body) = raw_get(&base, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert!(media.starts_with("application/json"), "{path}: {media}");
        assert_eq!(body["error"], code, "{path}: {body}");
    }
    // Well-formed escapes still read as before.
    let (status, _, body) = raw_get(&base, "/api/search?q=doi%20landing&mode=keyword").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["hits"][0]["id"], "doi-beamtime");
    // A wrong method: JSON too, with the `Allow` header kept.
    let r = crate::support::client()
        .delete(format!("{base}/api/search"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers().contains_key("allow"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed");
    // Unknown assets are JSON 404s; pages keep their HTML 404s.
    let (status, _, body) = raw_get(&base, "/assets/nothing.css").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let r = crate::support::client()
        .get(format!("{base}/docs/no-such-article"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}
