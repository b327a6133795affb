//! What to mark on screen: the words of the active query, in the headlines and in the article,
//! and the text searched for inside the open article. Matching here follows the search: a query
//! word matches where a word begins (`rate` marks "rates"), case ignored; `/regex/` marks what it
//! matches in titles. Text found with `/` in an article matches anywhere, case ignored.

use std::ops::Range;

use super::query::{Expr, Filter};

/// The words and patterns of a query that mark text.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    /// Lower-cased word beginnings that mark any text.
    words: Vec<String>,
    /// Lower-cased word beginnings that mark titles only (`title:`).
    title_words: Vec<String>,
    title_patterns: Vec<regex::Regex>,
}

impl Highlight {
    /// What `expr` asks for and text can show: its free words, `title:` words and title patterns,
    /// except where they are negated (`-word` is not in what is listed).
    pub fn of(expr: &Expr) -> Self {
        let mut highlight = Self::default();
        highlight.add(expr);
        for list in [&mut highlight.words, &mut highlight.title_words] {
            // A longer word first, so that "rates" is marked whole where "rate" also matches.
            list.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            list.dedup();
        }
        highlight
    }

    fn add(&mut self, expr: &Expr) {
        match expr {
            Expr::Filter(Filter::Text(words)) => self.words.extend(words_of(words)),
            Expr::Filter(Filter::Title(words)) => self.title_words.extend(words_of(words)),
            Expr::Filter(Filter::TitlePattern(pattern)) => {
                self.title_patterns.push(pattern.regex().clone());
            }
            Expr::Filter(_) | Expr::Not(_) => {}
            Expr::All(items) | Expr::Any(items) => items.iter().for_each(|item| self.add(item)),
            Expr::Saved(_, inner) => self.add(inner),
        }
    }

    pub const fn is_empty(&self) -> bool {
        self.words.is_empty() && self.title_words.is_empty() && self.title_patterns.is_empty()
    }

    /// What to mark in a title: byte ranges, in order, not overlapping.
    pub fn in_title(&self, title: &str) -> Vec<Range<usize>> {
        let mut ranges = word_starts(title, &self.words);
        ranges.extend(word_starts(title, &self.title_words));
        for pattern in &self.title_patterns {
            ranges.extend(
                pattern
                    .find_iter(title)
                    .filter(|found| !found.is_empty())
                    .map(|found| found.range()),
            );
        }
        merged(ranges)
    }

    /// What to mark in other text (the article's description and body).
    pub fn in_text(&self, text: &str) -> Vec<Range<usize>> {
        word_starts(text, &self.words)
    }
}

/// The words of a query term as the search splits them (runs of letters and digits),
/// lower-cased.
fn words_of(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// Where `text` (lower-cased as it is read) continues with `needle`, already lower-case, from
/// byte `at`: the end of the match.
fn matches_at(text: &str, at: usize, needle: &str) -> Option<usize> {
    let mut wanted = needle.chars().peekable();
    for (offset, c) in text[at..].char_indices() {
        for lower in c.to_lowercase() {
            match wanted.next() {
                Some(w) if w == lower => {}
                Some(_) => return None,
                // The needle ended inside a character that lower-cases to several: it is
                // marked whole.
                None => break,
            }
        }
        if wanted.peek().is_none() {
            return Some(at + offset + c.len_utf8());
        }
    }
    None
}

/// Where any of `words` begins a word of `text`.
fn word_starts(text: &str, words: &[String]) -> Vec<Range<usize>> {
    if words.is_empty() {
        return Vec::new();
    }
    let mut ranges = Vec::new();
    let mut in_word = false;
    for (at, c) in text.char_indices() {
        let alphanumeric = c.is_alphanumeric();
        if alphanumeric && !in_word {
            // `words` is longest first: the first that matches marks the most.
            if let Some(end) = words.iter().find_map(|word| matches_at(text, at, word)) {
                ranges.push(at..end);
            }
        }
        in_word = alphanumeric;
    }
    ranges
}

/// Every place `needle` occurs in `text`, case ignored, not overlapping.
pub fn occurrences(text: &str, needle: &str) -> Vec<Range<usize>> {
    let needle = needle.to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    let mut ranges = Vec::new();
    let mut from = 0;
    for (at, _) in text.char_indices() {
        if at < from {
            continue;
        }
        if let Some(end) = matches_at(text, at, &needle) {
            ranges.push(at..end);
            from = end;
        }
    }
    ranges
}

/// `ranges` sorted, with overlapping and touching ones joined.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|range| range.start);
    let mut joined: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match joined.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => joined.push(range),
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::query::Query;
    use chrono::Utc;

    fn highlight(query: &str) -> Highlight {
        Highlight::of(&Query::parse(query, Utc::now()).expr)
    }

    fn marked<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|range| &text[range.clone()]).collect()
    }

    #[test]
    fn query_words_mark_word_beginnings_in_any_case() {
        let words = highlight("rate BANK");
        let text = "Central Bank rates: the bankers' separate rate";
        assert_eq!(
            marked(text, &words.in_text(text)),
            ["Bank", "rate", "bank", "rate"],
            "a word's beginning, never its middle (sepa-rate)"
        );
    }

    #[test]
    fn title_terms_mark_titles_only_and_negated_words_mark_nothing() {
        let words = highlight("title:grid -solar /batter(y|ies)/");
        let title = "Grid batteries beat solar";
        assert_eq!(marked(title, &words.in_title(title)), ["Grid", "batteries"]);
        assert!(words.in_text("the grid and solar batteries").is_empty());
    }

    #[test]
    fn a_phrase_marks_each_of_its_words() {
        let words = highlight("\"rate cut\"");
        let text = "A rate cut, cutting rates";
        assert_eq!(
            marked(text, &words.in_text(text)),
            ["rate", "cut", "cut", "rate"]
        );
    }

    #[test]
    fn matching_survives_letters_that_change_length_when_lower_cased() {
        // 'İ' lower-cases to two characters; the marked range stays on character boundaries.
        let words = highlight("i київ");
        let text = "İSTANBUL і КИЇВ";
        assert_eq!(marked(text, &words.in_text(text)), ["İ", "КИЇВ"]);
    }

    #[test]
    fn found_text_matches_anywhere_without_overlap() {
        let text = "Banana bandana";
        assert_eq!(marked(text, &occurrences(text, "ANA")), ["ana", "ana"]);
        assert_eq!(marked(text, &occurrences(text, "NA B")), ["na b"]);
        assert!(occurrences(text, "").is_empty());
        assert!(occurrences(text, "kiwi").is_empty());
    }

    #[test]
    fn overlapping_marks_join() {
        assert_eq!(merged(vec![5..9, 0..3, 2..4, 9..10]), [0..4, 5..10]);
    }
}
