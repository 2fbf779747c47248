//! SPARQL evaluation in worker processes, so that a timed-out query really stops.
//!
//! oxigraph checks its cancellation token only when it reads quads. A join whose
//! inputs are already in memory (a cartesian product such as
//! `{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`) never reads again and ran on for minutes
//! after its deadline, holding a core. A thread cannot be stopped from outside;
//! a process can. The server therefore evaluates queries in `eoskb sparql-worker`
//! processes that load the generation's store once and answer requests over
//! their standard input and output:
//!
//! - request: one JSON line, [`WireRequest`];
//! - reply: one JSON line, [`WireReply`], then `len` bytes of serialised results.
//!
//! A worker evaluates on its main thread; at the query's deadline the pool kills
//! it, answers with the timeout error, and starts a fresh one for the next query.
//! Idle workers are reused; the pool belongs to one generation and its workers
//! end with it.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::Error;
use super::sparql::{SparqlRequest, SparqlResponse};
use crate::config::SparqlConfig;
use crate::index::graph::GraphStore;

/// Workers evaluating at once; more queries wait for [`Error::SparqlBusy`].
pub const MAX_WORKERS: usize = 4;
/// Idle workers kept warm for the next queries.
const MAX_IDLE: usize = 2;
/// Time a new worker may take to load the store.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A request as sent to a worker.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireRequest {
    pub settings: SparqlConfig,
    pub query: String,
    pub default_graphs: Vec<String>,
    pub named_graphs: Vec<String>,
    pub format: Option<String>,
    pub accept: Option<String>,
}

/// A worker's answer header; `Ok` is followed by the body bytes.
#[derive(Debug, Serialize, Deserialize)]
pub enum WireReply {
    Ready,
    Ok {
        content_type: String,
        rows: usize,
        len: usize,
    },
    Err(WireError),
}

/// The query errors a worker can report, with what the caller needs to rebuild
/// the typed [`Error`] (and so the right HTTP status).
#[derive(Debug, Serialize, Deserialize)]
pub enum WireError {
    EmptyQuery,
    QueryTooLarge { len: usize, max: usize },
    Syntax(String),
    ReadOnly(String),
    NotAcceptable(String),
    InvalidParameter { name: String, reason: String },
    Timeout { seconds: f64 },
    TooManyResults(usize),
    Busy(usize),
    Evaluation(String),
}

impl From<Error> for WireError {
    fn from(e: Error) -> Self {
        match e {
            Error::EmptyQuery => WireError::EmptyQuery,
            Error::QueryTooLarge { len, max } => WireError::QueryTooLarge { len, max },
            Error::SparqlSyntax(m) => WireError::Syntax(m),
            Error::ReadOnly(m) => WireError::ReadOnly(m),
            Error::NotAcceptable(m) => WireError::NotAcceptable(m),
            Error::InvalidParameter { name, reason } => {
                WireError::InvalidParameter { name, reason }
            }
            Error::SparqlTimeout(d) => WireError::Timeout {
                seconds: d.as_secs_f64(),
            },
            Error::TooManyResults(n) => WireError::TooManyResults(n),
            Error::SparqlBusy(n) => WireError::Busy(n),
            other => WireError::Evaluation(other.to_string()),
        }
    }
}

impl From<WireError> for Error {
    fn from(e: WireError) -> Self {
        match e {
            WireError::EmptyQuery => Error::EmptyQuery,
            WireError::QueryTooLarge { len, max } => Error::QueryTooLarge { len, max },
            WireError::Syntax(m) => Error::SparqlSyntax(m),
            WireError::ReadOnly(m) => Error::ReadOnly(m),
            WireError::NotAcceptable(m) => Error::NotAcceptable(m),
            WireError::InvalidParameter { name, reason } => {
                Error::InvalidParameter { name, reason }
            }
            WireError::Timeout { seconds } => {
                Error::SparqlTimeout(Duration::from_secs_f64(seconds.clamp(0.0, 1e6)))
            }
            WireError::TooManyResults(n) => Error::TooManyResults(n),
            WireError::Busy(n) => Error::SparqlBusy(n),
            WireError::Evaluation(m) => Error::SparqlEvaluation(m),
        }
    }
}

