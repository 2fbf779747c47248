//! Ontology terms: extracted from the graph store by one scan of each ontology
//! graph, and indexed with tantivy (`gen-N/terms/`) for exact, prefix and fuzzy
//! search over labels and synonyms. Extraction only follows named nodes, so
//! blank-node class expressions, cycles and punned IRIs cannot make it loop.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use oxigraph::model::{GraphNameRef, NamedNodeRef, Term};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{Index, TantivyDocument, doc};

use super::Error;
use super::graph::GraphStore;
use crate::config::PrefixMap;
use crate::model::{LangText, Mapping, OntologyTerm, Synonym};
use crate::vocab::{DCTERMS, OBO, OBO_IN_OWL, OWL, RDF, RDFS, SKOS};

/// Analyser of term names: words, lower case, accents folded, no stemming (names
/// are short and autocomplete needs the words as typed).
pub const NAME_ANALYZER: &str = "eoskb_names";

/// What a predicate contributes to a term.
#[derive(Clone, Copy)]
enum Role {
    Type,
    Label,
    Synonym,
    Definition,
    Parent,
    Deprecated,
    ReplacedBy,
    Consider,
    Mapping,
}

fn role(predicate: &str) -> Option<(Role, &'static str)> {
    let table: [(&str, &str, Role, &str); 28] = [
        (RDF, "type", Role::Type, "rdf:type"),
        (RDFS, "label", Role::Label, "rdfs:label"),
        (SKOS, "prefLabel", Role::Label, "skos:prefLabel"),
        (SKOS, "altLabel", Role::Synonym, "skos:altLabel"),
        (SKOS, "hiddenLabel", Role::Synonym, "skos:hiddenLabel"),
        (
            OBO_IN_OWL,
            "hasExactSynonym",
            Role::Synonym,
            "oboInOwl:hasExactSynonym",
        ),
        (
            OBO_IN_OWL,
            "hasRelatedSynonym",
            Role::Synonym,
            "oboInOwl:hasRelatedSynonym",
        ),
        (
            OBO_IN_OWL,
            "hasBroadSynonym",
            Role::Synonym,
            "oboInOwl:hasBroadSynonym",
        ),
        (
            OBO_IN_OWL,
            "hasNarrowSynonym",
            Role::Synonym,
            "oboInOwl:hasNarrowSynonym",
        ),
        (OBO, "IAO_0000118", Role::Synonym, "obo:IAO_0000118"),
        (SKOS, "definition", Role::Definition, "skos:definition"),
        (OBO, "IAO_0000115", Role::Definition, "obo:IAO_0000115"),
        (
            OBO_IN_OWL,
            "hasDefinition",
            Role::Definition,
            "oboInOwl:hasDefinition",
        ),
        (RDFS, "comment", Role::Definition, "rdfs:comment"),
        (RDFS, "subClassOf", Role::Parent, "rdfs:subClassOf"),
        (RDFS, "subPropertyOf", Role::Parent, "rdfs:subPropertyOf"),
        (SKOS, "broader", Role::Parent, "skos:broader"),
        (OWL, "deprecated", Role::Deprecated, "owl:deprecated"),
        (OBO, "IAO_0100001", Role::ReplacedBy, "obo:IAO_0100001"),
        (
            DCTERMS,
            "isReplacedBy",
            Role::ReplacedBy,
            "dcterms:isReplacedBy",
        ),
        (
            OBO_IN_OWL,
            "replacedBy",
            Role::ReplacedBy,
            "oboInOwl:replacedBy",
        ),
        (OBO_IN_OWL, "consider", Role::Consider, "oboInOwl:consider"),
        (OWL, "equivalentClass", Role::Mapping, "owl:equivalentClass"),
        (SKOS, "exactMatch", Role::Mapping, "skos:exactMatch"),
        (SKOS, "closeMatch", Role::Mapping, "skos:closeMatch"),
        (SKOS, "broadMatch", Role::Mapping, "skos:broadMatch"),
        (SKOS, "narrowMatch", Role::Mapping, "skos:narrowMatch"),
        (OBO_IN_OWL, "hasDbXref", Role::Mapping, "oboInOwl:hasDbXref"),
    ];
    table
        .iter()
        .find(|(ns, local, _, _)| {
            predicate.len() == ns.len() + local.len()
                && predicate.starts_with(ns)
                && predicate.ends_with(local)
        })
        .map(|(_, _, r, curie)| (*r, *curie))
        .or_else(|| {
            (predicate == format!("{DCTERMS}description"))
                .then_some((Role::Definition, "dcterms:description"))
        })
}

