//! Ingest, index and keyword search on the fixture corpus, including incremental
//! and failed runs.

use eoskb::index::{self, DataDir, IndexOptions};
use eoskb::ingest::Severity;
use eoskb::query::{self, Mode, SearchRequest};

use crate::support::{fixture_content, index, open, request};

fn ids(response: &query::SearchResponse) -> Vec<&str> {
    response.hits.iter().map(|h| h.id.as_str()).collect()
}

/// A keyword search (these tests run without an embedding model).
fn search(kb: &query::KnowledgeBase, params: &[(&str, &str)]) -> query::SearchResponse {
    let request = request(params).with_mode(Mode::Keyword);
    query::search(kb, &request).unwrap()
}

#[test]
fn fixture_corpus_front_matter_variants_and_aliases() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    let report = index(&data, &[content]);
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    assert_eq!(report.articles, 5);
    let kb = open(&data);

    let toml = query::get_article(&kb, "nexus-files").unwrap().article;
    assert_eq!(toml.tags, ["nexus", "hdf5", "metadata"]);
    assert_eq!(toml.projects, ["ExPaNDS"]);

    let jekyll = query::get_article(&kb, "embargo-faq").unwrap().article;
    assert_eq!(jekyll.kind.as_deref(), Some("faq"), "`type` maps to kind");
    assert_eq!(
        jekyll.tags,
        ["embargo", "data-policy"],
        "`keywords` map to tags"
    );
    assert_eq!(
        jekyll.authors[0].name, "Jane Curator",
        "`contributors` map to authors"
    );
    assert!(
        jekyll.summary.starts_with("The embargo period"),
        "`description` maps to summary"
    );

    let bare = query::get_article(&kb, "untitled-notes").unwrap().article;
    assert_eq!(bare.title, "Untitled notes");
    assert_eq!(bare.source.path, "untitled-notes.md");

    let single = query::get_article(&kb, "training-course").unwrap().article;
    assert_eq!(
        single.audience,
        ["facility-staff"],
        "a scalar becomes a one-item list"
    );
}

#[test]
fn template_directives_do_not_leak() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, &[fixture_content(tmp.path())]);
    let kb = open(&data);
    let view = query::get_article(&kb, "embargo-faq").unwrap();
    let text: String = view
        .article
        .sections
        .iter()
        .map(|s| s.text.clone())
        .collect();
    assert!(
        text.contains("Check the policy of your own facility."),
        "{text}"
    );
    assert!(text.contains("Embargo rules differ"), "{text}");
    for noise in ["{%", "%}", "{note}", "```", "callout.html"] {
        assert!(!text.contains(noise), "`{noise}` leaked into {text}");
        assert!(!view.html.contains(noise), "`{noise}` leaked into HTML");
    }
    let hits = search(&kb, &[("q", "callout")]);
    assert_eq!(hits.total, 0, "markup is not searchable text");
}

