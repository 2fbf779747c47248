//! schema.org JSON-LD for an article page, so that harvesters and search
//! engines read what the page is about: its type, name, authors with ORCID iDs,
//! licence, dates, keywords, terms and DOI.

use serde_json::{Map, Value, json};

use crate::model::{Article, doi_iri};

/// The schema.org type of an item, from its kind.
fn schema_type(kind: Option<&str>) -> &'static str {
    match kind {
        Some("guide") | Some("faq") => "TechArticle",
        Some("training") | Some("course") | Some("notebook") => "LearningResource",
        Some("software") => "SoftwareSourceCode",
        Some("dataset") => "Dataset",
        Some("deliverable") | Some("report") => "Report",
        Some("publication") => "ScholarlyArticle",
        Some("policy") => "DigitalDocument",
        _ => "CreativeWork",
    }
}

/// The page's JSON-LD: `iri` is the article's IRI in the content graph, and
/// `terms` the IRIs and labels of its ontology terms.
pub fn article_jsonld(article: &Article, iri: &str, terms: &[(String, Option<String>)]) -> Value {
    let mut doc = Map::new();
    doc.insert("@context".into(), json!("https://schema.org"));
    doc.insert("@type".into(), json!(schema_type(article.kind.as_deref())));
    doc.insert("@id".into(), json!(iri));
    doc.insert("name".into(), json!(article.title));
    if !article.summary.is_empty() {
        doc.insert("description".into(), json!(article.summary));
    }
    let people: Vec<Value> = match &article.record {
        Some(record) if !record.creators.is_empty() => record
            .creators
            .iter()
            .map(|c| person(&c.name, c.orcid.as_deref()))
            .collect(),
        _ => article
            .authors
            .iter()
            .map(|a| person(&a.name, a.orcid.as_deref()))
            .collect(),
    };
    if !people.is_empty() {
        doc.insert("author".into(), Value::Array(people));
    }
    if let Some(license) = &article.license {
        doc.insert("license".into(), json!(license));
    }
    if let Some(updated) = &article.updated {
        doc.insert("dateModified".into(), json!(updated));
    }
    if !article.tags.is_empty() {
        doc.insert("keywords".into(), json!(article.tags));
    }
    let about: Vec<Value> = terms
        .iter()
        .map(|(iri, label)| {
            let mut term = json!({"@type": "DefinedTerm", "@id": iri});
            if let Some(label) = label {
                term["name"] = json!(label);
            }
            term
        })
        .collect();
    if !about.is_empty() {
        doc.insert("about".into(), Value::Array(about));
    }
    if let Some(record) = &article.record {
        if let Some(doi) = &record.doi {
            doc.insert("identifier".into(), json!(doi_iri(doi)));
            doc.insert("sameAs".into(), json!(doi_iri(doi)));
        }
        if let Some(issued) = &record.issued {
            doc.insert("datePublished".into(), json!(issued));
        }
        if let Some(publisher) = &record.publisher {
            doc.insert(
                "publisher".into(),
                json!({"@type": "Organization", "name": publisher}),
            );
        }
        if let Some(version) = &record.version {
            doc.insert("version".into(), json!(version));
        }
    }
    Value::Object(doc)
}

fn person(name: &str, orcid: Option<&str>) -> Value {
    let mut p = json!({"@type": "Person", "name": name});
    if let Some(orcid) = orcid {
        p["@id"] = json!(format!("https://orcid.org/{orcid}"));
    }
    p
}

/// JSON for a `<script type="application/ld+json">` block: `<` is escaped, so
/// no value can close the block.
pub fn script_block(value: &Value) -> String {
    let json = value.to_string().replace('<', "\\u003c");
    format!("<script type=\"application/ld+json\">{json}</script>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_value_can_close_the_script_block() {
        let block = script_block(&json!({"name": "</script><script>alert(1)</script>"}));
        assert_eq!(block.matches("</script>").count(), 1, "{block}");
        let inner = &block["<script type=\"application/ld+json\">".len()..block.len() - 9];
        let back: Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
