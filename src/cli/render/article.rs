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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_show_article() {
        let sample = samples::article_view();
        golden("show_article", |out| article(out, &sample));
    }
}
