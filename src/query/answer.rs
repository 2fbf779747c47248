//! Ask: an extractive answer to a question in plain words. Hybrid search finds
//! the articles; their passages (sentences or short sentence groups, embedded at
//! index time) are scored against the question by meaning (the same encoder)
//! and by the question's words they contain; the best few are returned
//! verbatim, each cited to its article and section. When even the best passage
//! scores below the calibrated threshold, the answer says so and lists the
//! nearest pages instead: no confident noise, and no invented text.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use super::ontology::recognise::RecognisedTerm;
use super::request::{SearchRequest, validated_query};
use super::search::{Hit, search_embedded};
use super::{Error, KnowledgeBase};
use crate::index::vectors::dot;
use crate::settings::AskParams;
use crate::settings::Mode;

/// Articles whose passages compete for the answer.
const CANDIDATE_ARTICLES: usize = 8;
/// Most passages in one answer.
pub const MAX_PASSAGES: usize = 3;
/// Passages from one article in one answer, so several sources get a say.
const MAX_PER_ARTICLE: usize = 2;
/// A further passage must score this close to the best one to be included.
const RELATIVE_CUTOFF: f32 = 0.9;
/// Two passages this similar say the same thing; the second is dropped.
const DUPLICATE_SIMILARITY: f32 = 0.92;
/// Nearest pages offered when there is no answer.
const SUGGESTIONS: usize = 3;

/// An answer, or an honest "no answer" with pages to look at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    pub answered: bool,
    /// In [0, 1]; 0.5 is the threshold between answering and not.
    pub confidence: f32,
    /// The passages, best first, each verbatim from its source.
    pub answer: Vec<AnswerPassage>,
    /// The cited articles, once each, in order of first citation; when there is
    /// no answer, the nearest pages ("you may look at").
    pub sources: Vec<Source>,
    /// Ontology terms the question names (their articles were ranked higher).
    pub terms: Vec<RecognisedTerm>,
    /// Cosine similarity of the best passage to the question, when one was scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_similarity: Option<f32>,
    /// Why there is no answer, when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub took_ms: f64,
}

/// One quoted passage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnswerPassage {
    pub text: String,
    pub score: f32,
    pub citation: Citation,
}

/// Where a passage is: the article and the section, and a link to it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Citation {
    pub id: String,
    pub title: String,
    pub path: String,
    pub section: String,
    pub anchor: String,
}

/// An article an answer draws on or points to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub path: String,
    pub summary: String,
}

impl From<&Hit> for Source {
    fn from(hit: &Hit) -> Self {
        Source {
            id: hit.id.clone(),
            title: hit.title.clone(),
            path: hit.path.clone(),
            summary: hit.summary.clone(),
        }
    }
}

/// A passage in the running, with what its score is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Row in the generation's passage table.
    pub row: usize,
    /// Rank of its article in the hybrid list, from 0.
    pub article_rank: usize,
    /// Cosine similarity to the question.
    pub similarity: f32,
    /// IDF-weighted share of the question's words it contains.
    pub overlap: f32,
    pub score: f32,
}

impl Candidate {
    /// Scores the candidate under `params`.
    pub fn scored(mut self, params: &AskParams) -> Candidate {
        self.score = params.similarity_weight * self.similarity
            + params.overlap_weight * self.overlap
            + params.article_weight / (1.0 + self.article_rank as f32);
        self
    }
}

/// What retrieval found for a question: the articles (best first) and their
/// passages, unscored; or why there is nothing to score.
pub struct Retrieved {
    pub hits: Vec<Hit>,
    pub candidates: Vec<Candidate>,
    pub terms: Vec<RecognisedTerm>,
}

/// Words that open a question or a request for help.
const QUESTION_OPENERS: [&str; 31] = [
    "how", "what", "which", "who", "whom", "whose", "when", "where", "why", "can", "could",
    "should", "shall", "do", "does", "did", "is", "are", "was", "were", "will", "would", "may",
    "might", "must", "i", "we", "please", "explain", "help", "tell",
];

