//! Filters set by keys and the sidebar (sentiment toggles, unread only, chosen tags, sources,
//! categories, languages), turned into terms of the same query language the user types.

use crate::article::Sentiment;

use super::query::{Expr, Filter, Flag};

/// A facet the sidebar offers as a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Tag,
    Source,
    Category,
    Lang,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Sentiments to show, by [`Sentiment::index`]; none chosen shows all.
    pub sentiments: [bool; 4],
    pub unread_only: bool,
    /// Every chosen tag must be present: each one narrows the list.
    pub tags: Vec<String>,
    /// Any chosen source (category, language) will do: an article has only one of each.
    pub sources: Vec<String>,
    pub categories: Vec<String>,
    pub langs: Vec<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    pub fn toggle_sentiment(&mut self, sentiment: Sentiment) {
        self.sentiments[sentiment.index()] ^= true;
    }

    pub fn chosen(&self, dimension: Dimension) -> &[String] {
        match dimension {
            Dimension::Tag => &self.tags,
            Dimension::Source => &self.sources,
            Dimension::Category => &self.categories,
            Dimension::Lang => &self.langs,
        }
    }

    pub fn is_chosen(&self, dimension: Dimension, name: &str) -> bool {
        self.chosen(dimension).iter().any(|chosen| chosen == name)
    }

    pub fn toggle(&mut self, dimension: Dimension, name: &str) {
        let list = match dimension {
            Dimension::Tag => &mut self.tags,
            Dimension::Source => &mut self.sources,
            Dimension::Category => &mut self.categories,
            Dimension::Lang => &mut self.langs,
        };
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
        terms.extend(
            self.tags
                .iter()
                .map(|tag| Expr::Filter(Filter::Tag(tag.to_uppercase()))),
        );
        let any_of = |names: &[String], make: fn(String) -> Filter| match names {
            [] => None,
            [one] => Some(Expr::Filter(make(one.clone()))),
            many => Some(Expr::Any(
                many.iter()
                    .map(|name| Expr::Filter(make(name.clone())))
                    .collect(),
            )),
        };
        terms.extend(
            [
                any_of(&self.sources, Filter::Source),
                any_of(&self.categories, Filter::Category),
                any_of(&self.langs, Filter::Lang),
            ]
            .into_iter()
            .flatten(),
        );
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
