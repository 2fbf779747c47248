//! Project configuration (`eoskb.toml`): the base IRI of the knowledge base's own
//! resources, the CURIE prefixes that front matter and term lookups expand, the
//! SPARQL endpoint's limits and the query log's. Every setting has a built-in
//! default, so the file is optional. Owns parsing and CURIE expansion; knows
//! nothing of indexes or HTTP.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::settings::{AskParams, QueryOptions};
use crate::vocab;

/// Default base IRI for articles, authors and the content graph. `example.org` is
/// reserved for documentation, so nothing here ever claims a real domain by accident;
/// a deployment sets its own in `eoskb.toml`.
pub const DEFAULT_BASE_IRI: &str = "https://eoskb.example.org/";

/// The prefixes every knowledge base knows besides the standard vocabularies'
/// ([`vocab::STANDARD_PREFIXES`]): the photon and neutron ontologies' and
/// eoskb's own. `eoskb.toml` adds or overrides.
pub const ONTOLOGY_PREFIXES: &[(&str, &str)] = &[
    ("PaNET", "http://purl.org/pan-science/PaNET/"),
    ("nexus", "http://purl.org/nexusformat/definitions/"),
    ("NeXus", "http://purl.org/nexusformat/definitions/"),
    ("EDAM", "http://edamontology.org/"),
    ("edam", "http://edamontology.org/"),
    ("ESRFET", "http://purl.org/pan-science/ESRFET#"),
    ("eoskb", vocab::EOSKB),
];

/// Second spellings of built-in prefixes: they expand, but CURIEs are written with
/// the first spelling so that one term always gets the same CURIE.
const ALIASES: &[&str] = &["NeXus", "edam"];

/// Errors reading `eoskb.toml`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Base IRI of articles (`{base}article/{id}`), authors and the content graph.
    pub base_iri: String,
    /// CURIE prefixes (added to, and overriding, the built-in ones).
    pub prefixes: BTreeMap<String, String>,
    pub sparql: SparqlConfig,
    pub search: SearchConfig,
    /// External ontologies the content's terms come from (`[[sources]]`).
    pub sources: Vec<OntologySource>,
    pub check: CheckConfig,
    pub index: IndexConfig,
    /// How `ask` scores passages and when it answers (`[ask]`).
    pub ask: AskParams,
    pub log: LogConfig,
    pub server: ServerConfig,
}

/// Limits of `eoskb serve` that keep slow, idle or greedy clients from holding
/// its connections and threads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Time limit of one request on every route but `/sparql` (which has its own).
    pub request_timeout_secs: f64,
    /// Time a client may take to send a request's headers, and to start the
    /// next request on a kept-alive connection (an idle one is closed then).
    pub header_read_timeout_secs: f64,
    /// Connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// Searches, asks and term look-ups computed at once.
    pub max_running: usize,
    /// More that may wait for one of those; beyond it requests get 503 `busy`.
    pub max_queued: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            request_timeout_secs: 30.0,
            header_read_timeout_secs: 10.0,
            max_connections: 1024,
            max_running: 8,
            max_queued: 256,
        }
    }
}

impl ServerConfig {
    fn validate(&self) -> Result<(), String> {
        if !(1..=1024).contains(&self.max_running) {
            return Err(format!(
                "server.max_running: {} is not between 1 and 1024",
                self.max_running
            ));
        }
        if !(1..=65_536).contains(&self.max_connections) {
            return Err(format!(
                "server.max_connections: {} is not between 1 and 65536",
                self.max_connections
            ));
        }
        if self.max_queued > 100_000 {
            return Err(format!(
                "server.max_queued: {} is above the maximum of 100000",
                self.max_queued
            ));
        }
        Ok(())
    }
    pub fn request_timeout(&self) -> Duration {
        seconds(self.request_timeout_secs)
    }
    pub fn header_read_timeout(&self) -> Duration {
        seconds(self.header_read_timeout_secs)
    }
}

/// A duration from configured seconds, kept within sane bounds (a typo of
/// `0` or `1e12` must not disable a limit or overflow a timer).
fn seconds(value: f64) -> Duration {
    Duration::from_secs_f64(if value.is_finite() { value } else { 60.0 }.clamp(0.001, 86_400.0))
}

