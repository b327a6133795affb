//! Searching and showing results: the query and filters run against the index, narrowed while
//! typing, remembered for Backspace, and shown with the selection kept where it can be.

use super::*;
use crate::app::counts::{Basis, Changes, Rows};
use crate::app::highlight::Highlight;
use crate::app::index::SavedCount;
use crate::app::query::SavedSearches;

impl App {
    /// Re-runs the query and filters, keeping the selected article when it is still listed.
    pub(super) fn refilter(&mut self) {
        let keep = self.selected_index();
        self.refilter_keeping(keep);
    }

    pub(super) fn refilter_keeping(&mut self, keep: Option<usize>) {
        self.list.typed.clear();
        let results = self.search(None, !self.sidebar.count_later);
        self.show_results(results, keep);
    }

    /// Searches only the current results: the query was made narrower by typing.
    pub(super) fn narrow(&mut self) {
        let keep = self.selected_index();
        // Gathering the candidates reads the whole order once; worth it only when they are few
        // (after a word or two), not after the first letter, which matches nearly everything.
        let few =
            self.list.visible.len() + self.list.hidden_drafts.len() < self.list.order.len() / 2;
        let within = few.then(|| self.narrowing_candidates());
        let narrower = self.search(within.as_deref(), !self.sidebar.count_later);
        let previous = self.show_results(narrower, keep);
        self.list.typed.push(previous);
        // Typing a long query keeps a bounded history (in entries, and in headlines: at a million
        // articles each entry may hold a million); older entries are searched again.
        const HEADLINES_AT_MOST: usize = 4_000_000;
        while self.list.typed.len() > 64
            || self
                .list
                .typed
                .iter()
                .map(|r| r.visible.len())
                .sum::<usize>()
                > HEADLINES_AT_MOST
        {
            self.list.typed.remove(0);
        }
    }

    /// What a narrower query may still match, in sort order: the listed headlines, every other
    /// version of their stories (a row shows one; the words typed next may be in another) and
    /// the drafts left out (the list's title counts them).
    fn narrowing_candidates(&self) -> Vec<u32> {
        let stories = self.library.stories();
        let mut wanted = vec![false; self.library.len()];
        for &index in self.list.visible.iter().chain(&self.list.hidden_drafts) {
            wanted[index as usize] = true;
            for &version in stories.versions(index as usize) {
                wanted[version as usize] = true;
            }
        }
        self.list
            .order
            .iter()
            .copied()
            .filter(|&index| wanted[index as usize])
            .collect()
    }

    /// Restores the results of the text just shortened by Backspace, if they are remembered.
    pub(super) fn widen(&mut self) -> bool {
        match self.list.typed.last() {
            Some(results) if results.text == self.query.line.text => {
                let results = self.list.typed.pop().expect("just looked");
                let keep = self.selected_index();
                self.show_results(results, keep);
                true
            }
            _ => false,
        }
    }

    /// Whether the sidebar's counts and the timeline are those of the shown headlines; not yet,
    /// with [`Settings::headlines_first`], until the reader has time to count them
    /// ([`Event::Idle`](crate::app::Event::Idle)).
    pub const fn is_counted(&self) -> bool {
        self.sidebar.counted
    }

    /// Counts the shown headlines, if that is not done yet: the reader has time for it once the
    /// headlines are on screen and no key is waiting.
    pub(super) fn count_shown(&mut self) {
        if !self.sidebar.counted {
            self.sidebar.counts = self.counts_of(&self.list.visible, self.list.per_story);
            self.sidebar.counted = true;
            self.clamp_sidebar_cursor();
        }
    }

    /// Counts the shown headlines again (now, or when the caller next counts).
    pub(super) fn recount(&mut self) {
        self.sidebar.counted = false;
        if !self.sidebar.count_later {
            self.count_shown();
        }
    }

