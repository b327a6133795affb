//! The renderer's output at given widths, for a screen and for a pipe.

use proptest::prelude::*;

use super::*;

fn lines_for(markdown: &str, width: u16, target: Target) -> Vec<String> {
    render(markdown, width, Theme::plain(), target)
        .lines
        .iter()
        .map(|line| {
            line.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect()
}

fn plain(markdown: &str, width: u16) -> Vec<String> {
    lines_for(markdown, width, Target::Screen)
}

fn piped(markdown: &str, width: u16) -> Vec<String> {
    lines_for(markdown, width, Target::Pipe)
}

#[test]
fn paragraphs_wrap_to_the_width() {
    let lines = plain("one two three four five six seven eight nine ten", 20);
    assert_eq!(
        lines,
        ["one two three four", "five six seven eight", "nine ten"]
    );
    assert!(lines.iter().all(|line| line.width() <= 20));
}

#[test]
fn lists_have_hanging_indents() {
    let lines = plain(
        "- alpha beta gamma delta\n- two\n\n1. first item here\n2. second",
        16,
    );
    assert_eq!(
        lines,
        [
            "• alpha beta",
            "  gamma delta",
            "• two",
            "",
            "1. first item",
            "   here",
            "2. second"
        ]
    );
}

#[test]
fn links_become_numbered_references() {
    let rendered = render(
        "See [the report](https://example.org/r) and [more](https://example.org/m).",
        80,
        Theme::plain(),
        Target::Screen,
    );
    let text: String = rendered.lines[0]
        .spans
        .iter()
        .map(|s| s.content.as_ref())
        .collect();
    assert_eq!(text, "See the report[1] and more[2].");
    assert_eq!(
        rendered.links,
        ["https://example.org/r", "https://example.org/m"]
    );
}

#[test]
fn the_numbers_shown_are_the_numbers_asked_for() {
    // The reader opens link N from `article::links::numbered`: it must number as we draw.
    let body = "[a](https://a.example) ![i](https://i.example/x.png)\n\n\
                | [t](https://t.example) | b |\n|---|---|\n| 1 | [c](mailto:c@x.example) |\n\n\
                > [q](https://q.example)\n\n- [l](https://l.example)\n";
    assert_eq!(
        render(body, 40, Theme::plain(), Target::Screen).links,
        crate::article::links::numbered(body)
    );
}

#[test]
fn headings_quotes_code_and_rules() {
    let lines = plain(
        "# Top\n\n## Section\n\n> quoted words\n\n```\nlet x = 1;\n```\n\n---\n\nend",
        20,
    );
    assert_eq!(
        lines,
        [
            "Top",
            "",
            "Section",
            "",
            "│ quoted words",
            "",
            "  let x = 1;",
            "",
            "─".repeat(20).as_str(),
            "",
            "end"
        ]
    );
}

#[test]
fn tables_align_and_fit() {
    let lines = plain(
        "| Coin | Price |\n|:-----|------:|\n| BTC | 95000 |\n| ETH | 3 |\n",
        40,
    );
    assert_eq!(
        lines,
        [
            "Coin │ Price",
            "─────┼──────",
            "BTC  │ 95000",
            "ETH  │     3"
        ]
    );
    let narrow = plain(
        "| a long heading here | another long heading |\n|---|---|\n| x | y |\n",
        20,
    );
    assert!(narrow.iter().all(|line| line.width() <= 20), "{narrow:?}");
}

#[test]
fn wide_characters_and_long_words_respect_the_width() {
    let lines = plain(
        "日本語のテキストはとても長いのでここで折り返す必要があります https://example.org/a/very/long/path/that/cannot/fit",
        12,
    );
    assert!(lines.iter().all(|line| line.width() <= 12), "{lines:?}");
}

const LONG_URL: &str =
    "https://example.org/a/path/that/goes/on/and/on/well/past/any/line/width/index.html?q=1";

#[test]
fn a_url_is_cut_with_a_marker_on_screen_and_whole_in_a_pipe() {
    let text = format!("See {LONG_URL} for more.");
    for width in [10, 30, 60] {
        let lines = plain(&text, width);
        assert!(lines.iter().all(|l| l.width() <= width.into()), "{lines:?}");
        let cut = lines.iter().find(|l| l.ends_with('…')).expect("a cut URL");
        assert!(LONG_URL.starts_with(cut.trim_end_matches('…')), "{cut}");
        let lines = piped(&text, width);
        assert!(lines.iter().any(|l| l == LONG_URL), "{lines:?}");
    }
}

#[test]
fn a_link_repeated_or_autolinked_is_listed_once() {
    let body = format!("[a]({LONG_URL}), <{LONG_URL}> and [b](https://example.org/b)");
    let rendered = render(&body, 200, Theme::plain(), Target::Pipe);
    assert_eq!(rendered.links, [LONG_URL, "https://example.org/b"]);
    assert_eq!(rendered.links, crate::article::links::numbered(&body));
    let line: String = rendered.lines[0]
        .spans
        .iter()
        .map(|s| s.content.as_ref())
        .collect();
    assert!(
        line.starts_with(&format!("a[1], {LONG_URL}[1] and b[2]")),
        "{line}"
    );
}

#[test]
fn tables_wrap_inside_cells_then_become_records() {
    let table = "| Name | What it does |\n|---|---|\n| alpha | keeps every word of a long cell |\n";
    let grid = plain(table, 30);
    assert!(grid.iter().all(|l| l.width() <= 30), "{grid:?}");
    assert!(
        grid.iter().any(|l| l.starts_with("alpha │ keeps")),
        "{grid:?}"
    );
    assert!(!grid.concat().contains('…'), "{grid:?}");
    // Too narrow for two columns of eight: one record per row.
    let records = plain(table, 12);
    assert_eq!(
        records,
        [
            "Name: alpha",
            "What it",
            "does: keeps",
            "every word",
            "of a long",
            "cell"
        ]
    );
    // Piped, a table that does not fit whole is records, every word whole.
    let piped = piped(table, 30);
    assert_eq!(
        piped,
        [
            "Name: alpha",
            "What it does: keeps every word",
            "of a long cell"
        ]
    );
}

#[test]
fn code_is_never_rewrapped() {
    let line = "x".repeat(128);
    let lines = plain(&format!("```\n{line}\n  indented\n```\n"), 40);
    assert_eq!(lines, [format!("  {line}"), "    indented".to_owned()]);
}

#[test]
fn raw_html_keeps_its_text_as_paragraphs() {
    let lines = plain(
        "<div>\n<p>First <b>block</b>.</p><p>Second.</p>\n</div>\nAfter the block.\n\n\
         <!-- hidden -->\n\n<script>no()</script>\n\nIn <kbd>line</kbd><br>broken <style>x</style>here.",
        40,
    );
    assert_eq!(
        lines,
        [
            "First block.",
            "",
            "Second.",
            "",
            "After the block.",
            "",
            "In line",
            "broken here."
        ]
    );
}

#[test]
fn footnotes_heading_attributes_and_case() {
    let body = "# Works @0xTyrael {#works}\n\n## Stage {.wide}\n\nText.[^a] ~~old~~\n\n\
                - [x] done\n\n> quoted\n\n[^a]: The note.\n";
    assert_eq!(
        plain(body, 40),
        [
            "Works @0xTyrael",
            "",
            "Stage",
            "",
            "Text.¹ old",
            "",
            "• [x] done",
            "",
            "│ quoted",
            "",
            "¹ The note."
        ]
    );
    assert_eq!(
        piped(body, 40),
        [
            "# Works @0xTyrael",
            "",
            "## Stage",
            "",
            "Text.¹ old",
            "",
            "- [x] done",
            "",
            "> quoted",
            "",
            "¹ The note."
        ]
    );
}

// Issue 11 #5: inputs that took seconds to minutes. Sizes as reported; each must come out right.

#[test]
fn deep_quotes_are_capped_with_a_marker() {
    let body = format!("{} bottom words\n", ">".repeat(10_000));
    let lines = plain(&body, 80);
    let marker = lines
        .iter()
        .filter(|l| l.contains("nested deeper than"))
        .count();
    assert_eq!(marker, 1, "{lines:?}");
    let last = lines.last().expect("lines");
    assert!(last.ends_with("bottom words"), "{last}");
    assert_eq!(last.matches('│').count(), MAX_DEPTH, "{last}");
}

#[test]
fn thousands_of_columns_are_capped_with_a_marker() {
    let columns = 5_000;
    let row = |word: &str| format!("|{}\n", format!(" {word} |").repeat(columns));
    let body = format!("{}{}{}", row("head"), row("---"), row("cell").repeat(3));
    for lines in [plain(&body, 120), piped(&body, 120)] {
        let marker = format!(
            "[{} more columns not shown: at most {} are]",
            columns - table::MAX_COLUMNS,
            table::MAX_COLUMNS
        );
        assert_eq!(lines.last(), Some(&marker));
        assert_eq!(
            lines.iter().filter(|l| l.contains("head: cell")).count(),
            3 * table::MAX_COLUMNS
        );
    }
}

#[test]
fn many_hard_breaks_each_end_a_line() {
    let breaks = 100_000;
    let body = "word  \n".repeat(breaks);
    let lines = plain(&body, 80);
    assert_eq!(lines.len(), breaks);
    assert!(lines.iter().all(|l| l == "word"));
}

/// Markdown of every construct the renderer knows, with the words of its text.
fn document() -> impl Strategy<Value = (String, Vec<String>)> {
    let word = "[a-z]{1,10}";
    let words = prop::collection::vec(word, 1..8);
    let block = (0..12_u8, words.clone(), words, 1..24_usize).prop_map(|(kind, a, b, n)| {
        let text = a.join(" ");
        let more = b.join(" ");
        let mut said = a.clone();
        let markdown = match kind {
            0 => format!("{text}\n"),
            1 => format!("{} {text} {{#{}}}\n", "#".repeat(n % 6 + 1), b[0]),
            2 => format!("- {text}\n- [x] {more}\n"),
            3 => format!("{} {text}\n", "> ".repeat(n)),
            4 => format!("```\n{text} {}\n{more}\n```\n", "z".repeat(n * 9)),
            5 => {
                let cells = |words: &[String]| format!("| {} |", words.join(" | "));
                let head: Vec<String> = (0..a.len()).map(|i| b[i % b.len()].clone()).collect();
                format!(
                    "{}\n|{}\n{}\n",
                    cells(&head),
                    "---|".repeat(a.len()),
                    cells(&a)
                )
            }
            6 => format!("<div>\n<p>{text}</p><script>{more}</script>\n</div>\n"),
            7 => format!("{text} <b>{more}</b><br>{text}\n"),
            8 => format!(
                "[{text}](https://example.org/{}) <https://example.org/{}>\n",
                b[0],
                "q".repeat(n * 20)
            ),
            9 => format!("{text}[^{}]\n\n[^{}]: {more}\n", b[0], b[0]),
            10 => format!("~~{text}~~ *{more}* **{text}**\n"),
            _ => format!("{text}  \n{more}\n"),
        };
        // The words shown: a heading's id, a script's text and a link's address are not.
        match kind {
            0 | 1 | 3 | 6 => {}
            5 => said.extend(b.iter().take(a.len()).cloned()),
            8 => said.push(b[0].clone()),
            _ => said.extend(b),
        }
        (markdown, said)
    });
    prop::collection::vec(block, 1..10).prop_map(|blocks| {
        let markdown = blocks
            .iter()
            .map(|(m, _)| m.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let words = blocks.into_iter().flat_map(|(_, w)| w).collect();
        (markdown, words)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_word_comes_through_at_any_width((markdown, words) in document(), width in 1..200_u16) {
        // On screen words may be cut (a URL) or broken (a word wider than the line): no panic.
        let _ = render(&markdown, width, Theme::plain(), Target::Screen);
        let rendered = render(&markdown, width, Theme::plain(), Target::Pipe);
        let mut text: String = rendered
            .lines
            .iter()
            .flat_map(|line| line.spans.iter().map(|s| s.content.as_ref()))
            .collect::<Vec<_>>()
            .join("\n");
        text.push('\n');
        text.push_str(&rendered.links.join("\n"));
        let tokens: std::collections::HashSet<&str> =
            text.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        for word in &words {
            prop_assert!(tokens.contains(word.as_str()), "{word:?} missing from\n{text}\nfor\n{markdown}");
        }
    }
}