/// The query log (`<data>/logs/`) and the gaps report read from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// Whether `serve` logs searches, asks and feedback (query text, never who asked).
    pub enabled: bool,
    /// A log file is rotated when the next line would take it past this size.
    pub max_file_bytes: u64,
    /// Files kept per log (the live one included): the oldest is deleted on rotation.
    pub max_files: usize,
    /// A semantic, hybrid or ask event whose best cosine similarity is below this
    /// counts as low-scoring in the gaps report (BM25 scores are not comparable
    /// across queries, so keyword searches count only when they found nothing).
    pub low_similarity: f32,
    /// Questions whose embeddings are at least this similar are one gap.
    pub group_similarity: f32,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            enabled: true,
            max_file_bytes: 8 * 1024 * 1024,
            max_files: 4,
            low_similarity: 0.35,
            group_similarity: 0.8,
        }
    }
}

impl LogConfig {
    fn validate(&self) -> Result<(), String> {
        if !(1..=1000).contains(&self.max_files) {
            return Err(format!(
                "log.max_files: {} is not between 1 and 1000",
                self.max_files
            ));
        }
        if self.max_file_bytes < 1024 {
            return Err(format!(
                "log.max_file_bytes: {} is below the minimum of 1024",
                self.max_file_bytes
            ));
        }
        for (name, value) in [
            ("low_similarity", self.low_similarity),
            ("group_similarity", self.group_similarity),
        ] {
            if !(-1.0..=1.0).contains(&value) {
                return Err(format!(
                    "log.{name}: {value} is not a cosine similarity (-1 to 1)"
                ));
            }
        }
        Ok(())
    }
}

/// Settings of `eoskb check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckConfig {
    /// An article whose `updated` date is older than this many days is stale (a warning).
    pub stale_after_days: u32,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            stale_after_days: 730,
        }
    }
}

/// The largest file `index` and `check` read, by default: ample for any article
/// or ontology (and the PDFs to come), small enough that a stray dump cannot
/// take the machine's memory.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Settings of `eoskb index` (and the file rules `eoskb check` shares with it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndexConfig {
    /// Larger files are reported and skipped, never read.
    pub max_file_bytes: u64,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// An external ontology: where it is canonically published and where a copy is
/// on this machine. eoskb never downloads it; `index` loads `path` when it exists
/// and otherwise warns once that the ontology's terms cannot be verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OntologySource {
    /// A short name for messages (`PaNET`).
    pub name: String,
    /// The ontology's IRI.
    pub iri: String,
    /// Where to download it from (for people; never fetched by eoskb).
    #[serde(default)]
    pub url: Option<String>,
    /// A local file or folder with a copy, relative to the working folder.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// The CURIE prefix of its terms in front matter (`PaNET`).
    #[serde(default)]
    pub prefix: Option<String>,
}

impl OntologySource {
    /// The local copy, when there is one.
    pub fn available_path(&self) -> Option<&Path> {
        self.path.as_deref().filter(|p| p.exists())
    }

    /// What to tell the user when the local copy is missing.
    pub fn unavailable_message(&self) -> String {
        let place = match &self.path {
            Some(p) => format!("not found at {}", p.display()),
            None => "configured without a local `path`".into(),
        };
        let prefix = match &self.prefix {
            Some(p) => format!("`{p}:` terms"),
            None => "its terms".into(),
        };
        let fetch = match &self.url {
            Some(url) => format!("; download it from {url} and set `path`"),
            None => "; set `path` to a local copy".into(),
        };
        format!(
            "ontology source `{}` <{}> is {place}: {prefix} are not verified{fetch}",
            self.name, self.iri
        )
    }
}

/// Ranking settings of hybrid search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// How keyword and semantic lists are fused: `rrf[:k]` (reciprocal rank fusion
    /// with constant k, default 60) or `convex[:w]` (min-max normalised scores,
    /// semantic weight w, default 0.5).
    pub fusion: String,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            fusion: "convex:0.5".into(),
        }
    }
}

impl SearchConfig {
    /// The fusion to use (validated when the configuration is parsed).
    pub fn fusion(&self) -> crate::settings::Fusion {
        self.fusion.parse().unwrap_or_default()
    }
}

/// Limits of the SPARQL endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SparqlConfig {
    /// Per-query time limit in seconds.
    pub timeout_secs: f64,
    /// Most result rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one query may return.
    pub max_rows: usize,
    /// Whether the default graph is the union of all graphs (else it is empty).
    pub union_default_graph: bool,
    /// Most bytes one serialised result may take (422 above it): rows alone do
    /// not bound it, a row can hold a whole literal.
    pub max_result_bytes: usize,
    /// Address space each worker process may use (`RLIMIT_AS`), so that a
    /// runaway query kills only its worker; 0 sets no limit.
    pub worker_memory_bytes: u64,
}

