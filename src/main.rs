//! The `eoskb` command line: a thin face over the library, like the HTTP server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::sync::Arc;

use eoskb::config::Config;
use eoskb::embed::{DEFAULT_MODEL_DIR, SentenceEncoder};
use eoskb::index::{self, DataDir, IndexOptions, IndexReport};
use eoskb::model::FACETS;
use eoskb::query::{self, Fusion, KnowledgeBase, Mode, SearchRequest, SearchResponse};
use eoskb::terminal::escape_controls;

// What the CLI prints passes through `escape_controls`: titles, snippets,
// questions and findings come from files and queries anyone can write, and a
// control character in them must not drive the curator's terminal. These
// shadow the standard macros for this file; `print_hits`, which styles its own
// output, escapes each field and prints with `std::println!`.
macro_rules! println {
    () => { std::println!() };
    ($($arg:tt)*) => { std::println!("{}", escape_controls(&std::format!($($arg)*))) };
}
macro_rules! eprintln {
    ($($arg:tt)*) => { std::eprintln!("{}", escape_controls(&std::format!($($arg)*))) };
}

/// Knowledge base and search engine for open-science guidance and ontologies.
#[derive(Parser)]
#[command(name = "eoskb", version, about, max_term_width = 100)]
struct Cli {
    /// Data directory holding the indexes.
    #[arg(
        long,
        global = true,
        default_value = "data",
        env = "EOSKB_DATA",
        value_name = "DIR"
    )]
    data: PathBuf,
    /// Sentence-transformers model directory for semantic search, or `none` for keyword
    /// search only [default: models/all-MiniLM-L6-v2]
    #[arg(long, global = true, env = "EOSKB_MODEL", value_name = "DIR")]
    model: Option<PathBuf>,
    /// Configuration file (base IRI, CURIE prefixes, SPARQL limits); default
    /// `eoskb.toml` in the working folder if it exists.
    #[arg(long, global = true, env = "EOSKB_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// More log output (-v: debug, -vv: trace). `RUST_LOG` overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Internal: evaluate SPARQL requests for `serve` on standard input/output.
    #[command(hide = true)]
    SparqlWorker {
        /// Address space the worker may use, in bytes (0: no limit).
        #[arg(long, default_value_t = 0)]
        memory_limit: u64,
        /// The generation folder whose store to load.
        generation: PathBuf,
    },
    /// Index the content folders into the data directory (incremental and atomic).
    Index(IndexArgs),
    /// Serve the HTTP API and web page.
    Serve(ServeArgs),
    /// Keyword search from the terminal.
    Search(SearchArgs),
    /// Answer a question with passages quoted from the articles, each cited.
    Ask(AskArgs),
    /// Show one article by id.
    Show {
        /// Article id (as in search results).
        id: String,
        /// Print the API's JSON.
        #[arg(long)]
        json: bool,
    },
    /// Evaluate retrieval on a BEIR collection (nDCG@10, Recall@100, MRR@10).
    Eval(EvalArgs),
    /// Run a read-only SPARQL query over the ontologies and articles.
    Sparql(SparqlArgs),
    /// Search ontology terms, or look one up by IRI or CURIE.
    Terms(TermsArgs),
    /// Validate content: required fields, allowed values, ontology terms, links,
    /// unique ids and titles, stale articles. Exit 1 if there are errors.
    Check(CheckArgs),
    /// The questions the knowledge base answered badly (no hits, low scores, no
    /// answer), near-duplicates grouped, and those with negative feedback: what
    /// to write next. Reads the server's query log in the data directory.
    Gaps(GapsArgs),
    /// Counts of what is indexed.
    Stats {
        /// Print the API's JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct ContentArgs {
    /// Folder of Markdown articles; repeat for several. Earlier folders win id clashes.
    #[arg(long = "content", value_name = "DIR", default_value = "content")]
    content: Vec<PathBuf>,
}

