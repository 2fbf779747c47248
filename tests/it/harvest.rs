//! `eoskb harvest` against a server on 127.0.0.1 that replays real responses
//! from ../shared/data/outputs: the Zenodo OAI-PMH dump (split into one page
//! per record, with resumption tokens the server invents) and the DataCite
//! records of commonmeta-py (served as REST pages), plus a real PDF for
//! `--files`. The server also misbehaves on cue (503 with Retry-After, a body
//! cut off mid-way, 500s) to show retries, and that a failed harvest keeps
//! what it wrote and the next run goes on. Each harvested folder is then
//! indexed and searched. Nothing here leaves 127.0.0.1.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use eoskb::harvest::datacite::{self, DataCiteOptions};
use eoskb::harvest::oai_pmh::{self, OaiOptions};
use eoskb::harvest::{ClientOptions, HarvestError, HttpError, RetryPolicy};
use eoskb::index::{DataDir, IndexReport};
use eoskb::ingest::Severity;
use eoskb::query::{self, KnowledgeBase, SearchRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{index, open, shared_dir};

const TULED: (&str, &str, &str) = (
    "oai:zenodo.org:4629306",
    "10.5281/zenodo.4629306",
    "TuLeD: Tupían lexical database",
);
const CLDF: (&str, &str, &str) = (
    "oai:zenodo.org:4161623",
    "10.5281/zenodo.4161623",
    "CLDF dataset derived from Gerardi and Reichert's \"TuLeD: Tupían lexical database\" from 2020",
);

// --- the replay server -----------------------------------------------------

/// One answer of the replay server.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// Send the headers and half the body, then close the connection.
    cut: bool,
    /// No `Content-Length` (the body ends when the connection closes).
    no_length: bool,
    /// Wait this long before answering (a server that hangs).
    stall: Option<Duration>,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type", content_type.into())],
            body: body.into(),
            cut: false,
            no_length: false,
            stall: None,
        }
    }

    fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: format!("status {status}").into_bytes(),
            cut: false,
            no_length: false,
            stall: None,
        }
    }
}

type Handler = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

/// A minimal HTTP/1.1 server on 127.0.0.1 (one request per connection), so
/// that a test decides every byte, including a connection dropped mid-body.
struct Replay {
    addr: SocketAddr,
    /// Request targets (path and query), in order.
    log: Arc<Mutex<Vec<String>>>,
}

impl Replay {
    fn start(rt: &tokio::runtime::Runtime, handler: Handler) -> Replay {
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = log.clone();
        rt.spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let handler = handler.clone();
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&head);
                    let target = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                    seen.lock().unwrap().push(target.clone());
                    let reply = handler(&target);
                    if let Some(wait) = reply.stall {
                        tokio::time::sleep(wait).await;
                    }
                    let mut out =
                        format!("HTTP/1.1 {} Replay\r\nConnection: close\r\n", reply.status);
                    if !reply.no_length {
                        out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
                    }
                    for (k, v) in &reply.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    let body = if reply.cut {
                        &reply.body[..reply.body.len() / 2]
                    } else {
                        &reply.body[..]
                    };
                    let _ = stream.write_all(out.as_bytes()).await;
                    let _ = stream.write_all(body).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Replay { addr, log }
    }

    fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{path}", self.addr)).unwrap()
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Quick retries, so that the tests do not wait (Retry-After still counts).
fn client() -> ClientOptions {
    ClientOptions {
        retry: RetryPolicy {
            attempts: 3,
            base: Duration::from_millis(20),
            max_delay: Duration::from_secs(2),
        },
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(30),
    }
}

// --- the real OAI-PMH dump, as pages -----------------------------------------

/// The Zenodo dump cut into its head (through `<ListRecords>`), its records and
/// its end, to serve one record per page.
struct Dump {
    head: String,
    records: Vec<String>,
}

impl Dump {
    fn load(shared: &Path) -> Dump {
        let path = shared.join("data/outputs/oai-pmh/dlce-eva+zenodoclient/tests/oaipmh.xml");
        let text = std::fs::read_to_string(path).unwrap();
        let first = text.find("<record>").unwrap();
        let mut records = Vec::new();
        let mut rest = &text[first..];
        while let Some(start) = rest.find("<record>") {
            let end = rest.find("</record>").unwrap() + "</record>".len();
            records.push(rest[start..end].to_string());
            rest = &rest[end..];
        }
        assert_eq!(records.len(), 2, "the dump holds two records");
        Dump {
            head: text[..first].to_string(),
            records,
        }
    }

