//! The OLS-compatible API (`/ols4/api`) on a real socket: OLS's JSON shapes
//! (Solr-style search with facets, HAL pages of ontologies and terms, term
//! JSON with links), paging and its caps, relatives and jstree, 404s and 400s
//! in OLS's error shape; on PaNET, EDAM and NeXus from ../shared, and on a
//! synthetic ontology with a cycle and a chain deeper than any tree budget.

use std::collections::HashSet;

use eoskb::index::DataDir;
use eoskb::server::AppState;
use reqwest::StatusCode;
use serde_json::Value;

use crate::http::get;
use crate::ontology::shared_index;
use crate::sparql_http::serve;
use crate::terms_pages::cyclic_index;

const PANET: &str = "http://purl.org/pan-science/PaNET/";
const API: &str = "/ols4/api";

/// An IRI as OLS clients put it in a path: encoded twice.
fn twice(iri: &str) -> String {
    let once: String = form_urlencoded::byte_serialize(iri.as_bytes()).collect();
    form_urlencoded::byte_serialize(once.as_bytes()).collect()
}

fn iris(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|d| d["iri"].as_str().unwrap().to_string())
        .collect()
}

/// Checks OLS's error shape and returns the message.
fn ols_error(status: StatusCode, body: &Value, expected: StatusCode) -> String {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["status"], expected.as_u16(), "{body}");
    assert_eq!(
        body["error"],
        expected.canonical_reason().unwrap_or_default(),
        "{body}"
    );
    assert!(body["path"].as_str().unwrap().starts_with(API), "{body}");
    assert!(body["timestamp"].as_str().is_some_and(|t| t.contains('T')));
    body["message"].as_str().unwrap().to_string()
}

