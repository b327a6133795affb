//! Settings from `config.toml`, and where tidings keeps its files.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::Deserialize;

use std::collections::BTreeMap;

use crate::app::SortMode;
use crate::app::keys::{KeyNames, Keymap};
use crate::app::query::{Query, SavedSearches};
use crate::ui::theme::Palette;

/// What `config.toml` may say. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Folders scanned recursively for articles; `~` means the home folder. One folder may be
    /// written on its own, without a list.
    #[serde(deserialize_with = "one_or_more_folders")]
    pub library: Vec<PathBuf>,
    /// newest, oldest or score.
    pub sort: SortMode,
    /// Show drafts without asking for them with `is:draft`.
    pub show_drafts: bool,
    /// The languages a story is shown in, the first it has (`["en", "uk"]`); empty: the
    /// locale's language.
    pub languages: Vec<String>,
    /// The widest the article's text is set, in columns; a wider pane centres it.
    pub text_width: TextWidth,
    /// Whether the reader draws cover images where the terminal says it can.
    pub images: Images,
    /// Keys by action name (`quit = ["q", "ctrl-c"]`), in place of the defaults.
    keys: BTreeMap<String, KeyNames>,
    /// Saved searches by name (`"ETF longs" = "tag:etf sentiment:pos"`), checked when the file
    /// is read: `@name` in any query, and the sidebar's first section.
    pub saved: SavedSearches,
    /// Colours by role (`positive = "#00ff88"`), in place of the defaults.
    theme: BTreeMap<String, String>,
    /// The colours in force: the defaults with `theme` applied, checked when the file is read.
    #[serde(skip)]
    pub palette: Palette,
    /// The keys in force: the defaults with `keys` applied, checked when the file is read.
    #[serde(skip)]
    pub keymap: Keymap,
}

/// Cover images in the reader: `auto` draws them where the terminal answers that it can (kitty
/// graphics or sixel) and a local copy exists; `off` keeps the `[image: …]` line everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Images {
    #[default]
    Auto,
    Off,
}

/// The reading column's width: lines much longer than ~100 columns are hard to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u16")]
pub struct TextWidth(pub u16);

impl Default for TextWidth {
    fn default() -> Self {
        Self(100)
    }
}

impl TryFrom<u16> for TextWidth {
    type Error = String;

    fn try_from(width: u16) -> std::result::Result<Self, String> {
        if width < 20 {
            return Err(format!(
                "text-width = {width} is too narrow to read; 20 or more"
            ));
        }
        Ok(Self(width))
    }
}

/// Where the config file, the cache and the user's state live.
#[derive(Debug, Clone)]
pub struct Locations {
    pub config_file: PathBuf,
    pub cache_db: PathBuf,
    pub state_db: PathBuf,
    /// The feed list `tidings fetch` reads, beside the config file.
    pub feeds_file: PathBuf,
    /// What feed servers said last (ETag, Last-Modified), beside the user's state.
    pub fetch_state: PathBuf,
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
        let data_dir = dir("TIDINGS_DATA_DIR", project.as_ref().map(|p| p.data_dir()))?;
        Ok(Self {
            feeds_file: config_file.with_file_name("feeds.toml"),
            config_file,
            cache_db: dir("TIDINGS_CACHE_DIR", project.as_ref().map(|p| p.cache_dir()))?
                .join("cache.db"),
            state_db: data_dir.join("state.db"),
            fetch_state: data_dir.join("feeds-http.json"),
        })
    }
}

/// The text of a TOML file of ours; a missing file is `None`.
fn read_text(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// A TOML file of ours to change in place, comments and all; a missing file is an empty one.
pub fn editable_toml(path: &Path) -> Result<toml_edit::DocumentMut> {
    read_text(path)?
        .unwrap_or_default()
        .parse()
        .with_context(|| format!("cannot update {}", path.display()))
}

/// Reads a TOML file of ours into `T`; a missing file is `None`. A mistake is one line naming
/// the file.
pub fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    let Some(text) = read_text(path)? else {
        return Ok(None);
    };
    toml::from_str(&text).map(Some).map_err(|error| {
        anyhow!(
            "{}: {}",
            path.display(),
            error
                .message()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        )
    })
}

