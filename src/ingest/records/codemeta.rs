//! `codemeta.json`: software metadata in JSON-LD. CodeMeta v1 (`agents`, `tags`,
//! `title`, `licenseId`), v2 and v3 (`author`, `keywords`, `name`, `version`,
//! `softwareVersion`, `license` as an SPDX URL, `identifier`, `codeRepository`,
//! `funding`/`funder`). No `@type` is fine (software is assumed); a term no
//! CodeMeta version defines is kept in `extra` with a warning, since JSON-LD
//! processors drop it.

use serde_json::{Map, Value};

use super::item::{Diags, Draft, finish, person_name, ror_iri, source_code};
use super::json::{self, Lines, items, str_of};
use super::merge_versions;
use crate::ingest::licence;
use crate::ingest::vocab::CODEMETA_ONLY;
use crate::ingest::{ContentFile, Diagnostic, Reading};
use crate::model::{Affiliation, Agent, Funding, Identifier, normalise_doi};

pub const WHAT: &str = "CodeMeta record";

/// Terms of CodeMeta 1, 2 and 3 and the schema.org properties software records
/// commonly use, plus the JSON-LD keywords (compacted `id`/`type` too); with
/// [`CODEMETA_ONLY`], every term a CodeMeta file may use.
const TERMS: &[&str] = &[
    "@context",
    "@type",
    "@id",
    "@graph",
    "id",
    "type",
    // CodeMeta 2 and 3
    "codeRepository",
    "programmingLanguage",
    "runtimePlatform",
    "targetProduct",
    "applicationCategory",
    "applicationSubCategory",
    "downloadUrl",
    "fileSize",
    "installUrl",
    "memoryRequirements",
    "operatingSystem",
    "permissions",
    "processorRequirements",
    "releaseNotes",
    "softwareHelp",
    "softwareRequirements",
    "softwareVersion",
    "storageRequirements",
    "supportingData",
    "author",
    "citation",
    "contributor",
    "copyrightHolder",
    "copyrightYear",
    "creator",
    "dateCreated",
    "dateModified",
    "datePublished",
    "editor",
    "encoding",
    "fileFormat",
    "funder",
    "keywords",
    "license",
    "producer",
    "provider",
    "publisher",
    "sponsor",
    "version",
    "isAccessibleForFree",
    "isPartOf",
    "hasPart",
    "position",
    "description",
    "identifier",
    "name",
    "sameAs",
    "url",
    "relatedLink",
    "review",
    "reviewAspect",
    "reviewBody",
    // schema.org properties of creative works often found in codemeta.json
    "alternateName",
    "image",
    "thumbnailUrl",
    "inLanguage",
    "about",
    "audience",
    "headline",
    "abstract",
    "accountablePerson",
    "conditionsOfAccess",
    "mainEntityOfPage",
    "disambiguatingDescription",
    "additionalType",
    "applicationSuite",
    "featureList",
    "screenshot",
    "softwareAddOn",
    "availableOnDevice",
    "subjectOf",
    "spatialCoverage",
    "temporalCoverage",
    "educationalUse",
    "learningResourceType",
    // CodeMeta 1
    "agents",
    "tags",
    "title",
    "licenseId",
    "depends",
    "suggests",
    "downloadLink",
    "isAutomatedBuild",
    "uploadedBy",
    "relatedPublications",
    "relationship",
    "softwarePaperCitationIdentifiers",
    "zippedCode",
    "controlledTerm",
    "mustBeCited",
    "isMaintainer",
    "isRightsHolder",
];

/// Terms mapped completely (others are kept in `extra`).
const MAPPED: &[&str] = &[
    "@type",
    "type",
    "@id",
    "id",
    "name",
    "title",
    "description",
    "author",
    "agents",
    "contributor",
    "maintainer",
    "keywords",
    "tags",
    "version",
    "license",
    "licenseId",
    "identifier",
    "codeRepository",
    "url",
    "funding",
    "funder",
    "datePublished",
    "publisher",
];

