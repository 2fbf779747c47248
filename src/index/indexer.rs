//! One `eoskb index` run: scan the content folders, re-process only what changed,
//! write a new generation and publish it atomically.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Error;
use super::datadir::{DataDir, link_tree};
use super::manifest::{self, FileEntry, GraphConfig, Manifest, SCHEMA_VERSION};
use super::ontology_run::{self, ArticleChanges};
use super::passages::{Passages, embed_passages};
use super::text::TextIndex;
use super::vectors::{RowOwner, Vectors};
use crate::config::Config;
use crate::embed::{SentenceEncoder, chunk_text};
use crate::ingest::{self, ContentFile, Diagnostic, Severity};
use crate::model::{Article, Section};

mod attach;
mod versions;

/// What to index and how.
#[derive(Clone, Default)]
pub struct IndexOptions {
    /// Content folders, in priority order for shared ids.
    pub content: Vec<PathBuf>,
    /// Publish nothing if any file has an error.
    pub strict: bool,
    /// Ignore the previous generation and rebuild everything.
    pub full: bool,
    /// Embeds sections for semantic search; `None` builds a keyword-only index.
    pub encoder: Option<Arc<SentenceEncoder>>,
    /// Re-embed everything with `encoder` even if the index used another model.
    pub reembed: bool,
    /// Ontology files or folders.
    pub ontologies: Vec<PathBuf>,
    /// Whether a missing ontology path is fine (the default `ontologies/` folder).
    pub ontologies_optional: bool,
    /// Base IRI, prefixes (content graph).
    pub config: Config,
}

impl IndexOptions {
    /// Options for indexing `content` incrementally, keyword only.
    pub fn new(content: Vec<PathBuf>) -> Self {
        IndexOptions {
            content,
            ..IndexOptions::default()
        }
    }

    pub fn with_encoder(mut self, encoder: Option<Arc<SentenceEncoder>>) -> Self {
        self.encoder = encoder;
        self
    }
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
    /// Model whose vectors the index holds, if any.
    pub model: Option<String>,
    /// Section pieces embedded by this run.
    pub embedded: usize,
    /// Passages (sentences for `ask`) embedded by this run.
    pub passages_embedded: usize,
    /// Section pieces with a vector in the published index.
    pub vectors: usize,
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
    /// Read again: its items (possibly none) and the hash of its bytes.
    Parsed(Vec<Article>, String),
    Failed,
}

