//! The reader's app model, action by action, without a terminal.
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Fixture, selected_title, titles};
use tidings::app::{
    Action, Dimension, Effect, EntryKind, Event, Focus, Key, KeyContext, Level, SortMode, Viewport,
};
use tidings::article::Sentiment;

const NEWEST: [&str; 4] = [
    // Pinned first, then newest first; the draft is hidden. One row per story: Alpha's
    // Ukrainian version is not a row of its own.
    "Charlie rates held steady",
    "Alpha rally lifts markets",
    "Bravo miners sell off",
    "Delta mood unclear",
];

/// Alpha told in Ukrainian: the same story as `NEWEST[1]`.
const ALPHA_UK: &str = "Альфа: ралі підняло ринки";

const fn viewport(list_rows: usize) -> Viewport {
    Viewport {
        list_rows,
        article_rows: 10,
        article_lines: 50,
        article_overflow: 20,
        article_rendering: false,
        sidebar_rows: 8,
        help_max_scroll: 30,
        found_lines: Vec::new(),
    }
}

fn type_query(app: &mut tidings::app::App, text: &str) {
    app.handle_key(Key::Char('/'));
    for c in text.chars() {
        app.handle_key(Key::Char(c));
    }
}

#[test]
fn starts_sorted_with_pinned_first_and_drafts_hidden() {
    let fixture = Fixture::new();
    let app = fixture.app();
    assert_eq!(titles(&app), NEWEST);
    assert_eq!(app.selected(), 0);
    assert_eq!(app.focus(), Focus::List);
    assert_eq!(
        app.shown(),
        app.selected_index(),
        "the pane follows the list"
    );
    assert!(app.details().is_some_and(|d| d.is_ok()));
}

#[test]
fn moving_through_the_list_stays_in_bounds() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::Drawn(viewport(3)));
    app.update(Action::Down);
    assert_eq!(selected_title(&app), NEWEST[1]);
    app.update(Action::Up);
    app.update(Action::Up);
    assert_eq!(app.selected(), 0, "cannot go above the first");
    app.update(Action::Bottom);
    assert_eq!(selected_title(&app), NEWEST[3]);
    assert_eq!(app.list_offset(), 1, "the last row is in view");
    app.update(Action::Down);
    assert_eq!(app.selected(), 3, "cannot go below the last");
    app.update(Action::Top);
    assert_eq!((app.selected(), app.list_offset()), (0, 0));
    app.update(Action::PageDown);
    assert_eq!(app.selected(), 2, "a page is the rows shown less one");
    app.update(Action::PageUp);
    assert_eq!(app.selected(), 0);
    app.update(Action::HalfPageDown);
    assert_eq!(app.selected(), 1);
    app.update(Action::HalfPageUp);
    assert_eq!(app.selected(), 0);
    app.update(Action::SelectHeadline(3));
    assert_eq!(selected_title(&app), NEWEST[3]);
    app.update(Action::SelectHeadline(99));
    assert_eq!(app.selected(), 3, "a click below the list selects nothing");
    app.update(Action::Scroll {
        pane: Focus::List,
        lines: -3,
    });
    assert_eq!(app.selected(), 0);
}

#[test]
fn opening_marks_read_and_the_article_scrolls_on_its_own() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::Drawn(viewport(5)));
    app.update(Action::Down);
    let index = app.selected_index().unwrap();
    assert!(!app.marks(index).read);
    app.handle_key(Key::Enter);
    assert_eq!(app.focus(), Focus::Article);
    assert!(app.marks(index).read, "opening marks read");
    app.update(Action::Down);
    app.update(Action::Down);
    assert_eq!(app.article_scroll(), 2);
    assert_eq!(app.selected(), 1, "the list did not move");
    app.update(Action::Bottom);
    assert_eq!(app.article_scroll(), 40, "lines less rows");
    app.update(Action::PageUp);
    assert_eq!(app.article_scroll(), 31);
    app.update(Action::Top);
    assert_eq!(app.article_scroll(), 0);
    app.update(Action::PageDown);
    app.handle_key(Key::Esc);
    assert_eq!(app.focus(), Focus::List);

    // The position is remembered per article while the reader is open.
    app.update(Action::Down);
    assert_eq!(app.article_scroll(), 0, "another article starts at the top");
    app.update(Action::Up);
    assert_eq!(app.article_scroll(), 9, "back where it was left");

    // Marks are the user's: they outlive the app.
    drop(app);
    let again = fixture.app();
    let index = again
        .library()
        .articles()
        .position(|a| a.title == NEWEST[1])
        .unwrap();
    assert!(again.marks(index).read);
}

#[test]
fn zoom_and_sideways_scrolling_in_an_article() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::Drawn(viewport(5)));
    app.handle_key(Key::Char('z'));
    assert!(
        app.zoomed() && app.focus() == Focus::Article,
        "z zooms to the article"
    );
    // The view says how far lines reach past the pane (20 columns): no further.
    for _ in 0..10 {
        app.handle_key(Key::Char('>'));
    }
    assert_eq!(app.article_column(), 20);
    app.handle_key(Key::Char('<'));
    assert_eq!(app.article_column(), 12);
    // Another article starts at its left edge.
    app.handle_key(Key::Char('J'));
    assert_eq!(app.article_column(), 0);
    // Zoom applies while the article has the focus, and z brings every pane back.
    app.handle_key(Key::Tab);
    assert!(!app.zoomed());
    app.handle_key(Key::BackTab);
    assert!(app.zoomed());
    app.handle_key(Key::Char('z'));
    assert!(!app.zoomed());
}

#[test]
fn star_and_read_toggle_and_persist() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    let index = app.selected_index().unwrap();
    app.handle_key(Key::Char('s'));
    assert!(app.marks(index).starred);
    app.handle_key(Key::Char('r'));
    assert!(app.marks(index).read);
    drop(app);
    let mut app = fixture.app();
    assert!(app.marks(index).starred && app.marks(index).read);
    app.handle_key(Key::Char('*'));
    app.handle_key(Key::Char('r'));
    assert!(!app.marks(index).starred && !app.marks(index).read);
}

