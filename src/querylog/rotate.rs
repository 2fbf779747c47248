//! A JSON-lines file that rotates by size: `queries.jsonl` → `queries.1.jsonl` →
//! ... → `queries.{N-1}.jsonl`, the oldest deleted, so one log never holds more
//! than about `max_files × max_bytes`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// One log stream on disk, owned by the single writer thread.
pub struct RotatingFile {
    dir: PathBuf,
    stem: &'static str,
    max_bytes: u64,
    max_files: usize,
    file: Option<File>,
    size: u64,
    /// The last write may have stopped mid-line: start the next one on a new line
    /// so that only the damaged line is lost.
    broken_line: bool,
}

impl RotatingFile {
    /// `max_files` counts the live file; at least one file and 1 byte are kept.
    pub fn new(dir: &Path, stem: &'static str, max_bytes: u64, max_files: usize) -> Self {
        RotatingFile {
            dir: dir.to_path_buf(),
            stem,
            max_bytes: max_bytes.max(1),
            max_files: max_files.max(1),
            file: None,
            size: 0,
            broken_line: false,
        }
    }

    /// The live file.
    pub fn path(&self) -> PathBuf {
        live_path(&self.dir, self.stem)
    }

    /// Appends lines (each ending in `\n`), rotating first whenever the next line
    /// would take the live file past the size limit. Returns how many lines were
    /// written, and the error that stopped the rest.
    pub fn append(&mut self, lines: &[String]) -> (usize, Option<io::Error>) {
        let mut written = 0;
        let mut pending: Vec<u8> = Vec::new();
        let mut pending_lines = 0;
        for line in lines {
            if let Err(e) = self.ensure_open() {
                return (written, Some(e));
            }
            let after = self.size + (pending.len() + line.len()) as u64;
            if after > self.max_bytes && self.size + pending.len() as u64 > 0 {
                match self.write(&pending) {
                    Ok(()) => written += pending_lines,
                    Err(e) => return (written, Some(e)),
                }
                (pending, pending_lines) = (Vec::new(), 0);
                if let Err(e) = self.rotate().and_then(|()| self.ensure_open()) {
                    return (written, Some(e));
                }
            }
            pending.extend_from_slice(line.as_bytes());
            pending_lines += 1;
        }
        match self.write(&pending) {
            Ok(()) => (written + pending_lines, None),
            Err(e) => (written, Some(e)),
        }
    }

    fn ensure_open(&mut self) -> io::Result<()> {
        if self.file.is_some() {
            return Ok(());
        }
        fs::create_dir_all(&self.dir)?;
        let path = self.path();
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        self.size = file.metadata()?.len();
        // A crash or a full disk may have left half a line at the end.
        self.broken_line = self.size > 0 && !ends_with_newline(&path);
        self.file = Some(file);
        Ok(())
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        let Some(file) = self.file.as_mut() else {
            return Err(io::Error::other("the log file is not open"));
        };
        let result = if self.broken_line {
            let mut fixed = Vec::with_capacity(bytes.len() + 1);
            fixed.push(b'\n');
            fixed.extend_from_slice(bytes);
            file.write_all(&fixed).map(|()| fixed.len())
        } else {
            file.write_all(bytes).map(|()| bytes.len())
        };
        match result {
            Ok(n) => {
                self.size += n as u64;
                self.broken_line = false;
                Ok(())
            }
            Err(e) => {
                // Reopen (and re-measure) next time: the disk may come back.
                self.file = None;
                self.broken_line = true;
                Err(e)
            }
        }
    }

    /// Shifts every file one place older and starts an empty live file.
    fn rotate(&mut self) -> io::Result<()> {
        self.file = None;
        self.size = 0;
        self.broken_line = false;
        let live = self.path();
        if self.max_files == 1 {
            return remove_if_present(&live);
        }
        // Files beyond the limit (the limit was lowered) and the oldest kept one.
        for (n, path) in rotated_files(&self.dir, self.stem) {
            if n >= self.max_files - 1 {
                remove_if_present(&path)?;
            }
        }
        for n in (1..self.max_files - 1).rev() {
            rename_if_present(
                &rotated_path(&self.dir, self.stem, n),
                &rotated_path(&self.dir, self.stem, n + 1),
            )?;
        }
        rename_if_present(&live, &rotated_path(&self.dir, self.stem, 1))
    }
}

/// `dir/stem.jsonl`, the file being written.
pub fn live_path(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!("{stem}.jsonl"))
}

