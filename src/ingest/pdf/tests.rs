//! The reader on the real deliverables in ../shared/data/outputs/pdf (facts from
//! MANIFEST.md "Output facts", page numbers checked against each page's text) and
//! on hand-made hostile files.

use std::collections::HashMap;
use std::path::PathBuf;

use lopdf::{Document, ObjectId};

use super::load::declares_encryption;
use super::*;
use crate::ingest::{Diagnostic, Severity};
use crate::model::{Article, Author, Record, Section};

const FOLDER: &str = "../shared/data/outputs/pdf/PaN-Finder+deliverables";
const D2A: &str = "task-2/PaN-Finder-Deliverable-2-a.pdf";
const D7B: &str = "task-7/PaN-Finder-Deliverable-7-b.pdf";
const FLASH_TALK: &str = "task-7/FirstOpenCall-FlashTalk-PaN-Finder-AGM2.pdf";
const POSTER: &str = "task-7/01-491-poster-PaN-Finder.pdf";

/// The deliverables folder, or `None` (with a note) in a checkout without
/// ../shared; in CI (`CI` set) its absence fails the test.
fn folder() -> Option<PathBuf> {
    crate::ingest::testdata::shared("outputs/pdf/PaN-Finder+deliverables")
}

fn content_file(rel: &str) -> ContentFile {
    ContentFile {
        root: FOLDER.into(),
        rel: rel.into(),
        abs: PathBuf::from(FOLDER).join(rel),
    }
}

/// A real file's bytes, or `None` when ../shared is absent.
fn real(rel: &str) -> Option<(ContentFile, Vec<u8>)> {
    let dir = folder()?;
    let bytes = std::fs::read(dir.join(rel)).expect("read a shared PDF");
    Some((content_file(rel), bytes))
}

/// The one item a file gives, and its diagnostics.
fn only_item(reading: Reading) -> (Article, Vec<Diagnostic>) {
    assert_eq!(reading.articles.len(), 1, "{:?}", reading.diagnostics);
    let mut articles = reading.articles;
    (articles.remove(0), reading.diagnostics)
}

fn loaded(bytes: &[u8]) -> (Document, Vec<(u32, ObjectId)>, Vec<outline::OutlineEntry>) {
    let doc = Document::load_mem(bytes).expect("a real PDF loads");
    let pages: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    let numbers: HashMap<ObjectId, u32> = pages.iter().map(|&(n, id)| (id, n)).collect();
    let outline = outline::read(&doc, &numbers);
    (doc, pages, outline)
}

fn depth_counts(outline: &[outline::OutlineEntry]) -> [usize; 4] {
    let mut counts = [0; 4];
    for entry in outline {
        if let Some(count) = counts.get_mut(entry.depth) {
            *count += 1;
        }
    }
    counts
}

fn titles(outline: &[outline::OutlineEntry], depth: Option<usize>) -> Vec<&str> {
    outline
        .iter()
        .filter(|e| depth.is_none_or(|d| e.depth == d))
        .map(|e| e.title.as_str())
        .collect()
}

fn section<'a>(article: &'a Article, heading: &str) -> &'a Section {
    article
        .sections
        .iter()
        .find(|s| s.heading == heading)
        .unwrap_or_else(|| panic!("no section {heading:?}"))
}

fn record(article: &Article) -> &Record {
    article.record.as_deref().expect("a PDF item has a record")
}

