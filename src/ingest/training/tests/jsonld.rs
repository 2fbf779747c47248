use crate::ingest::Severity;
use crate::ingest::testdata::{bytes, errors, file, inline, shared};
use crate::ingest::training::jsonld::{read, sniff};
use crate::model::Article;

const EXAMPLES: &str = "docs/Bioschemas/examples";

/// Reads one Bioschemas example of pan-training/llm-metadata-generator.
fn example(name: &str) -> Option<(Article, Vec<crate::ingest::Diagnostic>)> {
    let root = shared("outputs/training/pan-training+llm-metadata-generator")?;
    let f = file(&root, &format!("{EXAMPLES}/{name}"));
    let data = bytes(&f);
    assert!(sniff(&data), "{name} is JSON-LD");
    // As written: a one-element array whose object has an object @context
    // with schema.org as @vocab and a `dct` prefix.
    let raw: serde_json::Value = serde_json::from_slice(&data).expect("JSON");
    let elements = raw.as_array().expect("an array");
    assert_eq!(elements.len(), 1, "{name}");
    let context = &elements[0]["@context"];
    assert_eq!(context["@vocab"], "https://schema.org/", "{name}");
    assert!(context["dct"].is_string(), "{name}: {context}");
    let mut reading = read(&f, &data);
    assert!(
        errors(&reading.diagnostics).is_empty(),
        "{:?}",
        reading.diagnostics
    );
    // Every example is a one-element array: one item.
    assert_eq!(reading.articles.len(), 1, "{name}");
    Some((reading.articles.remove(0), reading.diagnostics))
}

fn subjects(a: &Article) -> Vec<(String, Option<String>)> {
    a.record
        .as_ref()
        .unwrap()
        .subjects
        .iter()
        .map(|s| (s.value.clone(), s.iri.clone()))
        .collect()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, Option<String>)> {
    pairs
        .iter()
        .map(|(v, i)| (v.to_string(), Some(i.to_string())))
        .collect()
}

#[test]
fn panet_training_material() {
    let Some((a, diagnostics)) = example("trainingmaterial-panet.json") else {
        return;
    };
    let record = a.record.as_deref().unwrap();
    assert_eq!(a.title, "Introduction to Neutron Scattering Techniques");
    assert_eq!(record.resource_type.as_deref(), Some("LearningResource"));
    assert_eq!(a.kind.as_deref(), Some("training"));
    assert_eq!(record.format, "schema.org");
    // about: name → url as written ...
    assert_eq!(
        subjects(&a),
        owned(&[
            (
                "Neutron scattering",
                "https://pan-ontologies.github.io/PaNET/PaNET01160"
            ),
            (
                "Small angle scattering",
                "https://pan-ontologies.github.io/PaNET/PaNET01124"
            ),
        ])
    );
    // ... and as terms in PaNET's canonical form. PaNET01160 is "energy dispersive
    // x-ray diffraction", not neutron scattering: kept, not "fixed".
    assert_eq!(
        a.terms,
        [
            "http://purl.org/pan-science/PaNET/PaNET01160",
            "http://purl.org/pan-science/PaNET/PaNET01124"
        ]
    );
    assert_eq!(
        a.tags,
        [
            "neutron scattering",
            "SANS",
            "diffraction",
            "large-scale facility",
            "materials science"
        ]
    );
    assert_eq!(a.license.as_deref(), Some("CC-BY-4.0"));
    assert_eq!(record.language.as_deref(), Some("en"));
    assert_eq!(a.id, "docs/bioschemas/examples/trainingmaterial-panet");
    assert_eq!(a.source.body_line, 2);
    assert!(
        a.summary.starts_with("An introductory e-learning module"),
        "{}",
        a.summary
    );
    assert_eq!(a.sections[0].line, 15, "the description's line");
    let outcomes = a
        .sections
        .iter()
        .find(|s| s.heading == "Learning outcomes")
        .unwrap();
    assert!(
        outcomes
            .text
            .contains("Interpret small-angle neutron scattering (SANS) data")
    );
    let details = a.sections.iter().find(|s| s.heading == "Details").unwrap();
    assert!(details.text.contains("Level: beginner"), "{}", details.text);
    // The example's ORCID fails its check digit: a warning naming it, no ORCID kept.
    assert_eq!(a.authors.len(), 1);
    assert_eq!(a.authors[0].name, "Dr Elena Physicist");
    assert_eq!(a.authors[0].orcid, None);
    let bad = diagnostics
        .iter()
        .find(|d| {
            d.message
                .starts_with("invalid ORCID 0000-0001-9876-5432: checksum")
        })
        .expect("ORCID warning");
    assert_eq!((bad.severity, bad.line), (Severity::Warning, 21));
    // Fields without a home of their own are kept verbatim.
    for key in [
        "dct:conformsTo",
        "educationalLevel",
        "teaches",
        "timeRequired",
        "learningResourceType",
        "@context",
    ] {
        assert!(a.extra.contains_key(key), "{key}: {:?}", a.extra.keys());
    }
    assert!(!a.extra.contains_key("name"));
}

