//! Ontology files → triples: finds files under the `--ontology` paths, tells RDF
//! from everything else (by extension, then by content), and parses each whole
//! file before anything is stored, so a malformed file yields a `path:line:col`
//! diagnostic and no triples at all. Knows nothing of the graph store.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfParser};
use oxigraph::model::{BlankNode, NamedOrBlankNode, Term, Triple, vocab::rdf};

use super::{Diagnostic, normalise_root, relative_path};
use crate::vocab::term;

/// A file found under an ontology path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OntologyFile {
    /// The path as the user named it (normalised).
    pub root: String,
    /// Path relative to `root`, `/`-separated; empty when `root` is the file itself.
    pub rel: String,
    pub abs: PathBuf,
}

impl OntologyFile {
    /// The path shown in diagnostics and reports.
    pub fn display(&self) -> String {
        if self.rel.is_empty() {
            self.root.clone()
        } else {
            format!("{}/{}", self.root, self.rel)
        }
    }

    /// Identifies the file across index runs.
    pub fn key(&self) -> String {
        format!("{}\u{1f}{}", self.root, self.rel)
    }
}

/// A parsed ontology file.
#[derive(Debug)]
pub struct ParsedOntology {
    pub format: RdfFormat,
    /// Every triple of the file; named graphs inside N-Quads/TriG are flattened,
    /// since each file becomes one graph of the store.
    pub triples: Vec<Triple>,
    /// The IRI declared as `owl:Ontology`, if any.
    pub ontology_iri: Option<String>,
    /// The named graph the file goes into; chosen by the index run (empty until then).
    pub graph: String,
}

/// Lists the files under `paths`, sorted. A missing path is an error unless
/// `missing_ok` (the default folder need not exist).
pub fn scan(paths: &[PathBuf], missing_ok: bool) -> (Vec<OntologyFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let root = normalise_root(path);
        if path.is_file() {
            files.push(OntologyFile {
                root,
                rel: String::new(),
                abs: path.clone(),
            });
            continue;
        }
        if !path.is_dir() {
            if !missing_ok {
                problems.push(Diagnostic::error(&root, 0, "ontology path not found"));
            }
            continue;
        }
        let (found, walk_problems) = super::guard::walk_files(path, &root, |e| {
            e.file_name().to_string_lossy().starts_with('.')
        });
        problems.extend(walk_problems);
        files.extend(found.into_iter().map(|abs| OntologyFile {
            root: root.clone(),
            rel: relative_path(path, &abs),
            abs,
        }));
    }
    files.sort();
    let (files, duplicates) = once_per_file(files);
    problems.extend(duplicates);
    (files, problems)
}

/// Each file once, however it was reached (`x` and `x/../x`, a folder and a
/// link to it, a folder and a file in it): the first path in sorted order
/// stays, the others get a note. Loaded twice, a file would be two graphs and
/// every answer over the union default graph would repeat its rows.
fn once_per_file(files: Vec<OntologyFile>) -> (Vec<OntologyFile>, Vec<Diagnostic>) {
    let mut first: HashMap<PathBuf, String> = HashMap::new();
    let mut kept = Vec::with_capacity(files.len());
    let mut notes = Vec::new();
    for file in files {
        let canonical = file.abs.canonicalize().unwrap_or_else(|_| file.abs.clone());
        match first.get(&canonical) {
            Some(shown) if *shown == file.display() => {}
            Some(shown) => notes.push(Diagnostic::note(
                file.display(),
                0,
                format!("same file as {shown}; loaded once"),
            )),
            None => {
                first.insert(canonical, file.display());
                kept.push(file);
            }
        }
    }
    (kept, notes)
}

