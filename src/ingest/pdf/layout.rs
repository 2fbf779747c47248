//! Glyphs into lines: a pdf-extract output device that keeps, for every line of a
//! page, its text, where it starts and ends and how large its type is. Lines
//! rather than a flat string, so that running headers can be found by position,
//! paragraphs by spacing and sections by a destination's top edge.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// One line of text as the page draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// Left edge of the first glyph, in PDF user space.
    pub x: f32,
    /// Right edge of the last glyph.
    pub x_end: f32,
    /// Baseline, in PDF user space (grows upwards).
    pub y: f32,
    /// The largest glyph size on the line, in points.
    pub size: f32,
}

/// The lines of one page, in the order the content stream draws them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageText {
    pub lines: Vec<Line>,
    /// The media box: `[left, bottom, right, top]`.
    pub media_box: [f32; 4],
}

impl PageText {
    pub fn width(&self) -> f32 {
        (self.media_box[2] - self.media_box[0]).abs()
    }

    pub fn height(&self) -> f32 {
        (self.media_box[3] - self.media_box[1]).abs()
    }

    /// Characters of text on the page.
    pub fn chars(&self) -> usize {
        self.lines.iter().map(|l| l.text.chars().count()).sum()
    }
}

/// Collects [`PageText`]s; stops the extraction (an error pdf-extract passes up)
/// once `budget` bytes of text have been collected.
pub struct Collector {
    pub pages: Vec<PageText>,
    budget: usize,
    /// Set when the text budget ran out.
    pub exhausted: bool,
    /// The next glyph starts a new text-showing operation: only there may the
    /// position jump to a new line or leave a gap (inside one, glyphs abut).
    string_start: bool,
    last_end: f32,
    last_y: f32,
}

impl Collector {
    pub fn new(budget: usize) -> Self {
        Collector {
            pages: Vec::new(),
            budget,
            exhausted: false,
            string_start: false,
            last_end: 0.0,
            last_y: 0.0,
        }
    }

    fn page(&mut self) -> &mut PageText {
        if self.pages.is_empty() {
            self.pages.push(PageText::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
}

fn finite(value: f64) -> f32 {
    if value.is_finite() { value as f32 } else { 0.0 }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(PageText {
            lines: Vec::new(),
            media_box: [
                finite(media_box.llx),
                finite(media_box.lly),
                finite(media_box.urx),
                finite(media_box.ury),
            ],
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        if text.len() > self.budget {
            self.exhausted = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        self.budget -= text.len();
        // The text matrix scales the font size: its determinant is the area scale.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = finite(scale * font_size).abs();
        let (x, y) = (finite(trm.m31), finite(trm.m32));
        let advance = finite(width) * size;
        let string_start = std::mem::take(&mut self.string_start);
        let (last_end, last_y) = (self.last_end, self.last_y);
        let page = self.page();
        let new_line = match page.lines.last() {
            None => true,
            Some(_) if !string_start => false,
            Some(line) => (y - last_y).abs() > 0.5 * size.max(line.size).max(1.0),
        };
        if new_line {
            page.lines.push(Line {
                text: String::new(),
                x,
                x_end: x,
                y,
                size,
            });
        }
        if let Some(line) = page.lines.last_mut() {
            let gap = x - last_end;
            if !new_line && string_start && gap > 0.1 * size && !line.text.ends_with(' ') {
                line.text.push(' ');
            }
            line.text.push_str(text);
            line.size = line.size.max(size);
            line.x_end = line.x_end.max(x + advance);
            line.x = line.x.min(x);
        }
        self.last_end = x + advance;
        self.last_y = y;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.string_start = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
