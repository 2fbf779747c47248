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
    #[error("SPARQL syntax error: {0}")]
    Syntax(String),
    /// Nesting or operator chains beyond what the parser and evaluator may recurse.
    #[error("the query is too complex: {0}; simplify it")]
    TooComplex(String),
    /// `SERVICE` (federation) or an extension function the endpoint does not offer.
    #[error("{0}")]
    Unsupported(String),
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
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            SparqlError::EmptyQuery
            | SparqlError::InvalidParameter { .. }
            | SparqlError::Syntax(_)
            | SparqlError::TooComplex(_)
            | SparqlError::Unsupported(_) => K::Invalid,
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
            SparqlError::Syntax(_) => "sparql_syntax",
            SparqlError::TooComplex(_) => "query_too_complex",
            SparqlError::Unsupported(_) => "unsupported",
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
            SparqlError::Syntax("1:5: expected".into()),
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
    fn the_callers_mistakes_are_not_internal() {
        assert_eq!(
            SparqlError::Syntax(String::new()).kind(),
            ErrorKind::Invalid
        );
        assert_eq!(SparqlError::TooManyResults(1).kind(), ErrorKind::OverLimit);
        assert_eq!(
            SparqlError::Worker(String::new()).kind(),
            ErrorKind::Internal
        );
    }
}
