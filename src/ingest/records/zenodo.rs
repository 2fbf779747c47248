//! Zenodo JSON: legacy records (`metadata.creators[].name`, `conceptdoi`,
//! `metadata.resource_type.type/subtype`), search responses (`hits.hits[]`,
//! each hit legacy or InvenioRDM-native), and deposit metadata files
//! (`.zenodo.json`, `.rodare.json`: the metadata object alone, `upload_type`).
//! InvenioRDM-native records are mapped in `invenio.rs`.

use serde_json::{Map, Value};

use super::invenio;
use super::item::{Diags, Draft, finish, ror_iri};
use super::json::{self, Lines, items, join, str_of};
use super::merge_versions;
use crate::ingest::licence;
use crate::ingest::{ContentFile, Diagnostic, Reading};
use crate::model::{Affiliation, Agent, FileRef, Funding, Related, Subject, normalise_doi};

pub const WHAT: &str = "Zenodo record";

/// Metadata keys the mapping uses completely (others go to `extra`).
const MAPPED_METADATA: &[&str] = &[
    "title",
    "description",
    "creators",
    "contributors",
    "resource_type",
    "upload_type",
    "publication_type",
    "image_type",
    "publication_date",
    "keywords",
    "subjects",
    "license",
    "communities",
    "grants",
    "related_identifiers",
    "version",
    "language",
    "doi",
    "conceptdoi",
];

/// Record keys outside `metadata` the mapping uses completely.
const MAPPED_RECORD: &[&str] = &["metadata", "doi", "conceptdoi", "doi_url", "title", "files"];

/// Which Zenodo JSON a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One record of the legacy REST API.
    Legacy,
    /// A search response, `{"hits": {"hits": [...]}}`.
    Search,
    /// An InvenioRDM-native record (`pids`, `metadata.creators[].person_or_org`).
    Native,
    /// A deposit metadata file (`.zenodo.json`).
    Deposit,
}

/// Reads a Zenodo or InvenioRDM JSON file of the given shape.
pub fn read(file: &ContentFile, bytes: &[u8], shape: Shape) -> Reading {
    let (value, lines) = match json::parse(bytes) {
        Ok(parsed) => parsed,
        Err(e) => return Reading::failed(Diagnostic::error(file.display(), e.line, e.message)),
    };
    let Some(obj) = value.as_object() else {
        return Reading::failed(Diagnostic::error(
            file.display(),
            1,
            "Zenodo JSON must be an object",
        ));
    };
    let mut diags = Diags::new(file);
    let drafts = match shape {
        Shape::Legacy | Shape::Native => vec![one(obj, &lines, "", 1, &mut diags)],
        Shape::Deposit => vec![legacy(
            obj,
            obj,
            &lines,
            "",
            1,
            "zenodo-deposit",
            &mut diags,
        )],
        Shape::Search => search(obj, &lines, &mut diags),
    };
    Reading {
        articles: merge_versions(finish(drafts, file, WHAT, &mut diags)),
        diagnostics: diags.list,
    }
}

/// A record of either API generation, told apart by its keys.
fn one(
    obj: &Map<String, Value>,
    lines: &Lines,
    base: &str,
    line: usize,
    diags: &mut Diags,
) -> Draft {
    if invenio::is_native(obj) {
        return invenio::draft(obj, lines, base, line, diags);
    }
    match obj.get("metadata").and_then(Value::as_object) {
        Some(meta) => legacy(
            obj,
            meta,
            lines,
            &join(base, "metadata"),
            line,
            "zenodo",
            diags,
        ),
        None => legacy(obj, obj, lines, base, line, "zenodo", diags),
    }
}

fn search(obj: &Map<String, Value>, lines: &Lines, diags: &mut Diags) -> Vec<Draft> {
    let hits = obj.get("hits");
    let list = items(hits.and_then(|h| h.get("hits")));
    let total = hits.and_then(|h| h.get("total")).and_then(|t| {
        t.as_u64()
            .or_else(|| t.get("value").and_then(Value::as_u64))
    });
    if let Some(total) = total.filter(|t| *t > list.len() as u64) {
        diags.note(
            lines.at("hits/total"),
            format!(
                "search response holds {} of {total} hits (the rest are on later pages)",
                list.len()
            ),
        );
    }
    let mut drafts = Vec::new();
    for (i, hit) in list.into_iter().enumerate() {
        let base = format!("hits/hits/{i}");
        match hit.as_object() {
            Some(hit) => drafts.push(one(hit, lines, &base, lines.at(&base), diags)),
            None => diags.warn(lines.at(&base), "search hit is not an object; skipped"),
        }
    }
    drafts
}

