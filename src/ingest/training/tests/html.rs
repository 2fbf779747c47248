use crate::ingest::Severity;
use crate::ingest::testdata::{bytes, errors, file, inline, shared};
use crate::ingest::training::html::{read, sniff};
use crate::ingest::{Diagnostic, Reading};
use crate::model::Article;

const INGESTION: &str = "test/fixtures/files/ingestion";

fn page(rel: &str) -> Option<(Article, Vec<Diagnostic>)> {
    let root = shared("outputs/training/ElixirTeSS+TeSS")?;
    let f = file(&root, &format!("{INGESTION}/{rel}"));
    let data = bytes(&f);
    assert!(sniff(&data), "{rel} is HTML");
    // Each page has one ld+json block: one item.
    let blocks = String::from_utf8_lossy(&data)
        .matches("application/ld+json")
        .count();
    assert_eq!(blocks, 1, "{rel}");
    let Reading {
        mut articles,
        diagnostics,
    } = read(&f, &data);
    assert!(errors(&diagnostics).is_empty(), "{diagnostics:?}");
    assert_eq!(articles.len(), 1);
    Some((articles.remove(0), diagnostics))
}

fn headings(a: &Article) -> Vec<&str> {
    a.sections.iter().map(|s| s.heading.as_str()).collect()
}