#[test]
fn deliverable_2a_outline_pages_and_first_page() {
    let Some((file, bytes)) = real(D2A) else {
        return;
    };
    let (doc, pages, outline) = loaded(&bytes);
    assert_eq!(pages.len(), 33);
    assert_eq!(outline.len(), 52);
    assert_eq!(depth_counts(&outline), [5, 11, 9, 27]);
    assert_eq!(
        titles(&outline, None)[..5],
        [
            "1 System Design",
            "1.1 Introduction",
            "1.2 Data collection",
            "1.2.1 2026/01/13 Update",
            "1.3 Database"
        ]
    );
    assert_eq!(
        titles(&outline, Some(0)),
        [
            "1 System Design",
            "2 PaN-Finder System Benchmarks",
            "3 Resources",
            "4 Funding",
            "5 Licensing"
        ]
    );
    // Destinations resolve to the pages whose text has the heading.
    let page_of = |title: &str| {
        outline
            .iter()
            .find(|e| e.title == title)
            .and_then(|e| e.page)
    };
    assert_eq!(page_of("1.2 Data collection"), Some(3));
    assert_eq!(page_of("1.2.1 2026/01/13 Update"), Some(4));
    assert_eq!(page_of("2.4.1.1 Precision at K ( Pc@K )"), Some(16));
    assert_eq!(page_of("3 Resources"), Some(32));
    assert_eq!(page_of("5 Licensing"), Some(33));

    // Page 1 as drawn starts with the running header.
    let extraction = extract::pages(&doc, &pages[..1], usize::MAX);
    let first: Vec<&str> = extraction.pages[0]
        .lines
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        first[..2],
        [
            "PaN-Finder Deliverable 2.a",
            "Report on exploration and activities for MVP"
        ]
    );

    let (article, diagnostics) = only_item(read(&file, &bytes));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    // The title is the large type of page 1, not its running header.
    assert_eq!(
        article.title,
        "PaN-Finder Deliverable 2.a: Report on exploration and activities for MVP"
    );
    assert_eq!(article.id, "task-2/pan-finder-deliverable-2-a");
    assert_eq!(article.kind.as_deref(), Some("deliverable"));
    assert_eq!(article.updated.as_deref(), Some("2026-01-14"));
    assert_eq!(article.extra["pages"], 33);
    assert_eq!(article.extra["Producer"], "LibreOffice 24.2");
    assert_eq!(article.extra["Creator"], "Writer");
    assert!(article.authors.is_empty());
    assert_eq!(article.source.body_line, 1);
    let record = record(&article);
    assert_eq!(record.format, "pdf");
    assert_eq!(record.files.len(), 1);
    assert_eq!(record.files[0].name, "PaN-Finder-Deliverable-2-a.pdf");
    assert_eq!(record.files[0].size, Some(815_145));
    assert_eq!(
        record.files[0].media_type.as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        record.files[0].checksum.as_deref(),
        Some("sha256:2e08c41c1d639f0a7302af28dac492f8d60ec7d6f5886c6bbbe433ac98a808d6")
    );
    assert_eq!(record.issued.as_deref(), Some("2026-01-14"));
    assert_eq!(record.language.as_deref(), Some("en-US"));
    assert!(
        article
            .summary
            .starts_with("The PaN-Finder application follows the micro-services philosophy"),
        "{}",
        article.summary
    );
}