/// A legacy record (`record` with its `metadata`) or a deposit file (both the same object).
fn legacy(
    record: &Map<String, Value>,
    meta: &Map<String, Value>,
    lines: &Lines,
    meta_base: &str,
    line: usize,
    format: &str,
    diags: &mut Diags,
) -> Draft {
    let mut d = Draft::new(format, line);
    let at = |key: &str| lines.at(&join(meta_base, key));
    let doi_text = str_of(record.get("doi")).or_else(|| str_of(meta.get("doi")));
    if let Some(text) = doi_text {
        d.record.doi = normalise_doi(&text);
        if d.record.doi.is_none() {
            diags.warn(at("doi"), format!("invalid DOI `{text}`"));
        }
    }
    d.record.concept_doi = str_of(record.get("conceptdoi"))
        .or_else(|| str_of(meta.get("conceptdoi")))
        .and_then(|t| normalise_doi(&t));
    d.title = str_of(meta.get("title"));
    if let Some(html) = str_of(meta.get("description")) {
        d.describe(&html, at("description"));
    }
    d.record.creators = agents(
        meta.get("creators"),
        &join(meta_base, "creators"),
        lines,
        diags,
    );
    d.record.contributors = agents(
        meta.get("contributors"),
        &join(meta_base, "contributors"),
        lines,
        diags,
    );
    d.record.resource_type = resource_type(meta);
    if let Some(date) = str_of(meta.get("publication_date")) {
        d.record.issued = diags.issued(&date, "publication_date", at("publication_date"));
    }
    d.record.keywords = items(meta.get("keywords"))
        .into_iter()
        .filter_map(|k| str_of(Some(k)))
        .collect();
    d.record.subjects = items(meta.get("subjects"))
        .into_iter()
        .filter_map(subject)
        .collect();
    d.record.license = match meta.get("license") {
        Some(Value::Object(l)) => str_of(l.get("id"))
            .or_else(|| str_of(l.get("title")))
            .map(|id| licence::licence(&id)),
        other => str_of(other).map(|t| licence::licence(&t)),
    };
    d.record.communities = items(meta.get("communities"))
        .into_iter()
        .filter_map(|c| match c {
            Value::String(s) => Some(s.clone()),
            other => str_of(other.get("id")).or_else(|| str_of(other.get("identifier"))),
        })
        .collect();
    d.record.funding = items(meta.get("grants"))
        .into_iter()
        .filter_map(grant)
        .collect();
    for r in items(meta.get("related_identifiers")) {
        let (Some(relation), Some(identifier)) =
            (str_of(r.get("relation")), str_of(r.get("identifier")))
        else {
            continue;
        };
        let scheme = str_of(r.get("scheme"));
        let is_doi = scheme
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("doi"));
        if is_doi && relation.eq_ignore_ascii_case("isVersionOf") && d.record.concept_doi.is_none()
        {
            d.record.concept_doi = normalise_doi(&identifier);
        }
        d.record.related.push(Related {
            relation,
            identifier,
            scheme,
            resource_type: str_of(r.get("resource_type")),
        });
    }
    d.record.version = str_of(meta.get("version"));
    d.record.language = str_of(meta.get("language"));
    d.record.publisher = str_of(meta.get("publisher"));
    let links = record.get("links");
    d.record.landing_page = ["html", "self_html", "latest_html"]
        .iter()
        .find_map(|k| str_of(links.and_then(|l| l.get(*k))));
    d.record.files = items(record.get("files"))
        .into_iter()
        .filter_map(file_ref)
        .collect();
    let record_is_meta = std::ptr::eq(record, meta);
    for (key, value) in meta {
        if !MAPPED_METADATA.contains(&key.as_str()) && !value.is_null() {
            d.extra.insert(key.clone(), value.clone());
        }
    }
    if !record_is_meta {
        for (key, value) in record {
            if !MAPPED_RECORD.contains(&key.as_str()) && !value.is_null() {
                d.extra.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    d
}

/// `publication` + `deliverable` → `publication-deliverable`, as Zenodo names types.
fn resource_type(meta: &Map<String, Value>) -> Option<String> {
    if let Some(Value::Object(rt)) = meta.get("resource_type") {
        let kind = str_of(rt.get("type"))?;
        return Some(match str_of(rt.get("subtype")) {
            Some(sub) => format!("{kind}-{sub}"),
            None => kind,
        });
    }
    let upload = str_of(meta.get("upload_type"))?;
    let sub = match upload.as_str() {
        "publication" => str_of(meta.get("publication_type")),
        "image" => str_of(meta.get("image_type")),
        _ => None,
    };
    Some(match sub {
        Some(sub) => format!("{upload}-{sub}"),
        None => upload,
    })
}

fn agents(list: Option<&Value>, path: &str, lines: &Lines, diags: &mut Diags) -> Vec<Agent> {
    let mut out = Vec::new();
    for (i, v) in items(list).into_iter().enumerate() {
        let line = lines.at(&format!("{path}/{i}"));
        let Some(name) = str_of(v.get("name")) else {
            diags.warn(line, "creator or contributor without a name; skipped");
            continue;
        };
        let (family, given) = match name.split_once(", ") {
            Some((f, g)) => (Some(f.to_string()), Some(g.to_string())),
            None => (None, None),
        };
        let orcid = str_of(v.get("orcid"))
            .and_then(|o| diags.orcid(&o, lines.at(&format!("{path}/{i}/orcid"))));
        let identifier = str_of(v.get("gnd")).map(|g| format!("https://d-nb.info/gnd/{g}"));
        let affiliations = str_of(v.get("affiliation"))
            .map(|a| {
                vec![Affiliation {
                    ror: str_of(v.get("ror")).and_then(|r| ror_iri(&r)),
                    name: a,
                }]
            })
            .unwrap_or_default();
        out.push(Agent {
            name,
            given,
            family,
            orcid,
            identifier,
            organisation: false,
            affiliations,
            role: str_of(v.get("type")),
        });
    }
    out
}

fn subject(s: &Value) -> Option<Subject> {
    let value = str_of(s.get("term")).or_else(|| str_of(s.get("subject")))?;
    let id = str_of(s.get("identifier")).or_else(|| str_of(s.get("id")));
    let iri = id.filter(|i| i.starts_with("http://") || i.starts_with("https://"));
    Some(Subject {
        value,
        scheme: str_of(s.get("scheme")),
        iri,
    })
}

/// A legacy grant: `{"id": "10.13039/501100000780::823852"}` or the expanded
/// form with `code`, `acronym`, `title` and `funder`.
fn grant(g: &Value) -> Option<Funding> {
    let id = str_of(g.get("id"));
    let (funder_doi, code_from_id) = match id.as_deref().and_then(|id| id.split_once("::")) {
        Some((funder, code)) => (Some(funder.to_string()), Some(code.to_string())),
        None => (None, id.clone()),
    };
    let funder = g.get("funder");
    let funder_doi = str_of(funder.and_then(|f| f.get("doi"))).or(funder_doi);
    let funding = Funding {
        funder: str_of(funder.and_then(|f| f.get("name"))),
        funder_id: funder_doi.map(|d| super::datacite_json::funder_iri(&d, "Crossref Funder ID")),
        award_number: str_of(g.get("code")).or(code_from_id),
        award_title: str_of(g.get("acronym")).or_else(|| str_of(g.get("title"))),
        award_uri: str_of(g.get("url")),
    };
    (funding != Funding::default()).then_some(funding)
}

fn file_ref(f: &Value) -> Option<FileRef> {
    let name = str_of(f.get("key")).or_else(|| str_of(f.get("filename")))?;
    let links = f.get("links");
    Some(FileRef {
        name,
        url: str_of(links.and_then(|l| l.get("self")))
            .or_else(|| str_of(links.and_then(|l| l.get("download")))),
        size: f
            .get("size")
            .or_else(|| f.get("filesize"))
            .and_then(Value::as_u64),
        checksum: str_of(f.get("checksum")),
        media_type: str_of(f.get("mimetype")),
    })
}
