//! Full-text search inside SPARQL: `SERVICE <urn:eoskb:search> { ?item
//! search:query "embargo period" ; search:score ?score }` binds `?item` to
//! the articles, outputs and ontology terms the words match, ranked as
//! `/api/search?mode=keyword` and `/api/terms` rank them, so a query joins
//! ranked matches with graph patterns. oxigraph calls [`SearchService`] for
//! the service's IRI; every other `SERVICE` stays refused (no federation).
//!
//! The service runs the keyword search itself (`search::search_within`, the
//! same analyser, parser, term boost and BM25) and the term search
//! (`rank_terms`), in whatever process evaluates the query: a SPARQL worker
//! holds the generation's indexes for it, under the query's time limit.

use std::sync::{Arc, Mutex};

use oxigraph::model::{Literal, NamedNode, Term, Variable, vocab::rdf, vocab::xsd};
use oxigraph::sparql::{QuerySolutionIter, ServiceHandler};
use oxiri::Iri;
use spargebra::algebra::GraphPattern;
use spargebra::term::{NamedNodePattern, TermPattern, TriplePattern};

use super::ontology::search::{TermFilters, best_match, rank_terms};
use super::request::{MAX_LIMIT, validated_query};
use super::search::{ranked_ids_within, search_within};
use super::{Error, KnowledgeBase, SearchRequest, SparqlError};
use crate::settings::Mode;
use crate::vocab::{SEARCH, SEARCH_SERVICE};

/// Matches per list when the call gives no `search:limit` (as `/api/search`).
pub const DEFAULT_LIMIT: usize = 10;
/// Most triple patterns one call may hold: six predicates, each once.
const MAX_PATTERNS: usize = 16;
/// Distinct searches one query's calls remember (a `SERVICE` under `LATERAL`
/// or `EXISTS` is called once per outer row, with the same pattern).
const MEMO_SIZE: usize = 8;

/// What the matches are: guidance, research outputs (records with a DOI, as
/// the term pages tell them apart), or ontology terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Article,
    Output,
    Term,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Output => "output",
            Kind::Term => "term",
        }
    }

    fn parse(value: &str) -> Option<Kind> {
        [Kind::Article, Kind::Output, Kind::Term]
            .into_iter()
            .find(|k| k.name() == value.trim().to_ascii_lowercase())
    }
}

/// The search one call asks for: the part of a call that decides its rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Search {
    query: String,
    /// `None`: every kind.
    kind: Option<Kind>,
    /// Matches per list (items; terms).
    limit: usize,
    snippets: bool,
}

/// The variables a call binds besides its subject.
#[derive(Debug, Default)]
struct Bindings {
    item: Option<Variable>,
    score: Option<Variable>,
    rank: Option<Variable>,
    snippet: Option<Variable>,
    kind: Option<Variable>,
}

