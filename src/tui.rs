//! The interactive reader's terminal side: setup and teardown, and the event loop that turns keys
//! and mouse events into actions, tells the app what else happened (the clock, what was drawn,
//! the background refresh) as events, and draws.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

use anyhow::{Context as _, Result};
use chrono::Utc;
use crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::DefaultTerminal;

use crate::app::{App, Effect, Event as AppEvent, Key, Level, Settings};
use crate::library::canonical;
use crate::library::watch::{Changes, FolderWatch};
use crate::library::{Library, LoadError, Progress};
use crate::setup::Setup;
use crate::ui::article::Zone;
use crate::ui::cover::Graphics;
use crate::ui::{Theme, View};

/// What the background refresh sends back: a new library when the folders changed.
type Refreshed = Result<Option<Library>, LoadError>;

/// How often the loop wakes without input: picks up a finished refresh and keeps "3m" current.
const TICK: Duration = Duration::from_millis(250);
/// How soon the loop looks again for an article being rendered off its thread: soon enough
/// that it shows within a frame or two of being ready, and only while one is on its way.
const RENDER_CHECK: Duration = Duration::from_millis(15);
/// Lines the mouse wheel moves.
const WHEEL_LINES: i32 = 3;

pub fn run(setup: &Setup) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the reader needs a terminal; for output to a pipe or a file use `tidings list` \
             or `tidings show ID`"
        );
    }
    let progress = Arc::new(Progress::default());
    let settings = Settings {
        sort: setup.config.sort,
        show_drafts: setup.config.show_drafts,
        now: Utc::now(),
        headlines_first: true,
        keymap: setup.config.keymap.clone(),
        saved: setup.config.saved.clone(),
        languages: setup.config.preferred_languages(),
    };
    // Headlines come from the cache at once; the folders are checked for changes meanwhile.
    let (drawn, first_frame) = mpsc::channel::<()>();
    let (library, refresh) = if setup.roots.is_empty() {
        (Library::builtin(&setup.locations.state_db), None)
    } else {
        let paths = setup.store_paths();
        let library = Library::open_cached(&setup.roots, &paths)?;
        let (sender, receiver) = mpsc::channel();
        let roots = setup.roots.clone();
        let thread_progress = Arc::clone(&progress);
        std::thread::Builder::new()
            .name("refresh".into())
            .spawn(move || {
                // The check waits for the first headlines: on two cores, watching and walking
                // a million articles' folders would otherwise slow the first frame by a third.
                // (A failed start drops the sender, which lets the check go too.)
                let _ = first_frame.recv();
                refresh_while_open(&roots, &paths, &thread_progress, &sender);
            })
            .context("cannot start the library refresh")?;
        (library, Some(receiver))
    };
    let mut app = App::new(library, settings);
    if refresh.is_some() {
        app.handle(AppEvent::RefreshStarted);
    }

    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    install_mouse_release_on_panic();
    // Without mouse reporting the reader still works; say nothing and go on.
    let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    let theme = Theme::from_env(setup.config.palette);
    // Asked once, in raw mode and before the first event is read, so the answer is not taken
    // for keys.
    let graphics = (setup.config.images == crate::config::Images::Auto)
        .then(|| {
            Graphics::detect(crate::library::covers::covers_dir(
                &setup.locations.cache_db,
            ))
        })
        .flatten();
    // OSC 8 hyperlinks only where colour is wanted: a dumb terminal or NO_COLOR gets plain text.
    let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
    let view = View::new(theme, Zone::Local)
        .with_hyperlinks(theme.color && !dumb)
        .with_text_width(setup.config.text_width.0)
        .with_graphics(graphics);
    let config_file = &setup.locations.config_file;
    let result = event_loop(
        &mut terminal,
        &mut app,
        view,
        config_file,
        refresh,
        &progress,
        drawn,
    );
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result.map(|()| ExitCode::SUCCESS)
}

/// Checks the folders once at start, then again whenever they change (or on a timer where they
/// cannot be watched), sending a new library each time something did. Runs until the reader quits.
fn refresh_while_open(
    roots: &[std::path::PathBuf],
    paths: &crate::library::StorePaths,
    progress: &Progress,
    sender: &mpsc::Sender<Refreshed>,
) {
    // Watching starts before the first check, so nothing written meanwhile is missed. Events
    // name paths under the folders as the cache knows them: watch those.
    let canonical: Vec<_> = roots.iter().map(|root| canonical(root)).collect();
    let watch = FolderWatch::start(&canonical);
    let mut first = true;
    let mut changes = Changes::Unknown;
    loop {
        let refreshed = match changes {
            // Walking the folders is cheap; a second copy of the library is not: load one only
            // when something changed.
            Changes::Unknown => match Library::has_changes(roots, paths) {
                Ok(false) => Ok(None),
                Ok(true) | Err(_) => Library::open_with_progress(roots, paths, progress).map(Some),
            },
            // The watcher named the files: look at those alone.
            Changes::Files(files) => Library::open_after_changes(roots, paths, &files, progress)
                .map(|library| {
                    let report = library.report();
                    (report.added + report.updated + report.removed > 0).then_some(library)
                }),
        };
        // After the first check, only news is worth a word.
        let worth_sending = first || !matches!(refreshed, Ok(None));
        // The receiver is gone only when the reader has quit.
        if worth_sending && sender.send(refreshed).is_err() {
            return;
        }
        first = false;
        changes = watch.wait();
    }
}

