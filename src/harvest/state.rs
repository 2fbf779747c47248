//! The state file (`.eoskb-harvest.state`, JSON) in a harvest folder: which
//! source it mirrors, where the last complete run stopped (the conditional
//! re-harvest asks only for what changed since), where an interrupted run was
//! (its resumption token or next-page link), and each record's file and
//! datestamp. Its name has no extension a reader takes, so `eoskb index`
//! passes over it without a note.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::store::{self, Store};
use super::{HarvestError, Summary};

/// The state file's name.
pub const STATE_FILE: &str = ".eoskb-harvest.state";

const VERSION: u32 = 1;

/// What a folder is a harvest of; another source into the same folder is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// `oai-pmh` or `datacite`.
    pub protocol: String,
    pub endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// An interrupted run: where to go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// The OAI-PMH resumption token, or the DataCite next-page URL.
    pub next: String,
    /// The `from` the interrupted run asked with (to start over if `next` has expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// What `last_complete` becomes when the run completes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<String>,
}

/// One harvested record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its file in the folder.
    pub file: String,
    /// The OAI datestamp or DataCite `updated` it was written with.
    pub stamp: String,
    /// Files downloaded for it (`--files`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub source: Source,
    /// OAI-PMH: the `responseDate` of the first page of the last complete run;
    /// DataCite: the newest `updated` it saw. The next run asks from there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_complete: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Resume>,
    /// Records by identifier (OAI identifier or DOI).
    #[serde(default)]
    pub records: BTreeMap<String, Entry>,
    /// File names in use, so that two identifiers never share one.
    #[serde(skip)]
    taken: HashSet<String>,
}

/// How often the state is saved while pages come in: each save rewrites the
/// whole file, so not after every page of a large harvest. A run that ends or
/// fails saves it anyway; a killed one loses at most these seconds of its
/// progress, and the pages fetched again find their records unchanged.
const SAVE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Saves the state at most every [`SAVE_EVERY`].
pub struct Checkpoint {
    last: std::time::Instant,
}

impl Checkpoint {
    pub fn new() -> Checkpoint {
        Checkpoint {
            last: std::time::Instant::now(),
        }
    }

    pub fn maybe(&mut self, state: &State, store: &Store) -> Result<(), HarvestError> {
        if self.last.elapsed() >= SAVE_EVERY {
            state.save(store)?;
            self.last = std::time::Instant::now();
        }
        Ok(())
    }
}

impl Default for Checkpoint {
    fn default() -> Self {
        Checkpoint::new()
    }
}

/// What writing a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Updated,
    Unchanged,
}

impl State {
    pub fn new(source: Source) -> State {
        State {
            version: VERSION,
            source,
            last_complete: None,
            resume: None,
            records: BTreeMap::new(),
            taken: HashSet::new(),
        }
    }

