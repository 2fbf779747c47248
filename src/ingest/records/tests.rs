//! The readers on the real files in `../shared/data/outputs/`, asserting the
//! facts its MANIFEST.md lists ("EOSC project outputs" → "Output facts"), and on
//! small hand-written inputs for what real files do not show: malformed,
//! truncated and hostile input, deleted OAI records, versions.

use std::path::PathBuf;

use super::*;
use crate::ingest::{ContentFile, Reading, Severity};
use crate::model::{Agent, Record};

/// `../shared/data/outputs`, or `None` (printing why) when the shared data is
/// not beside the project; in CI (`CI` set) its absence is a failure.
fn outputs() -> Option<PathBuf> {
    crate::ingest::testdata::shared("outputs")
}

fn file(rel: &str) -> ContentFile {
    let abs = outputs().map_or_else(|| PathBuf::from(rel), |d| d.join(rel));
    ContentFile {
        root: "outputs".into(),
        rel: rel.into(),
        abs,
    }
}

/// The file's bytes and its `ContentFile`, or `None` when the shared data is absent.
fn real(rel: &str) -> Option<(ContentFile, Vec<u8>)> {
    let dir = outputs()?;
    let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Some((file(rel), bytes))
}

/// Reads a real file the way the indexer will: by name, else by extension.
fn read_real(rel: &str) -> Option<Reading> {
    let (f, bytes) = real(rel)?;
    let reading = read_by_name(&f, &bytes).unwrap_or_else(|| {
        if rel.ends_with(".xml") {
            read_xml(&f, &bytes)
        } else {
            read_json(&f, &bytes)
        }
    });
    Some(reading)
}

fn inline(rel: &str) -> ContentFile {
    ContentFile {
        root: "content".into(),
        rel: rel.into(),
        abs: PathBuf::from(rel),
    }
}

fn errors(reading: &Reading) -> Vec<String> {
    messages(reading, Severity::Error)
}

fn messages(reading: &Reading, severity: Severity) -> Vec<String> {
    reading
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(ToString::to_string)
        .collect()
}

fn record(reading: &Reading, i: usize) -> &Record {
    reading.articles[i].record.as_deref().expect("a record")
}

fn names(agents: &[Agent]) -> Vec<&str> {
    agents.iter().map(|a| a.name.as_str()).collect()
}

fn subject_values(r: &Record) -> Vec<&str> {
    r.subjects.iter().map(|s| s.value.as_str()).collect()
}

const OAI: &str = "oai-pmh/dlce-eva+zenodoclient/tests/oaipmh.xml";
const BOLOGNESE: &str = "datacite/datacite+bolognese/spec/fixtures";
const COMMONMETA: &str = "datacite/front-matter+commonmeta-py/tests/fixtures";
const CFF_EXAMPLES: &str = "software/citation-file-format+citation-file-format/examples/1.2.0";

#[test]
fn oai_pmh_zenodo_dump() {
    let Some(reading) = read_real(OAI) else {
        return;
    };
    let Some((_, bytes)) = real(OAI) else { return };
    assert_eq!(sniff_xml(&bytes), Some(XmlShape::OaiPmh));
    assert_eq!(oai_pmh::resumption_token(&bytes), None);
    assert!(errors(&reading).is_empty(), "{:?}", reading.diagnostics);
    assert_eq!(reading.articles.len(), 2);

    let expected = [
        (
            "oai:zenodo.org:4629306",
            "10.5281/zenodo.4629306",
            "TuLeD: Tupían lexical database",
            7,
        ),
        (
            "oai:zenodo.org:4161623",
            "10.5281/zenodo.4161623",
            "CLDF dataset derived from Gerardi and Reichert's \"TuLeD: Tupían lexical database\" from 2020",
            80,
        ),
    ];
    for (i, (oai_id, doi, title, line)) in expected.into_iter().enumerate() {
        let a = &reading.articles[i];
        let r = record(&reading, i);
        assert_eq!(a.id, format!("doi/{doi}"));
        assert_eq!(a.title, title);
        assert_eq!(a.source.body_line, line, "the item starts at its <record>");
        assert_eq!(r.format, "oai-datacite");
        assert_eq!(r.doi.as_deref(), Some(doi));
        assert_eq!(r.identifiers[0].scheme, "oai");
        assert_eq!(r.identifiers[0].value, oai_id);
        assert_eq!(r.creators.len(), 5);
        assert_eq!(a.authors.len(), 5);
        assert_eq!(
            r.communities,
            ["openaire_data", "user-lexibank", "user-tular"]
        );
        assert_eq!(subject_values(r), ["cldf:Wordlist", "linguistics"]);
        assert!(r.subjects.iter().all(|s| s.iri.is_none()), "no valueURI");
        assert_eq!(a.tags, ["cldf:Wordlist", "linguistics"]);
        assert_eq!(r.resource_type.as_deref(), Some("Dataset"));
        assert_eq!(a.kind.as_deref(), Some("dataset"));
        let licence = r.license.as_ref().expect("licence");
        assert_eq!(licence.spdx.as_deref(), Some("CC-BY-4.0"));
        assert_eq!(
            licence.name.as_deref(),
            Some("Creative Commons Attribution 4.0 International")
        );
        assert_eq!(a.license.as_deref(), Some("CC-BY-4.0"));
        // The access right is not a licence; it stays in the rights list kept in extra.
        let rights = a.extra["rightsList"].to_string();
        assert!(
            rights.contains("info:eu-repo/semantics/openAccess"),
            "{rights}"
        );
        assert_eq!(r.related.len(), 4);
        let oai = &a.extra["oai"];
        assert_eq!(oai["schemaVersion"], "3.1");
        assert_eq!(oai["datacentreSymbol"], "CERN.ZENODO");
        assert_eq!(oai["responseDate"], "2021-03-24T08:47:35Z");
        assert_eq!(oai["request"]["verb"], "ListRecords");
        assert_eq!(oai["request"]["set"], "user-tular");
        assert_eq!(oai["request"]["metadataPrefix"], "oai_datacite");
        assert_eq!(
            a.extra["schemaVersion"],
            "http://datacite.org/schema/kernel-3"
        );
    }
    let first = &reading.articles[0];
    assert_eq!(
        first.summary, "TuLeD: Tupían lexical database",
        "escaped HTML decoded"
    );
    assert_eq!(first.updated.as_deref(), Some("2021-03-23"));
    assert_eq!(record(&reading, 0).version.as_deref(), Some("v0.11"));
    assert_eq!(first.sections[0].text, "TuLeD: Tupían lexical database");
    let second = record(&reading, 1);
    assert_eq!(
        second.creators[0].orcid.as_deref(),
        Some("0000-0002-1438-7336")
    );
    assert_eq!(
        second.creators[0].affiliations[0].name,
        "Universität Tübingen"
    );
    assert_eq!(
        names(&second.contributors),
        ["Johann-Mattis List", "Tiago Tresoldi", "Robert Forkel"]
    );
    assert!(
        reading.articles[1]
            .markdown
            .contains("Tübingen: Eberhard-Karls University")
    );
}

