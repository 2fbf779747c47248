//! Front matter fields: `title` and `summary` present, `kind`, `audience` and
//! `fair` within the content model's values, `updated` a date and not older
//! than the configured age.

use chrono::NaiveDate;

use super::corpus::{Corpus, Doc};
use super::location::Position;
use super::{CheckOptions, Finding, Rule};
use crate::ingest::{Severity, TitleSource};
use crate::model::{AUDIENCES, FAIR_PRINCIPLES, KINDS};

/// The findings about the fields of every reported article.
pub fn check(corpus: &Corpus, options: &CheckOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    for doc in corpus.reported() {
        required(doc, &mut out);
        allowed(doc, &mut out);
        dates(doc, options, &mut out);
    }
    out
}

fn required(doc: &Doc, out: &mut Vec<Finding>) {
    let article = &doc.parsed.article;
    let start = if doc.front.is_empty() {
        Position::FILE_START
    } else {
        doc.front.start()
    };
    if doc.parsed.title_source == TitleSource::FileName {
        let (at, message) = match doc.front.key("title") {
            Some(at) => (at, "`title` is empty".to_string()),
            None => (
                start,
                "missing `title`: add one to the front matter (or start the text with a `# heading`)"
                    .to_string(),
            ),
        };
        out.push(error(Rule::RequiredField, doc, at, message));
    }
    if article.summary.is_empty() {
        let (at, message) = match (doc.front.key("summary"), doc.front.key_name("summary")) {
            (Some(at), Some(key)) => (at, format!("`{key}` is empty")),
            _ => (
                start,
                "missing `summary`: one or two sentences saying what the article answers".into(),
            ),
        };
        out.push(error(Rule::RequiredField, doc, at, message));
    }
}

fn allowed(doc: &Doc, out: &mut Vec<Finding>) {
    let article = &doc.parsed.article;
    let mut value = |field: &str, value: &str, allowed: &[&str]| {
        if allowed.contains(&value) {
            return;
        }
        let at = doc
            .front
            .value(field, value)
            .unwrap_or(Position::FILE_START);
        let hint = match closest(value, allowed) {
            Some(near) => format!("did you mean `{near}`? "),
            None => String::new(),
        };
        out.push(error(
            Rule::AllowedValue,
            doc,
            at,
            format!(
                "`{value}` is not a known {field}; {hint}allowed: {}",
                allowed.join(", ")
            ),
        ));
    };
    if let Some(kind) = &article.kind {
        value("kind", kind, &KINDS);
    }
    for audience in &article.audience {
        value("audience", audience, &AUDIENCES);
    }
    for fair in &article.fair {
        value("fair", fair, &FAIR_PRINCIPLES);
    }
}

fn dates(doc: &Doc, options: &CheckOptions, out: &mut Vec<Finding>) {
    let Some(written) = &doc.parsed.article.updated else {
        return;
    };
    let key = doc
        .front
        .key_name("updated")
        .unwrap_or("updated")
        .to_string();
    let at = doc
        .front
        .value("updated", written)
        .unwrap_or(Position::FILE_START);
    let Some(date) = parse_date(written) else {
        out.push(error(
            Rule::Date,
            doc,
            at,
            format!("`{key}` is `{written}`, not a date (write YYYY-MM-DD)"),
        ));
        return;
    };
    let age = (options.today - date).num_days();
    let limit = i64::from(options.stale_after_days());
    if age > limit {
        out.push(Finding::new(
            Rule::Stale,
            Severity::Warning,
            &doc.display,
            at,
            format!(
                "not updated since {date} ({}; the limit is {limit} days): review the article and update `{key}`",
                describe_age(age)
            ),
        ));
    } else if age < 0 {
        out.push(Finding::new(
            Rule::Date,
            Severity::Warning,
            &doc.display,
            at,
            format!("`{key}` is {date}, in the future"),
        ));
    }
}

/// A date as front matter writes it: `2024-05-01`, optionally followed by a time
/// (`2024-05-01T10:00:00Z`, `2024-05-01 10:00:00 +0200`, as Jekyll's `date`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (day, rest) = text.split_at_checked(10)?;
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

fn describe_age(days: i64) -> String {
    if days >= 365 * 2 {
        format!("{} years ago", days / 365)
    } else if days >= 60 {
        format!("{} months ago", days / 30)
    } else {
        format!("{days} days ago")
    }
}

fn error(rule: Rule, doc: &Doc, at: Position, message: impl Into<String>) -> Finding {
    Finding::new(rule, Severity::Error, &doc.display, at, message)
}

/// The allowed value a mistyped one most likely meant: the same ignoring case and
/// separators, else the nearest within two edits.
pub fn closest<'a>(value: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let fold = |s: &str| s.to_lowercase().replace(['_', ' '], "-");
    let folded = fold(value);
    if let Some(same) = allowed.iter().find(|a| fold(a) == folded) {
        return Some(same);
    }
    allowed
        .iter()
        .map(|a| (edit_distance(&folded, &fold(a)), *a))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_front_matter_writes_them() {
        let d = NaiveDate::from_ymd_opt(2024, 5, 1);
        assert_eq!(parse_date("2024-05-01"), d);
        assert_eq!(parse_date("2024-05-01T10:00:00Z"), d);
        assert_eq!(parse_date("2024-05-01 10:00:00 +0200"), d);
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("May 2024"), None);
        assert_eq!(parse_date("2024-05-012"), None);
    }

    #[test]
    fn near_misses_are_suggested() {
        assert_eq!(closest("Data_Steward", &AUDIENCES), Some("data-steward"));
        assert_eq!(closest("gide", &KINDS), Some("guide"));
        assert_eq!(closest("tutorial", &KINDS), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
