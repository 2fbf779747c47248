//! The harvester's HTTP client: timeouts, retries with exponential back-off and
//! jitter that honour `Retry-After`, and bounded bodies (nothing the server
//! sends sizes an allocation beyond the caller's cap).
//!
//! HTTPS is rustls over graviola, a pure-Rust cryptography provider (no C is
//! built), with Mozilla's root certificates compiled in. Graviola needs a
//! 64-bit x86 CPU from about 2014 on (AES, AVX2, ADX...) or an aarch64 one with
//! the crypto extensions; elsewhere `https://` is refused with that reason and
//! `http://` still works.

use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use url::Url;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: {reason}")]
    Transport { url: String, reason: String },
    #[error("{url}: the response is larger than the {limit}-byte limit")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: {reason}")]
    Unexpected { url: String, reason: String },
    #[error("{url}: {reason}")]
    Unsupported { url: String, reason: String },
    #[error("no HTTP client: {0}")]
    NoClient(String),
    #[error("{path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("gave up after {attempts} attempts: {last}")]
    GaveUp {
        attempts: u32,
        #[source]
        last: Box<HttpError>,
    },
}

impl HttpError {
    /// The HTTP status, also behind [`HttpError::GaveUp`].
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } => Some(*status),
            HttpError::GaveUp { last, .. } => last.status(),
            _ => None,
        }
    }

    /// Whether trying again may help: the connection failed or the server said
    /// it is busy or broken for now.
    fn retryable(&self) -> bool {
        match self {
            HttpError::Transport { .. } => true,
            HttpError::Status { status, .. } => {
                matches!(status, 408 | 425 | 429 | 500 | 502 | 503 | 504)
            }
            _ => false,
        }
    }
}

/// How often and how patiently to try a request again.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Tries in all (at least 1).
    pub attempts: u32,
    /// The first wait; each further one doubles, up to `max_delay`.
    pub base: Duration,
    /// The longest wait, also for a server's `Retry-After`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            base: Duration::from_secs(1),
            max_delay: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The wait before try `attempt + 1` (1-based `attempt` just failed): the
    /// server's `Retry-After` if it sent one, else the doubled base with jitter
    /// (between half and all of it) so that many clients do not retry in step.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_delay);
        }
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        let full = self.base.saturating_mul(factor).min(self.max_delay);
        let half = full / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if nanos == 0 { 0 } else { random() % nanos };
        half + Duration::from_nanos(jitter)
    }
}

/// A random number without a dependency: std's hasher keys are random per process.
fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos().into()),
    );
    h.finish()
}

/// `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let wait = when.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// The client's settings.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of a response.
    pub read_timeout: Duration,
    /// Longest time for one request, body included.
    pub request_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(20),
            read_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(600),
        }
    }
}

/// One failed try, with the server's `Retry-After` if it sent one.
struct Failure {
    error: HttpError,
    retry_after: Option<Duration>,
}

impl From<HttpError> for Failure {
    fn from(error: HttpError) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

/// An HTTP client for harvesting (cheap to clone).
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    retry: RetryPolicy,
    /// Why `https://` cannot be used here, if it cannot.
    no_https: Option<String>,
}

