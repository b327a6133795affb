//! What happens to the app that the user did not do: the clock, the screen, the background
//! refresh, an effect that failed. `App::handle(Event)` takes them; keys and clicks are actions.

use chrono::{DateTime, Utc};

use super::state::{Level, Viewport};
use crate::library::Library;

pub enum Event {
    /// The clock moved on: relative dates and how long a message shows count from it.
    Tick(DateTime<Utc>),
    /// The headlines are on screen and no key is waiting: time to count them for the sidebar
    /// (see [`Settings::headlines_first`](super::Settings::headlines_first)).
    Idle,
    /// The view drew a frame with these sizes.
    Drawn(Viewport),
    /// A background refresh of the library began.
    RefreshStarted,
    /// The refresh has read `read` of the `to_read` files it has to.
    RefreshProgress { read: usize, to_read: usize },
    /// The refresh found changes and loaded this library (boxed: it is large beside the rest).
    Refreshed(Box<Library>),
    /// The refresh found the folders as the cache has them.
    LibraryUnchanged,
    /// The refresh failed, for this reason; the library shown stays.
    RefreshFailed(String),
    /// The refresh stopped without a word (its thread is gone).
    RefreshStopped,
    /// Something the terminal side did for the app went wrong, in words for the status line.
    Notice { text: String, level: Level },
}
