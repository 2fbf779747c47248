//! The query log, feedback and the gaps report, through a real socket: what is
//! logged (and what never is), bounded files, a failing disk, the admin
//! endpoint's token, and near-duplicate grouping with the real model.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use eoskb::config::LogConfig;
use eoskb::embed::SentenceEncoder;
use eoskb::index::DataDir;
use eoskb::querylog::reader::read_since;
use eoskb::querylog::{FeedbackEvent, GapsOptions, QueryEvent, QueryLog, gaps_report};
use eoskb::server::{self, AppState};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{encoder, fixture_content, index, index_with};

/// A server with its query log, stopped when dropped.
struct Served {
    base: String,
    log: QueryLog,
    _stop: tokio::sync::oneshot::Sender<()>,
}

struct Setup {
    encoder: Option<Arc<SentenceEncoder>>,
    token: Option<&'static str>,
    log: Option<QueryLog>,
}

impl Setup {
    fn new() -> Setup {
        Setup {
            encoder: None,
            token: None,
            log: None,
        }
    }
}

async fn serve(data: &DataDir, setup: Setup) -> Served {
    let log = setup
        .log
        .unwrap_or_else(|| QueryLog::start(data.logs(), &LogConfig::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(data.clone(), setup.encoder)
        .with_query_log(log.clone(), LogConfig::default())
        .with_admin_token(setup.token);
    tokio::spawn(server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Served {
        base,
        log,
        _stop: stop,
    }
}

/// The fixture corpus indexed into a fresh data directory (keyword only).
fn indexed(tmp: &Path) -> DataDir {
    let content = fixture_content(tmp);
    let data = DataDir::new(tmp.join("data"));
    index(&data, &[content]);
    data
}

async fn flush(log: &QueryLog) {
    let log = log.clone();
    let done = tokio::task::spawn_blocking(move || log.flush(Duration::from_secs(10)));
    assert!(done.await.unwrap(), "the log writer did not catch up");
}

async fn get(base: &str, path: &str) -> (StatusCode, Value) {
    let response = crate::support::get(format!("{base}{path}")).await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post_feedback(base: &str, body: &Value) -> (StatusCode, Value) {
    let response = crate::support::client()
        .post(format!("{base}/api/feedback"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_are_logged_with_scores_and_nothing_about_the_asker() {
    let tmp = tempfile::tempdir().unwrap();
    let data = indexed(tmp.path());
    let served = serve(&data, Setup::new()).await;
    let client = crate::support::client();
    let search = client
        .get(format!(
            "{}/api/search?q=doi%20landing&mode=keyword",
            served.base
        ))
        .header("User-Agent", "secret-agent/1.0")
        .header("Cookie", "session=c00kie")
        .header("X-Forwarded-For", "203.0.113.9")
        .header("Authorization", "Bearer t0k3n")
        .send()
        .await
        .unwrap();
    assert_eq!(search.status(), StatusCode::OK);
    let response: Value = search.json().await.unwrap();
    for path in [
        "/api/search?q=zzqx%20vvkw&mode=keyword",
        // Not logged: a later page of a question already logged, and bad requests.
        "/api/search?q=doi%20landing&mode=keyword&offset=10",
        "/api/search?q=",
        "/api/search?q=doi&kind=nonsense&mode=keyword",
    ] {
        get(&served.base, path).await;
    }
    flush(&served.log).await;

    let logs = data.logs();
    let events = lines(&logs.join("queries.jsonl"));
    assert_eq!(events.len(), 2, "{events:?}");
    let first = &events[0];
    let mut fields: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["hits", "kind", "mode", "query", "time", "top_score"]
    );
    assert_eq!(first["kind"], "search");
    assert_eq!(first["mode"], "keyword");
    assert_eq!(first["query"], "doi landing");
    assert_eq!(first["hits"], response["total"]);
    assert_eq!(first["top_score"], response["hits"][0]["score"]);
    let time = first["time"].as_str().unwrap();
    assert!(time.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(time).is_ok());
    assert_eq!(events[1]["hits"], 0);
    assert_eq!(events[1]["top_score"], Value::Null);

    let (status, _) = post_feedback(
        &served.base,
        &json!({"query": "doi landing", "id": "doi-beamtime", "helpful": false}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    flush(&served.log).await;
    let feedback = lines(&logs.join("feedback.jsonl"));
    assert_eq!(feedback.len(), 1);
    assert_eq!(feedback[0]["id"], "doi-beamtime");
    assert_eq!(feedback[0]["helpful"], false);

    // Nothing about who asked, anywhere in the log folder.
    for entry in std::fs::read_dir(&logs).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for secret in [
            "secret-agent",
            "c00kie",
            "203.0.113.9",
            "127.0.0.1",
            "t0k3n",
        ] {
            assert!(!text.contains(secret), "{secret} was logged");
        }
    }
    let (_, health) = get(&served.base, "/healthz").await;
    assert_eq!(health["query_log"]["written"], 3);
    assert_eq!(health["query_log"]["failed"], 0);
    let script = crate::support::get(format!("{}/assets/app.js", served.base))
        .await
        .unwrap();
    assert!(
        script.text().await.unwrap().contains("/api/feedback"),
        "the page offers feedback"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_is_validated_with_json_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let data = indexed(tmp.path());
    let served = serve(&data, Setup::new()).await;
    let base = &served.base;

    let (status, body) = post_feedback(base, &json!({"query": "embargo", "helpful": true})).await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "feedback on an answer: {body}"
    );

    let long = "a".repeat(1001);
    for (body, code) in [
        (
            json!({"query": "  ", "id": "doi-beamtime", "helpful": true}),
            "invalid_feedback",
        ),
        (json!({"query": long, "helpful": true}), "invalid_feedback"),
        (
            json!({"query": "doi", "id": "", "helpful": true}),
            "invalid_feedback",
        ),
        (
            json!({"query": "doi", "id": "no-such-article", "helpful": true}),
            "unknown_id",
        ),
        (
            json!({"query": "doi", "id": "doi-beamtime", "helpful": "yes"}),
            "invalid_feedback",
        ),
        (
            json!({"query": "doi", "id": "doi-beamtime"}),
            "invalid_feedback",
        ),
        (json!(["doi", true]), "invalid_feedback"),
    ] {
        let (status, answer) = post_feedback(base, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["error"], code, "{body}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }

    let client = crate::support::client();
    let raw = |content_type: &'static str, body: Vec<u8>| {
        client
            .post(format!("{base}/api/feedback"))
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    for (content_type, body, status, code) in [
        (
            "application/json",
            b"{\"query\": ".to_vec(),
            400,
            "invalid_json",
        ),
        (
            "application/json",
            b"not json".to_vec(),
            400,
            "invalid_json",
        ),
        (
            "text/plain",
            b"{\"query\":\"x\",\"helpful\":true}".to_vec(),
            415,
            "unsupported_media_type",
        ),
    ] {
        let response = raw(content_type, body).await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{code}");
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["error"], code);
    }
    // Oversized bodies are refused before they are read: over the feedback
    // limit, over the server's limit (both by Content-Length), and a chunked
    // body that turns out too long.
    let address = base.trim_start_matches("http://");
    for framing in [
        "Content-Length: 100000\r\n",
        "Content-Length: 5000000\r\n",
        "Transfer-Encoding: chunked\r\n",
    ] {
        let (status, answer) = oversized_post(address, framing).await;
        assert_eq!(status, 413, "{framing}: {answer}");
        assert_eq!(answer["error"], "payload_too_large", "{framing}");
    }
    flush(&served.log).await;
    assert_eq!(lines(&data.logs().join("feedback.jsonl")).len(), 1);
}

/// Posts feedback whose body is too large, writing the headers and at most 20 KB
/// of it (a client that sent everything could meet a closed connection before
/// reading the answer), and returns the status and JSON body of the answer.
async fn oversized_post(address: &str, framing: &str) -> (u16, Value) {
    use std::io::{Read, Write};
    let head = format!(
        "POST /api/feedback HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n{framing}Connection: close\r\n\r\n"
    );
    let (address, chunked) = (address.to_string(), framing.contains("chunked"));
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut request = head.into_bytes();
        let part = vec![b' '; 20_000];
        if chunked {
            request.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        }
        request.extend_from_slice(&part);
        // The server may have answered and closed already.
        let _ = stream.write_all(&request);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        answer
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_endpoint_is_absent_without_a_token_and_refuses_a_wrong_one() {
    let tmp = tempfile::tempdir().unwrap();
    let data = indexed(tmp.path());

    let open = serve(&data, Setup::new()).await;
    let (status, body) = get(&open.base, "/api/admin/gaps").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        get(&open.base, "/api/no-such-route").await.1,
        "same as any unknown route"
    );
    let with_header = crate::support::client()
        .get(format!("{}/api/admin/gaps", open.base))
        .bearer_auth("anything")
        .send()
        .await
        .unwrap();
    assert_eq!(with_header.status(), StatusCode::NOT_FOUND);

    let blank = serve(
        &data,
        Setup {
            token: Some("  "),
            ..Setup::new()
        },
    )
    .await;
    assert_eq!(
        get(&blank.base, "/api/admin/gaps").await.0,
        StatusCode::NOT_FOUND
    );

    let guarded = serve(
        &data,
        Setup {
            token: Some("s3cret-token"),
            ..Setup::new()
        },
    )
    .await;
    let client = crate::support::client();
    let url = format!("{}/api/admin/gaps", guarded.base);
    for token in [None, Some("wrong"), Some("s3cret-toke"), Some("")] {
        let mut request = client.get(&url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token:?}");
        let challenge = response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(challenge.starts_with("Bearer"), "{challenge}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
    }
    let basic = client
        .get(&url)
        .basic_auth("admin", Some("s3cret-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);

    let response = client
        .get(format!("{url}?since=2w&limit=5"))
        .bearer_auth("s3cret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    assert!(report["gaps"].is_array() && report["negative_feedback"].is_array());
    assert_eq!(report["grouping"], "text", "no model loaded");

    for query in ["since=yesterday", "limit=0", "limit=-3", "limit=many"] {
        let response = client
            .get(format!("{url}?{query}"))
            .bearer_auth("s3cret-token")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_parameter");
    }
}

#[test]
fn rotation_keeps_the_log_bounded_and_a_full_queue_drops_instead_of_waiting() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("logs");
    let config = LogConfig {
        max_file_bytes: 4096,
        max_files: 3,
        ..LogConfig::default()
    };
    let log = QueryLog::start(&dir, &config);
    let total = 5000;
    for i in 0..total {
        let event = QueryEvent::ask(format!("question number {i}"), i % 7, Some(0.5), i % 2 == 0);
        assert!(log.record(event));
        if i % 1000 == 999 {
            assert!(log.flush(Duration::from_secs(10)));
        }
    }
    assert!(log.flush(Duration::from_secs(10)));
    assert_eq!(log.stats().written, total as u64);

    let mut size = 0;
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with("queries") {
            files += 1;
            let len = entry.metadata().unwrap().len();
            assert!(
                len <= config.max_file_bytes,
                "{:?}: {len}",
                entry.file_name()
            );
            size += len;
        }
    }
    assert_eq!(files, config.max_files);
    assert!(size <= config.max_file_bytes * config.max_files as u64);
    // What is kept is the newest events, in order.
    let kept = read_since(&dir, chrono::Utc::now() - chrono::TimeDelta::hours(1));
    assert_eq!(kept.skipped_lines, 0);
    let numbers: Vec<usize> = kept
        .queries
        .iter()
        .map(|e| e.query.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers.last(), Some(&(total - 1)));
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1));
    assert!(numbers.len() > 40, "{}", numbers.len());

    // A queue of 8 with nobody waiting: recording 2000 events takes no time and
    // drops (and counts) what does not fit.
    let small = QueryLog::with_queue(tmp.path().join("small"), &config, 8);
    let started = Instant::now();
    let queued = (0..2000)
        .filter(|i| small.record(FeedbackEvent::new(format!("q{i}"), None, false)))
        .count();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(small.flush(Duration::from_secs(10)));
    let stats = small.stats();
    assert_eq!(stats.written as usize, queued);
    assert_eq!((stats.written + stats.dropped) as usize, 2000, "{stats:?}");
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_missing_or_stuck_disk_never_fails_or_slows_a_request() {
    let tmp = tempfile::tempdir().unwrap();
    let data = indexed(tmp.path());
    let logs = data.logs();

    // Full: every write fails with ENOSPC.
    std::fs::create_dir_all(&logs).unwrap();
    std::os::unix::fs::symlink("/dev/full", logs.join("queries.jsonl")).unwrap();
    let full = serve(&data, Setup::new()).await;
    for _ in 0..20 {
        let (status, body) = get(&full.base, "/api/search?q=doi&mode=keyword").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    flush(&full.log).await;
    let stats = full.log.stats();
    assert_eq!((stats.written, stats.failed), (0, 20), "{stats:?}");
    assert_eq!(get(&full.base, "/healthz").await.0, StatusCode::OK);
    // The report reads past a log it cannot read.
    let report = gaps_report(&logs, &options(), None);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("not a regular file")),
        "{:?}",
        report.problems
    );
    drop(full);

    // Not a folder at all: the log folder's path is a file.
    let other = tempfile::tempdir().unwrap();
    let blocked = DataDir::new(other.path().join("data"));
    std::fs::create_dir_all(blocked.root()).unwrap();
    std::fs::write(blocked.logs(), "not a folder").unwrap();
    let log = QueryLog::start(blocked.logs(), &LogConfig::default());
    let served = serve(
        &data,
        Setup {
            log: Some(log),
            ..Setup::new()
        },
    )
    .await;
    assert_eq!(
        get(&served.base, "/api/search?q=doi&mode=keyword").await.0,
        StatusCode::OK
    );
    let (status, _) = post_feedback(&served.base, &json!({"query": "doi", "helpful": true})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    flush(&served.log).await;
    assert_eq!(served.log.stats().failed, 2);

    // Stuck: the live file is a pipe nobody reads, so the writer blocks forever
    // opening it. Requests neither wait nor fail; events beyond the queue drop.
    let stuck_dir = other.path().join("stuck");
    std::fs::create_dir_all(&stuck_dir).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(stuck_dir.join("queries.jsonl"))
        .status();
    if !fifo.is_ok_and(|s| s.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "mkfifo is unavailable in CI: the stuck-disk case must run there"
        );
        eprintln!("SKIPPED: mkfifo is unavailable; the stuck-disk case is not tested");
        return;
    }
    let log = QueryLog::with_queue(&stuck_dir, &LogConfig::default(), 4);
    let served = serve(
        &data,
        Setup {
            log: Some(log),
            ..Setup::new()
        },
    )
    .await;
    for _ in 0..30 {
        let started = Instant::now();
        let (status, _) = get(&served.base, "/api/search?q=doi&mode=keyword").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }
    let stats = served.log.stats();
    assert_eq!(stats.written, 0);
    // In flight at most: the batch the writer took before it blocked (the
    // first event and what was queued then) and a full queue behind it.
    assert!(stats.dropped >= 30 - (1 + 4) - 4, "{stats:?}");
}

fn options() -> GapsOptions {
    GapsOptions::new(
        chrono::Utc::now() - chrono::TimeDelta::hours(1),
        20,
        &LogConfig::default(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gaps_group_near_duplicate_questions_and_show_negative_feedback() {
    let Some(encoder) = encoder() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    {
        let (data, encoder) = (data.clone(), encoder.clone());
        tokio::task::spawn_blocking(move || index_with(&data, &[content], &encoder))
            .await
            .unwrap();
    }
    let served = serve(
        &data,
        Setup {
            encoder: Some(encoder.clone()),
            token: Some("curator"),
            ..Setup::new()
        },
    )
    .await;
    let base = &served.base;

    // Asks the extractive endpoint could not answer, as it logs them.
    for (question, times) in [
        ("how do I cite software?", 2),
        ("How can I cite my software", 1),
        ("citing software how", 1),
        ("where do I keep raw detector data for ten years", 2),
    ] {
        for _ in 0..times {
            assert!(
                served
                    .log
                    .record(QueryEvent::ask(question, 3, Some(0.3), false))
            );
        }
    }
    // Answered well: no gap.
    for _ in 0..3 {
        served.log.record(QueryEvent::ask(
            "how do I get a DOI for my beamtime data",
            4,
            Some(0.8),
            true,
        ));
    }
    // A hybrid search logs the best similarity; a keyword search finds nothing.
    let (status, hybrid) = get(base, "/api/search?q=doi%20landing%20page").await;
    assert_eq!(status, StatusCode::OK, "{hybrid}");
    assert_eq!(
        get(base, "/api/search?q=zzqx%20vvkw&mode=keyword").await.1["total"],
        0
    );
    for (query, id, helpful) in [
        ("doi landing page", Some("doi-beamtime"), false),
        ("DOI landing page?", Some("doi-beamtime"), false),
        ("the doi landing page", None, false),
        ("doi landing page", Some("doi-beamtime"), true),
        ("embargo", Some("doi-beamtime"), true),
    ] {
        let (status, body) =
            post_feedback(base, &json!({"query": query, "id": id, "helpful": helpful})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    flush(&served.log).await;

    let events = lines(&data.logs().join("queries.jsonl"));
    let logged = events.iter().find(|e| e["mode"] == "hybrid").unwrap();
    assert_eq!(logged["top_score"], hybrid["best_similarity"]);
    assert!(hybrid["best_similarity"].as_f64().unwrap() > 0.0);

    let response = crate::support::client()
        .get(format!("{base}/api/admin/gaps?since=1h"))
        .bearer_auth("curator")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["grouping"], "embedding", "{report}");
    assert_eq!(report["asks"], 9);
    let gaps = report["gaps"].as_array().unwrap();
    let software = &gaps[0];
    assert_eq!(software["question"], "how do I cite software?", "{report}");
    assert_eq!(software["count"], 4);
    assert_eq!(software["reasons"]["unanswered"], 4);
    assert_eq!(software["variants"].as_array().unwrap().len(), 3);
    let storage = gaps
        .iter()
        .find(|g| g["question"] == "where do I keep raw detector data for ten years")
        .expect("the storage question is its own gap");
    assert_eq!(storage["count"], 2);
    assert!(
        gaps.iter()
            .any(|g| g["question"] == "zzqx vvkw" && g["reasons"]["no_hits"] == 1)
    );
    assert!(
        !gaps
            .iter()
            .any(|g| g["question"].as_str().unwrap().contains("beamtime"))
    );

    let negative = &report["negative_feedback"];
    assert_eq!(negative.as_array().unwrap().len(), 1, "{negative}");
    assert_eq!(negative[0]["negative"], 3, "{negative}");
    assert_eq!(negative[0]["positive"], 1);
    assert_eq!(negative[0]["results"][0]["id"], "doi-beamtime");
    assert_eq!(negative[0]["results"][0]["negative"], 2);

    // Without the model the same log is grouped by text only, and says so.
    let by_text = gaps_report(&data.logs(), &options(), None);
    assert!(by_text.note.is_some());
    let software_groups = by_text
        .gaps
        .iter()
        .filter(|g| g.question.to_lowercase().contains("software"))
        .count();
    assert_eq!(software_groups, 3);
}
