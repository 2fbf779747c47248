//! Whole articles by id, with their rendered HTML.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use super::{Error, KnowledgeBase};
use crate::index::text::Card;
use crate::ingest::markdown;
use crate::model::Article;

/// An article as the API shows it: metadata, sections, and sanitised HTML.
#[derive(Debug, Serialize)]
pub struct ArticleView {
    #[serde(flatten)]
    pub article: Article,
    pub html: String,
}

/// Whether the generation holds an article with this id (an in-memory lookup).
pub fn article_exists(kb: &KnowledgeBase, id: &str) -> bool {
    kb.articles.contains(id)
}

/// The title of the article with this id, when the generation holds it (an
/// in-memory lookup, unlike [`get_article`]).
pub fn article_title(kb: &KnowledgeBase, id: &str) -> Option<String> {
    kb.articles.card_of(id).map(|card| card.title.clone())
}

/// One page of the articles' cards (id, title, summary, kind), in the
/// generation's article order, and how many articles there are: a listing that
/// reads nothing from disk.
pub fn article_cards(kb: &KnowledgeBase, offset: usize, limit: usize) -> (usize, Vec<Card>) {
    let total = kb.articles.len();
    let end = offset.saturating_add(limit).min(total);
    let cards = (offset.min(end)..end)
        .filter_map(|i| u32::try_from(i).ok())
        .filter_map(|i| kb.articles.card(i).cloned())
        .collect();
    (total, cards)
}

/// Looks an article up by id.
pub fn get_article(kb: &KnowledgeBase, id: &str) -> Result<ArticleView, Error> {
    let f = kb.articles.fields();
    let searcher = kb.articles.searcher();
    let query = TermQuery::new(Term::from_field_text(f.id, id), IndexRecordOption::Basic);
    let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    let (_, address) = found
        .first()
        .ok_or_else(|| Error::NotFound(id.to_string()))?;
    let document: TantivyDocument = searcher.doc(*address)?;
    let article: Article = document
        .get_first(f.json)
        .and_then(|v| v.as_str())
        .and_then(|json| serde_json::from_str(json).ok())
        .ok_or_else(|| {
            tantivy::TantivyError::InternalError(format!("article `{id}` is not readable"))
        })?;
    // A record's text is not Markdown: its sections are shown as they were read.
    let html = if article.record.is_some() {
        markdown::sections_html(&article.sections)
    } else {
        markdown::render_html(&article.markdown)
    };
    Ok(ArticleView { html, article })
}
