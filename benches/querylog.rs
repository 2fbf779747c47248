//! The query log's costs: what `record` adds to a request (the event is built and
//! handed to the writer's queue), and the gaps report over 10,000 synthetic
//! events (reading, classifying, embedding the distinct questions, grouping),
//! with and without the model.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use eoskb::config::LogConfig;
use eoskb::embed::{DEFAULT_MODEL_DIR, SentenceEncoder};
use eoskb::query::Mode;
use eoskb::querylog::{GapsOptions, QueryEvent, QueryKind, QueryLog, gaps_report};

const EVENTS: usize = 10_000;

/// Questions people might ask, in a few phrasings each: about 3,000 distinct
/// texts, the frequent ones much more frequent (Zipf-like), half answered badly.
fn synthetic_events(n: usize) -> Vec<QueryEvent> {
    let actions = [
        "cite",
        "publish",
        "store",
        "share",
        "archive",
        "license",
        "describe",
        "find",
        "convert",
        "validate",
        "anonymise",
        "catalogue",
        "back up",
        "move",
        "annotate",
        "review",
        "version",
        "compress",
        "transfer",
        "document",
    ];
    let objects = [
        "software",
        "raw detector data",
        "a dataset",
        "beamtime data",
        "a notebook",
        "metadata",
        "a NeXus file",
        "HDF5 files",
        "sample information",
        "a DMP",
        "calibration files",
        "analysis scripts",
        "simulation output",
        "images",
        "personal data",
        "a container",
        "a workflow",
        "a thesis dataset",
        "logs",
        "an ontology",
        "spectra",
        "tomography scans",
        "diffraction patterns",
        "instrument parameters",
        "proposal documents",
    ];
    let templates = [
        "how do I {a} {o}?",
        "How can I {a} my {o}",
        "{a} {o} how",
        "what is the best way to {a} {o}",
        "where to {a} {o}",
        "{o}: {a}?",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let topics = actions.len() * objects.len();
    (0..n)
        .map(|i| {
            // Zipf-like: topic k is picked with weight ~ 1/(k+1).
            let u = (next() % 1_000_000) as f64 / 1_000_000.0;
            let topic = ((topics as f64).powf(u) - 1.0) as usize % topics;
            let (a, o) = (
                actions[topic % actions.len()],
                objects[topic / actions.len()],
            );
            let template = templates[(next() % templates.len() as u64) as usize];
            let query = template.replace("{a}", a).replace("{o}", o);
            let bad = next().is_multiple_of(2);
            QueryEvent {
                time: Utc::now() - chrono::TimeDelta::seconds((n - i) as i64),
                kind: if i.is_multiple_of(5) {
                    QueryKind::Ask
                } else {
                    QueryKind::Search
                },
                mode: Some(Mode::Hybrid),
                query,
                hits: 50,
                top_score: Some(if bad { 0.2 } else { 0.6 }),
                answered: i.is_multiple_of(5).then_some(!bad),
            }
        })
        .collect()
}

fn record(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let log = QueryLog::start(tmp.path().join("logs"), &LogConfig::default());
    let mut i = 0usize;
    c.bench_function("querylog/record (build event + try_send)", |b| {
        b.iter(|| {
            i += 1;
            let event = QueryEvent::ask(
                format!("how do I cite software {}", i % 100),
                5,
                Some(0.4),
                false,
            );
            log.record(event);
            // Keep the queue from filling, so that every call is a real send.
            if i.is_multiple_of(2048) {
                log.flush(Duration::from_secs(10));
            }
        })
    });
    log.flush(Duration::from_secs(10));
    let stats = log.stats();
    println!(
        "querylog/record: {} written, {} dropped, {} failed; {} bytes on disk",
        stats.written,
        stats.dropped,
        stats.failed,
        std::fs::metadata(tmp.path().join("logs/queries.jsonl")).map_or(0, |m| m.len())
    );
}

fn gaps(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let dir = tmp.path().join("logs");
    std::fs::create_dir_all(&dir).expect("log folder");
    let events = synthetic_events(EVENTS);
    let distinct: std::collections::HashSet<String> = events
        .iter()
        .map(|e| eoskb::querylog::group::normalise(&e.query))
        .collect();
    let mut file = std::fs::File::create(dir.join("queries.jsonl")).expect("log file");
    for event in &events {
        serde_json::to_writer(&mut file, event).expect("write");
        file.write_all(b"\n").expect("write");
    }
    drop(file);
    let options = GapsOptions::new(
        Utc::now() - chrono::TimeDelta::days(30),
        20,
        &LogConfig::default(),
    );

    let mut group = c.benchmark_group("querylog/gaps-10k");
    group.sample_size(10);
    group.bench_function("text grouping", |b| {
        b.iter(|| gaps_report(&dir, &options, None))
    });
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_MODEL_DIR);
    match SentenceEncoder::load(&model) {
        Ok(encoder) => {
            let texts: Vec<&str> = distinct.iter().map(String::as_str).collect();
            let started = Instant::now();
            let _ = encoder.encode(&texts);
            println!(
                "embedding {} distinct questions: {:.2} s",
                texts.len(),
                started.elapsed().as_secs_f64()
            );
            let started = Instant::now();
            let report = gaps_report(&dir, &options, Some(&encoder));
            println!(
                "gaps over {EVENTS} events ({} distinct questions, {} answered badly): {} groups by embedding in {:.2} s",
                distinct.len(),
                report.unanswered,
                report.gap_groups,
                started.elapsed().as_secs_f64()
            );
            group.measurement_time(Duration::from_secs(60));
            group.bench_function("embedding grouping", |b| {
                b.iter(|| gaps_report(&dir, &options, Some(&encoder)))
            });
        }
        Err(e) => println!("SKIPPED embedding grouping: {e}"),
    }
    group.finish();
}

criterion_group!(benches, record, gaps);
criterion_main!(benches);
