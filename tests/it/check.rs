//! `eoskb check`: every rule on a failing and a passing fixture
//! (`tests/fixtures/check/<rule>/{fail,pass}`, the findings expected of `fail` in
//! the golden file `<rule>/expected.txt`), bad input, the bundled content, the
//! RDMkit corpus, terms read from an index, and the command line.
//!
//! `EOSKB_BLESS=1 cargo test --test it check::check_fixtures_match_expected_findings`
//! rewrites the golden files from what `check` reports now (review the diff).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use eoskb::check::{CheckOptions, CheckReport, Finding, Rule, check};
use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::ingest::Severity;

use crate::support::shared_dir;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// The date the fixtures are checked on, so that staleness does not drift.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("valid date")
}

/// Options for content folders, with the fixture ontology (prefix `ex:`) loaded.
fn options(content: &[PathBuf]) -> CheckOptions {
    let mut options = CheckOptions::new(content.to_vec());
    options.today = today();
    options.ontologies = vec![fixtures().join("ontology")];
    options.ontologies_optional = false;
    options
        .config
        .prefixes
        .insert("ex".into(), "http://example.org/onto/".into());
    options
}

fn run(rule: &str, case: &str) -> CheckReport {
    check(&options(&[fixtures().join(rule).join(case)])).expect("check runs")
}

fn listing(report: &CheckReport) -> String {
    report.findings.iter().map(|f| format!("  {f}\n")).collect()
}

/// Asserts a finding of `rule` with this severity in `file` at `line:column`
/// whose message contains `says`.
fn expect(
    report: &CheckReport,
    rule: Rule,
    severity: Severity,
    file: &str,
    (line, column): (usize, usize),
    says: &str,
) -> Finding {
    let found = report.findings.iter().find(|f| {
        f.rule == rule
            && f.diagnostic.path.ends_with(&format!("/{file}"))
            && f.diagnostic.line == line
            && f.diagnostic.message.contains(says)
    });
    match found {
        Some(f) => {
            assert_eq!(f.severity(), severity, "{f}");
            assert_eq!(f.diagnostic.column, Some(column), "{f}");
            f.clone()
        }
        None => panic!(
            "expected {rule} {severity} at {file}:{line}:{column} saying `{says}`; got:\n{}",
            listing(report)
        ),
    }
}

fn assert_clean(report: &CheckReport) {
    assert!(
        report.findings.is_empty(),
        "expected no findings, got:\n{}",
        listing(report)
    );
}

fn count(report: &CheckReport, rule: Rule) -> usize {
    report.of(rule).count()
}

/// Folders under `tests/fixtures/check/` that are not rule folders.
const SUPPORT: &[&str] = &["ontology"];

/// A run of a rule folder's `fail` or `pass` case with options changed from
/// [`options`], whose findings are in `golden` in the rule folder.
struct Variant {
    rule: &'static str,
    case: &'static str,
    golden: &'static str,
    set: fn(&mut CheckOptions),
}

const VARIANTS: &[Variant] = &[
    // `[check] stale_after_days`, and the override that wins over it.
    Variant {
        rule: "stale",
        case: "pass",
        golden: "expected-stale-after-30-days.txt",
        set: |o| o.config.check.stale_after_days = 30,
    },
    Variant {
        rule: "stale",
        case: "pass",
        golden: "expected-override-365-days.txt",
        set: |o| {
            o.config.check.stale_after_days = 30;
            o.stale_after_days = Some(365);
        },
    },
    // A missing ontology is reported once, and the terms of its prefix are
    // unverified (a warning), not unknown (errors).
    Variant {
        rule: "terms",
        case: "pass",
        golden: "expected-missing-ontology.txt",
        set: |o| o.ontologies = vec![fixtures().join("no-such-ontology")],
    },
];

/// The findings one per line as `eoskb check` prints them, paths relative to
/// `case` (and other fixture paths relative to the checkout), so the lines are
/// the same on every machine.
fn golden_lines(report: &CheckReport, case: &Path) -> Vec<String> {
    let case = format!("{}/", case.display());
    let root = fixtures().display().to_string();
    report
        .findings
        .iter()
        .map(|f| {
            eoskb::terminal::escape_controls(&f.to_string())
                .replace('\n', "\\n")
                .replace(&case, "")
                .replace(&root, "tests/fixtures/check")
        })
        .collect()
}