async fn start(data: DataDir) -> (String, tokio::sync::oneshot::Sender<()>) {
    serve(AppState::new(data, None)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ols_search_select_and_suggest_answer_in_solr_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((data, _)) = shared_index(tmp.path()) else {
        return;
    };
    let (base, _stop) = start(data).await;
    let saxs = format!("{PANET}PaNET01188");

    let (status, body) = get(
        &base,
        &format!("{API}/search?q=small+angle&ontology=panet&rows=50"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let docs = &body["response"]["docs"];
    let found = iris(docs);
    assert!(found.contains(&saxs), "{found:?}");
    assert_eq!(
        found.len(),
        found.iter().collect::<HashSet<_>>().len(),
        "a term twice"
    );
    let doc = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["iri"] == saxs.as_str())
        .unwrap();
    assert_eq!(doc["label"], "small angle x-ray scattering");
    assert_eq!(doc["id"], format!("panet:class:{saxs}"));
    for (field, value) in [
        ("ontology_name", "panet"),
        ("ontology_prefix", "PaNET"),
        ("short_form", "PaNET01188"),
        ("obo_id", "PaNET:PaNET01188"),
        ("type", "class"),
    ] {
        assert_eq!(doc[field], value, "{field}: {doc}");
    }
    assert_eq!(doc["is_obsolete"], false);
    assert!(doc["term_replaced_by"].is_null());
    assert!(doc["description"].is_array());
    let total = body["response"]["numFound"].as_u64().unwrap();
    assert_eq!(body["response"]["start"], 0);
    let facets = &body["facet_counts"]["facet_fields"];
    assert_eq!(
        facets["ontologyId"],
        serde_json::json!(["panet", total.to_string()])
    );
    assert_eq!(
        facets["isObsolete"],
        serde_json::json!(["false", total.to_string()])
    );
    assert_eq!(body["responseHeader"]["status"], 0);

    // Pages: rows and start, consistent with one longer page.
    let page = |start: usize, rows: usize| {
        let base = base.clone();
        async move {
            let (_, body) = get(
                &base,
                &format!("{API}/search?q=data&ontology=edam&rows={rows}&start={start}"),
            )
            .await;
            (
                iris(&body["response"]["docs"]),
                body["response"]["numFound"].as_u64().unwrap(),
            )
        }
    };
    let (first, total) = page(0, 5).await;
    let (second, _) = page(5, 5).await;
    let (both, _) = page(0, 10).await;
    assert!(total > 10, "{total}");
    assert_eq!([first, second].concat(), both);
    // rows is capped at 1000; start past 10,000 is refused.
    let (all, total) = page(0, 5000).await;
    assert_eq!(all.len() as u64, total.min(1000));
    let (status, body) = get(&base, &format!("{API}/search?q=data&start=10001")).await;
    assert!(ols_error(status, &body, StatusCode::BAD_REQUEST).contains("start"));

    // Deprecated terms: left out unless asked for, then shown with their replacement.
    let obsolete = "http://edamontology.org/data_0868";
    let q = format!(
        "{API}/search?q=Profile-profile+alignment&ontology=edam&exact=true&fieldList=iri,label,is_obsolete,term_replaced_by"
    );
    let (_, live) = get(&base, &q).await;
    assert!(!iris(&live["response"]["docs"]).contains(&obsolete.to_string()));
    let (_, with) = get(&base, &format!("{q}&obsoletes=true")).await;
    let docs = with["response"]["docs"].as_array().unwrap();
    let old = docs
        .iter()
        .find(|d| d["iri"] == obsolete)
        .expect("the deprecated term");
    assert_eq!(old["is_obsolete"], true);
    assert_eq!(old["term_replaced_by"], "http://edamontology.org/data_0858");
    assert_eq!(old.as_object().unwrap().len(), 4, "fieldList: {old}");
    // Live terms first.
    let first_old = docs.iter().position(|d| d["is_obsolete"] == true).unwrap();
    assert!(docs[first_old..].iter().all(|d| d["is_obsolete"] == true));

    // Under a term, and leaves only.
    let sas = format!("{PANET}PaNET01124");
    let (_, under) = get(
        &base,
        &format!(
            "{API}/search?q=scattering&allChildrenOf={sas}&rows=100&fieldList=iri,has_children"
        ),
    )
    .await;
    let under_iris = iris(&under["response"]["docs"]);
    assert!(
        under_iris.contains(&saxs) && !under_iris.contains(&sas),
        "{under_iris:?}"
    );
    let (_, descendants) = get(
        &base,
        &format!(
            "{API}/ontologies/panet/terms/{}/descendants?size=1000",
            twice(&sas)
        ),
    )
    .await;
    let all_below: HashSet<String> = iris(&descendants["_embedded"]["terms"])
        .into_iter()
        .collect();
    assert!(under_iris.iter().all(|i| all_below.contains(i)));
    let (_, leaves) = get(&base, &format!("{API}/search?q=scattering&allChildrenOf={sas}&isLeaf=true&rows=100&fieldList=iri,has_children")).await;
    let leaf_docs = leaves["response"]["docs"].as_array().unwrap();
    assert!(!leaf_docs.is_empty() && leaf_docs.len() < under_iris.len());
    assert!(
        leaf_docs.iter().all(|d| d["has_children"] == false),
        "{leaves}"
    );

    // Select: highlights keyed by the documents' ids.
    let (_, select) = get(
        &base,
        &format!("{API}/select?q=small+angle+x&ontology=panet"),
    )
    .await;
    let first = &select["response"]["docs"][0];
    let marked = &select["highlighting"][first["id"].as_str().unwrap()];
    assert!(
        marked["label_autosuggest"][0]
            .as_str()
            .unwrap()
            .contains("<b>small</b>"),
        "{select}"
    );
    // Suggest: labels, each once.
    let (_, suggest) = get(
        &base,
        &format!("{API}/suggest?q=small+angle&ontology=panet&rows=100"),
    )
    .await;
    let labels: Vec<&str> = suggest["response"]["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["autosuggest"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"small angle x-ray scattering"),
        "{labels:?}"
    );
    assert_eq!(
        labels.len(),
        labels.iter().collect::<HashSet<_>>().len(),
        "{labels:?}"
    );
    assert_eq!(suggest["response"]["numFound"], labels.len(), "{suggest}");

    // eoskb's own term search is where it was.
    let (status, own) = get(&base, "/api/terms?q=small+angle+x-ray+scattering").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["hits"][0]["iri"], saxs.as_str());

    // Bad input: 400s and 404s in OLS's shape.
    for (path, expected) in [
        ("/search?q=", StatusCode::BAD_REQUEST),
        ("/search?q=x&exact=maybe", StatusCode::BAD_REQUEST),
        ("/search?q=x&rows=-1", StatusCode::BAD_REQUEST),
        ("/search?q=%zz", StatusCode::BAD_REQUEST),
        ("/search?q=%E0%A4", StatusCode::BAD_REQUEST),
        ("/search?q=x&type=individuals", StatusCode::BAD_REQUEST),
        (
            "/search?q=x&childrenOf=not%20an%20iri",
            StatusCode::BAD_REQUEST,
        ),
        ("/search?q=x&ontology=no-such", StatusCode::NOT_FOUND),
        ("/suggest?q=x&ontology=no-such", StatusCode::NOT_FOUND),
        ("/suggest", StatusCode::BAD_REQUEST),
    ] {
        let (status, body) = get(&base, &format!("{API}{path}")).await;
        ols_error(status, &body, expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ols_ontologies_terms_and_relatives_page_as_hal() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((data, _)) = shared_index(tmp.path()) else {
        return;
    };
    let (base, _stop) = start(data).await;
    let saxs = format!("{PANET}PaNET01188");
    let sas = format!("{PANET}PaNET01124");

    // The ontology list, whole and a page of one at a time by its `next` links.
    let (status, all) = get(&base, &format!("{API}/ontologies?size=1000")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let ids: Vec<&str> = all["_embedded"]["ontologies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["ontologyId"].as_str().unwrap())
        .collect();
    for id in ["panet", "edam", "nexus"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    assert_eq!(all["page"]["totalElements"], ids.len());
    let (_, mut page) = get(&base, &format!("{API}/ontologies?size=1")).await;
    let mut visited = Vec::new();
    loop {
        assert_eq!(page["page"]["size"], 1);
        assert_eq!(page["page"]["totalPages"], ids.len());
        visited.push(
            page["_embedded"]["ontologies"][0]["ontologyId"]
                .as_str()
                .unwrap()
                .to_string(),
        );
        let Some(next) = page["_links"]["next"]["href"].as_str() else {
            break;
        };
        assert!(next.starts_with(&base), "{next}");
        page = crate::support::get(next)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    }
    assert_eq!(visited, ids);
    assert!(page["_links"]["prev"]["href"].as_str().is_some());
    // A page past the end is empty, not an error; an absurd one is a 400.
    let (status, past) = get(&base, &format!("{API}/ontologies?page=99&size=10")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(past["_embedded"]["ontologies"], serde_json::json!([]));
    let (status, body) = get(
        &base,
        &format!("{API}/ontologies?page=18446744073709551615&size=1000"),
    )
    .await;
    ols_error(status, &body, StatusCode::BAD_REQUEST);

    let (status, panet) = get(&base, &format!("{API}/ontologies/PaNET")).await;
    assert_eq!(status, StatusCode::OK, "{panet}");
    assert_eq!(panet["ontologyId"], "panet");
    assert_eq!(panet["config"]["preferredPrefix"], "PaNET");
    assert_eq!(
        panet["config"]["title"],
        "The Photon and Neutron Experimental Techniques Ontology"
    );
    assert!(panet["numberOfTerms"].as_u64().unwrap() > 100);
    assert!(
        panet["_links"]["terms"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/ols4/api/ontologies/panet/terms")
    );

    // A term by IRI, short form and OBO id: the same page of one.
    let mut seen = Vec::new();
    for query in [
        format!("iri={saxs}"),
        "short_form=PaNET01188".to_string(),
        "obo_id=PaNET:PaNET01188".to_string(),
        "id=PaNET01188".to_string(),
    ] {
        let (status, body) = get(&base, &format!("{API}/ontologies/panet/terms?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert_eq!(body["page"]["totalElements"], 1);
        seen.push(body["_embedded"]["terms"][0].clone());
    }
    assert!(seen.iter().all(|t| *t == seen[0]));
    let term = &seen[0];
    for (field, value) in [
        ("iri", Value::from(saxs.as_str())),
        ("label", "small angle x-ray scattering".into()),
        ("ontology_name", "panet".into()),
        ("ontology_prefix", "PaNET".into()),
        (
            "ontology_iri",
            "http://purl.org/pan-science/PaNET/PaNET.owl".into(),
        ),
        ("short_form", "PaNET01188".into()),
        ("obo_id", "PaNET:PaNET01188".into()),
        ("is_obsolete", false.into()),
        ("is_defining_ontology", true.into()),
        ("has_children", true.into()),
        ("is_root", false.into()),
        ("term_replaced_by", Value::Null),
    ] {
        assert_eq!(term[field], value, "{field}: {term}");
    }
    assert!(
        term["synonyms"]
            .as_array()
            .unwrap()
            .contains(&"SAXS".into())
    );
    let own = term["_links"]["self"]["href"].as_str().unwrap();
    assert_eq!(
        own,
        format!("{base}{API}/ontologies/panet/terms/{}", twice(&saxs))
    );
    for rel in [
        "parents",
        "ancestors",
        "children",
        "descendants",
        "hierarchicalChildren",
        "hierarchicalDescendants",
        "jstree",
    ] {
        assert_eq!(term["_links"][rel]["href"], format!("{own}/{rel}"), "{rel}");
    }
    // By its own link (encoded twice) and encoded once.
    let by_link: Value = crate::support::get(own)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_link, *term);
    let once: String = form_urlencoded::byte_serialize(saxs.as_bytes()).collect();
    let (status, by_once) = get(&base, &format!("{API}/ontologies/panet/terms/{once}")).await;
    assert_eq!((status, &by_once), (StatusCode::OK, term));
    // Across ontologies.
    let (status, anywhere) = get(&base, &format!("{API}/terms?iri={saxs}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(anywhere["_embedded"]["terms"][0], *term);

    // Relatives: the parent among the parents and ancestors, SAXS among the
    // children and descendants of its parent; hierarchical forms the same.
    let relatives = |iri: String, rel: &'static str| {
        let base = base.clone();
        async move {
            let (status, body) = get(
                &base,
                &format!(
                    "{API}/ontologies/panet/terms/{}/{rel}?size=1000",
                    twice(&iri)
                ),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{rel}: {body}");
            iris(&body["_embedded"]["terms"])
        }
    };
    let parents = relatives(saxs.clone(), "parents").await;
    let ancestors = relatives(saxs.clone(), "ancestors").await;
    assert!(parents.contains(&sas) && ancestors.contains(&sas));
    assert!(parents.iter().all(|p| ancestors.contains(p)));
    assert_eq!(
        relatives(saxs.clone(), "hierarchicalAncestors").await,
        ancestors
    );
    let children = relatives(sas.clone(), "hierarchicalChildren").await;
    let descendants = relatives(sas.clone(), "hierarchicalDescendants").await;
    assert!(children.contains(&saxs));
    assert!(children.iter().all(|c| descendants.contains(c)));
    assert!(descendants.len() > children.len());
    assert_eq!(relatives(sas.clone(), "children").await, children);
    // Paged: two pages of two are the first four.
    let (_, p0) = get(
        &base,
        &format!(
            "{API}/ontologies/panet/terms/{}/descendants?size=2&page=0",
            twice(&sas)
        ),
    )
    .await;
    let (_, p1) = get(
        &base,
        &format!(
            "{API}/ontologies/panet/terms/{}/descendants?size=2&page=1",
            twice(&sas)
        ),
    )
    .await;
    assert_eq!(
        [
            iris(&p0["_embedded"]["terms"]),
            iris(&p1["_embedded"]["terms"])
        ]
        .concat(),
        descendants[..4]
    );
    assert_eq!(p1["page"]["totalElements"], descendants.len());

    // jstree: the paths down to the term, the term selected.
    let (status, tree) = get(
        &base,
        &format!("{API}/ontologies/panet/terms/{}/jstree", twice(&saxs)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let nodes = tree.as_array().unwrap();
    let ids: HashSet<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert!(
        nodes
            .iter()
            .all(|n| n["parent"] == "#" || ids.contains(n["parent"].as_str().unwrap()))
    );
    assert!(
        nodes
            .iter()
            .any(|n| n["iri"] == saxs.as_str() && n["state"]["selected"] == true)
    );
    assert!(
        nodes
            .iter()
            .any(|n| n["iri"] == sas.as_str() && n["state"]["opened"] == true)
    );

    // EDAM and NeXus.
    let (status, data) = get(
        &base,
        &format!(
            "{API}/ontologies/edam/terms/{}",
            twice("http://edamontology.org/data_0006")
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (data["label"].as_str(), data["is_root"].as_bool()),
        (Some("Data"), Some(true))
    );
    assert!(
        data["_links"]["parents"].is_null(),
        "a root has no parents link"
    );
    let (_, nexus) = get(
        &base,
        &format!("{API}/search?q=NXmonochromator&ontology=nexus"),
    )
    .await;
    let nx = nexus["response"]["docs"][0]["iri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        nx.starts_with("http://purl.org/nexusformat/definitions/"),
        "{nx}"
    );
    let (status, _) = get(
        &base,
        &format!("{API}/ontologies/nexus/terms/{}/ancestors", twice(&nx)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Unknown things are 404s, malformed ones 400s, all in OLS's shape.
    for (path, expected) in [
        ("/ontologies/no-such".to_string(), StatusCode::NOT_FOUND),
        (
            "/ontologies/no-such/terms".to_string(),
            StatusCode::NOT_FOUND,
        ),
        (
            format!(
                "/ontologies/panet/terms/{}",
                twice("http://example.org/none")
            ),
            StatusCode::NOT_FOUND,
        ),
        (
            "/ontologies/panet/terms?iri=http://example.org/none".to_string(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/ontologies/panet/terms?short_form=nothing".to_string(),
            StatusCode::NOT_FOUND,
        ),
        // Defined by EDAM, not PaNET.
        (
            format!(
                "/ontologies/panet/terms/{}",
                twice("http://edamontology.org/data_0006")
            ),
            StatusCode::NOT_FOUND,
        ),
        (
            "/terms?iri=http://example.org/none".to_string(),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/ontologies/panet/terms/{}/cousins", twice(&saxs)),
            StatusCode::NOT_FOUND,
        ),
        ("/no/such/endpoint".to_string(), StatusCode::NOT_FOUND),
        (
            "/ontologies/panet/terms/not%2520an%2520iri".to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ontologies/panet/terms/http%25zz".to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ontologies/panet/terms/%ff%fe".to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ontologies/panet/terms?iri=not+an+iri".to_string(),
            StatusCode::BAD_REQUEST,
        ),
        ("/ontologies?size=ten".to_string(), StatusCode::BAD_REQUEST),
        ("/terms".to_string(), StatusCode::BAD_REQUEST),
    ] {
        let (status, body) = get(&base, &format!("{API}{path}")).await;
        ols_error(status, &body, expected);
    }
}

/// A cycle and a chain deeper than every tree budget: walks end, pages are
/// bounded, and the tree stays within its node budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ols_walks_are_bounded_on_cycles_and_deep_chains() {
    let tmp = tempfile::tempdir().unwrap();
    let data = cyclic_index(tmp.path());
    let (base, _stop) = start(data).await;
    let (_, list) = get(&base, &format!("{API}/ontologies")).await;
    let id = list["_embedded"]["ontologies"][0]["ontologyId"]
        .as_str()
        .unwrap()
        .to_string();
    let ex = "http://example.org/cyc#";

    // a ⊑ b ⊑ a: each is the other's ancestor and descendant, never itself.
    let (status, up) = get(
        &base,
        &format!(
            "{API}/ontologies/{id}/terms/{}/ancestors",
            twice(&format!("{ex}a"))
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{up}");
    assert_eq!(iris(&up["_embedded"]["terms"]), [format!("{ex}b")]);
    let (_, down) = get(
        &base,
        &format!(
            "{API}/ontologies/{id}/terms/{}/descendants?size=1000",
            twice(&format!("{ex}a"))
        ),
    )
    .await;
    let below = iris(&down["_embedded"]["terms"]);
    assert!(below.contains(&format!("{ex}b")) && below.contains(&format!("{ex}c")));
    assert!(!below.contains(&format!("{ex}a")));

    // The bottom of the deep chain: every ancestor counted, a page listed.
    let depth = eoskb::query::ontology::browse::MAX_TREE + 100;
    let bottom = format!("{ex}deep{depth}");
    let (_, up) = get(
        &base,
        &format!(
            "{API}/ontologies/{id}/terms/{}/ancestors?size=5000",
            twice(&bottom)
        ),
    )
    .await;
    assert_eq!(
        up["page"]["totalElements"],
        depth - 1,
        "deep1 to deep{}",
        depth - 1
    );
    assert_eq!(up["page"]["size"], 1000, "size is capped");
    assert_eq!(
        up["_embedded"]["terms"].as_array().unwrap().len(),
        1000.min(depth - 1)
    );
    let (status, tree) = get(
        &base,
        &format!("{API}/ontologies/{id}/terms/{}/jstree", twice(&bottom)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let nodes = tree.as_array().unwrap();
    assert!(!nodes.is_empty() && nodes.len() <= eoskb::query::ontology::browse::MAX_TREE + 1);
    assert!(
        nodes
            .iter()
            .any(|n| n["iri"] == bottom.as_str() && n["state"]["selected"] == true)
    );

    // The ladder: 2^14 paths, one search hit per term.
    let (_, hits) = get(&base, &format!("{API}/search?q=ladder&rows=1000")).await;
    let found = iris(&hits["response"]["docs"]);
    assert_eq!(found.len(), 30, "{found:?}");
    assert_eq!(hits["response"]["numFound"], 30);
    // A deprecated term with its replacement, when obsoletes are asked for.
    let (_, old) = get(&base, &format!("{API}/search?q=old+gamma&obsoletes=true")).await;
    assert_eq!(old["response"]["docs"][0]["is_obsolete"], true);
    assert_eq!(
        old["response"]["docs"][0]["term_replaced_by"],
        format!("{ex}c")
    );
}

/// Every term of the page `path` answers (asserting 200), across its pages.
async fn all_pages(base: &str, path: &str, key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut url = format!("{base}{path}");
    loop {
        let page: Value = crate::support::get(&url)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        out.extend(
            page["_embedded"][key]
                .as_array()
                .unwrap_or_else(|| panic!("no `{key}` in {page}"))
                .iter()
                .cloned(),
        );
        match page["_links"]["next"]["href"].as_str() {
            Some(next) => url = next.to_string(),
            None => return out,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ols_roots_properties_and_individuals_are_apart_from_terms() {
    let tmp = tempfile::tempdir().unwrap();
    let Some((data, _)) = shared_index(tmp.path()) else {
        return;
    };
    let (base, _stop) = start(data).await;

    // EDAM's four branches are its class roots; each says it is a root and
    // has no parents; no deprecated class is among them.
    let roots = all_pages(
        &base,
        &format!("{API}/ontologies/edam/terms/roots?size=2"),
        "terms",
    )
    .await;
    let root_iris = iris(&Value::Array(roots.clone()));
    assert_eq!(
        root_iris,
        [
            "http://edamontology.org/data_0006",
            "http://edamontology.org/format_1915",
            "http://edamontology.org/operation_0004",
            "http://edamontology.org/topic_0003",
        ],
        "sorted by label: Data, Format, Operation, Topic"
    );
    for root in &roots {
        assert_eq!(root["is_root"], true, "{root}");
        assert_eq!(root["is_obsolete"], false, "{root}");
        assert_eq!(root["has_children"], true, "{root}");
        assert!(root["_links"]["parents"].is_null(), "{root}");
    }
    // PaNET: its technique hierarchy's top is a root, SAXS is not.
    let (status, panet) = get(&base, &format!("{API}/ontologies/panet/terms/roots")).await;
    assert_eq!(status, StatusCode::OK, "{panet}");
    let panet_roots = iris(&panet["_embedded"]["terms"]);
    assert!(
        panet_roots.contains(&format!("{PANET}PaNET00001")),
        "{panet_roots:?}"
    );
    assert!(!panet_roots.contains(&format!("{PANET}PaNET01188")));
    // No preferred roots are configured: an empty page, not an error.
    let (status, preferred) = get(
        &base,
        &format!("{API}/ontologies/edam/terms/preferredRoots"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preferred}");
    assert_eq!(preferred["page"]["totalElements"], 0, "{preferred}");

    // Properties are listed apart from terms, and the counts agree with the lists.
    let (_, edam) = get(&base, &format!("{API}/ontologies/edam")).await;
    let properties = all_pages(
        &base,
        &format!("{API}/ontologies/edam/properties?size=50"),
        "properties",
    )
    .await;
    assert_eq!(edam["numberOfProperties"], properties.len(), "{edam}");
    let (_, terms) = get(&base, &format!("{API}/ontologies/edam/terms?size=1")).await;
    assert_eq!(
        edam["numberOfTerms"], terms["page"]["totalElements"],
        "{edam}"
    );
    assert!(
        edam["_links"]["properties"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/ontologies/edam/properties")
    );
    let has_input = "http://edamontology.org/has_input";
    assert!(iris(&Value::Array(properties.clone())).contains(&has_input.to_string()));
    assert!(properties.len() < terms["page"]["totalElements"].as_u64().unwrap() as usize);
    // A property is found as a property (its links say so), not as a term.
    let (status, property) = get(
        &base,
        &format!("{API}/ontologies/edam/properties/{}", twice(has_input)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{property}");
    assert_eq!(property["label"], "has input", "{property}");
    assert!(
        property["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .contains("/edam/properties/"),
        "{property}"
    );
    let (status, body) = get(
        &base,
        &format!("{API}/ontologies/edam/terms/{}", twice(has_input)),
    )
    .await;
    ols_error(status, &body, StatusCode::NOT_FOUND);
    let (status, anywhere) = get(&base, &format!("{API}/properties?iri={has_input}")).await;
    assert_eq!(status, StatusCode::OK, "{anywhere}");
    assert_eq!(iris(&anywhere["_embedded"]["properties"]), [has_input]);
    let (status, body) = get(&base, &format!("{API}/terms?iri={has_input}")).await;
    ols_error(status, &body, StatusCode::NOT_FOUND);
    // A class is not a property.
    let (status, body) = get(
        &base,
        &format!(
            "{API}/ontologies/edam/properties/{}",
            twice("http://edamontology.org/topic_0003")
        ),
    )
    .await;
    ols_error(status, &body, StatusCode::NOT_FOUND);

    // No named individuals are indexed: empty pages and 404s in OLS's shape.
    let (status, individuals) = get(&base, &format!("{API}/ontologies/panet/individuals")).await;
    assert_eq!(status, StatusCode::OK, "{individuals}");
    assert_eq!(individuals["page"]["totalElements"], 0);
    assert!(
        individuals["_embedded"]["individuals"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (status, body) = get(
        &base,
        &format!(
            "{API}/ontologies/panet/individuals/{}",
            twice(&format!("{PANET}PaNET01188"))
        ),
    )
    .await;
    ols_error(status, &body, StatusCode::NOT_FOUND);

    // Bad input: an unknown entity kind, an unknown ontology's roots, a bad flag.
    for (path, expected) in [
        ("/ontologies/edam/things", StatusCode::NOT_FOUND),
        ("/ontologies/edam/things/roots", StatusCode::NOT_FOUND),
        ("/ontologies/no-such/terms/roots", StatusCode::NOT_FOUND),
        (
            "/ontologies/no-such/terms/preferredRoots",
            StatusCode::NOT_FOUND,
        ),
        (
            "/ontologies/edam/terms/roots?includeObsoletes=maybe",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/ontologies/edam/terms/roots?size=-1",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, body) = get(&base, &format!("{API}{path}")).await;
        ols_error(status, &body, expected);
    }
}