impl Bindings {
    fn variables(&self) -> Vec<Variable> {
        [
            &self.item,
            &self.score,
            &self.rank,
            &self.snippet,
            &self.kind,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

/// One match.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    iri: NamedNode,
    kind: Kind,
    /// BM25 score of an article or output; terms are ranked by tiers, not scored.
    score: Option<f32>,
    /// 1-based place in its list (items; terms).
    rank: usize,
    snippet: Option<String>,
}

fn invalid(message: impl Into<String>) -> SparqlError {
    SparqlError::TextSearch(message.into())
}

/// The predicates of the vocabulary, each with what its object must be.
const PREDICATES: [&str; 6] = ["query", "kind", "limit", "score", "rank", "snippet"];

/// The triple patterns inside the `SERVICE` block. sparopt hands the block
/// back as joins of one-triple BGPs; a stack, not recursion, walks them.
fn triple_patterns(pattern: &GraphPattern) -> Result<Vec<&TriplePattern>, SparqlError> {
    let mut out = Vec::new();
    let mut stack = vec![pattern];
    while let Some(pattern) = stack.pop() {
        match pattern {
            GraphPattern::Bgp { patterns } => out.extend(patterns.iter()),
            GraphPattern::Join { left, right } => {
                stack.push(right);
                stack.push(left);
            }
            _ => {
                return Err(invalid(
                    "only triple patterns about one subject may stand inside the SERVICE block \
                     (`?item search:query \"words\" ; search:score ?score`); put FILTER, OPTIONAL, \
                     property paths and other patterns outside it",
                ));
            }
        }
        if out.len() + stack.len() > MAX_PATTERNS {
            return Err(invalid(format!(
                "more than {MAX_PATTERNS} triple patterns inside the SERVICE block"
            )));
        }
    }
    Ok(out)
}

/// The search a `SERVICE` block asks for and the variables it binds.
fn read_call(pattern: &GraphPattern) -> Result<(Search, Bindings), SparqlError> {
    let mut subject: Option<&TermPattern> = None;
    let mut query = None;
    let mut kind = None;
    let mut limit = None;
    let mut bindings = Bindings::default();
    let mut seen: Vec<&str> = Vec::new();
    for triple in triple_patterns(pattern)? {
        match subject {
            None => subject = Some(&triple.subject),
            Some(s) if *s != triple.subject => {
                return Err(invalid(format!(
                    "every pattern must have the same subject; found {s} and {}",
                    triple.subject
                )));
            }
            Some(_) => {}
        }
        let predicate = match &triple.predicate {
            NamedNodePattern::NamedNode(p) => p,
            NamedNodePattern::Variable(v) => {
                return Err(invalid(format!(
                    "the predicate {v} is a variable; use the search vocabulary <{SEARCH}> ({})",
                    PREDICATES.join(", ")
                )));
            }
        };
        let name = predicate
            .as_str()
            .strip_prefix(SEARCH)
            .and_then(|local| PREDICATES.iter().copied().find(|p| *p == local))
            .ok_or_else(|| {
                invalid(format!(
                    "unknown predicate {predicate}; the search vocabulary <{SEARCH}> has {}",
                    PREDICATES.join(", ")
                ))
            })?;
        if seen.contains(&name) {
            return Err(invalid(format!("search:{name} is given twice")));
        }
        seen.push(name);
        let object = &triple.object;
        match name {
            "query" => query = Some(query_text(object)?),
            "kind" => match object {
                TermPattern::Variable(v) => bindings.kind = Some(v.clone()),
                _ => {
                    let value = string_literal("kind", object)?;
                    kind = Some(Kind::parse(&value).ok_or_else(|| {
                        invalid(format!(
                            "search:kind \"{value}\" is not a kind; use \"article\", \"output\" or \"term\" (or a variable, bound to each match's kind)"
                        ))
                    })?);
                }
            },
            "limit" => limit = Some(limit_value(object)?),
            output => {
                let TermPattern::Variable(v) = object else {
                    return Err(invalid(format!(
                        "the object of search:{output} must be a variable, which the service binds; found {object}"
                    )));
                };
                let slot = match output {
                    "score" => &mut bindings.score,
                    "rank" => &mut bindings.rank,
                    _ => &mut bindings.snippet,
                };
                *slot = Some(v.clone());
            }
        }
    }
    let Some(subject) = subject else {
        return Err(invalid(
            "the SERVICE block is empty; write `?item search:query \"words\"`",
        ));
    };
    bindings.item = match subject {
        TermPattern::Variable(v) => Some(v.clone()),
        TermPattern::BlankNode(_) => None,
        other => {
            return Err(invalid(format!(
                "the subject {other} must be a variable, which the service binds to each match"
            )));
        }
    };
    let variables = bindings.variables();
    if (1..variables.len()).any(|i| variables[..i].contains(&variables[i])) {
        return Err(invalid(
            "each variable of the SERVICE block may be bound once: use a different one per predicate",
        ));
    }
    let query = query.ok_or_else(|| {
        invalid("search:query is missing: give the words to search as a string literal")
    })?;
    let search = Search {
        query,
        kind,
        limit: limit.unwrap_or(DEFAULT_LIMIT),
        snippets: bindings.snippet.is_some(),
    };
    Ok((search, bindings))
}

/// The value of a plain or language-tagged string literal.
fn string_literal(name: &str, object: &TermPattern) -> Result<String, SparqlError> {
    match object {
        TermPattern::Literal(l)
            if l.datatype() == xsd::STRING || l.datatype() == rdf::LANG_STRING =>
        {
            Ok(l.value().to_string())
        }
        TermPattern::Variable(v) => Err(invalid(format!(
            "search:{name} must be a string literal, not the variable {v}: the service is called before the rest of the query binds anything"
        ))),
        other => Err(invalid(format!(
            "search:{name} must be a string literal; found {other}"
        ))),
    }
}

/// The words of `search:query`, checked as `/api/search` checks `q`.
fn query_text(object: &TermPattern) -> Result<String, SparqlError> {
    let text = string_literal("query", object)?;
    validated_query(&text)
        .map(str::to_string)
        .map_err(|e| invalid(format!("search:query: {e}")))
}

/// `search:limit`: an integer from 1 to [`MAX_LIMIT`] (written `10` or `"10"`).
fn limit_value(object: &TermPattern) -> Result<usize, SparqlError> {
    let wrong = || {
        invalid(format!(
            "search:limit must be an integer from 1 to {MAX_LIMIT}; found {object}"
        ))
    };
    let TermPattern::Literal(l) = object else {
        return Err(wrong());
    };
    let limit: usize = l.value().trim().parse().map_err(|_| wrong())?;
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(wrong());
    }
    Ok(limit)
}

/// A query-layer error: the caller's (the words do not parse) or ours.
fn search_error(e: Error) -> SparqlError {
    if e.is_client_error() {
        invalid(format!("search:query: {e}"))
    } else {
        SparqlError::Evaluation(format!("text search: {e}"))
    }
}

/// Runs one search: the items (one list, `/api/search?mode=keyword`'s order)
/// and the terms (another, `/api/terms`'s order), each up to the limit.
fn run(kb: &KnowledgeBase, search: &Search) -> Result<Vec<Row>, SparqlError> {
    let mut rows = Vec::new();
    if search.kind != Some(Kind::Term) {
        rows.extend(items(kb, search)?);
    }
    if search.kind.is_none() || search.kind == Some(Kind::Term) {
        rows.extend(terms(kb, search)?);
    }
    Ok(rows)
}

/// Whether the article at a dense index is a research output.
fn is_output(kb: &KnowledgeBase, article: u32) -> bool {
    kb.articles
        .card(article)
        .is_some_and(|card| card.doi.is_some())
}

fn items(kb: &KnowledgeBase, search: &Search) -> Result<Vec<Row>, SparqlError> {
    // Guidance or outputs only: the others are filtered out before ranking,
    // so the limit counts only the kind asked for.
    let within: Option<Vec<u32>> = search.kind.map(|kind| {
        let all = u32::try_from(kb.articles.len()).unwrap_or(u32::MAX);
        (0..all)
            .filter(|&a| is_output(kb, a) == (kind == Kind::Output))
            .collect()
    });
    let request = SearchRequest::new(search.query.as_str())
        .with_mode(Mode::Keyword)
        .with_limit(search.limit)
        .with_facet_limit(0);
    let base = &kb.manifest().graph_config.base_iri;
    let row = |rank: usize, id: &str, score: f32, snippet: Option<String>| {
        let iri = NamedNode::new(crate::config::article_iri(base, id)).ok()?;
        let output = kb.articles.index_of(id).is_some_and(|a| is_output(kb, a));
        Some(Row {
            iri,
            kind: if output { Kind::Output } else { Kind::Article },
            score: Some(score),
            rank,
            snippet,
        })
    };
    let rows = if search.snippets {
        search_within(kb, &request, within.as_deref())
            .map_err(search_error)?
            .hits
            .into_iter()
            .enumerate()
            .filter_map(|(i, hit)| row(i + 1, &hit.id, hit.score, Some(hit.snippet.text)))
            .collect()
    } else {
        ranked_ids_within(kb, &request, within.as_deref())
            .map_err(search_error)?
            .into_iter()
            .enumerate()
            .filter_map(|(i, (id, score))| row(i + 1, &id, score, None))
            .collect()
    };
    Ok(rows)
}

fn terms(kb: &KnowledgeBase, search: &Search) -> Result<Vec<Row>, SparqlError> {
    let ranked = rank_terms(kb, &search.query, &TermFilters::default(), 0, search.limit)
        .map_err(search_error)?;
    Ok(ranked
        .page
        .iter()
        .enumerate()
        .filter_map(|(i, term)| {
            Some(Row {
                iri: NamedNode::new(term.iri.as_str()).ok()?,
                kind: Kind::Term,
                score: None,
                rank: i + 1,
                snippet: search
                    .snippets
                    .then(|| best_match(term, &search.query).value),
            })
        })
        .collect())
}

/// The solutions of one call: a row per match, binding the call's variables.
fn solutions(rows: &[Row], bindings: &Bindings) -> QuerySolutionIter<'static> {
    let variables: Arc<[Variable]> = bindings.variables().into();
    let tuples: Vec<Vec<Option<Term>>> = rows
        .iter()
        .map(|row| {
            let mut tuple = Vec::with_capacity(variables.len());
            if bindings.item.is_some() {
                tuple.push(Some(row.iri.clone().into()));
            }
            if bindings.score.is_some() {
                tuple.push(row.score.map(|s| Literal::from(f64::from(s)).into()));
            }
            if bindings.rank.is_some() {
                let rank = i64::try_from(row.rank).unwrap_or(i64::MAX);
                tuple.push(Some(Literal::from(rank).into()));
            }
            if bindings.snippet.is_some() {
                tuple.push(
                    row.snippet
                        .as_deref()
                        .map(|s| Literal::new_simple_literal(s).into()),
                );
            }
            if bindings.kind.is_some() {
                tuple.push(Some(Literal::new_simple_literal(row.kind.name()).into()));
            }
            tuple
        })
        .collect();
    QuerySolutionIter::from_tuples(variables, tuples.into_iter().map(Ok))
}

