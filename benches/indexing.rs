//! Indexing throughput on the RDMkit corpus: a full build into an empty data
//! directory, and an incremental run after one file changed.

mod common;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eoskb::index::{self, DataDir, IndexOptions};

fn indexing(c: &mut Criterion) {
    let Some(corpus) = common::corpus("rdmkit") else {
        return;
    };
    let options = |full| IndexOptions {
        content: vec![corpus.clone()],
        strict: false,
        full,
        ..Default::default()
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

criterion_group!(benches, indexing);
criterion_main!(benches);
