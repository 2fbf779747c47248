//! Front matter: fences, YAML or TOML, field aliases and shapes.
#![no_main]
use eoskb::ingest::frontmatter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(split) = frontmatter::split(text) {
        if let Ok(fields) = frontmatter::parse(&split) {
            let _ = frontmatter::to_metadata(fields.values);
        }
    }
});
