//! The catalogue of the EOSC photon and neutron projects' outputs in
//! `content/outputs/` (DataCite REST JSON written by `scripts/catalogue-outputs.py`):
//! a fresh install indexes it as items with their DOIs, titles, kinds and
//! projects; `check` finds nothing to report in it; and no DOI in it is
//! invented: each appears in the shared material its record names as `source`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use eoskb::check::{CheckOptions, check};
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::model::Facet;
use eoskb::query::{self, KnowledgeBase, SearchRequest, SearchResponse};
use eoskb::settings::Mode;
use serde_json::Value;

use crate::support::{open, shared_dir};

/// Items in each catalogue file.
const EXPANDS_DELIVERABLES: u64 = 48;
const EXPANDS_OTHER: usize = 4;
const PANOSC: usize = 2;

fn content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

fn outputs() -> PathBuf {
    content().join("outputs")
}

/// The catalogue files, each with its parsed JSON.
fn catalogue_files() -> Vec<(PathBuf, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(outputs())
        .expect("content/outputs")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            (path, json)
        })
        .collect()
}

fn everything(kb: &KnowledgeBase, filter: Option<(Facet, &str)>) -> SearchResponse {
    let mut request = SearchRequest::new("*")
        .with_mode(Mode::Keyword)
        .with_facet_limit(eoskb::query::request::MAX_FACET_LIMIT);
    if let Some((facet, value)) = filter {
        request = request.with_filter(facet, [value]);
    }
    query::search(kb, &request).expect("search")
}

fn count(response: &SearchResponse, facet: Facet, value: &str) -> u64 {
    response
        .facets
        .get(facet.name())
        .and_then(|values| values.get(value))
        .copied()
        .unwrap_or(0)
}

#[test]
fn catalogue_items_have_their_dois_titles_kinds_and_projects() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = index::run(&data, &IndexOptions::new(vec![content()])).expect("index run");
    assert!(report.published);
    let about_outputs: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.path.contains("outputs/"))
        .collect();
    assert!(about_outputs.is_empty(), "{about_outputs:?}");
    let kb = open(&data);

    for (doi, title) in [
        (
            "10.5281/zenodo.4806026",
            "Release V1.0 ExPaNDS ontology available as an EOSC online service",
        ),
        ("10.5281/zenodo.3672926", "Data Management Plan"),
        (
            "10.5281/zenodo.5205825",
            "Final data policy framework for Photon and Neutron RIs",
        ),
        ("10.5281/zenodo.7890361", "Periodic progress report"),
        (
            "10.5281/zenodo.7023247",
            "Dedicated websites and e-platforms with the teaching material",
        ),
        ("10.5281/zenodo.3673810", "Data landscaping survey"),
        ("10.5281/zenodo.5205909", "Metadata catalogue release"),
        ("10.5281/zenodo.3862701", "PaNOSC model data policy"),
    ] {
        let id = format!("doi/{doi}");
        let view = query::get_article(&kb, &id).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(view.article.title, title, "{id}");
        let record = view.article.record.as_deref().expect("a record");
        assert_eq!(record.doi.as_deref(), Some(doi));
        assert_eq!(record.publisher.as_deref(), Some("Zenodo"));
        assert_eq!(record.format, "datacite-json");
        // Found by its DOI as typed.
        let found =
            query::search(&kb, &SearchRequest::new(doi).with_mode(Mode::Keyword)).expect("search");
        assert_eq!(found.hits.first().map(|h| h.id.as_str()), Some(id.as_str()));
    }

    // D3.2: its eight authors from the ontology's README, ExPaNDS's grant, EDAM's
    // "Ontology and terminology", the deliverable number kept verbatim.
    let d32 = query::get_article(&kb, "doi/10.5281/zenodo.4806026").unwrap();
    let a = &d32.article;
    assert_eq!(a.kind.as_deref(), Some("deliverable"));
    assert_eq!(a.projects, ["ExPaNDS"]);
    assert_eq!(a.authors.len(), 8);
    assert_eq!(a.authors[0].name, "Collins, Steve P.");
    assert_eq!(a.updated.as_deref(), Some("2021-06-04"));
    assert_eq!(a.terms, ["http://edamontology.org/topic_0089"]);
    assert_eq!(a.extra["deliverable"], "D3.2");
    let record = a.record.as_deref().unwrap();
    assert_eq!(record.issued.as_deref(), Some("2021-06-04"));
    assert_eq!(record.resource_type.as_deref(), Some("Deliverable"));
    let grant = &record.funding[0];
    assert_eq!(grant.funder.as_deref(), Some("European Commission"));
    assert_eq!(grant.award_number.as_deref(), Some("857641"));

    // `1.10` in deliverables.yml is D1.10, not D1.1; the project is the creator.
    let dmp = query::get_article(&kb, "doi/10.5281/zenodo.3672926").unwrap();
    assert_eq!(dmp.article.extra["deliverable"], "D1.10");
    assert_eq!(dmp.article.authors[0].name, "ExPaNDS");
    assert!(dmp.article.record.as_deref().unwrap().creators[0].organisation);

    // D2.7 continues D2.2, as its own description says.
    let d27 = query::get_article(&kb, "doi/10.5281/zenodo.6799106").unwrap();
    let related = &d27.article.record.as_deref().unwrap().related;
    assert!(
        related
            .iter()
            .any(|r| r.relation == "Continues" && r.identifier == "10.5281/zenodo.4312825"),
        "{related:?}"
    );

    // Facets: every ExPaNDS deliverable is of kind "deliverable" and project
    // "ExPaNDS"; the landscaping survey is the one report.
    let all = everything(&kb, None);
    assert_eq!(
        count(&all, Facet::Kind, "deliverable"),
        EXPANDS_DELIVERABLES
    );
    assert_eq!(count(&all, Facet::Kind, "report"), 1);
    let deliverables = everything(&kb, Some((Facet::Kind, "deliverable")));
    assert_eq!(deliverables.total as u64, EXPANDS_DELIVERABLES);
    assert_eq!(
        count(&deliverables, Facet::Projects, "ExPaNDS"),
        EXPANDS_DELIVERABLES
    );
    assert_eq!(count(&deliverables, Facet::Year, "2022"), 16);
    let panosc = everything(&kb, Some((Facet::Kind, "document")));
    assert_eq!(count(&panosc, Facet::Projects, "PaNOSC"), PANOSC as u64);
}

