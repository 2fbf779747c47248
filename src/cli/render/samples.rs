//! Small, realistic values for the renderers' golden-output tests. Some text
//! carries control characters (`\x1b[31m`, a bell, a carriage return), as a
//! hostile article or query could: the golden files show them escaped.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{TimeZone, Utc};

use crate::check::{CheckReport, Finding, Rule};
use crate::eval::ask::{AskReport, Latency, SplitReport};
use crate::eval::{ModeReport, Report, Scores};
use crate::index::IndexReport;
use crate::ingest::{Diagnostic, Severity};
use crate::model::{Article, LangText, Mapping, OntologyTerm, Section, SourceRef, Synonym};
use crate::query::answer::{AnswerPassage, Citation, Source};
use crate::query::ontology::lookup::{AnnotatedArticle, TermDetails, TermList, TermRef};
use crate::query::ontology::search::{Matched, TermHit};
use crate::query::search::SectionRef;
use crate::query::stats::SourceStats;
use crate::query::{
    Answer, ArticleView, AskParams, Explain, Hit, MatchedTerm, Mode, RecognisedTerm,
    SearchResponse, Snippet, Stats, TermSearchResponse,
};
use crate::querylog::GapsReport;
use crate::querylog::gaps::{FeedbackGroup, GapGroup, Grouping, JudgedResult, Reasons, Variant};

const EDAM: &str = "http://edamontology.org";
const PANET: &str = "http://purl.org/pan-science/PaNET/PaNET.owl";

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn diagnostic(
    path: &str,
    line: usize,
    column: Option<usize>,
    severity: Severity,
    message: &str,
) -> Diagnostic {
    Diagnostic {
        path: path.into(),
        line,
        column,
        severity,
        message: message.into(),
    }
}

/// An incremental run that changed a few files, with an error, a warning and a
/// note.
pub fn index_report() -> IndexReport {
    IndexReport {
        files: 52,
        added: strings(&["content/data-citation/cite-software.md"]),
        changed: strings(&[
            "content/fair/fair-principles.md",
            "content/data-citation/cite-a-dataset.md",
        ]),
        deleted: strings(&["content/policies/old-policy.md"]),
        unchanged: 48,
        ontologies_loaded: strings(&["ontologies/eoskb.ttl"]),
        ontologies_deleted: Vec::new(),
        ontologies: 5,
        articles: 51,
        sections: 312,
        diagnostics: vec![
            diagnostic(
                "content/fair/fair-principles.md",
                3,
                Some(7),
                Severity::Warning,
                "unknown kind `gu\x1b[1mide`, expected one of guide, faq, resource, output, training, policy",
            ),
            diagnostic(
                "content/policies/broken.md",
                2,
                Some(1),
                Severity::Error,
                "front matter: mapping values are not allowed in this context",
            ),
            diagnostic(
                "ontologies/panet/LICENSE",
                0,
                None,
                Severity::Note,
                "skipped: not an RDF file (unknown extension, content not recognised)",
            ),
        ],
        published: true,
        full_rebuild: false,
        model: Some("all-MiniLM-L6-v2@584ed03a1aaa".into()),
        embedded: 17,
        passages_embedded: 84,
        vectors: 349,
        took: Duration::from_millis(1234),
    }
}

/// A run that found nothing to do.
pub fn index_report_up_to_date() -> IndexReport {
    IndexReport {
        files: 50,
        unchanged: 50,
        ontologies: 5,
        articles: 50,
        sections: 309,
        model: Some("all-MiniLM-L6-v2@584ed03a1aaa".into()),
        vectors: 346,
        took: Duration::from_micros(85_400),
        ..IndexReport::default()
    }
}

fn citation_term() -> RecognisedTerm {
    RecognisedTerm {
        iri: format!("{EDAM}/data_0970"),
        curie: Some("EDAM:data_0970".into()),
        label: "Citation".into(),
        matched: "citation".into(),
        name: "Citation".into(),
        field: "label".into(),
        ontology: EDAM.into(),
        deprecated: false,
        articles: 5,
    }
}