#[test]
fn oai_pmh_deleted_records_resumption_and_direct_payload() {
    let xml = br#"<?xml version="1.0"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
  <ListRecords>
    <record>
      <header status="deleted"><identifier>oai:x:1</identifier></header>
    </record>
    <record>
      <header><identifier>oai:x:2</identifier><setSpec>s</setSpec></header>
      <metadata>
        <resource xmlns="http://datacite.org/schema/kernel-4">
          <identifier identifierType="DOI">10.1234/ABC</identifier>
          <titles><title>Direct</title></titles>
        </resource>
      </metadata>
    </record>
    <record><header><identifier>oai:x:3</identifier></header><metadata><other/></metadata></record>
    <resumptionToken cursor="0">page-2</resumptionToken>
  </ListRecords>
</OAI-PMH>"#;
    let reading = read_xml(&inline("dump.xml"), xml);
    assert_eq!(reading.articles.len(), 1);
    let a = &reading.articles[0];
    assert_eq!(
        (a.id.as_str(), a.title.as_str()),
        ("doi/10.1234/abc", "Direct")
    );
    assert_eq!(a.source.body_line, 7);
    assert_eq!(record(&reading, 0).communities, ["s"]);
    let notes = messages(&reading, Severity::Note);
    assert_eq!(
        notes,
        ["content/dump.xml:4: note: OAI record oai:x:1 is deleted; skipped"]
    );
    let warnings = messages(&reading, Severity::Warning);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("oai:x:3 has no DataCite <resource>")),
        "{warnings:?}"
    );
    assert_eq!(oai_pmh::resumption_token(xml).as_deref(), Some("page-2"));
    assert_eq!(
        oai_pmh::resumption_token(b"<a><resumptionToken/></a>"),
        None
    );
}

/// One row of MANIFEST's DataCite table.
struct DataCiteFacts {
    path: String,
    doi: &'static str,
    title: &'static str,
    creators: usize,
    subjects: usize,
    value_uris: &'static [&'static str],
    resource_type: &'static str,
}

fn check_datacite(f: &DataCiteFacts) -> Option<Reading> {
    let reading = read_real(&f.path)?;
    assert!(
        errors(&reading).is_empty(),
        "{}: {:?}",
        f.path,
        reading.diagnostics
    );
    assert_eq!(reading.articles.len(), 1, "{}", f.path);
    let a = &reading.articles[0];
    let r = record(&reading, 0);
    assert_eq!(
        r.doi.as_deref(),
        Some(f.doi.to_lowercase().as_str()),
        "{}",
        f.path
    );
    assert_eq!(a.id, format!("doi/{}", f.doi.to_lowercase()));
    assert_eq!(a.title, f.title, "{}", f.path);
    assert_eq!(r.creators.len(), f.creators, "{}", f.path);
    assert_eq!(r.subjects.len(), f.subjects, "{}", f.path);
    for uri in f.value_uris {
        assert!(
            a.terms.iter().any(|t| t == uri),
            "{}: {uri} in {:?}",
            f.path,
            a.terms
        );
    }
    assert_eq!(
        r.resource_type.as_deref(),
        Some(f.resource_type),
        "{}",
        f.path
    );
    assert_eq!(a.source.body_line, 1);
    assert!(!a.sections.is_empty());
    Some(reading)
}

const FOS: &str = "http://www.oecd.org/science/inno/38235147.pdf";

#[test]
fn datacite_xml_kernel_4_4() {
    let Some(reading) = check_datacite(&DataCiteFacts {
        path: format!("{BOLOGNESE}/datacite-example-full-v4.4.xml"),
        doi: "10.5072/example-full",
        title: "Full DataCite XML Example",
        creators: 1,
        subjects: 1,
        value_uris: &[],
        resource_type: "Software",
    }) else {
        return;
    };
    let a = &reading.articles[0];
    let r = record(&reading, 0);
    assert_eq!(r.format, "datacite-xml");
    assert_eq!(a.kind.as_deref(), Some("software"));
    // No valueURI: the Dewey subject's IRI is its schemeURI joined with its code.
    assert_eq!(r.subjects[0].iri.as_deref(), Some("http://dewey.info/000"));
    let titles = a.extra["titles"].as_array().expect("titles kept");
    assert_eq!(titles[1]["titleType"], "Subtitle");
    assert_eq!(titles[1]["title"], "Demonstration of DataCite Properties.");
    let item = &a.extra["relatedItems"];
    assert_eq!(item.as_array().map(Vec::len), Some(1));
    assert!(
        r.related.iter().any(|rel| rel.relation == "IsPublishedIn"
            && rel.identifier == "10.1016/j.physletb.2017.11.044")
    );
    assert_eq!(
        r.license.as_ref().and_then(|l| l.spdx.as_deref()),
        Some("CC0-1.0")
    );
    let creator = &r.creators[0];
    assert_eq!(
        (
            creator.name.as_str(),
            creator.given.as_deref(),
            creator.family.as_deref()
        ),
        ("Miller, Elizabeth", Some("Elizabeth"), Some("Miller"))
    );
    assert_eq!(creator.orcid.as_deref(), Some("0000-0001-5000-0007"));
    assert_eq!(r.contributors[0].role.as_deref(), Some("ProjectLeader"));
    assert_eq!(
        r.contributors[0].orcid.as_deref(),
        Some("0000-0002-7285-027X")
    );
    let funding = &r.funding[0];
    assert_eq!(
        funding.funder.as_deref(),
        Some("National Science Foundation")
    );
    assert_eq!(
        funding.funder_id.as_deref(),
        Some("https://doi.org/10.13039/100000001")
    );
    assert_eq!(funding.award_number.as_deref(), Some("CBET-106"));
    assert_eq!(a.projects, ["Full DataCite XML Example"]);
    // No Issued date: the publication year is the issue date.
    assert_eq!(r.issued.as_deref(), Some("2014"));
    assert_eq!(r.version.as_deref(), Some("4.2"));
    assert_eq!(r.language.as_deref(), Some("en-US"));
    assert_eq!(r.identifiers[0].scheme, "url");
    assert_eq!(a.extra["sizes"][0], "4 kB");
    assert_eq!(a.extra["formats"][0], "application/xml");
    assert!(a.extra.contains_key("geoLocations"));
    assert_eq!(
        a.summary,
        "XML example of all DataCite Metadata Schema v4.4 properties."
    );
    assert_eq!(a.sections[0].line, 55, "the line of the abstract");
}

