//! Links: relative links reach a file (another article, or an asset on disk),
//! `#fragments` name a heading or explicit anchor of their target, `related`
//! entries name an article, and `http(s)` links are well-formed URLs. Nothing is
//! fetched: external links are checked for shape only.
//!
//! Targets resolve the way the sites these corpora come from serve them: a path
//! relative to the file (`../x/y.md`), or to the content folder (`/x/y.md`); a
//! path without extension or ending in `.html` is also tried as `.md`, as an
//! article id and as a file name anywhere in the corpus (Jekyll permalinks such
//! as RDMkit's `[x](data_management_plan)`).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::corpus::{Corpus, Doc, normalise};
use super::fields::closest;
use super::location::{Position, link_column};
use super::{Finding, Rule};
use crate::ingest::Severity;
use crate::model::{doi_id, normalise_doi};

static SCHEME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*:").expect("valid regex"));
/// Anchors written by hand: HTML `id`/`name`, `{#id}` and `{: #id}` attribute lists.
static EXPLICIT_ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(?:id|name)\s*=\s*["']([^"']+)["']|\{:?\s*#([\w:.-]+)"#).expect("valid regex")
});
/// MyST `(label)=` targets and directive `:name:` options: project-wide, so
/// `[x](#label)` and `[x](label)` reach a target in any file (Jupyter Book, MyST).
static MYST_TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(?:\(([\w:.-]+)\)=|:name:[ \t]+([\w:.-]+))[ \t]*\r?$")
        .expect("valid regex")
});

/// Where a link leads.
enum Resolved<'c> {
    Article(&'c Doc),
    /// A file or folder on disk that is not an article (an image, a PDF).
    Asset,
    Missing,
}

/// The findings about every link and `related` entry of the reported articles.
pub fn check(corpus: &Corpus) -> Vec<Finding> {
    let anchors: HashMap<&Path, HashSet<String>> = corpus
        .docs
        .iter()
        .map(|doc| (doc.key.as_path(), anchors_of(doc)))
        .collect();
    let labels: HashSet<&str> = corpus
        .docs
        .iter()
        .flat_map(|doc| MYST_TARGET.captures_iter(&doc.text))
        .filter_map(|caps| caps.get(1).or(caps.get(2)).map(|m| m.as_str()))
        .collect();
    let no_anchors = HashSet::new();
    let anchors_of_doc = |doc: &Doc| anchors.get(doc.key.as_path()).unwrap_or(&no_anchors);
    let mut out = Vec::new();
    for doc in &corpus.docs {
        if !doc.reported {
            continue;
        }
        for link in &doc.parsed.links {
            let target = link.target.trim();
            if target.is_empty() {
                continue;
            }
            let at = Position {
                line: link.line,
                column: link_column(doc.line(link.line), target, link.column),
            };
            let finding = |rule: Rule, severity: Severity, message: String| {
                Finding::new(rule, severity, &doc.display, at, message)
            };
            if let Some(fragment) = target.strip_prefix('#') {
                if labels.contains(fragment) {
                    continue;
                }
                if let Some(message) = missing_anchor(fragment, anchors_of_doc(doc), "this article")
                {
                    out.push(finding(Rule::Anchor, Severity::Error, message));
                }
                continue;
            }
            if let Some(rest) = target.strip_prefix("//") {
                if let Some(problem) = external_problem(&format!("https://{rest}")) {
                    out.push(finding(
                        Rule::ExternalLink,
                        Severity::Error,
                        format!("link `{target}` is not a well-formed URL: {problem}"),
                    ));
                }
                continue;
            }
            if SCHEME.is_match(target) {
                let lower = target.to_ascii_lowercase();
                if (lower.starts_with("http:") || lower.starts_with("https:"))
                    && let Some(problem) = external_problem(target)
                {
                    out.push(finding(
                        Rule::ExternalLink,
                        Severity::Error,
                        format!("link `{target}` is not a well-formed URL: {problem}"),
                    ));
                }
                continue;
            }
            let (path, fragment) = match target.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment)),
                None => (target, None),
            };
            let path = path.split_once('?').map_or(path, |(p, _)| p);
            if path.is_empty() {
                continue;
            }
            if !path.contains('/') && path.contains('@') {
                out.push(finding(
                    Rule::ExternalLink,
                    Severity::Error,
                    format!("link `{path}` is an e-mail address: write `mailto:{path}`"),
                ));
                continue;
            }
            match resolve(corpus, doc, path) {
                Resolved::Article(target_doc) => {
                    if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                        && let Some(message) = missing_anchor(
                            fragment,
                            anchors_of_doc(target_doc),
                            &target_doc.display,
                        )
                    {
                        out.push(finding(Rule::Anchor, Severity::Error, message));
                    }
                }
                Resolved::Asset => {}
                Resolved::Missing if labels.contains(path) => {}
                Resolved::Missing => {
                    let hint = if path.starts_with("www.") {
                        format!(" (an external link needs its scheme: `https://{path}`)")
                    } else {
                        String::new()
                    };
                    if is_article_path(path) {
                        out.push(finding(
                            Rule::InternalLink,
                            Severity::Error,
                            format!("link to `{path}`: no such article{hint}"),
                        ));
                    } else {
                        // Assets (images, PDFs) may be served from outside the
                        // content folders, which the check cannot see.
                        out.push(finding(
                            Rule::InternalLink,
                            Severity::Warning,
                            format!("link to `{path}`: no such file in the content folders{hint}"),
                        ));
                    }
                }
            }
        }
        related(corpus, doc, &mut out);
    }
    out
}

