//! What a research-output record says beyond an article's own fields.
//!
//! Deliverables, datasets, software, training material and catalogue records come
//! with persistent identifiers, creators with ORCIDs and affiliations, funding,
//! versions, licences and files. Readers under `ingest/` fill a [`Record`]; the
//! article that carries it still has the title, summary, kind, terms, tags,
//! projects, authors, licence and date every other part of eoskb reads, so search,
//! facets and ask need no second code path. Nothing a source says is dropped:
//! fields no reader maps go to [`crate::model::Article::extra`].

use serde::{Deserialize, Serialize};

/// The output kinds a record may have (`kind:`), besides the guidance kinds
/// ([`crate::model::KINDS`], whose `training` covers learning resources).
/// Readers map a source's own vocabulary (DataCite `resourceTypeGeneral`, Zenodo
/// `resource_type`, schema.org `@type`) onto these; see [`output_kind`].
pub const OUTPUT_KINDS: [&str; 12] = [
    "deliverable",
    "report",
    "publication",
    "presentation",
    "course",
    "notebook",
    "software",
    "service",
    "dataset",
    "instrument",
    "document",
    "proposal",
];

/// Metadata of a research output, as its record states it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Record {
    /// The format the record was read from: `datacite-xml`, `datacite-json`,
    /// `oai-datacite`, `zenodo`, `inveniordm`, `zenodo-deposit`, `cff`, `codemeta`,
    /// `schema.org`, `notebook`, `pdf`, `panosc`.
    pub format: String,
    /// The DOI, normalised by [`normalise_doi`] (lower case, no resolver prefix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// The DOI that names every version of the output (Zenodo's concept DOI,
    /// InvenioRDM's parent, DataCite `IsVersionOf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concept_doi: Option<String>,
    /// Other identifiers: handles, URLs, OAI identifiers, catalogue PIDs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// The resource type exactly as the source names it (e.g. `Dataset`,
    /// `publication-deliverable`, `LearningResource`); the article's `kind` is its
    /// mapping onto [`OUTPUT_KINDS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub creators: Vec<Agent>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributors: Vec<Agent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Projects and grants that funded the output.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<Funding>,
    /// Communities or collections the record belongs to (Zenodo communities, OAI sets).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communities: Vec<String>,
    /// When it was issued or published: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The other versions of the same output, merged into this item (newest first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<VersionRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<License>,
    /// Free keywords as written (they also become the article's tags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Controlled subjects; those with an IRI also become the article's terms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landing_page: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileRef>,
    /// Language of the output (ISO 639 code as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// A person or organisation that created or contributed to an output.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Agent {
    /// The name as the record gives it (`Family, Given` or a display name).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The ORCID iD without its resolver (`0000-0002-1825-0097`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<String>,
    /// An organisation's own identifier (ROR, Wikidata, ...) as an IRI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    #[serde(default)]
    pub organisation: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<Affiliation>,
    /// A contributor's role as written (`Editor`, `HostingInstitution`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Affiliation {
    pub name: String,
    /// The ROR id as an IRI (`https://ror.org/02aj13c28`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ror: Option<String>,
}

/// A grant or project behind an output.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Funding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funder: Option<String>,
    /// The funder's identifier as an IRI (Crossref Funder ID, ROR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funder_id: Option<String>,
    /// The grant number (`823852`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub award_number: Option<String>,
    /// The project's name or acronym (`PaNOSC`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub award_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub award_uri: Option<String>,
}

/// An identifier other than the DOI.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Identifier {
    /// `doi`, `handle`, `url`, `oai`, `ark`, `pid`, ... (lower case).
    pub scheme: String,
    pub value: String,
}

/// Another version of the same output.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct VersionRef {
    pub doi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<String>,
    /// The version's title, when it differs from the item's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A licence: the SPDX id when one is known, else the name or URL as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct License {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spdx: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A controlled subject: a term from a scheme, with its IRI when the record gives one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Subject {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iri: Option<String>,
}

/// A link to another resource with its relation (DataCite `relationType`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Related {
    /// `IsSupplementTo`, `Cites`, `IsVersionOf`, ... as written.
    pub relation: String,
    pub identifier: String,
    /// `DOI`, `URL`, `arXiv`, ... as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
}

