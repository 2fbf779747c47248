//! `eoskb check` over 200 articles with the ontologies already indexed (the
//! target: under 1 s). The articles are the bundled `content/` four times over,
//! with ids and titles made unique; the ontologies are `ontologies/` plus, when
//! present, every ontology in ../shared/data/ontologies (PaNET, NeXus, EDAM, ...).

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use eoskb::check::{CheckOptions, check};
use eoskb::index::{self, DataDir, IndexOptions};

const COPIES: usize = 4;

/// `content/` copied `COPIES` times under `to`, each copy with its own ids and titles.
fn corpus(to: &Path) -> usize {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut files = 0;
    for copy in 1..=COPIES {
        for entry in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let rel = entry.path().strip_prefix(&from).expect("under content");
            let target = to.join(format!("copy-{copy}")).join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).expect("create folder");
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("read article");
            let text: String = text
                .lines()
                .map(|line| match line.split_once(": ") {
                    Some(("id", id)) => format!("id: {id}-{copy}\n"),
                    Some(("title", title)) => {
                        format!("title: \"({copy}) {}\"\n", title.trim_matches('"'))
                    }
                    _ => format!("{line}\n"),
                })
                .collect();
            std::fs::write(&target, text).expect("write article");
            files += 1;
        }
    }
    files
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let content = tmp.path().join("content");
    let files = corpus(&content);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ontologies: Vec<PathBuf> = vec![root.join("ontologies")];
    ontologies.extend(common::ontologies());

    let data = DataDir::new(tmp.path().join("data"));
    let started = Instant::now();
    let report = index::run(
        &data,
        &IndexOptions {
            ontologies: ontologies.clone(),
            ..IndexOptions::new(vec![content.clone()])
        },
    )
    .expect("index");
    eprintln!(
        "indexed {} articles and {} ontologies (keyword only) in {:.1} s",
        report.articles,
        report.ontologies,
        started.elapsed().as_secs_f64()
    );

    let options = CheckOptions {
        ontologies,
        ontologies_optional: false,
        data: Some(data),
        ..CheckOptions::new(vec![content])
    };
    let report = check(&options).expect("check");
    eprintln!(
        "check of {files} articles: {:.0} ms, {} errors, {} warnings",
        report.took.as_secs_f64() * 1000.0,
        report.errors,
        report.warnings
    );
    assert_eq!(report.files, files);

    let mut group = c.benchmark_group("check");
    group.sample_size(20);
    group.bench_function(format!("{files} articles, ontologies indexed"), |b| {
        b.iter(|| check(&options).expect("check"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
