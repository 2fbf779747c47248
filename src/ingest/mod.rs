//! Ingest: turns files into [`crate::model`] values. Knows nothing of indexes.
//!
//! Problems are [`Diagnostic`]s that carry `path:line:col`, so a curator can fix
//! them without a debugger; one bad file never stops the others.

pub mod directives;
pub mod entities;
pub mod format;
pub mod frontmatter;
pub mod guard;
pub mod licence;
pub mod markdown;
pub mod ontology;
pub mod pdf;
pub mod records;
#[cfg(test)]
pub(crate) mod testdata;
pub mod training;
pub mod validate;
pub mod vocab;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::{Article, Record, SourceRef};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information, e.g. a file skipped on purpose (a LICENSE beside an ontology).
    Note,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem found in content, located in its file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// The file as the user named it: content folder joined with the relative path.
    pub path: String,
    /// 1-based line (0 when the problem is the file as a whole, e.g. unreadable).
    pub line: usize,
    /// 1-based column, when known.
    pub column: Option<usize>,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            column: None,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn note(path: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(path, line, message)
        }
    }

    pub fn warning(path: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, message)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(col) => write!(f, "{}:{}:{}: ", self.path, self.line, col)?,
            None => write!(f, "{}:{}: ", self.path, self.line)?,
        }
        write!(f, "{}: {}", self.severity, self.message)
    }
}

/// What one file yields: the items it describes (none, one, or many for a
/// harvest dump) and what was wrong with it. A reader never fails as a whole: a
/// file it cannot use is an error diagnostic and no items.
#[derive(Debug, Default)]
pub struct Reading {
    pub articles: Vec<Article>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Reading {
    /// A file that gave nothing, for the reason `problem` states.
    pub fn failed(problem: Diagnostic) -> Reading {
        Reading {
            articles: Vec::new(),
            diagnostics: vec![problem],
        }
    }
}

/// A file found under a content folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContentFile {
    /// The content folder as the user named it (normalised: no `./`, no trailing `/`).
    pub root: String,
    /// Path relative to the content folder, `/`-separated.
    pub rel: String,
    /// Path to read.
    pub abs: PathBuf,
}

impl ContentFile {
    /// The path shown in diagnostics.
    pub fn display(&self) -> String {
        format!("{}/{}", self.root, self.rel)
    }
}

/// Normalises a content folder name so the same folder always gives the same key.
pub fn normalise_root(root: &Path) -> String {
    let text = root.to_string_lossy().replace('\\', "/");
    let text = text.trim_end_matches('/');
    let text = text.strip_prefix("./").unwrap_or(text);
    if text.is_empty() {
        ".".into()
    } else {
        text.into()
    }
}

/// Folders never holding articles: version control, build output, dependencies.
fn skipped_dir(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "_site" | "node_modules" | "_build" | "target")
}

/// Lists the files under the content folders that a reader takes (see
/// [`format::Format::by_name`]), sorted, with diagnostics for
/// folders that are missing, entries that cannot be read (e.g. symlink loops) and
/// symbolic links that lead outside their content folder (skipped).
pub fn scan(roots: &[PathBuf]) -> (Vec<ContentFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for root_path in roots {
        let root = normalise_root(root_path);
        if !root_path.is_dir() {
            problems.push(Diagnostic::error(&root, 0, "content folder not found"));
            continue;
        }
        let (found, walk_problems) = guard::walk_files(root_path, &root, |e| {
            e.file_type().is_dir() && skipped_dir(&e.file_name().to_string_lossy())
        });
        problems.extend(walk_problems);
        files.extend(
            found
                .into_iter()
                .filter(|path| format::Format::by_name(path).is_some())
                .map(|abs| ContentFile {
                    root: root.clone(),
                    rel: relative_path(root_path, &abs),
                    abs,
                }),
        );
    }
    // Content folders keep the order given (it decides which file keeps a shared id);
    // a folder named twice, or nested in another, contributes each file once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.abs.canonicalize().unwrap_or_else(|_| f.abs.clone())));
    (files, problems)
}

