//! The reader's screens, drawn into a test backend at a wide and a narrow size and compared with
//! reviewed snapshots (`cargo insta review` after an intended change).
// Test and benchmark setup fails loudly: `unwrap` is denied in shipped code only.
#![allow(clippy::unwrap_used)]

mod common;

use common::Fixture;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::{Action, App, Event, Focus, Key};
use tidings::ui::article::Zone;
use tidings::ui::{Theme, View};
use unicode_width::UnicodeWidthStr;

const WIDE: (u16, u16) = (160, 45);
const NARROW: (u16, u16) = (80, 24);

/// Draws `app` as the event loop does (draw, report the viewport, draw again).
fn screen(app: &mut App, size: (u16, u16)) -> Terminal<TestBackend> {
    screen_with(app, size, Theme::colored())
}

fn screen_with(app: &mut App, (width, height): (u16, u16), theme: Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut view = View::new(theme, Zone::Utc);
    for _ in 0..2 {
        draw(&mut terminal, &mut view, app);
        // A large article is rendered off the loop's thread; a snapshot shows it rendered.
        view.wait_for_article();
    }
    terminal
}

/// One frame, as the event loop draws it.
fn draw(terminal: &mut Terminal<TestBackend>, view: &mut View, app: &mut App) {
    let mut viewport = None;
    terminal
        .draw(|frame| viewport = Some(view.draw(frame, app)))
        .unwrap();
    app.handle(Event::Drawn(viewport.unwrap()));
}

fn text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        // A wide character covers the next cell too; that cell is not text of its own.
        let mut covered = 0;
        for x in 0..buffer.area.width {
            if covered > 0 {
                covered -= 1;
                continue;
            }
            let mut symbol = buffer[(x, y)].symbol();
            // An OSC 8 hyperlink around the symbol is not text on screen.
            if let Some(rest) = symbol.strip_prefix("\x1b]8;;") {
                let (_, inner) = rest.split_once("\x1b\\").unwrap();
                symbol = inner.strip_suffix("\x1b]8;;\x1b\\").unwrap();
            }
            covered = symbol.width().saturating_sub(1);
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}

#[test]
fn wide_start_shows_three_panes() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    insta::assert_snapshot!(text(&screen(&mut app, WIDE)));
}

#[test]
fn narrow_start_shows_the_list_alone() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    insta::assert_snapshot!(text(&screen(&mut app, NARROW)));
}

#[test]
fn narrow_open_article_replaces_the_list() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Down);
    app.handle_key(Key::Enter);
    let first = text(&screen(&mut app, NARROW));
    insta::assert_snapshot!(first);
    app.handle_key(Key::Char('j'));
    app.handle_key(Key::Char('j'));
    let scrolled = text(&screen(&mut app, NARROW));
    assert_ne!(first, scrolled, "j scrolls the article");
    assert!(scrolled.contains("Article"));
}

#[test]
fn wide_typed_query_narrows_list_and_sidebar() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle_key(Key::Char('/'));
    for c in "tag:etf".chars() {
        app.handle_key(Key::Char(c));
    }
    app.handle_key(Key::Enter);
    app.handle_key(Key::Char('1'));
    app.handle_key(Key::Char('/'));
    insta::assert_snapshot!(text(&screen(&mut app, WIDE)));
}

#[test]
fn narrow_sidebar_with_a_chosen_tag() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle_key(Key::Char('t'));
    app.handle_key(Key::Char(' '));
    insta::assert_snapshot!(text(&screen(&mut app, NARROW)));
}

#[test]
fn help_lists_every_binding() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.handle_key(Key::Char('?'));
    let first = text(&screen(&mut app, WIDE));
    // The help scrolls: every binding is on one of its pages.
    let mut pages = first.clone();
    for _ in 0..4 {
        app.handle_key(Key::PageDown);
        pages.push_str(&text(&screen(&mut app, WIDE)));
    }
    for binding in tidings::app::BINDINGS {
        assert!(pages.contains(binding.help), "missing {:?}", binding.help);
    }
    insta::assert_snapshot!(first);
}

