//! `eoskb search`: the hits, one block each.

use std::io::{self, Write};

use crate::query::{SearchResponse, Snippet};
use crate::terminal::escape_controls;

/// The page of hits; `offset` numbers them, `color` styles titles and marks
/// with terminal escapes (else marks are `[...]`). Each field is escaped on its
/// own, so that only these styles reach the terminal.
pub fn hits(
    out: &mut impl Write,
    response: &SearchResponse,
    offset: usize,
    color: bool,
) -> io::Result<()> {
    let bold = |s: &str| format!("\x1b[1m{}\x1b[0m", escape_controls(s));
    let (on, off) = if color {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    let marked = |snippet: &Snippet| {
        let mut line = String::with_capacity(snippet.text.len() + 8);
        for (run, highlighted) in snippet.runs() {
            let run = escape_controls(run);
            if highlighted {
                line.push_str(on);
                line.push_str(&run);
                line.push_str(off);
            } else {
                line.push_str(&run);
            }
        }
        line
    };
    writeln!(
        out,
        "{} of {} articles ({}, {} ms)",
        response.hits.len(),
        response.total,
        response.mode.name(),
        response.took_ms
    )?;
    for term in response.terms.iter().filter(|t| t.articles > 0) {
        writeln!(
            out,
            "also searching for {} ({}, matched by \"{}\")",
            escape_controls(&term.label),
            escape_controls(term.curie.as_deref().unwrap_or(&term.iri)),
            escape_controls(&term.matched)
        )?;
    }
    writeln!(out)?;
    for (i, hit) in response.hits.iter().enumerate() {
        let title = if color {
            bold(&hit.title)
        } else {
            escape_controls(&hit.title).into_owned()
        };
        writeln!(
            out,
            "{:>3}. {title}  [{}]",
            offset + i + 1,
            escape_controls(hit.kind.as_deref().unwrap_or("-"))
        )?;
        let anchor = if hit.section.anchor.is_empty() {
            String::new()
        } else {
            format!("#{}", escape_controls(&hit.section.anchor))
        };
        writeln!(
            out,
            "     {}/{}{anchor}  ·  id {}  ·  score {:.2}",
            escape_controls(&hit.source),
            escape_controls(&hit.path),
            escape_controls(&hit.id),
            hit.score
        )?;
        if let Some(doi) = &hit.doi {
            let issued = hit
                .issued
                .as_deref()
                .map(|d| format!("  ·  issued {}", escape_controls(d)));
            writeln!(
                out,
                "     doi {}{}",
                escape_controls(doi),
                issued.unwrap_or_default()
            )?;
        }
        writeln!(out, "     {}", marked(&hit.snippet).replace('\n', " "))?;
        if let Some(term) = &hit.matched_term {
            writeln!(
                out,
                "     about {} <{}>",
                escape_controls(&term.label),
                escape_controls(&term.iri)
            )?;
        }
        if let Some(e) = &hit.explain {
            let show = |r: Option<usize>, s: Option<f32>| match (r, s) {
                (Some(r), Some(s)) => format!("#{r} ({s:.3})"),
                _ => "-".to_string(),
            };
            writeln!(
                out,
                "     keyword {}  semantic {}  fused {}  term bonus {}",
                show(e.keyword_rank, e.keyword_score),
                show(e.semantic_rank, e.semantic_similarity),
                e.fused_score.map_or("-".into(), |f| format!("{f:.4}")),
                e.term_bonus.map_or("-".into(), |b| format!("{b:.4}"))
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_search_hits() {
        let response = samples::search_response();
        golden("search_hits", |out| hits(out, &response, 0, false));
    }

    #[test]
    fn golden_search_hits_in_colour_from_an_offset() {
        let response = samples::search_response();
        golden("search_hits_color", |out| hits(out, &response, 10, true));
    }

    #[test]
    fn golden_search_no_hits() {
        let response = samples::search_response_empty();
        golden("search_no_hits", |out| hits(out, &response, 0, false));
    }
}