/// `path` relative to `root`, with `/` separators (the form stored in manifests).
pub(crate) fn relative_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A folder walk's failure (unreadable entry, symlink loop) as a diagnostic.
pub(crate) fn walk_problem(err: &walkdir::Error, root: &str) -> Diagnostic {
    let path = err
        .path()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| root.to_string());
    let reason = if err.loop_ancestor().is_some() || err.io_error().is_some_and(is_symlink_loop) {
        "symbolic link loop".to_string()
    } else {
        err.io_error()
            .map_or_else(|| err.to_string(), |e| e.to_string())
    };
    Diagnostic::error(path, 0, format!("cannot read: {reason}"))
}

/// Whether an I/O error is the kernel refusing a chain of symbolic links that
/// loops (`ELOOP`), e.g. `a.md -> b.md -> a.md`.
pub fn is_symlink_loop(e: &std::io::Error) -> bool {
    const ELOOP: i32 = if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "netbsd"
    )) {
        62
    } else {
        40
    };
    cfg!(unix) && e.raw_os_error() == Some(ELOOP)
}

/// Reads a file's bytes (at most `max_bytes`), reporting failures as diagnostics.
pub fn read(file: &ContentFile, max_bytes: u64) -> Result<Vec<u8>, Diagnostic> {
    guard::read_bounded(&file.abs, max_bytes)
        .map_err(|e| Diagnostic::error(file.display(), 0, e.to_string()))
}

/// Reads one content file's bytes with the reader its format calls for.
pub fn read_items(file: &ContentFile, bytes: &[u8]) -> Reading {
    match format::Format::by_name(&file.abs) {
        Some(format::Format::Markdown) => match parse_article(file, bytes) {
            Ok((article, warnings)) => Reading {
                articles: vec![article],
                diagnostics: warnings,
            },
            Err(problem) => Reading::failed(problem),
        },
        Some(format::Format::Pdf) => pdf::read(file, bytes),
        Some(format::Format::Cff) => records::cff::read(file, bytes),
        Some(format::Format::Json) => {
            if let Some(reading) = records::read_by_name(file, bytes) {
                reading
            } else if records::sniff_json(bytes).is_some() {
                records::read_json(file, bytes)
            } else if training::jsonld::sniff(bytes) {
                training::jsonld::read(file, bytes)
            } else if training::catalogue::sniff(bytes) {
                training::catalogue::read(file, bytes)
            } else {
                skipped(file, "JSON that is no record eoskb reads; skipped")
            }
        }
        Some(format::Format::Xml) if records::sniff_xml(bytes).is_some() => {
            records::read_xml(file, bytes)
        }
        Some(format::Format::Xml) => skipped(file, "XML that is no record eoskb reads; skipped"),
        Some(format::Format::JsonLd) => training::jsonld::read(file, bytes),
        Some(format::Format::Html) if training::html::sniff(bytes) => {
            training::html::read(file, bytes)
        }
        // Jekyll and other site sources (`.html` with front matter or a bare
        // fragment) are templates, not pages.
        Some(format::Format::Html) => {
            skipped(file, "HTML fragment or template, not a page; skipped")
        }
        Some(format::Format::Notebook) => training::notebook::read(file, bytes),
        None => skipped(file, "not a format eoskb reads; skipped"),
    }
}

/// A file left out on purpose: a note, not a problem (a content folder may hold
/// other JSON or XML, such as a site's configuration).
fn skipped(file: &ContentFile, why: &str) -> Reading {
    Reading {
        articles: Vec::new(),
        diagnostics: vec![Diagnostic::note(file.display(), 0, why)],
    }
}

/// The id a file gets when its front matter names none: its path without the
/// extension, lower case, with anything unusual turned into `-`.
pub fn path_slug(rel: &str) -> String {
    let stem = rel
        .rsplit_once('.')
        .map_or(rel, |(stem, _)| stem)
        .to_lowercase();
    let mut slug = String::with_capacity(stem.len());
    for c in stem.chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.');
        let c = if keep { c } else { '-' };
        if !(c == '-' && slug.ends_with('-')) {
            slug.push(c);
        }
    }
    slug.trim_matches('-').to_string()
}

/// The words of a file's name (`task-2/PaN-Finder_D2.pdf` → `PaN Finder D2`):
/// the title of an item whose file states none. The name itself when its stem
/// has no words (`.pdf`).
pub fn file_name_words(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let words = stem.replace(['_', '-'], " ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        name.to_string()
    } else {
        words
    }
}