#[test]
fn tab_cycles_focus_both_ways() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    let mut seen = Vec::new();
    for _ in 0..3 {
        app.handle_key(Key::Tab);
        seen.push(app.focus());
    }
    assert_eq!(seen, [Focus::Article, Focus::Sidebar, Focus::List]);
    app.handle_key(Key::BackTab);
    assert_eq!(app.focus(), Focus::Sidebar);
    app.update(Action::FocusPane(Focus::Article));
    assert_eq!(app.focus(), Focus::Article);
}

#[test]
fn each_typed_key_narrows_and_esc_drops_the_edit() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    type_query(&mut app, "alp");
    assert!(app.query().editing);
    assert_eq!(titles(&app), [NEWEST[1]], "\"alp\" is in Alpha only");
    app.handle_key(Key::Backspace);
    app.handle_key(Key::Backspace);
    assert!(
        titles(&app).len() > 1,
        "\"a\" starts more words (\"About\", \"a first point\")"
    );
    app.handle_key(Key::Char('l'));
    app.handle_key(Key::Char('p'));
    assert_eq!(titles(&app), [NEWEST[1]]);
    app.handle_key(Key::Enter);
    assert!(!app.query().editing);
    assert_eq!(titles(&app), [NEWEST[1]], "Enter keeps the query");

    type_query(&mut app, " -rally");
    assert!(titles(&app).is_empty());
    app.handle_key(Key::Esc);
    assert_eq!(app.query().text, "alp", "Esc restores the query as it was");
    assert_eq!(titles(&app), [NEWEST[1]]);

    app.handle_key(Key::Char('/'));
    app.handle_key(Key::Ctrl('u'));
    assert_eq!(titles(&app), NEWEST, "^u clears");
    for c in "tag:etf sentiment:pos".chars() {
        app.handle_key(Key::Char(c));
    }
    assert_eq!(titles(&app), [NEWEST[1]]);
    app.handle_key(Key::Ctrl('w'));
    assert_eq!(app.query().text, "tag:etf ");
    assert_eq!(titles(&app), [NEWEST[0], NEWEST[1]]);
    // Editing in the middle of the line.
    app.handle_key(Key::Home);
    app.handle_key(Key::Char('-'));
    assert_eq!(app.query().text, "-tag:etf ");
    assert_eq!(titles(&app), [NEWEST[2], NEWEST[3]]);
    app.handle_key(Key::Right);
    app.handle_key(Key::Left);
    app.handle_key(Key::End);
    app.handle_key(Key::Char('x'));
    assert_eq!(app.query().text, "-tag:etf x");
}

#[test]
fn a_bad_term_is_reported_and_the_rest_still_filters() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    type_query(&mut app, "since:someday bravo");
    assert_eq!(titles(&app), [NEWEST[2]]);
    assert_eq!(app.query_errors().len(), 1);
    assert!(app.query_errors()[0].to_string().contains("someday"));
}

#[test]
fn drafts_show_only_when_asked_for() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    type_query(&mut app, "is:draft");
    assert_eq!(titles(&app), ["Echo draft memo"]);
}

#[test]
fn sentiment_and_unread_toggles_combine() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle_key(Key::Char('3'));
    assert_eq!(titles(&app), [NEWEST[2]]);
    app.handle_key(Key::Char('1'));
    assert_eq!(titles(&app), [NEWEST[1], NEWEST[2]]);
    assert_eq!(app.active_query(), "sentiment:pos|neg");
    app.handle_key(Key::Char('1'));
    app.handle_key(Key::Char('3'));
    app.handle_key(Key::Char('2'));
    assert_eq!(titles(&app), [NEWEST[0]]);
    app.handle_key(Key::Char('2'));
    assert_eq!(titles(&app), NEWEST);

    // Read the first; `u` keeps only the unread ones.
    app.handle_key(Key::Enter);
    app.handle_key(Key::Esc);
    app.handle_key(Key::Char('u'));
    assert_eq!(titles(&app), &NEWEST[1..]);
    assert_eq!(app.facets().total, 3);
    app.handle_key(Key::Char('u'));
    assert_eq!(titles(&app).len(), 4);
}

#[test]
fn the_sidebar_counts_the_results_and_toggles_filters() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    let facets = app.facets();
    assert_eq!(facets.total, 4, "stories, not files");
    assert_eq!(facets.sentiment_count(Sentiment::Positive), 1);
    assert_eq!(facets.sentiment_count(Sentiment::Unknown), 1);

    app.handle_key(Key::Char('t'));
    assert_eq!(app.focus(), Focus::Sidebar);
    let entries = app.sidebar_entries();
    let cursor = &entries[app.sidebar_cursor()];
    // ETF is on two listed stories, BTC on two: ties go by first appearance.
    assert!(
        matches!(&cursor.kind, EntryKind::Facet(Dimension::Tag, name) if name == "ETF"),
        "{cursor:?}"
    );
    assert_eq!(cursor.count, 2);
    app.handle_key(Key::Char(' '));
    assert_eq!(titles(&app), [NEWEST[0], NEWEST[1]]);
    assert_eq!(app.active_query(), "tag:ETF");
    assert!(app.sidebar_entries()[app.sidebar_cursor()].active);
    // The next tag down narrows further: every chosen tag must be present.
    app.handle_key(Key::Char('j'));
    app.handle_key(Key::Enter);
    assert_eq!(app.active_query(), "tag:ETF tag:BTC");
    assert_eq!(titles(&app), [NEWEST[1]]);

    // Sources are alternatives: choosing a second one widens within sources.
    let entries = app.sidebar_entries();
    let source = entries
        .iter()
        .position(|e| matches!(&e.kind, EntryKind::Facet(Dimension::Source, _)))
        .unwrap();
    app.update(Action::SelectEntry(source));
    assert_eq!(
        app.active_query(),
        "tag:ETF tag:BTC source:\"Chain Herald\""
    );

    app.handle_key(Key::Char('x'));
    assert!(app.filters().is_empty());
    assert_eq!(titles(&app), NEWEST);
    assert_eq!(app.message().unwrap().level, Level::Info);

    // The sentiment rows at the top are entries too.
    app.handle_key(Key::Char('t'));
    app.handle_key(Key::Char('g'));
    app.handle_key(Key::Char('j'));
    app.handle_key(Key::Char('j'));
    app.handle_key(Key::Char(' '));
    assert_eq!(titles(&app), [NEWEST[2]], "the third row is negative");
    app.handle_key(Key::Char('G'));
    let last = app.sidebar_entries().len() - 1;
    assert_eq!(app.sidebar_cursor(), last);
}

