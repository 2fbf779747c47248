//! Ontology term search, ranked in tiers: exact label or synonym, names starting
//! with the query, phrase prefix anywhere (autocomplete), then one-typo matches.
//! Lookup of one term lives in [`super::lookup`].

use std::collections::HashSet;

use serde::Serialize;
use std::ops::Bound;
use tantivy::collector::{DocSetCollector, TopDocs};

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, InvertedIndexRangeQuery, Occur,
    PhrasePrefixQuery, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, TantivyDocument, Term};

use crate::index::terms::{NAME_LEN, TermFields, local_name, name_analyzer, normalise_name};
use crate::model::OntologyTerm;
use crate::query::request::MAX_OFFSET;
use crate::query::{Error, KnowledgeBase};

/// Most hits one page may ask for.
pub const MAX_LIMIT: usize = 100;

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
                "offset" => {
                    s.offset = number(k, v)?;
                    if s.offset > MAX_OFFSET {
                        return Err(Error::InvalidParameter {
                            name: k.into(),
                            reason: format!("must be at most {MAX_OFFSET}"),
                        });
                    }
                }
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

pub(crate) fn term_query(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Every term of `field` that starts with `prefix`, as a range of the term
/// dictionary: `[prefix, the next prefix)`. A regular expression `prefix.*`
/// matches the same terms but compiles a DFA for every query, which cost term
/// search about a quarter of its time.
fn starts_with(field: tantivy::schema::Field, prefix: &str) -> Box<dyn Query> {
    let start = Term::from_field_text(field, prefix);
    let end = match next_prefix(prefix.as_bytes()) {
        Some(end) => Bound::Excluded(Term::from_field_bytes(field, &end)),
        None => Bound::Unbounded,
    };
    Box::new(InvertedIndexRangeQuery::new(Bound::Included(start), end))
}

/// The smallest byte string greater than every string starting with
/// `prefix`, or `None` when there is none (empty, or all `0xFF`).
fn next_prefix(prefix: &[u8]) -> Option<Vec<u8>> {
    let last = prefix.iter().rposition(|&b| b != u8::MAX)?;
    let mut end = prefix[..=last].to_vec();
    end[last] += 1;
    Some(end)
}

fn constant(query: Box<dyn Query>, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}

/// The names a term search matches: labels, synonyms (with local names and
/// CURIEs), and the whole IRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Names {
    pub labels: bool,
    pub synonyms: bool,
    /// The query as a whole IRI (exact tier only).
    pub iri: bool,
}

impl Default for Names {
    fn default() -> Self {
        Names {
            labels: true,
            synonyms: true,
            iri: false,
        }
    }
}

/// What a ranked term search keeps besides matching the query: each list
/// empty means "any".
#[derive(Debug, Clone, Default)]
pub struct TermFilters {
    /// Values of the term index's `ontology` field (lower-cased graph IRI, file
    /// stem or folder): any of them.
    pub ontologies: Vec<String>,
    /// `class`, `property`, `concept`: any of them.
    pub kinds: Vec<String>,
    /// Leave deprecated terms out.
    pub live_only: bool,
    /// Only these IRIs (a subtree, say); `Some(empty)` matches nothing.
    pub within: Option<Vec<String>>,
    /// Only terms without narrower terms.
    pub leaves_only: bool,
    /// Only the exact tier (a name equal to the query, normalised).
    pub exact_only: bool,
    pub names: Names,
}

/// A ranked page of matching terms, and every match (for counting facets).
#[derive(Debug, Clone)]
pub struct RankedTerms {
    pub total: usize,
    pub page: Vec<OntologyTerm>,
    /// Every matching document, in no particular order.
    pub matched: Vec<DocAddress>,
}

/// Most hits one page of [`rank_terms`] may hold.
pub const MAX_RANKED: usize = 1_000;

/// The tiers' queries (without filters): exact, starts-with, phrase prefix
/// anywhere in a name, fuzzy. Names left out of `names` are not searched.
fn tiers(f: &TermFields, q: &str, names: Names) -> Vec<Box<dyn Query>> {
    let exact = normalise_name(q);
    let words = tokens(q);
    let either = |label: Box<dyn Query>, synonym: Box<dyn Query>| -> Box<dyn Query> {
        let mut clauses = Vec::new();
        if names.labels {
            clauses.push((Occur::Should, label));
        }
        if names.synonyms {
            clauses.push((Occur::Should, synonym));
        }
        Box::new(BooleanQuery::new(clauses))
    };
    let mut first = vec![(
        Occur::Should,
        either(
            constant(term_query(f.label_exact, &exact), 20.0),
            constant(term_query(f.synonym_exact, &exact), 10.0),
        ),
    )];
    if names.iri {
        first.push((Occur::Should, constant(term_query(f.iri, q.trim()), 20.0)));
    }
    let mut out: Vec<Box<dyn Query>> = vec![Box::new(BooleanQuery::new(first))];
    // Names that start with the query, as typed: what autocomplete wants first.
    out.push(either(
        constant(starts_with(f.label_exact, &exact), 20.0),
        constant(starts_with(f.synonym_exact, &exact), 10.0),
    ));
    if words.is_empty() {
        return out;
    }
    let prefix_in = |field| -> Box<dyn Query> {
        if words.len() == 1 {
            starts_with(field, &words[0])
        } else {
            let terms = words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, Term::from_field_text(field, w)))
                .collect();
            Box::new(PhrasePrefixQuery::new_with_offset(terms))
        }
    };
    out.push(either(
        Box::new(BoostQuery::new(prefix_in(f.label_words), 2.0)),
        prefix_in(f.synonym_words),
    ));
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
    out.push(either(
        Box::new(BoostQuery::new(fuzzy_in(f.label_words), 2.0)),
        fuzzy_in(f.synonym_words),
    ));
    out
}

