//! One schema.org node (keys already schema.org local names, see `context.rs`) as
//! an article and its record: Bioschemas `LearningResource`/`TrainingMaterial`,
//! `Course`, `CourseInstance`, and generically any `CreativeWork`,
//! `SoftwareSourceCode` or `Dataset`.

use serde_json::{Map, Value};

mod properties;

pub use properties::language;
use properties::{extra, funding, identifiers, licence_of, related, subjects_and_tags};

use super::agents::{self, Read};
use super::context::Context;
use super::course;
use super::json::{many, text};
use super::panet;
use super::sections::Sections;
use super::text::{iso_date, one_line, summary, tidy};
use crate::ingest::markdown;
use crate::ingest::{ContentFile, Diagnostic, path_slug};
use crate::model::{Agent, Article, Author, Record, SourceRef, doi_id, output_kind};

/// Where a node came from: its file, its JSON text there and the line it starts on.
pub struct Origin<'a> {
    pub file: &'a ContentFile,
    /// The node's JSON as written (a slice of the file or of a `<script>` block).
    pub raw: &'a str,
    pub line: usize,
    /// `Record::format`.
    pub format: &'static str,
}

impl Origin<'_> {
    /// Best-effort line of a string value inside the node: where its JSON
    /// encoding (or, failing that, its first words) first appears.
    pub fn line_of(&self, value: &str) -> usize {
        let encoded = serde_json::to_string(value).unwrap_or_default();
        // The whole string; its inside (a value within a longer one, e.g. an iD in
        // an ORCID IRI); its first plain words.
        let inside = encoded
            .get(1..encoded.len().saturating_sub(1))
            .unwrap_or_default();
        let words: String = value
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == ' ')
            .take(40)
            .collect();
        let found = self
            .raw
            .find(&encoded)
            .or_else(|| (inside.len() >= 8).then(|| self.raw.find(inside)).flatten())
            .or_else(|| (words.len() >= 8).then(|| self.raw.find(&words)).flatten());
        found.map_or(self.line, |at| {
            self.line + super::json::line_at(self.raw, at) - 1
        })
    }

    fn warning(&self, line: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(self.file.display(), line, message)
    }
}

/// Properties fully kept in the article's or record's own fields; every other
/// property goes to `extra` as written.
const MAPPED: [&str; 19] = [
    "name",
    "description",
    "about",
    "keywords",
    "author",
    "creator",
    "contributor",
    "editor",
    "license",
    "dateModified",
    "datePublished",
    "identifier",
    "url",
    "inLanguage",
    "publisher",
    "version",
    "funder",
    "sameAs",
    "funding",
];

/// How much a node's types say it is the item a page or graph describes: learning
/// resources first, then other creative works; `None` for people, places, sites.
pub fn rank(node: &Map<String, Value>) -> Option<u8> {
    let types = type_names(node);
    let learning = [
        "LearningResource",
        "TrainingMaterial",
        "Course",
        "CourseInstance",
    ];
    if types.iter().any(|t| learning.contains(&t.as_str())) {
        return Some(0);
    }
    let works = [
        "CreativeWork",
        "Article",
        "ScholarlyArticle",
        "TechArticle",
        "BlogPosting",
        "Book",
        "Chapter",
        "Dataset",
        "SoftwareSourceCode",
        "SoftwareApplication",
        "ComputationalWorkflow",
        "MediaObject",
        "VideoObject",
        "PresentationDigitalDocument",
        "DigitalDocument",
        "HowTo",
        "Event",
        "Report",
        "Thesis",
    ];
    types
        .iter()
        .any(|t| works.contains(&t.as_str()))
        .then_some(1)
}

pub fn type_names(node: &Map<String, Value>) -> Vec<String> {
    many(node.get("@type"))
        .into_iter()
        .filter_map(|t| text(Some(t)))
        .collect()
}

/// An article and the warnings its node gave.
pub struct Item {
    pub article: Article,
    pub diagnostics: Vec<Diagnostic>,
}

