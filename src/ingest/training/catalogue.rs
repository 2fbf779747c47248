//! PaNOSC catalogue records: the PaN-Finder harvests (a JSON array of
//! `{document, datasets, panosc?}`, where `document` is a SciCat published-data
//! record, `datasets` its SciCat datasets with `techniques[] {pid, name}`, and
//! `panosc` the PaNOSC search-api Document), and a single search-api `Document`
//! or `Dataset` object (or an array of them). Each record is one item; its
//! datasets are listed in a section and as `HasPart` relations; each technique
//! `pid` becomes a PaNET term IRI in its canonical form, while the technique's
//! name is kept exactly as the facility wrote it (often not PaNET's label).

mod fields;
mod people;

use serde_json::{Map, Value};

use fields::{datasets_listing, extra, proposal_facts, related, techniques};
use people::{add, ill_author, member_agent};

use super::agents;
use super::json::{self, many, text};
use super::jsonld::Ids;
use super::schema::file_title;
use super::sections::Sections;
use super::text::{iso_date, summary, tidy};
use crate::ingest::licence::licence;
use crate::ingest::markdown;
use crate::ingest::{ContentFile, Diagnostic, Reading, path_slug};
use crate::model::{
    Agent, Article, Author, Identifier, Record, SourceRef, doi_id, doi_iri, normalise_doi,
};

/// How many bytes [`sniff`] looks at.
const SNIFF_BYTES: usize = 4096;

/// Whether the bytes look like PaN catalogue records: a PaN-Finder harvest
/// (`document` with `datasets` or `panosc`) or a PaNOSC search-api object
/// (`pid` with `isPublic`).
pub fn sniff(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(bytes.get(..SNIFF_BYTES).unwrap_or(bytes));
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let harvest = head.contains("\"document\"")
        && (head.contains("\"datasets\"") || head.contains("\"panosc\""));
    let panosc =
        head.contains("\"panosc\"") || (head.contains("\"pid\"") && head.contains("\"isPublic\""));
    head.starts_with(['[', '{']) && (harvest || panosc)
}

/// One record's parts.
struct Parts<'a> {
    /// The SciCat published-data record (or ILL's document).
    document: Option<&'a Map<String, Value>>,
    /// The PaNOSC search-api Document or Dataset.
    panosc: Option<&'a Map<String, Value>>,
    datasets: Vec<&'a Map<String, Value>>,
    /// The element as written, for what is not mapped.
    element: &'a Map<String, Value>,
}

/// Reads a file of catalogue records into one item per record.
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    let display = file.display();
    let text = match json::utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Reading::failed(Diagnostic::error(display, e.line, e.message)),
    };
    let whole = match json::raw(text) {
        Ok(whole) => whole,
        Err(e) => return Reading::failed(Diagnostic::error(display, e.line, e.message)),
    };
    let located = match json::opening(whole) {
        Some('[') => json::elements(whole, text, 1),
        Some('{') => Ok(vec![(1, whole)]),
        _ => {
            return Reading::failed(Diagnostic::error(
                display,
                1,
                "PaN catalogue file must be a JSON array of records or one record object",
            ));
        }
    };
    let located = match located {
        Ok(located) => located,
        Err(e) => return Reading::failed(Diagnostic::error(display, e.line, e.message)),
    };
    let mut reading = Reading::default();
    let mut ids = Ids::default();
    for (index, (line, raw)) in located.into_iter().enumerate() {
        let value = match json::parse(raw.get(), line) {
            Ok(value) => value,
            Err(e) => {
                reading.diagnostics.push(Diagnostic::error(
                    &display,
                    e.line,
                    format!("record {}: {}", index + 1, e.message),
                ));
                continue;
            }
        };
        let Some(parts) = parts(&value) else {
            reading.diagnostics.push(Diagnostic::warning(
                &display,
                line,
                format!("record {} is neither a PaN-Finder record (document) nor a PaNOSC document: skipped", index + 1),
            ));
            continue;
        };
        let (mut article, diagnostics) = article(file, &parts, line);
        article.id = ids.unique(article.id);
        reading.articles.push(article);
        reading.diagnostics.extend(diagnostics);
    }
    if reading.articles.is_empty() && reading.diagnostics.is_empty() {
        reading.diagnostics.push(Diagnostic::error(
            display,
            1,
            "PaN catalogue file holds no records",
        ));
    }
    reading
}

