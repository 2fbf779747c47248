//! EOSC project outputs from ../shared/data/outputs: record files (DataCite,
//! OAI-PMH, Zenodo, InvenioRDM, CFF, CodeMeta), PDFs, training material and
//! notebooks indexed beside guidance, as items that search, facets, the content
//! graph and `check` treat like articles. The facts asserted are those listed
//! in the shared data's MANIFEST.md.

use std::path::PathBuf;

use eoskb::index::{self, DataDir, IndexOptions, IndexReport};
use eoskb::ingest::Severity;
use eoskb::model::Facet;
use eoskb::query::{self, KnowledgeBase, SearchRequest};
use eoskb::settings::AskParams;

use crate::ontology::select;
use crate::support::{encoder, index_with, open, open_with, shared_dir};

fn run(data: &DataDir, content: &[PathBuf]) -> IndexReport {
    index::run(data, &IndexOptions::new(content.to_vec())).expect("index run")
}

fn outputs() -> Option<PathBuf> {
    Some(shared_dir()?.join("data/outputs"))
}

fn keyword(kb: &KnowledgeBase, q: &str) -> query::SearchResponse {
    let request = SearchRequest::new(q).with_mode(eoskb::settings::Mode::Keyword);
    query::search(kb, &request).unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn diagnostics_for<'a>(
    report: &'a IndexReport,
    path_end: &str,
) -> Vec<&'a eoskb::ingest::Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.path.ends_with(path_end))
        .collect()
}

