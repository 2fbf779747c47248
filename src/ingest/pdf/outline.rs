//! The document outline (bookmarks): `/Outlines` in the catalog, a tree of items
//! linked by `/First` and `/Next`, each pointing at a destination on a page
//! directly (`/Dest`, or a `/GoTo` action's `/D`) or by name (the catalog's
//! `/Dests` dictionary or the `/Names /Dests` name tree).
//!
//! The tree comes from the file, so it is walked with an explicit stack, a set of
//! visited objects (a `/Next` that points back would loop) and caps on depth and
//! entries: hostile bookmarks cost bounded work and never recurse.

use std::collections::{BTreeMap, HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::info::{deref, text_string};

/// One outline item, in document (pre-)order.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    /// The title as the file writes it (decoded, not cleaned: U+00A0 and all).
    pub title: String,
    /// 0 for top-level items.
    pub depth: usize,
    /// The 1-based page the destination is on, when it resolves to one.
    pub page: Option<u32>,
    /// The destination's top edge in PDF user space (`/XYZ`, `/FitH`, `/FitBH`,
    /// `/FitR`), when it gives one.
    pub top: Option<f32>,
}

/// Items deeper than this are not read (the outline is a table of contents).
const MAX_DEPTH: usize = 64;
/// At most this many items are read.
const MAX_ENTRIES: usize = 10_000;
/// At most this many nodes of the named-destination tree are visited.
const MAX_NAME_NODES: usize = 100_000;

/// The outline's entries; empty when the file has none or it cannot be read.
/// `pages` maps page objects to page numbers (`Document::get_pages`, inverted).
pub fn read(doc: &Document, pages: &HashMap<ObjectId, u32>) -> Vec<OutlineEntry> {
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Outlines").ok())
        .and_then(|outlines| deref(doc, outlines))
        .and_then(|outlines| outlines.as_dict().ok())
    else {
        return Vec::new();
    };
    let mut names = NamedDestinations::new(doc);
    let mut entries = Vec::new();
    let mut visited: HashSet<ObjectId> = HashSet::new();
    // (item, depth); the top of the stack is visited next.
    let mut stack: Vec<(&Object, usize)> = Vec::new();
    if let Ok(first) = root.get(b"First") {
        stack.push((first, 0));
    }
    while let Some((object, depth)) = stack.pop() {
        if entries.len() >= MAX_ENTRIES {
            break;
        }
        if let Object::Reference(id) = object
            && !visited.insert(*id)
        {
            continue;
        }
        let Some(item) = deref(doc, object).and_then(|o| o.as_dict().ok()) else {
            continue;
        };
        let title = item
            .get(b"Title")
            .ok()
            .and_then(|t| deref(doc, t))
            .and_then(text_string)
            .unwrap_or_default();
        let (page, top) = destination(doc, item, pages, &mut names).unwrap_or((None, None));
        entries.push(OutlineEntry {
            title,
            depth,
            page,
            top,
        });
        // Siblings after children: push the sibling first so the child pops first.
        if let Ok(next) = item.get(b"Next") {
            stack.push((next, depth));
        }
        if depth + 1 < MAX_DEPTH
            && let Ok(first) = item.get(b"First")
        {
            stack.push((first, depth + 1));
        }
    }
    entries
}

/// The page and top edge an item points at: `/Dest`, or a `/GoTo` action's `/D`
/// (a `/GoToR` into another file, a URI or a script points at no page here).
fn destination(
    doc: &Document,
    item: &Dictionary,
    pages: &HashMap<ObjectId, u32>,
    names: &mut NamedDestinations,
) -> Option<(Option<u32>, Option<f32>)> {
    let target = match item.get(b"Dest") {
        Ok(dest) => dest,
        Err(_) => {
            let action = deref(doc, item.get(b"A").ok()?)?.as_dict().ok()?;
            let kind = deref(doc, action.get(b"S").ok()?)?.as_name().ok()?;
            if kind != b"GoTo" {
                return None;
            }
            action.get(b"D").ok()?
        }
    };
    let array = resolve(doc, target, names)?;
    Some(explicit(doc, &array, pages))
}

