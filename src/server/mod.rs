//! The HTTP face (axum): JSON API, health check and a small web page, all thin
//! over [`crate::query`]. Serves the live generation of the data directory and
//! switches to a newer one as soon as `eoskb index` publishes it. Records what
//! it is asked in the query log, without ever waiting for it.

mod admin;
mod admin_check;
mod admin_index;
mod api;
mod error;
mod feedback;
mod limits;
mod linked_data;
mod listen;
pub mod mcp;
pub mod media;
mod ols;
mod openapi;
pub mod params;
mod routes;
mod sparql;
mod terms;
mod ui;
pub mod view;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use axum::Router;
use axum::routing::any;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub use admin::{AdminToken, TOKEN_VARIABLE};
pub use error::ApiError;
pub use openapi::document as openapi_document;
pub use routes::RouteInfo;

use crate::config::{Config, LogConfig, ServerConfig, SparqlConfig};
use crate::embed::SentenceEncoder;
use crate::index::DataDir;
use crate::query::sparql_pool::WorkerOptions;
use crate::query::{KnowledgeBase, QueryOptions};
use crate::querylog::QueryLog;
use limits::Admission;
use routes::Routes;

/// How often the server looks for a newly published generation.
const RELOAD_INTERVAL: Duration = Duration::from_millis(500);
/// Time limit of the admin reports.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(600);

/// Shared by all handlers: the data directory and the snapshot being served.
/// Cloned for every request, so one reference count, not a copy of the settings.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] shares.
#[derive(Clone)]
pub struct Shared {
    data: DataDir,
    /// The generation being served: swapped whole, read without a lock.
    live: Arc<ArcSwapOption<KnowledgeBase>>,
    /// Loaded once at start-up and shared by every generation served.
    encoder: Option<Arc<SentenceEncoder>>,
    /// Limits of the SPARQL endpoint.
    sparql: SparqlConfig,
    /// How hybrid search fuses its lists and how `ask` scores passages: given
    /// to every generation opened.
    options: QueryOptions,
    /// How SPARQL worker processes are started; `None` evaluates queries in
    /// this process.
    sparql_workers: Option<WorkerOptions>,
    /// Time and connection limits.
    limits: ServerConfig,
    /// Admission to the work done on the blocking pool.
    admission: Admission,
    /// Where searches, asks and feedback are recorded: `query_log.record(event)`
    /// never waits. Disabled unless [`AppState::with_query_log`] set one.
    query_log: QueryLog,
    /// Thresholds of the gaps report.
    log_config: LogConfig,
    /// Without a token the `/api/admin/` routes do not exist.
    admin_token: Option<AdminToken>,
    /// Held while a gaps report is built: embedding questions takes the CPU
    /// searches need, so reports run one at a time.
    gaps_running: Arc<tokio::sync::Mutex<()>>,
    /// The configuration, for the curators' check of the served content.
    config: Config,
    /// The last check of the served content, kept per generation.
    check_cache: admin_check::CheckCache,
}

impl AppState {
    /// Opens the live generation if there is one; a server without an index still
    /// starts, answers 503, and picks the index up once it is built.
    pub fn new(data: DataDir, encoder: Option<Arc<SentenceEncoder>>) -> Self {
        let state = AppState(Arc::new(Shared {
            data,
            live: Arc::new(ArcSwapOption::empty()),
            encoder,
            sparql: SparqlConfig::default(),
            options: QueryOptions::default(),
            sparql_workers: None,
            limits: ServerConfig::default(),
            admission: Admission::new(
                ServerConfig::default().max_running,
                ServerConfig::default().max_queued,
            ),
            query_log: QueryLog::disabled(),
            log_config: LogConfig::default(),
            admin_token: None,
            gaps_running: Arc::new(tokio::sync::Mutex::new(())),
            config: Config::default(),
            check_cache: Default::default(),
        }));
        state.reload_if_changed();
        state
    }

