//! The app-state model: query language, search index, sort orders and facets. Plain Rust, no I/O.

pub mod index;
pub mod query;
pub mod sort;

pub use index::{Context, Facets, SearchIndex};
pub use query::{Filter, Flag, Query};
pub use sort::{SortMode, sorted};
