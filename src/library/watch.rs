//! Tells a running reader when its library folders may have changed: file-system events where
//! the platform reports them (inotify, FSEvents, …), else a timer for a periodic walk.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::scan::is_markdown;

/// How long the folders must be quiet before a change is reported: an aggregator writing a batch
/// of files is one refresh, not one per file.
const SETTLE: Duration = Duration::from_millis(200);
/// The longest a steady stream of changes delays the refresh.
const SETTLE_AT_MOST: Duration = Duration::from_secs(1);
/// How often the folders are walked where they cannot be watched.
pub const POLL_EVERY: Duration = Duration::from_secs(30);

pub struct FolderWatch {
    /// Kept alive for its events; `None` when watching was not possible.
    _watcher: Option<RecommendedWatcher>,
    events: Receiver<Changes>,
    /// Why the folders are walked on a timer instead of watched, if they are.
    pub polling: Option<String>,
}

/// What may have changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// These Markdown files (added, changed or removed): look at them alone.
    Files(Vec<PathBuf>),
    /// Anything: walk the folders (a timer, lost events, a folder created, moved or removed).
    Unknown,
}

/// More files than this in one settle period is a walk's worth.
const FILES_AT_MOST: usize = 4096;

impl Changes {
    /// What one event says changed.
    fn of(event: notify::Result<notify::Event>) -> Option<Self> {
        let event = match event {
            Ok(event) => event,
            // Lost events (an overflowing queue): something changed, look.
            Err(_) => return Some(Self::Unknown),
        };
        // Reading a file (as the refresh itself does) is no change.
        if matches!(
            event.kind,
            EventKind::Access(
                AccessKind::Open(_)
                    | AccessKind::Read
                    | AccessKind::Close(AccessMode::Read | AccessMode::Execute)
            )
        ) {
            return None;
        }
        if event.need_rescan() || matches!(event.kind, EventKind::Create(CreateKind::Folder)) {
            return Some(Self::Unknown);
        }
        let mut files = Vec::new();
        for path in event.paths {
            if is_markdown(&path) && !path.is_dir() {
                files.push(path);
            } else if path.is_dir() || !path.exists() {
                // A folder that appeared, moved or went (a missing path may have been one).
                return Some(Self::Unknown);
            }
        }
        (!files.is_empty()).then_some(Self::Files(files))
    }

    fn add(&mut self, other: Self) {
        match (&mut *self, other) {
            (Self::Files(files), Self::Files(more)) if files.len() < FILES_AT_MOST => {
                files.extend(more);
            }
            _ => *self = Self::Unknown,
        }
    }
}

impl FolderWatch {
    /// Watches every root recursively; any root that cannot be watched (a missing folder, too
    /// many folders for the system's limit, a file system without events) makes it poll instead.
    pub fn start(roots: &[PathBuf]) -> Self {
        let (sender, events) = mpsc::channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Some(changes) = Changes::of(event) {
                let _ = sender.send(changes);
            }
        });
        let mut polling = None;
        let watcher = match watcher {
            Ok(mut watcher) => {
                for root in roots {
                    if let Err(error) = watcher.watch(root, RecursiveMode::Recursive) {
                        polling = Some(format!("cannot watch {}: {error}", root.display()));
                        break;
                    }
                }
                Some(watcher)
            }
            Err(error) => {
                polling = Some(format!("cannot watch the library folders: {error}"));
                None
            }
        };
        Self {
            _watcher: watcher,
            events,
            polling,
        }
    }

    /// Waits until the folders may have changed and have been quiet for a moment, or, when
    /// polling, until the next walk is due; says what changed, as far as the events tell.
    pub fn wait(&self) -> Changes {
        let first = match &self.polling {
            Some(_) => self.events.recv_timeout(POLL_EVERY),
            None => self
                .events
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
        };
        let mut changes = match first {
            Ok(changes) if self.polling.is_none() => changes,
            // A walk is due, or events came while polling (part of the roots unwatched).
            Ok(_) | Err(RecvTimeoutError::Timeout) => Changes::Unknown,
            Err(RecvTimeoutError::Disconnected) => {
                // No watcher: only the timer is left.
                std::thread::sleep(POLL_EVERY);
                return Changes::Unknown;
            }
        };
        let started = Instant::now();
        while started.elapsed() < SETTLE_AT_MOST {
            match self.events.recv_timeout(SETTLE) {
                Ok(more) => changes.add(more),
                Err(_) => break,
            }
        }
        if let Changes::Files(files) = &mut changes {
            files.sort_unstable();
            files.dedup();
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{ModifyKind, RemoveKind};

    fn event(kind: EventKind, path: &std::path::Path) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(path.to_owned()))
    }

    #[test]
    fn files_are_named_and_folders_mean_a_walk() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "x").unwrap();
        let written = event(EventKind::Modify(ModifyKind::Any), &file);
        assert_eq!(
            Changes::of(written),
            Some(Changes::Files(vec![file.clone()]))
        );
        let gone = dir.path().join("gone.md");
        let removed = event(EventKind::Remove(RemoveKind::File), &gone);
        assert_eq!(Changes::of(removed), Some(Changes::Files(vec![gone])));
        let other = dir.path().join("notes.txt");
        std::fs::write(&other, "x").unwrap();
        assert_eq!(
            Changes::of(event(EventKind::Modify(ModifyKind::Any), &other)),
            None
        );
        let read = event(EventKind::Access(AccessKind::Read), &file);
        assert_eq!(Changes::of(read), None);
        let folder = dir.path().join("sub");
        std::fs::create_dir(&folder).unwrap();
        let created = event(EventKind::Create(CreateKind::Folder), &folder);
        assert_eq!(Changes::of(created), Some(Changes::Unknown));
        let moved_away = event(
            EventKind::Modify(ModifyKind::Any),
            &dir.path().join("was-a-folder"),
        );
        assert_eq!(Changes::of(moved_away), Some(Changes::Unknown));

        let mut many = Changes::Files(vec![file.clone()]);
        many.add(Changes::Files(vec![file.clone()]));
        assert_eq!(many, Changes::Files(vec![file.clone(), file.clone()]));
        many.add(Changes::Unknown);
        assert_eq!(many, Changes::Unknown);
    }
}