/// `expected` against `actual`, unified-style: ` ` both, `-` only expected,
/// `+` only actual (a longest common subsequence; the files are short).
fn diff(expected: &[&str], actual: &[String]) -> String {
    let (n, m) = (expected.len(), actual.len());
    let mut common = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            common[i][j] = if expected[i] == actual[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < n || j < m {
        if i < n && j < m && expected[i] == actual[j] {
            out += &format!(" {}\n", expected[i]);
            (i, j) = (i + 1, j + 1);
        } else if j == m || (i < n && common[i + 1][j] >= common[i][j + 1]) {
            out += &format!("-{}\n", expected[i]);
            i += 1;
        } else {
            out += &format!("+{}\n", actual[j]);
            j += 1;
        }
    }
    out
}

/// Compares the findings of `rule/case` (with `set` applied to the options) with
/// the golden file `rule/golden`, or writes it when blessing; a mismatch is
/// added to `failures`.
fn compare(
    rule: &str,
    case: &str,
    golden: &str,
    set: fn(&mut CheckOptions),
    failures: &mut Vec<String>,
) {
    let dir = fixtures().join(rule).join(case);
    let mut options = options(std::slice::from_ref(&dir));
    set(&mut options);
    let report = check(&options).expect("check runs");
    let actual = golden_lines(&report, &dir);
    let file = fixtures().join(rule).join(golden);
    let shown = format!("tests/fixtures/check/{rule}/{golden}");
    if case == "fail" && actual.is_empty() {
        failures.push(format!(
            "tests/fixtures/check/{rule}/fail: no findings; a failing fixture must fail"
        ));
    }
    if std::env::var_os("EOSKB_BLESS").is_some_and(|v| v == "1") {
        let text: String = actual.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&file, text).unwrap_or_else(|e| panic!("{shown}: {e}"));
        eprintln!("wrote {shown}: {} findings", actual.len());
        return;
    }
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) => {
            failures.push(format!(
                "{shown}: {e}; actual findings:\n{}",
                actual.join("\n")
            ));
            return;
        }
    };
    let expected: Vec<&str> = text.lines().collect();
    if expected != actual {
        failures.push(format!(
            "--- {shown} (expected)\n+++ findings of tests/fixtures/check/{rule}/{case} (actual)\n{}",
            diff(&expected, &actual)
        ));
    }
}