/// ratatui's own hook restores the screen on a panic; mouse reporting must be switched off too,
/// or the shell receives mouse garbage afterwards.
fn install_mouse_release_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    mut view: View,
    config_file: &std::path::Path,
    mut refresh: Option<Receiver<Refreshed>>,
    progress: &Progress,
    drawn: mpsc::Sender<()>,
) -> Result<()> {
    let mut drawn = Some(drawn);
    // Opening a link happens off the loop's thread; what went wrong comes back here.
    let (open_failures, failed_opens) = mpsc::channel::<String>();
    loop {
        while let Ok(text) = failed_opens.try_recv() {
            app.handle(AppEvent::Notice {
                text,
                level: Level::Error,
            });
        }
        app.handle(AppEvent::Tick(Utc::now()));
        draw(terminal, &mut view, app)?;
        if let Some(drawn) = drawn.take() {
            let _ = drawn.send(());
        }
        // The headlines are on screen: count them for the sidebar unless another key is
        // already waiting, which would make the counts stale before they are drawn.
        if !app.is_counted() && !event::poll(Duration::ZERO)? {
            app.handle(AppEvent::Idle);
            continue;
        }
        for effect in app.take_effects() {
            match effect {
                Effect::Copy(text) => {
                    copy_to_clipboard(&text);
                    // tmux drops OSC 52 from programs unless told otherwise, and nothing
                    // confirms it arrived: say how, every time, since we cannot know.
                    if std::env::var_os("TMUX").is_some_and(|tmux| !tmux.is_empty()) {
                        app.handle(AppEvent::Notice {
                            text: format!(
                                "copied (tmux passes it on only with `set -g set-clipboard on` \
                                 in ~/.tmux.conf): {text}"
                            ),
                            level: Level::Info,
                        });
                    }
                }
                Effect::Open(url) => open_link(url, &open_failures),
                Effect::SaveSearch { name, query } => {
                    if let Err(error) = crate::config::save_search(config_file, &name, &query) {
                        app.handle(AppEvent::Notice {
                            text: format!("@{name} is saved for this session only: {error:#}"),
                            level: Level::Error,
                        });
                    }
                }
            }
        }
        if app.should_quit() {
            return Ok(());
        }
        let wait = if view.rendering() { RENDER_CHECK } else { TICK };
        if event::poll(wait)? {
            // Take every event already waiting before drawing again: a held key or a wheel
            // burst costs one frame, not one per event.
            let mut typed = String::new();
            loop {
                let event = event::read()?;
                // Characters typed into the query in one burst (a paste) are one search.
                match typed_char(&event, app) {
                    Some(c) => typed.push(c),
                    None => {
                        app.type_text(&std::mem::take(&mut typed));
                        handle_event(event, app, &view);
                    }
                }
                if app.should_quit() || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
            app.type_text(&typed);
        }
        if let Some(receiver) = &refresh {
            app.handle(AppEvent::RefreshProgress {
                read: progress.read.load(Ordering::Relaxed),
                to_read: progress.to_read.load(Ordering::Relaxed),
            });
            // The refresh goes on while the reader is open: it sends a library each time the
            // folders changed.
            match receiver.try_recv() {
                Ok(Ok(Some(library))) => app.handle(AppEvent::Refreshed(Box::new(library))),
                Ok(Ok(None)) => app.handle(AppEvent::LibraryUnchanged),
                Ok(Err(error)) => app.handle(AppEvent::RefreshFailed(error.to_string())),
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    app.handle(AppEvent::RefreshStopped);
                    refresh = None;
                }
            }
        }
    }
}

/// Draws, tells the app what fit, and draws again if that moved anything (a resize, the first
/// frame), so the screen always shows the state as the app now holds it.
fn draw(terminal: &mut DefaultTerminal, view: &mut View, app: &mut App) -> Result<()> {
    for _ in 0..2 {
        let mut viewport = None;
        terminal.draw(|frame| viewport = Some(view.draw(frame, app)))?;
        let before = (
            app.list_offset(),
            app.article_scroll(),
            app.sidebar_offset(),
        );
        if let Some(viewport) = viewport {
            app.handle(AppEvent::Drawn(viewport));
        }
        if before
            == (
                app.list_offset(),
                app.article_scroll(),
                app.sidebar_offset(),
            )
        {
            break;
        }
    }
    Ok(())
}

