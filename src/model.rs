//! Plain values that flow from `ingest` to `index` and `query`.
//!
//! Nothing here knows about files, indexes or HTTP: these are the knowledge
//! base's nouns, serialisable as they are to JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod record;

pub use record::{
    Affiliation, Agent, FileRef, Funding, Identifier, License, OUTPUT_KINDS, Record, Related,
    Subject, VersionRef, doi_id, doi_iri, normalise_doi, output_kind,
};

/// One guidance article: front-matter metadata plus its sections.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Article {
    /// Stable identifier: front-matter `id`/`page_id`, else the path slug.
    pub id: String,
    pub title: String,
    /// One or two sentences; empty when the source has none.
    pub summary: String,
    /// guide | faq | resource | output | training | policy (free text is kept as written).
    pub kind: Option<String>,
    pub audience: Vec<String>,
    /// FAIR principle identifiers (F1, A1.1, ...).
    pub fair: Vec<String>,
    /// Ontology terms as written (CURIEs or IRIs).
    pub terms: Vec<String>,
    pub tags: Vec<String>,
    pub projects: Vec<String>,
    pub authors: Vec<Author>,
    pub license: Option<String>,
    /// Date as written in front matter (usually ISO 8601).
    pub updated: Option<String>,
    /// Ids or paths of related pages.
    pub related: Vec<String>,
    /// Front-matter fields the content model does not name, kept verbatim.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Where the article came from.
    pub source: SourceRef,
    /// The Markdown body after front matter, with template directives removed.
    pub markdown: String,
    pub sections: Vec<Section>,
    /// What a research-output record (DataCite, Zenodo, CFF, a PDF's metadata, ...)
    /// says beyond the fields above; `None` for guidance written in Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Box<Record>>,
}

/// Where an article's file lives: the content folder it was found under and the
/// path relative to it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceRef {
    /// The content folder as given on the command line (e.g. `content`).
    pub root: String,
    /// Path relative to `root`, with `/` separators.
    pub path: String,
    /// First line of the Markdown body in the file (1-based), after front matter.
    pub body_line: usize,
}

impl SourceRef {
    /// A key that identifies the file across index runs.
    pub fn key(&self) -> String {
        format!("{}\u{1f}{}", self.root, self.path)
    }
}

/// An author or contributor; front matter may give only a name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orcid: Option<String>,
}

/// A heading-aware chunk of an article: the text under one heading, up to the next
/// heading of any level.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Section {
    /// Position in the article, from 0.
    pub ordinal: usize,
    /// The heading text; the article title for text before the first heading.
    pub heading: String,
    /// Heading level (1-6); 0 for the text before the first heading.
    pub level: u8,
    /// Headings from the top of the article down to this one.
    pub heading_path: Vec<String>,
    /// URL fragment of the heading (empty for the text before the first heading).
    pub anchor: String,
    /// Plain text of the section body, markup removed.
    pub text: String,
    /// 1-based line of the heading in the source file (for a PDF, the page).
    pub line: usize,
    /// The page the section starts on, for paged sources (PDF); its anchor is then
    /// `page=N`, the fragment PDF viewers open at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The text of each link in the body: words that describe another page,
    /// not this one (`ask` does not quote a sentence that is mostly a link).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link_texts: Vec<String>,
    /// Code kept apart from `text` (a notebook's code cells): searchable, never
    /// quoted as an answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<String>,
}

/// The content kinds an article may declare (`kind:`), as in `ontologies/eoskb.ttl`.
pub const KINDS: [&str; 6] = ["guide", "faq", "resource", "output", "training", "policy"];

/// The audiences an article may declare (`audience:`), as in `ontologies/eoskb.ttl`.
pub const AUDIENCES: [&str; 6] = [
    "researcher",
    "data-steward",
    "curator",
    "ontology-builder",
    "developer",
    "facility-staff",
];

/// The FAIR principles an article may declare (`fair:`): the four groups and their
/// fifteen sub-principles, as in `ontologies/fair-principles.ttl`.
pub const FAIR_PRINCIPLES: [&str; 19] = [
    "F", "F1", "F2", "F3", "F4", "A", "A1", "A1.1", "A1.2", "A2", "I", "I1", "I2", "I3", "R", "R1",
    "R1.1", "R1.2", "R1.3",
];

/// The metadata dimensions exposed as facets and filters, in display order.
pub const FACETS: [Facet; 9] = [
    Facet::Kind,
    Facet::Audience,
    Facet::Fair,
    Facet::Tags,
    Facet::Projects,
    Facet::Terms,
    Facet::Communities,
    Facet::Year,
    Facet::License,
];

/// A filterable, countable metadata dimension of articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    Kind,
    Audience,
    Fair,
    Tags,
    Projects,
    Terms,
    /// Communities or collections a record belongs to (Zenodo communities, OAI sets).
    Communities,
    /// The year an output was issued, else the year the article was last updated.
    Year,
    /// The licence (SPDX id when known).
    License,
}

