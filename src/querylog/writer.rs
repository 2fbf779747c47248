//! The query log writer. Requests hand events to a bounded queue and move on
//! (`try_send`: a full queue drops the event and counts it); one thread appends
//! them to `queries.jsonl` and `feedback.jsonl`, rotating by size. A slow, full
//! or read-only disk costs log lines, counted and warned about (at most once a
//! minute), never a request's time or success.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError, TrySendError};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::event::LogRecord;
use super::rotate::RotatingFile;
use crate::config::LogConfig;

/// Events that may wait for the writer; beyond this, new events are dropped.
pub const DEFAULT_QUEUE: usize = 4096;
/// Events written per batch (one `write` per file and batch).
const BATCH: usize = 512;
/// How long the writer lets events gather after a write: under load, requests
/// then queue their events without waking it (a wake-up per search cost about
/// a tenth of keyword throughput), and a file sees at most 20 writes a second.
const LINGER: Duration = Duration::from_millis(50);
/// Problems are warned about at most this often.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// The stream names: `queries.jsonl` and `feedback.jsonl` in the log folder.
pub const QUERIES: &str = "queries";
pub const FEEDBACK: &str = "feedback";

/// A handle on the query log; cheap to clone. A disabled log accepts and
/// ignores everything.
#[derive(Clone, Default)]
pub struct QueryLog {
    inner: Option<Arc<Shared>>,
}

struct Shared {
    sender: SyncSender<Message>,
    counters: Arc<Counters>,
    dir: PathBuf,
}

#[derive(Default)]
struct Counters {
    written: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
}

enum Message {
    Record(LogRecord),
    Flush(mpsc::Sender<()>),
}

/// What the log has done since the server started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LogStats {
    pub enabled: bool,
    /// Events appended to a file.
    pub written: u64,
    /// Events dropped because the queue was full (the disk is slower than traffic).
    pub dropped: u64,
    /// Events lost to a write error (disk full, read-only, log used by another process).
    pub failed: u64,
}

impl QueryLog {
    /// A log that records nothing.
    pub fn disabled() -> QueryLog {
        QueryLog { inner: None }
    }

    /// Starts the writer thread for `dir` (created when the first event
    /// arrives), or a disabled log when the configuration turns logging off.
    pub fn start(dir: impl Into<PathBuf>, config: &LogConfig) -> QueryLog {
        QueryLog::with_queue(dir, config, DEFAULT_QUEUE)
    }

