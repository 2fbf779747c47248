use std::collections::BTreeMap;

use crate::ingest::Reading;
use crate::ingest::testdata::{bytes, errors, file, inline, shared};
use crate::ingest::training::catalogue::{read, sniff};
use crate::model::Article;

const DATA: &str = "corpora/pan-docs/PaN-Finder+deliverables/task-1/data";
const PANET: &str = "http://purl.org/pan-science/PaNET/";

fn harvest(name: &str) -> Option<Reading> {
    let root = shared(DATA)?;
    let f = file(&root, name);
    let data = bytes(&f);
    assert!(sniff(&data), "{name}");
    let reading = read(&f, &data);
    assert!(
        errors(&reading.diagnostics).is_empty(),
        "{:?}",
        reading.diagnostics
    );
    Some(reading)
}

/// Datasets listed as `HasPart`.
fn datasets(a: &Article) -> usize {
    a.record
        .as_ref()
        .unwrap()
        .related
        .iter()
        .filter(|r| r.relation == "HasPart")
        .count()
}

/// Technique entries per term, over all items.
fn technique_counts(articles: &[Article]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for a in articles {
        for s in &a.record.as_ref().unwrap().subjects {
            let term =
                crate::ingest::training::panet::canonical(s.iri.as_deref().unwrap_or_default())
                    .unwrap();
            *counts
                .entry(term.trim_start_matches(PANET).to_string())
                .or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn ess_records() {
    let Some(reading) = harvest("oscars_pan_finder_ess_data_20250219142529022009.json") else {
        return;
    };
    let items = &reading.articles;
    assert_eq!(items.len(), 455);
    assert!(
        reading.diagnostics.is_empty(),
        "{:?}",
        &reading.diagnostics[..1]
    );
    assert_eq!(items.iter().map(datasets).sum::<usize>(), 455);
    assert_eq!(items.iter().filter(|a| !a.terms.is_empty()).count(), 451);
    let counts = technique_counts(items);
    assert_eq!(
        counts,
        BTreeMap::from([
            ("PaNET00101".into(), 357),
            ("PaNET01012".into(), 93),
            ("PaNET01189".into(), 1)
        ])
    );
    let first = &items[0];
    assert_eq!(
        first.id,
        "doi/10.17199/03dd9804-1b04-4d36-b0fb-cf66e9891e7d"
    );
    assert_eq!(first.title, "SANS/Reflectometry");
    assert_eq!(first.kind.as_deref(), Some("dataset"));
    let record = first.record.as_deref().unwrap();
    assert_eq!(record.format, "panosc");
    assert_eq!(record.resource_type.as_deref(), Some("NeXus HDF5"));
    assert_eq!(record.issued.as_deref(), Some("2019"));
    assert_eq!(first.updated.as_deref(), Some("2020-09-01"));
    assert_eq!(first.authors[0].name, "Oliver Lohmann");
    assert_eq!(first.license.as_deref(), Some("CC-BY-4.0"));
    assert_eq!(first.tags, ["v20", "neutron"]);
    assert_eq!(
        record.related[0].identifier,
        "20.500.12269/0a269002-83e2-4f18-bb98-36c01836d66a"
    );
    assert_eq!(record.related[0].scheme.as_deref(), Some("Handle"));
    // The names are ESS's, not PaNET's labels ("neutron probe", not "neutron probe technique").
    let neutron = items
        .iter()
        .flat_map(|a| &a.record.as_ref().unwrap().subjects)
        .find(|s| s.iri.as_deref() == Some("http://purl.org/pan-science/PaNET/PaNET00101"))
        .unwrap();
    assert_eq!(neutron.value, "neutron probe");
    assert_eq!(
        items.last().unwrap().id,
        "doi/10.17199/aa0d23e2-4249-4a33-8cab-771e927ed4bf"
    );
    // One line for the whole file: every item starts on line 1.
    assert!(items.iter().all(|a| a.source.body_line == 1));
    assert!(
        first
            .sections
            .iter()
            .any(|s| s.heading == "Datasets" && s.text.contains("open beam"))
    );
    assert!(
        first.extra["datasets"][0]["scientificMetadata"].is_object(),
        "datasets kept verbatim"
    );
}

#[test]
fn desy_records_keep_technique_names_as_written() {
    let Some(reading) = harvest("oscars_pan_finder_desy_fs_data_20260320105055585337.json") else {
        return;
    };
    let items = &reading.articles;
    assert_eq!(items.len(), 6);
    assert!(items.iter().all(|a| {
        a.record
            .as_ref()
            .unwrap()
            .doi
            .as_deref()
            .is_some_and(|d| d.starts_with("10.60883/"))
    }));
    assert_eq!(items.iter().map(datasets).sum::<usize>(), 6);
    let counts = technique_counts(items);
    assert_eq!(counts.values().sum::<usize>(), 8);
    assert_eq!(
        counts,
        BTreeMap::from([
            ("PaNET01149".into(), 2),
            ("PaNET01165".into(), 1),
            ("PaNET01177".into(), 1),
            ("PaNET01197".into(), 2),
            ("PaNET01316".into(), 2),
        ])
    );
    // PaNET01177 is "x-ray fluorescence" in PaNET; DESY calls it "X-Ray
    // Reflectivity (XRR)" and writes https: the IRI is canonical, the name kept.
    let xrr = &items[0];
    assert_eq!(
        xrr.title,
        "X-Ray Reflectivity measurement on Strontium(II) Chloride 0.4M"
    );
    assert_eq!(xrr.terms, ["http://purl.org/pan-science/PaNET/PaNET01177"]);
    let subject = &xrr.record.as_ref().unwrap().subjects[0];
    assert_eq!(subject.value, "X-Ray Reflectivity (XRR)");
    assert_eq!(
        subject.iri.as_deref(),
        Some("https://purl.org/pan-science/PaNET/PaNET01177")
    );
    assert_eq!(subject.scheme.as_deref(), Some("PaNET"));
    assert_eq!(xrr.authors.len(), 7, "creator and authors, merged by name");
    assert_eq!(xrr.license.as_deref(), Some("CC-BY-NC-4.0"));
    let anomalous = items
        .iter()
        .flat_map(|a| &a.record.as_ref().unwrap().subjects)
        .find(|s| s.iri.as_deref().is_some_and(|i| i.ends_with("PaNET01165")))
        .unwrap();
    assert_eq!(anomalous.value, "anomalous diffraction");
    // The PaNOSC Document beside it is kept.
    assert_eq!(xrr.extra["panosc"]["type"], "publication");
    assert_eq!(xrr.source.body_line, 1, "the file is one line");
}

#[test]
fn maxiv_and_desy_records_without_techniques() {
    let Some(reading) = harvest("oscars_pan_finder_maxiv_data_20250219142732031359.json") else {
        return;
    };
    assert_eq!(reading.articles.len(), 5);
    assert_eq!(reading.articles.iter().map(datasets).sum::<usize>(), 25);
    assert!(
        reading
            .articles
            .iter()
            .all(|a| a.terms.is_empty() && a.kind.as_deref() == Some("dataset"))
    );
    let Some(reading) = harvest("oscars_pan_finder_desy_data_20251027153852225081.json") else {
        return;
    };
    assert_eq!(reading.articles.len(), 5);
    assert_eq!(reading.articles.iter().map(datasets).sum::<usize>(), 19);
}

#[test]
fn ill_proposals() {
    let Some(reading) = harvest("oscars_pan_finder_ill_data_manual_20250423102500.json") else {
        return;
    };
    assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
    let dois: Vec<&str> = reading
        .articles
        .iter()
        .map(|a| a.record.as_ref().unwrap().doi.as_deref().unwrap())
        .collect();
    assert_eq!(
        dois,
        ["10.5291/ill-data.8-02-889", "10.5291/ill-data.8-02-1023"]
    );
    for a in &reading.articles {
        assert_eq!(a.kind.as_deref(), Some("proposal"));
        assert_eq!(datasets(a), 0);
        assert!(a.terms.is_empty());
    }
    let first = &reading.articles[0];
    assert!(
        first
            .title
            .starts_with("Curvature-induced lipid segregation")
    );
    assert!(
        first
            .summary
            .starts_with("Biological membrane in plane organisation")
    );
    let cardenas = first
        .authors
        .iter()
        .find(|p| p.name == "Marite CARDENAS")
        .unwrap();
    assert_eq!(cardenas.orcid.as_deref(), Some("0000-0003-0392-3540"));
    assert!(
        first.sections[0]
            .text
            .contains("Instruments: FIGARO ( horizontal reflectometer )")
    );
    assert_eq!(first.updated.as_deref(), Some("2025-04-12"));
    assert_eq!(
        first.license.as_deref(),
        Some("CC-BY"),
        "no version: the name as written"
    );
    let lines: Vec<usize> = reading
        .articles
        .iter()
        .map(|a| a.source.body_line)
        .collect();
    assert_eq!(lines, [2, 109]);
}

#[test]
fn single_panosc_document() {
    let text = br#"{"pid": "10.5291/ILL-DATA.1-2-3", "type": "publication", "isPublic": true, "title": "A document",
        "summary": "What it is. More.", "keywords": ["k1"],
        "datasets": [{"pid": "ds-1", "title": "Run 1", "isPublic": true,
            "techniques": [{"pid": "PaNET01012", "name": "x-ray probe"}, {"pid": "https://pan-ontologies.github.io/PaNET/PaNET01189", "name": "SANS"}, {"name": "made up"}]}],
        "members": [{"person": {"fullName": "Ada Lovelace", "orcid": "0000-0002-1825-0097"}, "role": "PI"}]}"#;
    assert!(sniff(text));
    let reading = read(&inline("doc.json"), text);
    assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
    let a = &reading.articles[0];
    assert_eq!(a.id, "doi/10.5291/ill-data.1-2-3");
    assert_eq!(
        (a.title.as_str(), a.kind.as_deref()),
        ("A document", Some("dataset"))
    );
    assert_eq!(
        a.terms,
        [format!("{PANET}PaNET01012"), format!("{PANET}PaNET01189")]
    );
    let names: Vec<&str> = a
        .record
        .as_ref()
        .unwrap()
        .subjects
        .iter()
        .map(|s| s.value.as_str())
        .collect();
    assert_eq!(names, ["x-ray probe", "SANS", "made up"]);
    assert_eq!(a.authors[0].orcid.as_deref(), Some("0000-0002-1825-0097"));
    assert_eq!(datasets(a), 1);
    assert_eq!(a.tags, ["k1"]);
    assert!(a.extra.contains_key("datasets") && a.extra.contains_key("isPublic"));
}

#[test]
fn broken_catalogue_files() {
    let reading = read(
        &inline("x.json"),
        b"[\n{\"document\": {\"title\": \"ok\"}},\n42,\n{\"document\": {}}\n]",
    );
    assert_eq!(reading.articles.len(), 2);
    let ids: Vec<&str> = reading.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["x", "x/2"]);
    let messages: Vec<(usize, &str)> = reading
        .diagnostics
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert_eq!(messages[0].0, 3);
    assert!(
        messages[0].1.starts_with("record 2 is neither"),
        "{messages:?}"
    );
    assert_eq!(messages[1], (4, "catalogue record has no title"));
    let deep = format!("[{}{}]", "[".repeat(100_000), "]".repeat(100_000));
    let reading = read(&inline("deep.json"), deep.as_bytes());
    assert!(
        errors(&reading.diagnostics)[0]
            .message
            .contains("recursion limit")
    );
    let reading = read(
        &inline("trunc.json"),
        b"[\n{\"document\": {\"title\": \"x\"",
    );
    assert_eq!(errors(&reading.diagnostics)[0].line, 2);
    let reading = read(&inline("s.json"), b"\"text\"");
    assert_eq!(errors(&reading.diagnostics).len(), 1);
    assert!(!sniff(b"[{\"name\": \"x\"}]"));
}