impl HttpClient {
    pub fn new(options: &ClientOptions) -> Result<HttpClient, HttpError> {
        let (tls, no_https) = tls::config();
        let Some(tls) = tls else {
            return Err(HttpError::NoClient(no_https.unwrap_or_default()));
        };
        let https_ok = no_https.is_none();
        // Redirects stay few, and never lead to HTTPS where it cannot be spoken.
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("more than 5 redirects")
            } else if !https_ok && attempt.url().scheme() == "https" {
                attempt.error("redirected to HTTPS, which this machine cannot speak")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.read_timeout)
            .timeout(options.request_timeout)
            .redirect(redirect)
            .user_agent(concat!("eoskb/", env!("CARGO_PKG_VERSION"), " (harvest)"))
            .build()
            .map_err(|e| HttpError::NoClient(error_text(&e)))?;
        Ok(HttpClient {
            client,
            retry: options.retry.clone(),
            no_https,
        })
    }

    /// The body of `url`, at most `limit` bytes, retried as the policy says.
    pub async fn get(&self, url: &Url, limit: u64) -> Result<Vec<u8>, HttpError> {
        self.with_retries(url, || async {
            let mut response = self.send(url).await?;
            if response.content_length().is_some_and(|n| n > limit) {
                return Err(too_large(url, limit).into());
            }
            let mut body = Vec::with_capacity(initial_capacity(response.content_length(), limit));
            while let Some(chunk) = next_chunk(&mut response, url).await? {
                if body.len() as u64 + chunk.len() as u64 > limit {
                    return Err(too_large(url, limit).into());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        })
        .await
    }

    /// Streams `url` into the file `path` (created or truncated on each try),
    /// at most `limit` bytes; when `magic` is given the body must start with
    /// it. Returns the bytes written.
    pub async fn download(
        &self,
        url: &Url,
        limit: u64,
        magic: Option<&[u8]>,
        path: &Path,
    ) -> Result<u64, HttpError> {
        self.with_retries(url, || async {
            let mut response = self.send(url).await?;
            if response.content_length().is_some_and(|n| n > limit) {
                return Err(too_large(url, limit).into());
            }
            let write = |source| HttpError::Write {
                path: path.to_path_buf(),
                source,
            };
            let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(write)?);
            let mut written = 0u64;
            let mut head: Vec<u8> = Vec::new();
            while let Some(chunk) = next_chunk(&mut response, url).await? {
                written += chunk.len() as u64;
                if written > limit {
                    return Err(too_large(url, limit).into());
                }
                if let Some(magic) = magic
                    && head.len() < magic.len()
                {
                    head.extend(chunk.iter().take(magic.len() - head.len()));
                    if !magic.starts_with(&head) {
                        return Err(unexpected_start(url, magic).into());
                    }
                }
                out.write_all(&chunk).map_err(write)?;
            }
            if let Some(magic) = magic
                && head.len() < magic.len()
            {
                return Err(unexpected_start(url, magic).into());
            }
            let file = out.into_inner().map_err(|e| write(e.into_error()))?;
            file.sync_all().map_err(write)?;
            Ok(written)
        })
        .await
    }

    /// One request: a response with a success status, or the failure.
    async fn send(&self, url: &Url) -> Result<reqwest::Response, Failure> {
        if url.scheme() == "https"
            && let Some(reason) = &self.no_https
        {
            return Err(HttpError::Unsupported {
                url: url.to_string(),
                reason: reason.clone(),
            }
            .into());
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(HttpError::Unsupported {
                url: url.to_string(),
                reason: "only http:// and https:// URLs can be harvested".into(),
            }
            .into());
        }
        let response = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| transport(url, &e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        Err(Failure {
            retry_after: if status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::SERVICE_UNAVAILABLE
            {
                retry_after(response.headers())
            } else {
                None
            },
            error: HttpError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            },
        })
    }

    /// Runs `attempt` until it succeeds, fails for good, or the tries run out.
    async fn with_retries<T, F, Fut>(&self, url: &Url, attempt: F) -> Result<T, HttpError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, Failure>>,
    {
        let attempts = self.retry.attempts.max(1);
        let mut tried = 0;
        loop {
            tried += 1;
            match attempt().await {
                Ok(value) => return Ok(value),
                Err(failure) if failure.error.retryable() && tried < attempts => {
                    let wait = self.retry.delay(tried, failure.retry_after);
                    tracing::warn!(
                        "{}; trying {url} again in {:.1}s ({}/{attempts})",
                        failure.error,
                        wait.as_secs_f64(),
                        tried + 1
                    );
                    tokio::time::sleep(wait).await;
                }
                Err(failure) if tried > 1 => {
                    return Err(HttpError::GaveUp {
                        attempts: tried,
                        last: Box::new(failure.error),
                    });
                }
                Err(failure) => return Err(failure.error),
            }
        }
    }
}

/// The first allocation for a body: what the server announces, but never more
/// than 1 MB or the limit (the rest grows as bytes actually arrive).
fn initial_capacity(announced: Option<u64>, limit: u64) -> usize {
    let cap = announced.unwrap_or(0).min(limit).min(1 << 20);
    usize::try_from(cap).unwrap_or(0)
}

/// The next piece of the body (`hyper::body::Bytes` is reqwest's `bytes::Bytes`).
async fn next_chunk(
    response: &mut reqwest::Response,
    url: &Url,
) -> Result<Option<hyper::body::Bytes>, Failure> {
    response
        .chunk()
        .await
        .map_err(|e| transport(url, &e).into())
}