#[test]
fn check_reports_nothing_for_the_catalogue() {
    let mut options = CheckOptions::new(vec![content()]);
    options.paths = vec![outputs()];
    let report = check(&options).expect("check runs");
    assert_eq!(report.files, catalogue_files().len());
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn catalogue_files_hold_the_expected_items() {
    let sizes: Vec<(String, usize)> = catalogue_files()
        .iter()
        .map(|(path, json)| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, json["data"].as_array().map_or(0, Vec::len))
        })
        .collect();
    assert_eq!(
        sizes,
        [
            (
                "expands-deliverables.json".into(),
                EXPANDS_DELIVERABLES as usize
            ),
            ("expands-other-outputs.json".into(), EXPANDS_OTHER),
            ("panosc-outputs.json".into(), PANOSC),
        ]
    );
}

/// Every DOI in a record (its own, related ones, other citations) appears in a
/// file the record names as `source` (or the `source` of the entry that cites
/// it), so none is invented.
#[test]
fn every_catalogue_doi_is_in_the_shared_material() {
    let Some(shared) = shared_dir() else { return };
    let corpora = shared.join("data/corpora");
    let mut checked = BTreeSet::new();
    for (path, json) in catalogue_files() {
        let items = json["data"].as_array().expect("a `data` list");
        for item in items {
            let attrs = &item["attributes"];
            let doi = attrs["doi"].as_str().expect("every item has a DOI");
            assert_eq!(item["id"], doi, "{path:?}");
            let mut sources = Vec::new();
            collect_sources(attrs, &mut sources);
            assert!(!sources.is_empty(), "{doi} names no source");
            let mut text = String::new();
            for source in &sources {
                let file = corpora.join(source);
                let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{doi}: {source}: {e}"));
                text.push_str(&String::from_utf8_lossy(&bytes).to_lowercase());
            }
            let mut dois = Vec::new();
            collect_dois(attrs, &mut dois);
            for cited in dois {
                assert!(
                    text.contains(&cited.to_lowercase()),
                    "{cited} (in {doi}, {path:?}) is in none of {sources:?}"
                );
                checked.insert(cited);
            }
            // The grant number is stated in the material too.
            if let Some(award) = attrs["fundingReferences"][0]["awardNumber"].as_str() {
                assert!(text.contains(award), "{doi}: award {award}");
            }
        }
    }
    assert!(checked.len() >= 55, "{}", checked.len());
}

/// `source` values anywhere in the record (a string or a list of strings).
fn collect_sources(value: &Value, out: &mut Vec<String>) {
    walk(value, &mut |key, v| {
        if key == Some("source") {
            match v {
                Value::String(s) => out.push(s.clone()),
                Value::Array(list) => {
                    out.extend(list.iter().filter_map(Value::as_str).map(String::from))
                }
                _ => {}
            }
        }
    });
}

/// Every DOI written in a string of the record: `10.<registrant>/<suffix>`.
fn collect_dois(value: &Value, out: &mut Vec<String>) {
    walk(value, &mut |_, v| {
        if let Value::String(s) = v {
            out.extend(dois_in(s));
        }
    });
}

fn dois_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("10.") {
        let candidate = &rest[at..];
        let registrant: String = candidate[3..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let after = &candidate[3 + registrant.len()..];
        if registrant.len() >= 4 && after.starts_with('/') {
            let suffix: String = after[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "._-;/:".contains(*c))
                .collect();
            let suffix = suffix.trim_end_matches('.');
            if !suffix.is_empty() {
                found.push(format!("10.{registrant}/{suffix}"));
            }
        }
        rest = &candidate[3..];
    }
    found
}

/// Visits every value with the key it is under (none for list entries).
fn walk<'a>(value: &'a Value, visit: &mut impl FnMut(Option<&'a str>, &'a Value)) {
    let mut stack: Vec<(Option<&str>, &Value)> = vec![(None, value)];
    while let Some((key, v)) = stack.pop() {
        visit(key, v);
        match v {
            Value::Object(map) => stack.extend(map.iter().map(|(k, v)| (Some(k.as_str()), v))),
            Value::Array(list) => stack.extend(list.iter().map(|v| (None, v))),
            _ => {}
        }
    }
}

#[test]
fn dois_are_found_in_text() {
    assert_eq!(
        dois_in("see https://doi.org/10.5281/zenodo.3673810. and 10.1107/S1600577525005272)"),
        ["10.5281/zenodo.3673810", "10.1107/S1600577525005272"]
    );
    assert!(dois_in("version 10.2/x").is_empty());
}
