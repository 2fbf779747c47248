//! Ontology-aware search on the bundled content/ and the real ontologies in
//! ../shared/data/ontologies: a query naming a PaNET or EDAM term (label or
//! synonym) is recognised, articles annotated with the term or a descendant rank
//! higher in every mode and say why, and `term=` filters to the term and its
//! descendants.

use std::collections::BTreeSet;
use std::path::Path;

use eoskb::config::Config;
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::query::{self, AskParams, KnowledgeBase, Mode, RecognisedTerm, SearchResponse};
use reqwest::StatusCode;

use crate::http::{get, start};
use crate::ontology::{count, select, shared_index};
use crate::support::{encoder, open, open_with, request, shared_dir};

const PANET: &str = "http://purl.org/pan-science/PaNET/";

/// The label and `skos:altLabel`s PaNET's own file gives a class.
fn panet_names(shared: &Path, id: &str) -> (String, Vec<String>) {
    let owl = std::fs::read_to_string(shared.join("data/ontologies/panet/PaNET.owl")).unwrap();
    let start = owl
        .find(&format!("<owl:Class rdf:about=\"{PANET}{id}\">"))
        .unwrap_or_else(|| panic!("{id} is not a class in PaNET.owl"));
    // The class's own closing tag (indented once), not a nested class expression's.
    let block = &owl[start..start + owl[start..].find("\n    </owl:Class>").unwrap()];
    let values = |tag: &str| -> Vec<String> {
        block
            .split(&format!("<{tag}>"))
            .skip(1)
            .map(|rest| rest[..rest.find('<').unwrap()].to_string())
            .collect()
    };
    (values("rdfs:label").remove(0), values("skos:altLabel"))
}

fn recognised(kb: &KnowledgeBase, text: &str) -> Vec<RecognisedTerm> {
    query::recognise_terms(kb, text).unwrap()
}

fn iris(terms: &[RecognisedTerm]) -> Vec<&str> {
    terms.iter().map(|t| t.iri.as_str()).collect()
}

/// The ids of the articles annotated with `iri` or a subclass of it, by SPARQL.
fn annotated_by_sparql(kb: &KnowledgeBase, iri: &str) -> BTreeSet<String> {
    select(
        kb,
        &format!(
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> \
             PREFIX dcterms: <http://purl.org/dc/terms/> \
             SELECT DISTINCT ?id WHERE {{ ?a dcterms:subject ?t ; dcterms:identifier ?id . \
             ?t rdfs:subClassOf* <{iri}> }}"
        ),
    )
    .iter()
    .map(|b| b["id"]["value"].as_str().unwrap().to_string())
    .collect()
}

fn search(kb: &KnowledgeBase, q: &str, mode: Mode, params: &[(&str, &str)]) -> SearchResponse {
    let mut all = vec![("q", q), ("limit", "100"), ("mode", mode.name())];
    all.extend_from_slice(params);
    let request = request(&all);
    query::search(kb, &request).unwrap_or_else(|e| panic!("{q} {params:?}: {e}"))
}

