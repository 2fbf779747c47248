//! Ask: extractive answers with citations over the bundled content, honest
//! refusals, bad questions, passages kept incrementally, and the calibrated
//! target on the judged RDMkit questions (needs the model; RDMkit needs
//! ../shared).

use std::path::{Path, PathBuf};

use eoskb::index::DataDir;
use eoskb::query::{self, Error, KnowledgeBase};
use eoskb::settings::AskParams;

use crate::support::{encoder, fixture_content, index_with, open_with, shared_dir};

fn bundled_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// The bundled content, indexed once with the model for every test here: its
/// data directory and the knowledge base open on it.
fn bundled() -> Option<&'static (tempfile::TempDir, KnowledgeBase)> {
    static KB: std::sync::OnceLock<(tempfile::TempDir, KnowledgeBase)> = std::sync::OnceLock::new();
    let encoder = encoder()?;
    Some(KB.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path());
        index_with(&data, &[bundled_content()], &encoder);
        let kb = open_with(&data, &encoder);
        (tmp, kb)
    }))
}

fn bundled_kb() -> Option<&'static KnowledgeBase> {
    bundled().map(|(_, kb)| kb)
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn questions_answered_in_the_bundled_content_cite_that_article_first() {
    let Some(kb) = bundled_kb() else { return };
    let cases = [
        (
            "How can I obtain a DOI for data collected during my beamtime?",
            "doi-for-beamtime-data",
        ),
        ("what does the PaNET ontology describe?", "what-is-panet"),
        (
            "Which licence should I put on my open dataset?",
            "choosing-open-data-licence",
        ),
        (
            "How do I move terabytes of data from the facility to my university?",
            "moving-large-datasets",
        ),
    ];
    for (question, article) in cases {
        let answer = query::ask(kb, question, &AskParams::default()).unwrap();
        assert!(answer.answered, "{question}: {answer:?}");
        let first = &answer.answer[0].citation;
        assert_eq!(first.id, article, "{question}");
        assert!(answer.confidence >= 0.5 && answer.confidence <= 1.0);
    }
}

#[test]
fn quoted_passages_are_verbatim_and_sources_are_deduplicated() {
    let Some(kb) = bundled_kb() else { return };
    for question in [
        "what does the PaNET ontology describe?",
        "Which licence should I put on my open dataset?",
        "how should I write a data availability statement",
    ] {
        let answer = query::ask(kb, question, &AskParams::default()).unwrap();
        assert!(answer.answered, "{question}");
        assert!(answer.answer.len() <= query::answer::MAX_PASSAGES);
        for passage in &answer.answer {
            let c = &passage.citation;
            let article = query::get_article(kb, &c.id).unwrap().article;
            let section = article
                .sections
                .iter()
                .find(|s| s.anchor == c.anchor)
                .unwrap_or_else(|| panic!("{question}: no section #{} in {}", c.anchor, c.id));
            assert_eq!(section.heading, c.section);
            assert!(
                squash(&section.text).contains(&squash(&passage.text)),
                "{question}: `{}` is not in {}#{}",
                passage.text,
                c.id,
                c.anchor
            );
        }
        let mut ids: Vec<&str> = answer.sources.iter().map(|s| s.id.as_str()).collect();
        let cited: Vec<&str> = answer
            .answer
            .iter()
            .map(|p| p.citation.id.as_str())
            .collect();
        assert!(cited.iter().all(|id| ids.contains(id)), "{question}");
        assert_eq!(ids[0], cited[0], "sources start with the first citation");
        let listed = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), listed, "{question}: a source is listed twice");
    }
}

#[test]
fn nonsense_and_off_topic_questions_are_not_answered() {
    let Some(kb) = bundled_kb() else { return };
    for question in [
        "asdf qwerty zxcv",
        "what is the boiling point of tungsten",
        "best pizza in Grenoble",
    ] {
        let answer = query::ask(kb, question, &AskParams::default()).unwrap();
        assert!(!answer.answered, "{question}: {:?}", answer.answer);
        assert!(answer.answer.is_empty());
        assert!(answer.confidence < 0.5, "{question}: {}", answer.confidence);
        assert!(answer.reason.is_some());
        assert!(answer.sources.len() <= 3);
    }
}

#[test]
fn bad_questions_get_an_error_or_an_honest_no() {
    let Some(kb) = bundled_kb() else { return };
    let params = AskParams::default();
    assert!(matches!(
        query::ask(kb, "   ", &params),
        Err(Error::EmptyQuery)
    ));
    let long = "how do I cite data ".repeat(530);
    assert!(matches!(
        query::ask(kb, &long, &params),
        Err(Error::QueryTooLong { .. })
    ));
    let stop_words = query::ask(kb, "is it the and of", &params).unwrap();
    assert!(!stop_words.answered && stop_words.answer.is_empty());
    assert!(stop_words.reason.unwrap().contains("no words"));
    for odd in [
        "???",
        "😀😀😀",
        "DROP TABLE articles;--",
        "\"unbalanced (quote",
    ] {
        let answer = query::ask(kb, odd, &params).unwrap();
        assert!(!answer.answered, "{odd}");
    }
}

