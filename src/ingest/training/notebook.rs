//! Jupyter notebooks (nbformat 4). The Markdown cells, joined, are cut into
//! sections by their headings with the same parser as Markdown articles; each
//! code cell goes to the `code` of the section it follows (searchable, never
//! quoted), never to `text`; outputs are dropped. A section's `line` is the line
//! of its heading in the `.ipynb` file itself: notebooks store each source line
//! of a cell as one JSON string, on its own line when pretty-printed as Jupyter
//! writes them, and the reader keeps where every string starts.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::json::{self, line_of};
use super::schema::file_title;
use super::text::summary;
use crate::ingest::{ContentFile, Diagnostic, Reading, file_item, markdown};
use crate::model::{Article, Author, Record, Section};

/// How many bytes [`sniff`] looks at.
const SNIFF_BYTES: usize = 4096;

/// Whether the bytes look like a Jupyter notebook (a JSON object with `cells` or
/// `nbformat`). Notebooks end in `.ipynb`; this is for files that do not.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(bytes.get(..SNIFF_BYTES).unwrap_or(bytes));
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with('{')
        && (head.contains("\"nbformat\"")
            || (head.contains("\"cells\"") && head.contains("\"cell_type\"")))
}

#[derive(Deserialize)]
struct RawNotebook<'a> {
    #[serde(borrow, default)]
    cells: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    nbformat: Option<&'a RawValue>,
    #[serde(borrow, default)]
    nbformat_minor: Option<&'a RawValue>,
    #[serde(borrow, default)]
    metadata: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawCell<'a> {
    #[serde(default)]
    cell_type: Option<String>,
    #[serde(borrow, default)]
    source: Option<&'a RawValue>,
}

