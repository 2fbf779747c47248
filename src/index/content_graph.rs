//! Articles as RDF (schema.org and Dublin Core terms) for the content graph, so
//! one SPARQL query can join guidance with ontology hierarchies. Every node is an
//! IRI (authors too), so a changed or deleted article's triples can be removed by
//! subject without leaving anonymous leftovers.

use std::collections::{HashMap, HashSet};

use oxigraph::model::{Literal, NamedNode, Term, Triple, vocab::rdf, vocab::xsd};

use crate::config::{Config, ExpandError, PrefixMap, iri_path};
use crate::model::{Article, doi_id, normalise_doi};

use crate::vocab::{DCTERMS, SCHEMA};
pub use crate::vocab::{EOSKB, FAIR};

/// A term reference in front matter that could not become an IRI.
#[derive(Debug, Clone, PartialEq)]
pub struct UnresolvedTerm {
    pub reference: String,
    pub reason: String,
}

fn iri(s: &str) -> Option<NamedNode> {
    NamedNode::new(s).ok()
}

/// A name as an IRI path segment (`Jane Doe` → `jane-doe`).
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_alphanumeric() || c == '.' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The ids of a generation's items, for the `related` entries of front matter:
/// an entry names an item by its id, an output record by its DOI, or an
/// article by its path or file name (when one item has that name).
#[derive(Debug, Default)]
pub struct KnownIds {
    ids: HashSet<String>,
    /// Last path segment of an id → the id, `None` when several share it.
    by_name: HashMap<String, Option<String>>,
}

impl KnownIds {
    pub fn new(ids: impl IntoIterator<Item = String>) -> Self {
        let mut known = KnownIds::default();
        for id in ids {
            let name = id.rsplit('/').next().unwrap_or(&id).to_string();
            known
                .by_name
                .entry(name)
                .and_modify(|one| *one = None)
                .or_insert_with(|| Some(id.clone()));
            known.ids.insert(id);
        }
        known
    }

    /// The id a `related` entry names, if any item has it.
    pub fn resolve(&self, entry: &str) -> Option<String> {
        let entry = entry.split('#').next().unwrap_or(entry).trim();
        if self.ids.contains(entry) {
            return Some(entry.to_string());
        }
        if let Some(doi) = normalise_doi(entry) {
            let id = doi_id(&doi);
            return self.ids.contains(&id).then_some(id);
        }
        // A path or file name: `../fair/x.md`, `/fair/x`, `x`.
        let path = entry.trim_start_matches(['.', '/']);
        let path = [".md", ".markdown", ".html"]
            .iter()
            .find_map(|ext| path.strip_suffix(ext))
            .unwrap_or(path)
            .to_lowercase();
        if self.ids.contains(&path) {
            return Some(path);
        }
        let name = path.rsplit('/').next().unwrap_or(&path);
        self.by_name.get(name).cloned().flatten()
    }
}

/// The schema.org type of an article's kind.
fn schema_type(kind: Option<&str>) -> &'static str {
    match kind {
        Some("faq") => "FAQPage",
        Some("guide") => "HowTo",
        Some("training") => "LearningResource",
        Some("policy") => "DigitalDocument",
        _ => "Article",
    }
}

/// The subjects whose triples describe `article` (for removal on change/delete).
pub fn subjects(config: &Config, id: &str) -> Vec<String> {
    vec![config.article_iri(id)]
}

