//! DataCite JSON: the REST API's `{"data": {"attributes": {...}}}` (one record or
//! a list) and the plain attributes at the top level (bolognese, commonmeta).
//!
//! [`draft`] is the one mapping of DataCite fields onto a [`Record`]: DataCite
//! XML is first turned into the same attribute shape (see `datacite_xml.rs`),
//! so XML, OAI-PMH payloads and JSON are read by the same code.

use serde_json::{Map, Value};

use super::item::{Diags, Draft, finish, person_name, ror_iri};
use super::json::{self, Lines, items, join, str_of};
use super::merge_versions;
use crate::ingest::licence;
use crate::ingest::{ContentFile, Diagnostic, Reading};
use crate::model::{
    Affiliation, Agent, FileRef, Funding, Identifier, License, Related, Subject, normalise_doi,
    output_kind,
};

/// How messages name these records.
pub const WHAT: &str = "DataCite record";

/// Attribute keys the mapping uses completely; every other key is kept in `extra`
/// (titles, descriptions, dates, rights and types too: they say more than the
/// one value taken from them).
const MAPPED: &[&str] = &[
    "id",
    "doi",
    "prefix",
    "suffix",
    "identifiers",
    "alternateIdentifiers",
    "creators",
    "contributors",
    "subjects",
    "relatedIdentifiers",
    "fundingReferences",
    "version",
    "language",
    "url",
    "contentUrl",
];

/// Reads a DataCite JSON file: one record, a REST list, or plain attributes.
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    let (value, lines) = match json::parse(bytes) {
        Ok(parsed) => parsed,
        Err(e) => return Reading::failed(Diagnostic::error(file.display(), e.line, e.message)),
    };
    let mut diags = Diags::new(file);
    let mut drafts = Vec::new();
    match value.get("data") {
        Some(Value::Array(list)) => {
            for (i, entry) in list.iter().enumerate() {
                let base = format!("data/{i}");
                match entry.get("attributes").and_then(Value::as_object) {
                    Some(attrs) => drafts.push(draft(
                        attrs,
                        &lines,
                        &join(&base, "attributes"),
                        lines.at(&base),
                        "datacite-json",
                        &mut diags,
                    )),
                    None => diags.warn(lines.at(&base), "DataCite list entry has no `attributes`"),
                }
            }
        }
        Some(data) => match data.get("attributes").and_then(Value::as_object) {
            Some(attrs) => drafts.push(draft(
                attrs,
                &lines,
                "data/attributes",
                1,
                "datacite-json",
                &mut diags,
            )),
            None => {
                return Reading::failed(Diagnostic::error(
                    file.display(),
                    lines.at("data"),
                    "DataCite JSON has `data` but no `attributes`",
                ));
            }
        },
        None => match value.as_object() {
            Some(attrs) => drafts.push(draft(attrs, &lines, "", 1, "datacite-json", &mut diags)),
            None => {
                return Reading::failed(Diagnostic::error(
                    file.display(),
                    1,
                    "DataCite JSON must be an object",
                ));
            }
        },
    }
    let articles = merge_versions(finish(drafts, file, WHAT, &mut diags));
    Reading {
        articles,
        diagnostics: diags.list,
    }
}

/// Where values are: the line table and the path of the attributes object.
struct At<'a> {
    lines: &'a Lines,
    base: &'a str,
}

impl At<'_> {
    fn line(&self, path: &str) -> usize {
        self.lines.at(&join(self.base, path))
    }
}