#[test]
fn recommended_training_material() {
    let Some((a, _)) = example("trainingmaterial-recommended.json") else {
        return;
    };
    let record = a.record.as_deref().unwrap();
    assert_eq!(a.title, "Hands-on RNA-Seq Analysis Tutorial");
    assert_eq!(a.kind.as_deref(), Some("training"));
    assert_eq!(
        subjects(&a),
        owned(&[
            ("Transcriptomics", "http://edamontology.org/topic_3308"),
            ("RNA splicing", "http://edamontology.org/topic_3320"),
        ])
    );
    assert_eq!(
        a.terms,
        [
            "http://edamontology.org/topic_3308",
            "http://edamontology.org/topic_3320"
        ]
    );
    assert_eq!(
        a.tags,
        [
            "RNA-Seq",
            "bioinformatics",
            "differential expression",
            "tutorial",
            "transcriptomics"
        ]
    );
    assert_eq!(record.doi.as_deref(), Some("10.1234/rna-seq-tutorial.2024"));
    assert_eq!(a.id, "doi/10.1234/rna-seq-tutorial.2024");
    assert_eq!(a.updated.as_deref(), Some("2024-11-15"));
    assert_eq!(record.issued.as_deref(), Some("2024-01-10"));
    assert_eq!(record.version.as_deref(), Some("2.1"));
    let names: Vec<&str> = a.authors.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Dr Alice Researcher", "Bob Scientist"]);
    assert_eq!(a.authors[0].orcid.as_deref(), Some("0000-0001-2345-6789"));
    assert_eq!(record.contributors[0].name, "Carol Helper");
    assert_eq!(
        record.landing_page.as_deref(),
        Some("https://example.org/materials/rna-seq-tutorial")
    );
    assert!(a.extra.contains_key("mentions") && a.extra.contains_key("competencyRequired"));
    let prerequisites = a
        .sections
        .iter()
        .find(|s| s.heading == "Prerequisites")
        .unwrap();
    assert_eq!(
        prerequisites.text,
        "Basic Unix shell skills\nFamiliarity with R"
    );
}

#[test]
fn minimal_training_material() {
    let Some((a, diagnostics)) = example("trainingmaterial-minimal.json") else {
        return;
    };
    assert_eq!(a.title, "Introduction to Bioinformatics");
    assert!(a.terms.is_empty() && a.record.as_ref().unwrap().subjects.is_empty());
    assert_eq!(a.tags, ["bioinformatics", "sequencing", "tutorial"]);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(a.sections.len(), 1);
    assert_eq!(
        a.sections[0].text,
        "A short guide to basic bioinformatics concepts covering sequence analysis and genome browsers."
    );
}