    /// The folder's state for `source`: a new one if there is none, an error if
    /// the folder is a harvest of something else or the file is unreadable.
    pub fn load(store: &Store, source: Source) -> Result<State, HarvestError> {
        let path = store.path(STATE_FILE);
        let Some(bytes) = store.read(STATE_FILE) else {
            return Ok(State::new(source));
        };
        let bad = |reason: String| HarvestError::State {
            path: path.clone(),
            reason,
        };
        let mut state: State =
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("unreadable: {e}")))?;
        if state.version != VERSION {
            return Err(bad(format!(
                "state version {} (this eoskb writes {VERSION})",
                state.version
            )));
        }
        if state.source != source {
            return Err(HarvestError::Usage(format!(
                "{} holds a harvest of {} {}; harvest {} {} into another folder",
                store.dir().display(),
                state.source.protocol,
                describe(&state.source),
                source.protocol,
                describe(&source)
            )));
        }
        state.taken = state.records.values().map(|e| e.file.clone()).collect();
        Ok(state)
    }

    /// Ends a run and saves the state either way. A complete run clears the
    /// resumption point, and its mark (if it had one) is where the next run
    /// starts from; a failed run keeps the point, and every record written
    /// stays.
    pub fn finish(
        &mut self,
        store: &Store,
        run: Result<Option<String>, HarvestError>,
    ) -> Result<(), HarvestError> {
        match run {
            Ok(mark) => {
                self.resume = None;
                if mark.is_some() {
                    self.last_complete = mark;
                }
                self.save(store)
            }
            Err(e) => {
                if let Err(save) = self.save(store) {
                    tracing::warn!("{save}");
                }
                Err(e)
            }
        }
    }

    pub fn save(&self, store: &Store) -> Result<(), HarvestError> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| HarvestError::State {
            path: store.path(STATE_FILE),
            reason: e.to_string(),
        })?;
        store.write(STATE_FILE, &bytes)
    }

    /// Writes one record (`id`, as of `stamp`) unless it is already there as
    /// it is, and remembers it. Returns what changed and the file's name.
    pub fn put(
        &mut self,
        store: &Store,
        id: &str,
        stamp: &str,
        extension: &str,
        bytes: &[u8],
        summary: &mut Summary,
    ) -> Result<(Change, String), HarvestError> {
        let known = self.records.get(id);
        if let Some(entry) = known
            && entry.stamp == stamp
            && !stamp.is_empty()
            && store.exists(&entry.file)
        {
            summary.unchanged += 1;
            return Ok((Change::Unchanged, entry.file.clone()));
        }
        let name = match known {
            Some(entry) => entry.file.clone(),
            None => self.new_name(id, extension),
        };
        let change = match store.read(&name) {
            Some(existing) if existing == bytes => Change::Unchanged,
            Some(_) => Change::Updated,
            None => Change::New,
        };
        if change != Change::Unchanged {
            store.write(&name, bytes)?;
        }
        match change {
            Change::New => summary.new += 1,
            Change::Updated => summary.updated += 1,
            Change::Unchanged => summary.unchanged += 1,
        }
        let files = known.map(|e| e.files.clone()).unwrap_or_default();
        self.taken.insert(name.clone());
        self.records.insert(
            id.to_string(),
            Entry {
                file: name.clone(),
                stamp: stamp.to_string(),
                files,
            },
        );
        Ok((change, name))
    }

    /// Removes a deleted record's file and its downloaded files.
    pub fn delete(
        &mut self,
        store: &Store,
        id: &str,
        extension: &str,
        summary: &mut Summary,
    ) -> Result<(), HarvestError> {
        let (file, files) = match self.records.remove(id) {
            Some(entry) => (entry.file, entry.files),
            // Not in the state (an earlier run was killed before saving it):
            // the file it would have.
            None => (format!("{}.{extension}", store::stem(id)), Vec::new()),
        };
        if !store.exists(&file) {
            return Ok(());
        }
        for name in files.iter().chain(std::iter::once(&file)) {
            store.remove(name)?;
            self.taken.remove(name);
        }
        summary.deleted += 1;
        Ok(())
    }

    /// Records a file downloaded for record `id`.
    pub fn add_file(&mut self, id: &str, name: &str) {
        if let Some(entry) = self.records.get_mut(id)
            && !entry.files.iter().any(|f| f == name)
        {
            entry.files.push(name.to_string());
        }
    }

    /// A file name for a new record: its sanitised identifier, with a hash of
    /// the identifier if another record already has that name.
    fn new_name(&self, id: &str, extension: &str) -> String {
        let plain = format!("{}.{extension}", store::stem(id));
        if self.taken.contains(&plain) {
            format!("{}.{extension}", store::distinct_stem(id))
        } else {
            plain
        }
    }
}

fn describe(source: &Source) -> String {
    let mut text = source.endpoint.clone();
    for (key, value) in [
        ("set", &source.set),
        ("metadata prefix", &source.metadata_prefix),
        ("query", &source.query),
        ("client", &source.client_id),
    ] {
        if let Some(value) = value {
            text.push_str(&format!(" ({key} {value})"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::format::Format;

    fn source(set: &str) -> Source {
        Source {
            protocol: "oai-pmh".into(),
            endpoint: "http://127.0.0.1/oai".into(),
            set: Some(set.into()),
            metadata_prefix: Some("oai_datacite".into()),
            query: None,
            client_id: None,
        }
    }

    #[test]
    fn the_state_file_is_no_content_for_index() {
        assert_eq!(Format::by_name(std::path::Path::new(STATE_FILE)), None);
        assert_eq!(
            Format::by_name(std::path::Path::new(store::LOCK_FILE)),
            None
        );
    }

    #[test]
    fn records_are_written_once_per_change_and_survive_a_reload() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let mut state = State::load(&store, source("a")).unwrap();
        let mut summary = Summary::default();
        let (change, name) = state
            .put(&store, "oai:x:1", "2021", "xml", b"<a/>", &mut summary)
            .unwrap();
        assert_eq!((change, name.as_str()), (Change::New, "oai_x_1.xml"));
        // Same datestamp: not even read.
        let (change, _) = state
            .put(&store, "oai:x:1", "2021", "xml", b"<a/>", &mut summary)
            .unwrap();
        assert_eq!(change, Change::Unchanged);
        let (change, _) = state
            .put(&store, "oai:x:1", "2022", "xml", b"<b/>", &mut summary)
            .unwrap();
        assert_eq!(change, Change::Updated);
        // Another identifier that sanitises alike gets its own file.
        let (_, other) = state
            .put(&store, "oai/x/1", "2022", "xml", b"<c/>", &mut summary)
            .unwrap();
        assert_ne!(other, "oai_x_1.xml");
        state.save(&store).unwrap();

        let mut again = State::load(&store, source("a")).unwrap();
        assert_eq!(again.records.len(), 2);
        again
            .delete(&store, "oai:x:1", "xml", &mut summary)
            .unwrap();
        assert!(!store.exists("oai_x_1.xml"));
        assert_eq!(
            (
                summary.new,
                summary.updated,
                summary.unchanged,
                summary.deleted
            ),
            (2, 1, 1, 1)
        );
        again.save(&store).unwrap();
        // The folder is a harvest of set `a`: set `b` goes elsewhere.
        assert!(matches!(
            State::load(&store, source("b")),
            Err(HarvestError::Usage(_))
        ));
    }
}
