//! Ontology-aware search cost on the bundled content with every ontology in
//! ../shared/data/ontologies loaded (PaNET, EDAM, NeXus, schema.org, ...): term
//! recognition alone, and keyword search with and without it, over ≥ 200 queries:
//! the bundled articles' titles and headings, and sentences naming real PaNET and
//! EDAM terms by label and synonym. Also the one-off cost of the first search of a
//! generation (articles per term, read from the graph).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use eoskb::config::Config;
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::query::{self, KnowledgeBase, Mode, SearchRequest, TermSearch};

/// Titles and headings of the bundled articles, and sentences around real names.
fn queries(kb: &KnowledgeBase) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    let all = query::search(
        kb,
        &SearchRequest {
            limit: 100,
            mode: Mode::Keyword,
            recognise: false,
            ..SearchRequest::new("*")
        },
    )
    .expect("list articles");
    for hit in all.hits {
        let article = query::get_article(kb, &hit.id).expect("article").article;
        out.insert(article.title.clone());
        out.extend(article.sections.into_iter().map(|s| s.heading));
    }
    for seed in [
        "scattering",
        "diffraction",
        "tomography",
        "spectroscopy",
        "format",
    ] {
        let terms = query::search_terms(
            kb,
            &TermSearch {
                q: seed.into(),
                limit: 20,
                ..Default::default()
            },
        )
        .expect("term search");
        for hit in terms.hits {
            if let Some(label) = hit.label {
                out.insert(format!("how do I publish {label} data from my beamtime"));
            }
        }
    }
    out.into_iter()
        .map(|q| {
            q.replace(
                ['(', ')', '"', ':', '[', ']', '{', '}', '^', '~', '*', '!'],
                " ",
            )
        })
        .filter(|q| !q.trim().is_empty())
        .collect()
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let out = work();
    (out, started.elapsed())
}

fn recognise(c: &mut Criterion) {
    let Some(ontologies) = common::ontologies() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = DataDir::new(tmp.path().join("data"));
    index::run(
        &data,
        &IndexOptions {
            content: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("content")],
            ontologies: vec![ontologies],
            config: Config::default(),
            ..Default::default()
        },
    )
    .expect("index");
    let kb = KnowledgeBase::open(&data, None).expect("open");
    let (_, first) = timed(|| kb.term_usage().is_empty());
    println!(
        "articles per term (first search of a generation): {:.2} ms",
        first.as_secs_f64() * 1e3
    );
    let queries = queries(&kb);
    assert!(queries.len() >= 200, "only {} queries", queries.len());

    let mut recognition = Vec::new();
    let mut recognised = 0;
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        for q in &queries {
            let (terms, took) = timed(|| query::recognise_terms(&kb, q).expect("recognise"));
            recognised += usize::from(!terms.is_empty());
            recognition.push(took);
            for (recognise, times) in [(true, &mut with), (false, &mut without)] {
                let request = SearchRequest {
                    mode: Mode::Keyword,
                    recognise,
                    ..SearchRequest::new(q.as_str())
                };
                let (response, took) = timed(|| query::search(&kb, &request));
                response.expect("search");
                times.push(took);
            }
        }
    }
    for times in [&mut recognition, &mut with, &mut without] {
        times.sort();
    }
    println!(
        "{} queries x 5 ({} name a term): recognition p50 {:.3} ms, p99 {:.3} ms",
        queries.len(),
        recognised / 5,
        common::percentile_ms(&recognition, 0.5),
        common::percentile_ms(&recognition, 0.99)
    );
    for (name, times) in [("with", &with), ("without", &without)] {
        println!(
            "keyword search {name} recognition: p50 {:.3} ms, p99 {:.3} ms",
            common::percentile_ms(times, 0.5),
            common::percentile_ms(times, 0.99)
        );
    }

    c.bench_function("recognise_terms mix", |b| {
        b.iter(|| {
            for q in &queries {
                query::recognise_terms(&kb, q).expect("recognise");
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = recognise
}
criterion_main!(benches);
