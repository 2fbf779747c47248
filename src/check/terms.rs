//! Ontology terms in front matter (`terms:`): each must be a CURIE with a known
//! prefix or an absolute IRI, and a term of the loaded ontologies.
//!
//! - A term in a namespace some loaded ontology has terms in, but not defined by
//!   it, is an error (`term-unknown`): a typo or a term that was removed.
//! - A term whose namespace no loaded ontology has terms in (EDAM not loaded) can
//!   be neither confirmed nor denied: one warning per namespace
//!   (`term-unverified`), not an error per use.
//! - A deprecated term is a warning (`term-deprecated`) naming the replacement the
//!   ontology states. Not an error: the IRI still resolves to a defined term (its
//!   labels and hierarchy stay searchable), and ontologies deprecate on their own
//!   release schedule, so an error would fail a content repository's CI on the
//!   day an ontology is updated, with no change to the content.

use std::collections::{BTreeSet, HashMap};

use super::catalogue::TermCatalogue;
use super::corpus::{Corpus, Doc};
use super::fields::closest;
use super::location::Position;
use super::{Error, Finding, Rule};
use crate::config::{Config, ExpandError, PrefixMap};
use crate::ingest::Severity;
use crate::model::OntologyTerm;

const OBO: &str = "http://purl.obolibrary.org/obo/";

/// Uses of terms whose namespace no loaded ontology covers.
struct Unverified {
    /// The first use, where the one warning goes.
    path: String,
    at: Position,
    /// How the namespace is shown: `EDAM:` or `<http://...>`.
    shown: String,
    uses: usize,
    files: BTreeSet<String>,
}

/// Checks the `terms` of every reported article against the catalogue.
pub fn check(
    corpus: &Corpus,
    catalogue: &TermCatalogue,
    config: &Config,
) -> Result<Vec<Finding>, Error> {
    let prefixes = config.prefix_map();
    let mut out = Vec::new();
    let mut terms: HashMap<String, Option<OntologyTerm>> = HashMap::new();
    let mut covered: HashMap<String, bool> = HashMap::new();
    // In order of first use; one warning per namespace.
    let mut unverified: Vec<Unverified> = Vec::new();
    let mut unverified_at: HashMap<String, usize> = HashMap::new();
    for doc in corpus.reported() {
        for reference in &doc.parsed.article.terms {
            let at = doc
                .front
                .value("terms", reference)
                .unwrap_or(Position::FILE_START);
            let iri = match prefixes.expand(reference) {
                Ok(iri) => iri,
                Err(e) => {
                    out.push(syntax_error(doc, at, reference, &e, &prefixes));
                    continue;
                }
            };
            if !terms.contains_key(&iri) {
                terms.insert(iri.clone(), catalogue.lookup(&iri)?);
            }
            match terms.get(&iri).and_then(Option::as_ref) {
                Some(term) if term.deprecated => {
                    let advice = replacement(term, catalogue, &prefixes)?;
                    out.push(Finding::new(
                        Rule::TermDeprecated,
                        Severity::Warning,
                        &doc.display,
                        at,
                        format!("term `{reference}`{} is deprecated; {advice}", label(term)),
                    ));
                }
                Some(_) => {}
                None => {
                    let (namespace, shown) = namespace(reference, &iri, &prefixes);
                    let is_covered = match covered.get(&namespace) {
                        Some(&c) => c,
                        None => {
                            let c = catalogue.covers(&namespace)?;
                            covered.insert(namespace.clone(), c);
                            c
                        }
                    };
                    if is_covered {
                        out.push(Finding::new(
                            Rule::TermUnknown,
                            Severity::Error,
                            &doc.display,
                            at,
                            format!(
                                "term `{reference}` is not defined by the loaded ontologies (<{iri}>); check the spelling or search with `eoskb terms`"
                            ),
                        ));
                        continue;
                    }
                    let i = *unverified_at.entry(namespace).or_insert_with(|| {
                        unverified.push(Unverified {
                            path: doc.display.clone(),
                            at,
                            shown,
                            uses: 0,
                            files: BTreeSet::new(),
                        });
                        unverified.len() - 1
                    });
                    unverified[i].uses += 1;
                    unverified[i].files.insert(doc.display.clone());
                }
            }
        }
    }
    for u in unverified {
        let source = if catalogue.is_empty() {
            "no ontology is loaded (run `eoskb index`, or pass --ontology)".to_string()
        } else {
            format!("no loaded ontology has terms in {}", u.shown)
        };
        out.push(Finding::new(
            Rule::TermUnverified,
            Severity::Warning,
            u.path,
            u.at,
            format!(
                "{source}: {} use{} of its terms in {} article{} cannot be verified (reported once)",
                u.uses,
                if u.uses == 1 { "" } else { "s" },
                u.files.len(),
                if u.files.len() == 1 { "" } else { "s" },
            ),
        ));
    }
    Ok(out)
}