    /// Record `i` as a page; `token` names the next page, `None` ends the list.
    fn page(&self, i: usize, token: Option<&str>) -> String {
        let token = match token {
            Some(t) => format!(
                r#"<resumptionToken completeListSize="{}" cursor="{i}">{t}</resumptionToken>"#,
                self.records.len()
            ),
            None => format!(
                r#"<resumptionToken completeListSize="{}" cursor="{i}"/>"#,
                self.records.len()
            ),
        };
        format!(
            "{}{}\n    {token}\n  </ListRecords>\n</OAI-PMH>\n",
            self.head, self.records[i]
        )
    }

    /// The response's head without the list, then `inner` (an error, or a list
    /// of changes).
    fn with(&self, inner: &str) -> String {
        let cut = self.head.find("<ListRecords>").unwrap();
        format!("{}{inner}\n</OAI-PMH>\n", &self.head[..cut])
    }
}

fn oai_options(server: &Replay, into: &Path) -> OaiOptions {
    let mut options = OaiOptions::new(server.url("/oai2d"), into.to_path_buf());
    options.set = Some("user-panosc".into());
    options.client = client();
    options
}

fn index_folder(tmp: &Path, folder: &Path) -> (DataDir, IndexReport) {
    let data = DataDir::new(tmp.join("data"));
    let report = index(&data, &[folder.to_path_buf()]);
    assert!(report.published, "{:?}", report.diagnostics);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The state and lock files are no content: not even a note.
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| !d.path.contains(".eoskb-harvest")),
        "{:?}",
        report.diagnostics
    );
    (data, report)
}

fn keyword(kb: &KnowledgeBase, q: &str) -> query::SearchResponse {
    let request = SearchRequest::new(q).with_mode(eoskb::settings::Mode::Keyword);
    query::search(kb, &request).unwrap()
}

fn assert_record(kb: &KnowledgeBase, (_, doi, title): (&str, &str, &str)) {
    let id = format!("doi/{doi}");
    assert!(kb.has_article(&id), "{id} missing");
    let view = query::get_article(kb, &id).unwrap();
    assert_eq!(view.article.title, title);
    let record = view.article.record.as_deref().unwrap();
    assert_eq!(record.doi.as_deref(), Some(doi));
    assert_eq!(record.creators.len(), 5);
    let found = keyword(kb, doi);
    assert_eq!(found.hits.first().map(|h| h.id.as_str()), Some(id.as_str()));
}

