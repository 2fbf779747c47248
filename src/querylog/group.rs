//! Grouping questions that mean the same: normalised text first (case,
//! punctuation, spacing), then sentence-embedding similarity, so that "how do I
//! cite software?", "How can I cite my software" and "citing software how"
//! count as one gap.

use crate::embed::math::dot;

/// The comparable form of a question: lower case, letters and digits only, one
/// space between words.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// How a phrasing is shown: as typed, with runs of white space made one space.
pub fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Groups unit vectors whose cosine similarity to a group's centroid is at least
/// `threshold`. Items are taken in the given order (most frequent first), so each
/// group is seeded by its most frequent member and the centroid is not pulled
/// around by rare phrasings; comparing with the centroid rather than any member
/// keeps chains of small steps ("a" ~ "b" ~ "c") from merging unrelated questions.
/// Returns groups of item indices, in the order they were founded.
pub fn group_by_similarity<V: AsRef<[f32]>>(vectors: &[V], threshold: f32) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // Per group, the sum of its members' vectors and that sum's length.
    let mut sums: Vec<Vec<f32>> = Vec::new();
    let mut norms: Vec<f32> = Vec::new();
    for (i, vector) in vectors.iter().enumerate() {
        let vector = vector.as_ref();
        let best = sums
            .iter()
            .zip(&norms)
            .enumerate()
            .map(|(g, (sum, norm))| (g, dot(vector, sum) / norm.max(f32::MIN_POSITIVE)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((g, similarity)) if similarity >= threshold => {
                groups[g].push(i);
                sums[g].iter_mut().zip(vector).for_each(|(s, x)| *s += x);
                norms[g] = dot(&sums[g], &sums[g]).sqrt();
            }
            _ => {
                groups.push(vec![i]);
                sums.push(vector.to_vec());
                norms.push(dot(vector, vector).sqrt());
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = dot(v, v).sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn normalising_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            normalise("  How do I cite   SOFTWARE?! "),
            "how do i cite software"
        );
        assert_eq!(normalise("DOI/ORCID: why?"), "doi orcid why");
        assert_eq!(normalise("Ärger über Daten"), "ärger über daten");
        assert_eq!(normalise("?!"), "");
        assert_eq!(tidy("  How do\tI  cite? "), "How do I cite?");
    }

    #[test]
    fn near_vectors_group_and_far_ones_stay_apart() {
        let vectors = vec![
            unit(&[1.0, 0.0, 0.0]),
            unit(&[0.0, 1.0, 0.0]),
            unit(&[0.95, 0.1, 0.0]),
            unit(&[0.9, 0.0, 0.2]),
            unit(&[0.1, 0.0, 1.0]),
        ];
        assert_eq!(
            group_by_similarity(&vectors, 0.8),
            vec![vec![0, 2, 3], vec![1], vec![4]]
        );
        // With a threshold above every pair, nothing groups.
        assert_eq!(group_by_similarity(&vectors, 0.9999).len(), 5);
    }

    #[test]
    fn a_chain_of_small_steps_does_not_merge_opposites() {
        // Each step is ~0.92 from the previous one; the ends are orthogonal.
        let steps: Vec<Vec<f32>> = (0..=4)
            .map(|i| {
                let angle = std::f32::consts::FRAC_PI_2 * i as f32 / 4.0;
                vec![angle.cos(), angle.sin()]
            })
            .collect();
        let groups = group_by_similarity(&steps, 0.9);
        assert!(groups.len() >= 2, "{groups:?}");
        assert!(!groups.iter().any(|g| g.contains(&0) && g.contains(&4)));
    }
}