/// The kind of term an `rdf:type` makes of its subject.
fn term_type(class: &str) -> Option<&'static str> {
    match class
        .strip_prefix(OWL)
        .or_else(|| class.strip_prefix(RDFS))
        .or_else(|| class.strip_prefix(RDF))
        .or_else(|| class.strip_prefix(SKOS))
    {
        Some("Class") => Some("class"),
        Some("ObjectProperty" | "DatatypeProperty" | "AnnotationProperty" | "Property") => {
            Some("property")
        }
        Some("Concept") => Some("concept"),
        _ => None,
    }
}

/// Everything one graph says about one named subject.
#[derive(Default)]
struct Draft {
    types: BTreeSet<&'static str>,
    labels: BTreeSet<LangText>,
    /// `skos:prefLabel` values: the label to show when there are several.
    pref_labels: BTreeSet<LangText>,
    synonyms: BTreeSet<Synonym>,
    definitions: BTreeSet<LangText>,
    parents: BTreeSet<String>,
    deprecated: bool,
    replaced_by: BTreeSet<String>,
    consider: BTreeSet<String>,
    mappings: BTreeSet<Mapping>,
}

fn lang_text(term: &Term) -> Option<LangText> {
    match term {
        Term::Literal(l) => Some(LangText {
            value: l.value().trim().to_string(),
            lang: l.language().map(str::to_string),
        })
        .filter(|t| !t.value.is_empty()),
        _ => None,
    }
}

/// Extracts the terms of every graph in `graphs` (ontology graph IRIs). A term
/// typed in several graphs is defined by the graph whose IRI shares the longest
/// prefix with the term's IRI; the others only add what they say about it.
pub fn extract(
    store: &GraphStore,
    graphs: &[String],
    prefixes: &PrefixMap,
) -> Result<Vec<OntologyTerm>, Error> {
    let mut drafts: HashMap<String, Vec<(usize, Draft)>> = HashMap::new();
    for (g, graph) in graphs.iter().enumerate() {
        let name = NamedNodeRef::new(graph).map_err(|e| Error::Graph(e.to_string()))?;
        let mut local: HashMap<String, Draft> = HashMap::new();
        for quad in
            store
                .store()
                .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(name)))
        {
            let quad = quad.map_err(|e| Error::Graph(e.to_string()))?;
            let oxigraph::model::NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
                continue;
            };
            let Some((role, curie)) = role(quad.predicate.as_str()) else {
                continue;
            };
            let draft = local.entry(subject.as_str().to_string()).or_default();
            match role {
                Role::Type => {
                    if let Term::NamedNode(class) = &quad.object
                        && let Some(t) = term_type(class.as_str())
                    {
                        draft.types.insert(t);
                    }
                }
                Role::Label => {
                    if let Some(t) = lang_text(&quad.object) {
                        if curie == "skos:prefLabel" {
                            draft.pref_labels.insert(t.clone());
                        }
                        draft.labels.insert(t);
                    }
                }
                Role::Synonym => {
                    if let Some(t) = lang_text(&quad.object) {
                        draft.synonyms.insert(Synonym {
                            value: t.value,
                            lang: t.lang,
                            kind: curie.into(),
                        });
                    }
                }
                Role::Definition => draft.definitions.extend(lang_text(&quad.object)),
                Role::Parent => {
                    // Only named parents: blank-node superclasses are restrictions.
                    if let Term::NamedNode(p) = &quad.object
                        && p.as_str() != subject.as_str()
                    {
                        draft.parents.insert(p.as_str().to_string());
                    }
                }
                Role::Deprecated => {
                    if let Term::Literal(l) = &quad.object {
                        draft.deprecated |= matches!(l.value(), "true" | "1");
                    }
                }
                Role::ReplacedBy => draft.replaced_by.extend(reference(&quad.object)),
                Role::Consider => draft.consider.extend(reference(&quad.object)),
                Role::Mapping => {
                    if let Some(target) = reference(&quad.object) {
                        draft.mappings.insert(Mapping {
                            relation: curie.into(),
                            target,
                        });
                    }
                }
            }
        }
        for (iri, draft) in local {
            drafts.entry(iri).or_default().push((g, draft));
        }
    }
    let mut terms = Vec::new();
    for (iri, mut parts) in drafts {
        if parts.iter().all(|(_, d)| d.types.is_empty()) {
            continue;
        }
        // Defining graph: typed there, longest common prefix with the IRI.
        parts.sort_by_key(|(g, d)| {
            let shared = graphs[*g]
                .bytes()
                .zip(iri.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            (d.types.is_empty(), std::cmp::Reverse(shared), *g)
        });
        let ontology = graphs[parts[0].0].clone();
        let mut merged = Draft::default();
        for (_, d) in parts {
            merged.types.extend(d.types);
            merged.labels.extend(d.labels);
            merged.pref_labels.extend(d.pref_labels);
            merged.synonyms.extend(d.synonyms);
            merged.definitions.extend(d.definitions);
            merged.parents.extend(d.parents);
            merged.deprecated |= d.deprecated;
            merged.replaced_by.extend(d.replaced_by);
            merged.consider.extend(d.consider);
            merged.mappings.extend(d.mappings);
        }
        let labels: Vec<LangText> = merged.labels.into_iter().collect();
        let pref: Vec<LangText> = merged.pref_labels.into_iter().collect();
        let label = preferred(&pref).or_else(|| preferred(&labels));
        terms.push(OntologyTerm {
            curie: prefixes.compact(&iri),
            iri,
            label,
            labels,
            synonyms: merged.synonyms.into_iter().collect(),
            definitions: merged.definitions.into_iter().collect(),
            parents: merged.parents.into_iter().collect(),
            deprecated: merged.deprecated,
            replaced_by: merged.replaced_by.into_iter().collect(),
            consider: merged.consider.into_iter().collect(),
            mappings: merged.mappings.into_iter().collect(),
            types: merged.types.into_iter().map(str::to_string).collect(),
            ontology,
        });
    }
    terms.sort_by(|a, b| a.iri.cmp(&b.iri));
    Ok(terms)
}

