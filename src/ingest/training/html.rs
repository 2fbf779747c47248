//! HTML pages of training material: the page's schema.org JSON-LD (the first
//! `<script type="application/ld+json">` node describing a learning resource, else
//! another creative work) is its metadata, read as `jsonld.rs` reads files; the
//! page's main text, extracted readability-style (`page.rs`), gives the sections.
//! A remark.js slide deck (`<textarea id="source">`) is read as the Markdown it is.
//! A page without JSON-LD is still an item, titled by `<title>` or its first `<h1>`.

use std::collections::BTreeMap;

use scraper::Html;
use serde_json::Value;

use super::context::Notes;
use super::jsonld::{self, Node};
use super::nesting::{MAX_NESTING, too_deep};
use super::page::{self, PageSection};
use super::schema::file_title;
use super::sections::Sections;
use super::text::summary;
use crate::ingest::{ContentFile, Diagnostic, Reading, file_item, markdown};
use crate::model::{Article, Record, Section};

/// How many bytes [`sniff`] looks at.
const SNIFF_BYTES: usize = 4096;

/// Whether the bytes look like an HTML page (a doctype or `<html>` near the top).
pub fn sniff(bytes: &[u8]) -> bool {
    let head =
        String::from_utf8_lossy(bytes.get(..SNIFF_BYTES).unwrap_or(bytes)).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with('<') && (head.contains("<!doctype html") || head.contains("<html"))
}

/// Reads one page into one item.
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    let display = file.display();
    let mut diagnostics = Vec::new();
    let source = String::from_utf8_lossy(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = 1 + bytes
            .get(..e.valid_up_to())
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        diagnostics.push(Diagnostic::warning(
            &display,
            line,
            "page is not UTF-8: invalid bytes replaced",
        ));
    }
    if let Some(line) = too_deep(&source, MAX_NESTING) {
        return Reading::failed(Diagnostic::error(
            display,
            line,
            format!("page nests HTML elements more than {MAX_NESTING} levels deep: not read"),
        ));
    }
    let html = Html::parse_document(&source);

    // Metadata: the best-ranked JSON-LD node, the others kept verbatim.
    let blocks = page::json_ld_blocks(&html, &source);
    let mut nodes: Vec<Node> = Vec::new();
    for (line, block) in &blocks {
        let mut notes = Notes::default();
        match jsonld::nodes(block, *line, &mut notes) {
            Ok(found) => nodes.extend(found),
            Err(e) => diagnostics.push(Diagnostic::warning(
                &display,
                e.line,
                format!("application/ld+json block not read: {}", e.message),
            )),
        }
    }
    let chosen = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, node)| jsonld::rank(node).map(|r| (r, i)))
        .min()
        .map(|(_, i)| i);
    let item = chosen
        .and_then(|i| nodes.get(i))
        .map(|node| jsonld::item(file, node, "schema.org"));
    let unused: Vec<Value> = nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != chosen)
        .map(|(_, n)| Value::Object(n.value.clone()))
        .collect();

    let (mut article, item_diagnostics) = match item {
        Some(item) => (item.article, item.diagnostics),
        None => (bare_article(file, &html), Vec::new()),
    };
    diagnostics.extend(item_diagnostics);
    if !unused.is_empty() {
        article
            .extra
            .insert("application/ld+json".into(), Value::Array(unused));
    }
    if let Some(page_title) = page::title(&html).filter(|t| *t != article.title) {
        article
            .extra
            .insert("html:title".into(), Value::String(page_title));
    }
    if let Some(record) = article.record.as_deref_mut()
        && record.language.is_none()
    {
        record.language = page::language(&html);
    }

    let page_sections = match page::slide_source(&html, &source) {
        Some((line, deck)) => slides(&deck, &article.title, line),
        None => page::sections(&html, &source),
    };
    if page_sections.is_empty() && article.sections.iter().all(|s| s.text.is_empty()) {
        diagnostics.push(Diagnostic::warning(&display, 1, "page has no text"));
    }
    article.sections = merge(
        std::mem::take(&mut article.sections),
        page_sections,
        &article.title,
    );
    if article.summary.is_empty() {
        article.summary = page::meta(&html, "description")
            .or_else(|| page::meta(&html, "og:description"))
            .or_else(|| article.sections.first().map(|s| s.text.clone()))
            .map(|d| summary(&d))
            .unwrap_or_default();
    }
    article.markdown = markdown::from_sections(&article.sections, "");
    Reading {
        articles: vec![article],
        diagnostics,
    }
}

