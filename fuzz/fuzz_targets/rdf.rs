//! RDF syntax detection by extension and content, then parsing, as `index`
//! does for every file under an ontology folder (RDF/XML entity checks first).
#![no_main]
use std::path::PathBuf;

use eoskb::ingest::ontology::{self, OntologyFile};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 8] = [
    "x.ttl", "x.nt", "x.nq", "x.trig", "x.jsonld", "x.owl", "x.rdf", "x",
];

fuzz_target!(|input: (u8, &[u8])| {
    let (pick, bytes) = input;
    let name = NAMES[pick as usize % NAMES.len()];
    let file = OntologyFile {
        root: "fuzz".into(),
        rel: name.into(),
        abs: PathBuf::from("/fuzz").join(name),
    };
    if let Ok(format) = ontology::detect(&file.abs, bytes) {
        let _ = ontology::parse(&file, bytes, format);
    }
});
