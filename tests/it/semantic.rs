//! The sentence encoder, vectors, semantic and hybrid search (needs the model
//! installed by `make setup`).

use std::path::Path;

use eoskb::embed::{EmbedError, SentenceEncoder, chunk_text};
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::query::{self, Mode, SearchRequest};

use crate::support::{encoder, fixture_content, index_with, open_with, request, shared_dir};

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b))
}

#[test]
fn embeddings_match_sentence_transformers() {
    let Some(encoder) = encoder() else { return };
    let Some(shared) = shared_dir() else { return };
    let text =
        std::fs::read_to_string(shared.join("bench/embeddings/minilm_reference.jsonl")).unwrap();
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let reference: serde_json::Value = serde_json::from_str(line).unwrap();
        let sentence = reference["text"].as_str().unwrap();
        let expected: Vec<f32> = reference["embedding"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect();
        let actual = encoder.encode_one(sentence).unwrap();
        assert_eq!(actual.len(), 384);
        let similarity = cosine(&actual, &expected);
        assert!(similarity >= 0.999, "cosine {similarity} for {sentence:?}");
        checked += 1;
    }
    assert_eq!(checked, 30);
    // Batched encoding (padding) gives the same vectors as one at a time.
    let batch = encoder
        .encode(&[
            "short",
            "a much longer sentence about beamtime data and DOIs",
        ])
        .unwrap();
    assert!(cosine(&batch[0], &encoder.encode_one("short").unwrap()) > 0.9999);
}

#[test]
fn empty_and_symbol_texts_give_finite_vectors() {
    let Some(encoder) = encoder() else { return };
    for text in ["", "   ", "!!! ??? ###", "😀😀"] {
        let v = encoder.encode_one(text).unwrap();
        assert!(v.iter().all(|x| x.is_finite()), "{text:?}");
    }
}

#[test]
fn long_texts_are_split_not_truncated() {
    let Some(encoder) = encoder() else { return };
    let body: String = (0..400)
        .map(|i| format!("sentence number {i} about neutron data. "))
        .collect();
    let chunks = chunk_text(&encoder, "Title > Heading", &body).unwrap();
    assert!(chunks.len() >= 4, "{} chunks", chunks.len());
    for chunk in &chunks {
        let tokens = encoder.token_offsets(&chunk.text).unwrap().len() + 2;
        assert!(tokens <= encoder.max_tokens(), "{tokens} tokens");
        assert!(chunk.text.starts_with("Title > Heading\n"));
    }
    assert!(chunks[0].text.contains("sentence number 0 "));
    assert!(chunks.last().unwrap().text.contains("sentence number 399 "));
    let short = chunk_text(&encoder, "T", "just this").unwrap();
    assert_eq!(short.len(), 1);
    assert_eq!(short[0].text, "T\njust this");
}

#[test]
fn broken_model_directories_name_the_file() {
    let Some(_) = encoder() else { return };
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join(eoskb::embed::DEFAULT_MODEL_DIR);
    let tmp = tempfile::tempdir().unwrap();
    let err = |dir: &Path| {
        SentenceEncoder::load(dir)
            .err()
            .expect("must fail")
            .to_string()
    };

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(err(&empty).contains("config.json"), "{}", err(&empty));

    let partial = tmp.path().join("partial");
    std::fs::create_dir(&partial).unwrap();
    for f in [
        "config.json",
        "tokenizer.json",
        "modules.json",
        "sentence_bert_config.json",
    ] {
        std::fs::copy(model.join(f), partial.join(f)).unwrap();
    }
    assert!(
        err(&partial).contains("model.safetensors"),
        "{}",
        err(&partial)
    );

    let mismatched = tmp.path().join("mismatched");
    std::fs::create_dir(&mismatched).unwrap();
    for f in ["tokenizer.json", "modules.json", "model.safetensors"] {
        std::os::unix::fs::symlink(model.join(f), mismatched.join(f)).unwrap();
    }
    let config = std::fs::read_to_string(model.join("config.json")).unwrap();
    std::fs::write(
        mismatched.join("config.json"),
        config.replace("\"hidden_size\": 384", "\"hidden_size\": 512"),
    )
    .unwrap();
    let message = err(&mismatched);
    assert!(
        message.contains("model.safetensors") && message.contains("config.json"),
        "{message}"
    );

    let garbage = tmp.path().join("garbage");
    std::fs::create_dir(&garbage).unwrap();
    std::fs::write(garbage.join("config.json"), "{ not json").unwrap();
    assert!(matches!(
        SentenceEncoder::load(&garbage),
        Err(EmbedError::InvalidFile { .. })
    ));
}