#[test]
fn output_records_become_items_found_by_doi_title_and_facets() {
    let Some(outputs) = outputs() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = run(&data, std::slice::from_ref(&outputs));
    assert!(report.published, "{:?}", report.diagnostics);
    let kb = open(&data);

    // The OAI-PMH dump holds two records, each its own item under its DOI.
    for (doi, title) in [
        ("10.5281/zenodo.4629306", "TuLeD: Tupían lexical database"),
        (
            "10.5281/zenodo.4161623",
            "CLDF dataset derived from Gerardi and Reichert's \"TuLeD: Tupían lexical database\" from 2020",
        ),
    ] {
        let id = format!("doi/{doi}");
        assert!(kb.has_article(&id), "{id} missing");
        let view = query::get_article(&kb, &id).unwrap();
        assert_eq!(view.article.title, title);
        let record = view.article.record.as_deref().expect("a record");
        assert_eq!(record.doi.as_deref(), Some(doi));
        assert_eq!(record.creators.len(), 5);
        assert_eq!(view.article.kind.as_deref(), Some("dataset"));
        // Found by its DOI as typed.
        let found = keyword(&kb, doi);
        assert_eq!(
            found.hits.first().map(|h| h.id.as_str()),
            Some(id.as_str()),
            "{doi}"
        );
    }

    // One DOI described by several files (DataCite XML 4.5, 4.6, 4.7 and the
    // REST JSON) is one item; the later descriptions are named and left out.
    let id = "doi/10.82433/b09z-4k37";
    assert!(kb.has_article(id));
    let left_out = report
        .diagnostics
        .iter()
        .filter(|d| {
            d.message
                .contains("`doi/10.82433/b09z-4k37` is already described by")
        })
        .count();
    assert_eq!(left_out, 3, "{:?}", report.diagnostics);

    // The Zenodo search response: 25 hits, all in one community.
    let facets = keyword(&kb, "workshop").facets;
    let communities = facets
        .get(Facet::Communities.name())
        .expect("community facet");
    assert!(
        communities.contains_key("australianbiocommons-training"),
        "{communities:?}"
    );
    let mut request = SearchRequest::new("*").with_mode(eoskb::settings::Mode::Keyword);
    request = request.with_filter(Facet::Communities, ["australianbiocommons-training"]);
    let in_community = query::search(&kb, &request).unwrap();
    assert_eq!(in_community.total, 25);

    // CITATION.cff of pynxtools: 22 authors, its DOI, its licence.
    let view = query::get_article(&kb, "doi/10.5281/zenodo.13862041").unwrap();
    assert_eq!(view.article.authors.len(), 22);
    assert_eq!(view.article.license.as_deref(), Some("Apache-2.0"));
    assert_eq!(view.article.kind.as_deref(), Some("software"));

    // Facets for year and licence hold the records' values.
    let all = query::search(
        &kb,
        &SearchRequest::new("*")
            .with_mode(eoskb::settings::Mode::Keyword)
            .with_facet_limit(eoskb::query::request::MAX_FACET_LIMIT),
    )
    .unwrap();
    let years = all.facets.get(Facet::Year.name()).unwrap();
    assert!(
        years.contains_key("2021") || years.contains_key("2020"),
        "{years:?}"
    );
    let licences = all.facets.get(Facet::License.name()).unwrap();
    assert!(licences.contains_key("CC-BY-4.0"), "{licences:?}");

    // The content graph links the item to its DOI IRI.
    let rows = select(
        &kb,
        "PREFIX schema: <https://schema.org/> SELECT ?item WHERE { \
         ?item schema:sameAs <https://doi.org/10.5281/zenodo.4629306> }",
    );
    assert_eq!(rows.len(), 1, "{rows:?}");

    // Bad files are diagnostics and the rest indexes: the CFF examples meant to
    // fail say why.
    let invalid_date = diagnostics_for(&report, "bso-toolbox-invalid-date/CITATION.cff");
    assert!(
        invalid_date
            .iter()
            .any(|d| d.message.contains("2020-05-xx")),
        "{invalid_date:?}"
    );
    let no_authors = diagnostics_for(&report, "ls1-mardyn-invalid-author-array/CITATION.cff");
    assert!(
        no_authors.iter().any(|d| d.severity >= Severity::Warning),
        "{no_authors:?}"
    );

    // Deliverable PDFs are items whose hits cite the page.
    let found = keyword(&kb, "benchmarks stored in a dedicated database");
    let top = found.hits.first().expect("a hit");
    assert_eq!(
        top.title,
        "PaN-Finder Deliverable 2.a: Report on exploration and activities for MVP"
    );
    assert_eq!(top.kind.as_deref(), Some("deliverable"));
    assert!(top.section.anchor.starts_with("page="), "{:?}", top.section);
    // The poster has no text layer: a warning, and still an item.
    let poster = diagnostics_for(&report, "01-491-poster-PaN-Finder.pdf");
    assert!(
        poster.iter().any(|d| d.message.contains("no text layer")),
        "{poster:?}"
    );
    assert!(kb.has_article("pdf/pan-finder-deliverables/task-7/01-491-poster-pan-finder"));

    // Training material: Bioschemas JSON-LD with its PaNET `about` as a term,
    // HTML pages with their JSON-LD, notebooks with code searchable apart.
    let found = keyword(&kb, "Introduction to Neutron Scattering Techniques");
    let top = found.hits.first().expect("a hit");
    assert_eq!(top.title, "Introduction to Neutron Scattering Techniques");
    assert_eq!(top.kind.as_deref(), Some("training"));
    let view = query::get_article(&kb, &top.id).unwrap();
    assert!(
        view.article.terms.iter().any(|t| t.ends_with("PaNET01124")),
        "{:?}",
        view.article.terms
    );
    let galaxy = keyword(&kb, "Galaxy 101");
    assert!(
        galaxy
            .hits
            .iter()
            .any(|h| h.title == "Hands-on for 'Galaxy 101' tutorial"),
        "{:?}",
        galaxy.hits.iter().map(|h| &h.title).collect::<Vec<_>>()
    );
    let notebook = keyword(&kb, "McStasScript introduction");
    let top = notebook.hits.first().expect("a hit");
    assert_eq!(top.title, "McStasScript introduction");
    assert_eq!(top.kind.as_deref(), Some("notebook"));
    let view = query::get_article(&kb, &top.id).unwrap();
    let code: usize = view.article.sections.iter().map(|s| s.code.len()).sum();
    assert_eq!(
        code, 32,
        "the tutorial's 33 code cells, but the empty one, are kept as code"
    );
    assert!(
        view.article
            .sections
            .iter()
            .all(|s| !s.text.contains("import McStasScript")),
        "code never reaches the quotable text"
    );

    // A second run over unchanged files reads nothing again.
    let again = run(&data, &[outputs]);
    assert!(!again.published);
    assert!(
        again.added.is_empty() && again.changed.is_empty(),
        "{again:?}"
    );
}

/// A record of ours for the PaN-Finder deliverable, listing the PDF by name.
const DELIVERABLE_RECORD: &str = r#"{"data": {"id": "10.5281/zenodo.0000001", "type": "dois", "attributes": {
  "doi": "10.5281/zenodo.0000001",
  "titles": [{"title": "Deliverable 2.a record"}],
  "creators": [{"name": "PaN-Finder", "nameType": "Organizational"}],
  "publisher": "Zenodo", "publicationYear": 2026,
  "types": {"resourceTypeGeneral": "Text", "resourceType": "Deliverable"},
  "descriptions": [{"description": "The record of a deliverable whose PDF sits beside it.", "descriptionType": "Abstract"}],
  "contentUrl": ["https://example.org/files/D2a.pdf"]
}}}"#;

