//! `serve --watch`: edits, renames, deletions and bursts under the content folder
//! reach the server while a client queries it in a loop, and no request fails.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use eoskb::config::Config;
use eoskb::index::watch;
use eoskb::index::{DataDir, IndexOptions};
use eoskb::server::{self, AppState};
use serde_json::Value;

use crate::support::{fixture_content, index};

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\nsummary: A test article.\n---\n\n# {title}\n\n{body}\n")
}

/// Polls `check` until it holds; panics after a generous limit (not a timing test).
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if check().await {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}: not seen within 20 s");
}

async fn total(client: &reqwest::Client, base: &str, q: &str) -> u64 {
    let r = client
        .get(format!("{base}/api/search?mode=keyword&q={q}"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json::<Value>().await.unwrap()["total"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_follows_edits_renames_deletions_and_bursts_without_failed_requests() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, std::slice::from_ref(&content));
    let state = AppState::new(data.clone(), None);
    let follower = state.clone();
    let _watch = watch::spawn(
        data.clone(),
        IndexOptions {
            config: Config::default(),
            ..IndexOptions::new(vec![content.clone()])
        },
        move || follower.reload_if_changed(),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, state, async {
        let _ = stopped.await;
    }));

    // A client querying in a loop throughout; every answer must be a success.
    let done = Arc::new(AtomicBool::new(false));
    let (requests, failures) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let looping = {
        let (done, requests, failures, base) = (
            done.clone(),
            requests.clone(),
            failures.clone(),
            base.clone(),
        );
        tokio::spawn(async move {
            let client = crate::support::client();
            while !done.load(Ordering::Relaxed) {
                let ok = client
                    .get(format!("{base}/api/search?mode=keyword&q=data"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                requests.fetch_add(1, Ordering::Relaxed);
                if !ok {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let client = crate::support::client();

    // Add a file.
    std::fs::write(
        content.join("zanzibar.md"),
        article(
            "Zanzibarite sample handling",
            "Zanzibarite crystals at the beamline.",
        ),
    )
    .unwrap();
    let took = eventually("an added article", async || {
        total(&client, &base, "zanzibarite").await == 1
    })
    .await;
    eprintln!("added article searchable after {took:?}");

    // Edit it the way editors do: write a temporary file, rename it over.
    let temporary = content.join(".zanzibar.md.swp");
    std::fs::write(
        &temporary,
        article(
            "Quokkaite sample handling",
            "Quokkaite replaces the old text.",
        ),
    )
    .unwrap();
    std::fs::rename(&temporary, content.join("zanzibar.md")).unwrap();
    eventually("an edit by rename", async || {
        total(&client, &base, "quokkaite").await == 1
            && total(&client, &base, "zanzibarite").await == 0
    })
    .await;

    // Delete it.
    std::fs::remove_file(content.join("zanzibar.md")).unwrap();
    eventually("a deletion", async || {
        total(&client, &base, "quokkaite").await == 0
    })
    .await;

    // A burst of two hundred new files, then all of them searchable.
    let burst = content.join("burst");
    std::fs::create_dir_all(&burst).unwrap();
    for i in 0..200 {
        std::fs::write(
            burst.join(format!("note-{i}.md")),
            article(
                &format!("Burst note {i}"),
                "Wombatite appears in every note.",
            ),
        )
        .unwrap();
    }
    eventually("a burst of 200 files", async || {
        total(&client, &base, "wombatite").await == 200
    })
    .await;

    // A folder removed at once.
    std::fs::remove_dir_all(&burst).unwrap();
    eventually("a removed folder", async || {
        total(&client, &base, "wombatite").await == 0
    })
    .await;

    done.store(true, Ordering::Relaxed);
    looping.await.unwrap();
    let (requests, failures) = (
        requests.load(Ordering::Relaxed),
        failures.load(Ordering::Relaxed),
    );
    assert!(
        requests > 20,
        "the client kept querying ({requests} requests)"
    );
    assert_eq!(
        failures, 0,
        "{failures} of {requests} requests failed during the swaps"
    );
    assert!(!Path::new(&temporary).exists());
    let _ = stop.send(());
}