#[test]
fn course_with_two_instances() {
    let Some((a, _)) = example("course-with-instances.json") else {
        return;
    };
    assert_eq!(a.title, "Applied Genomics");
    assert_eq!(
        a.record.as_ref().unwrap().resource_type.as_deref(),
        Some("Course")
    );
    assert_eq!(a.kind.as_deref(), Some("course"));
    assert_eq!(
        subjects(&a),
        owned(&[
            ("Genomics", "http://edamontology.org/topic_0622"),
            ("Genome assembly", "http://edamontology.org/topic_0196"),
        ])
    );
    assert_eq!(
        a.tags,
        ["genomics", "assembly", "annotation", "comparative genomics"]
    );
    // hasCourseInstance: one section per instance, with dates, mode and place.
    let instances: Vec<_> = a
        .sections
        .iter()
        .filter(|s| s.heading.starts_with("Course instance"))
        .collect();
    assert_eq!(instances.len(), 2);
    assert_eq!(instances[0].heading, "Course instance 2026-09-14");
    assert!(
        instances[0]
            .text
            .contains("Dates: 2026-09-14 to 2026-09-16"),
        "{}",
        instances[0].text
    );
    assert!(instances[0].text.contains("Mode: onsite"));
    assert!(
        instances[0]
            .text
            .contains("Location: Life Sciences Building, Room 101, 1 Science Road, Cambridge")
    );
    assert!(
        instances[0]
            .text
            .contains("Instructors: Dr Alice Researcher")
    );
    assert!(instances[1].text.contains("Mode: online, synchronous"));
    assert!(instances[1].text.contains("Zoom meeting"));
    assert!(
        a.extra.contains_key("hasCourseInstance"),
        "kept verbatim too"
    );
    assert_ne!(instances[0].line, instances[1].line);
}

#[test]
fn course_instances() {
    for (name, title, mode) in [
        (
            "courseinstance-online.json",
            "Data Carpentry for Life Scientists — May 2026",
            "Mode: online, synchronous",
        ),
        (
            "courseinstance-onsite.json",
            "Practical Genomics Workshop — July 2026",
            "Mode: onsite",
        ),
    ] {
        let Some((a, _)) = example(name) else {
            return;
        };
        assert_eq!(a.title, title);
        assert_eq!(
            a.record.as_ref().unwrap().resource_type.as_deref(),
            Some("CourseInstance")
        );
        assert_eq!(a.kind.as_deref(), Some("course"));
        assert!(a.terms.is_empty() && a.tags.is_empty());
        // No description: the first section says when, where and how.
        assert!(a.sections[0].text.contains(mode), "{}", a.sections[0].text);
        assert!(
            a.sections[0].text.contains("Dates: 2026-0"),
            "{}",
            a.sections[0].text
        );
    }
}

#[test]
fn graph_and_arrays_of_several_items() {
    let text = br##"{"@context": "https://schema.org", "@graph": [
        {"@id": "#alice", "@type": "Person", "name": "Alice", "identifier": "https://orcid.org/0000-0002-1825-0097"},
        {"@id": "#m1", "@type": "LearningResource", "name": "One", "author": {"@id": "#alice"}},
        {"@id": "#m2", "@type": "TrainingMaterial", "name": "Two"}
    ]}"##;
    let reading = read(&inline("g.jsonld"), text);
    let titles: Vec<&str> = reading.articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["One", "Two"]);
    let ids: Vec<&str> = reading.articles.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["g", "g/2"]);
    assert_eq!(
        reading.articles[0].authors[0].orcid.as_deref(),
        Some("0000-0002-1825-0097")
    );
    assert_eq!(reading.articles[0].source.body_line, 3);
    assert_eq!(reading.articles[1].source.body_line, 4);
    assert_eq!(reading.articles[1].kind.as_deref(), Some("training"));

    let text = b"[\n{\"@context\": \"http://schema.org/\", \"@type\": \"Dataset\", \"name\": \"A\", \"identifier\": \"https://doi.org/10.5281/ZENODO.1\"},\n{\"@context\": \"http://schema.org/\", \"@type\": \"SoftwareSourceCode\", \"name\": \"B\"}\n]";
    let reading = read(&inline("many.json"), text);
    let got: Vec<(&str, Option<&str>)> = reading
        .articles
        .iter()
        .map(|a| (a.id.as_str(), a.kind.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("doi/10.5281/zenodo.1", Some("dataset")),
            ("many", Some("software"))
        ]
    );
}