#[test]
fn datacite_xml_kernel_4_5_and_4_6() {
    let Some(v45) = check_datacite(&DataCiteFacts {
        path: format!("{BOLOGNESE}/datacite-example-full-v4.5.xml"),
        doi: "10.82433/B09Z-4K37",
        title: "Example Title",
        creators: 2,
        subjects: 3,
        value_uris: &[FOS],
        resource_type: "Dataset",
    }) else {
        return;
    };
    let a = &v45.articles[0];
    let r = record(&v45, 0);
    assert_eq!(a.extra["titles"].as_array().map(Vec::len), Some(4));
    assert_eq!(r.contributors.len(), 21);
    let related_identifiers =
        r.related.len() - a.extra["relatedItems"].as_array().map_or(0, Vec::len);
    assert_eq!(related_identifiers, 36);
    assert_eq!(
        r.subjects
            .iter()
            .filter(|s| s.iri.as_deref() == Some(FOS))
            .count(),
        1,
        "one valueURI"
    );

    let Some(v46) = check_datacite(&DataCiteFacts {
        path: format!("{BOLOGNESE}/datacite-example-full-v4.6.xml"),
        doi: "10.82433/B09Z-4K37",
        title: "Example Title",
        creators: 2,
        subjects: 3,
        value_uris: &[FOS],
        resource_type: "Project",
    }) else {
        return;
    };
    let r = record(&v46, 0);
    assert_eq!(r.contributors.len(), 4);
    assert_eq!(
        r.related.iter().filter(|rel| rel.scheme.is_some()).count(),
        4
    );
}

#[test]
fn datacite_xml_kernel_4_7() {
    let Some(reading) = check_datacite(&DataCiteFacts {
        path:
            "datacite/datacite+schema/source/meta/kernel-4.7/example/datacite-example-full-v4.xml"
                .into(),
        doi: "10.82433/B09Z-4K37",
        title: "Example Title",
        creators: 2,
        subjects: 3,
        value_uris: &[FOS],
        resource_type: "Dataset",
    }) else {
        return;
    };
    let a = &reading.articles[0];
    let r = record(&reading, 0);
    assert_eq!(r.contributors.len(), 22);
    let items = a.extra["relatedItems"].as_array().map_or(0, Vec::len);
    assert_eq!(r.related.len() - items, 41);
    assert_eq!(a.extra["publicationYear"], "2024");
    assert_eq!(r.issued.as_deref(), Some("2024-01-01"), "the Issued date");
    let person = &r.creators[0];
    assert_eq!(person.orcid.as_deref(), Some("0000-0001-5727-2427"));
    assert_eq!(
        person.affiliations[0].ror.as_deref(),
        Some("https://ror.org/04wxnsj81")
    );
    let org = &r.creators[1];
    assert!(org.organisation);
    assert_eq!(org.identifier.as_deref(), Some("https://ror.org/04wxnsj81"));
    assert_eq!(r.publisher.as_deref(), Some("Example Publisher"));
    assert_eq!(
        a.extra["publisher"]["publisherIdentifier"],
        "https://ror.org/04z8jg394"
    );
    assert_eq!(
        r.license.as_ref().and_then(|l| l.spdx.as_deref()),
        Some("CC-BY-4.0")
    );
    assert_eq!(
        r.funding[0].award_uri.as_deref(),
        Some("https://example.com/example-award-uri")
    );
    assert_eq!(a.summary, "Example Abstract");
    assert_eq!(a.extra["descriptions"].as_array().map(Vec::len), Some(6));
    let hosting = r
        .contributors
        .iter()
        .find(|c| c.role.as_deref() == Some("HostingInstitution"))
        .expect("hosting institution");
    assert_eq!(
        hosting.identifier.as_deref(),
        Some("https://ror.org/03yrm5c26")
    );
    // IsVersionOf here points at an ISTC, not a DOI: no concept DOI.
    assert_eq!(r.concept_doi, None);
}

#[test]
fn datacite_xml_kernel_3_0_and_plain_4() {
    let Some(v3) = check_datacite(&DataCiteFacts {
        path: format!("{BOLOGNESE}/datacite-example-complicated-v3.0.xml"),
        doi: "10.5072/testpub",
        title: "Właściwości rzutowań podprzestrzeniowych",
        creators: 2,
        subjects: 2,
        value_uris: &[],
        resource_type: "Text",
    }) else {
        return;
    };
    let a = &v3.articles[0];
    let r = record(&v3, 0);
    assert_eq!(
        a.extra["schemaVersion"],
        "http://datacite.org/schema/kernel-3.0"
    );
    assert_eq!(r.creators[1].name, "つまらないものですが");
    assert_eq!(
        r.creators[1].identifier.as_deref(),
        Some("http://isni.org/isni/0000000134596520")
    );
    assert_eq!(r.language.as_deref(), Some("GER"));
    assert_eq!(
        r.license.as_ref().and_then(|l| l.spdx.as_deref()),
        Some("CC-BY-ND-2.0")
    );
    assert_eq!(
        r.contributors[0].orcid.as_deref(),
        Some("0000-0001-5393-1421")
    );
    assert_eq!(a.kind.as_deref(), Some("document"));
    assert!(a.summary.starts_with("Lorem ipsum dolor sit amet"));
    assert!(a.summary.chars().count() <= 301, "{}", a.summary);

    let Some(plain) = check_datacite(&DataCiteFacts {
        path: format!("{BOLOGNESE}/datacite.xml"),
        doi: "10.5438/4K3M-NYVG",
        title: "Eating your own Dog Food",
        creators: 1,
        subjects: 3,
        value_uris: &[],
        resource_type: "Text",
    }) else {
        return;
    };
    let a = &plain.articles[0];
    assert_eq!(a.authors[0].orcid.as_deref(), Some("0000-0003-1419-2405"));
    assert_eq!(a.tags, ["datacite", "doi", "metadata"]);
    assert_eq!(a.updated.as_deref(), Some("2016-12-20"));
}

