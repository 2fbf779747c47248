//! Reading files that someone else wrote, without trusting them: a size limit
//! checked before and while reading, and symbolic links that may not lead out of
//! the folder they were found in (a content folder is often a clone of someone
//! else's repository, and a link to `/proc/self/environ` or `~/.ssh/id_rsa` must
//! not become a searchable article).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Diagnostic, is_symlink_loop};

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(
        "file is {}, over the limit of {} (`[index] max_file_bytes`); skipped",
        size_text(*size),
        limit_text(*limit)
    )]
    TooLarge { size: u64, limit: u64 },
    #[error("cannot read: not a regular file")]
    NotAFile,
    #[error("cannot read: symbolic link loop")]
    SymlinkLoop,
    #[error("cannot read: {0}")]
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        if is_symlink_loop(&e) {
            ReadError::SymlinkLoop
        } else {
            ReadError::Io(e)
        }
    }
}

/// `68.2 MB (68157440 bytes)`, or the byte count alone under a megabyte.
fn size_text(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB ({bytes} bytes)", bytes as f64 / 1e6)
    } else {
        format!("{bytes} bytes")
    }
}

/// `64 MiB` for whole mebibytes, else the byte count.
fn limit_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// A file's bytes, at most `limit` of them. The size is checked from metadata
/// before the file is opened (a FIFO or device is refused without opening it)
/// and again while reading, since a file can grow between the two.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path)?;
    check_metadata(&meta, limit)?;
    let file = std::fs::File::open(path)?;
    // The file opened may not be the one stated if it was replaced meanwhile.
    let meta = file.metadata()?;
    check_metadata(&meta, limit)?;
    let capacity = usize::try_from(meta.len().min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(ReadError::TooLarge {
            size: read.max(meta.len()),
            limit,
        });
    }
    Ok(bytes)
}

fn check_metadata(meta: &std::fs::Metadata, limit: u64) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok(())
}

/// Lists the regular files under the folder `root_path` (shown as `root`),
/// sorted by name, following symbolic links only where they stay inside the
/// folder's canonical path; `pruned` names entries not to enter or list.
/// Links leading outside are skipped with a warning naming the link; loops and
/// unreadable entries are errors.
pub(crate) fn walk_files(
    root_path: &Path,
    root: &str,
    pruned: impl Fn(&walkdir::DirEntry) -> bool,
) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let canonical_root = match root_path.canonicalize() {
        Ok(path) => path,
        Err(e) => {
            let reason = ReadError::from(e);
            return (
                Vec::new(),
                vec![Diagnostic::error(root, 0, reason.to_string())],
            );
        }
    };
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut escapes = Vec::new();
    let walker = walkdir::WalkDir::new(root_path)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || (!pruned(e)
                    && link_stays_inside(e, &canonical_root, root_path, root, &mut escapes))
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => files.push(entry.into_path()),
            Ok(_) => {}
            Err(err) => problems.push(super::walk_problem(&err, root)),
        }
    }
    problems.extend(escapes);
    (files, problems)
}

/// Whether a walk may use `entry`: anything that is not a symbolic link (its
/// folder was checked), and links whose target lies inside `canonical_root`.
/// Only links need resolving, so a folder without links costs nothing extra.
fn link_stays_inside(
    entry: &walkdir::DirEntry,
    canonical_root: &Path,
    root_path: &Path,
    root: &str,
    escapes: &mut Vec<Diagnostic>,
) -> bool {
    if !entry.path_is_symlink() {
        return true;
    }
    let shown = format!("{root}/{}", super::relative_path(root_path, entry.path()));
    match entry.path().canonicalize() {
        Ok(target) if target.starts_with(canonical_root) => true,
        Ok(_) => {
            escapes.push(Diagnostic::warning(
                shown,
                0,
                format!("symbolic link leads outside `{root}`; skipped"),
            ));
            false
        }
        Err(e) => {
            escapes.push(Diagnostic::error(shown, 0, ReadError::from(e).to_string()));
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_refuses_beyond() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.md");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read_bounded(&path, 5).unwrap(), b"12345");
        let err = read_bounded(&path, 4).unwrap_err();
        assert!(
            matches!(err, ReadError::TooLarge { size: 5, limit: 4 }),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "file is 5 bytes, over the limit of 4 bytes (`[index] max_file_bytes`); skipped"
        );
        let err = read_bounded(tmp.path(), 100).unwrap_err();
        assert!(matches!(err, ReadError::NotAFile), "{err}");
    }

    #[test]
    fn limits_are_shown_in_mebibytes() {
        let err = ReadError::TooLarge {
            size: 70 * 1024 * 1024,
            limit: 64 * 1024 * 1024,
        };
        assert_eq!(
            err.to_string(),
            "file is 73.4 MB (73400320 bytes), over the limit of 64 MiB (`[index] max_file_bytes`); skipped"
        );
    }
}
