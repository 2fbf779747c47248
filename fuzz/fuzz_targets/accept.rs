//! Result format negotiation from a `format` parameter and an `Accept` header
//! (read by the server, then matched against the formats by the query layer).
#![no_main]
use eoskb::query::sparql::{ResultKind, negotiate};
use eoskb::server::media::accepted_ranges;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (bool, Option<&str>, Option<&str>)| {
    let (graph, format, accept) = input;
    let kind = if graph { ResultKind::Graph } else { ResultKind::Solutions };
    let ranges = accepted_ranges(accept.unwrap_or_default());
    let _ = negotiate(kind, format, &ranges);
});