#[test]
fn deliverable_2a_sections_follow_the_outline() {
    let Some((file, bytes)) = real(D2A) else {
        return;
    };
    let (article, _) = only_item(read(&file, &bytes));
    let intro = &article.sections[0];
    assert_eq!(
        (intro.level, intro.anchor.as_str(), intro.page),
        (0, "", Some(1))
    );
    assert_eq!(intro.heading, article.title);
    assert!(
        intro.text.starts_with("PaN-Finder Deliverable 2.a:"),
        "{}",
        intro.text
    );

    let introduction = section(&article, "1.1 Introduction");
    assert_eq!(introduction.level, 2);
    assert_eq!(
        introduction.heading_path,
        ["1 System Design", "1.1 Introduction"]
    );
    assert_eq!((introduction.page, introduction.line), (Some(3), 3));
    assert_eq!(introduction.anchor, "page=3");
    assert!(
        introduction
            .text
            .starts_with("The PaN-Finder application follows"),
        "{}",
        introduction.text
    );
    assert!(
        introduction.text.ends_with("6. Benchmarks"),
        "{}",
        introduction.text
    );

    // A section crosses pages; the next heading on its page ends it.
    let collection = section(&article, "1.2 Data collection");
    assert_eq!(collection.page, Some(3));
    assert!(
        collection
            .text
            .contains("leverage the full potential of the catalogue API")
    );
    assert!(
        collection.text.ends_with("task-1/scripts."),
        "{}",
        collection.text
    );
    let metrics = section(&article, "2.4.1 General Metrics");
    assert_eq!(metrics.page, Some(16));
    assert!(
        metrics
            .text
            .starts_with("This section introduces different metrics"),
        "{}",
        metrics.text
    );
    let precision = section(&article, "2.4.1.1 Precision at K ( Pc@K )");
    assert_eq!(precision.level, 4);
    assert!(
        precision
            .text
            .starts_with("Precision at K measures how many items")
    );
    // A heading wrapped over two lines is still found and kept out of the text.
    let wrapped = section(
        &article,
        "2.4.3.8 expected normalized Discounted Comulative Gain at 1N ( eNDCG@1N )",
    );
    assert!(
        wrapped.text.starts_with("As the previous metric"),
        "{}",
        wrapped.text
    );
    // A name hyphenated at a line end stays one word.
    assert!(
        section(&article, "1.3 Database")
            .text
            .contains("The PaN-Finder is a RAG system")
    );
    assert_eq!(section(&article, "3 Resources").page, Some(32));
    assert_eq!(section(&article, "5 Licensing").page, Some(33));

    // Chapter headings followed at once by their first subsection have no text.
    assert!(
        article
            .sections
            .iter()
            .all(|s| s.heading != "1 System Design")
    );
    assert_eq!(
        article
            .sections
            .iter()
            .map(|s| s.ordinal)
            .collect::<Vec<_>>(),
        (0..article.sections.len()).collect::<Vec<_>>()
    );
    // Running header, footer and table of contents are gone.
    for s in &article.sections {
        assert!(
            !s.text.contains("An OSCARS Project, Funded"),
            "{}",
            s.heading
        );
        assert!(!s.text.contains("Page 3 of 33"), "{}", s.heading);
        assert!(!s.text.contains("....."), "{}", s.heading);
        assert!(!s.text.chars().any(|c| c.is_control() && c != '\n'));
    }
    assert!(
        article
            .markdown
            .contains("\n## 1.2 Data collection\n\nData collection is performed")
    );
}

#[test]
fn deliverable_7b_titles_and_no_break_space() {
    let Some((file, bytes)) = real(D7B) else {
        return;
    };
    let (doc, pages, outline) = loaded(&bytes);
    assert_eq!(pages.len(), 20);
    assert_eq!(outline.len(), 28);
    assert_eq!(depth_counts(&outline), [16, 5, 7, 0]);
    assert_eq!(
        titles(&outline, None)[..5],
        [
            "1 Introduction",
            "2 Interview Structure",
            "2.1 Introduction",
            "2.2 Feedback collection",
            "2.3 Closing remarks"
        ]
    );
    assert_eq!(titles(&outline, Some(0))[4], "5 Future Improvements\u{a0}1");
    let page_of = |title: &str| {
        outline
            .iter()
            .find(|e| e.title == title)
            .and_then(|e| e.page)
    };
    assert_eq!(page_of("3.1.4 Fourth search"), Some(6));
    assert_eq!(page_of("9.1 Example Search and Results Review"), Some(14));

    // Every page's running header names another deliverable.
    let extraction = extract::pages(&doc, &pages, usize::MAX);
    for page in &extraction.pages {
        assert_eq!(page.lines[1].text, "Report on current system architecture");
    }
    let (article, diagnostics) = only_item(read(&file, &bytes));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    // The running header names another deliverable; the title page does not.
    assert_eq!(
        article.title,
        "PaN-Finder Deliverable 7.b: Users Interviews"
    );
    assert_eq!(article.kind.as_deref(), Some("deliverable"));
    assert_eq!(article.updated.as_deref(), Some("2026-03-21"));
    assert!(
        article
            .sections
            .iter()
            .all(|s| !s.text.contains("Report on current system architecture"))
    );
    let future = section(&article, "5 Future Improvements 1");
    assert_eq!(future.page, Some(10));
    assert_eq!(future.heading_path, ["5 Future Improvements 1"]);
    assert!(
        future
            .text
            .starts_with("Date: 2025/09/26\nAction items:\n• Remove top LLM summary prompt"),
        "{}",
        future.text
    );
    // Five entries share page 2: each gets its own part of it.
    let structure = section(&article, "2.1 Introduction");
    assert!(
        structure.text.starts_with("The participant is informed"),
        "{}",
        structure.text
    );
    assert!(!structure.text.contains("unstructured conversation"));
}

