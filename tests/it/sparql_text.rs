//! Full-text search inside SPARQL (`SERVICE <urn:eoskb:search>`) through the
//! endpoint, on the bundled content with PaNET: joins of ranked matches with
//! graph patterns, the same order as `/api/search?mode=keyword`, term search,
//! the errors of calls it cannot answer, and the endpoint's caps.

use std::collections::BTreeSet;
use std::path::Path;

use eoskb::config::SparqlConfig;
use eoskb::index::{DataDir, IndexOptions};
use eoskb::server::AppState;
use reqwest::StatusCode;
use serde_json::Value;

use crate::sparql_http::{eoskb_program, serve};
use crate::support::client;

const PREFIXES: &str = "PREFIX search: <https://w3id.org/eoskb/search#>\n\
                        PREFIX dcterms: <http://purl.org/dc/terms/>\n\
                        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n";

/// The bundled content and vocabularies with PaNET, indexed into `tmp/data`.
fn indexed(tmp: &Path, shared: &Path) -> DataDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = DataDir::new(tmp.join("data"));
    let report = eoskb::index::run(
        &data,
        &IndexOptions {
            ontologies: vec![
                root.join("ontologies"),
                shared.join("data/ontologies/panet"),
            ],
            ..IndexOptions::new(vec![root.join("content")])
        },
    )
    .unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    data
}

/// Runs a query: the status and the JSON body (results or error).
async fn sparql(base: &str, query: &str) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{base}/sparql"))
        .header("content-type", "application/sparql-query")
        .header("accept", "application/sparql-results+json")
        .body(format!("{PREFIXES}{query}"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.text().await.unwrap();
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    (status, json)
}

/// The rows of a query that must succeed, as maps of variable → value.
async fn rows(base: &str, query: &str) -> Vec<serde_json::Map<String, Value>> {
    let (status, body) = sparql(base, query).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v["value"].clone()))
                .collect()
        })
        .collect()
}

fn text(row: &serde_json::Map<String, Value>, name: &str) -> String {
    row[name].as_str().unwrap_or_default().to_string()
}

