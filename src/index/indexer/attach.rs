//! A deliverable's PDF usually sits beside its record (`D3.1.json` and
//! `D3.1.pdf`, or the name the record lists among its files). Such a PDF is not an
//! item of its own: its pages become the record's sections, so a search hit or an
//! answer shows the record's title, DOI and authors and cites the page.

use std::collections::HashMap;

use super::Outcome;
use crate::index::manifest::Attachment;
use crate::ingest::ContentFile;
use crate::ingest::format::Format;
use crate::model::{Article, FileRef};

/// Whether a file is a PDF (by name, as the scan chose its reader).
pub(super) fn is_pdf(file: &ContentFile) -> bool {
    Format::by_name(&file.abs) == Some(Format::Pdf)
}

/// The folder part of a relative path (`a/b` of `a/b/c.pdf`).
fn folder(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn file_name(rel: &str) -> &str {
    rel.rsplit_once('/').map_or(rel, |(_, name)| name)
}

fn stem(rel: &str) -> &str {
    let name = file_name(rel);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// The file names the items of a read file list (their records' files).
pub(super) fn listed_names(articles: &[Article]) -> Vec<String> {
    let mut names: Vec<String> = articles
        .iter()
        .filter_map(|a| a.record.as_deref())
        .flat_map(|r| r.files.iter().map(|f| file_name(&f.name).to_string()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// For each PDF, the outcome (by position) of the record file that claims it:
/// one in the same content folder and directory whose records list the PDF's
/// name, else one with the same stem. Markdown articles never claim a PDF.
pub(super) fn owners(
    outcomes: &[(ContentFile, Outcome)],
    pdfs: &[ContentFile],
) -> Vec<Option<usize>> {
    // (root, directory, name or stem) → outcome, first claim wins.
    let mut by_name: HashMap<(&str, &str, String), usize> = HashMap::new();
    let mut by_stem: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for (i, (file, outcome)) in outcomes.iter().enumerate() {
        if Format::by_name(&file.abs) == Some(Format::Markdown) {
            continue;
        }
        let names = match outcome {
            Outcome::Unchanged(entry) => entry.listed.clone(),
            Outcome::Parsed(articles, _) if articles.iter().any(|a| a.record.is_some()) => {
                listed_names(articles)
            }
            _ => continue,
        };
        let dir = folder(&file.rel);
        for name in names {
            by_name.entry((&file.root, dir, name)).or_insert(i);
        }
        by_stem
            .entry((&file.root, dir, stem(&file.rel)))
            .or_insert(i);
    }
    pdfs.iter()
        .map(|pdf| {
            let dir = folder(&pdf.rel);
            by_name
                .get(&(pdf.root.as_str(), dir, file_name(&pdf.rel).to_string()))
                .or_else(|| by_stem.get(&(pdf.root.as_str(), dir, stem(&pdf.rel))))
                .copied()
        })
        .collect()
}

/// Makes the PDF read as `pdf_items` the body of the owner's item that lists it
/// (else its first record): its sections follow the record's own, its file is
/// listed, and what the PDF says of itself fills only what the record leaves empty.
pub(super) fn merge(
    owner_items: &mut [Article],
    pdf: &ContentFile,
    pdf_items: Vec<Article>,
    size: u64,
) {
    let name = file_name(&pdf.rel);
    let lists_it = |a: &Article| {
        a.record
            .as_deref()
            .is_some_and(|r| r.files.iter().any(|f| file_name(&f.name) == name))
    };
    let position = owner_items
        .iter()
        .position(lists_it)
        .or_else(|| owner_items.iter().position(|a| a.record.is_some()));
    let (Some(position), Some(body)) = (position, pdf_items.into_iter().next()) else {
        return;
    };
    let Some(item) = owner_items.get_mut(position) else {
        return;
    };
    let offset = item.sections.len();
    for (i, mut section) in body.sections.into_iter().enumerate() {
        section.ordinal = offset + i;
        if section.level == 0 {
            // The PDF's front matter (text before its first bookmark) reads as a
            // part of the record, under the record's title.
            section.heading = item.title.clone();
        }
        item.sections.push(section);
    }
    if !body.markdown.is_empty() {
        if !item.markdown.is_empty() {
            item.markdown.push_str("\n\n");
        }
        item.markdown.push_str(&body.markdown);
    }
    if item.summary.is_empty() {
        item.summary = body.summary;
    }
    if item.authors.is_empty() {
        item.authors = body.authors;
    }
    if let Some(record) = item.record.as_deref_mut()
        && !record.files.iter().any(|f| file_name(&f.name) == name)
    {
        record.files.push(FileRef {
            name: name.to_string(),
            size: Some(size),
            media_type: Some("application/pdf".into()),
            ..FileRef::default()
        });
    }
    item.extra
        .entry("pdf".to_string())
        .or_insert_with(|| serde_json::json!({ "path": pdf.rel, "pdf": body.extra }));
}

/// The attachments as the manifest keeps them, sorted by path.
pub(super) fn attachments(mut list: Vec<Attachment>) -> Vec<Attachment> {
    list.sort_by(|a, b| a.path.cmp(&b.path));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Record, Section, SourceRef};
    use std::path::PathBuf;

    fn file(rel: &str) -> ContentFile {
        ContentFile {
            root: "outputs".into(),
            rel: rel.into(),
            abs: PathBuf::from(rel),
        }
    }

    fn item(id: &str, files: &[&str]) -> Article {
        Article {
            id: id.into(),
            title: format!("Record {id}"),
            summary: String::new(),
            kind: Some("deliverable".into()),
            audience: vec![],
            fair: vec![],
            terms: vec![],
            tags: vec![],
            projects: vec![],
            authors: vec![],
            license: None,
            updated: None,
            related: vec![],
            extra: Default::default(),
            source: SourceRef {
                root: "outputs".into(),
                path: "d/r.json".into(),
                body_line: 1,
            },
            markdown: "Abstract.".into(),
            sections: vec![Section {
                ordinal: 0,
                heading: format!("Record {id}"),
                level: 0,
                heading_path: vec![],
                anchor: String::new(),
                text: "Abstract.".into(),
                line: 1,
                page: None,
                link_texts: vec![],
                code: vec![],
            }],
            record: Some(Box::new(Record {
                format: "zenodo".into(),
                files: files
                    .iter()
                    .map(|f| FileRef {
                        name: (*f).into(),
                        ..FileRef::default()
                    })
                    .collect(),
                ..Record::default()
            })),
        }
    }

    fn pdf_item() -> Article {
        let mut a = item("pdf", &[]);
        a.record = None;
        a.sections = (1..=2)
            .map(|page| Section {
                ordinal: page - 1,
                heading: format!("{page} Chapter"),
                level: 1,
                heading_path: vec![format!("{page} Chapter")],
                anchor: format!("page={page}"),
                text: format!("Text of page {page}."),
                line: page,
                page: Some(page as u32),
                link_texts: vec![],
                code: vec![],
            })
            .collect();
        a
    }

    #[test]
    fn a_pdf_is_claimed_by_the_record_listing_it_then_by_its_stem() {
        let outcomes = vec![
            (
                file("d/notes.md"),
                Outcome::Parsed(vec![item("md", &["D1.pdf"])], String::new()),
            ),
            (
                file("d/zenodo.json"),
                Outcome::Parsed(vec![item("z", &["D1.pdf"])], String::new()),
            ),
            (
                file("d/D2.xml"),
                Outcome::Parsed(vec![item("x", &[])], String::new()),
            ),
            (
                file("e/D3.json"),
                Outcome::Parsed(vec![item("y", &[])], String::new()),
            ),
        ];
        let pdfs = [
            file("d/D1.pdf"),
            file("d/D2.pdf"),
            file("d/D3.pdf"),
            file("e/D3.pdf"),
        ];
        assert_eq!(
            owners(&outcomes, &pdfs),
            vec![Some(1), Some(2), None, Some(3)]
        );
    }

    #[test]
    fn the_pdf_pages_follow_the_record_and_its_file_is_listed() {
        let mut items = vec![item("a", &["other.pdf"]), item("b", &["D1.pdf"])];
        merge(&mut items, &file("d/D1.pdf"), vec![pdf_item()], 1234);
        assert_eq!(items[0].sections.len(), 1);
        let b = &items[1];
        assert_eq!(b.sections.len(), 3);
        assert_eq!(b.sections[2].ordinal, 2);
        assert_eq!(b.sections[2].anchor, "page=2");
        assert_eq!(b.record.as_ref().unwrap().files.len(), 1);
        let mut items = vec![item("c", &[])];
        merge(&mut items, &file("d/c.pdf"), vec![pdf_item()], 1234);
        let files = &items[0].record.as_ref().unwrap().files;
        assert_eq!(files[0].name, "c.pdf");
        assert_eq!(files[0].size, Some(1234));
    }
}