/// A snippet from its runs, each highlighted or not.
fn snippet(runs: &[(&str, bool)]) -> Snippet {
    let mut snippet = Snippet::plain("");
    for (run, highlighted) in runs {
        let start = snippet.text.len();
        snippet.text.push_str(run);
        if *highlighted {
            snippet.highlights.push(start..snippet.text.len());
        }
    }
    snippet
}

/// Two hits (the second with a hostile title and snippet), one recognised term.
pub fn search_response() -> SearchResponse {
    let matched = MatchedTerm {
        iri: format!("{EDAM}/data_0970"),
        label: "Citation".into(),
    };
    SearchResponse {
        total: 7,
        took_ms: 8.861,
        hits: vec![
            Hit {
                id: "cite-a-beamtime-dataset".into(),
                title: "How to cite a dataset from your beamtime in a paper".into(),
                path: "data-citation/cite-a-dataset.md".into(),
                source: "content".into(),
                kind: Some("guide".into()),
                summary: "A practical recipe for formal data citations.".into(),
                doi: None,
                issued: None,
                score: 5.2634,
                snippet: snippet(&[
                    ("If you want the ", false),
                    ("data", true),
                    (" to be findable from your paper, counted in ", false),
                    ("citation", true),
                    (" metrics & linked\nin scholarly graphs", false),
                ]),
                section: SectionRef {
                    heading: "How to cite a dataset from your beamtime in a paper".into(),
                    anchor: String::new(),
                },
                matched_term: Some(matched.clone()),
                explain: Some(Explain {
                    keyword_rank: Some(1),
                    keyword_score: Some(5.2634),
                    semantic_rank: Some(3),
                    semantic_similarity: Some(0.61234),
                    fused_score: Some(0.032_522),
                    term_bonus: Some(0.0025),
                }),
            },
            Hit {
                id: "red-alert".into(),
                title: "Red \x1b[31mALERT\x1b[2J".into(),
                path: "policies/embargo.md".into(),
                source: "content".into(),
                kind: None,
                summary: "Embargo \r overwritten".into(),
                doi: Some("10.5281/zenodo.4629306".into()),
                issued: Some("2021-03-23\x1b[2J".into()),
                score: 4.1,
                snippet: snippet(&[
                    (
                        "Embargo text \x1b]52;c;aGVsbG8=\x07 here: <mark>not a mark</mark> but ",
                        false,
                    ),
                    ("data", true),
                    (" is", false),
                ]),
                section: SectionRef {
                    heading: "Embargo periods".into(),
                    anchor: "embargo-periods".into(),
                },
                matched_term: None,
                explain: Some(Explain {
                    keyword_rank: Some(2),
                    keyword_score: Some(4.1),
                    ..Explain::default()
                }),
            },
        ],
        mode: Mode::Hybrid,
        facets: BTreeMap::new(),
        facet_sizes: BTreeMap::new(),
        facet_labels: BTreeMap::new(),
        best_similarity: Some(0.61234),
        question: true,
        terms: vec![
            citation_term(),
            RecognisedTerm {
                iri: format!("{EDAM}/data_0006"),
                curie: Some("EDAM:data_0006".into()),
                label: "Data".into(),
                matched: "data".into(),
                name: "Data".into(),
                field: "label".into(),
                ontology: EDAM.into(),
                deprecated: false,
                // Named but annotating nothing: not listed.
                articles: 0,
            },
        ],
    }
}

/// Nothing matched.
pub fn search_response_empty() -> SearchResponse {
    SearchResponse {
        total: 0,
        took_ms: 0.412,
        hits: Vec::new(),
        mode: Mode::Keyword,
        facets: BTreeMap::new(),
        facet_sizes: BTreeMap::new(),
        facet_labels: BTreeMap::new(),
        best_similarity: None,
        question: false,
        terms: Vec::new(),
    }
}

