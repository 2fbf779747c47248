//! A search request: parameters, validation and limits, shared by the CLI and HTTP.

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
/// Values per facet a response lists by default: the most frequent (a page
/// shows about a dozen; a facet such as tags runs to hundreds of values, which
/// were most of a response's bytes).
pub const DEFAULT_FACET_LIMIT: usize = 20;
/// Most values per facet a response lists.
pub const MAX_FACET_LIMIT: usize = 1000;

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
    /// Values listed per facet, the most frequent first (values filtered on are
    /// always listed); 0 counts no facets at all.
    pub facet_limit: usize,
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
            facet_limit: DEFAULT_FACET_LIMIT,
        }
    }

    /// At most [`MAX_FACET_LIMIT`] values per facet (more is clamped).
    pub fn with_facet_limit(mut self, limit: usize) -> Self {
        self.facet_limit = limit.min(MAX_FACET_LIMIT);
        self
    }

    /// At most [`MAX_LIMIT`] hits per page (more is clamped: asking for more
    /// gets the most there is).
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit.min(MAX_LIMIT);
        self
    }

    /// Where the page starts (checked against [`MAX_OFFSET`] when searching).
    pub fn with_offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    pub fn with_explain(mut self, explain: bool) -> Self {
        self.explain = explain;
        self
    }

    pub fn with_recognise(mut self, recognise: bool) -> Self {
        self.recognise = recognise;
        self
    }

    pub fn with_fusion(mut self, fusion: super::Fusion) -> Self {
        self.fusion = Some(fusion);
        self
    }

    /// Accepts these values (any of them) for a facet, besides those already
    /// accepted; values are trimmed and empty ones ignored. Filters stay in
    /// the order of [`FACETS`], whatever order they were added in.
    pub fn with_filter<S: AsRef<str>>(
        mut self,
        facet: Facet,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        let values: Vec<String> = values
            .into_iter()
            .map(|v| v.as_ref().trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            return self;
        }
        match self.filters.iter_mut().find(|(f, _)| *f == facet) {
            Some((_, accepted)) => accepted.extend(values),
            None => {
                self.filters.push((facet, values));
                let order = |f: &Facet| FACETS.iter().position(|x| x == f);
                self.filters.sort_by_key(|(f, _)| order(f));
            }
        }
        self
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_clamps_limits_and_keeps_filters_in_facet_order() {
        let r = SearchRequest::new("x")
            .with_limit(500)
            .with_filter(Facet::Terms, ["PaNET:PaNET01012"])
            .with_filter(Facet::Tags, [" a ", ""])
            .with_filter(Facet::Tags, ["b"])
            .with_filter(Facet::Kind, Vec::<String>::new());
        assert_eq!(r.limit, MAX_LIMIT);
        assert_eq!(
            r.filters,
            vec![
                (Facet::Tags, vec!["a".to_string(), "b".to_string()]),
                (Facet::Terms, vec!["PaNET:PaNET01012".to_string()]),
            ]
        );
    }

    #[test]
    fn bounds_are_checked_however_the_request_was_built() {
        assert!(SearchRequest::new("x").check_bounds().is_ok());
        assert!(
            SearchRequest::new("x")
                .with_offset(MAX_OFFSET + 1)
                .check_bounds()
                .is_err()
        );
        let many = SearchRequest::new("x").with_filter(
            Facet::Terms,
            std::iter::repeat_n("PaNET:PaNET01012", MAX_FILTER_VALUES + 1),
        );
        let err = many.check_bounds().unwrap_err().to_string();
        assert!(err.contains("at most 32"), "{err}");
    }
}
