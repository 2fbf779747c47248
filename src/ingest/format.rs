//! Which reader a content file goes to. The name decides first (`CITATION.cff`,
//! `.pdf`, `.ipynb`); JSON and XML, which many formats share, are told apart by
//! what the bytes say, and a file no reader recognises is skipped with a note.

use std::path::Path;

/// The kinds of files a content folder may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Markdown with optional YAML/TOML front matter.
    Markdown,
    /// PDF: text per page, sections from the outline.
    Pdf,
    /// JSON: output records (DataCite, Zenodo, InvenioRDM, deposit metadata,
    /// CodeMeta), told apart by their keys.
    Json,
    /// XML: DataCite records and OAI-PMH responses, told apart by the root element.
    Xml,
    /// `CITATION.cff`.
    Cff,
    /// schema.org / Bioschemas JSON-LD (`.jsonld`; `.json` files are sniffed).
    JsonLd,
    /// HTML pages: main text by headings, with their JSON-LD.
    Html,
    /// Jupyter notebooks (nbformat 4).
    Notebook,
}

impl Format {
    /// The format a file's name promises, if eoskb reads files so named.
    pub fn by_name(path: &Path) -> Option<Format> {
        if path.file_name().is_some_and(|n| n == "CITATION.cff") {
            return Some(Format::Cff);
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "pdf" => Some(Format::Pdf),
            "json" => Some(Format::Json),
            "jsonld" => Some(Format::JsonLd),
            "xml" => Some(Format::Xml),
            "html" | "htm" => Some(Format::Html),
            "ipynb" => Some(Format::Notebook),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_choose_the_reader() {
        assert_eq!(Format::by_name(Path::new("a/b.md")), Some(Format::Markdown));
        assert_eq!(
            Format::by_name(Path::new("a/B.MARKDOWN")),
            Some(Format::Markdown)
        );
        assert_eq!(Format::by_name(Path::new("a/b.txt")), None);
        assert_eq!(
            Format::by_name(Path::new("x/CITATION.cff")),
            Some(Format::Cff)
        );
        assert_eq!(
            Format::by_name(Path::new("x/.zenodo.json")),
            Some(Format::Json)
        );
        assert_eq!(Format::by_name(Path::new("x/oai.XML")), Some(Format::Xml));
        assert_eq!(Format::by_name(Path::new("t/page.htm")), Some(Format::Html));
        assert_eq!(
            Format::by_name(Path::new("t/a.ipynb")),
            Some(Format::Notebook)
        );
        assert_eq!(Format::by_name(Path::new("README")), None);
    }
}
