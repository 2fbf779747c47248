//! Evaluation and calibration of `ask` on judged questions: which pages answer
//! each question (or that none does). The calibration split chooses the passage
//! score weights and the answer threshold; the test split reports how often the
//! first citation is an answering page, how often unanswerable questions are
//! refused, and latency.
//!
//! A question file holds JSON lines `{"id", "question", "answers": [paths
//! relative to the content folder's parent], "split": "calibration"|"test"}`;
//! `answers` is empty for a question the corpus does not answer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::EvalError;
use crate::embed::SentenceEncoder;
use crate::index::{self, DataDir, IndexOptions};
use crate::query::answer::{self, Candidate, Retrieved};
use crate::query::{self, KnowledgeBase};
use crate::settings::AskParams;

/// One judged question.
#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub answers: Vec<String>,
    pub split: String,
}

/// Reads every `*.jsonl` file of a folder.
pub fn load_questions(dir: &Path) -> Result<Vec<Question>, EvalError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut questions = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let question: Question = serde_json::from_str(line)
                .map_err(|e| EvalError::Questions(format!("{}:{}: {e}", file.display(), n + 1)))?;
            questions.push(question);
        }
    }
    Ok(questions)
}

/// What calibration chose and what the test split measured.
#[derive(Debug, Serialize)]
pub struct AskReport {
    pub articles: usize,
    pub passages: usize,
    pub index_seconds: f64,
    pub params: AskParams,
    pub calibration: SplitReport,
    pub test: SplitReport,
    /// `ask` latency over every question, milliseconds.
    pub latency_ms: Latency,
}

/// Outcomes on one split.
#[derive(Debug, Default, Serialize)]
pub struct SplitReport {
    pub answerable: usize,
    pub unanswerable: usize,
    /// Answerable questions answered with an answering page as first citation.
    pub first_citation_correct: usize,
    /// The same, ignoring the threshold: how good retrieval and passage choice are.
    pub first_passage_correct: usize,
    /// Answerable questions that got `answered: false`.
    pub answerable_refused: usize,
    /// Unanswerable questions that got `answered: false`.
    pub unanswerable_refused: usize,
    /// Ids of answerable questions whose first citation was wrong or missing.
    pub misses: Vec<String>,
}