/// `/api/search?mode=keyword`'s hits for `q`: (id, score), best first.
async fn keyword_hits(base: &str, q: &str, limit: usize) -> Vec<(String, f64)> {
    let body: Value = client()
        .get(format!("{base}/api/search"))
        .query(&[("q", q), ("mode", "keyword"), ("limit", &limit.to_string())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_string(),
                h["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_matches_join_graph_patterns_in_the_order_of_keyword_search() {
    let Some(shared) = crate::support::shared_dir() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = indexed(tmp.path(), &shared);
    let state = AppState::new(data.clone(), None).with_sparql_workers(eoskb_program());
    let base_iri = state
        .snapshot()
        .unwrap()
        .manifest()
        .graph_config
        .base_iri
        .clone();
    let article_iri = |id: &str| eoskb::config::article_iri(&base_iri, id);
    let (base, _stop) = serve(state).await;

    // Ranked like /api/search?mode=keyword, score for score, in the worker.
    for q in [
        "embargo period",
        "how do I cite a dataset from my beamtime",
        "small angle scattering",
        "NeXus file format",
    ] {
        let expected = keyword_hits(&base, q, 20).await;
        assert!(expected.len() >= 3, "{q}: {expected:?}");
        let found = rows(
            &base,
            &format!(
                "SELECT ?item ?score ?rank WHERE {{
                   SERVICE <urn:eoskb:search> {{
                     ?item search:query {q:?} ; search:limit 20 ; search:kind ?kind ;
                           search:score ?score ; search:rank ?rank }}
                   FILTER(?kind != \"term\")
                 }} ORDER BY DESC(?score) ?rank"
            ),
        )
        .await;
        let found: Vec<(String, f64)> = found
            .iter()
            .map(|r| (text(r, "item"), text(r, "score").parse().unwrap()))
            .collect();
        let expected_iris: Vec<String> = expected.iter().map(|(id, _)| article_iri(id)).collect();
        let found_iris: Vec<String> = found.iter().map(|(iri, _)| iri.clone()).collect();
        assert_eq!(found_iris, expected_iris, "{q}");
        for ((_, got), (_, want)) in found.iter().zip(&expected) {
            assert!((got - want).abs() < 1e-4, "{q}: {got} vs {want}");
        }
    }

    // A join: the guidance matching "embargo" that is annotated with a PaNET
    // technique, against the same two questions asked apart.
    let joined: BTreeSet<String> = rows(
        &base,
        "SELECT DISTINCT ?item WHERE {
           SERVICE <urn:eoskb:search> {
             ?item search:query \"embargo\" ; search:kind \"article\" ; search:limit 100 }
           ?item dcterms:subject ?term .
           FILTER(STRSTARTS(STR(?term), \"http://purl.org/pan-science/PaNET/\"))
         }",
    )
    .await
    .iter()
    .map(|r| text(r, "item"))
    .collect();
    let matching: BTreeSet<String> = keyword_hits(&base, "embargo", 100)
        .await
        .iter()
        .filter(|(id, _)| !id.starts_with("doi/"))
        .map(|(id, _)| article_iri(id))
        .collect();
    let annotated: BTreeSet<String> = rows(
        &base,
        "SELECT DISTINCT ?item WHERE { ?item dcterms:subject ?term .
           FILTER(STRSTARTS(STR(?term), \"http://purl.org/pan-science/PaNET/\")) }",
    )
    .await
    .iter()
    .map(|r| text(r, "item"))
    .collect();
    let expected: BTreeSet<String> = matching.intersection(&annotated).cloned().collect();
    assert!(!expected.is_empty(), "{matching:?} {annotated:?}");
    assert!(expected.len() < matching.len(), "the join must narrow");
    assert_eq!(joined, expected);
    // Under EXISTS the service is called once per outer row, with the same answer.
    let per_row: BTreeSet<String> = rows(
        &base,
        "SELECT DISTINCT ?item WHERE {
           ?item dcterms:subject ?term .
           FILTER(STRSTARTS(STR(?term), \"http://purl.org/pan-science/PaNET/\"))
           FILTER EXISTS { SERVICE <urn:eoskb:search> {
             ?item search:query \"embargo\" ; search:kind \"article\" ; search:limit 100 } }
         }",
    )
    .await
    .iter()
    .map(|r| text(r, "item"))
    .collect();
    assert_eq!(per_row, expected);

    // Terms: the label finds PaNET's term, a synonym too (its snippet says
    // which name matched), and the term joins with its ontology's triples.
    let saxs = "http://purl.org/pan-science/PaNET/PaNET01188";
    let terms = rows(
        &base,
        "SELECT ?term ?label ?rank WHERE {
           SERVICE <urn:eoskb:search> {
             ?term search:query \"small angle x-ray scattering\" ; search:kind \"term\" ;
                   search:rank ?rank }
           ?term rdfs:label ?label
         } ORDER BY ?rank",
    )
    .await;
    assert_eq!(text(&terms[0], "term"), saxs, "{terms:?}");
    assert_eq!(text(&terms[0], "rank"), "1");
    assert_eq!(text(&terms[0], "label"), "small angle x-ray scattering");
    let synonym = rows(
        &base,
        "SELECT ?term ?snippet ?score WHERE { SERVICE <urn:eoskb:search> {
           ?term search:query \"SAXS\" ; search:kind \"term\" ; search:limit 1 ;
                 search:snippet ?snippet ; search:score ?score } }",
    )
    .await;
    assert_eq!(synonym.len(), 1);
    assert_eq!(text(&synonym[0], "term"), saxs);
    assert_eq!(text(&synonym[0], "snippet"), "SAXS");
    assert!(
        !synonym[0].contains_key("score"),
        "terms are ranked, not scored"
    );

    // Outputs and guidance apart; snippets quote the matched words.
    let outputs = rows(
        &base,
        "SELECT ?item ?snippet WHERE { SERVICE <urn:eoskb:search> {
           ?item search:query \"deliverable\" ; search:kind \"output\" ; search:snippet ?snippet } }",
    )
    .await;
    assert!(!outputs.is_empty());
    for row in &outputs {
        assert!(text(row, "item").contains("/article/doi/"), "{row:?}");
    }
    let guidance = rows(
        &base,
        "SELECT ?item ?snippet WHERE { SERVICE <urn:eoskb:search> {
           ?item search:query \"embargo\" ; search:kind \"article\" ; search:snippet ?snippet } }",
    )
    .await;
    assert!(!guidance.is_empty());
    for row in &guidance {
        assert!(!text(row, "item").contains("/article/doi/"), "{row:?}");
        assert!(
            text(row, "snippet").to_lowercase().contains("embargo"),
            "{row:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_the_service_cannot_answer_are_400_and_other_services_stay_refused() {
    let Some(shared) = crate::support::shared_dir() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = indexed(tmp.path(), &shared);
    let state = AppState::new(data.clone(), None).with_sparql_workers(eoskb_program());
    let (base, _stop) = serve(state).await;

    let long = "word ".repeat(300);
    let cases = [
        ("?x search:score ?s", "search:query is missing"),
        ("?x search:query ?q", "not the variable ?q"),
        ("?x search:query 42", "must be a string literal"),
        (
            &format!("?x search:query \"{long}\"") as &str,
            "limit is 1000",
        ),
        (
            "?x search:query \"doi\" ; search:limit 101",
            "from 1 to 100",
        ),
        (
            "?x search:query \"doi\" ; search:kind \"page\"",
            "is not a kind",
        ),
        (
            "?x search:query \"doi\" ; search:weight ?w",
            "unknown predicate",
        ),
        (
            "?x search:query \"doi\" ; dcterms:subject ?t",
            "unknown predicate",
        ),
    ];
    for (block, expected) in cases {
        let (status, body) = sparql(
            &base,
            &format!("SELECT * WHERE {{ SERVICE <urn:eoskb:search> {{ {block} }} }}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{block}: {body}");
        assert_eq!(body["error"], "text_search", "{block}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(expected), "{block}: {message}");
    }

    // Federation stays off: any other service is refused, as before.
    for service in ["http://127.0.0.1:1/sparql", "urn:eoskb:other"] {
        let (status, body) = sparql(
            &base,
            &format!("SELECT * WHERE {{ SERVICE <{service}> {{ ?s ?p ?o }} }}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{service}: {body}");
        assert_eq!(body["error"], "unsupported", "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("not offered"),
            "{body}"
        );
    }

    // The endpoint's caps hold for search rows too, here without workers
    // (the in-process evaluation answers the service as well).
    let capped = AppState::new(data, None).with_sparql(SparqlConfig {
        max_rows: 5,
        ..SparqlConfig::default()
    });
    let (capped_base, _stop_capped) = serve(capped).await;
    let query = "SELECT ?x WHERE { SERVICE <urn:eoskb:search> { ?x search:query \"data\" } }";
    let (status, body) = sparql(&capped_base, query).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "too_many_results");
    let limited = rows(
        &capped_base,
        "SELECT ?x WHERE { SERVICE <urn:eoskb:search> { ?x search:query \"data\" ; search:kind \"article\" ; search:limit 5 } }",
    )
    .await;
    assert_eq!(limited.len(), 5);
}
