//! One `eoskb index` run: scan the content folders, re-process only what changed,
//! write a new generation and publish it atomically.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Error;
use super::datadir::{DataDir, link_tree};
use super::manifest::{self, FileEntry, GraphConfig, Manifest, SCHEMA_VERSION};
use super::ontology_run::{self, ArticleChanges};
use super::text::TextIndex;
use crate::config::Config;
use crate::ingest::{self, ContentFile, Diagnostic, Severity};
use crate::model::Article;

/// What to index and how.
#[derive(Debug, Clone, Default)]
pub struct IndexOptions {
    /// Content folders, in priority order for shared ids.
    pub content: Vec<PathBuf>,
    /// Publish nothing if any file has an error.
    pub strict: bool,
    /// Ignore the previous generation and rebuild everything.
    pub full: bool,
    /// Ontology files or folders.
    pub ontologies: Vec<PathBuf>,
    /// Whether a missing ontology path is fine (the default `ontologies/` folder).
    pub ontologies_optional: bool,
    /// Base IRI, prefixes (content graph).
    pub config: Config,
}

/// What a run did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct IndexReport {
    pub files: usize,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub deleted: Vec<String>,
    pub unchanged: usize,
    /// Ontology files parsed by this run, and deleted since the last one.
    pub ontologies_loaded: Vec<String>,
    pub ontologies_deleted: Vec<String>,
    /// Ontology files in the published generation.
    pub ontologies: usize,
    pub articles: usize,
    pub sections: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// False when nothing changed, or `--strict` found errors.
    pub published: bool,
    /// Whether the previous generation was ignored (first run, `--full`, new schema).
    pub full_rebuild: bool,
    #[serde(serialize_with = "as_millis")]
    pub took: Duration,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

impl IndexReport {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Files re-processed by this run.
    pub fn reprocessed(&self) -> usize {
        self.added.len() + self.changed.len()
    }
}

/// A scanned file and what this run does with it.
enum Outcome {
    Unchanged(FileEntry),
    Parsed(Box<Article>, String),
    Failed,
}

/// Runs one index pass over `options.content` into `data`.
pub fn run(data: &DataDir, options: &IndexOptions) -> Result<IndexReport, Error> {
    let started = Instant::now();
    let lock = data.lock()?;
    let base_dir = data.current()?;
    let graph_config = GraphConfig {
        base_iri: options.config.base_iri.clone(),
        prefixes: options.config.prefix_map().map,
    };
    // A new base IRI or prefix table changes every article's triples: rebuild.
    let base = match (&base_dir, options.full) {
        (Some(dir), false) => Manifest::load(dir)
            .ok()
            .filter(|m| m.schema_version == SCHEMA_VERSION && m.graph_config == graph_config),
        _ => None,
    };
    let mut report = IndexReport {
        full_rebuild: base.is_none(),
        ..IndexReport::default()
    };
    let previous = base.clone().unwrap_or_default();

    let (files, scan_problems) = ingest::scan(&options.content);
    report.diagnostics.extend(scan_problems);
    report.files = files.len();

    let mut outcomes: Vec<(ContentFile, Outcome)> = files
        .into_iter()
        .map(|file| {
            let outcome = examine(&file, &previous, &mut report.diagnostics);
            (file, outcome)
        })
        .collect();
    resolve_ids(&mut outcomes, &mut report.diagnostics);

    // Keys of files that stay in the index, and the new manifest.
    let roots: Vec<String> = options
        .content
        .iter()
        .map(|r| ingest::normalise_root(r))
        .collect();
    let mut next = Manifest {
        schema_version: SCHEMA_VERSION,
        indexed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        roots: roots.clone(),
        files: Default::default(),
        ontology_roots: options
            .ontologies
            .iter()
            .map(|r| ingest::normalise_root(r))
            .collect(),
        ontologies: Default::default(),
        graph_config,
    };
    let plan = ontology_run::plan(
        &options.ontologies,
        options.ontologies_optional,
        &previous,
        &options.config,
        &mut report.diagnostics,
    );
    report.ontologies_loaded = plan.parsed.iter().map(|(_, f, _, _)| f.display()).collect();
    report.ontologies_deleted = plan.deleted.clone();
    report.ontologies = plan.kept.len() + plan.parsed.len();
    let mut to_add: Vec<Article> = Vec::new();
    for (file, outcome) in outcomes {
        let key = key_of(&file);
        match outcome {
            Outcome::Unchanged(entry) => {
                next.files.insert(key, entry);
            }
            Outcome::Parsed(article, hash) => {
                if previous.files.contains_key(&key) {
                    report.changed.push(file.display());
                } else {
                    report.added.push(file.display());
                }
                next.files.insert(
                    key,
                    FileEntry {
                        root: file.root.clone(),
                        path: file.rel.clone(),
                        hash,
                        id: article.id.clone(),
                        sections: article.sections.len(),
                    },
                );
                to_add.push(*article);
            }
            Outcome::Failed => {}
        }
    }
    let removed: Vec<String> = previous
        .files
        .keys()
        .filter(|k| !next.files.contains_key(*k))
        .cloned()
        .collect();
    report.deleted = removed
        .iter()
        .filter_map(|k| previous.files.get(k))
        .map(|e| format!("{}/{}", e.root, e.path))
        .collect();
    report.unchanged = next.files.len() - to_add.len();
    report.articles = next.articles();
    report.sections = next.sections();

    if options.strict && report.errors() > 0 {
        report.took = started.elapsed();
        return Ok(report);
    }
    let nothing_changed = base.is_some()
        && to_add.is_empty()
        && removed.is_empty()
        && previous.roots == roots
        && !plan.changed()
        && previous.ontology_roots == next.ontology_roots;
    if nothing_changed {
        report.took = started.elapsed();
        return Ok(report);
    }

    // Content-graph triples go by article id: deleted files' ids, and the old id
    // of every re-parsed file (its id may have changed).
    let removed_ids: Vec<String> = removed
        .iter()
        .chain(
            to_add
                .iter()
                .map(|a| &a.source)
                .map(|s| s.key())
                .collect::<Vec<_>>()
                .iter(),
        )
        .filter_map(|k| previous.files.get(k))
        .map(|e| e.id.clone())
        .collect();
    let generation = data.new_generation(&lock)?;
    let base_generation = base.as_ref().and(base_dir.as_ref());
    let written = write_generation(&generation, base_generation, &removed, &to_add, &next)
        .and_then(|()| {
            ontology_run::write(
                &generation,
                base_generation.map(|p| p.as_path()),
                plan,
                ArticleChanges {
                    removed_ids,
                    added: &to_add,
                },
                &options.config,
                &mut next,
                &mut report.diagnostics,
            )?;
            next.save(&generation)
        });
    match written {
        Ok(()) => data.publish(&generation, &lock)?,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&generation);
            return Err(e);
        }
    }
    report.published = true;
    report.took = started.elapsed();
    Ok(report)
}

