//! Questions search their subject: on the bundled content, the words that shape
//! a question (*how do I ... from my*) neither match nor get highlighted, while
//! a query of such words alone still searches.

use std::path::Path;

use eoskb::index::DataDir;
use eoskb::query::{self, KnowledgeBase, SearchResponse};

use crate::support::{index, open, request};

fn bundled() -> (tempfile::TempDir, KnowledgeBase) {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let data = DataDir::new(tmp.path().join("data"));
    index(
        &data,
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("content")],
    );
    let kb = open(&data);
    (tmp, kb)
}

fn keyword(kb: &KnowledgeBase, q: &str) -> SearchResponse {
    query::search(
        kb,
        &request(&[("q", q), ("mode", "keyword"), ("limit", "20")]),
    )
    .expect("search")
}

fn ids(response: &SearchResponse) -> Vec<&str> {
    response.hits.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn a_question_matches_and_marks_its_subject_not_its_question_words() {
    let (_tmp, kb) = bundled();
    let question = keyword(&kb, "how do I cite a dataset from my beamtime?");
    let subject = keyword(&kb, "cite dataset beamtime");
    assert_eq!(question.total, subject.total, "the same articles match");
    assert_eq!(ids(&question), ids(&subject), "in the same order");
    assert_eq!(ids(&question)[0], "cite-a-beamtime-dataset");
    let everything = keyword(&kb, "*").total;
    assert!(
        question.total < everything,
        "{} of {everything}: question words matched",
        question.total
    );

    let marked: Vec<String> = question
        .hits
        .iter()
        .flat_map(|h| {
            h.snippet
                .runs()
                .filter(|(_, m)| *m)
                .map(|(run, _)| run.to_lowercase())
        })
        .collect();
    for word in ["how", "do", "i", "from", "my"] {
        assert!(
            !marked.iter().any(|m| m == word),
            "{word} marked: {marked:?}"
        );
    }
    for word in ["cite", "dataset", "beamtime"] {
        assert!(
            marked.iter().any(|m| m == word),
            "{word} not marked: {marked:?}"
        );
    }
}

#[test]
fn a_query_of_stop_words_only_still_searches() {
    let (_tmp, kb) = bundled();
    let who = keyword(&kb, "the who");
    assert!(who.total > 0, "`the who` finds the articles with `who`");
    assert_eq!(who.total, keyword(&kb, "who").total);
}
