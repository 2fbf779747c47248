//! Labels of facet values, so that people read "small angle x-ray scattering"
//! and "data steward" where the index holds `PaNET:PaNET01188` and
//! `data-steward`. Terms carry their label in the term index; kinds, audiences
//! and FAIR principles are concepts of eoskb's own vocabularies, loaded as
//! ontologies like any other. Each value is looked up once per generation.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use super::{Error, FacetCounts, KnowledgeBase};
use crate::vocab::{EOSKB, FAIR};

/// Values remembered per generation; beyond it labels are looked up every
/// time (filter values come from requests, so the memo must not grow with them).
const MAX_REMEMBERED: usize = 4096;

/// Per facet, value → label, for the values that have one.
pub type FacetLabels = BTreeMap<String, BTreeMap<Arc<str>, Arc<str>>>;

/// A facet's name and one of its values.
type FacetValue = (String, Arc<str>);

/// The labels looked up so far: `(facet, value)` → label, `None` for none.
#[derive(Default)]
pub(crate) struct LabelMemo(Mutex<HashMap<FacetValue, Option<Arc<str>>>>);

/// The IRI naming a facet's value, for the facets whose values are concepts.
fn value_iri(kb: &KnowledgeBase, facet: &str, value: &str) -> Option<String> {
    match facet {
        "terms" => Some(
            kb.prefixes
                .expand(value)
                .unwrap_or_else(|_| value.to_string()),
        ),
        "kind" => Some(format!("{EOSKB}kind-{value}")),
        "audience" => Some(format!("{EOSKB}audience-{value}")),
        "fair" => Some(format!("{FAIR}{value}")),
        _ => None,
    }
}

/// The labels of the listed facet values that have one (and differ from it).
/// The memo is locked twice per search, not once per value: searches run on
/// every worker thread at once.
pub fn facet_labels(kb: &KnowledgeBase, facets: &FacetCounts) -> Result<FacetLabels, Error> {
    let mut labels = FacetLabels::new();
    let mut unknown = Vec::new();
    {
        let memo = kb.facet_labels.0.lock().ok();
        for (facet, values) in facets {
            if !LABELLED.contains(&facet.as_str()) {
                continue;
            }
            for value in values.keys() {
                let key = (facet.clone(), value.clone());
                match memo.as_ref().and_then(|m| m.get(&key)) {
                    Some(Some(label)) => insert(&mut labels, facet, value, label.clone()),
                    Some(None) => {}
                    None => unknown.push(key),
                }
            }
        }
    }
    let mut found = Vec::with_capacity(unknown.len());
    for (facet, value) in unknown {
        let label: Option<Arc<str>> = match value_iri(kb, &facet, &value) {
            Some(iri) => super::ontology::lookup::find_term(kb, &iri)?
                .and_then(|t| t.label)
                .filter(|l| l.as_str() != &*value)
                .map(Arc::from),
            None => None,
        };
        if let Some(label) = &label {
            insert(&mut labels, &facet, &value, label.clone());
        }
        found.push(((facet, value), label));
    }
    if !found.is_empty()
        && let Ok(mut memo) = kb.facet_labels.0.lock()
    {
        for (key, label) in found {
            if memo.len() >= MAX_REMEMBERED {
                break;
            }
            memo.insert(key, label);
        }
    }
    Ok(labels)
}

/// The facets whose values are concepts with labels.
const LABELLED: [&str; 4] = ["terms", "kind", "audience", "fair"];

fn insert(labels: &mut FacetLabels, facet: &str, value: &Arc<str>, label: Arc<str>) {
    labels
        .entry(facet.to_string())
        .or_default()
        .insert(value.clone(), label);
}