/// Ranked term search.
pub fn search_terms(kb: &KnowledgeBase, request: &TermSearch) -> Result<TermSearchResponse, Error> {
    let filters = TermFilters {
        ontologies: request.ontology.iter().map(|o| o.to_lowercase()).collect(),
        kinds: request.kind.iter().cloned().collect(),
        ..TermFilters::default()
    };
    // Callers other than `from_params` may not have capped it.
    let limit = request.limit.min(MAX_LIMIT);
    let ranked = rank_terms(kb, &request.q, &filters, request.offset, limit)?;
    let hits = ranked
        .page
        .into_iter()
        .map(|term| TermHit {
            matched: best_match(&term, &request.q),
            definition: crate::index::terms::preferred(&term.definitions),
            iri: term.iri,
            curie: term.curie,
            label: term.label,
            ontology: term.ontology,
            deprecated: term.deprecated,
        })
        .collect();
    Ok(TermSearchResponse {
        total: ranked.total,
        hits,
    })
}

/// The tiers of a term search under `filters`: one page of terms (`offset`
/// at most [`MAX_OFFSET`], `limit` at most [`MAX_RANKED`]), each term once,
/// and every match.
pub fn rank_terms(
    kb: &KnowledgeBase,
    q: &str,
    filters: &TermFilters,
    offset: usize,
    limit: usize,
) -> Result<RankedTerms, Error> {
    let Some(terms) = &kb.terms else {
        return Ok(RankedTerms {
            total: 0,
            page: Vec::new(),
            matched: Vec::new(),
        });
    };
    let f = terms.index.fields;
    let searcher = terms.reader.searcher();
    let any_of = |field, values: &[String]| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            values
                .iter()
                .map(|v| (Occur::Should, term_query(field, v)))
                .collect(),
        ))
    };
    let mut filter: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !filters.ontologies.is_empty() {
        filter.push((Occur::Must, any_of(f.ontology, &filters.ontologies)));
    }
    if !filters.kinds.is_empty() {
        filter.push((Occur::Must, any_of(f.kind, &filters.kinds)));
    }
    if filters.live_only {
        filter.push((Occur::Must, term_query(f.deprecated, "false")));
    }
    if let Some(within) = &filters.within {
        let iris = within.iter().map(|i| Term::from_field_text(f.iri, i));
        filter.push((Occur::Must, Box::new(TermSetQuery::new(iris))));
    }
    if filters.leaves_only {
        // Indexes before format 3 count no descendants: nothing is known a leaf.
        let Some(descendants) = f.descendants else {
            return Ok(RankedTerms {
                total: 0,
                page: Vec::new(),
                matched: Vec::new(),
            });
        };
        let zero = Term::from_field_u64(descendants, 0);
        filter.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(zero.clone()),
                Bound::Included(zero),
            )),
        ));
    }
    // tantivy allocates for `wanted` up front.
    let offset = offset.min(MAX_OFFSET);
    let limit = limit.min(MAX_RANKED);
    let wanted = offset + limit;
    let mut seen: HashSet<DocAddress> = HashSet::new();
    let mut ranked: Vec<DocAddress> = Vec::new();
    let mut all: HashSet<DocAddress> = HashSet::new();
    let mut tiers = tiers(&f, q, filters.names);
    if filters.exact_only {
        tiers.truncate(1);
    }
    for tier in tiers {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, tier)];
        clauses.extend(filter.iter().map(|(o, q)| (*o, q.box_clone())));
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
    let mut page = Vec::new();
    for address in ranked.into_iter().skip(offset).take(limit) {
        let document: TantivyDocument = searcher.doc(address)?;
        page.push(stored_term(&document, &f)?);
    }
    Ok(RankedTerms {
        total: all.len(),
        page,
        matched: all.into_iter().collect(),
    })
}

pub(crate) fn stored_term(
    document: &TantivyDocument,
    f: &TermFields,
) -> Result<OntologyTerm, Error> {
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

#[cfg(test)]
mod tests {
    use super::next_prefix;

    #[test]
    fn the_next_prefix_bounds_every_name_that_starts_with_the_prefix() {
        assert_eq!(next_prefix(b"dat").as_deref(), Some(&b"dau"[..]));
        // A trailing 0xFF cannot grow: the byte before it does.
        assert_eq!(next_prefix(&[b'a', 0xFF]).as_deref(), Some(&b"b"[..]));
        // "Ä" is C3 84: names starting with it end before C3 85.
        assert_eq!(next_prefix("Ä".as_bytes()), Some(vec![0xC3, 0x85]));
        assert!("Äb".as_bytes() < &[0xC3, 0x85][..] && "Å".as_bytes() >= &[0xC3, 0x85][..]);
        // Nothing bounds these from above.
        assert_eq!(next_prefix(b""), None);
        assert_eq!(next_prefix(&[0xFF, 0xFF]), None);
    }
}
