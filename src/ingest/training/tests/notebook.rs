use crate::ingest::testdata::{bytes, errors, file, inline, shared};
use crate::ingest::training::notebook::{read, sniff};
use crate::model::Article;

const NOTEBOOKS: &str = "outputs/notebooks/PaNOSC-ViNYL+McStasScript-notebooks";

/// The MANIFEST's facts: file, nbformat, cells, markdown cells, code cells,
/// empty code cells, first Markdown line (→ title).
const FACTS: [(&str, &str, u64, u64, u64, usize, &str); 5] = [
    (
        "tutorial/McStasScript_tutorial_1_the_basics.ipynb",
        "4.2",
        58,
        25,
        33,
        1,
        "# McStasScript introduction",
    ),
    (
        "tutorial/Union_tutorial_1_processes_and_materials.ipynb",
        "4.2",
        37,
        17,
        20,
        1,
        "# The Union components",
    ),
    (
        "McStasScript_quiz.ipynb",
        "4.5",
        49,
        19,
        30,
        1,
        "# McStasScript e-learning quiz",
    ),
    (
        "McStas_Advanced_Design_School/1_McStasScript_day/Talk_1_basics.ipynb",
        "4.5",
        91,
        40,
        51,
        1,
        "# McStasScript",
    ),
    (
        "cryostat_demo.ipynb",
        "4.5",
        36,
        17,
        19,
        0,
        "## Demo of cryostat builder",
    ),
];

