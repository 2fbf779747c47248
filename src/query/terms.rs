//! Ontology term search and lookup. Search ranks in tiers: exact label or
//! synonym, then phrase prefix (autocomplete), then one-typo fuzzy matches.
//! Lookup walks the hierarchy in the graph store breadth-first with a visited
//! set and a node budget, so cycles and huge ontologies stay bounded.

use std::collections::{BTreeSet, HashSet, VecDeque};

use oxigraph::model::{GraphNameRef, NamedNodeRef, NamedOrBlankNode, Term as RdfTerm};
use serde::Serialize;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery, Query,
    RegexQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, TantivyDocument, Term};

use super::{Error, KnowledgeBase};
use crate::index::terms::{NAME_LEN, TermFields, local_name, name_analyzer, normalise_name};
use crate::model::OntologyTerm;

/// Most hits one page may ask for.
pub const MAX_LIMIT: usize = 100;
/// Hierarchy nodes listed per direction in a lookup.
pub const MAX_LISTED: usize = 200;
/// Hierarchy nodes visited per direction before a walk stops counting.
pub const MAX_WALK: usize = 20_000;

const RDFS_SUBCLASS: &str = "http://www.w3.org/2000/01/rdf-schema#subClassOf";
const RDFS_SUBPROPERTY: &str = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf";
const SKOS_BROADER: &str = "http://www.w3.org/2004/02/skos/core#broader";
const SKOS_NARROWER: &str = "http://www.w3.org/2004/02/skos/core#narrower";
const DCTERMS_SUBJECT: &str = "http://purl.org/dc/terms/subject";
const DCTERMS_TITLE: &str = "http://purl.org/dc/terms/title";
const DCTERMS_IDENTIFIER: &str = "http://purl.org/dc/terms/identifier";

/// A term search request.
#[derive(Debug, Clone, Default)]
pub struct TermSearch {
    pub q: String,
    /// Graph IRI, file stem or folder of the defining ontology.
    pub ontology: Option<String>,
    /// `class`, `property` or `concept`.
    pub kind: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

impl TermSearch {
    /// Reads `q`, `ontology`, `type`, `limit`, `offset` from query parameters.
    pub fn from_params<'a>(
        params: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Result<TermSearch, Error> {
        let mut s = TermSearch {
            limit: 10,
            ..TermSearch::default()
        };
        let number = |name: &str, v: &str| -> Result<usize, Error> {
            v.trim()
                .parse::<usize>()
                .map_err(|_| Error::InvalidParameter {
                    name: name.into(),
                    reason: format!("`{v}` is not a non-negative integer"),
                })
        };
        for (k, v) in params {
            match k {
                "q" => s.q = v.to_string(),
                "ontology" if !v.is_empty() => s.ontology = Some(v.to_string()),
                "type" if !v.is_empty() => {
                    if !matches!(v, "class" | "property" | "concept") {
                        return Err(Error::InvalidParameter {
                            name: "type".into(),
                            reason: format!("`{v}`: use class, property or concept"),
                        });
                    }
                    s.kind = Some(v.to_string());
                }
                "limit" => s.limit = number(k, v)?.min(MAX_LIMIT),
                "offset" => s.offset = number(k, v)?,
                _ => {}
            }
        }
        if s.q.trim().is_empty() {
            return Err(Error::EmptyQuery);
        }
        if s.q.len() > 500 {
            return Err(Error::QueryTooLong {
                len: s.q.len(),
                max: 500,
            });
        }
        Ok(s)
    }
}

/// What matched: the label, or which synonym.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Matched {
    /// `label`, or the synonym's property (`skos:altLabel`, ...), or `iri`.
    pub field: String,
    pub value: String,
    /// `exact`, `prefix` or `fuzzy`.
    pub how: &'static str,
}

/// One search hit.
#[derive(Debug, Clone, Serialize)]
pub struct TermHit {
    pub iri: String,
    pub curie: Option<String>,
    pub label: Option<String>,
    pub matched: Matched,
    pub ontology: String,
    pub definition: Option<String>,
    pub deprecated: bool,
}

