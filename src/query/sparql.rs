//! Read-only SPARQL 1.1 over one generation's store: evaluation with a time limit
//! that really stops the evaluator, a cap on result rows, the protocol's dataset
//! parameters, and result formats chosen by `format` or `Accept` (with q-values).
//! Results are serialised completely before anything is sent, so a client never
//! receives a truncated answer that looks complete.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};

use super::sparql_search::SearchService;
use super::{KnowledgeBase, SparqlError};
use crate::config::SparqlConfig;
use crate::index::graph::GraphStore;
use crate::vocab;

/// Longest query text accepted (the protocol layer answers 413 above it).
pub const MAX_QUERY_BYTES: usize = 1024 * 1024;

/// Stack of a thread that parses and evaluates a query: both recurse per
/// nesting level. The text is bounded before parsing (`sparql_guard`); this is
/// the margin behind that bound. Only the pages used are ever committed.
pub const EVALUATION_STACK: usize = 256 << 20;

/// Most evaluations running at once, timed-out ones still winding down included:
/// without a bound, a client repeating an expensive query could pile up threads.
pub const MAX_RUNNING: usize = 16;

static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// One slot of [`MAX_RUNNING`], released when the evaluation thread ends.
struct Slot;

impl Slot {
    fn take() -> Option<Slot> {
        RUNNING
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_RUNNING).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A SPARQL protocol request, already taken apart by the caller.
#[derive(Debug, Clone, Default)]
pub struct SparqlRequest {
    pub query: String,
    /// `default-graph-uri` values: the default graph is their merge.
    pub default_graphs: Vec<String>,
    /// `named-graph-uri` values: the only graphs `GRAPH` can see.
    pub named_graphs: Vec<String>,
    /// The `format` parameter (a short name or a media type), which beats `accept`.
    pub format: Option<String>,
    /// The media ranges the client accepts, best first (`text/csv`,
    /// `application/*`, `*/*`); empty: anything.
    pub accept: Vec<String>,
}

/// A serialised answer.
#[derive(Debug, Clone)]
pub struct SparqlResponse {
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Rows (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK).
    pub rows: usize,
}

/// A format for one kind of result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    Results(QueryResultsFormat),
    Graph(RdfFormat),
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Results(QueryResultsFormat::Json) => "application/sparql-results+json",
            Format::Results(QueryResultsFormat::Xml) => "application/sparql-results+xml",
            Format::Results(QueryResultsFormat::Csv) => "text/csv; charset=utf-8",
            Format::Results(QueryResultsFormat::Tsv) => "text/tab-separated-values; charset=utf-8",
            Format::Results(_) => "application/octet-stream",
            Format::Graph(RdfFormat::NTriples) => "application/n-triples",
            Format::Graph(RdfFormat::RdfXml) => "application/rdf+xml",
            Format::Graph(RdfFormat::JsonLd { .. }) => "application/ld+json",
            Format::Graph(_) => "text/turtle; charset=utf-8",
        }
    }
}

/// The static form of a content type [`Format::content_type`] gave (for answers
/// that crossed a process boundary).
pub fn static_content_type(name: &str) -> &'static str {
    results_formats()
        .into_iter()
        .map(|(_, f)| Format::Results(f))
        .chain(graph_formats().into_iter().map(|(_, f)| Format::Graph(f)))
        .map(Format::content_type)
        .find(|t| *t == name)
        .unwrap_or("application/octet-stream")
}

const JSON_LD: RdfFormat = RdfFormat::JsonLd {
    profile: JsonLdProfileSet::empty(),
};

/// Media types and short names per result kind; the first entry is the default.
fn results_formats() -> [(&'static [&'static str], QueryResultsFormat); 4] {
    [
        (
            &[
                "application/sparql-results+json",
                "application/json",
                "json",
                "srj",
                "text/javascript",
                "application/javascript",
            ],
            QueryResultsFormat::Json,
        ),
        (
            &[
                "application/sparql-results+xml",
                "application/xml",
                "text/xml",
                "xml",
                "srx",
            ],
            QueryResultsFormat::Xml,
        ),
        (&["text/csv", "csv"], QueryResultsFormat::Csv),
        (
            &["text/tab-separated-values", "tsv"],
            QueryResultsFormat::Tsv,
        ),
    ]
}

