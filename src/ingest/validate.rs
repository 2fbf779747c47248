//! Syntax checks for the identifiers and dates records and training metadata
//! carry. Readers use them to warn (a bad ORCID checksum, a date no one can sort by); `eoskb check` will call
//! them too, so each answers a plain yes or no, or says what is wrong.

use chrono::{DateTime, NaiveDate};

use crate::model::normalise_doi;

/// An ORCID iD without its resolver (`0000-0002-1825-0097`), if the text has the
/// shape of one: four groups of four digits, the last character a digit or `X`,
/// with or without `https://orcid.org/` and the hyphens. The checksum is not
/// checked here (see [`orcid_checksum_ok`]).
pub fn orcid_id(text: &str) -> Option<String> {
    let text = text.trim();
    let rest = without_orcid_resolver(text).unwrap_or(text);
    let compact: String = rest
        .trim()
        .trim_end_matches('/')
        .chars()
        .filter(|c| *c != '-')
        .collect();
    let chars: Vec<char> = compact.chars().collect();
    let shaped = chars.len() == 16
        && chars[..15].iter().all(char::is_ascii_digit)
        && chars
            .last()
            .is_some_and(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x');
    if !shaped {
        return None;
    }
    let upper = compact.to_ascii_uppercase();
    Some(format!(
        "{}-{}-{}-{}",
        &upper[0..4],
        &upper[4..8],
        &upper[8..12],
        &upper[12..16]
    ))
}

/// The text after an ORCID resolver or `orcid:` prefix, if it has one.
fn without_orcid_resolver(text: &str) -> Option<&str> {
    let lower = text.to_ascii_lowercase();
    [
        "https://orcid.org/",
        "http://orcid.org/",
        "https://www.orcid.org/",
        "http://www.orcid.org/",
        "orcid.org/",
        "orcid:",
    ]
    .iter()
    .find(|prefix| lower.starts_with(*prefix))
    .map(|prefix| text.get(prefix.len()..).unwrap_or(""))
}

/// Whether a value presents itself as an ORCID iD (an ORCID resolver or
/// `orcid:` prefix, or the bare hyphenated form) and so is checked as one, where
/// a field may also hold other identifiers (schema.org `identifier`, `sameAs`).
pub fn claims_orcid(text: &str) -> bool {
    let text = text.trim();
    without_orcid_resolver(text).is_some()
        || (text.len() == 19 && text.chars().filter(|&c| c == '-').count() == 3)
}

/// Whether an ORCID iD's last character is the ISO 7064 11,2 check digit of the
/// fifteen before it. Accepts the forms [`orcid_id`] accepts.
pub fn orcid_checksum_ok(text: &str) -> bool {
    let Some(id) = orcid_id(text) else {
        return false;
    };
    let digits: Vec<u32> = id.chars().filter_map(|c| c.to_digit(10)).collect();
    let Some(base) = digits.get(..15) else {
        return false;
    };
    let total = base.iter().fold(0u32, |total, d| (total + d) * 2);
    let check = (12 - total % 11) % 11;
    let expected = if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10).unwrap_or('?')
    };
    id.ends_with(expected)
}

/// The ORCID iD in `text`, or why it is not one (a message a curator can act on).
pub fn check_orcid(text: &str) -> Result<String, String> {
    match orcid_id(text) {
        None => Err(format!(
            "invalid ORCID {}: not of the form 0000-0000-0000-000X",
            text.trim()
        )),
        Some(id) if !orcid_checksum_ok(&id) => {
            Err(format!("invalid ORCID {id}: checksum does not match"))
        }
        Some(id) => Ok(id),
    }
}

/// Whether the text is a DOI (with or without a resolver or `doi:` prefix).
pub fn is_valid_doi(text: &str) -> bool {
    normalise_doi(text).is_some()
}

/// Whether the text is a date eoskb can sort by: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`
/// (a real day) or a full RFC 3339 date-time.
pub fn is_valid_date(text: &str) -> bool {
    let text = text.trim();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match text.len() {
        4 => digits(text, 4),
        7 => {
            let (year, month) = (text.get(..4).unwrap_or(""), text.get(5..).unwrap_or(""));
            digits(year, 4)
                && text.as_bytes().get(4) == Some(&b'-')
                && digits(month, 2)
                && month.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        }
        10 => {
            digits(text.get(..4).unwrap_or(""), 4)
                && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
        }
        _ => DateTime::parse_from_rfc3339(text).is_ok(),
    }
}

