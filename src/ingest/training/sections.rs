//! Building an item's sections (unique anchors, heading paths) from what a
//! reader found; their Markdown view is `markdown::from_sections`.

use crate::ingest::markdown::Anchors;
use crate::model::Section;

/// Sections in order, with anchors unique within the item.
#[derive(Default)]
pub struct Sections {
    sections: Vec<Section>,
    anchors: Anchors,
    /// (level, heading) of the open headings, for heading paths.
    path: Vec<(u8, String)>,
}

impl Sections {
    /// Adds a section; level 0 is the text before any heading (heading = title,
    /// no anchor). Empty text is skipped unless `code` holds something.
    pub fn push(
        &mut self,
        heading: &str,
        level: u8,
        text: String,
        line: usize,
        code: Vec<String>,
    ) -> bool {
        self.push_linked(heading, level, text, line, code, Vec::new())
    }

    /// [`Sections::push`] with the texts of the section's links.
    pub fn push_linked(
        &mut self,
        heading: &str,
        level: u8,
        text: String,
        line: usize,
        code: Vec<String>,
        link_texts: Vec<String>,
    ) -> bool {
        let heading = heading.trim().to_string();
        let anchor = if level == 0 {
            String::new()
        } else {
            self.path.retain(|(l, _)| *l < level);
            self.path.push((level, heading.clone()));
            self.anchor(&heading)
        };
        if text.trim().is_empty() && code.is_empty() {
            return false;
        }
        self.sections.push(Section {
            ordinal: self.sections.len(),
            heading: heading.clone(),
            level,
            heading_path: if level == 0 {
                Vec::new()
            } else {
                self.path.iter().map(|(_, h)| h.clone()).collect()
            },
            anchor,
            text,
            line: line.max(1),
            page: None,
            link_texts,
            code,
        });
        true
    }

    /// The first of `base`, `base-1`, ... not used yet (`section` for an empty slug).
    pub fn anchor(&mut self, heading: &str) -> String {
        self.anchors.assign(None, heading)
    }

    pub fn into_vec(self) -> Vec<Section> {
        self.sections
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_unique_and_paths_follow_levels() {
        let mut s = Sections::default();
        assert!(s.push("Title", 0, "intro".into(), 1, Vec::new()));
        assert!(s.push("Part", 1, "a".into(), 2, Vec::new()));
        assert!(s.push("Step", 2, "b".into(), 3, Vec::new()));
        assert!(s.push("Step", 2, "c".into(), 4, Vec::new()));
        assert!(!s.push("Empty", 2, " ".into(), 5, Vec::new()));
        let v = s.into_vec();
        assert_eq!(v[2].anchor, "step");
        assert_eq!(v[3].anchor, "step-1");
        assert_eq!(v[3].heading_path, ["Part", "Step"]);
        assert_eq!(v[0].anchor, "");
        assert_eq!(
            crate::ingest::markdown::from_sections(&v[..2], "python"),
            "intro\n\n# Part\n\na"
        );
    }
}
