//! The query language shared by `tidings list` and the live `/` filter.
//!
//! Free words (all must match), `"quoted phrases"`, `title:X`, `tag:X`, `source:X`, `cat:X`, `lang:X`,
//! `sentiment:pos|neg|neu|unknown`, `since:7d`, `since:2026-01-01`, `before:…`,
//! `is:unread|read|starred|draft|pinned`, and `-` before any term to negate it. `tag:`, `source:`,
//! `cat:` and `lang:` take alternatives separated by `|`.

use chrono::{DateTime, Duration, Utc};

use crate::article::{Sentiment, parse_date};

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Words found in the article's text: title, description, tags, source, category and body
    /// (each word, or the start of one; several in quotes as a phrase).
    Text(String),
    /// Words found in the title.
    Title(String),
    Tag(String),
    Source(String),
    Category(String),
    Lang(String),
    Sentiment(Vec<Sentiment>),
    Since(DateTime<Utc>),
    Before(DateTime<Utc>),
    Is(Flag),
    /// Any one of these (`tag:ETF|BTC`, `source:a|b`): alternatives within one field.
    Any(Vec<Filter>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Unread,
    Read,
    Starred,
    Draft,
    Pinned,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub negated: bool,
    pub filter: Filter,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub terms: Vec<Term>,
    /// Terms that could not be understood, with why; the rest of the query still applies.
    pub errors: Vec<String>,
}

