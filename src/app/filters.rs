//! Filters set by keys and the sidebar (sentiment toggles, unread only, chosen tags, sources,
//! categories, languages), turned into terms of the same query language the user types.

use crate::article::Sentiment;

use super::query::{Expr, Filter, Flag};
pub use crate::library::Dimension;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Sentiments to show, by [`Sentiment::index`]; none chosen shows all.
    pub sentiments: [bool; 4],
    pub unread_only: bool,
    /// The values chosen in each dimension, by [`Dimension::index`]: see
    /// [`Dimension::chosen_narrow`] for how several combine.
    chosen: [Vec<String>; 4],
    /// Chosen saved searches, by name, with what their text said when chosen; any one will do.
    saved: Vec<(String, Expr)>,
}

/// The query term that chooses `name` in `dimension`.
pub fn filter_for(dimension: Dimension, name: String) -> Filter {
    match dimension {
        Dimension::Tag => Filter::Tag(name.to_uppercase()),
        Dimension::Source => Filter::Source(name),
        Dimension::Category => Filter::Category(name),
        Dimension::Lang => Filter::Lang(name),
    }
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub const fn toggle_sentiment(&mut self, sentiment: Sentiment) {
        self.sentiments[sentiment.index()] ^= true;
    }

    pub fn is_saved_chosen(&self, name: &str) -> bool {
        self.saved.iter().any(|(chosen, _)| chosen == name)
    }

    /// Chooses the saved search `name` (`expr` is what it says), or drops it if chosen.
    pub fn toggle_saved(&mut self, name: &str, expr: Expr) {
        match self.saved.iter().position(|(chosen, _)| chosen == name) {
            Some(position) => {
                self.saved.remove(position);
            }
            None => self.saved.push((name.to_owned(), expr)),
        }
    }

    /// The names of the chosen saved searches.
    pub fn saved(&self) -> impl Iterator<Item = &str> {
        self.saved.iter().map(|(name, _)| name.as_str())
    }

    pub fn chosen(&self, dimension: Dimension) -> &[String] {
        &self.chosen[dimension.index()]
    }

    pub fn is_chosen(&self, dimension: Dimension, name: &str) -> bool {
        self.chosen(dimension).iter().any(|chosen| chosen == name)
    }

    pub fn toggle(&mut self, dimension: Dimension, name: &str) {
        let list = &mut self.chosen[dimension.index()];
        match list.iter().position(|chosen| chosen == name) {
            Some(position) => {
                list.remove(position);
            }
            None => list.push(name.to_owned()),
        }
    }

    /// The filters as query terms, to be joined with the typed query.
    pub fn terms(&self) -> Vec<Expr> {
        let mut terms = Vec::new();
        let saved =
            |(name, expr): &(String, Expr)| Expr::Saved(name.clone(), Box::new(expr.clone()));
        match self.saved.as_slice() {
            [] => {}
            [one] => terms.push(saved(one)),
            many => terms.push(Expr::Any(many.iter().map(saved).collect())),
        }
        if self.sentiments.contains(&true) {
            let chosen = Sentiment::ALL
                .into_iter()
                .filter(|s| self.sentiments[s.index()])
                .collect();
            terms.push(Expr::Filter(Filter::Sentiment(chosen)));
        }
        if self.unread_only {
            terms.push(Expr::Filter(Filter::Is(Flag::Unread)));
        }
        for dimension in Dimension::ALL {
            let chosen = self.chosen(dimension);
            let term = |name: &String| Expr::Filter(filter_for(dimension, name.clone()));
            match chosen {
                [] => {}
                [one] => terms.push(term(one)),
                many if dimension.chosen_narrow() => terms.extend(many.iter().map(term)),
                many => terms.push(Expr::Any(many.iter().map(term).collect())),
            }
        }
        terms
    }

    /// The filters written in the query language, for the status line: the same text typed
    /// after `/` would give the same filters.
    pub fn describe(&self) -> Vec<String> {
        self.terms().iter().map(ToString::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggles_become_terms_and_text() {
        let mut filters = Filters::default();
        assert!(filters.terms().is_empty());
        filters.toggle_sentiment(Sentiment::Negative);
        filters.toggle_sentiment(Sentiment::Positive);
        filters.unread_only = true;
        filters.toggle(Dimension::Tag, "ETF");
        filters.toggle(Dimension::Source, "Chain Herald");
        filters.toggle(Dimension::Source, "Ether Daily");
        filters.toggle_sentiment(Sentiment::Unknown);
        assert_eq!(
            filters.describe(),
            [
                "sentiment:pos|neg|unknown",
                "is:unread",
                "tag:ETF",
                "source:\"Chain Herald\"|\"Ether Daily\""
            ]
        );
        let terms = filters.terms();
        assert_eq!(terms.len(), 4);
        assert_eq!(
            terms[0],
            Expr::Filter(Filter::Sentiment(vec![
                Sentiment::Positive,
                Sentiment::Negative,
                Sentiment::Unknown
            ]))
        );
        assert_eq!(
            terms[3],
            Expr::Any(vec![
                Expr::Filter(Filter::Source("Chain Herald".into())),
                Expr::Filter(Filter::Source("Ether Daily".into()))
            ])
        );
        // What the status line shows reads back as the same filters.
        let now = chrono::Utc::now();
        let described = super::super::query::Query::parse(&filters.describe().join(" "), now);
        assert!(described.errors.is_empty(), "{:?}", described.errors);
        assert_eq!(described.expr, Expr::All(terms));
        filters.toggle(Dimension::Tag, "ETF");
        assert!(!filters.is_chosen(Dimension::Tag, "ETF"));
    }
}