fn cite_source() -> Source {
    Source {
        id: "cite-a-beamtime-dataset".into(),
        title: "How to cite a dataset from your beamtime in a paper".into(),
        path: "data-citation/cite-a-dataset.md".into(),
        summary: "A practical recipe for formal data citations.".into(),
    }
}

/// Two quoted passages, one term named.
pub fn answer() -> Answer {
    let passage = |text: &str, score: f32, section: &str, anchor: &str| AnswerPassage {
        text: text.into(),
        score,
        citation: Citation {
            id: "cite-a-beamtime-dataset".into(),
            title: "How to cite a dataset from your beamtime in a paper".into(),
            path: "data-citation/cite-a-dataset.md".into(),
            section: section.into(),
            anchor: anchor.into(),
        },
    };
    Answer {
        question: "how do I cite a dataset from my beamtime?".into(),
        answered: true,
        confidence: 0.7243,
        answer: vec![
            passage(
                "The Joint Declaration of Data Citation Principles (FORCE11, 2014) says \
                 datasets should be cited the same way as articles.",
                1.02,
                "Why a formal data citation matters",
                "why-a-formal-data-citation-matters",
            ),
            passage(
                "Put the dataset's DOI in the reference list, \x1b[31mnot\x1b[0m only in the acknowledgements.",
                0.97,
                "Building the reference",
                "building-the-reference",
            ),
        ],
        sources: vec![cite_source()],
        terms: vec![citation_term()],
        best_similarity: Some(0.74),
        reason: None,
        took_ms: 23.5,
    }
}

/// No answer, with pages to look at.
pub fn no_answer() -> Answer {
    Answer {
        question: "what is the airspeed velocity of an unladen swallow".into(),
        answered: false,
        confidence: 0.08,
        answer: Vec::new(),
        sources: vec![
            cite_source(),
            Source {
                id: "red-alert".into(),
                title: "Red \x1b[31mALERT".into(),
                path: "policies/embargo.md".into(),
                summary: String::new(),
            },
        ],
        terms: Vec::new(),
        best_similarity: Some(0.12),
        reason: None,
        took_ms: 18.0,
    }
}

fn term_ref(iri: &str, curie: Option<&str>, label: Option<&str>) -> TermRef {
    TermRef {
        iri: iri.into(),
        curie: curie.map(Into::into),
        label: label.map(Into::into),
    }
}

fn term_list(total: usize, items: Vec<TermRef>) -> TermList {
    TermList {
        total,
        truncated: false,
        items,
    }
}

/// A term with everything a lookup shows.
pub fn term_details() -> TermDetails {
    let term = OntologyTerm {
        iri: format!("{EDAM}/data_0970"),
        curie: Some("EDAM:data_0970".into()),
        label: Some("Citation".into()),
        labels: vec![LangText {
            value: "Citation".into(),
            lang: None,
        }],
        synonyms: vec![
            Synonym {
                value: "Bibliographic reference".into(),
                lang: None,
                kind: "oboInOwl:hasExactSynonym".into(),
            },
            Synonym {
                value: "Ref\x1b[2Jerence".into(),
                lang: None,
                kind: "oboInOwl:hasExactSynonym".into(),
            },
        ],
        definitions: vec![LangText {
            value: "A bibliographic reference might include information such as authors, \
                    title, journal name, date and (possibly) a link to the abstract."
                .into(),
            lang: Some("en".into()),
        }],
        parents: vec![format!("{EDAM}/data_2526")],
        deprecated: true,
        mappings: vec![Mapping {
            relation: "oboInOwl:hasDbXref".into(),
            target: "Moby:GCP_SimpleCitation".into(),
        }],
        types: vec!["class".into()],
        ontology: EDAM.into(),
        ..OntologyTerm::default()
    };
    TermDetails {
        term,
        parents: vec![term_ref(
            &format!("{EDAM}/data_2526"),
            Some("EDAM:data_2526"),
            Some("Text data"),
        )],
        children: term_list(
            2,
            vec![
                term_ref(&format!("{EDAM}/data_1187"), Some("EDAM:data_1187"), None),
                term_ref("http://example.org/terms/unnamed", None, None),
            ],
        ),
        ancestors: term_list(
            3,
            vec![
                term_ref(&format!("{EDAM}/data_2526"), None, Some("Text data")),
                term_ref(&format!("{EDAM}/data_0006"), None, Some("Data")),
            ],
        ),
        descendants: term_list(0, Vec::new()),
        articles: vec![
            AnnotatedArticle {
                id: "cite-a-beamtime-dataset".into(),
                title: Some("How to cite a dataset from your beamtime in a paper".into()),
                iri: "https://eoskb.example.org/article/cite-a-beamtime-dataset".into(),
                via: format!("{EDAM}/data_0970"),
            },
            AnnotatedArticle {
                id: "untitled-notes".into(),
                title: None,
                iri: "https://eoskb.example.org/article/untitled-notes".into(),
                via: format!("{EDAM}/data_1187"),
            },
        ],
    }
}