fn graph_formats() -> [(&'static [&'static str], RdfFormat); 4] {
    [
        (
            &[
                "text/turtle",
                "application/x-turtle",
                "turtle",
                "ttl",
                "text/n3",
                "n3",
            ],
            RdfFormat::Turtle,
        ),
        (
            &[
                "application/n-triples",
                "text/plain",
                "ntriples",
                "n-triples",
                "nt",
            ],
            RdfFormat::NTriples,
        ),
        (
            &[
                "application/rdf+xml",
                "application/xml",
                "text/xml",
                "rdfxml",
                "rdf",
                "xml",
                "rdf+xml",
            ],
            RdfFormat::RdfXml,
        ),
        (
            &[
                "application/ld+json",
                "application/json",
                "jsonld",
                "json-ld",
                "json",
            ],
            JSON_LD,
        ),
    ]
}

/// Whether the results are solutions/booleans or a graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ResultKind {
    Solutions,
    Graph,
}

/// The format a short name or media type names for this kind of result.
pub fn lookup(kind: ResultKind, name: &str) -> Option<Format> {
    let name = name.trim().to_ascii_lowercase();
    match kind {
        ResultKind::Solutions => results_formats()
            .into_iter()
            .find(|(names, _)| names.contains(&name.as_str()))
            .map(|(_, f)| Format::Results(f)),
        ResultKind::Graph => graph_formats()
            .into_iter()
            .find(|(names, _)| names.contains(&name.as_str()))
            .map(|(_, f)| Format::Graph(f)),
    }
}

fn default_format(kind: ResultKind) -> Format {
    match kind {
        ResultKind::Solutions => Format::Results(QueryResultsFormat::Json),
        ResultKind::Graph => Format::Graph(RdfFormat::Turtle),
    }
}

/// Picks the format: the `format` parameter if given, else the first accepted
/// media range that can carry this kind of result, else (nothing accepted in
/// particular) the default.
pub fn negotiate(
    kind: ResultKind,
    format: Option<&str>,
    accept: &[String],
) -> Result<Format, SparqlError> {
    if let Some(name) = format.filter(|f| !f.trim().is_empty()) {
        return lookup(kind, name).ok_or_else(|| SparqlError::InvalidParameter {
            name: "format".into(),
            reason: format!("`{name}` is not a format for this query's results"),
        });
    }
    if accept.is_empty() {
        return Ok(default_format(kind));
    }
    for media in accept {
        if media == "*/*"
            || media == "application/*"
            || (media == "text/*" && kind == ResultKind::Graph)
        {
            return Ok(default_format(kind));
        }
        if media == "text/*" {
            return Ok(Format::Results(QueryResultsFormat::Csv));
        }
        if let Some(f) = lookup(kind, media) {
            return Ok(f);
        }
    }
    Err(SparqlError::NotAcceptable(format!(
        "none of `{}` can carry {} results; see the SPARQL endpoint's formats in the README",
        match kind {
            ResultKind::Solutions => "SELECT/ASK",
            ResultKind::Graph => "CONSTRUCT/DESCRIBE",
        },
        accept.join(", ")
    )))
}

/// Refuses an update operation: the endpoint is read-only. The text is never
/// parsed (parsing it only to refuse it is work, and recursion, a client controls).
pub fn reject_update() -> SparqlError {
    SparqlError::ReadOnly(
        "SPARQL updates are not accepted: this endpoint is read-only (change the sources and run `eoskb index`)".into(),
    )
}

fn iri(name: &str, value: &str) -> Result<NamedNode, SparqlError> {
    NamedNode::new(value).map_err(|e| SparqlError::InvalidParameter {
        name: name.into(),
        reason: format!("`{value}`: {e}"),
    })
}

/// Evaluates a query over the store alone and serialises its results on a
/// thread of this process: `SERVICE <urn:eoskb:search>` needs the knowledge
/// base shared ([`execute_shared`]) and is refused here like any other service.
pub fn execute(
    kb: &KnowledgeBase,
    settings: &SparqlConfig,
    request: &SparqlRequest,
) -> Result<SparqlResponse, SparqlError> {
    execute_on(&kb.graph, None, settings, request)
}

/// Evaluates a query on a thread of this process (the CLI, which exits after
/// one query anyway), with full-text search (`SERVICE <urn:eoskb:search>`)
/// answered from the knowledge base's indexes. The server uses [`execute_async`].
pub fn execute_shared(
    kb: &Arc<KnowledgeBase>,
    settings: &SparqlConfig,
    request: &SparqlRequest,
) -> Result<SparqlResponse, SparqlError> {
    let search = SearchService::new(Arc::clone(kb));
    execute_on(&kb.graph, Some(search), settings, request)
}

