//! What the tools answer: Markdown for the assistant to read, and the same
//! facts as structured JSON, with absolute URLs under the base IRI (an
//! assistant has no page to resolve `/docs/{id}` against).

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::index::text::Card;
use crate::ingest::markdown;
use crate::model::Article;
use crate::query::ontology::lookup::{TermDetails, TermRef};
use crate::query::{Answer, RecognisedTerm, SearchResponse, TermSearchResponse};

/// Names listed per hierarchy direction in a term's text (the JSON has them all).
const LISTED_RELATIVES: usize = 20;
/// Articles listed in a term's text.
const LISTED_ARTICLES: usize = 20;

/// Where pages live: the base IRI the generation was indexed with, which is
/// the server's address when `base_iri` is set to it.
#[derive(Clone)]
pub struct Links {
    base: String,
}

impl Links {
    pub fn new(base_iri: &str) -> Links {
        let mut base = base_iri.to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        Links { base }
    }

    /// The article's page.
    pub fn page(&self, id: &str) -> String {
        format!("{}docs/{}", self.base, crate::config::iri_path(id))
    }

    /// The article's page at a section.
    pub fn section(&self, id: &str, anchor: &str) -> String {
        if anchor.is_empty() {
            self.page(id)
        } else {
            format!("{}#{anchor}", self.page(id))
        }
    }

    /// The article's IRI: its MCP resource URI, which the server also dereferences.
    pub fn article_iri(&self, id: &str) -> String {
        crate::config::article_iri(&self.base, id)
    }

    /// The id of the article an IRI names, when it is one minted under the base.
    pub fn article_id(&self, iri: &str) -> Option<String> {
        let rest = iri.strip_prefix(&self.base)?.strip_prefix("article/")?;
        super::super::linked_data::decode_path(rest)
            .ok()
            .filter(|id| !id.is_empty())
    }

    pub fn base(&self) -> &str {
        &self.base
    }
}

/// Text and structured content of a tool's answer.
pub struct Output {
    pub text: String,
    pub structured: Option<Value>,
}

fn structured<T: Serialize>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}

#[derive(Serialize)]
struct HitJson<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    kind: &'a Option<String>,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    doi: &'a Option<String>,
    score: f32,
    section: &'a str,
    snippet: &'a str,
}

#[derive(Serialize)]
struct SearchJson<'a> {
    total: usize,
    mode: &'static str,
    hits: Vec<HitJson<'a>>,
    terms: &'a [RecognisedTerm],
}

pub fn search(response: &SearchResponse, offset: usize, links: &Links) -> Output {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} of {} articles ({} search)",
        response.hits.len(),
        response.total,
        response.mode.name()
    );
    for (i, hit) in response.hits.iter().enumerate() {
        let _ = writeln!(
            text,
            "\n{}. **{}** (id `{}`{})\n   {}",
            offset + i + 1,
            hit.title,
            hit.id,
            hit.kind
                .as_deref()
                .map(|k| format!(", {k}"))
                .unwrap_or_default(),
            links.section(&hit.id, &hit.section.anchor)
        );
        if !hit.summary.is_empty() {
            let _ = writeln!(text, "   {}", hit.summary);
        }
        if !hit.snippet.text.is_empty() {
            let _ = writeln!(text, "   > {}", hit.snippet.text.replace('\n', " "));
        }
    }
    terms_line(&mut text, &response.terms);
    let json = SearchJson {
        total: response.total,
        mode: response.mode.name(),
        hits: response
            .hits
            .iter()
            .map(|hit| HitJson {
                id: &hit.id,
                title: &hit.title,
                url: links.section(&hit.id, &hit.section.anchor),
                kind: &hit.kind,
                summary: &hit.summary,
                doi: &hit.doi,
                score: hit.score,
                section: &hit.section.heading,
                snippet: &hit.snippet.text,
            })
            .collect(),
        terms: &response.terms,
    };
    Output {
        text,
        structured: structured(&json),
    }
}

fn terms_line(text: &mut String, terms: &[RecognisedTerm]) {
    if terms.is_empty() {
        return;
    }
    let named: Vec<String> = terms
        .iter()
        .map(|t| match &t.curie {
            Some(curie) => format!("{} ({curie})", t.label),
            None => format!("{} <{}>", t.label, t.iri),
        })
        .collect();
    let _ = writeln!(text, "\nOntology terms named: {}", named.join(", "));
}