#[test]
fn ranking_snippets_sections_and_facets() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, &[fixture_content(tmp.path())]);
    let kb = open(&data);

    let doi = search(&kb, &[("q", "DOI")]);
    assert_eq!(ids(&doi)[0], "doi-beamtime");
    let snippet = &doi.hits[0].snippet;
    let marked: Vec<&str> = snippet.runs().filter(|(_, m)| *m).map(|(r, _)| r).collect();
    assert!(marked.contains(&"DOI"), "{snippet:?}");
    assert_eq!(doi.hits[0].path, "guides/doi-for-beamtime.md");

    let validator = search(&kb, &[("q", "validator")]);
    assert_eq!(ids(&validator), ["nexus-files"]);
    assert_eq!(validator.hits[0].section.anchor, "validation");
    assert_eq!(validator.hits[0].section.heading, "Validation");

    // Stemming: "embargoes" finds "embargo".
    assert_eq!(ids(&search(&kb, &[("q", "embargoes")]))[0], "embargo-faq");

    // Facets count every match, not just the page.
    let data_q = search(&kb, &[("q", "data"), ("limit", "1")]);
    assert!(data_q.total >= 3);
    assert_eq!(data_q.hits.len(), 1);
    let kinds: u64 = data_q.facets["kind"].values().sum();
    assert!(kinds >= 3, "{:?}", data_q.facets);
    assert!(data_q.facet_sizes.is_empty(), "{:?}", data_q.facet_sizes);

    // A facet lists its most frequent values; facet_sizes says how many it had.
    let kinds = &data_q.facets["kind"];
    assert!(kinds.len() >= 2, "{kinds:?}");
    let cut = search(&kb, &[("q", "data"), ("facet_limit", "1")]);
    assert_eq!(cut.facets["kind"].len(), 1);
    assert_eq!(cut.facet_sizes["kind"], kinds.len());
    assert_eq!(
        cut.facets["kind"].values().next(),
        kinds.values().max(),
        "{:?}",
        cut.facets
    );
    assert_eq!(cut.total, data_q.total, "the cut is only what is listed");
    let none = search(&kb, &[("q", "data"), ("limit", "1"), ("facet_limit", "0")]);
    assert!(none.facets.is_empty(), "{:?}", none.facets);
    assert_eq!(ids(&none), ids(&data_q));

    let faq_only = search(&kb, &[("q", "data"), ("kind", "FAQ")]);
    assert_eq!(ids(&faq_only), ["embargo-faq"], "filters ignore case");
    assert_eq!(faq_only.facets["kind"].len(), 1);

    let either = search(
        &kb,
        &[("q", "data"), ("project", "PaNOSC"), ("project", "OSCARS")],
    );
    assert_eq!(either.total, 2, "values of one filter are alternatives");

    let request = request(&[("q", "data"), ("kind", "novel"), ("mode", "keyword")]);
    let err = query::search(&kb, &request).unwrap_err();
    assert!(
        matches!(err, query::Error::UnknownFacetValue { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("faq"), "lists known values: {err}");
}

#[test]
fn query_errors_are_reported_not_panicked() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, &[fixture_content(tmp.path())]);
    let kb = open(&data);
    let run = |q: &str| {
        query::search(
            &kb,
            &SearchRequest {
                mode: Mode::Keyword,
                ..SearchRequest::new(q)
            },
        )
    };
    assert!(matches!(run("   "), Err(query::Error::EmptyQuery)));
    assert!(matches!(
        run(&"x".repeat(10_000)),
        Err(query::Error::QueryTooLong { .. })
    ));
    assert!(matches!(run("title:(doi"), Err(query::Error::Syntax(_))));
    // Colons of unknown fields are text, not errors.
    assert_eq!(ids(&run("PaNET:doi").unwrap())[0], "doi-beamtime");
    assert_eq!(ids(&run("title:nexus").unwrap()), ["nexus-files"]);
}

