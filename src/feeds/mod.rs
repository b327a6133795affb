//! News in without an aggregator: feeds fetched, converted and written into the library.

pub mod convert;
pub mod http;
pub mod list;
pub mod opml;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;

pub use list::FeedSpec;

use http::{FetchState, Response, Validators};
use write::{FeedFolder, Written};

/// Limits for one run of `tidings fetch`.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Per request, redirects and body included.
    pub timeout: Duration,
    /// For the whole run: a feed not started by then is reported, not fetched.
    pub deadline: Duration,
    pub max_body: u64,
    /// Feeds fetched at once (one connection per host at a time whatever this says).
    pub workers: usize,
    pub dry_run: bool,
    /// Where entries' cover images are downloaded for the reader; `None`: they are not.
    pub covers: Option<PathBuf>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(300),
            max_body: 20 * 1000 * 1000,
            workers: 4,
            dry_run: false,
            covers: None,
        }
    }
}

/// How one feed went.
#[derive(Debug)]
pub struct Report {
    pub key: String,
    pub name: String,
    pub outcome: Result<Outcome, String>,
    /// Entries that could not be written, each a sentence.
    pub problems: Vec<String>,
    /// What went wrong that costs nothing but a cover image, each a sentence.
    pub warnings: Vec<String>,
    /// To remember for the next run, when the feed was read and written in full.
    validators: Option<(String, Validators)>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub not_modified: bool,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    pub dry_run: bool,
    /// With `--dry-run`: the files that would be written, and whether they are new.
    pub planned: Vec<(PathBuf, Written)>,
}

impl Report {
    /// The feed's one line: what was written, or why nothing was.
    pub fn line(&self) -> String {
        match &self.outcome {
            Err(message) => format!("{}: failed: {message}", self.key),
            Ok(outcome) if outcome.not_modified => format!("{}: not modified", self.key),
            Ok(outcome) => {
                let verb = if outcome.dry_run { "would write " } else { "" };
                let mut line = format!(
                    "{}: {verb}{} new, {} updated, {} unchanged",
                    self.key, outcome.new, outcome.updated, outcome.unchanged
                );
                if outcome.duplicates > 0 {
                    line.push_str(&format!(
                        ", {} with a repeated id skipped",
                        outcome.duplicates
                    ));
                }
                line
            }
        }
    }

    pub const fn failed(&self) -> bool {
        self.outcome.is_err() || !self.problems.is_empty()
    }
}