#[derive(Args)]
struct IndexArgs {
    #[command(flatten)]
    content: ContentArgs,
    /// Ontology file or folder (RDF); repeat for several. Default: `ontologies`,
    /// if it exists.
    #[arg(long = "ontology", value_name = "PATH")]
    ontology: Vec<PathBuf>,
    /// Exit non-zero and publish nothing if any file has an error.
    #[arg(long)]
    strict: bool,
    /// Rebuild everything instead of only what changed.
    #[arg(long)]
    full: bool,
    /// Re-embed every section (needed after switching --model).
    #[arg(long)]
    reembed: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// Files or folders to report on [default: the content folders]
    paths: Vec<PathBuf>,
    /// Content folder whose articles links, `related` and the uniqueness rules see;
    /// repeat for several [default: `content`, unless PATHS outside it are given]
    #[arg(long = "content", value_name = "DIR")]
    content: Vec<PathBuf>,
    /// Ontology file or folder (RDF) whose terms articles may use, besides those the
    /// data directory's index holds; repeat for several. Default: `ontologies`, if it
    /// exists.
    #[arg(long = "ontology", value_name = "PATH")]
    ontology: Vec<PathBuf>,
    /// Warn about articles not updated for more than DAYS days [default: `[check]
    /// stale_after_days` in eoskb.toml, else 730]
    #[arg(long, value_name = "DAYS")]
    stale_after: Option<u32>,
    /// `text` (`path:line:col: severity: message [rule]`) or `json`.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "EOSKB_ADDR")]
    addr: SocketAddr,
    /// Index the content and ontology folders first, then re-index within a
    /// second or two whenever a file under them changes.
    #[arg(long)]
    watch: bool,
    #[command(flatten)]
    content: ContentArgs,
    /// Ontology file or folder to watch, as for `index`; repeat for several.
    /// Default: `ontologies`, if it exists.
    #[arg(long = "ontology", value_name = "PATH")]
    ontology: Vec<PathBuf>,
    /// Do not log searches, asks and feedback (as `[log] enabled = false`).
    #[arg(long)]
    no_query_log: bool,
}