fn state(folder: &Path) -> serde_json::Value {
    let bytes = std::fs::read(folder.join(".eoskb-harvest.state")).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

// --- OAI-PMH -------------------------------------------------------------------

#[test]
fn oai_pmh_harvest_follows_tokens_retries_and_indexes_then_fetches_only_changes() {
    let Some(shared) = shared_dir() else { return };
    let dump = Arc::new(Dump::load(&shared));
    let rt = runtime();
    let calls = Arc::new(AtomicUsize::new(0));
    // 0: first harvest; 1: nothing changed since; 2: one record was deleted.
    let phase = Arc::new(AtomicUsize::new(0));
    let handler: Handler = {
        let (dump, calls, phase) = (dump.clone(), calls.clone(), phase.clone());
        Arc::new(move |target: &str| {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                let mut busy = Reply::status(503);
                busy.headers.push(("Retry-After", "1".into()));
                return busy;
            }
            if target.contains("resumptionToken=page-2") {
                return Reply::ok("text/xml", dump.page(1, None));
            }
            assert!(
                target.starts_with(
                    "/oai2d?verb=ListRecords&metadataPrefix=oai_datacite&set=user-panosc"
                ),
                "{target}"
            );
            match (phase.load(Ordering::SeqCst), target.contains("&from=")) {
                (0, false) => Reply::ok("text/xml", dump.page(0, Some("page-2"))),
                (1, true) => Reply::ok(
                    "text/xml",
                    dump.with(r#"<error code="noRecordsMatch">No records match the request</error>"#),
                ),
                (2, true) => Reply::ok(
                    "text/xml",
                    dump.with(&format!(
                        r#"<ListRecords><record><header status="deleted"><identifier>{}</identifier><datestamp>2021-03-26T10:00:00Z</datestamp><setSpec>user-panosc</setSpec></header></record></ListRecords>"#,
                        CLDF.0
                    )),
                ),
                other => panic!("unexpected request {target} in {other:?}"),
            }
        })
    };
    let server = Replay::start(&rt, handler);
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("harvest");

    let started = Instant::now();
    let summary = rt
        .block_on(oai_pmh::harvest(&oai_options(&server, &folder)))
        .unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(1),
        "Retry-After: 1 was honoured ({took:?})"
    );
    assert_eq!((summary.pages, summary.new, summary.updated), (2, 2, 0));
    assert_eq!(summary.from, None);
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!(requests[0], requests[1], "the 503 was retried as it was");
    assert_eq!(
        requests[2],
        "/oai2d?verb=ListRecords&resumptionToken=page-2"
    );
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".eoskb-harvest.state",
            "oai_zenodo.org_4161623.xml",
            "oai_zenodo.org_4629306.xml"
        ],
        "one file per record, the state, and no lock left"
    );
    let saved = state(&folder);
    assert_eq!(saved["last_complete"], "2021-03-24T08:47:35Z");
    assert!(saved.get("resume").is_none());
    assert_eq!(
        saved["records"][TULED.0]["stamp"], "2021-03-23T12:27:24Z",
        "{saved}"
    );

    // The folder indexes as the dump does: two items under their DOIs.
    let (data, _) = index_folder(tmp.path(), &folder);
    {
        let kb = open(&data);
        assert_record(&kb, TULED);
        assert_record(&kb, CLDF);
        let view = query::get_article(&kb, &format!("doi/{}", TULED.1)).unwrap();
        let record = view.article.record.as_deref().unwrap();
        assert!(record.communities.iter().any(|c| c == "user-tular"));
    }

    // Again: only what changed since the last run's responseDate is asked for.
    let before = std::fs::read(folder.join("oai_zenodo.org_4629306.xml")).unwrap();
    phase.store(1, Ordering::SeqCst);
    let summary = rt
        .block_on(oai_pmh::harvest(&oai_options(&server, &folder)))
        .unwrap();
    assert_eq!(summary.from.as_deref(), Some("2021-03-24T08:47:35Z"));
    assert_eq!((summary.new, summary.updated, summary.deleted), (0, 0, 0));
    assert!(
        server
            .requests()
            .last()
            .unwrap()
            .ends_with("&from=2021-03-24T08%3A47%3A35Z")
    );
    assert_eq!(
        std::fs::read(folder.join("oai_zenodo.org_4629306.xml")).unwrap(),
        before
    );

    // A record deleted at the source loses its file, and then its item.
    phase.store(2, Ordering::SeqCst);
    let summary = rt
        .block_on(oai_pmh::harvest(&oai_options(&server, &folder)))
        .unwrap();
    assert_eq!((summary.new, summary.deleted), (0, 1));
    assert!(!folder.join("oai_zenodo.org_4161623.xml").exists());
    assert!(state(&folder)["records"].get(CLDF.0).is_none());
    let report = index(&data, std::slice::from_ref(&folder));
    assert!(report.published);
    let kb = open(&data);
    assert_record(&kb, TULED);
    assert!(!kb.has_article(&format!("doi/{}", CLDF.1)));
}