/// `dir/stem.n.jsonl`, the n-th older file.
pub fn rotated_path(dir: &Path, stem: &str, n: usize) -> PathBuf {
    dir.join(format!("{stem}.{n}.jsonl"))
}

/// The rotated files present, with their numbers, in no particular order.
pub fn rotated_files(dir: &Path, stem: &str) -> Vec<(usize, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            let n = name
                .to_str()?
                .strip_prefix(stem)?
                .strip_prefix('.')?
                .strip_suffix(".jsonl")?
                .parse()
                .ok()?;
            Some((n, entry.path()))
        })
        .collect()
}

/// Every file of a stream, oldest first, the live one last.
pub fn files_oldest_first(dir: &Path, stem: &str) -> Vec<PathBuf> {
    let mut rotated = rotated_files(dir, stem);
    rotated.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    let mut files: Vec<PathBuf> = rotated.into_iter().map(|(_, p)| p).collect();
    let live = live_path(dir, stem);
    if live.exists() {
        files.push(live);
    }
    files
}

fn ends_with_newline(path: &Path) -> bool {
    let mut last = [0u8; 1];
    File::open(path)
        .and_then(|mut f| {
            f.seek(SeekFrom::End(-1))?;
            f.read_exact(&mut last)
        })
        .is_ok_and(|()| last[0] == b'\n')
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn rename_if_present(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(i: usize) -> String {
        format!("{{\"n\":{i:05}}}\n") // 12 bytes
    }

    fn total_size(dir: &Path) -> u64 {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum()
    }

    #[test]
    fn rotation_keeps_the_newest_lines_within_the_bound() {
        let tmp = tempfile::tempdir().unwrap();
        let mut log = RotatingFile::new(tmp.path(), "queries", 100, 3);
        for chunk in (0..500).collect::<Vec<_>>().chunks(7) {
            let lines: Vec<String> = chunk.iter().map(|&i| line(i)).collect();
            assert_eq!(log.append(&lines).0, lines.len());
        }
        let files = files_oldest_first(tmp.path(), "queries");
        assert_eq!(files.len(), 3, "{files:?}");
        assert!(total_size(tmp.path()) <= 3 * 100);
        for file in &files {
            let size = fs::metadata(file).unwrap().len();
            assert!(size <= 100, "{} is {size} bytes", file.display());
        }
        // Oldest first, no gaps, ending with the last line written.
        let text: String = files
            .iter()
            .map(|f| fs::read_to_string(f).unwrap())
            .collect();
        let numbers: Vec<usize> = text.lines().map(|l| l[5..10].parse().unwrap()).collect();
        assert_eq!(numbers.last(), Some(&499));
        assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1));
        assert!(numbers.len() >= 2 * (100 / 12), "{}", numbers.len());
    }

    #[test]
    fn one_file_means_starting_over() {
        let tmp = tempfile::tempdir().unwrap();
        let mut log = RotatingFile::new(tmp.path(), "q", 30, 1);
        for i in 0..10 {
            log.append(&[line(i)]);
        }
        assert_eq!(files_oldest_first(tmp.path(), "q").len(), 1);
        assert!(fs::metadata(log.path()).unwrap().len() <= 30);
    }

    #[test]
    fn a_lowered_limit_removes_the_surplus_files() {
        let tmp = tempfile::tempdir().unwrap();
        for n in 1..=6 {
            fs::write(rotated_path(tmp.path(), "q", n), line(n)).unwrap();
        }
        let mut log = RotatingFile::new(tmp.path(), "q", 12, 3);
        log.append(&[line(7), line(8)]);
        assert_eq!(files_oldest_first(tmp.path(), "q").len(), 3);
    }

    #[test]
    fn a_half_written_line_stays_alone() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(live_path(tmp.path(), "q"), "{\"n\":1}\n{\"tru").unwrap();
        let mut log = RotatingFile::new(tmp.path(), "q", 1000, 2);
        log.append(&[line(2)]);
        let text = fs::read_to_string(log.path()).unwrap();
        assert_eq!(text, format!("{{\"n\":1}}\n{{\"tru\n{}", line(2)));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_an_error_not_a_panic() {
        let tmp = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/full", live_path(tmp.path(), "q")).unwrap();
        let mut log = RotatingFile::new(tmp.path(), "q", 1000, 2);
        let (written, error) = log.append(&[line(1), line(2)]);
        assert_eq!(written, 0);
        assert!(error.is_some());
    }
}