/// Maps DataCite attributes (REST JSON names; XML converted to them) onto a draft.
pub(crate) fn draft(
    attrs: &Map<String, Value>,
    lines: &Lines,
    base: &str,
    line: usize,
    format: &str,
    diags: &mut Diags,
) -> Draft {
    let at = At { lines, base };
    let mut d = Draft::new(format, line);
    doi_and_identifiers(attrs, &at, &mut d, diags);
    d.record.creators = agents(attrs.get("creators"), "creators", &at, diags);
    d.record.contributors = agents(attrs.get("contributors"), "contributors", &at, diags);
    d.title = title(attrs.get("titles"));
    d.record.publisher = match attrs.get("publisher") {
        Some(Value::Object(p)) => str_of(p.get("name")),
        other => str_of(other),
    };
    issued(attrs, &at, &mut d, diags);
    d.record.resource_type = resource_type(attrs);
    subjects(attrs.get("subjects"), &mut d);
    d.record.license = rights(attrs.get("rightsList"));
    description(attrs.get("descriptions"), &at, &mut d);
    d.record.funding = items(attrs.get("fundingReferences"))
        .into_iter()
        .filter_map(funding)
        .collect();
    related(attrs, &mut d);
    d.record.version = str_of(attrs.get("version"));
    d.record.language = str_of(attrs.get("language"));
    d.record.landing_page = str_of(attrs.get("url"));
    d.record.files = items(attrs.get("contentUrl"))
        .into_iter()
        .filter_map(|u| u.as_str())
        .map(|url| FileRef {
            name: url.rsplit('/').next().unwrap_or(url).to_string(),
            url: Some(url.to_string()),
            ..FileRef::default()
        })
        .collect();
    for (key, value) in attrs {
        let empty = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
        // A publisher given as a name only is all in `record.publisher`.
        let plain_publisher = key == "publisher" && value.is_string();
        if !MAPPED.contains(&key.as_str()) && !empty && !plain_publisher {
            d.extra.insert(key.clone(), value.clone());
        }
    }
    d
}

fn doi_and_identifiers(attrs: &Map<String, Value>, at: &At<'_>, d: &mut Draft, diags: &mut Diags) {
    let mut doi_text = str_of(attrs.get("doi")).map(|t| (t, "doi"));
    if doi_text.is_none() {
        doi_text = str_of(attrs.get("id"))
            .filter(|id| id.contains("doi.org/"))
            .map(|t| (t, "id"));
    }
    let mut others = Vec::new();
    for key in ["identifiers", "alternateIdentifiers"] {
        for entry in items(attrs.get(key)) {
            let value = str_of(entry.get("identifier"))
                .or_else(|| str_of(entry.get("alternateIdentifier")));
            let scheme = str_of(entry.get("identifierType"))
                .or_else(|| str_of(entry.get("alternateIdentifierType")));
            let (Some(value), Some(scheme)) = (value, scheme) else {
                continue;
            };
            if scheme.eq_ignore_ascii_case("doi") {
                if doi_text.is_none() {
                    doi_text = Some((value, key));
                }
                continue;
            }
            let id = Identifier {
                scheme: scheme.to_lowercase(),
                value,
            };
            if !others.contains(&id) {
                others.push(id);
            }
        }
    }
    d.record.identifiers = others;
    match doi_text {
        Some((text, key)) => match normalise_doi(&text) {
            Some(doi) => d.record.doi = Some(doi),
            None => diags.warn(at.line(key), format!("invalid DOI `{text}`")),
        },
        None => diags.warn(d.line, format!("{WHAT} has no DOI")),
    }
}

fn agents(list: Option<&Value>, key: &str, at: &At<'_>, diags: &mut Diags) -> Vec<Agent> {
    let mut out = Vec::new();
    for (i, v) in items(list).into_iter().enumerate() {
        let path = format!("{key}/{i}");
        match agent(v, &path, at, diags) {
            Some(a) => out.push(a),
            None => diags.warn(at.line(&path), format!("{} without a name", singular(key))),
        }
    }
    out
}

fn singular(key: &str) -> &str {
    key.strip_suffix('s').unwrap_or(key)
}