/// An IRI, or a reference written as text (`EDAM:data_3021`, an xref): what a
/// mapping or replacement points at. Blank nodes point nowhere.
fn reference(object: &Term) -> Option<String> {
    match object {
        Term::NamedNode(n) => Some(n.as_str().to_string()),
        Term::Literal(l) => Some(l.value().trim().to_string()).filter(|v| !v.is_empty()),
        _ => None,
    }
}

/// English or untagged first, then any language.
pub fn preferred(texts: &[LangText]) -> Option<String> {
    let rank = |t: &LangText| match t.lang.as_deref() {
        Some(l) if l.eq_ignore_ascii_case("en") || l.to_ascii_lowercase().starts_with("en-") => 0,
        None => 1,
        Some(_) => 2,
    };
    texts
        .iter()
        .min_by_key(|t| (rank(t), t.value.len()))
        .map(|t| t.value.clone())
}

/// Lower case, single spaces: how exact name matches compare.
pub fn normalise_name(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A name as its words, lower case, accents folded, joined by single spaces:
/// "Small-angle X-ray scattering" and "small angle x ray scattering" have the same
/// key. Recognition of terms in search queries compares these keys.
pub fn name_key(s: &str) -> String {
    let mut analyzer = name_analyzer();
    let mut stream = analyzer.token_stream(s);
    let mut key = String::with_capacity(s.len());
    while stream.advance() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&stream.token().text);
    }
    key
}

/// Every name of a term with where it comes from: labels (`label`), synonyms (their
/// property, e.g. `skos:altLabel`), then its CURIE and local name (`iri`).
pub fn names(term: &OntologyTerm) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = term
        .labels
        .iter()
        .map(|l| (l.value.clone(), "label".to_string()))
        .chain(
            term.synonyms
                .iter()
                .map(|s| (s.value.clone(), s.kind.clone())),
        )
        .collect();
    out.extend(term.curie.iter().map(|c| (c.clone(), "iri".to_string())));
    out.push((local_name(&term.iri).to_string(), "iri".to_string()));
    out
}