#[test]
fn no_size_panics_and_the_selection_stays_on_screen() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Bottom);
    let sizes = (1..=12)
        .flat_map(|w| (1..=8).map(move |h| (w * 14, h * 6)))
        .chain([(1, 1), (2, 1), (1, 2), (7, 2), (8, 3), (9, 4), (300, 100)]);
    for size in sizes {
        for focus in [Key::Esc, Key::Tab, Key::Tab] {
            app.handle_key(focus);
            screen(&mut app, size);
        }
    }
    app.handle_key(Key::Char('?'));
    screen(&mut app, (5, 5));
    screen(&mut app, (40, 10));
}

#[test]
fn hostile_text_reaches_the_screen_without_control_characters() {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.root().join("hostile.md"),
        "---\ntitle: \"\\e]0;pwned\\a\\e[31mRed\\e[0m \\u202eevil\\u202c title\"\n\
         publishedAt: '2026-11-21T00:00:00Z'\nsentiment: NEGATIVE\n---\n\
         Body with \u{1b}[2J a clear-screen and \u{9b}31m C1.\n",
    )
    .unwrap();
    let mut app = fixture.app();
    app.handle_key(Key::Char('3'));
    app.handle_key(Key::Enter);
    let screen = text(&screen(&mut app, WIDE));
    assert!(screen.contains("Red evil title"), "{screen}");
    assert!(
        screen.contains("Body with a clear-screen and C1."),
        "{screen}"
    );
    assert!(
        !screen
            .chars()
            .any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{screen:?}"
    );
    assert!(!screen.contains("[31m") && !screen.contains("pwned"));
}

#[test]
fn character_references_reach_no_cell_as_controls() {
    let fixture = Fixture::new();
    // Clean as the file has it; the Markdown parser decodes the references into OSC, CSI, C1,
    // bidi overrides and BEL.
    std::fs::write(
        fixture.root().join("references.md"),
        "---\ntitle: References\npublishedAt: '2026-11-21T00:00:00Z'\nsentiment: NEGATIVE\n---\n\
         ## Heads &#x1b;]0;PWNED&#x07;up\n\n\
         Text &#x1b;[2J cleared &#x9b;31m red &#x202e;desrever&#x202c; &#x2067;iso&#x2069; \
         bell&#7; end.\n\n\
         A [link &#x1b;[5m](https://example.org/&#x1b;]52;c;eA==&#x07;).\n",
    )
    .unwrap();
    let mut app = fixture.app();
    app.handle_key(Key::Char('3'));
    app.handle_key(Key::Enter);
    for size in [WIDE, NARROW] {
        let terminal = screen(&mut app, size);
        let screen = text(&terminal);
        assert!(screen.contains("desrever"), "{screen}");
        for cell in &terminal.backend().buffer().content {
            assert!(
                !cell.symbol().chars().any(|c| c.is_control()
                    || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}'
                        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                "{:?} in\n{screen}",
                cell.symbol()
            );
        }
    }
}

#[test]
fn wide_characters_keep_the_columns_aligned() {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.root().join("wide.md"),
        "---\ntitle: \"日本語のニュース 🚀 市場は上昇 and a long tail of words to cut\"\n\
         publishedAt: '2026-11-21T06:00:00Z'\nsentiment: POSITIVE\n\
         source: {name: 東京ワイヤー, key: tokyowire}\n---\n本文。\n",
    )
    .unwrap();
    let mut app = fixture.app();
    for size in [WIDE, NARROW] {
        let terminal = screen(&mut app, size);
        let buffer = terminal.backend().buffer();
        let screen = text(&terminal);
        assert!(screen.contains("日本語のニュース"), "{screen}");
        // The list's right border sits in one column on every row.
        let border = (1..buffer.area.width)
            .find(|&x| buffer[(x, 1)].symbol() == "│")
            .unwrap();
        for y in 1..=app.visible().len() as u16 {
            assert_eq!(buffer[(border, y)].symbol(), "│", "row {y}:\n{screen}");
        }
    }
}