/// The triples describing one article, and the term references that could not
/// be expanded (reported as warnings naming the file).
pub fn article_triples(
    config: &Config,
    prefixes: &PrefixMap,
    known: &KnownIds,
    article: &Article,
) -> (Vec<Triple>, Vec<UnresolvedTerm>) {
    let mut out = Vec::new();
    let mut unresolved = Vec::new();
    let Some(subject) = iri(&config.article_iri(&article.id)) else {
        return (out, unresolved);
    };
    let schema = |local: &str| NamedNode::new_unchecked(format!("{SCHEMA}{local}"));
    let dct = |local: &str| NamedNode::new_unchecked(format!("{DCTERMS}{local}"));
    let vocab = |local: &str| NamedNode::new_unchecked(format!("{EOSKB}{local}"));
    let mut add = |p: NamedNode, o: Term| out.push(Triple::new(subject.clone(), p, o));

    add(
        rdf::TYPE.into_owned(),
        schema(schema_type(article.kind.as_deref())).into(),
    );
    if schema_type(article.kind.as_deref()) != "Article" {
        add(rdf::TYPE.into_owned(), schema("Article").into());
    }
    add(
        dct("identifier"),
        Literal::new_simple_literal(&article.id).into(),
    );
    add(
        dct("title"),
        Literal::new_simple_literal(&article.title).into(),
    );
    add(
        schema("name"),
        Literal::new_simple_literal(&article.title).into(),
    );
    if !article.summary.is_empty() {
        let summary: Term = Literal::new_simple_literal(&article.summary).into();
        add(dct("description"), summary.clone());
        add(schema("description"), summary);
    }
    if let Some(kind) = &article.kind {
        add(vocab("kind"), vocab(&format!("kind-{}", slug(kind))).into());
    }
    for audience in &article.audience {
        add(
            schema("audience"),
            vocab(&format!("audience-{}", slug(audience))).into(),
        );
    }
    for fair in &article.fair {
        let id = iri_path(&fair.trim().to_ascii_uppercase());
        if let Some(principle) = iri(&format!("{FAIR}{id}")) {
            add(vocab("fairPrinciple"), principle.into());
        }
    }
    for reference in &article.terms {
        match prefixes.expand(reference) {
            Ok(term) => {
                let term = NamedNode::new_unchecked(term);
                add(dct("subject"), term.clone().into());
                add(schema("about"), term.into());
            }
            Err(ExpandError::UnknownPrefix(prefix)) => unresolved.push(UnresolvedTerm {
                reference: reference.clone(),
                reason: format!(
                    "unknown prefix `{prefix}` in term `{reference}`; declare it under [prefixes] in eoskb.toml"
                ),
            }),
            Err(ExpandError::NotAnIri(_)) => unresolved.push(UnresolvedTerm {
                reference: reference.clone(),
                reason: format!("term `{reference}` is neither a CURIE nor an absolute IRI"),
            }),
        }
    }
    for tag in &article.tags {
        add(schema("keywords"), Literal::new_simple_literal(tag).into());
    }
    // Front matter's `related`: guidance linked to other articles and outputs.
    for id in article.related.iter().filter_map(|e| known.resolve(e)) {
        if let Some(other) = iri(&config.article_iri(&id))
            && id != article.id
        {
            add(dct("relation"), other.into());
        }
    }
    if let Some(updated) = &article.updated {
        let date = chrono::NaiveDate::parse_from_str(updated.trim(), "%Y-%m-%d").is_ok();
        let literal = if date {
            Literal::new_typed_literal(updated.trim(), xsd::DATE)
        } else {
            Literal::new_simple_literal(updated)
        };
        add(dct("modified"), literal.clone().into());
        add(schema("dateModified"), literal.into());
    }
    if let Some(license) = &article.license {
        let value: Term = match prefixes.expand(license) {
            Ok(i) if license.contains("://") => NamedNode::new_unchecked(i).into(),
            _ if license
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.+".contains(c)) =>
            {
                NamedNode::new_unchecked(format!("https://spdx.org/licenses/{license}")).into()
            }
            _ => Literal::new_simple_literal(license).into(),
        };
        add(dct("license"), value.clone());
        add(schema("license"), value);
    }
    let mut authors = Vec::new();
    for author in &article.authors {
        let person = author
            .orcid
            .as_deref()
            .map(|o| o.trim().trim_start_matches("https://orcid.org/"))
            .filter(|o| !o.is_empty())
            .and_then(|o| iri(&format!("https://orcid.org/{o}")))
            .or_else(|| iri(&format!("{}person/{}", config.base_iri, slug(&author.name))));
        if let Some(person) = person {
            add(schema("author"), person.clone().into());
            add(dct("creator"), person.clone().into());
            authors.push((person, author.name.clone()));
        }
    }
    if let Some(record) = &article.record {
        super::record_graph::record_triples(
            config,
            &subject,
            article.kind.as_deref(),
            record,
            &mut out,
        );
    }
    // Author descriptions have the author as subject: they are removed with the
    // article only if no other article names the same person, which the indexer
    // cannot know cheaply, so they are kept (a name is harmless when orphaned).
    for (person, name) in authors {
        out.push(Triple::new(
            person.clone(),
            rdf::TYPE.into_owned(),
            schema("Person"),
        ));
        out.push(Triple::new(
            person,
            schema("name"),
            Literal::new_simple_literal(name),
        ));
    }
    (out, unresolved)
}
