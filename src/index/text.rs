//! The full-text indexes (tantivy): one document per article for ranking and
//! facets, one per section for picking the best passage and its snippet.

use std::path::Path;
use std::sync::LazyLock;

use tantivy::schema::{
    FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, TextAnalyzerBuilder, Tokenizer,
};
use tantivy::{Index, IndexWriter, TantivyDocument, Term, doc};

use crate::model::{Article, FACETS, Facet};

/// Name of the English analyser: stemming, stop words, accents folded.
pub const ANALYZER: &str = "eoskb_en";

/// Memory for one index writer; tantivy needs at least 15 MB per thread.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// The analyser's stop words: Lucene's English list, which tantivy's
/// `StopWordFilter::new(Language::English)` also uses (a test checks they agree).
pub const ENGLISH_STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// Words this long (in bytes) or longer are dropped: they are hashes, base64 or
/// run-together identifiers, not words anyone searches for.
pub const MAX_WORD_BYTES: usize = 40;

/// Built once: every analyser shares its word set.
static STOP_WORDS: LazyLock<StopWordFilter> =
    LazyLock::new(|| StopWordFilter::remove(ENGLISH_STOP_WORDS.map(String::from)));

/// The English analyser used by every searchable text field. Stop words go before
/// stemming so that a stop word's stem never removes a content word.
pub fn analyzer() -> TextAnalyzer {
    folded_words()
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Words, lower-cased and folded to ASCII, without stop words: the analyser up to
/// stemming.
pub fn folded_words() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(STOP_WORDS.clone())
}

fn text_field(stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// Fields of the article index.
#[derive(Clone, Copy)]
pub struct ArticleFields {
    pub id: Field,
    pub file_key: Field,
    pub title: Field,
    pub summary: Field,
    pub headings: Field,
    pub body: Field,
    /// Title, summary, headings and body as one text: BM25 over one bag of words
    /// ranks better than a sum of per-field scores (measured on BEIR SciFact).
    pub all: Field,
    /// The whole article as JSON, for `/api/docs`.
    pub json: Field,
    /// The few fields a search hit shows, as JSON (cheaper than the whole article).
    pub card: Field,
    facets: [Field; FACETS.len()],
}

impl ArticleFields {
    pub fn facet(&self, facet: Facet) -> Field {
        let i = FACETS.iter().position(|f| *f == facet).unwrap_or(0);
        self.facets[i]
    }

    fn schema() -> (Schema, ArticleFields) {
        let mut s = Schema::builder();
        let id = s.add_text_field("id", STRING | STORED);
        let file_key = s.add_text_field("file_key", STRING);
        let title = s.add_text_field("title", text_field(true));
        let summary = s.add_text_field("summary", text_field(false));
        let headings = s.add_text_field("headings", text_field(false));
        let body = s.add_text_field("body", text_field(false));
        let all = s.add_text_field("all", text_field(false));
        let json = s.add_text_field("json", STORED);
        let card = s.add_text_field("card", STORED);
        let facets = FACETS.map(|f| s.add_facet_field(f.name(), FacetOptions::default()));
        let fields = ArticleFields {
            id,
            file_key,
            title,
            summary,
            headings,
            body,
            all,
            json,
            card,
            facets,
        };
        (s.build(), fields)
    }

    fn resolve(schema: &Schema) -> tantivy::Result<ArticleFields> {
        let facets: Vec<Field> = FACETS
            .iter()
            .map(|f| schema.get_field(f.name()))
            .collect::<Result<_, _>>()?;
        Ok(ArticleFields {
            id: schema.get_field("id")?,
            file_key: schema.get_field("file_key")?,
            title: schema.get_field("title")?,
            summary: schema.get_field("summary")?,
            headings: schema.get_field("headings")?,
            body: schema.get_field("body")?,
            all: schema.get_field("all")?,
            json: schema.get_field("json")?,
            card: schema.get_field("card")?,
            facets: facets
                .try_into()
                .map_err(|_| tantivy::TantivyError::SchemaError("facet fields".into()))?,
        })
    }
}

/// Fields of the section index.
#[derive(Clone, Copy)]
pub struct SectionFields {
    pub article_id: Field,
    pub file_key: Field,
    pub ordinal: Field,
    pub title: Field,
    pub heading: Field,
    pub body: Field,
    pub anchor: Field,
}

impl SectionFields {
    fn schema() -> (Schema, SectionFields) {
        let mut s = Schema::builder();
        let fields = SectionFields {
            article_id: s.add_text_field("article_id", STRING | STORED),
            file_key: s.add_text_field("file_key", STRING),
            ordinal: s.add_u64_field("ordinal", INDEXED | STORED),
            title: s.add_text_field("title", text_field(false)),
            heading: s.add_text_field("heading", text_field(true)),
            body: s.add_text_field("body", text_field(true)),
            anchor: s.add_text_field("anchor", STORED),
        };
        (s.build(), fields)
    }

    fn resolve(schema: &Schema) -> tantivy::Result<SectionFields> {
        Ok(SectionFields {
            article_id: schema.get_field("article_id")?,
            file_key: schema.get_field("file_key")?,
            ordinal: schema.get_field("ordinal")?,
            title: schema.get_field("title")?,
            heading: schema.get_field("heading")?,
            body: schema.get_field("body")?,
            anchor: schema.get_field("anchor")?,
        })
    }
}

/// An opened pair of article and section indexes.
pub struct TextIndex {
    pub articles: Index,
    pub sections: Index,
    pub article_fields: ArticleFields,
    pub section_fields: SectionFields,
}

impl TextIndex {
    /// Creates empty indexes under `dir` (`dir/articles`, `dir/sections`).
    pub fn create(dir: &Path) -> tantivy::Result<TextIndex> {
        let (article_schema, article_fields) = ArticleFields::schema();
        let (section_schema, section_fields) = SectionFields::schema();
        let articles = create_in(&dir.join("articles"), article_schema)?;
        let sections = create_in(&dir.join("sections"), section_schema)?;
        Ok(TextIndex {
            articles,
            sections,
            article_fields,
            section_fields,
        })
    }

    /// Opens existing indexes, registering the analyser (tantivy does not persist it).
    pub fn open(dir: &Path) -> tantivy::Result<TextIndex> {
        let articles = Index::open_in_dir(dir.join("articles"))?;
        let sections = Index::open_in_dir(dir.join("sections"))?;
        for index in [&articles, &sections] {
            index.tokenizers().register(ANALYZER, analyzer());
        }
        let article_fields = ArticleFields::resolve(&articles.schema())?;
        let section_fields = SectionFields::resolve(&sections.schema())?;
        Ok(TextIndex {
            articles,
            sections,
            article_fields,
            section_fields,
        })
    }

    /// Starts a batch of changes.
    pub fn writer(&self) -> tantivy::Result<TextWriter<'_>> {
        Ok(TextWriter {
            index: self,
            articles: self.articles.writer(WRITER_HEAP_BYTES)?,
            sections: self.sections.writer(WRITER_HEAP_BYTES)?,
        })
    }
}