#[test]
fn flash_talk_is_a_presentation_with_duplicate_titles() {
    let Some((file, bytes)) = real(FLASH_TALK) else {
        return;
    };
    let (_, pages, outline) = loaded(&bytes);
    assert_eq!(pages.len(), 6);
    assert_eq!(depth_counts(&outline), [6, 0, 0, 0]);
    assert_eq!(
        titles(&outline, None),
        [
            "Slide 1",
            "CHALLENGE ADDRESSED",
            "SOLUTION",
            "RESULTS",
            "RESULTS",
            "TEAM"
        ]
    );
    let (article, diagnostics) = only_item(read(&file, &bytes));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        article.authors,
        [Author {
            name: "Andrea Greco".into(),
            orcid: None
        }]
    );
    assert_eq!(record(&article).creators[0].name, "Andrea Greco");
    assert_eq!(article.extra["Creator"], "Impress");
    assert_eq!(article.kind.as_deref(), Some("presentation"));
    let results: Vec<&Section> = article
        .sections
        .iter()
        .filter(|s| s.heading == "RESULTS")
        .collect();
    assert_eq!(results.len(), 2);
    assert_eq!((results[0].page, results[1].page), (Some(4), Some(5)));
    assert!(
        results[0]
            .text
            .contains("collect / ingest heterogeneous data")
    );
    assert!(
        results[1]
            .text
            .contains("How will you make your results sustainable")
    );
    assert!(!results[0].text.contains("sustainable"));
    assert_eq!(section(&article, "TEAM").page, Some(6));
    assert!(
        article
            .summary
            .starts_with("Significantly increase findability"),
        "{}",
        article.summary
    );
}

#[test]
fn poster_without_text_layer_is_one_item_and_a_warning() {
    let Some((file, bytes)) = real(POSTER) else {
        return;
    };
    let (_, pages, outline) = loaded(&bytes);
    assert_eq!((pages.len(), outline.len()), (1, 0));
    let (article, diagnostics) = only_item(read(&file, &bytes));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    assert_eq!(
        diagnostics[0].message,
        "no text layer (scanned or image-only PDF?)"
    );
    assert_eq!(article.title, "01 491 poster PaN Finder");
    assert!(article.sections.is_empty());
    assert_eq!(
        article.extra["Producer"],
        "cairo 1.18.0 (https://cairographics.org)"
    );
    assert_eq!(
        article.kind.as_deref(),
        Some("presentation"),
        "an A0 page is a poster"
    );
    assert_eq!(record(&article).files[0].size, Some(4_157_088));
}

#[test]
fn no_shared_pdf_has_an_info_title() {
    for rel in [D2A, D7B, FLASH_TALK, POSTER] {
        let Some((_, bytes)) = real(rel) else {
            return;
        };
        let (doc, _, _) = loaded(&bytes);
        assert_eq!(info::read(&doc).get("Title"), None, "{rel}");
    }
}

#[test]
fn limits_stop_reading_with_a_warning() {
    let Some((file, bytes)) = real(D2A) else {
        return;
    };
    let few_pages = PdfLimits {
        max_pages: 3,
        ..PdfLimits::default()
    };
    let (article, diagnostics) = only_item(read_with(&file, &bytes, &few_pages));
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].message,
        "PDF has 33 pages; only the first 3 are read"
    );
    assert!(article.sections.iter().all(|s| s.page <= Some(3)));
    assert_eq!(article.extra["pages"], 33);

    let little_text = PdfLimits {
        max_text_bytes: 4000,
        ..PdfLimits::default()
    };
    let (article, diagnostics) = only_item(read_with(&file, &bytes, &little_text));
    assert!(
        diagnostics.iter().any(|d| d
            .message
            .starts_with("text longer than 4000 bytes: stopped at page")),
        "{diagnostics:?}"
    );
    // Joining lines adds a space or newline each; dropped headers and leaders save more.
    let text: usize = article.sections.iter().map(|s| s.text.len()).sum();
    assert!(text <= 4500, "{text}");
}

#[test]
fn a_truncated_file_is_an_error_not_a_crash() {
    let Some((file, bytes)) = real(D7B) else {
        return;
    };
    let half = &bytes[..bytes.len() / 2];
    let reading = read(&file, half);
    let truncated = reading
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with("truncated PDF"));
    assert!(truncated.is_some(), "{:?}", reading.diagnostics);
    assert!(reading.articles.len() <= 1);
}

