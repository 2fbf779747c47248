//! Sentence-encoder speed and hybrid search latency.
//!
//! - `embed/query`: one short question, as at query time.
//! - `embed/scifact_64`: 64 SciFact abstracts (title + text), as at index time;
//!   criterion's throughput line gives texts per second. `scripts/bench-embedding.sh`
//!   runs the PyTorch peer on the same texts for the ratio.
//! - hybrid search p50/p99 end to end (query embedding, k-NN, BM25, fusion, facets,
//!   snippets) over an index of more than 10,000 sections (SciFact plus the RDMkit,
//!   Turing Way and FAIR Cookbook corpora), built once into target/bench-data.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eoskb::embed::{DEFAULT_MODEL_DIR, SentenceEncoder};
use eoskb::index::{self, DataDir};
use eoskb::query::{KnowledgeBase, SearchRequest};

fn encoder() -> Option<Arc<SentenceEncoder>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_MODEL_DIR);
    if !dir.exists() {
        eprintln!("SKIPPED: no model at {} (run `make setup`)", dir.display());
        return None;
    }
    Some(Arc::new(SentenceEncoder::load(&dir).expect("model loads")))
}

fn scifact_texts(n: usize) -> Option<(Vec<String>, Vec<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/beir/scifact");
    let collection = eoskb::eval::load(&dir).ok()?;
    let docs = collection
        .articles
        .iter()
        .take(n)
        .map(|a| format!("{} {}", a.title, a.sections[0].text))
        .collect();
    Some((docs, collection.queries.into_values().collect()))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

/// A data directory with more than 10,000 embedded sections (SciFact abstracts
/// plus the Markdown corpora), built on first use and kept in target/bench-data.
fn large_index(encoder: &Arc<SentenceEncoder>) -> Option<DataDir> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/hybrid-10k");
    let data = DataDir::new(&root);
    if data.current().ok().flatten().is_some() {
        return Some(data);
    }
    let scifact = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/beir/scifact");
    let mut articles = eoskb::eval::load(&scifact).ok()?.articles;
    let mut folders = Vec::new();
    for name in ["rdmkit", "turing-way", "fair-cookbook", "rsqkit"] {
        folders.push(common::corpus(name)?);
    }
    let (files, _) = eoskb::ingest::scan(&folders);
    for file in files {
        let Ok(bytes) = eoskb::ingest::read(&file) else {
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

fn embedding(c: &mut Criterion) {
    let Some(encoder) = encoder() else { return };
    let Some((docs, queries)) = scifact_texts(64) else {
        return;
    };

    c.bench_function("embed/query", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % queries.len();
            encoder.encode_one(&queries[i]).unwrap()
        })
    });

    let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("embed");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));
    group.throughput(Throughput::Elements(refs.len() as u64));
    group.bench_function("scifact_64", |b| b.iter(|| encoder.encode(&refs).unwrap()));
    group.finish();

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
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
}

criterion_group!(benches, embedding);
criterion_main!(benches);
