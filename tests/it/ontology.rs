//! Ontologies on the real files in ../shared/data: loading, syntaxes, term
//! search and lookup, counts, joins with the articles, and bad input.

use std::path::{Path, PathBuf};

use eoskb::config::{Config, SparqlConfig};
use eoskb::index::{self, DataDir, IndexOptions, IndexReport};
use eoskb::ingest::Severity;
use eoskb::ingest::ontology::{self, OntologyFile};
use eoskb::query::{self, KnowledgeBase, SparqlRequest, TermSearch};
use oxigraph::model::{Graph, graph::CanonicalizationAlgorithm};
use serde_json::Value;

use crate::support::{fixture_content, open, shared_dir};

fn project_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

fn run(data: &DataDir, content: &[PathBuf], ontologies: &[PathBuf]) -> IndexReport {
    index::run(
        data,
        &IndexOptions {
            content: content.to_vec(),
            ontologies: ontologies.to_vec(),
            config: Config::default(),
            ..Default::default()
        },
    )
    .expect("index run")
}

/// Indexes every ontology in ../shared plus the project's content.
pub fn shared_index(tmp: &Path) -> Option<(DataDir, IndexReport)> {
    let shared = shared_dir()?;
    let data = DataDir::new(tmp.join("data"));
    let report = run(
        &data,
        &[project_content()],
        &[shared.join("data/ontologies")],
    );
    Some((data, report))
}