#[test]
fn semantic_and_hybrid_search_on_the_fixture_corpus() {
    let Some(encoder) = encoder() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    let report = index_with(&data, std::slice::from_ref(&content), &encoder);
    assert!(report.embedded >= 8, "{report:?}");
    assert_eq!(report.vectors, report.embedded);
    let kb = open_with(&data, &encoder);

    // No shared words with the embargo article, but the same meaning.
    let question = "for how many years are measurements kept private";
    let semantic = query::search(
        &kb,
        &SearchRequest {
            mode: Mode::Semantic,
            explain: true,
            ..SearchRequest::new(question)
        },
    )
    .unwrap();
    assert_eq!(semantic.hits[0].id, "embargo-faq");
    let explain = semantic.hits[0].explain.as_ref().unwrap();
    assert_eq!(explain.semantic_rank, Some(1));
    assert!(explain.semantic_similarity.unwrap() > 0.3);
    assert_eq!(explain.keyword_rank, None);
    // Facets count the whole result set: three of the five articles name a project.
    assert_eq!(semantic.facets["projects"].values().sum::<u64>(), 3);
    assert_eq!(
        semantic.total, 5,
        "every article is a candidate on a corpus this small"
    );

    let hybrid = query::search(
        &kb,
        &SearchRequest {
            explain: true,
            ..SearchRequest::new("DOI for the experiment")
        },
    )
    .unwrap();
    assert_eq!(hybrid.mode, Mode::Hybrid);
    assert_eq!(hybrid.hits[0].id, "doi-beamtime");
    let e = hybrid.hits[0].explain.as_ref().unwrap();
    assert_eq!((e.keyword_rank, e.semantic_rank.is_some()), (Some(1), true));
    assert!(e.fused_score.is_some());

    // Filters and facets hold in semantic mode too.
    let guides = query::search(
        &kb,
        &request(&[
            ("q", "embargo years"),
            ("mode", "semantic"),
            ("kind", "guide"),
        ]),
    )
    .unwrap();
    assert_eq!(guides.total, 2);
    assert!(
        guides
            .hits
            .iter()
            .all(|h| h.kind.as_deref() == Some("guide"))
    );
    assert_eq!(guides.facets["kind"].get("guide"), Some(&2));
    assert_eq!(guides.facets["kind"].len(), 1);
}

#[test]
fn reindex_embeds_only_changed_sections_and_refuses_silent_model_switch() {
    let Some(encoder) = encoder() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    let first = index_with(&data, std::slice::from_ref(&content), &encoder);
    let nexus = content.join("guides/nexus-files.md");
    let text = std::fs::read_to_string(&nexus).unwrap();
    std::fs::write(
        &nexus,
        text.replace("describes the specimen", "describes the crystal mount"),
    )
    .unwrap();
    let second = index_with(&data, std::slice::from_ref(&content), &encoder);
    assert_eq!(second.changed.len(), 1);
    assert_eq!(second.embedded, 2, "only the edited article's two sections");
    assert_eq!(second.vectors, first.vectors);

    // Nothing changed: nothing embedded, nothing published.
    let third = index_with(&data, std::slice::from_ref(&content), &encoder);
    assert_eq!((third.embedded, third.published), (0, false));

    // Another model (same files under another name, so another id) must be explicit.
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join(eoskb::embed::DEFAULT_MODEL_DIR);
    let other_dir = tmp.path().join("other-model");
    std::fs::create_dir_all(other_dir.join("1_Pooling")).unwrap();
    for f in [
        "config.json",
        "tokenizer.json",
        "modules.json",
        "model.safetensors",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
    ] {
        std::os::unix::fs::symlink(model.join(f), other_dir.join(f)).unwrap();
    }
    let other = std::sync::Arc::new(SentenceEncoder::load(&other_dir).unwrap());
    assert_ne!(other.id(), encoder.id());
    let refused = index::run(
        &data,
        &IndexOptions::new(vec![content.clone()]).with_encoder(Some(other.clone())),
    );
    assert!(
        matches!(refused, Err(index::Error::ModelChanged { .. })),
        "{:?}",
        refused.err()
    );
    // The old model's snapshot refuses semantic search with the new encoder, clearly.
    let kb = open_with(&data, &other);
    let err = query::search(&kb, &SearchRequest::new("embargo")).unwrap_err();
    assert!(err.to_string().contains("--reembed"), "{err}");

    let reembedded = index::run(
        &data,
        &IndexOptions {
            reembed: true,
            ..IndexOptions::new(vec![content]).with_encoder(Some(other.clone()))
        },
    )
    .unwrap();
    assert_eq!(reembedded.embedded, first.embedded);
    let kb = open_with(&data, &other);
    assert!(query::search(&kb, &SearchRequest::new("embargo")).is_ok());
}