/// Whether a query reads as a question (worth a quoted answer) rather than a
/// term or a few keywords (`SAXS`, `data embargo`), which get results only: it
/// ends with a question mark, or opens with a question word or a request.
pub fn looks_like_question(text: &str) -> bool {
    let text = text.trim();
    if text.ends_with('?') {
        return true;
    }
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or_default().to_lowercase();
    let first = first.trim_matches(|c: char| !c.is_alphanumeric());
    // One or two words are a keyword query whatever they are ("help desk").
    words.next().is_some() && words.next().is_some() && QUESTION_OPENERS.contains(&first)
}

/// A question, validated as a search query is: trimmed, not empty, not too long.
pub fn validated_question(question: &str) -> Result<&str, Error> {
    validated_query(question)
}

/// Finds the candidate articles and passages for a validated question; `Err`
/// for the engine's problems, `Ok(Err(reason))` when the question itself leaves
/// nothing to score.
pub fn retrieve(
    kb: &KnowledgeBase,
    question: &str,
) -> Result<Result<Retrieved, &'static str>, Error> {
    let words = content_words(question);
    if words.is_empty() {
        return Ok(Err(
            "the question has no words to search for (only common words such as `how` or `the`)",
        ));
    }
    let (encoder, _) = kb.semantic_ready()?;
    let passages = kb.embeddings.passages().ok_or_else(|| {
        Error::SemanticUnavailable(
            "the index has no passages: run `eoskb index` again with the model installed".into(),
        )
    })?;
    // One embedding of the question serves the search and the passage scores.
    let query = encoder.encode_one(question)?;
    let mut request = SearchRequest::new(question);
    request.mode = Mode::Hybrid;
    request.limit = CANDIDATE_ARTICLES;
    // An answer reads hits and terms only: counting and labelling facets
    // would be work thrown away.
    request.facet_limit = 0;
    // A question is prose, not query syntax: when its quotes or brackets do not
    // parse, search its plain words instead of refusing it.
    let response = match search_embedded(kb, &request, Some(&query)) {
        Err(Error::Syntax(_)) => {
            request.query = words.join(" ");
            search_embedded(kb, &request, Some(&query))?
        }
        other => other?,
    };
    let hits = response.hits;
    let weights = idf_weights(kb, &words)?;
    let mut overlap = Overlap::new(&weights);
    let mut candidates = Vec::new();
    for (rank, hit) in hits.iter().enumerate() {
        for &row in kb.embeddings.passage_rows(&hit.id) {
            let row = row as usize;
            candidates.push(Candidate {
                row,
                article_rank: rank,
                similarity: dot(&query, passages.row(row)),
                overlap: overlap.of(&passages.owners[row].own_text()),
                score: 0.0,
            });
        }
    }
    Ok(Ok(Retrieved {
        hits,
        candidates,
        terms: response.terms,
    }))
}

/// Scores the candidates under `params`, best first.
pub fn rank(candidates: &[Candidate], params: &AskParams) -> Vec<Candidate> {
    let mut ranked: Vec<Candidate> = candidates.iter().map(|c| c.scored(params)).collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.row.cmp(&b.row)));
    ranked
}

