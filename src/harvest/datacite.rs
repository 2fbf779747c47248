//! DataCite REST harvesting: `GET /dois?query=Q&page[cursor]=1&page[size]=N`,
//! following `links.next`, each `data` entry written as `{"data": entry}` (its
//! bytes as received, not re-serialised) to `<doi>.json`, which the DataCite
//! JSON reader reads. A re-harvest adds `updated:[DAY TO *]` to the query, DAY
//! being the day of the newest `updated` the last complete run saw; records
//! whose `updated` did not change are not rewritten.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::value::RawValue;
use url::Url;

use super::http::{ClientOptions, HttpClient};
use super::state::{Change, Checkpoint, Resume, Source, State};
use super::store::Store;
use super::{FileOptions, HarvestError, Summary, files};

/// Largest response page accepted.
pub const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Most pages one run follows.
const MAX_PAGES: usize = 1_000_000;

#[derive(Debug, Clone)]
pub struct DataCiteOptions {
    /// The API's `/dois` endpoint (`https://api.datacite.org/dois`; a bare
    /// API root gets `/dois` added).
    pub endpoint: Url,
    pub query: String,
    pub client_id: Option<String>,
    /// Records per page (DataCite allows up to 1000).
    pub page_size: u32,
    pub into: PathBuf,
    pub files: FileOptions,
    pub client: ClientOptions,
    pub max_page_bytes: u64,
}

impl DataCiteOptions {
    pub fn new(endpoint: Url, query: impl Into<String>, into: PathBuf) -> DataCiteOptions {
        DataCiteOptions {
            endpoint,
            query: query.into(),
            client_id: None,
            page_size: 100,
            into,
            files: FileOptions::default(),
            client: ClientOptions::default(),
            max_page_bytes: MAX_PAGE_BYTES,
        }
    }

    fn dois_url(&self) -> Url {
        let mut url = self.endpoint.clone();
        if !url.path().trim_end_matches('/').ends_with("/dois") {
            let path = format!("{}/dois", url.path().trim_end_matches('/'));
            url.set_path(&path);
        }
        url
    }

    fn source(&self) -> Source {
        Source {
            protocol: "datacite".into(),
            endpoint: self.dois_url().to_string(),
            set: None,
            metadata_prefix: None,
            query: Some(self.query.clone()),
            client_id: self.client_id.clone(),
        }
    }
}

#[derive(Deserialize)]
struct ListPage<'a> {
    #[serde(borrow)]
    data: Vec<&'a RawValue>,
    #[serde(default)]
    links: Links,
}

#[derive(Deserialize, Default)]
struct Links {
    next: Option<String>,
}

#[derive(Deserialize)]
struct EntryHead {
    id: Option<String>,
    #[serde(default)]
    attributes: AttributesHead,
}

#[derive(Deserialize, Default)]
struct AttributesHead {
    doi: Option<String>,
    updated: Option<String>,
}

/// Harvests the query's DOIs into the folder.
pub async fn harvest(options: &DataCiteOptions) -> Result<Summary, HarvestError> {
    let client = HttpClient::new(&options.client)?;
    let store = Store::open(&options.into)?;
    let mut state = State::load(&store, options.source())?;
    let mut summary = Summary::default();
    let run = pages(options, &client, &store, &mut state, &mut summary).await;
    state.finish(&store, run)?;
    Ok(summary)
}

