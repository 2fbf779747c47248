//! Opening a file: is it a PDF, does it parse, is it complete, can its content
//! be read without a password.

use lopdf::Document;

use super::quiet_panic;
use crate::ingest::Diagnostic;

/// Whether the bytes are a PDF: `%PDF-` within the first 1024 bytes, where the
/// format allows the header to be.
pub fn sniff(bytes: &[u8]) -> bool {
    let head = bytes.get(..1024).unwrap_or(bytes);
    head.windows(5).any(|w| w == b"%PDF-")
}

/// What opening a file gave.
pub enum Opened {
    /// A parsed document whose content can be read, and warnings about it.
    Readable(Box<Document>, Vec<Diagnostic>),
    /// Content encrypted with a password: the warnings to give with its item.
    Encrypted(Vec<Diagnostic>),
    /// Nothing usable: the error says why.
    Unusable(Diagnostic),
}

const ENCRYPTED: &str = "encrypted PDF: text not indexed";

/// Parses the bytes (lopdf decrypts content encrypted with the empty user
/// password, as "no copying" PDFs are, by itself).
pub fn open(display: &str, bytes: &[u8]) -> Opened {
    if bytes.is_empty() {
        return Opened::Unusable(Diagnostic::error(display, 0, "empty file, not a PDF"));
    }
    if !sniff(bytes) {
        return Opened::Unusable(Diagnostic::error(
            display,
            0,
            "not a PDF: no %PDF- header in the first 1024 bytes",
        ));
    }
    let truncated = !has_eof_marker(bytes);
    let doc = match quiet_panic::catch(|| Document::load_mem(bytes)) {
        Ok(Ok(doc)) => doc,
        // lopdf fails on some encryption dictionaries it cannot handle.
        Ok(Err(_)) if declares_encryption(bytes) => {
            return Opened::Encrypted(vec![Diagnostic::warning(display, 0, ENCRYPTED)]);
        }
        Ok(Err(e)) if truncated => {
            return Opened::Unusable(Diagnostic::error(
                display,
                0,
                format!("truncated PDF (no %%EOF at the end): {e}"),
            ));
        }
        Ok(Err(e)) => {
            return Opened::Unusable(Diagnostic::error(display, 0, format!("corrupt PDF: {e}")));
        }
        Err(panic) => {
            return Opened::Unusable(Diagnostic::error(
                display,
                0,
                format!("corrupt PDF: the parser failed ({panic})"),
            ));
        }
    };
    let mut warnings = Vec::new();
    if truncated {
        warnings.push(Diagnostic::warning(
            display,
            0,
            "truncated PDF (no %%EOF at the end): only what precedes the cut is read",
        ));
    }
    if doc.is_encrypted() {
        warnings.push(Diagnostic::warning(display, 0, ENCRYPTED));
        return Opened::Encrypted(warnings);
    }
    Opened::Readable(Box::new(doc), warnings)
}

/// `%%EOF` in the last kilobyte: a complete file ends with it (trailing junk
/// after it is common, hence not just the last bytes).
fn has_eof_marker(bytes: &[u8]) -> bool {
    let tail = bytes
        .get(bytes.len().saturating_sub(1024)..)
        .unwrap_or(bytes);
    tail.windows(5).any(|w| w == b"%%EOF")
}

/// Whether the file has an encryption dictionary (`/Encrypt` in a trailer or
/// cross-reference stream).
pub fn declares_encryption(bytes: &[u8]) -> bool {
    bytes.windows(8).any(|w| w == b"/Encrypt")
}
