//! Indexing throughput on the RDMkit corpus: a full build into an empty data
//! directory, and an incremental run after one file changed; and parsing one
//! article of 50,000 identical headings (anchor numbering must stay linear).

mod common;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eoskb::index::{self, DataDir, IndexOptions};

fn indexing(c: &mut Criterion) {
    let Some(corpus) = common::corpus("rdmkit") else {
        return;
    };
    let options = |full| IndexOptions {
        full,
        ..IndexOptions::new(vec![corpus.clone()])
    };
    let probe = tempfile::tempdir().unwrap();
    let articles = index::run(&DataDir::new(probe.path()), &options(true))
        .unwrap()
        .articles;

    let mut group = c.benchmark_group("index_rdmkit");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(articles as u64));
    group.bench_function("full", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| index::run(&DataDir::new(dir.path()), &options(false)).unwrap(),
            criterion::BatchSize::PerIteration,
        )
    });
    group.finish();

    // Nothing changed: the cost of scanning and hashing only.
    let data = DataDir::new(probe.path());
    c.bench_function("index_rdmkit/unchanged", |b| {
        b.iter(|| index::run(&data, &options(false)).unwrap())
    });
}

/// 50,000 copies of `# a`: each heading gets the next free anchor (`a-49999`
/// last) in constant time, so this takes milliseconds, not minutes.
fn identical_headings(c: &mut Criterion) {
    let markdown = "# a\n\n".repeat(50_000) + "text\n";
    c.bench_function("markdown/50000_identical_headings", |b| {
        b.iter(|| eoskb::ingest::markdown::parse(&markdown, "T", 1))
    });
}

criterion_group!(benches, indexing, identical_headings);
criterion_main!(benches);
