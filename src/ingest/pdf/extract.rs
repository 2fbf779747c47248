//! Text per page with pdf-extract, made safe for files from anywhere.
//!
//! pdf-extract unwraps freely (a panic, caught per page by [`quiet_panic`]) and
//! recurses without a bound in two places a panic cannot catch, since the stack
//! overflows and the process aborts: the `/Parent` chain when it looks for a
//! page's inherited `/Resources` and `/MediaBox`, and form XObjects drawn with
//! `Do` (a form that draws itself). [`preflight`] checks both before a page is
//! handed over, and bounds the work a page's forms can cause (a form drawn 1,000
//! times by a form drawn 1,000 times is a million passes). It also treats every
//! `Do` as a form, images included, and parses character maps and font programs
//! without a depth bound: `defuse` prepares the document for both first.

use std::collections::{HashMap, HashSet};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::info::deref;
use super::layout::{Collector, PageText};
use super::quiet_panic;
use crate::ingest::Diagnostic;

/// What happened to one page.
#[derive(Debug, Clone, PartialEq)]
pub enum PageOutcome {
    Read,
    /// pdf-extract failed or panicked; the text up to that point is kept.
    Failed(String),
    /// Not handed to pdf-extract at all, for the reason given.
    Skipped(String),
}

/// The text of the first `max_pages` pages (`pages`: number → page object, in
/// order), at most `max_text_bytes` in all, and what happened to each page.
pub struct Extraction {
    pub pages: Vec<PageText>,
    pub outcomes: Vec<PageOutcome>,
    /// The text budget ran out at this page (1-based); later pages were not read.
    pub budget_ran_out_at: Option<u32>,
}

impl Extraction {
    /// Warnings for pages that failed or were skipped, and for a text budget
    /// (`max_text_bytes`) that ran out.
    pub fn diagnostics(&self, display: &str, max_text_bytes: usize) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut problems = 0;
        for (index, outcome) in self.outcomes.iter().enumerate() {
            let page = index + 1;
            let message = match outcome {
                PageOutcome::Read => continue,
                PageOutcome::Failed(reason) => {
                    format!("page {page}: text extraction failed: {reason}")
                }
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
        if let Some(page) = self.budget_ran_out_at {
            out.push(Diagnostic::warning(
                display,
                usize::try_from(page).unwrap_or(0),
                format!(
                    "text longer than {} bytes: stopped at page {page}",
                    max_text_bytes
                ),
            ));
        }
        out
    }
}

/// Individual page failures reported before they are summed up in one warning.
const MAX_PAGE_WARNINGS: usize = 5;

/// Each page is handed to pdf-extract on its own, so that a panic loses one
/// page; pdf-extract then looks the page up in the page tree each time
/// (quadratic, a few hundred milliseconds at the 2,000-page limit).
pub fn pages(doc: &Document, pages: &[(u32, ObjectId)], max_text_bytes: usize) -> Extraction {
    let mut collector = Collector::new(max_text_bytes);
    let mut outcomes = Vec::with_capacity(pages.len());
    let mut texts = Vec::with_capacity(pages.len());
    let mut forms = FormCache::default();
    let mut budget_ran_out_at = None;
    for &(number, id) in pages {
        if budget_ran_out_at.is_some() {
            break;
        }
        let media_box = media_box(doc, id);
        if let Err(reason) = preflight(doc, id, &mut forms) {
            texts.push(PageText {
                lines: Vec::new(),
                media_box,
            });
            outcomes.push(PageOutcome::Skipped(reason));
            continue;
        }
        collector.pages.clear();
        let result =
            quiet_panic::catch(|| pdf_extract::output_doc_page(doc, &mut collector, number));
        let mut page = collector.pages.pop().unwrap_or_default();
        page.media_box = media_box;
        let outcome = match result {
            Ok(Ok(())) => PageOutcome::Read,
            Ok(Err(_)) if collector.exhausted => {
                budget_ran_out_at = Some(number);
                PageOutcome::Read
            }
            Ok(Err(e)) => PageOutcome::Failed(e.to_string()),
            Err(panic) => PageOutcome::Failed(panic),
        };
        texts.push(page);
        outcomes.push(outcome);
    }
    Extraction {
        pages: texts,
        outcomes,
        budget_ran_out_at,
    }
}

/// How deep a page tree may be above a page, and forms inside forms.
const MAX_NESTING: usize = 32;
/// How many form invocations one page may cause.
const MAX_FORM_RUNS: usize = 10_000;

/// Why a page must not be handed to pdf-extract, if it must not.
fn preflight(doc: &Document, page: ObjectId, forms: &mut FormCache) -> Result<(), String> {
    let resources = inherited(doc, page, b"Resources", |r| r.as_dict().is_ok())?;
    let Some(resources) = resources.and_then(|r| r.as_dict().ok()) else {
        return Ok(());
    };
    if !has_forms(doc, resources) {
        return Ok(());
    }
    let content = doc
        .get_page_content(page)
        .map_err(|e| format!("page content unreadable: {e}"))?;
    let names = do_names(&content);
    let mut runs = 0;
    let mut path = Vec::new();
    for name in &names {
        run_form(doc, resources, name, forms, &mut path, &mut runs)?;
    }
    Ok(())
}

/// Follows `/Parent` from `node` to the first dictionary whose `key` is of the
/// kind `wanted` accepts, as pdf-extract does, but refuses a chain that loops or
/// is deeper than [`MAX_NESTING`].
fn inherited<'a>(
    doc: &'a Document,
    node: ObjectId,
    key: &[u8],
    wanted: impl Fn(&Object) -> bool,
) -> Result<Option<&'a Object>, String> {
    let mut seen = HashSet::from([node]);
    let mut dict = doc
        .get_dictionary(node)
        .map_err(|e| format!("page object unreadable: {e}"))?;
    loop {
        if let Some(value) = dict.get(key).ok().and_then(|v| deref(doc, v))
            && wanted(value)
        {
            return Ok(Some(value));
        }
        let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
            return Ok(None);
        };
        if !seen.insert(parent) || seen.len() > MAX_NESTING {
            return Err("page tree loops (a /Parent points back)".into());
        }
        let Ok(next) = doc.get_dictionary(parent) else {
            return Ok(None);
        };
        dict = next;
    }
}