/// A page of hits.
#[derive(Debug, Clone, Serialize)]
pub struct TermSearchResponse {
    pub total: usize,
    pub hits: Vec<TermHit>,
}

fn tokens(text: &str) -> Vec<String> {
    let mut analyzer = name_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

fn term_query(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

fn constant(query: Box<dyn Query>, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}

/// The tiers' queries (without filters): exact, starts-with, phrase prefix
/// anywhere in a name, fuzzy.
fn tiers(f: &TermFields, q: &str) -> Vec<Box<dyn Query>> {
    let exact = normalise_name(q);
    let words = tokens(q);
    let mut out: Vec<Box<dyn Query>> = vec![Box::new(BooleanQuery::new(vec![
        (
            Occur::Should,
            constant(term_query(f.label_exact, &exact), 20.0),
        ),
        (
            Occur::Should,
            constant(term_query(f.synonym_exact, &exact), 10.0),
        ),
    ]))];
    // Names that start with the query, as typed: what autocomplete wants first.
    let starts = format!("{}.*", regex::escape(&exact));
    let starts_in = |field| -> Box<dyn Query> {
        match RegexQuery::from_pattern(&starts, field) {
            Ok(q) => Box::new(q),
            Err(_) => term_query(field, &exact),
        }
    };
    out.push(Box::new(BooleanQuery::new(vec![
        (Occur::Should, constant(starts_in(f.label_exact), 20.0)),
        (Occur::Should, constant(starts_in(f.synonym_exact), 10.0)),
    ])));
    if words.is_empty() {
        return out;
    }
    let prefix_in = |field| -> Box<dyn Query> {
        if words.len() == 1 {
            let pattern = format!("{}.*", regex::escape(&words[0]));
            match RegexQuery::from_pattern(&pattern, field) {
                Ok(q) => Box::new(q),
                Err(_) => term_query(field, &words[0]),
            }
        } else {
            let terms = words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, Term::from_field_text(field, w)))
                .collect();
            Box::new(PhrasePrefixQuery::new_with_offset(terms))
        }
    };
    out.push(Box::new(BooleanQuery::new(vec![
        (
            Occur::Should,
            Box::new(BoostQuery::new(prefix_in(f.label_words), 2.0)) as Box<dyn Query>,
        ),
        (Occur::Should, prefix_in(f.synonym_words)),
    ])));
    let fuzzy_in = |field| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            words
                .iter()
                .map(|w| {
                    let t = Term::from_field_text(field, w);
                    let q: Box<dyn Query> = if w.chars().count() >= 4 {
                        Box::new(FuzzyTermQuery::new(t, 1, true))
                    } else {
                        Box::new(TermQuery::new(t, IndexRecordOption::Basic))
                    };
                    (Occur::Must, q)
                })
                .collect(),
        ))
    };
    out.push(Box::new(BooleanQuery::new(vec![
        (
            Occur::Should,
            Box::new(BoostQuery::new(fuzzy_in(f.label_words), 2.0)) as Box<dyn Query>,
        ),
        (Occur::Should, fuzzy_in(f.synonym_words)),
    ])));
    out
}