/// The worker's side: loads the generation's store, says it is ready, and answers
/// requests, one at a time, until its input closes.
pub fn run_worker(generation: &Path) -> Result<(), Error> {
    die_with_parent();
    let graph = GraphStore::open(generation)?;
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    let io = |e: std::io::Error| Error::SparqlEvaluation(format!("worker output: {e}"));
    write_header(&mut stdout, &WireReply::Ready).map_err(io)?;
    for line in stdin.lines() {
        let line = line.map_err(io)?;
        let result = serde_json::from_str::<WireRequest>(&line)
            .map_err(|e| Error::SparqlEvaluation(format!("worker request: {e}")))
            .and_then(|wire| {
                let request = SparqlRequest {
                    query: wire.query,
                    default_graphs: wire.default_graphs,
                    named_graphs: wire.named_graphs,
                    format: wire.format,
                    accept: wire.accept,
                };
                super::sparql::execute_blocking(&graph, &wire.settings, &request)
            });
        match result {
            Ok(answer) => {
                write_header(
                    &mut stdout,
                    &WireReply::Ok {
                        content_type: answer.content_type.to_string(),
                        rows: answer.rows,
                        len: answer.body.len(),
                    },
                )
                .map_err(io)?;
                stdout.write_all(&answer.body).map_err(io)?;
                stdout.flush().map_err(io)?;
            }
            Err(e) => write_header(&mut stdout, &WireReply::Err(e.into())).map_err(io)?,
        }
    }
    Ok(())
}

/// A worker must not outlive the server, even one killed without notice in the
/// middle of a long evaluation (when its closed input would go unnoticed).
fn die_with_parent() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: prctl(PR_SET_PDEATHSIG) only sets a signal for this process.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
}