#[test]
fn sort_cycles_through_newest_oldest_and_score() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Down);
    let selected = selected_title(&app);
    app.handle_key(Key::Char('O'));
    assert_eq!(app.sort(), SortMode::Oldest);
    assert_eq!(titles(&app), [NEWEST[3], NEWEST[0], NEWEST[2], NEWEST[1]]);
    assert_eq!(
        selected_title(&app),
        selected,
        "the selection follows its article"
    );
    app.handle_key(Key::Char('O'));
    assert_eq!(app.sort(), SortMode::Score);
    assert_eq!(titles(&app)[0], NEWEST[2], "score 9 first");
    app.handle_key(Key::Char('O'));
    assert_eq!(app.sort(), SortMode::Newest);
}

#[test]
fn l_switches_to_the_same_story_in_another_language() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Down);
    app.handle_key(Key::Enter);
    app.handle_key(Key::Char('L'));
    let shown = app.shown().unwrap();
    assert_eq!(app.article(shown).title, ALPHA_UK);
    assert!(app.message().unwrap().text.contains("uk version"));
    assert_eq!(
        titles(&app)[1],
        ALPHA_UK,
        "the row shows the version being read"
    );
    app.handle_key(Key::Char('L'));
    assert_eq!(app.article(app.shown().unwrap()).title, NEWEST[1]);
    assert_eq!(titles(&app), NEWEST);

    // A story told once says so.
    app.handle_key(Key::Esc);
    app.handle_key(Key::Char('G'));
    app.handle_key(Key::Char('L'));
    assert!(app.message().unwrap().text.contains("no other language"));
}

#[test]
fn marks_belong_to_the_story_and_lang_lists_its_versions() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    // The languages count stories told in them, shown in another language or not.
    let language = |app: &tidings::app::App, name: &str| {
        app.sidebar_entries()
            .into_iter()
            .find(|e| matches!(&e.kind, EntryKind::Facet(Dimension::Lang, n) if n == name))
            .map(|e| e.count)
    };
    assert_eq!(language(&app, "en"), Some(4));
    assert_eq!(language(&app, "uk"), Some(1), "Alpha, shown in English");
    type_query(&mut app, "lang:uk");
    assert_eq!(
        titles(&app),
        [ALPHA_UK],
        "the Ukrainian version, as a row of its own"
    );
    type_query(fixture_reset(&mut app), "lang:en|uk");
    assert_eq!(titles(&app).len(), NEWEST.len() + 1, "every version a row");

    // Reading Alpha in English marks the story read: its Ukrainian version too.
    let mut app = fixture.app();
    app.update(Action::Down);
    app.handle_key(Key::Enter);
    app.handle_key(Key::Esc);
    type_query(&mut app, "is:read lang:en|uk");
    assert_eq!(titles(&app), [NEWEST[1], ALPHA_UK]);
    // Starring one keeps the other's read mark and stars both.
    assert!(app.library().marks(app.visible()[1] as usize).read);
    // Marks are kept: a new session sees them.
    let mut app = fixture.app();
    type_query(&mut app, "is:starred lang:en|uk");
    assert!(titles(&app).is_empty());
    app.handle_key(Key::Esc);
    app.update(Action::Down);
    app.handle_key(Key::Char('s'));
    type_query(&mut app, "is:starred is:read lang:en|uk");
    assert_eq!(titles(&app), [NEWEST[1], ALPHA_UK]);
}

/// Clears the query line of `app` and leaves it open for typing.
fn fixture_reset(app: &mut tidings::app::App) -> &mut tidings::app::App {
    app.handle_key(Key::Char('/'));
    app.handle_key(Key::Ctrl('u'));
    app.handle_key(Key::Enter);
    app
}

fn shown_title(app: &tidings::app::App) -> String {
    app.article(app.shown().unwrap()).title.clone()
}

fn unread(app: &tidings::app::App) -> usize {
    let marks = app.library().all_marks();
    app.visible()
        .iter()
        .filter(|&&i| !marks[i as usize].read)
        .count()
}

#[test]
fn j_k_and_n_move_through_the_news_from_inside_an_article() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::Drawn(viewport(3)));
    app.handle_key(Key::Enter);
    assert_eq!(
        (app.focus(), shown_title(&app)),
        (Focus::Article, NEWEST[0].into())
    );
    app.handle_key(Key::Char('J'));
    assert_eq!(app.focus(), Focus::Article, "J stays inside the article");
    assert_eq!(shown_title(&app), NEWEST[1]);
    assert_eq!(selected_title(&app), NEWEST[1], "the list follows");
    assert!(app.library().marks(app.shown().unwrap()).read);
    app.handle_key(Key::Char('K'));
    assert_eq!(shown_title(&app), NEWEST[0]);
    app.handle_key(Key::Char('K'));
    assert!(app.message().unwrap().text.contains("first"));
    assert_eq!(unread(&app), 2);

    // n skips what is read: Alpha was read by J.
    app.handle_key(Key::Char('n'));
    assert_eq!(shown_title(&app), NEWEST[2]);
    app.handle_key(Key::Char('n'));
    assert_eq!(shown_title(&app), NEWEST[3]);
    app.handle_key(Key::Char('n'));
    assert!(app.message().unwrap().text.contains("no unread"));
    assert_eq!(shown_title(&app), NEWEST[3]);

    // From the list, n wraps to the top once.
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle_key(Key::Char('r'));
    app.update(Action::Bottom);
    app.handle_key(Key::Char('r'));
    app.handle_key(Key::Char('n'));
    assert_eq!(app.focus(), Focus::List, "n in the list keeps the list");
    assert!(app.message().unwrap().text.contains("from the top"));
    assert_eq!(selected_title(&app), NEWEST[1]);
}

#[test]
fn space_pages_down_then_goes_to_the_next_unread() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::Drawn(viewport(3)));
    app.handle_key(Key::Enter);
    // 50 lines in a 10-row pane: 9 a page, at most 40 down.
    for scroll in [9, 18, 27, 36, 40] {
        app.handle_key(Key::Char(' '));
        assert_eq!(app.article_scroll(), scroll);
        assert_eq!(shown_title(&app), NEWEST[0]);
    }
    app.handle_key(Key::Char(' '));
    assert_eq!(shown_title(&app), NEWEST[1], "at the end: the next unread");
}