/// Runs a SELECT in-process and returns the JSON bindings.
pub fn select(kb: &KnowledgeBase, q: &str) -> Vec<Value> {
    let answer = query::sparql::execute(
        kb,
        &SparqlConfig::default(),
        &SparqlRequest {
            query: q.into(),
            format: Some("json".into()),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{q}: {e}"));
    let json: Value = serde_json::from_slice(&answer.body).unwrap();
    json["results"]["bindings"].as_array().unwrap().clone()
}

pub fn count(kb: &KnowledgeBase, q: &str) -> u64 {
    select(kb, q)[0]["n"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The bundled vocabularies give every `kind`, `audience` and `fair` value of the
/// bundled articles a concept: no article points at an IRI without a label.
#[test]
fn front_matter_values_resolve_to_the_bundled_concepts() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let ontologies = Path::new(env!("CARGO_MANIFEST_DIR")).join("ontologies");
    let report = run(&data, &[project_content()], &[ontologies]);
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    let kb = open(&data);
    let prefixes = "PREFIX eoskb: <https://w3id.org/eoskb/vocab#> \
        PREFIX schema: <https://schema.org/> \
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>";
    for property in ["eoskb:kind", "schema:audience", "eoskb:fairPrinciple"] {
        let used = count(
            &kb,
            &format!("{prefixes} SELECT (COUNT(*) AS ?n) WHERE {{ ?a {property} ?v }}"),
        );
        assert!(used > 0, "{property} is used by the bundled content");
        let unresolved = select(
            &kb,
            &format!(
                "{prefixes} SELECT DISTINCT ?v WHERE {{ ?a {property} ?v \
                 FILTER NOT EXISTS {{ ?v a skos:Concept ; skos:prefLabel ?l }} }}"
            ),
        );
        assert!(unresolved.is_empty(), "{property}: {unresolved:?}");
    }
    // A principle leads to its group: articles about any Findable principle.
    let findable = count(
        &kb,
        &format!(
            "{prefixes} SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ \
             ?a eoskb:fairPrinciple ?p . ?p skos:broader <https://w3id.org/eoskb/fair/F> }}"
        ),
    );
    assert!(findable >= 5, "{findable} articles on Findable principles");
}

/// `[[sources]]` in the configuration: a present copy is loaded into its own
/// graph, a missing one is one warning naming where to get it, and a copy also
/// named by `--ontology` is not loaded twice.
#[test]
fn configured_sources_load_when_present_and_warn_once_when_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let onto = tmp.path().join("vendor");
    std::fs::create_dir_all(&onto).unwrap();
    std::fs::write(
        onto.join("tiny.ttl"),
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n\
         @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
         <http://example.org/tiny> a owl:Ontology .\n\
         <http://example.org/tiny#Beamline> a owl:Class ; rdfs:label \"beamline\"@en .\n",
    )
    .unwrap();
    let config = Config::parse(&format!(
        "[[sources]]\nname = \"Tiny\"\niri = \"http://example.org/tiny\"\npath = {:?}\n\n\
         [[sources]]\nname = \"Absent\"\niri = \"http://example.org/absent\"\n\
         url = \"https://example.org/absent.owl\"\npath = {:?}\nprefix = \"abs\"\n",
        onto.display().to_string(),
        tmp.path().join("nowhere").display().to_string(),
    ))
    .unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let index_with = |ontologies: Vec<PathBuf>| {
        index::run(
            &data,
            &IndexOptions {
                content: vec![fixture_content(
                    &tmp.path().join(format!("c{}", ontologies.len())),
                )],
                ontologies,
                config: config.clone(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let report = index_with(vec![]);
    let warnings: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("Absent"))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", report.diagnostics);
    assert_eq!(warnings[0].severity, Severity::Warning);
    assert!(
        warnings[0]
            .message
            .contains("https://example.org/absent.owl")
    );
    assert!(
        warnings[0]
            .message
            .contains("`abs:` terms are not verified")
    );
    let graph_triples = |kb: &KnowledgeBase| {
        count(
            kb,
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/tiny> { ?s ?p ?o } }",
        )
    };
    assert_eq!(graph_triples(&open(&data)), 3);

    // Named on the command line as well: still one graph of three triples.
    let report = index_with(vec![onto.clone()]);
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    assert_eq!(graph_triples(&open(&data)), 3);
    assert_eq!(open(&data).manifest().ontologies.len(), 1);
}

#[test]
fn loads_every_shared_ontology_and_skips_licences() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((data, report)) = shared_index(tmp.path()) else {
        return;
    };
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    assert_eq!(report.ontologies, 11);
    let notes: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Note)
        .collect();
    assert_eq!(notes.len(), 11, "one note per LICENSE: {notes:?}");
    assert!(notes.iter().all(|d| d.path.ends_with("LICENSE")));

    let kb = open(&data);
    let ontologies = query::list_ontologies(&kb);
    let panet = ontologies
        .iter()
        .find(|o| o.source.ends_with("PaNET.owl"))
        .unwrap();
    assert_eq!(panet.graph, "http://purl.org/pan-science/PaNET/PaNET.owl");
    assert_eq!(panet.counts.triples, 4371);
    assert_eq!(panet.counts.classes, 512);
    assert_eq!(
        panet.license.as_deref(),
        Some("https://creativecommons.org/licenses/by/4.0/")
    );
    let edam = ontologies
        .iter()
        .find(|o| o.source.contains("EDAM"))
        .unwrap();
    assert_eq!(edam.counts.triples, 36888);
    assert_eq!(edam.counts.classes, 3473);
    let yso = ontologies
        .iter()
        .find(|o| o.source.contains("yso"))
        .unwrap();
    assert_eq!(yso.counts.concepts, 270);

    // The counts the API reports are what SPARQL counts over each graph.
    for o in &ontologies {
        let g = &o.graph;
        let triples = count(
            &kb,
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"),
        );
        let classes = count(
            &kb,
            &format!(
                "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ GRAPH <{g}> {{ \
                 {{ ?c a <http://www.w3.org/2002/07/owl#Class> }} UNION {{ ?c a <http://www.w3.org/2000/01/rdf-schema#Class> }} \
                 FILTER isIRI(?c) }} }}"
            ),
        );
        let concepts = count(
            &kb,
            &format!(
                "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ GRAPH <{g}> {{ ?c a <http://www.w3.org/2004/02/skos/core#Concept> FILTER isIRI(?c) }} }}"
            ),
        );
        let properties = count(
            &kb,
            &format!(
                "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ GRAPH <{g}> {{ \
                 ?p a ?t FILTER(?t IN (owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty, <http://www.w3.org/1999/02/22-rdf-syntax-ns#Property>)) \
                 FILTER isIRI(?p) }} }}"
            ),
        );
        assert_eq!(o.counts.triples as u64, triples, "{}", o.source);
        assert_eq!(o.counts.classes as u64, classes, "{}", o.source);
        assert_eq!(o.counts.concepts as u64, concepts, "{}", o.source);
        assert_eq!(o.counts.properties as u64, properties, "{}", o.source);
    }
}

#[test]
fn panet_and_edam_terms_are_searchable_and_walkable() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((data, _)) = shared_index(tmp.path()) else {
        return;
    };
    let kb = open(&data);
    let search = |q: &str, ontology: Option<&str>| {
        query::search_terms(
            &kb,
            &TermSearch {
                q: q.into(),
                ontology: ontology.map(str::to_string),
                limit: 10,
                ..Default::default()
            },
        )
        .unwrap()
    };
    // Exact synonym: PaNET's altLabel SAXS.
    let saxs = search("SAXS", Some("panet"));
    assert_eq!(
        saxs.hits[0].iri,
        "http://purl.org/pan-science/PaNET/PaNET01188"
    );
    assert_eq!(saxs.hits[0].matched.field, "skos:altLabel");
    assert_eq!(saxs.hits[0].matched.how, "exact");
    // Autocomplete.
    let typed = search("small angle x", None);
    assert_eq!(
        typed.hits[0].label.as_deref(),
        Some("small angle x-ray scattering")
    );
    assert_eq!(typed.hits[0].matched.how, "prefix");
    // One word typed in part: names starting with it first, then names with a
    // word starting with it (both read as ranges of the term dictionary).
    let partial = search("tomog", Some("panet"));
    assert_eq!(partial.hits[0].label.as_deref(), Some("tomography"));
    assert!(partial.total >= 10, "{}", partial.total);
    for hit in &partial.hits {
        let label = hit.label.as_deref().unwrap_or_default();
        assert!(
            label.split([' ', '-']).any(|w| w.starts_with("tomog")),
            "{label}"
        );
        assert_eq!(hit.matched.how, "prefix", "{label}");
    }
    // One typo.
    let typo = search("small angle x-ray scatering", Some("panet"));
    assert_eq!(
        typo.hits[0].iri,
        "http://purl.org/pan-science/PaNET/PaNET01188"
    );
    assert_eq!(typo.hits[0].matched.how, "fuzzy");
    // EDAM by a synonym (oboInOwl:hasNarrowSynonym "Data stewardship").
    let edam = search("data stewardship", Some("edam"));
    assert_eq!(edam.hits[0].iri, "http://edamontology.org/topic_3571");
    assert_eq!(edam.hits[0].label.as_deref(), Some("Data governance"));
    assert_eq!(edam.hits[0].matched.field, "oboInOwl:hasNarrowSynonym");

    // Lookup by CURIE: label, synonym, parents, a descendant, articles.
    let iri = query::ontology::lookup::resolve(&kb, None, Some("PaNET:PaNET01188")).unwrap();
    let details = query::lookup_term(&kb, &iri).unwrap();
    assert_eq!(
        details.term.label.as_deref(),
        Some("small angle x-ray scattering")
    );
    assert!(details.term.synonyms.iter().any(|s| s.value == "SAXS"));
    let parents: Vec<&str> = details.parents.iter().map(|p| p.iri.as_str()).collect();
    assert!(parents.contains(&"http://purl.org/pan-science/PaNET/PaNET01124"));
    assert!(
        details
            .descendants
            .items
            .iter()
            .any(|d| d.label.as_deref() == Some("grazing incidence small angle x-ray scattering"))
    );
    assert!(
        details
            .ancestors
            .items
            .iter()
            .any(|a| a.iri == "http://purl.org/pan-science/PaNET/PaNET00001")
    );
    assert!(details.articles.iter().any(|a| a.id == "what-is-panet"));

    // Articles under a broader class come through its descendants.
    let broader = query::lookup_term(&kb, "http://purl.org/pan-science/PaNET/PaNET01124").unwrap();
    assert!(
        broader
            .articles
            .iter()
            .any(|a| a.via == "http://purl.org/pan-science/PaNET/PaNET01188")
    );
}

#[test]
fn one_sparql_query_joins_articles_with_the_panet_hierarchy() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((data, _)) = shared_index(tmp.path()) else {
        return;
    };
    let kb = open(&data);
    let rows = select(
        &kb,
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/>
         PREFIX PaNET: <http://purl.org/pan-science/PaNET/>
         SELECT DISTINCT ?id ?label WHERE {
           ?article dcterms:subject ?term ; dcterms:identifier ?id .
           ?term rdfs:subClassOf* PaNET:PaNET01124 ; rdfs:label ?label .
         } ORDER BY ?id",
    );
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| r["id"]["value"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"what-is-panet"), "{ids:?}");
    assert!(ids.contains(&"cite-a-beamtime-dataset"), "{ids:?}");
}

