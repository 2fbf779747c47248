//! InvenioRDM-native records (Zenodo since 2023, Rogue Scholar, institutional
//! repositories): `pids.doi`, `parent.pids.doi` for the concept DOI,
//! `metadata.creators[].person_or_org` with identifiers, `resource_type.id`,
//! `rights[]`, `subjects[]` with `id`, `funding[]`.

use serde_json::{Map, Value};

use super::item::{Diags, Draft, person_name, ror_iri};
use super::json::{Lines, items, join, str_of};
use crate::ingest::licence;
use crate::model::{
    Affiliation, Agent, FileRef, Funding, Identifier, License, Related, Subject, normalise_doi,
};

/// Metadata keys the mapping uses completely (others go to `extra`).
const MAPPED_METADATA: &[&str] = &[
    "title",
    "description",
    "creators",
    "contributors",
    "resource_type",
    "publication_date",
    "subjects",
    "rights",
    "funding",
    "related_identifiers",
    "languages",
    "version",
    "publisher",
    "identifiers",
];

/// Record keys outside `metadata` the mapping uses completely.
const MAPPED_RECORD: &[&str] = &["metadata", "pids", "id"];

/// Whether a record is InvenioRDM-native rather than legacy Zenodo.
pub fn is_native(obj: &Map<String, Value>) -> bool {
    obj.contains_key("pids")
        || obj
            .get("metadata")
            .and_then(|m| m.get("creators"))
            .and_then(|c| c.get(0))
            .is_some_and(|c| c.get("person_or_org").is_some())
}

