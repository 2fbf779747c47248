//! `GET /sparql` as a browser asks for it: the query page, while every other
//! request to the endpoint is answered as the protocol says; syntax errors
//! carry the parser's line and column.

use eoskb::config::SparqlConfig;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::Value;

use crate::sparql_http::{start, url};
use crate::support::client;

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_gets_the_query_page_and_clients_the_protocol() {
    let (_tmp, base, _stop) = start(SparqlConfig::default()).await;
    let client = client();
    let get = |path: String, accept: &'static str| {
        let request = client.get(path);
        async move {
            let request = if accept.is_empty() {
                request
            } else {
                request.header(ACCEPT, accept)
            };
            let response = request.send().await.unwrap();
            let status = response.status();
            let media = response
                .headers()
                .get(CONTENT_TYPE)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            let csp = response.headers().contains_key(CONTENT_SECURITY_POLICY);
            (status, media, csp, response.text().await.unwrap())
        }
    };

    let (status, media, csp, page) = get(format!("{base}/sparql"), BROWSER).await;
    assert_eq!(status, StatusCode::OK);
    assert!(media.starts_with("text/html"), "{media}");
    assert!(csp, "the page has the security policy");
    assert!(
        page.contains("<textarea id=\"query\" name=\"query\""),
        "{page}"
    );
    assert!(page.contains("/assets/sparql.js") && page.contains("id=\"sparql-data\""));
    // The first example, with PREFIX lines from the generation's prefix table.
    assert!(page.contains("PREFIX PaNET: &lt;http://purl.org/pan-science/PaNET/&gt;"));
    assert!(page.contains("format=csv") && page.contains("download=\"results.csv\""));
    assert!(page.len() < 300_000);

    let (status, _, _, page) =
        get(format!("{base}/sparql?example=describe-article"), BROWSER).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("DESCRIBE ?article") && page.contains("format=turtle"));
    assert!(page.contains("<option value=\"describe-article\" selected>"));

    // Not a browser asking for the page: the protocol, as before.
    let (status, media, _, body) = get(format!("{base}/sparql"), "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(media.starts_with("application/json"));
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"], "invalid_parameter");
    let (status, _, _, _) = get(format!("{base}/sparql"), "application/sparql-results+json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, media, _, body) = get(url(&base, "ASK {}", ""), BROWSER).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(media, "application/sparql-results+xml", "{body}");
    let response = client
        .post(format!("{base}/sparql"))
        .header(ACCEPT, BROWSER)
        .form(&[("query", "ASK {}")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[CONTENT_TYPE],
        "application/sparql-results+xml"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syntax_errors_say_where_the_parser_stopped() {
    let (_tmp, base, _stop) = start(SparqlConfig::default()).await;
    let response = client()
        .get(url(&base, "SELECT * WHERE {\n  ?s ?p\n}", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "sparql_syntax");
    assert_eq!(
        (body["line"].as_u64(), body["column"].as_u64()),
        (Some(3), Some(2)),
        "{body}"
    );
    // Other errors have no position.
    let response = client()
        .get(url(&base, "ASK {}", "&format=png"))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_parameter");
    assert!(body.get("line").is_none(), "{body}");
}

/// The examples the page offers, read from its data block, each run through the
/// endpoint on the bundled content with PaNET, EDAM and NeXus: each answers
/// something (rows, `true`, triples).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_answers_on_the_bundled_content() {
    let Some(shared) = crate::support::shared_dir() else {
        return;
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let data = eoskb::index::DataDir::new(tmp.path().join("data"));
    let mut ontologies = vec![root.join("ontologies")];
    for name in ["panet", "edam", "nexus"] {
        ontologies.push(shared.join("data/ontologies").join(name));
    }
    let report = eoskb::index::run(
        &data,
        &eoskb::index::IndexOptions {
            ontologies,
            ..eoskb::index::IndexOptions::new(vec![root.join("content")])
        },
    )
    .unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    let (base, _stop) = crate::sparql_http::serve(eoskb::server::AppState::new(data, None)).await;
    let page = client()
        .get(format!("{base}/sparql"))
        .header(ACCEPT, BROWSER)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("id=\"sparql-data\">").unwrap() + "id=\"sparql-data\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&page[start..end]).unwrap();
    let namespaces = data["termNamespaces"].as_array().unwrap();
    for ns in [
        "http://purl.org/pan-science/PaNET/",
        "http://edamontology.org/",
    ] {
        assert!(namespaces.iter().any(|n| n == ns), "{ns} in {namespaces:?}");
    }
    assert!(
        !namespaces.iter().any(|n| n == "https://schema.org/"),
        "no loaded ontology defines schema.org terms: {namespaces:?}"
    );
    let examples = data["examples"].as_array().unwrap();
    assert!(examples.len() >= 6);
    for example in examples {
        let query = example["query"].as_str().unwrap();
        let response = client()
            .post(format!("{base}/sparql"))
            .header(ACCEPT, "application/sparql-results+json, text/turtle;q=0.9")
            .form(&[("query", query)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", example["id"]);
        let media = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        let body = response.text().await.unwrap();
        if example["graph"] == true {
            assert!(media.starts_with("text/turtle"), "{media}");
            assert!(
                body.contains("http://purl.org/pan-science/PaNET/"),
                "{}: {body}",
                example["id"]
            );
        } else {
            let answer: Value = serde_json::from_str(&body).unwrap();
            let answered = answer["boolean"] == true
                || answer["results"]["bindings"]
                    .as_array()
                    .is_some_and(|rows| !rows.is_empty());
            assert!(answered, "{}: {body}", example["id"]);
        }
    }
}