#[test]
fn a_pdf_beside_its_record_is_the_record_body_and_follows_its_changes() {
    let Some(outputs) = outputs() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    let pdf = outputs.join("pdf/PaN-Finder+deliverables/task-2/PaN-Finder-Deliverable-2-a.pdf");
    std::fs::write(content.join("D2a.json"), DELIVERABLE_RECORD).unwrap();
    std::fs::copy(&pdf, content.join("D2a.pdf")).unwrap();
    let data = DataDir::new(tmp.path().join("data"));

    let report = run(&data, std::slice::from_ref(&content));
    assert_eq!(report.articles, 1, "{:?}", report.diagnostics);
    let kb = open(&data);
    let id = "doi/10.5281/zenodo.0000001";
    let view = query::get_article(&kb, id).unwrap();
    assert_eq!(view.article.title, "Deliverable 2.a record");
    assert!(
        view.article.sections.iter().any(|s| s.page.is_some()),
        "the PDF's pages are the record's sections"
    );
    let record = view.article.record.as_deref().unwrap();
    assert!(record.files.iter().any(|f| f.name == "D2a.pdf"));
    let hit = keyword(&kb, "benchmarks stored in a dedicated database");
    assert_eq!(hit.hits.first().map(|h| h.id.as_str()), Some(id));
    assert!(hit.hits[0].section.anchor.starts_with("page="));
    drop(kb);

    // The PDF goes: the record is read again, without the pages.
    std::fs::remove_file(content.join("D2a.pdf")).unwrap();
    let report = run(&data, std::slice::from_ref(&content));
    assert!(report.published);
    assert_eq!(report.changed.len(), 1, "{report:?}");
    let kb = open(&data);
    let view = query::get_article(&kb, id).unwrap();
    assert!(view.article.sections.iter().all(|s| s.page.is_none()));
    drop(kb);

    // It comes back: attached again, with nothing else changed.
    std::fs::copy(&pdf, content.join("D2a.pdf")).unwrap();
    let report = run(&data, std::slice::from_ref(&content));
    assert!(report.published);
    assert_eq!(report.articles, 1);
    let kb = open(&data);
    assert!(
        query::get_article(&kb, id)
            .unwrap()
            .article
            .sections
            .iter()
            .any(|s| s.page.is_some())
    );
    // Unchanged files: nothing read again.
    drop(kb);
    let report = run(&data, &[content]);
    assert!(!report.published);
}

/// PaN catalogue records (PaN-Finder harvests of the facilities' portals):
/// technique PIDs become PaNET terms, so `term=` finds the records under a
/// technique and its narrower ones.
#[test]
fn catalogue_records_are_found_under_their_panet_techniques() {
    let Some(shared) = shared_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let records = shared.join("data/corpora/pan-docs/PaN-Finder+deliverables/task-1/data");
    let report = index::run(
        &data,
        &IndexOptions {
            content: vec![records],
            ontologies: vec![shared.join("data/ontologies/panet")],
            ..Default::default()
        },
    )
    .expect("index run");
    assert!(report.published, "{:?}", report.diagnostics);
    // 455 ESS + 5 + 6 DESY + 5 MAX IV + 2 ILL records, and the folder's README.
    assert_eq!(report.articles, 474, "{:?}", report.diagnostics);
    let kb = open(&data);
    let under = |term: &str| {
        let request = SearchRequest::new("*")
            .with_mode(eoskb::settings::Mode::Keyword)
            .with_filter(Facet::Terms, [term]);
        query::search(&kb, &request)
            .unwrap_or_else(|e| panic!("{term}: {e}"))
            .total
    };
    assert_eq!(
        under("PaNET:PaNET01189"),
        1,
        "small angle neutron scattering"
    );
    let neutron = under("PaNET:PaNET00101");
    assert!(neutron >= 357, "neutron probe and narrower: {neutron}");
    assert!(under("PaNET:PaNET01012") >= 93, "x-ray probe and narrower");
}

