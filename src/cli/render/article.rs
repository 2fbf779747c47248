//! `eoskb show`: one article as text, section by section.

use std::io::{self, Write};

use crate::query::ArticleView;

pub fn article(out: &mut impl Write, view: &ArticleView) -> io::Result<()> {
    let a = &view.article;
    outln!(
        out,
        "{}\n{}\n",
        a.title,
        "=".repeat(a.title.chars().count())
    )?;
    if !a.summary.is_empty() {
        outln!(out, "{}\n", a.summary)?;
    }
    outln!(out, "source: {}/{}", a.source.root, a.source.path)?;
    if let Some(record) = &a.record {
        record_lines(out, record)?;
    }
    for section in &a.sections {
        outln!(
            out,
            "\n## {}  (#{})\n{}",
            section.heading,
            section.anchor,
            section.text
        )?;
    }
    Ok(())
}

/// What a research-output record adds: DOI, creators, dates, licence, versions.
fn record_lines(out: &mut impl Write, record: &crate::model::Record) -> io::Result<()> {
    if let Some(doi) = &record.doi {
        outln!(out, "doi: {doi}  ({})", crate::model::doi_iri(doi))?;
    }
    if !record.creators.is_empty() {
        let names: Vec<String> = record
            .creators
            .iter()
            .map(|c| match &c.orcid {
                Some(orcid) => format!("{} (orcid {orcid})", c.name),
                None => c.name.clone(),
            })
            .collect();
        outln!(out, "creators: {}", names.join("; "))?;
    }
    let fields = [
        ("issued", record.issued.as_deref()),
        ("version", record.version.as_deref()),
        ("publisher", record.publisher.as_deref()),
        ("type", record.resource_type.as_deref()),
        (
            "licence",
            record
                .license
                .as_ref()
                .and_then(|l| l.spdx.as_deref().or(l.name.as_deref())),
        ),
    ];
    for (label, value) in fields {
        if let Some(value) = value {
            outln!(out, "{label}: {value}")?;
        }
    }
    for version in &record.versions {
        let label = version.version.as_deref().unwrap_or("other version");
        outln!(out, "version {label}: doi {}", version.doi)?;
    }
    for file in &record.files {
        outln!(out, "file: {}", file.name)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_show_article() {
        let sample = samples::article_view();
        golden("show_article", |out| article(out, &sample));
    }

    #[test]
    fn golden_show_record() {
        let sample = samples::record_view();
        golden("show_record", |out| article(out, &sample));
    }
}
