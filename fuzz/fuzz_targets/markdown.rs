//! Markdown sectioning, anchors and the sanitised HTML.
#![no_main]
use eoskb::ingest::markdown;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let body = markdown::parse(text, "Title", 1);
    let mut anchors = std::collections::HashSet::new();
    for section in &body.sections {
        if !section.anchor.is_empty() {
            assert!(anchors.insert(section.anchor.clone()), "anchors are unique");
        }
    }
    let html = markdown::render_html(text);
    assert!(!html.contains("<script"), "sanitised HTML has no script");
    let _ = markdown::slugify(text);
});