/// Reads a `codemeta.json` file.
pub fn read(file: &ContentFile, bytes: &[u8]) -> Reading {
    let (value, lines) = match json::parse(bytes) {
        Ok(parsed) => parsed,
        Err(e) => return Reading::failed(Diagnostic::error(file.display(), e.line, e.message)),
    };
    let Some(raw) = value.as_object() else {
        return Reading::failed(Diagnostic::error(
            file.display(),
            1,
            "codemeta.json must be a JSON object",
        ));
    };
    let mut diags = Diags::new(file);
    // `schema:name` and `codemeta:codeRepository` are the same terms, prefixed.
    let mut obj = Map::new();
    for (key, value) in raw {
        let term = key
            .strip_prefix("schema:")
            .or_else(|| key.strip_prefix("codemeta:"))
            .or_else(|| key.strip_prefix("sdo:"))
            .unwrap_or(key);
        if !TERMS.contains(&term) && !CODEMETA_ONLY.contains(&term) {
            diags.warn(
                lines.at(key),
                format!("unknown CodeMeta term `{key}`; JSON-LD processors will drop it"),
            );
        }
        obj.entry(term.to_string()).or_insert_with(|| value.clone());
    }
    let draft = draft(&obj, &lines, &mut diags);
    Reading {
        articles: merge_versions(finish(vec![draft], file, WHAT, &mut diags)),
        diagnostics: diags.list,
    }
}

fn draft(obj: &Map<String, Value>, lines: &Lines, diags: &mut Diags) -> Draft {
    let mut d = Draft::new("codemeta", 1);
    d.title = str_of(obj.get("name")).or_else(|| str_of(obj.get("title")));
    if let Some(text) = str_of(obj.get("description")) {
        d.describe(&text, lines.at("description"));
    }
    let creators_key = if obj.contains_key("author") {
        "author"
    } else {
        "agents"
    };
    d.record.creators = agents(obj.get(creators_key), creators_key, None, lines, diags);
    if creators_key == "author" && d.record.creators.is_empty() {
        diags.warn(lines.at("author"), "codemeta.json lists no authors");
    }
    d.record.contributors = agents(
        obj.get("contributor"),
        "contributor",
        Some("Contributor"),
        lines,
        diags,
    );
    d.record.contributors.extend(agents(
        obj.get("maintainer"),
        "maintainer",
        Some("Maintainer"),
        lines,
        diags,
    ));
    d.record.keywords = keywords(obj.get("keywords").or_else(|| obj.get("tags")));
    // `version` is the release; `softwareVersion` (kept in extra) often repeats it.
    d.record.version = str_of(obj.get("version")).or_else(|| str_of(obj.get("softwareVersion")));
    d.record.license = items(obj.get("license").or_else(|| obj.get("licenseId")))
        .into_iter()
        .find_map(|l| match l {
            Value::Object(o) => str_of(o.get("@id"))
                .or_else(|| str_of(o.get("url")))
                .or_else(|| str_of(o.get("name"))),
            other => str_of(Some(other)),
        })
        .map(|l| licence::licence(&l));
    for id in items(obj.get("identifier"))
        .into_iter()
        .chain(items(obj.get("@id")))
        .chain(items(obj.get("id")))
    {
        let text = match id {
            Value::Object(o) => str_of(o.get("@id")).or_else(|| str_of(o.get("value"))),
            other => str_of(Some(other)),
        };
        let Some(text) = text else { continue };
        match normalise_doi(&text) {
            Some(doi) if d.record.doi.is_none() => d.record.doi = Some(doi),
            Some(doi) if d.record.doi.as_deref() == Some(doi.as_str()) => {}
            _ => {
                let scheme = if text.starts_with("http://") || text.starts_with("https://") {
                    "url"
                } else {
                    "other"
                };
                let id = Identifier {
                    scheme: scheme.into(),
                    value: text,
                };
                if !d.record.identifiers.contains(&id) {
                    d.record.identifiers.push(id);
                }
            }
        }
    }
    if let Some(repo) = str_of(obj.get("codeRepository")) {
        d.record.related.push(source_code(&repo));
    }
    d.record.landing_page = str_of(obj.get("url"));
    d.record.funding = funding(obj.get("funding"), obj.get("funder"));
    if let Some(date) = str_of(obj.get("datePublished")) {
        d.record.issued = diags.issued(&date, "datePublished", lines.at("datePublished"));
    }
    d.record.publisher = match obj.get("publisher") {
        Some(Value::Object(p)) => str_of(p.get("name")),
        other => str_of(other),
    };
    d.record.resource_type = Some(
        str_of(obj.get("@type"))
            .or_else(|| str_of(obj.get("type")))
            .unwrap_or_else(|| "SoftwareSourceCode".into()),
    );
    for (key, value) in obj {
        if !MAPPED.contains(&key.as_str()) {
            d.extra.insert(key.clone(), value.clone());
        }
    }
    d
}