fn handle_event(event: Event, app: &mut App, view: &View) {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            // Esc and a key typed right after it arrive as one Alt+key: nothing here is bound
            // to Alt, so it is the two keys the user pressed.
            if key.modifiers.contains(KeyModifiers::ALT) {
                app.handle_key(Key::Esc);
            }
            if let Some(key) = translate(key) {
                app.handle_key(key);
            }
        }
        Event::Mouse(mouse) => {
            let action = match mouse.kind {
                MouseEventKind::Down(MouseButton::Left) => view.click(mouse.column, mouse.row),
                MouseEventKind::ScrollDown => view.wheel(mouse.column, mouse.row, WHEEL_LINES),
                MouseEventKind::ScrollUp => view.wheel(mouse.column, mouse.row, -WHEEL_LINES),
                _ => None,
            };
            if let Some(action) = action {
                app.update(action);
            }
        }
        // A resize needs nothing but the next draw.
        _ => {}
    }
}

/// The character a key event types into the query being edited, if it is one.
fn typed_char(event: &Event, app: &App) -> Option<char> {
    match event {
        Event::Key(key)
            if key.kind != KeyEventKind::Release
                && app.query().editing
                && !key.modifiers.contains(KeyModifiers::ALT) =>
        {
            match translate(*key)? {
                Key::Char(c) => Some(c),
                _ => None,
            }
        }
        _ => None,
    }
}

const fn translate(key: KeyEvent) -> Option<Key> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        _ => return None,
    })
}

/// Opens `url` without holding up the reader: with the program `$BROWSER` names when it is set,
/// else with the platform's opener. The URL is the program's one argument and no shell ever
/// reads it. What goes wrong is sent on `failures`, in words naming the program.
fn open_link(url: String, failures: &mpsc::Sender<String>) {
    let browser = std::env::var("BROWSER").ok();
    let program = browser
        .as_deref()
        .and_then(browser_program)
        .map(str::to_owned);
    let sender = failures.clone();
    let spawned = std::thread::Builder::new()
        .name("open-link".into())
        .spawn(move || {
            let failure = match program {
                Some(program) => run_browser(&program, &url),
                None => open::that_detached(&url)
                    .err()
                    .map(|error| format!("could not open {url} with the system's opener: {error}")),
            };
            if let Some(failure) = failure {
                let _ = sender.send(failure);
            }
        });
    if let Err(error) = spawned {
        let _ = failures.send(format!("could not open a link: {error}"));
    }
}

/// The program `$BROWSER` names: its first entry, as it may be a colon-separated list, and
/// otherwise taken whole (it is run directly, never split into words by a shell).
fn browser_program(browser: &str) -> Option<&str> {
    browser
        .split(':')
        .next()
        .filter(|program| !program.is_empty())
}

/// Runs `program url` detached from the terminal the reader draws on, and waits for it (on the
/// caller's thread, so it leaves no zombie); `Some` says why it failed.
fn run_browser(program: &str, url: &str) -> Option<String> {
    let mut command = std::process::Command::new(program);
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // A process group of its own: the terminal's signals (a hangup when it closes) are the
    // reader's, not the browser's.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    match command.spawn() {
        Err(error) => Some(format!(
            "could not start the browser {program:?} (from $BROWSER): {error}"
        )),
        Ok(mut child) => match child.wait() {
            Ok(status) if !status.success() => Some(format!(
                "the browser {program:?} (from $BROWSER) failed: {status}"
            )),
            _ => None,
        },
    }
}

/// Asks the terminal to put `text` on the clipboard (OSC 52), which works over SSH and in tmux
/// with `set-clipboard on`. Terminals that do not support it ignore the sequence.
fn copy_to_clipboard(text: &str) {
    let mut stdout = std::io::stdout();
    let _ = write!(stdout, "\x1b]52;c;{}\x07", base64(text.as_bytes()));
    let _ = stdout.flush();
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_like_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"https://x.io/a"), "aHR0cHM6Ly94LmlvL2E=");
    }

    #[test]
    fn browser_is_the_first_entry_of_the_list_and_never_split_into_words() {
        assert_eq!(browser_program("firefox"), Some("firefox"));
        assert_eq!(browser_program("firefox:chromium"), Some("firefox"));
        assert_eq!(
            browser_program("/opt/my browser/run --new-tab"),
            Some("/opt/my browser/run --new-tab")
        );
        assert_eq!(browser_program(""), None);
        assert_eq!(browser_program(":firefox"), None);
    }

    #[test]
    fn control_keys_are_told_apart_from_letters() {
        let ctrl_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
        assert_eq!(translate(ctrl_d), Some(Key::Ctrl('d')));
        let upper = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(translate(upper), Some(Key::Char('G')));
    }
}
