//! What keeps one client, or many, from taking the server: admission to the
//! CPU-heavy work (a bounded number running, a bounded queue, 503 `busy`
//! beyond it), a time limit on every request, and the security headers every
//! response carries.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::ApiError;

/// Admission to searches, asks, term look-ups and the other work done on the
/// blocking pool: `max_running` at once, at most `max_queued` more waiting in
/// arrival order. A request whose client goes away while it waits is dropped
/// from the queue and never computed.
#[derive(Clone)]
pub struct Admission {
    running: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    max_waiting: usize,
}

impl Admission {
    pub fn new(max_running: usize, max_queued: usize) -> Admission {
        Admission {
            running: Arc::new(Semaphore::new(max_running.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            max_waiting: max_queued,
        }
    }

    /// A permit to run, held until the work ends; 503 `busy` when the queue is full.
    pub async fn enter(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        if let Ok(permit) = self.running.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let _place = QueuePlace::take(&self.waiting, self.max_waiting).ok_or_else(|| {
            ApiError::busy(format!(
                "the server is busy: {} requests are already waiting; try again shortly",
                self.max_waiting
            ))
        })?;
        // FIFO: tokio's semaphore serves waiters in order.
        self.running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::busy("the server is shutting down"))
    }

    /// Requests waiting for a permit (for `/healthz`).
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

/// A place in the queue, given back when the request runs or goes away.
struct QueuePlace<'a>(&'a AtomicUsize);

impl<'a> QueuePlace<'a> {
    fn take(waiting: &'a AtomicUsize, max: usize) -> Option<QueuePlace<'a>> {
        waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| QueuePlace(waiting))
    }
}

impl Drop for QueuePlace<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers 503 `timeout` when a request takes longer than the limit; the
/// handler's future is dropped, and with it any wait for admission.
pub async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request took longer than the server's {}s limit",
                limit.as_secs_f64()
            ),
        )
        .into_response(),
    }
}

/// The pages load only their own script, styles and images (no inline script,
/// no remote images an article could use to track its readers), and may not
/// be framed by another site.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Adds the security headers to every response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_queue_is_bounded_and_left_by_clients_that_go_away() {
        let admission = Admission::new(1, 2);
        let running = admission.enter().await.unwrap();
        let first = tokio::spawn({
            let a = admission.clone();
            async move { a.enter().await.map(drop) }
        });
        let second = tokio::spawn({
            let a = admission.clone();
            async move { a.enter().await.map(drop) }
        });
        while admission.waiting() < 2 {
            tokio::task::yield_now().await;
        }
        let refused = admission.enter().await.unwrap_err();
        assert_eq!((refused.status.as_u16(), refused.code), (503, "busy"));
        assert_eq!(refused.retry_after, Some(1));
        // A waiting client that goes away gives its place back.
        second.abort();
        let _ = second.await;
        assert_eq!(admission.waiting(), 1);
        drop(running);
        first.await.unwrap().unwrap();
        assert_eq!(admission.waiting(), 0);
        drop(admission.enter().await.unwrap());
    }
}
