//! Shared set-up for the benchmarks: the real corpora, ontologies and collections
//! from `../shared`.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// A folder under `../shared`, or `None` with a note when absent.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(relative);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: {} not found (needs the shared data folder)",
            dir.display()
        );
        None
    }
}

/// `../shared/data/corpora/<name>`.
#[allow(dead_code)]
pub fn corpus(name: &str) -> Option<PathBuf> {
    shared(&format!("data/corpora/{name}"))
}

/// `../shared/data/ontologies`.
#[allow(dead_code)]
pub fn ontologies() -> Option<PathBuf> {
    shared("data/ontologies")
}

/// A BEIR collection under `../shared/bench/beir`.
#[allow(dead_code)]
pub fn beir(name: &str) -> Option<PathBuf> {
    shared(&format!("bench/beir/{name}"))
}

/// The `p` quantile (0..=1) of sorted timings, nearest rank.
#[allow(dead_code)]
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// [`percentile`] in milliseconds.
#[allow(dead_code)]
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    percentile(sorted, p).as_secs_f64() * 1e3
}
