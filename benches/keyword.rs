//! Keyword query latency over a mix of real queries: the section headings and
//! titles of RDMkit (a few hundred distinct, varied phrasings). Prints p50/p99 of
//! single queries, then lets criterion time the whole mix.

mod common;

use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::query::{self, KnowledgeBase, Mode, SearchRequest};

fn queries(kb: &KnowledgeBase) -> Vec<String> {
    // Headings of every section, found through the API itself.
    let mut seen = std::collections::BTreeSet::new();
    let response = query::search(
        kb,
        &SearchRequest {
            limit: 100,
            mode: Mode::Keyword,
            ..SearchRequest::new("*")
        },
    )
    .unwrap();
    let mut out = Vec::new();
    let mut offset = 0;
    let mut ids: Vec<String> = response.hits.iter().map(|h| h.id.clone()).collect();
    while ids.len() < response.total {
        offset += 100;
        let page = query::search(
            kb,
            &SearchRequest {
                limit: 100,
                offset,
                mode: Mode::Keyword,
                ..SearchRequest::new("*")
            },
        )
        .unwrap();
        ids.extend(page.hits.into_iter().map(|h| h.id));
    }
    for id in ids {
        let article = query::get_article(kb, &id).unwrap().article;
        for text in
            std::iter::once(article.title).chain(article.sections.into_iter().map(|s| s.heading))
        {
            let q = text.to_lowercase().replace(
                ['(', ')', '"', ':', '[', ']', '{', '}', '^', '~', '*', '!'],
                " ",
            );
            if q.split_whitespace().count() >= 1 && seen.insert(q.clone()) {
                out.push(q);
            }
        }
    }
    out
}

fn keyword(c: &mut Criterion) {
    let Some(corpus) = common::corpus("rdmkit") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path());
    index::run(
        &data,
        &IndexOptions {
            strict: false,
            full: false,
            ..IndexOptions::new(vec![corpus])
        },
    )
    .unwrap();
    let kb = KnowledgeBase::open(&data, None).unwrap();
    let queries = queries(&kb);
    assert!(queries.len() >= 200, "only {} queries", queries.len());

    let mut times = Vec::with_capacity(queries.len() * 10);
    for _ in 0..10 {
        for q in &queries {
            let request = SearchRequest {
                mode: Mode::Keyword,
                ..SearchRequest::new(q.as_str())
            };
            let started = Instant::now();
            let response = query::search(&kb, &request);
            times.push(started.elapsed());
            assert!(
                response.is_ok(),
                "{q}: {response:?}",
                response = response.err()
            );
        }
    }
    times.sort();
    println!(
        "keyword latency over {} queries x 10 (limit 10, snippets, facets): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        queries.len(),
        common::percentile(&times, 0.5).as_secs_f64() * 1e3,
        common::percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
    );

    c.bench_function("keyword_query_rdmkit", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % queries.len();
            query::search(
                &kb,
                &SearchRequest {
                    mode: Mode::Keyword,
                    ..SearchRequest::new(queries[i].as_str())
                },
            )
            .unwrap()
        })
    });
}

criterion_group!(benches, keyword);
criterion_main!(benches);
