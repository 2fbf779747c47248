//! Hostile requests, slow clients and resource limits through a real socket:
//! each gets a 4xx (or a 503 saying when to come back) with a JSON body naming
//! the problem, and the server keeps answering everyone else.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use eoskb::config::{ServerConfig, SparqlConfig};
use eoskb::index::DataDir;
use eoskb::server::AppState;
use reqwest::StatusCode;
use serde_json::Value;

use crate::sparql_http::{COUNT_CLASSES, indexed, serve, start, url};
use crate::support::{encoder, fixture_content, index};

async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// A GET's status and JSON body.
async fn get_json(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> (StatusCode, Value) {
    answer(client.get(url).send().await.unwrap()).await
}

/// The server still answers SPARQL and search after whatever came before.
async fn still_answers(client: &reqwest::Client, base: &str) {
    let (status, body) = get_json(client, url(base, COUNT_CLASSES, "")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["results"]["bindings"][0]["n"]["value"], "1501");
    let r = client
        .get(format!("{base}/api/search?q=embargo&mode=keyword"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

fn nested_select(depth: usize) -> String {
    format!(
        "SELECT * WHERE {{ FILTER({}1{}) }}",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparql_that_crashed_the_server_is_refused() {
    let (_tmp, base, _stop) = start(SparqlConfig::default()).await;
    let client = crate::support::client();
    let deep = "(".repeat(300_000);

    // Updates are refused without being parsed, however deep they nest.
    let r = client
        .post(format!("{base}/sparql"))
        .header("content-type", "application/sparql-update")
        .body(format!("INSERT DATA {{ {deep} }}"))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "read_only");
    let r = client
        .post(format!("{base}/sparql"))
        .form(&[("update", format!("DELETE WHERE {{ {deep} }}"))])
        .send()
        .await
        .unwrap();
    assert_eq!(answer(r).await.0, StatusCode::FORBIDDEN);

    // Deep queries are a 400 naming the problem, by POST and by GET.
    let r = client
        .post(format!("{base}/sparql"))
        .header("content-type", "application/sparql-query")
        .body(nested_select(300_000))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(r).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "query_too_complex");
    assert!(body["message"].as_str().unwrap().contains("nest"), "{body}");
    let r = client
        .get(url(&base, &nested_select(1_000), ""))
        .send()
        .await
        .unwrap();
    assert_eq!(answer(r).await.1["error"], "query_too_complex");

    // A long UNION chain nests nothing but builds as deep a tree.
    let unions = vec!["{ ?s ?p ?o }"; 40_000].join(" UNION ");
    let r = client
        .post(format!("{base}/sparql"))
        .header("content-type", "application/sparql-query")
        .body(format!("SELECT * WHERE {{ {unions} }}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer(r).await.1["error"], "query_too_complex");

    // Federation and unknown functions are not offered: a clear 400, not a 500.
    for query in [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } . ?s ?p ?o } LIMIT 1",
        "SELECT (<http://example.org/fn>(1) AS ?x) WHERE {}",
    ] {
        let (status, body) = get_json(&client, url(&base, query, "")).await;
        if query.contains("SILENT") {
            // SILENT asks for the service's failure to be ignored: no rows from it.
            assert_eq!(status, StatusCode::OK, "{query}: {body}");
            continue;
        }
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["error"], "unsupported", "{body}");
    }
    let (_, body) = get_json(
        &client,
        url(
            &base,
            "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
            "",
        ),
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("SERVICE"),
        "{body}"
    );

    still_answers(&client, &base).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offsets_and_repeated_parameters_are_bounded() {
    let (_tmp, base, _stop) = start(SparqlConfig::default()).await;
    let client = crate::support::client();
    for path in [
        "/api/terms?q=class&offset=10000000000",
        "/api/terms?q=class&offset=18446744073709551615",
        "/api/terms?q=class&offset=18446744073709551616",
        "/api/terms?q=class&offset=10001",
        "/api/search?q=embargo&mode=keyword&offset=18446744073709551615",
        "/api/search?q=embargo&mode=keyword&offset=10001",
    ] {
        let (status, body) = get_json(&client, format!("{base}{path}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["error"], "invalid_parameter", "{path}");
        assert!(
            body["message"].as_str().unwrap().contains("offset"),
            "{path}: {body}"
        );
    }
    let r = client
        .get(format!("{base}/api/terms?q=class&offset=10000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let terms = "&term=http://example.org/syn%23root".repeat(33);
    let (status, body) = get_json(
        &client,
        format!("{base}/api/search?q=embargo&mode=keyword{terms}"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("at most 32"),
        "{body}"
    );

    let graphs = "&default-graph-uri=http://example.org/g".repeat(65);
    let (status, body) = get_json(&client, url(&base, COUNT_CLASSES, &graphs)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("at most 64"),
        "{body}"
    );

    still_answers(&client, &base).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparql_results_are_capped_in_bytes() {
    let (_tmp, base, _stop) = start(SparqlConfig {
        max_result_bytes: 4096,
        ..SparqlConfig::default()
    })
    .await;
    let client = crate::support::client();
    let labels = "SELECT ?c ?l WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l }";
    for extra in ["", "&format=csv"] {
        let (status, body) = get_json(&client, url(&base, labels, extra)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"], "result_too_large");
        assert!(body["message"].as_str().unwrap().contains("4096"), "{body}");
    }
    let construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }";
    let (status, body) = get_json(&client, url(&base, construct, "")).await;
    assert_eq!(
        (status, &body["error"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &Value::from("result_too_large")
        )
    );
    still_answers(&client, &base).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_over_the_worker_memory_limit_ends_only_its_worker() {
    let (_tmp, base, _stop) = start(SparqlConfig {
        worker_memory_bytes: 1 << 30,
        timeout_secs: 60.0,
        ..SparqlConfig::default()
    })
    .await;
    let client = crate::support::client();
    // Sorting materialises every solution of a cross product of the store
    // with itself: tens of millions of rows, far more than 1 GiB.
    let greedy = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d";
    let (status, body) = get_json(&client, url(&base, greedy, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "resource_limit", "{body}");
    still_answers(&client, &base).await;
}

/// A state over the fixture articles and synthetic ontology with `limits`.
async fn serve_with_limits(limits: ServerConfig) -> (tempfile::TempDir, String, impl Drop) {
    let tmp = tempfile::tempdir().unwrap();
    let state = AppState::new(indexed(tmp.path()), None).with_limits(limits);
    let (base, stop) = serve(state).await;
    (tmp, base, StopOnDrop(Some(stop)))
}

struct StopOnDrop(Option<tokio::sync::oneshot::Sender<()>>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if let Some(stop) = self.0.take() {
            let _ = stop.send(());
        }
    }
}

/// Reads until the server closes the connection (or `limit` passes); what it sent.
fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&received).into_owned(), true),
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (String::from_utf8_lossy(&received).into_owned(), true);
            }
            Err(_) => return (String::from_utf8_lossy(&received).into_owned(), false),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_clients_do_not_keep_connections() {
    let limits = ServerConfig {
        header_read_timeout_secs: 0.5,
        request_timeout_secs: 0.5,
        ..ServerConfig::default()
    };
    let (_tmp, base, _stop) = serve_with_limits(limits).await;
    let addr = base.trim_start_matches("http://").to_string();

    let checks = tokio::task::spawn_blocking(move || {
        // Headers that never end.
        let started = Instant::now();
        let mut slow = TcpStream::connect(&addr).unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let (_, closed) = read_until_closed(&mut slow, Duration::from_secs(5));
        assert!(
            closed,
            "a client that never finishes its headers is dropped"
        );
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );

        // A kept-alive connection that goes idle.
        let mut idle = TcpStream::connect(&addr).unwrap();
        idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let (received, closed) = read_until_closed(&mut idle, Duration::from_secs(5));
        assert!(received.starts_with("HTTP/1.1 200"), "{received}");
        assert!(closed, "an idle kept-alive connection is closed");

        // A body that never arrives: the request's time limit answers.
        let mut trickle = TcpStream::connect(&addr).unwrap();
        trickle
            .write_all(
                b"POST /api/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                  Content-Length: 100\r\n\r\n{\"query\":",
            )
            .unwrap();
        let (received, _) = read_until_closed(&mut trickle, Duration::from_secs(5));
        assert!(received.starts_with("HTTP/1.1 503"), "{received}");
        assert!(received.contains("\"timeout\""), "{received}");
    });
    checks.await.unwrap();

    let r = crate::support::get(format!("{base}/healthz"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_busy_with_retry_after() {
    let Some(encoder) = encoder() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    crate::support::index_with(&data, &[content], &encoder);
    let state = AppState::new(data, Some(encoder)).with_limits(ServerConfig {
        max_running: 1,
        max_queued: 0,
        ..ServerConfig::default()
    });
    let (base, _stop) = serve(state).await;
    let client = crate::support::client();
    let asks = (0..24).map(|i| {
        let client = client.clone();
        let url = format!("{base}/api/ask?q=how+long+can+my+data+stay+under+embargo+{i}");
        tokio::spawn(async move { client.get(url).send().await.unwrap() })
    });
    let (mut answered, mut busy) = (0, 0);
    for ask in asks.collect::<Vec<_>>() {
        let r = ask.await.unwrap();
        match r.status() {
            StatusCode::OK => answered += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(r.headers()["retry-after"], "1");
                let (_, body) = answer(r).await;
                assert_eq!(body["error"], "busy", "{body}");
                busy += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(answered >= 1, "some asks ran");
    assert!(
        busy >= 1,
        "with one running and none queued, some were refused"
    );
    let r = client
        .get(format!("{base}/api/ask?q=embargo"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the server answers once the burst is over"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_no_inline_script() {
    let (_tmp, base, _stop) = serve_with_limits(ServerConfig::default()).await;
    for path in ["/", "/docs/doi-beamtime", "/api/stats", "/api/nothing"] {
        let r = crate::support::get(format!("{base}{path}")).await.unwrap();
        let headers = r.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        for directive in [
            "script-src 'self'",
            "frame-ancestors 'none'",
            "img-src 'self' data:",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
    }
    let page = crate::support::get(format!("{base}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let scripts: Vec<&str> = page.split("<script").skip(1).collect();
    assert!(!scripts.is_empty());
    for script in scripts {
        assert!(
            script.trim_start().starts_with("src="),
            "inline script: {script}"
        );
    }
    let r = crate::support::get(format!("{base}/assets/app.js"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert!(r.text().await.unwrap().contains("/api/search"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_bodies_name_no_host_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = DataDir::new(tmp.path().join("nothing-here"));
    let (base, _stop) = serve(AppState::new(empty, None)).await;
    for path in [
        "/api/search?q=data",
        "/api/stats",
        "/docs/x",
        "/api/terms?q=x",
    ] {
        let r = crate::support::get(format!("{base}{path}")).await.unwrap();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        let text = r.text().await.unwrap();
        assert!(
            !text.contains(tmp.path().to_str().unwrap()),
            "{path}: {text}"
        );
        assert!(!text.contains("nothing-here"), "{path}: {text}");
    }
}

#[test]
fn garbage_collection_keeps_generations_still_being_read() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    let generations = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(data.root())
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("gen-"))
            .collect();
        names.sort();
        names
    };
    let touch = |n: usize| {
        std::fs::write(
            content.join("touched.md"),
            format!("---\ntitle: Touched {n}\nsummary: Changed {n} times.\n---\nBody {n}.\n"),
        )
        .unwrap()
    };
    index(&data, std::slice::from_ref(&content));
    let reader = crate::support::open(&data);
    let first = reader
        .generation()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    for n in 1..=3 {
        touch(n);
        index(&data, std::slice::from_ref(&content));
    }
    assert!(
        generations().contains(&first),
        "a generation still open is kept: {:?}",
        generations()
    );
    // Its reader still reads it.
    assert!(
        eoskb::query::search(
            &reader,
            &eoskb::query::SearchRequest {
                mode: eoskb::query::Mode::Keyword,
                ..eoskb::query::SearchRequest::new("embargo")
            }
        )
        .unwrap()
        .total
            > 0
    );
    drop(reader);
    touch(4);
    index(&data, std::slice::from_ref(&content));
    let left = generations();
    assert!(
        !left.contains(&first),
        "released, it is collected: {left:?}"
    );
    assert_eq!(
        left.len(),
        2,
        "the live generation and the one before: {left:?}"
    );
}