/// The RDF syntax of a file, or why it is not RDF.
pub fn detect(path: &Path, bytes: &[u8]) -> Result<RdfFormat, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let jsonld = RdfFormat::JsonLd {
        profile: JsonLdProfileSet::empty(),
    };
    match ext {
        "ttl" => return Ok(RdfFormat::Turtle),
        "nt" => return Ok(RdfFormat::NTriples),
        "nq" => return Ok(RdfFormat::NQuads),
        "trig" => return Ok(RdfFormat::TriG),
        "n3" => return Ok(RdfFormat::N3),
        "jsonld" => return Ok(jsonld),
        "md" | "markdown" | "txt" | "html" | "htm" | "pdf" | "png" | "jpg" | "svg" | "csv"
        | "tsv" | "yml" | "yaml" | "obo" | "py" | "sh" | "gz" | "zip" => {
            return Err(format!("`.{ext}` files are not RDF"));
        }
        _ => {}
    }
    // Sniffing decides the rest: `.owl` files may be RDF/XML, OWL/XML or Turtle.
    match sniff(bytes) {
        Some(format) => Ok(format),
        None if matches!(ext, "rdf" | "owl" | "rdfs" | "xml") && looks_like_xml(bytes) => {
            if head(bytes).contains("<Ontology") {
                Err("OWL/XML, not RDF (convert it to RDF/XML or Turtle)".into())
            } else {
                Err("XML but not RDF/XML (no rdf:RDF element)".into())
            }
        }
        None if head(bytes).starts_with("Prefix(") || head(bytes).starts_with("Ontology(") => {
            Err("OWL functional syntax, not RDF".into())
        }
        None => Err("not an RDF file (unknown extension, content not recognised)".into()),
    }
}

fn head(bytes: &[u8]) -> String {
    let end = bytes.len().min(8192);
    String::from_utf8_lossy(&bytes[..end])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_string()
}

fn looks_like_xml(bytes: &[u8]) -> bool {
    head(bytes).starts_with('<')
}

/// Recognises RDF syntaxes by their first significant lines.
fn sniff(bytes: &[u8]) -> Option<RdfFormat> {
    let head = head(bytes);
    if head.starts_with('<') && !head.starts_with("<http") && !head.starts_with("<urn") {
        let rdf_root = head.contains("<rdf:RDF") || head.contains("22-rdf-syntax-ns#\"");
        return (rdf_root && !head.contains("<Ontology ")).then_some(RdfFormat::RdfXml);
    }
    if head.starts_with('{') || head.starts_with('[') {
        return (head.contains("\"@context\"") || head.contains("\"@id\"")).then_some(
            RdfFormat::JsonLd {
                profile: JsonLdProfileSet::empty(),
            },
        );
    }
    for line in head.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with('#') {
            continue;
        }
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("@prefix") || lower.starts_with("@base") {
            return Some(RdfFormat::Turtle);
        }
        if lower.starts_with("prefix ") || lower.starts_with("base ") {
            return Some(RdfFormat::TriG);
        }
        if line.starts_with('<') || line.starts_with("_:") {
            // N-Quads parses N-Triples too; anything richer is Turtle.
            let simple = line.ends_with(" .") || line.ends_with('.');
            return Some(if simple && line.split_whitespace().count() <= 6 {
                RdfFormat::NQuads
            } else {
                RdfFormat::Turtle
            });
        }
        return None;
    }
    None
}

/// Parses a whole file. Blank nodes get fresh identifiers so that two files
/// using the same label never share a node.
pub fn parse(
    file: &OntologyFile,
    bytes: &[u8],
    format: RdfFormat,
) -> Result<ParsedOntology, Diagnostic> {
    let base = file_iri(&file.abs);
    let mut triples = Vec::new();
    let fail = |line: usize, column: Option<usize>, message: String| {
        let mut d = Diagnostic::error(
            file.display(),
            line,
            format!("{} syntax error: {message}", format.name()),
        );
        d.column = column;
        d
    };
    if format == RdfFormat::RdfXml {
        // The parser expands DTD entities without limit: refuse exponential ones first.
        if let Err(e) = super::entities::check(bytes) {
            let (line, col) = line_col(bytes, e.offset());
            return Err(fail(line, Some(col), e.to_string()));
        }
        // oxrdfio gives no position for RDF/XML errors; the parser's byte offset does.
        let parser = oxrdfxml::RdfXmlParser::new();
        let parser = match parser.clone().with_base_iri(base.clone()) {
            Ok(p) => p,
            Err(_) => parser,
        };
        let mut reader = parser.for_slice(bytes);
        while let Some(next) = reader.next() {
            match next {
                Ok(t) => triples.push(t),
                Err(e) => {
                    let (line, col) = line_col(bytes, reader.buffer_position() as usize);
                    return Err(fail(line, Some(col), e.to_string()));
                }
            }
        }
    } else {
        let mut parser = RdfParser::from_format(format);
        if let Ok(with_base) = parser.clone().with_base_iri(base.clone()) {
            parser = with_base;
        }
        for quad in parser.for_slice(bytes) {
            match quad {
                Ok(q) => triples.push(Triple::new(q.subject, q.predicate, q.object)),
                Err(e) => {
                    let (line, col) = e
                        .location()
                        .map(|l| (l.start.line as usize + 1, l.start.column as usize + 1))
                        .unwrap_or((0, 0));
                    return Err(fail(line, (col > 0).then_some(col), e.to_string()));
                }
            }
        }
    }
    let triples = fresh_blank_nodes(triples);
    let ontology_iri = triples.iter().find_map(|t| match (&t.subject, &t.object) {
        (NamedOrBlankNode::NamedNode(s), Term::NamedNode(o))
            if t.predicate == rdf::TYPE && o.as_str() == term::OWL_ONTOLOGY =>
        {
            Some(s.as_str().to_string())
        }
        _ => None,
    });
    Ok(ParsedOntology {
        format,
        triples,
        ontology_iri,
        graph: String::new(),
    })
}

