//! PDF files (deliverables, reports, slide decks, posters) into one item each.
//!
//! lopdf parses the file (`load`); `defuse` takes out what pdf-extract must
//! not see; pdf-extract, over the same parsed document, draws each page's text
//! into lines (`layout`) under the guards of `extract`; `clean`
//! makes paragraphs of them; the outline (`outline`) cuts them into sections
//! (`sections`); `describe` picks the title, kind and summary; the Info
//! dictionary (`info`) gives authors, keywords and dates; `item` makes
//! the article and its record.
//!
//! The title is the Info `/Title` when it is meaningful, else the largest type
//! on page 1, else the file name. None of the shared deliverables has a
//! `/Title`, and the first lines of their page 1 are a running header
//! ("PaN-Finder Deliverable 2.a" / "Report on exploration and activities for
//! MVP"), which in Deliverable 7.b names the wrong report; the title page's
//! large type ("PaN-Finder Deliverable 2.a:" / "Report on exploration and
//! activities for MVP") is right in both, so the title of 2.a is
//! "PaN-Finder Deliverable 2.a: Report on exploration and activities for MVP".
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
//! `quiet_panic`). Streams are inflated by lopdf without a size bound: a
//! deflate bomb inside the allowed file size costs memory (the file size limit of
//! `ingest::guard` bounds it only by the compression ratio).

mod clean;
mod defuse;
mod describe;
mod extract;
mod info;
mod item;
mod layout;
mod load;
mod outline;
mod quiet_panic;
mod sections;

use std::collections::HashMap;

use lopdf::ObjectId;

use crate::ingest::{ContentFile, Diagnostic, Reading};

use clean::Paragraph;
use load::Opened;

pub use load::sniff;

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

/// Reads one PDF into one item, with [`PdfLimits::default`].
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    read_with(file, bytes, &PdfLimits::default())
}

/// Reads one PDF into one item within `limits`.
pub fn read_with(file: &ContentFile, bytes: &[u8], limits: &PdfLimits) -> Reading {
    let display = file.display();
    let (mut doc, mut diagnostics) = match load::open(&display, bytes) {
        Opened::Readable(doc, warnings) => (*doc, warnings),
        Opened::Encrypted(warnings) => return item::encrypted(file, bytes, warnings),
        Opened::Unusable(error) => return Reading::failed(error),
    };
    let unlinked = defuse::defuse(&mut doc);
    if unlinked > 0 {
        diagnostics.push(Diagnostic::warning(
            &display,
            0,
            format!("{unlinked} font character maps or programs nest too deeply to read: ignored, text in those fonts may be garbled"),
        ));
    }
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
    diagnostics.extend(extraction.diagnostics(&display, limits.max_text_bytes));

    let paragraphs = clean::paragraphs(&extraction.pages);
    if !pages.is_empty() && paragraphs.iter().all(Vec::is_empty) {
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
        .unwrap_or_else(|| crate::ingest::file_name_words(&file.rel));
    let kind = describe::kind(&title, first_page, &info, &extraction.pages);
    let sections = if outline.iter().any(|e| e.page.is_some()) {
        sections::from_outline(&title, &outline, &paragraphs)
    } else {
        sections::per_page(&paragraphs)
    };
    let subject = info.get("Subject");
    let lines = sections
        .iter()
        .flat_map(|s| s.text.lines().map(str::to_string));
    let summary = describe::summary(subject, lines, &title);

    let mut article = item::bare_article(file, item::file_ref(file, bytes), &info);
    if info_title.is_some() {
        article.extra.remove("Title");
    }
    if subject.is_some() {
        article.extra.remove("Subject");
    }
    if let Some(record) = article.record.as_deref_mut() {
        record.language = info::language(&doc);
    }
    let extra = [
        ("pages", serde_json::Value::from(all_pages.len())),
        ("pdf_version", serde_json::Value::from(doc.version.clone())),
        ("outline_entries", serde_json::Value::from(outline.len())),
    ];
    article.extra.extend(extra.map(|(k, v)| (k.to_string(), v)));
    article.title = title;
    article.kind = Some(kind.to_string());
    article.summary = summary;
    article.markdown = crate::ingest::markdown::from_sections(&sections, "");
    article.sections = sections;
    Reading {
        articles: vec![article],
        diagnostics,
    }
}

#[cfg(test)]
mod tests;