#[test]
fn datacite_json_files() {
    let Some(bolognese) = check_datacite(&DataCiteFacts {
        path: format!("{BOLOGNESE}/datacite.json"),
        doi: "10.5438/4k3m-nyvg",
        title: "Eating your own Dog Food",
        creators: 1,
        subjects: 3,
        value_uris: &[],
        resource_type: "Text",
    }) else {
        return;
    };
    let a = &bolognese.articles[0];
    assert_eq!(record(&bolognese, 0).format, "datacite-json");
    assert_eq!(
        a.extra["publicationYear"], "2016",
        "the string kept as written"
    );
    assert_eq!(a.authors[0].orcid.as_deref(), Some("0000-0003-1419-2405"));
    assert!(
        a.summary
            .starts_with("Eating your own dog food is a slang term")
    );

    let Some(instrument) = check_datacite(&DataCiteFacts {
        path: format!("{COMMONMETA}/datacite-instrument.json"),
        doi: "10.82433/08qf-ee96",
        title: "Pilatus detector at MX station 14.1",
        creators: 1,
        subjects: 0,
        value_uris: &[],
        resource_type: "Instrument",
    }) else {
        return;
    };
    let a = &instrument.articles[0];
    let r = record(&instrument, 0);
    assert_eq!(a.kind.as_deref(), Some("instrument"));
    assert_eq!(
        a.extra["types"]["resourceType"],
        "Raster image pixel detector"
    );
    let dectris = &r.creators[0];
    assert_eq!(dectris.name, "DECTRIS");
    assert!(dectris.organisation);
    assert_eq!(
        dectris.identifier.as_deref(),
        Some("https://www.wikidata.org/wiki/Q107529885")
    );
    let hzb = &r.contributors[0];
    assert_eq!(hzb.role.as_deref(), Some("HostingInstitution"));
    assert_eq!(hzb.identifier.as_deref(), Some("https://ror.org/02aj13c28"));
    assert_eq!(r.issued.as_deref(), Some("2022"));
    assert!(
        r.landing_page
            .as_deref()
            .is_some_and(|u| u.ends_with("hzb-mx-14-1-pilatus.xml"))
    );

    let Some(dataset) = check_datacite(&DataCiteFacts {
        path: format!("{COMMONMETA}/datacite-dataset_v4.5.json"),
        doi: "10.82433/b09z-4k37",
        title: "Example Title",
        creators: 2,
        subjects: 4,
        value_uris: &[
            FOS,
            "https://www.abs.gov.au/statistics/classifications/australian-and-new-zealand-standard-research-classification-anzsrc/2020",
        ],
        resource_type: "Dataset",
    }) else {
        return;
    };
    let a = &dataset.articles[0];
    assert_eq!(
        a.extra["publicationYear"], 2022,
        "the number kept as written"
    );
    assert_eq!(
        record(&dataset, 0)
            .license
            .as_ref()
            .and_then(|l| l.spdx.as_deref()),
        Some("CC-PDDC")
    );
    // The XML of the same DOI writes it in upper case: both get one id.
    let Some(xml) = read_real(&format!("{BOLOGNESE}/datacite-example-full-v4.5.xml")) else {
        return;
    };
    assert_eq!(xml.articles[0].id, a.id);
}

#[test]
fn datacite_rest_list_has_a_line_per_item() {
    let text = br#"{"data": [
  {"id": "10.1/a", "attributes": {"doi": "10.1/A", "titles": [{"title": "A"}]}},
  {"id": "10.1/b",
   "attributes": {"doi": "10.1/b", "titles": [{"title": "B"}],
      "creators": [{"name": "X", "nameIdentifiers": [{"nameIdentifier": "0000-0002-1825-0098", "nameIdentifierScheme": "ORCID"}]}]}}
]}"#;
    assert_eq!(sniff_json(text), Some(JsonShape::DataCite));
    let reading = read_json(&inline("list.json"), text);
    let lines: Vec<usize> = reading
        .articles
        .iter()
        .map(|a| a.source.body_line)
        .collect();
    assert_eq!(lines, [2, 3]);
    let warnings = messages(&reading, Severity::Warning);
    assert_eq!(
        warnings,
        [
            "content/list.json:5: warning: invalid ORCID 0000-0002-1825-0098: checksum does not match"
        ]
    );
}

#[test]
fn zenodo_search_response() {
    let path = "zenodo-invenio/ElixirTeSS+TeSS/test/fixtures/files/ingestion/zenodo_abt.json";
    let Some((_, bytes)) = real(path) else { return };
    assert_eq!(sniff_json(&bytes), Some(JsonShape::ZenodoSearch));
    let Some(reading) = read_real(path) else {
        return;
    };
    assert!(errors(&reading).is_empty(), "{:?}", reading.diagnostics);
    assert!(
        messages(&reading, Severity::Note)
            .iter()
            .any(|n| n.contains("holds 25 of 41 hits"))
    );
    assert_eq!(
        reading.articles.len(),
        25,
        "25 hits, no two versions of one concept"
    );
    let records: Vec<&Record> = (0..25).map(|i| record(&reading, i)).collect();
    assert!(
        records
            .iter()
            .all(|r| r.communities == ["australianbiocommons-training"])
    );
    assert!(
        reading
            .articles
            .iter()
            .all(|a| a.license.as_deref() == Some("CC-BY-4.0"))
    );
    assert!(
        reading
            .articles
            .iter()
            .all(|a| a.extra["access_right"] == "open")
    );
    assert_eq!(records.iter().map(|r| r.creators.len()).sum::<usize>(), 105);
    let kinds = |t: &str| {
        records
            .iter()
            .filter(|r| r.resource_type.as_deref() == Some(t))
            .count()
    };
    assert_eq!((kinds("other"), kinds("presentation")), (24, 1));
    let first = &reading.articles[0];
    assert_eq!(first.id, "doi/10.5281/zenodo.10045628");
    assert_eq!(
        first.title,
        "WORKSHOP: RNASeq: reads to differential genes and pathways"
    );
    assert_eq!(first.authors.len(), 6);
    assert_eq!(first.source.body_line, 4);
    assert_eq!(
        records[0].concept_doi.as_deref(),
        Some("10.5281/zenodo.10045627")
    );
    assert_eq!(records[0].files.len(), 2);
    assert_eq!(
        records[0].creators[0].orcid.as_deref(),
        Some("0000-0003-0419-1476")
    );
    assert!(
        first
            .summary
            .starts_with("This record includes training materials")
    );
    assert!(!first.markdown.contains("<p>"));
    assert_eq!(reading.articles[1].id, "doi/10.5281/zenodo.10042919");
    assert_eq!(
        reading.articles[1].title,
        "WORKSHOP: Single cell RNAseq analysis in R"
    );
    assert_eq!(reading.articles[1].authors.len(), 8);
    assert_eq!(reading.articles[24].id, "doi/10.5281/zenodo.6350785");
    assert_eq!(records.iter().map(|r| r.keywords.len()).sum::<usize>(), 132);
    // MANIFEST says "no subjects"; the hits do carry `metadata.subjects` (EDAM
    // terms with IRIs, 59 in 21 hits), and they become terms.
    assert_eq!(records.iter().map(|r| r.subjects.len()).sum::<usize>(), 59);
    let edam = "http://edamontology.org/topic_3308";
    assert!(
        reading
            .articles
            .iter()
            .any(|a| a.terms.iter().any(|t| t == edam))
    );
}

