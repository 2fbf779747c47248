//! Research-output records: DataCite (XML, JSON, OAI-PMH), Zenodo and
//! InvenioRDM JSON, deposit files, `CITATION.cff` and `codemeta.json`, each read
//! into articles that carry a [`crate::model::Record`].
//!
//! Every reader has the same contract: `read(file, bytes) -> Reading`, never
//! panicking and never failing as a whole; a file it cannot use is an error
//! diagnostic and no items. Nesting is bounded (64 levels) before any parser
//! could recurse. Which reader a file needs is told by its name
//! ([`read_by_name`]) or, for `.json` and `.xml`, by a cheap look at its first
//! bytes ([`sniff_json`], [`sniff_xml`]).

pub mod cff;
pub mod codemeta;
pub mod datacite_json;
pub mod datacite_xml;
mod invenio;
mod item;
mod json;
pub mod oai_pmh;
mod text;
pub mod versions;
mod xml;
pub mod zenodo;

#[cfg(test)]
mod tests;

use crate::ingest::{ContentFile, Diagnostic, Reading};
pub use versions::merge_versions;

/// How much of a file sniffing looks at.
const SNIFF_BYTES: usize = 64 * 1024;

/// The JSON record formats eoskb reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonShape {
    /// DataCite REST JSON (`data.attributes`) or plain DataCite JSON.
    DataCite,
    /// One legacy Zenodo record.
    ZenodoLegacy,
    /// A Zenodo or InvenioRDM search response (`hits.hits[]`).
    ZenodoSearch,
    /// One InvenioRDM-native record.
    InvenioRdm,
    /// Deposit metadata (`.zenodo.json`, `.rodare.json`).
    Deposit,
    /// `codemeta.json` (any CodeMeta version).
    CodeMeta,
}

/// The XML record formats eoskb reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlShape {
    /// A DataCite `<resource>`.
    DataCite,
    /// An OAI-PMH response.
    OaiPmh,
}

/// Which JSON record a file holds, from the keys in its first 64 KB (a
/// non-recursive scan; a cut-off tail is fine). `None` when it is no record
/// eoskb reads here (schema.org JSON-LD, notebooks, anything else).
pub fn sniff_json(bytes: &[u8]) -> Option<JsonShape> {
    let head = bytes.get(..SNIFF_BYTES.min(bytes.len()))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return None;
    }
    let scan = match json::scan(head) {
        Ok(scan) => scan,
        Err(_) => return None,
    };
    let has = |key: &str| scan.keys.contains(key);
    let context_mentions = |needle: &str| {
        strings_under(&scan, "@context")
            .iter()
            .any(|v| v.to_ascii_lowercase().contains(needle))
    };
    let software_type = strings_under(&scan, "@type")
        .into_iter()
        .chain(strings_under(&scan, "type"))
        .any(|t| matches!(t, "SoftwareSourceCode" | "SoftwareApplication" | "Code"));
    if context_mentions("codemeta") || (context_mentions("schema.org") && software_type) {
        return Some(JsonShape::CodeMeta);
    }
    if has("@context") {
        return None;
    }
    if has("data/attributes") || has("data/0/attributes") {
        return Some(JsonShape::DataCite);
    }
    if has("hits/hits") {
        return Some(JsonShape::ZenodoSearch);
    }
    if has("pids") || has("metadata/creators/0/person_or_org") {
        return Some(JsonShape::InvenioRdm);
    }
    if has("metadata")
        && (has("conceptdoi")
            || has("doi")
            || has("metadata/creators")
            || has("metadata/upload_type")
            || has("metadata/resource_type"))
    {
        return Some(JsonShape::ZenodoLegacy);
    }
    if has("upload_type") {
        return Some(JsonShape::Deposit);
    }
    let datacite_keys = [
        "types",
        "titles",
        "creators",
        "publicationYear",
        "schemaVersion",
    ];
    if datacite_keys.iter().filter(|k| has(k)).count() >= 2 {
        return Some(JsonShape::DataCite);
    }
    None
}