#[derive(Serialize)]
struct CitationJson<'a> {
    id: &'a str,
    title: &'a str,
    section: &'a str,
    url: String,
}

#[derive(Serialize)]
struct PassageJson<'a> {
    text: &'a str,
    score: f32,
    citation: CitationJson<'a>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    summary: &'a str,
}

#[derive(Serialize)]
struct AnswerJson<'a> {
    question: &'a str,
    answered: bool,
    confidence: f32,
    answer: Vec<PassageJson<'a>>,
    sources: Vec<SourceJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: &'a Option<String>,
    terms: &'a [RecognisedTerm],
}

pub fn answer(answer: &Answer, links: &Links) -> Output {
    let mut text = String::new();
    if answer.answered {
        let _ = writeln!(
            text,
            "Answer (confidence {:.2}), quoted from the knowledge base:",
            answer.confidence
        );
        for (i, passage) in answer.answer.iter().enumerate() {
            let c = &passage.citation;
            let _ = writeln!(
                text,
                "\n> {}\n\n[{}] {} › {} (id `{}`): {}",
                passage.text.replace('\n', "\n> "),
                i + 1,
                c.title,
                c.section,
                c.id,
                links.section(&c.id, &c.anchor)
            );
        }
    } else {
        let _ = writeln!(
            text,
            "No answer: {}.",
            answer
                .reason
                .as_deref()
                .unwrap_or("nothing in the knowledge base scored high enough")
        );
        if !answer.sources.is_empty() {
            let _ = writeln!(text, "\nThe nearest pages:");
            for s in &answer.sources {
                let _ = writeln!(text, "- {} (id `{}`): {}", s.title, s.id, links.page(&s.id));
            }
        }
    }
    terms_line(&mut text, &answer.terms);
    let json = AnswerJson {
        question: &answer.question,
        answered: answer.answered,
        confidence: answer.confidence,
        answer: answer
            .answer
            .iter()
            .map(|p| PassageJson {
                text: &p.text,
                score: p.score,
                citation: CitationJson {
                    id: &p.citation.id,
                    title: &p.citation.title,
                    section: &p.citation.section,
                    url: links.section(&p.citation.id, &p.citation.anchor),
                },
            })
            .collect(),
        sources: answer
            .sources
            .iter()
            .map(|s| SourceJson {
                id: &s.id,
                title: &s.title,
                url: links.page(&s.id),
                summary: &s.summary,
            })
            .collect(),
        reason: &answer.reason,
        terms: &answer.terms,
    };
    Output {
        text,
        structured: structured(&json),
    }
}

pub fn term_hits(response: &TermSearchResponse) -> Output {
    let mut text = format!("{} of {} terms\n", response.hits.len(), response.total);
    for hit in &response.hits {
        let _ = writeln!(
            text,
            "\n- **{}** {} <{}>{}\n  ontology: {}; matched {} `{}`",
            hit.label.as_deref().unwrap_or("(no label)"),
            hit.curie.as_deref().unwrap_or(""),
            hit.iri,
            if hit.deprecated { " (deprecated)" } else { "" },
            hit.ontology,
            hit.matched.field,
            hit.matched.value
        );
        if let Some(definition) = &hit.definition {
            let _ = writeln!(text, "  definition: {definition}");
        }
    }
    Output {
        text,
        structured: structured(response),
    }
}

pub fn term(details: &TermDetails, links: &Links) -> Output {
    let t = &details.term;
    let mut text = format!(
        "**{}** {} <{}>{}\nontology: {}\n",
        t.label.as_deref().unwrap_or("(no label)"),
        t.curie.as_deref().unwrap_or(""),
        t.iri,
        if t.deprecated { " (deprecated)" } else { "" },
        t.ontology
    );
    for d in &t.definitions {
        let _ = writeln!(text, "definition: {}", d.value);
    }
    for s in &t.synonyms {
        let _ = writeln!(text, "synonym ({}): {}", s.kind, s.value);
    }
    for r in &t.replaced_by {
        let _ = writeln!(text, "replaced by: {r}");
    }
    relatives(
        &mut text,
        "parents",
        &details.parents,
        details.parents.len(),
    );
    for (name, list) in [
        ("children", &details.children),
        ("ancestors", &details.ancestors),
        ("descendants", &details.descendants),
    ] {
        relatives(&mut text, name, &list.items, list.total);
    }
    for m in &t.mappings {
        let _ = writeln!(text, "{}: {}", m.relation, m.target);
    }
    if !details.articles.is_empty() {
        let _ = writeln!(
            text,
            "articles annotated with it or a narrower term ({}):",
            details.articles.len()
        );
        for a in details.articles.iter().take(LISTED_ARTICLES) {
            let _ = writeln!(
                text,
                "- {} (id `{}`): {}",
                a.title.as_deref().unwrap_or(""),
                a.id,
                links.page(&a.id)
            );
        }
    }
    Output {
        text,
        structured: structured(details),
    }
}