/// The item of a file that is not Markdown (a PDF, an HTML page, a notebook)
/// before its reader fills it in: its id from its path, `title`, `record`, its
/// body from line 1, nothing else.
pub fn file_item(file: &ContentFile, title: String, record: Record) -> Article {
    Article {
        id: path_slug(&file.rel),
        title,
        summary: String::new(),
        kind: None,
        audience: Vec::new(),
        fair: Vec::new(),
        terms: Vec::new(),
        tags: Vec::new(),
        projects: Vec::new(),
        authors: Vec::new(),
        license: None,
        updated: None,
        related: Vec::new(),
        extra: BTreeMap::new(),
        source: SourceRef {
            root: file.root.clone(),
            path: file.rel.clone(),
            body_line: 1,
        },
        markdown: String::new(),
        sections: Vec::new(),
        record: Some(Box::new(record)),
    }
}

/// Parses one Markdown file into an article. Errors make the file unusable;
/// warnings (returned beside the article) do not.
pub fn parse_article(
    file: &ContentFile,
    bytes: &[u8],
) -> Result<(Article, Vec<Diagnostic>), Diagnostic> {
    parse_file(file, bytes).map(|parsed| (parsed.article, parsed.warnings))
}

/// The warning for a file with front matter but no text.
pub const NO_TEXT: &str = "article has no text";

/// Where an article's title came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleSource {
    FrontMatter,
    /// The first level-1 heading, or failing that the first heading.
    Heading,
    /// Nothing named it: the title was made from the file name.
    FileName,
}

/// An article with what validating it needs besides: its links, every heading
/// anchor, and the front matter as written.
#[derive(Debug)]
pub struct ParsedFile {
    pub article: Article,
    pub warnings: Vec<Diagnostic>,
    pub links: Vec<markdown::Link>,
    /// Anchors of all headings (also those with no text of their own).
    pub anchors: Vec<String>,
    /// Top-level front matter keys as written (aliases such as `description` included).
    pub keys: std::collections::BTreeSet<String>,
    pub title_source: TitleSource,
}

/// [`parse_article`] keeping everything it learns about the file.
pub fn parse_file(file: &ContentFile, bytes: &[u8]) -> Result<ParsedFile, Diagnostic> {
    let display = file.display();
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Diagnostic::error(&display, line, "invalid UTF-8")
    })?;
    let split = frontmatter::split(text).map_err(|e| located(&display, e))?;
    let fields = frontmatter::parse(&split).map_err(|e| located(&display, e))?;
    let mut warnings: Vec<Diagnostic> = fields
        .warnings
        .into_iter()
        .map(|w| Diagnostic {
            severity: Severity::Warning,
            ..located(&display, w)
        })
        .collect();
    let keys = fields.values.keys().cloned().collect();
    let meta = frontmatter::to_metadata(fields.values);
    warnings.extend(
        meta.warnings
            .iter()
            .map(|w| Diagnostic::warning(&display, split.block_line.saturating_sub(1).max(1), w)),
    );
    let id = match meta.id {
        Some(id) if is_valid_id(&id) => id,
        Some(id) => {
            let fallback = path_slug(&file.rel);
            warnings.push(Diagnostic::warning(
                &display,
                split.block_line,
                format!("id `{}` is not usable (no spaces, `<`, `#` or `?`, at most 200 characters); using `{fallback}`", leading(&id, 40)),
            ));
            fallback
        }
        None => path_slug(&file.rel),
    };

    let cleaned = directives::clean(split.body);
    let provisional_title = meta.title.as_deref().map(directives::clean_inline);
    let body = markdown::parse(
        &cleaned,
        provisional_title.as_deref().unwrap_or(""),
        split.body_line,
    );
    let (title, title_source) = match provisional_title.filter(|t| !t.trim().is_empty()) {
        Some(title) => (title, TitleSource::FrontMatter),
        None => match body.first_heading.clone() {
            Some(heading) => (heading, TitleSource::Heading),
            None => (title_from_path(&file.rel), TitleSource::FileName),
        },
    };
    let mut sections = body.sections;
    for section in sections.iter_mut().filter(|s| s.level == 0) {
        section.heading = title.clone();
    }
    if sections.is_empty() {
        warnings.push(Diagnostic::warning(&display, split.body_line, NO_TEXT));
    }
    let summary = meta
        .summary
        .as_deref()
        .map(directives::clean_inline)
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_default();

    let article = Article {
        id,
        title: title.trim().to_string(),
        summary: summary.trim().to_string(),
        kind: meta.kind,
        audience: meta.audience,
        fair: meta.fair,
        terms: meta.terms,
        tags: meta.tags,
        projects: meta.projects,
        authors: meta.authors,
        license: meta.license,
        updated: meta.updated,
        related: meta.related,
        extra: meta.extra,
        source: SourceRef {
            root: file.root.clone(),
            path: file.rel.clone(),
            body_line: split.body_line,
        },
        markdown: cleaned,
        sections,
        record: None,
    };
    Ok(ParsedFile {
        article,
        warnings,
        links: body.links,
        anchors: body.anchors,
        keys,
        title_source,
    })
}