#[test]
fn a_marks_the_list_read_and_u_takes_it_back() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Down);
    app.handle_key(Key::Char('s'));
    type_query(&mut app, "tag:etf");
    app.handle_key(Key::Enter);
    assert_eq!(unread(&app), 2);
    app.handle_key(Key::Char('A'));
    assert_eq!(unread(&app), 0);
    assert!(app.message().unwrap().text.contains("marked 2 read"));
    // A long marking (a million articles) ends seconds after the last tick: the message still
    // shows from the next tick on, then goes.
    let later_tick = common::now() + chrono::Duration::seconds(30);
    app.handle(Event::Tick(later_tick));
    assert!(
        app.message()
            .is_some_and(|m| m.text.contains("marked 2 read"))
    );
    app.handle(Event::Tick(later_tick + chrono::Duration::minutes(5)));
    assert!(app.message().is_none());
    // Kept across sessions, the other versions of a story included, stars untouched.
    let mut later = fixture.app();
    type_query(&mut later, "is:unread lang:en|uk");
    assert_eq!(titles(&later), [NEWEST[2], NEWEST[3]]);
    type_query(fixture_reset(&mut later), "is:starred");
    assert_eq!(titles(&later), [NEWEST[1]]);

    app.handle_key(Key::Char('U'));
    assert_eq!(unread(&app), 2);
    let mut later = fixture.app();
    type_query(&mut later, "is:unread lang:en|uk");
    assert_eq!(titles(&later).len(), 5, "every version unread again");
    // The star before it is the next to go.
    app.handle_key(Key::Char('U'));
    type_query(fixture_reset(&mut app), "is:starred");
    assert!(titles(&app).is_empty());
    app.handle_key(Key::Enter);
    app.handle_key(Key::Char('U'));
    assert!(app.message().unwrap().text.contains("nothing to undo"));
}

#[test]
fn with_nothing_listed_the_sentiments_are_not_drawn_unless_chosen() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    let sentiments = |app: &tidings::app::App| {
        app.sidebar_entries()
            .iter()
            .filter(|e| matches!(e.kind, EntryKind::Sentiment(_)))
            .count()
    };
    assert_eq!(sentiments(&app), 4);
    type_query(&mut app, "nothingmatchesthis");
    assert!(titles(&app).is_empty());
    assert_eq!(sentiments(&app), 0);
    app.handle_key(Key::Enter);
    app.handle_key(Key::Char('1'));
    assert_eq!(
        sentiments(&app),
        1,
        "a chosen sentiment stays, to be toggled off"
    );
}

#[test]
fn y_copies_the_link_and_without_one_o_and_y_say_so() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Down);
    app.handle_key(Key::Char('y'));
    assert_eq!(
        app.take_effects(),
        [Effect::Copy("https://example.org/alpha".into())]
    );
    assert!(app.take_effects().is_empty(), "effects are taken once");

    // Bravo has neither a canonical URL nor a source URL: its file path is no link.
    app.update(Action::Down);
    for key in ['y', 'o'] {
        app.handle_key(Key::Char(key));
        assert!(
            app.take_effects().is_empty(),
            "{key}: nothing copied or opened"
        );
        assert_eq!(
            app.message().unwrap().text,
            "this article has no link",
            "{key}"
        );
    }
}

/// The fixture and three articles made for links: one with only its source's URL and three
/// numbered links (the second not a web link), one whose link is a local file, one with twelve
/// numbered links.
fn link_fixture() -> Fixture {
    let fixture = Fixture::new();
    let write = |file: &str, title: &str, extra: &str, body: &str| {
        let text = format!(
            "---\ntitle: \"{title}\"\npublishedAt: '2026-11-01T08:00:00Z'\n{extra}---\n{body}\n"
        );
        std::fs::write(fixture.root().join(file), text).unwrap();
    };
    write(
        "foxtrot.md",
        FOXTROT,
        "source: {name: Wire, key: wire, url: 'https://wire.example/foxtrot'}\n",
        "See [one](https://one.example/a), [two](javascript:alert(1)) and \
         ![three](https://img.example/3.png).",
    );
    write(
        "golf.md",
        GOLF,
        "canonicalUrl: 'file:///etc/passwd'\n",
        "No numbered links here.",
    );
    let many: Vec<String> = (1..=12)
        .map(|n| format!("[link {n}](https://many.example/{n})"))
        .collect();
    write("hotel.md", HOTEL, "", &many.join(" "));
    fixture
}

const FOXTROT: &str = "Foxtrot has only a source link";
const GOLF: &str = "Golf links to a local file";
const HOTEL: &str = "Hotel has twelve links";

fn select_title(app: &mut tidings::app::App, title: &str) {
    let row = titles(app).iter().position(|t| t == title).unwrap();
    app.update(Action::SelectHeadline(row));
    assert_eq!(selected_title(app), title);
}

#[test]
fn o_opens_the_canonical_url_else_the_sources() {
    let fixture = link_fixture();
    let mut app = fixture.app();
    app.update(Action::Down);
    app.handle_key(Key::Enter);
    app.handle_key(Key::Char('o'));
    assert_eq!(
        app.take_effects(),
        [Effect::Open("https://example.org/alpha".into())],
        "exactly the canonical URL, from inside the article"
    );
    assert_eq!(
        app.message().unwrap().text,
        "opening https://example.org/alpha"
    );

    app.handle_key(Key::Esc);
    select_title(&mut app, FOXTROT);
    app.handle_key(Key::Char('o'));
    assert_eq!(
        app.take_effects(),
        [Effect::Open("https://wire.example/foxtrot".into())],
        "the source's URL when there is no canonical one"
    );
}

#[test]
fn only_web_and_mail_links_are_opened() {
    let fixture = link_fixture();
    let mut app = fixture.app();
    select_title(&mut app, GOLF);
    app.handle_key(Key::Char('o'));
    assert!(app.take_effects().is_empty());
    let message = app.message().unwrap();
    assert_eq!(message.level, Level::Warning);
    assert!(
        message.text.contains("only http, https and mailto")
            && message.text.contains("file:///etc/passwd"),
        "{}",
        message.text
    );
    // Copying is harmless: `y` still copies it.
    app.handle_key(Key::Char('y'));
    assert_eq!(
        app.take_effects(),
        [Effect::Copy("file:///etc/passwd".into())]
    );
}

