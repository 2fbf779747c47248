//! The Model Context Protocol endpoint `/mcp`, spoken as JSON-RPC over a real
//! socket: the handshake, the tools on the bundled content and PaNET (needs
//! the model and ../shared), bad arguments as tool errors, foreign origins
//! refused, the articles as resources, and a flood answered `busy`.

use std::path::Path;

use eoskb::config::ServerConfig;
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::server::AppState;
use serde_json::{Value, json};

use crate::sparql_http::{eoskb_program, serve};
use crate::support::{client, encoder, shared_dir};

const PROTOCOL: &str = "2025-06-18";

/// The bundled content and PaNET, indexed with the model into `tmp/data`.
fn indexed(
    tmp: &Path,
    shared: &Path,
    encoder: &std::sync::Arc<eoskb::embed::SentenceEncoder>,
) -> DataDir {
    let data = DataDir::new(tmp.join("data"));
    let report = index::run(
        &data,
        &IndexOptions {
            ontologies: vec![shared.join("data/ontologies/panet")],
            ..IndexOptions::new(vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("content")])
                .with_encoder(Some(encoder.clone()))
        },
    )
    .unwrap();
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    data
}

/// A JSON-RPC request to `/mcp` and its answer (JSON: the server answers
/// each request whole).
async fn rpc(url: &str, method: &str, params: Value) -> Value {
    let response = post(
        url,
        &json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}),
        None,
    )
    .await;
    assert_eq!(response.status(), 200, "{method}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{method}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["jsonrpc"], "2.0");
    assert_eq!(body["id"], 1);
    body
}

async fn post(url: &str, body: &Value, origin: Option<&str>) -> reqwest::Response {
    let mut request = client()
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .header("MCP-Protocol-Version", PROTOCOL)
        .body(body.to_string());
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    request.send().await.unwrap()
}

/// `tools/call`: the result (asserted to be a result, not a protocol error).
async fn call(url: &str, tool: &str, arguments: Value) -> Value {
    let body = rpc(
        url,
        "tools/call",
        json!({"name": tool, "arguments": arguments}),
    )
    .await;
    assert!(body.get("error").is_none(), "{tool}: {body}");
    body["result"].clone()
}

fn text(result: &Value) -> &str {
    result["content"][0]["text"].as_str().unwrap_or_default()
}

