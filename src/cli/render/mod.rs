//! What the commands print, written to any [`std::io::Write`] (a locked
//! standard output or error, or a buffer in tests).
//!
//! Text from files and queries anyone can write (titles, snippets, questions,
//! findings) passes through [`escape_controls`](crate::terminal::escape_controls):
//! a control character in it must not drive the curator's terminal. Most lines
//! are written with [`outln!`], which escapes the whole formatted line;
//! [`search::hits`], which styles its own output, escapes each field.
//!
//! Each text renderer has a golden-output test comparing it with
//! `tests/golden/cli/<name>.txt`; `EOSKB_BLESS=1 cargo test --lib cli::`
//! rewrites those files from the renderers instead of comparing.

/// `writeln!` of a formatted line with its control characters escaped (in scope
/// in the modules below, which are declared after it).
macro_rules! outln {
    ($out:expr) => {
        writeln!($out)
    };
    ($out:expr, $($arg:tt)*) => {
        writeln!(
            $out,
            "{}",
            $crate::terminal::escape_controls(&format!($($arg)*))
        )
    };
}

pub mod article;
pub mod ask;
pub mod check;
pub mod eval;
pub mod gaps;
pub mod index;
pub mod search;
pub mod stats;
pub mod terms;

#[cfg(test)]
mod samples;

use std::io::{self, Write};

use serde::Serialize;

/// `value` as pretty JSON on one line of output (escaped like any other line).
pub fn json<T: Serialize + ?Sized>(out: &mut impl Write, value: &T) -> io::Result<()> {
    outln!(out, "{}", serde_json::to_string_pretty(value)?)
}

/// Compares `actual` with `tests/golden/cli/{name}.txt`, or writes that file
/// when `EOSKB_BLESS=1` (`EOSKB_BLESS=1 cargo test --lib cli::` regenerates them
/// all; review the diff before committing).
#[cfg(test)]
pub(crate) fn assert_golden(name: &str, actual: &[u8]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/cli")
        .join(format!("{name}.txt"));
    if std::env::var_os("EOSKB_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; `EOSKB_BLESS=1 cargo test --lib cli::` writes it",
            path.display()
        )
    });
    assert!(
        actual == expected.as_slice(),
        "output differs from {} (`EOSKB_BLESS=1 cargo test --lib cli::` rewrites it)\n\
         --- expected\n{}\n--- actual\n{}",
        path.display(),
        String::from_utf8_lossy(&expected),
        String::from_utf8_lossy(actual)
    );
}

/// Renders into a buffer with `render` and compares it with the golden file.
#[cfg(test)]
pub(crate) fn golden(name: &str, render: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) {
    let mut out = Vec::new();
    render(&mut out).expect("writing to a buffer");
    assert_golden(name, &out);
}
