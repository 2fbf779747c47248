//! Term and ontology pages: a term in the context of its hierarchy (cycles,
//! multiple parents and path explosions bounded), children and roots one page
//! at a time, what uses a term, and the HTML pages and JSON routes over them;
//! on a small synthetic ontology, and on PaNET, EDAM and NeXus from ../shared.

use std::path::{Path, PathBuf};

use eoskb::config::Config;
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::query::KnowledgeBase;
use eoskb::query::ontology::browse::{self, MAX_TREE, MappingTarget, TreeNode};
use eoskb::server::AppState;
use reqwest::StatusCode;
use serde_json::Value;

use crate::sparql_http::serve;
use crate::support::{fixture_content, open, shared_dir};

const EX: &str = "http://example.org/cyc#";
const PANET: &str = "http://purl.org/pan-science/PaNET/";

/// A cycle (a ⊑ b ⊑ a), a term with two parents (c ⊑ a, c ⊑ d), a deprecated
/// term replaced by another, a mapping, and a ladder of 14 levels of two classes,
/// each under both of the level above: 2^14 paths to its bottom; and a chain
/// of classes deeper than the tree's budget.
fn cyclic_ontology(dir: &Path) {
    let mut ttl = String::from(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n\
         @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\
         @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\
         @prefix obo: <http://purl.obolibrary.org/obo/> .\n\
         @prefix ex: <http://example.org/cyc#> .\n\
         <http://example.org/cyc> a owl:Ontology ; <http://purl.org/dc/terms/description> \"A test ontology.\" .\n\
         ex:a a owl:Class ; rdfs:label \"alpha\" ; rdfs:subClassOf ex:b .\n\
         ex:b a owl:Class ; rdfs:label \"beta\" ; rdfs:subClassOf ex:a .\n\
         ex:d a owl:Class ; rdfs:label \"delta\" ; rdfs:subClassOf owl:Thing .\n\
         ex:c a owl:Class ; rdfs:label \"gamma\" ; rdfs:subClassOf ex:a , ex:d ; \
             skos:exactMatch ex:d , <http://example.org/elsewhere> .\n\
         ex:old a owl:Class ; rdfs:label \"old gamma\" ; owl:deprecated true ; obo:IAO_0100001 ex:c .\n\
         ex:l0x a owl:Class ; rdfs:label \"ladder top x\" .\n\
         ex:l0y a owl:Class ; rdfs:label \"ladder top y\" .\n",
    );
    for level in 1..=14 {
        for side in ["x", "y"] {
            ttl.push_str(&format!(
                "ex:l{level}{side} a owl:Class ; rdfs:label \"ladder {level} {side}\" ; \
                 rdfs:subClassOf ex:l{p}x , ex:l{p}y .\n",
                p = level - 1
            ));
        }
    }
    // A chain deeper than the tree's budget.
    for depth in 1..=(MAX_TREE + 100) {
        ttl.push_str(&format!(
            "ex:deep{depth} a owl:Class ; rdfs:label \"deep {depth}\" ; rdfs:subClassOf ex:deep{} .\n",
            depth - 1
        ));
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("cyc.ttl"), ttl).unwrap();
}