fn ids(response: &SearchResponse) -> Vec<&str> {
    response.hits.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn panet_labels_and_synonyms_are_recognised_in_queries() {
    let tmp = tempfile::tempdir().unwrap();
    let (Some(shared), Some((data, _))) = (shared_dir(), shared_index(tmp.path())) else {
        return;
    };
    let kb = open(&data);
    let saxs = format!("{PANET}PaNET01188");
    let (saxs_label, saxs_synonyms) = panet_names(&shared, "PaNET01188");
    assert_eq!(saxs_label, "small angle x-ray scattering");
    assert!(saxs_synonyms.contains(&"SAXS".to_string()));
    let xrd = format!("{PANET}PaNET01216");
    let (xrd_label, xrd_synonyms) = panet_names(&shared, "PaNET01216");
    assert_eq!(
        (xrd_label.as_str(), xrd_synonyms.as_slice()),
        ("x-ray diffraction", &["XRD".to_string()][..])
    );

    // The synonym, in any case; the label, with or without hyphens.
    for (text, field) in [
        ("SAXS", "skos:altLabel"),
        ("saxs", "skos:altLabel"),
        ("small angle x-ray scattering", "label"),
        ("Small-Angle X-Ray Scattering", "label"),
        ("small angle x ray scattering", "label"),
    ] {
        let found = recognised(&kb, &format!("where do I deposit {text} results"));
        assert_eq!(iris(&found), [saxs.as_str()], "{text}: {found:?}");
        assert_eq!(found[0].matched, text);
        assert_eq!(found[0].field, field);
        assert_eq!(found[0].label, saxs_label);
        assert_eq!(found[0].curie.as_deref(), Some("PaNET:PaNET01188"));
        assert!(found[0].articles >= 1);
    }
    // A CURIE or local name names the term too.
    for text in ["PaNET:PaNET01188", "panet01188"] {
        let found = recognised(&kb, text);
        assert_eq!(iris(&found), [saxs.as_str()], "{text}");
        assert_eq!(found[0].field, "iri");
    }
    assert_eq!(iris(&recognised(&kb, "XRD")), [xrd.as_str()]);
    assert_eq!(iris(&recognised(&kb, "X-Ray Diffraction")), [xrd.as_str()]);
    // Several terms, in query order.
    assert_eq!(
        iris(&recognised(&kb, "XRD or SAXS?")),
        [xrd.as_str(), saxs.as_str()]
    );

    // The longest match wins: GISAXS's label contains SAXS's, which contains
    // nothing else; "small angle scattering" is the broader PaNET01124.
    let (gisaxs_label, _) = panet_names(&shared, "PaNET01162");
    assert_eq!(
        iris(&recognised(&kb, &format!("{gisaxs_label} of thin films"))),
        [format!("{PANET}PaNET01162")]
    );
    assert_eq!(
        iris(&recognised(&kb, "small angle scattering")),
        [format!("{PANET}PaNET01124")]
    );

    // No term, and generic words: nothing.
    for text in [
        "how long is my data closed after the experiment",
        "data",
        "Data format",
        "topic",
        "the",
        "x",
    ] {
        assert!(
            recognised(&kb, text).is_empty(),
            "{text}: {:?}",
            recognised(&kb, text)
        );
    }
    // "data citation": EDAM's Data (a root with hundreds of narrower terms) is not
    // recognised; EDAM's Citation, which a handful of articles use, is.
    let citation = recognised(&kb, "data citation");
    assert_eq!(iris(&citation), ["http://edamontology.org/data_0970"]);
    assert!(citation[0].articles <= 6, "{citation:?}");
    // EDAM gives "Data management" as an exact synonym of Biological databases,
    // which most annotated articles use through narrower topics: listed, but it
    // lifts nothing. The output records beside them (content/outputs) have
    // free-text subjects, no terms: they do not make the category look rare.
    let management = recognised(&kb, "data management");
    assert_eq!(iris(&management), ["http://edamontology.org/topic_3071"]);
    let annotated = count(
        &kb,
        &format!(
            "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH <{}> {{ \
             ?a <http://purl.org/dc/terms/subject> ?t }} }}",
            kb.content_graph()
        ),
    );
    assert!(
        (annotated as usize) < kb.manifest().articles(),
        "some items carry no term"
    );
    assert!(
        2 * management[0].articles as u64 > annotated,
        "{management:?}"
    );
    let response = search(&kb, "data management", Mode::Keyword, &[]);
    assert_eq!(response.terms, management);
    assert!(response.hits.iter().all(|h| h.matched_term.is_none()));

    let response = search(&kb, "data citation", Mode::Keyword, &[]);
    let boosted = response
        .hits
        .iter()
        .filter(|h| h.matched_term.is_some())
        .count();
    assert!(
        boosted <= citation[0].articles && boosted * 5 < response.hits.len(),
        "{boosted} of {} hits boosted",
        response.hits.len()
    );
}

/// The articles a query naming SAXS should lift: annotated with it or a descendant.
fn saxs_articles(kb: &KnowledgeBase) -> BTreeSet<String> {
    let via_lookup: BTreeSet<String> = query::lookup_term(kb, &format!("{PANET}PaNET01188"))
        .unwrap()
        .articles
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert!(via_lookup.len() >= 3, "{via_lookup:?}");
    via_lookup
}

#[test]
fn a_query_naming_a_term_ranks_its_articles_higher_in_every_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let (Some(shared), Some(encoder)) = (shared_dir(), encoder()) else {
        return;
    };
    let data = DataDir::new(tmp.path().join("data"));
    index::run(
        &data,
        &IndexOptions {
            content: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("content")],
            ontologies: vec![shared.join("data/ontologies")],
            config: Config::default(),
            ..Default::default()
        }
        .with_encoder(Some(encoder.clone())),
    )
    .unwrap();
    let kb = open_with(&data, &encoder);
    let saxs = format!("{PANET}PaNET01188");
    let annotated = saxs_articles(&kb);

    for mode in [Mode::Keyword, Mode::Semantic, Mode::Hybrid] {
        for q in ["SAXS", "small-angle X-ray scattering data"] {
            let with = search(&kb, q, mode, &[]);
            let without = search(&kb, q, mode, &[("recognise", "false")]);
            assert_eq!(iris(&with.terms), [saxs.as_str()], "{mode:?} {q}");
            assert!(without.terms.is_empty());
            let top = &with.hits[0];
            assert!(
                annotated.contains(&top.id),
                "{mode:?} {q}: {:?}",
                ids(&with)
            );
            let matched = top.matched_term.as_ref().expect("the top hit says why");
            assert_eq!(
                (matched.iri.as_str(), matched.label.as_str()),
                (saxs.as_str(), "small angle x-ray scattering")
            );
            // Every annotated article is found, each says why, and each ranks at
            // least as high as without recognition; some rank strictly higher.
            let rank = |r: &SearchResponse, id: &str| ids(r).iter().position(|h| *h == id);
            let mut lifted = 0;
            for id in &annotated {
                let now = rank(&with, id).unwrap_or_else(|| panic!("{mode:?} {q}: {id} lost"));
                assert!(with.hits[now].matched_term.is_some());
                match rank(&without, id) {
                    Some(before) if now > before => panic!("{mode:?} {q}: {id} fell"),
                    Some(before) if now < before => lifted += 1,
                    None => lifted += 1,
                    _ => {}
                }
            }
            assert!(lifted > 0, "{mode:?} {q}: nothing moved");
            // Articles about something else say nothing.
            for hit in with.hits.iter().filter(|h| !annotated.contains(&h.id)) {
                assert!(hit.matched_term.is_none(), "{}", hit.id);
            }
            // The same articles are counted: recognition adds, never drops.
            assert!(with.total >= without.total);
        }
    }

    // An asked question names its terms too, and its first source is about them
    // (the answer's first citation, or the nearest page when there is no answer).
    let answer = query::ask(
        &kb,
        "How do I annotate my SAXS dataset with a technique term?",
        &AskParams::default(),
    )
    .unwrap();
    assert_eq!(iris(&answer.terms), [saxs.as_str()]);
    assert_eq!(answer.terms[0].matched, "SAXS");
    let first = &answer.sources.first().expect("a source").id;
    assert!(annotated.contains(first), "{first}: {:?}", answer.sources);

    // A bare term is not a question: pages show its term card, not an answer.
    // Asked anyway, `ask` never quotes a code block or a table: the SSSOM
    // listing in the mapping guide names SAXS, but is no answer.
    let saxs_search = search(&kb, "SAXS", Mode::Hybrid, &[]);
    assert!(!saxs_search.question);
    assert!(search(&kb, "how do I deposit SAXS data?", Mode::Keyword, &[]).question);
    let asked = query::ask(&kb, "SAXS", &AskParams::default()).unwrap();
    for passage in &asked.answer {
        assert!(
            !passage.text.contains("skos:exactMatch") && !passage.text.contains(" | "),
            "a listing quoted: {}",
            passage.text
        );
    }
    // Facet values that name concepts carry their labels.
    let labels = &saxs_search.facet_labels;
    let term_labels = &labels["terms"];
    assert!(
        term_labels
            .values()
            .any(|l| &**l == "small angle x-ray scattering"),
        "{term_labels:?}"
    );
    // (NeXus classes have no rdfs:label: their CURIE is all there is.)
    for value in saxs_search.facets["terms"].keys() {
        let labelled = value.starts_with("PaNET:") || value.starts_with("EDAM:");
        assert!(
            !labelled || term_labels.contains_key(value),
            "{value}: no label"
        );
    }
    // Kinds and audiences are labelled by eoskb's own vocabulary, not loaded
    // here; values without a concept (tags, projects) have none.
    assert!(!labels.contains_key("audience"));
    assert!(!labels.contains_key("tags") && !labels.contains_key("projects"));
}