/// The term analyser (registered on every open).
pub fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Fields of the term index.
#[derive(Clone, Copy)]
pub struct TermFields {
    pub iri: Field,
    /// Normalised labels, for exact matches.
    pub label_exact: Field,
    /// Normalised synonyms, local names and CURIEs, for exact matches.
    pub synonym_exact: Field,
    /// Labels as words, for prefix and fuzzy matches.
    pub label_words: Field,
    pub synonym_words: Field,
    /// Lower-cased graph IRI, file stem and folder of the defining ontology.
    pub ontology: Field,
    pub kind: Field,
    /// `true` / `false`.
    pub deprecated: Field,
    /// The whole term as JSON.
    pub json: Field,
    /// Characters in the shortest label: among equal scores, shorter names first.
    pub name_len: Field,
    /// [`name_key`] of every label and synonym, for recognising terms in queries.
    /// `None` in term indexes written before format 3.
    pub name_key: Option<Field>,
    /// Number of narrower terms (transitively): how broad a term is. `None` before
    /// format 3.
    pub descendants: Option<Field>,
}

/// Name of the fast field holding [`TermFields::name_len`].
pub const NAME_LEN: &str = "name_len";
/// Name of the fast field holding [`TermFields::descendants`].
pub const DESCENDANTS: &str = "descendants";

impl TermFields {
    fn schema() -> Schema {
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(NAME_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut s = Schema::builder();
        s.add_text_field("iri", STRING | STORED);
        s.add_text_field("label_exact", STRING);
        s.add_text_field("synonym_exact", STRING);
        s.add_text_field("label_words", words.clone());
        s.add_text_field("synonym_words", words);
        s.add_text_field("ontology", STRING);
        s.add_text_field("kind", STRING);
        s.add_text_field("deprecated", STRING);
        s.add_text_field("json", STORED);
        s.add_u64_field(NAME_LEN, FAST);
        s.add_text_field("name_key", STRING);
        s.add_u64_field(DESCENDANTS, FAST);
        s.build()
    }

    fn resolve(schema: &Schema) -> tantivy::Result<TermFields> {
        Ok(TermFields {
            iri: schema.get_field("iri")?,
            label_exact: schema.get_field("label_exact")?,
            synonym_exact: schema.get_field("synonym_exact")?,
            label_words: schema.get_field("label_words")?,
            synonym_words: schema.get_field("synonym_words")?,
            ontology: schema.get_field("ontology")?,
            kind: schema.get_field("kind")?,
            deprecated: schema.get_field("deprecated")?,
            json: schema.get_field("json")?,
            name_len: schema.get_field(NAME_LEN)?,
            name_key: schema.get_field("name_key").ok(),
            descendants: schema.get_field(DESCENDANTS).ok(),
        })
    }
}

/// Version of what the term index stores per term; a generation whose term index
/// is older is re-derived from the graph store by the next run (2: replacements
/// of deprecated terms; 3: name keys and descendant counts for query recognition;
/// 4: `oboInOwl:hasDefinition` definitions, as EDAM writes them).
/// Older indexes still open: the fields they lack are `None` in [`TermFields`].
pub const FORMAT: u32 = 4;
const FORMAT_FILE: &str = "FORMAT";

/// Whether the term index in `dir` stores what this version extracts.
pub fn is_current(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join(FORMAT_FILE))
        .ok()
        .and_then(|t| t.trim().parse::<u32>().ok())
        == Some(FORMAT)
}

/// The term index of one generation.
pub struct TermIndex {
    pub index: Index,
    pub fields: TermFields,
}

impl TermIndex {
    /// Opens `gen-N/terms`.
    pub fn open(dir: &Path) -> Result<TermIndex, Error> {
        let index = Index::open_in_dir(dir)?;
        index.tokenizers().register(NAME_ANALYZER, name_analyzer());
        let fields = TermFields::resolve(&index.schema())?;
        Ok(TermIndex { index, fields })
    }

