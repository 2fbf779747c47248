//! Sentence-encoder speed and hybrid search latency.
//!
//! - `embed/query`: one short question, as at query time.
//! - `embed/scifact_64`: 64 SciFact abstracts (title + text), as at index time;
//!   criterion's throughput line gives texts per second. `scripts/bench-embedding.sh`
//!   runs the PyTorch peer on the same texts for the ratio.
//!
//! Hybrid search latency over 10,000 sections is `benches/hybrid.rs`.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eoskb::embed::{DEFAULT_MODEL_DIR, SentenceEncoder};

fn encoder() -> Option<Arc<SentenceEncoder>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_MODEL_DIR);
    if !dir.exists() {
        eprintln!("SKIPPED: no model at {} (run `make setup`)", dir.display());
        return None;
    }
    Some(Arc::new(SentenceEncoder::load(&dir).expect("model loads")))
}

fn scifact_texts(n: usize) -> Option<(Vec<String>, Vec<String>)> {
    let collection = eoskb::eval::load(&common::beir("scifact")?).ok()?;
    let docs = collection
        .articles
        .iter()
        .take(n)
        .map(|a| format!("{} {}", a.title, a.sections[0].text))
        .collect();
    Some((docs, collection.queries.into_values().collect()))
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
}

criterion_group!(benches, embedding);
criterion_main!(benches);
