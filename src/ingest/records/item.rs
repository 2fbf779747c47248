//! What every record reader shares: a [`Draft`] (the record plus the few fields
//! an article needs besides) turned into an [`Article`] the same way for every
//! format, diagnostics collected per file, and the small identifier helpers
//! (ORCID, ROR) each format needs.

use std::collections::BTreeMap;

use serde_json::Value;

use super::text;
use crate::ingest::validate;
use crate::ingest::{ContentFile, Diagnostic, path_slug};
use crate::model::{
    Agent, Article, Author, Record, Related, Section, SourceRef, doi_id, output_kind,
};

/// The longest summary, in characters (about two sentences).
pub const SUMMARY_CHARS: usize = 300;

/// One item as a reader found it, before it becomes an article.
#[derive(Debug, Default)]
pub struct Draft {
    pub record: Record,
    pub title: Option<String>,
    /// The description as plain text (HTML already removed).
    pub description: Option<String>,
    /// Line of the description in the file (else the item's line).
    pub description_line: usize,
    /// Source fields no reader maps, verbatim.
    pub extra: BTreeMap<String, Value>,
    /// Line where the item starts (1 for a whole file).
    pub line: usize,
}

impl Draft {
    pub fn new(format: &str, line: usize) -> Draft {
        Draft {
            record: Record {
                format: format.to_string(),
                ..Record::default()
            },
            description_line: line,
            line,
            ..Draft::default()
        }
    }

    /// Sets the description from HTML or plain text, at `line`.
    pub fn describe(&mut self, html: &str, line: usize) {
        let plain = text::html_to_text(html);
        if !plain.is_empty() {
            self.description = Some(plain);
            self.description_line = line;
        }
    }
}

/// Diagnostics for one file.
#[derive(Debug)]
pub struct Diags {
    path: String,
    pub list: Vec<Diagnostic>,
}

impl Diags {
    pub fn new(file: &ContentFile) -> Diags {
        Diags {
            path: file.display(),
            list: Vec::new(),
        }
    }

    pub fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.list
            .push(Diagnostic::warning(&self.path, line, message));
    }

    pub fn note(&mut self, line: usize, message: impl Into<String>) {
        self.list.push(Diagnostic::note(&self.path, line, message));
    }

    /// The ORCID iD in `text`, warning at `line` when it is malformed or its
    /// checksum fails. A well-formed iD with a bad checksum is kept (the curator
    /// fixes a digit; the person stays linked meanwhile); a malformed one is not.
    pub fn orcid(&mut self, text: &str, line: usize) -> Option<String> {
        match validate::check_orcid(text) {
            Ok(id) => Some(id),
            Err(problem) => {
                self.warn(line, problem);
                validate::orcid_id(text)
            }
        }
    }

    /// A date for `issued`, warning at `line` when it cannot be read.
    pub fn issued(&mut self, text: &str, field: &str, line: usize) -> Option<String> {
        let issued = validate::issued_date(text);
        if issued.is_none() {
            self.warn(line, validate::date_problem(field, text));
        }
        issued
    }
}

/// A ROR id as its IRI (`https://ror.org/02aj13c28`), from the IRI or the bare id.
pub fn ror_iri(text: &str) -> Option<String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let id = ["https://ror.org/", "http://ror.org/", "ror.org/"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower)
        .trim_end_matches('/');
    let plausible =
        id.len() == 9 && id.starts_with('0') && id.chars().all(|c| c.is_ascii_alphanumeric());
    plausible.then(|| format!("https://ror.org/{id}"))
}

/// The source-code repository of software (CFF `repository-code`, CodeMeta
/// `codeRepository`) as a relation, the way Zenodo's GitHub releases state it:
/// the record `IsSupplementTo` the repository.
pub fn source_code(url: &str) -> Related {
    Related {
        relation: "IsSupplementTo".into(),
        identifier: url.trim().to_string(),
        scheme: Some("URL".into()),
        resource_type: Some("Software".into()),
    }
}