/// Answers `SERVICE <urn:eoskb:search>` from one generation's indexes, for
/// the evaluation of one query.
pub struct SearchService {
    kb: Arc<KnowledgeBase>,
    /// The last searches' rows: a call repeated per outer row searches once.
    memo: Mutex<Vec<(Search, Arc<Vec<Row>>)>>,
}

impl SearchService {
    pub fn new(kb: Arc<KnowledgeBase>) -> SearchService {
        SearchService {
            kb,
            memo: Mutex::new(Vec::new()),
        }
    }

    /// The service's IRI.
    pub fn name() -> NamedNode {
        NamedNode::new_unchecked(SEARCH_SERVICE)
    }

    fn rows(&self, search: &Search) -> Result<Arc<Vec<Row>>, SparqlError> {
        let lock = || self.memo.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, rows)) = lock().iter().find(|(s, _)| s == search) {
            return Ok(Arc::clone(rows));
        }
        let rows = Arc::new(run(&self.kb, search)?);
        let mut memo = lock();
        if memo.len() == MEMO_SIZE {
            memo.remove(0);
        }
        memo.push((search.clone(), Arc::clone(&rows)));
        Ok(rows)
    }
}

impl ServiceHandler for SearchService {
    type Error = SparqlError;

    fn handle(
        &self,
        pattern: &GraphPattern,
        _base_iri: Option<&Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, SparqlError> {
        let (search, bindings) = read_call(pattern)?;
        let rows = self.rows(&search)?;
        Ok(solutions(&rows, &bindings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spargebra::SparqlParser;

    /// The pattern inside the query's SERVICE block, as the parser gives it.
    fn call(block: &str) -> GraphPattern {
        let query = format!(
            "PREFIX search: <{SEARCH}> SELECT * WHERE {{ SERVICE <{SEARCH_SERVICE}> {{ {block} }} }}"
        );
        let parsed = SparqlParser::new().parse_query(&query).expect("parses");
        let spargebra::Query::Select { pattern, .. } = parsed else {
            panic!("a SELECT");
        };
        let mut stack = vec![pattern];
        while let Some(p) = stack.pop() {
            match p {
                GraphPattern::Service { inner, .. } => return *inner,
                GraphPattern::Project { inner, .. } => stack.push(*inner),
                other => panic!("unexpected {other:?}"),
            }
        }
        panic!("no SERVICE");
    }

    fn error(block: &str) -> String {
        read_call(&call(block)).unwrap_err().to_string()
    }

    #[test]
    fn a_call_names_its_search_and_its_variables() {
        let (search, bindings) = read_call(&call(
            "?x search:query \"embargo period\" ; search:kind \"output\" ; search:limit 5 ; \
             search:score ?s ; search:rank ?r ; search:snippet ?t",
        ))
        .unwrap();
        assert_eq!(search.query, "embargo period");
        assert_eq!(search.kind, Some(Kind::Output));
        assert_eq!(search.limit, 5);
        assert!(search.snippets);
        let names: Vec<String> = bindings
            .variables()
            .iter()
            .map(|v| v.as_str().to_string())
            .collect();
        assert_eq!(names, ["x", "s", "r", "t"]);

        let (search, bindings) = read_call(&call(
            "?x search:query 'SAXS' ; search:kind ?k ; search:limit \"3\"",
        ))
        .unwrap();
        assert_eq!(
            (search.kind, search.limit, search.snippets),
            (None, 3, false)
        );
        assert_eq!(bindings.kind.unwrap().as_str(), "k");
        let (search, _) = read_call(&call("?x search:query \"doi\"@en")).unwrap();
        assert_eq!(search.limit, DEFAULT_LIMIT);
    }

    #[test]
    fn calls_the_service_cannot_answer_say_why() {
        let cases = [
            ("?x search:score ?s", "search:query is missing"),
            ("?x search:query ?q", "not the variable ?q"),
            ("?x search:query <http://x/y>", "must be a string literal"),
            ("?x search:query \"   \"", "empty"),
            ("?x search:query \"a\" ; search:limit 101", "from 1 to 100"),
            ("?x search:query \"a\" ; search:limit 0", "from 1 to 100"),
            (
                "?x search:query \"a\" ; search:limit \"ten\"",
                "from 1 to 100",
            ),
            (
                "?x search:query \"a\" ; search:kind \"page\"",
                "is not a kind",
            ),
            (
                "?x search:query \"a\" ; search:score 3",
                "must be a variable",
            ),
            (
                "?x search:query \"a\" ; search:colour ?c",
                "unknown predicate",
            ),
            (
                "?x search:query \"a\" ; <http://purl.org/dc/terms/subject> ?c",
                "unknown predicate",
            ),
            ("?x search:query \"a\" ; ?p ?c", "is a variable"),
            ("?x search:query \"a\" . ?y search:score ?s", "same subject"),
            ("<http://x/a> search:query \"a\"", "must be a variable"),
            ("?x search:query \"a\" ; search:query \"b\"", "given twice"),
            ("?x search:query \"a\" ; search:score ?x", "bound once"),
            ("?x search:query \"a\" FILTER(true)", "only triple patterns"),
            (
                "?x search:query \"a\" OPTIONAL { ?x search:score ?s }",
                "only triple patterns",
            ),
        ];
        for (block, expected) in cases {
            let message = error(block);
            assert!(message.contains(expected), "{block}: {message}");
        }
        let long = "w ".repeat(600);
        assert!(error(&format!("?x search:query \"{long}\"")).contains("limit is 1000"));
    }
}