fn agent(v: &Value, path: &str, at: &At<'_>, diags: &mut Diags) -> Option<Agent> {
    let given = str_of(v.get("givenName"));
    let family = str_of(v.get("familyName"));
    let name = str_of(v.get("name"))
        .or_else(|| str_of(v.get("creatorName")))
        .or_else(|| str_of(v.get("contributorName")))
        .or_else(|| {
            Some(person_name(given.as_deref(), family.as_deref())).filter(|n| !n.is_empty())
        })?;
    let kind = str_of(v.get("nameType"))
        .or_else(|| str_of(v.get("type")))
        .unwrap_or_default();
    let mut agent = Agent {
        name,
        given,
        family,
        organisation: kind.starts_with("Organi"),
        role: str_of(v.get("contributorType")),
        ..Agent::default()
    };
    // bolognese writes the ORCID or ROR as the agent's `id`.
    if let Some(id) = str_of(v.get("id")) {
        identify(&mut agent, &id, None, None, at.line(path), diags);
    }
    for (i, ni) in items(v.get("nameIdentifiers")).into_iter().enumerate() {
        let line = at.line(&format!("{path}/nameIdentifiers/{i}"));
        let (value, scheme, scheme_uri) = match ni {
            Value::String(s) => (Some(s.clone()), None, None),
            other => (
                str_of(other.get("nameIdentifier")),
                str_of(other.get("nameIdentifierScheme")),
                str_of(other.get("schemeUri")).or_else(|| str_of(other.get("schemeURI"))),
            ),
        };
        if let Some(value) = value {
            identify(
                &mut agent,
                &value,
                scheme.as_deref(),
                scheme_uri.as_deref(),
                line,
                diags,
            );
        }
    }
    for a in items(v.get("affiliation")) {
        let (name, id, scheme) = match a {
            Value::String(s) => (Some(s.trim().to_string()), None, None),
            other => (
                str_of(other.get("name")).or_else(|| str_of(other.get("affiliation"))),
                str_of(other.get("affiliationIdentifier")),
                str_of(other.get("affiliationIdentifierScheme")),
            ),
        };
        let ror = id
            .as_deref()
            .filter(|_| {
                scheme
                    .as_deref()
                    .is_none_or(|s| s.eq_ignore_ascii_case("ROR"))
            })
            .and_then(ror_iri);
        if let Some(name) = name.or_else(|| ror.clone()).filter(|n| !n.is_empty()) {
            agent.affiliations.push(Affiliation { name, ror });
        }
    }
    Some(agent)
}

/// Files a name identifier under ORCID, ROR or the agent's own identifier IRI.
fn identify(
    agent: &mut Agent,
    value: &str,
    scheme: Option<&str>,
    scheme_uri: Option<&str>,
    line: usize,
    diags: &mut Diags,
) {
    let value = value.trim();
    let scheme = scheme.unwrap_or("").to_ascii_uppercase();
    let lower = value.to_ascii_lowercase();
    if scheme == "ORCID" || lower.contains("orcid.org/") {
        if agent.orcid.is_none() {
            agent.orcid = diags.orcid(value, line);
        }
        return;
    }
    if agent.identifier.is_some() {
        return;
    }
    agent.identifier = if scheme == "ROR" || lower.contains("ror.org/") {
        ror_iri(value).or_else(|| Some(value.to_string()))
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        Some(value.to_string())
    } else {
        match scheme_uri {
            Some(base) if base.ends_with('/') || base.ends_with('#') => {
                Some(format!("{base}{value}"))
            }
            Some(base) => Some(format!("{base}/{value}")),
            None => Some(value.to_string()),
        }
    };
}

/// The main title: the first without a `titleType`, else the first.
fn title(titles: Option<&Value>) -> Option<String> {
    let list = items(titles);
    let text = |t: &Value| match t {
        Value::String(s) => Some(s.trim().to_string()),
        other => str_of(other.get("title")),
    };
    list.iter()
        .filter(|t| t.get("titleType").is_none_or(Value::is_null))
        .find_map(|t| text(t))
        .or_else(|| list.iter().find_map(|t| text(t)))
}