#[test]
fn incremental_reindex_edit_delete_add() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    let first = index(&data, std::slice::from_ref(&content));
    assert!(first.full_rebuild && first.published);

    let again = index(&data, std::slice::from_ref(&content));
    assert!(!again.published, "nothing changed, nothing published");
    assert_eq!(again.unchanged, 5);

    let nexus = content.join("guides/nexus-files.md");
    let text = std::fs::read_to_string(&nexus).unwrap();
    std::fs::write(
        &nexus,
        text.replace("describes the specimen", "describes the cnxcrystal"),
    )
    .unwrap();
    let edited = index(&data, std::slice::from_ref(&content));
    assert_eq!(
        edited.changed,
        [format!("{}/guides/nexus-files.md", content.display())]
    );
    assert_eq!((edited.added.len(), edited.unchanged), (0, 4));
    let kb = open(&data);
    assert_eq!(ids(&search(&kb, &[("q", "cnxcrystal")])), ["nexus-files"]);
    assert_eq!(
        search(&kb, &[("q", "specimen")]).total,
        0,
        "old text is gone"
    );
    assert_eq!(
        search(&kb, &[("q", "DOI")]).total,
        1,
        "unchanged files are still there"
    );

    std::fs::remove_file(content.join("faq-embargo.md")).unwrap();
    std::fs::write(
        content.join("new.md"),
        "---\ntitle: Proposal writing\n---\nWrite a strong beamtime proposal.\n",
    )
    .unwrap();
    let changed = index(&data, std::slice::from_ref(&content));
    assert_eq!(changed.deleted.len(), 1);
    assert_eq!(changed.added.len(), 1);
    assert_eq!(changed.articles, 5);
    let kb = open(&data);
    assert_eq!(search(&kb, &[("q", "embargo")]).total, 0);
    assert!(matches!(
        query::get_article(&kb, "embargo-faq"),
        Err(query::Error::NotFound(_))
    ));
    assert_eq!(ids(&search(&kb, &[("q", "proposal")])), ["new"]);
    assert_eq!(query::stats(&kb).articles, 5);

    // An incremental run ends where a full rebuild would.
    let full_data = DataDir::new(tmp.path().join("full"));
    index(&full_data, &[content]);
    let full = open(&full_data);
    for q in ["data", "proposal", "DOI", "nexus"] {
        assert_eq!(
            ids(&search(&kb, &[("q", q)])),
            ids(&search(&full, &[("q", q)])),
            "{q}"
        );
    }
}

#[test]
fn bad_files_are_reported_and_skipped_and_strict_publishes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, std::slice::from_ref(&content));

    std::fs::write(
        content.join("broken.md"),
        "---\ntitle: Broken\ntags: [a, b\n---\nbody\n",
    )
    .unwrap();
    std::fs::write(
        content.join("latin1.md"),
        b"---\ntitle: x\n---\nline\ncaf\xe9\n",
    )
    .unwrap();
    std::fs::write(
        content.join("guides/doi-for-beamtime.md"),
        "---\ntitle: DOI, rewritten\n---\nnew body\n",
    )
    .unwrap();

    let strict = index::run(
        &data,
        &IndexOptions {
            strict: true,
            full: false,
            ..IndexOptions::new(vec![content.clone()])
        },
    )
    .unwrap();
    assert_eq!(strict.errors(), 2);
    assert!(!strict.published);
    let kb = open(&data);
    assert_eq!(
        search(&kb, &[("q", "DOI")]).hits[0].title,
        "Getting a DOI for your beamtime data",
        "previous index still live"
    );

    let lenient = index(&data, std::slice::from_ref(&content));
    assert!(lenient.published);
    let errors: Vec<String> = lenient
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    let prefix = content.display().to_string();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&format!("{prefix}/broken.md:3:")) && e.contains("YAML")),
        "{errors:?}"
    );
    assert!(
        errors.contains(&format!("{prefix}/latin1.md:5: error: invalid UTF-8")),
        "{errors:?}"
    );
    let kb = open(&data);
    assert_eq!(
        search(&kb, &[("q", "rewritten")]).total,
        1,
        "good files are indexed"
    );
    assert_eq!(query::stats(&kb).articles, 5);
}

#[test]
fn unreadable_and_looping_paths_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    std::os::unix::fs::symlink(&content, content.join("guides/loop")).unwrap();
    std::os::unix::fs::symlink(content.join("missing.md"), content.join("dangling.md")).unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = index(&data, &[content, tmp.path().join("no-such-folder")]);
    let messages: Vec<String> = report.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        messages.iter().any(|m| m.contains("symbolic link loop")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("dangling.md") && m.contains("cannot read")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("no-such-folder") && m.contains("not found")),
        "{messages:?}"
    );
    assert_eq!(report.articles, 5);
}

