//! Where the library comes from: the command line and the config file resolved once, for every
//! command and the reader alike.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::Cli;
use crate::config::{Config, Locations};
use crate::library::{Check, Library, StorePaths};

/// Where the library comes from, resolved from the command line and the config file.
pub struct Setup {
    pub roots: Vec<PathBuf>,
    pub locations: Locations,
    pub config: Config,
}

impl Setup {
    pub fn from_cli(cli: &Cli) -> Result<Self> {
        let locations = Locations::from_env()?;
        let config = Config::load(&locations.config_file)?;
        let roots = if cli.samples {
            Vec::new()
        } else if cli.library.is_empty() {
            config.library.clone()
        } else {
            cli.library.clone()
        };
        Ok(Self {
            roots,
            locations,
            config,
        })
    }

    pub fn store_paths(&self) -> StorePaths {
        StorePaths {
            cache: self.locations.cache_db.clone(),
            state: self.locations.state_db.clone(),
        }
    }

    /// Refreshes and loads the library, or the built-in samples when no folder is configured.
    /// `check` says how closely to look for changes in the folders.
    pub fn open(&self, check: Check<'_>) -> Result<Library> {
        let library = if self.roots.is_empty() {
            Library::builtin(&self.locations.state_db)
        } else {
            Library::open_checking(&self.roots, &self.store_paths(), check)?
        };
        for notice in library.notices() {
            eprintln!("tidings: {notice}");
        }
        Ok(library)
    }
}
