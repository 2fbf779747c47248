//! The gaps report: the questions the knowledge base answered badly, most
//! frequent first, near-duplicates grouped, and the questions whose results
//! people marked unhelpful. What curators should write next.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::event::{FeedbackEvent, QueryEvent, QueryKind};
use super::group::{group_by_similarity, normalise, tidy};
use super::reader::{LogContents, read_since};
use crate::config::LogConfig;
use crate::embed::SentenceEncoder;

/// Phrasings listed per group.
const MAX_VARIANTS: usize = 10;
/// Most distinct questions embedded per report (about 5 ms each on 2 cores).
const MAX_EMBEDDED: usize = 5000;
/// Most groups a report lists.
pub const MAX_LIMIT: usize = 1000;
pub const DEFAULT_LIMIT: usize = 20;

/// What to report on.
#[derive(Debug, Clone)]
pub struct GapsOptions {
    /// Only events at or after this time.
    pub since: DateTime<Utc>,
    /// Groups per list.
    pub limit: usize,
    /// Below this best cosine similarity a question counts as answered badly.
    pub low_similarity: f32,
    /// Questions at least this similar are grouped.
    pub group_similarity: f32,
}

impl GapsOptions {
    /// The thresholds of the `[log]` configuration.
    pub fn new(since: DateTime<Utc>, limit: usize, config: &LogConfig) -> GapsOptions {
        GapsOptions {
            since,
            limit: limit.min(MAX_LIMIT),
            low_similarity: config.low_similarity,
            group_similarity: config.group_similarity,
        }
    }
}

/// How near-duplicate questions were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grouping {
    /// Sentence-embedding similarity (and identical normalised text).
    Embedding,
    /// Identical normalised text only (no model available).
    Text,
}

/// The report, as `eoskb gaps --format json` and `GET /api/admin/gaps` give it.
#[derive(Debug, Clone, Serialize)]
pub struct GapsReport {
    #[serde(with = "super::event::rfc3339")]
    pub since: DateTime<Utc>,
    #[serde(with = "super::event::rfc3339")]
    pub until: DateTime<Utc>,
    pub grouping: Grouping,
    /// Why grouping fell back to text, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub low_similarity: f32,
    pub group_similarity: f32,
    /// Events in the period.
    pub searches: usize,
    pub asks: usize,
    pub feedback: usize,
    /// Searches and asks that found nothing, scored low, or were not answered.
    pub unanswered: usize,
    /// Groups of such questions, before `limit`.
    pub gap_groups: usize,
    /// Log lines that were not events (damaged, truncated).
    pub skipped_lines: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// The most frequent badly answered questions.
    pub gaps: Vec<GapGroup>,
    /// The questions with the most "not helpful" feedback.
    pub negative_feedback: Vec<FeedbackGroup>,
}

/// One badly answered question and its near-duplicates.
#[derive(Debug, Clone, Serialize)]
pub struct GapGroup {
    /// The most frequent phrasing.
    pub question: String,
    pub count: usize,
    #[serde(with = "super::event::rfc3339")]
    pub last_seen: DateTime<Utc>,
    pub reasons: Reasons,
    /// The best top score any of them got (a similarity, for semantic modes).
    pub best_score: Option<f32>,
    /// Phrasings with their counts, most frequent first (at most 10).
    pub variants: Vec<Variant>,
}

/// Why the questions of a group count as gaps (each event counts once, for the
/// first reason that applies).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reasons {
    /// Asks that gave no answer.
    pub unanswered: usize,
    /// Searches or asks that matched no article.
    pub no_hits: usize,
    /// Best similarity below the threshold.
    pub low_score: usize,
}

/// One phrasing of a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub query: String,
    pub count: usize,
}

/// Feedback on one question and its near-duplicates.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackGroup {
    pub question: String,
    /// "Not helpful" votes.
    pub negative: usize,
    /// "Helpful" votes.
    pub positive: usize,
    #[serde(with = "super::event::rfc3339")]
    pub last_seen: DateTime<Utc>,
    /// Per article judged (`id` null: the answer as a whole), most negative first.
    pub results: Vec<JudgedResult>,
    pub variants: Vec<Variant>,
}

