//! What a research-output record adds to an article's triples: its DOI as an IRI,
//! schema.org and DCAT types for its kind, issue date, version and the versions it
//! groups, publisher, funding, affiliations, related resources and files. Nodes
//! other than the article (organisations, grants) are IRIs shared by every output
//! that names them, like authors, so no blank node is ever left behind.

use oxigraph::model::{Literal, NamedNode, Term, Triple, vocab::rdf, vocab::xsd};

use super::content_graph::slug;
use crate::config::Config;
use crate::model::{Record, doi_iri, normalise_doi};
use crate::vocab::{DCAT, DCTERMS, SCHEMA};

/// The schema.org type of an output kind, and DCAT's where it has one.
fn types(kind: Option<&str>) -> (&'static str, Option<&'static str>) {
    match kind {
        Some("deliverable" | "report") => ("Report", None),
        Some("publication") => ("ScholarlyArticle", None),
        Some("presentation") => ("PresentationDigitalDocument", None),
        Some("course") => ("Course", None),
        Some("software" | "notebook") => ("SoftwareSourceCode", None),
        Some("dataset") => ("Dataset", Some("Dataset")),
        Some("service") => ("Service", Some("DataService")),
        Some("document") => ("DigitalDocument", None),
        _ => ("CreativeWork", None),
    }
}

/// An identifier as an IRI: a DOI through its resolver, an absolute URL as it is.
fn identifier_iri(identifier: &str) -> Option<NamedNode> {
    if let Some(doi) = normalise_doi(identifier) {
        return NamedNode::new(doi_iri(&doi)).ok();
    }
    let url = url::Url::parse(identifier.trim()).ok()?;
    matches!(url.scheme(), "http" | "https")
        .then(|| NamedNode::new(url.as_str()).ok())
        .flatten()
}

/// The date literal of `YYYY`, `YYYY-MM-DD` or anything else as written.
fn date(value: &str) -> Literal {
    let value = value.trim();
    if chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() {
        Literal::new_typed_literal(value, xsd::DATE)
    } else if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) {
        Literal::new_typed_literal(value, xsd::G_YEAR)
    } else {
        Literal::new_simple_literal(value)
    }
}

/// The DCTERMS property of a DataCite relation type, where one says the same.
fn relation_property(relation: &str) -> &'static str {
    match relation.to_ascii_lowercase().as_str() {
        "ispartof" => "isPartOf",
        "haspart" => "hasPart",
        "isversionof" => "isVersionOf",
        "hasversion" => "hasVersion",
        "references" | "cites" => "references",
        "isreferencedby" | "iscitedby" => "isReferencedBy",
        "requires" => "requires",
        "isrequiredby" => "isRequiredBy",
        "isreplacedby" | "isobsoletedby" => "isReplacedBy",
        "replaces" | "obsoletes" => "replaces",
        "isformatof" => "isFormatOf",
        "hasformat" => "hasFormat",
        "conformsto" => "conformsTo",
        _ => "relation",
    }
}

/// Appends the triples of `record` about `subject` (the article) to `out`.
pub fn record_triples(
    config: &Config,
    subject: &NamedNode,
    kind: Option<&str>,
    record: &Record,
    out: &mut Vec<Triple>,
) {
    let schema = |local: &str| NamedNode::new_unchecked(format!("{SCHEMA}{local}"));
    let dct = |local: &str| NamedNode::new_unchecked(format!("{DCTERMS}{local}"));
    let dcat = |local: &str| NamedNode::new_unchecked(format!("{DCAT}{local}"));
    let mut add = |s: &NamedNode, p: NamedNode, o: Term| out.push(Triple::new(s.clone(), p, o));
    let text = |value: &str| -> Term { Literal::new_simple_literal(value).into() };

    let (schema_type, dcat_type) = types(kind);
    add(subject, rdf::TYPE.into_owned(), schema(schema_type).into());
    if let Some(t) = dcat_type {
        add(subject, rdf::TYPE.into_owned(), dcat(t).into());
    }
    if let Some(doi) = &record.doi {
        if let Ok(node) = NamedNode::new(doi_iri(doi)) {
            add(subject, schema("sameAs"), node.into());
        }
        add(subject, schema("identifier"), text(&doi_iri(doi)));
    }
    if let Some(concept) = record.concept_doi.as_deref().and_then(identifier_iri) {
        add(subject, dct("isVersionOf"), concept.into());
    }
    for version in &record.versions {
        if let Some(node) = identifier_iri(&version.doi) {
            add(subject, dct("hasVersion"), node.into());
        }
    }
    for identifier in &record.identifiers {
        add(subject, dct("identifier"), text(&identifier.value));
    }
    if let Some(issued) = &record.issued {
        let literal: Term = date(issued).into();
        add(subject, dct("issued"), literal.clone());
        add(subject, schema("datePublished"), literal);
    }
    if let Some(version) = &record.version {
        add(subject, schema("version"), text(version));
    }
    if let Some(language) = &record.language {
        add(subject, dct("language"), text(language));
    }
    for keyword in &record.keywords {
        add(subject, dcat("keyword"), text(keyword));
    }
    for subject_term in record.subjects.iter().filter(|s| s.iri.is_none()) {
        add(subject, dct("subject"), text(&subject_term.value));
    }
    if let Some(page) = record.landing_page.as_deref().and_then(identifier_iri) {
        add(subject, dcat("landingPage"), page.into());
    }
    for file in &record.files {
        match file.url.as_deref().and_then(identifier_iri) {
            Some(url) => add(subject, schema("associatedMedia"), url.into()),
            None => add(subject, schema("associatedMedia"), text(&file.name)),
        }
    }
    for related in &record.related {
        if let Some(target) = identifier_iri(&related.identifier) {
            add(
                subject,
                dct(relation_property(&related.relation)),
                target.into(),
            );
        }
    }
    if let Some(publisher) = &record.publisher {
        let org = organisation(config, publisher, None);
        add(subject, schema("publisher"), org.clone().into());
        add(subject, dct("publisher"), org.clone().into());
        add(&org, rdf::TYPE.into_owned(), schema("Organization").into());
        add(&org, schema("name"), text(publisher));
    }
    for community in &record.communities {
        add(subject, schema("isPartOf"), text(community));
    }
    for agent in record.creators.iter().chain(&record.contributors) {
        let person = agent.orcid.as_deref().and_then(|o| {
            NamedNode::new(format!(
                "https://orcid.org/{}",
                o.trim_start_matches("https://orcid.org/")
            ))
            .ok()
        });
        let Some(person) = person else { continue };
        for affiliation in &agent.affiliations {
            let org = organisation(config, &affiliation.name, affiliation.ror.as_deref());
            add(&person, schema("affiliation"), org.clone().into());
            add(&org, rdf::TYPE.into_owned(), schema("Organization").into());
            add(&org, schema("name"), text(&affiliation.name));
        }
    }
    for agent in record.contributors.iter() {
        if agent.orcid.is_none() {
            add(subject, schema("contributor"), text(&agent.name));
        }
    }
    for funding in &record.funding {
        let key = [
            funding.funder.as_deref().unwrap_or(""),
            funding.award_number.as_deref().unwrap_or(""),
            funding.award_title.as_deref().unwrap_or(""),
        ]
        .join(" ");
        let grant = funding
            .award_uri
            .as_deref()
            .and_then(identifier_iri)
            .or_else(|| NamedNode::new(format!("{}grant/{}", config.base_iri, slug(&key))).ok());
        let Some(grant) = grant else { continue };
        add(subject, schema("funding"), grant.clone().into());
        add(&grant, rdf::TYPE.into_owned(), schema("Grant").into());
        if let Some(number) = &funding.award_number {
            add(&grant, schema("identifier"), text(number));
        }
        if let Some(title) = &funding.award_title {
            add(&grant, schema("name"), text(title));
        }
        if let Some(funder) = &funding.funder {
            let org = organisation(
                config,
                funder,
                funding
                    .funder_id
                    .as_deref()
                    .filter(|id| identifier_iri(id).is_some()),
            );
            add(&grant, schema("funder"), org.clone().into());
            add(&org, rdf::TYPE.into_owned(), schema("Organization").into());
            add(&org, schema("name"), text(funder));
        }
    }
}