impl Query {
    /// Parses `text`; relative dates count back from `now`.
    pub fn parse(text: &str, now: DateTime<Utc>) -> Query {
        let mut query = Query::default();
        for token in tokenize(text) {
            let (negated, body) = match token.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                // A lone `-` is a negation still being typed: not the text "-".
                Some(_) => continue,
                None => (false, token.as_str()),
            };
            match parse_term(body, now) {
                Ok(Some(filter)) => query.terms.push(Term { negated, filter }),
                Ok(None) => {}
                Err(message) => query.errors.push(message),
            }
        }
        query
    }

    /// Whether the query asks for drafts (`is:draft`), which are otherwise hidden.
    pub fn wants_drafts(&self) -> bool {
        self.terms
            .iter()
            .any(|term| !term.negated && term.filter == Filter::Is(Flag::Draft))
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// Splits on whitespace, keeping `"…"` together (also inside `field:"…"`); quotes are removed.
fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// `Ok(None)` for a field with no value yet (`tag:` while typing): not an error, not a filter.
fn parse_term(token: &str, now: DateTime<Utc>) -> Result<Option<Filter>, String> {
    let Some((field, value)) = token.split_once(':') else {
        return Ok(Some(Filter::Text(token.to_lowercase())));
    };
    let value = value.trim();
    let field = field.to_ascii_lowercase();
    if value.is_empty() && is_field(&field) {
        return Ok(None);
    }
    if matches!(
        field.as_str(),
        "tag" | "tags" | "source" | "src" | "cat" | "category" | "lang" | "language"
    ) && value.contains('|')
    {
        let alternatives = value
            .split('|')
            .filter(|part| !part.trim().is_empty())
            .map(|part| parse_term(&format!("{field}:{part}"), now))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Some(Filter::Any(
            alternatives.into_iter().flatten().collect(),
        )));
    }
    let filter = match field.as_str() {
        "title" => Filter::Title(value.to_lowercase()),
        "tag" | "tags" => Filter::Tag(value.to_uppercase()),
        "source" | "src" => Filter::Source(value.to_lowercase()),
        "cat" | "category" => Filter::Category(value.to_lowercase()),
        "lang" | "language" => Filter::Lang(value.to_lowercase()),
        "sentiment" | "s" => {
            let sentiments = value
                .split(['|', ','])
                .filter(|part| !part.is_empty())
                .map(|part| {
                    Sentiment::parse(part)
                        .ok_or_else(|| format!("sentiment:{part} — use pos, neg, neu or unknown"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Filter::Sentiment(sentiments)
        }
        "since" | "after" => Filter::Since(parse_when(value, now)?),
        "before" | "until" => Filter::Before(parse_when(value, now)?),
        "is" => Filter::Is(match value.to_ascii_lowercase().as_str() {
            "unread" | "new" => Flag::Unread,
            "read" => Flag::Read,
            "starred" | "star" => Flag::Starred,
            "draft" | "drafts" => Flag::Draft,
            "pinned" | "sticky" => Flag::Pinned,
            other => {
                return Err(format!(
                    "is:{other} — use unread, read, starred, draft or pinned"
                ));
            }
        }),
        // A colon inside an ordinary word ("10:30", "re:invent") is just text.
        _ => Filter::Text(token.to_lowercase()),
    };
    Ok(Some(filter))
}

fn is_field(field: &str) -> bool {
    matches!(
        field,
        "title"
            | "tag"
            | "tags"
            | "source"
            | "src"
            | "cat"
            | "category"
            | "lang"
            | "language"
            | "sentiment"
            | "s"
            | "since"
            | "after"
            | "before"
            | "until"
            | "is"
    )
}

/// `7d`, `12h`, `2w`, `3m` (30-day months), `1y`, `today`, `yesterday`, or a date.
fn parse_when(value: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let lower = value.to_ascii_lowercase();
    let midnight = |day: DateTime<Utc>| {
        day.date_naive()
            .and_hms_opt(0, 0, 0)
            .map(|naive| naive.and_utc())
            .unwrap_or(day)
    };
    match lower.as_str() {
        "today" => return Ok(midnight(now)),
        "yesterday" => return Ok(midnight(now - Duration::days(1))),
        _ => {}
    }
    let split = lower
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(lower.len());
    let (digits, unit) = lower.split_at(split);
    if let Ok(amount) = digits.parse::<i64>() {
        let hours = match unit {
            "h" => Some(1),
            "d" | "" => Some(24),
            "w" => Some(24 * 7),
            "m" | "mo" => Some(24 * 30),
            "y" => Some(24 * 365),
            _ => None,
        };
        if let Some(hours) = hours
            && let Some(span) = amount.checked_mul(hours).and_then(Duration::try_hours)
        {
            return Ok(now
                .checked_sub_signed(span)
                .unwrap_or(DateTime::<Utc>::MIN_UTC));
        }
    }
    parse_date(value)
        .ok_or_else(|| format!("{value:?} is not a date — use 7d, 12h, 2w, today, or 2026-01-31"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
    }

    fn filters(text: &str) -> Vec<(bool, Filter)> {
        let query = Query::parse(text, now());
        assert!(query.errors.is_empty(), "{:?}", query.errors);
        query
            .terms
            .into_iter()
            .map(|t| (t.negated, t.filter))
            .collect()
    }

    #[test]
    fn words_phrases_and_negation() {
        assert_eq!(
            filters(r#"Bitcoin "short squeeze" -ether"#),
            [
                (false, Filter::Text("bitcoin".into())),
                (false, Filter::Text("short squeeze".into())),
                (true, Filter::Text("ether".into())),
            ]
        );
    }

    #[test]
    fn every_field() {
        assert_eq!(
            filters(
                r#"tag:etf tag:"bitcoin news" source:CoinDesk cat:btc lang:UK -is:read is:starred"#
            ),
            [
                (false, Filter::Tag("ETF".into())),
                (false, Filter::Tag("BITCOIN NEWS".into())),
                (false, Filter::Source("coindesk".into())),
                (false, Filter::Category("btc".into())),
                (false, Filter::Lang("uk".into())),
                (true, Filter::Is(Flag::Read)),
                (false, Filter::Is(Flag::Starred)),
            ]
        );
        assert_eq!(
            filters("sentiment:pos|neg"),
            [(
                false,
                Filter::Sentiment(vec![Sentiment::Positive, Sentiment::Negative])
            )]
        );
    }

    #[test]
    fn alternatives_within_a_field() {
        assert_eq!(
            filters("tag:etf|btc -source:a|b"),
            [
                (
                    false,
                    Filter::Any(vec![Filter::Tag("ETF".into()), Filter::Tag("BTC".into())])
                ),
                (
                    true,
                    Filter::Any(vec![Filter::Source("a".into()), Filter::Source("b".into())])
                ),
            ]
        );
    }

    #[test]
    fn relative_and_absolute_dates() {
        assert_eq!(
            filters("since:7d before:2026-11-20"),
            [
                (
                    false,
                    Filter::Since(Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap())
                ),
                (
                    false,
                    Filter::Before(Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap())
                ),
            ]
        );
        assert_eq!(
            filters("since:12h since:today"),
            [
                (
                    false,
                    Filter::Since(Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap())
                ),
                (
                    false,
                    Filter::Since(Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap())
                ),
            ]
        );
    }

    #[test]
    fn half_typed_fields_are_ignored_and_bad_values_reported() {
        assert!(Query::parse("tag:", now()).is_empty());
        let query = Query::parse("since:someday sentiment:great is:weird ok", now());
        assert_eq!(query.errors.len(), 3, "{:?}", query.errors);
        assert_eq!(query.terms.len(), 1);
    }

    #[test]
    fn a_lone_dash_is_a_negation_being_typed() {
        assert!(Query::parse("-", now()).is_empty());
        assert_eq!(filters("btc -"), [(false, Filter::Text("btc".into()))]);
    }

    #[test]
    fn colons_in_words_are_text() {
        assert_eq!(filters("10:30"), [(false, Filter::Text("10:30".into()))]);
    }

    #[test]
    fn drafts_only_when_asked() {
        assert!(Query::parse("is:draft", now()).wants_drafts());
        assert!(!Query::parse("-is:draft", now()).wants_drafts());
        assert!(!Query::parse("draft", now()).wants_drafts());
    }
}