#[test]
fn f_then_a_number_opens_that_link() {
    let fixture = link_fixture();
    let mut app = fixture.app();
    select_title(&mut app, FOXTROT);
    app.handle_key(Key::Char('f'));
    assert_eq!(app.link_prompt(), Some(("", 3)));
    // With fewer than ten links one digit is the whole number: it opens at once.
    app.handle_key(Key::Char('3'));
    assert_eq!(app.link_prompt(), None);
    assert_eq!(
        app.take_effects(),
        [Effect::Open("https://img.example/3.png".into())]
    );

    // Link 2 is no web link: refused, with the reason.
    app.handle_key(Key::Char('f'));
    app.handle_key(Key::Char('2'));
    assert!(app.take_effects().is_empty());
    assert!(
        app.message()
            .unwrap()
            .text
            .contains("only http, https and mailto")
    );

    // A number out of range says which there are; Esc asks no more; letters are not keys here.
    app.handle_key(Key::Char('f'));
    app.handle_key(Key::Char('q'));
    assert!(
        !app.should_quit(),
        "q is not quit while a number is asked for"
    );
    app.handle_key(Key::Char('9'));
    assert!(app.take_effects().is_empty());
    assert!(app.message().unwrap().text.contains("no link [9]"));
    app.handle_key(Key::Char('f'));
    app.handle_key(Key::Esc);
    assert_eq!(app.link_prompt(), None);
    assert!(app.take_effects().is_empty());

    // Twelve links: `1` may begin 10, 11 or 12, so it waits for another digit or Enter.
    select_title(&mut app, HOTEL);
    app.handle_key(Key::Char('f'));
    app.handle_key(Key::Char('1'));
    assert_eq!(app.link_prompt(), Some(("1", 12)));
    app.handle_key(Key::Char('2'));
    assert_eq!(
        app.take_effects(),
        [Effect::Open("https://many.example/12".into())]
    );
    app.handle_key(Key::Char('f'));
    app.handle_key(Key::Char('1'));
    app.handle_key(Key::Enter);
    assert_eq!(
        app.take_effects(),
        [Effect::Open("https://many.example/1".into())]
    );

    // No numbered links: nothing to ask for.
    select_title(&mut app, GOLF);
    app.handle_key(Key::Char('f'));
    assert_eq!(app.link_prompt(), None);
    assert!(app.message().unwrap().text.contains("no numbered links"));
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::Drawn(viewport(10)));
    app.handle_key(Key::Char('?'));
    assert!(app.show_help());
    app.handle_key(Key::Char('j'));
    app.handle_key(Key::PageDown);
    assert_eq!(app.help_scroll(), 10, "j and PgDn scroll the help");
    app.handle_key(Key::End);
    assert_eq!(app.help_scroll(), 30, "End goes to the end of the help");
    app.handle_key(Key::Char('g'));
    assert_eq!(app.help_scroll(), 0, "g to its top");
    app.handle_key(Key::Char('?'));
    assert!(!app.show_help(), "? closes it too");
    app.handle_key(Key::Char('H'));
    assert!(app.show_help(), "H opens it as ? does");
    for _ in 0..40 {
        app.handle_key(Key::Char('j'));
    }
    app.handle(Event::Drawn(viewport(10)));
    assert_eq!(app.help_scroll(), 30, "no further than the view allows");
    app.handle_key(Key::Char('x'));
    assert!(!app.show_help());
    assert_eq!(
        app.selected(),
        0,
        "the keys only scrolled and closed the help"
    );
    assert!(
        app.filters().is_empty(),
        "x did not clear anything: it closed the help"
    );
    app.handle_key(Key::Char('?'));
    app.handle_key(Key::Char('q'));
    assert!(app.should_quit());
}

#[test]
fn q_and_ctrl_c_quit() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    assert!(!app.should_quit());
    app.handle_key(Key::Char('q'));
    assert!(app.should_quit());
    let mut app = fixture.app();
    type_query(&mut app, "q");
    assert!(!app.should_quit(), "q is a letter while typing");
    app.handle_key(Key::Ctrl('c'));
    assert!(app.should_quit());
}

#[test]
fn a_refreshed_library_keeps_selection_filters_and_fresh_marks() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle_key(Key::Char('1'));
    app.update(Action::Down);
    let selected = selected_title(&app);
    app.handle_key(Key::Char('s'));
    // A new article arrives while the reader is open.
    std::fs::write(
        fixture.root().join("foxtrot.md"),
        "---\ntitle: Foxtrot joins late\npublishedAt: '2026-11-21T08:00:00Z'\nsentiment: POSITIVE\n---\nNew.\n",
    )
    .unwrap();
    let refreshed = fixture.library();
    app.handle(Event::Refreshed(Box::new(refreshed)));
    assert_eq!(titles(&app)[0], "Foxtrot joins late", "new and positive");
    assert_eq!(selected_title(&app), selected);
    assert!(app.marks(app.selected_index().unwrap()).starred);
    let shown = app.shown().expect("the article pane still shows it");
    assert_eq!(app.article(shown).title, selected);
    let details = app.details().expect("its text").as_ref().expect("read");
    assert!(
        details.body.contains(&selected),
        "the text of the shown article"
    );
    let message = app.message().unwrap();
    assert!(message.text.contains("1 added"), "{}", message.text);
}

#[test]
fn an_empty_result_has_no_selection_and_actions_do_nothing() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    type_query(&mut app, "nothing-matches-this");
    app.handle_key(Key::Enter);
    assert!(app.visible().is_empty());
    assert_eq!(app.selected_index(), None);
    for key in [
        Key::Char('j'),
        Key::Char('G'),
        Key::Enter,
        Key::Char('s'),
        Key::Char('r'),
        Key::Char('L'),
        Key::Char('y'),
    ] {
        app.handle_key(key);
    }
    assert!(app.take_effects().is_empty());
    assert_eq!(app.shown(), None);
}

