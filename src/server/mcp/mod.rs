//! The knowledge base as a Model Context Protocol server (rmcp, the official
//! Rust SDK): tools for search, ask, term search and lookup, read-only SPARQL
//! and reading an article, and every article as a resource. Served over
//! streamable HTTP at `/mcp` (stateless: no session outlives its request) and
//! over stdio by `eoskb mcp`.
//!
//! The tools call the query layer as the JSON API does, under the same
//! admission, time limit and SPARQL worker pool, so a flood of tool calls gets
//! `busy` answers like a flood of searches. A tool's failure, bad arguments
//! included, is a tool result with `isError` and the API's error code and
//! message; only an unknown tool or method is a protocol error.

mod origin;
mod text;
mod tools;

use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ErrorData,
    Implementation, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    Resource, ResourceContents, ResourceTemplate, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{RoleServer, ServerHandler, ServiceExt};
use serde_json::json;

use super::AppState;
use super::api::{Cost, live_kb, with_kb};
use super::error::ApiError;
use crate::config::SparqlConfig;
use crate::model::Facet;
use crate::query::{self, KnowledgeBase, Mode, SearchRequest, SparqlRequest, TermSearch};
use crate::querylog::QueryEvent;
use text::{Links, Output};
use tools::{ArgumentError, name_bound, parse};

/// Articles per page of `resources/list`.
const RESOURCE_PAGE: usize = 100;
/// A SPARQL result an assistant is given at most: a serialised result over
/// this is an error asking for `LIMIT`, as over the endpoint's own cap.
const MAX_SPARQL_RESULT_BYTES: usize = 1 << 20;
/// Rows of a SPARQL result an assistant is given at most.
const MAX_SPARQL_ROWS: usize = 10_000;
/// Largest request body `/mcp` reads (as every route).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

const INSTRUCTIONS: &str = "eoskb is a knowledge base of open-science guidance (FAIR data, data management, data policies), research outputs and training, with the ontologies photon and neutron facilities use (PaNET, NeXus, EDAM). Use `ask` for questions: it quotes the articles verbatim with citations, or says it has no answer. Use `search` to find articles, `read_article` to read one whole, `search_terms` and `lookup_term` for ontology terms, and `sparql` for questions over the knowledge graph. Cite the URLs the tools give.";

/// One MCP server over the served generation; cheap to clone (one per HTTP
/// request in stateless mode).
#[derive(Clone)]
pub struct KnowledgeServer {
    state: AppState,
}

impl KnowledgeServer {
    pub fn new(state: AppState) -> KnowledgeServer {
        KnowledgeServer { state }
    }

    /// Runs one tool; `Err` is the tool's failure, answered as an error result.
    async fn call(
        &self,
        name: &str,
        arguments: Option<rmcp::model::JsonObject>,
    ) -> Result<Output, ApiError> {
        match name {
            tools::SPARQL => self.sparql(parse(name, arguments)?).await,
            _ => {
                let limit = self.state.limits.request_timeout();
                let work = async {
                    match name {
                        tools::SEARCH => self.search(parse(name, arguments)?).await,
                        tools::ASK => self.ask(parse(name, arguments)?).await,
                        tools::SEARCH_TERMS => self.search_terms(parse(name, arguments)?).await,
                        tools::LOOKUP_TERM => self.lookup_term(parse(name, arguments)?).await,
                        tools::READ_ARTICLE => self.read_article(parse(name, arguments)?).await,
                        _ => Err(ApiError::not_found(format!("no tool `{name}`"))),
                    }
                };
                tokio::time::timeout(limit, work)
                    .await
                    .unwrap_or_else(|_| Err(timeout_error(limit)))
            }
        }
    }

    async fn search(&self, args: tools::SearchArgs) -> Result<Output, ApiError> {
        let tool = tools::SEARCH;
        let (limit, offset) = tools::page(tool, args.limit, args.offset, tools::MAX_SEARCH_LIMIT)?;
        let mut request = SearchRequest::new(args.query.clone())
            .with_limit(limit)
            .with_offset(offset)
            // Facet counts are for pages that show them; an assistant reads hits.
            .with_facet_limit(0);
        for (facet, values) in [
            (Facet::Kind, &args.kind),
            (Facet::Terms, &args.term),
            (Facet::Tags, &args.tag),
            (Facet::Projects, &args.project),
            (Facet::Audience, &args.audience),
            (Facet::Fair, &args.fair),
            (Facet::Communities, &args.community),
            (Facet::Year, &args.year),
            (Facet::License, &args.license),
        ] {
            for value in values {
                name_bound(tool, facet.param(), value)?;
            }
            request = request.with_filter(facet, values);
        }
        request.check_bounds()?;
        // Without the model, a search that names no mode is a keyword search
        // (as the API's); naming one still fails clearly.
        request = match args.mode {
            Some(mode) => request.with_mode(mode),
            None if self.state.encoder.is_none() => request.with_mode(Mode::Keyword),
            None => request,
        };
        let cost = if request.mode == Mode::Keyword {
            Cost::Bounded
        } else {
            Cost::Unbounded
        };
        let (response, links) = with_kb(&self.state, cost, move |kb| {
            Ok((query::search(kb, &request)?, links(kb)))
        })
        .await?;
        if offset == 0 {
            self.state
                .query_log
                .record(QueryEvent::search(args.query.trim(), &response));
        }
        Ok(text::search(&response, offset, &links))
    }

