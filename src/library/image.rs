//! The load image of one root folder: the [`Columns`] of its articles and the problems of its
//! files, kept in a file beside the cache database so that a start is one read with nothing to
//! parse per article. The database stays the truth: an image records the generation of the root
//! it was made from, and one that does not match is rebuilt from the rows.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::columns::Columns;
use super::stories::Stories;
use crate::article::{Article, ArticleId};

// Bumped when what the columns mean or the image holds changes (4: the translated flag; 5: notes;
// 6: columns aligned, widest first, to be mapped; 7: stories), so older images are rebuilt.
const MAGIC: &[u8; 8] = b"tidings7";

/// One file the cache holds, as a refresh or a rebuild hands it over.
pub enum Stored {
    Article {
        file_id: i64,
        article: Box<Article>,
        warnings: Vec<String>,
        notes: Vec<String>,
    },
    Problem {
        file_id: i64,
        path: String,
        message: String,
    },
}

/// A problem with one file, kept with the file id it belongs to so a refresh can replace it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileNote {
    pub file_id: i64,
    pub path: String,
    pub message: String,
}

/// Rows are kept in key (file id) order, so the same rows load in the same order.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Image {
    pub columns: Columns,
    /// Files that gave no article.
    pub problems: Vec<FileNote>,
    /// Articles that loaded with something off.
    pub warnings: Vec<FileNote>,
    /// Articles that loaded with a guess where the file said nothing (a date from its name).
    pub notes: Vec<FileNote>,
    /// Known (for an image read from a file or just updated) that no two articles share an id:
    /// loading it need not look for duplicates.
    #[serde(skip)]
    pub ids_unique: bool,
    /// The stories of these columns, as read from the file; worked out again when they change.
    #[serde(skip)]
    pub stories: Option<Stories>,
}

/// What an image file holds before its number columns: the version and root it was made from,
/// the byte order of its numbers, how many rows and tags, whether ids are unique, how many
/// stories and versions of them, and the rest of the image.
type Header = (Version, String, bool, u64, u64, bool, u64, u64, Image);

/// Which cache and which state of a root an image was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// Changes whenever the cache's rows are dropped, so an image of an earlier cache never
    /// passes for one of this cache.
    pub identity: u64,
    /// Bumped by every commit that changes the root's rows.
    pub generation: i64,
}

impl Stored {
    pub const fn file_id(&self) -> i64 {
        match self {
            Self::Article { file_id, .. } | Self::Problem { file_id, .. } => *file_id,
        }
    }
}

impl Image {
    pub fn add(&mut self, stored: Stored) {
        match stored {
            Stored::Article {
                file_id,
                article,
                warnings,
                notes,
            } => {
                let note = |message| FileNote {
                    file_id,
                    path: article.path.clone(),
                    message,
                };
                self.warnings.extend(warnings.into_iter().map(note));
                self.notes.extend(notes.into_iter().map(note));
                self.columns.push(file_id as u64, &article);
            }
            Stored::Problem {
                file_id,
                path,
                message,
            } => self.problems.push(FileNote {
                file_id,
                path,
                message,
            }),
        }
    }

    /// This image with the files in `replaced` taken out and `fresh` added.
    pub fn updated(self, replaced: &HashSet<i64>, fresh: Self) -> Self {
        let keep = |note: &FileNote| !replaced.contains(&note.file_id);
        // New files get ids above the old ones, so a first index or a batch of new files needs
        // no copy and no sort: memory at the end of a large index holds one set of columns.
        let mut columns = if self.columns.is_empty() {
            fresh.columns
        } else {
            let mut columns = if replaced.is_empty() {
                self.columns
            } else {
                self.columns
                    .filtered(|i| !replaced.contains(&(self.columns.key(i) as i64)))
            };
            columns.extend_from(&fresh.columns, |_| true);
            columns
        };
        if !columns.keys.is_sorted() {
            columns = columns.sorted_by_key();
        }
        let mut problems: Vec<FileNote> = self.problems.into_iter().filter(keep).collect();
        problems.extend(fresh.problems);
        let mut warnings: Vec<FileNote> = self.warnings.into_iter().filter(keep).collect();
        warnings.extend(fresh.warnings);
        let mut notes: Vec<FileNote> = self.notes.into_iter().filter(keep).collect();
        notes.extend(fresh.notes);
        let ids_unique = columns.id_hashes_unique();
        let stories = Some(Stories::of(&columns));
        Self {
            columns,
            problems,
            warnings,
            notes,
            ids_unique,
            stories,
        }
    }

