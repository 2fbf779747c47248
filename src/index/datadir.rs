//! The data directory: immutable generations and an atomic pointer to the live one.
//!
//! ```text
//! data/
//!   CURRENT          name of the live generation, replaced by rename
//!   .lock            held by the one index run allowed at a time
//!   gen-000007/      the live generation: text/, manifest.json, ...
//!   gen-000006/      the previous one, kept for readers that have not reloaded yet
//!   logs/            the server's query log (outside generations: GC never touches it)
//! ```
//! Every process reading a generation (a server, its SPARQL workers, a CLI
//! command) holds a shared lock on its `readers.lock` for as long as it does;
//! garbage collection removes only generations nobody holds, so a server that
//! is still answering from an old generation never loses its files.
//! An index run builds a new generation beside the live one (hard-linking the
//! unchanged, immutable index files), and publishes it by renaming `CURRENT`.
//! A run that fails or is killed never touches `CURRENT`, so readers keep serving
//! the last good generation; its leftovers are removed by the next run.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Error;

const CURRENT: &str = "CURRENT";
const PREFIX: &str = "gen-";
const LOGS: &str = "logs";
/// A generation's lease file. Ends in `.lock` so that `link_tree` never shares
/// it between generations (a lock on one would hold the other).
const LEASE: &str = "readers.lock";

/// A data directory on disk.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// Exclusive right to write to a data directory, released on drop.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

/// A reader's claim on a generation, released on drop (or when the process
/// ends, however it ends): garbage collection leaves the generation alone
/// while any process holds one.
#[derive(Debug)]
pub struct Lease {
    _file: Option<File>,
}