#[test]
fn zenodo_legacy_record() {
    let path = "zenodo-invenio/front-matter+commonmeta-py/tests/fixtures/inveniordm-software.json";
    let Some((_, bytes)) = real(path) else { return };
    assert_eq!(sniff_json(&bytes), Some(JsonShape::ZenodoLegacy));
    let Some(reading) = read_real(path) else {
        return;
    };
    assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
    let a = &reading.articles[0];
    let r = record(&reading, 0);
    assert_eq!(r.format, "zenodo");
    assert_eq!(a.id, "doi/10.5281/zenodo.7752775");
    assert_eq!(r.concept_doi.as_deref(), Some("10.5281/zenodo.5785518"));
    assert_eq!(a.title, "commonmeta-ruby");
    assert_eq!(names(&r.creators), ["Fenner, Martin"]);
    assert_eq!(r.creators[0].orcid.as_deref(), Some("0000-0003-1419-2405"));
    assert_eq!(r.creators[0].affiliations[0].name, "Front Matter");
    assert_eq!(
        a.tags,
        ["ruby", "metadata", "software citation", "research software"]
    );
    assert_eq!(r.resource_type.as_deref(), Some("software"));
    assert_eq!(a.kind.as_deref(), Some("software"));
    assert_eq!(a.license.as_deref(), Some("MIT"));
    assert_eq!(r.version.as_deref(), Some("v3.0.1"));
    assert_eq!(
        r.landing_page.as_deref(),
        Some("https://zenodo.org/records/7752775")
    );
    assert_eq!(r.files[0].size, Some(5_061_453));
    assert_eq!(
        r.files[0].checksum.as_deref(),
        Some("md5:3a1f043dffdd529035b7269449f17448")
    );
    assert_eq!(r.related[0].relation, "isSupplementTo");
    assert_eq!(
        a.extra["notes"],
        "If you use ruby-cff in your work, please cite it using the following metadata"
    );
    assert!(a.extra.contains_key("stats"));
}

#[test]
fn inveniordm_native_record() {
    let path = "zenodo-invenio/front-matter+commonmeta-py/extracted/rogue-scholar.org-api-records-apt10-14q04.json";
    let Some((_, bytes)) = real(path) else { return };
    assert_eq!(sniff_json(&bytes), Some(JsonShape::InvenioRdm));
    let Some(reading) = read_real(path) else {
        return;
    };
    assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
    let a = &reading.articles[0];
    let r = record(&reading, 0);
    assert_eq!(r.format, "inveniordm");
    assert_eq!(a.id, "doi/10.59350/510pg-zzf58");
    assert_eq!(r.identifiers[0].value, "apt10-14q04");
    assert!(
        r.identifiers
            .iter()
            .any(|i| i.scheme == "oai" && i.value == "oai:invenio-rdm:apt10-14q04")
    );
    assert_eq!(r.concept_doi.as_deref(), Some("10.59350/eqnvx-r9e30"));
    assert_eq!(a.title, "Recognition Beyond Blog Post Authors");
    assert_eq!(
        names(&r.creators),
        ["Salmon, Maëlle", "Bellini Saibene, Yanina"]
    );
    assert_eq!(r.creators[0].orcid.as_deref(), Some("0000-0002-2815-0399"));
    assert_eq!(r.contributors.len(), 1);
    assert_eq!(r.contributors[0].role.as_deref(), Some("editor"));
    assert_eq!(r.resource_type.as_deref(), Some("publication-blogpost"));
    assert_eq!(a.kind.as_deref(), Some("publication"));
    assert_eq!(r.issued.as_deref(), Some("2025-10-14"));
    assert_eq!(a.license.as_deref(), Some("CC-BY-4.0"));
    assert_eq!(r.subjects.len(), 7);
    let with_id: Vec<(&str, &str)> = r
        .subjects
        .iter()
        .filter_map(|s| Some((s.value.as_str(), s.iri.as_deref()?)))
        .collect();
    assert_eq!(
        with_id[..2],
        [
            ("Information Systems", "https://openalex.org/subfields/1710"),
            (
                "Computer and information sciences",
                "http://www.oecd.org/science/inno/38235147.pdf?1.2"
            ),
        ]
    );
    assert_eq!(with_id.len(), 4);
    assert_eq!(
        a.terms,
        [
            "https://openalex.org/subfields/1710",
            "http://www.oecd.org/science/inno/38235147.pdf?1.2",
            "https://openalex.org/T12380",
            "https://openalex.org/subfields/1702",
        ]
    );
    assert_eq!(
        a.tags,
        ["Metadata", "Tech Notes", "Community Manager Tools"]
    );
    assert_eq!(r.language.as_deref(), Some("eng"));
    assert_eq!(r.communities, ["ropensci", "1702", "1710", "metadata"]);
    assert!(a.extra.contains_key("custom_fields"));
    assert!(a.summary.starts_with("Our own dev guide states"));
}