impl Config {
    /// Reads the file if it exists; a missing file is the default configuration.
    pub fn load(path: &Path) -> Result<Self> {
        let Some(mut config) = read_toml::<Self>(path)? else {
            return Ok(Self::default());
        };
        config.keymap = Keymap::with_overrides(&config.keys)
            .map_err(|error| anyhow!("{}: {error}", path.display()))?;
        config.palette = Palette::with_overrides(&config.theme)
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

impl Config {
    /// The languages stories are shown in, best first: the configured ones, else the locale's.
    pub fn preferred_languages(&self) -> Vec<String> {
        if self.languages.is_empty() {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
                .and_then(|value| locale_language(&value))
                .into_iter()
                .collect()
        } else {
            self.languages.iter().map(|l| l.to_lowercase()).collect()
        }
    }
}

/// The language of a locale name (`uk_UA.UTF-8` → `uk`); `None` for `C` and `POSIX`.
fn locale_language(locale: &str) -> Option<String> {
    let language = locale.split(['_', '.', '@', '-']).next()?.to_lowercase();
    (language.len() >= 2
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && language != "posix")
        .then_some(language)
}

/// Writes the saved search `name` = `query` into the `[saved]` table of the file at `path`,
/// keeping everything else in it as it was, comments included; the file is replaced whole
/// (written beside it, then renamed), so it is never left half written.
pub fn save_search(path: &Path, name: &str, query: &str) -> Result<()> {
    // A config linked from a dotfiles folder stays a link: the file it points at is replaced.
    let resolved = std::fs::canonicalize(path);
    let path = resolved.as_deref().unwrap_or(path);
    let mut document = editable_toml(path)?;
    let saved = document
        .entry("saved")
        .or_insert_with(toml_edit::table)
        .as_table_mut()
        .ok_or_else(|| anyhow!("{}: saved is not a table", path.display()))?;
    // Indexing keeps an existing key (and the comment above it); only its value changes.
    saved[name] = toml_edit::value(query);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let temporary = path.with_extension("toml.saving");
    std::fs::write(&temporary, document.to_string())
        .and_then(|()| std::fs::rename(&temporary, path))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A commented `config.toml` with every setting at its default: every action with its keys and
/// every colour role, from the same tables the reader uses, so it reads back as the defaults.
pub fn default_text() -> String {
    use std::fmt::Write as _;
    let mut text = String::from(
        "# tidings configuration (TIDINGS_CONFIG names another file). Every setting is optional;\n\
         # these are the defaults.\n\n\
         # Folders scanned recursively for *.md articles; ~ is your home folder.\n\
         library = []\n\
         # newest | oldest | score\n\
         sort = \"newest\"\n\
         # Show drafts without asking for them with is:draft.\n\
         show-drafts = false\n\
         # A story told in several languages is one row, in the first of these it has (ISO 639-1\n\
         # codes); [] means the language of your locale (LC_ALL, LC_MESSAGES, LANG), then the\n\
         # story's original.\n\
         languages = []\n\
         # The widest the article's text is set, in columns (at least 20); a wider pane\n\
         # centres it.\n\
         text-width = 100\n\
         # Cover images: auto draws them where the terminal answers that it can (kitty graphics\n\
         # or sixel) and a local copy exists (a file, or one `tidings fetch` downloaded); off\n\
         # shows the [image: URL] line.\n\
         images = \"auto\"\n\n\
         # Saved searches: @name in any query, and the sidebar's first section.\n\
         [saved]\n\
         # \"ETF longs\" = \"tag:etf sentiment:pos\"\n\n\
         # Keys by action: one key or a list. A key is a character, ctrl-x, or one of enter esc\n\
         # tab shift-tab backspace up down left right pageup pagedown home end space.\n\
         [keys]\n",
    );
    for (binding, keys) in Keymap::default().bindings() {
        let keys: Vec<String> = keys.iter().map(|key| format!("{:?}", key.name())).collect();
        let line = format!("{} = [{}]", binding.name, keys.join(", "));
        let _ = writeln!(text, "{line:<36} # {}", binding.help);
    }
    text.push_str(
        "\n# Colours by role: a name (red, lightblue, darkgray, …), #rrggbb, or 0-255.\n\
         # NO_COLOR in the environment turns every colour off.\n[theme]\n",
    );
    for (_, name, color, what) in crate::ui::theme::ROLES {
        let line = format!("{name} = \"{}\"", color.to_string().to_lowercase());
        let _ = writeln!(text, "{line:<36} # {what}");
    }
    text
}

/// `library = "~/news"` means what `library = ["~/news"]` does.
fn one_or_more_folders<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<PathBuf>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "a folder or a list of folders")]
    enum Folders {
        One(PathBuf),
        Many(Vec<PathBuf>),
    }
    Ok(match Folders::deserialize(deserializer)? {
        Folders::One(folder) => vec![folder],
        Folders::Many(folders) => folders,
    })
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
    fn images_are_auto_or_off() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(Config::default().images, Images::Auto);
        std::fs::write(&path, "images = \"off\"\n").unwrap();
        assert_eq!(Config::load(&path).unwrap().images, Images::Off);
        std::fs::write(&path, "images = \"sometimes\"\n").unwrap();
        assert!(Config::load(&path).is_err());
    }

    #[test]
    fn text_width_is_a_readable_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert_eq!(Config::default().text_width, TextWidth(100));
        std::fs::write(&path, "text-width = 72\n").unwrap();
        assert_eq!(Config::load(&path).unwrap().text_width, TextWidth(72));
        std::fs::write(&path, "text-width = 8\n").unwrap();
        let error = Config::load(&path).unwrap_err().to_string();
        assert!(error.contains("too narrow"), "{error}");
    }

    #[test]
    fn one_library_folder_needs_no_list() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "library = \"/srv/news\"\n").unwrap();
        assert_eq!(
            Config::load(&path).unwrap().library,
            [PathBuf::from("/srv/news")]
        );
        std::fs::write(&path, "library = \"~/news\"\n").unwrap();
        assert!(!Config::load(&path).unwrap().library[0].starts_with("~"));
        std::fs::write(&path, "library = 3\n").unwrap();
        let error = Config::load(&path).unwrap_err().to_string();
        assert!(error.contains("a folder or a list of folders"), "{error}");
    }

    #[test]
    fn the_default_text_reads_back_as_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, default_text()).unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.keymap, Keymap::default());
        assert_eq!(config.palette, Palette::default());
        assert_eq!(config.sort, SortMode::Newest);
        assert!(config.library.is_empty() && config.saved.is_empty());
        for binding in crate::app::BINDINGS {
            assert!(default_text().contains(binding.help), "{}", binding.name);
        }
    }

    #[test]
    fn a_saved_search_is_written_without_losing_the_users_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mine = "# my library\nsort = \"score\" # best first\n\n[saved]\n# mornings\nearly = \"since:12h\"\n";
        std::fs::write(&path, mine).unwrap();
        save_search(&path, "ETF longs", "tag:ETF sentiment:pos").unwrap();
        save_search(&path, "early", "since:6h").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        for kept in ["# my library", "# best first", "# mornings"] {
            assert!(text.contains(kept), "{kept} lost:\n{text}");
        }
        let config = Config::load(&path).unwrap();
        assert_eq!(config.sort, SortMode::Score);
        assert_eq!(config.saved["ETF longs"], "tag:ETF sentiment:pos");
        assert_eq!(config.saved["early"], "since:6h", "replaced in place");
        // A linked config stays a link; the file it names gets the search.
        let linked = dir.path().join("linked.toml");
        std::os::unix::fs::symlink(&path, &linked).unwrap();
        save_search(&linked, "calm", "sentiment:neu").unwrap();
        assert!(linked.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(Config::load(&path).unwrap().saved["calm"], "sentiment:neu");
        // No file yet: one is made.
        let fresh = dir.path().join("new/config.toml");
        save_search(&fresh, "calm", "sentiment:neu").unwrap();
        assert_eq!(Config::load(&fresh).unwrap().saved["calm"], "sentiment:neu");
    }

    #[test]
    fn the_locale_names_a_language() {
        assert_eq!(locale_language("uk_UA.UTF-8").as_deref(), Some("uk"));
        assert_eq!(locale_language("en_US").as_deref(), Some("en"));
        assert_eq!(locale_language("de").as_deref(), Some("de"));
        assert_eq!(locale_language("sr@latin").as_deref(), Some("sr"));
        assert_eq!(locale_language("C.UTF-8"), None);
        assert_eq!(locale_language("POSIX"), None);
        let config = Config {
            languages: vec!["UK".into(), "en".into()],
            ..Config::default()
        };
        assert_eq!(config.preferred_languages(), ["uk", "en"]);
    }

    #[test]
    fn a_missing_file_is_the_default() {
        assert_eq!(
            Config::load(Path::new("/nonexistent/config.toml")).unwrap(),
            Config::default()
        );
    }
}
