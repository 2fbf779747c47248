//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use eoskb::index::{self, DataDir, IndexOptions, IndexReport};
use eoskb::query::{KnowledgeBase, SearchRequest};

/// A search request from URL parameters, read as `GET /api/search` reads them.
pub fn request(params: &[(&str, &str)]) -> SearchRequest {
    let raw = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    eoskb::server::params::search_request(&raw).unwrap_or_else(|e| panic!("{params:?}: {e}"))
}

/// The fixture corpus, copied to a temporary folder so tests may change it.
pub fn fixture_content(tmp: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content");
    let to = tmp.join("content");
    copy_dir(&from, &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `../shared`, or `None` (with the reason printed) in a clone without it. In
/// CI (`CI` set) a missing folder is a failure, not a skip: the real-corpus
/// tests must run there.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("data").is_dir() {
        Some(dir)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing in CI, where the real-corpus tests must run",
            dir.display()
        );
        eprintln!(
            "SKIPPED: {} not found; the real-corpus tests need the shared data folder beside the project",
            dir.display()
        );
        None
    }
}

pub fn index(data: &DataDir, content: &[PathBuf]) -> IndexReport {
    index::run(
        data,
        &IndexOptions {
            strict: false,
            full: false,
            ..IndexOptions::new(content.to_vec())
        },
    )
    .expect("index run")
}

pub fn open(data: &DataDir) -> KnowledgeBase {
    KnowledgeBase::open(data, None).expect("open knowledge base")
}

/// The default model installed by `make setup`, or `None` with the reason printed.
/// In CI (`CI` set) a missing model is a failure, not a skip: `make test` installs it.
pub fn encoder() -> Option<std::sync::Arc<eoskb::embed::SentenceEncoder>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(eoskb::embed::DEFAULT_MODEL_DIR);
    if !dir.join("model.safetensors").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing in CI: `make test` installs it first",
            dir.display()
        );
        eprintln!("SKIPPED: no model at {} (run `make setup`)", dir.display());
        return None;
    }
    static ENCODER: std::sync::OnceLock<std::sync::Arc<eoskb::embed::SentenceEncoder>> =
        std::sync::OnceLock::new();
    Some(
        ENCODER
            .get_or_init(|| {
                std::sync::Arc::new(eoskb::embed::SentenceEncoder::load(&dir).expect("load model"))
            })
            .clone(),
    )
}

pub fn index_with(
    data: &DataDir,
    content: &[PathBuf],
    encoder: &std::sync::Arc<eoskb::embed::SentenceEncoder>,
) -> IndexReport {
    index::run(
        data,
        &IndexOptions::new(content.to_vec()).with_encoder(Some(encoder.clone())),
    )
    .expect("index run")
}

pub fn open_with(
    data: &DataDir,
    encoder: &std::sync::Arc<eoskb::embed::SentenceEncoder>,
) -> KnowledgeBase {
    KnowledgeBase::open(data, Some(encoder.clone())).expect("open knowledge base")
}

/// An HTTP client for the servers tests start on 127.0.0.1. reqwest is built
/// with rustls and no crypto provider of its own (the harvester hands it
/// graviola's), and a client builds its TLS set-up even for plain HTTP: the
/// process-wide provider is set once first.
pub fn client() -> reqwest::Client {
    install_crypto_provider();
    reqwest::Client::new()
}

/// `GET url` with [`client`].
pub async fn get(url: impl reqwest::IntoUrl) -> reqwest::Result<reqwest::Response> {
    client().get(url).send().await
}

fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err: another test set it first, which is as good.
        let _ =
            rustls::crypto::CryptoProvider::install_default(rustls_graviola::default_provider());
    });
}