fn write_header(out: &mut impl Write, reply: &WireReply) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(reply).map_err(std::io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// A reply as read from a worker.
enum Reply {
    Ready,
    Answer(Result<SparqlResponse, Error>),
}

/// One worker process; killed when dropped.
struct Worker {
    child: Child,
    input: ChildStdin,
    replies: Receiver<std::io::Result<Reply>>,
}

impl Worker {
    fn start(program: &Path, generation: &Path) -> Result<Worker, Error> {
        let failed =
            |e: String| Error::SparqlEvaluation(format!("cannot start a query worker: {e}"));
        let mut child = Command::new(program)
            .arg("sparql-worker")
            .arg(generation)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| failed(format!("{}: {e}", program.display())))?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(failed("no pipes".into()));
        };
        let (send, replies) = mpsc::channel();
        std::thread::Builder::new()
            .name("sparql-worker-reader".into())
            .spawn(move || {
                let mut output = BufReader::new(output);
                loop {
                    let reply = read_reply(&mut output);
                    let stop = reply.is_err();
                    if send.send(reply).is_err() || stop {
                        break;
                    }
                }
            })
            .map_err(|e| failed(e.to_string()))?;
        let mut worker = Worker {
            child,
            input,
            replies,
        };
        match worker.replies.recv_timeout(START_TIMEOUT) {
            Ok(Ok(Reply::Ready)) => Ok(worker),
            Ok(Ok(Reply::Answer(_))) => Err(failed("unexpected answer".into())),
            Ok(Err(e)) => Err(failed(format!("it exited while loading the store ({e})"))),
            Err(_) => {
                worker.kill();
                Err(failed("it did not load the store in time".into()))
            }
        }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Reads one reply; end of output is an error (the worker is gone).
fn read_reply(output: &mut impl BufRead) -> std::io::Result<Reply> {
    let mut line = String::new();
    if output.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let header: WireReply = serde_json::from_str(&line).map_err(std::io::Error::other)?;
    Ok(match header {
        WireReply::Ready => Reply::Ready,
        WireReply::Err(e) => Reply::Answer(Err(e.into())),
        WireReply::Ok {
            content_type,
            rows,
            len,
        } => {
            let mut body = vec![0; len];
            output.read_exact(&mut body)?;
            Reply::Answer(Ok(SparqlResponse {
                content_type: super::sparql::static_content_type(&content_type),
                body,
                rows,
            }))
        }
    })
}

/// The workers of one generation.
pub struct WorkerPool {
    program: PathBuf,
    generation: PathBuf,
    idle: Mutex<Vec<Worker>>,
    busy: Mutex<usize>,
}

impl WorkerPool {
    /// A pool running `program sparql-worker GENERATION` (`program` is the eoskb
    /// executable). No process starts until the first query.
    pub fn new(program: PathBuf, generation: PathBuf) -> WorkerPool {
        WorkerPool {
            program,
            generation,
            idle: Mutex::new(Vec::new()),
            busy: Mutex::new(0),
        }
    }

    /// Worker processes alive now (idle ones; busy ones are counted by the caller).
    pub fn idle_workers(&self) -> usize {
        self.idle.lock().map_or(0, |idle| idle.len())
    }

    /// Process ids of the idle workers (for tests and diagnostics).
    pub fn idle_pids(&self) -> Vec<u32> {
        self.idle
            .lock()
            .map(|idle| idle.iter().map(|w| w.child.id()).collect())
            .unwrap_or_default()
    }

    /// Evaluates a query in a worker, within `settings`' time limit.
    pub fn execute(
        &self,
        settings: &SparqlConfig,
        request: &SparqlRequest,
    ) -> Result<SparqlResponse, Error> {
        let _slot = self.take_slot()?;
        let mut worker = match self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            Some(worker) => worker,
            None => Worker::start(&self.program, &self.generation)?,
        };
        // The limit is the query's: a worker's start-up (loading the store, once
        // per generation and after a timeout) does not count against it.
        let started = Instant::now();
        let wire = WireRequest {
            settings: settings.clone(),
            query: request.query.clone(),
            default_graphs: request.default_graphs.clone(),
            named_graphs: request.named_graphs.clone(),
            format: request.format.clone(),
            accept: request.accept.clone(),
        };
        let mut line = serde_json::to_vec(&wire)
            .map_err(|e| Error::SparqlEvaluation(format!("encoding the request: {e}")))?;
        line.push(b'\n');
        let sent = worker
            .input
            .write_all(&line)
            .and_then(|_| worker.input.flush());
        if let Err(e) = sent {
            return Err(Error::SparqlEvaluation(format!("query worker gone: {e}")));
        }
        let deadline = settings.timeout().saturating_sub(started.elapsed());
        match worker.replies.recv_timeout(deadline) {
            Ok(Ok(Reply::Answer(answer))) => {
                self.keep(worker);
                answer
            }
            Ok(Ok(Reply::Ready)) => Err(Error::SparqlEvaluation("query worker out of step".into())),
            Ok(Err(e)) => Err(Error::SparqlEvaluation(format!(
                "the query worker failed: {e}"
            ))),
            Err(RecvTimeoutError::Timeout) => {
                worker.kill();
                Err(Error::SparqlTimeout(settings.timeout()))
            }
            Err(RecvTimeoutError::Disconnected) => {
                Err(Error::SparqlEvaluation("the query worker exited".into()))
            }
        }
    }

    fn keep(&self, worker: Worker) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push(worker);
        }
    }

    fn take_slot(&self) -> Result<BusySlot<'_>, Error> {
        let mut busy = self
            .busy
            .lock()
            .map_err(|_| Error::SparqlBusy(MAX_WORKERS))?;
        if *busy >= MAX_WORKERS {
            return Err(Error::SparqlBusy(MAX_WORKERS));
        }
        *busy += 1;
        Ok(BusySlot(&self.busy))
    }
}

/// A counted place among [`MAX_WORKERS`], given back when dropped.
struct BusySlot<'a>(&'a Mutex<usize>);

impl Drop for BusySlot<'_> {
    fn drop(&mut self) {
        if let Ok(mut busy) = self.0.lock() {
            *busy = busy.saturating_sub(1);
        }
    }
}