#[test]
fn unknown_remote_context_is_a_warning_and_the_item_is_read() {
    let text = br#"{"@context": "https://example.org/contexts/training.jsonld", "@type": "LearningResource",
        "name": "Remote", "keywords": "a, b", "dateModified": "2022-10-18 14:23:35 +0000"}"#;
    let reading = read(&inline("remote.jsonld"), text);
    assert_eq!(reading.articles.len(), 1);
    let a = &reading.articles[0];
    assert_eq!(
        (a.title.as_str(), a.kind.as_deref()),
        ("Remote", Some("training"))
    );
    assert_eq!(a.tags, ["a", "b"]);
    assert_eq!(a.updated.as_deref(), Some("2022-10-18"));
    let warning = &reading.diagnostics[0];
    assert_eq!(warning.severity, Severity::Warning);
    assert!(
        warning
            .message
            .contains("https://example.org/contexts/training.jsonld"),
        "{warning}"
    );
}

#[test]
fn hostile_and_broken_files_are_clear_errors() {
    // 100,000 unclosed `[`: skipped by a loop, then a clear end-of-file error.
    let deep = "[".repeat(100_000);
    let reading = read(&inline("deep.json"), deep.as_bytes());
    assert!(reading.articles.is_empty());
    let error = &errors(&reading.diagnostics)[0];
    assert!(error.message.contains("unexpected end of file"), "{error}");
    // Closed, they are valid JSON: serde_json's recursion limit refuses them.
    let closed = format!("{deep}{}", "]".repeat(100_000));
    let reading = read(&inline("deep.json"), closed.as_bytes());
    assert!(reading.articles.is_empty());
    let error = &errors(&reading.diagnostics)[0];
    assert!(
        error.message.contains("recursion limit exceeded"),
        "{error}"
    );
    assert_eq!(error.line, 1);

    let deep_object = format!(
        "{{\"@context\": \"https://schema.org\", \"name\": {}1{}}}",
        "[".repeat(80),
        "]".repeat(80)
    );
    let reading = read(&inline("deep.json"), deep_object.as_bytes());
    assert_eq!(
        errors(&reading.diagnostics)[0].message,
        "JSON nested deeper than 64 levels"
    );

    let reading = read(
        &inline("broken.json"),
        b"{\n\"@context\": \"https://schema.org\",\n\"name\": \"x\"\n\"@type\": \"Course\"}",
    );
    let error = &errors(&reading.diagnostics)[0];
    assert_eq!(error.line, 4, "{error}");
    assert!(error.message.starts_with("invalid JSON"), "{error}");

    let reading = read(&inline("scalar.json"), b"42");
    assert_eq!(errors(&reading.diagnostics).len(), 1);
    let reading = read(&inline("latin1.json"), b"{\"name\": \"caf\xe9\"}");
    assert_eq!(errors(&reading.diagnostics)[0].message, "invalid UTF-8");
    let reading = read(&inline("empty.json"), b"[]");
    assert_eq!(errors(&reading.diagnostics).len(), 1);
    assert!(!sniff(b"{\"name\": \"plain JSON\"}"));
    assert!(!sniff(&deep.into_bytes()));
}

#[test]
fn items_without_name_or_with_odd_values_still_read() {
    let text = br#"{"@context": {"@vocab": "https://schema.org/"}, "@type": ["CreativeWork", "LearningResource"],
        "keywords": [{"@type": "DefinedTerm", "name": "X-ray", "termCode": "PaNET01012", "inDefinedTermSet": "http://purl.org/pan-science/PaNET/"}, 3, null],
        "author": ["A. Writer", 7, {"@type": "Organization", "name": "Org", "@id": "https://ror.org/02aj13c28"}],
        "license": {"@type": "CreativeWork", "name": "MIT"}, "dateModified": "18/10/2022", "description": ["x", {"@value": "y"}]}"#;
    let reading = read(&inline("odd/no-name.json"), text);
    let a = &reading.articles[0];
    assert_eq!(a.title, "No name");
    assert_eq!(a.kind.as_deref(), Some("training"));
    assert_eq!(a.terms, ["http://purl.org/pan-science/PaNET/PaNET01012"]);
    assert_eq!(a.license.as_deref(), Some("MIT"));
    assert_eq!(a.updated, None);
    let record = a.record.as_deref().unwrap();
    assert!(record.creators[1].organisation);
    let messages: Vec<&str> = reading
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("has no name")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`18/10/2022` is not an ISO 8601 date")),
        "{messages:?}"
    );
}