#[test]
fn a_failure_mid_harvest_keeps_what_was_written_and_the_next_run_goes_on() {
    let Some(shared) = shared_dir() else { return };
    let dump = Arc::new(Dump::load(&shared));
    let rt = runtime();
    let broken = Arc::new(AtomicBool::new(true));
    let second_page_tries = Arc::new(AtomicUsize::new(0));
    let handler: Handler = {
        let (dump, broken, tries) = (dump.clone(), broken.clone(), second_page_tries.clone());
        Arc::new(move |target: &str| {
            if !target.contains("resumptionToken=") {
                return Reply::ok("text/xml", dump.page(0, Some("page-2")));
            }
            assert!(target.ends_with("resumptionToken=page-2"), "{target}");
            if broken.load(Ordering::SeqCst) {
                // The connection drops mid-body once, then the server fails.
                let mut reply = Reply::ok("text/xml", dump.page(1, None));
                if tries.fetch_add(1, Ordering::SeqCst) == 0 {
                    reply.cut = true;
                    return reply;
                }
                return Reply::status(500);
            }
            Reply::ok("text/xml", dump.page(1, None))
        })
    };
    let server = Replay::start(&rt, handler);
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("harvest");

    let failed = rt.block_on(oai_pmh::harvest(&oai_options(&server, &folder)));
    match &failed {
        Err(HarvestError::Http(HttpError::GaveUp { attempts: 3, last })) => {
            assert_eq!(last.status(), Some(500), "{last}");
        }
        other => panic!("expected the harvest to give up: {other:?}"),
    }
    assert_eq!(second_page_tries.load(Ordering::SeqCst), 3);
    // What the first page gave is on disk, whole, and the state says where to go on.
    assert!(folder.join("oai_zenodo.org_4629306.xml").is_file());
    assert!(!folder.join("oai_zenodo.org_4161623.xml").exists());
    assert!(
        !folder.join(".eoskb-harvest.lock").exists(),
        "the lock is released"
    );
    let saved = state(&folder);
    assert_eq!(saved["resume"]["next"], "page-2", "{saved}");
    assert_eq!(saved["resume"]["mark"], "2021-03-24T08:47:35Z");
    assert!(saved.get("last_complete").is_none());
    // Indexable as it is.
    {
        let (data, _) = index_folder(&tmp.path().join("partial"), &folder);
        let kb = open(&data);
        assert_record(&kb, TULED);
    }

    // The server recovers: the next run asks for the second page straight away.
    broken.store(false, Ordering::SeqCst);
    let asked_before = server.requests().len();
    let summary = rt
        .block_on(oai_pmh::harvest(&oai_options(&server, &folder)))
        .unwrap();
    assert!(summary.resumed);
    assert_eq!((summary.pages, summary.new, summary.unchanged), (1, 1, 0));
    assert_eq!(
        server.requests()[asked_before..],
        ["/oai2d?verb=ListRecords&resumptionToken=page-2".to_string()]
    );
    let saved = state(&folder);
    assert!(saved.get("resume").is_none());
    assert_eq!(saved["last_complete"], "2021-03-24T08:47:35Z");
    let (data, _) = index_folder(tmp.path(), &folder);
    let kb = open(&data);
    assert_record(&kb, TULED);
    assert_record(&kb, CLDF);
}