    /// The settings, while the state is being built (before any clone is shared).
    fn settings(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }

    /// Answers with `options` (the configuration's): the generation being
    /// served is opened again with them, and so is every later one.
    pub fn with_options(mut self, options: QueryOptions) -> Self {
        if self.options == options {
            return self;
        }
        self.settings().options = options;
        if let Some(kb) = self.snapshot() {
            self.open(kb.generation());
        }
        self
    }

    /// Uses `sparql` as the SPARQL endpoint's limits.
    pub fn with_sparql(mut self, sparql: SparqlConfig) -> Self {
        self.settings().sparql = sparql;
        self
    }

    /// Uses `limits` for request time, connections and admission.
    pub fn with_limits(mut self, limits: ServerConfig) -> Self {
        self.settings().admission = Admission::new(limits.max_running, limits.max_queued);
        self.settings().limits = limits;
        self
    }

    /// Runs SPARQL queries in worker processes started from `program` (the eoskb
    /// executable), so that a query over its time limit is really stopped. The
    /// workers' memory limit comes from the SPARQL settings: call
    /// [`AppState::with_sparql`] first.
    pub fn with_sparql_workers(mut self, program: PathBuf) -> Self {
        let options = WorkerOptions {
            program,
            memory_limit: self.sparql.worker_memory_bytes,
        };
        if let Some(kb) = self.snapshot() {
            kb.use_sparql_workers(options.clone());
        }
        self.settings().sparql_workers = Some(options);
        self
    }

    /// Records searches, asks and feedback in `log`; `config` holds the gaps
    /// report's thresholds.
    pub fn with_query_log(mut self, log: QueryLog, config: LogConfig) -> Self {
        self.settings().query_log = log;
        self.settings().log_config = config;
        self
    }

    /// The query log (disabled unless set).
    pub fn query_log(&self) -> &QueryLog {
        &self.query_log
    }

    /// Enables the `/api/admin/` routes for requests bearing `token`; `None` or a
    /// blank token leaves them out.
    pub fn with_admin_token(mut self, token: Option<&str>) -> Self {
        self.settings().admin_token = token.and_then(AdminToken::new);
        self
    }

    /// Checks the served content (for curators) with `config`'s rules and sources.
    pub fn with_config(mut self, config: Config) -> Self {
        self.settings().config = config;
        self
    }

    /// The snapshot to answer from (readers never see a half-swapped state).
    pub fn snapshot(&self) -> Option<Arc<KnowledgeBase>> {
        self.live.load_full()
    }

    /// Switches to the published generation if it differs from the served one.
    /// A generation that fails to open is logged and the old one kept.
    pub fn reload_if_changed(&self) {
        let current: Option<PathBuf> = match self.data.current() {
            Ok(current) => current,
            Err(e) => {
                tracing::warn!("cannot read the data directory: {e}");
                return;
            }
        };
        let served = self.snapshot().map(|kb| kb.generation().to_path_buf());
        let Some(current) = current else { return };
        if served.as_ref() == Some(&current) {
            return;
        }
        self.open(&current);
    }

    fn open(&self, current: &Path) {
        match KnowledgeBase::open_generation(current, self.encoder.clone()) {
            Ok(kb) => {
                let kb = kb.with_options(self.options);
                if let Some(options) = &self.sparql_workers {
                    kb.use_sparql_workers(options.clone());
                }
                tracing::info!("serving {}", current.display());
                self.live.store(Some(Arc::new(kb)));
            }
            Err(e) => tracing::error!(
                "cannot open {}: {e}; still serving the previous index",
                current.display()
            ),
        }
    }
}

