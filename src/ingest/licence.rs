//! Licences as records and training metadata write them (`CC BY 4.0`,
//! `cc-by-4.0`, a Creative Commons or SPDX URL, `BSD 3-Clause`) mapped onto SPDX
//! ids, so a facet counts one licence once, whichever reader found it. An access right (`info:eu-repo/semantics/openAccess`) is not a
//! licence; readers keep it in `extra`.

use crate::model::License;

/// SPDX ids eoskb recognises, in their canonical spelling. Matching is
/// case-insensitive; deprecated ids (`GPL-3.0`) are mapped in [`ALIASES`].
const SPDX_IDS: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "Artistic-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-4-Clause",
    "BSL-1.0",
    "CC-BY-1.0",
    "CC-BY-2.0",
    "CC-BY-2.5",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-NC-1.0",
    "CC-BY-NC-2.0",
    "CC-BY-NC-2.5",
    "CC-BY-NC-3.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-ND-1.0",
    "CC-BY-NC-ND-2.0",
    "CC-BY-NC-ND-2.5",
    "CC-BY-NC-ND-3.0",
    "CC-BY-NC-ND-4.0",
    "CC-BY-NC-SA-1.0",
    "CC-BY-NC-SA-2.0",
    "CC-BY-NC-SA-2.5",
    "CC-BY-NC-SA-3.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-1.0",
    "CC-BY-ND-2.0",
    "CC-BY-ND-2.5",
    "CC-BY-ND-3.0",
    "CC-BY-ND-4.0",
    "CC-BY-SA-1.0",
    "CC-BY-SA-2.0",
    "CC-BY-SA-2.5",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC-PDDC",
    "CC0-1.0",
    "CECILL-2.1",
    "ECL-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "ISC",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "LPPL-1.3c",
    "MIT",
    "MIT-0",
    "MPL-2.0",
    "MS-PL",
    "NCSA",
    "ODbL-1.0",
    "ODC-By-1.0",
    "OFL-1.1",
    "OSL-3.0",
    "PDDL-1.0",
    "PostgreSQL",
    "Python-2.0",
    "Unlicense",
    "UPL-1.0",
    "WTFPL",
    "Zlib",
    "etalab-2.0",
];

/// Other spellings (after [`key`] normalisation) and the SPDX id they mean.
const ALIASES: &[(&str, &str)] = &[
    ("cc0", "CC0-1.0"),
    ("cc-zero", "CC0-1.0"),
    ("cc0-1", "CC0-1.0"),
    ("zero-1.0", "CC0-1.0"),
    ("publicdomain-zero-1.0", "CC0-1.0"),
    ("apache-2", "Apache-2.0"),
    ("apache", "Apache-2.0"),
    ("asl-2.0", "Apache-2.0"),
    ("bsd-3", "BSD-3-Clause"),
    ("new-bsd", "BSD-3-Clause"),
    ("modified-bsd", "BSD-3-Clause"),
    ("revised-bsd", "BSD-3-Clause"),
    ("bsd-2", "BSD-2-Clause"),
    ("simplified-bsd", "BSD-2-Clause"),
    ("freebsd", "BSD-2-Clause"),
    ("bsd-3-clear", "BSD-3-Clause-Clear"),
    ("clear-bsd", "BSD-3-Clause-Clear"),
    ("mit-license", "MIT"),
    ("expat", "MIT"),
    ("gpl-2", "GPL-2.0-only"),
    ("gpl-2.0", "GPL-2.0-only"),
    ("gplv2", "GPL-2.0-only"),
    ("gpl-2.0+", "GPL-2.0-or-later"),
    ("gpl-3", "GPL-3.0-only"),
    ("gpl-3.0", "GPL-3.0-only"),
    ("gplv3", "GPL-3.0-only"),
    ("gpl-3.0+", "GPL-3.0-or-later"),
    ("lgpl-2.1", "LGPL-2.1-only"),
    ("lgpl-2.1+", "LGPL-2.1-or-later"),
    ("lgpl-3", "LGPL-3.0-only"),
    ("lgpl-3.0", "LGPL-3.0-only"),
    ("lgplv3", "LGPL-3.0-only"),
    ("lgpl-3.0+", "LGPL-3.0-or-later"),
    ("agpl-3", "AGPL-3.0-only"),
    ("agpl-3.0", "AGPL-3.0-only"),
    ("agplv3", "AGPL-3.0-only"),
    ("agpl-3.0+", "AGPL-3.0-or-later"),
    ("mpl-2", "MPL-2.0"),
    ("eupl-1.2", "EUPL-1.2"),
    ("odbl", "ODbL-1.0"),
    ("odbl-1", "ODbL-1.0"),
    ("odc-by", "ODC-By-1.0"),
    ("pddl", "PDDL-1.0"),
    ("unlicensed", "Unlicense"),
    ("the-unlicense", "Unlicense"),
    ("boost-1.0", "BSL-1.0"),
    ("cc-pddc", "CC-PDDC"),
    ("creativecommons.org-licenses-publicdomain", "CC-PDDC"),
];

