//! The SPARQL 1.1 Protocol endpoint and the term routes through a real socket.

use std::path::Path;
use std::sync::Arc;

use eoskb::config::{Config, SparqlConfig};
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::server::{self, AppState};
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::fixture_content;

/// A small ontology with enough triples to make a cross product slow.
fn synthetic_ontology(dir: &Path) {
    let mut ttl = String::from(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
         @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix ex: <http://example.org/syn#> .\n\
         <http://example.org/syn> a owl:Ontology .\n\
         ex:root a owl:Class ; rdfs:label \"root technique\"@en .\n",
    );
    for i in 0..1500 {
        ttl.push_str(&format!(
            "ex:c{i} a owl:Class ; rdfs:label \"class number {i}\"@en ; skos:altLabel \"alias {i}\" ; rdfs:subClassOf ex:root .\n"
        ));
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("syn.ttl"), ttl).unwrap();
}

/// The fixture articles and the synthetic ontology, indexed into `tmp/data`.
pub(crate) fn indexed(tmp: &Path) -> DataDir {
    let content = fixture_content(tmp);
    let onto = tmp.join("onto");
    synthetic_ontology(&onto);
    let data = DataDir::new(tmp.join("data"));
    let report = index::run(
        &data,
        &IndexOptions {
            content: vec![content],
            ontologies: vec![onto],
            config: Config::default(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    data
}

/// Serves `state` on a free port; the server stops when the sender drops.
pub(crate) async fn serve(state: AppState) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    (base, stop)
}

pub(crate) async fn start(
    sparql: SparqlConfig,
) -> (tempfile::TempDir, String, tokio::sync::oneshot::Sender<()>) {
    let tmp = tempfile::tempdir().unwrap();
    let data = indexed(tmp.path());
    let state = AppState::new(data, None)
        .with_sparql(sparql)
        .with_sparql_workers(eoskb_program());
    let (base, stop) = serve(state).await;
    (tmp, base, stop)
}

/// The eoskb executable, which the SPARQL workers run.
pub(crate) fn eoskb_program() -> std::path::PathBuf {
    env!("CARGO_BIN_EXE_eoskb").into()
}

/// A query with no shared variables: oxigraph's cartesian product never reads the
/// store again, so only killing its process stops it.
const RUNAWAY: &str = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";

/// Whether a process is alive (a zombie waiting to be reaped is not).
#[cfg(target_os = "linux")]
pub(crate) fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit(')')
            .next()
            .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
    })
}