    async fn ask(&self, args: tools::AskArgs) -> Result<Output, ApiError> {
        let question = args.question;
        let (answer, links) = with_kb(&self.state, Cost::Unbounded, move |kb| {
            Ok((query::ask(kb, &question, &kb.options().ask)?, links(kb)))
        })
        .await?;
        let cited = if answer.answered {
            answer.sources.len()
        } else {
            0
        };
        self.state.query_log.record(QueryEvent::ask(
            answer.question.clone(),
            cited,
            answer.best_similarity,
            answer.answered,
        ));
        Ok(text::answer(&answer, &links))
    }

    async fn search_terms(&self, args: tools::TermSearchArgs) -> Result<Output, ApiError> {
        let tool = tools::SEARCH_TERMS;
        let (limit, offset) = tools::page(tool, args.limit, args.offset, tools::MAX_TERM_LIMIT)?;
        let (limit, offset) = (limit.to_string(), offset.to_string());
        let mut params = vec![
            ("q", args.query.as_str()),
            ("limit", &limit),
            ("offset", &offset),
        ];
        if let Some(ontology) = &args.ontology {
            name_bound(tool, "ontology", ontology)?;
            params.push(("ontology", ontology));
        }
        if let Some(kind) = &args.kind {
            params.push(("type", kind));
        }
        let request = TermSearch::from_params(params.into_iter())?;
        let response = with_kb(&self.state, Cost::Unbounded, move |kb| {
            query::search_terms(kb, &request)
        })
        .await?;
        Ok(text::term_hits(&response))
    }

    async fn lookup_term(&self, args: tools::LookupArgs) -> Result<Output, ApiError> {
        let tool = tools::LOOKUP_TERM;
        if args.iri.is_some() == args.curie.is_some() {
            return Err(ArgumentError {
                tool: tool.into(),
                reason: "give exactly one of `iri` and `curie`".into(),
            }
            .into());
        }
        for (name, value) in [("iri", &args.iri), ("curie", &args.curie)] {
            if let Some(value) = value {
                name_bound(tool, name, value)?;
            }
        }
        let (details, links) = with_kb(&self.state, Cost::Unbounded, move |kb| {
            let iri =
                query::ontology::lookup::resolve(kb, args.iri.as_deref(), args.curie.as_deref())?;
            Ok((query::lookup_term(kb, &iri)?, links(kb)))
        })
        .await?;
        Ok(text::term(&details, &links))
    }

    async fn read_article(&self, args: tools::ArticleArgs) -> Result<Output, ApiError> {
        name_bound(tools::READ_ARTICLE, "id", &args.id)?;
        let id = args.id;
        let markdown = with_kb(&self.state, Cost::Unbounded, move |kb| {
            let view = query::get_article(kb, &id)?;
            Ok(text::article_markdown(&view.article, &links(kb)))
        })
        .await?;
        Ok(Output {
            text: markdown,
            structured: None,
        })
    }

    /// SPARQL goes to the worker pool (its own bound of evaluations and its
    /// own deadline, which kills the worker), as `/sparql` does.
    async fn sparql(&self, args: tools::SparqlArgs) -> Result<Output, ApiError> {
        tools::short(
            tools::SPARQL,
            "query",
            &args.query,
            query::sparql::MAX_QUERY_BYTES,
        )?;
        let kb = live_kb(&self.state)?;
        let settings = SparqlConfig {
            max_rows: self.state.sparql.max_rows.min(MAX_SPARQL_ROWS),
            max_result_bytes: self
                .state
                .sparql
                .max_result_bytes
                .min(MAX_SPARQL_RESULT_BYTES),
            ..self.state.sparql.clone()
        };
        let request = SparqlRequest {
            query: args.query,
            format: args.format,
            ..SparqlRequest::default()
        };
        let answer = query::sparql::execute_async(kb, settings, request).await?;
        let body = String::from_utf8_lossy(&answer.body).into_owned();
        let structured = answer
            .content_type
            .starts_with("application/sparql-results+json")
            .then(|| serde_json::from_str::<serde_json::Value>(&body).ok())
            .flatten()
            .map(|results| json!({"rows": answer.rows, "content_type": answer.content_type, "results": results}));
        Ok(Output {
            text: body,
            structured,
        })
    }