/// Votes on one result of a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JudgedResult {
    pub id: Option<String>,
    pub negative: usize,
    pub positive: usize,
}

/// Reads the log folder and builds the report. Without an encoder (or if it
/// fails) questions are grouped by normalised text, and the report says so.
pub fn gaps_report(
    dir: &Path,
    options: &GapsOptions,
    encoder: Option<&SentenceEncoder>,
) -> GapsReport {
    build_report(read_since(dir, options.since), options, encoder, Utc::now())
}

/// The report over events already read.
pub fn build_report(
    contents: LogContents,
    options: &GapsOptions,
    encoder: Option<&SentenceEncoder>,
    until: DateTime<Utc>,
) -> GapsReport {
    let gap_events: Vec<(&QueryEvent, Reason)> = contents
        .queries
        .iter()
        .filter_map(|e| reason(e, options.low_similarity).map(|r| (e, r)))
        .collect();
    let gap_questions = tally(gap_events.iter().map(|(e, r)| {
        let mut reasons = GapDetail::default();
        reasons.add(*r, e.top_score);
        (e.query.as_str(), e.time, reasons)
    }));
    let feedback_questions = tally(contents.feedback.iter().map(|e| {
        let mut detail = FeedbackDetail::default();
        detail.add(e);
        (e.query.as_str(), e.time, detail)
    }));

    // Embed each distinct question once, in one batch: the most frequent ones,
    // up to a bound that keeps a huge log's report to a minute or so.
    let mut keys: Vec<&str> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let by_frequency = feedback_questions
        .iter()
        .map(|q| q.key.as_str())
        .chain(gap_questions.iter().map(|q| q.key.as_str()));
    for key in by_frequency {
        if seen.insert(key) {
            keys.push(key);
        }
    }
    let rare = keys.len().saturating_sub(MAX_EMBEDDED);
    keys.truncate(MAX_EMBEDDED);
    let (vectors, grouping, mut note) = embed(&keys, encoder);
    if vectors.is_some() && rare > 0 {
        note = Some(format!(
            "the {MAX_EMBEDDED} most frequent distinct questions are grouped by meaning; {rare} rarer ones by identical text only"
        ));
    }
    let index: HashMap<String, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.to_string(), i))
        .collect();
    let vector_of = |key: &str| Some(&vectors.as_ref()?[*index.get(key)?]);

    let gap_groups = group(gap_questions, &vector_of, options.group_similarity);
    let mut feedback_groups: Vec<Question<FeedbackDetail>> =
        group(feedback_questions, &vector_of, options.group_similarity)
            .into_iter()
            .filter(|g| g.detail.negative > 0)
            .collect();
    feedback_groups.sort_by(|a, b| {
        b.detail
            .negative
            .cmp(&a.detail.negative)
            .then(a.detail.positive.cmp(&b.detail.positive))
            .then(b.last_seen.cmp(&a.last_seen))
    });

    let searches = contents
        .queries
        .iter()
        .filter(|e| e.kind == QueryKind::Search)
        .count();
    GapsReport {
        since: options.since,
        until,
        grouping,
        note,
        low_similarity: options.low_similarity,
        group_similarity: options.group_similarity,
        searches,
        asks: contents.queries.len() - searches,
        feedback: contents.feedback.len(),
        unanswered: gap_events.len(),
        gap_groups: gap_groups.len(),
        skipped_lines: contents.skipped_lines,
        problems: contents.problems,
        gaps: gap_groups
            .into_iter()
            .take(options.limit)
            .map(|g| GapGroup {
                question: g.representative(),
                count: g.count,
                last_seen: g.last_seen,
                best_score: g.detail.best_score,
                variants: g.variants(),
                reasons: g.detail.reasons,
            })
            .collect(),
        negative_feedback: feedback_groups
            .into_iter()
            .take(options.limit)
            .map(|g| FeedbackGroup {
                question: g.representative(),
                negative: g.detail.negative,
                positive: g.detail.positive,
                last_seen: g.last_seen,
                variants: g.variants(),
                results: g.detail.results(),
            })
            .collect(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Unanswered,
    NoHits,
    LowScore,
}

/// Why an event is a gap, if it is one.
fn reason(event: &QueryEvent, low_similarity: f32) -> Option<Reason> {
    if event.answered == Some(false) {
        return Some(Reason::Unanswered);
    }
    if event.answered == Some(true) {
        return None;
    }
    if event.hits == 0 {
        return Some(Reason::NoHits);
    }
    let low = event.score_is_similarity() && event.top_score.is_some_and(|s| s < low_similarity);
    low.then_some(Reason::LowScore)
}

/// What is added up per question, besides counts.
trait Detail: Default {
    fn merge(&mut self, other: Self);
}

#[derive(Default)]
struct GapDetail {
    reasons: Reasons,
    best_score: Option<f32>,
}

impl GapDetail {
    fn add(&mut self, reason: Reason, score: Option<f32>) {
        match reason {
            Reason::Unanswered => self.reasons.unanswered += 1,
            Reason::NoHits => self.reasons.no_hits += 1,
            Reason::LowScore => self.reasons.low_score += 1,
        }
        self.best_score = max_score(self.best_score, score);
    }
}

impl Detail for GapDetail {
    fn merge(&mut self, other: Self) {
        self.reasons.unanswered += other.reasons.unanswered;
        self.reasons.no_hits += other.reasons.no_hits;
        self.reasons.low_score += other.reasons.low_score;
        self.best_score = max_score(self.best_score, other.best_score);
    }
}

fn max_score(a: Option<f32>, b: Option<f32>) -> Option<f32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[derive(Default)]
struct FeedbackDetail {
    negative: usize,
    positive: usize,
    /// Per article id (None: the answer), (negative, positive).
    by_result: BTreeMap<Option<String>, (usize, usize)>,
}

impl FeedbackDetail {
    fn add(&mut self, event: &FeedbackEvent) {
        let votes = self.by_result.entry(event.id.clone()).or_default();
        if event.helpful {
            self.positive += 1;
            votes.1 += 1;
        } else {
            self.negative += 1;
            votes.0 += 1;
        }
    }

    fn results(&self) -> Vec<JudgedResult> {
        let mut results: Vec<JudgedResult> = self
            .by_result
            .iter()
            .map(|(id, (negative, positive))| JudgedResult {
                id: id.clone(),
                negative: *negative,
                positive: *positive,
            })
            .collect();
        results.sort_by(|a, b| {
            b.negative
                .cmp(&a.negative)
                .then(a.positive.cmp(&b.positive))
        });
        results
    }
}

impl Detail for FeedbackDetail {
    fn merge(&mut self, other: Self) {
        self.negative += other.negative;
        self.positive += other.positive;
        for (id, (n, p)) in other.by_result {
            let votes = self.by_result.entry(id).or_default();
            votes.0 += n;
            votes.1 += p;
        }
    }
}

/// One question (one normalised text, later a group of them) and its occurrences.
struct Question<T> {
    key: String,
    count: usize,
    last_seen: DateTime<Utc>,
    /// Phrasings as typed (tidied) → count.
    phrasings: HashMap<String, usize>,
    detail: T,
}

impl<T: Detail> Question<T> {
    fn merge(&mut self, other: Question<T>) {
        self.count += other.count;
        self.last_seen = self.last_seen.max(other.last_seen);
        for (phrasing, n) in other.phrasings {
            *self.phrasings.entry(phrasing).or_default() += n;
        }
        self.detail.merge(other.detail);
    }

    /// Phrasings, most frequent first (ties: alphabetical, for stable output).
    fn variants(&self) -> Vec<Variant> {
        let mut variants: Vec<Variant> = self
            .phrasings
            .iter()
            .map(|(query, count)| Variant {
                query: query.clone(),
                count: *count,
            })
            .collect();
        variants.sort_by(|a, b| b.count.cmp(&a.count).then(a.query.cmp(&b.query)));
        variants.truncate(MAX_VARIANTS);
        variants
    }

    fn representative(&self) -> String {
        self.variants()
            .into_iter()
            .next()
            .map_or_else(|| self.key.clone(), |v| v.query)
    }
}

/// Occurrences per normalised question, most frequent first.
fn tally<'a, T: Detail>(
    events: impl Iterator<Item = (&'a str, DateTime<Utc>, T)>,
) -> Vec<Question<T>> {
    let mut by_key: HashMap<String, Question<T>> = HashMap::new();
    for (text, time, detail) in events {
        let key = normalise(text);
        if key.is_empty() {
            continue;
        }
        let occurrence = Question {
            key: key.clone(),
            count: 1,
            last_seen: time,
            phrasings: HashMap::from([(tidy(text), 1)]),
            detail,
        };
        match by_key.get_mut(&key) {
            Some(question) => question.merge(occurrence),
            None => {
                by_key.insert(key, occurrence);
            }
        }
    }
    let mut questions: Vec<Question<T>> = by_key.into_values().collect();
    questions.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    questions
}

/// Merges near-duplicate questions, most frequent group first. Questions
/// without a vector (no model, or beyond the embedding bound) stay alone.
fn group<'v, T: Detail>(
    questions: Vec<Question<T>>,
    vector_of: &dyn Fn(&str) -> Option<&'v Vec<f32>>,
    threshold: f32,
) -> Vec<Question<T>> {
    let (embedded, vectors): (Vec<usize>, Vec<&Vec<f32>>) = questions
        .iter()
        .enumerate()
        .filter_map(|(i, q)| Some((i, vector_of(&q.key)?)))
        .unzip();
    let mut members: Vec<Vec<usize>> = group_by_similarity(&vectors, threshold)
        .into_iter()
        .map(|group| group.into_iter().map(|j| embedded[j]).collect())
        .collect();
    let embedded: HashSet<usize> = embedded.into_iter().collect();
    members.extend(
        (0..questions.len())
            .filter(|i| !embedded.contains(i))
            .map(|i| vec![i]),
    );
    let mut slots: Vec<Option<Question<T>>> = questions.into_iter().map(Some).collect();
    let mut groups: Vec<Question<T>> = members
        .iter()
        .filter_map(|indices| {
            let mut taken = indices.iter().filter_map(|&i| slots[i].take());
            let mut first = taken.next()?;
            taken.for_each(|q| first.merge(q));
            Some(first)
        })
        .collect();
    groups.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.last_seen.cmp(&a.last_seen))
            .then(a.key.cmp(&b.key))
    });
    groups
}