pub(crate) fn cyclic_index(tmp: &Path) -> DataDir {
    let onto = tmp.join("onto");
    cyclic_ontology(&onto);
    let data = DataDir::new(tmp.join("data"));
    let report = index::run(
        &data,
        &IndexOptions {
            content: vec![fixture_content(tmp)],
            ontologies: vec![onto],
            config: Config::default(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    data
}

fn count(nodes: &[TreeNode]) -> usize {
    nodes.iter().map(|n| 1 + count(&n.children)).sum()
}

/// The labels on every path from a root to the current term.
fn paths(nodes: &[TreeNode], above: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    for n in nodes {
        above.push(n.label.clone().unwrap_or_default());
        if n.current {
            out.push(above.clone());
        } else {
            paths(&n.children, above, out);
        }
        above.pop();
    }
}

#[test]
fn cycles_multiple_parents_and_path_explosions_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = open(&cyclic_index(tmp.path()));

    // gamma: under delta (a root) and under alpha, whose ancestors are a cycle.
    let context = browse::context(&kb, &format!("{EX}c")).unwrap();
    let mut found = Vec::new();
    paths(&context.roots, &mut Vec::new(), &mut found);
    found.sort();
    assert_eq!(
        found,
        [
            vec!["beta".to_string(), "alpha".into(), "gamma".into()],
            vec!["delta".into(), "gamma".into()],
        ],
        "{context:#?}"
    );
    assert!(!context.truncated);

    // A term inside the cycle: the path stops where it would meet itself.
    let context = browse::context(&kb, &format!("{EX}a")).unwrap();
    let mut found = Vec::new();
    paths(&context.roots, &mut Vec::new(), &mut found);
    assert_eq!(found, [vec!["beta".to_string(), "alpha".into()]]);

    // 2^14 paths: the tree stops at its budget and says so.
    let bottom = format!("{EX}l14x");
    let context = browse::context(&kb, &bottom).unwrap();
    assert!(context.truncated);
    assert!(
        count(&context.roots) <= MAX_TREE,
        "{}",
        count(&context.roots)
    );
    let mut found = Vec::new();
    paths(&context.roots, &mut Vec::new(), &mut found);
    assert!(!found.is_empty());
    assert!(found.iter().all(|p| p.len() == 15), "{found:?}");

    // Deeper than the budget: the term under its parent, and a note.
    let context = browse::context(&kb, &format!("{EX}deep{}", MAX_TREE + 100)).unwrap();
    assert!(context.truncated);
    let mut found = Vec::new();
    paths(&context.roots, &mut Vec::new(), &mut found);
    assert_eq!(
        found,
        [vec![
            format!("deep {}", MAX_TREE + 99),
            format!("deep {}", MAX_TREE + 100)
        ]]
    );

    // Children one page at a time, sorted by label.
    let top = format!("{EX}l0x");
    let first = browse::children(&kb, &top, 0, 1).unwrap();
    let second = browse::children(&kb, &top, 1, 1).unwrap();
    assert_eq!(first.total, 2);
    assert_eq!(first.items[0].label.as_deref(), Some("ladder 1 x"));
    assert_eq!(second.items[0].label.as_deref(), Some("ladder 1 y"));
    assert!(first.items[0].has_children);
    let leaf = browse::children(&kb, &format!("{EX}c"), 0, 10).unwrap();
    assert_eq!(leaf.total, 0);

    // Roots: the top of the chain (its parent is no class of the index), delta
    // and the ladder's top; not the cycle, not the deprecated term.
    let roots = browse::roots(&kb, "onto", "class", 0, 100).unwrap();
    let labels: Vec<_> = roots
        .items
        .iter()
        .map(|n| n.label.clone().unwrap())
        .collect();
    assert_eq!(labels, ["deep 1", "delta", "ladder top x", "ladder top y"]);
}

#[test]
fn a_term_page_names_its_replacement_mappings_and_parents() {
    let tmp = tempfile::tempdir().unwrap();
    let kb = open(&cyclic_index(tmp.path()));
    let old = browse::term_page(&kb, &format!("{EX}old")).unwrap();
    assert!(old.term.deprecated);
    assert_eq!(old.replaced_by.len(), 1);
    assert_eq!(old.replaced_by[0].label.as_deref(), Some("gamma"));
    assert!(old.replaced_by[0].known);

    let gamma = browse::term_page(&kb, &format!("{EX}c")).unwrap();
    let mut parents: Vec<_> = gamma
        .parents
        .iter()
        .map(|p| p.label.clone().unwrap())
        .collect();
    parents.sort();
    assert_eq!(parents, ["alpha", "delta"]);
    let targets: Vec<&MappingTarget> = gamma.mappings.iter().map(|m| &m.target).collect();
    assert!(
        targets
            .iter()
            .any(|t| matches!(t, MappingTarget::Term(n) if n.label.as_deref() == Some("delta"))),
        "{targets:?}"
    );
    assert!(
        targets.iter().any(
            |t| matches!(t, MappingTarget::Iri { iri } if iri == "http://example.org/elsewhere")
        ),
        "{targets:?}"
    );
    assert!(matches!(
        browse::term_page(&kb, &format!("{EX}nothing")),
        Err(eoskb::query::Error::TermNotFound(_))
    ));

    let details = browse::ontology_details(&kb, "cyc").unwrap();
    assert_eq!(details.summary.id, "onto");
    assert_eq!(details.description.as_deref(), Some("A test ontology."));
    assert_eq!(details.deprecated, 1);
    assert_eq!(details.roots["class"].total, 4);
}

async fn text(url: String) -> (StatusCode, String) {
    let response = crate::support::get(url).await.unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn term_and_ontology_pages_and_routes_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let data = cyclic_index(tmp.path());
    let (base, _stop) = serve(AppState::new(data, None)).await;

    // No CURIE prefix for example.org: the page lives at the encoded IRI.
    let (status, html) = text(format!("{base}/terms/http:%2F%2Fexample.org%2Fcyc%23c")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1 id=\"term-label\">gamma</h1>"), "{html}");
    assert!(html.contains("id=\"term-tree\""));
    assert!(html.contains("aria-current=\"page\""));
    let (status, html) = text(format!("{base}/terms/http:%2F%2Fexample.org%2Fcyc%23old")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("This term is deprecated. Replaced by"),
        "{html}"
    );
    for missing in [
        "/terms/http:%2F%2Fexample.org%2Fcyc%23nothing",
        "/terms/nope:x",
        "/terms/PaNET:PaNET99999999",
        "/ontologies/nothing",
    ] {
        let (status, html) = text(format!("{base}{missing}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert!(html.contains("<h1>"), "{missing}: {html}");
    }
    let (status, html) = text(format!("{base}/terms?q=gamm")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(">gamma</a>"), "{html}");
    let (status, html) = text(format!("{base}/ontologies")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/ontologies/onto\""), "{html}");
    let (status, html) = text(format!("{base}/ontologies/onto")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("ladder top x"), "{html}");

    let get = |path: &'static str| crate::http::get(&base, path);
    let (status, body) =
        get("/api/terms/children?iri=http%3A%2F%2Fexample.org%2Fcyc%23l0x&limit=1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 2);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert_eq!(body["items"][0]["has_children"], true);
    let (status, body) = get("/api/terms/roots?ontology=onto&type=class&limit=2").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 4);
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    let (status, body) = get("/api/ontologies/onto").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], "onto");
    assert_eq!(body["graph"], "http://example.org/cyc");
    let (_, list) = get("/api/ontologies").await;
    assert!(
        list.as_array().unwrap().iter().any(|o| o["id"] == "onto"),
        "{list}"
    );
    for (path, code) in [
        (
            "/api/terms/children?iri=not%20an%20iri",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/terms/children?limit=x&iri=http://example.org/a",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/terms/children", StatusCode::BAD_REQUEST),
        ("/api/terms/roots?ontology=nothing", StatusCode::BAD_REQUEST),
        (
            "/api/terms/roots?ontology=onto&type=thing",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/ontologies/nothing", StatusCode::NOT_FOUND),
    ] {
        let (status, body): (StatusCode, Value) = get(path).await;
        assert_eq!(status, code, "{path}: {body}");
        assert!(body["message"].is_string(), "{path}: {body}");
    }
}

fn panet_edam_nexus(tmp: &Path) -> Option<KnowledgeBase> {
    let shared = shared_dir()?;
    let data = DataDir::new(tmp.join("data"));
    let ontologies: Vec<PathBuf> = ["panet", "edam", "nexus"]
        .iter()
        .map(|n| shared.join("data/ontologies").join(n))
        .collect();
    let report = index::run(
        &data,
        &IndexOptions {
            content: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("content")],
            ontologies: [Path::new(env!("CARGO_MANIFEST_DIR")).join("ontologies")]
                .into_iter()
                .chain(ontologies)
                .collect(),
            config: Config::default(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    Some(open(&data))
}

#[test]
fn panet_edam_and_nexus_pages_show_what_their_files_say() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(kb) = panet_edam_nexus(tmp.path()) else {
        return;
    };
    let ids: Vec<String> = browse::ontologies(&kb).into_iter().map(|o| o.id).collect();
    // The folder names the shared files; the two bundled files share theirs,
    // so their stems name them.
    for id in ["panet", "edam", "nexus", "eoskb", "fair-principles"] {
        assert!(ids.iter().any(|i| i == id), "{ids:?}");
    }

    // PaNET01188 has two parents in PaNET.owl; it appears under each.
    let saxs = format!("{PANET}PaNET01188");
    let page = browse::term_page(&kb, &saxs).unwrap();
    assert_eq!(
        page.term.label.as_deref(),
        Some("small angle x-ray scattering")
    );
    assert_eq!(page.ontology_id.as_deref(), Some("panet"));
    let mut parents: Vec<_> = page.parents.iter().map(|p| p.iri.clone()).collect();
    parents.sort();
    assert_eq!(
        parents,
        [format!("{PANET}PaNET01124"), format!("{PANET}PaNET01184")]
    );
    let mut found = Vec::new();
    paths(&page.context.roots, &mut Vec::new(), &mut found);
    let above: std::collections::BTreeSet<&str> =
        found.iter().map(|p| p[p.len() - 2].as_str()).collect();
    assert_eq!(
        above.into_iter().collect::<Vec<_>>(),
        ["small angle scattering", "x-ray scattering"]
    );
    assert!(found.iter().all(|p| p.len() >= 3), "{found:?}");
    // The guidance annotated with it directly, not through a narrower term.
    let cite = page
        .used_by
        .iter()
        .find(|u| u.id == "cite-a-beamtime-dataset")
        .expect("the citation guide uses PaNET01188");
    assert!(cite.via.is_none() && !cite.output);

    // Its broader term lists it as the narrower term it is used through.
    let sas = browse::term_page(&kb, &format!("{PANET}PaNET01124")).unwrap();
    let cite = sas
        .used_by
        .iter()
        .find(|u| u.id == "cite-a-beamtime-dataset")
        .unwrap();
    assert_eq!(
        cite.via.as_ref().map(|v| v.iri.as_str()),
        Some(saxs.as_str())
    );
    assert_eq!(sas.used_by_total, sas.used_by.len());

    // EDAM: deprecated with a replacement, definitions from oboInOwl:hasDefinition.
    let tool = browse::term_page(&kb, "http://edamontology.org/data_0007").unwrap();
    assert!(tool.term.deprecated);
    assert_eq!(tool.replaced_by[0].iri, "http://edamontology.org/data_0958");
    assert_eq!(tool.replaced_by[0].label.as_deref(), Some("Tool metadata"));
    let doi = browse::term_page(&kb, "http://edamontology.org/data_1188").unwrap();
    assert!(
        doi.term
            .definitions
            .iter()
            .any(|d| d.value == "Digital Object Identifier (DOI) of a published article."),
        "{:?}",
        doi.term.definitions
    );

    // Roots: EDAM's four branches, no deprecated class, not owl:DeprecatedClass.
    let edam = browse::roots(&kb, "edam", "class", 0, 100).unwrap();
    let labels: Vec<_> = edam.items.iter().filter_map(|n| n.label.clone()).collect();
    assert_eq!(labels, ["Data", "Format", "Operation", "Topic"], "{edam:?}");
    let panet = browse::roots(&kb, "panet", "class", 0, 100).unwrap();
    assert!(
        panet
            .items
            .iter()
            .any(|n| n.iri == format!("{PANET}PaNET00001") && n.has_children),
        "{panet:?}"
    );
    // Children of a root, sorted by label, bounded per page.
    let data = browse::children(&kb, "http://edamontology.org/data_0006", 0, 10).unwrap();
    assert!(data.total > 10);
    assert_eq!(data.items.len(), 10);
    let names: Vec<String> = data
        .items
        .iter()
        .map(|n| n.label.clone().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    // Article tags resolve to labelled terms; unknown values stay as written.
    let tags = browse::term_tags(
        &kb,
        &["PaNET:PaNET01188".to_string(), "PaNET:nothing".to_string()],
    )
    .unwrap();
    assert_eq!(
        tags[0].term.as_ref().and_then(|t| t.label.as_deref()),
        Some("small angle x-ray scattering")
    );
    assert!(tags[1].term.is_none());
}