/// A destination as its explicit array `[page /XYZ left top zoom]`, following
/// references and names (a name maps to an array or to a dictionary with `/D`).
fn resolve(doc: &Document, target: &Object, names: &mut NamedDestinations) -> Option<Vec<Object>> {
    let mut current = target.clone();
    // A name may lead (through references) to a dictionary whose /D is another
    // name: follow a few steps.
    for _ in 0..4 {
        current = match deref(doc, &current)? {
            Object::Array(array) => return Some(array.clone()),
            Object::Dictionary(dict) => dict.get(b"D").ok()?.clone(),
            Object::Name(name) => names.lookup(name, true)?,
            Object::String(key, _) => names.lookup(key, false)?,
            _ => return None,
        };
    }
    None
}

/// The page number and top edge of an explicit destination.
fn explicit(
    doc: &Document,
    array: &[Object],
    pages: &HashMap<ObjectId, u32>,
) -> (Option<u32>, Option<f32>) {
    let page = match array.first() {
        Some(Object::Reference(id)) => pages.get(id).copied(),
        // A page index is for remote destinations, but some writers use it locally.
        Some(Object::Integer(index)) => u32::try_from(*index).ok().map(|i| i.saturating_add(1)),
        _ => None,
    };
    let number = |index: usize| {
        array
            .get(index)
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_float().ok())
    };
    let fit = array.get(1).and_then(|o| o.as_name().ok());
    let top = match fit {
        Some(b"XYZ") => number(3),
        Some(b"FitH") | Some(b"FitBH") => number(2),
        Some(b"FitR") => number(5),
        _ => None,
    };
    (page, top)
}

/// Named destinations, gathered on first use: the catalog's `/Dests` dictionary
/// (keys are names, PDF 1.1) and the `/Names /Dests` name tree (keys are strings).
struct NamedDestinations<'a> {
    doc: &'a Document,
    by_name: Option<BTreeMap<Vec<u8>, Object>>,
    by_string: Option<BTreeMap<Vec<u8>, Object>>,
}

impl<'a> NamedDestinations<'a> {
    fn new(doc: &'a Document) -> Self {
        NamedDestinations {
            doc,
            by_name: None,
            by_string: None,
        }
    }

    /// The destination named `key`; names look in `/Dests` first, strings in the
    /// name tree first, each then in the other (writers mix them up).
    fn lookup(&mut self, key: &[u8], is_name: bool) -> Option<Object> {
        let doc = self.doc;
        let by_name = self.by_name.get_or_insert_with(|| dests_dictionary(doc));
        let from_dict = by_name.get(key).cloned();
        let by_string = self.by_string.get_or_insert_with(|| dests_name_tree(doc));
        let from_tree = by_string.get(key).cloned();
        if is_name {
            from_dict.or(from_tree)
        } else {
            from_tree.or(from_dict)
        }
    }
}

fn dests_dictionary(doc: &Document) -> BTreeMap<Vec<u8>, Object> {
    doc.catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Dests").ok())
        .and_then(|dests| deref(doc, dests))
        .and_then(|dests| dests.as_dict().ok())
        .map(|dests| {
            dests
                .iter()
                .take(MAX_NAME_NODES)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Walks the `/Names /Dests` name tree (`/Kids` and `/Names` pairs) iteratively.
fn dests_name_tree(doc: &Document) -> BTreeMap<Vec<u8>, Object> {
    let mut found = BTreeMap::new();
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Names").ok())
        .and_then(|names| deref(doc, names))
        .and_then(|names| names.as_dict().ok())
        .and_then(|names| names.get(b"Dests").ok())
    else {
        return found;
    };
    let mut visited: HashSet<ObjectId> = HashSet::new();
    let mut stack: Vec<&Object> = vec![root];
    let mut budget = MAX_NAME_NODES;
    while let Some(node) = stack.pop() {
        if budget == 0 {
            break;
        }
        budget -= 1;
        if let Object::Reference(id) = node
            && !visited.insert(*id)
        {
            continue;
        }
        let Some(node) = deref(doc, node).and_then(|n| n.as_dict().ok()) else {
            continue;
        };
        if let Some(kids) = node
            .get(b"Kids")
            .ok()
            .and_then(|k| deref(doc, k))
            .and_then(|k| k.as_array().ok())
        {
            stack.extend(kids.iter().rev());
        }
        if let Some(pairs) = node
            .get(b"Names")
            .ok()
            .and_then(|n| deref(doc, n))
            .and_then(|n| n.as_array().ok())
        {
            for pair in pairs.chunks(2) {
                if let [key, value] = pair
                    && let Ok(key) = key.as_str()
                {
                    found.entry(key.to_vec()).or_insert_with(|| value.clone());
                }
            }
        }
    }
    found
}
