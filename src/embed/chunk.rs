//! Splitting long texts into overlapping pieces that fit the model, so nothing is
//! silently truncated at index time.

use super::{EmbedError, SentenceEncoder};

/// Tokens shared by neighbouring pieces, so a sentence cut at a boundary is whole
/// in one of them.
const OVERLAP_TOKENS: usize = 32;
/// Below this many tokens of room, the context prefix is dropped: the body matters more.
const MIN_BODY_TOKENS: usize = 64;

/// One piece of text to embed.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// Position among the pieces of its text, from 0.
    pub index: usize,
    /// The prefix (context such as title and headings), a newline, then the piece.
    pub text: String,
}

/// Splits `body` into pieces that, each preceded by `prefix`, fit the encoder's
/// maximum length (special tokens included).
pub fn chunk_text(
    encoder: &SentenceEncoder,
    prefix: &str,
    body: &str,
) -> Result<Vec<Chunk>, EmbedError> {
    let body = body.trim();
    let prefix_tokens = encoder.token_offsets(prefix)?.len();
    // [CLS] and [SEP], plus a little slack for tokens merging at the join.
    let room = encoder.max_tokens().saturating_sub(4);
    let (prefix, budget) = if room.saturating_sub(prefix_tokens) >= MIN_BODY_TOKENS {
        (prefix, room - prefix_tokens)
    } else {
        ("", room)
    };
    let join = |piece: &str| {
        if prefix.is_empty() {
            piece.to_string()
        } else {
            format!("{prefix}\n{piece}")
        }
    };
    let offsets = encoder.token_offsets(body)?;
    if offsets.len() <= budget {
        return Ok(vec![Chunk {
            index: 0,
            text: join(body),
        }]);
    }
    let step = budget.saturating_sub(OVERLAP_TOKENS.min(budget / 4)).max(1);
    let mut chunks = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + budget).min(offsets.len());
        let piece = &body[offsets[start].0..offsets[end - 1].1];
        chunks.push(Chunk {
            index: chunks.len(),
            text: join(piece),
        });
        if end == offsets.len() {
            break;
        }
        start += step;
    }
    Ok(chunks)
}
