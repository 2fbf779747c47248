//! `eoskb ask`: the quoted passages with their citations, or why there is no
//! answer and where to look.

use std::io::{self, Write};

use crate::query::{Answer, RecognisedTerm};
use crate::server::view::{article_url, section_url};

pub fn answer(out: &mut impl Write, answer: &Answer) -> io::Result<()> {
    if answer.answered {
        for (i, passage) in answer.answer.iter().enumerate() {
            let c = &passage.citation;
            outln!(
                out,
                "{}\n     [{}] {} › {}  ({})\n",
                passage.text,
                i + 1,
                c.title,
                c.section,
                section_url(&c.id, &c.anchor)
            )?;
        }
        outln!(
            out,
            "confidence {:.2} · {} ms",
            answer.confidence,
            answer.took_ms
        )?;
    } else {
        outln!(
            out,
            "No answer: {}.",
            answer
                .reason
                .as_deref()
                .unwrap_or("nothing scored high enough")
        )?;
        if !answer.sources.is_empty() {
            outln!(out, "\nYou may look at:")?;
            for source in &answer.sources {
                outln!(out, "  - {} ({})", source.title, article_url(&source.id))?;
            }
        }
    }
    recognised_terms(out, &answer.terms)
}

/// The ontology terms a question named (their articles ranked higher).
pub fn recognised_terms(out: &mut impl Write, terms: &[RecognisedTerm]) -> io::Result<()> {
    if terms.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = terms
        .iter()
        .map(|t| match &t.curie {
            Some(curie) => format!("{} ({curie})", t.label),
            None => t.label.clone(),
        })
        .collect();
    outln!(out, "terms: {}", named.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::render::{golden, samples};

    #[test]
    fn golden_ask_answered() {
        let sample = samples::answer();
        golden("ask_answered", |out| answer(out, &sample));
    }

    #[test]
    fn golden_ask_not_answered() {
        let sample = samples::no_answer();
        golden("ask_not_answered", |out| answer(out, &sample));
    }
}