    /// The articles matching the query and filters, among `within` (else all), counted if
    /// `count`.
    pub(super) fn search(&self, within: Option<&[u32]>, count: bool) -> Results {
        let query = Query::parse_with(&self.query.line.text, self.now, &self.query.saved)
            .and(self.query.filters.terms());
        let context = Context::of(&self.library, self.query.show_drafts);
        let columns = self.library.columns();
        let searched = columns.search(&query, &context, within.unwrap_or(&self.list.order));
        let per_story = !query.picks_languages();
        let drafts_shown = self.query.show_drafts || query.wants_drafts();
        let visible = self.one_row_per_story(&query, searched.visible);
        let mut errors = query.errors;
        errors.extend(searched.errors);
        let counts = count.then(|| self.counts_of(&visible, per_story));
        Results {
            highlight: Highlight::of(&query.expr),
            per_story,
            drafts_shown,
            text: self.query.line.text.clone(),
            errors,
            undated_left_out: searched.undated_left_out,
            hidden_drafts: searched.drafts_left_out,
            visible,
            counts,
        }
    }

    /// Shows `results`, keeping the article `keep` selected when it is among them; returns the
    /// results shown before.
    pub(super) fn show_results(&mut self, results: Results, keep: Option<usize>) -> Results {
        let counted = results.counts.is_some();
        // Uncounted results leave the last counts on screen until they are counted.
        let counts = match results.counts {
            Some(counts) => Some(std::mem::replace(&mut self.sidebar.counts, counts)),
            None => self.sidebar.counted.then(|| self.sidebar.counts.clone()),
        };
        let previous = Results {
            highlight: std::mem::replace(&mut self.list.highlight, results.highlight),
            per_story: std::mem::replace(&mut self.list.per_story, results.per_story),
            drafts_shown: std::mem::replace(&mut self.list.drafts_shown, results.drafts_shown),
            text: std::mem::replace(&mut self.list.searched_text, results.text),
            errors: std::mem::replace(&mut self.list.errors, results.errors),
            undated_left_out: std::mem::replace(
                &mut self.list.undated_left_out,
                results.undated_left_out,
            ),
            visible: std::mem::replace(&mut self.list.visible, results.visible),
            hidden_drafts: std::mem::replace(&mut self.list.hidden_drafts, results.hidden_drafts),
            counts: counts.filter(|_| self.sidebar.counted),
        };
        self.sidebar.counted = counted;
        let kept = keep.and_then(|keep| self.list.visible.iter().position(|&i| i as usize == keep));
        if kept.is_none() {
            self.list.offset = 0;
        }
        self.clamp_sidebar_cursor();
        self.select(kept.unwrap_or(0));
        previous
    }

    /// [`one_row_per_story`](crate::app::index::one_row_per_story) with the reader's languages.
    pub(super) fn one_row_per_story(&self, query: &Query, visible: Vec<u32>) -> Vec<u32> {
        crate::app::index::one_row_per_story(&self.library, query, visible, &self.query.preference)
    }

    fn clamp_sidebar_cursor(&mut self) {
        let entries = self.sidebar_entries().len();
        self.sidebar.cursor = self.sidebar.cursor.min(entries.saturating_sub(1));
    }
}

/// The sidebar's counts and the timeline of a set of headlines.
#[derive(Debug, Clone, Default)]
pub(super) struct Counts {
    pub(super) facets: Facets,
    pub(super) timeline: Timeline,
    /// What they were counted from, for the next counts to start from; `None` before the
    /// first.
    basis: Option<Basis>,
    /// What the saved searches were counted under; `None` when there are none.
    saved_under: Option<SavedUnder>,
}

/// What saved searches were counted under: counts under the same follow from the rows that
/// came and went.
#[derive(Debug, Clone, PartialEq)]
struct SavedUnder {
    searches: SavedSearches,
    /// The time their relative dates (`since:7d`) count back from.
    now: DateTime<Utc>,
    /// The library's [`marks_generation`](crate::library::Library::marks_generation): `is:read`
    /// and the unread counts depend on the marks.
    marks: u64,
    show_drafts: bool,
}

