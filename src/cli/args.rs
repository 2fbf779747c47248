//! The command line's arguments (clap). The doc comments on the items below are
//! the `--help` text: change them only to change what `eoskb --help` prints.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::query::{Fusion, Mode};

/// Knowledge base and search engine for open-science guidance and ontologies.
#[derive(Parser)]
#[command(name = "eoskb", version, about, max_term_width = 100)]
pub struct Cli {
    /// Data directory holding the indexes.
    #[arg(
        long,
        global = true,
        default_value = "data",
        env = "EOSKB_DATA",
        value_name = "DIR"
    )]
    pub data: PathBuf,
    /// Sentence-transformers model directory for semantic search, or `none` for keyword
    /// search only [default: models/all-MiniLM-L6-v2]
    #[arg(long, global = true, env = "EOSKB_MODEL", value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Configuration file (base IRI, CURIE prefixes, SPARQL limits); default
    /// `eoskb.toml` in the working folder if it exists.
    #[arg(long, global = true, env = "EOSKB_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// More log output (-v: debug, -vv: trace). `RUST_LOG` overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Serve the knowledge base to an AI assistant over the Model Context
    /// Protocol on standard input/output (tools: search, ask, search_terms,
    /// lookup_term, sparql, read_article; the articles as resources).
    Mcp,
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
    /// Download research-output records (OAI-PMH or the DataCite REST API) into a
    /// folder that `index --content` reads; run it again to fetch only what changed
    /// or to go on after a failure.
    #[command(subcommand)]
    Harvest(HarvestSource),
    /// Counts of what is indexed.
    Stats {
        /// Print the API's JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct ContentArgs {
    /// Folder of Markdown articles; repeat for several. Earlier folders win id clashes.
    #[arg(long = "content", value_name = "DIR", default_value = "content")]
    pub content: Vec<PathBuf>,
}

#[derive(Args)]
pub struct IndexArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// Ontology file or folder (RDF); repeat for several. Default: `ontologies`,
    /// if it exists.
    #[arg(long = "ontology", value_name = "PATH")]
    pub ontology: Vec<PathBuf>,
    /// Exit non-zero and publish nothing if any file has an error.
    #[arg(long)]
    pub strict: bool,
    /// Rebuild everything instead of only what changed.
    #[arg(long)]
    pub full: bool,
    /// Re-embed every section (needed after switching --model).
    #[arg(long)]
    pub reembed: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Files or folders to report on [default: the content folders]
    pub paths: Vec<PathBuf>,
    /// Content folder whose articles links, `related` and the uniqueness rules see;
    /// repeat for several [default: `content`, unless PATHS outside it are given]
    #[arg(long = "content", value_name = "DIR")]
    pub content: Vec<PathBuf>,
    /// Ontology file or folder (RDF) whose terms articles may use, besides those the
    /// data directory's index holds; repeat for several. Default: `ontologies`, if it
    /// exists.
    #[arg(long = "ontology", value_name = "PATH")]
    pub ontology: Vec<PathBuf>,
    /// Warn about articles not updated for more than DAYS days [default: `[check]
    /// stale_after_days` in eoskb.toml, else 730]
    #[arg(long, value_name = "DAYS")]
    pub stale_after: Option<u32>,
    /// `text` (`path:line:col: severity: message [rule]`) or `json`.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "EOSKB_ADDR")]
    pub addr: SocketAddr,
    /// Index the content and ontology folders first, then re-index within a
    /// second or two whenever a file under them changes.
    #[arg(long)]
    pub watch: bool,
    #[command(flatten)]
    pub content: ContentArgs,
    /// Ontology file or folder to watch, as for `index`; repeat for several.
    /// Default: `ontologies`, if it exists.
    #[arg(long = "ontology", value_name = "PATH")]
    pub ontology: Vec<PathBuf>,
    /// Do not log searches, asks and feedback (as `[log] enabled = false`).
    #[arg(long)]
    pub no_query_log: bool,
}

