//! PDF files (deliverables, reports, slide decks, posters) into one item each.
//!
//! lopdf parses the file; pdf-extract, over the same parsed document, draws each
//! page's text into lines ([`layout`]) under the guards of [`extract`]; [`clean`]
//! makes paragraphs of them; the outline ([`outline`]) cuts them into sections
//! ([`sections`]); [`describe`] picks the title, kind and summary; the Info
//! dictionary ([`info`]) gives authors, keywords and dates.
//!
//! A file that cannot be used is a diagnostic, never a panic: not a PDF, empty,
//! truncated or corrupt (error, no item); encrypted with a password (warning, an
//! item with the file name as title, so a record beside it keeps its metadata;
//! a file encrypted with the empty password, as "no copying" PDFs are, is read
//! as usual); no text layer (warning, an item without sections); pages that
//! make pdf-extract fail (warning, the other pages are kept); more pages or text
//! than [`PdfLimits`] allows (warning, the rest is not read).
//!
//! A pdf-extract panic is caught per page and does not print (see
//! [`quiet_panic`]). Streams are inflated by lopdf without a size bound: a
//! deflate bomb inside the allowed file size costs memory (the file size limit of
//! `ingest::guard` bounds it only by the compression ratio).

mod clean;
mod describe;
mod extract;
mod info;
mod layout;
mod outline;
mod quiet_panic;
mod sections;

use std::collections::{BTreeMap, HashMap};

use lopdf::{Document, ObjectId};
use sha2::{Digest, Sha256};

use crate::ingest::{ContentFile, Diagnostic, Reading, path_slug};
use crate::model::{Agent, Article, Author, FileRef, Record, Section, SourceRef};

use clean::Paragraph;
use extract::PageOutcome;
use info::Info;

/// How much of one PDF is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfLimits {
    /// Pages after this many are not read (a warning says so).
    pub max_pages: usize,
    /// Text extraction stops once this many bytes of text are collected.
    pub max_text_bytes: usize,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits {
            max_pages: 2000,
            max_text_bytes: 16 << 20,
        }
    }
}

/// Whether the bytes are a PDF: `%PDF-` within the first 1024 bytes, where the
/// format allows the header to be.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = bytes.get(..1024).unwrap_or(bytes);
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Reads one PDF into one item, with [`PdfLimits::default`].
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    read_with(file, bytes, &PdfLimits::default())
}

/// Individual page failures reported before they are summed up in one warning.
const MAX_PAGE_WARNINGS: usize = 5;

