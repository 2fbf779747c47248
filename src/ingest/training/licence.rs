//! Licences as training metadata writes them (a Creative Commons deed URL, an SPDX
//! page, `CC BY-NC 4.0`, `BSD 3-Clause`) mapped to SPDX ids.
//!
//! A minimal mapping of our own, private to these readers: the records readers may
//! grow a shared one (`ingest::records::licence`); this covers the licences
//! training material and catalogue records use.

use crate::model::License;

/// SPDX ids recognised as written (compared without case).
const SPDX_IDS: [&str; 30] = [
    "MIT",
    "ISC",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "MPL-2.0",
    "EUPL-1.2",
    "Unlicense",
    "CC0-1.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-3.0",
    "CC-BY-SA-3.0",
    "CC-BY-2.0",
    "CC-PDDC",
];

/// A licence value (id, name or URL) as a [`License`]: the SPDX id when known,
/// the URL when it is one, else the name as written.
pub fn licence(written: &str) -> License {
    let written = written.trim();
    let is_url = written.starts_with("http://") || written.starts_with("https://");
    License {
        spdx: spdx(written),
        name: (!is_url).then(|| written.to_string()),
        url: is_url.then(|| written.to_string()),
    }
}

/// The SPDX id of a licence id, name or URL, when it is one we know.
pub fn spdx(written: &str) -> Option<String> {
    let text = written.trim();
    let lower = text.to_ascii_lowercase();
    let path = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    if let Some(id) = path.strip_prefix("spdx.org/licenses/") {
        let id = id.trim_end_matches('/');
        let id = id
            .strip_suffix(".html")
            .or_else(|| id.strip_suffix(".json"))
            .unwrap_or(id);
        return known_id(id);
    }
    if let Some(rest) = path.strip_prefix("creativecommons.org/") {
        return creative_commons_url(rest);
    }
    if let Some(id) = path.strip_prefix("opensource.org/licenses/") {
        let id = id
            .trim_end_matches('/')
            .trim_end_matches(".php")
            .trim_end_matches(".html");
        return known_id(id).or_else(|| known_id(&format!("{id}-clause")));
    }
    if path.starts_with("apache.org/licenses/license-2.0") {
        return Some("Apache-2.0".into());
    }
    known_id(&lower).or_else(|| by_name(&lower))
}

fn known_id(id: &str) -> Option<String> {
    SPDX_IDS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(id))
        .map(|known| known.to_string())
}

/// `licenses/by-sa/4.0/`, `publicdomain/zero/1.0/` → SPDX.
fn creative_commons_url(rest: &str) -> Option<String> {
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["publicdomain", "zero", "1.0", ..] => Some("CC0-1.0".into()),
        ["licenses", kind, version, ..] => creative_commons(kind, version),
        _ => None,
    }
}

fn creative_commons(kind: &str, version: &str) -> Option<String> {
    let kind = kind.to_ascii_uppercase();
    let allowed = ["BY", "BY-SA", "BY-NC", "BY-ND", "BY-NC-SA", "BY-NC-ND"];
    let versioned = ["1.0", "2.0", "2.5", "3.0", "4.0"];
    (allowed.contains(&kind.as_str()) && versioned.contains(&version))
        .then(|| format!("CC-{kind}-{version}"))
}

/// Names: `CC BY 4.0`, `CC-BY-NC 4.0`, `BSD 3-Clause`, `Apache License 2.0`.
fn by_name(lower: &str) -> Option<String> {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        ["cc0", ..] => Some("CC0-1.0".into()),
        ["cc", rest @ ..] | ["creative", "commons", rest @ ..] => {
            let (version, kinds) = rest.split_last()?;
            let kinds: Vec<&str> = kinds
                .iter()
                .copied()
                .filter(|w| !matches!(*w, "attribution" | "international" | "license"))
                .collect();
            creative_commons(&kinds.join("-"), version)
        }
        ["mit", ..] => Some("MIT".into()),
        ["apache", .., "2.0"] => Some("Apache-2.0".into()),
        ["bsd", "3", "clause", ..] => Some("BSD-3-Clause".into()),
        ["bsd", "2", "clause", ..] => Some("BSD-2-Clause".into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_ids_and_names_map_to_spdx() {
        for (written, id) in [
            ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
            (
                "http://creativecommons.org/licenses/by-nc-sa/4.0/legalcode",
                "CC-BY-NC-SA-4.0",
            ),
            (
                "https://creativecommons.org/publicdomain/zero/1.0/",
                "CC0-1.0",
            ),
            ("https://spdx.org/licenses/CC-BY-4.0.html", "CC-BY-4.0"),
            ("CC-BY-4.0", "CC-BY-4.0"),
            ("cc-by-4.0", "CC-BY-4.0"),
            ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
            ("CC BY 4.0", "CC-BY-4.0"),
            ("BSD 3-Clause", "BSD-3-Clause"),
            ("BSD-3-Clause-Clear", "BSD-3-Clause-Clear"),
            ("https://opensource.org/licenses/MIT", "MIT"),
            ("http://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"),
        ] {
            assert_eq!(spdx(written).as_deref(), Some(id), "{written}");
        }
        assert_eq!(spdx("CC-BY"), None);
        assert_eq!(spdx("all rights reserved"), None);
        let l = licence("CC-BY");
        assert_eq!(
            (l.spdx, l.name.as_deref(), l.url),
            (None, Some("CC-BY"), None)
        );
    }
}