fn create_in(dir: &Path, schema: Schema) -> tantivy::Result<Index> {
    std::fs::create_dir_all(dir)?;
    let index = Index::create_in_dir(dir, schema)?;
    index.tokenizers().register(ANALYZER, analyzer());
    Ok(index)
}

/// A section's text as search sees it: the prose and any code kept apart from it
/// (a notebook's code cells are found, though never quoted as answers).
fn searchable_text(section: &crate::model::Section) -> String {
    if section.code.is_empty() {
        return section.text.clone();
    }
    let mut text = section.text.clone();
    for code in &section.code {
        text.push('\n');
        text.push_str(code);
    }
    text
}

/// What a record says that people search for but no section holds: the DOI
/// (its concept's and its other versions' too, and their titles where they
/// differ: one item stands for all versions), creators, publisher, keywords,
/// projects and grants, communities.
fn record_text(article: &Article) -> String {
    let Some(record) = &article.record else {
        return String::new();
    };
    let mut words: Vec<&str> = Vec::new();
    words.extend(record.doi.as_deref());
    words.extend(
        record
            .concept_doi
            .as_deref()
            .filter(|c| record.doi.as_deref() != Some(*c)),
    );
    for version in &record.versions {
        words.push(&version.doi);
        words.extend(version.title.as_deref());
    }
    words.extend(record.creators.iter().map(|c| c.name.as_str()));
    words.extend(record.publisher.as_deref());
    words.extend(record.keywords.iter().map(String::as_str));
    for funding in &record.funding {
        words.extend(funding.award_title.as_deref());
        words.extend(funding.award_number.as_deref());
        words.extend(funding.funder.as_deref());
    }
    words.extend(record.communities.iter().map(String::as_str));
    words.join("\n")
}