#[test]
fn news_fades_from_the_status_line_and_problems_stay_longer() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::Notice {
        text: "sorted".into(),
        level: Level::Info,
    });
    app.handle(Event::Notice {
        text: "disk trouble".into(),
        level: Level::Error,
    });
    app.handle(Event::Tick(common::now() + chrono::Duration::seconds(10)));
    assert_eq!(app.message().unwrap().text, "disk trouble");
    app.handle(Event::Notice {
        text: "sorted".into(),
        level: Level::Info,
    });
    assert!(app.message().is_some());
    // Dated by the tick after it (the reader ticks every frame).
    app.handle(Event::Tick(common::now() + chrono::Duration::seconds(11)));
    assert!(app.message().is_some());
    app.handle(Event::Tick(common::now() + chrono::Duration::seconds(17)));
    assert!(app.message().is_none(), "an info line lasts seconds");
}

#[test]
fn narrowing_while_typing_gives_what_a_full_search_gives() {
    let fixture = Fixture::new();
    let mut typed = fixture.app();
    let mut fresh = fixture.app();
    for query in ["alpha", "chain rally", "ra", "rates held", "e 2"] {
        // Typed at the end, each key searches only the previous results.
        type_query(&mut typed, query);
        // Typed from the middle, every key searches the whole library.
        type_query(&mut fresh, &query[1..]);
        fresh.handle_key(Key::Home);
        fresh.handle_key(Key::Char(query.chars().next().unwrap()));
        assert_eq!(typed.query().text, fresh.query().text);
        assert_eq!(titles(&typed), titles(&fresh), "{query}");
        assert_eq!(typed.facets(), fresh.facets(), "{query}");
        // Backspace restores remembered results; they match a fresh search too.
        typed.handle_key(Key::Backspace);
        fresh.handle_key(Key::End);
        fresh.handle_key(Key::Backspace);
        assert_eq!(titles(&typed), titles(&fresh), "{query} less a letter");
        for app in [&mut typed, &mut fresh] {
            app.handle_key(Key::Ctrl('u'));
            app.handle_key(Key::Enter);
        }
    }
}

#[test]
fn a_refresh_that_found_nothing_new_changes_nothing() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Down);
    app.handle_key(Key::Enter);
    app.update(Action::Down);
    let before = (app.selected(), app.article_scroll(), app.focus());
    let refreshed = fixture.library();
    app.handle(Event::Refreshed(Box::new(refreshed)));
    assert_eq!((app.selected(), app.article_scroll(), app.focus()), before);
    assert!(app.message().unwrap().text.contains("up to date"));
    assert!(!app.refreshing());
}

#[test]
fn headlines_first_then_the_same_state_once_counted() {
    let fixture = Fixture::new();
    let eager = fixture.app();
    let mut quick = fixture.app_with(true);
    assert_eq!(titles(&quick), titles(&eager), "the same headlines at once");
    assert_eq!(quick.facets().total, 0, "not counted yet");
    quick.handle(Event::Idle);
    assert_eq!(quick.facets(), eager.facets());
    assert_eq!(quick.timeline(), eager.timeline());
    assert_eq!(titles(&quick), titles(&eager));

    // A key before the index is complete still filters correctly.
    let mut early = fixture.app_with(true);
    type_query(&mut early, "alp");
    assert_eq!(titles(&early), [NEWEST[1]]);
    let mut early = fixture.app_with(true);
    early.handle_key(Key::Char('3'));
    assert_eq!(titles(&early), [NEWEST[2]]);
    assert!(!early.is_counted());
    early.handle(Event::Idle);
    assert_eq!(early.facets().total, 1);

    // Every search shows its headlines first; counting them gives what counting at once gives,
    // and Backspace brings back the shorter query's headlines, counted or not.
    let mut eager = fixture.app();
    let mut quick = fixture.app_with(true);
    quick.handle(Event::Idle);
    for app in [&mut eager, &mut quick] {
        type_query(app, "alp");
    }
    assert_eq!(titles(&quick), titles(&eager));
    assert!(eager.is_counted());
    assert!(!quick.is_counted(), "the key's headlines come first");
    assert_ne!(
        quick.facets(),
        eager.facets(),
        "the last counts stay until counted"
    );
    quick.handle(Event::Idle);
    assert_eq!(quick.facets(), eager.facets());
    assert_eq!(quick.timeline(), eager.timeline());
    for app in [&mut eager, &mut quick] {
        app.handle_key(Key::Backspace);
    }
    assert_eq!(titles(&quick), titles(&eager));
    quick.handle(Event::Idle);
    assert_eq!(quick.facets(), eager.facets());
    assert_eq!(quick.timeline(), eager.timeline());
}

#[test]
fn a_burst_of_typed_keys_is_one_search_with_the_same_result() {
    let fixture = Fixture::new();
    let mut burst = fixture.app();
    burst.handle_key(Key::Char('/'));
    burst.type_text("tag:etf \"rally\" -bravo");
    let mut typed = fixture.app();
    type_query(&mut typed, "tag:etf \"rally\" -bravo");
    assert_eq!(burst.query().text, typed.query().text);
    assert_eq!(titles(&burst), titles(&typed));
    assert_eq!(titles(&burst), [NEWEST[1]]);
    burst.type_text(" zzz");
    assert!(titles(&burst).is_empty());
}

#[test]
fn a_key_ends_news_on_the_status_line_and_marks_say_what_they_did() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle_key(Key::Char('x'));
    assert_eq!(app.message().unwrap().text, "every filter cleared");
    app.handle_key(Key::Char('j'));
    assert!(app.message().is_none(), "the next key ends the news");
    app.handle_key(Key::Char('s'));
    assert_eq!(app.message().unwrap().text, "starred");
    app.handle_key(Key::Char('r'));
    assert_eq!(app.message().unwrap().text, "marked read");
    app.handle(Event::Notice {
        text: "disk trouble".into(),
        level: Level::Error,
    });
    app.handle_key(Key::Char('j'));
    assert_eq!(
        app.message().unwrap().text,
        "disk trouble",
        "a fresh problem outlives a key"
    );
}

#[test]
fn refresh_progress_is_told_while_a_refresh_runs() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::RefreshProgress {
        read: 1_200,
        to_read: 5_000,
    });
    assert_eq!(app.refresh_progress(), None, "no refresh under way");
    app.handle(Event::RefreshStarted);
    assert_eq!(
        app.refresh_progress().as_deref(),
        Some("reading 1,200 of 5,000 files")
    );
    app.handle(Event::LibraryUnchanged);
    assert_eq!(app.refresh_progress(), None);
}