/// Every rule folder `tests/fixtures/check/<rule>/`: `fail` has exactly the
/// findings in `<rule>/expected.txt`, `pass` has none, and the runs in
/// [`VARIANTS`] have those in their golden files.
///
/// To regenerate the golden files from what `check` reports now, run
/// `EOSKB_BLESS=1 cargo test --test it check::check_fixtures_match_expected_findings`
/// and review the change with `git diff tests/fixtures/check`.
#[test]
fn check_fixtures_match_expected_findings() {
    let mut rules: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixture folder")
        .map(|entry| entry.expect("fixture folder entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !SUPPORT.contains(&name.as_str()))
        .collect();
    rules.sort();
    let mut failures = Vec::new();
    for rule in &rules {
        for case in ["fail", "pass"] {
            assert!(
                fixtures().join(rule).join(case).is_dir(),
                "tests/fixtures/check/{rule}/{case}: a rule folder has a `fail` and a `pass` folder"
            );
        }
        // Every golden file in the folder is compared (none is left over).
        for entry in std::fs::read_dir(fixtures().join(rule)).expect("rule folder") {
            let name = entry.expect("rule folder entry").file_name();
            let name = name.to_string_lossy();
            let known = name == "expected.txt"
                || VARIANTS.iter().any(|v| v.rule == rule && v.golden == name);
            assert!(
                known || !name.starts_with("expected"),
                "tests/fixtures/check/{rule}/{name}: not a golden file of this test (see VARIANTS)"
            );
        }
        compare(rule, "fail", "expected.txt", |_| {}, &mut failures);
        let dir = fixtures().join(rule).join("pass");
        let report = check(&options(std::slice::from_ref(&dir))).expect("check runs");
        if !report.findings.is_empty() {
            failures.push(format!(
                "tests/fixtures/check/{rule}/pass: expected no findings, got:\n{}",
                golden_lines(&report, &dir).join("\n")
            ));
        }
    }
    for variant in VARIANTS {
        assert!(
            rules.iter().any(|r| r == variant.rule),
            "{}: no such rule folder",
            variant.rule
        );
        compare(
            variant.rule,
            variant.case,
            variant.golden,
            variant.set,
            &mut failures,
        );
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the new findings are right, regenerate the golden files with\n  \
         EOSKB_BLESS=1 cargo test --test it check::check_fixtures_match_expected_findings\n\
         and review `git diff tests/fixtures/check`.",
        failures.join("\n\n")
    );
}

/// A front matter error is reported in its file; the file beside it is still
/// read (its findings, none, are in `front-matter/expected.txt`).
#[test]
fn check_front_matter_error_does_not_stop_the_run() {
    assert_eq!(run("front-matter", "fail").files, 2);
}

#[test]
fn check_bad_input_is_reported_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    let good = "---\ntitle: Good\nsummary: Fine.\n---\n\nText.\n";
    std::fs::write(content.join("good.md"), good).unwrap();
    std::fs::write(
        content.join("broken-yaml.md"),
        "---\ntitle: [unclosed\n---\n",
    )
    .unwrap();
    std::fs::write(
        content.join("binary.md"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
    )
    .unwrap();
    std::fs::write(content.join("latin1.md"), b"---\ntitle: Caf\xe9\n---\n").unwrap();
    // 65 MiB, over the default limit: sparse, so the test writes almost nothing.
    let big = std::fs::File::create(content.join("huge.md")).unwrap();
    big.set_len(65 * 1024 * 1024).unwrap();
    drop(big);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop-b.md", content.join("loop-a.md")).unwrap();
        std::os::unix::fs::symlink("loop-a.md", content.join("loop-b.md")).unwrap();
        std::os::unix::fs::symlink(".", content.join("self")).unwrap();
    }

    let mut options = CheckOptions::new(vec![content.clone()]);
    options.today = today();
    let report = check(&options).expect("bad files are findings, not a failure");
    let about = |name: &str| -> Vec<&Finding> {
        report
            .findings
            .iter()
            .filter(|f| f.diagnostic.path.contains(name))
            .collect()
    };
    let only = |name: &str, rule: Rule, says: &str| {
        let found = about(name);
        assert!(
            found.iter().any(|f| f.rule == rule
                && f.severity() == Severity::Error
                && f.diagnostic.message.contains(says)),
            "{name}: expected {rule} `{says}`:\n{}",
            listing(&report)
        );
    };
    only("broken-yaml.md", Rule::FrontMatter, "invalid YAML");
    only("binary.md", Rule::Read, "binary file");
    only("latin1.md", Rule::Read, "invalid UTF-8");
    only("huge.md", Rule::Read, "68.2 MB");
    #[cfg(unix)]
    {
        only("loop-a.md", Rule::Read, "symbolic link loop");
        only("self", Rule::Read, "symbolic link loop");
    }
    assert!(about("good.md").is_empty(), "{}", listing(&report));

    // A bad file named on the command line is reported the same way.
    let mut one = CheckOptions::new(Vec::new());
    one.paths = vec![content.join("huge.md"), content.join("loop-a.md")];
    let report = check(&one).unwrap();
    assert_eq!(report.errors, 2, "{}", listing(&report));
}

/// `check` reads files by the rules `index` uses: symbolic links leading out of
/// the content or ontology folder are skipped with a warning naming the link,
/// files over `[index] max_file_bytes` are errors, and an ontology whose
/// entities would expand without bound is reported at its line.
#[test]
fn check_reads_files_as_index_does() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let onto = tmp.path().join("onto");
    let secret = tmp.path().join("secret");
    for dir in [&content, &onto, &secret] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let good = "---\ntitle: Good\nsummary: Fine.\n---\n\nText.\n";
    std::fs::write(content.join("good.md"), good).unwrap();
    std::fs::write(content.join("long.md"), good.repeat(50)).unwrap();
    let key = "---\ntitle: Key\nsummary: hushhushword\n---\nPRIVATE KEY\n";
    std::fs::write(secret.join("id_rsa.md"), key).unwrap();
    std::fs::write(
        secret.join("terms.ttl"),
        "<http://ex.org/a> <http://ex.org/b> \"hushhushword\" .\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(secret.join("id_rsa.md"), content.join("key.md")).unwrap();
    std::os::unix::fs::symlink(&secret, content.join("outside")).unwrap();
    std::os::unix::fs::symlink(secret.join("terms.ttl"), onto.join("terms.ttl")).unwrap();
    std::fs::write(onto.join("laughs.rdf"), crate::ontology::billion_laughs()).unwrap();

    let mut options = CheckOptions::new(vec![content.clone()]);
    options.today = today();
    options.ontologies = vec![onto.clone()];
    options.config.index.max_file_bytes = 2000;
    let report = check(&options).unwrap();
    let text = listing(&report);
    assert!(!text.contains("hushhushword"), "{text}");
    let warned = |path: &Path, rule: Rule| {
        let shown = path.display().to_string();
        assert!(
            report.findings.iter().any(|f| f.rule == rule
                && f.severity() == Severity::Warning
                && f.diagnostic.path == shown
                && f.diagnostic.message.contains("leads outside")),
            "{shown}: {text}"
        );
    };
    warned(&content.join("key.md"), Rule::Read);
    warned(&content.join("outside"), Rule::Read);
    warned(&onto.join("terms.ttl"), Rule::Ontology);
    assert!(
        report.findings.iter().any(|f| f.rule == Rule::Read
            && f.severity() == Severity::Error
            && f.diagnostic.path.ends_with("/long.md")
            && f.diagnostic
                .message
                .contains("over the limit of 2000 bytes")),
        "{text}"
    );
    let laughs: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.diagnostic.path.ends_with("laughs.rdf"))
        .collect();
    assert_eq!(laughs.len(), 1, "{text}");
    assert_eq!(laughs[0].rule, Rule::Ontology);
    assert_eq!(laughs[0].diagnostic.line, 11, "{text}");
    assert!(
        laughs[0].diagnostic.message.contains("billion laughs"),
        "{text}"
    );
    assert_eq!(report.files, 2, "good.md and long.md: {text}");
}