fn canonical(path: &Path) -> Graph {
    let bytes = std::fs::read(path).unwrap();
    let format = ontology::detect(path, &bytes).unwrap();
    let file = OntologyFile {
        root: "x".into(),
        rel: String::new(),
        abs: path.to_path_buf(),
    };
    let parsed = ontology::parse(&file, &bytes, format).unwrap();
    let mut graph: Graph = parsed.triples.iter().collect();
    graph.canonicalize(CanonicalizationAlgorithm::Unstable);
    graph
}

#[test]
fn panet_in_every_syntax_is_the_same_graph() {
    let Some(shared) = shared_dir() else { return };
    let original = canonical(&shared.join("data/ontologies/panet/PaNET.owl"));
    assert_eq!(original.len(), 4371);
    for name in ["PaNET.ttl", "PaNET.nt", "PaNET.jsonld"] {
        let other = canonical(&shared.join("data/rdf-syntaxes/panet").join(name));
        assert_eq!(other.len(), original.len(), "{name}");
        assert!(
            other == original,
            "{name} differs from the RDF/XML original"
        );
    }
}

/// RDF/XML whose ten nested entities, each ten copies of the one before,
/// expand to 3 GB: "billion laughs".
pub fn billion_laughs() -> String {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY lol0 \"lol\">\n");
    for i in 1..=9 {
        let value = format!("&lol{};", i - 1).repeat(10);
        doc.push_str(&format!("  <!ENTITY lol{i} \"{value}\">\n"));
    }
    doc.push_str(
        "]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n\
         \x20        xmlns:rdfs=\"http://www.w3.org/2000/01/rdf-schema#\">\n\
         \x20 <rdf:Description rdf:about=\"http://example.org/laughs\">\n\
         \x20   <rdfs:label>&lol9;</rdfs:label>\n\
         \x20 </rdf:Description>\n</rdf:RDF>\n",
    );
    doc
}