#[derive(Args)]
struct GapsArgs {
    /// Period to report on: 30d, 12h, 2w, 90m, or a start date (2026-05-01).
    #[arg(long, default_value = eoskb::querylog::DEFAULT_SINCE)]
    since: String,
    /// Groups to list (per list).
    #[arg(long, short = 'n', default_value_t = eoskb::querylog::gaps::DEFAULT_LIMIT)]
    limit: usize,
    /// `text` (a table) or `json` (as `GET /api/admin/gaps`).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

#[derive(Args)]
struct SparqlArgs {
    /// The query; `-` reads it from standard input, `@FILE` from a file.
    query: String,
    /// Result format: json, xml, csv, tsv (SELECT/ASK); turtle, ntriples, rdfxml,
    /// jsonld (CONSTRUCT/DESCRIBE); or a media type. Default: tsv or turtle.
    #[arg(long)]
    format: Option<String>,
}

#[derive(Args)]
struct TermsArgs {
    /// Words to search in labels and synonyms (prefixes and one typo allowed).
    #[arg(required_unless_present_any = ["iri", "curie"])]
    query: Option<String>,
    /// Look up one term by IRI.
    #[arg(long, conflicts_with = "curie")]
    iri: Option<String>,
    /// Look up one term by CURIE, e.g. PaNET:PaNET01188.
    #[arg(long)]
    curie: Option<String>,
    /// Only terms of this ontology (graph IRI, file stem or folder name).
    #[arg(long)]
    ontology: Option<String>,
    /// Only classes, properties or concepts.
    #[arg(long = "type", value_parser = ["class", "property", "concept"])]
    kind: Option<String>,
    /// Hits to show (at most 100).
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: usize,
    /// Print the API's JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct SearchArgs {
    /// The query (words, "phrases", field:word, +required, -excluded).
    query: String,
    /// Hits to show (at most 100).
    #[arg(long, short = 'n', default_value_t = 10)]
    limit: i64,
    /// Hits to skip (for paging).
    #[arg(long, default_value_t = 0)]
    offset: i64,
    /// Only articles of this kind (repeatable: any of them).
    #[arg(long)]
    kind: Vec<String>,
    /// Only articles for this audience (repeatable).
    #[arg(long)]
    audience: Vec<String>,
    /// Only articles helping with this FAIR principle, e.g. F1 (repeatable).
    #[arg(long)]
    fair: Vec<String>,
    /// Only articles with this tag (repeatable).
    #[arg(long)]
    tag: Vec<String>,
    /// Only articles from this project (repeatable).
    #[arg(long)]
    project: Vec<String>,
    /// Only articles annotated with this ontology term (IRI or CURIE, e.g.
    /// PaNET:PaNET01124) or any narrower term (repeatable).
    #[arg(long)]
    term: Vec<String>,
    /// Do not recognise ontology terms in the query (plain text search).
    #[arg(long)]
    no_recognise: bool,
    /// keyword, semantic or hybrid.
    #[arg(long, default_value = "hybrid")]
    mode: Mode,
    /// Show each hit's keyword and semantic ranks and scores.
    #[arg(long)]
    explain: bool,
    /// Print the API's JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct AskArgs {
    /// The question, in plain words.
    question: String,
    /// Print the API's JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct EvalArgs {
    /// BEIR collection folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv).
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "ask",
        conflicts_with = "ask"
    )]
    beir: Option<PathBuf>,
    /// Evaluate `ask` instead: a folder of judged questions (`*.jsonl`, see
    /// benches/ask/README.md), answered from the articles of --content.
    #[arg(long, value_name = "DIR", requires = "content")]
    ask: Option<PathBuf>,
    /// The content folder the questions of --ask are about.
    #[arg(long, value_name = "DIR")]
    content: Option<PathBuf>,
    /// With --ask: score with `[ask]` of the configuration instead of calibrating.
    #[arg(long, requires = "ask")]
    configured: bool,
    /// keyword, semantic, hybrid or all.
    #[arg(long, default_value = "all")]
    mode: String,
    /// Which qrels file to judge with.
    #[arg(long, default_value = "test")]
    split: String,
    /// Hybrid fusion: rrf[:k] or convex[:semantic-weight] [default: the engine's]
    #[arg(long)]
    fusion: Option<Fusion>,
    /// Keep the collection's index in DIR and reuse it on later runs (same
    /// collection and model), so that tuning does not re-embed the corpus.
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
    /// Print `{"keyword": {"ndcg@10": ...}, ...}` for scripts.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "eoskb=info,tower_http=warn",
        1 => "eoskb=debug,tower_http=debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn run(cli: Cli) -> Result<ExitCode> {
    // The worker needs neither configuration nor model: it only loads a store.
    let command = match cli.command {
        Command::SparqlWorker {
            generation,
            memory_limit,
        } => {
            query::sparql_pool::run_worker(&generation, memory_limit)?;
            return Ok(ExitCode::SUCCESS);
        }
        other => other,
    };
    let data = DataDir::new(&cli.data);
    let config = Config::load(cli.config.as_deref())?;
    match command {
        Command::SparqlWorker { .. } => unreachable!("handled above"),
        Command::Index(args) => {
            let encoder = load_encoder(cli.model.as_deref())?;
            index_command(&data, args, config, encoder)
        }
        Command::Eval(args) if args.ask.is_some() => {
            eval_ask_command(args, cli.model.as_deref(), &config)
        }
        Command::Eval(args) => eval_command(args, cli.model.as_deref()),
        Command::Ask(args) => {
            let encoder = load_encoder(cli.model.as_deref())?;
            ask_command(&data, args, encoder, &config)
        }
        Command::Sparql(args) => sparql_command(&data, args, &config),
        Command::Terms(args) => terms_command(&data, args),
        Command::Check(args) => check_command(&data, args, config),
        Command::Gaps(args) => {
            let encoder = load_encoder(cli.model.as_deref())?;
            gaps_command(&data, args, &config, encoder.as_deref())
        }
        Command::Serve(args) => {
            let mut config = config;
            if args.no_query_log {
                config.log.enabled = false;
            }
            let encoder = load_encoder(cli.model.as_deref())?;
            let watch = args.watch.then(|| {
                index_options(
                    args.content.content.clone(),
                    args.ontology.clone(),
                    config.clone(),
                    encoder.clone(),
                )
            });
            let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
            runtime
                .block_on(eoskb::server::run(args.addr, data, encoder, &config, watch))
                .with_context(|| format!("serving on {}", args.addr))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search(args) => {
            let encoder = match args.mode {
                Mode::Keyword => None,
                _ => load_encoder(cli.model.as_deref())?,
            };
            search_command(&data, args, encoder, &config)
        }
        Command::Show { id, json } => {
            let kb = KnowledgeBase::open(&data, None)?;
            let view = query::get_article(&kb, &id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&view)?);
            } else {
                let a = &view.article;
                println!("{}\n{}\n", a.title, "=".repeat(a.title.chars().count()));
                if !a.summary.is_empty() {
                    println!("{}\n", a.summary);
                }
                println!("source: {}/{}", a.source.root, a.source.path);
                for section in &a.sections {
                    println!(
                        "\n## {}  (#{})\n{}",
                        section.heading, section.anchor, section.text
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { json } => {
            let kb = KnowledgeBase::open(&data, None)?;
            let stats = query::stats(&kb);
            if json {
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                println!(
                    "{} articles, {} sections, {:.1} MB, indexed {} ({})",
                    stats.articles,
                    stats.sections,
                    stats.index_bytes as f64 / 1e6,
                    stats.indexed_at,
                    stats.generation
                );
                if stats.triples > 0 {
                    println!(
                        "  {} ontologies, {} terms, {} triples in the RDF store",
                        stats.ontologies, stats.terms, stats.triples
                    );
                }
                for (root, s) in &stats.sources {
                    println!("  {root}: {} articles, {} sections", s.articles, s.sections);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What `index` reads: the content folders, and the ontology paths (default
/// `ontologies/`, optional when not named).
fn index_options(
    content: Vec<PathBuf>,
    ontology: Vec<PathBuf>,
    config: Config,
    encoder: Option<Arc<SentenceEncoder>>,
) -> IndexOptions {
    let optional = ontology.is_empty();
    let ontologies = if optional {
        vec![PathBuf::from("ontologies")]
    } else {
        ontology
    };
    IndexOptions {
        ontologies,
        ontologies_optional: optional,
        config,
        ..IndexOptions::new(content)
    }
    .with_encoder(encoder)
}

fn index_command(
    data: &DataDir,
    args: IndexArgs,
    config: Config,
    encoder: Option<Arc<SentenceEncoder>>,
) -> Result<ExitCode> {
    let options = IndexOptions {
        strict: args.strict,
        full: args.full,
        reembed: args.reembed,
        ..index_options(args.content.content, args.ontology, config, encoder)
    };
    let report = index::run(data, &options)?;
    for diagnostic in &report.diagnostics {
        eprintln!("{diagnostic}");
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, data);
    }
    if args.strict && report.errors() > 0 {
        eprintln!(
            "--strict: {} error(s); nothing published, the previous index stays live",
            report.errors()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn check_command(data: &DataDir, args: CheckArgs, config: Config) -> Result<ExitCode> {
    let default_content = PathBuf::from("content");
    let content = if !args.content.is_empty() {
        args.content
    } else if args.paths.is_empty() || within(&args.paths, &default_content) {
        vec![default_content]
    } else {
        // Paths elsewhere (another corpus) are checked on their own.
        Vec::new()
    };
    let optional = args.ontology.is_empty();
    let ontologies = if optional {
        vec![PathBuf::from("ontologies")]
    } else {
        args.ontology
    };
    let options = eoskb::check::CheckOptions {
        paths: args.paths,
        ontologies,
        ontologies_optional: optional,
        data: Some(data.clone()),
        config,
        stale_after_days: args.stale_after,
        ..eoskb::check::CheckOptions::new(content)
    };
    let report = eoskb::check::check(&options)?;
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for finding in &report.findings {
            writeln!(out, "{}", escape_controls(&finding.to_string()))?;
        }
    }
    eprintln!(
        "checked {} files in {:.0} ms: {} errors, {} warnings",
        report.files,
        report.took.as_secs_f64() * 1000.0,
        report.errors,
        report.warnings
    );
    Ok(if report.errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether every path lies inside `folder` (which exists).
fn within(paths: &[PathBuf], folder: &std::path::Path) -> bool {
    let Ok(folder) = folder.canonicalize() else {
        return false;
    };
    paths.iter().all(|p| {
        p.canonicalize()
            .or_else(|_| p.parent().map_or(Ok(PathBuf::new()), |d| d.canonicalize()))
            .is_ok_and(|p| p.starts_with(&folder))
    })
}

fn print_report(report: &IndexReport, data: &DataDir) {
    let mode = if report.full_rebuild {
        "full"
    } else {
        "incremental"
    };
    println!(
        "{mode} index of {} files in {:.0} ms: {} added, {} changed, {} deleted, {} unchanged; {} errors, {} warnings",
        report.files,
        report.took.as_secs_f64() * 1000.0,
        report.added.len(),
        report.changed.len(),
        report.deleted.len(),
        report.unchanged,
        report.errors(),
        report.warnings(),
    );
    const LISTED: usize = 20;
    for (label, paths) in [
        ("added", &report.added),
        ("changed", &report.changed),
        ("deleted", &report.deleted),
    ] {
        if !paths.is_empty() && paths.len() <= LISTED && !report.full_rebuild {
            for path in paths {
                println!("  {label}: {path}");
            }
        }
    }
    if report.embedded > 0 {
        println!(
            "embedded {} section pieces with {}",
            report.embedded,
            report.model.as_deref().unwrap_or("?")
        );
    }
    if !report.ontologies_loaded.is_empty() || !report.ontologies_deleted.is_empty() {
        println!(
            "ontologies: {} loaded, {} deleted, {} in the store",
            report.ontologies_loaded.len(),
            report.ontologies_deleted.len(),
            report.ontologies
        );
    }
    if report.published {
        println!(
            "published {} articles, {} sections to {}",
            report.articles,
            report.sections,
            data.root().display()
        );
    } else if report.reprocessed() == 0 && report.deleted.is_empty() {
        println!("index is up to date ({} articles)", report.articles);
    }
}

/// Loads the embedding model: the one named by `--model` (an error if it fails),
/// else the default one if installed (a warning if not: keyword search still works).
fn load_encoder(explicit: Option<&std::path::Path>) -> Result<Option<Arc<SentenceEncoder>>> {
    if explicit.is_some_and(|p| p == std::path::Path::new("none")) {
        return Ok(None);
    }
    let dir = explicit.unwrap_or(std::path::Path::new(DEFAULT_MODEL_DIR));
    if explicit.is_none() && !dir.exists() {
        tracing::warn!(
            "no embedding model at {}: semantic and hybrid search are off; {}",
            dir.display(),
            eoskb::embed::SETUP_HINT
        );
        return Ok(None);
    }
    let started = std::time::Instant::now();
    let encoder = SentenceEncoder::load(dir)
        .with_context(|| format!("loading the model in {}", dir.display()))?;
    tracing::debug!("loaded {} in {:?}", encoder.id(), started.elapsed());
    Ok(Some(Arc::new(encoder)))
}

fn eval_command(args: EvalArgs, model: Option<&std::path::Path>) -> Result<ExitCode> {
    let modes: Vec<Mode> = match args.mode.as_str() {
        "all" => vec![Mode::Keyword, Mode::Semantic, Mode::Hybrid],
        other => vec![other.parse().map_err(anyhow::Error::msg)?],
    };
    let encoder = if modes.iter().any(|m| *m != Mode::Keyword) {
        let encoder = load_encoder(model)?;
        anyhow::ensure!(
            encoder.is_some(),
            "semantic and hybrid evaluation need a model: {}",
            eoskb::embed::SETUP_HINT
        );
        encoder
    } else {
        None
    };
    let beir = args.beir.context("--beir or --ask is required")?;
    let (collection, qrels) = eoskb::eval::load_with_qrels(&beir, &args.split)?;
    let report = eoskb::eval::run(
        &collection,
        &qrels,
        &modes,
        encoder,
        args.fusion,
        args.keep.as_deref(),
    )?;
    if args.json {
        let scores: std::collections::BTreeMap<_, _> =
            report.modes.iter().map(|(m, r)| (*m, r.scores)).collect();
        println!("{}", serde_json::to_string_pretty(&scores)?);
    } else {
        println!(
            "{}: {} documents, {} judged queries ({} split), indexed in {:.1} s",
            beir.display(),
            report.documents,
            report.queries,
            args.split,
            report.index_seconds
        );
        println!(
            "{:<10} {:>8} {:>11} {:>8} {:>10}",
            "mode", "nDCG@10", "Recall@100", "MRR@10", "ms/query"
        );
        for (mode, r) in &report.modes {
            println!(
                "{mode:<10} {:>8.4} {:>11.4} {:>8.4} {:>10.2}",
                r.scores.ndcg_10, r.scores.recall_100, r.scores.mrr_10, r.query_ms
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn ask_command(
    data: &DataDir,
    args: AskArgs,
    encoder: Option<Arc<SentenceEncoder>>,
    config: &Config,
) -> Result<ExitCode> {
    let kb = KnowledgeBase::open(data, encoder)?.with_options(config.query_options());
    let answer = query::ask(&kb, &args.question, &kb.options().ask)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(ExitCode::SUCCESS);
    }
    if answer.answered {
        for (i, passage) in answer.answer.iter().enumerate() {
            let c = &passage.citation;
            println!(
                "{}\n     [{}] {} › {}  ({})\n",
                passage.text,
                i + 1,
                c.title,
                c.section,
                c.url
            );
        }
        println!(
            "confidence {:.2} · {} ms",
            answer.confidence, answer.took_ms
        );
        print_terms(&answer.terms);
    } else {
        println!(
            "No answer: {}.",
            answer
                .reason
                .as_deref()
                .unwrap_or("nothing scored high enough")
        );
        if !answer.sources.is_empty() {
            println!("\nYou may look at:");
            for source in &answer.sources {
                println!("  - {} ({})", source.title, source.url);
            }
        }
        print_terms(&answer.terms);
    }
    Ok(ExitCode::SUCCESS)
}

/// The ontology terms a question named (their articles ranked higher).
fn print_terms(terms: &[query::RecognisedTerm]) {
    if terms.is_empty() {
        return;
    }
    let named: Vec<String> = terms
        .iter()
        .map(|t| match &t.curie {
            Some(curie) => format!("{} ({curie})", t.label),
            None => t.label.clone(),
        })
        .collect();
    println!("terms: {}", named.join(", "));
}

fn eval_ask_command(
    args: EvalArgs,
    model: Option<&std::path::Path>,
    config: &Config,
) -> Result<ExitCode> {
    let (Some(dir), Some(content)) = (args.ask.as_deref(), args.content.as_deref()) else {
        anyhow::bail!("--ask needs --content");
    };
    let encoder = load_encoder(model)?
        .with_context(|| format!("ask needs the model: {}", eoskb::embed::SETUP_HINT))?;
    let questions = eoskb::eval::ask::load_questions(dir)?;
    let params = args.configured.then_some(config.ask);
    let report = eoskb::eval::ask::run(content, &questions, encoder, params, args.keep.as_deref())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: {} articles, {} passages, indexed in {:.1} s; {} questions",
        content.display(),
        report.articles,
        report.passages,
        report.index_seconds,
        questions.len()
    );
    let p = &report.params;
    println!(
        "params: similarity_weight = {}, overlap_weight = {}, article_weight = {}, threshold = {}, slope = {}",
        p.similarity_weight, p.overlap_weight, p.article_weight, p.threshold, p.slope
    );
    for (name, split) in [("calibration", &report.calibration), ("test", &report.test)] {
        println!(
            "{name:<12} first citation answers {}/{} ({:.1} %), first passage {}/{}, answerable refused {}, unanswerable refused {}/{} ({:.1} %)",
            split.first_citation_correct,
            split.answerable,
            100.0 * split.first_citation_accuracy(),
            split.first_passage_correct,
            split.answerable,
            split.answerable_refused,
            split.unanswerable_refused,
            split.unanswerable,
            100.0 * split.refusal_rate()
        );
        if !split.misses.is_empty() {
            println!("{:<12} misses: {}", "", split.misses.join(" "));
        }
    }
    let l = &report.latency_ms;
    println!(
        "ask latency: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms",
        l.p50, l.p90, l.p99
    );
    Ok(ExitCode::SUCCESS)
}

fn search_command(
    data: &DataDir,
    args: SearchArgs,
    encoder: Option<Arc<SentenceEncoder>>,
    config: &Config,
) -> Result<ExitCode> {
    let kb = KnowledgeBase::open(data, encoder)?.with_options(config.query_options());
    let mut params: Vec<(&str, String)> = vec![
        ("q", args.query.clone()),
        ("limit", args.limit.to_string()),
        ("offset", args.offset.to_string()),
    ];
    for (facet, values) in FACETS.iter().zip([
        &args.kind,
        &args.audience,
        &args.fair,
        &args.tag,
        &args.project,
        &args.term,
    ]) {
        params.extend(values.iter().map(|v| (facet.param(), v.clone())));
    }
    let mut request = SearchRequest::from_params(params.iter().map(|(k, v)| (*k, v.as_str())))?;
    request.mode = args.mode;
    request.explain = args.explain;
    request.recognise = !args.no_recognise;
    let response = query::search(&kb, &request)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&response)?);
    } else {
        print_hits(&response, request.offset);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_hits(response: &SearchResponse, offset: usize) {
    let bold = |s: &str| format!("\x1b[1m{}\x1b[0m", escape_controls(s));
    let color = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let mark = |s: &str| {
        let (on, off) = if color {
            ("\x1b[1;33m", "\x1b[0m")
        } else {
            ("[", "]")
        };
        // Marks become private-use characters first, so that neither the text's
        // own `&lt;mark&gt;` nor its control characters can pass for them.
        let marked = unescape(
            &s.replace("<mark>", "\u{e000}")
                .replace("</mark>", "\u{e001}"),
        );
        escape_controls(&marked)
            .replace('\u{e000}', on)
            .replace('\u{e001}', off)
    };
    std::println!(
        "{} of {} articles ({}, {} ms)",
        response.hits.len(),
        response.total,
        response.mode.name(),
        response.took_ms
    );
    for term in response.terms.iter().filter(|t| t.articles > 0) {
        std::println!(
            "also searching for {} ({}, matched by \"{}\")",
            escape_controls(&term.label),
            escape_controls(term.curie.as_deref().unwrap_or(&term.iri)),
            escape_controls(&term.matched)
        );
    }
    std::println!();
    for (i, hit) in response.hits.iter().enumerate() {
        let title = if color {
            bold(&hit.title)
        } else {
            escape_controls(&hit.title).into_owned()
        };
        std::println!(
            "{:>3}. {title}  [{}]",
            offset + i + 1,
            escape_controls(hit.kind.as_deref().unwrap_or("-"))
        );
        let anchor = if hit.section.anchor.is_empty() {
            String::new()
        } else {
            format!("#{}", escape_controls(&hit.section.anchor))
        };
        std::println!(
            "     {}/{}{anchor}  ·  id {}  ·  score {:.2}",
            escape_controls(&hit.source),
            escape_controls(&hit.path),
            escape_controls(&hit.id),
            hit.score
        );
        std::println!("     {}", mark(&hit.snippet).replace('\n', " "));
        if let Some(term) = &hit.matched_term {
            std::println!(
                "     about {} <{}>",
                escape_controls(&term.label),
                escape_controls(&term.iri)
            );
        }
        if let Some(e) = &hit.explain {
            let show = |r: Option<usize>, s: Option<f32>| match (r, s) {
                (Some(r), Some(s)) => format!("#{r} ({s:.3})"),
                _ => "-".to_string(),
            };
            std::println!(
                "     keyword {}  semantic {}  fused {}  term bonus {}",
                show(e.keyword_rank, e.keyword_score),
                show(e.semantic_rank, e.semantic_similarity),
                e.fused_score.map_or("-".into(), |f| format!("{f:.4}")),
                e.term_bonus.map_or("-".into(), |b| format!("{b:.4}"))
            );
        }
        std::println!();
    }
}

/// Undoes the HTML escaping of snippets for the terminal.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

fn gaps_command(
    data: &DataDir,
    args: GapsArgs,
    config: &Config,
    encoder: Option<&SentenceEncoder>,
) -> Result<ExitCode> {
    use eoskb::querylog::{GapsOptions, gaps_report, parse_since};
    let since = parse_since(&args.since, chrono::Utc::now())?;
    let options = GapsOptions::new(since, args.limit, &config.log);
    let report = gaps_report(&data.logs(), &options, encoder);
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_gaps(&report, &data.logs());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_gaps(report: &eoskb::querylog::GapsReport, dir: &std::path::Path) {
    let day = |t: &chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    println!(
        "{} to {}: {} searches, {} asks, {} feedback; {} answered badly, in {} groups",
        day(&report.since),
        day(&report.until),
        report.searches,
        report.asks,
        report.feedback,
        report.unanswered,
        report.gap_groups,
    );
    match &report.note {
        Some(note) => println!("note: {note}"),
        None => println!(
            "grouped by meaning (similarity >= {:.2}); low score = best similarity < {:.2}",
            report.group_similarity, report.low_similarity
        ),
    }
    if report.skipped_lines > 0 {
        println!("skipped {} damaged log lines", report.skipped_lines);
    }
    for problem in &report.problems {
        println!("problem: {problem}");
    }
    if report.searches + report.asks + report.feedback == 0 {
        println!(
            "\nnothing logged in {} for this period (`eoskb serve` writes it)",
            dir.display()
        );
        return;
    }
    let quote = |v: &eoskb::querylog::gaps::Variant| format!("\"{}\" ({})", v.query, v.count);
    if !report.gaps.is_empty() {
        println!(
            "\n{:>6}  {:<16}  {:>7} {:>6} {:>5}  question",
            "count", "last seen", "no-hits", "low", "unans"
        );
    }
    for gap in &report.gaps {
        println!(
            "{:>6}  {:<16}  {:>7} {:>6} {:>5}  {}",
            gap.count,
            day(&gap.last_seen),
            gap.reasons.no_hits,
            gap.reasons.low_score,
            gap.reasons.unanswered,
            gap.question
        );
        let others: Vec<String> = gap.variants.iter().skip(1).map(quote).collect();
        if !others.is_empty() {
            println!("{:>49}also: {}", "", others.join(", "));
        }
    }
    if !report.negative_feedback.is_empty() {
        println!(
            "\nmost \"not helpful\" feedback:\n{:>4} {:>4}  question",
            "-", "+"
        );
    }
    for group in &report.negative_feedback {
        println!(
            "{:>4} {:>4}  {}",
            group.negative, group.positive, group.question
        );
        let results: Vec<String> = group
            .results
            .iter()
            .filter(|r| r.negative > 0)
            .map(|r| {
                format!(
                    "{} (-{} +{})",
                    r.id.as_deref().unwrap_or("the answer"),
                    r.negative,
                    r.positive
                )
            })
            .collect();
        println!("{:>11}unhelpful: {}", "", results.join(", "));
    }
}

fn sparql_command(data: &DataDir, args: SparqlArgs, config: &Config) -> Result<ExitCode> {
    let query = match args.query.as_str() {
        "-" => std::io::read_to_string(std::io::stdin()).context("reading the query")?,
        q => match q.strip_prefix('@') {
            Some(path) => {
                std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?
            }
            None => q.to_string(),
        },
    };
    let kb = KnowledgeBase::open(data, None)?;
    // The terminal default is TSV for tables: readable and easy to pipe.
    let accept = Some("text/tab-separated-values, text/turtle;q=0.9".to_string());
    let request = query::SparqlRequest {
        query,
        format: args.format,
        accept,
        ..Default::default()
    };
    let answer = query::sparql::execute(&kb, &config.sparql, &request)?;
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(&answer.body)?;
    if !answer.body.ends_with(b"\n") {
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn terms_command(data: &DataDir, args: TermsArgs) -> Result<ExitCode> {
    let kb = KnowledgeBase::open(data, None)?;
    if args.iri.is_some() || args.curie.is_some() {
        let iri = query::term_lookup::resolve(&kb, args.iri.as_deref(), args.curie.as_deref())?;
        let details = query::lookup_term(&kb, &iri)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&details)?);
            return Ok(ExitCode::SUCCESS);
        }
        let t = &details.term;
        println!(
            "{}  {}",
            t.label.as_deref().unwrap_or("(no label)"),
            t.curie.as_deref().unwrap_or(&t.iri)
        );
        println!(
            "  iri: {}\n  ontology: {}{}",
            t.iri,
            t.ontology,
            if t.deprecated { "  (deprecated)" } else { "" }
        );
        for d in &t.definitions {
            println!("  definition: {}", d.value);
        }
        for s in &t.synonyms {
            println!("  synonym ({}): {}", s.kind, s.value);
        }
        let show = |name: &str, list: &[query::term_lookup::TermRef], total: usize| {
            if total > 0 {
                let names: Vec<String> = list
                    .iter()
                    .map(|r| r.label.clone().or(r.curie.clone()).unwrap_or(r.iri.clone()))
                    .collect();
                println!("  {name} ({total}): {}", names.join("; "));
            }
        };
        show("parents", &details.parents, details.parents.len());
        show("children", &details.children.items, details.children.total);
        show(
            "ancestors",
            &details.ancestors.items,
            details.ancestors.total,
        );
        show(
            "descendants",
            &details.descendants.items,
            details.descendants.total,
        );
        for m in &t.mappings {
            println!("  {}: {}", m.relation, m.target);
        }
        for a in &details.articles {
            println!("  article: {} ({})", a.title.as_deref().unwrap_or(""), a.id);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let request = query::TermSearch {
        q: args.query.unwrap_or_default(),
        ontology: args.ontology,
        kind: args.kind,
        limit: args.limit.min(query::terms::MAX_LIMIT),
        offset: 0,
    };
    if request.q.trim().is_empty() {
        anyhow::bail!("give words to search, or --iri/--curie");
    }
    let response = query::search_terms(&kb, &request)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&response)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} of {} terms", response.hits.len(), response.total);
    for hit in &response.hits {
        println!(
            "{}  {}{}\n    matched {} {} `{}`  ·  {}",
            hit.curie.as_deref().unwrap_or(&hit.iri),
            hit.label.as_deref().unwrap_or("(no label)"),
            if hit.deprecated { "  (deprecated)" } else { "" },
            hit.matched.how,
            hit.matched.field,
            hit.matched.value,
            hit.ontology
        );
    }
    Ok(ExitCode::SUCCESS)
}
