//! Liquid, MyST and kramdown clean-up: must keep every newline (diagnostics
//! point into the original file's lines) and never panic.
#![no_main]
use eoskb::ingest::directives;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let cleaned = directives::clean(text);
    // Newlines, not `lines()`: a last line cleaned to nothing is still a line.
    assert_eq!(
        cleaned.matches('\n').count(),
        text.matches('\n').count(),
        "clean-up must preserve lines"
    );
    let _ = directives::clean_inline(text);
});
