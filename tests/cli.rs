//! The `tidings` binary end to end: commands, output for pipes, exit codes, and what survives a
//! killed process.
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn library(&self) -> PathBuf {
        let root = self.dir.path().join("news");
        fs::create_dir_all(&root).expect("library folder");
        root
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tidings"));
        command
            .args(args)
            .env("TIDINGS_CACHE_DIR", self.dir.path().join("cache"))
            .env("TIDINGS_DATA_DIR", self.dir.path().join("data"))
            .env("TIDINGS_CONFIG", self.dir.path().join("config.toml"))
            .env("TZ", "UTC")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("tidings runs")
    }

    /// Runs against the test library folder.
    fn run_lib(&self, args: &[&str]) -> Output {
        let library = self.library();
        let mut all = vec!["--library", library.to_str().expect("UTF-8 path")];
        all.extend_from_slice(args);
        self.run(&all)
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 errors")
}

fn write_article(root: &Path, name: &str, id: u32, title: &str, sentiment: &str, extra: &str) {
    let text = format!(
        "---\ntitle: {title}\ndescription: About {title}.\npublishedAt: '2026-03-{day:02}T10:00:00Z'\nlang: en\n\
         externalId: '{id}'\nsource: {{name: Test Wire, key: testwire, type: RSS}}\ncategory: TEST\n\
         tags: [ALPHA, T{id}]\nsentiment: {sentiment}\n{extra}---\n## Overview\n\n\
         A paragraph about {title} with a [link](https://example.org/{id}) in it.\n\n- one point\n- another point\n",
        day = id % 28 + 1
    );
    fs::write(root.join(name), text).expect("write article");
}

fn small_library(env: &Env) {
    let root = env.library();
    write_article(&root, "a.md", 1, "Rates held steady", "NEUTRAL", "");
    write_article(&root, "b.md", 2, "Miners sell off", "NEGATIVE", "");
    write_article(
        &root,
        "c.md",
        3,
        "Chip output climbs",
        "POSITIVE",
        "stickyWeight: 3\n",
    );
    write_article(
        &root,
        "d.md",
        4,
        "Unpublished memo",
        "POSITIVE",
        "draft: true\n",
    );
}

