//! SPARQL evaluation in worker processes, so that a timed-out query really stops.
//!
//! oxigraph checks its cancellation token only when it reads quads. A join whose
//! inputs are already in memory (a cartesian product such as
//! `{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`) never reads again and ran on for minutes
//! after its deadline, holding a core. A thread cannot be stopped from outside;
//! a process can. The server therefore evaluates queries in `eoskb sparql-worker`
//! processes ([`worker_main`]) that load the generation's store once and answer
//! binary frames ([`wire`]) on their standard input and output.
//!
//! The pool is asynchronous: the request handler writes to the worker's pipe and
//! awaits its reply on the runtime ([`worker`]), so a query costs no thread
//! hand-off beyond the worker process itself (on a busy machine every wake-up of
//! another thread is a trip through the scheduler). At the deadline the pool
//! kills the worker and answers with the timeout error. Idle workers are reused;
//! one is loaded in the background when the pool is created and after a worker
//! is killed or dies, so that the next query finds it ready. The pool belongs to
//! one generation and its workers end with it.

pub mod wire;
mod worker;
mod worker_main;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use tokio::sync::{Notify, Semaphore};
use tokio::task::AbortHandle;

pub use worker_main::run_worker;

use super::SparqlError;
use super::sparql::{SparqlRequest, SparqlResponse};
use crate::config::SparqlConfig;
use wire::WireRequest;
use worker::Worker;

/// Workers evaluating at once; more queries get [`SparqlError::Busy`].
pub const MAX_WORKERS: usize = 4;
/// Idle workers kept loaded for the next queries.
const MAX_IDLE: usize = 2;

/// How worker processes are started.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The eoskb executable.
    pub program: PathBuf,
    /// Address space each worker may use, in bytes (0: no limit).
    pub memory_limit: u64,
}

impl WorkerOptions {
    /// Workers of `program` with the default memory limit.
    pub fn new(program: PathBuf) -> WorkerOptions {
        WorkerOptions {
            program,
            memory_limit: SparqlConfig::default().worker_memory_bytes,
        }
    }
}

/// The workers of one generation.
pub struct WorkerPool {
    options: WorkerOptions,
    generation: PathBuf,
    /// One permit per evaluating worker.
    slots: Semaphore,
    idle: Arc<Idle>,
}

/// Loaded workers waiting for a query, shared with the background warm-up.
struct Idle {
    state: Mutex<IdleState>,
    /// Signalled when a warm-up ends, with or without a worker.
    warmed: Notify,
}

#[derive(Default)]
struct IdleState {
    workers: Vec<Worker>,
    /// The warm-up under way, if any.
    warming: Option<AbortHandle>,
}

impl Idle {
    /// The state, even after a panic elsewhere: it holds no invariant a panic
    /// could break halfway.
    fn lock(&self) -> MutexGuard<'_, IdleState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl WorkerPool {
    /// A pool running `program sparql-worker GENERATION` (`program` is the eoskb
    /// executable). Inside a tokio runtime one worker starts loading at once.
    pub fn new(options: WorkerOptions, generation: PathBuf) -> WorkerPool {
        let pool = WorkerPool {
            options,
            generation,
            slots: Semaphore::new(MAX_WORKERS),
            idle: Arc::new(Idle {
                state: Mutex::new(IdleState::default()),
                warmed: Notify::new(),
            }),
        };
        pool.warm_up();
        pool
    }

    /// Loaded workers waiting for a query.
    pub fn idle_workers(&self) -> usize {
        self.idle.lock().workers.len()
    }

    /// Process ids of the idle workers (for tests and diagnostics).
    pub fn idle_pids(&self) -> Vec<u32> {
        self.idle
            .lock()
            .workers
            .iter()
            .filter_map(Worker::pid)
            .collect()
    }

    /// Waits for a background warm-up under way, if any, to end.
    pub async fn warmed_up(&self) {
        let warmed = self.idle.warmed.notified();
        tokio::pin!(warmed);
        warmed.as_mut().enable();
        if self.idle.lock().warming.is_some() {
            warmed.await;
        }
    }