/// Ranked term search.
pub fn search_terms(kb: &KnowledgeBase, request: &TermSearch) -> Result<TermSearchResponse, Error> {
    let Some(terms) = &kb.terms else {
        return Ok(TermSearchResponse {
            total: 0,
            hits: Vec::new(),
        });
    };
    let f = terms.index.fields;
    let searcher = terms.reader.searcher();
    let mut filters: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(o) = &request.ontology {
        filters.push((Occur::Must, term_query(f.ontology, &o.to_lowercase())));
    }
    if let Some(k) = &request.kind {
        filters.push((Occur::Must, term_query(f.kind, k)));
    }
    let wanted = request.offset + request.limit;
    let mut seen: HashSet<DocAddress> = HashSet::new();
    let mut ranked: Vec<DocAddress> = Vec::new();
    let mut all: HashSet<DocAddress> = HashSet::new();
    for tier in tiers(&f, &request.q) {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, tier)];
        clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
        // Live terms before deprecated ones within a tier.
        clauses.push((
            Occur::Should,
            constant(term_query(f.deprecated, "false"), 100.0),
        ));
        let query = BooleanQuery::new(clauses);
        let top_docs = TopDocs::with_limit(wanted.max(1) + seen.len()).tweak_score(
            |segment: &tantivy::SegmentReader| {
                let lengths = segment
                    .fast_fields()
                    .u64(NAME_LEN)
                    .ok()
                    .map(|c| c.first_or_default_col(255));
                move |doc: tantivy::DocId, score: tantivy::Score| {
                    let len = lengths.as_ref().map(|c| c.get_val(doc)).unwrap_or(255);
                    score - len as f32 * 0.01
                }
            },
        );
        let (top, matching) = searcher.search(&query, &(top_docs, DocSetCollector))?;
        for (_, address) in top {
            if seen.insert(address) {
                ranked.push(address);
            }
        }
        all.extend(matching);
    }
    let total = all.len();
    let mut hits = Vec::new();
    for address in ranked.into_iter().skip(request.offset).take(request.limit) {
        let document: TantivyDocument = searcher.doc(address)?;
        let term = stored_term(&document, &f)?;
        let matched = best_match(&term, &request.q);
        hits.push(TermHit {
            definition: crate::index::terms::preferred(&term.definitions),
            iri: term.iri,
            curie: term.curie,
            label: term.label,
            matched,
            ontology: term.ontology,
            deprecated: term.deprecated,
        });
    }
    Ok(TermSearchResponse { total, hits })
}

fn stored_term(document: &TantivyDocument, f: &TermFields) -> Result<OntologyTerm, Error> {
    use tantivy::schema::Value;
    let json = document
        .get_first(f.json)
        .and_then(|v| v.as_str())
        .unwrap_or("{}");
    serde_json::from_str(json)
        .map_err(|e| Error::Index(crate::index::Error::Corrupt(format!("term index: {e}"))))
}

