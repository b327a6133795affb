//! `tidings fetch` and `tidings feeds` end to end, against feed servers the tests start on
//! 127.0.0.1: RSS, Atom and JSON Feed land as articles with every field, a second fetch costs a
//! 304, a changed entry updates its file, and every kind of broken feed is one line of its own.
// Test setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

#[path = "common/feed_server.rs"]
mod feed_server;

use std::collections::BTreeMap;
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use feed_server::{Route, Server};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn library(&self) -> PathBuf {
        self.path("news")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tidings"))
            .args(args)
            .env("TIDINGS_CACHE_DIR", self.path("cache"))
            .env("TIDINGS_DATA_DIR", self.path("data"))
            .env("TIDINGS_CONFIG", self.path("config/config.toml"))
            .env("TZ", "UTC")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn fetch(&self, extra: &[&str]) -> Output {
        let library = self.library();
        let mut args = vec![
            "fetch",
            "--into",
            library.to_str().unwrap(),
            "--timeout",
            "1",
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn write_feeds(&self, feeds: &[(&str, &str, String)]) {
        let mut text = String::new();
        for (key, name, url) in feeds {
            text.push_str(&format!(
                "[[feed]]\nname = \"{name}\"\nkey = \"{key}\"\nurl = \"{url}\"\n\n"
            ));
        }
        fs::create_dir_all(self.path("config")).unwrap();
        fs::write(self.path("config/feeds.toml"), text).unwrap();
    }

    /// Every article `list --json` gives, by title.
    fn articles(&self) -> BTreeMap<String, serde_json::Value> {
        let library = self.library();
        let output = self.run(&["--library", library.to_str().unwrap(), "list", "--json"]);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
            .lines()
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                (value["title"].as_str().unwrap().to_owned(), value)
            })
            .collect()
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn fixture(name: &str) -> String {
    fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/feeds")
            .join(name),
    )
    .unwrap()
}

/// Every file under `dir` with its text.
fn files(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.insert(path.clone(), fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

fn good_feeds(server: &Server) -> Vec<(&'static str, &'static str, String)> {
    server.feed(
        "/rss.xml",
        &fixture("rss2.xml"),
        "application/rss+xml",
        "r1",
    );
    server.feed(
        "/atom.xml",
        &fixture("atom.xml"),
        "application/atom+xml",
        "a1",
    );
    server.feed(
        "/feed.json",
        &fixture("feed.json"),
        "application/feed+json",
        "j1",
    );
    vec![
        ("harbour", "Harbour Wire", server.url("/rss.xml")),
        ("steppe", "Степовий вісник", server.url("/atom.xml")),
        ("orchard", "Orchard Notes", server.url("/feed.json")),
    ]
}

#[test]
fn feeds_land_as_articles_with_every_field() {
    let env = Env::new();
    let server = Server::start();
    env.write_feeds(&good_feeds(&server));
    let output = env.fetch(&[]);
    let (out, err) = (stdout(&output), stderr(&output));
    // The entry with neither guid nor link is a problem line: the run says so in its status.
    assert_eq!(output.status.code(), Some(1), "{out}\n{err}");
    assert!(
        out.contains("harbour: 3 new, 0 updated, 0 unchanged, 1 with a repeated id skipped"),
        "{out}"
    );
    assert!(out.contains("steppe: 2 new"), "{out}");
    assert!(out.contains("orchard: 2 new"), "{out}");
    // The fixtures' cover images are on hosts that do not exist: warnings, not problems.
    let problems: Vec<&str> = err
        .lines()
        .filter(|line| !line.contains(": warning: cover image "))
        .collect();
    assert_eq!(problems.len(), 1, "{err}");
    assert!(
        problems[0].starts_with(
            "harbour: entry 5 (A notice with neither guid nor link) has no id and no link"
        ),
        "{err}"
    );

    let articles = env.articles();
    assert_eq!(articles.len(), 7, "{:?}", articles.keys());

    let ferry = &articles["Ferry timetable changes for the winter"];
    assert_eq!(ferry["publishedAt"], "2026-11-03T09:30:00.000Z");
    assert_eq!(ferry["lang"], "en");
    assert_eq!(ferry["source"]["name"], "Harbour Wire");
    assert_eq!(ferry["source"]["key"], "harbour");
    assert_eq!(ferry["source"]["type"], "RSS");
    assert_eq!(ferry["source"]["url"], "http://harbour.example/");
    assert_eq!(ferry["canonicalUrl"], "http://harbour.example/ferry-winter");
    assert_eq!(
        ferry["description"],
        "The night ferry stops running in December."
    );
    assert_eq!(ferry["tags"], serde_json::json!(["TRANSPORT", "FERRIES"]));
    assert_eq!(ferry["sentiment"], "unknown");
    assert_eq!(
        ferry["coverImage"]["raw"],
        "http://harbour.example/img/ferry.jpg"
    );
    let external = ferry["externalId"].as_str().unwrap();
    assert_eq!(external.len(), 16);
    assert_eq!(ferry["id"], format!("harbour/{external}/en"));
    let path = ferry["path"].as_str().unwrap();
    let expected = env
        .library()
        .join("harbour/2026/11/ferry-timetable-changes-for-the-winter-");
    assert!(path.starts_with(expected.to_str().unwrap()), "{path}");
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains("**night ferry**"), "{text}");
    assert!(
        text.contains("[said](http://harbour.example/operator)"),
        "{text}"
    );
    assert!(
        text.contains("![The ferry at dawn](http://harbour.example/img/ferry.jpg)"),
        "{text}"
    );
    assert!(
        !text.contains("tracking") && !text.contains("color: red"),
        "{text}"
    );

    let crane = &articles["Crane upgrade finished ahead of schedule"];
    assert_eq!(crane["publishedAt"], "2026-11-02T14:00:00.000Z");
    assert_eq!(
        crane["description"],
        "The new crane lifts twice the old load."
    );
    assert_eq!(
        crane["coverImage"]["raw"],
        "http://harbour.example/img/crane.jpg"
    );

    let market = &articles["Ärger am Kai: Fischmarkt zieht um — «nouvelle» adresse"];
    assert!(market["publishedAt"].is_null());
    assert_eq!(
        market["description"],
        "Der Fischmarkt zieht an den Nordkai. Ціни не зміняться."
    );

    let library = &articles["Нова бібліотека відкрилася"];
    assert_eq!(library["lang"], "uk");
    assert_eq!(library["source"]["name"], "Степовий вісник");
    assert_eq!(library["source"]["type"], "Atom");
    assert_eq!(library["publishedAt"], "2026-11-04T08:15:00.000Z");
    assert_eq!(library["updatedAt"], "2026-11-04T10:45:00.000Z");
    assert_eq!(library["authors"], serde_json::json!(["Олена Коваль"]));
    assert_eq!(library["tags"], serde_json::json!(["КУЛЬТУРА"]));
    let text = fs::read_to_string(library["path"].as_str().unwrap()).unwrap();
    assert!(text.contains("## Що сталося"), "{text}");
    assert!(
        text.contains("[читальні зали](http://steppe.example/rooms)"),
        "{text}"
    );

    let undated = &articles["Undated field report"];
    assert!(undated["publishedAt"].is_null());
    assert_eq!(undated["canonicalUrl"], "http://steppe.example/undated");

    let apples = &articles["Apple harvest beats the forecast"];
    assert_eq!(apples["source"]["type"], "JSON Feed");
    assert_eq!(apples["description"], "A good year for apples.");
    assert_eq!(apples["tags"], serde_json::json!(["HARVEST", "APPLES"]));
    assert_eq!(apples["authors"], serde_json::json!(["Ivo Brandt"]));
    assert_eq!(
        apples["coverImage"]["raw"],
        "http://orchard.example/img/apples.png"
    );
    let untitled = articles
        .values()
        .find(|a| a["canonicalUrl"] == "http://orchard.example/posts/18")
        .unwrap();
    assert!(
        untitled["title"]
            .as_str()
            .unwrap()
            .starts_with("A post with no title"),
        "{untitled}"
    );
}

#[test]
fn a_second_fetch_costs_a_304_and_a_changed_entry_updates_its_file() {
    let env = Env::new();
    let server = Server::start();
    env.write_feeds(&good_feeds(&server));
    env.fetch(&[]);
    let before = files(&env.library());
    assert_eq!(before.len(), 7);

    let output = env.fetch(&[]);
    let out = stdout(&output);
    assert!(output.status.success(), "{out}\n{}", stderr(&output));
    for key in ["harbour", "steppe", "orchard"] {
        assert!(out.contains(&format!("{key}: not modified")), "{out}");
    }
    assert_eq!(server.statuses("/rss.xml"), [200, 304]);
    assert_eq!(files(&env.library()), before, "a 304 writes nothing");

    // The feed changes one entry: a dry run says so and writes nothing, a fetch updates it.
    let changed = fixture("rss2.xml").replace(
        "The night ferry stops running in December.</description>",
        "The night ferry now stops running in January.</description>",
    );
    server.feed("/rss.xml", &changed, "application/rss+xml", "r2");
    let dry = env.fetch(&["--dry-run", "harbour"]);
    let out = stdout(&dry);
    assert!(out.contains("would write"), "{out}");
    assert!(
        out.contains("harbour: would write 0 new, 1 updated, 2 unchanged"),
        "{out}"
    );
    assert!(!out.contains("steppe"), "only the feed asked for: {out}");
    assert_eq!(files(&env.library()), before);

    let output = env.fetch(&["harbour"]);
    let out = stdout(&output);
    assert!(
        out.contains("harbour: 0 new, 1 updated, 2 unchanged"),
        "{out}"
    );
    let after = files(&env.library());
    assert_eq!(
        after.len(),
        before.len(),
        "updated in place, not duplicated"
    );
    let differing: Vec<&PathBuf> = after
        .iter()
        .filter(|(path, text)| before.get(*path) != Some(text))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(differing.len(), 1);
    assert!(after[differing[0]].contains("now stops running in January"));
    assert!(
        !files(&env.library())
            .keys()
            .any(|p| p.to_string_lossy().ends_with(".part"))
    );
}

#[test]
fn each_broken_feed_is_one_line_and_the_others_still_land() {
    let env = Env::new();
    let server = Server::start();
    let mut feeds = good_feeds(&server);
    server.route("/500", Route::Status(500));
    server.feed(
        "/invalid.xml",
        "<rss version=\"2.0\"><channel><item><title>cut",
        "text/xml",
        "i",
    );
    server.feed(
        "/page.html",
        "<html><body><p>Not a feed</p></body></html>",
        "text/html",
        "p",
    );
    server.route("/huge.xml", Route::Huge(30 * 1000 * 1000));
    server.route("/loop", Route::RedirectTo("/loop".to_owned()));
    server.route("/slow.xml", Route::Slow(Duration::from_secs(5)));
    // A port nothing listens on.
    let refused = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    // One host, so these are fetched one after another: the timeout keeps the slow one short.
    let broken: Vec<(&str, &str)> = vec![
        ("err500", "/500"),
        ("invalid", "/invalid.xml"),
        ("notfeed", "/page.html"),
        ("huge", "/huge.xml"),
        ("loop", "/loop"),
        ("slow", "/slow.xml"),
        ("gone", "/missing.xml"),
    ];
    for (key, path) in &broken {
        feeds.push((key, "Broken", server.url(path)));
    }
    feeds.push((
        "refused",
        "Refused",
        format!("http://127.0.0.1:{refused}/feed"),
    ));
    env.write_feeds(&feeds);

    let started = std::time::Instant::now();
    let output = env.fetch(&[]);
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{out}\n{err}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the slow feed was cut off"
    );
    let expect = [
        ("err500", "HTTP 500"),
        ("invalid", "not a valid feed"),
        ("notfeed", "not a"),
        ("huge", "larger than 20 MB"),
        ("loop", "redirect"),
        ("slow", "timed out"),
        ("gone", "HTTP 404"),
        ("refused", "refused"),
    ];
    for (key, words) in expect {
        let lines: Vec<&str> = err
            .lines()
            .filter(|l| l.starts_with(&format!("{key}: ")))
            .collect();
        assert_eq!(lines.len(), 1, "{key}: {err}");
        assert!(
            lines[0].contains("failed") && lines[0].contains(words),
            "{key}: {err}"
        );
    }
    for key in ["harbour", "steppe", "orchard"] {
        assert!(
            out.contains(&format!("{key}: ")) && !err.contains(&format!("{key}: failed")),
            "{out}\n{err}"
        );
    }
    assert_eq!(files(&env.library()).len(), 7);
    for key in ["err500", "invalid", "huge", "slow"] {
        assert!(!env.library().join(key).exists());
    }
}

#[test]
fn a_failed_fetch_leaves_what_was_written() {
    let env = Env::new();
    let server = Server::start();
    env.write_feeds(&good_feeds(&server));
    env.fetch(&[]);
    let before = files(&env.library());
    server.route("/rss.xml", Route::Status(503));
    server.feed(
        "/atom.xml",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>",
        "text/xml",
        "a2",
    );
    let output = env.fetch(&[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(files(&env.library()), before);
}

#[test]
fn import_opml_and_newsboat_then_export() {
    let env = Env::new();
    let opml = env.path("subscriptions.opml");
    fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>
        <outline text="Local"><outline type="rss" text="Harbour Wire" xmlUrl="http://127.0.0.1:1/rss.xml"/></outline>
        <outline type="rss" text="Orchard &amp; Co" xmlUrl="http://127.0.0.1:1/feed.json"/>
        </body></opml>"#,
    )
    .unwrap();
    let output = env.run(&["feeds", "import", opml.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("2 feed(s) added"),
        "{}",
        stdout(&output)
    );
    let urls = env.path("urls");
    fs::write(
        &urls,
        "# newsboat\nhttp://127.0.0.1:1/rss.xml dup\nhttp://127.0.0.1:1/atom.xml culture \"~Steppe\"\n",
    )
    .unwrap();
    let output = env.run(&["feeds", "import", urls.to_str().unwrap()]);
    assert!(
        stdout(&output).contains("1 feed(s) added"),
        "{}",
        stdout(&output)
    );
    let list = fs::read_to_string(env.path("config/feeds.toml")).unwrap();
    assert!(list.contains("key = \"harbour-wire\""), "{list}");
    assert!(list.contains("key = \"orchard-co\""), "{list}");
    assert!(list.contains("tags = [\"Local\"]"), "{list}");
    assert!(list.contains("name = \"Steppe\""), "{list}");

    let output = env.run(&["feeds", "export"]);
    let opml = stdout(&output);
    assert!(opml.contains("text=\"Orchard &amp; Co\""), "{opml}");
    assert!(
        opml.contains("xmlUrl=\"http://127.0.0.1:1/atom.xml\" category=\"culture\""),
        "{opml}"
    );
}

#[test]
fn fetch_says_what_is_missing() {
    let env = Env::new();
    let output = env.fetch(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no feeds in"),
        "{}",
        stderr(&output)
    );
    let server = Server::start();
    env.write_feeds(&good_feeds(&server));
    let output = env.fetch(&["nosuch"]);
    assert!(
        stderr(&output).contains("\"nosuch\""),
        "{}",
        stderr(&output)
    );
    let output = env.run(&["fetch"]);
    assert!(
        stderr(&output).contains("no library folder"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn gzip_is_asked_for_and_unpacked() {
    let env = Env::new();
    let server = Server::start();
    server.route("/gz.xml", Route::Gzipped(fixture("rss2.xml")));
    env.write_feeds(&[("harbour", "Harbour Wire", server.url("/gz.xml"))]);
    let output = env.fetch(&[]);
    assert!(
        stdout(&output).contains("harbour: 3 new"),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(server.statuses("/gz.xml"), [200]);
}

#[test]
fn feeds_not_started_by_the_deadline_are_reported() {
    let env = Env::new();
    let server = Server::start();
    server.route("/slow.xml", Route::Slow(Duration::from_secs(3)));
    server.feed(
        "/rss.xml",
        &fixture("rss2.xml"),
        "application/rss+xml",
        "r1",
    );
    // One host: the second feed waits for the first, and the run's deadline comes first.
    env.write_feeds(&[
        ("slow", "Slow", server.url("/slow.xml")),
        ("harbour", "Harbour Wire", server.url("/rss.xml")),
    ]);
    let started = std::time::Instant::now();
    let output = env.fetch(&["--deadline", "0.5"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3), "{err}");
    assert!(err.contains("slow: failed: timed out after 0.5 s"), "{err}");
    assert!(
        err.contains("harbour: failed: not fetched: the run's deadline"),
        "{err}"
    );
    assert!(!env.library().exists());
}

#[test]
fn fetch_downloads_covers_into_the_cache_and_a_missing_one_is_a_warning() {
    let env = Env::new();
    let server = Server::start();
    let item = |title: &str, cover: &str| {
        format!(
            "<item><title>{title}</title><link>http://news.example/{title}</link>\
             <media:content url=\"{cover}\" type=\"image/png\" medium=\"image\"/></item>"
        )
    };
    let (found, missing) = (server.url("/img/found.png"), server.url("/img/missing.png"));
    let rss = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\">\
         <channel><title>Covers</title><link>http://news.example/</link>{}{}</channel></rss>",
        item("found", &found),
        item("missing", &missing)
    );
    server.feed("/covers.xml", &rss, "application/rss+xml", "c1");
    // The fetch stores what the server sent; whether it decodes is the reader's business.
    server.feed("/img/found.png", "pretend png", "image/png", "p1");
    server.route("/img/missing.png", Route::Status(404));
    env.write_feeds(&[("covers", "Covers", server.url("/covers.xml"))]);

    let output = env.fetch(&[]);
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(output.status.success(), "{out}\n{err}");
    assert!(out.contains("covers: 2 new"), "{out}");
    assert_eq!(
        err.trim(),
        format!("covers: warning: cover image {missing} not downloaded: HTTP 404 Not Found"),
    );
    let covers = env.path("cache/covers");
    let cached = tidings::library::covers::cached_path(&covers, &found);
    assert_eq!(fs::read_to_string(&cached).unwrap(), "pretend png");
    assert_eq!(files(&covers).len(), 1, "{:?}", files(&covers));
    assert_eq!(
        tidings::library::covers::local_cover(&found, &env.library().join("any.md"), &covers),
        Some(cached)
    );

    // A cover already in the cache is not asked for again.
    let output = env.fetch(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(server.statuses("/img/found.png"), [200]);
}

#[test]
fn covers_downloads_the_covers_a_query_lists_once_each() {
    let env = Env::new();
    let server = Server::start();
    let (found, missing, other) = (
        server.url("/img/found.png"),
        server.url("/img/missing.jpg"),
        server.url("/img/other.png"),
    );
    server.feed("/img/found.png", "pretend png", "image/png", "p1");
    server.route("/img/missing.jpg", Route::Status(404));
    server.feed("/img/other.png", "another png", "image/png", "p2");
    let write = |name: &str, tag: &str, cover: &str| {
        let text = format!(
            "---\ntitle: \"{name}\"\npublishedAt: '2026-12-0{}T08:00:00Z'\ntags: [{tag}]\n\
             coverImage: {cover}\n---\nA body.\n",
            name.len() % 9 + 1
        );
        fs::create_dir_all(env.library()).unwrap();
        fs::write(env.library().join(format!("{name}.md")), text).unwrap();
    };
    write("harbour", "PORTS", &found);
    // Two articles with one cover: asked for once.
    write("quay", "PORTS", &found);
    write("lighthouse", "PORTS", &missing);
    write("orchard", "FARMS", &other);
    // A cover beside the article needs no download.
    write("barn", "FARMS", "barn.png");
    let library = env.library();
    let covers = |args: &[&str]| {
        let mut all = vec!["--library", library.to_str().unwrap(), "covers"];
        all.extend_from_slice(args);
        env.run(&all)
    };

    let planned = covers(&["--dry-run", "tag:ports"]);
    assert!(planned.status.success(), "{}", stderr(&planned));
    assert_eq!(
        stdout(&planned).trim(),
        "2 cover image(s) to download, 0 in the cache already"
    );
    assert!(server.statuses("/img/found.png").is_empty());

    let output = covers(&["tag:ports"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        "1 cover image(s) downloaded, 0 in the cache already, 1 could not be had"
    );
    assert_eq!(
        stderr(&output).trim(),
        format!("tidings: cover image {missing} not downloaded: HTTP 404 Not Found")
    );
    let dir = env.path("cache/covers");
    let cached = tidings::library::covers::cached_path(&dir, &found);
    assert_eq!(fs::read_to_string(&cached).unwrap(), "pretend png");
    // The query kept the farm's cover out.
    assert_eq!(files(&dir).len(), 1, "{:?}", files(&dir));

    // Every article now: the one cached is not asked for again.
    let output = covers(&[]);
    assert_eq!(
        stdout(&output).trim(),
        "1 cover image(s) downloaded, 1 in the cache already, 1 could not be had"
    );
    assert_eq!(server.statuses("/img/found.png"), [200]);
    assert_eq!(server.statuses("/img/other.png"), [200]);
    assert_eq!(
        fs::read_to_string(tidings::library::covers::cached_path(&dir, &other)).unwrap(),
        "another png"
    );
}
