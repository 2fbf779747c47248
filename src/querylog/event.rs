//! What the log records: one JSON line per search or ask, and one per feedback.
//! Only the question and how well it was answered; never who asked (no address,
//! user agent, cookie or token).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::query::{Mode, SearchResponse};

/// What was asked of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryKind {
    Search,
    Ask,
}

/// A search or an ask, as the query log stores it (`queries.jsonl`):
/// `{"time":"2026-05-01T12:00:00Z","kind":"search","mode":"hybrid","query":"...",
/// "hits":12,"top_score":0.61}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryEvent {
    /// When it was answered (UTC, whole seconds).
    #[serde(with = "rfc3339")]
    pub time: DateTime<Utc>,
    pub kind: QueryKind,
    /// The retrieval mode, when the request chose one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// The question as the user typed it.
    pub query: String,
    /// How many articles matched.
    pub hits: usize,
    /// The best cosine similarity when the question was embedded (semantic,
    /// hybrid, ask); the best BM25 score for keyword searches; `None` without hits.
    #[serde(default)]
    pub top_score: Option<f32>,
    /// For asks: whether an answer was given (`None` for searches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
}

impl QueryEvent {
    /// A search as answered: hit count and an absolute top score (the best
    /// similarity if the mode computed one, else the first hit's BM25 score).
    pub fn search(query: impl Into<String>, response: &SearchResponse) -> QueryEvent {
        let top_score = response.best_similarity.or_else(|| {
            (response.mode == Mode::Keyword)
                .then(|| response.hits.first().map(|h| h.score))
                .flatten()
        });
        QueryEvent {
            time: Utc::now(),
            kind: QueryKind::Search,
            mode: Some(response.mode),
            query: query.into(),
            hits: response.total,
            top_score,
            answered: None,
        }
    }

    /// An ask: the passages it found (`hits`), the best cosine similarity among
    /// them (`top_similarity`), and whether it gave an answer or said it found
    /// nothing good.
    pub fn ask(
        query: impl Into<String>,
        hits: usize,
        top_similarity: Option<f32>,
        answered: bool,
    ) -> QueryEvent {
        QueryEvent {
            time: Utc::now(),
            kind: QueryKind::Ask,
            mode: None,
            query: query.into(),
            hits,
            top_score: top_similarity,
            answered: Some(answered),
        }
    }

    /// The same event with the retrieval mode recorded.
    pub fn with_mode(mut self, mode: Mode) -> QueryEvent {
        self.mode = Some(mode);
        self
    }

    /// Whether `top_score` is a cosine similarity (comparable across questions)
    /// rather than a BM25 score (which is not).
    pub fn score_is_similarity(&self) -> bool {
        self.kind == QueryKind::Ask || matches!(self.mode, Some(Mode::Semantic | Mode::Hybrid))
    }
}

/// Whether a search result or an answer helped, as the query log stores it
/// (`feedback.jsonl`): `{"time":"...","query":"...","id":"doi-for-beamtime-data",
/// "helpful":false}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackEvent {
    #[serde(with = "rfc3339")]
    pub time: DateTime<Utc>,
    /// The question the result or answer was for.
    pub query: String,
    /// The article judged; `None` when the judgement is about an answer as a whole.
    #[serde(default)]
    pub id: Option<String>,
    pub helpful: bool,
}

impl FeedbackEvent {
    pub fn new(query: impl Into<String>, id: Option<String>, helpful: bool) -> FeedbackEvent {
        FeedbackEvent {
            time: Utc::now(),
            query: query.into(),
            id,
            helpful,
        }
    }
}

/// Anything the log writer appends, routed to its own file.
#[derive(Debug, Clone, PartialEq)]
pub enum LogRecord {
    Query(QueryEvent),
    Feedback(FeedbackEvent),
}

impl From<QueryEvent> for LogRecord {
    fn from(event: QueryEvent) -> Self {
        LogRecord::Query(event)
    }
}

impl From<FeedbackEvent> for LogRecord {
    fn from(event: FeedbackEvent) -> Self {
        LogRecord::Feedback(event)
    }
}

/// RFC 3339 in UTC with whole seconds: readable, sortable, and no finer than a
/// curator needs.
pub(crate) mod rfc3339 {
    use super::*;

    pub fn serialize<S: serde::Serializer>(
        time: &DateTime<Utc>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&time.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_as_json_lines() {
        let event = QueryEvent::ask("how do I cite software?", 3, Some(0.42), false);
        let line = serde_json::to_string(&event).unwrap();
        assert!(line.contains("\"kind\":\"ask\"") && line.contains("\"answered\":false"));
        assert!(!line.contains("mode"), "{line}");
        let back: QueryEvent = serde_json::from_str(&line).unwrap();
        assert_eq!(back.query, event.query);
        assert_eq!(back.time.timestamp(), event.time.timestamp());
        assert!(back.score_is_similarity());

        let feedback = FeedbackEvent::new("doi", Some("doi-beamtime".into()), false);
        let line = serde_json::to_string(&feedback).unwrap();
        let back: FeedbackEvent = serde_json::from_str(&line).unwrap();
        assert_eq!(back.id.as_deref(), Some("doi-beamtime"));
        assert!(line.ends_with("\"helpful\":false}"), "{line}");
    }

    #[test]
    fn keyword_scores_are_not_similarities() {
        let mut event = QueryEvent::ask("x", 0, None, false);
        event.kind = QueryKind::Search;
        event.mode = Some(Mode::Keyword);
        assert!(!event.score_is_similarity());
        assert!(event.with_mode(Mode::Hybrid).score_is_similarity());
    }
}