impl Lease {
    /// Claims `generation` for reading. A data directory this process cannot
    /// write to (a read-only mount) cannot be collected either: the claim is
    /// then empty and reading goes on. A generation being removed is an error.
    pub fn take(generation: &Path) -> Result<Lease, Error> {
        let path = generation.join(LEASE);
        let file = match File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoIndex(generation.to_path_buf()));
            }
            Err(e) => {
                tracing::debug!("no lease on {}: {e}", generation.display());
                return Ok(Lease { _file: None });
            }
        };
        match file.try_lock_shared() {
            Ok(()) => Ok(Lease { _file: Some(file) }),
            Err(fs::TryLockError::WouldBlock) => Err(Error::Corrupt(format!(
                "{} is being removed",
                generation.display()
            ))),
            Err(fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the server's query log lives. Not a generation: index runs and their
    /// garbage collection leave it alone.
    pub fn logs(&self) -> PathBuf {
        self.root.join(LOGS)
    }

    /// The live generation's folder, if an index has been published.
    pub fn current(&self) -> Result<Option<PathBuf>, Error> {
        let pointer = self.root.join(CURRENT);
        match fs::read_to_string(&pointer) {
            Ok(name) => {
                let name = name.trim();
                if !is_generation_name(name) {
                    return Err(Error::Corrupt(format!(
                        "{} names `{name}`, not a generation",
                        pointer.display()
                    )));
                }
                Ok(Some(self.root.join(name)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&pointer, e)),
        }
    }

    /// Takes the write lock, failing at once if another run holds it.
    pub fn lock(&self) -> Result<WriteLock, Error> {
        fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let path = self.root.join(".lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(WriteLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(Error::Locked(self.root.clone())),
            Err(fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
        }
    }

    /// Creates an empty folder for the next generation. Requires the write lock.
    pub fn new_generation(&self, _lock: &WriteLock) -> Result<PathBuf, Error> {
        let next = self.generations()?.into_iter().max().unwrap_or(0) + 1;
        let dir = self.root.join(format!("{PREFIX}{next:06}"));
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(dir)
    }

    /// Publishes `generation` as the live one, then removes generations older than
    /// the one it replaces.
    pub fn publish(&self, generation: &Path, _lock: &WriteLock) -> Result<(), Error> {
        let name = generation
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| is_generation_name(n))
            .ok_or_else(|| {
                Error::Corrupt(format!("{} is not a generation", generation.display()))
            })?;
        sync_tree(generation)?;
        let previous = self.current()?;
        let tmp = self.root.join("CURRENT.tmp");
        let mut file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        writeln!(file, "{name}").map_err(|e| Error::io(&tmp, e))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, self.root.join(CURRENT)).map_err(|e| Error::io(&tmp, e))?;
        sync_dir(&self.root)?;
        self.collect_garbage(&[Some(generation.to_path_buf()), previous])
    }

    /// Removes generations other than `keep` (unfinished runs, old generations)
    /// that no reader holds a [`Lease`] on.
    pub fn collect_garbage(&self, keep: &[Option<PathBuf>]) -> Result<(), Error> {
        let entries = fs::read_dir(&self.root).map_err(|e| Error::io(&self.root, e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let is_gen = name.to_str().is_some_and(is_generation_name);
            if !is_gen || keep.iter().flatten().any(|k| *k == path) {
                continue;
            }
            // Held while the folder is removed, so no reader claims it meanwhile.
            let Some(_unused) = claim_unused(&path) else {
                tracing::debug!("{} is still read; kept", path.display());
                continue;
            };
            if let Err(e) = fs::remove_dir_all(&path) {
                tracing::warn!("could not remove old generation {}: {e}", path.display());
            }
        }
        Ok(())
    }

    /// The generation folders present (live, kept for readers, unfinished), oldest first.
    pub fn generation_folders(&self) -> Result<Vec<PathBuf>, Error> {
        let mut numbers = self.generations()?;
        numbers.sort_unstable();
        Ok(numbers
            .into_iter()
            .map(|n| self.root.join(format!("{PREFIX}{n:06}")))
            .filter(|p| p.is_dir())
            .collect())
    }

    fn generations(&self) -> Result<Vec<u64>, Error> {
        let entries = fs::read_dir(&self.root).map_err(|e| Error::io(&self.root, e))?;
        Ok(entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.strip_prefix(PREFIX)?.parse().ok())
            .collect())
    }
}

/// An exclusive lock on a generation's lease file, if no reader holds one
/// (`Some(None)`: the generation has no lease file, so no reader).
fn claim_unused(generation: &Path) -> Option<Option<File>> {
    match File::options().write(true).open(generation.join(LEASE)) {
        Ok(file) => file.try_lock().ok().map(|()| Some(file)),
        Err(_) => Some(None),
    }
}

fn is_generation_name(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Copies a folder by hard-linking its files (falling back to copying), skipping
/// lock files. Index segment files are never modified in place, so sharing them
/// between generations is safe.
pub fn link_tree(from: &Path, to: &Path) -> Result<(), Error> {
    fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for entry in fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(|e| Error::io(&source, e))?;
        if kind.is_dir() {
            link_tree(&source, &target)?;
        } else if !entry.file_name().to_string_lossy().ends_with(".lock")
            && fs::hard_link(&source, &target).is_err()
        {
            fs::copy(&source, &target).map_err(|e| Error::io(&source, e))?;
        }
    }
    Ok(())
}

/// Total size in bytes of the files under a folder.
pub fn tree_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn sync_tree(dir: &Path) -> Result<(), Error> {
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        let path = entry.path();
        if entry.file_type().is_file() {
            File::open(path)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io(path, e))?;
        } else if entry.file_type().is_dir() {
            sync_dir(path)?;
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<(), Error> {
    // Directory fsync makes renames and new entries durable (a no-op where unsupported).
    match File::open(dir).and_then(|f| f.sync_all()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Ok(()),
        Err(e) => Err(Error::io(dir, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_swaps_pointer_and_keeps_previous() {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path());
        assert_eq!(data.current().unwrap(), None);
        let lock = data.lock().unwrap();
        assert!(matches!(data.lock(), Err(Error::Locked(_))));
        let g1 = data.new_generation(&lock).unwrap();
        data.publish(&g1, &lock).unwrap();
        let g2 = data.new_generation(&lock).unwrap();
        let abandoned = data.new_generation(&lock).unwrap();
        data.publish(&g2, &lock).unwrap();
        assert_eq!(data.current().unwrap(), Some(g2.clone()));
        assert!(g1.exists(), "previous generation kept for readers");
        assert!(!abandoned.exists(), "unfinished generation removed");
        let g3 = data.new_generation(&lock).unwrap();
        fs::create_dir_all(data.logs()).unwrap();
        fs::write(data.logs().join("queries.jsonl"), "{}\n").unwrap();
        data.publish(&g3, &lock).unwrap();
        assert!(!g1.exists() && g2.exists());
        assert!(
            data.logs().join("queries.jsonl").exists(),
            "garbage collection keeps the query log"
        );
    }

    #[test]
    fn link_tree_shares_files() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        fs::create_dir_all(a.join("sub")).unwrap();
        fs::write(a.join("sub/f"), "x").unwrap();
        fs::write(a.join(".tantivy-writer.lock"), "").unwrap();
        link_tree(&a, &tmp.path().join("b")).unwrap();
        assert_eq!(fs::read_to_string(tmp.path().join("b/sub/f")).unwrap(), "x");
        assert!(!tmp.path().join("b/.tantivy-writer.lock").exists());
    }
}