fn is_error(result: &Value) -> bool {
    result["isError"] == json!(true)
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assistant_lists_and_calls_every_tool_and_reads_the_articles() {
    let (Some(shared), Some(encoder)) = (shared_dir(), encoder()) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = indexed(tmp.path(), &shared, &encoder);
    let state = AppState::new(data, Some(encoder)).with_sparql_workers(eoskb_program());
    let (base, _stop) = serve(state).await;
    let url = format!("{base}/mcp");

    let init = rpc(
        &url,
        "initialize",
        json!({"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "it", "version": "1"}}),
    )
    .await;
    let info = &init["result"];
    assert_eq!(info["protocolVersion"], PROTOCOL);
    assert_eq!(info["serverInfo"]["name"], "eoskb");
    assert!(
        info["capabilities"]["tools"].is_object() && info["capabilities"]["resources"].is_object()
    );

    let listed = rpc(&url, "tools/list", json!({})).await;
    let tools = listed["result"]["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "search",
            "ask",
            "search_terms",
            "lookup_term",
            "sparql",
            "read_article"
        ]
    );
    for tool in tools {
        assert_eq!(tool["inputSchema"]["type"], "object");
        assert_eq!(tool["annotations"]["readOnlyHint"], true);
    }
    let search_schema = &tools[0]["inputSchema"]["properties"]["limit"];
    assert_eq!(search_schema["maximum"], 50);

    // search: the same articles in the same order as the JSON API.
    let query = "data management plan";
    let result = call(&url, "search", json!({"query": query, "limit": 5})).await;
    assert!(!is_error(&result), "{result}");
    let api: Value = client()
        .get(format!("{base}/api/search"))
        .query(&[("q", query), ("limit", "5")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids = |hits: &Value| -> Vec<String> {
        hits.as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mcp_ids = ids(&result["structuredContent"]["hits"]);
    assert_eq!(mcp_ids, ids(&api["hits"]));
    assert!(!mcp_ids.is_empty());
    assert_eq!(result["structuredContent"]["total"], api["total"]);
    let first = &result["structuredContent"]["hits"][0];
    assert!(
        first["url"]
            .as_str()
            .unwrap()
            .contains(&format!("/docs/{}", mcp_ids[0])),
        "{first}"
    );
    assert!(text(&result).contains(first["title"].as_str().unwrap()));
    // A filter narrows the hits to its value.
    let guides = call(
        &url,
        "search",
        json!({"query": query, "kind": ["guide"], "mode": "keyword"}),
    )
    .await;
    for hit in guides["structuredContent"]["hits"].as_array().unwrap() {
        assert_eq!(hit["kind"], "guide", "{hit}");
    }

    // ask: quoted passages, cited; the quote is in the article it cites.
    let result = call(
        &url,
        "ask",
        json!({"question": "How can I obtain a DOI for data collected during my beamtime?"}),
    )
    .await;
    let answer = &result["structuredContent"];
    assert_eq!(answer["answered"], true, "{result}");
    let citation = &answer["answer"][0]["citation"];
    assert_eq!(citation["id"], "doi-for-beamtime-data");
    assert!(
        citation["url"]
            .as_str()
            .unwrap()
            .contains("/docs/doi-for-beamtime-data#"),
        "{citation}"
    );
    assert!(text(&result).contains("doi-for-beamtime-data"));
    let quoted = answer["answer"][0]["text"].as_str().unwrap();
    let article = call(&url, "read_article", json!({"id": "doi-for-beamtime-data"})).await;
    assert!(!is_error(&article));
    assert!(text(&article).starts_with("# "), "{}", text(&article));
    assert!(squash(text(&article)).contains(&squash(quoted)), "{quoted}");
    // ...and its refusal, with the nearest pages.
    let result = call(
        &url,
        "ask",
        json!({"question": "what is the boiling point of tungsten"}),
    )
    .await;
    assert!(!is_error(&result));
    assert_eq!(result["structuredContent"]["answered"], false, "{result}");
    assert!(
        result["structuredContent"]["answer"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        !result["structuredContent"]["sources"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(text(&result).starts_with("No answer"), "{}", text(&result));

    // search_terms and lookup_term on PaNET.
    let result = call(
        &url,
        "search_terms",
        json!({"query": "SAXS", "ontology": "panet"}),
    )
    .await;
    let hit = &result["structuredContent"]["hits"][0];
    assert_eq!(
        hit["iri"], "http://purl.org/pan-science/PaNET/PaNET01188",
        "{result}"
    );
    assert_eq!(hit["label"], "small angle x-ray scattering");
    let result = call(&url, "lookup_term", json!({"curie": "PaNET:PaNET01188"})).await;
    let term = &result["structuredContent"];
    assert_eq!(term["label"], "small angle x-ray scattering", "{result}");
    assert!(term["children"]["total"].as_u64().unwrap() > 0);
    let annotated: Vec<&str> = term["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(!annotated.is_empty());
    assert!(text(&result).contains("grazing incidence small angle x-ray scattering"));

    // sparql: the label lookup_term gave, from the graph.
    let result = call(
        &url,
        "sparql",
        json!({"query": "SELECT ?label WHERE { <http://purl.org/pan-science/PaNET/PaNET01188> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"}),
    )
    .await;
    assert!(!is_error(&result), "{result}");
    assert_eq!(result["structuredContent"]["rows"], 1);
    assert_eq!(
        result["structuredContent"]["results"]["results"]["bindings"][0]["label"]["value"],
        "small angle x-ray scattering"
    );
    let result = call(
        &url,
        "sparql",
        json!({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", "format": "ntriples"}),
    )
    .await;
    assert!(!is_error(&result), "{result}");
    assert_eq!(text(&result).lines().count(), 3, "{}", text(&result));

    // Resources: every article, a page at a time, each readable as Markdown.
    let stats: Value = client()
        .get(format!("{base}/api/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let articles = stats["articles"].as_u64().unwrap() as usize;
    let mut uris = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let params = match &cursor {
            Some(c) => json!({"cursor": c}),
            None => json!({}),
        };
        let page = rpc(&url, "resources/list", params).await;
        let result = &page["result"];
        for resource in result["resources"].as_array().unwrap() {
            assert_eq!(resource["mimeType"], "text/markdown");
            uris.push((
                resource["uri"].as_str().unwrap().to_string(),
                resource["title"].as_str().unwrap().to_string(),
            ));
        }
        match result["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(uris.len(), articles);
    let (uri, title) = uris
        .iter()
        .find(|(u, _)| u.ends_with("/article/doi-for-beamtime-data"))
        .unwrap();
    let read = rpc(&url, "resources/read", json!({"uri": uri})).await;
    let contents = &read["result"]["contents"][0];
    assert_eq!(contents["uri"], uri.as_str());
    assert_eq!(contents["mimeType"], "text/markdown");
    assert!(
        contents["text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("# {title}"))
    );
    let missing = rpc(
        &url,
        "resources/read",
        json!({"uri": uri.replace("doi-for-beamtime-data", "no-such-article")}),
    )
    .await;
    assert!(
        missing["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no-such-article"),
        "{missing}"
    );
    let templates = rpc(&url, "resources/templates/list", json!({})).await;
    assert!(
        templates["result"]["resourceTemplates"][0]["uriTemplate"]
            .as_str()
            .unwrap()
            .ends_with("article/{id}")
    );

    // Bad arguments are tool errors naming the problem, not transport failures.
    for (tool, arguments, names) in [
        (
            "search",
            json!({"query": "x", "limit": 500}),
            "`limit` is 500",
        ),
        ("search", json!({"q": "x"}), "unknown field `q`"),
        ("search", json!({"query": "x", "mode": "fast"}), "fast"),
        ("search", json!({"query": "x", "kind": ["novel"]}), "novel"),
        ("ask", json!({}), "missing field `question`"),
        ("ask", json!({"question": "   "}), "empty"),
        (
            "search_terms",
            json!({"query": "SAXS", "type": "shape"}),
            "shape",
        ),
        (
            "lookup_term",
            json!({"iri": "x", "curie": "y"}),
            "exactly one",
        ),
        (
            "lookup_term",
            json!({"curie": "nope:1"}),
            "unknown prefix `nope`",
        ),
        (
            "sparql",
            json!({"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}),
            "read-only",
        ),
        (
            "sparql",
            json!({"query": "SELECT * WHERE { ?s ?p }"}),
            "syntax",
        ),
        (
            "read_article",
            json!({"id": "no-such-article"}),
            "no-such-article",
        ),
    ] {
        let result = call(&url, tool, arguments.clone()).await;
        assert!(is_error(&result), "{tool} {arguments}: {result}");
        assert!(
            text(&result).contains(names),
            "{tool} {arguments}: {}",
            text(&result)
        );
        assert!(result["structuredContent"]["error"].is_string(), "{result}");
    }
    // An unknown tool is a protocol error.
    let body = rpc(
        &url,
        "tools/call",
        json!({"name": "delete_everything", "arguments": {}}),
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("delete_everything"),
        "{body}"
    );

    // A page of another site may not call it; one of its own may, and programs
    // (no Origin) may.
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let refused = post(&url, &list, Some("https://evil.example")).await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "forbidden_origin");
    assert_eq!(post(&url, &list, Some(&base)).await.status(), 200);
    // What the transport refuses is JSON too, naming the problem.
    let malformed = client()
        .post(&url)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["error"], "invalid_body");
    assert!(
        body["message"].as_str().unwrap().contains("deserialize"),
        "{body}"
    );
    let get = client().get(&url).send().await.unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers()["allow"], "POST");
    let body: Value = get.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_tool_calls_gets_busy_answers_and_the_server_stays_up() {
    let tmp = tempfile::tempdir().unwrap();
    let data = crate::sparql_http::indexed(tmp.path());
    let limits = ServerConfig {
        max_running: 1,
        max_queued: 0,
        ..ServerConfig::default()
    };
    let state = AppState::new(data, None).with_limits(limits);
    let (base, _stop) = serve(state).await;
    let url = format!("{base}/mcp");
    // Look-ups of the synthetic ontology's root (1,500 descendants to walk),
    // all at once, one allowed to run.
    let calls = (0..32).map(|_| {
        let url = url.clone();
        tokio::spawn(async move {
            call(
                &url,
                "lookup_term",
                json!({"iri": "http://example.org/syn#root"}),
            )
            .await
        })
    });
    let mut busy = 0;
    let mut answered = 0;
    for handle in calls.collect::<Vec<_>>() {
        let result = handle.await.unwrap();
        if is_error(&result) {
            assert_eq!(result["structuredContent"]["error"], "busy", "{result}");
            busy += 1;
        } else {
            assert_eq!(
                result["structuredContent"]["descendants"]["total"], 1500,
                "{result}"
            );
            answered += 1;
        }
    }
    assert!(
        answered >= 1 && busy >= 1,
        "answered {answered}, busy {busy}"
    );
    let health = client()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let after = call(&url, "search_terms", json!({"query": "root technique"})).await;
    assert_eq!(
        after["structuredContent"]["hits"][0]["iri"], "http://example.org/syn#root",
        "{after}"
    );
}
