//! The interactive reader end to end: the real binary in a pseudo-terminal, real keys in, the
//! screen (as a terminal emulator sees it) and the raw bytes out.
#![cfg(unix)]
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

use std::fmt;
use std::fs;
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// Long enough for a slow CI machine; a passing test never waits this long.
const TIMEOUT: Duration = Duration::from_secs(10);

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const CTRL_U: &str = "\x15";

/// What the pseudo-terminal has received so far.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
    /// The reader saw the end of the output (the child and every copy of the pty are gone).
    closed: bool,
}

/// A copy of the emulated screen, for predicates and failure messages.
struct Screen {
    screen: vt100::Screen,
}

impl Screen {
    fn rows(&self) -> Vec<String> {
        let (_, cols) = self.screen.size();
        self.screen.rows(0, cols.get()).collect()
    }

    /// The query line: second row from the bottom.
    fn query_row(&self) -> String {
        let rows = self.rows();
        rows[rows.len() - 2].clone()
    }

    /// The columns `start..start + width` of every row, one line each.
    fn columns(&self, start: u16, width: u16) -> String {
        self.screen
            .rows(start, width)
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn contains(&self, text: &str) -> bool {
        self.screen.contents().contains(text)
    }

    fn contains_all(&self, texts: &[&str]) -> bool {
        texts.iter().all(|text| self.contains(text))
    }

    fn contains_none(&self, texts: &[&str]) -> bool {
        !texts.iter().any(|text| self.contains(text))
    }
}

impl fmt::Display for Screen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, row) in self.rows().iter().enumerate() {
            writeln!(f, "{n:>3}|{row}")?;
        }
        Ok(())
    }
}

/// The reader running in a pseudo-terminal; killed on drop, so a failing test leaves no process.
struct Tui {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    output: Arc<(Mutex<Output>, Condvar)>,
    size: (u16, u16),
}

impl Tui {
    fn start(env: &Env, cols: u16, rows: u16) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_tidings"));
        command.arg("--library");
        command.arg(env.library());
        command.cwd(env.dir.path());
        command.env("TERM", "xterm-256color");
        command.env("TZ", "UTC");
        command.env("TIDINGS_CACHE_DIR", env.dir.path().join("cache"));
        command.env("TIDINGS_DATA_DIR", env.dir.path().join("data"));
        command.env("TIDINGS_CONFIG", env.dir.path().join("config.toml"));
        command.env_remove("NO_COLOR");
        // No real browser or tmux from the machine running the tests.
        command.env_remove("BROWSER");
        command.env_remove("TMUX");
        for (name, value) in &env.vars {
            command.env(name, value);
        }
        let child = pair.slave.spawn_command(command).expect("tidings starts");
        // Only the child may hold the terminal side, or the reader never sees the end.
        drop(pair.slave);