    /// Reads the image of `root` from `dir`, if there is one made from `version`. Its number
    /// columns stay in the file, mapped: only the pages a command reads are read.
    pub fn read(dir: &Path, root: &str, version: Version) -> Option<Self> {
        let mut file = std::fs::File::open(file_of(dir, root)).ok()?;
        let size = file.metadata().ok()?.len();
        let mut magic = [0; 8];
        file.read_exact(&mut magic).ok()?;
        let mut length = [0; 8];
        file.read_exact(&mut length).ok()?;
        let length = u64::from_le_bytes(length);
        // Sizes are checked against the file before anything that large is allocated.
        if magic != *MAGIC || length > size.saturating_sub(16) {
            return None;
        }
        let mut header = vec![0; usize::try_from(length).ok()?];
        file.read_exact(&mut header).ok()?;
        let header: Header = postcard::from_bytes(&header).ok()?;
        let (stored, stored_root, little_endian, rows, tags, unique, stories, members, mut image) =
            header;
        let start = numbers_start(length);
        let stories_start = stories_start(start, rows, tags)?;
        let fits = stored == version
            && stored_root == root
            && little_endian == cfg!(target_endian = "little")
            && Stories::bytes(rows, stories, members) == size.checked_sub(stories_start);
        if !fits {
            return None;
        }
        let [rows, tags, stories, members] =
            [rows, tags, stories, members].map(|n| usize::try_from(n).ok());
        let (rows, tags, stories, members) = (rows?, tags?, stories?, members?);
        file.seek(SeekFrom::Start(start)).ok()?;
        image.columns.check_numbers(&mut file, rows, tags).ok()?;
        file.seek(SeekFrom::Start(stories_start)).ok()?;
        image.stories = Some(Stories::read(&mut file, rows, stories, members).ok()?);
        let mapped = super::mapped::map(&file).ok()?;
        image
            .columns
            .map_numbers(&mapped, usize::try_from(start).ok()?, rows, tags)?;
        image.ids_unique = unique;
        Some(image)
    }

    /// Writes the image atomically: a reader sees the old file or the new one, never a part.
    pub fn write(&self, dir: &Path, root: &str, version: Version) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let path = file_of(dir, root);
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        let worked_out;
        let stories = match &self.stories {
            Some(stories) if stories.rows() == self.columns.len() => stories,
            _ => {
                worked_out = Stories::of(&self.columns);
                &worked_out
            }
        };
        let rows = self.columns.len() as u64;
        let tags = self.columns.tag_count() as u64;
        let header = postcard::to_allocvec(&(
            version,
            root,
            cfg!(target_endian = "little"),
            rows,
            tags,
            self.ids_unique,
            stories.count() as u64,
            stories.member_count() as u64,
            self,
        ))
        .map_err(std::io::Error::other)?;
        let written = (|| {
            let mut file = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
            file.write_all(MAGIC)?;
            file.write_all(&(header.len() as u64).to_le_bytes())?;
            file.write_all(&header)?;
            let padding = numbers_start(header.len() as u64) - 16 - header.len() as u64;
            file.write_all(&[0; 8][..padding as usize])?;
            self.columns.write_numbers(&mut file)?;
            let start = numbers_start(header.len() as u64);
            let written = start + Columns::number_bytes(rows, tags).unwrap_or(0);
            let padding = stories_start(start, rows, tags).unwrap_or(written) - written;
            file.write_all(&[0; 8][..padding as usize])?;
            stories.write(&mut file)?;
            file.flush()
        })();
        if let Err(error) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(error);
        }
        std::fs::rename(&temporary, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
    }
}

/// Where the number columns start in a file whose header is `header` bytes long: the first
/// 8-byte boundary after it, where every column is aligned.
const fn numbers_start(header: u64) -> u64 {
    (16 + header).next_multiple_of(8)
}

/// Where the stories start: the first 8-byte boundary after the number columns.
fn stories_start(numbers_start: u64, rows: u64, tags: u64) -> Option<u64> {
    numbers_start
        .checked_add(Columns::number_bytes(rows, tags)?)?
        .checked_next_multiple_of(8)
}

/// One file per root, named by a hash of its path (the path itself is inside, and checked).
fn file_of(dir: &Path, root: &str) -> PathBuf {
    dir.join(format!("{:016x}.image", ArticleId(root.into()).hash()))
}