/// The licence a record states, with its SPDX id when known and the text as
/// written: a URL goes to `url`, anything else to `name`.
pub fn licence(text: &str) -> License {
    let text = text.trim();
    let is_url = text.starts_with("http://") || text.starts_with("https://");
    License {
        spdx: spdx_id(text).map(str::to_string),
        name: (!is_url && !text.is_empty()).then(|| text.to_string()),
        url: is_url.then(|| text.to_string()),
    }
}

/// The SPDX id a licence name, id or URL stands for, if eoskb knows it.
pub fn spdx_id(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if text.is_empty() || is_access_right(text) {
        return None;
    }
    if let Some(id) = from_url(text) {
        return Some(id);
    }
    let key = key(text);
    lookup(&key)
}

/// Whether the text is an access right (`info:eu-repo/semantics/openAccess`,
/// Zenodo's `open`/`closed`), not a licence.
pub fn is_access_right(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.starts_with("info:eu-repo/semantics/")
        || matches!(
            lower.as_str(),
            "open" | "closed" | "restricted" | "embargoed" | "open access" | "openaccess"
        )
}

fn lookup(key: &str) -> Option<&'static str> {
    SPDX_IDS
        .iter()
        .find(|id| id.eq_ignore_ascii_case(key))
        .copied()
        .or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| *alias == key)
                .map(|(_, id)| *id)
        })
}

/// Licence URLs: Creative Commons, SPDX, OSI, Apache, GNU, Open Data Commons.
fn from_url(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let rest = rest.split(['#', '?']).next().unwrap_or(rest);
    let parts: Vec<&str> = rest
        .split('/')
        .filter(|p| !p.is_empty() && !p.starts_with("legalcode") && *p != "deed.en")
        .collect();
    let strip_ext = |p: &str| {
        p.trim_end_matches(".html")
            .trim_end_matches(".json")
            .trim_end_matches(".php")
            .trim_end_matches(".txt")
            .to_string()
    };
    match parts.as_slice() {
        ["creativecommons.org", "licenses", kind, version, ..] => {
            lookup(&format!("cc-{kind}-{version}"))
        }
        ["creativecommons.org", "licenses", "publicdomain"] => Some("CC-PDDC"),
        ["creativecommons.org", "publicdomain", "zero", version, ..] => {
            lookup(&format!("cc0-{version}"))
        }
        ["spdx.org", "licenses", id] => lookup(&strip_ext(id)),
        ["opensource.org", "licenses", id] | ["opensource.org", "license", id] => {
            lookup(&key(&strip_ext(id)))
        }
        ["apache.org", "licenses", id] => {
            lookup(&key(&strip_ext(id).replace("license-", "apache-")))
        }
        ["gnu.org", "licenses", id] => lookup(&key(&strip_ext(id))),
        ["gnu.org", "licenses", "old-licenses", id] => lookup(&key(&strip_ext(id))),
        ["opendatacommons.org", "licenses", kind, version, ..] => match *kind {
            "odbl" => lookup(&format!("odbl-{version}")),
            "by" => lookup(&format!("odc-by-{version}")),
            "pddl" => lookup(&format!("pddl-{version}")),
            _ => None,
        },
        ["choosealicense.com", "licenses", id] => lookup(&key(id)),
        _ => None,
    }
}