/// Evaluates a query for the server: in a worker process when the knowledge base
/// has a pool, awaited on the runtime with no thread in between; else on a
/// blocking thread of this process.
pub async fn execute_async(
    kb: Arc<KnowledgeBase>,
    settings: SparqlConfig,
    request: SparqlRequest,
) -> Result<SparqlResponse, SparqlError> {
    check_request(&request)?;
    match kb.sparql_workers() {
        Some(pool) => pool.execute(&settings, &request).await,
        None => tokio::task::spawn_blocking(move || execute_shared(&kb, &settings, &request))
            .await
            .map_err(|e| SparqlError::Evaluation(format!("the query thread failed: {e}")))?,
    }
}

/// The checks made before a query is parsed: size, emptiness, nesting.
fn check_request(request: &SparqlRequest) -> Result<(), SparqlError> {
    if request.query.len() > MAX_QUERY_BYTES {
        return Err(SparqlError::QueryTooLarge {
            len: request.query.len(),
            max: MAX_QUERY_BYTES,
        });
    }
    if request.query.trim().is_empty() {
        return Err(SparqlError::EmptyQuery);
    }
    super::sparql_guard::check(&request.query)
}

/// Evaluates a query on `graph` in this process. The answer comes at the deadline
/// at the latest; a timed-out evaluation may go on in the background until
/// oxigraph next checks its cancellation token (see `sparql_pool`).
pub fn execute_on(
    graph: &GraphStore,
    search: Option<SearchService>,
    settings: &SparqlConfig,
    request: &SparqlRequest,
) -> Result<SparqlResponse, SparqlError> {
    check_request(request)?;
    let token = CancellationToken::new();
    let timeout = settings.timeout();
    let started = Instant::now();
    // oxigraph checks the token only when it reads quads, and some joins drain
    // their (cancelled) inputs before giving up, so evaluation runs on its own
    // thread: the caller gets the timeout error at the deadline whatever the
    // evaluator is doing, and the cancelled thread winds down by itself.
    let slot = Slot::take().ok_or(SparqlError::Busy(MAX_RUNNING))?;
    let (send, receive) = mpsc::channel();
    let worker = {
        let store = graph.store().clone();
        let settings = settings.clone();
        let request = request.clone();
        let token = token.clone();
        move || {
            let _slot = slot;
            let result = prepare(&store, search, &settings, &request, token)
                .and_then(|bound| evaluate(bound, &settings, &request, started, timeout));
            let _ = send.send(result);
        }
    };
    std::thread::Builder::new()
        .name("sparql".into())
        .stack_size(EVALUATION_STACK)
        .spawn(worker)
        .map_err(|e| SparqlError::Evaluation(format!("cannot start the query thread: {e}")))?;
    match receive.recv_timeout(timeout) {
        Ok(Err(SparqlError::Evaluation(_))) if token.is_cancelled() => {
            Err(SparqlError::Timeout(timeout))
        }
        Ok(result) => result,
        Err(_) => {
            token.cancel();
            Err(SparqlError::Timeout(timeout))
        }
    }
}

/// Evaluates a query on `graph` on the calling thread, which may go on past the
/// time limit: for a worker process, whose parent kills it at the deadline.
/// `search` answers `SERVICE <urn:eoskb:search>` (without it, refused).
pub fn execute_blocking(
    graph: &GraphStore,
    search: Option<SearchService>,
    settings: &SparqlConfig,
    request: &SparqlRequest,
) -> Result<SparqlResponse, SparqlError> {
    check_request(request)?;
    let started = Instant::now();
    prepare(
        graph.store(),
        search,
        settings,
        request,
        CancellationToken::new(),
    )
    .and_then(|bound| evaluate(bound, settings, request, started, settings.timeout()))
}

