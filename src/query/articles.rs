//! The article side of one generation: the article and section indexes, the
//! dense article order every per-article table shares, and the query parsers,
//! built once at open rather than per query.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use tantivy::collector::DocSetCollector;
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument};

use super::Error;
use super::article_table::ArticleTable;
use super::keyword::Parsers;
use super::section_texts::{SectionText, SectionTexts};
use crate::index::text::{ArticleFields, Card, SectionFields, TextIndex};

pub(crate) struct Articles {
    text: TextIndex,
    articles: IndexReader,
    sections: IndexReader,
    /// The document of each article, in dense order (sorted by address).
    docs: Vec<DocAddress>,
    /// Dense index by article id.
    by_id: HashMap<String, u32>,
    /// Cards, facet values and section owners, in dense order.
    table: Arc<ArticleTable>,
    /// Every value each facet takes, to tell a typo from an empty result.
    facet_values: BTreeMap<&'static str, BTreeSet<String>>,
    parsers: Parsers,
    /// Section texts read so far, for snippets.
    section_texts: SectionTexts,
}

impl Articles {
    /// Opens `generation/text` and reads the dense order and the article table.
    pub(crate) fn open(generation: &Path) -> Result<Articles, Error> {
        let text = TextIndex::open(&generation.join("text"))?;
        let articles = manual_reader(&text.articles)?;
        let sections = manual_reader(&text.sections)?;
        let searcher = articles.searcher();
        let mut docs: Vec<DocAddress> = searcher
            .search(&AllQuery, &DocSetCollector)?
            .into_iter()
            .collect();
        docs.sort();
        let mut by_id = HashMap::with_capacity(docs.len());
        for (i, doc) in docs.iter().enumerate() {
            let document: TantivyDocument = searcher.doc(*doc)?;
            let id = document
                .get_first(text.article_fields.id)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            by_id.insert(id.to_string(), i as u32);
        }
        let table = ArticleTable::build(
            &searcher,
            &sections.searcher(),
            &text.article_fields,
            &text.section_fields,
            &docs,
            &by_id,
        )?;
        let facet_values = table
            .all_values()
            .map(|(name, values)| (name, values.iter().map(|v| v.to_string()).collect()))
            .collect();
        let parsers = Parsers::new(&text);
        Ok(Articles {
            text,
            articles,
            sections,
            docs,
            by_id,
            table: Arc::new(table),
            facet_values,
            parsers,
            section_texts: SectionTexts::default(),
        })
    }

    pub(crate) fn fields(&self) -> ArticleFields {
        self.text.article_fields
    }

    pub(crate) fn section_fields(&self) -> SectionFields {
        self.text.section_fields
    }

    pub(crate) fn searcher(&self) -> Searcher {
        self.articles.searcher()
    }

    pub(crate) fn section_searcher(&self) -> Searcher {
        self.sections.searcher()
    }

    /// The stored text of the section at `address` (in the section index).
    pub(crate) fn section_text(&self, address: DocAddress) -> Result<Arc<SectionText>, Error> {
        self.section_texts.get(
            &self.sections.searcher(),
            &self.text.section_fields,
            address,
        )
    }

    /// The keyword query parsers for this generation's indexes.
    pub(crate) fn parsers(&self) -> &Parsers {
        &self.parsers
    }

    pub(crate) fn len(&self) -> usize {
        self.docs.len()
    }

    /// The document of the article with dense index `article`.
    pub(crate) fn doc(&self, article: u32) -> Option<DocAddress> {
        self.docs.get(article as usize).copied()
    }

    /// The dense index of the article stored at `doc`.
    pub(crate) fn at(&self, doc: DocAddress) -> Option<u32> {
        self.table.article_at(doc)
    }

    pub(crate) fn card(&self, article: u32) -> Option<&Card> {
        self.table.card(article)
    }

    /// The id of the article stored at `doc`.
    pub(crate) fn id_at(&self, doc: DocAddress) -> Option<&str> {
        self.at(doc)
            .and_then(|a| self.card(a))
            .map(|c| c.id.as_str())
    }

    /// The dense index of the article with this id.
    pub(crate) fn index_of(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// The card of the article with this id (an in-memory lookup).
    pub(crate) fn card_of(&self, id: &str) -> Option<&Card> {
        self.by_id.get(id).and_then(|&article| self.card(article))
    }

    pub(crate) fn table(&self) -> &Arc<ArticleTable> {
        &self.table
    }

    /// Every value `facet` takes in this generation.
    pub(crate) fn facet_values(&self, facet: &str) -> Option<&BTreeSet<String>> {
        self.facet_values.get(facet)
    }
}

/// A reader that sees the generation as it was written: nothing reloads it.
pub(crate) fn manual_reader(index: &Index) -> tantivy::Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
}