/// A page of term hits: by IRI, by label, by synonym, one deprecated and unlabelled.
pub fn term_hits() -> TermSearchResponse {
    let hit =
        |iri: &str, curie: Option<&str>, label: Option<&str>, how, field: &str, value: &str| {
            TermHit {
                iri: iri.into(),
                curie: curie.map(Into::into),
                label: label.map(Into::into),
                matched: Matched {
                    field: field.into(),
                    value: value.into(),
                    how,
                },
                ontology: PANET.into(),
                definition: None,
                deprecated: false,
            }
        };
    let mut deprecated = hit(
        "http://purl.org/pan-science/PaNET/PaNET01999",
        None,
        None,
        "fuzzy",
        "skos:altLabel",
        "x-rey",
    );
    deprecated.deprecated = true;
    TermSearchResponse {
        total: 516,
        hits: vec![
            hit(
                "http://purl.org/pan-science/PaNET/PaNET2011002",
                Some("PaNET:PaNET2011002"),
                Some("muon"),
                "exact",
                "iri",
                "PaNET:PaNET2011002",
            ),
            hit(
                "http://purl.org/pan-science/PaNET/PaNET2020009",
                Some("PaNET:PaNET2020009"),
                Some("x-ray \x1b[31mred"),
                "prefix",
                "label",
                "x-ray \x1b[31mred",
            ),
            deprecated,
        ],
    }
}

fn at(day: u32, hour: u32, minute: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, day, hour, minute, 0).unwrap()
}

/// A month of log: gaps grouped with variants, feedback, a damaged line.
pub fn gaps_report() -> GapsReport {
    let variant = |query: &str, count| Variant {
        query: query.into(),
        count,
    };
    GapsReport {
        since: at(1, 0, 0),
        until: at(31, 9, 30),
        grouping: Grouping::Embedding,
        note: None,
        low_similarity: 0.35,
        group_similarity: 0.8,
        searches: 120,
        asks: 40,
        feedback: 9,
        unanswered: 14,
        gap_groups: 6,
        skipped_lines: 1,
        problems: vec!["queries.3.jsonl: Permission denied (os error 13)".into()],
        gaps: vec![
            GapGroup {
                question: "beamtime proposal template".into(),
                count: 5,
                last_seen: at(30, 14, 2),
                reasons: Reasons {
                    unanswered: 1,
                    no_hits: 3,
                    low_score: 1,
                },
                best_score: Some(0.21),
                variants: vec![
                    variant("beamtime proposal template", 3),
                    variant("proposal \x1b[31mtemplate", 1),
                    variant("template for a beamtime proposal", 1),
                ],
            },
            GapGroup {
                question: "who pays for storage".into(),
                count: 1,
                last_seen: at(2, 8, 0),
                reasons: Reasons {
                    unanswered: 1,
                    ..Reasons::default()
                },
                best_score: None,
                variants: vec![variant("who pays for storage", 1)],
            },
        ],
        negative_feedback: vec![FeedbackGroup {
            question: "data citation".into(),
            negative: 2,
            positive: 1,
            last_seen: at(29, 17, 45),
            results: vec![
                JudgedResult {
                    id: None,
                    negative: 1,
                    positive: 0,
                },
                JudgedResult {
                    id: Some("cite-a-beamtime-dataset".into()),
                    negative: 1,
                    positive: 0,
                },
                JudgedResult {
                    id: Some("choosing-open-data-licence".into()),
                    negative: 0,
                    positive: 1,
                },
            ],
            variants: vec![variant("data citation", 3)],
        }],
    }
}