// Hand-made files.

/// A PDF from object bodies (object `n` is `objects[n - 1]`), with a correct
/// cross-reference table and `trailer` inside the trailer dictionary.
fn pdf(objects: &[&str], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", index + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(content: &str) -> String {
    format!(
        "<< /Length {} >>\nstream\n{content}\nendstream",
        content.len()
    )
}

const FONT: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

fn hand_made(name: &str) -> ContentFile {
    ContentFile {
        root: "content".into(),
        rel: format!("made/{name}"),
        abs: PathBuf::from("content/made").join(name),
    }
}

/// Two pages of text, an outline whose entries name their destinations (a
/// name in the catalog's `/Dests`, a string in the `/Names` tree, whose value
/// is a reference to a dictionary whose `/D` is a reference) and Info.
fn two_page_pdf() -> Vec<u8> {
    let page1 = stream(
        "BT /F1 24 Tf 72 700 Td (Guide to Data) Tj ET BT /F1 12 Tf 72 650 Td (Intro text for everyone to read.) Tj ET",
    );
    let page2 = stream(
        "BT /F1 16 Tf 72 700 Td (Methods) Tj ET BT /F1 12 Tf 72 680 Td (We measured twice and cut once.) Tj ET",
    );
    pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R /Outlines 7 0 R /Dests << /intro [3 0 R /XYZ 0 792 0] >> /Names << /Dests 10 0 R >> >>",
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 612 792] /Resources << /Font << /F1 11 0 R >> >> >>",
            "<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
            "<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>",
            &page1,
            &page2,
            "<< /Type /Outlines /First 8 0 R /Last 9 0 R /Count 2 >>",
            "<< /Title (Introduction) /Parent 7 0 R /Next 9 0 R /Dest /intro >>",
            "<< /Title <FEFF004D006500740068006F00640073> /Parent 7 0 R /Prev 8 0 R /A << /S /GoTo /D (methods) >> >>",
            "<< /Kids [12 0 R] >>",
            FONT,
            "<< /Names [(methods) 14 0 R] /Limits [(methods) (methods)] >>",
            "<< /Title (Data Guide) /Author (Ada Lovelace; Charles Babbage) /Keywords (data, guide; Data) /ModDate (D:20240131120000Z) /CreationDate (D:2023) /Trapped /False >>",
            "<< /D 15 0 R >>",
            "[4 0 R /FitH 720]",
        ],
        "/Info 13 0 R",
    )
}

#[test]
fn named_destinations_and_info_are_read() {
    let bytes = two_page_pdf();
    let (article, diagnostics) = only_item(read(&hand_made("guide.pdf"), &bytes));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(article.title, "Data Guide");
    assert!(!article.extra.contains_key("Title"));
    assert_eq!(article.extra["Trapped"], "False");
    assert_eq!(article.extra["CreationDate"], "D:2023");
    assert_eq!(article.updated.as_deref(), Some("2024-01-31"));
    let names: Vec<&str> = article.authors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Ada Lovelace", "Charles Babbage"]);
    assert_eq!(article.tags, ["data", "guide"]);
    assert_eq!(record(&article).keywords, ["data", "guide"]);
    let summary: Vec<(&str, Option<u32>, &str)> = article
        .sections
        .iter()
        .map(|s| (s.heading.as_str(), s.page, s.text.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "Introduction",
                Some(1),
                "Guide to Data\nIntro text for everyone to read."
            ),
            ("Methods", Some(2), "We measured twice and cut once."),
        ]
    );
}

#[test]
fn an_encrypted_file_keeps_an_item_named_after_the_file() {
    let bytes = pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
            "<< /Filter /Standard /V 1 /R 2 /P -4 /O <0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef> /U <fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210> >>",
        ],
        "/Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]",
    );
    let (article, diagnostics) = only_item(read(&hand_made("secret-report.pdf"), &bytes));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    assert_eq!(diagnostics[0].message, "encrypted PDF: text not indexed");
    assert_eq!(article.title, "secret report");
    assert_eq!(article.id, "made/secret-report");
    assert!(article.sections.is_empty());
    assert_eq!(
        record(&article).files[0].media_type.as_deref(),
        Some("application/pdf")
    );
}

