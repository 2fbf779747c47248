//! Ontology loading and SPARQL overhead on the real files in ../shared/data/ontologies:
//! per ontology, load time (parse, store, term index, snapshot), snapshot and term
//! index size, term count; with everything loaded, the start-up (open) time; and a
//! SPARQL query mix timed four ways: evaluation alone on the store (rows counted),
//! in-process as a worker runs it (parse, evaluate, serialise), through the worker
//! pool without HTTP, and over HTTP through the server's worker processes (the
//! overhead ratio is HTTP / in-process).
//! Plain `main` (no criterion): the numbers are single measurements and medians.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use eoskb::config::SparqlConfig;
use eoskb::index::{self, DataDir, IndexOptions, datadir::tree_size};
use eoskb::query::{self, KnowledgeBase, SparqlRequest};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

const MIX: &[(&str, &str)] = &[
    (
        "label of one term",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE { <http://purl.org/pan-science/PaNET/PaNET01188> rdfs:label ?l }",
    ),
    (
        "PaNET descendants",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?c ?l WHERE { ?c rdfs:subClassOf* <http://purl.org/pan-science/PaNET/PaNET00001> ; rdfs:label ?l }",
    ),
    (
        "articles x hierarchy",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/> SELECT DISTINCT ?a WHERE { ?a dcterms:subject ?t . ?t rdfs:subClassOf* <http://purl.org/pan-science/PaNET/PaNET01124> }",
    ),
    (
        "triples per graph",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    ),
    (
        "EDAM labels 1000",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?c ?l WHERE { GRAPH <http://edamontology.org> { ?c rdfs:label ?l } } LIMIT 1000",
    ),
    (
        "label regex",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?c ?l WHERE { ?c rdfs:label ?l FILTER regex(?l, \"scattering\", \"i\") }",
    ),
    (
        "all classes",
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT ?c WHERE { ?c a owl:Class }",
    ),
    (
        "ASK",
        "ASK { ?s a <http://www.w3.org/2004/02/skos/core#Concept> }",
    ),
];

fn main() {
    let Some(ontologies) = common::ontologies() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut dirs: Vec<_> = std::fs::read_dir(&ontologies)
        .expect("read")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    println!("| ontology | triples | terms | load ms | graph.nq KB | terms/ KB |");
    println!("|---|---:|---:|---:|---:|---:|");
    for dir in &dirs {
        let data = DataDir::new(tmp.path().join(dir.file_name().expect("name")));
        let started = Instant::now();
        let report = index::run(
            &data,
            &IndexOptions {
                ontologies: vec![dir.clone()],
                ..Default::default()
            },
        )
        .expect("index");
        let took = started.elapsed();
        let generation = data.current().expect("current").expect("published");
        let manifest = index::Manifest::load(&generation).expect("manifest");
        let info = &manifest
            .ontologies
            .values()
            .next()
            .expect("one ontology")
            .info;
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.0} |",
            dir.file_name().expect("name").to_string_lossy(),
            info.counts.triples,
            info.counts.terms,
            ms(took),
            std::fs::metadata(generation.join("graph.nq"))
                .map(|m| m.len())
                .unwrap_or(0) as f64
                / 1e3,
            tree_size(&generation.join("terms")) as f64 / 1e3,
        );
        assert_eq!(report.errors(), 0);
    }

    let data = DataDir::new(tmp.path().join("all"));
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let started = Instant::now();
    index::run(
        &data,
        &IndexOptions {
            content: vec![content],
            ontologies: vec![ontologies.clone()],
            ..Default::default()
        },
    )
    .expect("index");
    let index_time = started.elapsed();
    let generation = data.current().expect("current").expect("published");
    let opens: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            let kb = KnowledgeBase::open(&data, None).expect("open");
            let took = started.elapsed();
            drop(kb);
            took
        })
        .collect();
    println!(
        "\nall ontologies + content/: index {:.0} ms; graph.nq {:.1} MB, terms/ {:.1} MB; start-up (KnowledgeBase::open) median of 5: {:.0} ms",
        ms(index_time),
        std::fs::metadata(generation.join("graph.nq"))
            .map(|m| m.len())
            .unwrap_or(0) as f64
            / 1e6,
        tree_size(&generation.join("terms")) as f64 / 1e6,
        ms(median(opens))
    );

    let kb = Arc::new(KnowledgeBase::open(&data, None).expect("open"));
    let store = kb.graph().store().clone();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let program: std::path::PathBuf = env!("CARGO_BIN_EXE_eoskb").into();
    // The worker pool alone, without HTTP: what the server's handler awaits.
    let pooled = Arc::new(KnowledgeBase::open(&data, None).expect("open"));
    let (base, _stop) = runtime.block_on(async {
        pooled.use_sparql_workers(eoskb::query::sparql_pool::WorkerOptions::new(
            program.clone(),
        ));
        if let Some(pool) = pooled.sparql_workers() {
            pool.warmed_up().await;
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}/sparql", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        // Like `eoskb serve`: queries run in worker processes.
        let state = eoskb::server::AppState::new(data.clone(), None).with_sparql_workers(program);
        tokio::spawn(eoskb::server::serve(listener, state, async {
            let _ = stopped.await;
        }));
        (base, stop)
    });
    // reqwest carries rustls without a provider of its own (the harvester
    // hands it one): set the process-wide one before building a client.
    let _ = rustls::crypto::CryptoProvider::install_default(rustls_graviola::default_provider());
    let client = reqwest::Client::new();
    // Each way runs in blocks (one untimed run, then BLOCK timed ones), and the
    // blocks alternate over ROUNDS rounds in a rotating order. Within a block the
    // way's own copy of the store (each worker process has one) stays in the CPU
    // caches, as in a server answering queries; across rounds, a change in the
    // (shared) machine's load hits every way alike.
    const ROUNDS: usize = 8;
    const BLOCK: usize = 4;
    println!(
        "\n| query | rows | store ms | in-process ms | pool ms | HTTP ms | pool / in-process | HTTP / in-process |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, q) in MIX {
        let request = SparqlRequest {
            query: q.to_string(),
            ..Default::default()
        };
        let mut rows = 0;
        let mut store_only = || {
            let mut prepared = SparqlEvaluator::new().parse_query(q).expect("parse");
            prepared.dataset_mut().set_default_graph_as_union();
            rows = match prepared.on_store(&store).execute().expect("execute") {
                QueryResults::Solutions(s) => s.filter(|r| r.is_ok()).count(),
                QueryResults::Boolean(_) => 1,
                QueryResults::Graph(t) => t.count(),
            };
        };
        // The work a worker does per query: parse, evaluate, serialise.
        let mut in_process = || {
            query::sparql::execute_blocking(kb.graph(), None, &SparqlConfig::default(), &request)
                .expect("execute");
        };
        let mut pool = || {
            runtime
                .block_on(query::sparql::execute_async(
                    pooled.clone(),
                    SparqlConfig::default(),
                    request.clone(),
                ))
                .expect("pool");
        };
        let mut http = || {
            let body = runtime.block_on(async {
                let r = client
                    .post(&base)
                    .header("content-type", "application/sparql-query")
                    .body(q.to_string())
                    .send()
                    .await
                    .expect("send");
                assert!(r.status().is_success(), "{name}: {}", r.status());
                r.bytes().await.expect("body")
            });
            assert!(!body.is_empty());
        };
        let ways: [&mut dyn FnMut(); 4] = [&mut store_only, &mut in_process, &mut pool, &mut http];
        let mut times: [Vec<Duration>; 4] = Default::default();
        for round in 0..ROUNDS {
            for k in 0..ways.len() {
                let way = (k + round) % ways.len();
                ways[way]();
                for _ in 0..BLOCK {
                    let started = Instant::now();
                    ways[way]();
                    times[way].push(started.elapsed());
                }
            }
        }
        drop(ways);
        let [s, e, p, h] = times.map(median);
        println!(
            "| {name} | {rows} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2}× | {:.2}× |",
            ms(s),
            ms(e),
            ms(p),
            ms(h),
            p.as_secs_f64() / e.as_secs_f64(),
            h.as_secs_f64() / e.as_secs_f64(),
        );
    }
}
