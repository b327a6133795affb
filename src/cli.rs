//! The command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::app::SortMode;
use crate::app::query::{FIELDS, SYNTAX};

/// A fast terminal reader for Markdown news articles with YAML frontmatter.
///
/// With no command, opens the interactive reader. With no library folder given (here or in the
/// config file), reads the built-in sample library.
#[derive(Debug, Parser)]
#[command(name = "tidings", version, about, long_about)]
pub struct Cli {
    /// A folder of articles (scanned recursively); repeat for several. Overrides the config file.
    #[arg(short = 'L', long = "library", value_name = "PATH", global = true)]
    pub library: Vec<PathBuf>,

    /// Read the built-in sample library even if folders are configured.
    #[arg(long, global = true, conflicts_with = "library")]
    pub samples: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The query language for `--help`, from the table of fields the parser reads.
fn query_help() -> String {
    let mut help = String::from("A query, for example (tag:etf or tag:btc) -sentiment:neg.\n");
    for (syntax, what) in SYNTAX {
        help.push_str(&format!("\n  {syntax:<50} {what}"));
    }
    help.push_str("\n\nFields:\n");
    for field in FIELDS {
        help.push_str(&format!("\n  {:<50} {}", field.example, field.help));
    }
    help
}

impl Cli {
    /// Parses the command line, letting query terms start with `-` anywhere among the options
    /// (`tidings list bitcoin -is:read --json`): such a term is not an option, so it is handed to
    /// the hidden `--term` option instead of making clap stop at it.
    pub fn parse_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Self {
        const QUERY_COMMANDS: [&str; 3] = ["list", "stats", "covers"];
        const SHORT_OPTIONS: [&str; 5] = ["-n", "-L", "-h", "-V", "-"];
        const TAKES_VALUE: [&str; 6] = ["-n", "-L", "--limit", "--library", "--sort", "--width"];
        let mut out = Vec::new();
        let mut in_query_command = false;
        let mut after_separator = false;
        let mut value_expected = false;
        for (position, arg) in args.into_iter().enumerate() {
            let text = arg.to_string_lossy().into_owned();
            let is_term = in_query_command
                && !after_separator
                && !value_expected
                && text.starts_with('-')
                && !text.starts_with("--")
                && !SHORT_OPTIONS.contains(&text.as_str());
            value_expected = TAKES_VALUE.contains(&text.as_str());
            if position > 0 && !in_query_command && QUERY_COMMANDS.contains(&text.as_str()) {
                in_query_command = true;
            }
            after_separator |= text == "--";
            if is_term {
                out.push(std::ffi::OsString::from(format!("--term={text}")));
            } else {
                out.push(arg);
            }
        }
        Self::parse_from(out)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print matching headlines, one a line.
    List {
        /// A query: words, "phrases", fields like tag:ETF, `or`, ( ), `-` to negate (--help lists
        /// the fields).
        #[arg(value_name = "QUERY", long_help = query_help())]
        query: Vec<String>,
        /// Negated terms (`-is:read`), routed here by [`Cli::parse_args`].
        #[arg(long = "term", hide = true, allow_hyphen_values = true)]
        terms: Vec<String>,
        /// Sort order (default from the config file, else newest).
        #[arg(long, value_enum)]
        sort: Option<SortMode>,
        /// Print at most N headlines.
        #[arg(long, short = 'n', value_name = "N")]
        limit: Option<usize>,
        /// Print JSON lines with every field instead.
        #[arg(long)]
        json: bool,
    },
    /// Print one article, rendered for the terminal.
    Show {
        /// The article's id, short id (as `list` prints it) or file path.
        id: String,
        /// Wrap to this many columns (default: the terminal's width, at most 100).
        #[arg(long, value_name = "COLUMNS")]
        width: Option<u16>,
    },
    /// Print counts per sentiment, tag, source, category and language.
    Stats {
        /// Count only articles matching this query (same syntax as `list`).
        #[arg(value_name = "QUERY", long_help = query_help())]
        query: Vec<String>,
        #[arg(long = "term", hide = true, allow_hyphen_values = true)]
        terms: Vec<String>,
    },
    /// List every file that could not be loaded or had problems; exit status 1 if any.
    Check,
    /// Refresh the cache from the library folders and say what changed.
    Index,
    /// Print a commented configuration with every setting, key, action and colour at its default.
    Config {
        /// Print the defaults (the only form so far): `tidings config --default > config.toml`.
        #[arg(long)]
        default: bool,
    },
    /// Set read or starred marks, for scripts (the reader sets them as you read).
    Mark {
        /// Articles: ids, short ids or paths.
        #[arg(required = true)]
        ids: Vec<String>,
        /// Mark as read.
        #[arg(long, conflicts_with = "unread")]
        read: bool,
        /// Mark as unread.
        #[arg(long)]
        unread: bool,
        /// Star.
        #[arg(long, conflicts_with = "unstar")]
        star: bool,
        /// Remove the star.
        #[arg(long)]
        unstar: bool,
    },
    /// Fetch your feeds (feeds.toml) and write their new and changed entries into the library.
    Fetch {
        /// Only these feeds (their keys in feeds.toml).
        #[arg(value_name = "FEED_KEY")]
        keys: Vec<String>,
        /// Say what would be written, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write into this folder instead of the first library folder.
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
        /// Read this feed list instead of feeds.toml in the config directory.
        #[arg(long, value_name = "FILE")]
        feeds: Option<PathBuf>,
        /// Give up on a feed after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
        timeout: f64,
        /// Give up on feeds not yet started after this many seconds for the whole run.
        #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
        deadline: f64,
    },
    /// Download the cover images of the articles a query lists (every article when none is
    /// given) into the cache, for the reader to draw; `fetch` does this for feed entries itself.
    /// Exit status 1 if an image could not be had.
    Covers {
        /// Only the articles this query lists (same syntax as `list`).
        #[arg(value_name = "QUERY", long_help = query_help())]
        query: Vec<String>,
        #[arg(long = "term", hide = true, allow_hyphen_values = true)]
        terms: Vec<String>,
        /// Give up on an image after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
        timeout: f64,
        /// Say how many images would be downloaded, and download nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Manage the feed list: import it from another reader, export it.
    Feeds {
        #[command(subcommand)]
        command: FeedsCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// Add the feeds of an OPML file, or of newsboat's `urls` file (tags kept), to feeds.toml.
    Import {
        file: PathBuf,
        /// The feed list to add to, instead of feeds.toml in the config directory.
        #[arg(long, value_name = "FILE")]
        feeds: Option<PathBuf>,
    },
    /// Print the feed list as OPML, for another reader.
    Export {
        /// The feed list to print, instead of feeds.toml in the config directory.
        #[arg(long, value_name = "FILE")]
        feeds: Option<PathBuf>,
    },
}
