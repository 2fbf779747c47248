//! The harvest folder: file names from record identifiers (sanitised so that
//! nothing escapes the folder), atomic writes (a temporary dot-file renamed
//! into place, so `index` never reads half a record), and a lock so that two
//! harvests cannot interleave their writes in one folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::HarvestError;

/// The lock file's name; like the state file, a name `index` does not read.
pub const LOCK_FILE: &str = ".eoskb-harvest.lock";

/// Ending of temporary files (no extension a reader takes).
const PARTIAL: &str = ".partial";

/// Longest file stem derived from an identifier (bytes).
const MAX_STEM: usize = 120;

/// A harvest folder, locked for the lifetime of this value.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    lock: PathBuf,
}

impl Store {
    /// Creates `dir` if needed, takes its lock and clears temporary files a
    /// killed run may have left.
    pub fn open(dir: &Path) -> Result<Store, HarvestError> {
        std::fs::create_dir_all(dir).map_err(|e| HarvestError::io(dir, e))?;
        let lock = dir.join(LOCK_FILE);
        let mut tries = 0;
        let mut file = loop {
            tries += 1;
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&lock)
            {
                Ok(file) => break file,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&lock)
                        .ok()
                        .map(|t| t.chars().take(100).collect::<String>())
                        .unwrap_or_default();
                    // The lock of a run that was killed: taken over, once.
                    if tries == 1 && holder_is_gone(&holder) {
                        tracing::info!(
                            "{} was left by a run that ended; taking it over",
                            lock.display()
                        );
                        let _ = std::fs::remove_file(&lock);
                        continue;
                    }
                    let holder = holder.trim();
                    return Err(HarvestError::Locked {
                        holder: if holder.is_empty() {
                            "unknown".into()
                        } else {
                            holder.to_string()
                        },
                        path: lock,
                    });
                }
                Err(e) => return Err(HarvestError::io(&lock, e)),
            }
        };
        // Who holds it, for the message another run prints.
        let _ = writeln!(file, "pid {}", std::process::id());
        let store = Store {
            dir: dir.to_path_buf(),
            lock,
        };
        store.clear_partials();
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// A temporary path in the folder for `name` (renamed over it when complete).
    pub fn partial(&self, name: &str) -> PathBuf {
        self.dir
            .join(format!(".{name}.{}{PARTIAL}", std::process::id()))
    }

    /// Writes `name` atomically: all of `bytes` or the previous content.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), HarvestError> {
        let tmp = self.partial(name);
        let result = (|| {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(HarvestError::io(&tmp, e));
        }
        self.commit(&tmp, name)
    }

    /// Moves a complete temporary file into place as `name`.
    pub fn commit(&self, tmp: &Path, name: &str) -> Result<(), HarvestError> {
        let target = self.path(name);
        std::fs::rename(tmp, &target).map_err(|e| {
            let _ = std::fs::remove_file(tmp);
            HarvestError::io(&target, e)
        })
    }

    /// The bytes of `name`, if it exists.
    pub fn read(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(name)).ok()
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).is_file()
    }

    /// Removes `name`; a file already gone is fine.
    pub fn remove(&self, name: &str) -> Result<(), HarvestError> {
        let path = self.path(name);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(HarvestError::io(&path, e)),
        }
    }

    fn clear_partials(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.ends_with(PARTIAL) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.lock);
    }
}

/// Whether the process a lock names (`pid N`) has ended. Only Linux can tell
/// (through `/proc`); elsewhere a lock is always taken as held.
fn holder_is_gone(holder: &str) -> bool {
    let Some(pid) = holder
        .trim()
        .strip_prefix("pid ")
        .and_then(|p| p.trim().parse::<u32>().ok())
    else {
        return false;
    };
    cfg!(target_os = "linux")
        && pid != std::process::id()
        && Path::new("/proc/self").exists()
        && !Path::new(&format!("/proc/{pid}")).exists()
}

/// A file stem for a record identifier (`oai:zenodo.org:4629306` →
/// `oai_zenodo.org_4629306`, `10.5281/zenodo.1` → `10.5281_zenodo.1`): ASCII
/// letters, digits, `.`, `-`, `_` only, never starting with a dot, at most 120
/// bytes (a long identifier keeps its start and a hash of the whole).
pub fn stem(identifier: &str) -> String {
    let mut out: String = identifier
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cut = out.len() - out.trim_start_matches(['.', '_']).len();
    out.drain(..cut);
    if out.is_empty() || out.len() > MAX_STEM {
        let keep: String = out.chars().take(MAX_STEM - 17).collect();
        out = format!("{keep}-{}", short_hash(identifier));
        out = out.trim_start_matches('-').to_string();
    }
    out
}

/// The stem for `identifier` with its hash, for when two identifiers sanitise
/// to the same stem.
pub fn distinct_stem(identifier: &str) -> String {
    let base: String = stem(identifier).chars().take(MAX_STEM - 17).collect();
    format!("{base}-{}", short_hash(identifier))
}

fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    hex::encode(&digest[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_stay_in_the_folder() {
        assert_eq!(stem("oai:zenodo.org:4629306"), "oai_zenodo.org_4629306");
        assert_eq!(stem("10.5281/zenodo.4629306"), "10.5281_zenodo.4629306");
        for hostile in ["../../etc/passwd", "/abs", "..", ".", "", "a\\..\\b", "\0x"] {
            let s = stem(hostile);
            assert!(!s.is_empty() && !s.starts_with('.'), "{hostile:?} → {s:?}");
            assert!(!s.contains('/') && !s.contains('\\') && !s.contains('\0'));
            assert_ne!(s, "..");
        }
        let long = "x".repeat(1000);
        assert!(stem(&long).len() <= MAX_STEM);
        assert_ne!(stem(&long), stem(&"x".repeat(999)));
        assert_ne!(distinct_stem("a:b"), distinct_stem("a/b"));
        assert!(distinct_stem("a:b").starts_with("a_b-"));
    }

    #[test]
    fn writes_are_atomic_and_the_lock_is_exclusive() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        assert!(matches!(
            Store::open(tmp.path()),
            Err(HarvestError::Locked { .. })
        ));
        // A lock left by a process that has ended is taken over (on Linux).
        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join(LOCK_FILE), "pid 4294967295\n").unwrap();
        let taken = Store::open(other.path());
        assert_eq!(taken.is_ok(), cfg!(target_os = "linux"));
        store.write("a.xml", b"<a/>").unwrap();
        store.write("a.xml", b"<b/>").unwrap();
        assert_eq!(store.read("a.xml").unwrap(), b"<b/>");
        // A partial file left by a killed run is cleared by the next one.
        std::fs::write(store.partial("c.xml"), b"half").unwrap();
        drop(store);
        let store = Store::open(tmp.path()).unwrap();
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(PARTIAL)), "{names:?}");
        store.remove("a.xml").unwrap();
        store.remove("a.xml").unwrap();
        assert!(!store.exists("a.xml"));
    }
}