#[test]
fn check_paths_limit_what_is_reported() {
    let dir = fixtures().join("anchor/fail");
    let mut options = options(std::slice::from_ref(&dir));
    options.paths = vec![dir.join("target.md")];
    let report = check(&options).unwrap();
    assert_eq!(report.files, 1);
    assert_clean(&report);
    options.paths = vec![dir.join("anchors.md")];
    assert_eq!(check(&options).unwrap().errors, 2);
}

#[test]
fn check_bundled_content_has_no_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut options = CheckOptions::new(vec![root.join("content")]);
    options.ontologies = vec![root.join("ontologies")];
    options.ontologies_optional = false;
    let report = check(&options).unwrap();
    assert_eq!(report.files, 53);
    assert_eq!(report.errors, 0, "{}", listing(&report));
    // PaNET, NeXus and EDAM are not in ontologies/: unverified, once each.
    assert!(
        count(&report, Rule::TermUnverified) <= 3,
        "{}",
        listing(&report)
    );

    // With the real ontologies every term is verified.
    let Some(shared) = shared_dir() else { return };
    options.ontologies.push(shared.join("data/ontologies"));
    let report = check(&options).unwrap();
    assert_eq!(report.errors, 0, "{}", listing(&report));
    assert_eq!(
        count(&report, Rule::TermUnverified),
        0,
        "{}",
        listing(&report)
    );
}

#[test]
fn check_terms_are_read_from_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let content = fixtures().join("terms/fail");
    let mut config = eoskb::config::Config::default();
    config
        .prefixes
        .insert("ex".into(), "http://example.org/onto/".into());
    let report = index::run(
        &data,
        &IndexOptions {
            ontologies: vec![fixtures().join("ontology")],
            config: config.clone(),
            ..IndexOptions::new(vec![content.clone()])
        },
    )
    .unwrap();
    assert_eq!(report.ontologies, 1);
    // A generation whose term index predates replacements gets it derived again.
    let generation = data.current().unwrap().unwrap();
    std::fs::remove_file(generation.join("terms/FORMAT")).unwrap();
    let again = index::run(
        &data,
        &IndexOptions {
            ontologies: vec![fixtures().join("ontology")],
            config: config.clone(),
            ..IndexOptions::new(vec![content.clone()])
        },
    )
    .unwrap();
    assert!(again.published);
    let generation = data.current().unwrap().unwrap();
    assert!(index::terms::is_current(&generation.join("terms")));

    // No ontology paths: the terms come from the generation's term index.
    let mut options = CheckOptions::new(vec![content]);
    options.today = today();
    options.config = config;
    options.ontologies = Vec::new();
    options.data = Some(data);
    let report = check(&options).unwrap();
    assert_eq!(count(&report, Rule::TermUnknown), 1, "{}", listing(&report));
    expect(
        &report,
        Rule::TermDeprecated,
        Severity::Warning,
        "terms.md",
        (4, 31),
        "replaced by `ex:New` (\"new thing\")",
    );
    assert_eq!(count(&report, Rule::TermUnverified), 1);
}

