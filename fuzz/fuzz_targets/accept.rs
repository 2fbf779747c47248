//! Result format negotiation from a `format` parameter and an `Accept` header.
#![no_main]
use eoskb::query::sparql::{ResultKind, negotiate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (bool, Option<&str>, Option<&str>)| {
    let (graph, format, accept) = input;
    let kind = if graph { ResultKind::Graph } else { ResultKind::Solutions };
    let _ = negotiate(kind, format, accept);
});
