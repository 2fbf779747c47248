//! OAI-PMH `ListRecords` harvesting: pages followed by resumption token, each
//! record written as its own file as soon as its page arrives; the state (with
//! the token to go on with) is saved every few seconds and whenever a run ends
//! or fails. A re-harvest asks `from` the `responseDate` of the
//! last complete run (so only what changed comes back); a run that failed goes
//! on with its saved token, or starts over from its own `from` if the server
//! no longer knows the token. Deleted records (`status="deleted"`) lose their
//! file.

use std::path::PathBuf;

use url::Url;

use super::http::{ClientOptions, HttpClient};
use super::oai_page::Page;
use super::state::{Change, Checkpoint, Resume, Source, State};
use super::store::Store;
use super::{FileOptions, HarvestError, Summary, files};

/// Largest response page accepted.
pub const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Most pages one run follows (a server whose tokens never end).
const MAX_PAGES: usize = 1_000_000;

/// What to harvest, and where to.
#[derive(Debug, Clone)]
pub struct OaiOptions {
    /// The endpoint (`https://zenodo.org/oai2d`).
    pub endpoint: Url,
    pub set: Option<String>,
    pub metadata_prefix: String,
    /// Ask only for records changed since this date (instead of the last
    /// complete run's `responseDate`).
    pub from: Option<String>,
    pub into: PathBuf,
    pub files: FileOptions,
    pub client: ClientOptions,
    pub max_page_bytes: u64,
}

impl OaiOptions {
    pub fn new(endpoint: Url, into: PathBuf) -> OaiOptions {
        OaiOptions {
            endpoint,
            set: None,
            metadata_prefix: "oai_datacite".into(),
            from: None,
            into,
            files: FileOptions::default(),
            client: ClientOptions::default(),
            max_page_bytes: MAX_PAGE_BYTES,
        }
    }

    fn source(&self) -> Source {
        Source {
            protocol: "oai-pmh".into(),
            endpoint: self.endpoint.to_string(),
            set: self.set.clone(),
            metadata_prefix: Some(self.metadata_prefix.clone()),
            query: None,
            client_id: None,
        }
    }
}

/// The next request of a run.
enum Request {
    First { from: Option<String> },
    Token(String),
}

/// Harvests the endpoint into the folder; the summary says what changed.
/// On error every record written so far stays, and the state says how to go on.
pub async fn harvest(options: &OaiOptions) -> Result<Summary, HarvestError> {
    let client = HttpClient::new(&options.client)?;
    let store = Store::open(&options.into)?;
    let mut state = State::load(&store, options.source())?;
    let mut summary = Summary::default();
    let run = pages(options, &client, &store, &mut state, &mut summary).await;
    state.finish(&store, run)?;
    Ok(summary)
}

/// The pages of one run; returns the `responseDate` that marks it complete.
async fn pages(
    options: &OaiOptions,
    client: &HttpClient,
    store: &Store,
    state: &mut State,
    summary: &mut Summary,
) -> Result<Option<String>, HarvestError> {
    let mut checkpoint = Checkpoint::new();
    let (mut request, mut run_from, mut mark) = match state.resume.clone() {
        // An interrupted run of the same source: go on where it stopped (a
        // `--from` given now starts a new run instead).
        Some(resume) if options.from.is_none() => {
            summary.resumed = true;
            (Request::Token(resume.next), resume.from, resume.mark)
        }
        _ => {
            let from = options.from.clone().or_else(|| state.last_complete.clone());
            (Request::First { from: from.clone() }, from, None)
        }
    };
    summary.from = run_from.clone();
    let mut count = 0;
    loop {
        count += 1;
        if count > MAX_PAGES {
            return Err(HarvestError::bad(
                &options.endpoint,
                format!("more than {MAX_PAGES} pages"),
            ));
        }
        let url = request_url(options, &request);
        tracing::debug!("GET {url}");
        let bytes = client.get(&url, options.max_page_bytes).await?;
        let page = Page::parse(&bytes).map_err(|reason| HarvestError::bad(&url, reason))?;
        summary.pages += 1;
        if mark.is_none() {
            mark = page.response_date.clone();
        }
        let codes = page.error_codes();
        if codes.contains(&"noRecordsMatch") {
            return Ok(mark);
        }
        if let Some(error) = page.errors.first() {
            match (&request, error.code.as_str()) {
                // The saved token expired: start the interrupted run over.
                (Request::Token(_), "badResumptionToken") if summary.resumed => {
                    summary.warnings.push(format!(
                        "the resumption token of the interrupted run has expired ({}); starting over",
                        error.message
                    ));
                    summary.resumed = false;
                    request = Request::First {
                        from: run_from.clone(),
                    };
                    mark = None;
                    continue;
                }
                // A repository with day granularity refuses seconds.
                (Request::First { from: Some(from) }, "badArgument") if from.len() > 10 => {
                    let day: String = from.chars().take(10).collect();
                    summary.warnings.push(format!(
                        "the endpoint refused from={from} ({}); asking from={day}",
                        error.message
                    ));
                    run_from = Some(day.clone());
                    summary.from = run_from.clone();
                    request = Request::First { from: Some(day) };
                    mark = None;
                    continue;
                }
                _ => {
                    return Err(HarvestError::Oai {
                        code: error.code.clone(),
                        message: error.message.clone(),
                    });
                }
            }
        }
        for record in &page.records {
            let Some(id) = record.identifier.as_deref().filter(|i| !i.is_empty()) else {
                summary
                    .warnings
                    .push(format!("{url}: a record without an identifier; skipped"));
                continue;
            };
            if record.deleted {
                state.delete(store, id, "xml", summary)?;
                continue;
            }
            let doc = page.document(record);
            let stamp = record.datestamp.clone().unwrap_or_default();
            let (change, name) = state.put(store, id, &stamp, "xml", &doc, summary)?;
            if options.files.enabled {
                let changed = change != Change::Unchanged;
                files::fetch(
                    client,
                    store,
                    state,
                    id,
                    &name,
                    &doc,
                    changed,
                    &options.files,
                    summary,
                )
                .await?;
            }
        }
        match page.token.clone() {
            Some(token) => {
                // A failure from here on goes on with this token.
                state.resume = Some(Resume {
                    next: token.clone(),
                    from: run_from.clone(),
                    mark: mark.clone(),
                });
                checkpoint.maybe(state, store)?;
                request = Request::Token(token);
            }
            None => return Ok(mark),
        }
    }
}

fn request_url(options: &OaiOptions, request: &Request) -> Url {
    let mut url = options.endpoint.clone();
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("verb", "ListRecords");
        match request {
            Request::Token(token) => {
                query.append_pair("resumptionToken", token);
            }
            Request::First { from } => {
                query.append_pair("metadataPrefix", &options.metadata_prefix);
                if let Some(set) = &options.set {
                    query.append_pair("set", set);
                }
                if let Some(from) = from {
                    query.append_pair("from", from);
                }
            }
        }
    }
    url
}