/// Fetches `feeds` into `library`, calling `each` with every feed's report as it comes in (for
/// progress), and remembers what the servers said in `state_path` (unless a dry run).
pub fn fetch(
    feeds: &[FeedSpec],
    library: &Path,
    state_path: &Path,
    options: &FetchOptions,
    mut each: impl FnMut(&Report),
) -> Vec<Report> {
    let mut state = FetchState::load(state_path);
    let started = Instant::now();
    let agent = http::agent();
    // One queue entry per host, its feeds in order: a host never sees two requests at once.
    let mut hosts: Vec<(String, Vec<&FeedSpec>)> = Vec::new();
    for feed in feeds {
        let host = ureq::http::Uri::try_from(feed.url.as_str())
            .ok()
            .and_then(|uri| uri.authority().map(|a| a.as_str().to_lowercase()))
            .unwrap_or_else(|| feed.url.clone());
        match hosts.iter_mut().find(|(h, _)| *h == host) {
            Some((_, group)) => group.push(feed),
            None => hosts.push((host, vec![feed])),
        }
    }
    let queue = Mutex::new(hosts.into_iter());
    let known = &state;
    let (sender, receiver) = mpsc::channel();
    let mut reports = Vec::new();
    std::thread::scope(|scope| {
        for _ in 0..options.workers.max(1) {
            let sender = sender.clone();
            let queue = &queue;
            let agent = &agent;
            scope.spawn(move || {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.next());
                    let Some((_, group)) = next else { break };
                    for feed in group {
                        let remaining = options.deadline.saturating_sub(started.elapsed());
                        let report = if remaining.is_zero() {
                            Report {
                                key: feed.key.clone(),
                                name: feed.name.clone(),
                                outcome: Err(format!(
                                    "not fetched: the run's deadline of {:.0} s passed",
                                    options.deadline.as_secs_f64()
                                )),
                                problems: Vec::new(),
                                warnings: Vec::new(),
                                validators: None,
                            }
                        } else {
                            let timeout = options.timeout.min(remaining);
                            one_feed(agent, feed, library, known, timeout, options)
                        };
                        if sender.send(report).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(sender);
        for report in receiver {
            each(&report);
            reports.push(report);
        }
    });
    if !options.dry_run {
        let mut changed = false;
        for report in &mut reports {
            if let Some((url, validators)) = report.validators.take() {
                state.feeds.insert(url, validators);
                changed = true;
            }
        }
        if changed && let Err(error) = state.save(state_path) {
            // Only the next run's 304s are lost: every article is written already.
            eprintln!(
                "tidings: cannot save {}: {error}; the next fetch downloads every feed again",
                state_path.display()
            );
        }
    }
    reports
}

/// Downloads the cover image at `url` into the `covers` cache unless it is there already (or is
/// not a web URL). The reader never downloads: this is how a cover gets to it. `Ok(true)` when
/// it was downloaded now.
pub fn download_cover(
    agent: &ureq::Agent,
    url: &str,
    covers: &Path,
    timeout: Duration,
) -> Result<bool, String> {
    if !crate::library::covers::is_remote(url) {
        return Ok(false);
    }
    let path = crate::library::covers::cached_path(covers, url);
    if path.is_file() {
        return Ok(false);
    }
    let max = crate::library::covers::MAX_DOWNLOAD_BYTES;
    let body = match http::get(agent, url, None, timeout, max) {
        Ok(Response::Feed { body, .. }) => body,
        Ok(Response::NotModified) => return Ok(false),
        Err(error) => return Err(format!("cover image {url} not downloaded: {error}")),
    };
    std::fs::create_dir_all(covers)
        .and_then(|()| write::replace_file(&path, &body))
        .map_err(|e| format!("cover image {url} not saved in {}: {e}", covers.display()))?;
    Ok(true)
}

fn one_feed(
    agent: &ureq::Agent,
    feed: &FeedSpec,
    library: &Path,
    state: &FetchState,
    timeout: Duration,
    options: &FetchOptions,
) -> Report {
    let mut report = Report {
        key: feed.key.clone(),
        name: feed.name.clone(),
        outcome: Err(String::new()),
        problems: Vec::new(),
        warnings: Vec::new(),
        validators: None,
    };
    report.outcome = (|| {
        let known = state.feeds.get(&feed.url);
        let (body, validators) =
            match http::get(agent, &feed.url, known, timeout, options.max_body)? {
                Response::NotModified => {
                    return Ok(Outcome {
                        not_modified: true,
                        ..Outcome::default()
                    });
                }
                Response::Feed { body, validators } => (body, validators),
            };
        let parsed = convert::parse(&body, &feed.url)?;
        let converted = convert::convert(feed, &parsed, Utc::now());
        report.problems = converted.problems;
        let mut outcome = Outcome {
            duplicates: converted.duplicates,
            dry_run: options.dry_run,
            ..Outcome::default()
        };
        let mut folder = FeedFolder::open(library, &feed.key);
        for article in &converted.articles {
            let (path, written) = if options.dry_run {
                folder.plan(article)
            } else {
                folder
                    .write(article)
                    .map_err(|e| format!("cannot write {:?}: {e}", article.title))?
            };
            match written {
                Written::New => outcome.new += 1,
                Written::Updated => outcome.updated += 1,
                Written::Unchanged => outcome.unchanged += 1,
            }
            if options.dry_run && written != Written::Unchanged {
                outcome.planned.push((path, written));
            }
            if let (Some(covers), Some(url), false) =
                (&options.covers, &article.cover_url, options.dry_run)
                && let Err(warning) = download_cover(agent, url, covers, timeout)
            {
                report.warnings.push(warning);
            }
        }
        if validators != Validators::default() {
            report.validators = Some((feed.url.clone(), validators));
        }
        Ok(outcome)
    })();
    report
}