#[test]
fn saved_searches_come_first_in_the_sidebar_and_filter_like_a_facet() {
    let fixture = Fixture::new();
    let mut app = fixture.app_with_saved(false, &[("etf", "tag:etf"), ("calm", "sentiment:neu")]);
    let mut by_query = fixture.app();
    type_query(&mut by_query, "tag:etf");
    let etf_titles = titles(&by_query);

    let entries = app.sidebar_entries();
    let names: Vec<&EntryKind> = entries.iter().take(2).map(|e| &e.kind).collect();
    assert_eq!(
        names,
        [
            &EntryKind::Saved("calm".into()),
            &EntryKind::Saved("etf".into())
        ],
        "saved searches first, by name"
    );
    assert_eq!(entries[1].count, etf_titles.len());
    assert_eq!(
        entries[1].unread,
        Some(etf_titles.len()),
        "nothing read yet"
    );

    // Chosen like a facet: the list is what the query gives, and the status line names it.
    app.update(Action::SelectEntry(1));
    assert_eq!(titles(&app), etf_titles);
    assert_eq!(app.active_query(), "@etf");

    // Reading one of them leaves one fewer unread.
    app.update(Action::FocusPane(tidings::app::Focus::List));
    app.handle_key(Key::Enter);
    app.handle_key(Key::Esc);
    let entry = &app.sidebar_entries()[1];
    assert_eq!(entry.unread, Some(etf_titles.len() - 1), "{entry:?}");

    // Typed as @name it is the same search.
    let mut typed = fixture.app_with_saved(false, &[("etf", "tag:etf")]);
    type_query(&mut typed, "@etf");
    assert_eq!(titles(&typed), etf_titles);
}

#[test]
fn s_saves_the_active_query_under_a_typed_name() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle_key(Key::Char('S'));
    assert!(app.naming().is_none(), "nothing to save yet");
    assert!(app.message().unwrap().text.contains("nothing to save"));

    type_query(&mut app, "tag:etf");
    app.handle_key(Key::Enter);
    app.handle_key(Key::Char('3'));
    app.handle_key(Key::Char('S'));
    assert!(app.naming().is_some());
    // Typed characters go to the name, not the query; q is a letter here, not quit.
    for c in "quiet etf".chars() {
        app.handle_key(Key::Char(c));
    }
    assert!(!app.should_quit());
    assert_eq!(app.query().text, "tag:etf");
    app.handle_key(Key::Enter);
    assert!(app.naming().is_none());
    assert_eq!(
        app.take_effects(),
        [tidings::app::Effect::SaveSearch {
            name: "quiet etf".into(),
            query: "tag:etf sentiment:neg".into()
        }]
    );
    assert_eq!(app.saved_searches()["quiet etf"], "tag:etf sentiment:neg");
    let entry = &app.sidebar_entries()[0];
    assert_eq!(entry.kind, EntryKind::Saved("quiet etf".into()));

    // Esc drops the name being typed and saves nothing.
    app.handle_key(Key::Char('S'));
    app.handle_key(Key::Char('x'));
    app.handle_key(Key::Esc);
    assert!(app.naming().is_none());
    assert!(app.take_effects().is_empty());
    assert_eq!(app.saved_searches().len(), 1);
}

#[test]
fn a_failed_refresh_keeps_the_library_and_says_why() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Down);
    let (before, selected) = (titles(&app), selected_title(&app));
    app.handle(Event::RefreshStarted);
    assert!(app.refreshing());
    app.handle(Event::RefreshFailed("the disk went away".into()));
    assert!(!app.refreshing());
    assert_eq!(titles(&app), before, "the cached library stays");
    assert_eq!(selected_title(&app), selected);
    let message = app.message().unwrap();
    assert_eq!(message.level, Level::Error);
    assert!(
        message.text.contains("the disk went away") && message.text.contains("showing the cache"),
        "{}",
        message.text
    );

    // A refresh that ends without a word is a problem too.
    app.handle(Event::RefreshStarted);
    app.handle(Event::RefreshStopped);
    assert!(!app.refreshing());
    assert_eq!(titles(&app), before);
    assert_eq!(app.message().unwrap().level, Level::Error);
}

/// What the view reports after drawing an article in which the text searched for is on `lines`.
fn drawn_with_matches(lines: &[usize]) -> Event {
    Event::Drawn(Viewport {
        found_lines: lines.to_vec(),
        ..viewport(5)
    })
}

#[test]
fn slash_in_an_article_finds_text_and_n_and_shift_n_move_between_matches() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::Drawn(viewport(5)));
    app.handle_key(Key::Char('/'));
    assert!(app.query().editing, "in the list / types a query");
    app.handle_key(Key::Esc);
    app.handle_key(Key::Enter);
    app.update(Action::Down);
    app.handle_key(Key::Char('/'));
    assert_eq!(app.key_context(), KeyContext::Query);
    assert!(!app.query().editing, "in an article / finds text instead");
    for c in "paragraph".chars() {
        app.handle_key(Key::Char(c));
    }
    assert_eq!(app.find().unwrap().0.text, "paragraph");
    // The view finds where the text is; the reader goes to the first match below where it was
    // (line 1), a third of the way down the 10-row pane.
    app.handle(drawn_with_matches(&[0, 12, 20, 20, 35]));
    assert_eq!(app.find().unwrap().1, Some(1));
    assert_eq!(app.article_scroll(), 9);
    app.handle_key(Key::Enter);
    assert_eq!(app.key_context(), KeyContext::Find);
    let mut steps = Vec::new();
    for key in ['n', 'n', 'n', 'n', 'N', 'N'] {
        app.handle_key(Key::Char(key));
        steps.push((app.find().unwrap().1.unwrap(), app.article_scroll()));
    }
    assert_eq!(
        steps,
        [(2, 17), (3, 17), (4, 32), (0, 0), (4, 32), (3, 17)],
        "the pane moves only for a match out of sight; the last wraps to the first"
    );
    assert_eq!(app.message().unwrap().text, "match 4 of 5");
    app.handle_key(Key::Char('j'));
    assert_eq!(
        app.article_scroll(),
        18,
        "the article's keys work meanwhile"
    );
    app.handle_key(Key::Esc);
    assert!(app.find().is_none(), "Esc ends the search");
    assert_eq!(app.focus(), Focus::Article, "and only the search");
    app.handle_key(Key::Char('n'));
    assert_ne!(app.focus(), Focus::List);
    app.handle_key(Key::Esc);
    assert_eq!(app.focus(), Focus::List);
}