/// Symbolic links are followed only while they stay inside the content folder:
/// a link to a private key or to `/proc/self/environ` is a warning naming the
/// link, never an article, and nothing of the target shows in the report.
#[test]
fn symbolic_links_leading_outside_the_content_folder_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let secret = tmp.path().join("secret");
    std::fs::create_dir_all(&secret).unwrap();
    let key = "---\ntitle: Key\n---\nPRIVATE KEY hushhushword\n";
    std::fs::write(secret.join("id_rsa.md"), key).unwrap();
    let link = |target: &std::path::Path, name: &str| {
        std::os::unix::fs::symlink(target, content.join(name)).unwrap();
    };
    link(&secret.join("id_rsa.md"), "key.md");
    link(std::path::Path::new("/proc/self/environ"), "environ.md");
    link(&secret, "outside");
    link(&content.join("guides/../guides"), "inside");
    link(std::path::Path::new("faq-embargo.md"), "faq-again.md");
    let data = DataDir::new(tmp.path().join("data"));
    let report = index(&data, std::slice::from_ref(&content));

    let root = content.display().to_string();
    for name in ["key.md", "environ.md", "outside"] {
        let shown = format!("{root}/{name}");
        assert!(
            report.diagnostics.iter().any(|d| d.path == shown
                && d.severity == Severity::Warning
                && d.message.contains("leads outside")),
            "{name}: {:?}",
            report.diagnostics
        );
    }
    let listed = format!("{:?}", report.diagnostics);
    assert!(!listed.contains("hushhushword") && !listed.contains("PATH="));
    // Links inside the folder still work (each file is indexed once).
    assert_eq!(report.errors(), 0, "{listed}");
    assert_eq!(report.articles, 5, "{listed}");
    let kb = open(&data);
    assert_eq!(search(&kb, &[("q", "hushhushword")]).total, 0);
    assert_eq!(search(&kb, &[("q", "PATH HOME")]).total, 0);
}

/// A file over `[index] max_file_bytes` is an error naming its size and the
/// limit, and is never read; the other files are indexed. The default limit
/// is 64 MiB.
#[test]
fn files_over_the_size_limit_are_reported_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    // 65 MiB, sparse: the test writes almost nothing to disk.
    let big = std::fs::File::create(content.join("huge.md")).unwrap();
    big.set_len(65 * 1024 * 1024).unwrap();
    drop(big);
    let data = DataDir::new(tmp.path().join("data"));
    let report = index(&data, std::slice::from_ref(&content));
    let huge = format!("{}/huge.md", content.display());
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        errors,
        [format!(
            "{huge}:0: error: file is 68.2 MB (68157440 bytes), over the limit of 64 MiB (`[index] max_file_bytes`); skipped"
        )]
    );
    assert_eq!(report.articles, 5);

    // A configured limit applies to articles and ontology files alike.
    let onto = tmp.path().join("onto");
    std::fs::create_dir_all(&onto).unwrap();
    let ttl = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n";
    std::fs::write(onto.join("small.ttl"), ttl).unwrap();
    std::fs::write(onto.join("large.ttl"), ttl.repeat(100)).unwrap();
    let mut config = eoskb::config::Config::default();
    config.index.max_file_bytes = 2000;
    let report = index::run(
        &DataDir::new(tmp.path().join("data-small")),
        &IndexOptions {
            ontologies: vec![onto.clone()],
            config,
            ..IndexOptions::new(vec![content.clone()])
        },
    )
    .unwrap();
    let too_large: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("over the limit of 2000 bytes"))
        .map(|d| d.path.as_str())
        .collect();
    assert!(too_large.contains(&huge.as_str()), "{too_large:?}");
    assert!(
        too_large.iter().any(|p| p.ends_with("onto/large.ttl")),
        "{too_large:?}"
    );
    assert_eq!(report.ontologies, 1, "{:?}", report.diagnostics);
    assert!(report.published);
}