#[test]
fn check_rdmkit_completes_with_plausible_findings() {
    let Some(shared) = shared_dir() else { return };
    let corpus = shared.join("data/corpora/rdmkit/pages");
    let mut options = CheckOptions::new(vec![corpus]);
    options.today = today();
    let report = check(&options).unwrap();
    let pages = report.files;
    assert!(pages >= 130, "{pages}");
    eprintln!(
        "RDMkit: {pages} pages, {} errors, {} warnings",
        report.errors, report.warnings
    );
    let per_rule = |rule: Rule| count(&report, rule);
    for rule in [
        Rule::Read,
        Rule::FrontMatter,
        Rule::RequiredField,
        Rule::DuplicateId,
        Rule::InternalLink,
        Rule::Anchor,
        Rule::Related,
        Rule::ExternalLink,
        Rule::DuplicateTitle,
    ] {
        eprintln!("  {rule}: {}", per_rule(rule));
    }
    // Every page parses (the manifest says so); the warnings are the five page
    // templates' placeholder ids and two pages that repeat `related_pages`.
    assert_eq!(per_rule(Rule::Read), 0, "{}", listing(&report));
    assert!(
        report
            .of(Rule::FrontMatter)
            .all(|f| f.severity() == Severity::Warning)
    );
    // 133 pages, 81 with a description (MANIFEST.md) and a few with `summary`.
    let no_summary = report
        .of(Rule::RequiredField)
        .filter(|f| f.diagnostic.message.contains("summary"))
        .count();
    assert!((40..=55).contains(&no_summary), "{no_summary}");
    assert_eq!(
        per_rule(Rule::RequiredField),
        no_summary,
        "every page has a title"
    );
    assert_eq!(per_rule(Rule::DuplicateId), 0);
    // Jekyll permalink links (`[x](data_management_plan)`, hundreds of them) resolve;
    // the few that do not are pages that were renamed.
    assert!(per_rule(Rule::InternalLink) < 40, "{}", listing(&report));
    let at = |file: &str, rule: Rule, says: &str| {
        assert!(
            report
                .of(rule)
                .any(|f| f.diagnostic.path.ends_with(file) && f.diagnostic.message.contains(says)),
            "expected {rule} in {file} saying `{says}`:\n{}",
            listing(&report)
        );
    };
    at(
        "your_tasks/ethics.md",
        Rule::InternalLink,
        "link to `data_protection`: no such article",
    );
    // Fragments are case-sensitive; kramdown's ids are lower case.
    at(
        "contribute/tool_resource_update.md",
        Rule::Anchor,
        "did you mean `#the-main-yaml-file`?",
    );
    // Addresses written as links without `mailto:`.
    at(
        "national_resources/se_resources.md",
        Rule::ExternalLink,
        "write `mailto:dataoffice@chalmers.se`",
    );
    // The page templates still hold their placeholders.
    at(
        "your_tasks/TEMPLATE_your_tasks.md",
        Rule::Related,
        "REPLACE THIS",
    );
    // A space where the page id has an underscore.
    at(
        "tool_assembly/labid_assembly.md",
        Rule::Related,
        "`data provenance` in `related_pages`",
    );
}

#[test]
fn check_cli_exit_codes_and_json() {
    let exe = env!("CARGO_BIN_EXE_eoskb");
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(exe)
            .args(args)
            .arg("--data")
            .arg(tmp.path().join("data"))
            .current_dir(tmp.path())
            .output()
            .expect("run eoskb")
    };
    let fail = fixtures().join("required-field/fail");
    let out = run(&["check", "--content", fail.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().any(|l| l.ends_with(
            "no-summary.md:1:1: error: missing `summary`: one or two sentences saying what the article answers [required-field]"
        )),
        "{text}"
    );

    let warn = fixtures().join("duplicate-title/fail");
    let out = run(&["check", warn.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "warnings only");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 1);
    let finding = &json["findings"][0];
    for key in ["path", "line", "column", "severity", "rule", "message"] {
        assert!(finding.get(key).is_some(), "{key} in {finding}");
    }
    assert_eq!(finding["rule"], "duplicate-title");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["line"], 3);
}
