//! Reads the query log back: every file of both streams, oldest first, keeping
//! the events at or after a point in time. A damaged line (truncated by a crash
//! or a full disk, hand-edited, over-long) is skipped and counted; a file that
//! cannot be read is noted; nothing here fails.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use super::event::{FeedbackEvent, QueryEvent};
use super::rotate::files_oldest_first;
use super::writer::{FEEDBACK, QUERIES};

/// Longest line read; events are far shorter (queries are at most 1,000 characters).
const MAX_LINE: usize = 64 * 1024;

/// What the log holds for a period.
#[derive(Debug, Default)]
pub struct LogContents {
    pub queries: Vec<QueryEvent>,
    pub feedback: Vec<FeedbackEvent>,
    /// Lines that were not events.
    pub skipped_lines: usize,
    /// Files that could not be read, with why.
    pub problems: Vec<String>,
}

/// The events in `dir` at or after `since` (an absent folder holds none).
pub fn read_since(dir: &Path, since: DateTime<Utc>) -> LogContents {
    let mut contents = LogContents::default();
    let (queries, skipped, problems) = read_stream::<QueryEvent>(dir, QUERIES, since, |e| e.time);
    contents.queries = queries;
    contents.skipped_lines += skipped;
    contents.problems.extend(problems);
    let (feedback, skipped, problems) =
        read_stream::<FeedbackEvent>(dir, FEEDBACK, since, |e| e.time);
    contents.feedback = feedback;
    contents.skipped_lines += skipped;
    contents.problems.extend(problems);
    contents
}

fn read_stream<T: DeserializeOwned>(
    dir: &Path,
    stem: &str,
    since: DateTime<Utc>,
    time: impl Fn(&T) -> DateTime<Utc>,
) -> (Vec<T>, usize, Vec<String>) {
    let mut events = Vec::new();
    let mut skipped = 0;
    let mut problems = Vec::new();
    for path in files_oldest_first(dir, stem) {
        // Only regular files: a device or pipe could be endless.
        let metadata = match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => m,
            Ok(_) => {
                problems.push(format!("{}: not a regular file, skipped", path.display()));
                continue;
            }
            Err(e) => {
                problems.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        // A file last written before the period holds nothing in it.
        if metadata
            .modified()
            .is_ok_and(|m| DateTime::<Utc>::from(m) < since)
        {
            continue;
        }
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let result = for_each_line(BufReader::new(file), |line| {
            match line.and_then(|l| serde_json::from_slice::<T>(l).ok()) {
                Some(event) if time(&event) >= since => events.push(event),
                Some(_) => {}
                None => skipped += 1,
            }
        });
        if let Err(e) = result {
            problems.push(format!("{}: {e}", path.display()));
        }
    }
    (events, skipped, problems)
}

/// Calls `f` with each non-empty line (without its newline), or `None` for a
/// line longer than [`MAX_LINE`], holding at most that much in memory.
fn for_each_line(
    mut reader: impl BufRead,
    mut f: impl FnMut(Option<&[u8]>),
) -> std::io::Result<()> {
    let mut line: Vec<u8> = Vec::new();
    let mut too_long = false;
    let mut emit = |line: &mut Vec<u8>, too_long: &mut bool| {
        if *too_long {
            f(None);
        } else if !line.iter().all(u8::is_ascii_whitespace) {
            f(Some(line));
        }
        line.clear();
        *too_long = false;
    };
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        let (part, used, ends_line) = match buffer.iter().position(|&b| b == b'\n') {
            Some(i) => (&buffer[..i], i + 1, true),
            None => (buffer, buffer.len(), false),
        };
        if !too_long {
            if line.len() + part.len() <= MAX_LINE {
                line.extend_from_slice(part);
            } else {
                too_long = true;
                line.clear();
            }
        }
        reader.consume(used);
        if ends_line {
            emit(&mut line, &mut too_long);
        }
    }
    if too_long || !line.is_empty() {
        emit(&mut line, &mut too_long);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn lines_of(text: &[u8]) -> Vec<Option<String>> {
        let mut out = Vec::new();
        for_each_line(text, |l| {
            out.push(l.map(|l| String::from_utf8_lossy(l).into_owned()))
        })
        .unwrap();
        out
    }

    #[test]
    fn lines_are_split_bounded_and_blank_ones_dropped() {
        assert_eq!(
            lines_of(b"a\n\nb\r\n  \nc"),
            vec![Some("a".into()), Some("b\r".into()), Some("c".into())]
        );
        let mut long = vec![b'x'; MAX_LINE + 10];
        long.extend_from_slice(b"\nafter\n");
        assert_eq!(lines_of(&long), vec![None, Some("after".into())]);
    }

    #[test]
    fn damaged_and_old_lines_are_skipped_not_fatal() {
        let tmp = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let old = (now - Duration::from_secs(40 * 86400)).to_rfc3339();
        let new = now.to_rfc3339();
        let queries = format!(
            "{{\"time\":\"{old}\",\"kind\":\"search\",\"query\":\"old\",\"hits\":0}}\n\
             {{\"time\":\"{new}\",\"kind\":\"search\",\"query\":\"new\",\"hits\":0}}\n\
             not json\n\
             {{\"time\":\"yesterday\",\"kind\":\"search\",\"query\":\"x\",\"hits\":0}}\n\
             {{\"time\":\"{new}\",\"kind\":\"ask\",\"query\":\"trunc"
        );
        std::fs::write(tmp.path().join("queries.jsonl"), queries).unwrap();
        std::fs::write(
            tmp.path().join("queries.1.jsonl"),
            format!("\u{0}\u{ff}garbage\n{{\"time\":\"{new}\",\"kind\":\"ask\",\"query\":\"older file\",\"hits\":1,\"answered\":false}}\n"),
        )
        .unwrap();
        let contents = read_since(tmp.path(), now - Duration::from_secs(30 * 86400));
        let queries: Vec<&str> = contents.queries.iter().map(|e| e.query.as_str()).collect();
        assert_eq!(queries, ["older file", "new"]);
        assert_eq!(contents.skipped_lines, 4);
        assert!(contents.problems.is_empty());
        assert!(
            read_since(&tmp.path().join("absent"), now)
                .queries
                .is_empty()
        );
    }
}
