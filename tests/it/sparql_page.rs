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
