//! Term search latency over ≥ 200 queries drawn from the real ontologies in
//! ../shared/data/ontologies: exact labels and synonyms, prefixes as typed
//! (autocomplete), and one-typo variants. Prints p50/p99 per kind and overall,
//! then lets criterion time the whole mix.

mod common;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::query::{self, KnowledgeBase, TermSearch};

/// Labels and synonyms from the index itself (terms found by searching common words).
fn names(kb: &KnowledgeBase) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for seed in [
        "scattering",
        "diffraction",
        "spectroscopy",
        "imaging",
        "data",
        "format",
        "sequence",
        "analysis",
        "x-ray",
        "neutron",
        "has",
        "part",
        "agent",
        "dataset",
        "entity",
        "NXsample",
        "protein",
        "tomography",
        "microscopy",
        "identifier",
    ] {
        let response = query::search_terms(
            kb,
            &TermSearch {
                q: seed.into(),
                limit: 100,
                ..Default::default()
            },
        )
        .expect("search");
        for hit in response.hits {
            if let Some(label) = hit.label
                && label.len() >= 6
                && seen.insert(label.clone())
            {
                let details = query::lookup_term(kb, &hit.iri).expect("lookup");
                let synonyms = details
                    .term
                    .synonyms
                    .iter()
                    .map(|s| s.value.clone())
                    .collect();
                out.push((label, synonyms));
            }
        }
    }
    out
}

/// A one-letter typo (swap two inner letters of the longest word).
fn typo(label: &str) -> Option<String> {
    let words: Vec<&str> = label.split_whitespace().collect();
    let (i, longest) = words.iter().enumerate().max_by_key(|(_, w)| w.len())?;
    let chars: Vec<char> = longest.chars().collect();
    if chars.len() < 6 || !chars.iter().all(|c| c.is_alphabetic()) {
        return None;
    }
    let mut changed = chars.clone();
    changed.swap(2, 3);
    if changed == chars {
        return None;
    }
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    out[i] = changed.into_iter().collect();
    Some(out.join(" "))
}

fn terms(c: &mut Criterion) {
    let Some(ontologies) = common::ontologies() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = DataDir::new(tmp.path().join("data"));
    index::run(
        &data,
        &IndexOptions {
            ontologies: vec![ontologies],
            ..Default::default()
        },
    )
    .expect("index");
    let kb = KnowledgeBase::open(&data, None).expect("open");
    let names = names(&kb);
    let mut queries: Vec<(&str, String)> = Vec::new();
    for (label, synonyms) in &names {
        queries.push(("exact", label.clone()));
        if let Some(s) = synonyms.first() {
            queries.push(("synonym", s.clone()));
        }
        let cut: String = label.chars().take(label.chars().count() * 6 / 10).collect();
        queries.push(("prefix", cut));
        if let Some(t) = typo(label) {
            queries.push(("typo", t));
        }
    }
    assert!(queries.len() >= 200, "only {} queries", queries.len());
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    let mut all = Vec::new();
    let mut found = 0;
    for (kind, q) in &queries {
        let request = TermSearch {
            q: q.clone(),
            limit: 10,
            ..Default::default()
        };
        let started = Instant::now();
        let response = query::search_terms(&kb, &request).expect("search");
        let took = started.elapsed();
        found += usize::from(response.total > 0);
        by_kind.entry(kind).or_default().push(took);
        all.push(took);
    }
    all.sort();
    println!(
        "term search: {} queries ({} with hits) over {} terms: p50 {:.2} ms, p99 {:.2} ms",
        queries.len(),
        found,
        kb.manifest()
            .ontologies
            .values()
            .map(|o| o.info.counts.terms)
            .sum::<usize>(),
        common::percentile(&all, 0.5).as_secs_f64() * 1e3,
        common::percentile(&all, 0.99).as_secs_f64() * 1e3
    );
    for (kind, mut times) in by_kind {
        times.sort();
        println!(
            "  {kind:8} {:4} queries: p50 {:.2} ms, p99 {:.2} ms",
            times.len(),
            common::percentile(&times, 0.5).as_secs_f64() * 1e3,
            common::percentile(&times, 0.99).as_secs_f64() * 1e3
        );
    }
    c.bench_function("term search mix", |b| {
        b.iter(|| {
            for (_, q) in &queries {
                let request = TermSearch {
                    q: q.clone(),
                    limit: 10,
                    ..Default::default()
                };
                query::search_terms(&kb, &request).expect("search");
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = terms
}
criterion_main!(benches);
