//! One worker process as the pool drives it, over tokio's asynchronous pipes: the
//! request handler writes the request and awaits the reply itself, with no thread
//! in between. Dropping a worker kills its process (a cancelled request would
//! leave it out of step).

use std::io;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use super::WorkerOptions;
use super::wire::{self, Reply};
use crate::query::SparqlError;
use crate::query::sparql::SparqlResponse;

/// Environment variables a worker keeps; everything else (the admin token
/// among it) stays with the server.
const KEPT_ENVIRONMENT: &[&str] = &["RUST_LOG", "RUST_BACKTRACE"];

/// Time a new worker may take to load the store.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// Time given to a worker that closed its output to report how it ended.
const EXIT_GRACE: Duration = Duration::from_millis(200);

/// A started worker whose store is loaded.
pub struct Worker {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

/// Why a worker can no longer be used; the process must be discarded.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Broken(io::Error);

impl Worker {
    /// Starts `program sparql-worker GENERATION` and waits until it has loaded
    /// the store. Call it from a runtime task, never a blocking thread: the
    /// worker's `PR_SET_PDEATHSIG` fires when the *thread* that started it ends,
    /// and tokio retires idle blocking threads after a few seconds.
    pub async fn start(options: &WorkerOptions, generation: &Path) -> Result<Worker, SparqlError> {
        let failed = |e: String| SparqlError::Worker(format!("cannot start a query worker: {e}"));
        let mut command = Command::new(&options.program);
        command
            .arg("sparql-worker")
            .arg("--memory-limit")
            .arg(options.memory_limit.to_string())
            .arg(generation)
            .env_clear();
        for name in KEPT_ENVIRONMENT {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                tracing::error!("starting {}: {e}", options.program.display());
                failed(e.to_string())
            })?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(failed("no pipes".into()));
        };
        let mut worker = Worker {
            child,
            input,
            output: BufReader::new(output),
        };
        match tokio::time::timeout(START_TIMEOUT, wire::read_reply(&mut worker.output, 0)).await {
            Ok(Ok(Reply::Ready)) => Ok(worker),
            Ok(Ok(Reply::Answer(_))) => Err(failed("it answered before it was asked".into())),
            Ok(Err(e)) => {
                let ended = worker.ended().await;
                Err(failed(format!("it {ended} while loading the store ({e})")))
            }
            Err(_) => {
                worker.stop().await;
                Err(failed("it did not load the store in time".into()))
            }
        }
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Whether the process has ended (killed while idle, say).
    pub fn has_exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends one encoded request and reads its reply. `Ok` holds the query's
    /// outcome (its own errors included); `Err` means the worker is broken.
    pub async fn ask(
        &mut self,
        request: &[u8],
        max_body: u64,
    ) -> Result<Result<SparqlResponse, SparqlError>, Broken> {
        self.input.write_all(request).await.map_err(Broken)?;
        self.input.flush().await.map_err(Broken)?;
        match wire::read_reply(&mut self.output, max_body)
            .await
            .map_err(Broken)?
        {
            Reply::Answer(answer) => Ok(answer),
            Reply::Ready => Err(Broken(io::Error::new(
                io::ErrorKind::InvalidData,
                "a second ready signal: out of step",
            ))),
        }
    }

    /// Kills the process and waits until it is gone.
    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// How the process ended, for messages about a broken worker ("was killed by
    /// signal 9"); kills it if it has not ended within a moment.
    pub async fn ended(mut self) -> Ending {
        match tokio::time::timeout(EXIT_GRACE, self.child.wait()).await {
            Ok(Ok(status)) => Ending::Exited(status),
            Ok(Err(e)) => Ending::Unknown(e.to_string()),
            Err(_) => {
                self.stop().await;
                Ending::Stopped
            }
        }
    }
}

/// How a worker process ended.
#[derive(Debug)]
pub enum Ending {
    Exited(ExitStatus),
    Unknown(String),
    /// It neither answered nor ended, and was killed.
    Stopped,
}

impl Ending {
    /// Whether the worker aborted: Rust aborts a process when an allocation
    /// fails (the worker's address space is limited) or a stack overflows, so
    /// the query asked for more than a query may use.
    pub fn out_of_resources(&self) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Ending::Exited(status) = self {
                return status.signal() == Some(SIGABRT);
            }
        }
        false
    }
}

/// SIGABRT's number on every Unix eoskb runs on.
#[cfg(unix)]
const SIGABRT: i32 = 6;

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ending::Exited(status) => {
                #[cfg(unix)]
                {
                    use std::os::unix::process::ExitStatusExt;
                    if let Some(signal) = status.signal() {
                        return write!(f, "was killed by signal {signal}");
                    }
                }
                match status.code() {
                    Some(code) => write!(f, "exited with status {code}"),
                    None => write!(f, "ended ({status})"),
                }
            }
            Ending::Unknown(e) => write!(f, "ended in an unknown way ({e})"),
            Ending::Stopped => f.write_str("stopped answering"),
        }
    }
}