/// Polls `condition` for up to five seconds.
pub(crate) async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("not within 5 s: {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_query_is_stopped_with_its_worker() {
    let tmp = tempfile::tempdir().unwrap();
    let data = indexed(tmp.path());
    let kb = Arc::new(eoskb::query::KnowledgeBase::open(&data, None).unwrap());
    kb.use_sparql_workers(eoskb::query::sparql_pool::WorkerOptions::new(
        eoskb_program(),
    ));
    let settings = SparqlConfig {
        timeout_secs: 0.3,
        ..SparqlConfig::default()
    };
    let run = |query: &str| {
        eoskb::query::sparql::execute_async(
            kb.clone(),
            settings.clone(),
            eoskb::query::SparqlRequest {
                query: query.into(),
                ..Default::default()
            },
        )
    };
    let pool = kb.sparql_workers().unwrap();

    // A worker is loaded before the first query, and stays for the next ones.
    pool.warmed_up().await;
    let pids = pool.idle_pids();
    assert_eq!(pids.len(), 1, "one worker warmed up");
    let answer = run(COUNT_CLASSES).await.unwrap();
    assert!(String::from_utf8_lossy(&answer.body).contains("1501"));
    run(COUNT_CLASSES).await.unwrap();
    assert_eq!(pool.idle_pids(), pids, "the warm worker is reused");

    // The runaway query gets the timeout error, and its process is gone.
    let started = std::time::Instant::now();
    let error = run(RUNAWAY).await.unwrap_err();
    assert!(
        matches!(error, eoskb::query::SparqlError::Timeout(_)),
        "{error}"
    );
    assert!(
        started.elapsed().as_secs_f64() < 3.0,
        "{:?}",
        started.elapsed()
    );
    #[cfg(target_os = "linux")]
    assert!(!alive(pids[0]), "worker {} still running", pids[0]);

    // A fresh worker is loaded in the background, and the pool answers again.
    pool.warmed_up().await;
    let fresh = pool.idle_pids();
    assert_eq!(fresh.len(), 1);
    assert_ne!(fresh, pids);
    let answer = run(COUNT_CLASSES).await.unwrap();
    assert!(String::from_utf8_lossy(&answer.body).contains("1501"));
    assert_eq!(pool.idle_pids(), fresh);

    // A query whose caller goes away takes its worker with it; another is loaded.
    let abandoned = tokio::time::timeout(std::time::Duration::from_millis(100), run(RUNAWAY));
    assert!(abandoned.await.is_err());
    #[cfg(target_os = "linux")]
    eventually("the abandoned query's worker is killed", || {
        !alive(fresh[0])
    })
    .await;
    pool.warmed_up().await;
    let replaced = pool.idle_pids();
    assert_eq!(replaced.len(), 1);
    assert_ne!(replaced, fresh);

    // The workers end with their generation.
    drop(kb);
    #[cfg(target_os = "linux")]
    eventually("the idle worker ends with its generation", || {
        !alive(replaced[0])
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_dying_mid_query_is_a_json_500_and_the_next_query_works() {
    let tmp = tempfile::tempdir().unwrap();
    let state = AppState::new(indexed(tmp.path()), None)
        .with_sparql(SparqlConfig {
            timeout_secs: 60.0,
            ..SparqlConfig::default()
        })
        .with_sparql_workers(eoskb_program());
    let kb = state.snapshot().unwrap();
    let pool = kb.sparql_workers().unwrap();
    pool.warmed_up().await;
    let pid = pool.idle_pids()[0];
    let (base, _stop) = serve(state).await;
    let client = crate::support::client();

    let runaway = tokio::spawn(client.get(url(&base, RUNAWAY, "")).send());
    eventually("the runaway query takes the worker", || {
        pool.idle_workers() == 0
    })
    .await;
    let killed = std::process::Command::new("kill")
        .args(["-9", pid.to_string().as_str()])
        .status()
        .unwrap();
    assert!(killed.success());
    let r = runaway.await.unwrap().unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "sparql_worker", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("during the query"), "{message}");
    #[cfg(unix)]
    assert!(message.contains("signal 9"), "{message}");

    let r = client
        .get(url(&base, COUNT_CLASSES, ""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let json: Value = r.json().await.unwrap();
    assert_eq!(json["results"]["bindings"][0]["n"]["value"], "1501");
}

pub(crate) const COUNT_CLASSES: &str =
    "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> }";

pub(crate) fn url(base: &str, query: &str, extra: &str) -> String {
    let q: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    format!("{base}/sparql?query={q}{extra}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparql_protocol_formats_and_dataset() {
    let (_tmp, base, _stop) = start(SparqlConfig::default()).await;
    let client = crate::support::client();

    // GET, default JSON.
    let r = client
        .get(url(&base, COUNT_CLASSES, ""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/sparql-results+json")
    );
    let json: Value = r.json().await.unwrap();
    assert_eq!(json["results"]["bindings"][0]["n"]["value"], "1501");

    // POST form and POST application/sparql-query give the same answer.
    let form = client
        .post(format!("{base}/sparql"))
        .form(&[("query", COUNT_CLASSES)])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let direct = client
        .post(format!("{base}/sparql"))
        .header("content-type", "application/sparql-query")
        .header("accept", "text/csv")
        .body(COUNT_CLASSES)
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), StatusCode::OK);
    assert_eq!(direct.text().await.unwrap().replace('\r', ""), "n\n1501\n");

    // Accept with q-values, and every SELECT format.
    for (accept, expect_type, needle) in [
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            "<sparql",
        ),
        (
            "text/tab-separated-values",
            "text/tab-separated-values",
            "?n",
        ),
        (
            "text/csv;q=0.4, application/sparql-results+xml;q=0.9",
            "application/sparql-results+xml",
            "<literal",
        ),
    ] {
        let r = client
            .get(url(&base, COUNT_CLASSES, ""))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{accept}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(expect_type),
            "{accept}"
        );
        assert!(r.text().await.unwrap().contains(needle), "{accept}");
    }
    // ASK.
    let r = client
        .get(url(
            &base,
            "ASK { <http://example.org/syn#c1> ?p ?o }",
            "&format=json",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["boolean"], true);

    // CONSTRUCT in every graph format.
    let construct = "CONSTRUCT { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 3";
    for (accept, expect_type) in [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/ld+json", "application/ld+json"),
    ] {
        let r = client
            .get(url(&base, construct, ""))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{accept}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(expect_type)
        );
        assert!(r.text().await.unwrap().contains("label"), "{accept}");
    }
    let r = client
        .get(url(&base, construct, "&format=ntriples"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap().lines().count(), 3);

    // default-graph-uri: only the content graph, so no classes.
    let r = client
        .get(url(
            &base,
            COUNT_CLASSES,
            "&default-graph-uri=https%3A%2F%2Feoskb.example.org%2Fgraph%2Fcontent",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["results"]["bindings"][0]["n"]["value"],
        "0"
    );
    // named-graph-uri limits what GRAPH sees.
    let r = client
        .get(url(
            &base,
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "&named-graph-uri=http%3A%2F%2Fexample.org%2Fsyn",
        ))
        .send()
        .await
        .unwrap();
    let json: Value = r.json().await.unwrap();
    assert_eq!(json["results"]["bindings"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sparql_rejects_bad_input_with_json() {
    let (_tmp, base, _stop) = start(SparqlConfig {
        timeout_secs: 0.2,
        max_rows: 100,
        ..SparqlConfig::default()
    })
    .await;
    let client = crate::support::client();
    let error = |r: reqwest::Response| async move {
        let status = r.status();
        (status, r.json::<Value>().await.unwrap_or(Value::Null))
    };

    let (status, body) = error(
        client
            .get(url(&base, "SELECT * WHERE { ?s ?p }", ""))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "sparql_syntax");
    assert!(body["message"].as_str().unwrap().contains("1:"), "{body}");

    let (status, body) = error(
        client
            .post(format!("{base}/sparql"))
            .form(&[("update", "INSERT DATA { <a:a> <a:b> <a:c> }")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "read_only");
    let (status, _) = error(
        client
            .post(format!("{base}/sparql"))
            .header("content-type", "application/sparql-query")
            .body("DELETE WHERE { ?s ?p ?o }")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let huge = format!(
        "SELECT * WHERE {{ ?s ?p ?o }} # {}",
        "x".repeat(1024 * 1024 + 10)
    );
    let (status, body) = error(
        client
            .post(format!("{base}/sparql"))
            .header("content-type", "application/sparql-query")
            .body(huge)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"], "query_too_large");

    // The row cap is an error, never a silently truncated result.
    let (status, body) = error(
        client
            .get(url(&base, "SELECT ?s WHERE { ?s ?p ?o }", ""))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "too_many_results");

    // A query over the time limit is stopped and says so.
    let started = std::time::Instant::now();
    let (status, body) = error(
        client
            .get(url(
                &base,
                "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                "",
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "timeout");
    assert!(
        started.elapsed().as_secs_f64() < 5.0,
        "stopped promptly: {:?}",
        started.elapsed()
    );

    let (status, body) = error(
        client
            .get(url(&base, COUNT_CLASSES, ""))
            .header("accept", "image/png")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(body["error"], "not_acceptable");
    let (status, _) = error(client.get(format!("{base}/sparql")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn term_routes_answer_json() {
    let (_tmp, base, _stop) = start(SparqlConfig::default()).await;
    let get = |path: String| async move {
        let r = crate::support::get(path).await.unwrap();
        (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
    };
    let (status, body) = get(format!("{base}/api/terms?q=alias%2012&limit=3")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["hits"][0]["iri"], "http://example.org/syn#c12");
    assert_eq!(body["hits"][0]["matched"]["field"], "skos:altLabel");
    for field in [
        "iri",
        "curie",
        "label",
        "matched",
        "ontology",
        "definition",
        "deprecated",
    ] {
        assert!(body["hits"][0].get(field).is_some(), "{field}");
    }
    let (_, body) = get(format!(
        "{base}/api/terms?q=class%20numb&limit=5&type=class"
    ))
    .await;
    assert_eq!(body["hits"].as_array().unwrap().len(), 5);
    assert!(body["total"].as_u64().unwrap() >= 1500);

    let (status, body) = get(format!(
        "{base}/api/terms/lookup?iri=http%3A%2F%2Fexample.org%2Fsyn%23root"
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["descendants"]["total"], 1500);
    assert_eq!(body["descendants"]["items"].as_array().unwrap().len(), 200);
    assert_eq!(body["children"]["total"], 1500);

    let (status, body) = get(format!(
        "{base}/api/terms/lookup?iri=http%3A%2F%2Fexample.org%2Fnope"
    ))
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "term_not_found");
    let (status, _) = get(format!("{base}/api/terms?q=")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(format!("{base}/api/terms?q=x&type=thing")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, body) = get(format!("{base}/api/ontologies")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body[0]["graph"], "http://example.org/syn");
    assert_eq!(body[0]["counts"]["classes"], 1501);
}