impl Default for SparqlConfig {
    fn default() -> Self {
        SparqlConfig {
            timeout_secs: 10.0,
            max_rows: 100_000,
            union_default_graph: true,
            max_result_bytes: 32 << 20,
            worker_memory_bytes: 4 << 30,
        }
    }
}

impl SparqlConfig {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_secs.clamp(0.001, 3600.0))
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base_iri: DEFAULT_BASE_IRI.into(),
            prefixes: BTreeMap::new(),
            sparql: SparqlConfig::default(),
            search: SearchConfig::default(),
            sources: Vec::new(),
            check: CheckConfig::default(),
            index: IndexConfig::default(),
            ask: AskParams::default(),
            log: LogConfig::default(),
            server: ServerConfig::default(),
        }
    }
}

/// Name of the optional configuration file at the project root.
pub const FILE_NAME: &str = "eoskb.toml";

impl Config {
    /// The settings the query layer answers with.
    pub fn query_options(&self) -> QueryOptions {
        QueryOptions {
            fusion: self.search.fusion(),
            ask: self.ask,
        }
    }

    /// Reads `path`, or `eoskb.toml` in the working folder if `path` is `None` and
    /// the file exists; otherwise the defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, Error> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(FILE_NAME), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default());
            }
            Err(source) => return Err(Error::Io { path, source }),
        };
        Config::parse(&text).map_err(|message| Error::Invalid { path, message })
    }

    /// Parses the TOML text of a configuration file.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if oxigraph::model::NamedNode::new(&config.base_iri).is_err()
            || !(config.base_iri.ends_with('/') || config.base_iri.ends_with('#'))
        {
            return Err(format!(
                "base_iri `{}` must be an absolute IRI ending in `/` or `#`",
                config.base_iri
            ));
        }
        config
            .search
            .fusion
            .parse::<crate::settings::Fusion>()
            .map_err(|e| format!("search.fusion: {e}"))?;
        config.log.validate()?;
        config.server.validate()?;
        if config.index.max_file_bytes == 0 {
            return Err("index.max_file_bytes: must be at least 1".into());
        }
        for (prefix, ns) in &config.prefixes {
            if oxigraph::model::NamedNode::new(ns).is_err() {
                return Err(format!("prefix `{prefix}`: `{ns}` is not an absolute IRI"));
            }
        }
        Ok(config)
    }

    /// The effective prefix table: the built-in prefixes, then the configured ones.
    pub fn prefix_map(&self) -> PrefixMap {
        let mut map: BTreeMap<String, String> = vocab::STANDARD_PREFIXES
            .iter()
            .chain(ONTOLOGY_PREFIXES)
            .map(|(p, n)| (p.to_string(), n.to_string()))
            .collect();
        map.extend(self.prefixes.clone());
        PrefixMap { map }
    }

    /// IRI of the named graph holding the articles.
    pub fn content_graph(&self) -> String {
        format!("{}graph/content", self.base_iri)
    }

    /// IRI of an article.
    pub fn article_iri(&self, id: &str) -> String {
        article_iri(&self.base_iri, id)
    }
}

/// IRI of an article under a base IRI.
pub fn article_iri(base_iri: &str, id: &str) -> String {
    format!("{base_iri}article/{}", iri_path(id))
}

/// Percent-encodes what may not appear in an IRI path segment (ids are slugs, but
/// ids from other knowledge bases may hold anything).
pub fn iri_path(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_alphanumeric() || "-._~/".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// CURIE prefixes and their namespaces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PrefixMap {
    pub map: BTreeMap<String, String>,
}

/// Why a term reference could not become an IRI.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpandError {
    UnknownPrefix(String),
    NotAnIri(String),
}

impl PrefixMap {
    /// Turns a CURIE (`PaNET:PaNET01188`) or an absolute IRI (`http://...`,
    /// `<http://...>`) into an IRI.
    pub fn expand(&self, reference: &str) -> Result<String, ExpandError> {
        let reference = reference.trim();
        let bare = reference
            .strip_prefix('<')
            .and_then(|r| r.strip_suffix('>'))
            .unwrap_or(reference);
        if bare.starts_with("http://") || bare.starts_with("https://") || bare.starts_with("urn:") {
            return oxigraph::model::NamedNode::new(bare)
                .map(|n| n.into_string())
                .map_err(|_| ExpandError::NotAnIri(reference.into()));
        }
        let Some((prefix, local)) = bare.split_once(':') else {
            return Err(ExpandError::NotAnIri(reference.into()));
        };
        let ns = self
            .map
            .get(prefix)
            .ok_or_else(|| ExpandError::UnknownPrefix(prefix.into()))?;
        let iri = format!("{ns}{local}");
        oxigraph::model::NamedNode::new(&iri)
            .map(|n| n.into_string())
            .map_err(|_| ExpandError::NotAnIri(reference.into()))
    }