/// The D2a deliverable encrypted (RC4, 128 bits) with a user password.
fn encrypted(pdf: &[u8]) -> Vec<u8> {
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    let mut doc = lopdf::Document::load_mem(pdf).expect("the deliverable loads");
    let id = lopdf::Object::String(
        b"0123456789abcdef".to_vec(),
        lopdf::StringFormat::Hexadecimal,
    );
    doc.trailer
        .set("ID", lopdf::Object::Array(vec![id.clone(), id]));
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "secret",
        key_length: 128,
        permissions: Permissions::PRINTABLE,
    })
    .expect("an encryption state");
    doc.encrypt(&state).expect("encrypts");
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("saves");
    bytes
}

/// Bad files beside good ones: a truncated PDF, an encrypted PDF, malformed
/// DataCite XML, JSON-LD with an unknown remote context and a 200 MB file each
/// give a diagnostic naming the file, and the rest indexes and publishes.
#[test]
fn bad_output_files_are_diagnostics_and_the_rest_indexes() {
    let Some(outputs) = outputs() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    let copy = |from: &str, to: &str| {
        std::fs::copy(outputs.join(from), content.join(to)).unwrap();
    };
    // Good files.
    copy(
        "pdf/PaN-Finder+deliverables/task-2/PaN-Finder-Deliverable-2-a.pdf",
        "d2a.pdf",
    );
    copy(
        "oai-pmh/dlce-eva+zenodoclient/tests/oaipmh.xml",
        "oaipmh.xml",
    );
    copy(
        "training/pan-training+llm-metadata-generator/docs/Bioschemas/examples/trainingmaterial-minimal.json",
        "minimal.json",
    );
    // Bad files.
    let d7b = std::fs::read(
        outputs.join("pdf/PaN-Finder+deliverables/task-7/PaN-Finder-Deliverable-7-b.pdf"),
    )
    .unwrap();
    std::fs::write(content.join("truncated.pdf"), &d7b[..d7b.len() / 2]).unwrap();
    let d2a = std::fs::read(content.join("d2a.pdf")).unwrap();
    std::fs::write(content.join("locked.pdf"), encrypted(&d2a)).unwrap();
    let xml = std::fs::read(outputs.join("datacite/datacite+bolognese/spec/fixtures/datacite.xml"))
        .unwrap();
    std::fs::write(content.join("malformed.xml"), &xml[..xml.len() / 2]).unwrap();
    std::fs::write(
        content.join("remote.jsonld"),
        r#"{"@context": "https://example.org/contexts/training.jsonld", "@type": "LearningResource",
            "name": "Remote context course", "description": "Read with schema.org names."}"#,
    )
    .unwrap();
    // 200 MB, sparse: almost nothing is written to disk.
    let huge = std::fs::File::create(content.join("huge.pdf")).unwrap();
    huge.set_len(200 * 1000 * 1000).unwrap();
    drop(huge);

    let data = DataDir::new(tmp.path().join("data"));
    let report = run(&data, std::slice::from_ref(&content));
    assert!(report.published, "{:?}", report.diagnostics);
    let said = |file: &str, severity: Severity, text: &str| {
        let found = diagnostics_for(&report, file);
        assert!(
            found
                .iter()
                .any(|d| d.severity == severity && d.message.contains(text)),
            "{file}: no {severity:?} with `{text}` in {found:?}"
        );
    };
    said("truncated.pdf", Severity::Error, "truncated PDF");
    said(
        "locked.pdf",
        Severity::Warning,
        "encrypted PDF: text not indexed",
    );
    said("malformed.xml", Severity::Error, "malformed XML");
    said(
        "remote.jsonld",
        Severity::Warning,
        "unknown remote @context https://example.org/contexts/training.jsonld",
    );
    said(
        "huge.pdf",
        Severity::Error,
        "file is 200.0 MB (200000000 bytes), over the limit of 64 MiB",
    );

    let kb = open(&data);
    // The rest indexes: the deliverable, the two OAI-PMH records, the Bioschemas
    // example, the remote-context item, and the encrypted file under its name.
    for id in [
        "d2a",
        "doi/10.5281/zenodo.4629306",
        "doi/10.5281/zenodo.4161623",
        "minimal",
        "remote",
        "locked",
    ] {
        assert!(kb.has_article(id), "{id} missing: {:?}", report.diagnostics);
    }
    assert!(!kb.has_article("huge") && !kb.has_article("malformed"));
    let found = keyword(&kb, "benchmarks stored in a dedicated database");
    assert_eq!(found.hits.first().map(|h| h.id.as_str()), Some("d2a"));
    let locked = query::get_article(&kb, "locked").unwrap();
    assert!(
        locked.article.sections.is_empty(),
        "no text of a locked file"
    );
}

