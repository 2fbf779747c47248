//! The term search page (`/terms`): results rendered on the server, so that it
//! works without a script; `terms.js` adds suggestions as you type.

use axum::extract::{RawQuery, State};
use axum::response::{Html, IntoResponse, Response};

use super::terms::synonym_kind;
use super::tree::term_url;
use super::{Section, page, shell};
use crate::query::ontology::browse::{self, OntologySummary};
use crate::query::ontology::search::TermHit;
use crate::query::{self, TermSearch, TermSearchResponse};
use crate::server::AppState;
use crate::server::api::{Cost, with_kb};
use crate::server::view::escape_html;

fn hit_html(hit: &TermHit, ontologies: &[OntologySummary]) -> String {
    let url = escape_html(&term_url(hit.curie.as_deref(), &hit.iri));
    let label = escape_html(
        hit.label
            .as_deref()
            .or(hit.curie.as_deref())
            .unwrap_or(&hit.iri),
    );
    let curie = hit
        .curie
        .as_deref()
        .map(|c| format!(" <span class=\"curie\">{}</span>", escape_html(c)))
        .unwrap_or_default();
    let ontology = ontologies
        .iter()
        .find(|o| o.info.graph == hit.ontology)
        .map(|o| format!(" <span class=\"badge\">{}</span>", escape_html(&o.id)))
        .unwrap_or_default();
    let deprecated = if hit.deprecated {
        " <span class=\"badge deprecated\">deprecated</span>"
    } else {
        ""
    };
    let matched = if hit.matched.field != "label" && hit.matched.field != "iri" {
        format!(
            "<div class=\"muted\">matched {}: {}</div>",
            escape_html(synonym_kind(&hit.matched.field)),
            escape_html(&hit.matched.value)
        )
    } else {
        String::new()
    };
    let definition = hit
        .definition
        .as_deref()
        .map(|d| format!("<p>{}</p>", escape_html(d)))
        .unwrap_or_default();
    format!(
        "<li class=\"term-hit\"><a href=\"{url}\">{label}</a>{curie}{ontology}{deprecated}{matched}{definition}</li>"
    )
}

/// `GET /terms?q=&ontology=&type=&offset=`: term search; results are rendered
/// here, so the page works without a script, and `terms.js` adds suggestions
/// as you type.
pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let params: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (q, ontology, kind) = (get("q"), get("ontology"), get("type"));
    let limit = 20;
    let mut request_params = params.clone();
    request_params.retain(|(k, _)| k != "limit");
    request_params.push(("limit".into(), limit.to_string()));
    type Found = (
        Vec<OntologySummary>,
        Option<Result<TermSearchResponse, query::Error>>,
    );
    let found: Result<Found, _> = with_kb(&state, Cost::Unbounded, move |kb| {
        let ontologies = browse::ontologies(kb);
        if q.trim().is_empty() {
            return Ok((ontologies, None));
        }
        let result =
            TermSearch::from_params(request_params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .and_then(|request| query::search_terms(kb, &request));
        Ok((ontologies, Some(result)))
    })
    .await;
    let (ontologies, result) = match found {
        Ok(found) => found,
        Err(e) => return page(e.status, Section::Terms, "Error", &escape_html(&e.message)),
    };
    let q = get("q");
    let offset: usize = get("offset").parse().unwrap_or(0);
    let options: String = ontologies
        .iter()
        .map(|o| {
            let selected = if o.id == ontology { " selected" } else { "" };
            format!(
                "<option value=\"{}\"{selected}>{}</option>",
                escape_html(&o.id),
                escape_html(&format!(
                    "{} ({})",
                    o.info.title.as_deref().unwrap_or(&o.id),
                    o.id
                ))
            )
        })
        .collect();
    let kinds: String = [
        ("", "any type"),
        ("class", "classes"),
        ("property", "properties"),
        ("concept", "concepts"),
    ]
    .iter()
    .map(|(value, label)| {
        let selected = if *value == kind { " selected" } else { "" };
        format!("<option value=\"{value}\"{selected}>{label}</option>")
    })
    .collect();
    let form = format!(
        "<form class=\"search term-search\" id=\"term-form\" role=\"search\" action=\"/terms\" method=\"get\">\
         <div class=\"combo\"><input id=\"term-q\" name=\"q\" type=\"search\" value=\"{}\" \
         placeholder=\"a term, e.g. small angle x-ray scattering\" aria-label=\"Term\" autocomplete=\"off\" \
         role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\" aria-controls=\"term-suggestions\">\
         <ul id=\"term-suggestions\" role=\"listbox\" aria-label=\"Suggested terms\" hidden></ul></div>\
         <select name=\"ontology\" id=\"term-ontology\" aria-label=\"Ontology\"><option value=\"\">all ontologies</option>{options}</select>\
         <select name=\"type\" id=\"term-type\" aria-label=\"Type of term\">{kinds}</select>\
         <button type=\"submit\">Search</button></form>",
        escape_html(&q)
    );
    let results = match result {
        None => {
            "<p class=\"status\" id=\"term-status\">Type a term: suggestions appear as you type. \
                 Or browse the <a href=\"/ontologies\">loaded ontologies</a>.</p>"
                .to_string()
        }
        Some(Err(e)) => {
            let e = crate::server::ApiError::from(e);
            format!(
                "<p class=\"status error\" id=\"term-status\">{}</p>",
                escape_html(&e.message)
            )
        }
        Some(Ok(r)) => {
            let hits: String = r.hits.iter().map(|h| hit_html(h, &ontologies)).collect();
            let link = |offset: usize| {
                let mut p = form_urlencoded::Serializer::new(String::new());
                for (k, v) in [("q", &q), ("ontology", &ontology), ("type", &kind)] {
                    if !v.is_empty() {
                        p.append_pair(k, v);
                    }
                }
                if offset > 0 {
                    p.append_pair("offset", &offset.to_string());
                }
                format!("/terms?{}", p.finish())
            };
            let mut pager = Vec::new();
            if offset > 0 {
                pager.push(format!(
                    "<a href=\"{}\" rel=\"prev\">previous</a>",
                    escape_html(&link(offset.saturating_sub(limit)))
                ));
            }
            if offset + r.hits.len() < r.total {
                pager.push(format!(
                    "<a href=\"{}\" rel=\"next\">next</a>",
                    escape_html(&link(offset + limit))
                ));
            }
            format!(
                "<p class=\"status\" id=\"term-status\">{} term{}</p><ol class=\"term-hits\" start=\"{}\">{hits}</ol>\
                 <nav class=\"pager\" aria-label=\"Pages\">{}</nav>",
                r.total,
                if r.total == 1 { "" } else { "s" },
                offset + 1,
                pager.join(" ")
            )
        }
    };
    let body = format!("<h1>Terms</h1>{form}{results}");
    Html(shell(
        Section::Terms,
        "Terms · eoskb",
        "terms-search",
        &body,
        &["terms.js"],
    ))
    .into_response()
}
