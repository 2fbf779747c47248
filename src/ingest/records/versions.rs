//! Versions of one output. Zenodo and InvenioRDM give every version its own
//! DOI and all of them one concept DOI; a search response may hold several
//! versions, a harvest writes one file per version. Either way they become one
//! item: the newest version (its id, body and metadata), listing the others.
//!
//! [`merge_versions`] folds the versions inside one file as it is read;
//! [`merge_across_files`] folds those of different files, which the indexer
//! runs over every file of a concept whenever one of them changes.

use std::collections::{HashMap, HashSet};

use crate::model::{Article, VersionRef};

/// The concept DOI an item is a version of: only a record with a DOI of its
/// own takes part (one without could not be listed as a version).
pub fn concept_of(article: &Article) -> Option<&str> {
    article
        .record
        .as_deref()
        .filter(|r| r.doi.is_some())
        .and_then(|r| r.concept_doi.as_deref())
}

/// Folds the versions of one output into one item: articles whose records share
/// a concept DOI become the newest of them (by issued date, then version), with
/// the others listed in `record.versions`, newest first. Articles without a
/// concept DOI pass unchanged; the order of first appearance is kept.
pub fn merge_versions(articles: Vec<Article>) -> Vec<Article> {
    let mut groups: Vec<Vec<Article>> = Vec::new();
    let mut by_concept: HashMap<String, usize> = HashMap::new();
    for article in articles {
        let Some(concept) = concept_of(&article).map(str::to_string) else {
            groups.push(vec![article]);
            continue;
        };
        match by_concept.get(&concept) {
            Some(&i) => groups[i].push(article),
            None => {
                by_concept.insert(concept, groups.len());
                groups.push(vec![article]);
            }
        }
    }
    groups
        .into_iter()
        .filter_map(|group| fold(group).map(|(_, kept)| kept))
        .collect()
}

/// Folds versions that sit in different files: `files` holds each file's items
/// (each file already merged in itself). The newest of a concept stays in its
/// file at its place; the others leave theirs. Returns, per file, the ids of
/// its items that were folded into another file's item.
pub fn merge_across_files(files: &mut [Vec<Article>]) -> Vec<Vec<String>> {
    let mut folded = vec![Vec::new(); files.len()];
    // (file, position) of every version, per concept, in file order.
    let mut groups: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut by_concept: HashMap<String, usize> = HashMap::new();
    for (f, articles) in files.iter().enumerate() {
        for (p, article) in articles.iter().enumerate() {
            if let Some(concept) = concept_of(article) {
                let i = *by_concept.entry(concept.to_string()).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                groups[i].push((f, p));
            }
        }
    }
    if groups.iter().all(|members| members.len() < 2) {
        return folded;
    }
    let mut slots: Vec<Vec<Option<Article>>> = files
        .iter_mut()
        .map(|articles| std::mem::take(articles).into_iter().map(Some).collect())
        .collect();
    for members in groups.into_iter().filter(|m| m.len() > 1) {
        let mut places = Vec::new();
        let mut group = Vec::new();
        for (f, p) in members {
            if let Some(article) = slots[f][p].take() {
                places.push((f, p));
                group.push(article);
            }
        }
        let ids: Vec<String> = group.iter().map(|a| a.id.clone()).collect();
        let Some((newest, kept)) = fold(group) else {
            continue;
        };
        for (i, (&(f, _), id)) in places.iter().zip(ids).enumerate() {
            if i != newest {
                folded[f].push(id);
            }
        }
        let (f, p) = places[newest];
        slots[f][p] = Some(kept);
    }
    for (articles, slots) in files.iter_mut().zip(slots) {
        *articles = slots.into_iter().flatten().collect();
    }
    folded
}

/// The newest article of a group (the first of equals) with the others listed
/// as its versions, and its position in the group.
fn fold(mut group: Vec<Article>) -> Option<(usize, Article)> {
    let newest = (0..group.len()).fold(0, |best, i| {
        if version_key(&group[i]) > version_key(&group[best]) {
            i
        } else {
            best
        }
    });
    if newest >= group.len() {
        return None;
    }
    let mut kept = group.remove(newest);
    if group.is_empty() {
        return Some((newest, kept));
    }
    let mut versions: Vec<VersionRef> = Vec::new();
    for other in &mut group {
        if let Some(record) = other.record.as_mut() {
            versions.extend(std::mem::take(&mut record.versions));
            if let Some(doi) = record.doi.clone() {
                versions.push(VersionRef {
                    doi,
                    version: record.version.clone(),
                    issued: record.issued.clone(),
                    // Only a title the item does not have already: it makes
                    // the older wording findable.
                    title: Some(other.title.clone()).filter(|t| !t.is_empty() && *t != kept.title),
                });
            }
        }
    }
    if let Some(record) = kept.record.as_mut() {
        versions.extend(std::mem::take(&mut record.versions));
        let own = record.doi.clone();
        let mut seen = HashSet::new();
        versions.retain(|v| Some(&v.doi) != own.as_ref() && seen.insert(v.doi.clone()));
        versions.sort_by(|a, b| b.issued.cmp(&a.issued));
        record.versions = versions;
    }
    Some((newest, kept))
}