fn agents(
    list: Option<&Value>,
    key: &str,
    role: Option<&str>,
    lines: &Lines,
    diags: &mut Diags,
) -> Vec<Agent> {
    let mut out = Vec::new();
    for (i, a) in items(list).into_iter().enumerate() {
        let line = lines.at(&format!("{key}/{i}"));
        let Value::Object(a) = a else {
            if let Some(name) = str_of(Some(a)) {
                out.push(Agent {
                    name,
                    role: role.map(str::to_string),
                    ..Agent::default()
                });
            }
            continue;
        };
        let given = str_of(a.get("givenName"));
        let family = str_of(a.get("familyName"));
        let Some(name) = str_of(a.get("name")).or_else(|| {
            Some(person_name(given.as_deref(), family.as_deref())).filter(|n| !n.is_empty())
        }) else {
            diags.warn(line, format!("{key} without a name"));
            continue;
        };
        let kind = str_of(a.get("@type"))
            .or_else(|| str_of(a.get("type")))
            .unwrap_or_default();
        let mut agent = Agent {
            name,
            given,
            family,
            organisation: kind.eq_ignore_ascii_case("Organization"),
            role: role.map(str::to_string),
            ..Agent::default()
        };
        if let Some(id) = str_of(a.get("@id")).or_else(|| str_of(a.get("id"))) {
            if id.contains("orcid.org/") {
                agent.orcid = diags.orcid(&id, line);
            } else if id.starts_with("http://") || id.starts_with("https://") {
                agent.identifier = Some(ror_iri(&id).unwrap_or(id));
            }
        }
        for aff in items(a.get("affiliation")) {
            let (name, ror) = match aff {
                Value::Object(o) => (
                    str_of(o.get("name")),
                    str_of(o.get("@id"))
                        .or_else(|| str_of(o.get("identifier")))
                        .and_then(|r| ror_iri(&r)),
                ),
                other => (str_of(Some(other)), None),
            };
            if let Some(name) = name {
                agent.affiliations.push(Affiliation { name, ror });
            }
        }
        out.push(agent);
    }
    out
}

/// Keywords as a list, or one string separated by commas or semicolons.
fn keywords(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => s
            .split([',', ';'])
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect(),
        other => items(other)
            .into_iter()
            .filter_map(|k| str_of(Some(k)))
            .collect(),
    }
}

/// CodeMeta 2 writes `funding` as text (`"1549758; Codemeta: A Rosetta Stone"`)
/// and `funder` apart; CodeMeta 3 writes `funding` as Grants with their funder.
fn funding(funding: Option<&Value>, funder: Option<&Value>) -> Vec<Funding> {
    let funder_of = |f: Option<&Value>| -> (Option<String>, Option<String>) {
        match f {
            Some(Value::Object(o)) => (
                str_of(o.get("name")),
                str_of(o.get("@id")).or_else(|| str_of(o.get("identifier"))),
            ),
            other => (str_of(other), None),
        }
    };
    let funders = items(funder);
    let only_funder = (funders.len() == 1).then(|| funder_of(funders.first().copied()));
    let mut out = Vec::new();
    for f in items(funding) {
        let mut entry = match f {
            Value::Object(o) => {
                let (name, id) = funder_of(o.get("funder"));
                Funding {
                    funder: name,
                    funder_id: id,
                    award_number: str_of(o.get("identifier")),
                    award_title: str_of(o.get("name")),
                    award_uri: str_of(o.get("url")).or_else(|| str_of(o.get("@id"))),
                }
            }
            other => {
                let text = str_of(Some(other)).unwrap_or_default();
                let (number, title) = match text.split_once(';') {
                    Some((n, t)) => (Some(n.trim().to_string()), Some(t.trim().to_string())),
                    None => (None, Some(text)),
                };
                Funding {
                    award_number: number,
                    award_title: title.filter(|t| !t.is_empty()),
                    ..Funding::default()
                }
            }
        };
        if entry.funder.is_none()
            && let Some((name, id)) = &only_funder
        {
            entry.funder = name.clone();
            entry.funder_id = id.clone();
        }
        out.push(entry);
    }
    if out.is_empty() {
        for f in funders {
            let (name, id) = funder_of(Some(f));
            if name.is_some() || id.is_some() {
                out.push(Funding {
                    funder: name,
                    funder_id: id,
                    ..Funding::default()
                });
            }
        }
    }
    out
}