/// The pages of one run; returns the newest `updated` seen.
async fn pages(
    options: &DataCiteOptions,
    client: &HttpClient,
    store: &Store,
    state: &mut State,
    summary: &mut Summary,
) -> Result<Option<String>, HarvestError> {
    let mut checkpoint = Checkpoint::new();
    let first = options.dois_url();

    let (mut url, mut newest) = match state.resume.clone() {
        Some(resume) => match Url::parse(&resume.next) {
            Ok(next) => {
                summary.resumed = true;
                summary.from = resume.from;
                (next, resume.mark)
            }
            Err(_) => (first_page(options, state, summary), None),
        },
        None => (first_page(options, state, summary), None),
    };
    let mut count = 0;
    loop {
        count += 1;
        if count > MAX_PAGES {
            return Err(HarvestError::bad(
                &first,
                format!("more than {MAX_PAGES} pages"),
            ));
        }
        tracing::debug!("GET {url}");
        let bytes = match client.get(&url, options.max_page_bytes).await {
            Ok(bytes) => bytes,
            // An expired cursor of an interrupted run: start that run over.
            Err(e) if summary.resumed && matches!(e.status(), Some(400 | 404 | 410)) => {
                summary.warnings.push(format!(
                    "the interrupted run's next page is gone ({e}); starting over"
                ));
                summary.resumed = false;
                url = first_page(options, state, summary);
                newest = None;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let page: ListPage =
            serde_json::from_slice(&bytes).map_err(|e| HarvestError::bad(&url, e.to_string()))?;
        summary.pages += 1;
        for entry in page.data {
            let head: EntryHead = serde_json::from_str(entry.get())
                .map_err(|e| HarvestError::bad(&url, format!("a DOI entry: {e}")))?;
            let doi = head
                .attributes
                .doi
                .or(head.id)
                .map(|d| d.trim().to_lowercase())
                .filter(|d| !d.is_empty());
            let Some(doi) = doi else {
                summary
                    .warnings
                    .push(format!("{url}: an entry without a DOI; skipped"));
                continue;
            };
            let stamp = head.attributes.updated.unwrap_or_default();
            if stamp > newest.clone().unwrap_or_default() {
                newest = Some(stamp.clone());
            }
            let mut doc = Vec::with_capacity(entry.get().len() + 12);
            doc.extend_from_slice(b"{\"data\": ");
            doc.extend_from_slice(entry.get().as_bytes());
            doc.extend_from_slice(b"}\n");
            let (change, name) = state.put(store, &doi, &stamp, "json", &doc, summary)?;
            if options.files.enabled {
                files::fetch(
                    client,
                    store,
                    state,
                    &doi,
                    &name,
                    &doc,
                    change != Change::Unchanged,
                    &options.files,
                    summary,
                )
                .await?;
            }
        }
        let next = page
            .links
            .next
            .filter(|n| !n.is_empty())
            .map(|n| next_url(&first, &url, &n))
            .transpose()?;
        match next {
            Some(next) => {
                state.resume = Some(Resume {
                    next: next.to_string(),
                    from: summary.from.clone(),
                    mark: newest.clone(),
                });
                checkpoint.maybe(state, store)?;
                url = next;
            }
            None => return Ok(newest),
        }
    }
}

/// The first page's URL: the query, narrowed to what changed since the day of
/// the last complete run when there was one.
fn first_page(options: &DataCiteOptions, state: &State, summary: &mut Summary) -> Url {
    let day: Option<String> = state
        .last_complete
        .as_deref()
        .map(|d| d.chars().take(10).collect());
    let query = match &day {
        Some(day) if options.query.trim().is_empty() => format!("updated:[{day} TO *]"),
        Some(day) => format!("({}) AND updated:[{day} TO *]", options.query),
        None => options.query.clone(),
    };
    summary.from = day;
    let mut url = options.dois_url();
    {
        let mut pairs = url.query_pairs_mut();
        if !query.trim().is_empty() {
            pairs.append_pair("query", &query);
        }
        if let Some(client) = &options.client_id {
            pairs.append_pair("client-id", client);
        }
        pairs.append_pair("page[cursor]", "1");
        pairs.append_pair("page[size]", &options.page_size.clamp(1, 1000).to_string());
    }
    url
}

/// `links.next`, which must stay on the API's host: a response cannot send
/// the harvester elsewhere.
fn next_url(first: &Url, current: &Url, next: &str) -> Result<Url, HarvestError> {
    let url = current
        .join(next)
        .map_err(|e| HarvestError::bad(current, format!("links.next `{next}`: {e}")))?;
    if url.origin() != first.origin() {
        return Err(HarvestError::bad(
            current,
            format!("links.next leaves the API's host: {url}"),
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_stay_on_the_api_host_and_re_harvests_narrow_the_query() {
        let first = Url::parse("http://127.0.0.1:9/dois?query=x").unwrap();
        assert!(
            next_url(
                &first,
                &first,
                "http://127.0.0.1:9/dois?page%5Bcursor%5D=abc"
            )
            .is_ok()
        );
        assert!(next_url(&first, &first, "/dois?page%5Bcursor%5D=abc").is_ok());
        assert!(next_url(&first, &first, "http://example.org/dois").is_err());

        let options = DataCiteOptions::new(
            Url::parse("http://127.0.0.1:9").unwrap(),
            "client.uid:cern.zenodo",
            PathBuf::from("h"),
        );
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let mut state = State::load(&store, options.source()).unwrap();
        let mut summary = Summary::default();
        let url = first_page(&options, &state, &mut summary);
        assert_eq!(url.path(), "/dois");
        assert_eq!(
            url.query(),
            Some("query=client.uid%3Acern.zenodo&page%5Bcursor%5D=1&page%5Bsize%5D=100")
        );
        state.last_complete = Some("2022-09-13T10:16:19Z".into());
        let url = first_page(&options, &state, &mut summary);
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            query[0].1,
            "(client.uid:cern.zenodo) AND updated:[2022-09-13 TO *]"
        );
        assert_eq!(summary.from.as_deref(), Some("2022-09-13"));
    }
}