#[test]
fn garbage_and_empty_files_are_errors() {
    let file = hand_made("x.pdf");
    let empty = read(&file, b"");
    assert!(empty.articles.is_empty());
    assert_eq!(empty.diagnostics[0].message, "empty file, not a PDF");
    assert_eq!(empty.diagnostics[0].severity, Severity::Error);

    // Deterministic noise (xorshift), with and without a PDF header in front.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let noise: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let garbage = read(&file, &noise);
    assert!(garbage.articles.is_empty());
    assert!(
        garbage.diagnostics[0].message.starts_with("not a PDF"),
        "{:?}",
        garbage.diagnostics
    );
    assert!(!sniff(&noise));

    let mut headed = b"%PDF-1.7\n".to_vec();
    headed.extend(&noise);
    let corrupt = read(&file, &headed);
    assert!(corrupt.articles.is_empty());
    assert_eq!(corrupt.diagnostics[0].severity, Severity::Error);
    assert!(
        corrupt.diagnostics[0].message.starts_with("truncated PDF"),
        "{:?}",
        corrupt.diagnostics
    );
    headed.extend(b"\n%%EOF\n");
    let corrupt = read(&file, &headed);
    assert!(
        corrupt.diagnostics[0].message.starts_with("corrupt PDF"),
        "{:?}",
        corrupt.diagnostics
    );
}

#[test]
fn self_drawing_forms_and_looping_page_trees_are_skipped() {
    let content = stream("BT /F1 12 Tf 72 700 Td (Page one text.) Tj ET /X1 Do");
    let form = "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 6 >>\nstream\n/X1 Do\nendstream";
    let bytes = pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 /MediaBox [0 0 612 792] >>",
            "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 7 0 R >> /XObject << /X1 5 0 R >> >> >>",
            &content,
            form,
            // A page whose /Parent is itself, with no /Resources anywhere.
            "<< /Type /Page /Parent 6 0 R /Contents 4 0 R >>",
            FONT,
        ],
        "",
    );
    let (article, diagnostics) = only_item(read(&hand_made("loops.pdf"), &bytes));
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(&"page 1: text not read: a form XObject draws itself"),
        "{messages:?}"
    );
    assert_eq!(diagnostics.len(), 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("page 2: text not read: page tree loops")),
        "{messages:?}"
    );
    assert!(article.sections.is_empty());
}

#[test]
fn a_panicking_page_is_a_warning_and_the_others_are_kept() {
    // Page 1 shows text with no font selected: pdf-extract unwraps and panics.
    let bad = stream("BT 72 700 Td (no font) Tj ET");
    let good = stream("BT /F1 12 Tf 72 700 Td (Good page text.) Tj ET");
    let bytes = pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> >> >>",
            "<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
            "<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>",
            &bad,
            &good,
            FONT,
        ],
        "",
    );
    let (article, diagnostics) = only_item(read(&hand_made("odd.pdf"), &bytes));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0]
            .message
            .starts_with("page 1: text extraction failed: "),
        "{diagnostics:?}"
    );
    assert_eq!(diagnostics[0].line, 1);
    let pages: Vec<(&str, &str)> = article
        .sections
        .iter()
        .map(|s| (s.heading.as_str(), s.text.as_str()))
        .collect();
    assert_eq!(pages, [("Page 2", "Good page text.")]);
    assert_eq!(
        article.title, "odd",
        "page 1 has no text, so the file names the item"
    );
}

#[test]
#[ignore = "prints the items, for a look by eye"]
fn dump() {
    for rel in [D2A, D7B, FLASH_TALK, POSTER] {
        let Some((file, bytes)) = real(rel) else {
            return;
        };
        let reading = read(&file, &bytes);
        println!(
            "{}",
            serde_json::to_string_pretty(&reading.articles).unwrap()
        );
        println!("{:?}", reading.diagnostics);
    }
}

