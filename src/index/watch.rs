//! Watching sources (`serve --watch`): re-index when files under the content or
//! ontology folders change.
//!
//! Events are debounced (a burst of saves, a `git checkout` of hundreds of files,
//! an editor writing through a temporary file and a rename) into one incremental
//! index run. Each run publishes a whole new generation by renaming `CURRENT`,
//! and a failed run (a file deleted while read, a held write lock) leaves the
//! last good generation published. Readers only follow `CURRENT`; the
//! `published` callback lets one look at once instead of at its next poll.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use super::{DataDir, IndexOptions};

/// Quiet time after the last event before indexing.
const QUIET: Duration = Duration::from_millis(200);
/// Longest wait from the first event of a burst, however busy the burst.
const MAX_DELAY: Duration = Duration::from_millis(800);
/// Pause before retrying a run that failed (e.g. another `eoskb index` holds the lock).
const RETRY: Duration = Duration::from_millis(500);

/// Keeps the watch running; dropping it stops watching.
pub struct WatchHandle {
    _watcher: RecommendedWatcher,
}

/// Problems starting the watch.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("watching {}: {source}", .path.display())]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
    #[error("cannot start the watch thread: {0}")]
    Thread(std::io::Error),
}

/// Brings `data` up to date with `options`' sources (one index run, whose
/// problems are logged), then watches them as [`spawn`] does.
pub fn start(
    data: DataDir,
    options: IndexOptions,
    published: impl Fn() + Send + 'static,
) -> Result<WatchHandle, WatchError> {
    match super::run(&data, &options) {
        Ok(report) => report
            .diagnostics
            .iter()
            .for_each(|d| tracing::warn!("{d}")),
        Err(e) => tracing::error!("indexing before the watch: {e}"),
    }
    published();
    spawn(data, options, published)
}

/// Watches `options`' content and ontology folders and re-indexes `data` when
/// anything under them changes, calling `published` after each run that
/// published a generation. Folders that do not exist are skipped with a warning.
pub fn spawn(
    data: DataDir,
    options: IndexOptions,
    published: impl Fn() + Send + 'static,
) -> Result<WatchHandle, WatchError> {
    let (send, events) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = send.send(event);
    })
    .map_err(|source| WatchError::Watch {
        path: PathBuf::new(),
        source,
    })?;
    let sources = options.config.sources.iter();
    let source_paths = sources.filter_map(|s| s.available_path().map(Path::to_path_buf));
    let paths: Vec<PathBuf> = options
        .content
        .iter()
        .chain(&options.ontologies)
        .cloned()
        .chain(source_paths)
        .collect();
    for path in &paths {
        if !path.exists() {
            tracing::warn!("--watch: {} does not exist; not watched", path.display());
            continue;
        }
        watcher
            .watch(path, RecursiveMode::Recursive)
            .map_err(|source| WatchError::Watch {
                path: path.clone(),
                source,
            })?;
        tracing::info!("watching {}", path.display());
    }
    let data_root = data.root().to_path_buf();
    std::thread::Builder::new()
        .name("watch".into())
        .spawn(move || {
            while let Some(()) = next_burst(&events, &data_root) {
                reindex(&data, &options, &published);
            }
        })
        .map_err(WatchError::Thread)?;
    Ok(WatchHandle { _watcher: watcher })
}

/// Waits for a relevant event, then for the burst it starts to settle. `None`
/// when the watcher is gone.
fn next_burst(
    events: &mpsc::Receiver<notify::Result<notify::Event>>,
    data_root: &Path,
) -> Option<()> {
    loop {
        match events.recv().ok()? {
            Ok(event) if relevant(&event, data_root) => break,
            Ok(_) => continue,
            Err(e) => {
                // Overflowed queues and similar: re-index to be safe.
                tracing::warn!("--watch: {e}; re-indexing");
                break;
            }
        }
    }
    let first = Instant::now();
    loop {
        let left = MAX_DELAY.saturating_sub(first.elapsed()).min(QUIET);
        if left.is_zero() {
            return Some(());
        }
        match events.recv_timeout(left) {
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => return Some(()),
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// Whether an event can change the index: reads and the index's own writes (a
/// data directory inside a watched folder) cannot.
fn relevant(event: &notify::Event, data_root: &Path) -> bool {
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return false;
    }
    event.paths.is_empty() || event.paths.iter().any(|p| !p.starts_with(data_root))
}

fn reindex(data: &DataDir, options: &IndexOptions, published: &impl Fn()) {
    for attempt in 1..=3 {
        let started = Instant::now();
        match super::run(data, options) {
            Ok(report) => {
                for diagnostic in &report.diagnostics {
                    tracing::warn!("{diagnostic}");
                }
                if report.published {
                    published();
                    tracing::info!(
                        "re-indexed in {:.0} ms: {} added, {} changed, {} deleted, {} ontology file(s) reloaded",
                        started.elapsed().as_secs_f64() * 1e3,
                        report.added.len(),
                        report.changed.len(),
                        report.deleted.len(),
                        report.ontologies_loaded.len() + report.ontologies_deleted.len(),
                    );
                }
                return;
            }
            Err(e) => {
                tracing::warn!(
                    "--watch: index run {attempt} failed: {e}; the previous index stays live"
                );
                std::thread::sleep(RETRY);
            }
        }
    }
}