fn edit_distance_at_most_one(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        if i + 1 < a.len() && j + 1 < b.len() && a[i] == b[j + 1] && a[i + 1] == b[j] {
            i += 2;
            j += 2;
        } else if a.len() > b.len() {
            i += 1;
        } else if b.len() > a.len() {
            j += 1;
        } else {
            i += 1;
            j += 1;
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// Which name of a term matched the query best, and how.
pub fn best_match(term: &OntologyTerm, q: &str) -> Matched {
    let exact = normalise_name(q);
    let words = tokens(q);
    let mut names: Vec<(String, &str)> = term
        .labels
        .iter()
        .map(|l| ("label".to_string(), l.value.as_str()))
        .collect();
    names.extend(
        term.synonyms
            .iter()
            .map(|s| (s.kind.clone(), s.value.as_str())),
    );
    let grade = |name: &str| -> Option<(u8, &'static str)> {
        if normalise_name(name) == exact {
            return Some((0, "exact"));
        }
        let name_words = tokens(name);
        let n = words.len();
        if n > 0 && name_words.len() >= n {
            for start in 0..=name_words.len() - n {
                let window = &name_words[start..start + n];
                let full = window[..n - 1]
                    .iter()
                    .zip(&words[..n - 1])
                    .all(|(a, b)| a == b);
                if full && window[n - 1].starts_with(&words[n - 1]) {
                    return Some((1, "prefix"));
                }
            }
        }
        let fuzzy = n > 0
            && words.iter().all(|w| {
                name_words.iter().any(|nw| {
                    nw == w || (w.chars().count() >= 4 && edit_distance_at_most_one(nw, w))
                })
            });
        fuzzy.then_some((2, "fuzzy"))
    };
    let best = names
        .iter()
        .filter_map(|(field, value)| {
            grade(value).map(|(rank, how)| (rank, field != "label", value.len(), field, value, how))
        })
        .min_by_key(|(rank, synonym, len, ..)| (*rank, *synonym, *len));
    match best {
        Some((_, _, _, field, value, how)) => Matched {
            field: field.clone(),
            value: value.to_string(),
            how,
        },
        None => Matched {
            field: "iri".into(),
            value: term
                .curie
                .clone()
                .unwrap_or_else(|| local_name(&term.iri).to_string()),
            how: "exact",
        },
    }
}

/// A related term, with its label when it is in the term index.
#[derive(Debug, Clone, Serialize)]
pub struct TermRef {
    pub iri: String,
    pub curie: Option<String>,
    pub label: Option<String>,
}

/// A bounded list of related terms.
#[derive(Debug, Clone, Serialize)]
pub struct TermList {
    /// All reachable terms (up to the walk budget).
    pub total: usize,
    /// Whether the walk stopped at its budget (`total` is then a lower bound).
    pub truncated: bool,
    pub items: Vec<TermRef>,
}

/// An article annotated with the term or one of its descendants.
#[derive(Debug, Clone, Serialize)]
pub struct AnnotatedArticle {
    pub id: String,
    pub title: Option<String>,
    pub iri: String,
    /// The term of the article (the looked-up term or a descendant).
    pub via: String,
}

/// Everything known about one term.
#[derive(Debug, Clone, Serialize)]
pub struct TermDetails {
    #[serde(flatten)]
    pub term: OntologyTerm,
    pub parents: Vec<TermRef>,
    pub children: TermList,
    pub ancestors: TermList,
    pub descendants: TermList,
    pub articles: Vec<AnnotatedArticle>,
}

fn find_term(kb: &KnowledgeBase, iri: &str) -> Result<Option<OntologyTerm>, Error> {
    let Some(terms) = &kb.terms else {
        return Ok(None);
    };
    let f = terms.index.fields;
    let searcher = terms.reader.searcher();
    let found = searcher.search(
        &*term_query(f.iri, iri),
        &TopDocs::with_limit(1).order_by_score(),
    )?;
    match found.first() {
        Some((_, address)) => Ok(Some(stored_term(&searcher.doc(*address)?, &f)?)),
        None => Ok(None),
    }
}

fn term_ref(kb: &KnowledgeBase, iri: &str) -> Result<TermRef, Error> {
    let term = find_term(kb, iri)?;
    Ok(TermRef {
        iri: iri.to_string(),
        curie: term
            .as_ref()
            .and_then(|t| t.curie.clone())
            .or_else(|| kb.prefixes.compact(iri)),
        label: term.and_then(|t| t.label),
    })
}

/// Named neighbours of `iri` one step up (`up`) or down the hierarchy, over all graphs.
fn neighbours(kb: &KnowledgeBase, iri: &str, up: bool) -> BTreeSet<String> {
    let store = kb.graph.store();
    let mut out = BTreeSet::new();
    let Ok(node) = NamedNodeRef::new(iri) else {
        return out;
    };
    let (forward, backward): (&[&str], &[&str]) = if up {
        (
            &[RDFS_SUBCLASS, RDFS_SUBPROPERTY, SKOS_BROADER],
            &[SKOS_NARROWER],
        )
    } else {
        (
            &[SKOS_NARROWER],
            &[RDFS_SUBCLASS, RDFS_SUBPROPERTY, SKOS_BROADER],
        )
    };
    for p in forward {
        let p = NamedNodeRef::new_unchecked(p);
        for q in store
            .quads_for_pattern(Some(node.into()), Some(p), None, None)
            .flatten()
        {
            if let RdfTerm::NamedNode(n) = q.object {
                out.insert(n.into_string());
            }
        }
    }
    for p in backward {
        let p = NamedNodeRef::new_unchecked(p);
        for q in store
            .quads_for_pattern(None, Some(p), Some(node.into()), None)
            .flatten()
        {
            if let NamedOrBlankNode::NamedNode(n) = q.subject {
                out.insert(n.into_string());
            }
        }
    }
    out.remove(iri);
    out
}

/// Breadth-first walk; the visited set makes cycles harmless.
fn walk(kb: &KnowledgeBase, iri: &str, up: bool) -> (Vec<String>, bool) {
    let mut visited: HashSet<String> = HashSet::from([iri.to_string()]);
    let mut order = Vec::new();
    let mut queue = VecDeque::from([iri.to_string()]);
    while let Some(next) = queue.pop_front() {
        for n in neighbours(kb, &next, up) {
            if visited.len() > MAX_WALK {
                return (order, true);
            }
            if visited.insert(n.clone()) {
                order.push(n.clone());
                queue.push_back(n);
            }
        }
    }
    (order, false)
}

fn listed(kb: &KnowledgeBase, iris: &[String], truncated: bool) -> Result<TermList, Error> {
    Ok(TermList {
        total: iris.len(),
        truncated,
        items: iris
            .iter()
            .take(MAX_LISTED)
            .map(|i| term_ref(kb, i))
            .collect::<Result<_, _>>()?,
    })
}

/// Resolves `iri=` or `curie=` to an IRI.
pub fn resolve(
    kb: &KnowledgeBase,
    iri: Option<&str>,
    curie: Option<&str>,
) -> Result<String, Error> {
    match (
        iri.filter(|s| !s.is_empty()),
        curie.filter(|s| !s.is_empty()),
    ) {
        (Some(iri), _) => Ok(iri
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()),
        (None, Some(curie)) => kb
            .prefixes
            .expand(curie)
            .map_err(|e| Error::InvalidParameter {
                name: "curie".into(),
                reason: match e {
                    crate::config::ExpandError::UnknownPrefix(p) => format!("unknown prefix `{p}`"),
                    crate::config::ExpandError::NotAnIri(r) => format!("`{r}` is not a CURIE"),
                },
            }),
        (None, None) => Err(Error::InvalidParameter {
            name: "iri".into(),
            reason: "give `iri` or `curie`".into(),
        }),
    }
}

/// The term with its hierarchy, mappings and annotated articles.
pub fn lookup_term(kb: &KnowledgeBase, iri: &str) -> Result<TermDetails, Error> {
    let term = find_term(kb, iri)?.ok_or_else(|| Error::TermNotFound(iri.to_string()))?;
    let children: Vec<String> = neighbours(kb, iri, false).into_iter().collect();
    let (ancestors, up_cut) = walk(kb, iri, true);
    let (descendants, down_cut) = walk(kb, iri, false);
    let parents = term
        .parents
        .iter()
        .map(|p| term_ref(kb, p))
        .collect::<Result<_, _>>()?;
    let articles = annotated_articles(
        kb,
        std::iter::once(iri).chain(descendants.iter().map(String::as_str)),
    );
    Ok(TermDetails {
        parents,
        children: listed(kb, &children, false)?,
        ancestors: listed(kb, &ancestors, up_cut)?,
        descendants: listed(kb, &descendants, down_cut)?,
        articles,
        term,
    })
}

fn annotated_articles<'a>(
    kb: &KnowledgeBase,
    terms: impl Iterator<Item = &'a str>,
) -> Vec<AnnotatedArticle> {
    let store = kb.graph.store();
    let content = kb.content_graph();
    let Ok(graph) = NamedNodeRef::new(&content) else {
        return Vec::new();
    };
    let subject = NamedNodeRef::new_unchecked(DCTERMS_SUBJECT);
    let literal = |s: NamedNodeRef<'_>, p: &str| {
        store
            .quads_for_pattern(
                Some(s.into()),
                Some(NamedNodeRef::new_unchecked(p)),
                None,
                Some(GraphNameRef::NamedNode(graph)),
            )
            .flatten()
            .find_map(|q| match q.object {
                RdfTerm::Literal(l) => Some(l.value().to_string()),
                _ => None,
            })
    };
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for term in terms {
        let Ok(t) = NamedNodeRef::new(term) else {
            continue;
        };
        for q in store
            .quads_for_pattern(
                None,
                Some(subject),
                Some(t.into()),
                Some(GraphNameRef::NamedNode(graph)),
            )
            .flatten()
        {
            let NamedOrBlankNode::NamedNode(article) = q.subject else {
                continue;
            };
            if !seen.insert(article.as_str().to_string()) {
                continue;
            }
            let a = article.as_ref();
            out.push(AnnotatedArticle {
                id: literal(a, DCTERMS_IDENTIFIER).unwrap_or_default(),
                title: literal(a, DCTERMS_TITLE),
                iri: article.as_str().to_string(),
                via: term.to_string(),
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}