/// Reads one notebook into one item.
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    let display = file.display();
    let fail =
        |line: usize, message: String| Reading::failed(Diagnostic::error(&display, line, message));
    let text = match json::utf8(bytes) {
        Ok(text) => text,
        Err(e) => return fail(e.line, e.message),
    };
    let whole = match json::raw(text) {
        Ok(whole) => whole,
        Err(e) => return fail(e.line, e.message),
    };
    if json::opening(whole) != Some('{') {
        return fail(
            1,
            "not a Jupyter notebook: the file is not a JSON object".into(),
        );
    }
    let notebook: RawNotebook = match serde_json::from_str(text) {
        Ok(notebook) => notebook,
        Err(e) => return fail(e.line(), format!("not a Jupyter notebook: {e}")),
    };
    let nbformat_line = text
        .rfind("\"nbformat\"")
        .map_or(1, |at| json::line_at(text, at));
    let major = notebook
        .nbformat
        .and_then(|raw| raw.get().trim().parse::<u64>().ok());
    let minor = notebook
        .nbformat_minor
        .and_then(|raw| raw.get().trim().parse::<u64>().ok());
    match major {
        Some(4) => {}
        Some(other) => {
            return fail(
                nbformat_line,
                format!(
                    "nbformat {other} notebook: only nbformat 4 is read (convert it with `jupyter nbconvert --to notebook`)"
                ),
            );
        }
        None => return fail(1, "not a Jupyter notebook: no nbformat version".into()),
    }
    let Some(cells) = notebook.cells else {
        return fail(1, "nbformat 4 notebook without `cells`".into());
    };

    let mut diagnostics = Vec::new();
    let metadata = match notebook.metadata {
        Some(raw) => match json::parse(raw.get(), line_of(text, 1, raw.get())) {
            Ok(value) => value,
            Err(e) => {
                diagnostics.push(Diagnostic::warning(
                    &display,
                    e.line,
                    format!("notebook metadata not read: {}", e.message),
                ));
                Value::Null
            }
        },
        None => Value::Null,
    };
    let language = ["kernelspec", "language_info"]
        .iter()
        .find_map(|key| {
            let section = metadata.get(key)?;
            json::text(section.get("language"))
                .or_else(|| json::text(section.get("name")).filter(|_| *key == "language_info"))
        })
        .unwrap_or_default();

    let mut cells_read = Cells::default();
    for (index, raw) in cells.iter().enumerate() {
        let cell_line = line_of(text, 1, raw.get());
        let cell: RawCell = match serde_json::from_str(raw.get()) {
            Ok(cell) => cell,
            Err(e) => {
                diagnostics.push(Diagnostic::warning(
                    &display,
                    cell_line,
                    format!("cell {} is not a notebook cell ({e}): skipped", index + 1),
                ));
                continue;
            }
        };
        let pieces = match cell.source.map(|s| source_lines(s, text)) {
            Some(Ok(pieces)) => pieces,
            Some(Err(message)) => {
                diagnostics.push(Diagnostic::warning(
                    &display,
                    cell_line,
                    format!("cell {}: {message}: skipped", index + 1),
                ));
                continue;
            }
            None => Vec::new(),
        };
        match cell.cell_type.as_deref() {
            Some("markdown") => cells_read.markdown(&pieces, cell_line),
            Some("code") => cells_read.code(&pieces, cell_line, &language),
            Some("raw") => cells_read.raw(&pieces),
            other => diagnostics.push(Diagnostic::warning(
                &display,
                cell_line,
                format!(
                    "cell {} has cell_type {}: skipped",
                    index + 1,
                    other.map_or("(none)".to_string(), |t| format!("`{t}`"))
                ),
            )),
        }
    }

    let mut body = markdown::parse(&cells_read.joined, "", 1);
    let title = body
        .first_heading
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| file_title(&file.rel));
    let sections = std::mem::take(&mut body.sections);
    let sections = arrange(sections, &body, &cells_read, &title);
    if sections.is_empty() {
        diagnostics.push(Diagnostic::warning(
            &display,
            1,
            "notebook has no text and no code",
        ));
    }

    let mut extra = BTreeMap::new();
    let version = match minor {
        Some(minor) => format!("4.{minor}"),
        None => "4".to_string(),
    };
    extra.insert("nbformat".to_string(), Value::String(version));
    if !language.is_empty() {
        extra.insert("language".to_string(), Value::String(language.clone()));
    }
    extra.insert(
        "cells".to_string(),
        serde_json::json!({"markdown": cells_read.markdown_count, "code": cells_read.code_count, "raw": cells_read.raw_cells.len()}),
    );
    if !cells_read.raw_cells.is_empty() {
        extra.insert(
            "raw_cells".to_string(),
            Value::from(cells_read.raw_cells.clone()),
        );
    }
    if let Value::Object(map) = &metadata {
        for (key, value) in map {
            extra.insert(format!("metadata.{key}"), value.clone());
        }
    }
    let authors: Vec<Author> = json::many(metadata.get("authors"))
        .into_iter()
        .filter_map(|a| json::text(Some(a)).or_else(|| json::text(a.get("name"))))
        .map(|name| Author { name, orcid: None })
        .collect();

    let summary = sections
        .iter()
        .find(|s| !s.text.is_empty())
        .map(|s| summary(&s.text))
        .unwrap_or_default();
    let record = Record {
        format: "notebook".into(),
        ..Record::default()
    };
    let article = Article {
        summary,
        kind: Some("notebook".into()),
        authors,
        extra,
        markdown: cells_read.display,
        sections,
        ..file_item(file, title, record)
    };
    Reading {
        articles: vec![article],
        diagnostics,
    }
}

/// A cell's source as (file line, text) pieces: a list of strings (one per line,
/// each where it stands in the file) or one string.
fn source_lines(raw: &RawValue, text: &str) -> Result<Vec<(usize, String)>, String> {
    let strings: Vec<&RawValue> = match json::opening(raw) {
        Some('[') => serde_json::from_str(raw.get())
            .map_err(|e| format!("source is not a list of strings ({e})"))?,
        Some('"') => vec![raw],
        Some('n') => Vec::new(),
        _ => return Err("source is neither a string nor a list of strings".into()),
    };
    strings
        .into_iter()
        .map(|s| {
            let piece: String = serde_json::from_str(s.get())
                .map_err(|_| "source holds something other than strings".to_string())?;
            Ok((line_of(text, 1, s.get()), piece))
        })
        .collect()
}

/// A code cell and where it stands among the Markdown.
struct CodeCell {
    /// Rows of joined Markdown before it: it belongs to the last heading above that.
    row: usize,
    /// The cell's line in the file.
    line: usize,
    source: String,
}