fn relatives(text: &mut String, name: &str, list: &[TermRef], total: usize) {
    if total == 0 {
        return;
    }
    let names: Vec<String> = list
        .iter()
        .take(LISTED_RELATIVES)
        .map(|r| {
            let label = r.label.as_deref().unwrap_or("(no label)");
            format!("{label} ({})", r.curie.as_deref().unwrap_or(&r.iri))
        })
        .collect();
    let more = total.saturating_sub(names.len());
    let _ = writeln!(
        text,
        "{name} ({total}): {}{}",
        names.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    );
}

/// An article as Markdown: title, its metadata as a list, then its body (a
/// record's or PDF's sections written as Markdown).
pub fn article_markdown(article: &Article, links: &Links) -> String {
    let mut text = format!("# {}\n\n", article.title);
    if !article.summary.is_empty() {
        let _ = writeln!(text, "{}\n", article.summary);
    }
    let _ = writeln!(text, "- id: `{}`", article.id);
    let _ = writeln!(text, "- page: {}", links.page(&article.id));
    let _ = writeln!(text, "- IRI: {}", links.article_iri(&article.id));
    if let Some(kind) = &article.kind {
        let _ = writeln!(text, "- kind: {kind}");
    }
    let list = |values: &[String]| values.join(", ");
    if !article.authors.is_empty() {
        let names: Vec<&str> = article.authors.iter().map(|a| a.name.as_str()).collect();
        let _ = writeln!(text, "- authors: {}", names.join(", "));
    }
    if let Some(doi) = article.record.as_ref().and_then(|r| r.doi.as_deref()) {
        let _ = writeln!(text, "- DOI: https://doi.org/{doi}");
    }
    if let Some(updated) = &article.updated {
        let _ = writeln!(text, "- updated: {updated}");
    }
    if let Some(license) = &article.license {
        let _ = writeln!(text, "- licence: {license}");
    }
    for (name, values) in [
        ("ontology terms", &article.terms),
        ("tags", &article.tags),
        ("projects", &article.projects),
        ("audience", &article.audience),
        ("FAIR", &article.fair),
    ] {
        if !values.is_empty() {
            let _ = writeln!(text, "- {name}: {}", list(values));
        }
    }
    text.push('\n');
    let body = if article.markdown.trim().is_empty() {
        markdown::from_sections(&article.sections, "")
    } else {
        article.markdown.clone()
    };
    text.push_str(body.trim());
    text.push('\n');
    text
}

/// One article as the listing of resources describes it.
pub struct ArticleEntry {
    pub uri: String,
    pub id: String,
    pub title: String,
    pub summary: String,
}

pub fn article_entry(card: &Card, links: &Links) -> ArticleEntry {
    ArticleEntry {
        uri: links.article_iri(&card.id),
        id: card.id.clone(),
        title: card.title.clone(),
        summary: card.summary.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_iris_round_trip_to_ids() {
        let links = Links::new("https://kb.example.org");
        let iri = links.article_iri("fair/data plan");
        assert_eq!(iri, "https://kb.example.org/article/fair/data%20plan");
        assert_eq!(links.article_id(&iri).as_deref(), Some("fair/data plan"));
        assert_eq!(links.article_id("https://kb.example.org/article/"), None);
        assert_eq!(links.article_id("https://other.org/article/x"), None);
        assert_eq!(links.article_id("https://kb.example.org/article/%zz"), None);
        assert_eq!(
            links.section("a b", "why"),
            "https://kb.example.org/docs/a%20b#why"
        );
    }
}
