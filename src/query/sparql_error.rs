//! What can go wrong answering a SPARQL request, in the evaluating thread, in a
//! worker process or on the way between. Serialisable, so a worker's error
//! crosses the pipe as itself and the caller still gets the right status.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::ErrorKind;

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum SparqlError {
    #[error("the query is empty")]
    EmptyQuery,
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter { name: String, reason: String },
    #[error("the query is {len} bytes long; the limit is {max}")]
    QueryTooLarge { len: usize, max: usize },
    /// The parser's message, and where in the query it stopped (1-based line and
    /// column in characters) when the message says.
    #[error("SPARQL syntax error: {message}")]
    Syntax {
        message: String,
        line: Option<usize>,
        column: Option<usize>,
    },
    /// Nesting or operator chains beyond what the parser and evaluator may recurse.
    #[error("the query is too complex: {0}; simplify it")]
    TooComplex(String),
    /// `SERVICE` (federation) or an extension function the endpoint does not offer.
    #[error("{0}")]
    Unsupported(String),
    /// A `SERVICE <urn:eoskb:search>` call written so that the text search
    /// service cannot answer it (a missing or variable query, an unknown
    /// predicate, a limit over the cap, ...).
    #[error("full-text search (SERVICE <urn:eoskb:search>): {0}")]
    TextSearch(String),
    #[error(
        "the result is larger than {0} bytes, the endpoint's limit; add LIMIT (and OFFSET to page) or select fewer variables"
    )]
    ResultTooLarge(usize),
    /// A worker process ran out of the memory or stack a query may use.
    #[error("the query needed more memory than a query may use ({0}); narrow it or add LIMIT")]
    ResourceLimit(String),
    #[error("{0}")]
    ReadOnly(String),
    #[error("not acceptable: {0}")]
    NotAcceptable(String),
    #[error("the query ran longer than the {}s limit and was stopped; narrow it or add LIMIT", .0.as_secs_f64())]
    Timeout(Duration),
    #[error(
        "the result has more than {0} rows, the endpoint's limit; add LIMIT (and OFFSET to page)"
    )]
    TooManyResults(usize),
    #[error("{0} SPARQL queries are already running; try again shortly")]
    Busy(usize),
    #[error("SPARQL evaluation failed: {0}")]
    Evaluation(String),
    /// A worker process could not start, or died during a query.
    #[error("SPARQL worker: {0}")]
    Worker(String),
}

impl SparqlError {
    /// A syntax error from the parser's message. spargebra's error does not
    /// expose its position, but its message starts with it (`error at 3:12:
    /// expected ...`, from the PEG parser): the line and column are read from there.
    pub fn syntax(message: impl Into<String>) -> SparqlError {
        let message = message.into();
        let position = message
            .strip_prefix("error at ")
            .and_then(|rest| rest.split_once(": "))
            .and_then(|(at, _)| at.split_once(':'))
            .and_then(|(line, column)| Some((line.parse().ok()?, column.parse().ok()?)));
        SparqlError::Syntax {
            line: position.map(|(line, _)| line),
            column: position.map(|(_, column)| column),
            message,
        }
    }

    /// Where in the query text the error is, for errors that know it.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            SparqlError::Syntax {
                line: Some(line),
                column: Some(column),
                ..
            } => Some((*line, *column)),
            _ => None,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            SparqlError::EmptyQuery
            | SparqlError::InvalidParameter { .. }
            | SparqlError::Syntax { .. }
            | SparqlError::TooComplex(_)
            | SparqlError::Unsupported(_)
            | SparqlError::TextSearch(_) => K::Invalid,
            SparqlError::QueryTooLarge { .. } => K::TooLarge,
            SparqlError::ResultTooLarge(_)
            | SparqlError::ResourceLimit(_)
            | SparqlError::TooManyResults(_) => K::OverLimit,
            SparqlError::ReadOnly(_) => K::Forbidden,
            SparqlError::NotAcceptable(_) => K::NotAcceptable,
            SparqlError::Timeout(_) => K::Timeout,
            SparqlError::Busy(_) => K::Busy,
            SparqlError::Evaluation(_) | SparqlError::Worker(_) => K::Internal,
        }
    }

    /// A stable name for the error, for programs (the JSON `error` field).
    pub fn code(&self) -> &'static str {
        match self {
            SparqlError::EmptyQuery => "empty_query",
            SparqlError::InvalidParameter { .. } => "invalid_parameter",
            SparqlError::QueryTooLarge { .. } => "query_too_large",
            SparqlError::Syntax { .. } => "sparql_syntax",
            SparqlError::TooComplex(_) => "query_too_complex",
            SparqlError::Unsupported(_) => "unsupported",
            SparqlError::TextSearch(_) => "text_search",
            SparqlError::ResultTooLarge(_) => "result_too_large",
            SparqlError::ResourceLimit(_) => "resource_limit",
            SparqlError::ReadOnly(_) => "read_only",
            SparqlError::NotAcceptable(_) => "not_acceptable",
            SparqlError::Timeout(_) => "timeout",
            SparqlError::TooManyResults(_) => "too_many_results",
            SparqlError::Busy(_) => "busy",
            SparqlError::Evaluation(_) => "sparql_evaluation",
            SparqlError::Worker(_) => "sparql_worker",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_error_crosses_the_pipe_as_itself() {
        let errors = [
            SparqlError::QueryTooLarge { len: 9, max: 4 },
            SparqlError::syntax("error at 1:5: expected one of \"{\", WHERE"),
            SparqlError::Timeout(Duration::from_millis(1500)),
            SparqlError::Busy(4),
        ];
        for error in errors {
            let json = serde_json::to_vec(&error).unwrap();
            let back: SparqlError = serde_json::from_slice(&json).unwrap();
            assert_eq!(back, error);
            assert_eq!(back.to_string(), error.to_string());
        }
    }

    #[test]
    fn syntax_errors_know_their_line_and_column_when_the_parser_says() {
        let error = SparqlError::syntax("error at 3:12: expected one of \".\", \"}\"");
        assert_eq!(error.position(), Some((3, 12)));
        assert!(error.to_string().contains("error at 3:12: expected"));
        assert_eq!(SparqlError::syntax("Invalid base IRI").position(), None);
        assert_eq!(SparqlError::syntax("error at x:1: oops").position(), None);
        assert_eq!(SparqlError::EmptyQuery.position(), None);
    }

    #[test]
    fn the_callers_mistakes_are_not_internal() {
        assert_eq!(
            SparqlError::syntax(String::new()).kind(),
            ErrorKind::Invalid
        );
        assert_eq!(SparqlError::TooManyResults(1).kind(), ErrorKind::OverLimit);
        assert_eq!(
            SparqlError::Worker(String::new()).kind(),
            ErrorKind::Internal
        );
    }
}