fn issued(attrs: &Map<String, Value>, at: &At<'_>, d: &mut Draft, diags: &mut Diags) {
    let dates = items(attrs.get("dates"));
    let issued = dates.iter().enumerate().find(|(_, date)| {
        str_of(date.get("dateType")).is_some_and(|t| t.eq_ignore_ascii_case("Issued"))
    });
    if let Some((i, date)) = issued
        && let Some(text) = str_of(date.get("date"))
    {
        d.record.issued = diags.issued(&text, "the Issued date", at.line(&format!("dates/{i}")));
    }
    if d.record.issued.is_none()
        && let Some(year) = str_of(attrs.get("publicationYear"))
    {
        d.record.issued = diags.issued(&year, "publicationYear", at.line("publicationYear"));
    }
}

/// The resource type the item's kind is read from: the free-text `resourceType`
/// when it names a kind more specific than a document (a `Text` whose
/// `resourceType` is `Deliverable` is a deliverable), else `resourceTypeGeneral`.
/// Both stay in `extra` under `types`.
fn resource_type(attrs: &Map<String, Value>) -> Option<String> {
    let types = attrs.get("types");
    let specific = types
        .and_then(|t| str_of(t.get("resourceType")))
        .filter(|t| output_kind(t).is_some_and(|kind| kind != "document"));
    specific.or_else(|| {
        types
            .and_then(|t| str_of(t.get("resourceTypeGeneral")))
            .or_else(|| str_of(attrs.get("resourceTypeGeneral")))
    })
}

fn subjects(list: Option<&Value>, d: &mut Draft) {
    for s in items(list) {
        let (value, scheme, value_uri, scheme_uri, code) = match s {
            Value::String(text) => (Some(text.trim().to_string()), None, None, None, None),
            other => (
                str_of(other.get("subject")),
                str_of(other.get("subjectScheme")),
                str_of(other.get("valueUri")).or_else(|| str_of(other.get("valueURI"))),
                str_of(other.get("schemeUri")).or_else(|| str_of(other.get("schemeURI"))),
                str_of(other.get("classificationCode")),
            ),
        };
        let iri = value_uri.or_else(|| match (scheme_uri, code) {
            (Some(base), Some(code)) if base.ends_with('/') || base.ends_with('#') => {
                Some(format!("{base}{code}"))
            }
            (Some(base), Some(code)) => Some(format!("{base}/{code}")),
            _ => None,
        });
        let Some(value) = value.or_else(|| iri.clone()).filter(|v| !v.is_empty()) else {
            continue;
        };
        // A subject from no scheme is a free keyword (Zenodo exports keywords so).
        if scheme.is_none() && iri.is_none() {
            d.record.keywords.push(value.clone());
        }
        d.record.subjects.push(Subject { value, scheme, iri });
    }
}

/// The first entry of the rights list that is a licence (not an access right).
fn rights(list: Option<&Value>) -> Option<License> {
    items(list).into_iter().find_map(|r| {
        let text = match r {
            Value::String(s) => Some(s.trim().to_string()),
            other => str_of(other.get("rights")),
        };
        let uri = str_of(r.get("rightsUri")).or_else(|| str_of(r.get("rightsURI")));
        let id = str_of(r.get("rightsIdentifier"));
        let stated = [&text, &uri, &id];
        if stated
            .iter()
            .any(|s| s.as_deref().is_some_and(licence::is_access_right))
        {
            return None;
        }
        let spdx = id
            .as_deref()
            .and_then(licence::spdx_id)
            .or_else(|| uri.as_deref().and_then(licence::spdx_id))
            .or_else(|| text.as_deref().and_then(licence::spdx_id));
        let name = text.or(id);
        (name.is_some() || uri.is_some()).then(|| License {
            spdx: spdx.map(str::to_string),
            name,
            url: uri,
        })
    })
}

