//! The item a PDF gives: what the file and its Info dictionary say (the
//! article's metadata and its record).

use std::collections::{BTreeMap, HashSet};

use sha2::{Digest, Sha256};

use super::clean;
use super::info::{self, Info};
use crate::ingest::{ContentFile, Diagnostic, Reading, file_item, file_name_words};
use crate::model::{Agent, Article, Author, FileRef, Record};

/// The item for a file whose content is encrypted with a password: its name
/// as title and its file record, so that metadata beside it still has an item.
pub fn encrypted(file: &ContentFile, bytes: &[u8], diagnostics: Vec<Diagnostic>) -> Reading {
    let mut article = bare_article(file, file_ref(file, bytes), &Info::default());
    article
        .extra
        .insert("encrypted".into(), serde_json::Value::Bool(true));
    Reading {
        articles: vec![article],
        diagnostics,
    }
}

/// An item with what the file and its Info dictionary say, before any text:
/// the file name as title, authors, keywords, date, the record.
pub fn bare_article(file: &ContentFile, file_ref: FileRef, info: &Info) -> Article {
    let authors: Vec<String> = info
        .get("Author")
        .map(|a| {
            a.split(';')
                .map(clean::plain)
                .filter(|a| !a.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let keywords: Vec<String> = info
        .get("Keywords")
        .map(|k| {
            let mut seen = HashSet::new();
            k.split([',', ';'])
                .map(clean::plain)
                .filter(|k| !k.is_empty() && seen.insert(k.to_lowercase()))
                .collect()
        })
        .unwrap_or_default();
    let created = info.get("CreationDate").and_then(info::iso_date);
    let updated = info
        .get("ModDate")
        .and_then(info::iso_date)
        .or_else(|| created.clone());
    // Title and Subject stay here until the caller uses them; dates stay as
    // written (with their time of day) besides `updated`.
    let extra: BTreeMap<String, serde_json::Value> = info.unmapped(&["Author", "Keywords"]);
    let record = Record {
        format: "pdf".into(),
        creators: authors
            .iter()
            .map(|name| Agent {
                name: name.clone(),
                ..Agent::default()
            })
            .collect(),
        keywords: keywords.clone(),
        // The file's creation is the nearest a PDF comes to an issue date.
        issued: created,
        files: vec![file_ref],
        ..Record::default()
    };
    Article {
        kind: Some("document".into()),
        tags: keywords,
        authors: authors
            .into_iter()
            .map(|name| Author { name, orcid: None })
            .collect(),
        updated,
        extra,
        ..file_item(file, file_name_words(&file.rel), record)
    }
}

pub fn file_ref(file: &ContentFile, bytes: &[u8]) -> FileRef {
    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel).to_string();
    FileRef {
        name,
        url: None,
        size: u64::try_from(bytes.len()).ok(),
        checksum: Some(format!("sha256:{}", hex::encode(Sha256::digest(bytes)))),
        media_type: Some("application/pdf".into()),
    }
}