/// The sources of the notebook's non-empty code cells, read from its JSON.
fn code_cells(rel: &str) -> Vec<String> {
    let Some(root) = shared(NOTEBOOKS) else {
        return Vec::new();
    };
    let json: serde_json::Value = serde_json::from_slice(&bytes(&file(&root, rel))).unwrap();
    let source = |cell: &serde_json::Value| match &cell["source"] {
        serde_json::Value::Array(lines) => lines.iter().filter_map(|l| l.as_str()).collect(),
        other => other.as_str().unwrap_or_default().to_string(),
    };
    json["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|cell| cell["cell_type"] == "code")
        .map(source)
        .filter(|s: &String| !s.trim().is_empty())
        .collect()
}

fn notebook(rel: &str) -> Option<Article> {
    let root = shared(NOTEBOOKS)?;
    let f = file(&root, rel);
    let data = bytes(&f);
    assert!(sniff(&data), "{rel}");
    // As shared: no outputs, no execution counts.
    let raw: serde_json::Value = serde_json::from_slice(&data).expect("JSON");
    for cell in raw["cells"].as_array().expect("cells") {
        if cell["cell_type"] == "code" {
            assert_eq!(cell["outputs"], serde_json::json!([]), "{rel}");
            assert!(cell["execution_count"].is_null(), "{rel}");
        }
    }
    let mut reading = read(&f, &data);
    assert!(
        reading.diagnostics.is_empty(),
        "{rel}: {:?}",
        reading.diagnostics
    );
    assert_eq!(reading.articles.len(), 1);
    Some(reading.articles.remove(0))
}

#[test]
fn mcstas_notebooks() {
    for (rel, version, cells, markdown, code, empty_code, first_line) in FACTS {
        let Some(a) = notebook(rel) else { return };
        assert_eq!(a.extra["nbformat"], version, "{rel}");
        let counts = &a.extra["cells"];
        assert_eq!(counts["markdown"].as_u64(), Some(markdown), "{rel}");
        assert_eq!(counts["code"].as_u64(), Some(code), "{rel}");
        assert_eq!(markdown + code, cells, "{rel}");
        assert_eq!(a.extra["language"], "python");
        assert_eq!(a.extra["metadata.kernelspec"]["language"], "python");
        // The first Markdown line is the title: the first level-1 heading, or
        // (cryostat_demo has none) the first heading.
        assert_eq!(a.title, first_line.trim_start_matches('#').trim(), "{rel}");
        assert_eq!(a.kind.as_deref(), Some("notebook"));
        assert_eq!(a.record.as_ref().unwrap().format, "notebook");
        assert_eq!(a.id, crate::ingest::path_slug(rel));
        // Every non-empty code cell is in exactly one section's code (code
        // blocks and tables of Markdown cells are there too) ...
        let cells = code_cells(rel);
        assert_eq!(cells.len() as u64, code - empty_code as u64, "{rel}");
        for cell in &cells {
            let holding = a
                .sections
                .iter()
                .flat_map(|s| &s.code)
                .filter(|c| c.trim() == cell.trim())
                .count();
            let copies = cells.iter().filter(|c| c.trim() == cell.trim()).count();
            assert_eq!(holding, copies, "{rel}: {cell}");
        }
        // ... and none is in the text.
        for s in &a.sections {
            assert!(
                !s.text.contains("import mcstasscript as ms"),
                "{rel}: {}",
                s.heading
            );
            assert!(!s.text.is_empty() || !s.code.is_empty());
        }
        let with_import = a
            .sections
            .iter()
            .filter(|s| {
                s.code
                    .iter()
                    .any(|c| c.contains("import mcstasscript as ms"))
            })
            .count();
        assert_eq!(with_import, 1, "{rel}");
        assert!(
            a.markdown.contains("```python\nimport"),
            "{rel}: code shown as code"
        );
        let ordinals: Vec<usize> = a.sections.iter().map(|s| s.ordinal).collect();
        assert_eq!(ordinals, (0..a.sections.len()).collect::<Vec<_>>());
    }
}

#[test]
fn sections_point_at_their_lines_in_the_file() {
    let Some(a) = notebook("cryostat_demo.ipynb") else {
        return;
    };
    let first = &a.sections[0];
    assert_eq!(
        (first.heading.as_str(), first.level, first.line),
        ("Demo of cryostat builder", 2, 8)
    );
    assert!(
        first
            .text
            .starts_with("This notebook contains a quick demo of the Cryostat class")
    );
    assert!(
        first.code[0].starts_with(
            "import mcstasscript as ms\nimport mcstasscript.jb_interface as ms_widget"
        )
    );
    let creating = a
        .sections
        .iter()
        .find(|s| s.heading == "Creating a cryostat")
        .unwrap();
    assert_eq!(creating.line, 49);
    assert_eq!(creating.anchor, "creating-a-cryostat");

    let Some(a) = notebook("tutorial/McStasScript_tutorial_1_the_basics.ipynb") else {
        return;
    };
    let anatomy = a
        .sections
        .iter()
        .find(|s| s.heading == "Anatomy of a McStas instrument")
        .unwrap();
    assert_eq!(anatomy.line, 17);
    assert_eq!(
        anatomy.heading_path,
        [
            "McStasScript introduction",
            "Anatomy of a McStas instrument"
        ]
    );
}

fn cell(kind: &str, source: &str) -> String {
    format!("{{\"cell_type\": \"{kind}\", \"metadata\": {{}}, \"source\": {source}}}")
}

fn notebook_json(cells: &[String]) -> String {
    format!(
        "{{\n\"cells\": [\n{}\n],\n\"metadata\": {{}},\n\"nbformat\": 4,\n\"nbformat_minor\": 5\n}}\n",
        cells.join(",\n")
    )
}

#[test]
fn code_before_headings_and_headings_with_only_code() {
    let text = notebook_json(&[
        cell("code", "\"setup()\""),
        cell("markdown", "[\"# Title\\n\", \"\\n\", \"Intro text.\"]"),
        cell("markdown", "\"## Only code below\""),
        cell("code", "[\"run()\\n\", \"plot()\"]"),
        cell("raw", "\"\\\\begin{raw}\""),
        cell("markdown", "\"## Text\\n\\nWords here.\""),
        cell("code", "\"\""),
        cell("code", "\"more()\""),
    ]);
    let reading = read(&inline("n/demo.ipynb"), text.as_bytes());
    assert!(reading.diagnostics.is_empty(), "{:?}", reading.diagnostics);
    let a = &reading.articles[0];
    assert_eq!(a.title, "Title");
    let got: Vec<(&str, u8, &str, Vec<&str>, usize)> = a
        .sections
        .iter()
        .map(|s| {
            (
                s.heading.as_str(),
                s.level,
                s.text.as_str(),
                s.code.iter().map(String::as_str).collect(),
                s.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Title", 0, "", vec!["setup()"], 3),
            ("Title", 1, "Intro text.", vec![], 4),
            ("Only code below", 2, "", vec!["run()\nplot()"], 5),
            ("Text", 2, "Words here.", vec!["more()"], 8),
        ]
    );
    assert_eq!(a.extra["cells"]["raw"], 1);
    assert_eq!(a.extra["raw_cells"][0], "\\begin{raw}");
}

#[test]
fn broken_and_old_notebooks_are_clear_errors() {
    // nbformat 3: worksheets, no cells.
    let v3 = b"{\n \"metadata\": {\"name\": \"old\"},\n \"nbformat\": 3,\n \"nbformat_minor\": 0,\n \"worksheets\": [{\"cells\": []}]\n}\n";
    let reading = read(&inline("old.ipynb"), v3);
    assert!(reading.articles.is_empty());
    let error = &errors(&reading.diagnostics)[0];
    assert_eq!(error.line, 3);
    assert!(
        error
            .message
            .starts_with("nbformat 3 notebook: only nbformat 4 is read"),
        "{error}"
    );

    let invalid = b"{\n \"cells\": [\n  {\"cell_type\": \"markdown\", \"source\": [\"# A\"]}\n  {\"cell_type\": \"code\"}\n ]\n}";
    let reading = read(&inline("bad.ipynb"), invalid);
    let error = &errors(&reading.diagnostics)[0];
    assert_eq!(error.line, 4, "{error}");
    assert!(error.message.starts_with("invalid JSON"), "{error}");

    for (bytes, message) in [
        (&b"[1, 2]"[..], "not a JSON object"),
        (b"{\"cells\": []}", "no nbformat version"),
        (b"{\"nbformat\": 4}", "without `cells`"),
        (b"{\"nbformat\": 4, \"cells\": 7}", "not a Jupyter notebook"),
    ] {
        let reading = read(&inline("x.ipynb"), bytes);
        let error = &errors(&reading.diagnostics)[0];
        assert!(error.message.contains(message), "{error}");
    }
    // Deep outputs are skipped unread (serde_json skips them with a loop); a deep
    // cell source is a clean warning.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let text = notebook_json(&[
        format!("{{\"cell_type\": \"code\", \"source\": \"x()\", \"outputs\": {deep}}}"),
        cell("markdown", &deep),
        cell("markdown", "\"# Kept\\n\\nText.\""),
        cell("heading", "\"# v3 heading cell\""),
        "42".to_string(),
    ]);
    let reading = read(&inline("deep.ipynb"), text.as_bytes());
    let a = &reading.articles[0];
    assert_eq!(a.title, "Kept");
    assert_eq!(a.sections.iter().map(|s| s.code.len()).sum::<usize>(), 1);
    let messages: Vec<&str> = reading
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].starts_with("cell 2: source"), "{messages:?}");
    assert!(messages[1].contains("cell_type `heading`"), "{messages:?}");
    assert!(
        messages[2].starts_with("cell 5 is not a notebook cell"),
        "{messages:?}"
    );
    assert!(!sniff(b"{\"name\": \"x\"}"));
}
