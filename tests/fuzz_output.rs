//! The output boundary, fuzzed: random frontmatter and bodies (escape sequences, character
//! references, bidi and C1 characters, Markdown syntax, long lines) are loaded, rendered as
//! `tidings show` renders them and drawn in the reader; nothing may panic, and nothing may leave
//! tidings that a terminal acts on but its own SGR codes and OSC 8 hyperlinks.
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::{App, Key, Keymap, Settings, SortMode};
use tidings::article::links::fits_a_hyperlink;
use tidings::library::{Library, StorePaths};
use tidings::ui::ansi::{TerminalWriter, line_to_string};
use tidings::ui::article::{Zone, article_text};
use tidings::ui::markdown::Target;
use tidings::ui::{Theme, View};

/// What texts are made of: plain words and Markdown, and everything an attacker would try.
const PIECES: &[&str] = &[
    "word ",
    "Bitcoin ",
    "Київ ",
    "日本 ",
    "\n",
    "\n\n",
    "# ",
    "## ",
    "> ",
    "- ",
    "1. ",
    "`",
    "```\n",
    "**",
    "_",
    "|a|b|\n|-|-|\n|c|d|\n",
    "[link](https://example.org/x) ",
    "[t &#x1b;[5m](https://example.org/&#x1b;]52;c;eA==&#x07;) ",
    "![img &#x9d;0;t&#x9c;](https://example.org/i.png) ",
    "<https://example.org/auto> ",
    "&#x1b;",
    "&#27;",
    "&#x9b;",
    "&#155;",
    "&#x9d;",
    "&#x85;",
    "&#x202e;",
    "&#x202a;",
    "&#x2066;",
    "&#x2069;",
    "&#x200f;",
    "&#x61c;",
    "&#7;",
    "&#9;",
    "&#13;",
    "&#0;",
    "&#x7f;",
    "&amp;",
    "&#x1b;]0;PWNED&#x07;",
    "&#x1b;[2J",
    "\x1b",
    "\x1b[2J",
    "\x1b]0;t\x07",
    "\x1b]8;;https://evil.example\x1b\\",
    "\u{9b}",
    "\u{85}",
    "\u{202e}",
    "\u{2067}",
    "\r",
    "\t",
    "\x07",
    "]0;PWNED",
    "[31m",
    "\\",
    "<b>",
    "</b>",
];

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|pieces| pieces.concat())
}

/// A body: pieces, and now and then a line far wider than any screen.
fn body() -> impl Strategy<Value = String> {
    (text(60), 0..4000usize).prop_map(|(text, long)| {
        if long > 2000 {
            format!("{text}\n{}\n{text}", "long&#x202e;".repeat(long / 12))
        } else {
            text
        }
    })
}

/// `text` as a YAML double-quoted scalar in which every character outside printable ASCII is an
/// escape, so the file always loads and what it says reaches the sanitizer.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => out.push_str(&format!("\\{c}")),
            ' '..='~' => out.push(c),
            c if u32::from(c) <= 0xffff => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// Why `symbol` (a cell, or a line of output) would make a terminal act, if it would.
fn acts_on_the_terminal(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        c.is_control()
            || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}'
                | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// A line of `show` output with tidings' SGR codes taken out.
fn without_sgr(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .filter(|&end| after[end..].starts_with('m'));
        match end {
            Some(end) => rest = &after[end + 1..],
            None => {
                out.push('\x1b');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A cell tidings made an OSC 8 hyperlink of, to a URL that may be one, around a safe symbol.
fn own_hyperlink(symbol: &str) -> bool {
    let Some(inside) = symbol
        .strip_prefix("\x1b]8;;")
        .and_then(|s| s.strip_suffix("\x1b]8;;\x1b\\"))
    else {
        return false;
    };
    inside
        .split_once("\x1b\\")
        .is_some_and(|(url, shown)| fits_a_hyperlink(url) && acts_on_the_terminal(shown).is_none())
}

fn check_output(title: &str, description: &str, tag: &str, url: &str, body: &str) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("news");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("a.md"),
        format!(
            "---\ntitle: {}\ndescription: {}\npublishedAt: '2026-11-20T10:00:00Z'\n\
             source: {{name: {}, key: wire, url: {}}}\ntags: [{}]\ncanonicalUrl: {}\n\
             sentiment: POSITIVE\n---\n{body}",
            quoted(title),
            quoted(description),
            quoted(title),
            quoted(url),
            quoted(tag),
            quoted(url),
        ),
    )
    .unwrap();
    let paths = StorePaths {
        cache: dir.path().join("cache/cache.db"),
        state: dir.path().join("data/state.db"),
    };
    let library = Library::open(&[root], &paths).unwrap();
    assert_eq!(library.len(), 1, "{:?}", library.problems());

    // `tidings show`, in colour: each line as it renders it, then through its writer.
    let details = library.details(0).unwrap();
    for width in [20, 80] {
        let lines = article_text(
            library.article(0),
            &details,
            library.marks(0),
            width,
            Theme::colored(),
            Zone::Utc,
            library.original_language(0),
            Target::Pipe,
        )
        .lines;
        let mut written = Vec::new();
        let mut out = TerminalWriter::new(&mut written);
        let mut rendered = String::new();
        for line in &lines {
            let line = line_to_string(line, true);
            let plain = without_sgr(&line);
            assert_eq!(acts_on_the_terminal(&plain), None, "{line:?}");
            writeln!(out, "{line}").unwrap();
            rendered.push_str(&line);
            rendered.push('\n');
        }
        drop(out);
        // The writer found nothing to replace: the lines were safe before it looked.
        assert_eq!(String::from_utf8(written).unwrap(), rendered);
    }

    // The reader, with hyperlinks on, at a wide and a narrow size.
    let settings = Settings {
        sort: SortMode::Newest,
        show_drafts: false,
        now: Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap(),
        headlines_first: false,
        keymap: Keymap::default(),
        saved: std::collections::BTreeMap::default(),
        languages: Vec::new(),
    };
    let mut app = App::new(library, settings);
    app.handle_key(Key::Enter);
    for (width, height) in [(160, 40), (50, 12)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let mut view = View::new(Theme::colored(), Zone::Utc).with_hyperlinks(true);
        for _ in 0..2 {
            terminal
                .draw(|frame| {
                    view.draw(frame, &app);
                })
                .unwrap();
        }
        for cell in &terminal.backend().buffer().content {
            let symbol = cell.symbol();
            assert!(
                acts_on_the_terminal(symbol).is_none() || own_hyperlink(symbol),
                "{symbol:?}"
            );
        }
    }
}

proptest! {
    // Each case loads a library and draws two screens: a few dozen keep CI at a few seconds.
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn nothing_but_tidings_own_sequences_leaves_tidings(
        title in text(8),
        description in text(8),
        tag in text(3),
        url in prop::sample::select(vec![
            "https://example.org/a",
            "https://example.org/&#x1b;]0;x&#7;",
            "https://example.org/\u{1b}]0;x\u{7}",
            "https://example.org/\u{202e}",
            "file:///etc/passwd",
        ]),
        body in body(),
    ) {
        check_output(&title, &description, &tag, url, &body);
    }
}