/// A billion-laughs file is an error at the declaration that crosses the
/// expansion limit, found before the parser expands anything; an external
/// entity is a syntax error (nothing is read from it); the other files load.
#[test]
fn entity_expansion_in_rdf_xml_is_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let onto = tmp.path().join("onto");
    std::fs::create_dir_all(&onto).unwrap();
    let laughs = billion_laughs();
    std::fs::write(onto.join("laughs.rdf"), &laughs).unwrap();
    std::fs::write(
        onto.join("external.rdf"),
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:rdfs=\"http://www.w3.org/2000/01/rdf-schema#\">\n\
         <rdf:Description rdf:about=\"http://example.org/x\"><rdfs:label>&x;</rdfs:label></rdf:Description></rdf:RDF>\n",
    )
    .unwrap();
    std::fs::write(onto.join("good.ttl"), GOOD).unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = run(
        &data,
        &[fixture_content(tmp.path())],
        std::slice::from_ref(&onto),
    );

    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    let lol8_line = 1 + laughs
        .lines()
        .position(|l| l.contains("<!ENTITY lol8 "))
        .unwrap();
    let laughs_error = errors
        .iter()
        .find(|d| d.path.ends_with("laughs.rdf"))
        .unwrap();
    assert_eq!(laughs_error.line, lol8_line, "{laughs_error}");
    assert_eq!(laughs_error.column, Some(3), "{laughs_error}");
    assert!(
        laughs_error
            .message
            .contains("entity `lol8` expands to 300000000 bytes")
            && laughs_error.message.contains("billion laughs"),
        "{laughs_error}"
    );
    let external = errors
        .iter()
        .find(|d| d.path.ends_with("external.rdf"))
        .unwrap();
    assert!(!external.message.contains("root:"), "{external}");
    assert_eq!(report.ontologies, 1);
    let kb = open(&data);
    let laughs_triples = "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/laughs> ?p ?o }";
    assert_eq!(count(&kb, laughs_triples), 0);
}

