//! The feed list, `feeds.toml`: which feeds `tidings fetch` reads, and under which key.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use serde::Deserialize;

/// One `[[feed]]` table.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FeedSpec {
    /// Shown as the articles' source.
    pub name: String,
    /// The source key: the folder its articles go to and part of their ids, so it must not change.
    pub key: String,
    pub url: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub category: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedFile {
    #[serde(default)]
    feed: Vec<FeedSpec>,
}

/// Reads and checks the feed list; a missing file is an empty list.
pub fn load(path: &Path) -> Result<Vec<FeedSpec>> {
    let Some(file) = crate::config::read_toml::<FeedFile>(path)? else {
        return Ok(Vec::new());
    };
    let mut keys = HashSet::new();
    for feed in &file.feed {
        let problem = if !is_valid_key(&feed.key) {
            Some("a key is lower-case letters, digits, - and _".to_owned())
        } else if !keys.insert(feed.key.as_str()) {
            Some("the key is used twice".to_owned())
        } else if !(feed.url.starts_with("http://") || feed.url.starts_with("https://")) {
            Some(format!("{:?} is not an http(s) URL", feed.url))
        } else if feed.name.trim().is_empty() {
            Some("the name is empty".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            bail!("{}: feed {:?}: {problem}", path.display(), feed.key);
        }
    }
    Ok(file.feed)
}

pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A key made from a name (`Ledger Wire` → `ledger-wire`), unlike every key in `taken`.
pub fn key_for(name: &str, taken: &HashSet<String>) -> String {
    let mut base = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            base.push(c);
        } else if !base.is_empty() && !base.ends_with('-') {
            base.push('-');
        }
    }
    let base = base.trim_end_matches('-');
    let base: String = if base.is_empty() {
        "feed".to_owned()
    } else {
        base.chars()
            .take(40)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    };
    let mut key = base.clone();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{base}-{n}");
        n += 1;
    }
    key
}

/// Adds `feeds` to the list at `path` as `[[feed]]` tables, keeping what the file already says
/// (comments included); a feed whose URL is listed already is left out. Returns those added.
pub fn append(path: &Path, feeds: &[FeedSpec]) -> Result<Vec<FeedSpec>> {
    let existing = load(path)?;
    let mut document = crate::config::editable_toml(path)?;
    let mut urls: HashSet<String> = existing.iter().map(|f| f.url.clone()).collect();
    let mut keys: HashSet<String> = existing.iter().map(|f| f.key.clone()).collect();
    let tables = document
        .entry("feed")
        .or_insert_with(|| toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| anyhow!("{}: feed is not a list of tables", path.display()))?;
    let mut added = Vec::new();
    for feed in feeds {
        if !urls.insert(feed.url.clone()) {
            continue;
        }
        let key = if is_valid_key(&feed.key) && !keys.contains(&feed.key) {
            feed.key.clone()
        } else {
            key_for(&feed.name, &keys)
        };
        keys.insert(key.clone());
        let mut table = toml_edit::Table::new();
        table["name"] = toml_edit::value(feed.name.as_str());
        table["key"] = toml_edit::value(key.as_str());
        table["url"] = toml_edit::value(feed.url.as_str());
        if !feed.tags.is_empty() {
            table["tags"] = toml_edit::value(feed.tags.iter().collect::<toml_edit::Array>());
        }
        if let Some(category) = &feed.category {
            table["category"] = toml_edit::value(category.as_str());
        }
        tables.push(table);
        added.push(FeedSpec {
            key,
            ..feed.clone()
        });
    }
    if added.is_empty() {
        return Ok(added);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    super::write::replace_file(path, document.to_string().as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_names_and_stay_unique() {
        let mut taken = HashSet::new();
        assert_eq!(key_for("Ledger Wire!", &taken), "ledger-wire");
        taken.insert("ledger-wire".to_owned());
        assert_eq!(key_for("Ledger  wire", &taken), "ledger-wire-2");
        assert_eq!(key_for("Новини", &taken), "feed");
    }

    #[test]
    fn the_list_is_checked_and_appended_to_without_losing_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feeds.toml");
        assert!(load(&path).unwrap().is_empty());
        std::fs::write(
            &path,
            "# mine\n[[feed]]\nname = \"A\"\nkey = \"a\"\nurl = \"https://a.example/feed\"\n",
        )
        .unwrap();
        let new = FeedSpec {
            name: "B Wire".into(),
            key: String::new(),
            url: "https://b.example/rss".into(),
            tags: vec!["TECH".into()],
            category: None,
        };
        let same_url = FeedSpec {
            url: "https://a.example/feed".into(),
            ..new.clone()
        };
        let added = append(&path, &[new, same_url]).unwrap();
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].key, "b-wire");
        let feeds = load(&path).unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[1].tags, ["TECH"]);
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with("# mine")
        );

        std::fs::write(
            &path,
            "[[feed]]\nname = \"A\"\nkey = \"A b\"\nurl = \"https://a\"\n",
        )
        .unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("key"));
        std::fs::write(
            &path,
            "[[feed]]\nname = \"A\"\nkey = \"a\"\nurl = \"ftp://a\"\n",
        )
        .unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("http"));
    }
}