/// Parses the query and binds it to the store with the request's dataset;
/// `search` (when given) answers `SERVICE <urn:eoskb:search>`, and every
/// other service stays unsupported.
fn prepare(
    store: &oxigraph::store::Store,
    search: Option<SearchService>,
    settings: &SparqlConfig,
    request: &SparqlRequest,
    token: CancellationToken,
) -> Result<oxigraph::sparql::BoundPreparedSparqlQuery<'static>, SparqlError> {
    let mut evaluator = SparqlEvaluator::new().with_cancellation_token(token);
    if let Some(search) = search {
        evaluator = evaluator.with_service_handler(SearchService::name(), search);
    }
    let mut prepared = match evaluator.parse_query(&request.query) {
        Ok(p) => p,
        Err(e) => {
            if SparqlEvaluator::new().parse_update(&request.query).is_ok() {
                return Err(reject_update());
            }
            return Err(SparqlError::syntax(e.to_string()));
        }
    };
    let dataset = prepared.dataset_mut();
    if !request.default_graphs.is_empty() {
        let graphs = request
            .default_graphs
            .iter()
            .map(|g| iri("default-graph-uri", g).map(GraphName::from))
            .collect::<Result<Vec<_>, _>>()?;
        dataset.set_default_graph(graphs);
    } else if dataset.is_default_dataset() && settings.union_default_graph {
        dataset.set_default_graph_as_union();
    }
    if !request.named_graphs.is_empty() {
        let graphs = request
            .named_graphs
            .iter()
            .map(|g| iri("named-graph-uri", g).map(NamedOrBlankNode::from))
            .collect::<Result<Vec<_>, _>>()?;
        dataset.set_available_named_graphs(graphs);
    }
    Ok(prepared.on_store(store))
}

/// Why any `SERVICE` but the text search is refused.
const NO_FEDERATION: &str = "federated queries (SERVICE) are not offered by this endpoint; \
     the one service it answers is <urn:eoskb:search>, full-text search (see the README)";

fn evaluation_error(e: QueryEvaluationError) -> SparqlError {
    use QueryEvaluationError as E;
    match e {
        // The text search service's own errors, as it raised them.
        E::Service(inner) => match inner.downcast::<SparqlError>() {
            Ok(error) => *error,
            Err(inner) => SparqlError::Unsupported(format!("{inner}: {NO_FEDERATION}")),
        },
        E::UnboundService | E::InvalidServiceName(_) | E::UnsupportedService(_) => {
            SparqlError::Unsupported(format!("{e}: {NO_FEDERATION}"))
        }
        E::UnsupportedCustomFunction(_) | E::UnsupportedCustomFunctionArity { .. } => {
            SparqlError::Unsupported(e.to_string())
        }
        e => SparqlError::Evaluation(e.to_string()),
    }
}

/// The serialised result, refusing to grow past the configured size: a few
/// rows can hold whole ontologies in their literals.
struct CappedBuffer {
    bytes: Vec<u8>,
    max: usize,
}

/// The error [`CappedBuffer`] fails a write with.
#[derive(Debug, thiserror::Error)]
#[error("result over {0} bytes")]
struct OverCap(usize);

impl std::io::Write for CappedBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len().saturating_add(buf.len()) > self.max {
            return Err(std::io::Error::other(OverCap(self.max)));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn serialisation_error(e: std::io::Error) -> SparqlError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<OverCap>())
    {
        Some(OverCap(max)) => SparqlError::ResultTooLarge(*max),
        None => SparqlError::Evaluation(format!("serialising results: {e}")),
    }
}

fn evaluate(
    bound: oxigraph::sparql::BoundPreparedSparqlQuery<'static>,
    settings: &SparqlConfig,
    request: &SparqlRequest,
    started: Instant,
    timeout: Duration,
) -> Result<SparqlResponse, SparqlError> {
    let check = |rows: usize| -> Result<(), SparqlError> {
        if rows > settings.max_rows {
            return Err(SparqlError::TooManyResults(settings.max_rows));
        }
        if started.elapsed() > timeout {
            return Err(SparqlError::Timeout(timeout));
        }
        Ok(())
    };
    let io = serialisation_error;
    let buffer = || CappedBuffer {
        bytes: Vec::new(),
        max: settings.max_result_bytes,
    };
    match bound.execute().map_err(evaluation_error)? {
        QueryResults::Boolean(value) => {
            let format = negotiate(
                ResultKind::Solutions,
                request.format.as_deref(),
                &request.accept,
            )?;
            let Format::Results(f) = format else {
                return Err(wrong_kind());
            };
            let body = QueryResultsSerializer::from_format(f)
                .serialize_boolean_to_writer(buffer(), value)
                .map_err(io)?
                .bytes;
            Ok(SparqlResponse {
                content_type: format.content_type(),
                body,
                rows: 1,
            })
        }
        QueryResults::Solutions(solutions) => {
            let format = negotiate(
                ResultKind::Solutions,
                request.format.as_deref(),
                &request.accept,
            )?;
            let Format::Results(f) = format else {
                return Err(wrong_kind());
            };
            let variables = solutions.variables().to_vec();
            let mut writer = QueryResultsSerializer::from_format(f)
                .serialize_solutions_to_writer(buffer(), variables)
                .map_err(io)?;
            let mut rows = 0;
            for solution in solutions {
                let solution = solution.map_err(evaluation_error)?;
                rows += 1;
                check(rows)?;
                writer.serialize(&solution).map_err(io)?;
            }
            Ok(SparqlResponse {
                content_type: format.content_type(),
                body: writer.finish().map_err(io)?.bytes,
                rows,
            })
        }
        QueryResults::Graph(triples) => {
            let format = negotiate(
                ResultKind::Graph,
                request.format.as_deref(),
                &request.accept,
            )?;
            let Format::Graph(f) = format else {
                return Err(wrong_kind());
            };
            let mut writer = graph_serializer(f, &[])?.for_writer(buffer());
            let mut rows = 0;
            for triple in triples {
                let triple = triple.map_err(evaluation_error)?;
                rows += 1;
                check(rows)?;
                writer.serialize_triple(&triple).map_err(io)?;
            }
            Ok(SparqlResponse {
                content_type: format.content_type(),
                body: writer.finish().map_err(io)?.bytes,
                rows,
            })
        }
    }
}