/// Answers `question` from the knowledge base.
pub fn ask(kb: &KnowledgeBase, question: &str, params: &AskParams) -> Result<Answer, Error> {
    let started = Instant::now();
    let question = validated_question(question)?;
    let unanswered = |reason: &str, sources: Vec<Source>, terms: &[RecognisedTerm]| Answer {
        question: question.to_string(),
        answered: false,
        confidence: 0.0,
        answer: Vec::new(),
        sources,
        terms: terms.to_vec(),
        best_similarity: None,
        reason: Some(reason.to_string()),
        took_ms: elapsed_ms(started),
    };
    let found = match retrieve(kb, question)? {
        Ok(found) => found,
        Err(reason) => return Ok(unanswered(reason, Vec::new(), &[])),
    };
    if found.hits.is_empty() {
        return Ok(unanswered(
            "no article matches the question",
            Vec::new(),
            &found.terms,
        ));
    }
    let candidates = rank(&found.candidates, params);
    let Some(best) = candidates.first() else {
        return Ok(unanswered(
            "the matching articles have no passages to quote",
            suggestions(&found.hits),
            &found.terms,
        ));
    };
    let confidence = params.confidence(best.score);
    if best.score < params.threshold {
        let mut answer = unanswered(
            "no passage answers the question well enough; these pages are the nearest",
            suggestions(&found.hits),
            &found.terms,
        );
        answer.confidence = round(confidence);
        answer.best_similarity = Some(round(best.similarity));
        return Ok(answer);
    }
    let Some(passages) = kb.embeddings.passages() else {
        return Ok(unanswered("the index has no passages", Vec::new(), &[]));
    };
    let mut answer_passages = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    for candidate in choose(&candidates, passages, params) {
        let row = &passages.owners[candidate.row];
        let hit = &found.hits[candidate.article_rank];
        let (section, anchor) = section_heading(kb, &row.article_id, row.section)?;
        answer_passages.push(AnswerPassage {
            text: row.text.clone(),
            score: round(candidate.score),
            citation: Citation {
                id: hit.id.clone(),
                title: hit.title.clone(),
                path: hit.path.clone(),
                section,
                anchor,
            },
        });
        if !sources.iter().any(|s| s.id == hit.id) {
            sources.push(Source::from(hit));
        }
    }
    Ok(Answer {
        question: question.to_string(),
        answered: true,
        confidence: round(confidence),
        answer: answer_passages,
        sources,
        terms: found.terms,
        best_similarity: Some(round(best.similarity)),
        reason: None,
        took_ms: elapsed_ms(started),
    })
}

/// The passages to quote: the best, then those nearly as good, at most
/// `MAX_PER_ARTICLE` per article and no two saying the same thing.
fn choose<'a>(
    candidates: &'a [Candidate],
    passages: &crate::index::passages::Passages,
    params: &AskParams,
) -> Vec<&'a Candidate> {
    let Some(best) = candidates.first() else {
        return Vec::new();
    };
    let floor = params.threshold.max(best.score * RELATIVE_CUTOFF);
    let mut chosen: Vec<&Candidate> = Vec::new();
    let mut per_article: HashMap<usize, usize> = HashMap::new();
    for candidate in candidates.iter().take_while(|c| c.score >= floor) {
        if chosen.len() == MAX_PASSAGES {
            break;
        }
        let from_article = per_article.entry(candidate.article_rank).or_default();
        if *from_article == MAX_PER_ARTICLE {
            continue;
        }
        let repeats = chosen
            .iter()
            .any(|c| dot(passages.row(c.row), passages.row(candidate.row)) > DUPLICATE_SIMILARITY);
        if repeats {
            continue;
        }
        *from_article += 1;
        chosen.push(candidate);
    }
    chosen
}

fn suggestions(hits: &[Hit]) -> Vec<Source> {
    hits.iter().take(SUGGESTIONS).map(Source::from).collect()
}

/// Words that shape a question but say nothing about its subject; the index's
/// stop words (`the`, `is`, ...) are removed by its analyser already.
const QUESTION_WORDS: &[&str] = &[
    "how", "what", "which", "who", "whom", "whose", "why", "when", "where", "do", "does", "did",
    "i", "me", "my", "we", "us", "our", "you", "your", "can", "could", "should", "would", "may",
    "might", "must", "shall", "have", "has", "had",
];

/// The question's words as the index sees them (lower-cased, stemmed, common
/// and question words removed), once each.
pub(crate) fn content_words(text: &str) -> Vec<String> {
    let mut analyzer = crate::index::text::analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut seen = HashSet::new();
    let mut words = Vec::new();
    while stream.advance() {
        let token = stream.token();
        let typed = text
            .get(token.offset_from..token.offset_to)
            .unwrap_or_default()
            .to_lowercase();
        if QUESTION_WORDS.contains(&typed.as_str()) {
            continue;
        }
        if seen.insert(token.text.clone()) {
            words.push(token.text.clone());
        }
    }
    words
}

/// Inverse document frequency of each word over sections: rare words say more
/// about what the question asks than common ones.
fn idf_weights(kb: &KnowledgeBase, words: &[String]) -> Result<Vec<(String, f32)>, Error> {
    let searcher = kb.articles.section_searcher();
    let body = kb.articles.section_fields().body;
    let total = searcher.num_docs() as f32;
    words
        .iter()
        .map(|w| {
            let df = searcher.doc_freq(&Term::from_field_text(body, w))? as f32;
            let idf = (1.0 + (total - df + 0.5) / (df + 0.5)).ln();
            Ok((w.clone(), idf))
        })
        .collect()
}

