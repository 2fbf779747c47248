//! Versions of one output in different files (a harvest writes one file per
//! record) become one item, as those inside one file do when it is read
//! (`ingest::records::versions`). The merge needs every version of a concept at
//! once, but an incremental run reads only changed files: so a run that reads
//! any file of a concept again, or loses one, reads all the others again too
//! (the manifest lists each file's concepts). Their documents are then replaced
//! together: the newest version's file holds the item, the others hold none and
//! list what they folded.

use std::collections::{HashMap, HashSet};

use super::{Outcome, examine, key_of};
use crate::index::manifest::Manifest;
use crate::ingest::records::versions::{concept_of, merge_across_files};
use crate::ingest::{ContentFile, Diagnostic};
use crate::model::Article;

/// What the merge left a file: the concepts of its records and the ids it
/// folded into another file's item.
#[derive(Debug, Default)]
pub(super) struct Folding {
    pub concepts: Vec<String>,
    pub folded: Vec<String>,
}

/// The concept DOIs of a file's items, sorted, once each.
fn concepts(articles: &[Article]) -> Vec<String> {
    let mut concepts: Vec<String> = articles
        .iter()
        .filter_map(concept_of)
        .map(str::to_string)
        .collect();
    concepts.sort();
    concepts.dedup();
    concepts
}

/// Reads again each unchanged file that shares a concept with a file read
/// again, added, failed or removed, until no more are; returns whether any was.
pub(super) fn widen(
    outcomes: &mut [(ContentFile, Outcome)],
    previous: &Manifest,
    max_bytes: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let mut affected: HashSet<String> = HashSet::new();
    let mut present: HashSet<String> = HashSet::new();
    for (file, outcome) in outcomes.iter() {
        let key = key_of(file);
        if let Outcome::Parsed(articles, _) = outcome {
            affected.extend(concepts(articles));
        }
        if !matches!(outcome, Outcome::Unchanged(_))
            && let Some(entry) = previous.files.get(&key)
        {
            // Its old concepts: one it no longer names must be merged without it.
            affected.extend(entry.concepts.iter().cloned());
        }
        present.insert(key);
    }
    for (key, entry) in &previous.files {
        if !present.contains(key) {
            affected.extend(entry.concepts.iter().cloned());
        }
    }
    let mut widened = false;
    loop {
        let mut grew = false;
        for (file, outcome) in outcomes.iter_mut() {
            let Outcome::Unchanged(entry) = outcome else {
                continue;
            };
            if !entry.concepts.iter().any(|c| affected.contains(c)) {
                continue;
            }
            // A file may hold versions of several concepts: theirs are
            // affected now too.
            affected.extend(entry.concepts.iter().cloned());
            *outcome = examine(file, &Manifest::default(), max_bytes, diagnostics);
            grew = true;
        }
        if !grew {
            return widened;
        }
        widened = true;
    }
}

/// Folds the versions of the files read by this run across files; the run has
/// read every file of each concept involved (see [`widen`]). Returns what each
/// read file (by position in `outcomes`) keeps.
pub(super) fn merge(outcomes: &mut [(ContentFile, Outcome)]) -> HashMap<usize, Folding> {
    let mut positions = Vec::new();
    let mut files = Vec::new();
    for (i, (_, outcome)) in outcomes.iter_mut().enumerate() {
        if let Outcome::Parsed(articles, _) = outcome {
            positions.push(i);
            files.push(std::mem::take(articles));
        }
    }
    let concepts: Vec<Vec<String>> = files.iter().map(|a| concepts(a)).collect();
    let folded = merge_across_files(&mut files);
    let mut result = HashMap::new();
    for (((i, articles), concepts), folded) in
        positions.into_iter().zip(files).zip(concepts).zip(folded)
    {
        if let Some((_, Outcome::Parsed(slot, _))) = outcomes.get_mut(i) {
            *slot = articles;
        }
        result.insert(i, Folding { concepts, folded });
    }
    result
}