/// Newest first: issued date, then version text, and a version record before
/// the concept record of the same date.
fn version_key(article: &Article) -> (Option<&str>, Option<&str>, bool) {
    let record = article.record.as_deref();
    let issued = record.and_then(|r| r.issued.as_deref());
    let version = record.and_then(|r| r.version.as_deref());
    let is_version = record.is_some_and(|r| r.doi != r.concept_doi);
    (issued, version, is_version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Record, SourceRef};

    fn version(file: &str, doi: &str, concept: Option<&str>, v: &str, issued: &str) -> Article {
        Article {
            id: format!("doi/{doi}"),
            title: "Tool".into(),
            summary: String::new(),
            kind: Some("software".into()),
            audience: vec![],
            fair: vec![],
            terms: vec![],
            tags: vec![],
            projects: vec![],
            authors: vec![],
            license: None,
            updated: None,
            related: vec![],
            extra: Default::default(),
            source: SourceRef {
                root: "outputs".into(),
                path: file.into(),
                body_line: 1,
            },
            markdown: String::new(),
            sections: vec![],
            record: Some(Box::new(Record {
                format: "zenodo".into(),
                doi: Some(doi.into()),
                concept_doi: concept.map(str::to_string),
                version: Some(v.into()),
                issued: Some(issued.into()),
                ..Record::default()
            })),
        }
    }

    fn versions_of(article: &Article) -> Vec<(&str, Option<&str>)> {
        article
            .record
            .as_deref()
            .map(|r| {
                r.versions
                    .iter()
                    .map(|v| (v.doi.as_str(), v.version.as_deref()))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn versions_in_different_files_fold_into_the_newest_in_its_place() {
        let c = Some("10.5281/zenodo.100");
        let mut files = vec![
            vec![
                version("a.json", "10.1/other", None, "1", "2019-01-01"),
                version("a.json", "10.5281/zenodo.101", c, "1.0", "2020-01-01"),
            ],
            vec![version(
                "b.json",
                "10.5281/zenodo.103",
                c,
                "3.0",
                "2022-01-01",
            )],
            vec![version(
                "c.json",
                "10.5281/zenodo.102",
                c,
                "2.0",
                "2021-01-01",
            )],
        ];
        let folded = merge_across_files(&mut files);
        assert_eq!(
            folded,
            [
                vec!["doi/10.5281/zenodo.101".to_string()],
                vec![],
                vec!["doi/10.5281/zenodo.102".to_string()]
            ]
        );
        assert_eq!(files[0].len(), 1, "the unversioned item stays");
        assert_eq!(files[0][0].id, "doi/10.1/other");
        assert!(files[2].is_empty());
        let item = &files[1][0];
        assert_eq!(item.id, "doi/10.5281/zenodo.103");
        assert_eq!(
            versions_of(item),
            [
                ("10.5281/zenodo.102", Some("2.0")),
                ("10.5281/zenodo.101", Some("1.0"))
            ]
        );
    }

    #[test]
    fn versions_already_listed_are_kept_once_and_new_titles_are_listed() {
        let c = Some("10.5281/zenodo.100");
        // File a already folded 101 into 102 when it was read.
        let mut older = version("a.json", "10.5281/zenodo.102", c, "2.0", "2021-01-01");
        if let Some(r) = older.record.as_deref_mut() {
            r.versions.push(VersionRef {
                doi: "10.5281/zenodo.101".into(),
                version: Some("1.0".into()),
                issued: Some("2020-01-01".into()),
                title: None,
            });
        }
        older.title = "Tool, first name".into();
        let newer = version("b.json", "10.5281/zenodo.103", c, "3.0", "2022-01-01");
        let again = version("c.json", "10.5281/zenodo.101", c, "1.0", "2020-01-01");
        let mut files = vec![vec![older], vec![newer], vec![again]];
        merge_across_files(&mut files);
        let item = &files[1][0];
        assert_eq!(
            versions_of(item),
            [
                ("10.5281/zenodo.102", Some("2.0")),
                ("10.5281/zenodo.101", Some("1.0"))
            ]
        );
        let titles: Vec<Option<&str>> = item.record.as_deref().map_or(vec![], |r| {
            r.versions.iter().map(|v| v.title.as_deref()).collect()
        });
        assert_eq!(titles, [Some("Tool, first name"), None]);
    }

    #[test]
    fn a_lone_version_and_records_without_a_doi_are_untouched() {
        let c = Some("10.5281/zenodo.100");
        let mut no_doi = version("b.json", "10.5281/zenodo.9", c, "1", "2020-01-01");
        if let Some(r) = no_doi.record.as_deref_mut() {
            r.doi = None;
        }
        let mut files = vec![
            vec![version(
                "a.json",
                "10.5281/zenodo.101",
                c,
                "1.0",
                "2020-01-01",
            )],
            vec![no_doi],
        ];
        let folded = merge_across_files(&mut files);
        assert!(folded.iter().all(Vec::is_empty));
        assert_eq!(files[0].len() + files[1].len(), 2);
        assert!(versions_of(&files[0][0]).is_empty());
    }

    #[test]
    fn equal_dates_keep_the_first_file_and_a_version_beats_its_concept() {
        let c = Some("10.5281/zenodo.100");
        let mut files = vec![
            vec![version(
                "a.json",
                "10.5281/zenodo.100",
                c,
                "1.0",
                "2020-01-01",
            )],
            vec![version(
                "b.json",
                "10.5281/zenodo.101",
                c,
                "1.0",
                "2020-01-01",
            )],
            vec![version(
                "c.json",
                "10.5281/zenodo.102",
                c,
                "1.0",
                "2020-01-01",
            )],
        ];
        merge_across_files(&mut files);
        assert!(files[0].is_empty() && files[2].is_empty());
        assert_eq!(files[1][0].id, "doi/10.5281/zenodo.101");
    }
}