/// The routes, for serving and for tests.
pub fn router(state: AppState) -> Router {
    let plan = RoutePlan {
        request_timeout: state.limits.request_timeout(),
        sparql_timeout: state.sparql.timeout(),
        admin: state.admin_token.is_some(),
    };
    routes(&plan)
        .router
        // Above the SPARQL query limit, so that an over-long query gets the
        // endpoint's own JSON 413 rather than a bare one.
        .layer(RequestBodyLimitLayer::new(4 * 1024 * 1024))
        .layer(axum::middleware::map_response(
            error::json_payload_too_large,
        ))
        .layer(axum::middleware::from_fn(error::strict_percent_encoding))
        .layer(axum::middleware::from_fn(error::json_rejections))
        .layer(axum::middleware::from_fn(limits::security_headers))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the request could not be handled",
            )
            .into_response()
        }))
        .layer(axum::middleware::from_fn(error::log_server_errors))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Every route of a server with the admin token set (methods and paths in
/// axum's syntax): what the OpenAPI description must describe.
pub fn route_table() -> Vec<RouteInfo> {
    routes(&RoutePlan {
        request_timeout: Duration::from_secs(1),
        sparql_timeout: Duration::from_secs(1),
        admin: true,
    })
    .table
}

/// What decides which routes exist and their time limits.
struct RoutePlan {
    request_timeout: Duration,
    sparql_timeout: Duration,
    admin: bool,
}

/// The routes and their time limits. Every route is added with
/// [`Routes::add`], which records it for [`route_table`]: a route added
/// otherwise would escape the OpenAPI test.
fn routes(plan: &RoutePlan) -> Routes {
    const GET: &[&str] = &["GET"];
    // The API's routes are spelled out rather than nested under `/api`: a nested
    // router costs every request a prefix strip and a second route clone.
    let mut api = Routes::new()
        .add(GET, "/api/search", api::search)
        .add(GET, "/api/ask", api::ask)
        .add(&["POST"], "/api/feedback", feedback::record)
        .add(GET, "/api/docs", openapi::page)
        .add(GET, "/api/docs/{*id}", api::doc)
        .add(GET, "/api/stats", api::stats)
        .add(GET, "/api/terms", terms::search)
        .add(GET, "/api/terms/lookup", terms::lookup)
        .add(GET, "/api/terms/children", terms::children)
        .add(GET, "/api/terms/roots", terms::roots)
        .add(GET, "/api/ontologies", terms::ontologies)
        .add(GET, "/api/ontologies/{id}", terms::ontology)
        .add(GET, "/api/openapi.json", openapi::json);
    // Unknown paths under /api: not operations, so not in the table.
    api.router = api
        .router
        .route("/api", any(api::not_found))
        .route("/api/", any(api::not_found))
        .route("/api/{*rest}", any(api::not_found));
    let mut timed = Routes::new()
        .add(GET, "/", ui::index)
        .add(GET, "/docs/{*id}", ui::doc)
        .add(GET, "/admin", ui::admin)
        .add(GET, "/terms", ui::term_search)
        .add(GET, "/terms/{*id}", ui::term)
        .add(GET, "/ontologies", ui::ontologies)
        .add(GET, "/ontologies/{id}", ui::ontology)
        // The IRIs minted under the base IRI, at the same paths.
        .add(GET, "/article/{*id}", linked_data::resource)
        .add(GET, "/person/{*slug}", linked_data::resource)
        .add(GET, "/organization/{*slug}", linked_data::resource)
        .add(GET, "/grant/{*slug}", linked_data::resource)
        .add(GET, "/graph/{*name}", linked_data::resource)
        .add(GET, "/assets/{name}", ui::asset)
        .add(GET, "/favicon.ico", ui::favicon)
        .add(GET, "/healthz", api::healthz)
        .merge(api)
        .nest(ols::routes());
    timed.router = timed.router.layer(axum::middleware::from_fn_with_state(
        plan.request_timeout,
        limits::time_limit,
    ));
    // SPARQL stops its own evaluations at its limit; this only bounds the rest
    // (a slow upload, a worker that is slow to start).
    let mut sparql = Routes::new().add(&["GET", "POST"], "/sparql", sparql::endpoint);
    sparql.router = sparql.router.layer(axum::middleware::from_fn_with_state(
        plan.sparql_timeout + plan.request_timeout,
        limits::time_limit,
    ));
    // MCP: tool calls are admitted and timed like the API's requests; a SPARQL
    // call keeps its own limit, which this only bounds.
    let mut mcp = Routes::new().add(&["POST"], "/mcp", mcp::endpoint);
    mcp.router = mcp.router.layer(axum::middleware::from_fn_with_state(
        plan.sparql_timeout + plan.request_timeout,
        limits::time_limit,
    ));
    let mut routes = timed.merge(sparql).merge(mcp);
    if plan.admin {
        // A report embeds up to 5,000 questions: minutes, not the seconds a
        // search may take. One runs at a time.
        let mut admin = Routes::new()
            .add(GET, "/api/admin/gaps", admin::gaps)
            .add(GET, "/api/admin/index", admin_index::index)
            .add(GET, "/api/admin/check", admin_check::findings);
        admin.router = admin.router.layer(axum::middleware::from_fn_with_state(
            ADMIN_TIMEOUT,
            limits::time_limit,
        ));
        routes = routes.merge(admin);
    }
    routes
}

use axum::response::IntoResponse;

/// Serves on an already bound listener until `shutdown` resolves, reloading new
/// generations in the background.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let log = state.query_log.clone();
    let watcher = state.clone();
    let reload = tokio::spawn(async move {
        let mut tick = tokio::time::interval(RELOAD_INTERVAL);
        loop {
            tick.tick().await;
            let state = watcher.clone();
            // Opening an index reads files: keep it off the async threads.
            let _ = tokio::task::spawn_blocking(move || state.reload_if_changed()).await;
        }
    });
    let limits = listen::ConnectionLimits {
        header_read_timeout: state.limits.header_read_timeout(),
        write_timeout: state.limits.request_timeout(),
        max_connections: state.limits.max_connections,
        drain: state.limits.request_timeout(),
    };
    let result = listen::serve_connections(listener, router(state), limits, shutdown).await;
    reload.abort();
    // Events of the last requests: written, unless the disk is stuck.
    let _ = tokio::task::spawn_blocking(move || log.flush(Duration::from_secs(2))).await;
    result
}