#[test]
fn clicks_and_the_wheel_land_where_the_last_frame_put_things() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    let mut terminal = Terminal::new(TestBackend::new(WIDE.0, WIDE.1)).unwrap();
    let mut view = View::new(Theme::colored(), Zone::Utc);
    terminal
        .draw(|frame| {
            view.draw(frame, &app);
        })
        .unwrap();
    // Row 0 is the list's top border; at this width each headline takes two rows, so rows 5
    // and 6 are the third headline.
    assert_eq!(view.click(5, 5), Some(Action::SelectHeadline(2)));
    assert_eq!(view.click(5, 6), Some(Action::SelectHeadline(2)));
    app.update(view.click(5, 5).unwrap());
    assert_eq!(app.selected(), 2);
    // The article pane is in the middle, the sidebar on the right.
    assert_eq!(view.click(80, 10), Some(Action::FocusPane(Focus::Article)));
    assert_eq!(
        view.wheel(80, 10, 3),
        Some(Action::Scroll {
            pane: Focus::Article,
            lines: 3
        })
    );
    let screen = text(&terminal);
    let (y, _) = screen
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains("[ ] - negative"))
        .expect("the negative entry is drawn");
    let click = view.click(WIDE.0 - 10, y as u16).expect("an entry");
    app.update(click);
    assert_eq!(
        app.active_query(),
        "sentiment:neg",
        "a click toggles the entry"
    );
    assert_eq!(
        view.click(0, WIDE.1 - 1),
        None,
        "the status line is not a pane"
    );
}

#[test]
fn a_translation_names_the_language_it_was_translated_from() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Down);
    app.handle_key(Key::Enter);
    app.handle_key(Key::Char('L'));
    let screen = text(&screen(&mut app, WIDE));
    assert!(screen.contains("Альфа: ралі підняло ринки"), "{screen}");
    assert!(
        screen.contains("AI-rewritten · translated from en"),
        "{screen}"
    );
}

/// One letter per cell for its foreground colour (upper case: the background when set), so a
/// snapshot shows where each colour goes.
fn colours(terminal: &Terminal<TestBackend>) -> String {
    use ratatui::style::Color;
    let letter = |color: Color| match color {
        Color::Reset => '.',
        Color::Green => 'g',
        Color::Red => 'r',
        Color::Yellow => 'y',
        Color::Blue => 'b',
        Color::Cyan => 'c',
        Color::Magenta => 'm',
        Color::Gray => 'w',
        Color::DarkGray => 'd',
        Color::White => 'W',
        Color::Rgb(..) => '#',
        Color::Indexed(_) => 'i',
        _ => '?',
    };
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            out.push(if cell.bg == Color::Reset {
                letter(cell.fg)
            } else {
                letter(cell.bg).to_ascii_uppercase()
            });
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_users_theme_colours_its_roles() {
    use ratatui::style::Color;
    use tidings::ui::theme::Palette;
    let fixture = Fixture::new();
    let overrides = [("positive", "#00ff88"), ("selection", "magenta")]
        .map(|(role, colour)| (role.to_owned(), colour.to_owned()))
        .into_iter()
        .collect();
    let palette = Palette::with_overrides(&overrides).unwrap();
    let draw = |theme: Theme| screen_with(&mut fixture.app(), NARROW, theme);
    let default = draw(Theme::colored());
    let themed = draw(Theme {
        color: true,
        palette,
    });
    insta::assert_snapshot!(colours(&themed));
    let cells = |terminal: &Terminal<TestBackend>| terminal.backend().buffer().content().to_vec();
    let (default, themed) = (cells(&default), cells(&themed));
    let green = default.iter().filter(|c| c.fg == Color::Green).count();
    assert!(green > 0, "positive headlines are green by default");
    assert!(
        default.iter().any(|c| c.bg == Color::Blue),
        "the selection bar"
    );
    assert_eq!(themed.iter().filter(|c| c.fg == Color::Green).count(), 0);
    assert_eq!(
        themed
            .iter()
            .filter(|c| c.fg == Color::Rgb(0, 255, 136))
            .count(),
        green,
        "every positive cell takes the user's colour"
    );
    assert!(
        themed.iter().any(|c| c.bg == Color::Magenta),
        "the selection bar"
    );
    assert!(!themed.iter().any(|c| c.bg == Color::Blue));
}

#[test]
fn listed_urls_are_hyperlinks_when_asked_for_and_cover_only_their_columns() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    app.update(Action::Down);
    app.handle_key(Key::Enter);
    screen(&mut app, NARROW);
    app.update(Action::Bottom);
    let plain = screen(&mut app, NARROW);
    assert!(
        plain
            .backend()
            .buffer()
            .content()
            .iter()
            .all(|cell| !cell.symbol().contains('\x1b')),
        "no hyperlinks unless asked for"
    );

    let mut linked = Terminal::new(TestBackend::new(NARROW.0, NARROW.1)).unwrap();
    let mut view = View::new(Theme::colored(), Zone::Utc).with_hyperlinks(true);
    linked
        .draw(|frame| {
            view.draw(frame, &app);
        })
        .unwrap();
    let url = "https://example.org/alpha";
    let open = format!("\x1b]8;;{url}\x1b\\");
    let cells: String = linked
        .backend()
        .buffer()
        .content()
        .iter()
        .filter_map(|cell| cell.symbol().strip_prefix(open.as_str()))
        .map(|rest| rest.strip_suffix("\x1b]8;;\x1b\\").unwrap())
        .collect();
    assert_eq!(
        cells, url,
        "one cell per character of the URL, each a link to it"
    );
    assert!(
        linked
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|cell| cell.symbol().contains("https://example.org/alpha-en.md")),
        "the body's numbered link too"
    );
    assert_eq!(text(&linked), text(&plain));
}