/// Builds the item of a normalised node. `original` is the node as written and
/// `context` the context its keys are read under (for `extra`).
pub fn article(
    node: &Map<String, Value>,
    original: &Map<String, Value>,
    context: &Context,
    origin: &Origin,
) -> Item {
    let mut diagnostics = Vec::new();
    let types = type_names(node);
    if types.is_empty() {
        diagnostics.push(origin.warning(origin.line, "schema.org item has no @type"));
    }
    let resource_type = types
        .iter()
        .find(|t| output_kind(t).is_some())
        .or(types.first())
        .cloned();
    let kind = resource_type
        .as_deref()
        .and_then(output_kind)
        .map(str::to_string);

    let title = text(node.get("name"))
        .or_else(|| text(node.get("headline")))
        .map(|t| one_line(&t));
    let title = title.unwrap_or_else(|| {
        diagnostics.push(origin.warning(
            origin.line,
            "schema.org item has no name: titled from the file name",
        ));
        file_title(&origin.file.rel)
    });
    let description = text(node.get("description"));

    let (subjects, tags) = subjects_and_tags(node);
    let mut terms: Vec<String> = Vec::new();
    for iri in subjects.iter().filter_map(|s| s.iri.as_deref()) {
        let term = panet::canonical(iri).unwrap_or_else(|| iri.to_string());
        if !terms.contains(&term) {
            terms.push(term);
        }
    }

    let mut creators = Vec::new();
    for read in agents::agents(node.get("author"), None)
        .into_iter()
        .chain(agents::agents(node.get("creator"), None))
    {
        keep_agent(read, &mut creators, &mut diagnostics, origin);
    }
    let mut contributors = Vec::new();
    for read in agents::agents(node.get("contributor"), None)
        .into_iter()
        .chain(agents::agents(node.get("editor"), Some("Editor")))
    {
        keep_agent(read, &mut contributors, &mut diagnostics, origin);
    }
    let authors = creators
        .iter()
        .map(|a| Author {
            name: a.name.clone(),
            orcid: a.orcid.clone(),
        })
        .collect();

    let license = many(node.get("license")).into_iter().find_map(licence_of);
    let mut date = |key: &str| {
        let written = text(node.get(key))?;
        let iso = iso_date(&written);
        if iso.is_none() {
            diagnostics.push(origin.warning(
                origin.line_of(&written),
                format!("{key} `{written}` is not an ISO 8601 date: ignored"),
            ));
        }
        iso
    };
    let modified = date("dateModified");
    let published = date("datePublished");
    let created = date("dateCreated");

    let (doi, identifiers) = identifiers(node);
    let landing_page =
        text(node.get("url")).or_else(|| text(node.get("@id")).filter(|id| id.starts_with("http")));
    let (funding, projects) = funding(node);

    let mut parts = Sections::default();
    let description_text = description.as_deref().map(tidy).unwrap_or_default();
    let is_instance = types.iter().any(|t| t == "CourseInstance");
    let own_schedule = if is_instance {
        course::schedule(node)
    } else {
        String::new()
    };
    let first_text = [&description_text, &own_schedule, &title]
        .into_iter()
        .find(|t| !t.is_empty())
        .cloned()
        .unwrap_or_default();
    let first_line = description
        .as_deref()
        .map_or(origin.line, |d| origin.line_of(d));
    parts.push(&title, 0, first_text, first_line, Vec::new());
    let list_section = |parts: &mut Sections, heading: &str, keys: &[&str]| {
        let items: Vec<String> = keys
            .iter()
            .flat_map(|k| many(node.get(*k)))
            .filter_map(|v| {
                text(Some(v)).or_else(|| v.as_object().and_then(|m| text(m.get("name"))))
            })
            .collect();
        if let Some(first) = items.first() {
            parts.push(
                heading,
                2,
                items.join("\n"),
                origin.line_of(first),
                Vec::new(),
            );
        }
    };
    list_section(&mut parts, "Learning outcomes", &["teaches"]);
    list_section(
        &mut parts,
        "Prerequisites",
        &["coursePrerequisites", "competencyRequired"],
    );
    if is_instance && !description_text.is_empty() {
        parts.push("Course instance", 2, own_schedule, origin.line, Vec::new());
    }
    for instance in many(node.get("hasCourseInstance")) {
        let Some(map) = instance.as_object() else {
            continue;
        };
        let heading = course::heading(map);
        let line = text(map.get("@id"))
            .or_else(|| text(map.get("startDate")))
            .map_or(origin.line, |t| origin.line_of(&t));
        parts.push(&heading, 2, course::schedule(map), line, Vec::new());
    }
    let details = course::details(node);
    if !details.is_empty() {
        parts.push("Details", 2, details, origin.line, Vec::new());
    }
    let sections = parts.into_vec();

    let extra = extra(original, context);
    let record = Record {
        format: origin.format.to_string(),
        doi: doi.clone(),
        identifiers,
        resource_type,
        creators,
        contributors,
        publisher: many(node.get("publisher")).into_iter().find_map(|p| {
            text(Some(p)).or_else(|| p.as_object().and_then(|m| text(m.get("name"))))
        }),
        funding,
        issued: published.clone(),
        version: text(node.get("version")).or_else(|| text(node.get("softwareVersion"))),
        license: license.clone(),
        keywords: tags.clone(),
        subjects,
        related: related(node),
        landing_page,
        language: language(node.get("inLanguage")),
        ..Record::default()
    };
    let article = Article {
        id: doi
            .as_deref()
            .map_or_else(|| path_slug(&origin.file.rel), doi_id),
        title,
        summary: description.as_deref().map(summary).unwrap_or_default(),
        kind,
        audience: Vec::new(),
        fair: Vec::new(),
        terms,
        tags,
        projects,
        authors,
        license: license.and_then(|l| l.spdx.or(l.name).or(l.url)),
        updated: modified.or(published).or(created),
        related: Vec::new(),
        extra,
        source: SourceRef {
            root: origin.file.root.clone(),
            path: origin.file.rel.clone(),
            body_line: origin.line,
        },
        markdown: markdown::from_sections(&sections, ""),
        sections,
        record: Some(Box::new(record)),
    };
    Item {
        article,
        diagnostics,
    }
}

fn keep_agent(
    read: Read,
    into: &mut Vec<Agent>,
    diagnostics: &mut Vec<Diagnostic>,
    origin: &Origin,
) {
    if let Some((written, problem)) = &read.bad_orcid {
        diagnostics.push(origin.warning(
            origin.line_of(written),
            format!("{problem} ({})", read.agent.name),
        ));
    }
    if !into.contains(&read.agent) {
        into.push(read.agent);
    }
}

/// A title made from the file name, capitalised as training titles are
/// (`intro_to-x.json` → `Intro to x`).
pub fn file_title(rel: &str) -> String {
    let words = crate::ingest::file_name_words(rel);
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}
