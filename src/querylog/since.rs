//! `--since` and `?since=`: a period back from now (`30d`, `12h`, `2w`, `90m`) or
//! a start (`2026-05-01`, `2026-05-01T08:00:00Z`).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::Error;

/// The default period of the gaps report.
pub const DEFAULT_SINCE: &str = "30d";

/// The point in time `text` names, relative to `now`.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, Error> {
    let text = text.trim();
    let invalid = || Error::InvalidSince(text.to_string());
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return date
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .ok_or_else(invalid);
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(invalid)?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| invalid())?;
    let seconds_per_unit = match unit {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(invalid()),
    };
    // Anything past a century back is "everything" (and cannot overflow).
    let seconds = number
        .saturating_mul(seconds_per_unit)
        .min(100 * 366 * 86_400);
    Ok(now - TimeDelta::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_dates_parse() {
        let now = DateTime::parse_from_rfc3339("2026-05-31T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |s: &str| parse_since(s, now).unwrap().to_rfc3339();
        assert_eq!(at("30d"), "2026-05-01T12:00:00+00:00");
        assert_eq!(at("12h"), "2026-05-31T00:00:00+00:00");
        assert_eq!(at("2w"), "2026-05-17T12:00:00+00:00");
        assert_eq!(at("90m"), "2026-05-31T10:30:00+00:00");
        assert_eq!(at(" 1d "), "2026-05-30T12:00:00+00:00");
        assert_eq!(at("2026-05-01"), "2026-05-01T00:00:00+00:00");
        assert_eq!(at("2026-05-01T08:00:00+02:00"), "2026-05-01T06:00:00+00:00");
        assert!(parse_since("99999999999999999999d", now).is_err());
        assert!(parse_since("9999999999999w", now).unwrap() < now);
        for bad in ["", "30", "d", "30x", "-3d", "3.5d", "30 d", "yesterday"] {
            assert!(parse_since(bad, now).is_err(), "{bad:?}");
        }
    }
}