/// The interrupted run's token has expired by the next run: that run starts
/// over (with the interrupted run's `from`) and rewrites nothing.
#[test]
fn an_expired_resumption_token_starts_the_run_over() {
    let Some(shared) = shared_dir() else { return };
    let dump = Arc::new(Dump::load(&shared));
    let rt = runtime();
    // 0: the second page fails; 1: its token is unknown, the list starts anew.
    let phase = Arc::new(AtomicUsize::new(0));
    let handler: Handler = {
        let (dump, phase) = (dump.clone(), phase.clone());
        Arc::new(move |target: &str| {
            match phase.load(Ordering::SeqCst) {
            0 if target.contains("resumptionToken=") => Reply::status(500),
            0 => Reply::ok("text/xml", dump.page(0, Some("page-2"))),
            _ if target.ends_with("resumptionToken=page-2") => Reply::ok(
                "text/xml",
                dump.with(r#"<error code="badResumptionToken">The value of the resumptionToken argument is invalid or expired.</error>"#),
            ),
            _ if target.ends_with("resumptionToken=page-2b") => {
                Reply::ok("text/xml", dump.page(1, None))
            }
            _ => Reply::ok("text/xml", dump.page(0, Some("page-2b"))),
        }
        })
    };
    let server = Replay::start(&rt, handler);
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("harvest");
    let failed = rt.block_on(oai_pmh::harvest(&oai_options(&server, &folder)));
    assert!(failed.is_err());
    assert_eq!(state(&folder)["resume"]["next"], "page-2");

    phase.store(1, Ordering::SeqCst);
    let asked_before = server.requests().len();
    let summary = rt
        .block_on(oai_pmh::harvest(&oai_options(&server, &folder)))
        .unwrap();
    assert!(!summary.resumed);
    assert_eq!(summary.warnings.len(), 1, "{:?}", summary.warnings);
    assert!(
        summary.warnings[0].contains("expired"),
        "{:?}",
        summary.warnings
    );
    assert_eq!((summary.new, summary.unchanged, summary.pages), (1, 1, 3));
    assert_eq!(
        server.requests()[asked_before..],
        [
            "/oai2d?verb=ListRecords&resumptionToken=page-2",
            "/oai2d?verb=ListRecords&metadataPrefix=oai_datacite&set=user-panosc",
            "/oai2d?verb=ListRecords&resumptionToken=page-2b",
        ]
    );
    assert!(state(&folder).get("resume").is_none());
}

/// `kill -9` of the command while it waits for the second page: the first
/// record stays whole and indexable, and the next run takes over the lock the
/// killed one left and completes the harvest.
#[test]
fn a_killed_harvest_loses_nothing_and_the_next_run_completes() {
    let Some(shared) = shared_dir() else { return };
    let dump = Arc::new(Dump::load(&shared));
    let rt = runtime();
    let hang = Arc::new(AtomicBool::new(true));
    let handler: Handler = {
        let (dump, hang) = (dump.clone(), hang.clone());
        Arc::new(move |target: &str| {
            if !target.contains("resumptionToken=") {
                return Reply::ok("text/xml", dump.page(0, Some("page-2")));
            }
            let mut reply = Reply::ok("text/xml", dump.page(1, None));
            if hang.load(Ordering::SeqCst) {
                reply.stall = Some(Duration::from_secs(60));
            }
            reply
        })
    };
    let server = Replay::start(&rt, handler);
    let tmp = tempfile::tempdir().unwrap();
    let into = tmp.path().join("harvest");
    let command = || {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_eoskb"));
        c.args([
            "harvest",
            "oai-pmh",
            server.url("/oai2d").as_ref(),
            "--into",
        ])
        .arg(&into)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
        c
    };
    let mut child = command().spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !server
        .requests()
        .iter()
        .any(|t| t.contains("resumptionToken"))
    {
        assert!(
            Instant::now() < deadline,
            "the second page was never asked for"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(into.join("oai_zenodo.org_4629306.xml").is_file());
    assert!(
        into.join(".eoskb-harvest.lock").exists(),
        "killed: its lock stays"
    );
    {
        let (data, _) = index_folder(&tmp.path().join("killed"), &into);
        let kb = open(&data);
        assert_record(&kb, TULED);
    }

    hang.store(false, Ordering::SeqCst);
    let out = command().output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Whether the killed run saved its token or not, nothing is written twice.
    assert!(stdout.contains("1 new, 0 updated"), "{stdout}");
    assert!(!into.join(".eoskb-harvest.lock").exists());
    let (data, _) = index_folder(tmp.path(), &into);
    let kb = open(&data);
    assert_record(&kb, TULED);
    assert_record(&kb, CLDF);
}

/// The command: what it prints, and its exit codes.
#[test]
fn the_harvest_command_prints_what_changed() {
    let Some(shared) = shared_dir() else { return };
    let dump = Arc::new(Dump::load(&shared));
    let rt = runtime();
    let handler: Handler = {
        let dump = dump.clone();
        Arc::new(move |target: &str| {
            if target.contains("resumptionToken=page-2") {
                Reply::ok("text/xml", dump.page(1, None))
            } else if target.contains("&from=") {
                Reply::ok(
                    "text/xml",
                    dump.with(r#"<error code="noRecordsMatch">No records match</error>"#),
                )
            } else if target.starts_with("/oai2d?") {
                Reply::ok("text/xml", dump.page(0, Some("page-2")))
            } else {
                Reply::status(404)
            }
        })
    };
    let server = Replay::start(&rt, handler);
    let tmp = tempfile::tempdir().unwrap();
    let into = tmp.path().join("panosc");
    let run_into = |url: &str, set: &str, into: &Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_eoskb"))
            .args([
                "harvest",
                "oai-pmh",
                url,
                "--set",
                set,
                "--attempts",
                "1",
                "--into",
            ])
            .arg(into)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let run = |url: &str, set: &str| run_into(url, set, &into);
    let endpoint = server.url("/oai2d").to_string();
    let (code, out, _) = run(&endpoint, "user-panosc");
    assert_eq!(code, Some(0));
    assert!(
        out.contains(": 2 pages: 2 new, 0 updated, 0 unchanged, 0 deleted records"),
        "{out}"
    );
    let (code, out, _) = run(&endpoint, "user-panosc");
    assert_eq!(code, Some(0));
    assert!(
        out.contains("(changes since 2021-03-24T08:47:35Z): 1 pages: 0 new"),
        "{out}"
    );
    // Another set into the same folder is refused; a wrong endpoint fails.
    let (code, _, err) = run(&endpoint, "user-other");
    assert_eq!(code, Some(1));
    assert!(err.contains("into another folder"), "{err}");
    let elsewhere = tmp.path().join("elsewhere");
    let (code, _, err) = run_into(server.url("/nothing").as_ref(), "user-panosc", &elsewhere);
    assert_eq!(code, Some(1));
    assert!(err.contains("HTTP 404"), "{err}");
}

// --- DataCite REST, with files ---------------------------------------------------

/// The commonmeta-py DataCite records (REST attributes) as entries of a
/// `/dois` list, each listing `content_url` (the one change to the real files:
/// their `contentUrl` is null, and the replayed PDF must come from 127.0.0.1).
fn datacite_entry(shared: &Path, file: &str, content_url: &str) -> serde_json::Value {
    let path = shared
        .join("data/outputs/datacite/front-matter+commonmeta-py/tests/fixtures")
        .join(file);
    let mut attributes: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    attributes["contentUrl"] = serde_json::json!([content_url]);
    serde_json::json!({"id": attributes["doi"], "type": "dois", "attributes": attributes})
}

const INSTRUMENT: &str = "10.82433/08qf-ee96";
const DATASET: &str = "10.82433/b09z-4k37";

#[test]
fn datacite_rest_harvest_follows_links_and_fetches_capped_pdfs() {
    let Some(shared) = shared_dir() else { return };
    let pdf = std::fs::read(
        shared
            .join("data/outputs/pdf/PaN-Finder+deliverables/task-2/PaN-Finder-Deliverable-2-a.pdf"),
    )
    .unwrap();
    let html = std::fs::read(
        shared.join("data/outputs/training/ElixirTeSS+TeSS/test/fixtures/files/ingestion/gtn/galaxy-intro-101.html"),
    )
    .unwrap();
    let rt = runtime();
    let addr: Arc<Mutex<Option<SocketAddr>>> = Arc::new(Mutex::new(None));
    let pdf_without_length = Arc::new(AtomicBool::new(false));
    let handler: Handler = {
        let (shared, addr, no_length) = (shared.clone(), addr.clone(), pdf_without_length.clone());
        let pdf = pdf.clone();
        Arc::new(move |target: &str| {
            let base = format!("http://{}", addr.lock().unwrap().unwrap());
            if target == "/files/D2a.pdf" {
                let mut reply = Reply::ok("application/pdf", pdf.clone());
                reply.no_length = no_length.load(Ordering::SeqCst);
                return reply;
            }
            if target == "/files/not-a.pdf" {
                return Reply::ok("text/html", html.clone());
            }
            let page = if target.contains("page%5Bcursor%5D=c2") {
                serde_json::json!({
                    "data": [datacite_entry(&shared, "datacite-dataset_v4.5.json", &format!("{base}/files/not-a.pdf"))],
                    "links": {"self": format!("{base}{target}")}
                })
            } else {
                assert!(
                    target.starts_with("/dois?query=")
                        && target.contains("client.uid%3Ahzb.instruments")
                        && target.contains("page%5Bcursor%5D=1"),
                    "{target}"
                );
                serde_json::json!({
                    "data": [datacite_entry(&shared, "datacite-instrument.json", &format!("{base}/files/D2a.pdf"))],
                    "meta": {"total": 2},
                    "links": {"next": format!("{base}/dois?page%5Bcursor%5D=c2&page%5Bsize%5D=1")}
                })
            };
            Reply::ok(
                "application/vnd.api+json",
                serde_json::to_vec(&page).unwrap(),
            )
        })
    };
    let server = Replay::start(&rt, handler);
    *addr.lock().unwrap() = Some(server.addr);
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("datacite");
    let options = |into: &Path, max_size: u64| {
        let mut o = DataCiteOptions::new(
            server.url("/"),
            "client.uid:hzb.instruments",
            into.to_path_buf(),
        );
        o.page_size = 1;
        o.client = client();
        o.files.enabled = true;
        o.files.max_size = max_size;
        o
    };

    let summary = rt
        .block_on(datacite::harvest(&options(&folder, 64 << 20)))
        .unwrap();
    assert_eq!((summary.pages, summary.new), (2, 2));
    assert_eq!((summary.files_fetched, summary.files_skipped), (1, 1));
    assert_eq!(summary.warnings.len(), 1, "{:?}", summary.warnings);
    assert!(
        summary.warnings[0].contains("not a PDF"),
        "{:?}",
        summary.warnings
    );
    assert_eq!(
        std::fs::read(folder.join("10.82433_08qf-ee96.pdf")).unwrap(),
        pdf
    );
    assert!(!folder.join("10.82433_b09z-4k37.pdf").exists());
    // Each entry is `{"data": entry}` with the entry's bytes as served.
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("10.82433_08qf-ee96.json")).unwrap())
            .unwrap();
    assert_eq!(
        written["data"]["attributes"]["titles"][0]["title"],
        "Pilatus detector at MX station 14.1"
    );
    assert_eq!(state(&folder)["last_complete"], "2024-01-02T20:47:44.000Z");

    // Indexed, the PDF is the instrument record's body.
    let (data, _) = index_folder(tmp.path(), &folder);
    {
        let kb = open(&data);
        for doi in [INSTRUMENT, DATASET] {
            assert!(kb.has_article(&format!("doi/{doi}")), "{doi}");
        }
        let view = query::get_article(&kb, &format!("doi/{INSTRUMENT}")).unwrap();
        assert_eq!(view.article.title, "Pilatus detector at MX station 14.1");
        assert!(
            view.article.sections.len() > 10,
            "the PDF's pages are its sections"
        );
        let found = keyword(&kb, "PaN-Finder MVP");
        assert_eq!(
            found.hits.first().map(|h| h.id.clone()),
            Some(format!("doi/{INSTRUMENT}"))
        );
    }

    // Again: the query is narrowed to what changed since, nothing is rewritten
    // and the PDF is not fetched again (the file that was no PDF is tried again).
    let asked_before = server.requests().len();
    let summary = rt
        .block_on(datacite::harvest(&options(&folder, 64 << 20)))
        .unwrap();
    assert_eq!((summary.new, summary.updated, summary.unchanged), (0, 0, 2));
    assert_eq!(summary.files_fetched, 0);
    let asked: Vec<String> = server.requests()[asked_before..].to_vec();
    assert!(
        asked[0].contains("AND+updated%3A%5B2024-01-02+TO+*%5D"),
        "{asked:?}"
    );
    assert!(asked.iter().all(|t| t != "/files/D2a.pdf"), "{asked:?}");

    // A PDF over --max-file-size is refused by its Content-Length, and without
    // one while streaming; nothing of it stays.
    for no_length in [false, true] {
        pdf_without_length.store(no_length, Ordering::SeqCst);
        let small = tmp.path().join(format!("small-{no_length}"));
        let summary = rt
            .block_on(datacite::harvest(&options(&small, 100_000)))
            .unwrap();
        assert_eq!(summary.files_fetched, 0);
        assert!(
            summary
                .warnings
                .iter()
                .any(|w| w.contains("larger than --max-file-size")),
            "{:?}",
            summary.warnings
        );
        let left: Vec<PathBuf> = std::fs::read_dir(&small)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(
            left.iter()
                .all(|p| p.extension().is_none_or(|e| e != "pdf" && e != "partial")),
            "{left:?}"
        );
    }
}

/// Records per second from the replay server: 500 pages of the dump's first
/// record, each under its own identifier (the one change, for counting).
/// Run with `cargo test --test it harvest_rate -- --ignored --nocapture`.
#[test]
#[ignore]
fn harvest_rate() {
    let Some(shared) = shared_dir() else { return };
    let dump = Arc::new(Dump::load(&shared));
    const PAGES: usize = 500;
    let rt = runtime();
    let handler: Handler = {
        let dump = dump.clone();
        Arc::new(move |target: &str| {
            let n: usize = target
                .rsplit_once("resumptionToken=p")
                .and_then(|(_, n)| n.parse().ok())
                .unwrap_or(0);
            let next = (n + 1 < PAGES).then(|| format!("p{}", n + 1));
            let page = dump
                .page(0, next.as_deref())
                .replace(TULED.0, &format!("{}-{n}", TULED.0));
            Reply::ok("text/xml", page)
        })
    };
    let server = Replay::start(&rt, handler);
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let summary = rt
        .block_on(oai_pmh::harvest(&oai_options(&server, tmp.path())))
        .unwrap();
    let took = started.elapsed();
    assert_eq!(summary.new, PAGES);
    println!(
        "{PAGES} records in {took:?}: {:.0} records/s",
        PAGES as f64 / took.as_secs_f64()
    );
}
