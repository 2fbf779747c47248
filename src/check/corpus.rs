//! The articles a check sees: every Markdown file under the content folders and
//! the given paths, read with guards against what is not an article (binary
//! files, files over `[index] max_file_bytes`, symbolic link loops and links
//! leading out of the content folder, as `index` reads them), parsed by
//! `ingest`, and indexed by path, id and file stem for the link rules.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use super::location::FrontMatterMap;
use super::{CheckOptions, Finding, Rule};
use crate::ingest::format::Format;
use crate::ingest::{self, ContentFile, Diagnostic, ParsedFile, guard};

/// One readable article.
#[derive(Debug)]
pub struct Doc {
    pub file: ContentFile,
    /// The path shown in findings.
    pub display: String,
    /// The whole file.
    pub text: String,
    pub parsed: ParsedFile,
    pub front: FrontMatterMap,
    /// Whether findings about it are shown (it is under one of the given paths).
    pub reported: bool,
    /// The file's path with `.` and `..` resolved, for matching link targets.
    pub key: PathBuf,
}

impl Doc {
    /// The source line `line` (1-based) of the file.
    pub fn line(&self, line: usize) -> Option<&str> {
        self.text.lines().nth(line.checked_sub(1)?)
    }

    /// The folder the file is in.
    pub fn dir(&self) -> PathBuf {
        self.key.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// The content folder the file was found under.
    pub fn root(&self) -> PathBuf {
        normalise(Path::new(&self.file.root))
    }
}

/// The articles of one check.
#[derive(Debug, Default)]
pub struct Corpus {
    pub docs: Vec<Doc>,
    by_path: HashMap<PathBuf, usize>,
    by_id: HashMap<String, usize>,
    /// Ids of the items read from files that are not Markdown (output records,
    /// PDFs, training material): `related` may name them.
    item_ids: HashSet<String>,
    by_stem: HashMap<String, Vec<usize>>,
    /// Display paths of files read but not reported on.
    unreported: HashSet<String>,
    reported: usize,
}

impl Corpus {
    /// Reads the content folders and the given paths; files that cannot be read or
    /// parsed become findings and are left out.
    pub fn read(options: &CheckOptions, findings: &mut Vec<Finding>) -> Corpus {
        let (files, problems) = list(options);
        let report_all = options.paths.is_empty();
        let wanted: Vec<PathBuf> = options.paths.iter().map(|p| canonical(p)).collect();
        let is_reported =
            |path: &Path| report_all || wanted.iter().any(|w| canonical(path).starts_with(w));
        findings.extend(
            problems
                .into_iter()
                .filter(|d| report_all || is_reported(Path::new(&d.path)))
                .map(|d| Finding::from_diagnostic(Rule::Read, d)),
        );
        let mut corpus = Corpus::default();
        for file in files {
            let reported = is_reported(&file.abs);
            let display = file.display();
            let mut own = Vec::new();
            let loaded = load(&file, options.config.index.max_file_bytes, &mut own);
            let doc = match loaded {
                Loaded::Items(ids) => {
                    corpus.item_ids.extend(ids);
                    None
                }
                Loaded::Markdown(text, parsed) => Some((text, *parsed)),
                Loaded::Failed => None,
            };
            let doc = doc.map(|(text, parsed)| Doc {
                key: normalise(&file.abs),
                front: FrontMatterMap::new(&text),
                display: display.clone(),
                file,
                text,
                parsed,
                reported,
            });
            if reported {
                findings.extend(own);
                corpus.reported += 1;
            } else {
                corpus.unreported.insert(display);
            }
            if let Some(doc) = doc {
                corpus.add(doc);
            }
        }
        corpus
    }

    fn add(&mut self, doc: Doc) {
        let i = self.docs.len();
        self.by_path.entry(doc.key.clone()).or_insert(i);
        self.by_id.entry(doc.parsed.article.id.clone()).or_insert(i);
        if let Some(stem) = doc.key.file_stem() {
            self.by_stem
                .entry(stem.to_string_lossy().to_lowercase())
                .or_default()
                .push(i);
        }
        self.docs.push(doc);
    }

    /// The articles findings are shown for.
    pub fn reported(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(|d| d.reported)
    }

    /// How many files were reported on (readable or not).
    pub fn reported_count(&self) -> usize {
        self.reported
    }

    /// The article at a (normalised) path.
    pub fn by_path(&self, path: &Path) -> Option<&Doc> {
        self.by_path.get(path).map(|&i| &self.docs[i])
    }

    /// The article that holds an id (the first one, as the index keeps it).
    pub fn by_id(&self, id: &str) -> Option<&Doc> {
        self.by_id.get(id).map(|&i| &self.docs[i])
    }

    /// Whether an item read from a record, PDF or training file has this id.
    pub fn has_item(&self, id: &str) -> bool {
        self.item_ids.contains(id)
    }