    /// The shortest CURIE for an IRI, preferring the longest namespace.
    pub fn compact(&self, iri: &str) -> Option<String> {
        self.map
            .iter()
            .filter(|(p, ns)| {
                !ALIASES.contains(&p.as_str())
                    && iri.starts_with(ns.as_str())
                    && iri.len() > ns.len()
            })
            .max_by_key(|(p, ns)| (ns.len(), std::cmp::Reverse(p.len())))
            .map(|(p, ns)| format!("{p}:{}", &iri[ns.len()..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_configuration_parses() {
        let config = Config::parse(include_str!("../eoskb.toml")).unwrap();
        let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["PaNET", "NeXus", "EDAM"]);
        // Each source's prefix is one front matter can use.
        let map = config.prefix_map();
        for source in &config.sources {
            let prefix = source.prefix.as_deref().unwrap();
            assert!(map.expand(&format!("{prefix}:x")).is_ok(), "{prefix}");
        }
    }

    #[test]
    fn defaults_expand_and_compact() {
        let map = Config::default().prefix_map();
        assert_eq!(
            map.expand("PaNET:PaNET01188").unwrap(),
            "http://purl.org/pan-science/PaNET/PaNET01188"
        );
        assert_eq!(
            map.expand("nexus:NXsample").unwrap(),
            "http://purl.org/nexusformat/definitions/NXsample"
        );
        assert_eq!(
            map.expand("Foo:bar"),
            Err(ExpandError::UnknownPrefix("Foo".into()))
        );
        assert_eq!(
            map.compact("http://edamontology.org/topic_0089").as_deref(),
            Some("EDAM:topic_0089")
        );
    }

    #[test]
    fn search_fusion_is_read_and_checked() {
        let c = Config::parse("[search]\nfusion = \"rrf:20\"\n").unwrap();
        assert_eq!(c.search.fusion(), crate::settings::Fusion::Rrf { k: 20.0 });
        assert_eq!(
            Config::default().search.fusion(),
            crate::settings::Fusion::default()
        );
        let err = Config::parse("[search]\nfusion = \"magic\"\n").unwrap_err();
        assert!(err.contains("search.fusion"), "{err}");
    }

    #[test]
    fn file_overrides_and_rejects_bad_values() {
        let c = Config::parse(
            "base_iri = \"https://kb.example.com/\"\n[prefixes]\nex = \"http://ex.org/\"\n[sparql]\nmax_rows = 5\n",
        )
        .unwrap();
        assert_eq!(c.sparql.max_rows, 5);
        assert_eq!(c.sparql.timeout_secs, 10.0);
        assert_eq!(c.prefix_map().expand("ex:a").unwrap(), "http://ex.org/a");
        assert_eq!(c.article_iri("a b"), "https://kb.example.com/article/a%20b");
        assert!(Config::parse("base_iri = \"nope\"").is_err());
        assert!(Config::parse("unknown = 1").is_err());
        let c = Config::parse("[check]\nstale_after_days = 30\n").unwrap();
        assert_eq!(c.check.stale_after_days, 30);
        assert_eq!(Config::default().check.stale_after_days, 730);
    }

    #[test]
    fn index_file_size_limit_is_read_and_checked() {
        assert_eq!(
            Config::default().index.max_file_bytes,
            DEFAULT_MAX_FILE_BYTES
        );
        let c = Config::parse("[index]\nmax_file_bytes = 1000\n").unwrap();
        assert_eq!(c.index.max_file_bytes, 1000);
        assert!(Config::parse("[index]\nmax_file_bytes = 0\n").is_err());
        assert!(Config::parse("[index]\nmax_bytes = 5\n").is_err());
    }

    #[test]
    fn log_section_is_read_and_checked() {
        let c = Config::parse("[log]\nenabled = false\nmax_files = 2\n").unwrap();
        assert!(!c.log.enabled);
        assert_eq!(c.log.max_files, 2);
        assert_eq!(c.log.max_file_bytes, LogConfig::default().max_file_bytes);
        for bad in [
            "[log]\nmax_files = 0\n",
            "[log]\nmax_file_bytes = 10\n",
            "[log]\nlow_similarity = 3.0\n",
            "[log]\nretention = 5\n",
        ] {
            assert!(Config::parse(bad).is_err(), "{bad}");
        }
    }
}
