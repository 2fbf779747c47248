//! The real `eoskb` executable as an operator runs it: stopped by SIGTERM,
//! index runs killed with SIGKILL at random moments under a serving server,
//! SPARQL workers started without the server's secrets, and terminal output
//! that text from files cannot hijack.

#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use eoskb::index::DataDir;

use crate::support::{fixture_content, index};

fn eoskb() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eoskb"));
    command
        .env_remove("EOSKB_ADMIN_TOKEN")
        .env("EOSKB_MODEL", "none");
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server process, killed if the test ends early.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &Path, cwd: &Path, token: Option<&str>) -> Server {
        let port = free_port();
        let mut command = eoskb();
        command
            .current_dir(cwd)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(token) = token {
            command.env("EOSKB_ADMIN_TOKEN", token);
        }
        let child = command.spawn().unwrap();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while get(&format!("{}/healthz", server.base)).is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A GET's status and body, or `None` when nothing answered.
fn get(url: &str) -> Option<(u16, String)> {
    let url = url.strip_prefix("http://")?;
    let (host, path) = url
        .split_once('/')
        .map_or((url, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.get(9..12)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())?;
    Some((status, body))
}

/// Processes whose parent is `pid`.
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat")).is_ok_and(|stat| {
                stat.rsplit(')')
                    .next()
                    .and_then(|rest| rest.split_whitespace().nth(1))
                    .is_some_and(|ppid| ppid == pid.to_string())
            })
        })
        .collect()
}

#[test]
fn sigterm_finishes_requests_and_flushes_the_query_log() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, &[content]);
    let server = Server::start(data.root(), tmp.path(), Some("s3cret-admin-token"));

    let (status, _) = get(&format!(
        "{}/api/search?q=embargo+period&mode=keyword",
        server.base
    ))
    .unwrap();
    assert_eq!(status, 200);

    // A SPARQL query starts a worker: it has neither the admin token nor an
    // unlimited address space.
    let query: String = form_urlencoded::byte_serialize(b"ASK { ?s ?p ?o }").collect();
    let (status, body) = get(&format!("{}/sparql?query={query}", server.base)).unwrap();
    assert_eq!(status, 200, "{body}");
    let workers = children(server.pid());
    assert!(!workers.is_empty(), "a SPARQL worker runs");
    for worker in &workers {
        let environ = std::fs::read(format!("/proc/{worker}/environ")).unwrap();
        let environ = String::from_utf8_lossy(&environ);
        assert!(!environ.contains("s3cret-admin-token"), "{environ}");
        assert!(!environ.contains("EOSKB_ADMIN_TOKEN"), "{environ}");
        let limits = std::fs::read_to_string(format!("/proc/{worker}/limits")).unwrap();
        let address_space = limits
            .lines()
            .find(|l| l.starts_with("Max address space"))
            .unwrap();
        assert!(
            address_space.contains(&(4u64 << 30).to_string()),
            "{address_space}"
        );
    }

    let killed = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut server = server;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "still running");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "SIGTERM is a clean shutdown: {status}");
    let log = std::fs::read_to_string(data.logs().join("queries.jsonl")).unwrap();
    assert!(
        log.contains("embargo period"),
        "the query log was flushed: {log}"
    );
    for worker in workers {
        assert!(
            !crate::sparql_http::alive(worker),
            "worker {worker} ended with its server"
        );
    }
}

/// A small deterministic generator (no dependency for twenty numbers).
struct Lcg(u64);

