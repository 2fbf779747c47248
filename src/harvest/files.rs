//! `--files`: the PDFs a harvested record lists (DataCite `contentUrl`, Zenodo
//! and InvenioRDM file links: whatever the record readers put in
//! `Record.files`), downloaded beside the record with the record's file stem,
//! so that the indexer makes the PDF the record's body (`index/indexer/attach.rs`
//! pairs a PDF with the record of the same stem). Each is capped in size (by
//! `Content-Length` and while streaming) and must start with `%PDF-`; anything
//! else is discarded with a warning and the harvest goes on.

use std::path::Path;

use url::Url;

use super::http::{HttpClient, HttpError};
use super::state::State;
use super::store::Store;
use super::{FileOptions, HarvestError, Summary};
use crate::ingest::ContentFile;
use crate::ingest::records::{read_json, read_xml};

/// The default `--max-file-size`: 64 MB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Most files taken from one record.
const MAX_FILES_PER_RECORD: usize = 20;

/// The URLs of the files a record file lists that may be PDFs: those the record
/// says are PDFs, named `.pdf`, or of unknown type (the download checks).
pub fn listed(dir: &Path, name: &str, bytes: &[u8]) -> Vec<Url> {
    let file = ContentFile {
        root: dir.to_string_lossy().into_owned(),
        rel: name.to_string(),
        abs: dir.join(name),
    };
    let reading = if name.ends_with(".xml") {
        read_xml(&file, bytes)
    } else {
        read_json(&file, bytes)
    };
    let mut urls: Vec<Url> = reading
        .articles
        .iter()
        .filter_map(|a| a.record.as_deref())
        .flat_map(|r| r.files.iter())
        .filter(|f| maybe_pdf(&f.name, f.media_type.as_deref()))
        .filter_map(|f| Url::parse(f.url.as_deref()?).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .collect();
    urls.dedup();
    urls.truncate(MAX_FILES_PER_RECORD);
    urls
}

fn maybe_pdf(name: &str, media_type: Option<&str>) -> bool {
    if let Some(media) = media_type {
        return media.eq_ignore_ascii_case("application/pdf") || media.ends_with("/pdf");
    }
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once('.') {
        Some((_, ext)) => ext.eq_ignore_ascii_case("pdf") || ext.len() > 5,
        None => true,
    }
}

/// The PDF names for a record file: `<stem>.pdf` (paired with the record by
/// stem), then `<stem>.2.pdf`, ...
fn pdf_name(record_file: &str, index: usize) -> String {
    let stem = record_file
        .rsplit_once('.')
        .map_or(record_file, |(stem, _)| stem);
    if index == 0 {
        format!("{stem}.pdf")
    } else {
        format!("{stem}.{}.pdf", index + 1)
    }
}

/// Downloads the PDFs record `id` (in `record_file`) lists. A record that did
/// not change keeps the PDFs it has; failures are warnings.
#[allow(clippy::too_many_arguments)]
pub async fn fetch(
    client: &HttpClient,
    store: &Store,
    state: &mut State,
    id: &str,
    record_file: &str,
    bytes: &[u8],
    changed: bool,
    options: &FileOptions,
    summary: &mut Summary,
) -> Result<(), HarvestError> {
    for (i, url) in listed(store.dir(), record_file, bytes).iter().enumerate() {
        let name = pdf_name(record_file, i);
        if !changed && store.exists(&name) {
            summary.files_skipped += 1;
            continue;
        }
        let tmp = store.partial(&name);
        match client
            .download(url, options.max_size, Some(b"%PDF-"), &tmp)
            .await
        {
            Ok(_) => {
                store.commit(&tmp, &name)?;
                state.add_file(id, &name);
                summary.files_fetched += 1;
            }
            Err(HttpError::Write { path, source }) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(HarvestError::io(path, source));
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                let why = match &e {
                    HttpError::TooLarge { limit, .. } => {
                        format!("larger than --max-file-size ({limit} bytes)")
                    }
                    HttpError::Unexpected { .. } => "not a PDF".into(),
                    other => other.to_string(),
                };
                summary
                    .warnings
                    .push(format!("{url} (listed by {id}): skipped, {why}"));
                summary.files_skipped += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_names_pair_with_their_record() {
        assert_eq!(pdf_name("10.5281_zenodo.1.json", 0), "10.5281_zenodo.1.pdf");
        assert_eq!(pdf_name("a.xml", 1), "a.2.pdf");
        assert!(maybe_pdf("D2a.pdf", None));
        assert!(maybe_pdf("content", None));
        assert!(maybe_pdf("x", Some("application/pdf")));
        assert!(!maybe_pdf("data.zip", None));
        assert!(!maybe_pdf("x.pdf", Some("text/csv")));
    }

    #[test]
    fn content_urls_of_a_datacite_record_are_listed() {
        let record = br#"{"data": {"id": "10.1/x", "attributes": {"doi": "10.1/x",
            "titles": [{"title": "T"}], "types": {"resourceTypeGeneral": "Text"},
            "contentUrl": ["http://127.0.0.1:9/files/D2a.pdf", "http://127.0.0.1:9/data.zip", "ftp://x/y.pdf"]}}}"#;
        let urls = listed(Path::new("h"), "10.1_x.json", record);
        let urls: Vec<&str> = urls.iter().map(Url::as_str).collect();
        assert_eq!(urls, ["http://127.0.0.1:9/files/D2a.pdf"]);
    }
}