impl Facet {
    /// Name used in facet counts and index fields.
    pub fn name(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Audience => "audience",
            Facet::Fair => "fair",
            Facet::Tags => "tags",
            Facet::Projects => "projects",
            Facet::Terms => "terms",
            Facet::Communities => "communities",
            Facet::Year => "year",
            Facet::License => "license",
        }
    }

    /// Name of the filter parameter (singular where the API reads better so).
    pub fn param(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Audience => "audience",
            Facet::Fair => "fair",
            Facet::Tags => "tag",
            Facet::Projects => "project",
            Facet::Terms => "term",
            Facet::Communities => "community",
            Facet::Year => "year",
            Facet::License => "license",
        }
    }

    /// Looks a facet up by its parameter or facet name.
    pub fn from_param(name: &str) -> Option<Facet> {
        FACETS
            .into_iter()
            .find(|f| f.param() == name || f.name() == name)
    }

    /// The article's values for this facet.
    pub fn values(self, article: &Article) -> Vec<&str> {
        match self {
            Facet::Kind => article.kind.iter().map(String::as_str).collect(),
            Facet::Audience => article.audience.iter().map(String::as_str).collect(),
            Facet::Fair => article.fair.iter().map(String::as_str).collect(),
            Facet::Tags => article.tags.iter().map(String::as_str).collect(),
            Facet::Projects => article.projects.iter().map(String::as_str).collect(),
            Facet::Terms => article.terms.iter().map(String::as_str).collect(),
            Facet::Communities => article
                .record
                .iter()
                .flat_map(|r| r.communities.iter().map(String::as_str))
                .collect(),
            Facet::Year => article
                .record
                .as_ref()
                .and_then(|r| r.issued.as_deref())
                .or(article.updated.as_deref())
                .and_then(year_of)
                .into_iter()
                .collect(),
            Facet::License => article.license.iter().map(String::as_str).collect(),
        }
    }
}

/// The year a date starts with (`2024` of `2024-05-01`), if it starts with one.
fn year_of(date: &str) -> Option<&str> {
    let year = date.trim().get(..4)?;
    year.bytes().all(|b| b.is_ascii_digit()).then_some(year)
}

/// A text value with its language tag, if any.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct LangText {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// An alternative name of a term and the property that states it
/// (`skos:altLabel`, `oboInOwl:hasExactSynonym`, ...).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Synonym {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The stating property as a CURIE, e.g. `skos:altLabel`.
    pub kind: String,
}

/// A link from a term to an equivalent or related term elsewhere.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mapping {
    /// The mapping property as a CURIE, e.g. `skos:exactMatch`.
    pub relation: String,
    /// The target IRI, or the cross-reference as written (`oboInOwl:hasDbXref`).
    pub target: String,
}

/// An ontology term: an OWL class or property, or a SKOS concept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct OntologyTerm {
    pub iri: String,
    pub curie: Option<String>,
    /// The preferred label (English or untagged first).
    pub label: Option<String>,
    pub labels: Vec<LangText>,
    pub synonyms: Vec<Synonym>,
    pub definitions: Vec<LangText>,
    /// Named superclasses, super-properties and broader concepts (left out of
    /// JSON when empty: a term lookup lists them as labelled references instead).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<String>,
    pub deprecated: bool,
    /// Terms that replace this (deprecated) one: `obo:IAO_0100001` (term replaced by),
    /// `dcterms:isReplacedBy`, `oboInOwl:replacedBy`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaced_by: Vec<String>,
    /// Terms to consider instead, when there is no one replacement (`oboInOwl:consider`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consider: Vec<String>,
    pub mappings: Vec<Mapping>,
    /// `class`, `property` and/or `concept` (punned IRIs have several).
    pub types: Vec<String>,
    /// Graph IRI of the defining ontology.
    pub ontology: String,
}

/// Counts over one ontology's graph.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct OntologyCounts {
    pub triples: usize,
    /// IRIs typed `owl:Class` or `rdfs:Class`.
    pub classes: usize,
    /// IRIs typed `owl:ObjectProperty`, `owl:DatatypeProperty`, `owl:AnnotationProperty` or `rdf:Property`.
    pub properties: usize,
    /// IRIs typed `skos:Concept`.
    pub concepts: usize,
    /// Terms in the term index whose defining ontology this is.
    pub terms: usize,
}

/// One loaded ontology file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct OntologyInfo {
    /// The named graph holding the file: its ontology IRI, or a file-based IRI.
    pub graph: String,
    /// The `owl:Ontology` IRI, if the file declares one.
    pub iri: Option<String>,
    pub version_iri: Option<String>,
    pub version_info: Option<String>,
    pub title: Option<String>,
    pub license: Option<String>,
    /// The source file as given on the command line.
    pub source: String,
    /// The syntax it was parsed as.
    pub format: String,
    pub counts: OntologyCounts,
}