        let output = Arc::new((
            Mutex::new(Output {
                parser: vt100::Parser::new(
                    NonZeroU16::new(rows).expect("rows"),
                    NonZeroU16::new(cols).expect("columns"),
                    0,
                ),
                raw: Vec::new(),
                closed: false,
            }),
            Condvar::new(),
        ));
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let shared = Arc::clone(&output);
        std::thread::Builder::new()
            .name("pty-reader".into())
            .spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    // Linux reports the end of a pty as EIO rather than a 0-byte read.
                    let n = reader.read(&mut buf).unwrap_or(0);
                    let (lock, changed) = &*shared;
                    let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
                    if n == 0 {
                        out.closed = true;
                        changed.notify_all();
                        return;
                    }
                    out.parser.process(&buf[..n]);
                    out.raw.extend_from_slice(&buf[..n]);
                    changed.notify_all();
                }
            })
            .expect("reader thread");
        let writer = pair.master.take_writer().expect("pty writer");
        Self {
            child,
            master: pair.master,
            writer,
            output,
            size: (cols, rows),
        }
    }

    /// Types `keys` as the terminal would send them.
    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    fn lock(&self) -> MutexGuard<'_, Output> {
        self.output.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn screen(&self) -> Screen {
        Screen {
            screen: self.lock().parser.screen().clone(),
        }
    }

    /// Waits until `predicate` holds for the screen; fails with the whole screen if it never does.
    fn wait_for(&self, what: &str, predicate: impl Fn(&Screen) -> bool) -> Screen {
        let deadline = Instant::now() + TIMEOUT;
        let (lock, changed) = &*self.output;
        let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let screen = Screen {
                screen: out.parser.screen().clone(),
            };
            if predicate(&screen) {
                return screen;
            }
            let now = Instant::now();
            if now >= deadline {
                let (cols, rows) = self.size;
                panic!(
                    "timed out after {TIMEOUT:?} waiting for: {what}\nscreen ({cols}×{rows}):\n{screen}"
                );
            }
            out = changed
                .wait_timeout(out, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Waits until the raw output holds `bytes`.
    fn wait_for_raw(&self, what: &str, bytes: &[u8]) {
        let deadline = Instant::now() + TIMEOUT;
        let (lock, changed) = &*self.output;
        let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
        while !contains_bytes(&out.raw, bytes) {
            let now = Instant::now();
            assert!(
                now < deadline && !out.closed,
                "never wrote {what} ({bytes:?}); screen:\n{}",
                Screen {
                    screen: out.parser.screen().clone()
                }
            );
            out = changed
                .wait_timeout(out, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Waits for the process to end by itself.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "tidings did not exit within {TIMEOUT:?}; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn raw(&self) -> Vec<u8> {
        self.lock().raw.clone()
    }

    /// The terminal's local mode flags (ICANON, ECHO, …) as the child last set them.
    fn local_flags(&self) -> libc::tcflag_t {
        self.master
            .get_termios()
            .expect("termios of the pty")
            .local_flags
            .bits()
    }

    /// Launches and waits for the refreshed library: every headline listed, nothing pending.
    fn start_and_wait(env: &Env, cols: u16, rows: u16, titles: &[&str]) -> Self {
        let tui = Self::start(env, cols, rows);
        let count = format!("Headlines 1 of {n} ", n = titles.len());
        tui.wait_for("every headline listed", |s| {
            s.contains(&count) && s.contains_all(titles) && !s.contains("refreshing")
        });
        tui
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// A temporary home: the library folder and every store tidings writes; and environment
/// variables for the reader.
struct Env {
    dir: tempfile::TempDir,
    vars: Vec<(&'static str, String)>,
}

impl Env {
    fn new() -> Self {
        let env = Self {
            dir: tempfile::tempdir().expect("temp dir"),
            vars: Vec::new(),
        };
        fs::create_dir_all(env.library()).expect("library folder");
        env
    }

    fn library(&self) -> PathBuf {
        self.dir.path().join("news")
    }
}

struct Story<'a> {
    file: &'a str,
    id: u32,
    title: &'a str,
    sentiment: &'a str,
    tags: &'a str,
    body: &'a str,
}

fn write_article(root: &Path, story: &Story<'_>) {
    let Story {
        file,
        id,
        title,
        sentiment,
        tags,
        body,
    } = story;
    let text = format!(
        "---\ntitle: '{title}'\ndescription: 'About {title}.'\npublishedAt: '2026-03-{day:02}T10:00:00Z'\n\
         lang: en\nexternalId: '{id}'\nsource: {{name: Test Wire, key: testwire, type: RSS}}\n\
         category: TEST\ntags: [{tags}]\nsentiment: {sentiment}\n---\n## Overview\n\n{body}\n",
        day = id + 1
    );
    fs::write(root.join(file), text).expect("write article");
}

const HARBOR: &str = "Harbor cranes restart";
const MINERS: &str = "Miners sell off";
const RATES: &str = "Rates held steady";
const ORCHARD: &str = "Orchard yields climb";
/// Newest first, the default sort.
const TITLES: [&str; 4] = [HARBOR, MINERS, RATES, ORCHARD];

const HARBOR_BODY: &str = "Dockworkers cleared the backlog overnight.";
const MINERS_BODY: &str = "Shares of gold producers slid for a third day.";
const RATES_BODY: &str = "The committee left borrowing costs unchanged.";

/// Four articles, one day apart, one of them negative.
fn four_stories() -> Env {
    let env = Env::new();
    let root = env.library();
    let stories = [
        Story {
            file: "harbor.md",
            id: 4,
            title: HARBOR,
            sentiment: "POSITIVE",
            tags: "PORTS, SHIPPING",
            body: HARBOR_BODY,
        },
        Story {
            file: "miners.md",
            id: 3,
            title: MINERS,
            sentiment: "NEGATIVE",
            tags: "MINING",
            body: MINERS_BODY,
        },
        Story {
            file: "rates.md",
            id: 2,
            title: RATES,
            sentiment: "NEUTRAL",
            tags: "RATES",
            body: RATES_BODY,
        },
        Story {
            file: "orchard.md",
            id: 1,
            title: ORCHARD,
            sentiment: "POSITIVE",
            tags: "FARMING",
            body: "Growers reported the best apple harvest in years.",
        },
    ];
    for story in &stories {
        write_article(&root, story);
    }
    env
}

// The terminal receives a frame in pieces, so a screen may be half drawn: every expectation
// goes into a `wait_for` predicate, which a half-drawn frame can only delay, never fail.

#[test]
fn launch_lists_the_headlines_with_count_and_sort() {
    let env = four_stories();
    // The second launch reads the headlines from the cache the first one wrote.
    for (cols, rows) in [(120, 36), (80, 24)] {
        let tui = Tui::start_and_wait(&env, cols, rows, &TITLES);
        tui.wait_for("the count, the sort, newest first", |s| {
            let query = s.query_row();
            let rows = s.rows();
            let row_of = |title: &str| rows.iter().position(|row| row.contains(title));
            let positions: Vec<Option<usize>> = TITLES.iter().map(|t| row_of(t)).collect();
            s.contains(" of 4 ")
                && query.starts_with("no filter")
                && query.trim_end().ends_with("sort: newest")
                && positions.iter().all(Option::is_some)
                && positions.windows(2).all(|pair| pair[0] < pair[1])
                && s.screen.alternate_screen()
        });
    }
}

#[test]
fn a_file_added_while_the_reader_runs_appears_without_a_key() {
    let env = four_stories();
    // Once to fill the cache, then the start this test is about: from a cached library.
    drop(Tui::start_and_wait(&env, 120, 36, &TITLES));
    let tui = Tui::start_and_wait(&env, 120, 36, &TITLES);
    let newcomer = "Ferry service resumes";
    write_article(
        &env.library(),
        &Story {
            file: "ferry.md",
            id: 9,
            title: newcomer,
            sentiment: "POSITIVE",
            tags: "PORTS",
            body: "The first crossing left on time.",
        },
    );
    tui.wait_for("the new headline, on top, no key pressed", |s| {
        let list = s.columns(0, 56);
        let rows: Vec<&str> = list.lines().collect();
        let newest = rows.iter().position(|row| row.contains(newcomer));
        let next = rows.iter().position(|row| row.contains(HARBOR));
        s.contains(" of 5 ") && newest.is_some() && newest < next && s.contains("1 added")
    });
    // And one that goes away leaves.
    fs::remove_file(env.library().join("orchard.md")).unwrap();
    tui.wait_for("the removed headline gone", |s| {
        s.contains(" of 4 ") && !s.contains(ORCHARD)
    });
}

#[test]
fn query_narrows_enter_keeps_esc_restores_and_x_clears() {
    let env = four_stories();
    let mut tui = Tui::start_and_wait(&env, 120, 36, &TITLES);
    let others = [HARBOR, RATES, ORCHARD];
    let only_miners = |s: &Screen| {
        s.contains("Headlines 1 of 1 ") && s.contains(MINERS) && s.contains_none(&others)
    };

    tui.send("/");
    tui.wait_for("the query editor", |s| s.query_row().starts_with("/ "));
    tui.send("miners");
    tui.wait_for("only the matching headline while typing", |s| {
        only_miners(s) && s.query_row().starts_with("/miners ")
    });

    tui.send(ENTER);
    tui.wait_for("the query kept", |s| {
        only_miners(s) && s.query_row().starts_with("filter: miners ")
    });

    // A new edit that clears the query shows everything until Esc drops the change.
    tui.send("/");
    tui.wait_for("editing the kept query", |s| {
        only_miners(s) && s.query_row().starts_with("/miners ")
    });
    tui.send(CTRL_U);
    tui.wait_for("the cleared query matching all", |s| {
        s.contains(" of 4 ") && s.contains_all(&TITLES) && s.query_row().starts_with("/ ")
    });
    tui.send(ESC);
    tui.wait_for("the kept query restored", |s| {
        only_miners(s) && s.query_row().starts_with("filter: miners ")
    });

    tui.send("x");
    tui.wait_for("every filter cleared", |s| {
        s.contains(" of 4 ") && s.contains_all(&TITLES) && s.query_row().starts_with("no filter")
    });
}

#[test]
fn sentiment_key_toggles_the_negative_only_filter() {
    let env = four_stories();
    let mut tui = Tui::start_and_wait(&env, 120, 36, &TITLES);

    tui.send("3");
    tui.wait_for("only the negative headline", |s| {
        s.contains("Headlines 1 of 1 ")
            && s.contains(MINERS)
            && s.contains_none(&[HARBOR, RATES, ORCHARD])
            && s.query_row().starts_with("filter: sentiment:neg ")
    });

    tui.send("3");
    tui.wait_for("every headline again", |s| {
        s.contains(" of 4 ") && s.contains_all(&TITLES) && s.query_row().starts_with("no filter")
    });
}

#[test]
fn opening_on_a_wide_screen_reads_beside_the_list() {
    const COLS: u16 = 120;
    let env = four_stories();
    let mut tui = Tui::start_and_wait(&env, COLS, 36, &TITLES);
    // Where the article pane begins: the second rounded top-left corner on the first row.
    let corners = |s: &Screen| -> Vec<u16> {
        (0..COLS)
            .filter(|&x| s.screen.cell(0, x).is_some_and(|c| c.contents() == "╭"))
            .collect()
    };
    let start = tui.wait_for("two panes side by side", |s| corners(s).len() == 2);
    let (list_x, article_x) = (0, corners(&start)[1]);
    let list = |s: &Screen| s.columns(list_x, article_x);
    let article = |s: &Screen| s.columns(article_x, COLS - article_x);
    let unread_dot = |s: &Screen, title: &str| {
        list(s)
            .lines()
            .find(|row| row.contains(title))
            .is_some_and(|row| row.contains('●'))
    };
    // The focused pane's border has its own colour: the list's, at start.
    let border = |s: &Screen, x: u16| s.screen.cell(0, x).map(vt100::Cell::fgcolor);
    let focused = border(&start, list_x);
    assert_ne!(focused, border(&start, article_x), "focus shows:\n{start}");
    let focus_on =
        |s: &Screen, x: u16, other: u16| border(s, x) == focused && border(s, other) != focused;

    // The article pane follows the selection.
    tui.send("j");
    tui.wait_for("the second article beside the list", |s| {
        article(s).contains(MINERS_BODY)
            && !article(s).contains(HARBOR_BODY)
            && unread_dot(s, MINERS)
            && focus_on(s, list_x, article_x)
    });

    tui.send(ENTER);
    tui.wait_for(
        "the opened article focused, marked read, the list beside",
        |s| {
            focus_on(s, article_x, list_x)
                && !unread_dot(s, MINERS)
                && unread_dot(s, RATES)
                && list(s).contains(" of 4 ")
                && article(s).contains(MINERS_BODY)
        },
    );

    // In the article, j scrolls it and leaves the selection alone.
    tui.send("j");
    tui.send(ESC);
    tui.wait_for("the headlines focused again, same article", |s| {
        focus_on(s, list_x, article_x) && article(s).contains(MINERS_BODY)
    });
    tui.send("j");
    tui.wait_for("the list moving again after Esc", |s| {
        article(s).contains(RATES_BODY) && !article(s).contains(MINERS_BODY)
    });
}

#[test]
fn opening_on_a_narrow_screen_replaces_the_list() {
    let env = four_stories();
    let mut tui = Tui::start_and_wait(&env, 80, 24, &TITLES);
    tui.wait_for("only the list at 80 columns", |s| {
        s.contains_all(&TITLES) && !s.contains(HARBOR_BODY)
    });

    tui.send("j");
    tui.send(ENTER);
    tui.wait_for("the second article in place of the list", |s| {
        s.contains(MINERS)
            && s.contains(MINERS_BODY)
            && !s.contains("Headlines")
            && s.contains_none(&[HARBOR, RATES, ORCHARD])
    });

    tui.send(ESC);
    tui.wait_for("the list back", |s| {
        s.contains(" of 4 ") && s.contains_all(&TITLES) && !s.contains(MINERS_BODY)
    });
}

#[test]
fn help_opens_on_question_mark_and_any_key_closes_it() {
    let env = four_stories();
    for (cols, rows) in [(120, 36), (80, 24)] {
        let mut tui = Tui::start_and_wait(&env, cols, rows, &TITLES);
        tui.send("?");
        tui.wait_for("the help screen", |s| {
            s.contains(" Keys ")
                && s.contains("only negative (toggle)")
                && s.contains("type a query")
        });

        // Any key closes it and does nothing else: `z` is bound to nothing anyway.
        tui.send("z");
        tui.wait_for("the help closed", |s| {
            !s.contains(" Keys ")
                && !s.contains("only negative (toggle)")
                && s.contains(" of 4 ")
                && s.contains_all(&TITLES)
        });
    }
}

#[test]
fn q_quits_with_status_zero_and_restores_the_terminal() {
    let env = four_stories();
    let mut tui = Tui::start_and_wait(&env, 120, 36, &TITLES);
    let line_mode = libc::ICANON | libc::ECHO;
    assert_eq!(
        tui.local_flags() & line_mode,
        0,
        "raw mode while the reader runs"
    );

    tui.send("q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status}");
    tui.wait_for_raw("leave the alternate screen", b"\x1b[?1049l");
    tui.wait_for_raw("mouse reporting off", b"\x1b[?1000l");
    tui.wait_for("the shell's screen back, untouched", |s| {
        !s.screen.alternate_screen()
            && s.screen.mouse_protocol_mode() == vt100::MouseProtocolMode::None
            && !s.screen.hide_cursor()
            && s.screen.contents().trim().is_empty()
    });
    assert_eq!(
        tui.local_flags() & line_mode,
        line_mode,
        "line editing and echo back after quitting"
    );
}

#[test]
fn q_quits_at_once_while_a_hostile_article_is_rendering() {
    let env = Env::new();
    // A megabyte of nested quotes: the slowest input known to render (issue 11), seconds in
    // a debug build. The reader opens with it shown beside the list.
    write_article(
        &env.library(),
        &Story {
            file: "deep.md",
            id: 1,
            title: "Deep quotes",
            sentiment: "NEUTRAL",
            tags: "SLOW",
            body: &">".repeat(1 << 20),
        },
    );
    let mut tui = Tui::start(&env, 120, 36);
    tui.wait_for("the headline listed", |s| s.contains("Deep quotes"));
    tui.send("q");
    // A hang guard, not a timing: the render may go on, but the reader does not wait for it.
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status}");
}

#[test]
fn keys_from_the_config_replace_the_defaults() {
    let env = four_stories();
    fs::write(
        env.dir.path().join("config.toml"),
        "# mine\n[keys]\nquit = \"Q\"\n",
    )
    .expect("config");
    let mut tui = Tui::start_and_wait(&env, 120, 90, &TITLES);
    // Tall enough for the whole help. `q` is no longer quit: the reader stays, and `?` still opens
    // the help, listing `Q`.
    tui.send("q?");
    tui.wait_for("the help, listing Q for quit", |s| {
        s.contains("this help") && s.contains("Q  quit")
    });
    tui.send(ESC);
    tui.wait_for("the help closed", |s| !s.contains("this help"));
    tui.send("Q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status}");
}

/// The title and body of the hostile article: OSC (window title), SGR and CSI (clear screen)
/// sequences, in 7-bit and C1 forms.
const HOSTILE_TITLE: &str =
    "Hostile \x1b]0;pwned\x07headline \x1b[31mred\x1b[0m \u{9d}0;pwned\x07done";
const HOSTILE_BODY: &str = "Body \x1b]0;pwned\x07 sets a title, \x1b[2J clears, \u{9b}2J clears.\n\n\
                            The hostile body ends here.";

/// A calm article and a newer hostile one.
fn hostile_library() -> Env {
    let env = Env::new();
    let root = env.library();
    write_article(
        &root,
        &Story {
            file: "calm.md",
            id: 1,
            title: RATES,
            sentiment: "NEUTRAL",
            tags: "RATES",
            body: RATES_BODY,
        },
    );
    write_article(
        &root,
        &Story {
            file: "hostile.md",
            id: 2,
            title: HOSTILE_TITLE,
            sentiment: "NEGATIVE",
            tags: "RATES",
            body: HOSTILE_BODY,
        },
    );
    env
}

#[test]
fn escape_sequences_in_an_article_never_reach_the_terminal() {
    let env = hostile_library();
    let mut tui = Tui::start_and_wait(&env, 80, 24, &["Hostile", RATES]);

    // The hostile article is the newest: open it so its body is drawn too.
    tui.send(ENTER);
    tui.wait_for(
        "the hostile article open, its body without the sequences",
        |s| {
            let body = s
                .rows()
                .into_iter()
                .find(|row| row.contains("sets a title"));
            s.contains("The hostile body ends here.")
                && body.is_some_and(|body| {
                    body.contains("Body")
                        && body.contains("clears")
                        && !body.contains("pwned")
                        && !body.contains("2J")
                })
        },
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
    tui.wait_for_raw("leave the alternate screen", b"\x1b[?1049l");

    let raw = tui.raw();
    for injected in [
        &b"\x1b]0;pwned"[..],
        "\u{9d}0;pwned".as_bytes(),
        b"\x1b[31mred",
        b"\x1b[2J clears",
        "\u{9b}2J".as_bytes(),
    ] {
        assert!(
            !contains_bytes(&raw, injected),
            "{:?} reached the terminal",
            String::from_utf8_lossy(injected)
        );
    }
}

#[test]
fn escape_sequences_in_a_title_leave_no_residue() {
    let env = hostile_library();
    let tui = Tui::start_and_wait(&env, 80, 24, &["Hostile", RATES]);
    tui.wait_for("the title without its sequences", |s| {
        s.contains("Hostile headline red done") && s.contains_none(&["pwned", "[31m", "[0m"])
    });
}

const LINKED: &str = "Linked story";
const LINK: &str = "https://example.org/news/linked?id=7&lang=en";

/// One article with a canonical URL, and a "browser": a script that writes how many arguments it
/// was given and each of them to `browser-args` (which appears whole, once it has run).
fn linked_story() -> (Env, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let mut env = Env::new();
    fs::write(
        env.library().join("linked.md"),
        format!(
            "---\ntitle: '{LINKED}'\npublishedAt: '2026-03-02T10:00:00Z'\n\
             canonicalUrl: '{LINK}'\nsource: {{name: Test Wire, key: testwire}}\n---\n\
             The body, with [a reference](https://example.org/ref).\n"
        ),
    )
    .expect("write article");
    let args = env.dir.path().join("browser-args");
    let script = env.dir.path().join("browser");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf 'argc=%s\\n' \"$#\" >> '{args}.part'\n\
             for arg in \"$@\"; do printf 'arg=%s\\n' \"$arg\" >> '{args}.part'; done\n\
             mv '{args}.part' '{args}'\n",
            args = args.display()
        ),
    )
    .expect("write the browser script");
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("make it runnable");
    // A list, as $BROWSER may be: the first entry is the program.
    env.vars
        .push(("BROWSER", format!("{}:firefox", script.display())));
    (env, args)
}

/// Waits for `path` to exist, and reads it.
fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Ok(text) = fs::read_to_string(path) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn o_runs_browser_with_the_canonical_url_as_its_one_argument() {
    let (env, args) = linked_story();
    let mut tui = Tui::start_and_wait(&env, 120, 36, &[LINKED]);
    tui.send(ENTER);
    tui.wait_for("the article open, its links listed", |s| {
        s.contains("Links") && s.contains("original")
    });
    // With colour on, the listed URLs are hyperlinks.
    tui.wait_for_raw(
        "the canonical URL as an OSC 8 hyperlink",
        format!("\x1b]8;;{LINK}\x1b\\").as_bytes(),
    );
    tui.send("o");
    tui.wait_for("the status line saying so", |s| {
        s.contains(&format!("opening {LINK}"))
    });
    assert_eq!(wait_for_file(&args), format!("argc=1\narg={LINK}\n"));
    tui.wait_for("the reader still drawn, nothing over it", |s| {
        s.contains(LINKED) && s.contains("Links")
    });
    tui.send("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn a_browser_that_cannot_start_is_named_and_no_color_means_no_hyperlinks() {
    let (mut env, _) = linked_story();
    env.vars.clear();
    env.vars
        .push(("BROWSER", "/nonexistent/browser".to_owned()));
    env.vars.push(("NO_COLOR", "1".to_owned()));
    let mut tui = Tui::start_and_wait(&env, 120, 36, &[LINKED]);
    tui.send(ENTER);
    tui.wait_for("the article open", |s| s.contains("original"));
    tui.send("o");
    tui.wait_for("the failure, naming the program", |s| {
        s.contains("could not start the browser \"/nonexistent/browser\"")
    });
    tui.send("q");
    assert!(tui.wait_exit().success());
    assert!(
        !contains_bytes(&tui.raw(), b"\x1b]8;"),
        "NO_COLOR: no hyperlinks"
    );
}

#[test]
fn y_inside_tmux_says_how_to_let_the_copy_through() {
    let (mut env, _) = linked_story();
    env.vars
        .push(("TMUX", "/tmp/tmux-1000/default,1,0".to_owned()));
    let mut tui = Tui::start_and_wait(&env, 160, 36, &[LINKED]);
    tui.send("y");
    tui.wait_for_raw("the link through OSC 52", b"\x1b]52;c;");
    tui.wait_for("the tmux advice", |s| {
        s.contains("set -g set-clipboard on") && s.contains("~/.tmux.conf")
    });
}

impl Env {
    /// The headlines `tidings list QUERY` prints for this library, as the reader left it.
    fn listed(&self, query: &str) -> Vec<String> {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
            .arg("--library")
            .arg(self.library())
            .args(["list", query])
            .current_dir(self.dir.path())
            .env("TIDINGS_CACHE_DIR", self.dir.path().join("cache"))
            .env("TIDINGS_DATA_DIR", self.dir.path().join("data"))
            .env("TIDINGS_CONFIG", self.dir.path().join("config.toml"))
            .output()
            .expect("tidings list runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

#[test]
fn a_marks_the_list_read_for_good_and_u_takes_it_back() {
    let env = four_stories();
    let mut tui = Tui::start_and_wait(&env, 120, 36, &TITLES);
    tui.send("A");
    tui.wait_for("every listed article marked", |s| {
        !s.screen.contents().contains('●')
    });
    tui.send("q");
    assert!(tui.wait_exit().success());
    assert!(
        env.listed("is:unread").is_empty(),
        "A is kept after quitting"
    );
    assert_eq!(env.listed("is:read").len(), 4);

    // In a session, U takes A back, and that is kept too.
    let mut tui = Tui::start_and_wait(&env, 120, 36, &TITLES);
    tui.send("/rates");
    tui.send(ENTER);
    tui.wait_for("one headline, the query kept", |s| {
        s.contains("Headlines 1 of 1 ") && !s.query_row().starts_with('/')
    });
    // The row's first column: `●` while unread. (Status messages are not waited for: any key
    // ends one, and the terminal's answers to the reader's queries may arrive as keys.)
    let unread = |s: &Screen| {
        s.screen
            .contents()
            .lines()
            .any(|line| line.contains(RATES) && line.starts_with("│●"))
    };
    tui.send("r");
    tui.wait_for("it is unread", unread);
    tui.send("A");
    tui.wait_for("A marks it read", |s| !unread(s));
    tui.send("U");
    tui.wait_for("U takes A back", unread);
    tui.send("q");
    assert!(tui.wait_exit().success());
    let unread = env.listed("is:unread");
    assert_eq!(unread.len(), 1, "{unread:?}");
    assert!(unread[0].contains(RATES), "{unread:?}");
}

#[test]
fn slash_in_an_article_finds_its_words_and_n_moves_between_them() {
    let env = four_stories();
    let mut tui = Tui::start_and_wait(&env, 80, 24, &TITLES);
    tui.send("j");
    tui.send(ENTER);
    tui.wait_for("the article open", |s| s.contains(MINERS_BODY));
    // In the title and the description.
    tui.send("/miners");
    tui.wait_for("the text typed and its first match gone to", |s| {
        s.contains("find in the article: miners") && s.contains("match 1 of 2")
    });
    tui.send(ENTER);
    tui.send("n");
    tui.wait_for("the second match", |s| s.contains("match 2 of 2"));
    tui.send("n");
    tui.wait_for("round to the first", |s| s.contains("match 1 of 2"));
    tui.send("N");
    tui.wait_for("back to the last", |s| s.contains("match 2 of 2"));
    tui.send(ESC);
    tui.wait_for("the search ended, the article still open", |s| {
        s.contains(MINERS_BODY) && s.contains("/ find") && !s.contains("Headlines")
    });
    tui.send(ESC);
    tui.wait_for("the list back", |s| s.contains(" of 4 "));
}

#[path = "common/feed_server.rs"]
mod feed_server;

impl Env {
    /// Runs a command of the binary (not the reader) in this home.
    fn tidings(&self, args: &[&std::ffi::OsStr]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
            .arg("--library")
            .arg(self.library())
            .args(args)
            .current_dir(self.dir.path())
            .env("TIDINGS_CACHE_DIR", self.dir.path().join("cache"))
            .env("TIDINGS_DATA_DIR", self.dir.path().join("data"))
            .env("TIDINGS_CONFIG", self.dir.path().join("config.toml"))
            .output()
            .expect("tidings runs")
    }
}

#[test]
fn a_feed_imported_and_fetched_is_read_and_marked_in_the_reader() {
    const FIRST: &str = "Lighthouse keepers vote to stay on";
    const SECOND: &str = "Tide tables printed in large type";
    let env = Env::new();
    let server = feed_server::Server::start();
    let rss = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Coast Post</title>\
         <link>http://coast.example/</link><language>en</language>\
         <item><title>{FIRST}</title><guid>coast-1</guid><pubDate>Wed, 04 Nov 2026 10:00:00 GMT</pubDate>\
         <description>&lt;p&gt;The keepers &lt;b&gt;voted&lt;/b&gt; to stay through winter.&lt;/p&gt;</description></item>\
         <item><title>{SECOND}</title><guid>coast-2</guid><pubDate>Tue, 03 Nov 2026 10:00:00 GMT</pubDate>\
         <description>Easier to read on deck.</description></item></channel></rss>"
    );
    server.feed("/coast.xml", &rss, "application/rss+xml", "c1");
    let opml = env.dir.path().join("subscriptions.opml");
    fs::write(
        &opml,
        format!(
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>\
             <outline text=\"Coast Post\" type=\"rss\" xmlUrl=\"{}\"/></body></opml>",
            server.url("/coast.xml")
        ),
    )
    .expect("write OPML");

    let import = env.tidings(&["feeds".as_ref(), "import".as_ref(), opml.as_os_str()]);
    assert!(import.status.success(), "{import:?}");
    let fetch = env.tidings(&["fetch".as_ref()]);
    assert!(fetch.status.success(), "{fetch:?}");
    assert!(
        String::from_utf8_lossy(&fetch.stdout).contains("coast-post: 2 new"),
        "{fetch:?}"
    );

    let mut tui = Tui::start_and_wait(&env, 120, 36, &[FIRST, SECOND]);
    let unread = |s: &Screen| {
        s.screen
            .contents()
            .lines()
            .any(|line| line.contains(FIRST) && line.starts_with("│●"))
    };
    tui.wait_for("the newest entry unread", unread);
    tui.send(ENTER);
    tui.wait_for("the entry opened, read", |s| {
        s.contains("The keepers voted to stay through winter.")
            && s.contains("Coast Post")
            && !unread(s)
    });
    tui.send("q");
    assert!(tui.wait_exit().success());
    let read = env.listed("is:read");
    assert_eq!(read.len(), 1, "{read:?}");
    assert!(read[0].contains(FIRST), "{read:?}");
}

const COVERED: &str = "Lighthouse repainted";

/// One article whose cover is a small PNG beside it.
fn covered_story() -> Env {
    let env = Env::new();
    let root = env.library();
    let text = format!(
        "---\ntitle: '{COVERED}'\npublishedAt: '2026-03-02T10:00:00Z'\nexternalId: '9'\n\
         source: {{name: Test Wire, key: testwire, type: RSS}}\ncoverImage: img/cover.png\n---\n\
         The keepers chose red again.\n"
    );
    fs::write(root.join("lighthouse.md"), text).expect("write article");
    fs::create_dir_all(root.join("img")).expect("image folder");
    image::RgbImage::from_pixel(64, 32, image::Rgb([200, 60, 30]))
        .save(root.join("img/cover.png"))
        .expect("write the cover");
    env
}

/// The start of every kitty image transmission ratatui-image writes (the query is `_Gi=31`).
const KITTY_IMAGE: &[u8] = b"\x1b_Gq=2,";

#[test]
fn a_terminal_that_answers_kitty_gets_the_cover_drawn_and_a_silent_one_its_line() {
    let env = covered_story();
    let mut tui = Tui::start(&env, 120, 36);
    tui.wait_for_raw("the graphics query", b"\x1b_Gi=31,");
    // What kitty answers: graphics OK, device attributes, cell size 10×20, status.
    tui.send("\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[6;20;10t\x1b[0n");
    tui.wait_for("the article beside the list", |s| {
        s.contains("The keepers chose red again.")
    });
    tui.wait_for_raw("a kitty image", KITTY_IMAGE);
    tui.wait_for("the cover's line gives way to the image", |s| {
        !s.contains("[image:") && s.contains("The keepers chose red again.")
    });
    drop(tui);

    // A terminal that does not answer: the line, and no image, after the query's short wait.
    let started = Instant::now();
    let tui = Tui::start(&env, 120, 36);
    tui.wait_for("the cover as a line", |s| {
        s.contains("[image: img/cover.png]") && s.contains("The keepers chose red again.")
    });
    let waited = started.elapsed();
    std::thread::sleep(Duration::from_millis(600));
    assert!(
        !contains_bytes(&tui.raw(), KITTY_IMAGE),
        "an image for a terminal that never said it draws them"
    );
    assert!(waited < Duration::from_secs(3), "start-up took {waited:?}");
}