#[test]
fn cff_pass_examples_read_without_errors() {
    let Some(dir) = outputs() else { return };
    let pass = dir.join(CFF_EXAMPLES).join("pass");
    let mut count = 0;
    for entry in walkdir::WalkDir::new(&pass) {
        let entry = entry.expect("walk");
        if entry.file_name() != "CITATION.cff" {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .expect("under outputs")
            .to_string_lossy()
            .replace('\\', "/");
        let Some(reading) = read_real(&rel) else {
            return;
        };
        assert!(
            errors(&reading).is_empty(),
            "{rel}: {:?}",
            reading.diagnostics
        );
        assert_eq!(reading.articles.len(), 1, "{rel}");
        assert!(!reading.articles[0].title.is_empty(), "{rel}");
        assert_eq!(record(&reading, 0).format, "cff");
        count += 1;
    }
    assert_eq!(count, 25);
}

#[test]
fn cff_fail_examples_name_their_problem() {
    for (dir, problem) in [
        ("additional-key", "unknown CFF key `extra`"),
        (
            "ls1mardyn/ls1-mardyn-invalid-author-array",
            "unknown CFF key `author` (did you mean `authors`?)",
        ),
        (
            "ls1mardyn/ls1-mardyn",
            "date-released `2018-09-05T00:00:00.000Z` is not a date",
        ),
        (
            "tue-excellent-buildings/bso-toolbox-invalid-date",
            "date-released `2020-05-xx` is not a date",
        ),
    ] {
        let rel = format!("{CFF_EXAMPLES}/fail/{dir}/CITATION.cff");
        let Some(reading) = read_real(&rel) else {
            return;
        };
        let found = reading
            .diagnostics
            .iter()
            .any(|d| d.message.contains(problem));
        assert!(found, "{rel}: {problem} not in {:?}", reading.diagnostics);
    }
    // The lines point at the keys.
    let rel = format!("{CFF_EXAMPLES}/fail/additional-key/CITATION.cff");
    let Some(reading) = read_real(&rel) else {
        return;
    };
    let extra = reading
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`extra`"))
        .expect("warning");
    assert_eq!(extra.line, 8);
    let rel = format!("{CFF_EXAMPLES}/fail/ls1mardyn/ls1-mardyn-invalid-author-array/CITATION.cff");
    let Some(reading) = read_real(&rel) else {
        return;
    };
    assert!(
        reading
            .diagnostics
            .iter()
            .any(|d| d.message.contains("no `authors`"))
    );
}

#[test]
fn cff_key_complete() {
    let Some(reading) = read_real(&format!("{CFF_EXAMPLES}/pass/key-complete/CITATION.cff")) else {
        return;
    };
    let a = &reading.articles[0];
    let r = record(&reading, 0);
    assert_eq!(a.title, "Citation File Format 1.0.0");
    assert_eq!(r.creators.len(), 2);
    assert_eq!(r.creators[0].name, "van der Real Person, One Truly, IV");
    assert!(r.creators[1].organisation);
    assert_eq!(r.doi.as_deref(), Some("10.5281/zenodo.1003150"));
    assert_eq!(a.license.as_deref(), Some("CC-BY-SA-4.0"));
    assert!(a.extra.contains_key("preferred-citation"));
    assert!(a.extra.contains_key("references"));
    assert_eq!(
        r.identifiers.len(),
        3,
        "swh, url, other; the DOI is the record's"
    );
    assert_eq!(a.summary, "This is an awesome piece of research software!");
    assert_eq!(a.sections[0].line, 12);
    assert_eq!(
        r.related[0].identifier,
        "http://foo.com/blah_(wikipedia)_blah#cite-1"
    );
}

#[test]
fn cff_training_catalogue_with_a_repeated_key() {
    let path = "software/pan-training+training-catalogue/CITATION.cff";
    let Some(reading) = read_real(path) else {
        return;
    };
    let repeated: Vec<_> = reading
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("`message` is repeated"))
        .collect();
    assert_eq!(repeated.len(), 1, "{:?}", reading.diagnostics);
    assert_eq!(repeated[0].line, 21);
    assert!(repeated[0].message.contains("first on line 2"));
    assert_eq!(repeated[0].severity, Severity::Warning);
    let a = &reading.articles[0];
    let r = record(&reading, 0);
    assert_eq!(
        a.extra["message"],
        "If you use this software, please cite it using these metadata."
    );
    assert_eq!(
        a.title,
        "Training-catalogue for the Photon and Neutron Data Services"
    );
    assert_eq!(r.creators.len(), 3);
    assert_eq!(r.creators[0].orcid.as_deref(), Some("0000-0001-8174-7795"));
    assert_eq!(r.doi.as_deref(), Some("10.5281/zenodo.7015078"));
    assert_eq!(r.version.as_deref(), Some("1.1.2"));
    assert_eq!(a.license.as_deref(), Some("BSD-3-Clause-Clear"));
    assert_eq!(a.updated.as_deref(), Some("2022-12-21"));
}

#[test]
fn cff_pynxtools_authors() {
    let Some(reading) = read_real("software/FAIRmat-NFDI+pynxtools/CITATION.cff") else {
        return;
    };
    assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
    let a = &reading.articles[0];
    let r = record(&reading, 0);
    assert_eq!(
        a.title,
        "Pynxtools: A Python Library for NeXus-Compliant Experimental Data Conversion and Integration with NOMAD Platform"
    );
    assert_eq!(r.creators.len(), 22);
    assert!(r.creators.iter().all(|c| c.orcid.is_some()));
    assert!(a.authors.iter().any(|p| p.name == "Kühbach, Markus"));
    assert!(
        a.authors
            .iter()
            .any(|p| p.name == "Márquez Prieto, José A.")
    );
    assert_eq!(r.doi.as_deref(), Some("10.5281/zenodo.13862041"));
    assert_eq!(r.version.as_deref(), Some("0.15.0"));
    assert_eq!(a.license.as_deref(), Some("Apache-2.0"));
    assert_eq!(r.resource_type.as_deref(), Some("software"));
    assert_eq!(a.kind.as_deref(), Some("software"));
    assert!(
        a.markdown
            .contains("This work is part of the FAIRmat project")
    );
}

#[test]
fn rodare_deposit_file() {
    let path = "software/pan-training+training-catalogue/.rodare.json";
    let Some(reading) = read_real(path) else {
        return;
    };
    assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
    let a = &reading.articles[0];
    let r = record(&reading, 0);
    assert_eq!(r.format, "zenodo-deposit");
    assert_eq!(a.title, "PaN Training Catalogue");
    assert_eq!(r.creators.len(), 2);
    assert_eq!(r.contributors.len(), 1);
    assert_eq!(r.contributors[0].role.as_deref(), Some("Other"));
    assert_eq!(r.resource_type.as_deref(), Some("software"));
    let licence = r.license.as_ref().expect("licence");
    assert_eq!(licence.name.as_deref(), Some("BSD 3-Clause"));
    assert_eq!(licence.spdx.as_deref(), Some("BSD-3-Clause"));
    assert_eq!(r.communities, ["rodare"]);
    assert_eq!(a.extra["pub_id"], "34495");
    assert_eq!(a.id, "software/pan-training-training-catalogue/.rodare");
}