/// The item of a page without usable JSON-LD: titled by `<title>`/`<h1>`.
fn bare_article(file: &ContentFile, html: &Html) -> Article {
    let landing_page = html_link(html, "canonical").or_else(|| page::meta(html, "og:url"));
    let mut extra = BTreeMap::new();
    for key in ["keywords", "author"] {
        if let Some(value) = page::meta(html, key) {
            extra.insert(format!("html:meta:{key}"), Value::String(value));
        }
    }
    let tags: Vec<String> = page::meta(html, "keywords")
        .map(|k| {
            k.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let record = Record {
        format: "html".into(),
        landing_page,
        keywords: tags.clone(),
        language: page::language(html),
        ..Record::default()
    };
    let title = page::title(html).unwrap_or_else(|| file_title(&file.rel));
    Article {
        tags,
        extra,
        ..file_item(file, title, record)
    }
}

fn html_link(html: &Html, rel: &str) -> Option<String> {
    let selector = scraper::Selector::parse("link").ok()?;
    html.select(&selector).find_map(|l| {
        let rels = l.attr("rel")?;
        rels.split_whitespace()
            .any(|r| r.eq_ignore_ascii_case(rel))
            .then(|| l.attr("href").map(str::to_string))
            .flatten()
    })
}

/// The metadata's first section (the description), its other sections (learning
/// outcomes, details, course instances), then the page's text. Page text before
/// any heading joins the description's section.
fn merge(from_metadata: Vec<Section>, page: Vec<PageSection>, title: &str) -> Vec<Section> {
    let mut out = Sections::default();
    let mut metadata = from_metadata.into_iter();
    let first = metadata.next();
    let mut page = page.into_iter().peekable();
    let intro = page.next_if(|s| s.level == 0);
    match (first, intro) {
        (Some(first), Some(intro)) => {
            let text = format!("{}\n{}", first.text, intro.text);
            out.push_linked(title, 0, text, first.line, intro.code, intro.link_texts);
        }
        (Some(first), None) => {
            out.push(title, 0, first.text, first.line, first.code);
        }
        (None, Some(intro)) => {
            out.push_linked(
                title,
                0,
                intro.text,
                intro.line,
                intro.code,
                intro.link_texts,
            );
        }
        (None, None) => {}
    }
    for s in metadata {
        out.push_linked(&s.heading, s.level, s.text, s.line, s.code, s.link_texts);
    }
    for s in page {
        out.push_linked(&s.heading, s.level, s.text, s.line, s.code, s.link_texts);
    }
    out.into_vec()
}

/// A remark.js deck's sections: its Markdown without slide separators (`---`,
/// `--`) and slide properties (`class: center`), lines kept so lines stay true.
fn slides(deck: &str, title: &str, first_line: usize) -> Vec<PageSection> {
    let mut cleaned = String::with_capacity(deck.len());
    let mut slide_start = true;
    for line in deck.lines() {
        let trimmed = line.trim();
        let separator = matches!(trimmed, "---" | "--" | "???");
        let property = slide_start && is_slide_property(trimmed);
        if !(separator || property) {
            cleaned.push_str(line);
        }
        cleaned.push('\n');
        if separator {
            slide_start = true;
        } else if !trimmed.is_empty() && !property {
            slide_start = false;
        }
    }
    let body = markdown::parse(&cleaned, title, first_line);
    body.sections
        .into_iter()
        .map(|s| PageSection {
            heading: if s.level == 0 {
                String::new()
            } else {
                s.heading
            },
            level: s.level,
            text: s.text,
            code: s.code,
            link_texts: s.link_texts,
            line: s.line,
        })
        .collect()
}

/// `name: inverse`, `layout: true`, `class: center, middle`: remark's per-slide settings.
fn is_slide_property(line: &str) -> bool {
    let Some((key, _)) = line.split_once(':') else {
        return false;
    };
    matches!(
        key.trim(),
        "name"
            | "layout"
            | "class"
            | "background-image"
            | "count"
            | "template"
            | "exclude"
            | "seq"
            | "background-size"
            | "background-position"
    )
}