/// `Family, Given` from the parts a record gives (either may be missing).
pub fn person_name(given: Option<&str>, family: Option<&str>) -> String {
    match (
        given.map(str::trim).filter(|s| !s.is_empty()),
        family.map(str::trim).filter(|s| !s.is_empty()),
    ) {
        (Some(g), Some(f)) => format!("{f}, {g}"),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) => String::new(),
    }
}

/// Turns a file's drafts into articles: ids (the DOI, else the path slug with
/// `/2`, `/3` for further items without a DOI), title (a warning when the record
/// has none), summary, kind, facets, and one section holding the description.
/// `what` names the record kind in messages ("DataCite record").
pub fn finish(
    drafts: Vec<Draft>,
    file: &ContentFile,
    what: &str,
    diags: &mut Diags,
) -> Vec<Article> {
    let slug = path_slug(&file.rel);
    let mut without_doi = 0usize;
    drafts
        .into_iter()
        .map(|draft| {
            let id = match &draft.record.doi {
                Some(doi) => doi_id(doi),
                None => {
                    without_doi += 1;
                    if without_doi == 1 {
                        slug.clone()
                    } else {
                        format!("{slug}/{without_doi}")
                    }
                }
            };
            article(draft, id, file, what, diags)
        })
        .collect()
}

fn article(draft: Draft, id: String, file: &ContentFile, what: &str, diags: &mut Diags) -> Article {
    let Draft {
        record,
        title,
        description,
        description_line,
        extra,
        line,
    } = draft;
    let title = match title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    {
        Some(title) => title,
        None => {
            diags.warn(line, format!("{what} has no title"));
            record.doi.clone().unwrap_or_else(|| file_stem(&file.rel))
        }
    };
    let body = description.unwrap_or_default();
    let summary = text::summary(&body, SUMMARY_CHARS);
    let kind = record
        .resource_type
        .as_deref()
        .and_then(output_kind)
        .map(str::to_string);
    let terms = unique(record.subjects.iter().filter_map(|s| s.iri.clone()));
    let tags = unique(record.keywords.iter().cloned());
    let projects = unique(record.funding.iter().filter_map(|f| f.award_title.clone()));
    let authors = record.creators.iter().map(author).collect();
    let license = record.license.as_ref().and_then(|l| {
        l.spdx
            .clone()
            .or_else(|| l.name.clone())
            .or_else(|| l.url.clone())
    });
    let section_text = if body.is_empty() {
        title.clone()
    } else {
        body.clone()
    };
    Article {
        id,
        title: title.clone(),
        summary,
        kind,
        audience: Vec::new(),
        fair: Vec::new(),
        terms,
        tags,
        projects,
        authors,
        license,
        updated: record.issued.clone(),
        related: Vec::new(),
        extra,
        source: SourceRef {
            root: file.root.clone(),
            path: file.rel.clone(),
            body_line: line,
        },
        markdown: body,
        sections: vec![Section {
            ordinal: 0,
            heading: title,
            level: 0,
            heading_path: Vec::new(),
            anchor: String::new(),
            text: section_text,
            line: description_line,
            page: None,
            link_texts: Vec::new(),
            code: Vec::new(),
        }],
        record: Some(Box::new(record)),
    }
}

fn author(agent: &Agent) -> Author {
    Author {
        name: agent.name.clone(),
        orcid: agent.orcid.clone(),
    }
}

fn unique(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    values
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty() && seen.insert(v.clone()))
        .collect()
}

fn file_stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ror_ids_become_iris() {
        assert_eq!(
            ror_iri("https://ror.org/02aj13c28").as_deref(),
            Some("https://ror.org/02aj13c28")
        );
        assert_eq!(
            ror_iri(" 04wxnsj81").as_deref(),
            Some("https://ror.org/04wxnsj81")
        );
        assert_eq!(ror_iri("Q107529885"), None);
    }

    #[test]
    fn names_from_parts() {
        assert_eq!(
            person_name(Some("Oliver"), Some("Knodel")),
            "Knodel, Oliver"
        );
        assert_eq!(person_name(None, Some("Knodel")), "Knodel");
    }
}