/// Reads one PDF into one item within `limits`.
pub fn read_with(file: &ContentFile, bytes: &[u8], limits: &PdfLimits) -> Reading {
    let display = file.display();
    if bytes.is_empty() {
        return Reading::failed(Diagnostic::error(&display, 0, "empty file, not a PDF"));
    }
    if !sniff(bytes) {
        return Reading::failed(Diagnostic::error(
            &display,
            0,
            "not a PDF: no %PDF- header in the first 1024 bytes",
        ));
    }
    let truncated = !has_eof_marker(bytes);
    let mut doc = match quiet_panic::catch(|| Document::load_mem(bytes)) {
        Ok(Ok(doc)) => doc,
        // lopdf fails on some encryption dictionaries it cannot handle.
        Ok(Err(_)) if declares_encryption(bytes) => {
            let diagnostic = Diagnostic::warning(&display, 0, "encrypted PDF: text not indexed");
            return encrypted(file, bytes, vec![diagnostic]);
        }
        Ok(Err(e)) if truncated => {
            return Reading::failed(Diagnostic::error(
                &display,
                0,
                format!("truncated PDF (no %%EOF at the end): {e}"),
            ));
        }
        Ok(Err(e)) => {
            return Reading::failed(Diagnostic::error(&display, 0, format!("corrupt PDF: {e}")));
        }
        Err(panic) => {
            return Reading::failed(Diagnostic::error(
                &display,
                0,
                format!("corrupt PDF: the parser failed ({panic})"),
            ));
        }
    };
    let mut diagnostics = Vec::new();
    if truncated {
        diagnostics.push(Diagnostic::warning(
            &display,
            0,
            "truncated PDF (no %%EOF at the end): only what precedes the cut is read",
        ));
    }
    if doc.is_encrypted() {
        diagnostics.push(Diagnostic::warning(
            &display,
            0,
            "encrypted PDF: text not indexed",
        ));
        return encrypted(file, bytes, diagnostics);
    }
    extract::blank_images(&mut doc);

    let info = info::read(&doc);
    let all_pages: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    if all_pages.len() > limits.max_pages {
        diagnostics.push(Diagnostic::warning(
            &display,
            0,
            format!(
                "PDF has {} pages; only the first {} are read",
                all_pages.len(),
                limits.max_pages
            ),
        ));
    }
    let pages = all_pages.get(..limits.max_pages).unwrap_or(&all_pages);
    let extraction = extract::pages(&doc, pages, limits.max_text_bytes);
    report_pages(&display, &extraction, limits, &mut diagnostics);

    let paragraphs = clean::paragraphs(&extraction.pages);
    let has_text = paragraphs.iter().any(|p| !p.is_empty());
    if !has_text && !pages.is_empty() {
        diagnostics.push(Diagnostic::warning(
            &display,
            0,
            "no text layer (scanned or image-only PDF?)",
        ));
    }
    let page_numbers: HashMap<ObjectId, u32> = all_pages.iter().map(|&(n, id)| (id, n)).collect();
    let outline = outline::read(&doc, &page_numbers);

    let first_page: &[Paragraph] = paragraphs.first().map_or(&[], Vec::as_slice);
    let info_title = info.get("Title").and_then(describe::meaningful_title);
    let title = info_title
        .clone()
        .or_else(|| describe::title_from_first_page(first_page))
        .unwrap_or_else(|| describe::title_from_file_name(&file.rel));
    let kind = describe::kind(&title, first_page, &info, &extraction.pages);

    let resolved = outline.iter().any(|e| e.page.is_some());
    let sections = if resolved {
        sections::from_outline(&title, &outline, &paragraphs)
    } else {
        sections::per_page(&paragraphs)
    };
    let summary = describe::summary(
        info.get("Subject"),
        sections
            .iter()
            .flat_map(|s| s.text.lines().map(str::to_string)),
        &title,
    );

    let mut article = bare_article(file, file_ref(file, bytes), &info);
    article.title = title;
    article.kind = Some(kind.to_string());
    article.summary = summary;
    article.markdown = markdown(&sections);
    article.sections = sections;
    if info_title.is_some() {
        article.extra.remove("Title");
    }
    if info.get("Subject").is_some() {
        article.extra.remove("Subject");
    }
    article
        .extra
        .insert("pages".into(), serde_json::Value::from(all_pages.len()));
    article.extra.insert(
        "pdf_version".into(),
        serde_json::Value::from(doc.version.clone()),
    );
    if !outline.is_empty() {
        article.extra.insert(
            "outline_entries".into(),
            serde_json::Value::from(outline.len()),
        );
    }
    Reading {
        articles: vec![article],
        diagnostics,
    }
}

/// The item for a file whose content is encrypted with a password: its name
/// as title and its file record, so that metadata beside it still has an item.
fn encrypted(file: &ContentFile, bytes: &[u8], diagnostics: Vec<Diagnostic>) -> Reading {
    let mut article = bare_article(file, file_ref(file, bytes), &Info::default());
    article
        .extra
        .insert("encrypted".into(), serde_json::Value::Bool(true));
    Reading {
        articles: vec![article],
        diagnostics,
    }
}

/// Whether the file has an encryption dictionary (`/Encrypt` in a trailer or
/// cross-reference stream).
fn declares_encryption(bytes: &[u8]) -> bool {
    bytes.windows(8).any(|w| w == b"/Encrypt")
}