/// Whether the text is a calendar date `YYYY-MM-DD` and nothing more (CFF's
/// `date-released`).
pub fn is_calendar_date(text: &str) -> bool {
    let text = text.trim();
    text.len() == 10 && is_valid_date(text)
}

/// The message for a date [`is_valid_date`] refuses.
pub fn date_problem(field: &str, text: &str) -> String {
    format!(
        "unparseable date `{}` in {field} (expected YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 date-time)",
        text.trim()
    )
}

/// The date part of an issued date as [`crate::model::Record::issued`] keeps it:
/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a date-time loses its time. `None` when the
/// text is not a date.
pub fn issued_date(text: &str) -> Option<String> {
    let text = text.trim();
    if is_valid_date(text) && text.len() <= 10 {
        return Some(text.to_string());
    }
    // Date-times, with or without a zone (InvenioRDM writes `2025-10-14T02:00:00`).
    let day = text.get(..10)?;
    let rest = text.get(10..)?;
    (rest.starts_with('T') || rest.starts_with(' '))
        .then_some(day)
        .filter(|d| is_valid_date(d))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orcid_checksums() {
        assert!(orcid_checksum_ok("0000-0002-1825-0097"));
        assert!(orcid_checksum_ok("https://orcid.org/0000-0001-5109-3700"));
        assert!(orcid_checksum_ok("0000-0002-1694-233X"));
        assert!(orcid_checksum_ok("0000-0002-1694-233x"));
        assert!(orcid_checksum_ok("http://orcid.org/0000-0003-1419-2405"));
        assert!(!orcid_checksum_ok("0000-0002-1825-0098"));
        assert!(!orcid_checksum_ok("0000-0002-1825"));
        assert!(!orcid_checksum_ok("not an orcid"));
        assert_eq!(
            check_orcid("0000-0002-1825-0098").unwrap_err(),
            "invalid ORCID 0000-0002-1825-0098: checksum does not match"
        );
        assert_eq!(
            orcid_id(" https://orcid.org/0000000218250097 ").as_deref(),
            Some("0000-0002-1825-0097")
        );
        assert_eq!(
            check_orcid("http://orcid.org/0000-0003-3803-468x").as_deref(),
            Ok("0000-0003-3803-468X")
        );
        assert!(check_orcid("https://orcid.org/12").is_err());
    }

    #[test]
    fn what_claims_to_be_an_orcid() {
        assert!(claims_orcid("https://orcid.org/12"));
        assert!(claims_orcid("ORCID:0000-0002-1825-0097"));
        assert!(claims_orcid("0000-0002-1825-0097"));
        assert!(!claims_orcid("https://example.org/me"));
        assert!(!claims_orcid("Ada Lovelace"));
    }

    #[test]
    fn dates() {
        for ok in [
            "2020",
            "2020-05",
            "2020-05-31",
            "2018-09-05T00:00:00.000Z",
            "2021-03-24T08:47:35+01:00",
        ] {
            assert!(is_valid_date(ok), "{ok}");
        }
        for bad in ["2020-05-xx", "2020-13", "2020-02-30", "20", "May 2020", ""] {
            assert!(!is_valid_date(bad), "{bad}");
        }
        assert!(is_calendar_date("2017-12-18"));
        assert!(!is_calendar_date("2018-09-05T00:00:00.000Z"));
        assert_eq!(
            issued_date("2025-10-14T02:00:00").as_deref(),
            Some("2025-10-14")
        );
        assert_eq!(issued_date("2022").as_deref(), Some("2022"));
        assert_eq!(issued_date("2020-05-xx"), None);
    }

    #[test]
    fn dois() {
        assert!(is_valid_doi("10.5281/zenodo.1003150"));
        assert!(is_valid_doi("https://doi.org/10.5438/4K3M-NYVG"));
        assert!(!is_valid_doi("zenodo.1003150"));
    }
}