/// Serves `data` on a bound listener until Ctrl-C or SIGTERM, following the
/// generation `CURRENT` names (whoever publishes it: `eoskb index`, or
/// `serve --watch`'s re-indexing).
pub async fn run(
    listener: TcpListener,
    data: DataDir,
    encoder: Option<Arc<SentenceEncoder>>,
    config: &crate::config::Config,
) -> std::io::Result<()> {
    let query_log = QueryLog::start(data.logs(), &config.log);
    if let Some(dir) = query_log.dir() {
        tracing::info!(
            "query log in {} (question text and scores, nothing about who asked; `[log] enabled = false` turns it off)",
            dir.display()
        );
    }
    let admin_token = std::env::var(TOKEN_VARIABLE).ok();
    let mut state = AppState::new(data, encoder)
        .with_limits(config.server.clone())
        .with_sparql(config.sparql.clone())
        .with_options(config.query_options())
        .with_query_log(query_log, config.log.clone())
        .with_admin_token(admin_token.as_deref())
        .with_config(config.clone());
    if state.admin_token.is_some() {
        tracing::info!(
            "curators' page on: /admin, /api/admin/{{gaps,index,check}} (bearer token from {TOKEN_VARIABLE})"
        );
    }
    match std::env::current_exe() {
        Ok(program) => state = state.with_sparql_workers(program),
        Err(e) => tracing::warn!(
            "SPARQL queries run in-process ({e}): a timed-out query may run on in the background"
        ),
    }
    tracing::info!("eoskb listening on http://{}", listener.local_addr()?);
    serve(listener, state, shutdown_signal()).await
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, the signal service managers send:
/// both shut down gracefully.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM ({e}); Ctrl-C still stops the server");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
