//! A column of numbers that is either built in memory or read in place from a mapped image file.
//!
//! Mapping is what lets a command that needs a few columns (`list` sorts by date and hides
//! drafts) leave the others on disk: the OS reads only the pages that are touched, and they stay
//! in its file cache, shared, instead of being copied into each process.

use std::ops::{Deref, Range};
use std::sync::Arc;

use memmap2::Mmap;

/// Columns are appended to while a library is built and read after; a mapped one becomes owned
/// (copied) the first time it is changed.
pub enum Column<T> {
    Owned(Vec<T>),
    Mapped {
        file: Arc<Mmap>,
        bytes: Range<usize>,
    },
}

impl<T: bytemuck::Pod> Column<T> {
    pub fn with_capacity(capacity: usize) -> Self {
        Self::Owned(Vec::with_capacity(capacity))
    }

    /// `len` values at `start` bytes into `file`, if they are there and aligned for `T`.
    pub fn mapped(file: &Arc<Mmap>, start: usize, len: usize) -> Option<Self> {
        let end = start.checked_add(len.checked_mul(size_of::<T>())?)?;
        bytemuck::try_cast_slice::<u8, T>(file.get(start..end)?).ok()?;
        Some(Self::Mapped {
            file: Arc::clone(file),
            bytes: start..end,
        })
    }

    /// The values to change, copied out of the file first if they are mapped.
    pub fn to_mut(&mut self) -> &mut Vec<T> {
        if let Self::Mapped { .. } = self {
            *self = Self::Owned(self.to_vec());
        }
        match self {
            Self::Owned(values) => values,
            Self::Mapped { .. } => unreachable!("just copied"),
        }
    }

    pub fn push(&mut self, value: T) {
        self.to_mut().push(value);
    }

    pub fn extend(&mut self, values: impl IntoIterator<Item = T>) {
        self.to_mut().extend(values);
    }
}

impl<T: bytemuck::Pod> Deref for Column<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Self::Owned(values) => values,
            // Size and alignment were checked when the column was mapped.
            Self::Mapped { file, bytes } => bytemuck::cast_slice(&file[bytes.clone()]),
        }
    }
}

impl<T> Default for Column<T> {
    fn default() -> Self {
        Self::Owned(Vec::new())
    }
}

impl<T: Clone> Clone for Column<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Owned(values) => Self::Owned(values.clone()),
            Self::Mapped { file, bytes } => Self::Mapped {
                file: Arc::clone(file),
                bytes: bytes.clone(),
            },
        }
    }
}

impl<T: bytemuck::Pod + std::fmt::Debug> std::fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T> From<Vec<T>> for Column<T> {
    fn from(values: Vec<T>) -> Self {
        Self::Owned(values)
    }
}

/// Maps `file` for reading.
#[allow(unsafe_code)]
pub fn map(file: &std::fs::File) -> std::io::Result<Arc<Mmap>> {
    // SAFETY: the mapping is read-only and image files are never changed in place: a new image is
    // written beside the old one and renamed over it, which leaves this mapping on the old file.
    // Only another program truncating the file while it is mapped could make a read fault.
    unsafe { Mmap::map(file) }.map(Arc::new)
}