/// Each run of cells drawn on background `bg`, as `(row, first column, text)`.
fn runs_on(terminal: &Terminal<TestBackend>, bg: ratatui::style::Color) -> Vec<(u16, u16, String)> {
    let buffer = terminal.backend().buffer();
    let mut runs = Vec::new();
    for y in 0..buffer.area.height {
        let mut run: Option<(u16, String)> = None;
        for x in 0..=buffer.area.width {
            let cell = (x < buffer.area.width).then(|| &buffer[(x, y)]);
            match (cell.filter(|cell| cell.bg == bg), &mut run) {
                (Some(cell), Some((_, text))) => text.push_str(cell.symbol()),
                (Some(cell), None) => run = Some((x, cell.symbol().to_owned())),
                (None, Some(_)) => {
                    let (start, text) = run.take().unwrap();
                    runs.push((y, start, text));
                }
                (None, None) => {}
            }
        }
    }
    runs
}

#[test]
fn query_words_are_marked_in_the_headlines_and_the_article() {
    use ratatui::style::Color;
    for size in [WIDE, NARROW] {
        let fixture = Fixture::new();
        let mut app = fixture.app();
        app.handle_key(Key::Char('/'));
        for c in "rate".chars() {
            app.handle_key(Key::Char(c));
        }
        app.handle_key(Key::Enter);
        let list = screen(&mut app, size);
        let marked = runs_on(&list, Color::Yellow);
        assert!(
            marked
                .iter()
                .any(|(y, x, text)| *y == 1 && *x < 60 && text == "rate"),
            "{size:?}: the headline marks the word's beginning: {marked:?}\n{}",
            text(&list)
        );
        app.handle_key(Key::Enter);
        let article = screen(&mut app, size);
        let marked = runs_on(&article, Color::Yellow);
        let in_article = |(_, x, _): &&(u16, u16, String)| size == NARROW || *x > 60;
        assert!(
            marked.iter().filter(in_article).count() >= 3,
            "{size:?}: the title, the description and the body mark it: {marked:?}\n{}",
            text(&article)
        );
        assert!(
            marked
                .iter()
                .all(|(_, _, text)| text.eq_ignore_ascii_case("rate"))
        );
    }
}