/// Nothing logged, grouped by text (no model).
pub fn gaps_report_empty() -> GapsReport {
    GapsReport {
        since: at(1, 0, 0),
        until: at(31, 9, 30),
        grouping: Grouping::Text,
        note: Some("no embedding model: questions grouped by identical text".into()),
        low_similarity: 0.35,
        group_similarity: 0.8,
        searches: 0,
        asks: 0,
        feedback: 0,
        unanswered: 0,
        gap_groups: 0,
        skipped_lines: 0,
        problems: Vec::new(),
        gaps: Vec::new(),
        negative_feedback: Vec::new(),
    }
}

/// An error and a warning, one of them quoting a hostile value.
pub fn check_report() -> CheckReport {
    CheckReport {
        errors: 1,
        warnings: 1,
        files: 50,
        findings: vec![
            Finding::from_diagnostic(
                Rule::AllowedValue,
                diagnostic(
                    "content/evil.md",
                    4,
                    Some(7),
                    Severity::Error,
                    "`kind` is `gu\x1b[1mide`; allowed: guide, faq, resource, output, training, policy",
                ),
            ),
            Finding::from_diagnostic(
                Rule::Stale,
                diagnostic(
                    "content/policies/choosing-a-data-licence.md",
                    6,
                    Some(10),
                    Severity::Warning,
                    "not updated for 912 days (since 2024-05-01; limit 730)",
                ),
            ),
        ],
        took: Duration::from_micros(48_600),
    }
}

/// Three modes on a BEIR collection.
pub fn beir_report() -> Report {
    let mode = |ndcg_10, recall_100, mrr_10, query_ms| ModeReport {
        scores: Scores {
            ndcg_10,
            recall_100,
            mrr_10,
        },
        query_ms,
    };
    Report {
        documents: 5183,
        queries: 300,
        index_seconds: 84.27,
        modes: BTreeMap::from([
            ("hybrid", mode(0.70213, 0.95, 0.66666, 7.125)),
            ("keyword", mode(0.6721, 0.9112, 0.63, 0.456)),
            ("semantic", mode(0.6451, 0.925, 0.6012, 5.5)),
        ]),
    }
}

/// Calibration and test splits of ask's judged questions.
pub fn ask_report() -> AskReport {
    AskReport {
        articles: 161,
        passages: 5230,
        index_seconds: 95.04,
        params: AskParams {
            similarity_weight: 1.0,
            overlap_weight: 0.1,
            article_weight: 0.4,
            threshold: 0.901,
            slope: 13.0,
        },
        calibration: SplitReport {
            answerable: 16,
            unanswerable: 4,
            first_citation_correct: 13,
            first_passage_correct: 14,
            answerable_refused: 2,
            unanswerable_refused: 3,
            misses: strings(&["q07", "q12", "q19"]),
        },
        test: SplitReport {
            answerable: 15,
            unanswerable: 5,
            first_citation_correct: 12,
            first_passage_correct: 12,
            answerable_refused: 1,
            unanswerable_refused: 5,
            misses: Vec::new(),
        },
        latency_ms: Latency {
            p50: 21.04,
            p90: 35.5,
            p99: 61.25,
        },
    }
}

fn section(ordinal: usize, heading: &str, level: u8, anchor: &str, text: &str) -> Section {
    Section {
        ordinal,
        heading: heading.into(),
        level,
        heading_path: vec![heading.into()],
        anchor: anchor.into(),
        text: text.into(),
        line: 6 + 4 * ordinal,
        page: None,
        link_texts: Vec::new(),
        code: Vec::new(),
    }
}