impl Lcg {
    fn next_fraction(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Enough articles that a full index run takes a while to kill in the middle.
fn many_articles(dir: &Path, n: usize) -> PathBuf {
    let content = dir.join("many");
    std::fs::create_dir_all(&content).unwrap();
    for i in 0..n {
        let body: String = (0..40)
            .map(|s| {
                format!(
                    "Sentence {s} of article {i} about embargo periods, beamtime data and DOIs. "
                )
            })
            .collect();
        std::fs::write(
            content.join(format!("article-{i:04}.md")),
            format!(
                "---\ntitle: Article {i}\nsummary: Synthetic article number {i}.\nkind: guide\n---\n# Part one\n{body}\n## Part two\n{body}\n"
            ),
        )
        .unwrap();
    }
    content
}

fn index_command(data: &Path, content: &Path) -> Command {
    let mut command = eoskb();
    command
        .args(["index", "--full", "--data"])
        .arg(data)
        .arg("--content")
        .arg(content)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

#[test]
fn index_runs_killed_at_any_moment_leave_the_last_generation_serving() {
    let tmp = tempfile::tempdir().unwrap();
    let content = many_articles(tmp.path(), 400);
    let data = DataDir::new(tmp.path().join("data"));
    let started = Instant::now();
    let first: Output = index_command(data.root(), &content).output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let run_time = started.elapsed();
    let server = Server::start(data.root(), tmp.path(), None);
    let search = format!("{}/api/search?q=embargo&mode=keyword", server.base);

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("kill -9 delays from seed {seed}, over a {run_time:?} run");
    let mut random = Lcg(seed);
    for round in 0..20 {
        let delay = run_time.mul_f64(random.next_fraction() * 1.2);
        let mut run = index_command(data.root(), &content).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = run.kill();
        let _ = run.wait();
        let (status, body) = get(&search).unwrap_or_else(|| panic!("round {round}: no answer"));
        assert_eq!(
            status, 200,
            "round {round} (killed after {delay:?}): {body}"
        );
        assert!(body.contains("\"total\":400"), "round {round}: {body}");
        let live = data.current().unwrap().expect("a live generation");
        eoskb::query::KnowledgeBase::open_generation(&live, None)
            .unwrap_or_else(|e| panic!("round {round} (after {delay:?}): {e}"));
    }

    // The next run succeeds and the server moves to what it published.
    std::fs::write(
        content.join("after.md"),
        "---\ntitle: Written after the kills\nsummary: Proof the next run works.\n---\nEmbargo.\n",
    )
    .unwrap();
    let last = index_command(data.root(), &content).output().unwrap();
    assert!(
        last.status.success(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    let started = Instant::now();
    loop {
        let (status, body) = get(&search).unwrap();
        assert_eq!(status, 200);
        if body.contains("\"total\":401") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{body}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let generations = std::fs::read_dir(data.root())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("gen-"))
        })
        .count();
    assert!(
        generations <= 3,
        "unfinished runs are cleaned up: {generations} left"
    );
}

#[test]
fn terminal_output_escapes_control_characters_from_content() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    // YAML's "\e" is ESC: a title that would turn a terminal red and clear it.
    std::fs::write(
        content.join("evil.md"),
        "---\ntitle: \"Red \\e[31mALERT\\e[2J\"\nsummary: \"Embargo \\r overwritten\"\nkind: \"gu\\e[1mide\"\n---\nEmbargo text \u{1b}]52;c;aGVsbG8=\u{7} here.\n",
    )
    .unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, std::slice::from_ref(&content));

    let search = eoskb()
        .args(["search", "embargo", "--mode", "keyword", "--data"])
        .arg(data.root())
        .output()
        .unwrap();
    assert!(
        search.status.success(),
        "{}",
        String::from_utf8_lossy(&search.stderr)
    );
    let out = String::from_utf8(search.stdout).unwrap();
    assert!(out.contains("Red \\u{1b}[31mALERT"), "{out}");
    assert!(!out.contains('\u{1b}'), "raw ESC in: {out:?}");
    assert!(!out.contains('\u{7}'), "raw BEL in: {out:?}");

    let check = eoskb()
        .current_dir(tmp.path())
        .args(["check", "--content"])
        .arg(&content)
        .arg("--data")
        .arg(data.root())
        .output()
        .unwrap();
    let out = String::from_utf8(check.stdout).unwrap();
    assert!(
        out.contains("\\u{1b}[1m"),
        "the bad kind is reported, escaped: {out}"
    );
    assert!(!out.contains('\u{1b}'), "raw ESC in: {out:?}");
}