/// A licence name reduced to the shape of an SPDX id: lower case, words joined by
/// `-`, filler words (`license`, `international`, `version`) dropped and the
/// Creative Commons and GNU long names shortened.
fn key(text: &str) -> String {
    let mut t = format!(" {} ", text.to_lowercase().replace("licence", "license"));
    for (long, short) in [
        ("creative commons", " cc "),
        ("attribution", " by "),
        ("share-alike", " sa "),
        ("sharealike", " sa "),
        ("share alike", " sa "),
        ("non-commercial", " nc "),
        ("noncommercial", " nc "),
        ("no-derivatives", " nd "),
        ("noderivatives", " nd "),
        ("noderivs", " nd "),
        ("no derivatives", " nd "),
        ("gnu affero general public", " agpl "),
        ("gnu lesser general public", " lgpl "),
        ("gnu general public", " gpl "),
        ("affero general public", " agpl "),
        ("lesser general public", " lgpl "),
        ("general public", " gpl "),
        ("mozilla public", " mpl "),
        ("eclipse public", " epl "),
        ("european union public", " eupl "),
        ("or later", " + "),
        ("or-later", " + "),
        ("-only", " "),
        (" only ", " "),
    ] {
        t = t.replace(long, short);
    }
    let words: Vec<String> = t
        .split(|c: char| {
            c.is_whitespace() || c == '-' || c == '_' || c == ',' || c == '(' || c == ')'
        })
        .filter(|w| !w.is_empty())
        .filter(|w| {
            !matches!(
                *w,
                "the"
                    | "license"
                    | "international"
                    | "generic"
                    | "unported"
                    | "public"
                    | "version"
                    | "universal"
                    | "deed"
                    | "and"
                    | "of"
            )
        })
        .map(|w| {
            // `v3.0`, `v1.0` → `3.0`, `1.0`; `3-clause` stays.
            let w = match w.strip_prefix('v') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
                _ => w,
            };
            w.to_string()
        })
        .collect();
    let joined = words.join("-");
    // `gpl-3.0-+` → `gpl-3.0+`; `zero` is CC0 when it follows `cc`.
    joined
        .replace("-+", "+")
        .replace("cc-zero", "cc0")
        .replace("cc-0", "cc0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_ids_and_urls_map_to_spdx() {
        for (text, id) in [
            ("CC BY 4.0", "CC-BY-4.0"),
            ("cc-by-4.0", "CC-BY-4.0"),
            ("CC-BY-4.0", "CC-BY-4.0"),
            (
                "Creative Commons Attribution 4.0 International",
                "CC-BY-4.0",
            ),
            (
                "https://creativecommons.org/licenses/by/4.0/legalcode",
                "CC-BY-4.0",
            ),
            ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
            (
                "http://creativecommons.org/licenses/by-nd/2.0/",
                "CC-BY-ND-2.0",
            ),
            (
                "Creative Commons Attribution-NoDerivs 2.0 Generic",
                "CC-BY-ND-2.0",
            ),
            (
                "Creative Commons Attribution Share Alike 4.0 International",
                "CC-BY-SA-4.0",
            ),
            ("CC0 1.0", "CC0-1.0"),
            ("cc0-1.0", "CC0-1.0"),
            ("Creative Commons Zero v1.0 Universal", "CC0-1.0"),
            (
                "https://creativecommons.org/publicdomain/zero/1.0/",
                "CC0-1.0",
            ),
            (
                "https://creativecommons.org/licenses/publicdomain/",
                "CC-PDDC",
            ),
            ("cc-pddc", "CC-PDDC"),
            ("MIT", "MIT"),
            ("MIT License", "MIT"),
            ("http://spdx.org/licenses/MIT", "MIT"),
            ("https://spdx.org/licenses/Apache-2.0", "Apache-2.0"),
            (
                "https://spdx.org/licenses/CC-BY-SA-4.0.html",
                "CC-BY-SA-4.0",
            ),
            ("http://opensource.org/licenses/MIT", "MIT"),
            (
                "https://opensource.org/licenses/BSD-3-Clause",
                "BSD-3-Clause",
            ),
            (
                "https://opensource.org/licenses/BSD-2-Clause",
                "BSD-2-Clause",
            ),
            ("https://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"),
            ("Apache License 2.0", "Apache-2.0"),
            ("Apache License, Version 2.0", "Apache-2.0"),
            ("apache-2.0", "Apache-2.0"),
            ("BSD 3-Clause", "BSD-3-Clause"),
            ("BSD-3-Clause-Clear", "BSD-3-Clause-Clear"),
            ("GPL-3.0", "GPL-3.0-only"),
            ("GPL-3.0-only", "GPL-3.0-only"),
            ("GNU General Public License v3.0", "GPL-3.0-only"),
            (
                "GNU General Public License v3.0 or later",
                "GPL-3.0-or-later",
            ),
            ("https://www.gnu.org/licenses/gpl-3.0.html", "GPL-3.0-only"),
            ("GNU Lesser General Public License v2.1", "LGPL-2.1-only"),
            ("EUPL-1.2", "EUPL-1.2"),
            // As training material and catalogue records write them.
            (
                "http://creativecommons.org/licenses/by-nc-sa/4.0/legalcode",
                "CC-BY-NC-SA-4.0",
            ),
            ("https://spdx.org/licenses/CC-BY-4.0.html", "CC-BY-4.0"),
            ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
            ("http://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"),
        ] {
            assert_eq!(spdx_id(text), Some(id), "{text}");
        }
    }

    #[test]
    fn access_rights_and_unknown_licences() {
        assert!(is_access_right("info:eu-repo/semantics/openAccess"));
        assert_eq!(spdx_id("info:eu-repo/semantics/openAccess"), None);
        assert_eq!(spdx_id("CC BY"), None);
        assert_eq!(spdx_id("CC-BY"), None);
        assert_eq!(spdx_id("all rights reserved"), None);
        assert_eq!(spdx_id("ESS"), None, "a catalogue's facility name");
        assert_eq!(spdx_id("Our own licence"), None);
        let unknown = licence("http://www.ls1-mardyn.de/license.html");
        assert_eq!(unknown.spdx, None);
        assert_eq!(
            unknown.url.as_deref(),
            Some("http://www.ls1-mardyn.de/license.html")
        );
        let named = licence("BSD 3-Clause");
        assert_eq!(named.spdx.as_deref(), Some("BSD-3-Clause"));
        assert_eq!(named.name.as_deref(), Some("BSD 3-Clause"));
    }
}
