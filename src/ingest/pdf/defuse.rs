//! Prepares a parsed document for pdf-extract, whose helpers trust the file.
//!
//! - pdf-extract runs every `Do` as a form, images included: their pixels would
//!   be parsed as operators. Image streams are emptied (which also saves
//!   inflating them).
//! - Character maps (`/ToUnicode`, a composite font's `/Encoding`) and Type 1
//!   font programs (`/FontFile`) are parsed by recursive-descent parsers
//!   (adobe-cmap-parser, type1-encoding-parser) with no depth bound: `[[[[…` a
//!   few hundred thousand deep overflows the stack, and that aborts the process,
//!   which no `catch_unwind` can stop. A stream nested deeper than
//!   [`MAX_NESTING`] is unlinked from its font, which is then read without it.

use std::collections::HashSet;

use lopdf::{Document, Object, ObjectId};

/// Deeper nesting than any real character map or font program has (they use
/// two or three levels).
const MAX_NESTING: usize = 64;

/// The keys under which a font names a stream a recursive parser reads.
const PARSED_STREAMS: [&[u8]; 3] = [b"ToUnicode", b"Encoding", b"FontFile"];

/// Empties image streams and unlinks over-nested font streams; returns how many
/// font streams were unlinked.
pub fn defuse(doc: &mut Document) -> usize {
    blank_images(doc);
    let hostile: HashSet<ObjectId> = parsed_streams(doc)
        .into_iter()
        .filter(|id| {
            doc.objects
                .get(id)
                .and_then(|o| o.as_stream().ok())
                .is_some_and(|stream| {
                    let content = stream
                        .decompressed_content()
                        .unwrap_or_else(|_| stream.content.clone());
                    nests_deeper_than(cleartext(&content), MAX_NESTING)
                })
        })
        .collect();
    if !hostile.is_empty() {
        for object in doc.objects.values_mut() {
            unlink(object, &hostile);
        }
    }
    hostile.len()
}

fn blank_images(doc: &mut Document) {
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object
            && stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image")
        {
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(Vec::new());
        }
    }
}

/// The streams any dictionary names under one of [`PARSED_STREAMS`].
fn parsed_streams(doc: &Document) -> HashSet<ObjectId> {
    let mut found = HashSet::new();
    for object in doc.objects.values() {
        let mut stack = vec![object];
        while let Some(object) = stack.pop() {
            let dict = match object {
                Object::Dictionary(dict) => dict,
                Object::Stream(stream) => &stream.dict,
                Object::Array(items) => {
                    stack.extend(items);
                    continue;
                }
                _ => continue,
            };
            for (key, value) in dict.iter() {
                match value {
                    Object::Reference(id) if PARSED_STREAMS.contains(&key.as_slice()) => {
                        found.insert(*id);
                    }
                    Object::Dictionary(_) | Object::Array(_) => stack.push(value),
                    _ => {}
                }
            }
        }
    }
    found
}

/// Removes every dictionary entry (at any depth inside `object`) that refers to
/// one of `hostile` under one of [`PARSED_STREAMS`].
fn unlink(object: &mut Object, hostile: &HashSet<ObjectId>) {
    let mut stack = vec![object];
    while let Some(object) = stack.pop() {
        let dict = match object {
            Object::Dictionary(dict) => dict,
            Object::Stream(stream) => &mut stream.dict,
            Object::Array(items) => {
                stack.extend(items.iter_mut());
                continue;
            }
            _ => continue,
        };
        for key in PARSED_STREAMS {
            if let Ok(Object::Reference(id)) = dict.get(key)
                && hostile.contains(id)
            {
                dict.remove(key);
            }
        }
        stack.extend(dict.iter_mut().map(|(_, value)| value));
    }
}

/// A Type 1 font program's clear-text part (what precedes `eexec`; the rest is
/// encrypted binary whose bytes would look like brackets); other streams whole.
fn cleartext(content: &[u8]) -> &[u8] {
    content
        .windows(5)
        .position(|w| w == b"eexec")
        .and_then(|end| content.get(..end))
        .unwrap_or(content)
}

/// Whether brackets (`[`, `{`, `(`, `<<`) nest deeper than `limit`, in one pass.
fn nests_deeper_than(data: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut bytes = data.iter().peekable();
    while let Some(&byte) = bytes.next() {
        match byte {
            // An escaped character in a string opens or closes nothing.
            b'\\' => {
                bytes.next();
            }
            b'[' | b'{' | b'(' => depth += 1,
            b'<' if bytes.peek() == Some(&&b'<') => {
                bytes.next();
                depth += 1;
            }
            b']' | b'}' | b')' => depth = depth.saturating_sub(1),
            b'>' if bytes.peek() == Some(&&b'>') => {
                bytes.next();
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        if depth > limit {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_in_one_pass() {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /A def 1 beginbfchar <01> <0041> endbfchar [<01> [<0041>]] endcmap";
        assert!(!nests_deeper_than(cmap, 2));
        assert!(nests_deeper_than(&[b'['; 65], 64));
        assert!(!nests_deeper_than(&[b'['; 64], 64));
        assert!(!nests_deeper_than(b"(a \\( b) << /A << /B [1] >> >>", 3));
        assert!(nests_deeper_than(b"<< << << <<", 3));
        assert_eq!(
            cleartext(b"/Encoding 256 array eexec \x00[[[["),
            b"/Encoding 256 array "
        );
    }
}