    async fn list_articles(
        &self,
        cursor: Option<String>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let offset = match cursor.as_deref() {
            None | Some("") => 0,
            Some(c) => c
                .parse::<usize>()
                .map_err(|_| ErrorData::invalid_params(format!("invalid cursor `{c}`"), None))?,
        };
        let (total, entries) = with_kb(&self.state, Cost::Bounded, move |kb| {
            let links = links(kb);
            let (total, cards) = query::article::article_cards(kb, offset, RESOURCE_PAGE);
            let entries: Vec<text::ArticleEntry> = cards
                .iter()
                .map(|c| text::article_entry(c, &links))
                .collect();
            Ok((total, entries))
        })
        .await
        .map_err(protocol_error)?;
        let next = offset + entries.len();
        let resources = entries
            .into_iter()
            .map(|e| {
                let mut raw = Resource::new(e.uri, e.id)
                    .with_title(e.title)
                    .with_mime_type("text/markdown");
                if !e.summary.is_empty() {
                    raw = raw.with_description(e.summary);
                }
                raw
            })
            .collect::<Vec<Resource>>();
        let mut result = ListResourcesResult::with_all_items(resources);
        result.next_cursor = (next < total).then(|| next.to_string());
        Ok(result)
    }

    async fn read_article_resource(&self, uri: String) -> Result<ReadResourceResult, ErrorData> {
        let kb = live_kb(&self.state).map_err(protocol_error)?;
        let links = links(&kb);
        let Some(id) = links.article_id(&uri) else {
            return Err(ErrorData::resource_not_found(
                format!(
                    "no resource `{uri}`: articles are {}article/{{id}}",
                    links.base()
                ),
                None,
            ));
        };
        let result = with_kb(&self.state, Cost::Unbounded, move |kb| {
            let view = query::get_article(kb, &id)?;
            Ok(text::article_markdown(&view.article, &links))
        })
        .await;
        match result {
            Ok(markdown) => Ok(ReadResourceResult::new(vec![
                ResourceContents::TextResourceContents {
                    uri,
                    mime_type: Some("text/markdown".into()),
                    text: markdown,
                    meta: None,
                },
            ])),
            Err(e) if e.code == "not_found" => Err(ErrorData::resource_not_found(
                e.message,
                Some(json!({"uri": uri})),
            )),
            Err(e) => Err(protocol_error(e)),
        }
    }
}

/// Page links of the generation being answered from.
fn links(kb: &KnowledgeBase) -> Links {
    Links::new(&kb.manifest().graph_config.base_iri)
}

fn timeout_error(limit: Duration) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "timeout",
        format!(
            "the call took longer than the server's {}s limit",
            limit.as_secs_f64()
        ),
    )
}

impl From<ArgumentError> for ApiError {
    fn from(e: ArgumentError) -> Self {
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "invalid_arguments",
            e.to_string(),
        )
    }
}

/// A failure as the tool result an assistant reads: `isError`, the API's
/// error code and message (an engine failure's detail goes to the log only).
fn error_result(e: ApiError) -> CallToolResult {
    if let Some(detail) = &e.detail {
        tracing::error!("MCP tool call: {} {detail}", e.status.as_u16());
    }
    let mut result = CallToolResult::error(vec![ContentBlock::text(format!(
        "{}: {}",
        e.code, e.message
    ))]);
    result.structured_content = Some(json!({"error": e.code, "message": e.message}));
    result
}

/// A failure of a method other than a tool call (listing or reading
/// resources), as a JSON-RPC error.
fn protocol_error(e: ApiError) -> ErrorData {
    if let Some(detail) = &e.detail {
        tracing::error!("MCP request: {} {detail}", e.status.as_u16());
    }
    let data = Some(json!({"error": e.code}));
    if e.status.is_client_error() {
        ErrorData::invalid_params(e.message, data)
    } else {
        ErrorData::internal_error(e.message, data)
    }
}

