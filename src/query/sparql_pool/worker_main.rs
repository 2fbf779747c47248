//! The `eoskb sparql-worker GENERATION` process: loads the store and the text
//! indexes once, then evaluates one request at a time, synchronously, until
//! its input closes. The
//! pool kills it when a query passes its deadline; its address space is
//! limited, so a query that asks for too much memory ends only this process.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use super::wire;
use crate::query::sparql::{EVALUATION_STACK, execute_blocking};
use crate::query::sparql_search::SearchService;
use crate::query::{KnowledgeBase, SparqlError};

/// Pipe capacity asked for the replies: a result body up to this size is written
/// in one go, instead of waking the server once per 64 KiB (Linux's default).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const PIPE_CAPACITY: usize = 1 << 20;

/// Runs the worker: limits its address space to `memory_limit` bytes (0: no
/// limit), says it is ready once the store is loaded, and answers requests
/// until its input closes.
pub fn run_worker(generation: &Path, memory_limit: u64) -> Result<(), SparqlError> {
    die_with_parent();
    limit_memory(memory_limit);
    let generation = generation.to_path_buf();
    std::thread::Builder::new()
        .name("sparql-worker".into())
        .stack_size(EVALUATION_STACK)
        .spawn(move || serve_requests(&generation))
        .map_err(|e| SparqlError::Evaluation(format!("cannot start the worker thread: {e}")))?
        .join()
        .map_err(|_| SparqlError::Evaluation("the worker thread panicked".into()))?
}

fn serve_requests(generation: &Path) -> Result<(), SparqlError> {
    // The store, and the text and term indexes that answer
    // `SERVICE <urn:eoskb:search>` (not the vectors: text search here is by
    // keyword). The knowledge base holds the generation's lease for the
    // worker's life, like its server's: garbage collection waits.
    let kb = KnowledgeBase::open_without_vectors(generation)
        .map_err(|e| SparqlError::Worker(e.to_string()))?;
    let kb = Arc::new(kb);
    let failed = |e: io::Error| SparqlError::Evaluation(format!("worker pipes: {e}"));
    let mut input = io::stdin().lock();
    let mut output = reply_channel().map_err(failed)?;
    wire::write_ready(&mut output).map_err(failed)?;
    while let Some(request) = wire::read_request(&mut input).map_err(failed)? {
        let result = request.and_then(|request| {
            let (settings, request) = request.into_parts();
            let search = SearchService::new(Arc::clone(&kb));
            execute_blocking(kb.graph(), Some(search), &settings, &request)
        });
        wire::write_reply(&mut output, result).map_err(failed)?;
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

/// Sets `RLIMIT_AS`: past it allocations fail and the process aborts, which
/// the pool reports as a query over its resource limit.
fn limit_memory(bytes: u64) {
    if bytes == 0 {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let limit = libc::rlimit {
            rlim_cur: bytes,
            rlim_max: bytes,
        };
        // SAFETY: setrlimit only reads the struct passed by reference.
        if unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) } != 0 {
            tracing::warn!(
                "cannot limit the SPARQL worker's memory: {}",
                io::Error::last_os_error()
            );
        }
    }
}

/// Standard output without the standard library's line buffering (which would
/// split a body at its newlines), with a pipe large enough for most results.
#[cfg(unix)]
fn reply_channel() -> io::Result<Box<dyn Write>> {
    use std::os::fd::AsFd;
    let out = io::stdout().as_fd().try_clone_to_owned()?;
    widen_pipe(&out);
    Ok(Box::new(std::fs::File::from(out)))
}

#[cfg(not(unix))]
fn reply_channel() -> io::Result<Box<dyn Write>> {
    Ok(Box::new(io::stdout()))
}

/// Best effort: a pipe that refuses keeps its default capacity, which only
/// costs more wake-ups.
#[cfg(unix)]
fn widen_pipe(_out: &std::os::fd::OwnedFd) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: F_SETPIPE_SZ only resizes the pipe behind a descriptor we own;
        // on anything but a pipe it fails with EBADF/EINVAL, which is ignored.
        unsafe {
            libc::fcntl(
                _out.as_raw_fd(),
                libc::F_SETPIPE_SZ,
                PIPE_CAPACITY as libc::c_int,
            );
        }
    }
}