/// An item with what the file and its Info dictionary say, before any text:
/// the file name as title, authors, keywords, date, the record.
fn bare_article(file: &ContentFile, file_ref: FileRef, info: &Info) -> Article {
    let authors: Vec<String> = info
        .get("Author")
        .map(|a| {
            a.split(';')
                .map(clean::normalise)
                .filter(|a| !a.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let keywords: Vec<String> = info
        .get("Keywords")
        .map(|k| {
            let mut seen = std::collections::HashSet::new();
            k.split([',', ';'])
                .map(clean::normalise)
                .filter(|k| !k.is_empty() && seen.insert(k.to_lowercase()))
                .collect()
        })
        .unwrap_or_default();
    let updated = info
        .get("ModDate")
        .and_then(info::iso_date)
        .or_else(|| info.get("CreationDate").and_then(info::iso_date));
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
        files: vec![file_ref],
        ..Record::default()
    };
    Article {
        id: path_slug(&file.rel),
        title: describe::title_from_file_name(&file.rel),
        summary: String::new(),
        kind: Some("document".into()),
        audience: Vec::new(),
        fair: Vec::new(),
        terms: Vec::new(),
        tags: keywords,
        projects: Vec::new(),
        authors: authors
            .into_iter()
            .map(|name| Author { name, orcid: None })
            .collect(),
        license: None,
        updated,
        related: Vec::new(),
        extra,
        source: SourceRef {
            root: file.root.clone(),
            path: file.rel.clone(),
            body_line: 1,
        },
        markdown: String::new(),
        sections: Vec::new(),
        record: Some(Box::new(record)),
    }
}

fn file_ref(file: &ContentFile, bytes: &[u8]) -> FileRef {
    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel).to_string();
    FileRef {
        name,
        url: None,
        size: u64::try_from(bytes.len()).ok(),
        checksum: Some(format!("sha256:{}", hex::encode(Sha256::digest(bytes)))),
        media_type: Some("application/pdf".into()),
    }
}

/// `%%EOF` in the last kilobyte: a complete file ends with it (trailing junk
/// after it is common, hence not just the last bytes).
fn has_eof_marker(bytes: &[u8]) -> bool {
    let tail = bytes
        .get(bytes.len().saturating_sub(1024)..)
        .unwrap_or(bytes);
    tail.windows(5).any(|w| w == b"%%EOF")
}

/// Warnings for pages that failed or were skipped, and for a text budget that ran out.
fn report_pages(
    display: &str,
    extraction: &extract::Extraction,
    limits: &PdfLimits,
    out: &mut Vec<Diagnostic>,
) {
    let mut problems = 0;
    for (index, outcome) in extraction.outcomes.iter().enumerate() {
        let page = index + 1;
        let message = match outcome {
            PageOutcome::Read => continue,
            PageOutcome::Failed(reason) => format!("page {page}: text extraction failed: {reason}"),
            PageOutcome::Skipped(reason) => format!("page {page}: text not read: {reason}"),
        };
        problems += 1;
        if problems <= MAX_PAGE_WARNINGS {
            out.push(Diagnostic::warning(display, page, message));
        }
    }
    if problems > MAX_PAGE_WARNINGS {
        out.push(Diagnostic::warning(
            display,
            0,
            format!(
                "text extraction failed on {} more pages",
                problems - MAX_PAGE_WARNINGS
            ),
        ));
    }
    if let Some(page) = extraction.budget_ran_out_at {
        out.push(Diagnostic::warning(
            display,
            usize::try_from(page).unwrap_or(0),
            format!(
                "text longer than {} bytes: stopped at page {page}",
                limits.max_text_bytes
            ),
        ));
    }
}

/// The sections as one Markdown text: the text before the first heading, then
/// each section under a heading of its level.
fn markdown(sections: &[Section]) -> String {
    let mut out = String::new();
    for section in sections {
        if section.level > 0 {
            let hashes = "#".repeat(usize::from(section.level.min(6)));
            out.push_str(&format!("{hashes} {}\n\n", section.heading));
        }
        out.push_str(&section.text);
        out.push_str("\n\n");
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests;