fn key_of(file: &ContentFile) -> String {
    crate::model::SourceRef {
        root: file.root.clone(),
        path: file.rel.clone(),
        body_line: 0,
    }
    .key()
}

/// Reads a file and decides whether it needs parsing.
fn examine(file: &ContentFile, previous: &Manifest, diagnostics: &mut Vec<Diagnostic>) -> Outcome {
    let bytes = match ingest::read(file) {
        Ok(bytes) => bytes,
        Err(d) => {
            diagnostics.push(d);
            return Outcome::Failed;
        }
    };
    let hash = manifest::hash(&bytes);
    if let Some(entry) = previous.files.get(&key_of(file))
        && entry.hash == hash
    {
        return Outcome::Unchanged(entry.clone());
    }
    match ingest::parse_article(file, &bytes) {
        Ok((article, warnings)) => {
            diagnostics.extend(warnings);
            Outcome::Parsed(Box::new(article), hash)
        }
        Err(d) => {
            diagnostics.push(d);
            Outcome::Failed
        }
    }
}

/// The first file (in content-folder order, then path order) keeps an id; a later
/// file claiming it is reported and falls back to its path id (or, if that is
/// taken too, is skipped), so a full and an incremental run agree.
fn resolve_ids(outcomes: &mut [(ContentFile, Outcome)], diagnostics: &mut Vec<Diagnostic>) {
    let mut owners: HashMap<String, String> = HashMap::new();
    for (file, outcome) in outcomes.iter_mut() {
        let id = match outcome {
            Outcome::Unchanged(entry) => entry.id.clone(),
            Outcome::Parsed(article, _) => article.id.clone(),
            Outcome::Failed => continue,
        };
        let Some(owner) = owners.get(&id).cloned() else {
            owners.insert(id, file.display());
            continue;
        };
        if matches!(outcome, Outcome::Unchanged(_)) {
            // It kept this id last run but an earlier file now claims it: parse it
            // again so it can fall back to its path id like any other file.
            *outcome = examine(file, &Manifest::default(), diagnostics);
        }
        let fallback = ingest::path_slug(&file.rel);
        let message = format!("duplicate id `{id}`: already used by {owner}; set a unique `id`");
        match outcome {
            Outcome::Parsed(article, _) if !owners.contains_key(&fallback) => {
                diagnostics.push(Diagnostic::warning(
                    file.display(),
                    1,
                    format!("{message} (using `{fallback}` meanwhile)"),
                ));
                article.id = fallback.clone();
                owners.insert(fallback, file.display());
            }
            _ => {
                diagnostics.push(Diagnostic::error(file.display(), 1, message));
                *outcome = Outcome::Failed;
            }
        }
    }
}

fn write_generation(
    generation: &std::path::Path,
    base: Option<&PathBuf>,
    removed: &[String],
    to_add: &[Article],
    manifest: &Manifest,
) -> Result<(), Error> {
    let text_dir = generation.join("text");
    let index = match base {
        Some(base) => {
            link_tree(&base.join("text"), &text_dir)?;
            TextIndex::open(&text_dir)?
        }
        None => TextIndex::create(&text_dir)?,
    };
    let mut writer = index.writer()?;
    for key in removed {
        writer.delete_file(key);
    }
    for article in to_add {
        writer.delete_file(&article.source.key());
        writer.add(article)?;
    }
    writer.commit()?;
    manifest.save(generation)
}
