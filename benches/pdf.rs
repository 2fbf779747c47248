//! PDF reading speed: `ingest::pdf::read` over the four PaN-Finder PDFs in
//! ../shared/data/outputs/pdf (two deliverables with outlines, a slide deck, a
//! poster without text; 60 pages). Criterion's throughput line is pages per
//! second, parsing, text extraction, clean-up and sections included.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use eoskb::ingest::ContentFile;
use eoskb::ingest::pdf;

const FILES: [&str; 4] = [
    "task-2/PaN-Finder-Deliverable-2-a.pdf",
    "task-7/PaN-Finder-Deliverable-7-b.pdf",
    "task-7/FirstOpenCall-FlashTalk-PaN-Finder-AGM2.pdf",
    "task-7/01-491-poster-PaN-Finder.pdf",
];

fn bench(c: &mut Criterion) {
    let Some(dir) = common::shared("data/outputs/pdf/PaN-Finder+deliverables") else {
        return;
    };
    let files: Vec<(ContentFile, Vec<u8>)> = FILES
        .iter()
        .map(|rel| {
            let abs: PathBuf = dir.join(rel);
            let bytes = std::fs::read(&abs).expect("read a shared PDF");
            let file = ContentFile {
                root: "pdf".into(),
                rel: (*rel).into(),
                abs,
            };
            (file, bytes)
        })
        .collect();
    let pages: u64 = files
        .iter()
        .map(|(file, bytes)| {
            let reading = pdf::read(file, bytes);
            reading
                .articles
                .first()
                .and_then(|a| a.extra.get("pages"))
                .and_then(serde_json::Value::as_u64)
                .expect("every file gives an item with its page count")
        })
        .sum();

    let mut group = c.benchmark_group("pdf");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(pages));
    group.bench_function("read_4_files", |b| {
        b.iter(|| {
            for (file, bytes) in &files {
                std::hint::black_box(pdf::read(file, bytes));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