    /// Evaluates a query in a worker, within `settings`' time limit. Dropping the
    /// future (a client gone) kills the worker it was using.
    pub async fn execute(
        &self,
        settings: &SparqlConfig,
        request: &SparqlRequest,
    ) -> Result<SparqlResponse, SparqlError> {
        let _slot = self
            .slots
            .try_acquire()
            .map_err(|_| SparqlError::Busy(MAX_WORKERS))?;
        let frame = WireRequest::new(settings, request).encode()?;
        let mut worker = self.take_worker().await?;
        // Unless the worker goes back to the idle list, a replacement is loaded:
        // after a timeout, a crash, or this future being dropped mid-query.
        let mut replace = ReplaceOnDrop(Some(self));
        // The limit is the query's: a worker's start-up (loading the store, once
        // per generation and after a timeout) does not count against it.
        let max_body = settings.max_result_bytes as u64;
        match tokio::time::timeout(settings.timeout(), worker.ask(&frame, max_body)).await {
            Ok(Ok(answer)) => {
                replace.0 = None;
                self.keep(worker);
                answer
            }
            Ok(Err(broken)) => {
                let ended = worker.ended().await;
                if ended.out_of_resources() {
                    return Err(SparqlError::ResourceLimit(format!(
                        "its worker {ended}, having run out of memory or stack"
                    )));
                }
                Err(SparqlError::Worker(format!(
                    "the query worker {ended} during the query ({broken}); the next query gets a fresh one"
                )))
            }
            Err(_) => {
                worker.stop().await;
                Err(SparqlError::Timeout(settings.timeout()))
            }
        }
    }

    /// An idle worker, the one being warmed up, or a new one.
    async fn take_worker(&self) -> Result<Worker, SparqlError> {
        loop {
            let warmed = self.idle.warmed.notified();
            tokio::pin!(warmed);
            // Registered before looking, so a warm-up ending in between is seen.
            warmed.as_mut().enable();
            {
                let mut state = self.idle.lock();
                while let Some(mut worker) = state.workers.pop() {
                    if !worker.has_exited() {
                        return Ok(worker);
                    }
                }
                if state.warming.is_none() {
                    break;
                }
            }
            // A second store loading beside the first would only slow both.
            warmed.await;
        }
        Worker::start(&self.options, &self.generation).await
    }

    fn keep(&self, worker: Worker) {
        let mut state = self.idle.lock();
        if state.workers.len() < MAX_IDLE {
            state.workers.push(worker);
        }
    }

    /// Loads a worker in the background unless one is idle or loading already.
    /// Needs a tokio runtime; without one the next query starts its worker.
    fn warm_up(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut state = self.idle.lock();
        if !state.workers.is_empty() || state.warming.is_some() {
            return;
        }
        let (options, generation) = (self.options.clone(), self.generation.clone());
        let idle: Weak<Idle> = Arc::downgrade(&self.idle);
        let task = runtime.spawn(async move {
            let _done = WarmUpDone(idle.clone());
            match Worker::start(&options, &generation).await {
                Ok(worker) => {
                    if let Some(idle) = idle.upgrade() {
                        idle.lock().workers.push(worker);
                    }
                }
                Err(e) => tracing::warn!("{e}"),
            }
        });
        state.warming = Some(task.abort_handle());
    }
}

/// Ends a warm-up however its task ends, so that queries waiting for it never
/// wait forever.
struct WarmUpDone(Weak<Idle>);

impl Drop for WarmUpDone {
    fn drop(&mut self) {
        if let Some(idle) = self.0.upgrade() {
            idle.lock().warming = None;
            idle.warmed.notify_waiters();
        }
    }
}

/// Loads a replacement worker when dropped, unless disarmed.
struct ReplaceOnDrop<'a>(Option<&'a WorkerPool>);

impl Drop for ReplaceOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(pool) = self.0 {
            pool.warm_up();
        }
    }
}

impl Drop for WorkerPool {
    /// Stops a warm-up still loading; idle workers are killed as they drop.
    fn drop(&mut self) {
        if let Some(task) = self.idle.lock().warming.take() {
            task.abort();
        }
    }
}