fn all_text(a: &Article) -> String {
    a.sections
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn galaxy_tutorial_page() {
    let Some((a, diagnostics)) = page("gtn/galaxy-intro-101.html") else {
        return;
    };
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let record = a.record.as_deref().unwrap();
    assert_eq!(a.title, "Hands-on for 'Galaxy 101' tutorial");
    assert_eq!(record.resource_type.as_deref(), Some("LearningResource"));
    assert_eq!(a.kind.as_deref(), Some("training"));
    assert_eq!(record.format, "schema.org");
    let about = "https://training.galaxyproject.org/training-material/topics/introduction/";
    assert_eq!(record.subjects.len(), 1);
    assert_eq!(record.subjects[0].value, "Introduction to Galaxy Analyses");
    assert_eq!(record.subjects[0].iri.as_deref(), Some(about));
    assert_eq!(a.terms, [about]);
    // keywords is the one string "introduction".
    assert_eq!(a.tags, ["introduction"]);
    assert_eq!(a.authors.len(), 7);
    assert_eq!(a.authors[0].name, "Saskia Hiltemann");
    assert_eq!(a.authors[0].orcid.as_deref(), Some("0000-0003-3803-468X"));
    assert_eq!(a.authors.iter().filter(|p| p.orcid.is_some()).count(), 4);
    // dateModified "2022-10-18 14:23:35 +0000" is not ISO 8601; its date is.
    assert_eq!(a.updated.as_deref(), Some("2022-10-18"));
    assert_eq!(a.license.as_deref(), Some("CC-BY-4.0"));
    assert_eq!(record.language.as_deref(), Some("en"));
    assert!(
        a.summary.starts_with("The questions this addresses are:"),
        "{}",
        a.summary
    );

    // The description (its line in the ld+json block), then the page's text by headings.
    assert_eq!(a.sections[0].line, 336);
    let h = headings(&a);
    for heading in [
        "Details",
        "Galaxy 101",
        "Introduction",
        "Setting the stage: Exons and SNPs",
        "Locating Exons",
        "Analysis",
        "Galaxy management",
        "Conclusion",
    ] {
        assert!(h.contains(&heading), "{heading} in {h:?}");
    }
    let intro = a
        .sections
        .iter()
        .find(|s| s.heading == "Introduction")
        .unwrap();
    assert_eq!((intro.level, intro.line), (1, 1117));
    let locating = a
        .sections
        .iter()
        .find(|s| s.heading == "Locating Exons")
        .unwrap();
    assert_eq!(
        locating.heading_path,
        ["Setting the stage: Exons and SNPs", "Locating Exons"]
    );
    // Navigation, header and scripts are not the page's text.
    let text = all_text(&a);
    for furniture in [
        "Automatic Translations",
        "Galaxy Training!",
        "function(",
        "Avatar",
    ] {
        assert!(!text.contains(furniture), "{furniture}");
    }
    assert!(text.contains("This tutorial aims to familiarize you with the Galaxy user interface."));
    assert!(a.extra.contains_key("isPartOf") && a.extra.contains_key("headline"));
}

#[test]
fn galaxy_slides_page() {
    let Some((a, diagnostics)) = page("gtn/slides-introduction.html") else {
        return;
    };
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(a.title, "Introduction to 'Introduction to Galaxy Analyses'");
    assert_eq!(a.kind.as_deref(), Some("training"));
    assert_eq!(
        a.terms,
        ["https://training.galaxyproject.org/training-material/topics/introduction/"]
    );
    assert!(a.tags.is_empty(), "no keywords");
    assert_eq!(a.authors.len(), 12);
    assert_eq!(a.updated.as_deref(), Some("2022-03-10"));
    // The remark deck in <textarea id="source"> is read as Markdown.
    let h = headings(&a);
    for heading in [
        "Introduction to Galaxy",
        "What is Galaxy?",
        "User Interface",
        "Workflows",
    ] {
        assert!(h.contains(&heading), "{heading} in {h:?}");
    }
    let what = a
        .sections
        .iter()
        .find(|s| s.heading == "What is Galaxy?")
        .unwrap();
    assert_eq!(what.line, 781);
    let text = all_text(&a);
    assert!(
        !text.contains("layout: true") && !text.contains("class: center"),
        "slide settings dropped"
    );
}

#[test]
fn carpentries_lesson_page() {
    let Some((a, diagnostics)) = page("hsftraining/python-novice-inflammation.html") else {
        return;
    };
    assert_eq!(a.title, "Programming with Python");
    assert_eq!(a.kind.as_deref(), Some("training"));
    assert!(a.terms.is_empty());
    assert_eq!(a.tags, ["software", "data", "lesson", "The Carpentries"]);
    assert_eq!(a.updated.as_deref(), Some("2025-07-01"));
    // `dct:conformsTo` under "@context": "https://schema.org": the prefix is undefined.
    let warning = diagnostics
        .iter()
        .find(|d| d.message.contains("prefix `dct`"))
        .expect("dct warning");
    assert_eq!((warning.severity, warning.line), (Severity::Warning, 640));
    assert!(a.extra.contains_key("dct:conformsTo"));
    assert_eq!(
        a.extra.get("html:title").and_then(|v| v.as_str()),
        Some("Programming with Python: Summary and Setup")
    );
    let h = headings(&a);
    for heading in [
        "Summary and Setup",
        "Overview",
        "Install Python",
        "Obtain lesson materials",
    ] {
        assert!(h.contains(&heading), "{heading} in {h:?}");
    }
    let summary = a
        .sections
        .iter()
        .find(|s| s.heading == "Summary and Setup")
        .unwrap();
    assert_eq!(summary.line, 370);
    assert!(!all_text(&a).contains("Skip to main content"));
}

#[test]
fn page_without_json_ld_is_still_an_item() {
    let source = b"<!DOCTYPE html><html lang=\"de\"><head><title>Kurs  Einf\xc3\xbchrung</title>\n<meta name=\"description\" content=\"Ein Kurs. Zweiter Satz. Dritter.\"></head>\n<body><nav>Men\xc3\xbc</nav><h1>Start</h1><p>Text</p></body></html>";
    assert!(sniff(source));
    let reading = read(&inline("kurs/index.html"), source);
    let a = &reading.articles[0];
    assert_eq!(a.title, "Kurs Einf\u{fc}hrung");
    assert_eq!(a.id, "kurs/index");
    assert_eq!(a.summary, "Ein Kurs. Zweiter Satz.");
    assert_eq!(a.kind, None);
    let record = a.record.as_deref().unwrap();
    assert_eq!(
        (record.format.as_str(), record.language.as_deref()),
        ("html", Some("de"))
    );
    assert_eq!(headings(a), ["Start"]);
    assert_eq!(a.sections[0].line, 3);
}

#[test]
fn malformed_pages_do_not_crash() {
    let h1_only = b"<h1>Only a heading";
    let reading = read(&inline("h.html"), h1_only);
    assert_eq!(reading.articles[0].title, "Only a heading");
    for source in [
        &b"<html><body><div><p>unclosed <b>bold <i>both</div></p></i>"[..],
        b"<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", \"name\": ",
        b"<script type=\"application/ld+json\">[[[[[[[[[[</script><p>text</p>",
        b"\xff\xfe<\x00h\x001>",
        b"",
        b"<<<<>>>>&&&&;;;;<!-- <!-- -->",
    ] {
        let reading = read(&inline("bad.html"), source);
        assert_eq!(
            reading.articles.len(),
            1,
            "{:?}",
            String::from_utf8_lossy(source)
        );
        assert!(errors(&reading.diagnostics).is_empty());
    }
    let broken = b"<html>\n<script type=\"application/ld+json\">\n{\"@context\": \"https://schema.org\",\n\"name\": }\n</script><h1>T</h1></html>";
    let reading = read(&inline("broken.html"), broken);
    let warning = &reading.diagnostics[0];
    assert_eq!(warning.line, 4, "{warning}");
    assert!(
        warning
            .message
            .contains("application/ld+json block not read"),
        "{warning}"
    );
    assert_eq!(reading.articles[0].title, "T");

    // 60,000 nested elements would cost html5ever quadratic time: refused first.
    let nested = format!(
        "<html>\n<body>{}deep{}</body></html>",
        "<div><span>".repeat(30_000),
        "</span></div>".repeat(30_000)
    );
    let started = std::time::Instant::now();
    let reading = read(&inline("deep.html"), nested.as_bytes());
    assert!(started.elapsed().as_secs() < 2);
    assert!(reading.articles.is_empty());
    let error = &errors(&reading.diagnostics)[0];
    assert_eq!(error.line, 2);
    assert_eq!(
        error.message,
        "page nests HTML elements more than 2000 levels deep: not read"
    );
    let nested = format!(
        "<body>{}deep{}</body>",
        "<div><span>".repeat(500),
        "</span></div>".repeat(500)
    );
    let reading = read(&inline("deep.html"), nested.as_bytes());
    assert!(all_text(&reading.articles[0]).contains("deep"));
    let json = format!(
        "<script type=\"application/ld+json\">{}{}</script>",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let reading = read(&inline("deep.html"), json.as_bytes());
    assert!(
        reading
            .diagnostics
            .iter()
            .any(|d| d.message.contains("recursion limit"))
    );
}
