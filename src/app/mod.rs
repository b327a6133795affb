//! The app-state model: query language, search index, sort orders, filters, facets, selection and
//! focus. Plain Rust, no terminal: `App::update(Action)` is the one way the reader's state changes.

pub mod action;
pub mod filters;
pub mod format;
pub mod index;
pub mod keys;
pub mod query;
pub mod query_line;
pub mod sidebar;
pub mod sort;
pub mod state;

pub use action::{Action, Focus};
pub use filters::{Dimension, Filters};
pub use index::{Context, Facets, without_drafts};
pub use keys::{BINDINGS, Binding, Key, KeyContext, Keymap, KeymapError};
pub use query::{Filter, Flag, Query};
pub use sidebar::{Entry, EntryKind, Timeline};
pub use sort::{SortMode, sorted};
pub use state::{App, Effect, Level, Message, Settings, Viewport};
