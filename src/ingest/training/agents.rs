//! schema.org `Person` and `Organization` nodes (or plain names) as record agents.

use serde_json::Value;

use super::json::{many, text};
use crate::ingest::validate::{check_orcid, claims_orcid};
use crate::model::{Affiliation, Agent};

/// An agent and what was wrong with it.
pub struct Read {
    pub agent: Agent,
    /// An ORCID that failed its check: `(value as written, problem)`.
    pub bad_orcid: Option<(String, String)>,
}

/// Every agent a property holds (one node, a list, or names).
pub fn agents(value: Option<&Value>, role: Option<&str>) -> Vec<Read> {
    many(value)
        .into_iter()
        .filter_map(|v| agent(v, role))
        .collect()
}

/// One agent: a name string, or a Person/Organization node.
pub fn agent(value: &Value, role: Option<&str>) -> Option<Read> {
    let role = role.map(str::to_string);
    let map = match value {
        Value::String(name) if !name.trim().is_empty() => {
            return Some(Read {
                agent: Agent {
                    name: name.trim().to_string(),
                    role,
                    ..Agent::default()
                },
                bad_orcid: None,
            });
        }
        Value::Object(map) => map,
        _ => return None,
    };
    let types: Vec<String> = many(map.get("@type"))
        .into_iter()
        .filter_map(|t| text(Some(t)))
        .collect();
    let organisation = types
        .iter()
        .any(|t| t == "Organization" || t.ends_with("Organization"))
        || (types.is_empty() && map.contains_key("legalName"));
    let given = text(map.get("givenName"));
    let family = text(map.get("familyName"));
    let id = text(map.get("@id")).filter(|id| !id.starts_with("_:"));
    let name = text(map.get("name"))
        .or_else(|| match (&given, &family) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            _ => None,
        })
        .or_else(|| id.clone())?;

    // The ORCID may sit in @id, identifier (a string or a PropertyValue), orcid or sameAs.
    let mut candidates: Vec<String> = id.iter().cloned().collect();
    for key in ["identifier", "orcid", "sameAs"] {
        for v in many(map.get(key)) {
            match v {
                Value::Object(pv) => {
                    candidates.extend(text(pv.get("value")).or_else(|| text(pv.get("@id"))))
                }
                other => candidates.extend(text(Some(other))),
            }
        }
    }
    let mut found = None;
    let mut bad_orcid = None;
    for candidate in candidates.iter().filter(|c| claims_orcid(c)) {
        match check_orcid(candidate) {
            Ok(id) => {
                found = Some(id);
                break;
            }
            Err(problem) => {
                bad_orcid.get_or_insert((candidate.clone(), problem));
            }
        }
    }
    if found.is_some() {
        bad_orcid = None;
    }
    let identifier = if organisation {
        id.or_else(|| text(map.get("identifier")))
            .or_else(|| text(map.get("url")))
    } else {
        None
    };
    let mut affiliations = Vec::new();
    for key in ["affiliation", "memberOf"] {
        for v in many(map.get(key)) {
            if let Some(a) = affiliation(v)
                && !affiliations.contains(&a)
            {
                affiliations.push(a);
            }
        }
    }
    Some(Read {
        agent: Agent {
            name,
            given,
            family,
            orcid: found,
            identifier,
            organisation,
            affiliations,
            role,
        },
        bad_orcid,
    })
}

fn affiliation(value: &Value) -> Option<Affiliation> {
    match value {
        Value::String(name) if !name.trim().is_empty() => Some(Affiliation {
            name: name.trim().to_string(),
            ror: None,
        }),
        Value::Object(map) => {
            let ror = [map.get("@id"), map.get("identifier"), map.get("url")]
                .into_iter()
                .filter_map(text)
                .find(|id| id.contains("ror.org/"));
            let name = text(map.get("name")).or_else(|| ror.clone())?;
            Some(Affiliation { name, ror })
        }
        _ => None,
    }
}

/// The names of the agents a property holds, for a course's summary.
pub fn names(value: Option<&Value>) -> Vec<String> {
    agents(value, None)
        .into_iter()
        .map(|r| r.agent.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn people_and_organisations() {
        let read = agent(
            &json!({"@type": "Person", "name": "Saskia Hiltemann", "identifier": "https://orcid.org/0000-0003-3803-468X",
                    "memberOf": [{"@type": "Organization", "name": "Galaxy Training Network"}]}),
            None,
        )
        .unwrap();
        assert_eq!(read.agent.orcid.as_deref(), Some("0000-0003-3803-468X"));
        assert_eq!(read.agent.affiliations[0].name, "Galaxy Training Network");
        assert!(!read.agent.organisation);

        let read = agent(&json!({"@type": "Person", "name": "Dr Elena Physicist", "@id": "https://orcid.org/0000-0001-9876-5432"}), None).unwrap();
        assert_eq!(read.agent.orcid, None);
        assert_eq!(
            read.bad_orcid,
            Some((
                "https://orcid.org/0000-0001-9876-5432".into(),
                "invalid ORCID 0000-0001-9876-5432: checksum does not match".into()
            ))
        );

        let org = agent(&json!({"@type": "Organization", "name": "EMBL-EBI Training", "@id": "https://www.ebi.ac.uk/training/"}), Some("Organizer")).unwrap();
        assert!(org.agent.organisation);
        assert_eq!(
            org.agent.identifier.as_deref(),
            Some("https://www.ebi.ac.uk/training/")
        );
        assert_eq!(org.agent.role.as_deref(), Some("Organizer"));

        let person = agent(&json!({"givenName": "Ada", "familyName": "Lovelace"}), None).unwrap();
        assert_eq!(person.agent.name, "Ada Lovelace");
        assert!(agent(&json!({"@type": "Person"}), None).is_none());
    }
}