#[test]
fn codemeta_files() {
    let Some(pan) = read_real("software/pan-training+training-catalogue/codemeta.json") else {
        return;
    };
    let a = &pan.articles[0];
    let r = record(&pan, 0);
    assert!(errors(&pan).is_empty(), "{:?}", pan.diagnostics);
    assert!(
        messages(&pan, Severity::Warning)
            .iter()
            .any(|w| w.contains("lists no authors"))
    );
    assert_eq!(
        a.extra["@context"],
        "https://doi.org/10.5063/schema/codemeta-2.0"
    );
    assert_eq!(a.title, "PaN Training Catalogue");
    assert!(r.creators.is_empty());
    assert_eq!(r.version.as_deref(), Some("1.0"));
    assert_eq!(a.extra["softwareVersion"], "1.1");
    assert_eq!(a.license.as_deref(), Some("BSD-3-Clause"));

    let Some(v3) = read_real("software/codemeta+codemeta/codemeta.json") else {
        return;
    };
    assert!(v3.diagnostics.is_empty(), "{:?}", v3.diagnostics);
    let a = &v3.articles[0];
    let r = record(&v3, 0);
    assert_eq!(a.extra["@context"], "https://w3id.org/codemeta/3.0");
    assert_eq!(
        a.title,
        "CodeMeta: Minimal metadata schemas for science software and code, in JSON-LD"
    );
    assert_eq!(names(&r.creators), ["Boettiger, Carl", "Jones, Matthew B."]);
    assert_eq!(r.creators[0].orcid.as_deref(), Some("0000-0002-1642-628X"));
    assert_eq!(r.version.as_deref(), Some("3.1"));
    assert_eq!(a.license.as_deref(), Some("Apache-2.0"));
    assert_eq!(a.kind.as_deref(), Some("software"));
    let funding = &r.funding[0];
    assert_eq!(funding.award_number.as_deref(), Some("1549758"));
    assert_eq!(
        funding.funder.as_deref(),
        Some("National Science Foundation")
    );
    assert_eq!(
        funding.funder_id.as_deref(),
        Some("https://doi.org/10.13039/100000001")
    );
    assert_eq!(r.issued.as_deref(), Some("2023-07-23"));
    assert_eq!(
        r.related[0].identifier,
        "https://github.com/codemeta/codemeta"
    );

    let Some(invalid) =
        read_real("software/codemeta+codemeta/examples/example-codemeta-invalid.json")
    else {
        return;
    };
    let warnings = messages(&invalid, Severity::Warning);
    for term in ["not_in_schema", "descriptionn"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(&format!("unknown CodeMeta term `{term}`"))),
            "{warnings:?}"
        );
    }
    assert!(
        invalid.articles[0].extra.contains_key("not_in_schema"),
        "kept in extra"
    );

    let Some(untyped) = read_real("software/codemeta+codemeta/examples/codemeta-software.json")
    else {
        return;
    };
    assert!(untyped.diagnostics.is_empty(), "{:?}", untyped.diagnostics);
    assert_eq!(untyped.articles[0].title, "Topoflow Hydrology model");
    assert_eq!(record(&untyped, 0).creators.len(), 1);
    // No `@type`: the compacted `type` CodeMeta's context defines names it.
    assert!(!untyped.articles[0].extra.contains_key("@type"));
    assert_eq!(
        record(&untyped, 0).resource_type.as_deref(),
        Some("SoftwareApplication")
    );
    assert_eq!(untyped.articles[0].kind.as_deref(), Some("software"));

    let Some(v1) = read_real(&format!("{BOLOGNESE}/codemeta.json")) else {
        return;
    };
    let a = &v1.articles[0];
    let r = record(&v1, 0);
    assert_eq!(a.title, "R Interface to the DataONE REST API");
    assert_eq!(r.creators.len(), 3);
    assert_eq!(r.creators[0].orcid.as_deref(), Some("0000-0003-0077-4738"));
    assert!(r.creators[2].organisation);
    assert_eq!(a.tags, ["data sharing", "data repository", "DataONE"]);
    assert_eq!(a.license.as_deref(), Some("Apache-2.0"));
    assert_eq!(r.doi.as_deref(), Some("10.5063/f1m61h5x"));
    let warnings = messages(&v1, Severity::Warning);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`controlledTem`"));
}

#[test]
fn sniffing_real_files() {
    let cases: &[(&str, Option<JsonShape>)] = &[
        (
            "datacite/datacite+bolognese/spec/fixtures/datacite.json",
            Some(JsonShape::DataCite),
        ),
        (
            "datacite/front-matter+commonmeta-py/tests/fixtures/datacite-instrument.json",
            Some(JsonShape::DataCite),
        ),
        (
            "datacite/datacite+bolognese/spec/fixtures/codemeta.json",
            Some(JsonShape::CodeMeta),
        ),
        (
            "datacite/datacite+bolognese/spec/fixtures/schema_org.json",
            None,
        ),
        (
            "software/codemeta+codemeta/examples/schema-org-codemeta.json",
            Some(JsonShape::CodeMeta),
        ),
        (
            "software/pan-training+training-catalogue/.rodare.json",
            Some(JsonShape::Deposit),
        ),
    ];
    for (path, shape) in cases {
        let Some((_, bytes)) = real(path) else { return };
        assert_eq!(sniff_json(&bytes), *shape, "{path}");
    }
    for path in [
        "datacite/datacite+bolognese/spec/fixtures/datacite-example-complicated-v3.0.xml",
        "datacite/datacite+schema/source/meta/kernel-4.7/example/datacite-example-full-v4.xml",
    ] {
        let Some((_, bytes)) = real(path) else { return };
        assert_eq!(sniff_xml(&bytes), Some(XmlShape::DataCite), "{path}");
    }
    assert_eq!(
        sniff_xml(b"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>"),
        None
    );
    assert_eq!(sniff_json(b"[1, 2]"), None);
}

#[test]
fn malformed_xml_is_an_error_with_its_line() {
    let xml = b"<resource xmlns=\"http://datacite.org/schema/kernel-4\">\n  <titles>\n    <title>T</title>\n  </creators>\n</resource>\n";
    let reading = read_xml(&inline("bad.xml"), xml);
    assert!(reading.articles.is_empty());
    let d = &reading.diagnostics[0];
    assert_eq!((d.severity, d.line), (Severity::Error, 4), "{d}");
    assert!(d.message.starts_with("malformed XML"), "{d}");
    // Not a DataCite record at all.
    let reading = read_xml(&inline("other.xml"), b"<html><body/></html>");
    assert!(
        reading.diagnostics[0]
            .message
            .contains("neither a DataCite <resource>")
    );
}

