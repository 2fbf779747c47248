//! The schema.org properties an item's record is built from: subjects and
//! keywords, licence, identifiers, funding, related works, language, and what is
//! left for `extra`.

use serde_json::{Map, Value};

use super::MAPPED;
use crate::ingest::licence::{self, licence};
use crate::ingest::training::agents;
use crate::ingest::training::context::{Context, Name, Notes};
use crate::ingest::training::json::{many, text};
use crate::model::{Funding, Identifier, License, Related, Subject, normalise_doi};

/// `about` and DefinedTerm `keywords` as subjects; string keywords (a list, or
/// one comma-separated string) as tags.
pub(super) fn subjects_and_tags(node: &Map<String, Value>) -> (Vec<Subject>, Vec<String>) {
    let mut subjects: Vec<Subject> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    for value in many(node.get("about")) {
        subjects.extend(subject(value));
    }
    for value in many(node.get("keywords")) {
        match value {
            Value::String(s) => {
                for tag in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                    if !tags.iter().any(|t| t == tag) {
                        tags.push(tag.to_string());
                    }
                }
            }
            other => subjects.extend(subject(other)),
        }
    }
    subjects.dedup();
    (subjects, tags)
}

/// A DefinedTerm (or any node, or an IRI string) as a subject: its IRI from
/// `@id`, `url`, or `inDefinedTermSet` + `termCode`.
pub(super) fn subject(value: &Value) -> Option<Subject> {
    let map = match value {
        Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            return Some(Subject {
                value: s.clone(),
                scheme: None,
                iri: Some(s.clone()),
            });
        }
        Value::String(s) if !s.trim().is_empty() => {
            return Some(Subject {
                value: s.trim().to_string(),
                ..Subject::default()
            });
        }
        Value::Object(map) => map,
        _ => return None,
    };
    let scheme = map.get("inDefinedTermSet").and_then(|set| {
        text(Some(set)).or_else(|| {
            set.as_object().and_then(|m| {
                text(m.get("@id"))
                    .or_else(|| text(m.get("url")))
                    .or_else(|| text(m.get("name")))
            })
        })
    });
    let code = text(map.get("termCode"));
    let iri = text(map.get("@id"))
        .filter(|id| !id.starts_with("_:"))
        .or_else(|| text(map.get("url")))
        .or_else(|| match (&scheme, &code) {
            (Some(set), Some(code)) if set.starts_with("http") => {
                let sep = if set.ends_with(['/', '#']) { "" } else { "/" };
                Some(format!("{set}{sep}{code}"))
            }
            _ => None,
        });
    let value = text(map.get("name")).or(code).or_else(|| iri.clone())?;
    Some(Subject { value, scheme, iri })
}

pub(super) fn licence_of(value: &Value) -> Option<License> {
    match value {
        Value::Object(map) => {
            let url = text(map.get("url")).or_else(|| text(map.get("@id")));
            let name = text(map.get("name")).or_else(|| text(map.get("identifier")));
            let mut l = licence(url.as_deref().or(name.as_deref())?);
            if l.spdx.is_none() {
                l.spdx = name
                    .as_deref()
                    .and_then(licence::spdx_id)
                    .map(str::to_string);
            }
            l.name = name;
            l.url = url;
            Some(l)
        }
        other => text(Some(other)).map(|t| licence(&t)),
    }
}

/// The DOI (from `identifier`, `@id`, `url` or `sameAs`) and the other identifiers.
pub(super) fn identifiers(node: &Map<String, Value>) -> (Option<String>, Vec<Identifier>) {
    let mut doi = None;
    let mut others: Vec<Identifier> = Vec::new();
    let add = |scheme: String, value: String, others: &mut Vec<Identifier>| {
        let id = Identifier { scheme, value };
        if !others.contains(&id) {
            others.push(id);
        }
    };
    for key in ["identifier", "@id", "url", "sameAs"] {
        for value in many(node.get(key)) {
            let (scheme, written) = match value {
                Value::Object(pv) => (
                    text(pv.get("propertyID")).map(|s| s.to_lowercase()),
                    text(pv.get("value"))
                        .or_else(|| text(pv.get("@id")))
                        .or_else(|| text(pv.get("url"))),
                ),
                other => (None, text(Some(other))),
            };
            let Some(written) = written.filter(|w| !w.starts_with("_:")) else {
                continue;
            };
            let doi_like = scheme.as_deref() == Some("doi")
                || written.contains("doi.org/")
                || written.starts_with("10.")
                || written.to_lowercase().starts_with("doi:");
            match normalise_doi(&written).filter(|_| doi_like) {
                Some(found) if doi.is_none() => doi = Some(found),
                Some(found) if doi.as_deref() == Some(found.as_str()) => {}
                Some(found) => add("doi".into(), found, &mut others),
                None if key == "url" => {}
                None => {
                    let scheme = scheme.unwrap_or_else(|| {
                        if written.starts_with("http://") || written.starts_with("https://") {
                            "url"
                        } else {
                            "other"
                        }
                        .to_string()
                    });
                    add(scheme, written, &mut others);
                }
            }
        }
    }
    (doi, others)
}

