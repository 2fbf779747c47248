//! OAI-PMH responses (`ListRecords`, `GetRecord`) whose records carry DataCite
//! metadata (`oai_datacite`: `<metadata><oai_datacite><payload><resource>`, or a
//! `<resource>` directly under `<metadata>`). Each record is one item starting
//! at its `<record>`; the DataCite payload is read by `datacite_xml.rs`.

use serde_json::{Map, Value, json};

use super::datacite_json::WHAT;
use super::datacite_xml::{self, is_datacite_namespace};
use super::item::{Diags, finish};
use super::merge_versions;
use super::xml::{self, Element};
use crate::ingest::{ContentFile, Diagnostic, Reading};
use crate::model::Identifier;

/// The namespace of OAI-PMH responses.
pub const OAI_NAMESPACE: &str = "http://www.openarchives.org/OAI/2.0/";

/// Reads an OAI-PMH response into one item per (not deleted) record.
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    let root = match xml::parse(bytes) {
        Ok(root) => root,
        Err(e) => return Reading::failed(Diagnostic::error(file.display(), e.line, e.message)),
    };
    if root.name != "OAI-PMH" {
        return Reading::failed(Diagnostic::error(
            file.display(),
            root.line,
            format!(
                "not an OAI-PMH response: the root element is <{}>",
                root.name
            ),
        ));
    }
    let mut diags = Diags::new(file);
    for error in root.children_named("error") {
        let code = error.attr("code").unwrap_or("error");
        diags.warn(
            error.line,
            format!("OAI-PMH error `{code}`: {}", error.text()),
        );
    }
    let response = response_fields(&root);
    let mut drafts = Vec::new();
    let verbs = root
        .children
        .iter()
        .filter(|c| c.name == "ListRecords" || c.name == "GetRecord");
    for record in verbs.flat_map(|verb| verb.children_named("record")) {
        let header = record.child("header");
        let identifier = header
            .and_then(|h| h.child("identifier"))
            .map(|i| i.text().to_string());
        let shown = identifier
            .clone()
            .unwrap_or_else(|| "without an identifier".into());
        if header.and_then(|h| h.attr("status")) == Some("deleted") {
            diags.note(
                record.line,
                format!("OAI record {shown} is deleted; skipped"),
            );
            continue;
        }
        let Some(resource) = payload(record) else {
            diags.warn(
                record.line,
                format!("OAI record {shown} has no DataCite <resource> in its metadata; skipped"),
            );
            continue;
        };
        let mut draft = datacite_xml::resource(resource, "oai-datacite", record.line, &mut diags);
        if let Some(id) = identifier {
            draft.record.identifiers.insert(
                0,
                Identifier {
                    scheme: "oai".into(),
                    value: id,
                },
            );
        }
        let sets: Vec<String> = header
            .into_iter()
            .flat_map(|h| h.children_named("setSpec"))
            .map(|s| s.text().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        draft.record.communities = sets;
        draft.extra.insert(
            "oai".into(),
            Value::Object(oai_fields(record, header, &response)),
        );
        drafts.push(draft);
    }
    Reading {
        articles: merge_versions(finish(drafts, file, WHAT, &mut diags)),
        diagnostics: diags.list,
    }
}

/// The resumption token of a `ListRecords` response, when there are more pages
/// (an empty token marks the last page: `None`).
pub fn resumption_token(bytes: &[u8]) -> Option<String> {
    xml::first_text(bytes, "resumptionToken").filter(|t| !t.is_empty())
}

/// The DataCite `<resource>` in a record's `<metadata>`.
fn payload(record: &Element) -> Option<&Element> {
    let metadata = record.child("metadata")?;
    let is_resource = |e: &Element| {
        e.name == "resource" && e.namespace.as_deref().is_some_and(is_datacite_namespace)
    };
    if let Some(direct) = metadata.children.iter().find(|e| is_resource(e)) {
        return Some(direct);
    }
    let wrapper = metadata.child("oai_datacite")?;
    let payload = wrapper.child("payload")?;
    payload.children.iter().find(|e| is_resource(e))
}

/// What the response says about itself: date and request.
fn response_fields(root: &Element) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(date) = root.child("responseDate") {
        out.insert(
            "responseDate".into(),
            Value::String(date.text().to_string()),
        );
    }
    if let Some(request) = root.child("request") {
        let mut req = Map::new();
        for (k, v) in &request.attrs {
            req.insert(k.clone(), Value::String(v.clone()));
        }
        req.insert("url".into(), Value::String(request.text().to_string()));
        out.insert("request".into(), Value::Object(req));
    }
    out
}

/// The OAI header and the `oai_datacite` wrapper's fields, kept in `extra.oai`.
fn oai_fields(
    record: &Element,
    header: Option<&Element>,
    response: &Map<String, Value>,
) -> Map<String, Value> {
    let mut out = response.clone();
    if let Some(header) = header {
        for field in ["identifier", "datestamp"] {
            if let Some(v) = header.child(field) {
                out.insert(field.into(), Value::String(v.text().to_string()));
            }
        }
    }
    let wrapper = record
        .child("metadata")
        .and_then(|m| m.child("oai_datacite"));
    for child in wrapper.into_iter().flat_map(|w| w.children.iter()) {
        if child.name != "payload" {
            out.insert(child.name.clone(), json!(child.text()));
        }
    }
    out
}
