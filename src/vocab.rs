//! The RDF vocabularies eoskb reads and writes, in one table: each namespace
//! once, with the prefix it is usually written with, and the full IRIs of the
//! terms the code names one by one.

/// Declares the namespaces as constants and as the [`STANDARD_PREFIXES`] table.
macro_rules! namespaces {
    ($($(#[$doc:meta])* $name:ident = $prefix:literal : $iri:literal;)*) => {
        $($(#[$doc])* pub const $name: &str = $iri;)*
        /// The standard vocabularies with their usual prefixes, in a stable order.
        pub const STANDARD_PREFIXES: &[(&str, &str)] = &[$(($prefix, $iri)),*];
    };
}

namespaces! {
    RDF = "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    RDFS = "rdfs": "http://www.w3.org/2000/01/rdf-schema#";
    OWL = "owl": "http://www.w3.org/2002/07/owl#";
    XSD = "xsd": "http://www.w3.org/2001/XMLSchema#";
    SKOS = "skos": "http://www.w3.org/2004/02/skos/core#";
    DCTERMS = "dcterms": "http://purl.org/dc/terms/";
    DC = "dc": "http://purl.org/dc/elements/1.1/";
    SCHEMA = "schema": "https://schema.org/";
    FOAF = "foaf": "http://xmlns.com/foaf/0.1/";
    PROV = "prov": "http://www.w3.org/ns/prov#";
    DCAT = "dcat": "http://www.w3.org/ns/dcat#";
    /// The OBO format's annotations in OWL (synonyms, cross-references).
    OBO_IN_OWL = "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#";
    /// The OBO Foundry's ontologies (`obo:IAO_0000115`, a definition).
    OBO = "obo": "http://purl.obolibrary.org/obo/";
}

/// The knowledge base's own vocabulary (`ontologies/eoskb.ttl`): properties,
/// and the content-kind and audience concepts.
pub const EOSKB: &str = "https://w3id.org/eoskb/vocab#";
/// The vocabulary of full-text search inside SPARQL (`SERVICE
/// <urn:eoskb:search>`): `search:query`, `search:score`, ... (see
/// `query/sparql_search.rs`).
pub const SEARCH: &str = "https://w3id.org/eoskb/search#";
/// The IRI of the full-text search service a SPARQL query may call.
pub const SEARCH_SERVICE: &str = "urn:eoskb:search";
/// The FAIR principles concept scheme (`ontologies/fair-principles.ttl`): `F`,
/// `F1`, ..., `R1.3` under this namespace.
pub const FAIR: &str = "https://w3id.org/eoskb/fair/";

/// VoID, the Vocabulary of Interlinked Datasets: graph statistics and links.
pub const VOID: &str = "http://rdfs.org/ns/void#";
/// The SPARQL 1.1 Service Description vocabulary.
pub const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
/// The W3C's IRIs of media formats (`formats:Turtle`), for `sd:resultFormat`.
pub const FORMATS: &str = "http://www.w3.org/ns/formats/";

/// Terms named one by one (full IRIs, for graph look-ups that take `&str`).
/// A test checks that each lies in its namespace above.
pub mod term {
    pub const RDFS_SUB_CLASS_OF: &str = "http://www.w3.org/2000/01/rdf-schema#subClassOf";
    pub const RDFS_SUB_PROPERTY_OF: &str = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf";
    pub const SKOS_BROADER: &str = "http://www.w3.org/2004/02/skos/core#broader";
    pub const SKOS_NARROWER: &str = "http://www.w3.org/2004/02/skos/core#narrower";
    pub const DCTERMS_SUBJECT: &str = "http://purl.org/dc/terms/subject";
    pub const DCTERMS_TITLE: &str = "http://purl.org/dc/terms/title";
    pub const DCTERMS_IDENTIFIER: &str = "http://purl.org/dc/terms/identifier";
    pub const OWL_ONTOLOGY: &str = "http://www.w3.org/2002/07/owl#Ontology";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_term_lies_in_its_namespace() {
        for (term, namespace, local) in [
            (term::RDFS_SUB_CLASS_OF, RDFS, "subClassOf"),
            (term::RDFS_SUB_PROPERTY_OF, RDFS, "subPropertyOf"),
            (term::SKOS_BROADER, SKOS, "broader"),
            (term::SKOS_NARROWER, SKOS, "narrower"),
            (term::DCTERMS_SUBJECT, DCTERMS, "subject"),
            (term::DCTERMS_TITLE, DCTERMS, "title"),
            (term::DCTERMS_IDENTIFIER, DCTERMS, "identifier"),
            (term::OWL_ONTOLOGY, OWL, "Ontology"),
        ] {
            assert_eq!(term, format!("{namespace}{local}"));
        }
    }

    #[test]
    fn prefixes_and_namespaces_are_unique() {
        for (i, (prefix, iri)) in STANDARD_PREFIXES.iter().enumerate() {
            for (other_prefix, other_iri) in &STANDARD_PREFIXES[i + 1..] {
                assert_ne!(prefix, other_prefix);
                assert_ne!(iri, other_iri);
            }
        }
    }
}