/// Adds and removes articles; nothing is visible until [`TextWriter::commit`].
pub struct TextWriter<'a> {
    index: &'a TextIndex,
    articles: IndexWriter,
    sections: IndexWriter,
}

impl TextWriter<'_> {
    /// Removes everything that came from one source file.
    pub fn delete_file(&mut self, file_key: &str) {
        let a = self.index.article_fields.file_key;
        let s = self.index.section_fields.file_key;
        self.articles
            .delete_term(Term::from_field_text(a, file_key));
        self.sections
            .delete_term(Term::from_field_text(s, file_key));
    }

    /// Adds an article and its sections.
    pub fn add(&mut self, article: &Article) -> tantivy::Result<()> {
        let f = self.index.article_fields;
        let key = article.source.key();
        let json = to_json(article)?;
        let card = to_json(&Card::of(article))?;
        let headings: Vec<&str> = article
            .sections
            .iter()
            .filter(|s| s.level > 0)
            .map(|s| s.heading.as_str())
            .collect();
        let body: Vec<String> = article.sections.iter().map(searchable_text).collect();
        let all = [
            article.title.as_str(),
            &article.summary,
            &headings.join("\n"),
            &body.join("\n"),
            &record_text(article),
        ]
        .join("\n");
        let mut document = doc!(
            f.id => article.id.as_str(),
            f.file_key => key.as_str(),
            f.title => article.title.as_str(),
            f.summary => article.summary.as_str(),
            f.headings => headings.join("\n"),
            f.body => body.join("\n"),
            f.all => all,
            f.json => json,
            f.card => card,
        );
        for facet in FACETS {
            for value in facet.values(article) {
                document.add_facet(f.facet(facet), tantivy::schema::Facet::from_path([value]));
            }
        }
        self.articles.add_document(document)?;

        let s = self.index.section_fields;
        for section in &article.sections {
            let mut document = TantivyDocument::default();
            document.add_text(s.article_id, &article.id);
            document.add_text(s.file_key, &key);
            document.add_u64(s.ordinal, section.ordinal as u64);
            document.add_text(s.title, &article.title);
            document.add_text(s.heading, &section.heading);
            document.add_text(s.body, searchable_text(section));
            document.add_text(s.anchor, &section.anchor);
            self.sections.add_document(document)?;
        }
        Ok(())
    }

    /// Makes the batch durable, then waits for merges so the files on disk are final.
    pub fn commit(mut self) -> tantivy::Result<()> {
        self.articles.commit()?;
        self.sections.commit()?;
        self.articles.wait_merging_threads()?;
        self.sections.wait_merging_threads()?;
        Ok(())
    }
}

/// What a search hit shows of an article; stored apart from the full article so
/// ranking a page of hits does not decode whole documents.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Card {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub kind: Option<String>,
    pub root: String,
    pub path: String,
    /// A record's DOI, shown with the hit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// A record's issue date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<String>,
}

impl Card {
    pub fn of(article: &Article) -> Card {
        Card {
            id: article.id.clone(),
            title: article.title.clone(),
            summary: article.summary.clone(),
            kind: article.kind.clone(),
            root: article.source.root.clone(),
            path: article.source.path.clone(),
            doi: article.record.as_ref().and_then(|r| r.doi.clone()),
            issued: article.record.as_ref().and_then(|r| r.issued.clone()),
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> tantivy::Result<String> {
    serde_json::to_string(value).map_err(|e| tantivy::TantivyError::InvalidArgument(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push(t.text.clone()));
        out
    }

    /// Our copy of the stop words drops exactly what tantivy's English filter
    /// drops, on every word of the bundled content: indexes built with either
    /// answer the same.
    #[test]
    fn the_stop_words_are_tantivys_english_list() {
        let tantivy_list = StopWordFilter::new(Language::English).expect("English stop words");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut text = ENGLISH_STOP_WORDS.join(" ");
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.expect("walk content/");
            if entry.path().extension().is_some_and(|e| e == "md") {
                text.push('\n');
                text.push_str(&std::fs::read_to_string(entry.path()).expect("read content"));
            }
        }
        let theirs = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(tantivy_list)
            .build();
        let ours = folded_words().build();
        let kept = words(ours, &text);
        assert_eq!(kept, words(theirs, &text));
        assert!(kept.len() > 10_000, "only {} words in content/", kept.len());
    }
}
