//! Liquid, MyST and kramdown clean-up: must keep the line count (diagnostics
//! point into the original file) and never panic.
#![no_main]
use eoskb::ingest::directives;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let cleaned = directives::clean(text);
    assert_eq!(
        cleaned.lines().count(),
        text.lines().count(),
        "clean-up must preserve lines"
    );
    let _ = directives::clean_inline(text);
});
