//! Browsing the loaded ontologies as their builders do: a term in the context of
//! its hierarchy (every path from the top down to it, its children listed), the
//! children of any term one page at a time, the root terms of an ontology, an
//! ontology's header and counts, and the guidance and outputs that use a term or
//! a narrower one. Every walk is bounded: the ancestor walk by the lookup's
//! budget ([`super::lookup::MAX_WALK`]), the rendered tree by [`MAX_TREE`] nodes, pages by
//! [`MAX_PAGE`]; cycles and multiple parents are handled by visited sets and by
//! showing a term once under each of its parents.
//!
//! Data only: the server renders it (`server::ui::terms`, `server::ui::ontologies`).

mod hierarchy;
mod ontologies;
mod term_page;

use serde::Serialize;

use super::lookup::find_term;
use crate::model::OntologyTerm;
use crate::query::{Error, KnowledgeBase};

pub use hierarchy::{
    MAX_PAGE, MAX_TREE, PAGE, Roots, TermContext, TreeNode, TreePage, children, context, roots,
};
pub(crate) use hierarchy::{has_children, is_top};
pub(crate) use ontologies::header;
pub use ontologies::{
    OntologyDetails, OntologySummary, find_ontology, ontologies, ontology_details,
};
pub use term_page::{
    MAX_ARTICLES, MappingTarget, MappingView, TermPage, TermTag, UsedBy, term_page, term_tags,
    used_by,
};

/// A term named for display: IRI, CURIE, label, whether it has a page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TermName {
    pub iri: String,
    pub curie: Option<String>,
    pub label: Option<String>,
    pub known: bool,
}

/// The display name of `iri`, given what the term index holds of it (`term`).
pub(crate) fn name_of(term: Option<&OntologyTerm>, iri: &str, kb: &KnowledgeBase) -> TermName {
    TermName {
        iri: iri.to_string(),
        curie: term
            .and_then(|t| t.curie.clone())
            .or_else(|| kb.prefixes.compact(iri)),
        label: term.and_then(|t| t.label.clone()),
        known: term.is_some(),
    }
}

/// The display name of any IRI: label and CURIE when the index knows it.
pub fn term_name(kb: &KnowledgeBase, iri: &str) -> Result<TermName, Error> {
    let term = find_term(kb, iri)?;
    Ok(name_of(term.as_ref(), iri, kb))
}

/// What a node is called on screen: its label, else its CURIE, else its IRI.
pub(crate) fn display<'a>(label: Option<&'a str>, curie: Option<&'a str>, iri: &'a str) -> &'a str {
    label.or(curie).unwrap_or(iri)
}