/// The cells read so far: Markdown joined (with the file line of each of its
/// lines), code cells with their position, and the notebook as Markdown for display.
#[derive(Default)]
struct Cells {
    joined: String,
    /// File line of each line of `joined`.
    rows: Vec<usize>,
    code_cells: Vec<CodeCell>,
    raw_cells: Vec<String>,
    display: String,
    markdown_count: usize,
    code_count: usize,
}

impl Cells {
    fn markdown(&mut self, pieces: &[(usize, String)], cell_line: usize) {
        self.markdown_count += 1;
        let mut last_line = cell_line;
        let mut cell = String::new();
        for (line, piece) in pieces {
            last_line = *line;
            for part in piece.split_inclusive('\n') {
                cell.push_str(part);
                if part.ends_with('\n') {
                    self.rows.push(*line);
                }
            }
        }
        if !cell.ends_with('\n') {
            cell.push('\n');
            self.rows.push(last_line);
        }
        // A blank line keeps the next cell's first line from continuing this one's
        // paragraph (or closes its list), as Jupyter renders cells apart.
        cell.push('\n');
        self.rows.push(last_line);
        self.joined.push_str(&cell);
        self.display.push_str(&cell);
    }

    fn code(&mut self, pieces: &[(usize, String)], cell_line: usize, language: &str) {
        self.code_count += 1;
        let source: String = pieces.iter().map(|(_, p)| p.as_str()).collect();
        let source = source.trim_end().to_string();
        if source.trim().is_empty() {
            return;
        }
        let fence = if source.contains("```") {
            "~~~~"
        } else {
            "```"
        };
        self.display
            .push_str(&format!("{fence}{language}\n{source}\n{fence}\n\n"));
        self.code_cells.push(CodeCell {
            row: self.rows.len(),
            line: cell_line,
            source,
        });
    }

    fn raw(&mut self, pieces: &[(usize, String)]) {
        let source: String = pieces.iter().map(|(_, p)| p.as_str()).collect();
        self.raw_cells.push(source);
    }
}

/// Puts each code cell in the section of the last heading above it (the text
/// before any heading for code that comes first). A heading with code but no
/// Markdown text under it gets a section of its own, so its code is not lost.
/// Then maps the sections' lines (lines of the joined Markdown) to the file's.
fn arrange(
    mut sections: Vec<Section>,
    body: &markdown::Body,
    cells: &Cells,
    title: &str,
) -> Vec<Section> {
    // Every heading of the joined Markdown (its lines are rows + 1), with its anchor.
    let headings = &body.headings;
    // The file line of the first code cell, when code comes before any text.
    let mut leading_code_line = None;
    for code in &cells.code_cells {
        let owner = headings.iter().rposition(|h| h.line <= code.row);
        let existing = match owner.and_then(|k| headings.get(k)) {
            Some(heading) => sections
                .iter_mut()
                .find(|s| s.level != 0 && s.line == heading.line),
            None => sections.iter_mut().find(|s| s.level == 0),
        };
        if let Some(section) = existing {
            section.code.push(code.source.clone());
            continue;
        }
        let section = match owner.and_then(|k| Some((k, headings.get(k)?))) {
            Some((k, heading)) => Section {
                ordinal: 0,
                heading: heading.text.clone(),
                level: heading.level,
                heading_path: heading.path.clone(),
                anchor: body
                    .anchors
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| markdown::slugify(&heading.text)),
                text: String::new(),
                line: heading.line,
                page: None,
                link_texts: Vec::new(),
                code: vec![code.source.clone()],
            },
            None => {
                leading_code_line = Some(code.line);
                Section {
                    ordinal: 0,
                    heading: title.to_string(),
                    level: 0,
                    heading_path: Vec::new(),
                    anchor: String::new(),
                    text: String::new(),
                    line: 1,
                    page: None,
                    link_texts: Vec::new(),
                    code: vec![code.source.clone()],
                }
            }
        };
        sections.push(section);
    }
    // Text before the first heading first, then by line.
    sections.sort_by_key(|s| (s.level != 0, s.line));
    for (ordinal, section) in sections.iter_mut().enumerate() {
        section.ordinal = ordinal;
        let row = section.line.saturating_sub(1);
        section.line = match (section.level, leading_code_line) {
            (0, Some(line)) => line,
            _ => cells.rows.get(row).copied().unwrap_or(1),
        };
        if section.level == 0 {
            section.heading = title.to_string();
        }
    }
    sections
}