impl SplitReport {
    pub fn first_citation_accuracy(&self) -> f64 {
        self.first_citation_correct as f64 / self.answerable.max(1) as f64
    }
    pub fn refusal_rate(&self) -> f64 {
        self.unanswerable_refused as f64 / self.unanswerable.max(1) as f64
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

/// A question with its candidates, retrieved once and rescored per parameter set.
struct Prepared<'a> {
    question: &'a Question,
    candidates: Vec<Candidate>,
    /// Path of each candidate article (by rank).
    paths: Vec<String>,
}

/// Indexes `content`, calibrates on the calibration split (unless `params` is
/// given) and reports both splits.
pub fn run(
    content: &Path,
    questions: &[Question],
    encoder: Arc<SentenceEncoder>,
    params: Option<AskParams>,
    keep: Option<&Path>,
) -> Result<AskReport, EvalError> {
    let tmp = tempfile::tempdir()?;
    let data = DataDir::new(keep.unwrap_or(tmp.path()));
    let started = Instant::now();
    let options =
        IndexOptions::new(vec![content.to_path_buf()]).with_encoder(Some(encoder.clone()));
    index::run(&data, &options)?;
    let index_seconds = started.elapsed().as_secs_f64();
    let kb = KnowledgeBase::open(&data, Some(encoder))?;

    let mut prepared = Vec::new();
    for question in questions {
        let text = answer::validated_question(&question.question)?;
        let (hits, candidates) = match answer::retrieve(&kb, text)? {
            Ok(Retrieved {
                hits, candidates, ..
            }) => (hits, candidates),
            Err(_) => (Vec::new(), Vec::new()),
        };
        prepared.push(Prepared {
            question,
            candidates,
            paths: hits.into_iter().map(|h| h.path).collect(),
        });
    }
    let (calibration, test): (Vec<&Prepared>, Vec<&Prepared>) = prepared
        .iter()
        .partition(|p| p.question.split == "calibration");
    let params = params.unwrap_or_else(|| calibrate(&calibration));

    let mut latencies = Vec::new();
    for question in questions {
        let started = Instant::now();
        query::ask(&kb, &question.question, &params)?;
        latencies.push(started.elapsed().as_secs_f64() * 1e3);
    }
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    Ok(AskReport {
        articles: kb.manifest().articles(),
        passages: kb.embeddings.passages().map_or(0, |p| p.len()),
        index_seconds,
        params,
        calibration: judge(&calibration, &params),
        test: judge(&test, &params),
        latency_ms: Latency {
            p50: percentile(0.5),
            p90: percentile(0.9),
            p99: percentile(0.99),
        },
    })
}

/// The best passage under `params`, and whether its page answers the question.
fn best(prepared: &Prepared, params: &AskParams) -> Option<(f32, bool)> {
    let top = prepared
        .candidates
        .iter()
        .map(|c| c.scored(params))
        .max_by(|a, b| a.score.total_cmp(&b.score).then(b.row.cmp(&a.row)))?;
    let path = prepared.paths.get(top.article_rank)?;
    Some((top.score, prepared.question.answers.contains(path)))
}

fn judge(split: &[&Prepared], params: &AskParams) -> SplitReport {
    let mut report = SplitReport::default();
    for prepared in split {
        let best = best(prepared, params);
        let answered = best.is_some_and(|(score, _)| score >= params.threshold);
        if prepared.question.answers.is_empty() {
            report.unanswerable += 1;
            report.unanswerable_refused += usize::from(!answered);
            continue;
        }
        report.answerable += 1;
        let correct = best.is_some_and(|(_, correct)| correct);
        report.first_passage_correct += usize::from(correct);
        report.first_citation_correct += usize::from(correct && answered);
        report.answerable_refused += usize::from(!answered);
        if !(correct && answered) {
            report.misses.push(prepared.question.id.clone());
        }
    }
    report
}

/// Chooses the weights that put an answering page first most often; among
/// equals (a small calibration set has wide plateaus), those with the widest
/// mean margin between the best passage on an answering page and the best
/// elsewhere. Then the threshold that best separates right answers from
/// questions that should be refused (unanswerable, or whose best passage is on
/// a page that does not answer), by balanced accuracy, and the slope of the
/// confidence curve by maximum likelihood.
fn calibrate(split: &[&Prepared]) -> AskParams {
    let mut chosen = AskParams::default();
    let mut best_key = (0usize, f32::NEG_INFINITY);
    let mut best_threshold = chosen.threshold;
    // Only the ratios of the weights matter (the threshold follows the scale),
    // so similarity keeps weight 1. Term overlap always counts a little: exact
    // identifiers (DOI, PaNET, NeXus class names) are what the encoder's word
    // pieces blur, and the calibration split is too small to show it.
    for overlap_step in 1..=10u8 {
        for article_step in 0..=8u8 {
            let params = AskParams {
                similarity_weight: 1.0,
                overlap_weight: f32::from(overlap_step) / 10.0,
                article_weight: f32::from(article_step) / 20.0,
                ..AskParams::default()
            };
            let outcomes = outcomes(split, &params);
            let correct = outcomes.iter().filter(|(_, right)| *right).count();
            let key = (correct, margin(split, &params));
            if key > best_key {
                best_key = key;
                best_threshold = threshold(&outcomes).1;
                chosen = params;
            }
        }
    }
    chosen.threshold = best_threshold;
    chosen.slope = slope(&outcomes(split, &chosen), chosen.threshold);
    chosen
}

/// The mean, over answerable questions, of how far the best passage on an
/// answering page scores above the best passage elsewhere, relative to the sum
/// of the weights (so that larger weights do not widen it by themselves).
fn margin(split: &[&Prepared], params: &AskParams) -> f32 {
    let scale = params.similarity_weight + params.overlap_weight + params.article_weight;
    let margins: Vec<f32> = split
        .iter()
        .filter(|p| !p.question.answers.is_empty())
        .map(|p| {
            let mut right = f32::NEG_INFINITY;
            let mut wrong = f32::NEG_INFINITY;
            for c in &p.candidates {
                let score = c.scored(params).score;
                let answers = p
                    .paths
                    .get(c.article_rank)
                    .is_some_and(|path| p.question.answers.contains(path));
                let side = if answers { &mut right } else { &mut wrong };
                *side = side.max(score);
            }
            // A question with no candidate on either side counts as no margin.
            if right.is_finite() && wrong.is_finite() {
                (right - wrong) / scale
            } else {
                0.0
            }
        })
        .collect();
    margins.iter().sum::<f32>() / margins.len().max(1) as f32
}

/// Per question, the best passage's score and whether answering with it is
/// right (an answerable question, and its page answers it).
fn outcomes(split: &[&Prepared], params: &AskParams) -> Vec<(f32, bool)> {
    split
        .iter()
        .filter_map(|p| {
            best(p, params)
                .map(|(score, correct)| (score, correct && !p.question.answers.is_empty()))
        })
        .collect()
}

/// The threshold with the best balanced accuracy (the mean of the share of
/// right answers kept and the share of wrong ones refused), and that accuracy.
fn threshold(outcomes: &[(f32, bool)]) -> (f32, f32) {
    let positives = outcomes.iter().filter(|(_, p)| *p).count().max(1) as f32;
    let negatives = outcomes.iter().filter(|(_, p)| !*p).count().max(1) as f32;
    let mut scores: Vec<f32> = outcomes.iter().map(|(s, _)| *s).collect();
    scores.sort_by(f32::total_cmp);
    let mut best = (f32::NEG_INFINITY, AskParams::default().threshold);
    for pair in scores.windows(2) {
        let cut = (pair[0] + pair[1]) / 2.0;
        let kept = outcomes.iter().filter(|(s, p)| *p && *s >= cut).count() as f32;
        let refused = outcomes.iter().filter(|(s, p)| !*p && *s < cut).count() as f32;
        let balanced = (kept / positives + refused / negatives) / 2.0;
        if balanced > best.0 {
            best = (balanced, cut);
        }
    }
    (best.0, (best.1 * 1e4).round() / 1e4)
}

/// The logistic slope around `threshold` that best fits the outcomes (log loss,
/// over a grid: one parameter needs no optimiser).
fn slope(outcomes: &[(f32, bool)], threshold: f32) -> f32 {
    let loss = |k: f32| -> f32 {
        outcomes
            .iter()
            .map(|(s, positive)| {
                let p = (1.0 / (1.0 + (-k * (s - threshold)).exp())).clamp(1e-6, 1.0 - 1e-6);
                if *positive { -p.ln() } else { -(1.0 - p).ln() }
            })
            .sum()
    };
    (1..=100)
        .map(|i| i as f32)
        .min_by(|a, b| loss(*a).total_cmp(&loss(*b)))
        .unwrap_or(AskParams::default().slope)
}

/// Scores per split, for display.
pub fn summary(report: &AskReport) -> BTreeMap<&'static str, f64> {
    BTreeMap::from([
        (
            "test_first_citation_accuracy",
            report.test.first_citation_accuracy(),
        ),
        ("test_refusal_rate", report.test.refusal_rate()),
        (
            "calibration_first_citation_accuracy",
            report.calibration.first_citation_accuracy(),
        ),
        ("latency_p50_ms", report.latency_ms.p50),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_separates_and_slope_is_positive() {
        let outcomes = vec![
            (0.9, true),
            (0.8, true),
            (0.7, true),
            (0.4, false),
            (0.3, false),
        ];
        let (_, cut) = threshold(&outcomes);
        assert!(cut > 0.4 && cut < 0.7, "{cut}");
        assert!(slope(&outcomes, cut) > 1.0);
    }
}
