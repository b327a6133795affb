//! `tidings covers`: downloads the cover images of the articles a query lists into the cache the
//! reader draws them from (the reader itself never touches the network).

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;

use super::{search, stdout, warn_about_problems};
use crate::app::SortMode;
use crate::library::Check;
use crate::library::covers::{cached_path, covers_dir, is_remote};
use crate::setup::Setup;
use crate::ui::article::cover_image;

/// Downloads at once: enough to hide the latency of one image server, few enough not to hammer it.
const AT_ONCE: usize = 4;

pub(super) fn covers(
    setup: &Setup,
    query: &str,
    timeout: Duration,
    dry_run: bool,
) -> Result<ExitCode> {
    let library = setup.open(Check::ChangedFolders)?;
    warn_about_problems(&library);
    let matches = search(&library, &setup.config, query, SortMode::Newest)?;
    let dir = covers_dir(&setup.locations.cache_db);
    // Newest first, each web address once; files and addresses in the cache need nothing.
    let mut seen = HashSet::new();
    let mut wanted = Vec::new();
    let mut cached = 0;
    for &index in &matches {
        let Ok(details) = library.details(index as usize) else {
            continue;
        };
        let Some((_, url)) = cover_image(&details) else {
            continue;
        };
        if !is_remote(url) || !seen.insert(url.clone()) {
            continue;
        }
        if cached_path(&dir, url).is_file() {
            cached += 1;
        } else {
            wanted.push(url.clone());
        }
    }
    let mut out = stdout();
    if dry_run {
        writeln!(
            out,
            "{} cover image(s) to download, {cached} in the cache already",
            wanted.len()
        )?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let counted = std::io::stderr().is_terminal();
    let agent = crate::feeds::http::agent();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let downloaded = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE.min(wanted.len()) {
            scope.spawn(|| {
                while let Some(url) = wanted.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match crate::feeds::download_cover(&agent, url, &dir, timeout) {
                        Ok(true) => {
                            downloaded.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(false) => {}
                        Err(failure) => {
                            // Over the progress count, which the next image writes again.
                            let start = if counted { "\r" } else { "" };
                            let failure = crate::article::text::for_terminal(&failure);
                            eprintln!("{start}tidings: {failure}");
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if counted {
                        eprint!("\r[{done}/{}]", wanted.len());
                    }
                }
            });
        }
    });
    if counted && !wanted.is_empty() {
        eprintln!();
    }
    let failed = failed.load(Ordering::Relaxed);
    writeln!(
        out,
        "{} cover image(s) downloaded, {cached} in the cache already, {failed} could not be had",
        downloaded.load(Ordering::Relaxed)
    )?;
    out.flush()?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
