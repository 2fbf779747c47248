//! A search request: parameters, validation and limits, shared by the CLI and HTTP.

use std::collections::BTreeMap;

use super::Error;
use crate::model::{FACETS, Facet};
use crate::settings::Mode;

/// Longest query accepted, in characters. Longer text is a paste, not a query.
pub const MAX_QUERY_CHARS: usize = 1000;

/// A query or question, trimmed; empty or longer than [`MAX_QUERY_CHARS`] is an error.
pub fn validated_query(text: &str) -> Result<&str, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::EmptyQuery);
    }
    let len = text.chars().count();
    if len > MAX_QUERY_CHARS {
        return Err(Error::QueryTooLong {
            len,
            max: MAX_QUERY_CHARS,
        });
    }
    Ok(text)
}
/// Most hits per page.
pub const MAX_LIMIT: usize = 100;
/// Deepest page start; deep paging is for crawlers, not people.
pub const MAX_OFFSET: usize = 10_000;
/// Most filter values (`kind=`, `term=`, ...) one search may combine: each is
/// a clause to build and, for terms, a hierarchy to expand.
pub const MAX_FILTER_VALUES: usize = 32;
const DEFAULT_LIMIT: usize = 10;

/// A validated search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    /// Per facet, the accepted values (any of them matches).
    pub filters: Vec<(Facet, Vec<String>)>,
    pub mode: Mode,
    /// Attach each hit's ranks and scores per method.
    pub explain: bool,
    /// How hybrid mode fuses its lists (the engine's default when `None`).
    pub fusion: Option<super::Fusion>,
    /// Recognise ontology terms in the query and rank their articles higher.
    pub recognise: bool,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            filters: Vec::new(),
            mode: Mode::default(),
            explain: false,
            fusion: None,
            recognise: true,
        }
    }

    /// Builds a request from URL parameters (`q`, `limit`, `offset`, `mode`,
    /// `explain`, `recognise`, and the filters `kind`, `audience`, `fair`, `tag`,
    /// `project`, `term`, repeatable).
    /// Unknown parameters are ignored.
    pub fn from_params<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SearchRequest, Error> {
        let mut request = SearchRequest::new("");
        let mut filters: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (name, value) in params {
            match name {
                "q" | "query" => request.query = value.to_string(),
                "limit" => request.limit = number(name, value)?.min(MAX_LIMIT as i64) as usize,
                "offset" => {
                    let offset = number(name, value)?;
                    if offset > MAX_OFFSET as i64 {
                        return Err(Error::InvalidParameter {
                            name: name.into(),
                            reason: format!("must be at most {MAX_OFFSET}"),
                        });
                    }
                    request.offset = offset as usize;
                }
                "mode" => {
                    request.mode = value.parse().map_err(|reason| Error::InvalidParameter {
                        name: name.into(),
                        reason,
                    })?
                }
                "explain" => request.explain = matches!(value, "" | "1" | "true" | "yes"),
                "recognise" => request.recognise = flag(name, value)?,
                _ => {
                    if let Some(i) = FACETS.iter().position(|f| f.param() == name) {
                        if value.trim().is_empty() {
                            continue;
                        }
                        filters.entry(i).or_default().push(value.trim().to_string());
                    }
                }
            }
        }
        request.filters = filters.into_iter().map(|(i, v)| (FACETS[i], v)).collect();
        request.check_bounds()?;
        Ok(request)
    }

    /// Refuses a page deeper than [`MAX_OFFSET`] or longer than [`MAX_LIMIT`]
    /// and more than [`MAX_FILTER_VALUES`] filter values, however the request
    /// was built: tantivy allocates for `offset + limit` up front.
    pub fn check_bounds(&self) -> Result<(), Error> {
        if self.limit > MAX_LIMIT {
            return Err(Error::InvalidParameter {
                name: "limit".into(),
                reason: format!("must be at most {MAX_LIMIT}"),
            });
        }
        if self.offset > MAX_OFFSET {
            return Err(Error::InvalidParameter {
                name: "offset".into(),
                reason: format!("must be at most {MAX_OFFSET}"),
            });
        }
        let values: usize = self.filters.iter().map(|(_, v)| v.len()).sum();
        if values > MAX_FILTER_VALUES {
            return Err(Error::InvalidParameter {
                name: "filters".into(),
                reason: format!(
                    "{values} filter values; at most {MAX_FILTER_VALUES} may be combined"
                ),
            });
        }
        Ok(())
    }
}

fn flag(name: &str, value: &str) -> Result<bool, Error> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(Error::InvalidParameter {
            name: name.into(),
            reason: format!("`{other}`: use true or false"),
        }),
    }
}

fn number(name: &str, value: &str) -> Result<i64, Error> {
    let n: i64 = value.trim().parse().map_err(|_| Error::InvalidParameter {
        name: name.into(),
        reason: format!("`{value}` is not a whole number"),
    })?;
    if n < 0 {
        return Err(Error::InvalidParameter {
            name: name.into(),
            reason: "must not be negative".into(),
        });
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_validated() {
        let r =
            SearchRequest::from_params([("q", "x"), ("limit", "500"), ("tag", "a"), ("tag", "b")])
                .unwrap();
        assert_eq!(r.limit, MAX_LIMIT);
        assert_eq!(
            r.filters,
            vec![(Facet::Tags, vec!["a".to_string(), "b".to_string()])]
        );
        assert!(SearchRequest::from_params([("limit", "-1")]).is_err());
        assert!(SearchRequest::from_params([("offset", "x")]).is_err());
        assert!(SearchRequest::from_params([("offset", "100000")]).is_err());
        assert!(SearchRequest::from_params([("offset", "18446744073709551615")]).is_err());
        let many: Vec<(&str, &str)> =
            std::iter::repeat_n(("term", "PaNET:PaNET01012"), 33).collect();
        let err = SearchRequest::from_params(many).unwrap_err().to_string();
        assert!(err.contains("at most 32"), "{err}");
    }

    #[test]
    fn modes_parse() {
        let r = SearchRequest::from_params([("q", "x"), ("mode", "Semantic"), ("explain", "true")])
            .unwrap();
        assert_eq!((r.mode, r.explain), (Mode::Semantic, true));
        assert_eq!(SearchRequest::new("x").mode, Mode::Hybrid);
        assert!(SearchRequest::from_params([("mode", "fuzzy")]).is_err());
    }

    #[test]
    fn recognition_can_be_switched_off() {
        assert!(SearchRequest::new("x").recognise);
        let off = SearchRequest::from_params([("q", "x"), ("recognise", "false")]).unwrap();
        assert!(!off.recognise);
        assert!(SearchRequest::from_params([("recognise", "maybe")]).is_err());
    }
}