/// The abstract (else the first description) as the item's text.
fn description(list: Option<&Value>, at: &At<'_>, d: &mut Draft) {
    let list = items(list);
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        other => match other.get("description") {
            // Older bolognese JSON writes a description as a list of paragraphs.
            Some(Value::Array(parts)) => {
                let joined: Vec<&str> = parts.iter().filter_map(Value::as_str).collect();
                Some(joined.join("\n\n"))
            }
            v => str_of(v),
        },
    };
    let is_abstract = |v: &Value| {
        str_of(v.get("descriptionType")).is_some_and(|t| t.eq_ignore_ascii_case("Abstract"))
    };
    let chosen = list
        .iter()
        .position(|v| is_abstract(v))
        .or_else(|| (!list.is_empty()).then_some(0));
    if let Some(i) = chosen
        && let Some(t) = list.get(i).and_then(|v| text(v))
    {
        d.describe(&t, at.line(&format!("descriptions/{i}")));
    }
}

fn funding(f: &Value) -> Option<Funding> {
    let (award_number, nested_uri) = match f.get("awardNumber") {
        Some(Value::Object(a)) => (str_of(a.get("awardNumber")), str_of(a.get("awardUri"))),
        other => (str_of(other), None),
    };
    let funder_type = str_of(f.get("funderIdentifierType")).unwrap_or_default();
    let funder_id = str_of(f.get("funderIdentifier")).map(|id| funder_iri(&id, &funder_type));
    let funding = Funding {
        funder: str_of(f.get("funderName")),
        funder_id,
        award_number,
        award_title: str_of(f.get("awardTitle")),
        award_uri: str_of(f.get("awardUri"))
            .or_else(|| str_of(f.get("awardURI")))
            .or(nested_uri),
    };
    (funding != Funding::default()).then_some(funding)
}

/// A funder identifier as an IRI: Crossref Funder IDs through doi.org, ROR ids as ROR IRIs.
pub(crate) fn funder_iri(id: &str, kind: &str) -> String {
    let id = id.trim();
    if id.starts_with("http://") || id.starts_with("https://") {
        return id.to_string();
    }
    if kind.eq_ignore_ascii_case("ROR")
        && let Some(iri) = ror_iri(id)
    {
        return iri;
    }
    if kind.to_ascii_lowercase().contains("crossref") || id.starts_with("10.13039/") {
        let id = id.strip_prefix("10.13039/").unwrap_or(id);
        return format!("https://doi.org/10.13039/{id}");
    }
    id.to_string()
}

/// Related identifiers and items; `IsVersionOf` a DOI names the concept DOI, and
/// a record that `HasVersion` is the concept itself.
fn related(attrs: &Map<String, Value>, d: &mut Draft) {
    let mut is_concept = false;
    for r in items(attrs.get("relatedIdentifiers")) {
        let (Some(relation), Some(identifier)) = (
            str_of(r.get("relationType")),
            str_of(r.get("relatedIdentifier")),
        ) else {
            continue;
        };
        let scheme = str_of(r.get("relatedIdentifierType"));
        let is_doi = scheme
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("DOI"));
        if is_doi && relation == "IsVersionOf" && d.record.concept_doi.is_none() {
            d.record.concept_doi = normalise_doi(&identifier);
        }
        is_concept |= is_doi && relation == "HasVersion";
        d.record.related.push(Related {
            relation,
            identifier,
            scheme,
            resource_type: str_of(r.get("resourceTypeGeneral")),
        });
    }
    for item in items(attrs.get("relatedItems")) {
        let Some(relation) = str_of(item.get("relationType")) else {
            continue;
        };
        let (identifier, scheme) = match item.get("relatedItemIdentifier") {
            Some(Value::Object(id)) => (
                str_of(id.get("relatedItemIdentifier")),
                str_of(id.get("relatedItemIdentifierType")),
            ),
            other => (str_of(other), str_of(item.get("relatedItemIdentifierType"))),
        };
        let Some(identifier) = identifier.or_else(|| title(item.get("titles"))) else {
            continue;
        };
        d.record.related.push(Related {
            relation,
            identifier,
            scheme,
            resource_type: str_of(item.get("relatedItemType")),
        });
    }
    if is_concept && d.record.concept_doi.is_none() {
        d.record.concept_doi = d.record.doi.clone();
    }
}
