//! The app-state model: query language, search index, sort orders, filters, facets, selection and
//! focus. Plain Rust, no terminal. The reader's state changes through two doors only:
//! `App::update(Action)` for what the user does (keys through `handle_key`, typing through
//! `type_text`) and `App::handle(Event)` for everything else (the clock, the view's sizes, the
//! background refresh).

pub mod action;
pub mod counts;
pub mod event;
pub mod filters;
pub mod format;
pub mod highlight;
pub mod index;
pub mod keys;
pub mod query;
pub mod query_line;
pub mod sidebar;
pub mod sort;
pub mod state;

pub use action::{Action, Focus};
pub use event::Event;
pub use filters::{Dimension, Filters};
pub use index::{Context, Facets, without_drafts};
pub use keys::{BINDINGS, Binding, Key, KeyContext, Keymap, KeymapError};
pub use query::{Filter, Flag, Query};
pub use sidebar::{Entry, EntryKind, Timeline};
pub use sort::{SortMode, sorted};
pub use state::{App, Effect, Level, Message, Settings, Viewport};
