//! Query text before any parser: the keyword query normaliser (its output is
//! fed to tantivy's grammar) and the SPARQL nesting and operator bound.
#![no_main]
use eoskb::query::{keyword, sparql_guard};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let normalised = keyword::normalise_query(text, &["title", "summary", "headings", "body", "all"]);
    assert!(normalised.len() <= text.len() * 2 + 8, "normalising does not blow up");
    let _ = keyword::constrains_matches(text);
    let _ = sparql_guard::check(text);
});
