//! Dereferenceable IRIs and the SPARQL service description through a real
//! socket, with `base_iri` set to the server's own address, so the IRIs in the
//! data are the URLs fetched.

use std::collections::BTreeSet;
use std::path::Path;

use eoskb::config::Config;
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::server::{self, AppState};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Term, Triple};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, VARY};
use serde_json::Value;

use crate::sparql_http::eoskb_program;
use crate::support::fixture_content;

const SCHEMA: &str = "https://schema.org/";
const VOID: &str = "http://rdfs.org/ns/void#";
const SD: &str = "http://www.w3.org/ns/sparql-service-description#";

/// Indexes `content` and `ontologies` with `base_iri` = the address of a bound
/// listener, then serves it there.
async fn serve_at_own_address(
    tmp: &Path,
    content: Vec<std::path::PathBuf>,
    ontologies: Vec<std::path::PathBuf>,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let data = DataDir::new(tmp.join("data"));
    let config = Config::parse(&format!("base_iri = \"{base}\"")).unwrap();
    let report = index::run(
        &data,
        &IndexOptions {
            content,
            ontologies,
            config,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    let state = AppState::new(data, None).with_sparql_workers(eoskb_program());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    (base, stop)
}

fn client() -> reqwest::Client {
    crate::support::client();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `GET url` with `Accept: accept`: status, content type, `Vary`, body.
async fn fetch(url: &str, accept: &str) -> (StatusCode, String, String, String) {
    let mut request = client().get(url);
    if !accept.is_empty() {
        request = request.header(ACCEPT, accept);
    }
    let response = request.send().await.unwrap();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (status, media, vary) = (response.status(), header(CONTENT_TYPE), header(VARY));
    let location = header(LOCATION);
    let body = response.text().await.unwrap();
    (
        status,
        media,
        vary,
        if status == StatusCode::SEE_OTHER {
            location
        } else {
            body
        },
    )
}

fn parse(body: &str, format: RdfFormat) -> Vec<Triple> {
    RdfParser::from_format(format)
        .for_slice(body.as_bytes())
        .map(|q| {
            let q = q.unwrap_or_else(|e| panic!("{e}: {body}"));
            Triple::new(q.subject, q.predicate, q.object)
        })
        .collect()
}

fn set(triples: &[Triple]) -> BTreeSet<String> {
    triples.iter().map(|t| t.to_string()).collect()
}

/// The object of `<subject> <predicate>`, as written in N-Triples.
fn object_of(triples: &[Triple], subject: &str, predicate: &str) -> Option<Term> {
    triples
        .iter()
        .find(|t| {
            t.subject.to_string() == format!("<{subject}>") && t.predicate.as_str() == predicate
        })
        .map(|t| t.object.clone())
}

fn integer(term: Option<Term>) -> u64 {
    match term {
        Some(Term::Literal(l)) => l.value().parse().unwrap(),
        other => panic!("not a count: {other:?}"),
    }
}

/// A SPARQL COUNT through the endpoint.
async fn count(base: &str, query: &str) -> u64 {
    let response = client()
        .get(format!("{base}sparql"))
        .query(&[("query", query)])
        .header(ACCEPT, "application/sparql-results+json")
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn minted_iris_dereference_by_content_negotiation() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    std::fs::write(
        content.join("by-a-person.md"),
        "---\nid: by-a-person\ntitle: Written by a person\nsummary: An article whose author has no ORCID iD.\n\
         authors: [{name: Jane Q. Doe}]\nupdated: 2026-04-01\n---\nText.\n",
    )
    .unwrap();
    let (base, _stop) = serve_at_own_address(tmp.path(), vec![content], vec![]).await;
    let article = format!("{base}article/doi-beamtime");

    // RDF clients get the description; every syntax says the same.
    let (status, media, vary, turtle) = fetch(&article, "text/turtle").await;
    assert_eq!(status, StatusCode::OK, "{turtle}");
    assert!(media.starts_with("text/turtle"), "{media}");
    assert_eq!(vary, "Accept");
    let triples = parse(&turtle, RdfFormat::Turtle);
    assert_eq!(
        object_of(&triples, &article, &format!("{SCHEMA}name")).map(|t| t.to_string()),
        Some("\"Getting a DOI for your beamtime data\"".into())
    );
    // The author's name comes with the article.
    assert!(
        object_of(
            &triples,
            "https://orcid.org/0000-0002-1825-0097",
            &format!("{SCHEMA}name")
        )
        .is_some(),
        "{turtle}"
    );
    for (format, syntax, accept) in [
        ("nt", RdfFormat::NTriples, "application/n-triples"),
        ("rdf", RdfFormat::RdfXml, "application/rdf+xml"),
        (
            "jsonld",
            RdfFormat::JsonLd {
                profile: oxigraph::io::JsonLdProfileSet::empty(),
            },
            "application/ld+json",
        ),
    ] {
        let (status, media, vary, body) =
            fetch(&format!("{article}?format={format}"), "text/html").await;
        assert_eq!(
            (status, vary.as_str()),
            (StatusCode::OK, "Accept"),
            "{format}: {body}"
        );
        assert!(media.starts_with(accept), "{format}: {media}");
        assert_eq!(set(&parse(&body, syntax)), set(&triples), "{format}");
        let (status, _, _, body) =
            fetch(&article, &format!("{accept};q=0.9, image/png;q=0.1")).await;
        assert_eq!(status, StatusCode::OK, "{accept}");
        assert_eq!(set(&parse(&body, syntax)), set(&triples), "{accept}");
    }

    // Browsers go to the page, whose JSON-LD is the schema.org part of the RDF.
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let (status, _, vary, location) = fetch(&article, browser).await;
    assert_eq!(
        (status, location.as_str(), vary.as_str()),
        (StatusCode::SEE_OTHER, "/docs/doi-beamtime", "Accept")
    );
    let (_, _, _, page) = fetch(&format!("{base}docs/doi-beamtime"), browser).await;
    let start = page.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let json = &page[start..start + page[start..].find("</script>").unwrap()];
    let embedded = parse(
        json,
        RdfFormat::JsonLd {
            profile: oxigraph::io::JsonLdProfileSet::empty(),
        },
    );
    let schema_org: Vec<Triple> = triples
        .iter()
        .filter(|t| {
            t.predicate.as_str().starts_with(SCHEMA)
                || (t.predicate.as_str().ends_with("#type")
                    && t.object.to_string().starts_with(&format!("<{SCHEMA}")))
        })
        .cloned()
        .collect();
    assert!(schema_org.len() >= 8, "{schema_org:?}");
    assert_eq!(set(&embedded), set(&schema_org), "{json}");
    assert!(page.contains("href=\"/article/doi-beamtime?format=ttl\""));

    // Persons minted from a name answer too, as a page and as data.
    let person = format!("{base}person/jane-q.-doe");
    let (status, _, _, turtle) = fetch(&person, "text/turtle").await;
    assert_eq!(status, StatusCode::OK, "{turtle}");
    assert!(turtle.contains("Jane Q. Doe"), "{turtle}");
    let (status, media, vary, page) = fetch(&person, browser).await;
    assert_eq!((status, vary.as_str()), (StatusCode::OK, "Accept"));
    assert!(
        media.starts_with("text/html") && page.contains("<h1>Jane Q. Doe</h1>"),
        "{page}"
    );

    // The content graph: its VoID statistics, equal to what SPARQL counts.
    let graph = format!("{base}graph/content");
    let (status, _, _, turtle) = fetch(&graph, "text/turtle").await;
    assert_eq!(status, StatusCode::OK, "{turtle}");
    let described = parse(&turtle, RdfFormat::Turtle);
    let triples_n = count(
        &base,
        &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"),
    )
    .await;
    assert!(triples_n > 50, "{triples_n}");
    assert_eq!(
        integer(object_of(&described, &graph, &format!("{VOID}triples"))),
        triples_n
    );

    // Terms of loaded ontologies answer RDF on their pages' URLs.
    // Bad requests: unsatisfiable Accept, unknown format, broken encodings, nothing known.
    let (status, media, vary, body) = fetch(&article, "image/png").await;
    assert_eq!(
        (status, vary.as_str()),
        (StatusCode::NOT_ACCEPTABLE, "Accept")
    );
    assert!(media.starts_with("application/json"), "{media}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["error"],
        "not_acceptable"
    );
    for (url, code, error) in [
        (
            format!("{article}?format=png"),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
        ),
        (
            format!("{base}article/%FF"),
            StatusCode::BAD_REQUEST,
            "invalid_iri",
        ),
        (
            format!("{base}article/a%2"),
            StatusCode::BAD_REQUEST,
            "invalid_iri",
        ),
        (
            format!("{base}person/a%0Ab"),
            StatusCode::BAD_REQUEST,
            "invalid_iri",
        ),
        (
            format!("{base}article/no-such-article"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            format!("{base}person/nobody"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            format!("{base}graph/nothing"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ] {
        let (status, media, _, body) = fetch(&url, "text/turtle").await;
        assert_eq!(status, code, "{url}: {body}");
        assert!(media.starts_with("application/json"), "{url}: {media}");
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap()["error"],
            error,
            "{url}"
        );
    }
    let (status, media, _, _) = fetch(&format!("{base}article/no-such-article"), browser).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(media.starts_with("text/html"));
}

/// The service description's counts are what SPARQL counts, per graph, and a
/// term page answers its triples by content negotiation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_description_counts_every_graph() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let vocab = Path::new(env!("CARGO_MANIFEST_DIR")).join("ontologies");
    let (base, _stop) = serve_at_own_address(tmp.path(), vec![content], vec![vocab]).await;
    let endpoint = format!("{base}sparql");

    let (status, media, vary, turtle) = fetch(&endpoint, "text/turtle").await;
    assert_eq!(status, StatusCode::OK, "{turtle}");
    assert!(media.starts_with("text/turtle"));
    assert_eq!(vary, "Accept");
    let sd = parse(&turtle, RdfFormat::Turtle);
    let has = |s: &str, p: &str, o: &str| {
        sd.iter().any(|t| {
            t.subject.to_string() == format!("<{s}>")
                && t.predicate.as_str() == p
                && t.object.to_string() == format!("<{o}>")
        })
    };
    let rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
    assert!(has(&endpoint, rdf_type, &format!("{SD}Service")));
    assert!(has(&endpoint, &format!("{SD}endpoint"), &endpoint));
    assert!(has(
        &endpoint,
        &format!("{SD}supportedLanguage"),
        &format!("{SD}SPARQL11Query")
    ));
    assert!(has(
        &endpoint,
        &format!("{SD}feature"),
        &format!("{SD}UnionDefaultGraph")
    ));
    assert!(has(
        &endpoint,
        &format!("{SD}resultFormat"),
        "http://www.w3.org/ns/formats/Turtle"
    ));
    // Full-text search inside SPARQL is advertised as a feature.
    assert!(has(
        &endpoint,
        &format!("{SD}feature"),
        "https://w3id.org/eoskb/search#FullTextSearch"
    ));
    let graphs: Vec<String> = sd
        .iter()
        .filter(|t| t.predicate.as_str() == format!("{SD}name"))
        .map(|t| t.object.to_string().trim_matches(['<', '>']).to_string())
        .collect();
    assert!(graphs.len() >= 3, "{graphs:?}");
    assert!(
        graphs.contains(&format!("{base}graph/content")),
        "{graphs:?}"
    );
    for graph in &graphs {
        let stat = |name: &str| integer(object_of(&sd, graph, &format!("{VOID}{name}")));
        let q = |body: &str| {
            format!(
                "SELECT (COUNT(DISTINCT {body}) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            )
        };
        assert_eq!(
            stat("triples"),
            count(
                &base,
                &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            )
            .await,
            "{graph}"
        );
        assert_eq!(stat("properties"), count(&base, &q("?p")).await, "{graph}");
        assert_eq!(
            stat("distinctSubjects"),
            count(&base, &q("?s")).await,
            "{graph}"
        );
        assert_eq!(
            stat("distinctObjects"),
            count(&base, &q("?o")).await,
            "{graph}"
        );
        let classes =
            format!("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s a ?o }} }}");
        assert_eq!(stat("classes"), count(&base, &classes).await, "{graph}");
    }
    // The articles' kinds and audiences are concepts of the project's vocabulary:
    // links from the content graph to it.
    let linksets: Vec<&Triple> = sd
        .iter()
        .filter(|t| t.predicate.as_str() == format!("{VOID}objectsTarget"))
        .collect();
    assert!(!linksets.is_empty(), "{turtle}");

    // A browser still gets the query page; a client naming no format, the protocol's 400.
    let (status, media, _, _) = fetch(&endpoint, "text/html").await;
    assert_eq!(status, StatusCode::OK);
    assert!(media.starts_with("text/html"));
    let (status, _, _, _) = fetch(&endpoint, "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // `json` names a results format too: still a protocol request missing its query.
    let (status, _, _, body) = fetch(&format!("{endpoint}?format=json"), "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, media, _, body) = fetch(&format!("{endpoint}?format=jsonld"), "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(media.starts_with("application/ld+json"));
    let from_json_ld = parse(
        &body,
        RdfFormat::JsonLd {
            profile: oxigraph::io::JsonLdProfileSet::empty(),
        },
    );
    assert_eq!(from_json_ld.len(), sd.len());
    let (status, media, _, _) = fetch(&endpoint, "application/n-triples").await;
    assert_eq!(status, StatusCode::OK);
    assert!(media.starts_with("application/n-triples"));

    // A term of a loaded ontology: its page, or its triples.
    let term = format!("{base}terms/eoskb:kind-guide");
    let (status, media, vary, turtle) = fetch(&term, "text/turtle").await;
    assert_eq!(
        (status, vary.as_str()),
        (StatusCode::OK, "Accept"),
        "{turtle}"
    );
    assert!(media.starts_with("text/turtle"));
    let triples = parse(&turtle, RdfFormat::Turtle);
    assert!(
        object_of(
            &triples,
            "https://w3id.org/eoskb/vocab#kind-guide",
            "http://www.w3.org/2004/02/skos/core#prefLabel"
        )
        .is_some(),
        "{turtle}"
    );
    let (status, media, _, _) = fetch(&term, "text/html").await;
    assert_eq!(status, StatusCode::OK);
    assert!(media.starts_with("text/html"));
    let (status, _, _, _) = fetch(&term, "image/png").await;
    assert_eq!(status, StatusCode::NOT_ACCEPTABLE);
    let (status, _, _, _) = fetch(&format!("{base}terms/eoskb:no-such-term"), "text/turtle").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// PaNET's graph as the shared interoperability script counts it, and the
/// links from the articles to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn void_statistics_of_panet_and_the_links_to_it() {
    let Some(shared) = crate::support::shared_dir() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let panet = shared.join("data/ontologies/panet");
    let (base, _stop) = serve_at_own_address(tmp.path(), vec![content], vec![panet]).await;
    let (status, _, _, turtle) = fetch(&format!("{base}sparql?format=ttl"), "").await;
    assert_eq!(status, StatusCode::OK, "{turtle}");
    let sd = parse(&turtle, RdfFormat::Turtle);
    let panet = "http://purl.org/pan-science/PaNET/PaNET.owl";
    assert_eq!(
        integer(object_of(&sd, panet, &format!("{VOID}triples"))),
        4371
    );
    // The linkset content → PaNET by dcterms:subject: the content graph's
    // triples whose object PaNET describes and the content graph does not.
    let content_graph = format!("{base}graph/content");
    let subject = "http://purl.org/dc/terms/subject";
    let linkset = sd
        .iter()
        .filter(|t| {
            t.predicate.as_str() == format!("{VOID}linkPredicate")
                && t.object.to_string() == format!("<{subject}>")
        })
        .map(|t| t.subject.clone())
        .find(|set| {
            sd.iter().any(|t| {
                &t.subject == set
                    && t.predicate.as_str() == format!("{VOID}objectsTarget")
                    && t.object.to_string() == format!("<{panet}>")
            })
        })
        .expect("a linkset to PaNET by dcterms:subject");
    let linked = sd
        .iter()
        .find(|t| t.subject == linkset && t.predicate.as_str() == format!("{VOID}triples"))
        .map(|t| t.object.clone());
    let expected = count(
        &base,
        &format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{content_graph}> {{ ?s <{subject}> ?o }} \
             FILTER(isIRI(?o)) FILTER EXISTS {{ GRAPH <{panet}> {{ ?o ?p ?x }} }} \
             FILTER NOT EXISTS {{ GRAPH <{content_graph}> {{ ?o ?q ?y }} }} }}"
        ),
    )
    .await;
    assert!(expected > 5, "{expected}");
    assert_eq!(integer(linked), expected);
}
