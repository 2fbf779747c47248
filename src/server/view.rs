//! The JSON the API answers with: the query layer's values plus what only a
//! web face knows, the URL of each page (`/docs/{id}`) and snippets as HTML.
//!
//! The views borrow the query values and add those fields, in the order the API
//! has always written them. `eoskb search --json` and `eoskb ask --json` print
//! the same views, so the CLI and the API cannot drift apart.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Article;
use crate::query::{
    Answer, ArticleView, Explain, FacetCounts, FacetLabels, Hit, MatchedTerm, Mode, RecognisedTerm,
    SearchResponse, SectionRef, Snippet,
};

/// Where a person reads an article.
pub fn article_url(id: &str) -> String {
    format!("/docs/{id}")
}

/// Where a person reads a section of an article (`anchor` may be empty).
pub fn section_url(id: &str, anchor: &str) -> String {
    if anchor.is_empty() {
        article_url(id)
    } else {
        format!("/docs/{id}#{anchor}")
    }
}

/// Text escaped for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
    let mut plain = 0;
    // The characters to escape are ASCII: copy the runs between them whole.
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
}

/// A snippet as HTML: escaped, its matching words in `<mark>`.
pub fn snippet_html(snippet: &Snippet) -> String {
    let mut html = String::with_capacity(snippet.text.len() + 16 * snippet.highlights.len());
    for (run, marked) in snippet.runs() {
        if marked {
            html.push_str("<mark>");
            push_escaped(&mut html, run);
            html.push_str("</mark>");
        } else {
            push_escaped(&mut html, run);
        }
    }
    html
}

/// A page of search results as the API writes it.
#[derive(Serialize)]
pub struct SearchView<'a> {
    total: usize,
    took_ms: f64,
    hits: Vec<HitView<'a>>,
    mode: Mode,
    facets: &'a FacetCounts,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    facet_sizes: &'a BTreeMap<String, usize>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    facet_labels: &'a FacetLabels,
    #[serde(skip_serializing_if = "Option::is_none")]
    best_similarity: Option<f32>,
    question: bool,
    terms: &'a [RecognisedTerm],
}

impl<'a> SearchView<'a> {
    pub fn new(response: &'a SearchResponse) -> Self {
        SearchView {
            total: response.total,
            took_ms: response.took_ms,
            hits: response.hits.iter().map(HitView::new).collect(),
            mode: response.mode,
            facets: &response.facets,
            facet_sizes: &response.facet_sizes,
            facet_labels: &response.facet_labels,
            best_similarity: response.best_similarity,
            question: response.question,
            terms: &response.terms,
        }
    }
}

#[derive(Serialize)]
struct HitView<'a> {
    id: &'a str,
    title: &'a str,
    path: &'a str,
    source: &'a str,
    url: String,
    kind: &'a Option<String>,
    summary: &'a str,
    score: f32,
    /// HTML-escaped, matches wrapped in `<mark>`.
    snippet: String,
    section: &'a SectionRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    matched_term: &'a Option<MatchedTerm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: &'a Option<Explain>,
}

impl<'a> HitView<'a> {
    fn new(hit: &'a Hit) -> Self {
        HitView {
            id: &hit.id,
            title: &hit.title,
            path: &hit.path,
            source: &hit.source,
            url: article_url(&hit.id),
            kind: &hit.kind,
            summary: &hit.summary,
            score: hit.score,
            snippet: snippet_html(&hit.snippet),
            section: &hit.section,
            matched_term: &hit.matched_term,
            explain: &hit.explain,
        }
    }
}

/// An answer as the API writes it: each citation and source with its URL.
#[derive(Serialize)]
pub struct AnswerView<'a> {
    question: &'a str,
    answered: bool,
    confidence: f32,
    answer: Vec<PassageView<'a>>,
    sources: Vec<SourceView<'a>>,
    terms: &'a [RecognisedTerm],
    #[serde(skip_serializing_if = "Option::is_none")]
    best_similarity: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: &'a Option<String>,
    took_ms: f64,
}

impl<'a> AnswerView<'a> {
    pub fn new(answer: &'a Answer) -> Self {
        AnswerView {
            question: &answer.question,
            answered: answer.answered,
            confidence: answer.confidence,
            answer: answer
                .answer
                .iter()
                .map(|p| PassageView {
                    text: &p.text,
                    score: p.score,
                    citation: CitationView {
                        id: &p.citation.id,
                        title: &p.citation.title,
                        path: &p.citation.path,
                        section: &p.citation.section,
                        anchor: &p.citation.anchor,
                        url: section_url(&p.citation.id, &p.citation.anchor),
                    },
                })
                .collect(),
            sources: answer
                .sources
                .iter()
                .map(|s| SourceView {
                    id: &s.id,
                    title: &s.title,
                    path: &s.path,
                    url: article_url(&s.id),
                    summary: &s.summary,
                })
                .collect(),
            terms: &answer.terms,
            best_similarity: answer.best_similarity,
            reason: &answer.reason,
            took_ms: answer.took_ms,
        }
    }
}

#[derive(Serialize)]
struct PassageView<'a> {
    text: &'a str,
    score: f32,
    citation: CitationView<'a>,
}

#[derive(Serialize)]
struct CitationView<'a> {
    id: &'a str,
    title: &'a str,
    path: &'a str,
    section: &'a str,
    anchor: &'a str,
    /// The page, at the section's anchor.
    url: String,
}

#[derive(Serialize)]
struct SourceView<'a> {
    id: &'a str,
    title: &'a str,
    path: &'a str,
    url: String,
    summary: &'a str,
}

/// A whole article as the API writes it: its fields, its URL, its HTML.
#[derive(Serialize)]
pub struct DocView<'a> {
    #[serde(flatten)]
    article: &'a Article,
    url: String,
    html: &'a str,
}

impl<'a> DocView<'a> {
    pub fn new(view: &'a ArticleView) -> Self {
        DocView {
            article: &view.article,
            url: article_url(&view.article.id),
            html: &view.html,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_escapes_markup_and_keeps_the_rest() {
        assert_eq!(
            escape_html("a<b>&\"c\" d'é'"),
            "a&lt;b&gt;&amp;&quot;c&quot; d&#39;é&#39;"
        );
        assert_eq!(escape_html("Ångström"), "Ångström");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn snippets_mark_their_ranges_and_escape_the_text() {
        let snippet = Snippet {
            text: "cite <data> & data".into(),
            highlights: vec![5..11, 14..18],
        };
        assert_eq!(
            snippet_html(&snippet),
            "cite <mark>&lt;data&gt;</mark> &amp; <mark>data</mark>"
        );
        assert_eq!(snippet_html(&Snippet::plain("a<b")), "a&lt;b");
    }

    #[test]
    fn snippets_survive_ranges_a_renderer_did_not_expect() {
        // Inside a character, reversed, overlapping and past the end.
        #[allow(clippy::reversed_empty_ranges)]
        let highlights = vec![1..2, 3..1, 11..15, 12..14, 11..99];
        let snippet = Snippet {
            text: "Ångström data".into(),
            highlights,
        };
        assert_eq!(snippet_html(&snippet), "Ångström <mark>data</mark>");
    }

    #[test]
    fn urls_point_at_pages_and_sections() {
        assert_eq!(article_url("cite-data"), "/docs/cite-data");
        assert_eq!(section_url("cite-data", ""), "/docs/cite-data");
        assert_eq!(section_url("cite-data", "doi"), "/docs/cite-data#doi");
    }
}