/// 50,000 headings with the same text get the anchors `a`, `a-1`, ...,
/// `a-49999`; numbering them used to take time quadratic in their number.
#[test]
fn fifty_thousand_identical_headings_are_indexed() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    let markdown =
        "---\ntitle: Many\n---\n".to_string() + &"# a\n\n".repeat(50_000) + "last words\n";
    std::fs::write(content.join("many.md"), markdown).unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = index(&data, std::slice::from_ref(&content));
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    let kb = open(&data);
    let hits = search(&kb, &[("q", "last words")]);
    assert_eq!(hits.total, 1);
    let article = query::get_article(&kb, "many").unwrap().article;
    assert_eq!(article.sections.len(), 1);
    assert_eq!(article.sections[0].anchor, "a-49999");
    assert_eq!(hits.hits[0].section.anchor, "a-49999");
}

#[test]
fn an_interrupted_run_leaves_the_last_good_index_serving() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, std::slice::from_ref(&content));
    let live = data.current().unwrap().unwrap();

    // What a killed run leaves: a half-written generation that CURRENT never names.
    let orphan = data.root().join("gen-000099");
    std::fs::create_dir_all(orphan.join("text/articles")).unwrap();
    std::fs::write(orphan.join("text/articles/meta.json"), "{ truncated").unwrap();
    assert_eq!(data.current().unwrap().unwrap(), live);
    assert_eq!(search(&open(&data), &[("q", "DOI")]).total, 1);

    // A held lock (another run in progress) refuses a second writer.
    let lock = data.lock().unwrap();
    let refused = index::run(
        &data,
        &IndexOptions {
            strict: false,
            full: false,
            ..IndexOptions::new(vec![content.clone()])
        },
    );
    assert!(matches!(refused, Err(index::Error::Locked(_))));
    drop(lock);

    std::fs::write(content.join("extra.md"), "# Extra\n\nMore text.\n").unwrap();
    let report = index(&data, &[content]);
    assert!(report.published);
    assert!(
        !orphan.exists(),
        "leftovers of the interrupted run are removed"
    );
    assert_eq!(query::stats(&open(&data)).articles, 6);
}

#[test]
fn duplicate_ids_are_reported_and_both_files_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let content = fixture_content(tmp.path());
    std::fs::write(
        content.join("copy.md"),
        "---\nid: doi-beamtime\ntitle: Copy\n---\ntext\n",
    )
    .unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    let report = index(&data, &[content]);
    let warning = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("duplicate id `doi-beamtime`"))
        .expect("collision reported");
    assert!(
        warning.path.ends_with("guides/doi-for-beamtime.md") || warning.path.ends_with("copy.md")
    );
    assert_eq!(report.articles, 6);
    let kb = open(&data);
    assert!(query::get_article(&kb, "doi-beamtime").is_ok());
    assert!(
        query::get_article(&kb, "copy").is_ok()
            || query::get_article(&kb, "guides/doi-for-beamtime").is_ok()
    );
}

#[test]
fn natural_language_queries_parse() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::new(tmp.path().join("data"));
    index(&data, &[fixture_content(tmp.path())]);
    let kb = open(&data);
    for q in [
        "what's a DOI?",
        "C++ code",
        "A1.1",
        "F1/F2",
        "3-year embargo",
        "doi: 10.5281/zenodo.123",
        "NeXus & HDF5",
        "x-ray",
        "RDMkit - data stewardship",
        "embargo -",
        "50% off",
        "#tag",
        "@user",
        "<b>doi</b>",
        "a ~ b",
        "doi^2",
        "how do I cite a dataset from my beamtime?",
        "data!",
        "{doi}",
        "[doi]",
        "doi*",
        "*",
        "a || b",
        "a && b",
        "doi -embargo",
        "+doi",
        "\"data policy\"",
        "'single quoted'",
        "AND",
        "OR doi",
        "NOT",
    ] {
        let result = query::search(
            &kb,
            &SearchRequest {
                mode: Mode::Keyword,
                ..SearchRequest::new(q)
            },
        );
        assert!(result.is_ok(), "`{q}`: {:?}", result.err());
    }
}
