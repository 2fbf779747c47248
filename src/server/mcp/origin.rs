//! DNS-rebinding and cross-site protection of `/mcp`, as the MCP transport
//! asks: a request with an `Origin` (a browser's) is refused with 403 unless
//! it comes from the server's own origin and names a host the server answers
//! for: an IP address, `localhost`, or the base IRI's host. A rebinding page
//! (`http://attacker.example` resolving to this server) sends its own host
//! in both headers, so matching them alone is not enough. Programs (no
//! `Origin`) pass.

use axum::http::{HeaderMap, StatusCode, header};

use super::super::AppState;
use super::super::error::ApiError;

/// Refuses browser requests from other origins before the MCP service sees
/// them: `Err` is the 403 to answer.
pub fn check(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let base_host = url::Url::parse(&state.config.base_iri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
    let verdict = match (origin.to_str(), host) {
        (Ok(origin), Some(host)) => allowed(origin, host, base_host.as_deref()),
        _ => Err("the Origin or Host header is not readable".into()),
    };
    verdict.map_err(|why| ApiError::new(StatusCode::FORBIDDEN, "forbidden_origin", why))
}

/// Whether a page at `origin` may call the server reached as `host`; the
/// refusal says why.
fn allowed(origin: &str, host: &str, base_host: Option<&str>) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("Origin `{origin}` refused: {why}"));
    let Ok(parsed) = url::Url::parse(origin) else {
        return refuse("not an origin");
    };
    let (Some(origin_host), Some(origin_port)) =
        (parsed.host_str(), parsed.port_or_known_default())
    else {
        return refuse("not an http(s) origin");
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return refuse("not an http(s) origin");
    }
    let Ok(authority) = host.parse::<axum::http::uri::Authority>() else {
        return refuse("the Host header is not a host");
    };
    let same_host = origin_host.eq_ignore_ascii_case(authority.host());
    // A Host without a port (behind a proxy) is reached at its scheme's default.
    let same_port = match authority.port_u16() {
        Some(port) => port == origin_port,
        None => parsed.port().is_none(),
    };
    if !(same_host && same_port) {
        return refuse("a page of another site may not call this server");
    }
    let host_name = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let trusted = host_name.parse::<std::net::IpAddr>().is_ok()
        || host_name.eq_ignore_ascii_case("localhost")
        || base_host.is_some_and(|b| b.eq_ignore_ascii_case(host_name));
    if !trusted {
        return refuse("the server does not answer to this host name");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn same_origin_on_a_known_host_passes_and_the_rest_is_refused() {
        let base = Some("kb.example.org");
        assert!(allowed("http://127.0.0.1:8080", "127.0.0.1:8080", base).is_ok());
        assert!(allowed("http://localhost:8080", "localhost:8080", base).is_ok());
        assert!(allowed("https://kb.example.org", "kb.example.org", base).is_ok());
        assert!(allowed("http://[::1]:8080", "[::1]:8080", base).is_ok());
        // Another site, another port, another scheme's port.
        assert!(allowed("https://evil.example", "127.0.0.1:8080", base).is_err());
        assert!(allowed("http://127.0.0.1:9999", "127.0.0.1:8080", base).is_err());
        assert!(allowed("https://kb.example.org:8443", "kb.example.org", base).is_err());
        // DNS rebinding: the attacker's name in both headers.
        assert!(allowed("http://evil.example:8080", "evil.example:8080", base).is_err());
        assert!(allowed("null", "127.0.0.1:8080", base).is_err());
        assert!(allowed("file:///x", "127.0.0.1:8080", base).is_err());
    }
}