impl ServerHandler for KnowledgeServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new("eoskb", env!("CARGO_PKG_VERSION"))
                .with_title("eoskb knowledge base"),
        )
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tools::TOOLS.clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        tools::TOOLS.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if self.get_tool(&request.name).is_none() {
            let names: Vec<&str> = tools::TOOLS.iter().map(|t| t.name.as_ref()).collect();
            return Err(ErrorData::invalid_params(
                format!(
                    "no tool `{}`; the tools are {}",
                    request.name,
                    names.join(", ")
                ),
                None,
            ));
        }
        let result = match self.call(&request.name, request.arguments).await {
            Ok(output) => {
                let mut result = CallToolResult::success(vec![ContentBlock::text(output.text)]);
                result.structured_content = output.structured;
                result
            }
            Err(e) => error_result(e),
        };
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        self.list_articles(request.and_then(|r| r.cursor)).await
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let base = match self.state.snapshot() {
            Some(kb) => links(&kb).base().to_string(),
            None => Links::new(&self.state.config.base_iri).base().to_string(),
        };
        let template = ResourceTemplate::new(format!("{base}article/{{id}}"), "article")
            .with_title("An article of the knowledge base, by id")
            .with_mime_type("text/markdown");
        Ok(ListResourceTemplatesResult::with_all_items(vec![template]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        Ok(self.read_article_resource(request.uri).await?.into())
    }
}

/// `POST /mcp`: one JSON-RPC exchange, after the Origin check. The service is
/// stateless, so one built per request keeps nothing between requests.
pub async fn endpoint(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    if let Err(refusal) = origin::check(&state, request.headers()) {
        return axum::response::IntoResponse::into_response(refusal);
    }
    let sent_json = super::media::is_json(&super::media::content_type(request.headers()));
    let response = http_service(state)
        .handle(request)
        .await
        .map(axum::body::Body::new);
    json_errors(response, sent_json).await
}

/// The streamable HTTP service behind [`endpoint`]: stateless (each POST is
/// answered whole, as JSON), with the Host and Origin checks left to
/// [`origin::check`], which knows the public name.
fn http_service(state: AppState) -> StreamableHttpService<KnowledgeServer, NeverSessionManager> {
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_sse_retry(None)
        .with_max_request_body_bytes(MAX_BODY_BYTES)
        .disable_allowed_hosts()
        .disable_allowed_origins();
    StreamableHttpService::new(
        move || Ok(KnowledgeServer::new(state.clone())),
        Arc::new(NeverSessionManager::default()),
        config,
    )
}

/// The transport's own refusals (a body that is not JSON, a wrong media type,
/// `GET` on a stateless endpoint) come as plain text: given the API's JSON
/// shape, with the transport's reason as the message and its headers (`Allow`) kept.
/// The transport answers a JSON body that is no JSON-RPC message with 415, as
/// if its media type were wrong: when the request said JSON, that is a 400.
async fn json_errors(
    response: axum::response::Response,
    sent_json: bool,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let status = match response.status() {
        StatusCode::UNSUPPORTED_MEDIA_TYPE if sent_json => StatusCode::BAD_REQUEST,
        status => status,
    };
    let is_json = super::media::is_json(&super::media::content_type(response.headers()));
    if !status.is_client_error() || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let reason = match axum::body::to_bytes(body, 4096).await {
        Ok(bytes) if !bytes.is_empty() => String::from_utf8_lossy(&bytes).trim().to_string(),
        _ => status.canonical_reason().unwrap_or("refused").to_string(),
    };
    let code = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_ACCEPTABLE => "not_acceptable",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::BAD_REQUEST => "invalid_body",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::FORBIDDEN => "forbidden",
        _ => "invalid_request",
    };
    let mut answer = ApiError::new(status, code, reason).into_response();
    if let Some(allow) = parts.headers.get(axum::http::header::ALLOW) {
        answer
            .headers_mut()
            .insert(axum::http::header::ALLOW, allow.clone());
    }
    answer
}

/// Serves MCP on standard input and output until the client closes them,
/// following newly published generations as `serve` does.
pub async fn serve_stdio(state: AppState) -> std::io::Result<()> {
    let watcher = state.clone();
    let reload = tokio::spawn(async move {
        let mut tick = tokio::time::interval(super::RELOAD_INTERVAL);
        loop {
            tick.tick().await;
            let state = watcher.clone();
            let _ = tokio::task::spawn_blocking(move || state.reload_if_changed()).await;
        }
    });
    let result = async {
        let running = KnowledgeServer::new(state)
            .serve(rmcp::transport::stdio())
            .await
            .map_err(std::io::Error::other)?;
        running.waiting().await.map_err(std::io::Error::other)?;
        Ok(())
    }
    .await;
    reload.abort();
    result
}