    /// The articles whose file is named `stem` (any extension, any folder): how
    /// Jekyll sites link by permalink (`[x](data_management_plan)`).
    pub fn by_stem(&self, stem: &str) -> impl Iterator<Item = &Doc> {
        self.by_stem
            .get(&stem.to_lowercase())
            .into_iter()
            .flatten()
            .map(|&i| &self.docs[i])
    }

    /// Drops findings about files that were read only as link targets.
    pub fn keep_reported(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| !self.unreported.contains(&f.diagnostic.path))
            .collect()
    }
}

/// The files to read: content folders first (their order decides which file keeps
/// a shared id), then the given paths; each file once.
fn list(options: &CheckOptions) -> (Vec<ContentFile>, Vec<Diagnostic>) {
    let (mut files, mut problems) = ingest::scan(&options.content);
    for path in &options.paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let (more, more_problems) = ingest::scan(std::slice::from_ref(path));
                files.extend(more);
                problems.extend(more_problems);
            }
            // A file named on the command line is checked whatever its extension.
            Ok(_) => files.push(ContentFile {
                root: ingest::normalise_root(path.parent().unwrap_or(Path::new(""))),
                rel: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                abs: path.clone(),
            }),
            Err(e) => problems.push(Diagnostic::error(
                path.to_string_lossy(),
                0,
                format!("cannot read: {}", io_reason(&e)),
            )),
        }
    }
    let mut seen = HashSet::new();
    files.retain(|f| seen.insert(canonical(&f.abs)));
    (files, problems)
}

/// What one file gives a check.
enum Loaded {
    /// A Markdown article: its text, parsed (boxed: it is large beside the others).
    Markdown(String, Box<ParsedFile>),
    /// The ids of the items a record, PDF or training file holds.
    Items(Vec<String>),
    /// Nothing usable (the findings say why).
    Failed,
}

/// Reads and parses one file; what goes wrong becomes a finding.
fn load(file: &ContentFile, max_bytes: u64, findings: &mut Vec<Finding>) -> Loaded {
    let display = file.display();
    let whole_file = |message: String| {
        Finding::from_diagnostic(Rule::Read, Diagnostic::error(&display, 0, message))
    };
    let bytes = match guard::read_bounded(&file.abs, max_bytes) {
        Ok(bytes) => bytes,
        Err(e) => {
            findings.push(whole_file(e.to_string()));
            return Loaded::Failed;
        }
    };
    if !matches!(Format::by_name(&file.abs), None | Some(Format::Markdown)) {
        // Records are checked by their readers, which validate as they read;
        // they have no Markdown links or front matter for the other rules.
        let reading = ingest::read_items(file, &bytes);
        findings.extend(
            reading
                .diagnostics
                .into_iter()
                .map(|d| Finding::from_diagnostic(Rule::Record, d)),
        );
        return Loaded::Items(reading.articles.into_iter().map(|a| a.id).collect());
    }
    if bytes.contains(&0) {
        findings.push(whole_file(
            "binary file (it contains NUL bytes), not Markdown text".into(),
        ));
        return Loaded::Failed;
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
            findings.push(Finding::from_diagnostic(
                Rule::Read,
                Diagnostic::error(&display, line, "invalid UTF-8: save the file as UTF-8"),
            ));
            return Loaded::Failed;
        }
    };
    match ingest::parse_file(file, text.as_bytes()) {
        Ok(parsed) => {
            for warning in &parsed.warnings {
                let rule = if warning.message == ingest::NO_TEXT {
                    Rule::EmptyArticle
                } else {
                    Rule::FrontMatter
                };
                findings.push(Finding::from_diagnostic(rule, warning.clone()));
            }
            Loaded::Markdown(text, Box::new(parsed))
        }
        Err(diagnostic) => {
            findings.push(Finding::from_diagnostic(Rule::FrontMatter, diagnostic));
            Loaded::Failed
        }
    }
}

/// An I/O error in words; a symbolic link loop is named as such.
fn io_reason(e: &std::io::Error) -> String {
    if ingest::is_symlink_loop(e) {
        "symbolic link loop".into()
    } else {
        e.to_string()
    }
}

/// The path with symbolic links resolved when possible, else as written.
fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| normalise(path))
}

/// Resolves `.` and `..` without touching the file system.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                let popped =
                    matches!(out.components().next_back(), Some(Component::Normal(_))) && out.pop();
                if !popped && !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_paths_lexically() {
        assert_eq!(
            normalise(Path::new("content/a/../b/./c.md")),
            PathBuf::from("content/b/c.md")
        );
        assert_eq!(normalise(Path::new("../x/y")), PathBuf::from("../x/y"));
        assert_eq!(normalise(Path::new("a/../../x")), PathBuf::from("../x"));
    }
}