fn syntax_error(
    doc: &Doc,
    at: Position,
    reference: &str,
    e: &ExpandError,
    prefixes: &PrefixMap,
) -> Finding {
    let message = match e {
        ExpandError::UnknownPrefix(prefix) => {
            let known: Vec<&str> = prefixes.map.keys().map(String::as_str).collect();
            let hint = match closest(prefix, &known) {
                Some(near) => format!("did you mean `{near}:`? Or declare"),
                None => "declare".to_string(),
            };
            format!(
                "unknown prefix `{prefix}` in term `{reference}`; {hint} it under [prefixes] in eoskb.toml"
            )
        }
        ExpandError::NotAnIri(_) => {
            format!("term `{reference}` is neither a CURIE (`prefix:id`) nor an absolute IRI")
        }
    };
    Finding::new(Rule::TermSyntax, Severity::Error, &doc.display, at, message)
}

/// ` ("label")`, or nothing.
fn label(term: &OntologyTerm) -> String {
    term.label
        .as_deref()
        .map_or(String::new(), |l| format!(" (\"{l}\")"))
}

/// What to use instead of a deprecated term, as its ontology states it.
fn replacement(
    term: &OntologyTerm,
    catalogue: &TermCatalogue,
    prefixes: &PrefixMap,
) -> Result<String, Error> {
    let (verb, targets) = if !term.replaced_by.is_empty() {
        ("replaced by", &term.replaced_by)
    } else if !term.consider.is_empty() {
        ("consider", &term.consider)
    } else {
        return Ok("its ontology names no replacement".into());
    };
    let mut names = Vec::new();
    for target in targets {
        let shown = match prefixes.compact(target) {
            Some(curie) => curie,
            None if target.contains("://") => format!("<{target}>"),
            None => target.clone(),
        };
        let labelled = match catalogue.lookup(target)? {
            Some(t) => format!("`{shown}`{}", label(&t)),
            None => format!("`{shown}`"),
        };
        names.push(labelled);
    }
    Ok(format!("{verb} {}", names.join(", ")))
}

/// The namespace a term belongs to, and how to show it: the CURIE's prefix, else
/// the longest configured namespace of the IRI, else the IRI up to its last `/`
/// or `#`. OBO PURLs share one folder, so there the ontology's id space counts
/// (`obo:GO_` is not `obo:RO_`).
fn namespace(reference: &str, iri: &str, prefixes: &PrefixMap) -> (String, String) {
    let trimmed = reference.trim();
    let curie_prefix = (!trimmed.starts_with('<') && !trimmed.contains("://"))
        .then(|| trimmed.split_once(':').map(|(p, _)| p))
        .flatten();
    let (mut ns, mut shown) = match curie_prefix.and_then(|p| prefixes.map.get(p).map(|n| (p, n))) {
        Some((p, n)) => (n.clone(), format!("`{p}:` <{n}>")),
        None => match prefixes
            .map
            .iter()
            .filter(|(_, n)| iri.starts_with(n.as_str()))
            .max_by_key(|(_, n)| n.len())
        {
            Some((p, n)) => (n.clone(), format!("`{p}:` <{n}>")),
            None => {
                let end = iri.rfind(['/', '#']).map_or(iri.len(), |i| i + 1);
                let n = iri[..end].to_string();
                (n.clone(), format!("<{n}>"))
            }
        },
    };
    if ns == OBO
        && let Some(space) = iri[ns.len()..].split_once('_').map(|(s, _)| s)
    {
        ns = format!("{OBO}{space}_");
        shown = format!("`obo:{space}_` <{ns}>");
    }
    (ns, shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces() {
        let prefixes = Config::default().prefix_map();
        let ns = |r: &str| {
            let iri = prefixes.expand(r).unwrap();
            namespace(r, &iri, &prefixes).0
        };
        assert_eq!(ns("EDAM:topic_0219"), "http://edamontology.org/");
        assert_eq!(
            ns("http://edamontology.org/topic_0219"),
            "http://edamontology.org/"
        );
        assert_eq!(ns("obo:GO_0008150"), "http://purl.obolibrary.org/obo/GO_");
        assert_eq!(ns("http://example.org/onto/x"), "http://example.org/onto/");
    }
}