/// An article with a summary and three sections, one of them hostile.
pub fn article_view() -> ArticleView {
    let title = "How to cite a dataset from your beamtime in a paper";
    ArticleView {
        article: Article {
            id: "cite-a-beamtime-dataset".into(),
            title: title.into(),
            summary: "A practical recipe for formal data citations of facility datasets.".into(),
            kind: Some("guide".into()),
            audience: strings(&["researcher"]),
            fair: strings(&["F1", "R1.2"]),
            terms: strings(&["EDAM:data_0970"]),
            tags: strings(&["doi", "citation"]),
            projects: Vec::new(),
            authors: Vec::new(),
            license: Some("CC-BY-4.0".into()),
            updated: Some("2026-03-01".into()),
            related: Vec::new(),
            extra: BTreeMap::new(),
            source: SourceRef {
                root: "content".into(),
                path: "data-citation/cite-a-dataset.md".into(),
                body_line: 12,
            },
            markdown: String::new(),
            sections: vec![
                section(
                    0,
                    title,
                    0,
                    "",
                    "Thanking the facility in the acknowledgements is good manners, but it is not a citation.",
                ),
                section(
                    1,
                    "Why a formal data citation matters",
                    2,
                    "why-a-formal-data-citation-matters",
                    "Credit for the team.\nReproducibility.\nCompliance.",
                ),
                section(
                    2,
                    "Red \x1b[31mALERT",
                    2,
                    "red-alert",
                    "Embargo \r overwritten\x07.",
                ),
            ],
            record: None,
        },
        html: String::new(),
    }
}

/// A deliverable read from a record with its PDF: DOI, creators, versions, pages.
pub fn record_view() -> ArticleView {
    let mut view = article_view();
    let a = &mut view.article;
    a.id = "doi/10.5281/zenodo.4014796".into();
    a.title = "ExPaNDS D3.1 \x1b[2JFAIR assessment".into();
    a.kind = Some("deliverable".into());
    a.sections.truncate(1);
    a.sections.push(Section {
        page: Some(4),
        ..section(1, "2 Methods", 1, "page=4", "What was assessed, page four.")
    });
    a.record = Some(Box::new(crate::model::Record {
        format: "datacite-json".into(),
        doi: Some("10.5281/zenodo.4014796".into()),
        creators: vec![
            crate::model::Agent {
                name: "Doe, Jane".into(),
                orcid: Some("0000-0002-1825-0097".into()),
                ..Default::default()
            },
            crate::model::Agent {
                name: "ExPaNDS".into(),
                organisation: true,
                ..Default::default()
            },
        ],
        issued: Some("2020-08-31".into()),
        version: Some("1.1".into()),
        publisher: Some("Zenodo".into()),
        resource_type: Some("Deliverable".into()),
        license: Some(crate::model::License {
            spdx: Some("CC-BY-4.0".into()),
            ..Default::default()
        }),
        versions: vec![crate::model::VersionRef {
            doi: "10.5281/zenodo.4014795".into(),
            version: Some("1.0".into()),
            issued: None,
            title: None,
        }],
        files: vec![crate::model::FileRef {
            name: "ExPaNDS_D3.1.pdf".into(),
            ..Default::default()
        }],
        ..Default::default()
    }));
    view
}

/// A generation with two content folders and ontologies.
pub fn stats() -> Stats {
    Stats {
        articles: 55,
        sections: 321,
        sources: BTreeMap::from([
            (
                "content".to_string(),
                SourceStats {
                    articles: 50,
                    sections: 309,
                },
            ),
            (
                "../shared/\x1b[31mrdmkit".to_string(),
                SourceStats {
                    articles: 5,
                    sections: 12,
                },
            ),
        ]),
        ontologies: 5,
        terms: 4998,
        triples: 53272,
        index_bytes: 14_712_345,
        indexed_at: "2026-12-06T04:53:24Z".into(),
        generation: "gen-000007".into(),
    }
}
