//! `eoskb check`: every rule on a failing and a passing fixture
//! (`tests/fixtures/check/<rule>/{fail,pass}`), bad input, the bundled content,
//! the RDMkit corpus, terms read from an index, and the command line.

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

#[test]
fn check_required_fields() {
    let report = run("required-field", "fail");
    expect(
        &report,
        Rule::RequiredField,
        Severity::Error,
        "no-summary.md",
        (1, 1),
        "missing `summary`",
    );
    expect(
        &report,
        Rule::RequiredField,
        Severity::Error,
        "empty-description.md",
        (3, 1),
        "`description` is empty",
    );
    expect(
        &report,
        Rule::RequiredField,
        Severity::Error,
        "no-title.md",
        (1, 1),
        "missing `title`",
    );
    assert_eq!(report.errors, 4, "{}", listing(&report));
    assert_clean(&run("required-field", "pass"));
}

#[test]
fn check_allowed_values() {
    let report = run("allowed-value", "fail");
    expect(
        &report,
        Rule::AllowedValue,
        Severity::Error,
        "values.md",
        (4, 7),
        "`tutorial` is not a known kind",
    );
    expect(
        &report,
        Rule::AllowedValue,
        Severity::Error,
        "values.md",
        (5, 24),
        "did you mean `data-steward`?",
    );
    expect(
        &report,
        Rule::AllowedValue,
        Severity::Error,
        "values.md",
        (8, 5),
        "`Z9` is not a known fair",
    );
    assert_eq!(report.errors, 3, "{}", listing(&report));
    assert_clean(&run("allowed-value", "pass"));
}

#[test]
fn check_dates() {
    let report = run("date", "fail");
    expect(
        &report,
        Rule::Date,
        Severity::Error,
        "not-a-date.md",
        (4, 10),
        "not a date",
    );
    assert_eq!(report.errors, 1, "{}", listing(&report));
    assert_clean(&run("date", "pass"));
}

#[test]
fn check_stale_articles_warn_and_the_age_is_configurable() {
    let report = run("stale", "fail");
    expect(
        &report,
        Rule::Stale,
        Severity::Warning,
        "old.md",
        (4, 10),
        "not updated since 2019-05-01",
    );
    assert_eq!((report.errors, report.warnings), (0, 1));
    assert_clean(&run("stale", "pass"));

    // `[check] stale_after_days`, and the override that wins over it.
    let mut strict = options(&[fixtures().join("stale/pass")]);
    strict.config.check.stale_after_days = 30;
    assert_eq!(count(&check(&strict).unwrap(), Rule::Stale), 1);
    strict.stale_after_days = Some(365);
    assert_eq!(count(&check(&strict).unwrap(), Rule::Stale), 0);
}

#[test]
fn check_duplicate_ids() {
    let report = run("duplicate-id", "fail");
    let f = expect(
        &report,
        Rule::DuplicateId,
        Severity::Error,
        "second.md",
        (4, 5),
        "duplicate id `shared-id`",
    );
    assert!(f.diagnostic.message.contains("first.md"), "{f}");
    assert_eq!(count(&report, Rule::DuplicateId), 1);
    assert_clean(&run("duplicate-id", "pass"));
}

#[test]
fn check_duplicate_titles() {
    let report = run("duplicate-title", "fail");
    expect(
        &report,
        Rule::DuplicateTitle,
        Severity::Warning,
        "b.md",
        (3, 1),
        "is also the title of",
    );
    assert_eq!((report.errors, report.warnings), (0, 1));
    assert_clean(&run("duplicate-title", "pass"));
}

#[test]
fn check_terms() {
    let report = run("terms", "fail");
    expect(
        &report,
        Rule::TermUnknown,
        Severity::Error,
        "terms.md",
        (4, 19),
        "`ex:Missing` is not defined",
    );
    expect(
        &report,
        Rule::TermDeprecated,
        Severity::Warning,
        "terms.md",
        (4, 31),
        "replaced by `ex:New` (\"new thing\")",
    );
    expect(
        &report,
        Rule::TermSyntax,
        Severity::Error,
        "terms.md",
        (4, 39),
        "did you mean `ex:`?",
    );
    expect(
        &report,
        Rule::TermDeprecated,
        Severity::Warning,
        "more-terms.md",
        (5, 5),
        "names no replacement",
    );
    expect(
        &report,
        Rule::TermDeprecated,
        Severity::Warning,
        "more-terms.md",
        (6, 5),
        "replaced by `ex:Known`",
    );
    expect(
        &report,
        Rule::TermSyntax,
        Severity::Error,
        "more-terms.md",
        (9, 5),
        "neither a CURIE",
    );
    // EDAM is not loaded: one warning for its three uses in two articles, at the first.
    expect(
        &report,
        Rule::TermUnverified,
        Severity::Warning,
        "more-terms.md",
        (7, 5),
        "3 uses of its terms in 2 articles",
    );
    assert_eq!(count(&report, Rule::TermUnverified), 1);
    assert_eq!(report.errors, 3, "{}", listing(&report));
    assert_clean(&run("terms", "pass"));
}

