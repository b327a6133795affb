//! The subcommands: each loads the library, does one thing, and prints for a terminal or a pipe.

mod covers;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};
use chrono::{Local, Utc};
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::app::counts::Rows;
use crate::app::index::one_row_per_story;
use crate::app::{Context, Facets, Query, SortMode, sorted, without_drafts};
use crate::article::text::{for_terminal, is_terminal_control};
use crate::article::{AiInfo, Article, ArticleDetails, Source};
use crate::cli::{Cli, Command, FeedsCommand};
use crate::config::Config;
use crate::library::stories::Preference;
use crate::library::{Check, Dimension, Library, Marks, Severity, escaped_name};
use crate::setup::Setup;
use crate::ui::ansi::TerminalWriter;
use crate::ui::article::{Zone, article_text};
use crate::ui::markdown::Target;
use crate::ui::{Theme, ansi};

/// Standard output, as every command writes it: through the one filter that lets only
/// tidings' own SGR sequences reach the terminal.
fn stdout() -> TerminalWriter<std::io::BufWriter<std::io::StdoutLock<'static>>> {
    TerminalWriter::new(std::io::BufWriter::new(std::io::stdout().lock()))
}

fn print_default_config() -> Result<ExitCode> {
    let mut out = stdout();
    out.write_all(crate::config::default_text().as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    // Before the configuration is read: the defaults help most when the file is wrong.
    if let Some(Command::Config { .. }) = cli.command {
        return print_default_config();
    }
    let setup = Setup::from_cli(&cli)?;
    match cli.command {
        None => crate::tui::run(&setup),
        Some(Command::List {
            query,
            terms,
            sort,
            limit,
            json,
        }) => list(
            &setup,
            &join_query(query, terms),
            sort.unwrap_or(setup.config.sort),
            limit,
            json,
        ),
        Some(Command::Show { id, width }) => show(&setup, &id, width),
        Some(Command::Stats { query, terms }) => stats(&setup, &join_query(query, terms)),
        Some(Command::Check) => check(&setup),
        Some(Command::Index) => index(&setup),
        Some(Command::Config { .. }) => print_default_config(),
        Some(Command::Mark {
            ids,
            read,
            unread,
            star,
            unstar,
        }) => {
            let read = (read || unread).then_some(read);
            let starred = (star || unstar).then_some(star);
            mark(&setup, &ids, read, starred)
        }
        Some(Command::Fetch {
            keys,
            dry_run,
            into,
            feeds,
            timeout,
            deadline,
        }) => {
            let options = crate::feeds::FetchOptions {
                timeout: seconds(timeout, "--timeout")?,
                deadline: seconds(deadline, "--deadline")?,
                dry_run,
                covers: Some(crate::library::covers::covers_dir(
                    &setup.locations.cache_db,
                )),
                ..crate::feeds::FetchOptions::default()
            };
            fetch(&setup, &keys, into, feeds, &options)
        }
        Some(Command::Covers {
            query,
            terms,
            timeout,
            dry_run,
        }) => covers::covers(
            &setup,
            &join_query(query, terms),
            seconds(timeout, "--timeout")?,
            dry_run,
        ),
        Some(Command::Feeds { command }) => match command {
            FeedsCommand::Import { file, feeds } => {
                let path = feeds.unwrap_or_else(|| setup.locations.feeds_file.clone());
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let found = crate::feeds::opml::import(&text)
                    .with_context(|| format!("cannot import {}", file.display()))?;
                let added = crate::feeds::list::append(&path, &found)?;
                for feed in &added {
                    println!("{}: {} <{}>", feed.key, feed.name, feed.url);
                }
                println!(
                    "{} feed(s) added to {} ({} listed already)",
                    added.len(),
                    path.display(),
                    found.len() - added.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            FeedsCommand::Export { feeds } => {
                let path = feeds.unwrap_or_else(|| setup.locations.feeds_file.clone());
                let list = crate::feeds::list::load(&path)?;
                std::io::stdout()
                    .lock()
                    .write_all(crate::feeds::opml::export(&list).as_bytes())?;
                Ok(ExitCode::SUCCESS)
            }
        },
    }
}

fn seconds(value: f64, option: &str) -> Result<std::time::Duration> {
    std::time::Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .with_context(|| format!("{option} takes a number of seconds above 0"))
}

/// `tidings fetch`: one line per feed (failures on stderr), exit status 1 if any failed.
fn fetch(
    setup: &Setup,
    keys: &[String],
    into: Option<std::path::PathBuf>,
    feeds: Option<std::path::PathBuf>,
    options: &crate::feeds::FetchOptions,
) -> Result<ExitCode> {
    let path = feeds.unwrap_or_else(|| setup.locations.feeds_file.clone());
    let mut list = crate::feeds::list::load(&path)?;
    if list.is_empty() {
        bail!(
            "no feeds in {}: add [[feed]] tables (name, key, url) or `tidings feeds import FILE`",
            path.display()
        );
    }
    if !keys.is_empty() {
        if let Some(unknown) = keys.iter().find(|k| !list.iter().any(|f| &&f.key == k)) {
            bail!("no feed with the key {unknown:?} in {}", path.display());
        }
        list.retain(|f| keys.contains(&f.key));
    }
    let Some(library) = into.or_else(|| setup.roots.first().cloned()) else {
        bail!("no library folder to write into: configure `library`, or give --library or --into");
    };
    let progress = std::io::stderr().is_terminal();
    if progress {
        eprintln!(
            "fetching {} feed(s) into {}…",
            list.len(),
            library.display()
        );
    }
    // On a terminal each feed's line says how far the run is ("[3/12]"); a pipe gets the lines
    // alone, one per feed.
    let total = list.len();
    let counted = progress && std::io::stdout().is_terminal();
    let mut done = 0;
    let reports = crate::feeds::fetch(
        &list,
        &library,
        &setup.locations.fetch_state,
        options,
        |report| {
            done += 1;
            let counter = if counted {
                format!("[{done}/{total}] ")
            } else {
                String::new()
            };
            if let Ok(outcome) = &report.outcome {
                for (path, written) in &outcome.planned {
                    let what = match written {
                        crate::feeds::write::Written::New => "new",
                        _ => "changed",
                    };
                    println!("{}: would write {} ({what})", report.key, path.display());
                }
            }
            for problem in &report.problems {
                eprintln!("{}: {problem}", report.key);
            }
            for warning in &report.warnings {
                eprintln!("{}: warning: {warning}", report.key);
            }
            if report.outcome.is_err() {
                eprintln!("{counter}{}", report.line());
            } else {
                println!("{counter}{}", report.line());
            }
        },
    );
    let failed = reports.iter().filter(|r| r.failed()).count();
    if progress {
        eprintln!("{} feed(s) fetched, {failed} with problems", reports.len());
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One query from the words on the command line; a word with spaces was a quoted phrase.
fn join_query(query: Vec<String>, terms: Vec<String>) -> String {
    query
        .into_iter()
        .chain(terms)
        .map(|word| {
            if word.contains(char::is_whitespace) && !word.contains('"') {
                // `tidings list "short squeeze"`: the shell took the quotes, give them back. A
                // whole query in one argument (`"btc -is:read"`) has no colon-free phrase intent,
                // so only quote words without field syntax; a pattern keeps its spaces.
                if word
                    .split_whitespace()
                    .any(|w| w.contains(':') || w.starts_with(['-', '/']))
                {
                    word
                } else {
                    format!("\"{word}\"")
                }
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The articles matching `query_text`, in `sort` order.
fn search(
    library: &Library,
    config: &Config,
    query_text: &str,
    sort: SortMode,
) -> Result<Vec<u32>> {
    let query = parse_query(query_text, config)?;
    let order = sorted(library.columns(), sort);
    matching(library, config, &query, &order)
}

fn parse_query(text: &str, config: &Config) -> Result<Query> {
    let query = Query::parse_with(text, Utc::now(), &config.saved);
    if let Some(error) = query.errors.first() {
        bail!("cannot understand the query: {error}");
    }
    Ok(query)
}

/// The `candidates` that match `query`.
fn matching(
    library: &Library,
    config: &Config,
    query: &Query,
    candidates: &[u32],
) -> Result<Vec<u32>> {
    let visible = if query.is_empty() {
        without_drafts(library.columns(), candidates, config.show_drafts)
    } else {
        let context = Context::of(library, config.show_drafts);
        let searched = library.columns().search(query, &context, candidates);
        if let Some(error) = searched.errors.first() {
            bail!("{error}");
        }
        searched.visible
    };
    let preference = Preference::new(library.columns(), &config.preferred_languages());
    Ok(one_row_per_story(library, query, visible, &preference))
}

fn warn_about_problems(library: &Library) {
    let unusable = library
        .problems()
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    if unusable > 0 {
        eprintln!("tidings: {unusable} file(s) could not be loaded; `tidings check` lists them");
    }
}

fn list(
    setup: &Setup,
    query: &str,
    sort: SortMode,
    limit: Option<usize>,
    json: bool,
) -> Result<ExitCode> {
    let library = setup.open(Check::ChangedFolders)?;
    warn_about_problems(&library);
    let matches = search(&library, &setup.config, query, sort)?;
    let shown = &matches[..matches.len().min(limit.unwrap_or(usize::MAX))];
    let theme = Theme::from_env(setup.config.palette);
    // Colour only on a terminal, and not with NO_COLOR.
    let theme = (std::io::stdout().is_terminal() && theme.color).then_some(theme);
    let mut out = stdout();
    for &index in shown {
        let i = index as usize;
        if json {
            let article = library.read_article(i);
            // A text that cannot be read costs the links, not the line.
            let details = library.details(i).unwrap_or_default();
            let json = serde_json::to_string(&ArticleJson::new(&library, &article, &details, i))?;
            writeln!(out, "{}", escape_json_controls(&json))?;
        } else {
            writeln!(out, "{}", headline(&library, i, theme))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

const SOURCE_COLUMNS: usize = 16;

fn headline(library: &Library, i: usize, theme: Option<Theme>) -> String {
    // Read, not kept: `list` may print a million of them.
    let article = &library.read_article(i);
    let date = article.published_at.map_or_else(
        || format!("{:<16}", "date unknown"),
        |at| {
            at.with_timezone(&Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        },
    );
    let glyph = article.sentiment.glyph();
    let glyph = match theme {
        Some(theme) => {
            let style = theme.sentiment(article.sentiment);
            ansi::line_to_string(&ratatui::text::Line::styled(glyph.to_string(), style), true)
        }
        None => glyph.to_string(),
    };
    let marks = library.marks(i);
    let flags = format!(
        "{}{}",
        if article.is_pinned() { '^' } else { ' ' },
        if marks.starred { '*' } else { ' ' }
    );
    format!(
        "{}  {date}  {}  {glyph} {flags}{}",
        article.id.short(),
        pad(&article.source.name, SOURCE_COLUMNS),
        article.title
    )
}

/// Cuts or pads `text` to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let cut = text.width() > width;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + usize::from(cut) > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if cut {
        out.push('…');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// Every field of an article, for `list --json`: the frontmatter's keys under their own names
/// (`publishedAt`, `coverImage`, …), whichever alias the file used, and tidings' own beside them
/// (`id`, `shortId`, `path`, `authors`, `read`, `starred`, `offline`, `translations`). Absent
/// values are `null`, so every line has every key.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArticleJson<'a> {
    id: &'a str,
    short_id: String,
    path: &'a str,
    title: &'a str,
    description: &'a str,
    published_at: Option<String>,
    updated_at: Option<String>,
    lang: Option<&'a str>,
    external_id: Option<&'a str>,
    source: SourceJson<'a>,
    canonical_url: Option<&'a str>,
    category: Option<&'a str>,
    tags: &'a [crate::article::ShortText],
    authors: &'a [String],
    sticky_weight: f64,
    sentiment: &'static str,
    score: f64,
    draft: bool,
    cover_image: Option<CoverImageJson<'a>>,
    ai: Option<AiJson<'a>>,
    read: bool,
    starred: bool,
    offline: bool,
    translations: Vec<String>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    name: &'a str,
    key: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AiJson<'a> {
    rewritten: bool,
    expanded_at: Option<String>,
    version: Option<i64>,
    translated_from: Option<&'a str>,
}

/// `{raw, full, regular, …}` in the file's order.
struct CoverImageJson<'a>(&'a [(String, String)]);

impl Serialize for CoverImageJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(size, url)| (size, url)))
    }
}

/// `json` with the C1 and bidi controls serde_json leaves raw written as `\u` escapes, as it
/// writes C0: a JSON line printed to a terminal acts on nothing in it. Outside strings JSON has
/// no such characters, so every one found is inside a string, where the escape means the same.
fn escape_json_controls(json: &str) -> Cow<'_, str> {
    if !json.contains(is_terminal_control) {
        return json.into();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_terminal_control(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out.into()
}

fn json_time(at: Option<chrono::DateTime<Utc>>) -> Option<String> {
    at.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

impl<'a> ArticleJson<'a> {
    fn new(library: &Library, article: &'a Article, details: &'a ArticleDetails, i: usize) -> Self {
        let marks = library.marks(i);
        let source: &'a Source = &article.source;
        ArticleJson {
            id: &article.id.0,
            short_id: article.id.short(),
            path: &article.path,
            title: &article.title,
            description: &article.description,
            published_at: json_time(article.published_at),
            updated_at: json_time(article.updated_at),
            lang: article.lang.as_deref(),
            external_id: article.external_id.as_deref(),
            source: SourceJson {
                name: &source.name,
                key: &source.key,
                kind: &source.kind,
                url: details.source_url.as_deref(),
            },
            canonical_url: details.canonical_url.as_deref(),
            category: article.category.as_deref(),
            tags: &article.tags,
            authors: &article.authors,
            sticky_weight: article.sticky_weight,
            sentiment: article.sentiment.name(),
            score: article.score,
            draft: article.draft,
            cover_image: (!details.cover_image.is_empty())
                .then_some(CoverImageJson(&details.cover_image)),
            ai: article.ai.as_ref().map(|ai: &'a AiInfo| AiJson {
                rewritten: ai.rewritten,
                expanded_at: json_time(details.ai_expanded_at),
                version: ai.version,
                translated_from: ai.translated_from.as_deref(),
            }),
            read: marks.read,
            starred: marks.starred,
            offline: library.is_offline(i),
            translations: library
                .translations(i)
                .into_iter()
                .map(|t| library.read_article(t).id.0.to_string())
                .collect(),
        }
    }
}

fn show(setup: &Setup, id: &str, width: Option<u16>) -> Result<ExitCode> {
    let library = setup.open(Check::ChangedFolders)?;
    let index = library.find(id)?;
    let details = library.details(index).with_context(|| {
        let path = &library.article(index).path;
        format!("cannot read the text of {}", escaped_name(path))
    })?;
    let terminal = std::io::stdout().is_terminal();
    let width = width.unwrap_or_else(|| {
        if terminal {
            crossterm::terminal::size().map_or(80, |(columns, _)| columns.min(100))
        } else {
            80
        }
    });
    let theme = Theme::from_env(setup.config.palette);
    let color = terminal && theme.color;
    let lines = article_text(
        library.article(index),
        &details,
        library.marks(index),
        width,
        theme,
        Zone::Local,
        library.original_language(index),
        Target::Pipe,
    )
    .lines;
    let mut out = stdout();
    for line in &lines {
        writeln!(out, "{}", ansi::line_to_string(line, color))?;
    }
    let translations = library.translations(index);
    if !translations.is_empty() {
        writeln!(out)?;
        for other in translations {
            let article = library.article(other);
            writeln!(
                out,
                "Also in {}: tidings show {}",
                article.lang.as_deref().unwrap_or("?"),
                article.id.short()
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn stats(setup: &Setup, query: &str) -> Result<ExitCode> {
    let library = setup.open(Check::ChangedFolders)?;
    warn_about_problems(&library);
    let query = parse_query(query, &setup.config)?;
    // Counts do not depend on order: no sort. One index serves the search and the counts.
    let index = library.columns();
    let everything: Vec<u32> = (0..library.len() as u32).collect();
    let matches = matching(&library, &setup.config, &query, &everything)?;
    // As in the sidebar: one row per story, and a language counts the stories told in it.
    let stories = (!query.picks_languages()).then(|| library.stories());
    let facets = index
        .tally(&Rows::of(&matches, index.len()), stories, None)
        .facets;
    let mut out = stdout();
    // One row per story unless the query picks languages (then each version is one).
    let what = if query.picks_languages() {
        "articles"
    } else {
        "stories"
    };
    writeln!(out, "{} {what}", facets.total)?;
    writeln!(out, "\nSentiment")?;
    for sentiment in crate::article::Sentiment::ALL {
        let count = facets.sentiment_count(sentiment);
        let share = if facets.total == 0 {
            0.0
        } else {
            100.0 * count as f64 / facets.total as f64
        };
        writeln!(
            out,
            "  {} {:<9} {count:>7}  {share:5.1}%",
            sentiment.glyph(),
            sentiment.name()
        )?;
    }
    for dimension in Dimension::ALL {
        writeln!(out, "\n{}", dimension.heading())?;
        let counts = &facets.values[dimension.index()];
        for (id, count) in Facets::ranked(counts).into_iter().take(20) {
            writeln!(out, "  {} {count:>7}", pad(index.name(dimension, id), 24))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn check(setup: &Setup) -> Result<ExitCode> {
    let library = setup.open(Check::FilesAndCache)?;
    let mut out = stdout();
    for problem in library.problems() {
        // One line a problem, whatever the file is called or the parser said.
        let path = escaped_name(&problem.path);
        let message = for_terminal(&problem.message);
        match problem.severity {
            Severity::Error => writeln!(out, "{path}: {message}")?,
            Severity::Warning => writeln!(out, "{path}: warning: {message}")?,
            Severity::Note => writeln!(out, "{path}: note: {message}")?,
        }
    }
    out.flush()?;
    // Notes are guesses where a file said nothing, not faults: they do not fail a check.
    let notes = library
        .problems()
        .iter()
        .filter(|p| p.severity == Severity::Note)
        .count();
    let count = library.problems().len() - notes;
    let notes = if notes == 0 {
        String::new()
    } else {
        format!(", {notes} note(s)")
    };
    eprintln!(
        "tidings: {} articles loaded; {count} problem(s){notes}",
        library.len()
    );
    Ok(if count == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn index(setup: &Setup) -> Result<ExitCode> {
    let mut out = stdout();
    if setup.roots.is_empty() {
        writeln!(
            out,
            "no library folder configured: the built-in samples need no index (see `tidings --help`)"
        )?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let started = Instant::now();
    let library = setup.open(Check::Files)?;
    let report = library.report();
    let online = library
        .roots()
        .iter()
        .filter(|r| r.offline.is_none())
        .count();
    writeln!(
        out,
        "scanned {} files in {online} folder(s) in {:.2} s: {} added, {} updated, {} removed, {} parsed, {} with problems; {} articles",
        report.scanned,
        started.elapsed().as_secs_f64(),
        report.added,
        report.updated,
        report.removed,
        report.parsed,
        report.problems,
        library.len(),
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn mark(
    setup: &Setup,
    ids: &[String],
    read: Option<bool>,
    starred: Option<bool>,
) -> Result<ExitCode> {
    if read.is_none() && starred.is_none() {
        bail!("say what to mark: --read, --unread, --star or --unstar");
    }
    let mut library = setup.open(Check::ChangedFolders)?;
    if !library.marks_are_saved() {
        bail!("marks cannot be saved (see above); nothing changed");
    }
    let indices = ids
        .iter()
        .map(|id| library.find(id))
        .collect::<Result<Vec<_>, _>>()?;
    // One transaction for the whole command: every id and flag is marked, or none.
    library.change_marks(&indices, |_, marks| Marks {
        read: read.unwrap_or(marks.read),
        starred: starred.unwrap_or(marks.starred),
    })?;
    Ok(ExitCode::SUCCESS)
}
