//! Settings from `config.toml`, and where tidings keeps its files.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::Deserialize;

use std::collections::BTreeMap;

use crate::app::SortMode;
use crate::app::keys::{KeyNames, Keymap};
use crate::app::query::{Query, SavedSearches};

/// What `config.toml` may say. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Folders scanned recursively for articles; `~` means the home folder.
    pub library: Vec<PathBuf>,
    /// newest, oldest or score.
    pub sort: SortMode,
    /// Show drafts without asking for them with `is:draft`.
    pub show_drafts: bool,
    /// Keys by action name (`quit = ["q", "ctrl-c"]`), in place of the defaults.
    keys: BTreeMap<String, KeyNames>,
    /// Saved searches by name (`"ETF longs" = "tag:etf sentiment:pos"`), checked when the file
    /// is read: `@name` in any query, and the sidebar's first section.
    pub saved: SavedSearches,
    /// The keys in force: the defaults with `keys` applied, checked when the file is read.
    #[serde(skip)]
    pub keymap: Keymap,
}

/// Where the config file, the cache and the user's state live.
#[derive(Debug, Clone)]
pub struct Locations {
    pub config_file: PathBuf,
    pub cache_db: PathBuf,
    pub state_db: PathBuf,
}

impl Locations {
    /// The platform's directories (XDG on Linux), each overridable by an environment variable:
    /// `TIDINGS_CONFIG` (the file), `TIDINGS_CACHE_DIR`, `TIDINGS_DATA_DIR`.
    pub fn from_env() -> Result<Self> {
        let project = directories::ProjectDirs::from("", "", "tidings");
        let dir = |variable: &str, fallback: Option<&Path>| -> Result<PathBuf> {
            match std::env::var_os(variable) {
                Some(value) if !value.is_empty() => Ok(PathBuf::from(value)),
                _ => fallback.map(Path::to_owned).ok_or_else(|| {
                    anyhow!("no home folder found; set {variable} to choose where tidings keeps its files")
                }),
            }
        };
        let config_dir = project.as_ref().map(|p| p.config_dir());
        let config_file = match std::env::var_os("TIDINGS_CONFIG") {
            Some(value) if !value.is_empty() => PathBuf::from(value),
            _ => dir("TIDINGS_CONFIG", config_dir)?.join("config.toml"),
        };
        Ok(Self {
            config_file,
            cache_db: dir("TIDINGS_CACHE_DIR", project.as_ref().map(|p| p.cache_dir()))?
                .join("cache.db"),
            state_db: dir("TIDINGS_DATA_DIR", project.as_ref().map(|p| p.data_dir()))?
                .join("state.db"),
        })
    }
}

impl Config {
    /// Reads the file if it exists; a missing file is the default configuration.
    pub fn load(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", path.display()));
            }
        };
        let mut config: Self = toml::from_str(&text).map_err(|error| {
            anyhow!(
                "{}: {}",
                path.display(),
                error
                    .message()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        })?;
        config.keymap = Keymap::with_overrides(&config.keys)
            .map_err(|error| anyhow!("{}: {error}", path.display()))?;
        for (name, text) in &config.saved {
            let query = Query::parse_with(text, chrono::Utc::now(), &config.saved);
            if let Some(error) = query.errors.first() {
                bail!("{}: [saved] {name:?}: {error}", path.display());
            }
        }
        config.library = config
            .library
            .iter()
            .map(|root| expand_home(root))
            .collect();
        Ok(config)
    }
}

fn expand_home(path: &Path) -> PathBuf {
    let Ok(rest) = path.strip_prefix("~") else {
        return path.to_owned();
    };
    match directories::BaseDirs::new() {
        Some(base) => base.home_dir().join(rest),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key_and_rejects_typos() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "library = [\"/news\", \"~/more\"]\nsort = \"score\"\nshow-drafts = true\n",
        )
        .unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.library[0], PathBuf::from("/news"));
        assert!(!config.library[1].starts_with("~"));
        assert_eq!(config.sort, SortMode::Score);
        assert!(config.show_drafts);

        std::fs::write(&path, "libary = []\n").unwrap();
        let error = Config::load(&path).unwrap_err().to_string();
        assert!(
            error.contains("config.toml") && error.contains("libary"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_file_is_the_default() {
        assert_eq!(
            Config::load(Path::new("/nonexistent/config.toml")).unwrap(),
            Config::default()
        );
    }
}