#[test]
fn list_prints_the_sample_library_without_configuration() {
    let env = Env::new();
    let output = env.run(&["list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 30, "{} headlines", lines.len());
    // One row per story: the English and Ukrainian versions listed by language are more rows.
    let rows = |query: &str| stdout(&env.run(&["list", query])).lines().count();
    let (english, ukrainian) = (rows("lang:en"), rows("lang:uk"));
    assert!(ukrainian > 0);
    assert!(english + ukrainian > lines.len());
    assert_eq!(rows("lang:en|uk"), english + ukrainian);
    assert!(
        lines[0].contains(" ^"),
        "a pinned sample comes first: {}",
        lines[0]
    );
    assert!(!text.contains('\u{1b}'), "no escape codes into a pipe");
    assert!(
        stderr(&output).contains("could not be loaded"),
        "the broken sample is mentioned"
    );
}

#[test]
fn list_filters_sorts_and_limits() {
    let env = Env::new();
    small_library(&env);
    let titles = |args: &[&str]| -> Vec<String> {
        let mut args = args.to_vec();
        args.push("--json");
        let output = env.run_lib(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
            .lines()
            .map(|line| {
                serde_json::from_str::<serde_json::Value>(line).unwrap()["title"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        titles(&["list"]),
        ["Chip output climbs", "Miners sell off", "Rates held steady"]
    );
    assert_eq!(
        titles(&["list", "--sort", "oldest"]),
        ["Rates held steady", "Miners sell off", "Chip output climbs"]
    );
    assert_eq!(
        titles(&["list", "sentiment:neg|neu"]),
        ["Miners sell off", "Rates held steady"]
    );
    assert_eq!(
        titles(&["list", "-sentiment:neg", "tag:alpha"]),
        ["Chip output climbs", "Rates held steady"]
    );
    assert_eq!(titles(&["list", "is:draft"]), ["Unpublished memo"]);
    assert_eq!(titles(&["list", "\"sell off\""]), ["Miners sell off"]);
    assert_eq!(titles(&["list", "--limit", "1"]), ["Chip output climbs"]);
    assert_eq!(
        titles(&[
            "list",
            "source:testwire",
            "since:2026-03-04",
            "before:2026-03-05"
        ]),
        ["Chip output climbs"]
    );
}

#[test]
fn json_lines_carry_every_field() {
    let env = Env::new();
    small_library(&env);
    let output = env.run_lib(&["list", "--json"]);
    assert!(output.status.success());
    let text = stdout(&output);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    for key in [
        "id",
        "shortId",
        "path",
        "title",
        "description",
        "publishedAt",
        "updatedAt",
        "lang",
        "externalId",
        "source",
        "canonicalUrl",
        "category",
        "tags",
        "authors",
        "stickyWeight",
        "sentiment",
        "score",
        "draft",
        "coverImage",
        "ai",
        "read",
        "starred",
        "offline",
        "translations",
    ] {
        assert!(first.get(key).is_some(), "missing {key}: {first}");
    }
    assert_eq!(first["id"], "testwire/3/en");
    assert_eq!(first["source"]["type"], "RSS");
    assert_eq!(first["publishedAt"], "2026-03-04T10:00:00.000Z");
    assert_eq!(first["stickyWeight"], 3.0);
}

#[test]
fn json_has_the_links_the_ai_details_and_the_authors() {
    let env = Env::new();
    write_article(
        &env.library(),
        "full.md",
        7,
        "Everything set",
        "POSITIVE",
        "updatedAt: '2026-03-09T11:00:00.000Z'\ncanonicalUrl: https://example.org/story/7\n\
         coverImage:\n  raw: https://images.example.org/7?raw\n  thumb: https://images.example.org/7?w=200\n\
         ai:\n  rewritten: true\n  expandedAt: '2026-03-09T12:30:00.000Z'\n  version: 2\n\
         authors: [Rhea Tamm, Olek Wirt]\nstickyWeight: 0\nscore: 12\n",
    );
    let output = env.run_lib(&["list", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let line: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(line["canonicalUrl"], "https://example.org/story/7");
    assert_eq!(line["updatedAt"], "2026-03-09T11:00:00.000Z");
    assert_eq!(
        line["coverImage"]["raw"],
        "https://images.example.org/7?raw"
    );
    assert_eq!(
        line["coverImage"]["thumb"],
        "https://images.example.org/7?w=200"
    );
    // In the file's order.
    let sizes: Vec<&String> = line["coverImage"].as_object().unwrap().keys().collect();
    assert_eq!(sizes, ["raw", "thumb"]);
    assert_eq!(line["ai"]["rewritten"], true);
    assert_eq!(line["ai"]["expandedAt"], "2026-03-09T12:30:00.000Z");
    assert_eq!(line["ai"]["version"], 2);
    assert!(line["ai"]["translatedFrom"].is_null());
    assert_eq!(
        line["authors"],
        serde_json::json!(["Rhea Tamm", "Olek Wirt"])
    );
    assert_eq!(line["externalId"], "7");
    assert_eq!(line["score"], 12.0);
    assert_eq!(line["read"], false);
    assert_eq!(line["translations"], serde_json::json!([]));
    // A file without them says null, not nothing.
    write_article(&env.library(), "bare.md", 8, "Nothing set", "NEUTRAL", "");
    let output = env.run_lib(&["list", "--json", "title:nothing"]);
    let bare: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert!(bare["canonicalUrl"].is_null() && bare["coverImage"].is_null());
    assert!(bare["ai"].is_null() && bare["source"]["url"].is_null());
}

#[test]
fn other_sites_frontmatter_end_to_end() {
    let env = Env::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/other-sites");
    let root = env.library();
    fs::create_dir_all(root.join("_posts")).unwrap();
    for name in [
        "_posts/2018-10-17-harbour-ferry-timetable.md",
        "hugo-blank-lines-comments.md",
        "hugo-toml-frontmatter.md",
        "aliased-keys.md",
    ] {
        fs::copy(fixtures.join(name), root.join(name)).unwrap();
    }
    // Notes do not fail a check; they are listed, one a file.
    let output = env.run_lib(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(
        text.trim(),
        format!(
            "{}/_posts/2018-10-17-harbour-ferry-timetable.md: note: no date in the frontmatter; \
             2018-10-17 taken from the file name",
            fs::canonicalize(&root).unwrap().display()
        )
    );
    assert!(
        stderr(&output).contains("0 problem(s), 1 note(s)"),
        "{}",
        stderr(&output)
    );

    let output = env.run_lib(&["list", "--json"]);
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let summary: Vec<(String, String, String)> = lines
        .iter()
        .map(|line| {
            (
                line["id"].as_str().unwrap().to_owned(),
                line["publishedAt"].as_str().unwrap().to_owned(),
                line["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        (
            "hugo-toml-frontmatter.md",
            "2022-03-04T05:06:07.000Z",
            "Tram line to the river district opens",
        ),
        (
            "hugo-blank-lines-comments.md",
            "2021-06-01T07:30:00.000Z",
            "Library opening hours extended",
        ),
        (
            "aliased-keys.md",
            "2020-09-12T00:00:00.000Z",
            "Market stalls return to the old square",
        ),
        (
            "_posts/2018-10-17-harbour-ferry-timetable.md",
            "2018-10-17T00:00:00.000Z",
            "Harbour ferry timetable changes for the winter",
        ),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(summary, expected, "newest first, each dated");
    assert_eq!(
        lines[2]["authors"],
        serde_json::json!(["Selma Ruud", "Piet Oran"])
    );
    assert_eq!(lines[2]["updatedAt"], "2020-09-14T16:45:00.000Z");

    // The authors are in the article's header.
    let shown = stdout(&env.run_lib(&["show", "hugo-blank-lines-comments.md", "--width", "80"]));
    assert!(
        shown.starts_with(
            "Library opening hours extended\nby Tomas Brell, Ines Varga · 2021-06-01 07:30"
        ),
        "{shown}"
    );
}

#[test]
fn one_library_folder_in_the_config_needs_no_list() {
    let env = Env::new();
    small_library(&env);
    let folder = env.library();
    fs::write(
        env.dir.path().join("config.toml"),
        format!("library = {:?}\n", folder.to_str().unwrap()),
    )
    .unwrap();
    let output = env.run(&["list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 3, "{}", stdout(&output));
    assert!(stdout(&output).contains("Chip output climbs"));
}

#[test]
fn show_renders_plain_text_for_a_pipe() {
    let env = Env::new();
    small_library(&env);
    let output = env.run_lib(&["show", "testwire/2/en", "--width", "40"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}'));
    assert!(
        text.starts_with("Miners sell off\nTest Wire · 2026-03-03 10:00"),
        "{text}"
    );
    assert!(
        text.contains("link[1]") && text.contains("[1] https://example.org/2"),
        "{text}"
    );
    assert!(text.contains("- one point"));
    for line in text.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 40,
            "too wide: {line:?}"
        );
    }
    // The short id from `list` works too.
    let short = stdout(&env.run_lib(&["list", "Miners"]))[..8].to_owned();
    assert_eq!(
        stdout(&env.run_lib(&["show", &short, "--width", "40"])),
        text
    );
    // So does the file's path, relative to where tidings runs.
    let relative = env
        .command(&["--library", "news", "show", "news/b.md", "--width", "40"])
        .current_dir(env.dir.path())
        .output()
        .unwrap();
    assert_eq!(stdout(&relative), text, "{}", stderr(&relative));
}

#[test]
fn check_lists_problems_and_sets_the_exit_status() {
    let env = Env::new();
    small_library(&env);
    assert_eq!(env.run_lib(&["check"]).status.code(), Some(0));
    fs::write(env.library().join("broken.md"), "---\ntitle: [oops\n---\n").unwrap();
    let output = env.run_lib(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("broken.md: bad YAML frontmatter"), "{text}");
}

/// A body that is clean as the file has it, and hostile once its character references are
/// decoded: OSC (window title), CSI (clear screen), C1 CSI, a bidi override, BEL, in text, in a
/// heading, in a link's text and target and an image's alt text.
const CHARACTER_REFERENCES: &str = "## Heads &#x1b;]0;PWNED&#x07;up\n\n\
    Text &#x1b;[2J cleared &#x9b;31m red &#x202e;desrever&#x202c; bell&#7; end.\n\n\
    A [link &#x1b;[5m](https://example.org/&#x1b;]52;c;eA==&#x07;) and \
    ![alt &#x9d;0;t&#x9c;](https://example.org/i.png).\n";

/// Whether `text` holds anything a terminal acts on but an SGR sequence (`ESC [ 1;32 m`).
fn acts_on_the_terminal(text: &str) -> Option<String> {
    let sgr = regex::Regex::new(r"\x1b\[[0-9;]*m").unwrap();
    let rest = sgr.replace_all(text, "");
    rest.chars()
        .find(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .map(|c| format!("{c:?} in {rest:?}"))
}

#[test]
fn character_references_never_reach_the_terminal_as_controls() {
    let env = Env::new();
    let root = env.library();
    write_article(&root, "a.md", 1, "Calm", "NEUTRAL", "");
    let text = fs::read_to_string(root.join("a.md")).unwrap();
    let body_at = text.find("## Overview").unwrap();
    fs::write(
        root.join("a.md"),
        format!("{}{CHARACTER_REFERENCES}", &text[..body_at]),
    )
    .unwrap();
    // A file `check` has something to say about, with the same references in its frontmatter.
    fs::write(
        root.join("b.md"),
        "---\ntitle: \"&#x1b;]0;PWNED&#x07; &#x202e;x\"\npublishedAt: someday\n---\nText &#x9b;2J.\n",
    )
    .unwrap();
    let shown = env.run_lib(&["show", "testwire/1/en", "--width", "60"]);
    assert!(shown.status.success(), "{}", stderr(&shown));
    let shown = stdout(&shown);
    assert!(
        shown.contains("cleared") && shown.contains("desrever"),
        "{shown}"
    );
    assert_eq!(acts_on_the_terminal(&shown), None);
    for args in [&["list"][..], &["list", "--json"], &["check"], &["stats"]] {
        let output = env.run_lib(args);
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert_eq!(acts_on_the_terminal(&all), None, "{args:?}");
    }
}

/// A name with a newline (which would forge a line of its own), OSC, C1 and a bidi override.
const HOSTILE_NAME: &str = "evil\x1b]0;PWNED\x07\nforged.md: fine\u{9b}2J\u{202e}dm.md";

#[cfg(unix)]
#[test]
fn file_names_are_printed_escaped_on_one_line() {
    let env = Env::new();
    let root = env.library();
    fs::write(root.join(HOSTILE_NAME), "---\ntitle: [oops\n---\n").unwrap();
    write_article(&root, "ok\u{85}\u{202e}.md", 1, "Calm", "NEUTRAL", "");
    let output = env.run_lib(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1, "{text:?}");
    assert!(
        text.contains("evil\\x1B]0;PWNED\\x07\\nforged.md: fine\\u{9B}2J\\u{202E}dm.md: bad YAML"),
        "{text:?}"
    );
    assert_eq!(acts_on_the_terminal(&text), None);

    let json = stdout(&env.run_lib(&["list", "--json"]));
    assert_eq!(acts_on_the_terminal(&json), None, "{json:?}");
    assert!(json.contains(r"ok\u0085\u202e.md"), "{json}");
    let value: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert!(
        value["path"]
            .as_str()
            .unwrap()
            .ends_with("ok\u{85}\u{202e}.md")
    );
}

#[test]
fn index_says_what_changed() {
    let env = Env::new();
    small_library(&env);
    let first = stdout(&env.run_lib(&["index"]));
    assert!(
        first.contains("4 added") && first.contains("4 parsed"),
        "{first}"
    );
    let second = stdout(&env.run_lib(&["index"]));
    assert!(
        second.contains("0 added") && second.contains("0 parsed"),
        "{second}"
    );
    fs::remove_file(env.library().join("a.md")).unwrap();
    let third = stdout(&env.run_lib(&["index"]));
    assert!(third.contains("1 removed"), "{third}");
}

#[test]
fn marks_from_the_command_line_show_in_queries() {
    let env = Env::new();
    small_library(&env);
    assert!(
        env.run_lib(&["mark", "testwire/1/en", "testwire/2/en", "--star"])
            .status
            .success()
    );
    assert!(
        env.run_lib(&["mark", "testwire/2/en", "--read"])
            .status
            .success()
    );
    let starred = stdout(&env.run_lib(&["list", "is:starred", "is:unread"]));
    assert_eq!(starred.lines().count(), 1);
    assert!(starred.contains("Rates held steady") && starred.contains('*'));
}

#[test]
fn errors_are_one_clear_line_and_a_nonzero_exit() {
    let env = Env::new();
    small_library(&env);
    let cases: [(&[&str], &str); 3] = [
        (&["list", "since:someday"], "since:someday — use 7d"),
        (&["show", "nothing-like-this"], "no article matches"),
        (&["list", "is:shiny"], "is:shiny"),
    ];
    for (args, expected) in cases {
        let output = env.run_lib(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(
            message.starts_with("tidings: ") && message.contains(expected),
            "{message}"
        );
    }
    fs::write(env.dir.path().join("config.toml"), "sort = \"sideways\"\n").unwrap();
    let output = env.run(&["list"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("config.toml"),
        "{}",
        stderr(&output)
    );
    // A bad [keys] or [theme] entry: one line naming the file, the table, the entry.
    for (table, entry, expected) in [
        ("keys", "quitt = \"Q\"", "[keys] \"quitt\" is not an action"),
        (
            "keys",
            "quit = \"ctrl-shift-q\"",
            "[keys] quit: \"ctrl-shift-q\" is not a key",
        ),
        (
            "keys",
            "quit = \"j\"",
            "[keys] \"j\" is bound to both down and quit",
        ),
        (
            "theme",
            "postive = \"red\"",
            "[theme] \"postive\" is not a role",
        ),
        (
            "theme",
            "positive = \"ultraviolet\"",
            "[theme] positive: \"ultraviolet\" is not a colour",
        ),
    ] {
        fs::write(
            env.dir.path().join("config.toml"),
            format!("[{table}]\n{entry}\n"),
        )
        .unwrap();
        let output = env.run(&["list"]);
        assert_eq!(output.status.code(), Some(2), "{entry}");
        let message = stderr(&output);
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(
            message.contains("config.toml: [") && message.contains(expected),
            "{message}"
        );
    }
}

#[test]
fn a_missing_library_folder_is_reported_not_fatal() {
    let env = Env::new();
    let output = env.run(&["--library", "/no/such/folder", "list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("/no/such/folder is missing and was never indexed"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn version_and_help() {
    let env = Env::new();
    assert!(stdout(&env.run(&["--version"])).starts_with("tidings "));
    let help = stdout(&env.run(&["list", "--help"]));
    assert!(help.contains("sentiment:pos|neg|neu|unknown"));
}

#[test]
fn killing_tidings_mid_write_never_loses_marks() {
    let env = Env::new();
    let root = env.library();
    for n in 0..3000 {
        write_article(
            &root,
            &format!("a{n}.md"),
            n,
            &format!("Story number {n}"),
            "NEUTRAL",
            "",
        );
    }
    assert!(
        env.run_lib(&["mark", "testwire/1/en", "testwire/2/en", "--star"])
            .status
            .success()
    );
    assert!(
        env.run_lib(&["mark", "testwire/3/en", "--read"])
            .status
            .success()
    );

    let library = root.to_str().unwrap().to_owned();
    for round in 0..8u64 {
        // Kill a full re-index at a different point each round.
        let _ = fs::remove_file(env.dir.path().join("cache/cache.db"));
        let mut child = env
            .command(&["--library", &library, "index"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + round * 40));
        let _ = child.kill();
        let _ = child.wait();
        // And a mark being written.
        let mut child = env
            .command(&[
                "--library",
                &library,
                "mark",
                "testwire/4/en",
                if round % 2 == 0 { "--star" } else { "--unstar" },
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(5 + round * 25));
        let _ = child.kill();
        let _ = child.wait();
    }

    let output = env.run_lib(&["list", "--json", "is:starred"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let starred: Vec<String> = stdout(&output)
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .filter(|id| id != "testwire/4/en")
        .collect();
    assert_eq!(starred, ["testwire/2/en", "testwire/1/en"]);
    let read = stdout(&env.run_lib(&["list", "is:read"]));
    assert!(read.contains("Story number 3"), "{read}");
    let index = stdout(&env.run_lib(&["index"]));
    assert!(index.contains("3000 articles"), "{index}");
}

#[test]
fn an_interrupted_first_index_keeps_every_batch_it_committed() {
    // More than one commit batch (8,192 files), small files so the test stays quick.
    const FILES: u32 = 20_000;
    let env = Env::new();
    let root = env.library();
    for n in 0..FILES {
        let body = format!(
            "---\ntitle: Note {n}\nexternalId: '{n}'\nsource: {{name: W, key: w, type: RSS}}\n---\nword{n}\n"
        );
        fs::write(root.join(format!("n{n:05}.md")), body).unwrap();
    }
    let library = root.to_str().unwrap().to_owned();
    let mut child = env
        .command(&["--library", &library, "index"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill -9 as soon as the first batch is committed.
    let cache = env.dir.path().join("cache/cache.db");
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let committed = loop {
        let count = rusqlite::Connection::open_with_flags(
            &cache,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .and_then(|conn| {
            conn.busy_timeout(Duration::from_secs(5))?;
            conn.query_row("SELECT count(*) FROM files", [], |row| row.get::<_, u32>(0))
        })
        .unwrap_or(0);
        if count > 0 || child.try_wait().unwrap().is_some() {
            break count;
        }
        assert!(std::time::Instant::now() < deadline, "no batch committed");
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        (8_192..FILES).contains(&committed),
        "whole batches, before the end: {committed}"
    );

    let output = env.run_lib(&["index"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    let parsed: u32 = report
        .split(", ")
        .find_map(|part| part.strip_suffix(" parsed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a parsed count in {report}"));
    assert!(
        parsed <= FILES - committed,
        "{parsed} parsed again after {committed} were committed: {report}"
    );
    assert!(report.contains(&format!("{FILES} articles")), "{report}");
    // The text of a file from the first batch and of one from the rest are both searchable.
    for n in [3, FILES - 1] {
        let found = stdout(&env.run_lib(&["list", &format!("word{n}")]));
        assert!(found.contains(&format!("Note {n}")), "word{n}: {found}");
    }
}

#[test]
fn the_reader_without_a_terminal_says_what_to_use_instead() {
    let env = Env::new();
    let output = env.run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("needs a terminal") && stderr(&output).contains("tidings list"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty(), "no escape codes into a pipe");
}

/// One article of the query fixture: what its frontmatter says, kept so each test query's
/// answer can be counted from these values directly, not by the query engine.
struct Known {
    tags: &'static [&'static str],
    /// `None`: no sentiment in the file.
    sentiment: Option<&'static str>,
    score: f64,
    sticky: f64,
    /// Day of March 2026, or `None` for no date.
    day: Option<u32>,
}

const KNOWN: &[Known] = &[
    Known {
        tags: &["ETF"],
        sentiment: Some("POSITIVE"),
        score: 80.0,
        sticky: 0.0,
        day: Some(1),
    },
    Known {
        tags: &["BTC"],
        sentiment: Some("NEGATIVE"),
        score: 51.0,
        sticky: 0.0,
        day: Some(2),
    },
    Known {
        tags: &["ETF", "BTC"],
        sentiment: Some("NEUTRAL"),
        score: 50.0,
        sticky: 2.0,
        day: Some(3),
    },
    Known {
        tags: &["ETH"],
        sentiment: None,
        score: 10.0,
        sticky: 0.0,
        day: Some(4),
    },
    Known {
        tags: &["ETF"],
        sentiment: Some("NEGATIVE"),
        score: 95.5,
        sticky: 0.0,
        day: None,
    },
    Known {
        tags: &["MINING"],
        sentiment: Some("POSITIVE"),
        score: 0.0,
        sticky: 1.0,
        day: Some(20),
    },
    Known {
        tags: &["BTC", "MINING"],
        sentiment: None,
        score: 65.0,
        sticky: 0.0,
        day: None,
    },
    Known {
        tags: &[],
        sentiment: Some("NEUTRAL"),
        score: 79.9,
        sticky: 0.0,
        day: Some(31),
    },
];

fn known_library(env: &Env) {
    let root = env.library();
    for (n, known) in KNOWN.iter().enumerate() {
        let mut text = format!("---\ntitle: Story {n}\nexternalId: 'k{n}'\nlang: en\n");
        text += "source: {name: Test Wire, key: testwire, type: RSS}\n";
        text += &format!("tags: [{}]\n", known.tags.join(", "));
        if let Some(sentiment) = known.sentiment {
            text += &format!("sentiment: {sentiment}\n");
        }
        text += &format!("score: {}\nstickyWeight: {}\n", known.score, known.sticky);
        if let Some(day) = known.day {
            text += &format!("publishedAt: '2026-03-{day:02}T10:00:00Z'\n");
        }
        text += "---\nA short body.\n";
        fs::write(root.join(format!("k{n}.md")), text).expect("write article");
    }
}

#[test]
fn the_query_language_finds_exactly_what_the_frontmatter_says() {
    let env = Env::new();
    known_library(&env);
    let listed = |query: &str| -> Vec<String> {
        let output = env.run_lib(&["list", "--json", query]);
        assert!(output.status.success(), "{query}: {}", stderr(&output));
        let mut titles: Vec<String> = stdout(&output)
            .lines()
            .map(|line| {
                serde_json::from_str::<serde_json::Value>(line).unwrap()["title"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        titles.sort();
        titles
    };
    let expected = |keep: &dyn Fn(&Known) -> bool| -> Vec<String> {
        let mut titles: Vec<String> = KNOWN
            .iter()
            .enumerate()
            .filter(|(_, known)| keep(known))
            .map(|(n, _)| format!("Story {n}"))
            .collect();
        titles.sort();
        titles
    };
    let has = |known: &Known, tag: &str| known.tags.contains(&tag);
    type Keep<'a> = &'a dyn Fn(&Known) -> bool;
    let cases: [(&str, Keep); 11] = [
        ("sentiment:unknown", &|k| k.sentiment.is_none()),
        ("sentiment:unk|neg", &|k| {
            k.sentiment.is_none() || k.sentiment == Some("NEGATIVE")
        }),
        ("(tag:etf or tag:btc) -sentiment:neg", &|k| {
            (has(k, "ETF") || has(k, "BTC")) && k.sentiment != Some("NEGATIVE")
        }),
        ("tag:mining or score:<20", &|k| {
            has(k, "MINING") || k.score < 20.0
        }),
        ("-(tag:etf or tag:btc)", &|k| {
            !has(k, "ETF") && !has(k, "BTC")
        }),
        ("score:>50", &|k| k.score > 50.0),
        ("score:50..80", &|k| (50.0..=80.0).contains(&k.score)),
        ("sticky:>0", &|k| k.sticky > 0.0),
        ("date:2026-03-01..2026-03-04", &|k| {
            k.day.is_some_and(|day| (1..=4).contains(&day))
        }),
        ("since:2026-03-03", &|k| k.day.is_some_and(|day| day >= 3)),
        ("date:unknown", &|k| k.day.is_none()),
    ];
    for (query, keep) in cases {
        let want = expected(keep);
        assert!(
            !want.is_empty(),
            "{query}: a case that selects nothing proves little"
        );
        assert_eq!(listed(query), want, "{query}");
    }

    // Patterns for titles ("Story {n}"), alone and beside other terms.
    let numbered = |keep: &dyn Fn(usize, &Known) -> bool| -> Vec<String> {
        let mut titles: Vec<String> = (0..KNOWN.len())
            .filter(|&n| keep(n, &KNOWN[n]))
            .map(|n| format!("Story {n}"))
            .collect();
        titles.sort();
        titles
    };
    assert_eq!(
        listed("/^story [1-3]$/"),
        numbered(&|n, _| (1..=3).contains(&n))
    );
    assert_eq!(
        listed("-/[02468]$/ -sentiment:neg"),
        numbered(&|n, k| n % 2 == 1 && k.sentiment != Some("NEGATIVE"))
    );
    assert_eq!(
        listed("/ 0$/ or tag:mining"),
        numbered(&|n, k| n == 0 || has(k, "MINING"))
    );
    let bad = env.run_lib(&["list", "/story (/"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("unclosed group"), "{}", stderr(&bad));

    // Saved searches: by name in any query, in `list` and `stats`, one may use another.
    fs::write(
        env.dir.path().join("config.toml"),
        "[saved]\n\"ETF longs\" = \"tag:etf sentiment:pos|neu\"\nhigh = \"score:>60\"\n\
         both = '@high @\"ETF longs\"'\n",
    )
    .unwrap();
    let etf_longs =
        |k: &Known| has(k, "ETF") && matches!(k.sentiment, Some("POSITIVE" | "NEUTRAL"));
    assert_eq!(listed("@\"ETF longs\""), expected(&etf_longs));
    assert_eq!(
        listed("@high or -score:>0"),
        expected(&|k| k.score > 60.0 || k.score <= 0.0)
    );
    assert_eq!(
        listed("@both"),
        expected(&|k| etf_longs(k) && k.score > 60.0)
    );
    let output = env.run_lib(&["stats", "@ETF longs"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let total = KNOWN.iter().filter(|k| etf_longs(k)).count();
    assert!(
        stdout(&output).starts_with(&format!("{total} stories")),
        "{}",
        stdout(&output)
    );
    let output = env.run_lib(&["list", "@nothing"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("@nothing — no saved search"),
        "{}",
        stderr(&output)
    );

    // A saved search that cannot be understood, or uses itself, stops tidings at start.
    for (saved, expected) in [
        ("odd = \"is:weird\"", "[saved] \"odd\": is:weird"),
        ("loop = \"@loop\"", "@loop — the saved search uses itself"),
    ] {
        fs::write(
            env.dir.path().join("config.toml"),
            format!("[saved]\n{saved}\n"),
        )
        .unwrap();
        let output = env.run_lib(&["list"]);
        assert_eq!(output.status.code(), Some(2), "{saved}");
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
}

#[test]
fn an_empty_state_file_is_reported_as_damage_and_left_alone() {
    let env = Env::new();
    small_library(&env);
    let state = env.dir.path().join("data/state.db");
    fs::create_dir_all(state.parent().unwrap()).unwrap();
    fs::write(&state, b"").unwrap();
    let refused = env.run_lib(&["mark", "testwire/1/en", "--read"]);
    assert!(!refused.status.success());
    let said = stderr(&refused);
    assert!(
        said.contains("state.db") && said.contains("no table of marks"),
        "{said}"
    );
    assert_eq!(fs::read(&state).unwrap(), b"");
}

/// Makes the state database refuse what `when` says (an SQL condition on `NEW`), as a full disk
/// or a kill would at that point: what one command marks must then change nothing at all.
fn refuse_marks(env: &Env, when: &str) {
    let state = env.dir.path().join("data/state.db");
    let conn = rusqlite::Connection::open(state).unwrap();
    conn.execute_batch(&format!(
        "CREATE TRIGGER refuse_insert BEFORE INSERT ON marks WHEN {when}
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
         CREATE TRIGGER refuse_update BEFORE UPDATE ON marks WHEN {when}
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
    ))
    .unwrap();
}

#[test]
fn one_mark_command_is_one_transaction() {
    let env = Env::new();
    small_library(&env);
    assert!(env.run_lib(&["list"]).status.success());
    refuse_marks(&env, "NEW.starred = 1");
    let refused = env.run_lib(&["mark", "testwire/1/en", "--read", "--star"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("refused by the test"));
    assert_eq!(stdout(&env.run_lib(&["list", "is:read"])), "");

    let env = Env::new();
    small_library(&env);
    assert!(env.run_lib(&["list"]).status.success());
    refuse_marks(&env, "NEW.article_id = 'testwire/2/en'");
    let refused = env.run_lib(&["mark", "testwire/1/en", "testwire/2/en", "--read"]);
    assert!(!refused.status.success());
    assert_eq!(stdout(&env.run_lib(&["list", "is:read"])), "");
}

#[test]
fn a_busy_cache_is_waited_for_and_never_moved_aside() {
    let env = Env::new();
    small_library(&env);
    assert!(env.run_lib(&["index"]).status.success());
    // A file the next command must store: it has to write to the cache, not only read it.
    write_article(&env.library(), "e.md", 5, "Late arrival", "NEUTRAL", "");
    // Another tidings holds the cache's write lock for longer than the old wait of 5 s (what
    // a long first index does): the busy cache used to be moved aside as if corrupt.
    let cache = env.dir.path().join("cache/cache.db");
    let holder = rusqlite::Connection::open(&cache).unwrap();
    holder
        .execute_batch("BEGIN EXCLUSIVE; UPDATE settings SET value = value WHERE key = 'parser';")
        .unwrap();
    let library = env.library();
    let library = library.to_str().unwrap();
    let spawn = |args: &[&str]| {
        let mut all = vec!["--library", library];
        all.extend_from_slice(args);
        env.command(&all)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let list = spawn(&["list"]);
    let mark = spawn(&["mark", "testwire/1/en", "--star"]);
    std::thread::sleep(Duration::from_secs(6));
    holder.execute_batch("COMMIT").unwrap();
    let list = list.wait_with_output().unwrap();
    let mark = mark.wait_with_output().unwrap();
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(mark.status.success(), "{}", stderr(&mark));
    assert!(stdout(&list).contains("Late arrival"), "{}", stdout(&list));
    let starred = stdout(&env.run_lib(&["list", "is:starred"]));
    assert!(starred.contains("Rates held steady"), "{starred}");
    let aside: Vec<String> = fs::read_dir(env.dir.path().join("cache"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("broken"))
        .collect();
    assert!(aside.is_empty(), "{aside:?}");
}

/// `show` of a rendering fixture, piped: its source and what was printed.
fn show_rendering(name: &str, width: &str) -> (String, String) {
    let env = Env::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rendering");
    let source = fs::read_to_string(fixtures.join(name)).unwrap();
    fs::write(env.library().join(name), &source).unwrap();
    // Each fixture's id is its source, externalId and language.
    let number = source
        .split("externalId: 'r")
        .nth(1)
        .unwrap()
        .chars()
        .next()
        .unwrap();
    let output = env.run_lib(&[
        "show",
        &format!("renderdesk/r{number}/en"),
        "--width",
        width,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains('\u{1b}'), "no escapes in a pipe");
    (source, text)
}

#[test]
fn show_prints_every_url_whole() {
    for width in ["40", "80", "200"] {
        let (source, text) = show_rendering("long-url.md", width);
        let urls: Vec<&str> = source
            .split(|c: char| c.is_whitespace() || "()<>".contains(c))
            .filter(|word| word.starts_with("https://"))
            .collect();
        assert!(urls.iter().any(|url| url.len() == 300), "{urls:?}");
        for url in &urls {
            assert!(
                text.contains(url),
                "{url} not whole at width {width}:\n{text}"
            );
        }
        // Nothing else that looks like a URL: no piece of a broken one.
        for word in text.split(|c: char| c.is_whitespace() || "[]".contains(c)) {
            if let Some(at) = word.find("https://") {
                let url = word[at..].trim_end_matches('.');
                assert!(urls.contains(&url), "{word}");
            }
        }
        assert!(
            text.contains("[image: https://images.example.org/"),
            "{text}"
        );
        // A URL linked twice and autolinked is listed once.
        assert_eq!(
            text.matches("section-08-appendix-tables").count(),
            3,
            "{text}"
        );
    }
}

#[test]
fn show_keeps_every_table_cell_word() {
    for width in ["60", "100", "250"] {
        let (source, text) = show_rendering("wide-table.md", width);
        let clean = |word: &str| word.trim_matches(['│', '|', ':', ',', '.']).to_owned();
        let shown: std::collections::HashSet<String> = text.split_whitespace().map(clean).collect();
        let rows = source
            .lines()
            .filter(|l| l.starts_with('|') && !l.contains("---"));
        for cell in rows.flat_map(|row| row.split('|')) {
            for word in cell.split_whitespace().map(clean) {
                assert!(
                    shown.contains(&word),
                    "{word:?} missing at width {width}:\n{text}"
                );
            }
        }
        assert!(!text.contains('…'), "{text}");
    }
}

#[test]
fn show_prints_code_as_written() {
    let (source, text) = show_rendering("long-code-line.md", "40");
    let code = source.split("```").nth(1).unwrap().lines().skip(1);
    let printed: Vec<&str> = text.lines().collect();
    for line in code {
        assert!(
            printed
                .iter()
                .any(|p| p.trim_start() == line.trim_start() && p.ends_with(line)),
            "{line:?} not whole:\n{text}"
        );
    }
}

#[test]
fn show_drops_tags_and_keeps_markdown_marks() {
    let (_, html) = show_rendering("raw-html.md", "80");
    for paragraph in [
        "The main notice sits in a block of markup.",
        "Its second paragraph stays apart & readable.",
        "The paragraph after the block is its own paragraph.",
    ] {
        let at = html
            .find(paragraph)
            .unwrap_or_else(|| panic!("{paragraph}:\n{html}"));
        let before = &html[..at];
        assert!(
            before.ends_with("\n\n") || before.ends_with("─\n"),
            "{paragraph} is its own paragraph:\n{html}"
        );
    }
    for hidden in ["<", "never shown", "editor's comment", "teal", "hidden()"] {
        assert!(!html.contains(hidden), "{hidden}:\n{html}");
    }
    assert!(
        html.contains("Ctrl+C and spanned words keep their text,\na break"),
        "{html}"
    );

    let (_, notes) = show_rendering("footnotes.md", "80");
    // Numbered in the order they are met, whatever their labels.
    assert!(notes.contains("winter.¹ Dredging followed.²"), "{notes}");
    assert!(notes.contains("¹ Revised in December"), "{notes}");
    assert!(
        notes.contains("² The dredger worked nights only."),
        "{notes}"
    );
    assert!(!notes.contains("[^"), "{notes}");

    let (_, headed) = show_rendering("heading-attributes.md", "80");
    assert!(headed.contains("\n# Harbour works @0xTyrael\n"), "{headed}");
    assert!(headed.contains("\n## Second stage\n"), "{headed}");
    assert!(!headed.contains('{'), "{headed}");
    assert!(
        headed.contains("- [x] pilings driven\n- [ ] deck poured"),
        "{headed}"
    );
    assert!(
        headed.contains("> A quoted line from the engineer."),
        "{headed}"
    );
}