#[test]
fn text_not_in_the_article_is_said_and_esc_while_typing_drops_it() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle(Event::Drawn(viewport(5)));
    app.handle_key(Key::Enter);
    app.handle_key(Key::Char('/'));
    app.handle_key(Key::Char('q'));
    assert!(!app.should_quit(), "q is typed, not quit");
    app.handle(drawn_with_matches(&[]));
    app.handle_key(Key::Enter);
    assert_eq!(app.message().unwrap().text, "\"q\" is not in this article");
    app.handle_key(Key::Char('n'));
    assert_eq!(app.message().unwrap().text, "\"q\" is not in this article");
    app.handle_key(Key::Char('/'));
    assert_eq!(app.find().unwrap().0.text, "q", "/ again edits the text");
    app.handle_key(Key::Esc);
    assert!(app.find().is_none());
    assert_eq!(app.focus(), Focus::Article);
}

#[test]
fn the_query_words_are_what_the_headlines_and_the_article_mark() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    type_query(&mut app, "rates -steady");
    let title = "Charlie rates held steady";
    assert_eq!(titles(&app).len(), 0, "steady is excluded");
    app.handle_key(Key::Backspace);
    for _ in 0.."steady".len() {
        app.handle_key(Key::Backspace);
    }
    assert_eq!(titles(&app), [title]);
    let marked = |app: &tidings::app::App| -> Vec<String> {
        let ranges = app.highlight().in_title(title);
        ranges.into_iter().map(|r| title[r].to_owned()).collect()
    };
    assert_eq!(marked(&app), ["rates"]);
    for c in "-held".chars() {
        app.handle_key(Key::Char(c));
    }
    assert!(titles(&app).is_empty());
    assert!(marked(&app) == ["rates"], "a negated word marks nothing");
    app.handle_key(Key::Esc);
    assert!(
        app.highlight().is_empty(),
        "Esc drops the query and its marks"
    );
}

#[test]
fn the_list_counts_the_drafts_its_query_leaves_out() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    assert_eq!(app.drafts_hidden(), 1, "Echo, the one draft");
    type_query(&mut app, "rally");
    assert_eq!(app.drafts_hidden(), 0, "the draft is not about a rally");
    app.handle_key(Key::Esc);
    // Typed a key at a time, each narrower than the last: the draft stays counted.
    type_query(&mut app, "memo");
    assert!(titles(&app).is_empty());
    assert_eq!(app.drafts_hidden(), 1);
    app.handle_key(Key::Esc);
    type_query(&mut app, "memo is:draft");
    assert_eq!(titles(&app), ["Echo draft memo"]);
    assert_eq!(app.drafts_hidden(), 0, "listed, not hidden");
}

#[test]
fn marks_from_another_shell_survive_the_readers_keys_and_refreshes() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    let index = app.selected_index().unwrap();
    let id = app.article(index).id.0.clone();
    assert!(!app.marks(index).read && !app.marks(index).starred);
    // A script stars the article while the reader runs; the reader's copy does not know.
    let mut script = fixture.library();
    let there = script.find(&id).unwrap();
    script.set_starred(there, true).unwrap();
    // A key in the reader marks it read: the read flag alone is written.
    app.handle_key(Key::Char('r'));
    let index = app.selected_index().unwrap();
    assert!(app.marks(index).read);
    assert!(app.marks(index).starred, "the reader learns of the star");
    // A refresh swaps in a library loaded meanwhile; what the reader set is taken in without
    // writing its pair again.
    std::fs::write(
        fixture.root().join("foxtrot.md"),
        "---\ntitle: Foxtrot joins late\npublishedAt: '2026-11-21T08:00:00Z'\n---\nNew.\n",
    )
    .unwrap();
    app.handle(Event::Refreshed(Box::new(fixture.library())));
    let stored = fixture.library();
    let marks = stored.marks(stored.find(&id).unwrap());
    assert!(marks.read && marks.starred, "{marks:?}");
}

#[test]
fn typing_a_word_only_another_version_holds_finds_that_story() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    // Each key narrows the last results, which show Alpha in English: its Ukrainian version,
    // the one the words are in, must still be found.
    type_query(&mut app, "ралі");
    assert_eq!(titles(&app), [ALPHA_UK]);
    let mut full = fixture.app();
    full.handle_key(Key::Char('/'));
    full.type_text("ралі");
    assert_eq!(titles(&full), titles(&app), "as one search finds");
}

#[test]
fn saved_search_counts_follow_each_key_and_the_marks() {
    let fixture = Fixture::new();
    let saved = [
        ("etf", "tag:etf"),
        ("unread", "is:unread"),
        ("word", "rally"),
    ];
    let mut app = fixture.app_with_saved(true, &saved);
    app.handle(Event::Idle);
    // Reading the first headline changes what `unread` counts from then on.
    app.handle_key(Key::Enter);
    app.handle_key(Key::Esc);
    app.handle(Event::Idle);
    let mut typed = String::new();
    let mut followed = 0;
    app.handle_key(Key::Char('/'));
    for c in "e b".chars() {
        let before = app.visible().to_vec();
        app.handle_key(Key::Char(c));
        app.handle(Event::Idle);
        typed.push(c);
        let after = app.visible();
        let changed = before.iter().filter(|i| !after.contains(i)).count()
            + after.iter().filter(|i| !before.contains(i)).count();
        followed += usize::from(changed > 0 && changed < after.len());
        // What each saved search counts is what the typed text with it lists.
        let counts: Vec<(usize, Option<usize>)> = app
            .sidebar_entries()
            .iter()
            .take(saved.len())
            .map(|entry| (entry.count, entry.unread))
            .collect();
        let mut names: Vec<&(&str, &str)> = saved.iter().collect();
        names.sort();
        let expected: Vec<(usize, Option<usize>)> = names
            .iter()
            .map(|(_, query)| {
                let mut check = fixture.app();
                type_query(&mut check, &format!("{typed} {query}"));
                let listed = check.visible();
                let unread = listed
                    .iter()
                    .filter(|&&i| !check.marks(i as usize).read)
                    .count();
                (listed.len(), Some(unread))
            })
            .collect();
        assert_eq!(counts, expected, "after {typed:?}");
    }
    assert!(
        followed > 0,
        "a key's counts followed from the last ones and what changed"
    );
}