/// `related` entries name an article by id, by file name or by path, or an
/// output record, PDF or training item by id or (a record) by its DOI.
fn related(corpus: &Corpus, doc: &Doc, out: &mut Vec<Finding>) {
    for entry in &doc.parsed.article.related {
        let by_doi = normalise_doi(entry).is_some_and(|doi| corpus.has_item(&doi_id(&doi)));
        let known = corpus.by_id(entry).is_some()
            || corpus.has_item(entry)
            || by_doi
            || matches!(
                resolve(corpus, doc, entry.split('#').next().unwrap_or(entry)),
                Resolved::Article(_)
            );
        if !known {
            let key = doc.front.key_name("related").unwrap_or("related");
            let at = doc
                .front
                .value("related", entry)
                .unwrap_or(Position::FILE_START);
            out.push(Finding::new(
                Rule::Related,
                Severity::Error,
                &doc.display,
                at,
                format!(
                    "`{entry}` in `{key}` names no article or output (by id, file name, path or DOI)"
                ),
            ));
        }
    }
}

/// Resolves a relative or content-absolute path from `doc`.
fn resolve<'c>(corpus: &'c Corpus, doc: &Doc, path: &str) -> Resolved<'c> {
    let decoded = percent_decode(path);
    let joined = match decoded.strip_prefix('/') {
        Some(inside) => doc.root().join(inside),
        None => doc.dir().join(&decoded),
    };
    let key = normalise(&joined);
    if let Some(found) = corpus.by_path(&key) {
        return Resolved::Article(found);
    }
    let ext = key.extension().map(|e| e.to_string_lossy().to_lowercase());
    let page_like = match ext.as_deref() {
        None => true,
        Some("html" | "htm") => true,
        // `data_life_cycle.v2` is a page name, not an extension.
        Some(e) => !e.chars().all(|c| c.is_ascii_alphanumeric()) || e.len() > 8,
    };
    if page_like {
        let bare = if ext.as_deref().is_some_and(|e| e == "html" || e == "htm") {
            key.with_extension("")
        } else {
            key.clone()
        };
        let trimmed = bare.to_string_lossy().trim_end_matches('/').to_string();
        let bare = Path::new(&trimmed);
        for candidate in [
            format!("{trimmed}.md"),
            format!("{trimmed}.markdown"),
            format!("{trimmed}/index.md"),
            format!("{trimmed}/README.md"),
        ] {
            if let Some(found) = corpus.by_path(Path::new(&candidate)) {
                return Resolved::Article(found);
            }
        }
        let name = decoded.trim_matches('/');
        if let Some(found) = corpus.by_id(name) {
            return Resolved::Article(found);
        }
        if let Some(stem) = bare.file_name().map(|s| s.to_string_lossy().into_owned())
            && let Some(found) = corpus.by_stem(&stem).next()
        {
            return Resolved::Article(found);
        }
    }
    if key.exists() {
        return Resolved::Asset;
    }
    Resolved::Missing
}