#[test]
fn text_found_in_an_article_is_marked_and_n_moves_the_current_match() {
    use ratatui::style::Color;
    for size in [WIDE, NARROW] {
        let fixture = Fixture::new();
        let mut app = fixture.app();
        app.handle_key(Key::Enter);
        app.handle_key(Key::Char('/'));
        for c in "of charlie".chars() {
            app.handle_key(Key::Char(c));
        }
        let typing = screen(&mut app, size);
        let screen_text = text(&typing);
        assert!(
            screen_text.contains("find in the article: of charlie"),
            "{screen_text}"
        );
        let current = runs_on(&typing, Color::Magenta);
        assert_eq!(
            current.len(),
            1,
            "one current match: {current:?}\n{screen_text}"
        );
        assert!(current[0].2.eq_ignore_ascii_case("of charlie"));
        let others = runs_on(&typing, Color::Yellow);
        assert!(!others.is_empty(), "{screen_text}");
        app.handle_key(Key::Enter);
        app.handle_key(Key::Char('n'));
        let moved = screen(&mut app, size);
        let next = runs_on(&moved, Color::Magenta);
        assert_eq!(next.len(), 1);
        assert_ne!(
            (next[0].0 as usize + app.article_scroll()),
            (current[0].0 as usize),
            "n goes to another match"
        );
        if size == WIDE {
            insta::assert_snapshot!("find_wide", text(&moved));
        } else {
            insta::assert_snapshot!("find_narrow", text(&moved));
        }
    }
}

/// The rendering fixtures' titles, by file.
const RENDERING: &[(&str, &str)] = &[
    ("long-url", "A link three hundred characters long"),
    ("wide-table", "A table of five columns with long cells"),
    (
        "long-code-line",
        "A code block with a line of 128 characters",
    ),
    ("raw-html", "Raw HTML blocks and inline tags"),
    ("footnotes", "Footnotes in an article"),
    ("heading-attributes", "Headings with attributes"),
];

/// Opens the article titled `title` from the list.
fn open_titled(app: &mut App, title: &str) {
    let row = common::titles(app)
        .iter()
        .position(|t| t == title)
        .unwrap_or_else(|| panic!("{title} is listed"));
    app.update(Action::SelectHeadline(row));
    app.handle_key(Key::Enter);
    assert_eq!(app.focus(), Focus::Article);
}

#[test]
fn rendering_fixtures_at_both_sizes() {
    let fixture = Fixture::of_fixtures("rendering");
    for (name, title) in RENDERING {
        for (size, label) in [(WIDE, "wide"), (NARROW, "narrow")] {
            let mut app = fixture.app();
            open_titled(&mut app, title);
            let shown = text(&screen(&mut app, size));
            insta::assert_snapshot!(format!("rendering_{name}_{label}"), shown);
        }
    }
}

#[test]
fn zoom_shows_the_article_alone_in_a_centred_column() {
    let fixture = Fixture::of_fixtures("rendering");
    let mut app = fixture.app();
    open_titled(&mut app, "A table of five columns with long cells");
    app.handle_key(Key::Char('z'));
    assert!(app.zoomed());
    let shown = text(&screen(&mut app, WIDE));
    insta::assert_snapshot!(shown);
    assert!(!shown.contains("Headings with attributes"), "no list");
    // The text is at most 100 columns, centred in the 156 the pane has inside its borders.
    let rule = shown
        .lines()
        .find(|line| line.starts_with('│') && line.contains("────"))
        .expect("the rule under the header");
    assert_eq!(rule.trim_matches(['│', ' ']).chars().count(), 100, "{rule}");
    // Border, margin, then (156 - 100) / 2 columns.
    assert_eq!(rule.chars().position(|c| c == '─'), Some(2 + 28), "{rule}");
    app.handle_key(Key::Char('z'));
    assert!(!app.zoomed());
    assert!(text(&screen(&mut app, WIDE)).contains("Headings with attributes"));
}