#[test]
fn term_filter_includes_descendants_and_rejects_unknown_terms() {
    let tmp = tempfile::tempdir().unwrap();
    let (Some(shared), Some((data, _))) = (shared_dir(), shared_index(tmp.path())) else {
        return;
    };
    let kb = open(&data);
    let sas = format!("{PANET}PaNET01124");
    let expected = annotated_by_sparql(&kb, &sas);
    // Some articles are annotated only with a descendant (SAXS, GISAXS).
    let direct: BTreeSet<String> = select(
        &kb,
        &format!(
            "PREFIX dcterms: <http://purl.org/dc/terms/> \
             SELECT ?id WHERE {{ ?a dcterms:subject <{sas}> ; dcterms:identifier ?id }}"
        ),
    )
    .iter()
    .map(|b| b["id"]["value"].as_str().unwrap().to_string())
    .collect();
    assert!(expected.len() > direct.len(), "{expected:?} vs {direct:?}");
    let lookup: BTreeSet<String> = query::lookup_term(&kb, &sas)
        .unwrap()
        .articles
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(lookup, expected);

    for value in [
        "PaNET:PaNET01124",
        sas.as_str(),
        &format!("<{sas}>"),
        " PaNET:PaNET01124 ",
    ] {
        let filtered = search(&kb, "*", Mode::Keyword, &[("term", value)]);
        let found: BTreeSet<String> = ids(&filtered).iter().map(|s| s.to_string()).collect();
        assert_eq!(found, expected, "{value}");
        assert_eq!(filtered.total, expected.len());
        // Facet counts are over the filtered articles.
        let kinds: u64 = filtered.facets["kind"].values().sum();
        assert_eq!(kinds as usize, expected.len());
    }
    // With words, and in combination with another filter.
    let words = search(
        &kb,
        "metadata",
        Mode::Keyword,
        &[("term", "PaNET:PaNET01124")],
    );
    assert!(ids(&words).iter().all(|id| expected.contains(*id)));

    // Several values are alternatives.
    let xrd = format!("{PANET}PaNET01216");
    let neutrons = format!("{PANET}PaNET01242");
    let either = search(
        &kb,
        "*",
        Mode::Keyword,
        &[("term", "PaNET:PaNET01216"), ("term", "PaNET:PaNET01242")],
    );
    let union: BTreeSet<String> = annotated_by_sparql(&kb, &xrd)
        .union(&annotated_by_sparql(&kb, &neutrons))
        .cloned()
        .collect();
    assert!(!union.is_empty());
    assert_eq!(
        ids(&either)
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        union
    );

    // A PaNET term no article uses (USAXS): a valid filter with no results.
    let (usaxs, _) = panet_names(&shared, "PaNET01241");
    assert_eq!(usaxs, "ultra small angle x-ray scattering");
    assert!(annotated_by_sparql(&kb, &format!("{PANET}PaNET01241")).is_empty());
    let unused = search(&kb, "*", Mode::Keyword, &[("term", "PaNET:PaNET01241")]);
    assert_eq!(unused.total, 0);

    // Bad input names the problem.
    let error = |value: &str| {
        let request = request(&[("q", "*"), ("mode", "keyword"), ("term", value)]);
        query::search(&kb, &request).unwrap_err()
    };
    let prefix = error("nope:thing");
    assert!(matches!(prefix, query::Error::InvalidParameter { .. }));
    assert!(prefix.to_string().contains("`nope`"), "{prefix}");
    let unknown = error("PaNET:PaNET99999");
    assert!(matches!(unknown, query::Error::UnknownTerm { .. }));
    assert!(
        unknown.to_string().contains("PaNET:PaNET99999"),
        "{unknown}"
    );
    assert!(error("not a term").is_client_error());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_explains_matches_and_rejects_bad_terms_with_json() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((data, _)) = shared_index(tmp.path()) else {
        return;
    };
    let (base, _stop) = start(data).await;
    let saxs = format!("{PANET}PaNET01188");

    let (status, body) = get(&base, "/api/search?q=SAXS&mode=keyword").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["terms"][0]["iri"], saxs.as_str());
    assert_eq!(body["terms"][0]["matched"], "SAXS");
    assert_eq!(body["hits"][0]["matched_term"]["iri"], saxs.as_str());
    assert_eq!(
        body["hits"][0]["matched_term"]["label"],
        "small angle x-ray scattering"
    );
    // Hits without a recognised term carry no `matched_term` at all.
    let (_, plain) = get(&base, "/api/search?q=licence&mode=keyword").await;
    assert!(plain["hits"][0].get("matched_term").is_none(), "{plain}");
    assert_eq!(plain["terms"], serde_json::json!([]));

    let (status, filtered) = get(
        &base,
        "/api/search?q=*&mode=keyword&term=PaNET%3APaNET01124&limit=100",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{filtered}");
    assert!(filtered["total"].as_u64().unwrap() >= 2);

    for (value, code, named) in [
        ("nope%3Athing", "invalid_parameter", "nope"),
        ("PaNET%3APaNET99999", "unknown_term", "PaNET:PaNET99999"),
        ("plainword", "invalid_parameter", "plainword"),
    ] {
        let (status, body) =
            get(&base, &format!("/api/search?q=*&mode=keyword&term={value}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{value}: {body}");
        assert_eq!(body["error"], code, "{body}");
        assert!(body["message"].as_str().unwrap().contains(named), "{body}");
    }
}