#[test]
fn passages_of_unchanged_files_are_kept_on_reindex() {
    let Some(encoder) = encoder() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    let first = index_with(&data, std::slice::from_ref(&content), &encoder);
    assert!(first.passages_embedded > 0);
    let total = open_with(&data, &encoder).passage_count();
    assert!(total >= first.passages_embedded);

    let path = content.join("faq-embargo.md");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\nThe new closing paragraph tells readers where to ask further questions.\n");
    std::fs::write(&path, text).unwrap();
    let second = index_with(&data, std::slice::from_ref(&content), &encoder);
    assert!(second.passages_embedded > 0, "{second:?}");
    assert!(
        second.passages_embedded < total,
        "only the changed file is embedded again"
    );
    assert_eq!(open_with(&data, &encoder).passage_count(), total + 1);
}

#[test]
fn rdmkit_questions_meet_the_first_citation_target() {
    let Some(encoder) = encoder() else { return };
    let Some(shared) = shared_dir() else { return };
    let questions_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/ask");
    let questions = eoskb::eval::ask::load_questions(&questions_dir).unwrap();
    let test = questions.iter().filter(|q| q.split == "test").count();
    assert!(test >= 40, "{test} test questions");
    let report = eoskb::eval::ask::run(
        &shared.join("data/corpora/rdmkit"),
        &questions,
        encoder,
        Some(AskParams::default()),
        None,
    )
    .unwrap();
    eprintln!(
        "ask on RDMkit (test split): first citation {}/{}, unanswerable refused {}/{}",
        report.test.first_citation_correct,
        report.test.answerable,
        report.test.unanswerable_refused,
        report.test.unanswerable
    );
    assert!(
        report.test.first_citation_accuracy() >= 0.70,
        "first citation answers only {:.1} % ({:?})",
        100.0 * report.test.first_citation_accuracy(),
        report.test.misses
    );
    assert!(
        report.test.refusal_rate() >= 0.8,
        "refuses only {:.1} % of unanswerable questions",
        100.0 * report.test.refusal_rate()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_over_http_answers_and_rejects_bad_questions_with_json() {
    let Some(encoder) = encoder() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path());
    index_with(&data, &[bundled_content()], &encoder);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = eoskb::config::LogConfig::default();
    let log = eoskb::querylog::QueryLog::start(data.logs(), &config);
    let log_file = data.logs().join("queries.jsonl");
    let state =
        eoskb::server::AppState::new(data, Some(encoder)).with_query_log(log.clone(), config);
    tokio::spawn(eoskb::server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let get = |query: String| {
        let url = format!("{base}/api/ask?q={query}");
        async move {
            let response = crate::support::get(url).await.unwrap();
            let status = response.status();
            (status, response.json::<serde_json::Value>().await.unwrap())
        }
    };

    let (status, body) =
        get("How%20can%20I%20get%20a%20DOI%20for%20my%20beamtime%20data%3F".into()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["answered"], true);
    let first = &body["answer"][0];
    assert!(first["text"].as_str().is_some_and(|t| !t.is_empty()));
    for field in ["id", "title", "path", "section", "anchor", "url"] {
        assert!(
            first["citation"].get(field).is_some(),
            "citation lacks {field}"
        );
    }
    assert_eq!(first["citation"]["id"], "doi-for-beamtime-data");
    assert!(body["sources"].as_array().is_some_and(|s| !s.is_empty()));
    assert!(body["terms"].is_array() && body["confidence"].is_number());

    let (status, body) = get("asdf%20qwerty%20zxcv".into()).await;
    assert_eq!(status, 200);
    assert_eq!(body["answered"], false);

    for bad in [String::new(), "%20%20".into(), "x".repeat(10_000)] {
        let (status, body) = get(bad).await;
        assert_eq!(status, 400, "{body}");
        assert!(
            body["error"].is_object() || body["error"].is_string(),
            "{body}"
        );
    }
    let (status, body) = get("the%20and%20of".into()).await;
    assert_eq!(
        (status.as_u16(), &body["answered"]),
        (200, &serde_json::Value::Bool(false))
    );

    // Every ask that got an answer or an honest no is in the curators' log.
    let flushed =
        tokio::task::spawn_blocking(move || log.flush(std::time::Duration::from_secs(10)));
    assert!(flushed.await.unwrap());
    let events: Vec<serde_json::Value> = std::fs::read_to_string(log_file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let asks: Vec<(&str, bool)> = events
        .iter()
        .filter(|e| e["kind"] == "ask")
        .map(|e| {
            (
                e["query"].as_str().unwrap(),
                e["answered"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        asks,
        vec![
            ("How can I get a DOI for my beamtime data?", true),
            ("asdf qwerty zxcv", false),
            ("the and of", false),
        ]
    );
}

#[test]
fn the_cli_prints_cited_answers_and_honest_refusals() {
    let Some((data, _)) = bundled() else { return };
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join(eoskb::embed::DEFAULT_MODEL_DIR);
    let ask = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_eoskb"))
            .arg("--data")
            .arg(data.path())
            .arg("--model")
            .arg(&model)
            .arg("ask")
            .args(args)
            .output()
            .expect("run eoskb ask")
    };
    let question = "How can I obtain a DOI for data collected during my beamtime?";
    let out = ask(&[question]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[1] ") && text.contains("/docs/doi-for-beamtime-data"),
        "{text}"
    );
    assert!(text.contains("confidence"), "{text}");

    let out = ask(&[question, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["answered"], true);
    assert_eq!(json["answer"][0]["citation"]["id"], "doi-for-beamtime-data");

    let out = ask(&["zxqv wbnm plok trsy"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("No answer: "), "{text}");

    let out = ask(&["   "]);
    assert!(!out.status.success());
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(error.to_lowercase().contains("empty"), "{error}");
}