fn too_large(url: &Url, limit: u64) -> HttpError {
    HttpError::TooLarge {
        url: url.to_string(),
        limit,
    }
}

fn unexpected_start(url: &Url, magic: &[u8]) -> HttpError {
    HttpError::Unexpected {
        url: url.to_string(),
        reason: format!(
            "the body does not start with `{}`",
            String::from_utf8_lossy(magic)
        ),
    }
}

fn transport(url: &Url, error: &reqwest::Error) -> HttpError {
    HttpError::Transport {
        url: url.to_string(),
        reason: error_text(error),
    }
}

/// An error with its causes (reqwest's own text is terse: "error sending request").
fn error_text(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The TLS configuration: graviola where the CPU has what it needs.
mod tls {

    /// The configuration to hand to reqwest (always one, so that reqwest never
    /// looks for a process-wide provider) and, if HTTPS cannot be used, why.
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    pub fn config() -> (Option<rustls::ClientConfig>, Option<String>) {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let provider = std::sync::Arc::new(rustls_graviola::default_provider());
        let config = match rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
        {
            Ok(builder) => builder.with_root_certificates(roots).with_no_client_auth(),
            Err(e) => return (None, Some(format!("TLS set-up failed: {e}"))),
        };
        (Some(config), cpu_lacks())
    }

    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    pub fn config() -> (Option<rustls::ClientConfig>, Option<String>) {
        (
            None,
            Some(
                "harvesting needs an x86_64 or aarch64 build (its pure-Rust TLS, graviola, supports only those)"
                    .into(),
            ),
        )
    }

    /// Graviola asserts these CPU features on first use; asking first turns
    /// that panic into a refusal of `https://`.
    #[cfg(target_arch = "x86_64")]
    fn cpu_lacks() -> Option<String> {
        let have = [
            ("aes", std::arch::is_x86_feature_detected!("aes")),
            (
                "pclmulqdq",
                std::arch::is_x86_feature_detected!("pclmulqdq"),
            ),
            ("bmi1", std::arch::is_x86_feature_detected!("bmi1")),
            ("bmi2", std::arch::is_x86_feature_detected!("bmi2")),
            ("adx", std::arch::is_x86_feature_detected!("adx")),
            ("avx", std::arch::is_x86_feature_detected!("avx")),
            ("avx2", std::arch::is_x86_feature_detected!("avx2")),
        ];
        lacking(&have)
    }

    #[cfg(target_arch = "aarch64")]
    fn cpu_lacks() -> Option<String> {
        let have = [
            ("neon", std::arch::is_aarch64_feature_detected!("neon")),
            ("aes", std::arch::is_aarch64_feature_detected!("aes")),
            ("pmull", std::arch::is_aarch64_feature_detected!("pmull")),
            ("sha2", std::arch::is_aarch64_feature_detected!("sha2")),
        ];
        lacking(&have)
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    fn lacking(have: &[(&str, bool)]) -> Option<String> {
        let missing: Vec<&str> = have.iter().filter(|(_, ok)| !ok).map(|(n, _)| *n).collect();
        (!missing.is_empty()).then(|| {
            format!(
                "HTTPS is unavailable: its pure-Rust TLS (graviola) needs CPU features this machine lacks ({})",
                missing.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_with_jitter_and_obeys_retry_after() {
        let policy = RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        for _ in 0..50 {
            let first = policy.delay(1, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = policy.delay(3, None);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            // Capped, however many tries.
            assert!(policy.delay(40, None) <= Duration::from_secs(1));
        }
        assert_eq!(
            policy.delay(1, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn retry_after_as_seconds_or_date() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO), "a past date");
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn announced_sizes_do_not_size_allocations() {
        assert_eq!(initial_capacity(Some(u64::MAX), u64::MAX), 1 << 20);
        assert_eq!(initial_capacity(Some(10), 5), 5);
        assert_eq!(initial_capacity(None, 100), 0);
    }

    #[test]
    fn the_client_builds_with_its_own_tls() {
        let client = HttpClient::new(&ClientOptions::default());
        assert!(client.is_ok(), "{:?}", client.err());
    }
}