    /// Like [`QueryLog::start`] with a queue of `capacity` events.
    pub fn with_queue(dir: impl Into<PathBuf>, config: &LogConfig, capacity: usize) -> QueryLog {
        if !config.enabled {
            return QueryLog::disabled();
        }
        let dir = dir.into();
        let (sender, receiver) = mpsc::sync_channel(capacity.max(1));
        let counters = Arc::new(Counters::default());
        let writer = Writer::new(&dir, config, counters.clone());
        let spawned = std::thread::Builder::new()
            .name("eoskb-query-log".into())
            .spawn(move || writer.run(receiver));
        match spawned {
            Ok(_) => QueryLog {
                inner: Some(Arc::new(Shared {
                    sender,
                    counters,
                    dir,
                })),
            },
            Err(e) => {
                tracing::warn!("query log off: cannot start its writer thread: {e}");
                QueryLog::disabled()
            }
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// The folder written to, when enabled.
    pub fn dir(&self) -> Option<&Path> {
        self.inner.as_ref().map(|s| s.dir.as_path())
    }

    /// Queues an event without waiting: `false` if it was dropped (queue full,
    /// or logging off).
    pub fn record(&self, record: impl Into<LogRecord>) -> bool {
        let Some(shared) = &self.inner else {
            return false;
        };
        match shared.sender.try_send(Message::Record(record.into())) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                shared.counters.dropped.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }

    /// Waits up to `timeout` until the events queued so far are written (for
    /// shutdown and tests; requests never call it). `false` on timeout.
    pub fn flush(&self, timeout: Duration) -> bool {
        let Some(shared) = &self.inner else {
            return true;
        };
        let deadline = Instant::now() + timeout;
        let (ack, done) = mpsc::channel();
        let mut message = Message::Flush(ack);
        loop {
            match shared.sender.try_send(message) {
                Ok(()) => break,
                Err(TrySendError::Full(m)) if Instant::now() < deadline => {
                    message = m;
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(_) => return false,
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        done.recv_timeout(left).is_ok()
    }

    pub fn stats(&self) -> LogStats {
        match &self.inner {
            None => LogStats::default(),
            Some(shared) => LogStats {
                enabled: true,
                written: shared.counters.written.load(Ordering::Relaxed),
                dropped: shared.counters.dropped.load(Ordering::Relaxed),
                failed: shared.counters.failed.load(Ordering::Relaxed),
            },
        }
    }
}

/// The writer thread's state.
struct Writer {
    dir: PathBuf,
    queries: RotatingFile,
    feedback: RotatingFile,
    /// Held while writing, so that two servers on one data directory do not
    /// rotate each other's files away.
    lock: Option<File>,
    counters: Arc<Counters>,
    dropped_reported: u64,
    write_warning: RateLimit,
    drop_warning: RateLimit,
}

impl Writer {
    fn new(dir: &Path, config: &LogConfig, counters: Arc<Counters>) -> Writer {
        let file = |stem| RotatingFile::new(dir, stem, config.max_file_bytes, config.max_files);
        Writer {
            dir: dir.to_path_buf(),
            queries: file(QUERIES),
            feedback: file(FEEDBACK),
            lock: None,
            counters,
            dropped_reported: 0,
            write_warning: RateLimit::default(),
            drop_warning: RateLimit::default(),
        }
    }

    /// Writes until every handle is gone.
    fn run(mut self, receiver: Receiver<Message>) {
        while let Ok(first) = receiver.recv() {
            let mut batch = vec![first];
            while batch.len() < BATCH {
                match receiver.try_recv() {
                    Ok(message) => batch.push(message),
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            }
            let full = batch.len() == BATCH;
            self.write_batch(batch);
            if !full {
                std::thread::sleep(LINGER);
            }
        }
    }

    fn write_batch(&mut self, batch: Vec<Message>) {
        let mut queries = Vec::new();
        let mut feedback = Vec::new();
        let mut acks = Vec::new();
        for message in batch {
            match message {
                Message::Record(LogRecord::Query(e)) => queries.extend(json_line(&e)),
                Message::Record(LogRecord::Feedback(e)) => feedback.extend(json_line(&e)),
                Message::Flush(ack) => acks.push(ack),
            }
        }
        if !queries.is_empty() || !feedback.is_empty() {
            match self.ensure_lock() {
                Ok(()) => {
                    let queries = append(&mut self.queries, &queries, &self.counters);
                    let feedback = append(&mut self.feedback, &feedback, &self.counters);
                    if let Some(e) = queries.or(feedback) {
                        self.warn_write(&e);
                    }
                }
                Err(e) => {
                    let lost = (queries.len() + feedback.len()) as u64;
                    self.counters.failed.fetch_add(lost, Ordering::Relaxed);
                    self.warn_write(&e);
                }
            }
        }
        self.warn_dropped();
        for ack in acks {
            let _ = ack.send(());
        }
    }

    fn ensure_lock(&mut self) -> std::io::Result<()> {
        if self.lock.is_some() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(".lock"))?;
        match file.try_lock() {
            Ok(()) => {
                self.lock = Some(file);
                Ok(())
            }
            Err(std::fs::TryLockError::WouldBlock) => Err(std::io::Error::other(
                "another eoskb process is writing this query log",
            )),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }

    fn warn_write(&mut self, error: &std::io::Error) {
        if let Some(suppressed) = self.write_warning.ready() {
            tracing::warn!(
                "query log: cannot write to {}: {error}; searches go on unlogged ({} lost so far{})",
                self.dir.display(),
                self.counters.failed.load(Ordering::Relaxed),
                again(suppressed),
            );
        }
    }

    fn warn_dropped(&mut self) {
        let dropped = self.counters.dropped.load(Ordering::Relaxed);
        if dropped > self.dropped_reported
            && let Some(suppressed) = self.drop_warning.ready()
        {
            tracing::warn!(
                "query log: the disk is slower than the traffic; {} events dropped so far{}",
                dropped,
                again(suppressed)
            );
            self.dropped_reported = dropped;
        }
    }
}

/// Appends lines to one stream, counting what was written and what was lost.
fn append(
    file: &mut RotatingFile,
    lines: &[String],
    counters: &Counters,
) -> Option<std::io::Error> {
    if lines.is_empty() {
        return None;
    }
    let (written, error) = file.append(lines);
    let failed = (lines.len() - written) as u64;
    counters
        .written
        .fetch_add(written as u64, Ordering::Relaxed);
    counters.failed.fetch_add(failed, Ordering::Relaxed);
    error
}

fn again(suppressed: u64) -> String {
    if suppressed == 0 {
        String::new()
    } else {
        format!("; {suppressed} similar warnings suppressed")
    }
}

/// One JSON line; events are plain data, so this only fails on a serde bug.
fn json_line<T: Serialize>(event: &T) -> Option<String> {
    match serde_json::to_string(event) {
        Ok(mut line) => {
            line.push('\n');
            Some(line)
        }
        Err(e) => {
            tracing::warn!("query log: cannot serialise an event: {e}");
            None
        }
    }
}

/// Lets one warning through per [`WARN_EVERY`], counting the ones held back.
#[derive(Default)]
struct RateLimit {
    last: Option<Instant>,
    suppressed: u64,
}

impl RateLimit {
    /// `Some(suppressed since the last one)` when a warning may be shown now.
    fn ready(&mut self) -> Option<u64> {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|t| now.duration_since(t) < WARN_EVERY)
        {
            self.suppressed += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.suppressed))
    }
}

#[cfg(test)]
mod tests {
    use super::super::event::{FeedbackEvent, QueryEvent};
    use super::*;

    fn config(max_file_bytes: u64, max_files: usize) -> LogConfig {
        LogConfig {
            max_file_bytes,
            max_files,
            ..LogConfig::default()
        }
    }

    #[test]
    fn events_reach_their_files() {
        let tmp = tempfile::tempdir().unwrap();
        let log = QueryLog::start(tmp.path().join("logs"), &config(1 << 20, 2));
        assert!(log.record(QueryEvent::ask("q1", 2, Some(0.5), true)));
        assert!(log.record(FeedbackEvent::new("q1", None, false)));
        assert!(log.flush(Duration::from_secs(5)));
        let queries = std::fs::read_to_string(tmp.path().join("logs/queries.jsonl")).unwrap();
        let feedback = std::fs::read_to_string(tmp.path().join("logs/feedback.jsonl")).unwrap();
        assert_eq!(queries.lines().count(), 1);
        assert!(feedback.contains("\"helpful\":false"));
        assert_eq!(log.stats().written, 2);
    }

    #[test]
    fn disabled_log_records_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let off = LogConfig {
            enabled: false,
            ..LogConfig::default()
        };
        let log = QueryLog::start(tmp.path().join("logs"), &off);
        assert!(!log.record(QueryEvent::ask("q", 0, None, false)));
        assert!(log.flush(Duration::from_secs(1)));
        assert!(!tmp.path().join("logs").exists());
        assert_eq!(log.stats(), LogStats::default());
    }

    #[test]
    fn a_second_writer_on_the_same_folder_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("logs");
        let first = QueryLog::start(&dir, &config(1 << 20, 2));
        first.record(QueryEvent::ask("first", 0, None, false));
        assert!(first.flush(Duration::from_secs(5)));
        let second = QueryLog::start(&dir, &config(1 << 20, 2));
        second.record(QueryEvent::ask("second", 0, None, false));
        assert!(second.flush(Duration::from_secs(5)));
        assert_eq!(second.stats().failed, 1);
        let text = std::fs::read_to_string(dir.join("queries.jsonl")).unwrap();
        assert!(text.contains("first") && !text.contains("second"));
    }

    #[test]
    fn rate_limit_lets_one_warning_through_per_period() {
        let mut limit = RateLimit::default();
        assert_eq!(limit.ready(), Some(0));
        assert_eq!(limit.ready(), None);
        assert_eq!(limit.ready(), None);
        limit.last = Some(Instant::now() - WARN_EVERY);
        assert_eq!(limit.ready(), Some(2));
    }
}