/// Maps one native record whose JSON path is `base`.
pub(crate) fn draft(
    obj: &Map<String, Value>,
    lines: &Lines,
    base: &str,
    line: usize,
    diags: &mut Diags,
) -> Draft {
    let mut d = Draft::new("inveniordm", line);
    let empty = Map::new();
    let meta = obj
        .get("metadata")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let meta_base = join(base, "metadata");
    let at = |key: &str| lines.at(&join(&meta_base, key));
    let pids = obj.get("pids");
    if let Some(text) = str_of(
        pids.and_then(|p| p.get("doi"))
            .and_then(|d| d.get("identifier")),
    ) {
        d.record.doi = normalise_doi(&text);
        if d.record.doi.is_none() {
            diags.warn(
                lines.at(&join(base, "pids/doi")),
                format!("invalid DOI `{text}`"),
            );
        }
    }
    let parent = obj.get("parent");
    d.record.concept_doi = str_of(
        parent
            .and_then(|p| p.get("pids"))
            .and_then(|p| p.get("doi"))
            .and_then(|d| d.get("identifier")),
    )
    .and_then(|t| normalise_doi(&t));
    if let Some(id) = str_of(obj.get("id")) {
        d.record.identifiers.push(Identifier {
            scheme: "pid".into(),
            value: id,
        });
    }
    if let Some(oai) = str_of(
        pids.and_then(|p| p.get("oai"))
            .and_then(|o| o.get("identifier")),
    ) {
        d.record.identifiers.push(Identifier {
            scheme: "oai".into(),
            value: oai,
        });
    }
    for other in items(meta.get("identifiers")) {
        if let (Some(value), Some(scheme)) =
            (str_of(other.get("identifier")), str_of(other.get("scheme")))
        {
            d.record.identifiers.push(Identifier {
                scheme: scheme.to_lowercase(),
                value,
            });
        }
    }
    d.title = str_of(meta.get("title"));
    if let Some(html) = str_of(meta.get("description")) {
        d.describe(&html, at("description"));
    }
    d.record.creators = agents(
        meta.get("creators"),
        &join(&meta_base, "creators"),
        lines,
        diags,
    );
    d.record.contributors = agents(
        meta.get("contributors"),
        &join(&meta_base, "contributors"),
        lines,
        diags,
    );
    d.record.resource_type = meta.get("resource_type").and_then(|t| str_of(t.get("id")));
    if let Some(date) = str_of(meta.get("publication_date")) {
        d.record.issued = diags.issued(&date, "publication_date", at("publication_date"));
    }
    for s in items(meta.get("subjects")) {
        let Some(value) = str_of(s.get("subject")) else {
            continue;
        };
        let id = str_of(s.get("id"));
        if id.is_none() {
            // A subject without a vocabulary id is a free keyword.
            d.record.keywords.push(value.clone());
        }
        d.record.subjects.push(Subject {
            value,
            scheme: str_of(s.get("scheme")),
            iri: id.filter(|i| i.starts_with("http://") || i.starts_with("https://")),
        });
    }
    d.record.license = items(meta.get("rights")).into_iter().find_map(rights);
    d.record.funding = items(meta.get("funding"))
        .into_iter()
        .filter_map(funding)
        .collect();
    for r in items(meta.get("related_identifiers")) {
        let (Some(identifier), Some(relation)) = (
            str_of(r.get("identifier")),
            r.get("relation_type").and_then(|t| str_of(t.get("id"))),
        ) else {
            continue;
        };
        d.record.related.push(Related {
            relation,
            identifier,
            scheme: str_of(r.get("scheme")),
            resource_type: r.get("resource_type").and_then(|t| str_of(t.get("id"))),
        });
    }
    d.record.language = items(meta.get("languages"))
        .first()
        .and_then(|l| str_of(l.get("id")));
    d.record.version = str_of(meta.get("version"));
    d.record.publisher = str_of(meta.get("publisher"));
    d.record.landing_page = str_of(obj.get("links").and_then(|l| l.get("self_html")));
    d.record.communities = parent
        .and_then(|p| p.get("communities"))
        .map(|c| {
            items(c.get("entries"))
                .into_iter()
                .filter_map(|e| str_of(e.get("slug")).or_else(|| str_of(e.get("id"))))
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Object(entries)) = obj.get("files").and_then(|f| f.get("entries")) {
        d.record.files = entries.values().filter_map(file_ref).collect();
    }
    for (key, value) in meta {
        if !MAPPED_METADATA.contains(&key.as_str()) && !value.is_null() {
            d.extra.insert(key.clone(), value.clone());
        }
    }
    for (key, value) in obj {
        if !MAPPED_RECORD.contains(&key.as_str()) && !value.is_null() {
            d.extra.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    d
}

fn agents(list: Option<&Value>, path: &str, lines: &Lines, diags: &mut Diags) -> Vec<Agent> {
    let mut out = Vec::new();
    for (i, v) in items(list).into_iter().enumerate() {
        let here = format!("{path}/{i}");
        let Some(po) = v.get("person_or_org") else {
            diags.warn(
                lines.at(&here),
                "creator or contributor without `person_or_org`; skipped",
            );
            continue;
        };
        let given = str_of(po.get("given_name"));
        let family = str_of(po.get("family_name"));
        let Some(name) = str_of(po.get("name")).or_else(|| {
            Some(person_name(given.as_deref(), family.as_deref())).filter(|n| !n.is_empty())
        }) else {
            diags.warn(
                lines.at(&here),
                "creator or contributor without a name; skipped",
            );
            continue;
        };
        let mut agent = Agent {
            name,
            given,
            family,
            organisation: str_of(po.get("type")).is_some_and(|t| t == "organizational"),
            role: v.get("role").and_then(|r| str_of(r.get("id"))),
            ..Agent::default()
        };
        for (j, id) in items(po.get("identifiers")).into_iter().enumerate() {
            let (Some(scheme), Some(value)) =
                (str_of(id.get("scheme")), str_of(id.get("identifier")))
            else {
                continue;
            };
            match scheme.to_ascii_lowercase().as_str() {
                "orcid" if agent.orcid.is_none() => {
                    agent.orcid = diags.orcid(
                        &value,
                        lines.at(&format!("{here}/person_or_org/identifiers/{j}")),
                    );
                }
                "ror" if agent.identifier.is_none() => agent.identifier = ror_iri(&value),
                "gnd" if agent.identifier.is_none() => {
                    agent.identifier = Some(format!("https://d-nb.info/gnd/{value}"));
                }
                "isni" if agent.identifier.is_none() => {
                    agent.identifier =
                        Some(format!("https://isni.org/isni/{}", value.replace(' ', "")));
                }
                _ => {}
            }
        }
        for a in items(v.get("affiliations")) {
            let ror = str_of(a.get("id")).and_then(|id| ror_iri(&id));
            if let Some(name) = str_of(a.get("name")).or_else(|| ror.clone()) {
                agent.affiliations.push(Affiliation { name, ror });
            }
        }
        out.push(agent);
    }
    out
}

/// A rights entry: a vocabulary id (`cc-by-4.0`) or a custom title, with its link.
fn rights(r: &Value) -> Option<License> {
    let id = str_of(r.get("id"));
    let title = r
        .get("title")
        .and_then(|t| str_of(t.get("en")).or_else(|| str_of(Some(t))));
    let url = str_of(r.get("link")).or_else(|| str_of(r.get("props").and_then(|p| p.get("url"))));
    let spdx = id
        .as_deref()
        .and_then(licence::spdx_id)
        .or_else(|| url.as_deref().and_then(licence::spdx_id))
        .or_else(|| title.as_deref().and_then(licence::spdx_id));
    let name = title.or(id);
    (name.is_some() || url.is_some()).then(|| License {
        spdx: spdx.map(str::to_string),
        name,
        url,
    })
}

fn funding(f: &Value) -> Option<Funding> {
    let funder = f.get("funder");
    let award = f.get("award");
    let funder_id = str_of(funder.and_then(|x| x.get("id")));
    let award_title = award
        .and_then(|a| a.get("title"))
        .and_then(|t| str_of(t.get("en")).or_else(|| str_of(Some(t))));
    let funding = Funding {
        funder: str_of(funder.and_then(|x| x.get("name"))),
        funder_id: funder_id.map(|id| ror_iri(&id).unwrap_or(id)),
        award_number: str_of(award.and_then(|a| a.get("number"))),
        award_title: str_of(award.and_then(|a| a.get("acronym"))).or(award_title),
        award_uri: award
            .map(|a| items(a.get("identifiers")))
            .unwrap_or_default()
            .into_iter()
            .find_map(|i| str_of(i.get("identifier"))),
    };
    (funding != Funding::default()).then_some(funding)
}

fn file_ref(f: &Value) -> Option<FileRef> {
    Some(FileRef {
        name: str_of(f.get("key"))?,
        url: str_of(f.get("links").and_then(|l| l.get("content"))),
        size: f.get("size").and_then(Value::as_u64),
        checksum: str_of(f.get("checksum")),
        media_type: str_of(f.get("mimetype")),
    })
}