/// Runs one index pass over `options.content` into `data`.
pub fn run(data: &DataDir, options: &IndexOptions) -> Result<IndexReport, Error> {
    let started = Instant::now();
    let lock = data.lock()?;
    let base_dir = data.current()?;
    let previous_vectors = match &base_dir {
        Some(dir) => Vectors::load(dir).ok().flatten(),
        None => None,
    };
    let previous_passages = match &base_dir {
        Some(dir) => Passages::load(dir).ok().flatten(),
        None => None,
    };
    // Vectors of one model only: another model's rows are never mixed in.
    let mut full = options.full || options.reembed;
    if let Some(encoder) = &options.encoder {
        match &previous_vectors {
            Some(v) if v.model_id != encoder.id() && !full && !v.is_empty() => {
                return Err(Error::ModelChanged {
                    indexed: v.model_id.clone(),
                    requested: encoder.id().to_string(),
                });
            }
            // Passages came later than section vectors: an index without them
            // needs every article embedded again.
            Some(v)
                if v.model_id == encoder.id()
                    && previous_passages
                        .as_ref()
                        .is_some_and(|p| p.model_id == encoder.id()) => {}
            // No vectors yet (or another model, explicitly): every section is needed.
            _ => full = true,
        }
    }
    let graph_config = GraphConfig {
        base_iri: options.config.base_iri.clone(),
        prefixes: options.config.prefix_map().map,
    };
    // A new base IRI or prefix table changes every article's triples: rebuild.
    let base = match (&base_dir, full) {
        (Some(dir), false) => Manifest::load(dir)
            .ok()
            .filter(|m| m.schema_version == SCHEMA_VERSION && m.graph_config == graph_config),
        _ => None,
    };
    let mut report = IndexReport {
        full_rebuild: base.is_none(),
        model: options.encoder.as_ref().map(|e| e.id().to_string()),
        ..IndexReport::default()
    };
    let previous = base.clone().unwrap_or_default();

    let (files, scan_problems) = ingest::scan(&options.content);
    report.diagnostics.extend(scan_problems);
    report.files = files.len();

    let max_bytes = options.config.index.max_file_bytes;
    let (pdfs, files): (Vec<ContentFile>, Vec<ContentFile>) =
        files.into_iter().partition(attach::is_pdf);
    let mut outcomes: Vec<(ContentFile, Outcome)> = files
        .into_iter()
        .map(|file| {
            let outcome = examine(&file, &previous, max_bytes, &mut report.diagnostics);
            (file, outcome)
        })
        .collect();
    resolve_ids(&mut outcomes, max_bytes, &mut report.diagnostics);
    let claimed = claim_pdfs(
        &mut outcomes,
        pdfs,
        &previous,
        max_bytes,
        &mut report.diagnostics,
    );
    // Id claims and version groups settle together: a file either reads again
    // may be one the other must see.
    loop {
        resolve_ids(&mut outcomes, max_bytes, &mut report.diagnostics);
        if !versions::widen(&mut outcomes, &previous, max_bytes, &mut report.diagnostics) {
            break;
        }
    }
    let attachments = attach_claimed(&mut outcomes, claimed, &mut report.diagnostics);
    // Before the merge takes folded versions out: the names they list still claim PDFs.
    let listed: HashMap<usize, Vec<String>> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, (_, outcome))| match outcome {
            Outcome::Parsed(articles, _) => Some((i, attach::listed_names(articles))),
            _ => None,
        })
        .collect();
    let mut foldings = versions::merge(&mut outcomes);

    // Keys of files that stay in the index, and the new manifest.
    let roots: Vec<String> = options
        .content
        .iter()
        .map(|r| ingest::normalise_root(r))
        .collect();
    let ontology_paths = ontology_paths(
        &options.ontologies,
        &options.config,
        &mut report.diagnostics,
    );
    let mut next = Manifest {
        schema_version: SCHEMA_VERSION,
        indexed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        roots: roots.clone(),
        files: Default::default(),
        model_id: None,
        ontology_roots: ontology_paths
            .iter()
            .map(|r| ingest::normalise_root(r))
            .collect(),
        ontologies: Default::default(),
        graph_config,
    };
    let plan = ontology_run::plan(
        &ontology_paths,
        options.ontologies_optional,
        &previous,
        &options.config,
        &mut report.diagnostics,
    );
    report.ontologies_loaded = plan.parsed.iter().map(|(_, f, _, _)| f.display()).collect();
    report.ontologies_deleted = plan.deleted.clone();
    report.ontologies = plan.kept.len() + plan.parsed.len();
    let mut to_add: Vec<Article> = Vec::new();
    // Keys of the files read again: their old documents, vectors and triples go,
    // whatever (and however many) items they yield now.
    let mut reread: Vec<String> = Vec::new();
    for (i, (file, outcome)) in outcomes.into_iter().enumerate() {
        let key = key_of(&file);
        match outcome {
            Outcome::Unchanged(entry) => {
                next.files.insert(key, entry);
            }
            Outcome::Parsed(articles, hash) => {
                let attached = attachments.get(&key).cloned().unwrap_or_default();
                let folding = foldings.remove(&i).unwrap_or_default();
                reread.push(key.clone());
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
                        ids: articles.iter().map(|a| a.id.clone()).collect(),
                        sections: articles.iter().map(|a| a.sections.len()).sum(),
                        listed: listed.get(&i).cloned().unwrap_or_default(),
                        attachments: attached,
                        concepts: folding.concepts,
                        folded: folding.folded,
                    },
                );
                to_add.extend(articles);
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
    report.unchanged = next.files.len() - report.added.len() - report.changed.len();
    report.articles = next.articles();
    report.sections = next.sections();

    if options.strict && report.errors() > 0 {
        report.took = started.elapsed();
        return Ok(report);
    }
    let had_vectors = previous_vectors.is_some();
    let nothing_changed = base.is_some()
        && to_add.is_empty()
        && removed.is_empty()
        && previous.roots == roots
        && !plan.changed()
        && previous.ontology_roots == next.ontology_roots
        && base_dir
            .as_ref()
            .is_some_and(|b| super::terms::is_current(&b.join("terms")))
        && had_vectors == options.encoder.is_some();
    if nothing_changed {
        report.vectors = previous_vectors.map_or(0, |v| v.len());
        report.took = started.elapsed();
        return Ok(report);
    }

    let vectors = match &options.encoder {
        Some(encoder) => {
            // Rows of changed and deleted files go; the changed files' new sections come in.
            let replaced: HashSet<String> = removed
                .iter()
                .cloned()
                .chain(reread.iter().cloned())
                .collect();
            let mut vectors = match (previous_vectors, &base) {
                (Some(v), Some(_)) => v,
                _ => Vectors::new(encoder.id(), encoder.dim()),
            };
            vectors.retain_files(|key| !replaced.contains(key));
            report.embedded = embed_articles(encoder, &to_add, &mut vectors)?;
            report.vectors = vectors.len();
            let mut passages = match (previous_passages, &base) {
                (Some(p), Some(_)) => p,
                _ => Passages::new(encoder.id(), encoder.dim()),
            };
            passages.retain_files(|key| !replaced.contains(key));
            report.passages_embedded = embed_passages(encoder, &to_add, &mut passages)?;
            Some((vectors, passages))
        }
        None => {
            if had_vectors {
                tracing::warn!(
                    "no embedding model: the new index has no vectors, so semantic search is off"
                );
            }
            None
        }
    };
    next.model_id = vectors.as_ref().map(|(v, _)| v.model_id.clone());

    // Content-graph triples go by article id: deleted files' ids, and the old ids
    // of every re-read file (its ids may have changed).
    let removed_ids: Vec<String> = removed
        .iter()
        .chain(reread.iter())
        .filter_map(|k| previous.files.get(k))
        .flat_map(|e| e.ids.iter().cloned())
        .collect();
    let generation = data.new_generation(&lock)?;
    let base_generation = base.as_ref().and(base_dir.as_ref());
    let stale: Vec<String> = removed.iter().chain(&reread).cloned().collect();
    let written = write_generation(&generation, base_generation, &stale, &to_add, &next)
        .and_then(|()| {
            vectors.as_ref().map_or(Ok(()), |(v, p)| {
                v.save(&generation)?;
                p.save(&generation)
            })
        })
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
fn examine(
    file: &ContentFile,
    previous: &Manifest,
    max_bytes: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Outcome {
    let bytes = match ingest::read(file, max_bytes) {
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
    let reading = ingest::read_items(file, &bytes);
    let failed = reading.articles.is_empty()
        && reading
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
    diagnostics.extend(reading.diagnostics);
    if failed {
        Outcome::Failed
    } else {
        Outcome::Parsed(reading.articles, hash)
    }
}

/// The PDFs each record file (by position in the outcomes) claims, read.
type Claimed = HashMap<usize, Vec<(ContentFile, Vec<u8>)>>;

/// Finds the record that claims each PDF (see `attach`) and reads those PDFs;
/// a PDF nobody claims is examined on its own, appended to `outcomes`. A record
/// whose PDFs changed, appeared or went away is read again even if its own
/// bytes did not change. [`attach_claimed`] then makes the PDFs their bodies.
fn claim_pdfs(
    outcomes: &mut Vec<(ContentFile, Outcome)>,
    pdfs: Vec<ContentFile>,
    previous: &Manifest,
    max_bytes: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Claimed {
    let owners = attach::owners(outcomes, &pdfs);
    let mut claimed: Claimed = HashMap::new();
    let mut alone = Vec::new();
    for (pdf, owner) in pdfs.into_iter().zip(owners) {
        match owner {
            Some(owner) => match ingest::read(&pdf, max_bytes) {
                Ok(bytes) => claimed.entry(owner).or_default().push((pdf, bytes)),
                Err(problem) => diagnostics.push(problem),
            },
            None => alone.push(pdf),
        }
    }
    for (i, (file, outcome)) in outcomes.iter_mut().enumerate() {
        if let Outcome::Unchanged(entry) = outcome
            && entry.attachments != attachments_of(claimed.get(&i))
        {
            *outcome = examine(file, &Manifest::default(), max_bytes, diagnostics);
        }
    }
    for pdf in alone {
        let outcome = examine(&pdf, previous, max_bytes, diagnostics);
        outcomes.push((pdf, outcome));
    }
    claimed
}

/// The attachments a record file's manifest entry lists for its claimed PDFs.
fn attachments_of(pdfs: Option<&Vec<(ContentFile, Vec<u8>)>>) -> Vec<manifest::Attachment> {
    attach::attachments(
        pdfs.into_iter()
            .flatten()
            .map(|(pdf, bytes)| manifest::Attachment {
                path: pdf.rel.clone(),
                hash: manifest::hash(bytes),
            })
            .collect(),
    )
}

/// Reads the claimed PDFs of every record file read by this run into its
/// items. Returns each such file's attachments by file key, for its manifest entry.
fn attach_claimed(
    outcomes: &mut [(ContentFile, Outcome)],
    mut claimed: Claimed,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<String, Vec<manifest::Attachment>> {
    let mut attachments = HashMap::new();
    for (i, (file, outcome)) in outcomes.iter_mut().enumerate() {
        let Outcome::Parsed(items, _) = outcome else {
            continue;
        };
        let pdfs = claimed.remove(&i);
        let now = attachments_of(pdfs.as_ref());
        for (pdf, bytes) in pdfs.iter().flatten() {
            let reading = ingest::read_items(pdf, bytes);
            diagnostics.extend(reading.diagnostics);
            attach::merge(items, pdf, reading.articles, bytes.len() as u64);
        }
        attachments.insert(key_of(file), now);
    }
    attachments
}

/// The first file (in content-folder order, then path order) keeps an id; a later
/// claim is reported, so a full and an incremental run agree. An article written
/// in Markdown falls back to its path id (or, if that is taken too, the file is
/// refused); a record that describes an output already described (the same DOI in
/// a DataCite and a Zenodo file) is left out, since both name one thing.
fn resolve_ids(
    outcomes: &mut [(ContentFile, Outcome)],
    max_bytes: u64,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut owners: HashMap<String, String> = HashMap::new();
    for (file, outcome) in outcomes.iter_mut() {
        if let Outcome::Unchanged(entry) = outcome {
            if entry.claims().all(|id| !owners.contains_key(id)) {
                for id in entry.claims() {
                    owners.insert(id.clone(), file.display());
                }
                continue;
            }
            // It kept its ids last run but an earlier file now claims one: read
            // it again so it resolves like any other file.
            *outcome = examine(file, &Manifest::default(), max_bytes, diagnostics);
        }
        let Outcome::Parsed(articles, _) = outcome else {
            continue;
        };
        let mut refused = false;
        articles.retain_mut(|article| {
            let Some(owner) = owners.get(&article.id).cloned() else {
                owners.insert(article.id.clone(), file.display());
                return true;
            };
            if article.record.is_some() {
                diagnostics.push(Diagnostic::warning(
                    file.display(),
                    article.source.body_line,
                    format!(
                        "`{}` is already described by {owner}; this description is left out",
                        article.id
                    ),
                ));
                return false;
            }
            let fallback = ingest::path_slug(&file.rel);
            let message = format!(
                "duplicate id `{}`: already used by {owner}; set a unique `id`",
                article.id
            );
            if owners.contains_key(&fallback) {
                diagnostics.push(Diagnostic::error(file.display(), 1, message));
                refused = true;
                return false;
            }
            diagnostics.push(Diagnostic::warning(
                file.display(),
                1,
                format!("{message} (using `{fallback}` meanwhile)"),
            ));
            article.id = fallback.clone();
            owners.insert(fallback, file.display());
            true
        });
        if refused && articles.is_empty() {
            *outcome = Outcome::Failed;
        }
    }
}

/// Builds a fresh generation from articles already in memory (collections that
/// are not Markdown folders, such as evaluation corpora), and publishes it.
pub fn build(
    data: &DataDir,
    articles: &[Article],
    encoder: Option<&SentenceEncoder>,
) -> Result<IndexReport, Error> {
    let started = Instant::now();
    let lock = data.lock()?;
    let mut manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        indexed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        model_id: encoder.map(|e| e.id().to_string()),
        ..Manifest::default()
    };
    for article in articles {
        manifest.files.insert(
            article.source.key(),
            FileEntry {
                root: article.source.root.clone(),
                path: article.source.path.clone(),
                hash: String::new(),
                ids: vec![article.id.clone()],
                sections: article.sections.len(),
                listed: Vec::new(),
                attachments: Vec::new(),
                concepts: Vec::new(),
                folded: Vec::new(),
            },
        );
    }
    let mut report = IndexReport {
        full_rebuild: true,
        articles: manifest.articles(),
        sections: manifest.sections(),
        model: manifest.model_id.clone(),
        ..IndexReport::default()
    };
    let vectors = match encoder {
        Some(encoder) => {
            let mut vectors = Vectors::new(encoder.id(), encoder.dim());
            report.embedded = embed_articles(encoder, articles, &mut vectors)?;
            report.vectors = vectors.len();
            Some(vectors)
        }
        None => None,
    };
    let generation = data.new_generation(&lock)?;
    write_generation(&generation, None, &[], articles, &manifest)
        .and_then(|()| vectors.as_ref().map_or(Ok(()), |v| v.save(&generation)))?;
    data.publish(&generation, &lock)?;
    report.published = true;
    report.took = started.elapsed();
    Ok(report)
}

/// The text a section is embedded as: where it sits (title and headings), then
/// what it says. The context lets a short section match questions about its topic.
pub fn section_context(article: &Article, section: &Section) -> String {
    let mut parts = vec![article.title.as_str()];
    parts.extend(
        section
            .heading_path
            .iter()
            .map(String::as_str)
            .filter(|h| *h != article.title),
    );
    parts.join(" > ")
}

/// Embeds every section piece of `articles` into `vectors`; returns the count.
pub fn embed_articles(
    encoder: &SentenceEncoder,
    articles: &[Article],
    vectors: &mut Vectors,
) -> Result<usize, Error> {
    let mut owners = Vec::new();
    let mut texts = Vec::new();
    for article in articles {
        for section in &article.sections {
            let context = section_context(article, section);
            for chunk in chunk_text(encoder, &context, &section.text)? {
                owners.push(RowOwner {
                    file_key: article.source.key(),
                    article_id: article.id.clone(),
                    section: section.ordinal as u32,
                    chunk: chunk.index as u32,
                });
                texts.push(chunk.text);
            }
        }
    }
    if texts.is_empty() {
        return Ok(0);
    }
    let progress = Progress::new(texts.len() as u64, encoder.id());
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let embedded = encoder.encode_with_progress(&refs, &mut |n| progress.advance(n as u64))?;
    progress.finish();
    for (owner, vector) in owners.into_iter().zip(embedded) {
        vectors.push(owner, &vector);
    }
    Ok(texts.len())
}

/// A progress bar on a terminal, a log line every tenth otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: u64,
    done: std::cell::Cell<u64>,
    logged_tenths: std::cell::Cell<u64>,
}

impl Progress {
    fn new(total: u64, model: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            let style = indicatif::ProgressStyle::with_template(
                "embedding {bar:30} {pos}/{len} pieces, {per_sec}, eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        tracing::info!("embedding {total} section pieces with {model}");
        Progress {
            bar,
            total,
            done: Default::default(),
            logged_tenths: Default::default(),
        }
    }

    fn advance(&self, n: u64) {
        self.done.set(self.done.get() + n);
        match &self.bar {
            Some(bar) => bar.inc(n),
            None => {
                let tenths = self.done.get() * 10 / self.total.max(1);
                if tenths > self.logged_tenths.get() {
                    self.logged_tenths.set(tenths);
                    tracing::info!("embedded {}/{} pieces", self.done.get(), self.total);
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn write_generation(
    generation: &std::path::Path,
    base: Option<&PathBuf>,
    stale: &[String],
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
    for key in stale {
        writer.delete_file(key);
    }
    for article in to_add {
        writer.add(article)?;
    }
    writer.commit()?;
    manifest.save(generation)
}

/// The ontology paths to load: those given, plus the local copies of the
/// configured sources. A source without a copy is a warning, once per run.
pub fn ontology_paths(
    given: &[PathBuf],
    config: &crate::config::Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let mut paths = given.to_vec();
    for source in &config.sources {
        match source.available_path() {
            Some(path) => {
                // Already loaded when inside a path given on the command line.
                let inside = |given: &PathBuf| match (path.canonicalize(), given.canonicalize()) {
                    (Ok(path), Ok(given)) => path.starts_with(given),
                    _ => path == given,
                };
                if !given.iter().any(inside) {
                    paths.push(path.to_path_buf());
                }
            }
            None => diagnostics.push(Diagnostic::warning(
                crate::config::FILE_NAME,
                0,
                source.unavailable_message(),
            )),
        }
    }
    paths
}
