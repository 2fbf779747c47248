//! The configured query settings reach every face: HTTP search and ask, and
//! the CLI's search and ask, answer as the query layer does with the same
//! settings, and differently from the defaults.

use std::path::Path;
use std::process::Command;

use eoskb::index::DataDir;
use eoskb::query::{self, AskParams, Fusion, Mode, QueryOptions, SearchRequest};
use eoskb::server::AppState;
use serde_json::Value;

use crate::sparql_http::serve;
use crate::support::{encoder, fixture_content, index_with, open_with};

/// A question the fixture does not answer: its nearest pages, in hybrid order,
/// are what ask returns, and reciprocal rank fusion orders them otherwise than
/// the default convex fusion.
const QUERY: &str = "How should I store my raw detector data?";
const CONFIGURED: &str = "rrf:60";

/// Each hit's id and score, as served (JSON numbers, so compared as f64).
fn scored_hits(response: &Value) -> Vec<(String, f64)> {
    response["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap().to_string(),
                h["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

/// The quoted passages with their scores, the sources in order, and the
/// confidence.
fn scored_answer(answer: &Value) -> (Vec<(String, f64)>, Vec<String>, f64) {
    let passages = answer["answer"]
        .as_array()
        .expect("answer")
        .iter()
        .map(|p| {
            (
                p["text"].as_str().unwrap().to_string(),
                p["score"].as_f64().unwrap(),
            )
        })
        .collect();
    let sources = answer["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    (passages, sources, answer["confidence"].as_f64().unwrap())
}

/// Same passages, sources and confidence (up to float rounding).
fn same_answer(a: &Value, b: &Value) -> bool {
    let (a, b) = (scored_answer(a), scored_answer(b));
    close(&a.0, &b.0) && a.1 == b.1 && (a.2 - b.2).abs() < 1e-5
}

fn close(a: &[(String, f64)], b: &[(String, f64)]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((x, s), (y, t))| x == y && (s - t).abs() < 1e-5)
}

fn cli(data: &Path, config: &Path, args: &[&str]) -> Value {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join(eoskb::embed::DEFAULT_MODEL_DIR);
    let out = Command::new(env!("CARGO_BIN_EXE_eoskb"))
        .arg("--data")
        .arg(data)
        .arg("--model")
        .arg(&model)
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run eoskb");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_fusion_and_ask_settings_reach_http_and_cli() {
    let Some(encoder) = encoder() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    index_with(&data, &[content], &encoder);
    let fusion: Fusion = CONFIGURED.parse().unwrap();
    let options = QueryOptions {
        fusion,
        ask: AskParams::default(),
    };
    assert_ne!(options, QueryOptions::default());

    // What the query layer answers with the configured settings and without.
    let kb = open_with(&data, &encoder);
    let mut request = SearchRequest::new(QUERY);
    request.mode = Mode::Hybrid;
    let defaults = serde_json::to_value(query::search(&kb, &request).unwrap()).unwrap();
    let default_answer =
        serde_json::to_value(query::ask(&kb, QUERY, &AskParams::default()).unwrap()).unwrap();
    let kb = kb.with_options(options);
    let expected = serde_json::to_value(query::search(&kb, &request).unwrap()).unwrap();
    let expected_answer =
        serde_json::to_value(query::ask(&kb, QUERY, &kb.options().ask).unwrap()).unwrap();
    let expected_hits = scored_hits(&expected);
    assert!(
        !close(&scored_hits(&defaults), &expected_hits),
        "the fusions must rank differently for the test to mean anything"
    );
    assert!(
        !same_answer(&default_answer, &expected_answer),
        "the fusions must change the answer for the test to mean anything"
    );

    // Over HTTP.
    let state = AppState::new(data.clone(), Some(encoder.clone())).with_options(options);
    let (base, _stop) = serve(state).await;
    let get = |path: String| {
        let url = format!("{base}{path}");
        async move {
            crate::support::get(url)
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let q = QUERY.replace(' ', "+").replace('?', "%3F");
    let served = get(format!("/api/search?q={q}")).await;
    assert!(
        close(&scored_hits(&served), &expected_hits),
        "HTTP search: {:?} != {expected_hits:?}",
        scored_hits(&served)
    );
    let answered = get(format!("/api/ask?q={q}")).await;
    assert!(
        same_answer(&answered, &expected_answer),
        "HTTP ask: {:?} != {:?}",
        scored_answer(&answered),
        scored_answer(&expected_answer)
    );

    // From the command line, with the setting in a configuration file.
    let config = tmp.path().join("eoskb.toml");
    std::fs::write(&config, format!("[search]\nfusion = \"{CONFIGURED}\"\n")).unwrap();
    let searched = cli(data.root(), &config, &["search", "--json", QUERY]);
    assert!(
        close(&scored_hits(&searched), &expected_hits),
        "CLI search: {:?} != {expected_hits:?}",
        scored_hits(&searched)
    );
    let asked = cli(data.root(), &config, &["ask", "--json", QUERY]);
    assert!(
        same_answer(&asked, &expected_answer),
        "CLI ask: {:?} != {:?}",
        scored_answer(&asked),
        scored_answer(&expected_answer)
    );
}