#[derive(Args)]
pub struct GapsArgs {
    /// Period to report on: 30d, 12h, 2w, 90m, or a start date (2026-05-01).
    #[arg(long, default_value = crate::querylog::DEFAULT_SINCE)]
    pub since: String,
    /// Groups to list (per list).
    #[arg(long, short = 'n', default_value_t = crate::querylog::gaps::DEFAULT_LIMIT)]
    pub limit: usize,
    /// `text` (a table) or `json` (as `GET /api/admin/gaps`).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

#[derive(Args)]
pub struct SparqlArgs {
    /// The query; `-` reads it from standard input, `@FILE` from a file.
    pub query: String,
    /// Result format: json, xml, csv, tsv (SELECT/ASK); turtle, ntriples, rdfxml,
    /// jsonld (CONSTRUCT/DESCRIBE); or a media type. Default: tsv or turtle.
    #[arg(long)]
    pub format: Option<String>,
}

#[derive(Args)]
pub struct TermsArgs {
    /// Words to search in labels and synonyms (prefixes and one typo allowed).
    #[arg(required_unless_present_any = ["iri", "curie"])]
    pub query: Option<String>,
    /// Look up one term by IRI.
    #[arg(long, conflicts_with = "curie")]
    pub iri: Option<String>,
    /// Look up one term by CURIE, e.g. PaNET:PaNET01188.
    #[arg(long)]
    pub curie: Option<String>,
    /// Only terms of this ontology (graph IRI, file stem or folder name).
    #[arg(long)]
    pub ontology: Option<String>,
    /// Only classes, properties or concepts.
    #[arg(long = "type", value_parser = ["class", "property", "concept"])]
    pub kind: Option<String>,
    /// Hits to show (at most 100).
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Print the API's JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct SearchArgs {
    /// The query (words, "phrases", field:word, +required, -excluded).
    pub query: String,
    /// Hits to show (at most 100).
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (for paging, at most 10000).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Only articles of this kind (repeatable: any of them).
    #[arg(long)]
    pub kind: Vec<String>,
    /// Only articles for this audience (repeatable).
    #[arg(long)]
    pub audience: Vec<String>,
    /// Only articles helping with this FAIR principle, e.g. F1 (repeatable).
    #[arg(long)]
    pub fair: Vec<String>,
    /// Only articles with this tag (repeatable).
    #[arg(long)]
    pub tag: Vec<String>,
    /// Only articles from this project (repeatable).
    #[arg(long)]
    pub project: Vec<String>,
    /// Only articles annotated with this ontology term (IRI or CURIE, e.g.
    /// PaNET:PaNET01124) or any narrower term (repeatable).
    #[arg(long)]
    pub term: Vec<String>,
    /// Only outputs in this community or collection (repeatable).
    #[arg(long)]
    pub community: Vec<String>,
    /// Only items issued (or last updated) in this year (repeatable).
    #[arg(long)]
    pub year: Vec<String>,
    /// Only items under this licence, e.g. CC-BY-4.0 (repeatable).
    #[arg(long)]
    pub license: Vec<String>,
    /// Do not recognise ontology terms in the query (plain text search).
    #[arg(long)]
    pub no_recognise: bool,
    /// keyword, semantic or hybrid.
    #[arg(long, default_value = "hybrid")]
    pub mode: Mode,
    /// Show each hit's keyword and semantic ranks and scores.
    #[arg(long)]
    pub explain: bool,
    /// Values listed per facet in --json, the most frequent first (0: none).
    #[arg(long, default_value_t = eoskb_facet_limit())]
    pub facet_limit: usize,
    /// Print the API's JSON.
    #[arg(long)]
    pub json: bool,
}

fn eoskb_facet_limit() -> usize {
    crate::query::request::DEFAULT_FACET_LIMIT
}

#[derive(Args)]
pub struct AskArgs {
    /// The question, in plain words.
    pub question: String,
    /// Print the API's JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct EvalArgs {
    /// BEIR collection folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv).
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "ask",
        conflicts_with = "ask"
    )]
    pub beir: Option<PathBuf>,
    /// Evaluate `ask` instead: a folder of judged questions (`*.jsonl`, see
    /// benches/ask/README.md), answered from the articles of --content.
    #[arg(long, value_name = "DIR", requires = "content")]
    pub ask: Option<PathBuf>,
    /// The content folder the questions of --ask are about.
    #[arg(long, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// With --ask: score with `[ask]` of the configuration instead of calibrating.
    #[arg(long, requires = "ask")]
    pub configured: bool,
    /// keyword, semantic, hybrid or all.
    #[arg(long, default_value = "all")]
    pub mode: String,
    /// Which qrels file to judge with.
    #[arg(long, default_value = "test")]
    pub split: String,
    /// Hybrid fusion: rrf[:k] or convex[:semantic-weight] [default: the engine's]
    #[arg(long)]
    pub fusion: Option<Fusion>,
    /// Keep the collection's index in DIR and reuse it on later runs (same
    /// collection and model), so that tuning does not re-embed the corpus.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Print `{"keyword": {"ndcg@10": ...}, ...}` for scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum HarvestSource {
    /// An OAI-PMH endpoint's records (`ListRecords`), e.g. https://zenodo.org/oai2d.
    OaiPmh(OaiPmhArgs),
    /// The DataCite REST API's DOIs matching a query, e.g. https://api.datacite.org.
    Datacite(DataciteArgs),
}

#[derive(Args)]
pub struct OaiPmhArgs {
    /// The endpoint's base URL.
    pub url: String,
    /// Only records of this set, e.g. user-panosc (a Zenodo community).
    #[arg(long)]
    pub set: Option<String>,
    /// The metadata format to ask for (eoskb reads DataCite: oai_datacite).
    #[arg(long, default_value = "oai_datacite")]
    pub metadata_prefix: String,
    /// Only records changed since this date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)
    /// [default: when the last complete harvest into the folder started]
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    #[command(flatten)]
    pub common: HarvestCommon,
}

#[derive(Args)]
pub struct DataciteArgs {
    /// The API's base URL (or its `/dois` endpoint).
    pub url: String,
    /// The search query (DataCite's query syntax), e.g. `client.uid:cern.zenodo`.
    #[arg(long)]
    pub query: String,
    /// Only DOIs of this DataCite repository (client id).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Records per page (at most 1000).
    #[arg(long, default_value_t = 100)]
    pub page_size: u32,
    #[command(flatten)]
    pub common: HarvestCommon,
}

#[derive(Args)]
pub struct HarvestCommon {
    /// The folder to harvest into (one file per record, and a state file).
    #[arg(long, value_name = "DIR")]
    pub into: PathBuf,
    /// Also download the PDFs the records list, beside their records.
    #[arg(long)]
    pub files: bool,
    /// Largest PDF to download, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::harvest::files::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Tries per request before the harvest stops (it can be run again to go on).
    #[arg(long, default_value_t = 6)]
    pub attempts: u32,
}