#[test]
fn check_missing_ontology_is_reported_once_and_its_terms_are_unverified() {
    let mut options = options(&[fixtures().join("terms/pass")]);
    options.ontologies = vec![fixtures().join("no-such-ontology")];
    let report = check(&options).unwrap();
    let ontology: Vec<_> = report.of(Rule::Ontology).collect();
    assert_eq!(ontology.len(), 1, "{}", listing(&report));
    assert_eq!(ontology[0].severity(), Severity::Warning);
    assert!(ontology[0].diagnostic.message.contains("not found"));
    // `ex:` terms cannot be verified now: a warning, not unknown-term errors.
    assert_eq!(count(&report, Rule::TermUnknown), 0);
    assert_eq!(count(&report, Rule::TermUnverified), 1);
    assert_eq!(report.errors, 0, "{}", listing(&report));
}

#[test]
fn check_internal_links() {
    let report = run("internal-link", "fail");
    expect(
        &report,
        Rule::InternalLink,
        Severity::Error,
        "links.md",
        (6, 25),
        "link to `nope.md`: no such article",
    );
    expect(
        &report,
        Rule::InternalLink,
        Severity::Error,
        "links.md",
        (6, 47),
        "`../elsewhere/missing`",
    );
    expect(
        &report,
        Rule::InternalLink,
        Severity::Warning,
        "links.md",
        (8, 14),
        "`figures/diagram.svg`: no such file",
    );
    assert_clean(&run("internal-link", "pass"));
}

#[test]
fn check_anchors() {
    let report = run("anchor", "fail");
    expect(
        &report,
        Rule::Anchor,
        Severity::Error,
        "anchors.md",
        (8, 29),
        "did you mean `#getting-a-doi`?",
    );
    expect(
        &report,
        Rule::Anchor,
        Severity::Error,
        "anchors.md",
        (9, 26),
        "`#no-such-heading` is not a heading or anchor of",
    );
    assert_eq!(report.errors, 2, "{}", listing(&report));
    assert_clean(&run("anchor", "pass"));
}

#[test]
fn check_related() {
    let report = run("related", "fail");
    expect(
        &report,
        Rule::Related,
        Severity::Error,
        "related.md",
        (5, 23),
        "`no-such-page` in `related_pages` names no article",
    );
    assert_eq!(report.errors, 1, "{}", listing(&report));
    assert_clean(&run("related", "pass"));
}

#[test]
fn check_external_links() {
    let report = run("external-link", "fail");
    expect(
        &report,
        Rule::ExternalLink,
        Severity::Error,
        "links.md",
        (6, 19),
        "must be followed by `//`",
    );
    expect(
        &report,
        Rule::ExternalLink,
        Severity::Error,
        "links.md",
        (6, 49),
        "`https://` is not a well-formed URL",
    );
    expect(
        &report,
        Rule::ExternalLink,
        Severity::Error,
        "links.md",
        (7, 23),
        "host `zenodo` is not a full domain name",
    );
    expect(
        &report,
        Rule::InternalLink,
        Severity::Warning,
        "links.md",
        (8, 17),
        "needs its scheme: `https://www.example.org`",
    );
    expect(
        &report,
        Rule::ExternalLink,
        Severity::Error,
        "links.md",
        (9, 24),
        "write `mailto:editors@example.org`",
    );
    assert_eq!(report.errors, 4, "{}", listing(&report));
    assert_clean(&run("external-link", "pass"));
}

#[test]
fn check_front_matter() {
    let report = run("front-matter", "fail");
    let f = expect(
        &report,
        Rule::FrontMatter,
        Severity::Error,
        "broken.md",
        (4, 1),
        "invalid YAML",
    );
    assert!(
        f.to_string().contains("broken.md:4:1: error: invalid YAML"),
        "{f}"
    );
    // The file beside it is still checked.
    assert_eq!(report.files, 2);
    assert_eq!(report.errors, 1, "{}", listing(&report));
    assert_clean(&run("front-matter", "pass"));
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
    assert_eq!(report.files, 50);
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
