//! How searches and asks are tuned: plain values that the configuration reads,
//! the query layer applies and the faces (CLI, HTTP) pass on. They sit below
//! both, so that `config` never needs `query`.

use serde::{Deserialize, Serialize};

/// How results are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// BM25 over words.
    Keyword,
    /// Nearest sections by sentence embedding.
    Semantic,
    /// Both, fused.
    #[default]
    Hybrid,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "keyword" => Ok(Mode::Keyword),
            "semantic" => Ok(Mode::Semantic),
            "hybrid" => Ok(Mode::Hybrid),
            other => Err(format!(
                "`{other}` is not a mode: use keyword, semantic or hybrid"
            )),
        }
    }
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Keyword => "keyword",
            Mode::Semantic => "semantic",
            Mode::Hybrid => "hybrid",
        }
    }
}

/// How two ranked lists become one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fusion {
    /// Reciprocal rank fusion: Σ 1 / (k + rank). Needs no score calibration.
    Rrf { k: f32 },
    /// Convex combination of min-max normalised scores:
    /// `w · semantic + (1 − w) · keyword`, missing scores counting as 0.
    Convex { semantic_weight: f32 },
}

impl Default for Fusion {
    /// Chosen with `eoskb eval` on BEIR SciFact (see README, "Search quality").
    fn default() -> Self {
        Fusion::Convex {
            semantic_weight: 0.5,
        }
    }
}

impl std::str::FromStr for Fusion {
    type Err = String;
    /// `rrf`, `rrf:60`, `convex`, `convex:0.4`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, value) = s.split_once(':').map_or((s, None), |(n, v)| (n, Some(v)));
        let number = |default: f32| -> Result<f32, String> {
            value.map_or(Ok(default), |v| {
                v.parse::<f32>()
                    .map_err(|_| format!("`{v}` is not a number"))
            })
        };
        match name {
            "rrf" => Ok(Fusion::Rrf { k: number(60.0)? }),
            "convex" => Ok(Fusion::Convex {
                semantic_weight: number(0.5)?.clamp(0.0, 1.0),
            }),
            other => Err(format!(
                "`{other}` is not a fusion: use rrf[:k] or convex[:weight]"
            )),
        }
    }
}

/// How passages are scored and when an answer is given. The defaults are
/// calibrated with `eoskb eval --ask` on the calibration split of
/// `benches/ask/` (see README, "Ask").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AskParams {
    /// Weight of the passage's cosine similarity to the question.
    pub similarity_weight: f32,
    /// Weight of the share of the question's words (IDF-weighted) in the passage.
    pub overlap_weight: f32,
    /// Weight of the passage's article in the hybrid ranking (1 for the first).
    pub article_weight: f32,
    /// Confidence = logistic(slope · (score − threshold)): 0.5 at the threshold.
    pub threshold: f32,
    pub slope: f32,
}

impl Default for AskParams {
    /// Calibrated on the calibration split of `benches/ask/` over RDMkit.
    fn default() -> Self {
        AskParams {
            similarity_weight: 1.0,
            overlap_weight: 0.1,
            article_weight: 0.4,
            threshold: 0.901,
            slope: 13.0,
        }
    }
}

impl AskParams {
    /// The probability-like confidence of an answer whose best passage scores `score`.
    pub fn confidence(&self, score: f32) -> f32 {
        1.0 / (1.0 + (-self.slope * (score - self.threshold)).exp())
    }
}

/// The engine's settings for answering, read from the configuration once and
/// held by the open knowledge base: the HTTP API, the CLI and evaluation all
/// go through it, and a request overrides a setting only by naming it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueryOptions {
    /// How hybrid search fuses the keyword and semantic lists.
    pub fusion: Fusion,
    /// How `ask` scores passages and decides to answer.
    pub ask: AskParams,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_parses() {
        assert_eq!("rrf:10".parse::<Fusion>().unwrap(), Fusion::Rrf { k: 10.0 });
        assert_eq!(
            "convex".parse::<Fusion>().unwrap(),
            Fusion::Convex {
                semantic_weight: 0.5
            }
        );
        assert!("magic".parse::<Fusion>().is_err());
    }
}
