//! In-process keyword search throughput: the queries `scripts/load.sh` sends
//! over HTTP, answered by `query::search` on as many threads as there are
//! cores, for the same time, on the same data directory. The load script
//! prints both, so the cost of the HTTP face is a ratio measured in one run,
//! and compares the mean `took_ms` here with the one responses report over
//! HTTP (the same search, run between the server's other work).
//!
//! `EOSKB_LOAD_DATA` names the data directory (`scripts/load.sh` sets it);
//! without it the bench indexes the bundled `content/` itself.
//! `EOSKB_LOAD_SECONDS` (default 10) is how long to run.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::query::{self, KnowledgeBase, Mode, SearchRequest};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let _scratch;
    let data = match std::env::var_os("EOSKB_LOAD_DATA") {
        Some(dir) => DataDir::new(PathBuf::from(dir)),
        None => {
            _scratch = tempfile::tempdir().expect("temporary folder");
            let data = DataDir::new(_scratch.path().join("data"));
            index::run(&data, &IndexOptions::new(vec![root.join("content")]))
                .expect("index the bundled content");
            data
        }
    };
    let seconds: f64 = std::env::var("EOSKB_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let queries: Vec<String> = std::fs::read_to_string(root.join("scripts/load-queries.txt"))
        .expect("scripts/load-queries.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let kb = KnowledgeBase::open(&data, None).expect("open the data directory");
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());

    let done = AtomicU64::new(0);
    // The search's own time as its response reports it (`took_ms`), in ns.
    let searching = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (kb, queries, done, searching, stop) = (&kb, &queries, &done, &searching, &stop);
            scope.spawn(move || {
                let mut i = t;
                while !stop.load(Ordering::Relaxed) {
                    let request = SearchRequest {
                        mode: Mode::Keyword,
                        ..SearchRequest::new(queries[i % queries.len()].as_str())
                    };
                    let response = query::search(kb, &request).expect("search");
                    searching.fetch_add((response.took_ms * 1e6) as u64, Ordering::Relaxed);
                    done.fetch_add(1, Ordering::Relaxed);
                    i += threads;
                }
            });
        }
        std::thread::sleep(Duration::from_secs_f64(seconds));
        stop.store(true, Ordering::Relaxed);
    });
    let elapsed = started.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    let took_ms = searching.load(Ordering::Relaxed) as f64 / 1e6 / n.max(1) as f64;
    println!(
        "RESULT in-process keyword: req_s={:.0} took_ms={took_ms:.3} over {threads} threads ({n} searches in {elapsed:.1} s)",
        n as f64 / elapsed
    );
}