/// String values at `key` or below it (`@context/1/@vocab`).
fn strings_under<'a>(scan: &'a json::Scan, key: &str) -> Vec<&'a str> {
    let nested = format!("{key}/");
    scan.strings
        .iter()
        .filter(|(path, _)| path == key || path.starts_with(&nested))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Which XML record a file holds, from its root element (first 64 KB at most).
pub fn sniff_xml(bytes: &[u8]) -> Option<XmlShape> {
    let (name, namespace) = xml::root_name(bytes, SNIFF_BYTES)?;
    match name.as_str() {
        "resource"
            if namespace
                .as_deref()
                .is_some_and(datacite_xml::is_datacite_namespace) =>
        {
            Some(XmlShape::DataCite)
        }
        "OAI-PMH" => Some(XmlShape::OaiPmh),
        _ => None,
    }
}

/// Reads a JSON record file: by its name (`codemeta.json`, `.zenodo.json`,
/// `.rodare.json`), else by [`sniff_json`]. A file that is no record is an error.
pub fn read_json(file: &ContentFile, bytes: &[u8]) -> Reading {
    let shape = shape_by_name(&file.rel).or_else(|| sniff_json(bytes));
    match shape {
        Some(JsonShape::DataCite) => datacite_json::read(file, bytes),
        Some(JsonShape::ZenodoLegacy) => zenodo::read(file, bytes, zenodo::Shape::Legacy),
        Some(JsonShape::ZenodoSearch) => zenodo::read(file, bytes, zenodo::Shape::Search),
        Some(JsonShape::InvenioRdm) => zenodo::read(file, bytes, zenodo::Shape::Native),
        Some(JsonShape::Deposit) => zenodo::read(file, bytes, zenodo::Shape::Deposit),
        Some(JsonShape::CodeMeta) => codemeta::read(file, bytes),
        None => match json::parse(bytes) {
            Err(e) => Reading::failed(Diagnostic::error(file.display(), e.line, e.message)),
            Ok(_) => Reading::failed(Diagnostic::error(
                file.display(),
                1,
                "not a record eoskb reads (DataCite, Zenodo, InvenioRDM, deposit metadata or CodeMeta JSON)",
            )),
        },
    }
}

/// Reads an XML record file (DataCite or OAI-PMH).
pub fn read_xml(file: &ContentFile, bytes: &[u8]) -> Reading {
    match sniff_xml(bytes) {
        Some(XmlShape::DataCite) => datacite_xml::read(file, bytes),
        Some(XmlShape::OaiPmh) => oai_pmh::read(file, bytes),
        None => match xml::parse(bytes) {
            Err(e) => Reading::failed(Diagnostic::error(file.display(), e.line, e.message)),
            Ok(root) => Reading::failed(Diagnostic::error(
                file.display(),
                root.line,
                format!(
                    "not a record eoskb reads: the root element <{}> is neither a DataCite <resource> nor an OAI-PMH response",
                    root.name
                ),
            )),
        },
    }
}

/// Reads the files known by name: `CITATION.cff`, `codemeta.json`,
/// `.zenodo.json`, `.rodare.json`. `None` for any other name.
pub fn read_by_name(file: &ContentFile, bytes: &[u8]) -> Option<Reading> {
    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
    if name == "CITATION.cff" {
        return Some(cff::read(file, bytes));
    }
    shape_by_name(&file.rel).map(|_| read_json(file, bytes))
}

fn shape_by_name(rel: &str) -> Option<JsonShape> {
    match rel.rsplit('/').next().unwrap_or(rel) {
        "codemeta.json" => Some(JsonShape::CodeMeta),
        ".zenodo.json" | ".rodare.json" => Some(JsonShape::Deposit),
        _ => None,
    }
}
