//! Query strings into typed requests: serde collects the parameters (repeated
//! filter keys into lists) and each value is checked here, with an error that
//! names the parameter. The query layer only ever sees typed values.

use serde::Deserialize;

use crate::model::Facet;
use crate::query::request::MAX_OFFSET;
use crate::query::{Error, SearchRequest};

/// The parameters of `GET /api/search`. Unknown parameters are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchParams {
    q: Option<String>,
    /// Another name for `q`.
    query: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    mode: Option<String>,
    explain: Option<String>,
    recognise: Option<String>,
    facet_limit: Option<String>,
    kind: Vec<String>,
    audience: Vec<String>,
    fair: Vec<String>,
    tag: Vec<String>,
    project: Vec<String>,
    term: Vec<String>,
    community: Vec<String>,
    year: Vec<String>,
    license: Vec<String>,
}

impl SearchParams {
    /// The filters, each under its facet (named as [`Facet::param`] names them).
    fn filters(&self) -> [(Facet, &[String]); 9] {
        [
            (Facet::Kind, &self.kind),
            (Facet::Audience, &self.audience),
            (Facet::Fair, &self.fair),
            (Facet::Tags, &self.tag),
            (Facet::Projects, &self.project),
            (Facet::Terms, &self.term),
            (Facet::Communities, &self.community),
            (Facet::Year, &self.year),
            (Facet::License, &self.license),
        ]
    }
}

/// Whether a query string chooses the search mode (`mode=`).
pub fn names_mode(raw: &str) -> bool {
    form_urlencoded::parse(raw.as_bytes()).any(|(key, _)| key == "mode")
}

/// A search request from a URL query string (`q`, `limit`, `offset`, `mode`,
/// `explain`, `recognise`, and the repeatable filters `kind`, `audience`,
/// `fair`, `tag`, `project`, `term`, `community`, `year`, `license`).
pub fn search_request(raw: &str) -> Result<SearchRequest, Error> {
    let params: SearchParams = serde_html_form::from_str(raw).map_err(malformed)?;
    let query = params.q.clone().or_else(|| params.query.clone());
    let mut request = SearchRequest::new(query.unwrap_or_default());
    if let Some(limit) = &params.limit {
        request = request.with_limit(number("limit", limit)?);
    }
    if let Some(offset) = &params.offset {
        let offset = number("offset", offset)?;
        if offset > MAX_OFFSET {
            return Err(invalid("offset", format!("must be at most {MAX_OFFSET}")));
        }
        request = request.with_offset(offset);
    }
    if let Some(mode) = &params.mode {
        request = request.with_mode(mode.parse().map_err(|reason| invalid("mode", reason))?);
    }
    if let Some(explain) = &params.explain {
        request = request.with_explain(matches!(explain.as_str(), "" | "1" | "true" | "yes"));
    }
    if let Some(recognise) = &params.recognise {
        request = request.with_recognise(flag("recognise", recognise)?);
    }
    if let Some(limit) = &params.facet_limit {
        request = request.with_facet_limit(number("facet_limit", limit)?);
    }
    for (facet, values) in params.filters() {
        request = request.with_filter(facet, values);
    }
    request.check_bounds()?;
    Ok(request)
}

/// A query string serde cannot read: a parameter given twice that takes one
/// value, or bytes that are not UTF-8 once decoded.
fn malformed(e: serde_html_form::de::Error) -> Error {
    invalid("query string", e.to_string())
}

fn invalid(name: &str, reason: impl Into<String>) -> Error {
    Error::InvalidParameter {
        name: name.into(),
        reason: reason.into(),
    }
}

/// A boolean parameter: empty (present) means true.
pub(super) fn flag(name: &str, value: &str) -> Result<bool, Error> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(invalid(name, format!("`{other}`: use true or false"))),
    }
}

/// A whole, non-negative number.
pub(super) fn number(name: &str, value: &str) -> Result<usize, Error> {
    let n: i128 = value
        .trim()
        .parse()
        .map_err(|_| invalid(name, format!("`{value}` is not a whole number")))?;
    if n < 0 {
        return Err(invalid(name, "must not be negative"));
    }
    usize::try_from(n).map_err(|_| invalid(name, format!("`{value}` is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FACETS;
    use crate::query::request::MAX_LIMIT;
    use crate::settings::Mode;

    #[test]
    fn parameters_become_a_typed_request() {
        let r =
            search_request("q=cite+data&limit=500&tag=a&tag=b&mode=Semantic&explain=true").unwrap();
        assert_eq!(r.query, "cite data");
        assert_eq!(r.limit, MAX_LIMIT);
        assert_eq!((r.mode, r.explain), (Mode::Semantic, true));
        assert_eq!(
            r.filters,
            vec![(Facet::Tags, vec!["a".to_string(), "b".to_string()])]
        );
        assert_eq!(search_request("query=x").unwrap().query, "x");
        assert_eq!(search_request("q=x").unwrap().mode, Mode::Hybrid);
        assert!(names_mode("q=x&mode=keyword") && !names_mode("q=mode&modes=x"));
        assert!(!search_request("q=x&recognise=false").unwrap().recognise);
    }

    #[test]
    fn every_facet_has_its_parameter() {
        let raw: Vec<String> = FACETS.iter().map(|f| format!("{}=v", f.param())).collect();
        let r = search_request(&raw.join("&")).unwrap();
        assert_eq!(r.filters.len(), FACETS.len());
    }

    #[test]
    fn bad_values_are_named() {
        let err = |raw: &str| search_request(raw).unwrap_err().to_string();
        assert!(err("limit=-1").contains("limit"), "{}", err("limit=-1"));
        assert!(err("offset=x").contains("not a whole number"));
        assert!(err("offset=100000").contains("at most 10000"));
        assert!(err("offset=18446744073709551615").contains("offset"));
        assert!(err("offset=99999999999999999999999999999999999999999").contains("offset"));
        assert!(err("mode=fuzzy").contains("mode"));
        assert!(err("recognise=maybe").contains("recognise"));
        assert!(
            err("q=a&q=b").contains("query string"),
            "{}",
            err("q=a&q=b")
        );
        let many = vec!["term=PaNET:PaNET01012"; 33].join("&");
        assert!(err(&many).contains("at most 32"), "{}", err(&many));
    }
}
