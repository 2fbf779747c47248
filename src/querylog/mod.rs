//! The query log for curators: what people searched for and asked, how well the
//! knowledge base answered, and whether results helped; and the gaps report read
//! from it. Lives in `<data>/logs/`, outside generations. Sits beside [`crate::query`]:
//! the server records, the CLI and the admin endpoint report; nothing here
//! touches indexes, and nothing here ever fails or slows a request.
//!
//! `event.rs` (the records), `writer.rs` (bounded queue, writer thread),
//! `rotate.rs` (size-bounded files), `reader.rs` (tolerant reading), `since.rs`
//! (`--since`), `group.rs` (near-duplicate questions), `gaps.rs` (the report).

pub mod event;
pub mod gaps;
pub mod group;
pub mod reader;
pub mod rotate;
pub mod since;
pub mod writer;

pub use event::{FeedbackEvent, LogRecord, QueryEvent, QueryKind};
pub use gaps::{GapsOptions, GapsReport, gaps_report};
pub use since::{DEFAULT_SINCE, parse_since};
pub use writer::{LogStats, QueryLog};

/// Errors of the query log's readers (the writer counts its errors instead).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "`{0}` is not a period or a date: use e.g. 30d, 12h, 2w, 90m, 2026-05-01 or an RFC 3339 time"
    )]
    InvalidSince(String),
}
