//! The built-in sample library, embedded in the binary so a fresh install has something to read.

use include_dir::{Dir, include_dir};

static SAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets/samples");

/// `(builtin:NAME, bytes)` for every embedded sample, in name order.
pub fn files() -> Vec<(String, &'static [u8])> {
    let mut files: Vec<_> = SAMPLES
        .files()
        .filter(|file| super::scan::is_markdown(file.path()))
        .map(|file| {
            (
                format!("builtin:{}", file.path().display()),
                file.contents(),
            )
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}