/// The page's media box, `[0 0 612 792]` (US Letter) when it has none usable.
fn media_box(doc: &Document, page: ObjectId) -> [f32; 4] {
    let values = inherited(doc, page, b"MediaBox", |b| b.as_array().is_ok())
        .ok()
        .flatten()
        .and_then(|b| b.as_array().ok())
        .map(|b| {
            b.iter()
                .filter_map(|v| deref(doc, v).and_then(|v| v.as_float().ok()))
                .collect::<Vec<_>>()
        });
    match values.as_deref() {
        Some(&[a, b, c, d]) => [a, b, c, d],
        _ => [0.0, 0.0, 612.0, 792.0],
    }
}

fn xobjects<'a>(doc: &'a Document, resources: &'a Dictionary) -> Option<&'a Dictionary> {
    deref(doc, resources.get(b"XObject").ok()?)?.as_dict().ok()
}

fn has_forms(doc: &Document, resources: &Dictionary) -> bool {
    xobjects(doc, resources).is_some_and(|x| {
        x.iter().any(|(_, v)| {
            deref(doc, v)
                .and_then(|v| v.as_stream().ok())
                .is_some_and(|s| {
                    s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form")
                })
        })
    })
}

/// The operands of every `Do` in a content stream.
fn do_names(content: &[u8]) -> Vec<Vec<u8>> {
    Content::decode(content)
        .map(|c| {
            c.operations
                .into_iter()
                .filter(|op| op.operator == "Do")
                .filter_map(|op| {
                    op.operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .map(<[u8]>::to_vec)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `Do` names inside each form, decoded once per file.
#[derive(Default)]
struct FormCache {
    names: HashMap<ObjectId, Vec<Vec<u8>>>,
}

/// Walks what `Do name` under `resources` makes pdf-extract run, counting runs
/// and refusing loops and deep nesting. The recursion is bounded by [`MAX_NESTING`].
fn run_form(
    doc: &Document,
    resources: &Dictionary,
    name: &[u8],
    forms: &mut FormCache,
    path: &mut Vec<ObjectId>,
    runs: &mut usize,
) -> Result<(), String> {
    let Some(target) = xobjects(doc, resources).and_then(|x| x.get(name).ok()) else {
        return Ok(());
    };
    let Object::Reference(id) = target else {
        return Ok(()); // a direct stream cannot refer to itself
    };
    let Some(stream) = deref(doc, target).and_then(|o| o.as_stream().ok()) else {
        return Ok(());
    };
    if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
        return Ok(());
    }
    if path.contains(id) {
        return Err("a form XObject draws itself".into());
    }
    if path.len() >= MAX_NESTING {
        return Err(format!("form XObjects nested more than {MAX_NESTING} deep"));
    }
    *runs += 1;
    if *runs > MAX_FORM_RUNS {
        return Err(format!(
            "form XObjects drawn more than {MAX_FORM_RUNS} times"
        ));
    }
    let inner = stream
        .dict
        .get(b"Resources")
        .ok()
        .and_then(|r| deref(doc, r))
        .and_then(|r| r.as_dict().ok())
        .unwrap_or(resources);
    let names = forms
        .names
        .entry(*id)
        .or_insert_with(|| {
            do_names(
                &stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone()),
            )
        })
        .clone();
    path.push(*id);
    for name in &names {
        run_form(doc, inner, name, forms, path, runs)?;
    }
    path.pop();
    Ok(())
}