fn fresh_blank_nodes(triples: Vec<Triple>) -> Vec<Triple> {
    let mut map: HashMap<String, BlankNode> = HashMap::new();
    let mut fresh = |b: &BlankNode| map.entry(b.as_str().to_string()).or_default().clone();
    triples
        .into_iter()
        .map(|t| {
            let subject = match &t.subject {
                NamedOrBlankNode::BlankNode(b) => NamedOrBlankNode::BlankNode(fresh(b)),
                s => s.clone(),
            };
            let object = match &t.object {
                Term::BlankNode(b) => Term::BlankNode(fresh(b)),
                o => o.clone(),
            };
            Triple::new(subject, t.predicate, object)
        })
        .collect()
}

/// `file:` IRI of a path, used as the base for relative IRIs.
fn file_iri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = abs.to_string_lossy().replace('\\', "/");
    let text = crate::config::iri_path(&text);
    if text.starts_with('/') {
        format!("file://{text}")
    } else {
        format!("file:///{text}")
    }
}

/// 1-based line and column of a byte offset.
fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> OntologyFile {
        OntologyFile {
            root: "ontologies".into(),
            rel: name.into(),
            abs: PathBuf::from(name),
        }
    }

    #[test]
    fn detects_by_extension_then_content() {
        let ttl = b"@prefix ex: <http://ex.org/> .\nex:a ex:b ex:c .\n";
        assert_eq!(detect(Path::new("a.ttl"), ttl), Ok(RdfFormat::Turtle));
        assert_eq!(detect(Path::new("a.data"), ttl), Ok(RdfFormat::Turtle));
        let nt = b"# comment\n<http://ex.org/a> <http://ex.org/b> <http://ex.org/c> .\n";
        assert_eq!(detect(Path::new("ontology"), nt), Ok(RdfFormat::NQuads));
        let xml = b"<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>";
        assert_eq!(detect(Path::new("a.owl"), xml), Ok(RdfFormat::RdfXml));
        let owlxml =
            b"<?xml version=\"1.0\"?>\n<Ontology xmlns=\"http://www.w3.org/2002/07/owl#\">";
        assert!(
            detect(Path::new("a.owl"), owlxml)
                .unwrap_err()
                .contains("OWL/XML")
        );
        assert!(detect(Path::new("LICENSE"), b"MIT License\n\nCopyright").is_err());
        assert!(detect(Path::new("README.md"), b"# PaNET").is_err());
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let bad = b"@prefix ex: <http://ex.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n";
        let e = parse(&file("bad.ttl"), bad, RdfFormat::Turtle).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.column.is_some());
        let xml = b"<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n  <rdf:Description rdf:about=\"http://ex.org/a\">\n  </rdf:Wrong>\n</rdf:RDF>\n";
        let e = parse(&file("bad.rdf"), xml, RdfFormat::RdfXml).unwrap_err();
        assert!(e.line >= 3, "{e}");
    }

    #[test]
    fn finds_the_ontology_iri_and_separates_blank_nodes() {
        let ttl = b"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<http://ex.org/o> a owl:Ontology .\n_:b <http://ex.org/p> 1 .\n";
        let a = parse(&file("a.ttl"), ttl, RdfFormat::Turtle).unwrap();
        let b = parse(&file("b.ttl"), ttl, RdfFormat::Turtle).unwrap();
        assert_eq!(a.ontology_iri.as_deref(), Some("http://ex.org/o"));
        assert_ne!(a.triples[1].subject, b.triples[1].subject);
    }
}
