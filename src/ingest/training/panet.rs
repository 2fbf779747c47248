//! PaNET (the photon and neutron experimental techniques ontology) IRIs in their
//! canonical form, whichever way a record spells them.

/// The canonical namespace, as the ontology itself declares its classes.
pub const NAMESPACE: &str = "http://purl.org/pan-science/PaNET/";

/// `http://purl.org/pan-science/PaNET/PaNETnnnnn` for any of the forms records
/// use: `https://purl.org/...`, the GitHub Pages copy
/// (`https://pan-ontologies.github.io/PaNET/PaNETnnnnn`), or a bare `PaNETnnnnn`
/// (also as a `PaNET:` CURIE). `None` when the text is not a PaNET id; the name a
/// record gives beside it is never consulted.
pub fn canonical(written: &str) -> Option<String> {
    let text = written.trim();
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let local = [
        "purl.org/pan-science/panet/",
        "pan-ontologies.github.io/panet/",
        "panet:",
    ]
    .iter()
    .find_map(|prefix| rest.strip_prefix(prefix))
    .or_else(|| (rest == lower).then_some(lower.as_str()))?;
    let local = local.trim_end_matches('/');
    let local = local.strip_suffix(".html").unwrap_or(local);
    let digits = local.strip_prefix("panet")?;
    let valid =
        !digits.is_empty() && digits.len() <= 8 && digits.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| format!("{NAMESPACE}PaNET{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_gives_the_purl() {
        let want = Some("http://purl.org/pan-science/PaNET/PaNET01177".to_string());
        for written in [
            "http://purl.org/pan-science/PaNET/PaNET01177",
            "https://purl.org/pan-science/PaNET/PaNET01177",
            "https://pan-ontologies.github.io/PaNET/PaNET01177",
            "PaNET01177",
            "PaNET:PaNET01177",
        ] {
            assert_eq!(canonical(written), want, "{written}");
        }
        assert_eq!(canonical("http://edamontology.org/topic_3308"), None);
        assert_eq!(canonical("https://purl.org/pan-science/PaNET/PaNETx"), None);
        assert_eq!(canonical("neutron probe"), None);
    }
}