/// OBO-style RDF/XML abbreviates namespaces with entities: PaNET written that
/// way is still the same graph.
#[test]
fn rdf_xml_with_namespace_entities_still_loads() {
    let Some(shared) = shared_dir() else { return };
    let original_path = shared.join("data/ontologies/panet/PaNET.owl");
    let original = std::fs::read_to_string(&original_path).unwrap();
    let doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n\
        \x20   <!ENTITY owl \"http://www.w3.org/2002/07/owl#\" >\n\
        \x20   <!ENTITY obo \"http://purl.obolibrary.org/obo/\" >\n\
        \x20   <!ENTITY panet \"http://purl.org/pan-science/PaNET/\" >\n\
        \x20   <!ENTITY panet-owl \"&panet;PaNET.owl\" >\n]>\n";
    let rewritten = original
        .replace(
            "rdf:about=\"http://purl.org/pan-science/PaNET/PaNET.owl\"",
            "rdf:about=\"&panet-owl;\"",
        )
        .replace(
            "rdf:about=\"http://purl.org/pan-science/PaNET/",
            "rdf:about=\"&panet;",
        )
        .replace(
            "rdf:resource=\"http://purl.org/pan-science/PaNET/",
            "rdf:resource=\"&panet;",
        )
        .replace(
            "rdf:resource=\"http://www.w3.org/2002/07/owl#",
            "rdf:resource=\"&owl;",
        )
        .replace("\"http://purl.obolibrary.org/obo/", "\"&obo;")
        .replacen("<?xml version=\"1.0\"?>\n", doctype, 1);
    assert!(rewritten.matches("&panet;").count() > 100);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("PaNET-entities.owl");
    std::fs::write(&path, rewritten).unwrap();
    assert!(canonical(&path) == canonical(&original_path));
}