impl App {
    /// The sidebar's counts and the timeline of `visible`, and how many of them each saved
    /// search matches; from the counts on screen, if they are of this library.
    /// `per_story`: `visible` holds one version of each story; a language then counts the
    /// stories told in it, shown in another language or not.
    fn counts_of(&self, visible: &[u32], per_story: bool) -> Counts {
        let columns = self.library.columns();
        let (basis, changes) = Basis::count(
            columns,
            self.library.stories(),
            Rows::of(visible, columns.len()),
            per_story,
            self.refresh.generation,
            self.now,
            self.sidebar.counts.basis.as_ref(),
        );
        let mut facets = basis.tally().facets.clone();
        let (saved, saved_under) = self.count_saved(basis.rows(), changes.as_ref());
        facets.saved = saved;
        Counts {
            facets,
            timeline: basis.timeline(columns, self.now),
            basis: Some(basis),
            saved_under,
        }
    }

    /// How many of `rows` each saved search matches, and how many of those are unread: from
    /// the counts on screen and `changes` (how `rows` differ from theirs) when those were
    /// counted under the same searches, marks and drafts setting, less than a minute ago.
    fn count_saved(
        &self,
        rows: &Rows,
        changes: Option<&Changes>,
    ) -> (Vec<SavedCount>, Option<SavedUnder>) {
        if self.query.saved.is_empty() {
            return (Vec::new(), None);
        }
        let under = SavedUnder {
            searches: self.query.saved.clone(),
            now: self.now,
            marks: self.library.marks_generation(),
            show_drafts: self.query.show_drafts,
        };
        let columns = self.library.columns();
        let context = Context::of(&self.library, self.query.show_drafts);
        let marks = self.library.all_marks();
        // Matches and unread matches of the search `name` among `rows` (in index order).
        let count = |name: &str, rows: &[u32], now: DateTime<Utc>| -> (usize, usize) {
            if rows.is_empty() {
                return (0, 0);
            }
            let query = Query {
                expr: self.saved_search(name, now),
                errors: Vec::new(),
            };
            let matched = columns.search(&query, &context, rows).visible;
            let unread = matched.iter().filter(|&&i| !marks[i as usize].read).count();
            (matched.len(), unread)
        };
        let last = &self.sidebar.counts;
        let followed = last.saved_under.as_ref().filter(|last| {
            (&last.searches, last.marks, last.show_drafts)
                == (&under.searches, under.marks, under.show_drafts)
                && under.now - last.now < chrono::Duration::minutes(1)
        });
        if let (Some(last_under), Some(changes)) = (followed, changes) {
            let (came, went) = (changes.came.ascending(), changes.went.ascending());
            let counts = last
                .facets
                .saved
                .iter()
                .map(|saved| {
                    let (more, more_unread) = count(&saved.name, &came, last_under.now);
                    let (less, less_unread) = count(&saved.name, &went, last_under.now);
                    SavedCount {
                        name: saved.name.clone(),
                        total: (saved.total + more).saturating_sub(less),
                        unread: (saved.unread + more_unread).saturating_sub(less_unread),
                    }
                })
                .collect();
            return (counts, Some(last_under.clone()));
        }
        // Counts do not depend on order: in index order they read the columns front to back.
        let ascending = rows.ascending();
        let counts = under
            .searches
            .keys()
            .map(|name| {
                let (total, unread) = count(name, &ascending, under.now);
                SavedCount {
                    name: name.clone(),
                    total,
                    unread,
                }
            })
            .collect();
        (counts, Some(under))
    }
}

/// One search's outcome, for the query text it was made with.
pub(super) struct Results {
    /// What the query marks in the text it found.
    highlight: Highlight,
    /// One row per story (the query picks no language).
    per_story: bool,
    /// Drafts are listed (the settings or the query ask for them).
    drafts_shown: bool,
    text: String,
    errors: Vec<QueryError>,
    undated_left_out: usize,
    visible: Vec<u32>,
    hidden_drafts: Vec<u32>,
    /// `None` when not counted.
    counts: Option<Counts>,
}