#[test]
fn a_long_code_line_is_clipped_and_scrolls_sideways() {
    let fixture = Fixture::of_fixtures("rendering");
    let mut app = fixture.app();
    open_titled(&mut app, "A code block with a line of 128 characters");
    let sum = "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7";
    let before = text(&screen(&mut app, NARROW));
    let line = before.lines().find(|l| l.contains("9b71d224")).unwrap();
    assert!(line.trim_end_matches(['│', ' ']).ends_with('›'), "{line}");
    assert!(!before.contains("ec043"), "clipped, not wrapped");
    for _ in 0..20 {
        app.handle_key(Key::Char('>'));
    }
    let after = text(&screen(&mut app, NARROW));
    insta::assert_snapshot!(after);
    let line = after.lines().find(|l| l.contains("dec043")).unwrap();
    assert!(line.contains('‹') && !line.contains(&sum[..8]), "{line}");
    // Prose is not moved sideways.
    assert!(after.contains("Check the download"), "{after}");
    for _ in 0..20 {
        app.handle_key(Key::Char('<'));
    }
    assert_eq!(text(&screen(&mut app, NARROW)), before);
}

/// The lines of the article pane on a wide screen (the middle pane).
fn article_pane(terminal: &Terminal<TestBackend>) -> String {
    text(terminal)
        .lines()
        .map(|line| line.chars().skip(60).take(64).collect::<String>() + "\n")
        .collect()
}

#[test]
fn a_large_article_says_rendering_until_its_text_arrives_from_the_worker() {
    let fixture = Fixture::new();
    let mut app = fixture.app();
    let mut terminal = Terminal::new(TestBackend::new(WIDE.0, WIDE.1)).unwrap();
    // Every body counts as large here.
    let mut view = View::new(Theme::colored(), Zone::Utc).with_inline_rendering_up_to(0);
    draw(&mut terminal, &mut view, &mut app);
    let pane = article_pane(&terminal);
    assert!(pane.contains("rendering…"), "{pane}");
    assert!(!pane.contains("Charlie rates held steady"), "{pane}");
    assert!(view.rendering());
    view.wait_for_article();
    draw(&mut terminal, &mut view, &mut app);
    let pane = article_pane(&terminal);
    assert!(!pane.contains("rendering…"), "{pane}");
    assert!(pane.contains("Charlie rates held steady"), "{pane}");
    assert!(!view.rendering());
    // The same article at the same width is not rendered again.
    draw(&mut terminal, &mut view, &mut app);
    assert!(!view.rendering());
}

#[test]
fn keys_are_handled_while_an_article_renders_and_only_the_newest_is_shown() {
    use std::sync::mpsc;
    use std::time::Duration;
    let fixture = Fixture::new();
    let mut app = fixture.app();
    let mut terminal = Terminal::new(TestBackend::new(WIDE.0, WIDE.1)).unwrap();
    // A render that takes as long as the test wants (a hang guard aside): if drawing waited for
    // it, the first frame would come only after the guard ran out, and show the text.
    let (release, gate) = mpsc::channel::<()>();
    let (started, starts) = mpsc::channel::<String>();
    let render: tidings::ui::rendering::RenderFn = Box::new(move |request| {
        let _ = started.send(request.article.title.clone());
        let _ = gate.recv_timeout(Duration::from_secs(30));
        request.render()
    });
    let mut view = View::new(Theme::colored(), Zone::Utc)
        .with_inline_rendering_up_to(0)
        .with_render(render);
    draw(&mut terminal, &mut view, &mut app);
    assert_eq!(starts.recv().unwrap(), "Charlie rates held steady");
    assert!(article_pane(&terminal).contains("rendering…"));
    // While it renders, the keys still move the selection and the frames still come.
    app.handle_key(Key::Char('j'));
    draw(&mut terminal, &mut view, &mut app);
    app.handle_key(Key::Char('j'));
    draw(&mut terminal, &mut view, &mut app);
    assert_eq!(common::selected_title(&app), "Bravo miners sell off");
    assert!(article_pane(&terminal).contains("rendering…"));
    app.handle_key(Key::Char('q'));
    assert!(
        app.should_quit(),
        "q is taken while the render is in progress"
    );
    drop(release);
    view.wait_for_article();
    draw(&mut terminal, &mut view, &mut app);
    let pane = article_pane(&terminal);
    assert!(pane.contains("Bravo miners sell off"), "{pane}");
    assert!(!pane.contains("Charlie rates held steady"), "{pane}");
    // The article in between was superseded before the worker was free: never rendered.
    assert_eq!(
        starts.try_iter().collect::<Vec<_>>(),
        ["Bravo miners sell off"]
    );
}
