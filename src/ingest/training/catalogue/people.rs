//! The people of a catalogue record: SciCat's names, ILL's authors with their
//! ids, PaNOSC search-api members.

use serde_json::Value;

use crate::ingest::Diagnostic;
use crate::ingest::training::json::{many, text};
use crate::ingest::validate::{check_orcid, claims_orcid};
use crate::model::Agent;

/// Adds an agent unless one of the same name is there already (SciCat lists the
/// creator among the authors too).
pub(super) fn add(agent: Agent, creators: &mut Vec<Agent>) {
    if !creators.iter().any(|c| c.name == agent.name) {
        creators.push(agent);
    }
}

/// ILL's `{name, ids: [{type: ORCID, id}]}`.
pub(super) fn ill_author(
    value: &Value,
    display: &str,
    line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Agent> {
    let name = text(value.get("name"))?;
    let mut agent = Agent {
        name,
        ..Agent::default()
    };
    for id in many(value.get("ids")) {
        let is_orcid = text(id.get("type")).is_some_and(|t| t.eq_ignore_ascii_case("orcid"));
        let Some(written) = text(id.get("id")).filter(|w| is_orcid && claims_orcid(w)) else {
            continue;
        };
        match check_orcid(&written) {
            Ok(id) => agent.orcid = Some(id),
            Err(problem) => diagnostics.push(Diagnostic::warning(
                display,
                line,
                format!("{problem} ({})", agent.name),
            )),
        }
    }
    Some(agent)
}

/// A search-api member: `{person: {fullName, orcid}, affiliation: {name}, role}`.
pub(super) fn member_agent(value: &Value) -> Option<Agent> {
    let person = value.get("person")?;
    let name = text(person.get("fullName")).or_else(|| {
        match (text(person.get("firstName")), text(person.get("lastName"))) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (one, other) => one.or(other),
        }
    })?;
    let orcid = text(person.get("orcid"))
        .filter(|o| claims_orcid(o))
        .and_then(|o| check_orcid(&o).ok());
    let affiliations = text(value.get("affiliation").and_then(|a| a.get("name")))
        .map(|name| crate::model::Affiliation { name, ror: None })
        .into_iter()
        .collect();
    Some(Agent {
        name,
        orcid,
        affiliations,
        role: text(value.get("role")),
        ..Agent::default()
    })
}
