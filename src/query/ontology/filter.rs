//! The `term=` filter: an IRI or CURIE stands for the term and all its descendants,
//! as the PaNOSC search API expands a PaNET technique, and lets through the articles
//! annotated with any of them. Several values are alternatives.

use std::collections::BTreeSet;

use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;

use super::lookup::find_term;
use crate::config::ExpandError;
use crate::model::Facet;
use crate::query::{Error, KnowledgeBase};

/// Dense indexes (sorted) of the articles annotated with any of `values` (IRIs or
/// CURIEs) or a descendant of one. A value no ontology defines and no article uses
/// is an error naming it, as is a CURIE with an unknown prefix; a value written
/// as-is in some article's front matter (a facet value) always matches that
/// article, so the facet list stays clickable whatever the prefixes.
pub fn term_filter_articles(kb: &KnowledgeBase, values: &[String]) -> Result<Vec<u32>, Error> {
    let mut allowed = BTreeSet::new();
    for value in values {
        allowed.extend(articles_of(kb, value)?);
    }
    Ok(allowed.into_iter().collect())
}

fn articles_of(kb: &KnowledgeBase, value: &str) -> Result<Vec<u32>, Error> {
    let as_written = as_written(kb, value)?;
    let iri = match kb.prefixes.expand(value) {
        Ok(iri) => iri,
        Err(_) if !as_written.is_empty() => return Ok(as_written),
        Err(e) => {
            return Err(Error::InvalidParameter {
                name: Facet::Terms.param().into(),
                reason: match e {
                    ExpandError::UnknownPrefix(p) => {
                        format!(
                            "unknown prefix `{p}` in `{value}`; use a full IRI or a known prefix"
                        )
                    }
                    ExpandError::NotAnIri(r) => format!("`{r}` is neither an IRI nor a CURIE"),
                },
            });
        }
    };
    let annotated = kb.term_usage().articles(&iri);
    if annotated.is_empty() && as_written.is_empty() && find_term(kb, &iri)?.is_none() {
        return Err(Error::UnknownTerm {
            value: value.to_string(),
            iri,
        });
    }
    let mut all: BTreeSet<u32> = annotated.iter().copied().collect();
    all.extend(as_written);
    Ok(all.into_iter().collect())
}

/// The articles whose front matter lists `value` itself (any case).
fn as_written(kb: &KnowledgeBase, value: &str) -> Result<Vec<u32>, Error> {
    let Some(written) = kb
        .articles
        .facet_values(Facet::Terms.name())
        .and_then(|known| known.iter().find(|v| v.eq_ignore_ascii_case(value.trim())))
    else {
        return Ok(Vec::new());
    };
    let field = kb.articles.fields().facet(Facet::Terms);
    let term = tantivy::Term::from_facet(
        field,
        &tantivy::schema::Facet::from_path([written.as_str()]),
    );
    let docs = kb.articles.searcher().search(
        &TermQuery::new(term, IndexRecordOption::Basic),
        &DocSetCollector,
    )?;
    Ok(docs.iter().filter_map(|d| kb.articles.at(*d)).collect())
}
