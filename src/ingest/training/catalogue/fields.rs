//! What a catalogue record's datasets and documents say: techniques, related
//! datasets and publications, ILL's proposal facts, the datasets' listing, and
//! what is left for `extra`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Parts;
use crate::ingest::training::json::{many, text};
use crate::ingest::training::panet;
use crate::ingest::training::text::one_line;
use crate::model::{Related, Subject, normalise_doi};

/// Every technique of the record's datasets (and of the PaNOSC object itself):
/// subjects with the name as written and the pid as written, and the PaNET IRIs
/// in canonical form as terms.
pub(super) fn techniques(parts: &Parts) -> (Vec<Subject>, Vec<String>) {
    let mut subjects: Vec<Subject> = Vec::new();
    let mut terms: Vec<String> = Vec::new();
    let own = many(parts.panosc.and_then(|p| p.get("techniques")));
    let listed = parts
        .datasets
        .iter()
        .flat_map(|d| many(d.get("techniques")));
    for technique in own.into_iter().chain(listed) {
        let pid = text(technique.get("pid"));
        let name = text(technique.get("name"));
        let Some(value) = name.clone().or_else(|| pid.clone()) else {
            continue;
        };
        let canonical = pid.as_deref().and_then(panet::canonical);
        let subject = Subject {
            value,
            scheme: canonical.as_ref().map(|_| "PaNET".to_string()),
            iri: pid.clone(),
        };
        if !subjects.contains(&subject) {
            subjects.push(subject);
        }
        let term =
            canonical.or(pid.filter(|p| p.starts_with("http://") || p.starts_with("https://")));
        if let Some(term) = term
            && !terms.contains(&term)
        {
            terms.push(term);
        }
    }
    (subjects, terms)
}

/// The record's datasets (and the document's other dataset pids) as `HasPart`,
/// its related publications as `IsSupplementTo`.
pub(super) fn related(parts: &Parts, doi: Option<&str>) -> Vec<Related> {
    let mut out: Vec<Related> = Vec::new();
    let mut push = |relation: &str, identifier: String, resource_type: Option<&str>| {
        if out.iter().any(|r| r.identifier == identifier) || Some(identifier.as_str()) == doi {
            return;
        }
        let scheme = if normalise_doi(&identifier).is_some() && !identifier.starts_with("20.500.") {
            Some("DOI")
        } else if identifier.starts_with("20.500.") || identifier.starts_with("hdl:") {
            Some("Handle")
        } else if identifier.starts_with("http://") || identifier.starts_with("https://") {
            Some("URL")
        } else {
            None
        };
        out.push(Related {
            relation: relation.into(),
            identifier,
            scheme: scheme.map(str::to_string),
            resource_type: resource_type.map(str::to_string),
        });
    };
    for dataset in &parts.datasets {
        if let Some(pid) = text(dataset.get("pid")).or_else(|| text(dataset.get("_id"))) {
            push("HasPart", pid, Some("Dataset"));
        }
    }
    for pid in many(parts.document.and_then(|d| d.get("pidArray")))
        .into_iter()
        .filter_map(|p| text(Some(p)))
    {
        push("HasPart", pid, Some("Dataset"));
    }
    for publication in many(parts.document.and_then(|d| d.get("relatedPublications")))
        .into_iter()
        .filter_map(|p| text(Some(p)))
    {
        push("IsSupplementTo", publication, None);
    }
    out
}

/// ILL's proposal facts: number, instruments, cycles.
pub(super) fn proposal_facts(document: Option<&Map<String, Value>>) -> String {
    let Some(document) = document else {
        return String::new();
    };
    let mut lines = Vec::new();
    if let Some(number) = text(document.get("proposalNumber")) {
        lines.push(format!("Proposal {number}"));
    }
    let instruments: Vec<String> = many(document.get("instruments"))
        .into_iter()
        .filter_map(|i| text(i.get("name")).or_else(|| text(Some(i))))
        .collect();
    if !instruments.is_empty() {
        lines.push(format!("Instruments: {}", instruments.join(", ")));
    }
    let cycles: Vec<String> = many(document.get("metadata").and_then(|m| m.get("cycles")))
        .into_iter()
        .filter_map(|c| text(Some(c)))
        .collect();
    if !cycles.is_empty() {
        lines.push(format!("Cycles: {}", cycles.join(", ")));
    }
    lines.join("\n")
}

/// One line per dataset: name, description, techniques (as written), where it was
/// measured, its pid.
pub(super) fn datasets_listing(parts: &Parts) -> String {
    parts
        .datasets
        .iter()
        .map(|d| {
            let mut line = text(d.get("datasetName"))
                .or_else(|| text(d.get("title")))
                .or_else(|| text(d.get("pid")))
                .unwrap_or_else(|| "Dataset".into());
            if let Some(description) = text(d.get("description")).filter(|t| *t != line) {
                line = format!("{line}: {}", one_line(&description));
            }
            let names: Vec<String> = many(d.get("techniques"))
                .into_iter()
                .filter_map(|t| text(t.get("name")))
                .collect();
            if !names.is_empty() {
                line = format!("{line} (techniques: {})", names.join(", "));
            }
            let place = text(d.get("creationLocation"))
                .or_else(|| d.get("instrument").and_then(|i| text(i.get("name"))));
            if let Some(place) = place {
                line = format!("{line}; measured at {place}");
            }
            if let Some(pid) = text(d.get("pid")) {
                line = format!("{line}; pid {pid}");
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Keys of the document and the PaNOSC object kept in the record's own fields.
const DOCUMENT_MAPPED: [&str; 6] = [
    "title",
    "doi",
    "abstract",
    "creator",
    "authors",
    "publisher",
];
const PANOSC_MAPPED: [&str; 4] = ["title", "doi", "summary", "keywords"];

/// Everything the record says that no field holds, verbatim: the document and the
/// PaNOSC object without their mapped keys, the datasets whole.
pub(super) fn extra(parts: &Parts) -> BTreeMap<String, Value> {
    let without = |map: &Map<String, Value>, mapped: &[&str]| {
        Value::Object(
            map.iter()
                .filter(|(k, _)| !mapped.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    };
    let mut extra = BTreeMap::new();
    let bare_panosc = parts.panosc.is_some_and(|p| std::ptr::eq(p, parts.element));
    if bare_panosc {
        if let Some(p) = parts.panosc
            && let Value::Object(map) = without(p, &PANOSC_MAPPED)
        {
            extra.extend(map);
        }
        return extra;
    }
    for (key, value) in parts.element {
        let kept = match (key.as_str(), value) {
            ("document", Value::Object(map)) => without(map, &DOCUMENT_MAPPED),
            ("panosc", Value::Object(map)) => without(map, &PANOSC_MAPPED),
            _ => value.clone(),
        };
        extra.insert(key.clone(), kept);
    }
    extra
}