/// A file the record lists (e.g. the deliverable's PDF).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileRef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// `md5:...`, `sha256:...` as the record gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// A DOI in its canonical form: without `doi:` or a resolver
/// (`https://doi.org/`, `http://dx.doi.org/`), trimmed and lower case (DOIs are
/// case-insensitive). `None` when the text is not a DOI (`10.` prefix, a `/`).
pub fn normalise_doi(text: &str) -> Option<String> {
    let text = text.trim();
    let lower = text.to_lowercase();
    let mut rest = lower.as_str();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
        "info:doi/",
    ] {
        if let Some(stripped) = rest.strip_prefix(prefix) {
            rest = stripped.trim_start();
            break;
        }
    }
    let (prefix, suffix) = rest.split_once('/')?;
    let registrant = prefix.strip_prefix("10.")?;
    let plausible = !registrant.is_empty()
        && registrant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !suffix.is_empty()
        && !suffix.chars().any(char::is_whitespace);
    plausible.then(|| rest.to_string())
}

/// The IRI of a DOI (`https://doi.org/10.5281/zenodo.1`).
pub fn doi_iri(doi: &str) -> String {
    format!("https://doi.org/{doi}")
}

/// An item id for a DOI: `doi/` and the DOI, usable in URLs and on command lines.
pub fn doi_id(doi: &str) -> String {
    format!("doi/{doi}")
}

/// Maps a source's resource type onto [`OUTPUT_KINDS`]: DataCite
/// `resourceTypeGeneral`, Zenodo `resource_type` (`publication-deliverable`,
/// `publication/report`, ...), schema.org `@type`, CFF `type`. `None` when
/// nothing fits; the type as written is kept in [`Record::resource_type`].
pub fn output_kind(resource_type: &str) -> Option<&'static str> {
    let t = resource_type
        .trim()
        .to_ascii_lowercase()
        .replace(['/', '_', ' '], "-");
    let kind = match t.as_str() {
        "publication-deliverable" | "deliverable" | "outputmanagementplan" => "deliverable",
        "publication-report"
        | "report"
        | "publication-technicalnote"
        | "publication-workingpaper" => "report",
        "presentation" | "poster" | "slides" => "presentation",
        "course" | "courseinstance" => "course",
        "learningresource" | "trainingmaterial" | "lesson" | "interactiveresource" => "training",
        "notebook" | "computationalnotebook" => "notebook",
        "software"
        | "softwaresourcecode"
        | "softwareapplication"
        | "computationalworkflow"
        | "workflow" => "software",
        "service" => "service",
        "dataset" | "datacollection" | "datapaper" | "data" => "dataset",
        "instrument" => "instrument",
        "proposal" => "proposal",
        "text" | "document" | "other" | "image" | "audiovisual" | "video" | "sound" => "document",
        t if t == "publication"
            || t.starts_with("publication-")
            || t.starts_with("journal")
            || t == "preprint"
            || t == "article"
            || t == "scholarlyarticle"
            || t == "book"
            || t == "bookchapter"
            || t == "conferencepaper"
            || t == "dissertation" =>
        {
            "publication"
        }
        _ => return None,
    };
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dois_lose_resolvers_and_case() {
        assert_eq!(
            normalise_doi("https://doi.org/10.5438/4K3M-NYVG").as_deref(),
            Some("10.5438/4k3m-nyvg")
        );
        assert_eq!(
            normalise_doi("doi:10.5281/zenodo.1").as_deref(),
            Some("10.5281/zenodo.1")
        );
        assert_eq!(
            normalise_doi(" 10.82433/B09Z-4K37 ").as_deref(),
            Some("10.82433/b09z-4k37")
        );
        assert_eq!(normalise_doi("10.x/y"), None);
        assert_eq!(normalise_doi("https://example.org/10.1/x"), None);
        assert_eq!(normalise_doi("10.1234/"), None);
    }

    #[test]
    fn source_types_map_to_kinds() {
        assert_eq!(output_kind("publication-deliverable"), Some("deliverable"));
        assert_eq!(output_kind("publication/report"), Some("report"));
        assert_eq!(output_kind("Dataset"), Some("dataset"));
        assert_eq!(output_kind("LearningResource"), Some("training"));
        assert_eq!(output_kind("CourseInstance"), Some("course"));
        assert_eq!(output_kind("SoftwareSourceCode"), Some("software"));
        assert_eq!(output_kind("publication-blogpost"), Some("publication"));
        assert_eq!(output_kind("Instrument"), Some("instrument"));
        assert_eq!(output_kind("Text"), Some("document"));
        assert_eq!(output_kind("something else"), None);
        for kind in OUTPUT_KINDS {
            assert!(output_kind(kind).is_some_and(|k| k == kind), "{kind}");
        }
    }
}