/// The IDF-weighted share of the question's words that occur in `text`.
/// The weighted share of the question's words a passage contains, for every
/// candidate passage of a question: one analyser, and no allocation per word
/// (a deliverable's pages give hundreds of candidates).
struct Overlap<'a> {
    weights: &'a [(String, f32)],
    total: f32,
    present: Vec<bool>,
    analyzer: tantivy::tokenizer::TextAnalyzer,
}

impl<'a> Overlap<'a> {
    fn new(weights: &'a [(String, f32)]) -> Self {
        Overlap {
            weights,
            total: weights.iter().map(|(_, w)| w).sum(),
            present: vec![false; weights.len()],
            analyzer: crate::index::text::analyzer(),
        }
    }

    fn of(&mut self, text: &str) -> f32 {
        if self.total <= 0.0 {
            return 0.0;
        }
        self.present.fill(false);
        let mut stream = self.analyzer.token_stream(text);
        while stream.advance() {
            let word = &stream.token().text;
            if let Some(i) = self.weights.iter().position(|(w, _)| w == word) {
                self.present[i] = true;
            }
        }
        let found: f32 = self
            .weights
            .iter()
            .zip(&self.present)
            .filter(|(_, present)| **present)
            .map(|((_, w), _)| w)
            .sum();
        found / self.total
    }
}

/// The heading and anchor of an article's section.
fn section_heading(
    kb: &KnowledgeBase,
    article_id: &str,
    ordinal: u32,
) -> Result<(String, String), Error> {
    let sf = kb.articles.section_fields();
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(sf.article_id, article_id),
                IndexRecordOption::Basic,
            )),
        ),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(sf.ordinal, u64::from(ordinal)),
                IndexRecordOption::Basic,
            )),
        ),
    ]);
    let searcher = kb.articles.section_searcher();
    let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    let Some((_, address)) = found.first() else {
        return Ok((String::new(), String::new()));
    };
    let doc: TantivyDocument = searcher.doc(*address)?;
    let field = |f| {
        doc.get_first(f)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    Ok((field(sf.heading), field(sf.anchor)))
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

fn round(x: f32) -> f32 {
    (x * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_told_from_keyword_queries() {
        for question in [
            "how do I cite a dataset from my beamtime?",
            "How to choose a licence for my data",
            "what is an embargo period",
            "SAXS?",
            "Can I publish raw data before the embargo ends",
            "please explain persistent identifiers",
        ] {
            assert!(looks_like_question(question), "{question}");
        }
        for keywords in [
            "SAXS",
            "small angle x-ray scattering",
            "data embargo",
            "how-to",
            "help desk",
            "DOI beamtime data citation",
            "",
        ] {
            assert!(!looks_like_question(keywords), "{keywords}");
        }
    }

    #[test]
    fn content_words_drop_common_words_and_stem() {
        assert_eq!(
            content_words("How do I cite the datasets?"),
            vec!["cite", "dataset"]
        );
        assert!(content_words("how is it the").is_empty());
        assert!(content_words("What should I do?").is_empty());
        assert_eq!(content_words("HOW to cite; how cited"), vec!["cite"]);
    }

    #[test]
    fn overlap_weighs_rare_words_more() {
        let weights = vec![("doi".to_string(), 3.0), ("data".to_string(), 1.0)];
        let mut overlap = Overlap::new(&weights);
        assert!((overlap.of("Get a DOI for it.") - 0.75).abs() < 1e-6);
        assert_eq!(overlap.of("nothing in common"), 0.0);
        assert!((overlap.of("data, data and a doi") - 1.0).abs() < 1e-6);
        assert_eq!(Overlap::new(&[]).of("anything"), 0.0);
    }

    #[test]
    fn confidence_is_half_at_the_threshold_and_monotone() {
        let p = AskParams::default();
        assert!((p.confidence(p.threshold) - 0.5).abs() < 1e-6);
        assert!(p.confidence(p.threshold + 0.1) > p.confidence(p.threshold));
    }
}