/// The same ontology reached by several paths (a configured source's folder
/// through a symbolic link and a file in it, a copy elsewhere, `x/../x`) is
/// one graph with notes, not several: over the union default graph every row
/// would come back once per copy.
#[test]
fn the_same_ontology_reached_twice_is_loaded_once() {
    let Some(shared) = shared_dir() else { return };
    let panet = shared.join("data/ontologies/panet");
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(panet.join("PaNET.owl"), copy.join("PaNET-copy.owl")).unwrap();
    let linked = tmp.path().join("linked");
    std::os::unix::fs::symlink(&panet, &linked).unwrap();
    let content = fixture_content(tmp.path());
    let config = Config::parse(&format!(
        "[[sources]]\nname = \"PaNET\"\niri = \"http://purl.org/pan-science/PaNET/PaNET.owl\"\npath = {:?}\n",
        linked.display().to_string()
    ))
    .unwrap();

    let duplicated_rows =
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o } GROUP BY ?s ?p ?o HAVING (COUNT(*) > 1) LIMIT 5";
    let ontology_rows = "SELECT (COUNT(*) AS ?n) WHERE { \
        <http://purl.org/pan-science/PaNET/PaNET.owl> a <http://www.w3.org/2002/07/owl#Ontology> }";
    let cases = [
        (
            config.clone(),
            vec![panet.join("PaNET.owl"), copy.clone()],
            2,
        ),
        (
            Config::default(),
            vec![linked.clone(), panet.join("../panet")],
            1,
        ),
    ];
    for (i, (config, ontologies, duplicates)) in cases.into_iter().enumerate() {
        let data = DataDir::new(tmp.path().join(format!("data{i}")));
        let report = index::run(
            &data,
            &IndexOptions {
                content: vec![content.clone()],
                ontologies: ontologies.clone(),
                config,
                ..Default::default()
            },
        )
        .unwrap();
        let notes: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Note && d.message.contains("loaded once"))
            .collect();
        // The LICENSE beside PaNET.owl is reached twice as well.
        assert!(
            notes.len() >= duplicates,
            "{ontologies:?}: {:?}",
            report.diagnostics
        );
        assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
        assert_eq!(
            report.ontologies, 1,
            "{ontologies:?}: {:?}",
            report.diagnostics
        );
        let kb = open(&data);
        assert_eq!(count(&kb, ontology_rows), 1, "{ontologies:?}");
        assert_eq!(
            select(&kb, duplicated_rows),
            Vec::<Value>::new(),
            "{ontologies:?}"
        );
    }
}

const GOOD: &str = "@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/test#> .
<http://example.org/test> a owl:Ontology .
ex:A a owl:Class ; rdfs:label \"alpha\" ; rdfs:subClassOf ex:B .
ex:B a owl:Class ; rdfs:label \"beta\" ; rdfs:subClassOf ex:A , [ a owl:Restriction ] .
ex:C a owl:Class , owl:NamedIndividual , owl:ObjectProperty ; rdfs:label \"gamma\" ; rdfs:subClassOf ex:C , ex:B .
[ a owl:Class ; owl:unionOf ( ex:A ex:B ) ] rdfs:subClassOf ex:A .
";

#[test]
fn bad_files_cycles_and_incremental_replacement() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let onto = tmp.path().join("onto");
    std::fs::create_dir_all(&onto).unwrap();
    std::fs::write(onto.join("good.ttl"), GOOD).unwrap();
    std::fs::write(
        onto.join("bad.ttl"),
        "@prefix ex: <http://example.org/bad#> .\nex:a ex:b ex:c .\nex:d ex:e .\n",
    )
    .unwrap();
    std::fs::write(
        onto.join("other.nt"),
        "<http://example.org/o#x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .\n",
    )
    .unwrap();
    std::fs::write(onto.join("README.md"), "# notes\n").unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = run(
        &data,
        std::slice::from_ref(&content),
        std::slice::from_ref(&onto),
    );
    let bad = report
        .diagnostics
        .iter()
        .find(|d| d.path.ends_with("bad.ttl"))
        .expect("bad.ttl reported");
    assert_eq!(bad.severity, Severity::Error);
    assert_eq!(bad.line, 3, "{bad}");
    assert!(bad.column.is_some());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.path.ends_with("README.md") && d.severity == Severity::Note)
    );
    assert_eq!(report.ontologies, 2);
    let kb = open(&data);
    assert_eq!(
        count(
            &kb,
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { <http://example.org/bad#a> ?p ?o } }"
        ),
        0,
        "nothing of the bad file is stored"
    );
    // Cycles, blank-node classes and punning: lookup terminates, with totals.
    let a = query::lookup_term(&kb, "http://example.org/test#A").unwrap();
    assert_eq!(a.ancestors.total, 1);
    assert_eq!(a.descendants.total, 2, "B and C (the cycle ends at A)");
    let c = query::lookup_term(&kb, "http://example.org/test#C").unwrap();
    assert_eq!(c.term.types, vec!["class", "property"]);
    assert!(
        !c.term
            .parents
            .contains(&"http://example.org/test#C".to_string())
    );

    // A restart needs only the data directory: the sources may be gone.
    let moved = tmp.path().join("onto-moved");
    std::fs::rename(&onto, &moved).unwrap();
    drop(kb);
    let kb = open(&data);
    assert_eq!(
        query::lookup_term(&kb, "http://example.org/test#B")
            .unwrap()
            .term
            .label
            .as_deref(),
        Some("beta")
    );
    std::fs::rename(&moved, &onto).unwrap();

    // Change one file: only its graph is replaced.
    std::fs::write(
        onto.join("other.nt"),
        "<http://example.org/o#y> <http://www.w3.org/2000/01/rdf-schema#label> \"y\" .\n",
    )
    .unwrap();
    let report = run(
        &data,
        std::slice::from_ref(&content),
        std::slice::from_ref(&onto),
    );
    assert_eq!(
        report.ontologies_loaded,
        vec![format!("{}/other.nt", eoskb::ingest::normalise_root(&onto))]
    );
    assert!(report.published);
    let kb = open(&data);
    assert_eq!(
        count(
            &kb,
            "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/o#x> ?p ?o }"
        ),
        0
    );
    assert_eq!(
        count(
            &kb,
            "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/o#y> ?p ?o }"
        ),
        1
    );
    assert_eq!(
        count(
            &kb,
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/test> { ?s ?p ?o } }"
        ),
        22
    );

    // Nothing changed: nothing published.
    let report = run(
        &data,
        std::slice::from_ref(&content),
        std::slice::from_ref(&onto),
    );
    assert!(!report.published);
    // Deleting a file drops its graph.
    std::fs::remove_file(onto.join("other.nt")).unwrap();
    let report = run(
        &data,
        std::slice::from_ref(&content),
        std::slice::from_ref(&onto),
    );
    assert_eq!(report.ontologies_deleted.len(), 1);
    let kb = open(&data);
    assert_eq!(
        count(
            &kb,
            "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/o#y> ?p ?o }"
        ),
        0
    );
}