/// A serializer for `format` that writes the usual prefixes (and `extra`)
/// where the syntax has them.
fn graph_serializer(
    format: RdfFormat,
    extra: &[(&str, &str)],
) -> Result<RdfSerializer, SparqlError> {
    let mut serializer = RdfSerializer::from_format(format);
    if matches!(format, RdfFormat::Turtle | RdfFormat::RdfXml) {
        for (p, ns) in [
            ("rdf", vocab::RDF),
            ("rdfs", vocab::RDFS),
            ("owl", vocab::OWL),
            ("skos", vocab::SKOS),
        ]
        .iter()
        .chain(extra)
        {
            serializer = serializer
                .with_prefix(*p, *ns)
                .map_err(|e| SparqlError::Evaluation(e.to_string()))?;
        }
    }
    Ok(serializer)
}

/// Serialises a graph the knowledge base describes (a resource, the service
/// description) in `format`, with `prefixes` besides the usual ones, refusing
/// to grow past `max_bytes`.
pub fn serialise_triples(
    triples: &[oxigraph::model::Triple],
    format: Format,
    prefixes: &[(&str, &str)],
    max_bytes: usize,
) -> Result<SparqlResponse, SparqlError> {
    let Format::Graph(f) = format else {
        return Err(wrong_kind());
    };
    let mut writer = graph_serializer(f, prefixes)?.for_writer(CappedBuffer {
        bytes: Vec::new(),
        max: max_bytes,
    });
    for triple in triples {
        writer
            .serialize_triple(triple)
            .map_err(serialisation_error)?;
    }
    Ok(SparqlResponse {
        content_type: format.content_type(),
        body: writer.finish().map_err(serialisation_error)?.bytes,
        rows: triples.len(),
    })
}

fn wrong_kind() -> SparqlError {
    SparqlError::Evaluation("internal: format of the wrong kind".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_format_then_the_accepted_ranges() {
        let ranges = |a: Option<&str>| -> Vec<String> {
            a.map(|a| a.split(',').map(str::to_string).collect())
                .unwrap_or_default()
        };
        let n = |kind, f: Option<&str>, a: Option<&str>| {
            negotiate(kind, f, &ranges(a)).map(|f| f.content_type())
        };
        use ResultKind::*;
        assert_eq!(
            n(Solutions, None, None).unwrap(),
            "application/sparql-results+json"
        );
        assert_eq!(
            n(Solutions, None, Some("text/csv,application/json")).unwrap(),
            "text/csv; charset=utf-8"
        );
        assert_eq!(
            n(Solutions, Some("tsv"), Some("text/csv")).unwrap(),
            "text/tab-separated-values; charset=utf-8"
        );
        assert_eq!(
            n(Graph, None, Some("application/rdf+xml")).unwrap(),
            "application/rdf+xml"
        );
        assert_eq!(
            n(Graph, None, Some("*/*")).unwrap(),
            "text/turtle; charset=utf-8"
        );
        assert_eq!(n(Graph, Some("json"), None).unwrap(), "application/ld+json");
        assert!(matches!(
            negotiate(Solutions, None, &ranges(Some("image/png"))),
            Err(SparqlError::NotAcceptable(_))
        ));
        assert!(matches!(
            negotiate(Solutions, Some("png"), &[]),
            Err(SparqlError::InvalidParameter { .. })
        ));
    }
}