/// A question whose answer is on one page of a deliverable PDF, asked of the
/// bundled content plus the deliverables, cites that PDF at that page.
#[test]
fn a_question_answered_from_a_deliverable_pdf_cites_its_page() {
    let Some(outputs) = outputs() else { return };
    let Some(encoder) = encoder() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let report = index_with(&data, &[bundled, outputs.join("pdf")], &encoder);
    assert!(report.published, "{:?}", report.diagnostics);
    let kb = open_with(&data, &encoder);
    let d2a = "pan-finder-deliverables/task-2/pan-finder-deliverable-2-a";
    let article = query::get_article(&kb, d2a).unwrap().article;
    let page_of = |section: &str| {
        article
            .sections
            .iter()
            .find(|s| s.heading == section)
            .and_then(|s| s.page)
    };
    for (question, section, page) in [
        (
            "What does precision at K measure?",
            "2.4.1.1 Precision at K ( Pc@K )",
            "page=16",
        ),
        (
            "How is data collection performed in PaN-Finder?",
            "1.2 Data collection",
            "page=3",
        ),
    ] {
        let answer = query::ask(&kb, question, &AskParams::default()).unwrap();
        assert!(answer.answered, "{question}: {answer:?}");
        // The section that answers it is quoted, at its page ...
        let cited = answer
            .answer
            .iter()
            .map(|p| &p.citation)
            .find(|c| c.section == section)
            .unwrap_or_else(|| panic!("{question}: {section} not quoted in {answer:?}"));
        assert_eq!((cited.id.as_str(), cited.anchor.as_str()), (d2a, page));
        // ... and every passage quoted from it cites the page its section is on.
        for c in answer
            .answer
            .iter()
            .map(|p| &p.citation)
            .filter(|c| c.id == d2a)
        {
            let on = page_of(&c.section).map(|n| format!("page={n}"));
            assert_eq!(Some(c.anchor.clone()), on, "{question}: {}", c.section);
        }
    }
}

/// A guidance article's `related` may name an output: by its item id, by its
/// DOI, or a PDF deliverable by its id. `check` accepts those (and still reports
/// an entry that names nothing); the index links the article to each output in
/// the content graph and keeps the entries in the article's JSON.
#[test]
fn related_in_front_matter_may_name_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(content.join("outputs")).unwrap();
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/outputs");
    std::fs::copy(
        bundled.join("panosc-outputs.json"),
        content.join("outputs/panosc-outputs.json"),
    )
    .unwrap();
    std::fs::copy(
        bundled.join("expands-deliverables.json"),
        content.join("outputs/expands-deliverables.json"),
    )
    .unwrap();
    std::fs::write(
        content.join("reading-list.md"),
        "---\nid: reading-list\ntitle: A reading list of project outputs\n\
         summary: Outputs of PaNOSC and ExPaNDS worth reading first.\n\
         related: [doi/10.5281/zenodo.3689420, https://doi.org/10.5281/ZENODO.4457914, doi/10.9999/none]\n---\n\n\
         # A reading list of project outputs\n\nStart with the PaNOSC paper and the first ExPaNDS deliverable.\n",
    )
    .unwrap();

    let report = eoskb::check::check(&eoskb::check::CheckOptions::new(vec![content.clone()]))
        .expect("check runs");
    let related: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == eoskb::check::Rule::Related)
        .map(|f| f.diagnostic.message.clone())
        .collect();
    assert_eq!(
        related,
        [
            "`doi/10.9999/none` in `related` names no article or output (by id, file name, path or DOI)"
        ],
        "{:?}",
        report.findings
    );

    let data = DataDir::new(tmp.path().join("data"));
    let indexed = run(&data, std::slice::from_ref(&content));
    assert!(indexed.published, "{:?}", indexed.diagnostics);
    let kb = open(&data);
    let view = query::get_article(&kb, "reading-list").unwrap();
    assert_eq!(view.article.related.len(), 3);
    let rows = select(
        &kb,
        "PREFIX dct: <http://purl.org/dc/terms/> SELECT ?id WHERE { \
         ?a dct:identifier \"reading-list\" ; dct:relation ?o . ?o dct:identifier ?id } ORDER BY ?id",
    );
    let ids: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["id"]["value"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["doi/10.5281/zenodo.3689420", "doi/10.5281/zenodo.4457914"]
    );
}