#[test]
fn articles_become_rdf_and_unknown_prefixes_are_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    std::fs::write(
        content.join("tagged.md"),
        "---\ntitle: Tagged\nsummary: About SAXS.\nkind: guide\nterms: [PaNET:PaNET01188, Nope:thing]\nauthors: [{name: Ada Lovelace, orcid: 0000-0002-1825-0097}]\nupdated: 2026-05-01\nlicense: CC-BY-4.0\n---\nBody.\n",
    )
    .unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = run(&data, std::slice::from_ref(&content), &[]);
    let warning = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("unknown prefix `Nope`"))
        .expect("unknown prefix warning");
    assert!(warning.path.ends_with("tagged.md"));
    assert_eq!(warning.severity, Severity::Warning);
    let kb = open(&data);
    let rows = select(
        &kb,
        "PREFIX schema: <https://schema.org/> PREFIX dcterms: <http://purl.org/dc/terms/>
         SELECT ?type ?subject ?author ?modified ?license WHERE {
           GRAPH <https://eoskb.example.org/graph/content> {
             <https://eoskb.example.org/article/tagged> a ?type ; dcterms:subject ?subject ;
               schema:author ?author ; dcterms:modified ?modified ; dcterms:license ?license .
             FILTER(?type = schema:HowTo)
           } }",
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0]["subject"]["value"],
        "http://purl.org/pan-science/PaNET/PaNET01188"
    );
    assert_eq!(
        rows[0]["author"]["value"],
        "https://orcid.org/0000-0002-1825-0097"
    );
    assert_eq!(
        rows[0]["modified"]["datatype"],
        "http://www.w3.org/2001/XMLSchema#date"
    );
    // Deleting the article removes its triples.
    std::fs::remove_file(content.join("tagged.md")).unwrap();
    run(&data, std::slice::from_ref(&content), &[]);
    let kb = open(&data);
    assert_eq!(
        count(
            &kb,
            "SELECT (COUNT(*) AS ?n) WHERE { <https://eoskb.example.org/article/tagged> ?p ?o }"
        ),
        0
    );
}
