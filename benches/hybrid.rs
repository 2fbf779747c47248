//! Hybrid search latency end to end (query embedding, exact k-NN, BM25, fusion,
//! facets, best sections and snippets) over more than 10,000 sections: the SciFact
//! abstracts plus the RDMkit, Turing Way, FAIR Cookbook and RSQKit corpora. The
//! index is built once (embedding takes minutes) into target/bench-data and reused.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use eoskb::embed::{DEFAULT_MODEL_DIR, SentenceEncoder};
use eoskb::index::{self, DataDir};
use eoskb::query::{KnowledgeBase, SearchRequest};

/// A data directory with more than 10,000 embedded sections (SciFact abstracts
/// plus the Markdown corpora), built on first use and kept in target/bench-data.
fn large_index(encoder: &Arc<SentenceEncoder>) -> Option<DataDir> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/hybrid-10k");
    let data = DataDir::new(&root);
    if data.current().ok().flatten().is_some() {
        return Some(data);
    }
    let mut articles = eoskb::eval::load(&common::beir("scifact")?).ok()?.articles;
    let mut folders = Vec::new();
    for name in ["rdmkit", "turing-way", "fair-cookbook", "rsqkit"] {
        folders.push(common::corpus(name)?);
    }
    let (files, _) = eoskb::ingest::scan(&folders);
    for file in files {
        let Ok(bytes) = eoskb::ingest::read(&file, eoskb::config::DEFAULT_MAX_FILE_BYTES) else {
            continue;
        };
        if let Ok((article, _)) = eoskb::ingest::parse_article(&file, &bytes) {
            articles.push(article);
        }
    }
    // Ids must be unique across the corpora.
    let mut seen = std::collections::HashSet::new();
    articles.retain(|a| seen.insert(a.id.clone()));
    println!(
        "building the benchmark index (once): {} articles",
        articles.len()
    );
    let report = index::build(&data, &articles, Some(encoder)).ok()?;
    println!(
        "bench index: {} articles, {} sections, {} vectors",
        report.articles, report.sections, report.vectors
    );
    Some(data)
}

fn hybrid(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_MODEL_DIR);
    if !dir.exists() {
        eprintln!("SKIPPED: no model at {} (run `make setup`)", dir.display());
        return;
    }
    let encoder = Arc::new(SentenceEncoder::load(&dir).expect("model loads"));
    let Some(Ok(collection)) = common::beir("scifact").map(|dir| eoskb::eval::load(&dir)) else {
        return;
    };
    let queries: Vec<String> = collection.queries.into_values().collect();
    let Some(data) = large_index(&encoder) else {
        return;
    };
    let kb = KnowledgeBase::open(&data, Some(encoder.clone())).unwrap();
    let sections = kb.manifest().sections();
    let mut times = Vec::new();
    for q in queries.iter().take(300) {
        let started = Instant::now();
        eoskb::query::search(&kb, &SearchRequest::new(q.as_str())).unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "hybrid search over {sections} sections, {} queries: p50 {:.2} ms, p99 {:.2} ms",
        times.len(),
        common::percentile_ms(&times, 0.5),
        common::percentile_ms(&times, 0.99)
    );

    c.bench_function("hybrid/query_10k_sections", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % queries.len();
            eoskb::query::search(&kb, &SearchRequest::new(queries[i].as_str())).unwrap()
        })
    });
}

criterion_group!(benches, hybrid);
criterion_main!(benches);