/// Ids appear in URLs and on command lines: keep them plain.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && !id.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '#' | '?' | '"' | '\\')
        })
}

fn leading(text: &str, max: usize) -> String {
    let cut: String = text.chars().take(max).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

fn located(path: &str, e: frontmatter::FrontMatterError) -> Diagnostic {
    Diagnostic {
        path: path.to_string(),
        line: e.line,
        column: Some(e.column),
        severity: Severity::Error,
        message: e.message,
    }
}

fn title_from_path(rel: &str) -> String {
    let stem = rel.rsplit('/').next().unwrap_or(rel);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    let words = stem.replace(['_', '-'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => rel.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str) -> ContentFile {
        ContentFile {
            root: "content".into(),
            rel: rel.into(),
            abs: PathBuf::from(rel),
        }
    }

    #[test]
    fn file_names_become_titles() {
        assert_eq!(
            file_name_words("task-2/PaN-Finder-Deliverable-2-a.pdf"),
            "PaN Finder Deliverable 2 a"
        );
        assert_eq!(file_name_words("x/.pdf"), ".pdf");
        assert_eq!(file_name_words("a__b-.json"), "a b");
    }

    #[test]
    fn article_without_front_matter_takes_first_heading() {
        let (a, _) = parse_article(
            &file("recipes/x.md"),
            b"# Making data findable\n\nSome text.\n",
        )
        .unwrap();
        assert_eq!(a.title, "Making data findable");
        assert_eq!(a.id, "recipes/x");
        assert_eq!(a.source.body_line, 1);
    }

    #[test]
    fn article_without_any_title_uses_file_name() {
        let (a, _) = parse_article(&file("data_life-cycle.md"), b"Just text.\n").unwrap();
        assert_eq!(a.title, "Data life cycle");
        assert_eq!(a.sections[0].heading, "Data life cycle");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err =
            parse_article(&file("bad.md"), b"---\ntitle: x\n---\nok\n\xff\xfe\n").unwrap_err();
        assert_eq!(err.to_string(), "content/bad.md:5: error: invalid UTF-8");
    }

    #[test]
    fn broken_yaml_is_located() {
        let err =
            parse_article(&file("bad.md"), b"---\ntitle: x\ntags: [a\n---\nbody\n").unwrap_err();
        assert!(err.to_string().starts_with("content/bad.md:"), "{err}");
        assert!(err.message.contains("YAML"), "{err}");
    }

    #[test]
    fn template_markup_does_not_reach_title_or_text() {
        let src = b"---\ntitle: \"Tools {{ site.x }}\"\n---\n## Use {% tool \"zenodo\" %}\n\n```{note}\nA note.\n```\n";
        let (a, _) = parse_article(&file("t.md"), src).unwrap();
        assert_eq!(a.title, "Tools");
        assert_eq!(a.sections[0].heading, "Use zenodo");
        assert_eq!(a.sections[0].text, "A note.");
    }

    #[test]
    fn slug_from_path() {
        assert_eq!(path_slug("Your Tasks/Data Plan.md"), "your-tasks/data-plan");
    }
}