    /// Builds `dir` from scratch. `ontology_keys` gives, per graph IRI, the extra
    /// names an `ontology=` filter may use (file stem, folder).
    pub fn build(
        dir: &Path,
        terms: &[OntologyTerm],
        ontology_keys: &BTreeMap<String, Vec<String>>,
    ) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let index = Index::create_in_dir(dir, TermFields::schema())?;
        index.tokenizers().register(NAME_ANALYZER, name_analyzer());
        let f = TermFields::resolve(&index.schema())?;
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 32 * 1024 * 1024)?;
        let descendants = descendant_counts(terms);
        for (term, descendants) in terms.iter().zip(descendants) {
            let json = serde_json::to_string(term).map_err(|e| Error::Corrupt(e.to_string()))?;
            let mut d: TantivyDocument = doc!(
                f.iri => term.iri.as_str(),
                f.deprecated => if term.deprecated { "true" } else { "false" },
                f.json => json,
            );
            let shortest = term
                .labels
                .iter()
                .map(|l| l.value.chars().count())
                .min()
                .unwrap_or(255);
            d.add_u64(f.name_len, shortest as u64);
            let keys: BTreeSet<String> = names(term)
                .iter()
                .map(|(name, _)| name_key(name))
                .filter(|key| !key.is_empty())
                .collect();
            if let (Some(field), Some(count)) = (f.name_key, f.descendants) {
                for key in keys {
                    d.add_text(field, key);
                }
                d.add_u64(count, descendants as u64);
            }
            for label in &term.labels {
                d.add_text(f.label_exact, normalise_name(&label.value));
                d.add_text(f.label_words, &label.value);
            }
            for synonym in &term.synonyms {
                d.add_text(f.synonym_exact, normalise_name(&synonym.value));
                d.add_text(f.synonym_words, &synonym.value);
            }
            if let Some(curie) = &term.curie {
                d.add_text(f.synonym_exact, normalise_name(curie));
            }
            d.add_text(f.synonym_exact, normalise_name(local_name(&term.iri)));
            d.add_text(f.ontology, term.ontology.to_lowercase());
            for key in ontology_keys.get(&term.ontology).into_iter().flatten() {
                d.add_text(f.ontology, key.to_lowercase());
            }
            for kind in &term.types {
                d.add_text(f.kind, kind);
            }
            writer.add_document(d)?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let marker = dir.join(FORMAT_FILE);
        std::fs::write(&marker, format!("{FORMAT}\n")).map_err(|e| Error::io(&marker, e))?;
        Ok(())
    }
}

/// Most narrower terms counted per term: enough to tell a category from a technique.
const MAX_COUNTED: usize = 20_000;

/// For each term (same order), how many terms lie below it through `parents`
/// (subclass, sub-property, broader), each counted once, cycles harmless.
fn descendant_counts(terms: &[OntologyTerm]) -> Vec<usize> {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for term in terms {
        for parent in &term.parents {
            children
                .entry(parent.as_str())
                .or_default()
                .push(term.iri.as_str());
        }
    }
    terms
        .iter()
        .map(|term| {
            let mut seen: std::collections::HashSet<&str> =
                std::collections::HashSet::from([term.iri.as_str()]);
            let mut stack = vec![term.iri.as_str()];
            while let Some(next) = stack.pop() {
                for child in children.get(next).into_iter().flatten() {
                    if seen.len() > MAX_COUNTED {
                        return MAX_COUNTED;
                    }
                    if seen.insert(child) {
                        stack.push(child);
                    }
                }
            }
            seen.len() - 1
        })
        .collect()
}

/// The part of an IRI after its last `#` or `/`.
pub fn local_name(iri: &str) -> &str {
    iri.rsplit(['#', '/']).next().unwrap_or(iri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys_ignore_case_hyphens_and_punctuation() {
        let key = name_key("Small-angle X-ray scattering");
        assert_eq!(key, "small angle x ray scattering");
        assert_eq!(name_key("small angle x ray  scattering"), key);
        assert_eq!(name_key("SMALL ANGLE X–RAY SCATTERING"), key);
        assert_eq!(
            name_key("Format (by type of data)"),
            "format by type of data"
        );
        assert_eq!(name_key("Rövid"), "rovid");
        assert_eq!(name_key(" - "), "");
    }

    #[test]
    fn descendants_are_counted_once_through_every_path_and_cycle() {
        let term = |iri: &str, parents: &[&str]| OntologyTerm {
            iri: iri.into(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
            ..OntologyTerm::default()
        };
        // d has two parents (b and c); e and a form a cycle.
        let terms = [
            term("a", &["e"]),
            term("b", &["a"]),
            term("c", &["a"]),
            term("d", &["b", "c"]),
            term("e", &["a"]),
        ];
        assert_eq!(descendant_counts(&terms), [4, 1, 1, 0, 4]);
    }
}
