//! Tells a running reader when its library folders may have changed: file-system events where
//! the platform reports them (inotify, FSEvents, …), else a timer for a periodic walk.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

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
    events: Receiver<()>,
    /// Why the folders are walked on a timer instead of watched, if they are.
    pub polling: Option<String>,
}

impl FolderWatch {
    /// Watches every root recursively; any root that cannot be watched (a missing folder, too
    /// many folders for the system's limit, a file system without events) makes it poll instead.
    pub fn start(roots: &[PathBuf]) -> FolderWatch {
        let (sender, events) = mpsc::channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let relevant = match event {
                // Reading a file (as the refresh itself does) is no change.
                Ok(event) => !matches!(
                    event.kind,
                    EventKind::Access(
                        AccessKind::Open(_)
                            | AccessKind::Read
                            | AccessKind::Close(AccessMode::Read | AccessMode::Execute)
                    )
                ),
                // Lost events (an overflowing queue): something changed, look.
                Err(_) => true,
            };
            if relevant {
                let _ = sender.send(());
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
        FolderWatch {
            _watcher: watcher,
            events,
            polling,
        }
    }

    /// Waits until the folders may have changed and have been quiet for a moment, or, when
    /// polling, until the next walk is due.
    pub fn wait(&self) {
        let first = match &self.polling {
            Some(_) => self.events.recv_timeout(POLL_EVERY),
            None => self
                .events
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
        };
        if let Err(RecvTimeoutError::Disconnected) = first {
            // No watcher: only the timer is left.
            std::thread::sleep(POLL_EVERY);
            return;
        }
        let started = Instant::now();
        while started.elapsed() < SETTLE_AT_MOST {
            match self.events.recv_timeout(SETTLE) {
                Ok(()) => {}
                Err(_) => break,
            }
        }
    }
}
