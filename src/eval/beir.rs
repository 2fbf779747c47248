//! Reading BEIR collections: `corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::metrics::Qrels;
use crate::model::{Article, Section, SourceRef};

#[derive(Debug, thiserror::Error)]
pub enum BeirError {
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {reason}", .path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// A corpus as articles, and the queries by id.
pub struct Collection {
    pub articles: Vec<Article>,
    pub queries: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Doc {
    #[serde(rename = "_id")]
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
}

fn lines(
    path: &Path,
) -> Result<impl Iterator<Item = (usize, Result<String, BeirError>)>, BeirError> {
    let file = std::fs::File::open(path).map_err(|source| BeirError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let path = path.to_path_buf();
    Ok(BufReader::new(file)
        .lines()
        .enumerate()
        .map(move |(i, line)| {
            (
                i + 1,
                line.map_err(|source| BeirError::Io {
                    path: path.clone(),
                    source,
                }),
            )
        }))
}

fn parse_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, BeirError> {
    let mut out = Vec::new();
    for (line, text) in lines(path)? {
        let text = text?;
        if text.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&text).map_err(|e| BeirError::Parse {
            path: path.to_path_buf(),
            line,
            reason: e.to_string(),
        })?);
    }
    Ok(out)
}

/// Loads `corpus.jsonl` (title + text become one article) and `queries.jsonl`.
pub fn load(dir: &Path) -> Result<Collection, BeirError> {
    let docs: Vec<Doc> = parse_jsonl(&dir.join("corpus.jsonl"))?;
    let articles = docs.into_iter().map(article).collect();
    let queries: Vec<Doc> = parse_jsonl(&dir.join("queries.jsonl"))?;
    Ok(Collection {
        articles,
        queries: queries.into_iter().map(|q| (q.id, q.text)).collect(),
    })
}

fn article(doc: Doc) -> Article {
    Article {
        id: doc.id.clone(),
        title: doc.title.clone(),
        summary: String::new(),
        kind: None,
        audience: Vec::new(),
        fair: Vec::new(),
        terms: Vec::new(),
        tags: Vec::new(),
        projects: Vec::new(),
        authors: Vec::new(),
        license: None,
        updated: None,
        related: Vec::new(),
        extra: Default::default(),
        source: SourceRef {
            root: "beir".into(),
            path: doc.id,
            body_line: 1,
        },
        markdown: doc.text.clone(),
        sections: vec![Section {
            ordinal: 0,
            heading: doc.title,
            level: 0,
            heading_path: Vec::new(),
            anchor: String::new(),
            text: doc.text,
            line: 1,
            page: None,
            link_texts: Vec::new(),
            code: Vec::new(),
        }],
        record: None,
    }
}

/// Reads `query-id \t corpus-id \t score` lines (a header line is skipped).
pub fn load_qrels(path: &Path) -> Result<Qrels, BeirError> {
    let mut qrels = Qrels::new();
    for (line, text) in lines(path)? {
        let text = text?;
        let fields: Vec<&str> = text.split('\t').map(str::trim).collect();
        if fields.len() < 3 || (line == 1 && fields[2].parse::<i32>().is_err()) {
            continue;
        }
        let score: i32 = fields[2].parse().map_err(|_| BeirError::Parse {
            path: path.to_path_buf(),
            line,
            reason: format!("`{}` is not a relevance grade", fields[2]),
        })?;
        qrels
            .entry(fields[0].to_string())
            .or_default()
            .insert(fields[1].to_string(), score);
    }
    Ok(qrels)
}