/// Whether a missing target was meant to be an article (not an image or a PDF).
fn is_article_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        None => true,
        Some((_, ext)) => {
            let ext = ext.to_ascii_lowercase();
            matches!(ext.as_str(), "md" | "markdown" | "html" | "htm")
                || !ext.chars().all(|c| c.is_ascii_alphanumeric())
                || ext.len() > 8
        }
    }
}

/// Heading anchors as ingest computes them, and anchors written by hand.
fn anchors_of(doc: &Doc) -> HashSet<String> {
    let mut anchors: HashSet<String> = doc.parsed.anchors.iter().cloned().collect();
    for caps in EXPLICIT_ANCHOR
        .captures_iter(&doc.text)
        .chain(MYST_TARGET.captures_iter(&doc.text))
    {
        if let Some(m) = caps.get(1).or(caps.get(2)) {
            anchors.insert(m.as_str().to_string());
        }
    }
    anchors
}

/// Why `#fragment` does not resolve among `anchors`, if it does not.
fn missing_anchor(fragment: &str, anchors: &HashSet<String>, owner: &str) -> Option<String> {
    let fragment = percent_decode(fragment);
    if fragment.is_empty() || anchors.contains(&fragment) {
        return None;
    }
    let mut known: Vec<&str> = anchors.iter().map(String::as_str).collect();
    known.sort_unstable();
    let hint = match closest(&fragment, &known) {
        Some(near) => format!("; did you mean `#{near}`?"),
        None if known.is_empty() => "; it has no headings".to_string(),
        None => String::new(),
    };
    Some(format!(
        "`#{fragment}` is not a heading or anchor of {owner}{hint}"
    ))
}

/// What is wrong with an `http(s)` URL, if anything.
pub fn external_problem(target: &str) -> Option<String> {
    if target.chars().any(char::is_whitespace) {
        return Some("it contains a space (write `%20`)".into());
    }
    let lower = target.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Some("the scheme must be followed by `//`".into());
    }
    let url = match url::Url::parse(target) {
        Ok(url) => url,
        Err(e) => return Some(e.to_string()),
    };
    match url.host() {
        None => Some("it has no host".into()),
        Some(url::Host::Domain(host)) => {
            let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
            if host != "localhost" && labels.len() < 2 {
                Some(format!("host `{host}` is not a full domain name"))
            } else if labels.iter().any(|l| l.is_empty()) {
                Some(format!("host `{host}` has an empty label"))
            } else {
                None
            }
        }
        Some(_) => None,
    }
}

/// Decodes `%XX` escapes (invalid ones are kept as written).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_for_shape() {
        assert_eq!(external_problem("https://example.org/a?b=c#d"), None);
        assert_eq!(external_problem("http://localhost:8080/x"), None);
        assert_eq!(external_problem("http://127.0.0.1/"), None);
        assert!(external_problem("http:/example.org").is_some());
        assert!(external_problem("https://").is_some());
        assert!(external_problem("https://exa mple.org").is_some());
        assert!(external_problem("https://example").is_some());
        assert!(external_problem("https://example..org").is_some());
        assert!(external_problem("https://exa_mple.org:99999").is_some());
    }

    #[test]
    fn percent_escapes() {
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
    }

    #[test]
    fn article_paths() {
        assert!(is_article_path("x.md"));
        assert!(is_article_path("data_management_plan"));
        assert!(is_article_path("../a/b.html"));
        assert!(!is_article_path("/images/logo.svg"));
        assert!(!is_article_path("files/report.pdf"));
    }
}