/// Grants (`funding`, CodeMeta's too) and funders; the grants' names are the projects.
pub(super) fn funding(node: &Map<String, Value>) -> (Vec<Funding>, Vec<String>) {
    let mut funding = Vec::new();
    let mut projects = Vec::new();
    for grant in many(node.get("funding")) {
        let entry = match grant {
            Value::Object(map) => {
                let funder = map
                    .get("funder")
                    .and_then(|f| agents::agent(f, None))
                    .map(|r| r.agent);
                Funding {
                    funder: funder.as_ref().map(|f| f.name.clone()),
                    funder_id: funder.and_then(|f| f.identifier),
                    award_number: text(map.get("identifier")),
                    award_title: text(map.get("name")).or_else(|| text(map.get("alternateName"))),
                    award_uri: text(map.get("url")).or_else(|| text(map.get("@id"))),
                }
            }
            other => Funding {
                award_title: text(Some(other)),
                ..Funding::default()
            },
        };
        if let Some(project) = &entry.award_title {
            projects.push(project.clone());
        }
        funding.push(entry);
    }
    for funder in agents::agents(node.get("funder"), None) {
        funding.push(Funding {
            funder: Some(funder.agent.name),
            funder_id: funder.agent.identifier,
            ..Funding::default()
        });
    }
    (funding, projects)
}

/// Links to works this one is part of, has, cites or is based on.
pub(super) fn related(node: &Map<String, Value>) -> Vec<Related> {
    let mut out = Vec::new();
    for (key, relation) in [
        ("isPartOf", "IsPartOf"),
        ("hasPart", "HasPart"),
        ("citation", "Cites"),
        ("isBasedOn", "IsDerivedFrom"),
    ] {
        for value in many(node.get(key)) {
            let (identifier, resource_type) = match value {
                Value::Object(map) => (
                    text(map.get("@id"))
                        .filter(|id| !id.starts_with("_:"))
                        .or_else(|| text(map.get("url")))
                        .or_else(|| text(map.get("identifier"))),
                    super::type_names(map).into_iter().next(),
                ),
                other => (text(Some(other)), None),
            };
            let Some(identifier) = identifier else {
                continue;
            };
            let scheme = if normalise_doi(&identifier).is_some() {
                Some("DOI".to_string())
            } else if identifier.starts_with("http") {
                Some("URL".to_string())
            } else {
                None
            };
            out.push(Related {
                relation: relation.into(),
                identifier,
                scheme,
                resource_type,
            });
        }
    }
    out
}

/// `inLanguage` as a code: a string, or a `Language` node's code (`alternateName`) or name.
pub fn language(value: Option<&Value>) -> Option<String> {
    many(value).into_iter().find_map(|v| match v {
        Value::Object(map) => text(map.get("alternateName")).or_else(|| text(map.get("name"))),
        other => text(Some(other)),
    })
}

/// The source fields not kept in an article or record field, verbatim.
pub(super) fn extra(
    original: &Map<String, Value>,
    context: &Context,
) -> std::collections::BTreeMap<String, Value> {
    let mut notes = Notes::default();
    original
        .iter()
        .filter(|(key, _)| match context.key(key, &mut notes) {
            Name::Schema(name) => !MAPPED.contains(&name.as_str()),
            Name::Keyword(k) => !matches!(k.as_str(), "@id" | "@type"),
            _ => true,
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