/// Vectors for the keys (same order), or why there are none.
fn embed(
    keys: &[&str],
    encoder: Option<&SentenceEncoder>,
) -> (Option<Vec<Vec<f32>>>, Grouping, Option<String>) {
    let Some(encoder) = encoder else {
        return (
            None,
            Grouping::Text,
            Some(format!(
                "no embedding model is loaded: questions are grouped by identical text only; {}",
                crate::embed::SETUP_HINT
            )),
        );
    };
    match encoder.encode(keys) {
        Ok(vectors) => (Some(vectors), Grouping::Embedding, None),
        Err(e) => (
            None,
            Grouping::Text,
            Some(format!(
                "embedding failed ({e}): questions are grouped by identical text only"
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Mode;

    fn search(query: &str, mode: Mode, hits: usize, top: Option<f32>) -> QueryEvent {
        QueryEvent {
            time: Utc::now(),
            kind: QueryKind::Search,
            mode: Some(mode),
            query: query.into(),
            hits,
            top_score: top,
            answered: None,
        }
    }

    fn options() -> GapsOptions {
        GapsOptions::new(
            Utc::now() - chrono::TimeDelta::days(30),
            20,
            &LogConfig::default(),
        )
    }

    #[test]
    fn only_badly_answered_questions_are_gaps() {
        let low = LogConfig::default().low_similarity;
        assert_eq!(
            reason(&search("a", Mode::Keyword, 0, None), low),
            Some(Reason::NoHits)
        );
        // BM25 scores are not comparable across queries: a low one is no gap.
        assert_eq!(reason(&search("a", Mode::Keyword, 3, Some(0.1)), low), None);
        assert_eq!(
            reason(&search("a", Mode::Hybrid, 100, Some(low - 0.01)), low),
            Some(Reason::LowScore)
        );
        assert_eq!(
            reason(&search("a", Mode::Semantic, 100, Some(0.7)), low),
            None
        );
        assert_eq!(
            reason(&QueryEvent::ask("a", 5, Some(0.9), false), low),
            Some(Reason::Unanswered)
        );
        assert_eq!(reason(&QueryEvent::ask("a", 0, None, true), low), None);
    }

    #[test]
    fn text_grouping_counts_phrasings_and_says_why() {
        let contents = LogContents {
            queries: vec![
                search("How do I cite software?", Mode::Keyword, 0, None),
                search("how do i cite software", Mode::Keyword, 0, None),
                search("How do I cite software?", Mode::Keyword, 0, None),
                search("nexus python", Mode::Keyword, 0, None),
                search("doi", Mode::Keyword, 4, Some(9.0)),
                search("  ?? ", Mode::Keyword, 0, None),
            ],
            feedback: vec![
                FeedbackEvent::new("doi", Some("a".into()), false),
                FeedbackEvent::new("DOI?", Some("a".into()), false),
                FeedbackEvent::new("doi", Some("b".into()), true),
                FeedbackEvent::new("licence", None, true),
            ],
            skipped_lines: 2,
            problems: Vec::new(),
        };
        let report = build_report(contents, &options(), None, Utc::now());
        assert_eq!(report.grouping, Grouping::Text);
        assert!(report.note.as_deref().unwrap().contains("identical text"));
        assert_eq!((report.searches, report.unanswered), (6, 5));
        assert_eq!(report.skipped_lines, 2);
        let top = &report.gaps[0];
        assert_eq!(
            (top.question.as_str(), top.count),
            ("How do I cite software?", 3)
        );
        assert_eq!(top.reasons.no_hits, 3);
        assert_eq!(
            top.variants,
            vec![
                Variant {
                    query: "How do I cite software?".into(),
                    count: 2
                },
                Variant {
                    query: "how do i cite software".into(),
                    count: 1
                },
            ]
        );
        assert_eq!(
            report.gaps.len(),
            2,
            "punctuation-only questions are dropped"
        );
        assert_eq!(
            report.negative_feedback.len(),
            1,
            "only questions with a negative vote"
        );
        let doi = &report.negative_feedback[0];
        assert_eq!((doi.negative, doi.positive), (2, 1));
        assert_eq!(doi.results[0].id.as_deref(), Some("a"));
        assert_eq!(doi.results[0].negative, 2);

        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["grouping"], "text");
        assert!(
            json["gaps"][0]["last_seen"]
                .as_str()
                .unwrap()
                .ends_with('Z')
        );
    }

    #[test]
    fn vectors_merge_near_duplicates() {
        let questions = tally(
            [
                "alpha one",
                "alpha two",
                "alpha one",
                "beta",
                "alpha 3",
                "alpha 3",
            ]
            .into_iter()
            .map(|q| (q, Utc::now(), GapDetail::default())),
        );
        let vectors: HashMap<&str, Vec<f32>> = HashMap::from([
            ("alpha one", vec![1.0, 0.0]),
            ("alpha two", vec![0.98, 0.199]),
            ("beta", vec![0.0, 1.0]),
        ]);
        let groups = group(questions, &|k| vectors.get(k), 0.8);
        let summary: Vec<(String, usize)> = groups
            .iter()
            .map(|g| (g.representative(), g.count))
            .collect();
        // "alpha 3" has no vector (beyond the embedding bound): it stays alone.
        assert_eq!(
            summary,
            [
                ("alpha one".to_string(), 3),
                ("alpha 3".to_string(), 2),
                ("beta".to_string(), 1)
            ]
        );
    }
}