fn parts(value: &Value) -> Option<Parts<'_>> {
    let element = value.as_object()?;
    let document = element.get("document").and_then(Value::as_object);
    let panosc = element
        .get("panosc")
        .and_then(Value::as_object)
        .or_else(|| {
            // A bare search-api object: its `pid` and `title` are the record's.
            (document.is_none() && element.contains_key("pid") && element.contains_key("title"))
                .then_some(element)
        });
    if document.is_none() && panosc.is_none() {
        return None;
    }
    let datasets_from = if element.contains_key("datasets") {
        element.get("datasets")
    } else {
        panosc.and_then(|p| p.get("datasets"))
    };
    let datasets = many(datasets_from)
        .into_iter()
        .filter_map(Value::as_object)
        .collect();
    Some(Parts {
        document,
        panosc,
        datasets,
        element,
    })
}

/// A field of the document, else of the PaNOSC object.
fn field(parts: &Parts, document_key: &str, panosc_key: &str) -> Option<String> {
    parts
        .document
        .and_then(|d| text(d.get(document_key)))
        .or_else(|| parts.panosc.and_then(|p| text(p.get(panosc_key))))
}

fn article(file: &ContentFile, parts: &Parts, line: usize) -> (Article, Vec<Diagnostic>) {
    let display = file.display();
    let mut diagnostics = Vec::new();
    let document = parts.document;
    let panosc = parts.panosc;

    let doi = [
        document.and_then(|d| text(d.get("doi"))),
        document.and_then(|d| text(d.get("documentDoiUrl"))),
        panosc.and_then(|p| text(p.get("doi"))),
        panosc.and_then(|p| text(p.get("pid"))),
    ]
    .into_iter()
    .flatten()
    .find_map(|d| normalise_doi(&d));
    let title = field(parts, "title", "title").map(|t| super::text::one_line(&t));
    let title = title.unwrap_or_else(|| {
        diagnostics.push(Diagnostic::warning(
            &display,
            line,
            "catalogue record has no title",
        ));
        doi.clone().unwrap_or_else(|| file_title(&file.rel))
    });
    let abstract_text = field(parts, "abstract", "summary");
    let proposal = panosc
        .and_then(|p| text(p.get("type")))
        .is_some_and(|t| t.eq_ignore_ascii_case("proposal"));
    let resource_type = document
        .and_then(|d| text(d.get("resourceType")))
        .or_else(|| panosc.and_then(|p| text(p.get("type"))));

    // People: the document's creators and authors (names), ILL's authors with
    // their ids, PaNOSC members.
    let mut creators: Vec<Agent> = Vec::new();
    for key in ["creator", "authors"] {
        for read in agents::agents(document.and_then(|d| d.get(key)), None) {
            add(read.agent, &mut creators);
        }
    }
    let ill_authors = document
        .and_then(|d| d.get("metadata"))
        .and_then(|m| m.get("authors"));
    for author in many(ill_authors) {
        if let Some(agent) = ill_author(author, &display, line, &mut diagnostics) {
            add(agent, &mut creators);
        }
    }
    for member in many(panosc.and_then(|p| p.get("members"))) {
        if let Some(agent) = member_agent(member) {
            add(agent, &mut creators);
        }
    }
    let authors = creators
        .iter()
        .map(|c| Author {
            name: c.name.clone(),
            orcid: c.orcid.clone(),
        })
        .collect();

    let (subjects, terms) = techniques(parts);
    let mut tags: Vec<String> = Vec::new();
    for keyword in parts
        .datasets
        .iter()
        .flat_map(|d| many(d.get("keywords")))
        .chain(many(panosc.and_then(|p| p.get("keywords"))))
        .filter_map(|k| text(Some(k)))
    {
        if !tags.contains(&keyword) {
            tags.push(keyword);
        }
    }

    let license = panosc
        .and_then(|p| text(p.get("license")))
        .or_else(|| parts.datasets.iter().find_map(|d| text(d.get("license"))))
        .map(|l| licence(&l));
    let year = document
        .and_then(|d| text(d.get("publicationYear")))
        .or_else(|| {
            document
                .and_then(|d| d.get("metadata"))
                .and_then(|m| text(m.get("publicationYear")))
        })
        .and_then(|y| iso_date(&y));
    let released = panosc
        .and_then(|p| text(p.get("releaseDate")))
        .and_then(|d| iso_date(&d));
    let registered = document
        .and_then(|d| text(d.get("registeredTime")))
        .and_then(|d| iso_date(&d));

    let related = related(parts, doi.as_deref());
    let landing_page = document
        .and_then(|d| text(d.get("url")).or_else(|| text(d.get("documentDoiUrl"))))
        .or_else(|| doi.as_deref().map(doi_iri));
    let mut identifiers = Vec::new();
    for (scheme, value) in [
        ("pid", panosc.and_then(|p| text(p.get("pid")))),
        (
            "proposal",
            document.and_then(|d| text(d.get("proposalNumber"))),
        ),
        ("url", document.and_then(|d| text(d.get("dataUrl")))),
    ] {
        if let Some(value) = value.filter(|v| normalise_doi(v) != doi || doi.is_none()) {
            identifiers.push(Identifier {
                scheme: scheme.into(),
                value,
            });
        }
    }

    let mut parts_out = Sections::default();
    let mut intro = abstract_text.as_deref().map(tidy).unwrap_or_default();
    if let Some(description) = document.and_then(|d| text(d.get("dataDescription")))
        && !intro.contains(description.trim())
    {
        intro = format!("{intro}\n{}", tidy(&description))
            .trim()
            .to_string();
    }
    let proposal_facts = proposal_facts(document);
    if intro.is_empty() {
        intro = if proposal_facts.is_empty() {
            title.clone()
        } else {
            proposal_facts.clone()
        };
    } else if !proposal_facts.is_empty() {
        intro = format!("{intro}\n{proposal_facts}");
    }
    parts_out.push(&title, 0, intro, line, Vec::new());
    let listing = datasets_listing(parts);
    if !listing.is_empty() {
        parts_out.push("Datasets", 2, listing, line, Vec::new());
    }
    let sections = parts_out.into_vec();

    let record = Record {
        format: "panosc".into(),
        doi: doi.clone(),
        identifiers,
        resource_type,
        creators,
        publisher: document.and_then(|d| text(d.get("publisher"))),
        issued: year.clone().or_else(|| released.clone()),
        license: license.clone(),
        keywords: tags.clone(),
        subjects,
        related,
        landing_page,
        ..Record::default()
    };
    let article = Article {
        id: doi.as_deref().map_or_else(|| path_slug(&file.rel), doi_id),
        title,
        summary: abstract_text.as_deref().map(summary).unwrap_or_default(),
        kind: Some(if proposal { "proposal" } else { "dataset" }.into()),
        audience: Vec::new(),
        fair: Vec::new(),
        terms,
        tags,
        projects: Vec::new(),
        authors,
        license: license.and_then(|l| l.spdx.or(l.name).or(l.url)),
        updated: registered.or(released).or(year),
        related: Vec::new(),
        extra: extra(parts),
        source: SourceRef {
            root: file.root.clone(),
            path: file.rel.clone(),
            body_line: line,
        },
        markdown: markdown::from_sections(&sections, ""),
        sections,
        record: Some(Box::new(record)),
    };
    (article, diagnostics)
}
