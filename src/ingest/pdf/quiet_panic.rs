//! Runs code that may panic on odd input (pdf-extract unwraps freely) and turns
//! the panic into a message, without the panic printing to stderr.
//!
//! Swapping the process's panic hook around each call would race with other
//! threads. Instead one hook is installed, once, wrapping whatever hook was there:
//! it stays silent only while *this thread* is inside [`catch`] (a thread-local
//! flag) and hands every other panic to the previous hook unchanged. If the
//! program installs its own hook later, ours is simply gone and a caught panic
//! prints its usual message again: noisy, never wrong.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Whether this thread is inside [`catch`].
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// Where the last quiet panic happened (`file:line`), from the hook.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

fn install() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}", short_path(l.file()), l.line()));
                LOCATION.with(|slot| *slot.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

/// A source path from its crate's folder on (`pdf-extract-0.12.1/src/lib.rs`),
/// without the machine's registry path before it.
fn short_path(path: &str) -> &str {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.iter().rposition(|p| *p == "src") {
        Some(src) if src > 0 => {
            let skipped: usize = parts.iter().take(src - 1).map(|p| p.len() + 1).sum();
            path.get(skipped..).unwrap_or(path)
        }
        _ => path,
    }
}

/// Runs `f`; a panic inside it becomes `Err(message)` (the panic's text and,
/// when known, where in the library it happened).
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install();
    let outer = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(outer));
    result.map_err(|payload| {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        match LOCATION.with(|slot| slot.borrow_mut().take()) {
            Some(location) => format!("{text} (at {location})"),
            None => text,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_message() {
        let caught = catch(|| -> u32 { panic!("odd font {}", 7) });
        let message = caught.unwrap_err();
        assert!(message.starts_with("odd font 7 (at "), "{message}");
        assert!(
            message.contains("src/ingest/pdf/quiet_panic.rs:"),
            "{message}"
        );
        assert_eq!(
            short_path("/root/.cargo/registry/src/index-1/pdf-extract-0.12.1/src/lib.rs"),
            "pdf-extract-0.12.1/src/lib.rs"
        );
        assert_eq!(short_path("src/lib.rs"), "src/lib.rs");
        assert_eq!(short_path("lib.rs"), "lib.rs");
        assert_eq!(catch(|| 5), Ok(5));
        assert!(!QUIET.with(Cell::get), "the flag is cleared after the call");
    }
}