/// An organisation's IRI: its ROR (or other) IRI when known, else one of ours
/// made from its name, so two records naming it meet in one node.
fn organisation(config: &Config, name: &str, iri: Option<&str>) -> NamedNode {
    iri.and_then(identifier_iri).unwrap_or_else(|| {
        NamedNode::new(format!("{}organization/{}", config.base_iri, slug(name))).unwrap_or_else(
            |_| NamedNode::new_unchecked(format!("{}organization/unnamed", config.base_iri)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Affiliation, Agent, Funding, Related, VersionRef};

    fn has(out: &[Triple], p: &str, o: &str) -> bool {
        out.iter()
            .any(|t| t.predicate.as_str() == p && t.object.to_string().contains(o))
    }

    #[test]
    fn a_record_links_its_doi_versions_grants_and_affiliations() {
        let config = Config::default();
        let subject = NamedNode::new_unchecked("https://example.org/article/doi/10.5281/zenodo.2");
        let record = Record {
            format: "zenodo".into(),
            doi: Some("10.5281/zenodo.2".into()),
            concept_doi: Some("10.5281/zenodo.1".into()),
            issued: Some("2021".into()),
            versions: vec![VersionRef {
                doi: "10.5281/zenodo.3".into(),
                ..Default::default()
            }],
            creators: vec![Agent {
                name: "Fenner, Martin".into(),
                orcid: Some("0000-0003-1419-2405".into()),
                affiliations: vec![Affiliation {
                    name: "DataCite".into(),
                    ror: Some("https://ror.org/04wxnsj81".into()),
                }],
                ..Default::default()
            }],
            funding: vec![Funding {
                funder: Some("European Commission".into()),
                award_number: Some("823852".into()),
                award_title: Some("PaNOSC".into()),
                ..Default::default()
            }],
            related: vec![Related {
                relation: "IsPartOf".into(),
                identifier: "10.5281/zenodo.9".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut out = Vec::new();
        record_triples(&config, &subject, Some("dataset"), &record, &mut out);
        assert!(has(
            &out,
            &format!("{SCHEMA}sameAs"),
            "https://doi.org/10.5281/zenodo.2"
        ));
        assert!(has(
            &out,
            &format!("{DCTERMS}isVersionOf"),
            "https://doi.org/10.5281/zenodo.1"
        ));
        assert!(has(
            &out,
            &format!("{DCTERMS}hasVersion"),
            "https://doi.org/10.5281/zenodo.3"
        ));
        assert!(has(
            &out,
            &format!("{DCTERMS}isPartOf"),
            "https://doi.org/10.5281/zenodo.9"
        ));
        assert!(has(&out, &format!("{DCTERMS}issued"), "gYear"));
        assert!(has(&out, rdf::TYPE.as_str(), &format!("{DCAT}Dataset")));
        assert!(has(
            &out,
            &format!("{SCHEMA}affiliation"),
            "https://ror.org/04wxnsj81"
        ));
        assert!(has(&out, &format!("{SCHEMA}identifier"), "823852"));
        assert!(
            out.iter()
                .all(|t| !t.subject.is_blank_node() && !t.object.is_blank_node())
        );
    }
}