#[test]
fn truncated_json_is_an_error_with_its_line() {
    let Some((f, bytes)) = real(&format!("{BOLOGNESE}/datacite.json")) else {
        return;
    };
    let cut = &bytes[..400];
    let reading = read_json(&f, cut);
    assert!(reading.articles.is_empty());
    let d = &reading.diagnostics[0];
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.starts_with("invalid JSON: EOF"), "{d}");
    assert_eq!(d.line, 1 + cut.iter().filter(|b| **b == b'\n').count());
}

#[test]
fn hostile_nesting_is_refused_without_overflow() {
    let deep_json = format!("{{\"data\":{}", "[".repeat(100_000));
    let reading = read_json(&inline("deep.json"), deep_json.as_bytes());
    assert_eq!(
        reading.diagnostics[0].message,
        "JSON nested deeper than 64 levels"
    );
    let reading = read_json(&inline("codemeta.json"), deep_json.as_bytes());
    assert_eq!(
        reading.diagnostics[0].message,
        "JSON nested deeper than 64 levels"
    );

    let deep_xml = format!(
        "<resource xmlns=\"http://datacite.org/schema/kernel-4\">{}",
        "<a>".repeat(100_000)
    );
    let reading = read_xml(&inline("deep.xml"), deep_xml.as_bytes());
    assert_eq!(
        reading.diagnostics[0].message,
        "XML nested deeper than 64 levels"
    );
    assert_eq!(reading.diagnostics[0].severity, Severity::Error);

    let deep_yaml = format!("title: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    let reading = cff::read(&inline("CITATION.cff"), deep_yaml.as_bytes());
    assert_eq!(reading.diagnostics[0].severity, Severity::Error);
    assert_eq!(
        reading.diagnostics[0].message,
        "YAML nested deeper than 64 levels"
    );
    // Within the bound, the YAML reader's own limit is not even reached.
    let nested = format!("title: x\nextra: {}{}\n", "[".repeat(60), "]".repeat(60));
    let reading = cff::read(&inline("CITATION.cff"), nested.as_bytes());
    assert!(errors(&reading).is_empty(), "{:?}", reading.diagnostics);
}

#[test]
fn bad_orcid_checksum_is_a_warning_with_its_line() {
    let xml = br#"<resource xmlns="http://datacite.org/schema/kernel-4">
  <identifier identifierType="DOI">10.1234/x</identifier>
  <creators>
    <creator>
      <creatorName>Doe, Jane</creatorName>
      <nameIdentifier nameIdentifierScheme="ORCID">https://orcid.org/0000-0002-1825-0098</nameIdentifier>
    </creator>
  </creators>
  <titles><title>T</title></titles>
  <publicationYear>2020-05-xx</publicationYear>
</resource>"#;
    let reading = read_xml(&inline("r.xml"), xml);
    let warnings = messages(&reading, Severity::Warning);
    assert_eq!(
        warnings,
        [
            "content/r.xml:6: warning: invalid ORCID 0000-0002-1825-0098: checksum does not match",
            "content/r.xml:10: warning: unparseable date `2020-05-xx` in publicationYear (expected YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 date-time)",
        ]
    );
    // The iD is kept (a digit to fix), the date is not.
    assert_eq!(
        reading.articles[0].authors[0].orcid.as_deref(),
        Some("0000-0002-1825-0098")
    );
    assert_eq!(reading.articles[0].updated, None);
}

#[test]
fn versions_of_one_concept_become_one_item() {
    let hit = |doi: &str, version: &str, date: &str| {
        format!(
            r#"{{"doi": "{doi}", "conceptdoi": "10.5281/zenodo.100", "metadata": {{"title": "Tool {version}", "version": "{version}", "publication_date": "{date}", "creators": [{{"name": "A"}}]}}}}"#
        )
    };
    let text = format!(
        r#"{{"hits": {{"total": 4, "hits": [{}, {}, {}, {}]}}}}"#,
        hit("10.5281/zenodo.101", "1.0", "2020-01-01"),
        hit("10.5281/zenodo.103", "3.0", "2022-01-01"),
        r#"{"doi": "10.5281/zenodo.200", "metadata": {"title": "Other"}}"#,
        hit("10.5281/zenodo.102", "2.0", "2021-01-01"),
    );
    let reading = read_json(&inline("search.json"), text.as_bytes());
    assert!(errors(&reading).is_empty(), "{:?}", reading.diagnostics);
    assert_eq!(reading.articles.len(), 2);
    let tool = &reading.articles[0];
    assert_eq!(
        tool.id, "doi/10.5281/zenodo.103",
        "the newest version stands for all"
    );
    let versions: Vec<(&str, Option<&str>)> = record(&reading, 0)
        .versions
        .iter()
        .map(|v| (v.doi.as_str(), v.version.as_deref()))
        .collect();
    assert_eq!(
        versions,
        [
            ("10.5281/zenodo.102", Some("2.0")),
            ("10.5281/zenodo.101", Some("1.0"))
        ]
    );
    assert_eq!(reading.articles[1].title, "Other");
}

#[test]
fn items_without_doi_get_numbered_ids() {
    let text = br#"{"data": [{"attributes": {"titles": [{"title": "A"}]}}, {"attributes": {"titles": [{"title": "B"}]}}]}"#;
    let reading = read_json(&inline("dir/list.json"), text);
    let ids: Vec<&str> = reading.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["dir/list", "dir/list/2"]);
    assert!(
        messages(&reading, Severity::Warning)
            .iter()
            .all(|w| w.contains("has no DOI"))
    );
}

#[test]
fn specific_resource_type_names_the_kind() {
    let text = br#"{"data": [
      {"attributes": {"doi": "10.5281/zenodo.1", "titles": [{"title": "A"}],
        "types": {"resourceTypeGeneral": "Text", "resourceType": "Deliverable"}}},
      {"attributes": {"doi": "10.5281/zenodo.2", "titles": [{"title": "B"}],
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Other"}}},
      {"attributes": {"doi": "10.5281/zenodo.3", "titles": [{"title": "C"}],
        "types": {"resourceTypeGeneral": "Text", "resourceType": "Monograph"}}}
    ]}"#;
    let reading = read_json(&inline("list.json"), text);
    let kinds: Vec<Option<&str>> = reading.articles.iter().map(|a| a.kind.as_deref()).collect();
    assert_eq!(
        kinds,
        [Some("deliverable"), Some("dataset"), Some("document")]
    );
    assert_eq!(
        record(&reading, 0).resource_type.as_deref(),
        Some("Deliverable")
    );
    assert_eq!(
        reading.articles[0].extra["types"]["resourceTypeGeneral"],
        "Text"
    );
}