/// [`two_page_pdf`] encrypted (RC4, 128 bits) by lopdf with these passwords.
fn encrypted_two_page_pdf(user_password: &str) -> Vec<u8> {
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    let mut doc = Document::load_mem(&two_page_pdf()).expect("the hand-made PDF loads");
    let id = lopdf::Object::String(
        b"0123456789abcdef".to_vec(),
        lopdf::StringFormat::Hexadecimal,
    );
    doc.trailer
        .set("ID", lopdf::Object::Array(vec![id.clone(), id]));
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password,
        key_length: 128,
        permissions: Permissions::PRINTABLE,
    })
    .expect("an encryption state");
    doc.encrypt(&state).expect("encrypts");
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("saves");
    bytes
}

#[test]
fn a_file_encrypted_with_the_empty_password_is_read_as_usual() {
    let bytes = encrypted_two_page_pdf("");
    assert!(declares_encryption(&bytes));
    let (article, diagnostics) = only_item(read(&hand_made("no-copying.pdf"), &bytes));
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(article.title, "Data Guide");
    assert_eq!(article.sections.len(), 2);
    assert_eq!(article.sections[1].text, "We measured twice and cut once.");
}

#[test]
fn a_file_encrypted_with_a_password_is_a_warning_and_an_item() {
    let bytes = encrypted_two_page_pdf("secret");
    let (article, diagnostics) = only_item(read(&hand_made("locked.pdf"), &bytes));
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["encrypted PDF: text not indexed"]);
    assert_eq!(article.title, "locked");
    assert!(article.sections.is_empty());
    assert_eq!(article.extra["encrypted"], true);
}

#[test]
fn a_looping_outline_is_read_once() {
    let content = stream("BT /F1 12 Tf 72 700 Td (Some text.) Tj ET");
    let bytes = pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R /Outlines 5 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> >> >>",
            "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
            &content,
            "<< /Type /Outlines /First 6 0 R >>",
            // Its own next sibling and its own first child.
            "<< /Title (Loop) /Parent 5 0 R /Next 6 0 R /First 6 0 R /Dest [3 0 R /Fit] >>",
            FONT,
        ],
        "",
    );
    let doc = Document::load_mem(&bytes).expect("loads");
    let numbers: HashMap<ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let entries = outline::read(&doc, &numbers);
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].title.as_str(), entries[0].page, entries[0].top),
        ("Loop", Some(1), None)
    );
    let (article, _) = only_item(read(&hand_made("loop.pdf"), &bytes));
    let headings: Vec<&str> = article
        .sections
        .iter()
        .map(|s| s.heading.as_str())
        .collect();
    assert_eq!(headings, ["Loop"]);
}

/// Real bytes with a few bytes changed here and there (digits, brackets,
/// spaces, noise): whatever breaks is a diagnostic, never a panic or an abort.
#[test]
fn mutated_files_never_crash() {
    let Some((file, bytes)) = real(FLASH_TALK) else {
        return;
    };
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut failed_pages = 0;
    for round in 0..40 {
        let mut copy = bytes.clone();
        for _ in 0..(1 + round % 20) {
            let at = (next() as usize) % copy.len();
            copy[at] = match next() % 4 {
                0 => b'0' + (next() % 10) as u8,
                1 => b'[',
                2 => b' ',
                _ => next() as u8,
            };
        }
        let reading = read(&file, &copy);
        assert!(reading.articles.len() <= 1);
        assert!(reading.articles.len() == 1 || !reading.diagnostics.is_empty());
        failed_pages += reading
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("text extraction failed"))
            .count();
    }
    assert!(failed_pages > 0, "some mutation should upset pdf-extract");
}

/// A font whose `/ToUnicode` map is 200,000 brackets deep: its parser would
/// recurse until the stack overflows (an abort, not a panic).
#[test]
fn an_over_nested_character_map_is_ignored() {
    let content = stream("BT /F1 12 Tf 72 700 Td (Readable text.) Tj ET");
    let deep = "[".repeat(200_000);
    let cmap = stream(&deep);
    let bytes = pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>",
            "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >> >> >> >>",
            &content,
            &cmap,
        ],
        "",
    );
    let (article, diagnostics) = only_item(read(&hand_made("deep.pdf"), &bytes));
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "1 font character maps or programs nest too deeply to read: ignored, text in those fonts may be garbled"
        ]
    );
    assert_eq!(article.sections[0].text, "Readable text.");
}
