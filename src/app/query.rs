//! The query language shared by `tidings list`, the live `/` filter and the sidebar's filters.
//!
//! Free words (all must match), `"quoted phrases"`, fields (`tag:ETF`, every one in [`FIELDS`]),
//! `-` before a term or a group to negate it, `or` between terms, parentheses:
//! `(tag:etf or tag:btc) -sentiment:neg`, and `/patterns/` for titles. A query prints back ([`Expr`]'s `Display`) as text that
//! parses to the same query.

use std::fmt;
use std::ops::{Bound, Range};

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};

use crate::article::{Sentiment, parse_date};

/// The query language's syntax around its fields, for the help screen and `--help`.
pub const SYNTAX: &[(&str, &str)] = &[
    (
        "words \"a phrase\"",
        "all must be in the article (a word or its start)",
    ),
    ("-term  -(…)", "negates a term or a group"),
    ("a or b  (a or b) c", "either; parentheses group"),
    (
        "/rate (cut|hike)/",
        "a regular expression the title matches, case ignored (\\/ for a slash)",
    ),
    (
        "@name  @\"two words\"",
        "a saved search ([saved] in config.toml)",
    ),
];

/// A field a term may name (`tag:ETF`). What each one is called, how the help shows it and
/// whether it takes alternatives is said once, in [`FIELDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Author,
    Tag,
    Source,
    Category,
    Lang,
    Sentiment,
    Since,
    Before,
    Date,
    Score,
    Sticky,
    Is,
}

pub struct FieldInfo {
    pub field: Field,
    /// The name queries are printed with first, then the aliases the parser also reads.
    pub names: &'static [&'static str],
    /// How the help shows it.
    pub example: &'static str,
    pub help: &'static str,
    /// What a value must look like, for error messages.
    pub expects: &'static str,
    /// Takes alternatives separated by `|` (`tag:ETF|BTC`).
    pub alternatives: bool,
}

/// Every field, in the order the help lists them.
pub const FIELDS: &[FieldInfo] = &[
    FieldInfo {
        field: Field::Title,
        names: &["title"],
        example: "title:word",
        help: "a word (or its start) in the title",
        expects: "a word",
        alternatives: false,
    },
    FieldInfo {
        field: Field::Author,
        names: &["author", "by"],
        example: "author:kovalenko  by:\"Anna K\"",
        help: "a word (or its start) in an author's name",
        expects: "a name",
        alternatives: false,
    },
    FieldInfo {
        field: Field::Tag,
        names: &["tag", "tags"],
        example: "tag:ETF  tag:ETF|BTC",
        help: "a tag (or any of several)",
        expects: "a tag",
        alternatives: true,
    },
    FieldInfo {
        field: Field::Source,
        names: &["source", "src"],
        example: "source:\"Chain Herald\"",
        help: "a source, by name or key",
        expects: "a source",
        alternatives: true,
    },
    FieldInfo {
        field: Field::Category,
        names: &["cat", "category"],
        example: "cat:markets",
        help: "a category",
        expects: "a category",
        alternatives: true,
    },
    FieldInfo {
        field: Field::Lang,
        names: &["lang", "language"],
        example: "lang:uk  lang:en|uk",
        help: "a language",
        expects: "a language code",
        alternatives: true,
    },
    FieldInfo {
        field: Field::Sentiment,
        names: &["sentiment", "s"],
        example: "sentiment:pos|neg|neu|unknown",
        help: "sentiments",
        expects: "pos, neu, neg or unknown",
        alternatives: true,
    },
    FieldInfo {
        field: Field::Since,
        names: &["since", "after"],
        example: "since:7d  since:2026-01-01",
        help: "published then or later (h d w m y ago, today, yesterday, a date)",
        expects: "7d, 12h, 2w, today, or 2026-01-31",
        alternatives: false,
    },
    FieldInfo {
        field: Field::Before,
        names: &["before", "until"],
        example: "before:2026-01-01",
        help: "published before then",
        expects: "7d, 12h, 2w, today, or 2026-01-31",
        alternatives: false,
    },
    FieldInfo {
        field: Field::Date,
        names: &["date"],
        example: "date:2026-03  date:2026-01..2026-03  date:unknown",
        help: "published in a year, month, day or range; unknown: no date",
        expects: "2026, 2026-03, 2026-03-31, a range like 2026-01..2026-03, or unknown",
        alternatives: false,
    },
    FieldInfo {
        field: Field::Score,
        names: &["score"],
        example: "score:>50  score:10..80",
        help: "the score: >n >=n <n <=n, a value, or a range",
        expects: "a number, >n, >=n, <n, <=n or a range like 10..80",
        alternatives: false,
    },
    FieldInfo {
        field: Field::Sticky,
        names: &["sticky"],
        example: "sticky:>0",
        help: "the sticky weight, as the score",
        expects: "a number, >n, >=n, <n, <=n or a range like 1..5",
        alternatives: false,
    },
    FieldInfo {
        field: Field::Is,
        names: &["is"],
        example: "is:unread|read|starred|pinned|draft",
        help: "marks and flags",
        expects: "unread, read, starred, draft or pinned",
        alternatives: false,
    },
];

impl Field {
    pub fn info(self) -> &'static FieldInfo {
        FIELDS
            .iter()
            .find(|info| info.field == self)
            .expect("every field is in FIELDS")
    }

    /// The name a query is printed with.
    pub fn name(self) -> &'static str {
        self.info().names[0]
    }

    fn named(name: &str) -> Option<Self> {
        FIELDS
            .iter()
            .find(|info| info.names.contains(&name))
            .map(|info| info.field)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Words found in the article's text: title, description, tags, source, category and body
    /// (each word, or the start of one; several in quotes as a phrase).
    Text(String),
    /// Words found in the title.
    Title(String),
    /// Words found in an author's name.
    Author(String),
    /// A regular expression the title matches (`/rate (cut|hike)/`).
    TitlePattern(TitlePattern),
    Tag(String),
    Source(String),
    Category(String),
    Lang(String),
    Sentiment(Vec<Sentiment>),
    /// Published in `from..until` (`until` not included); an open end is `None`. Articles with
    /// no date never match: [`Filter::DateUnknown`] finds them.
    Date {
        from: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    },
    DateUnknown,
    Score(NumberRange),
    Sticky(NumberRange),
    Is(Flag),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Unread,
    Read,
    Starred,
    Draft,
    Pinned,
}

const FLAGS: &[(Flag, &[&str])] = &[
    (Flag::Unread, &["unread", "new"]),
    (Flag::Read, &["read"]),
    (Flag::Starred, &["starred", "star"]),
    (Flag::Draft, &["draft", "drafts"]),
    (Flag::Pinned, &["pinned", "sticky"]),
];

/// A regular expression for titles, kept with the text it was written as. Case is ignored.
#[derive(Debug, Clone)]
pub struct TitlePattern {
    source: String,
    regex: regex::Regex,
}

impl TitlePattern {
    /// Compiles `source` (the text between the slashes); the error says what is wrong in a line.
    pub fn new(source: &str) -> Result<Self, String> {
        regex::RegexBuilder::new(source)
            .case_insensitive(true)
            .build()
            .map(|regex| Self {
                source: source.to_owned(),
                regex,
            })
            .map_err(|error| match error {
                // The syntax error's own text draws the pattern with a caret under the fault:
                // its last line says what the fault is.
                regex::Error::Syntax(text) => text
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim_start_matches("error: ")
                    .to_owned(),
                other => other.to_string(),
            })
    }

    pub const fn regex(&self) -> &regex::Regex {
        &self.regex
    }
}

impl PartialEq for TitlePattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// Numbers between two bounds (either may be open).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberRange {
    pub low: Bound<f64>,
    pub high: Bound<f64>,
}

impl NumberRange {
    pub fn contains(&self, value: f64) -> bool {
        let above = match self.low {
            Bound::Included(low) => value >= low,
            Bound::Excluded(low) => value > low,
            Bound::Unbounded => true,
        };
        let below = match self.high {
            Bound::Included(high) => value <= high,
            Bound::Excluded(high) => value < high,
            Bound::Unbounded => true,
        };
        above && below
    }

    /// `>50`, `>=50`, `<10`, `<=10`, `10..80` (both ends included), `50`.
    fn parse(text: &str) -> Option<Self> {
        let number = |text: &str| {
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite())
        };
        let (low, high) = if let Some(rest) = text.strip_prefix(">=") {
            (Bound::Included(number(rest)?), Bound::Unbounded)
        } else if let Some(rest) = text.strip_prefix('>') {
            (Bound::Excluded(number(rest)?), Bound::Unbounded)
        } else if let Some(rest) = text.strip_prefix("<=") {
            (Bound::Unbounded, Bound::Included(number(rest)?))
        } else if let Some(rest) = text.strip_prefix('<') {
            (Bound::Unbounded, Bound::Excluded(number(rest)?))
        } else if let Some((low, high)) = text.split_once("..") {
            (
                Bound::Included(number(low)?),
                Bound::Included(number(high)?),
            )
        } else {
            let exact = number(text)?;
            (Bound::Included(exact), Bound::Included(exact))
        };
        Some(Self { low, high })
    }
}

impl fmt::Display for NumberRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.low, self.high) {
            (Bound::Included(low), Bound::Included(high)) if low == high => write!(f, "{low}"),
            (Bound::Included(low), Bound::Included(high)) => write!(f, "{low}..{high}"),
            (Bound::Included(low), Bound::Unbounded) => write!(f, ">={low}"),
            (Bound::Excluded(low), Bound::Unbounded) => write!(f, ">{low}"),
            (Bound::Unbounded, Bound::Included(high)) => write!(f, "<={high}"),
            (Bound::Unbounded, Bound::Excluded(high)) => write!(f, "<{high}"),
            // Not written by the parser; shown as the two conditions it stands for.
            (low, high) => write!(f, "{low:?}..{high:?}"),
        }
    }
}

/// A query: filters combined with and (side by side), or, and not (`-`).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Filter(Filter),
    Not(Box<Self>),
    /// Every one; empty matches everything.
    All(Vec<Self>),
    /// Any one.
    Any(Vec<Self>),
    /// A saved search by name (`@"ETF longs"`), and what its query says.
    Saved(String, Box<Self>),
}

/// Saved searches by name: the `[saved]` table of `config.toml`.
pub type SavedSearches = std::collections::BTreeMap<String, String>;

impl Default for Expr {
    fn default() -> Self {
        Self::All(Vec::new())
    }
}

impl Expr {
    /// Whether `wanted` occurs as itself, not negated.
    fn asks_for(&self, wanted: &Filter) -> bool {
        match self {
            Self::Filter(filter) => filter == wanted,
            Self::Not(_) => false,
            Self::All(items) | Self::Any(items) => items.iter().any(|e| e.asks_for(wanted)),
            Self::Saved(_, inner) => inner.asks_for(wanted),
        }
    }

    /// Whether a term of `field` occurs anywhere, negated or not.
    fn names(&self, field: Field) -> bool {
        match self {
            Self::Filter(filter) => filter.field() == Some(field),
            Self::Not(inner) | Self::Saved(_, inner) => inner.names(field),
            Self::All(items) | Self::Any(items) => items.iter().any(|item| item.names(field)),
        }
    }

    /// Whether a date range occurs anywhere.
    pub fn has_date_range(&self) -> bool {
        match self {
            Self::Filter(filter) => matches!(filter, Filter::Date { .. }),
            Self::Not(inner) | Self::Saved(_, inner) => inner.has_date_range(),
            Self::All(items) | Self::Any(items) => items.iter().any(Self::has_date_range),
        }
    }
}

/// What went wrong in a query, and where (bytes of the query text) when it is in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryError {
    pub span: Option<Range<usize>>,
    pub kind: QueryErrorKind,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QueryErrorKind {
    #[error("{}:{value} — use {}", field.name(), field.info().expects)]
    BadValue { field: Field, value: String },
    #[error("a ) without its (")]
    UnmatchedParenthesis,
    #[error("/{pattern}/ — {reason}")]
    BadPattern { pattern: String, reason: String },
    #[error("cannot search the text for {words:?}: {reason}")]
    Search { words: String, reason: String },
    #[error("@{0} — no saved search has that name ([saved] in config.toml)")]
    UnknownSaved(String),
    #[error("@{0} — the saved search uses itself")]
    SavedCycle(String),
    #[error("in @{name}: {error}")]
    InSaved { name: String, error: Box<Self> },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    pub expr: Expr,
    /// What could not be understood; the rest of the query still applies.
    pub errors: Vec<QueryError>,
}

impl Query {
    /// Parses `text`; relative dates count back from `now`.
    pub fn parse(text: &str, now: DateTime<Utc>) -> Self {
        Self::parse_with(text, now, &SavedSearches::new())
    }

    /// Parses `text`, in which `@name` stands for the saved search of that name.
    pub fn parse_with(text: &str, now: DateTime<Utc>, saved: &SavedSearches) -> Self {
        Self::parse_within(text, now, saved, &mut Vec::new())
    }

    /// `expanding`: the saved searches whose text is being parsed, to refuse a cycle.
    fn parse_within(
        text: &str,
        now: DateTime<Utc>,
        saved: &SavedSearches,
        expanding: &mut Vec<String>,
    ) -> Self {
        let mut parser = Parser {
            tokens: lex(text),
            at: 0,
            now,
            saved,
            expanding,
            errors: Vec::new(),
        };
        let mut items = Vec::new();
        loop {
            items.extend(parser.or());
            match parser.next() {
                Some((Token::Close, span)) => parser.errors.push(QueryError {
                    span: Some(span),
                    kind: QueryErrorKind::UnmatchedParenthesis,
                }),
                _ => break,
            }
        }
        Self {
            expr: all(items),
            errors: parser.errors,
        }
    }

    /// This query and `more`, each of which must match.
    pub fn and(mut self, more: Vec<Expr>) -> Self {
        if !more.is_empty() {
            let mut items = vec![std::mem::take(&mut self.expr)];
            items.extend(more);
            self.expr = Expr::All(items);
        }
        self
    }

    /// Whether the query picks languages (`lang:uk`): then it lists the versions it names, each
    /// a row, instead of one row per story.
    pub fn picks_languages(&self) -> bool {
        self.expr.names(Field::Lang)
    }

    /// Whether the query asks for drafts (`is:draft`), which are otherwise hidden.
    pub fn wants_drafts(&self) -> bool {
        self.expr.asks_for(&Filter::Is(Flag::Draft))
    }

    pub fn is_empty(&self) -> bool {
        match &self.expr {
            Expr::All(items) => items.iter().all(|item| *item == Expr::default()),
            _ => false,
        }
    }
}

fn all(mut items: Vec<Expr>) -> Expr {
    if items.len() == 1 {
        items.remove(0)
    } else {
        Expr::All(items)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A term, quotes removed; `quoted` when any part was in quotes (then `or` is a word).
    Word {
        text: String,
        quoted: bool,
    },
    /// `/…/`: the text between the slashes, as written.
    Pattern(String),
    Not,
    Or,
    Open,
    Close,
}

/// Splits on whitespace and parentheses, keeping `"…"` together (also inside `field:"…"`).
fn lex(text: &str) -> Vec<(Token, Range<usize>)> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' => {
                chars.next();
                let token = if c == '(' { Token::Open } else { Token::Close };
                tokens.push((token, start..start + 1));
            }
            '/' => {
                chars.next();
                // To the next slash that is not escaped; a pattern still being typed runs to
                // the end. Spaces and parentheses belong to the pattern.
                let mut source = String::new();
                let mut end = text.len();
                let mut escaped = false;
                for (at, c) in chars.by_ref() {
                    if c == '/' && !escaped {
                        end = at + 1;
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                    source.push(c);
                }
                tokens.push((Token::Pattern(source), start..end));
            }
            '-' => {
                chars.next();
                // A lone `-` is a negation still being typed: not the text "-".
                if chars
                    .peek()
                    .is_some_and(|&(_, next)| !next.is_whitespace() && next != ')')
                {
                    tokens.push((Token::Not, start..start + 1));
                }
            }
            _ => {
                let mut word = String::new();
                let mut quoted = false;
                let mut in_quotes = false;
                let mut end = start;
                while let Some(&(at, c)) = chars.peek() {
                    if !in_quotes && (c.is_whitespace() || c == '(' || c == ')') {
                        break;
                    }
                    chars.next();
                    end = at + c.len_utf8();
                    if c == '"' {
                        in_quotes = !in_quotes;
                        quoted = true;
                    } else {
                        word.push(c);
                    }
                }
                let token = if !quoted && word.eq_ignore_ascii_case("or") {
                    Token::Or
                } else {
                    Token::Word { text: word, quoted }
                };
                tokens.push((token, start..end));
            }
        }
    }
    tokens
}

struct Parser<'a> {
    tokens: Vec<(Token, Range<usize>)>,
    at: usize,
    now: DateTime<Utc>,
    saved: &'a SavedSearches,
    expanding: &'a mut Vec<String>,
    errors: Vec<QueryError>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(token, _)| token)
    }

    fn next(&mut self) -> Option<(Token, Range<usize>)> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    /// Terms side by side, separated by `or`. `None` when there is nothing (yet).
    fn or(&mut self) -> Option<Expr> {
        let mut alternatives = Vec::new();
        loop {
            alternatives.extend(self.and());
            if self.peek() == Some(&Token::Or) {
                self.at += 1;
            } else {
                break;
            }
        }
        match alternatives.len() {
            0 => None,
            1 => alternatives.pop(),
            _ => Some(Expr::Any(alternatives)),
        }
    }

    fn and(&mut self) -> Option<Expr> {
        let mut items = Vec::new();
        while !matches!(self.peek(), None | Some(Token::Or | Token::Close)) {
            items.extend(self.unary());
        }
        (!items.is_empty()).then(|| all(items))
    }

    fn unary(&mut self) -> Option<Expr> {
        let (token, span) = self.next()?;
        match token {
            Token::Not => {
                if matches!(
                    self.peek(),
                    Some(Token::Word { .. } | Token::Pattern(_) | Token::Open | Token::Not)
                ) {
                    self.unary().map(|inner| Expr::Not(Box::new(inner)))
                } else {
                    None
                }
            }
            Token::Open => {
                let inner = self.or();
                // An unclosed group is one still being typed: it closes at the end.
                if self.peek() == Some(&Token::Close) {
                    self.at += 1;
                }
                inner
            }
            Token::Word { text, .. } if text.len() > 1 && text.starts_with('@') => {
                match self.saved_search(&text[1..]) {
                    Ok(expr) => Some(expr),
                    Err(kind) => {
                        self.errors.push(QueryError {
                            span: Some(span),
                            kind,
                        });
                        None
                    }
                }
            }
            Token::Word { text, .. } => match parse_term(&text, self.now) {
                Ok(expr) => expr,
                Err(kind) => {
                    self.errors.push(QueryError {
                        span: Some(span),
                        kind,
                    });
                    None
                }
            },
            Token::Pattern(source) if source.is_empty() => None,
            Token::Pattern(source) => match TitlePattern::new(&source) {
                Ok(pattern) => Some(Expr::Filter(Filter::TitlePattern(pattern))),
                Err(reason) => {
                    self.errors.push(QueryError {
                        span: Some(span),
                        kind: QueryErrorKind::BadPattern {
                            pattern: source,
                            reason,
                        },
                    });
                    None
                }
            },
            Token::Or | Token::Close => None,
        }
    }
}

impl Parser<'_> {
    /// The saved search `name`, its text parsed (saved searches may use others, not themselves).
    fn saved_search(&mut self, name: &str) -> Result<Expr, QueryErrorKind> {
        let Some((name, text)) = self
            .saved
            .iter()
            .find(|(saved, _)| saved.eq_ignore_ascii_case(name))
        else {
            return Err(QueryErrorKind::UnknownSaved(name.to_owned()));
        };
        if self.expanding.contains(name) {
            return Err(QueryErrorKind::SavedCycle(name.clone()));
        }
        self.expanding.push(name.clone());
        let query = Query::parse_within(text, self.now, self.saved, self.expanding);
        self.expanding.pop();
        match query.errors.into_iter().next() {
            Some(error) => Err(QueryErrorKind::InSaved {
                name: name.clone(),
                error: Box::new(error.kind),
            }),
            None => Ok(Expr::Saved(name.clone(), Box::new(query.expr))),
        }
    }
}

/// `Ok(None)` for a field with no value yet (`tag:` while typing): not an error, not a filter.
fn parse_term(token: &str, now: DateTime<Utc>) -> Result<Option<Expr>, QueryErrorKind> {
    let text = || Ok(Some(Expr::Filter(Filter::Text(token.to_lowercase()))));
    let Some((name, value)) = token.split_once(':') else {
        return text();
    };
    // A colon inside an ordinary word ("10:30", "re:invent") is just text.
    let Some(field) = Field::named(&name.to_ascii_lowercase()) else {
        return text();
    };
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if field.info().alternatives && field != Field::Sentiment && value.contains('|') {
        let mut alternatives = value
            .split('|')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| parse_value(field, part, now).map(Expr::Filter))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(match alternatives.len() {
            0 => None,
            1 => alternatives.pop(),
            _ => Some(Expr::Any(alternatives)),
        });
    }
    parse_value(field, value, now).map(|filter| Some(Expr::Filter(filter)))
}

fn parse_value(field: Field, value: &str, now: DateTime<Utc>) -> Result<Filter, QueryErrorKind> {
    let bad = || QueryErrorKind::BadValue {
        field,
        value: value.to_owned(),
    };
    Ok(match field {
        Field::Title => Filter::Title(value.to_lowercase()),
        Field::Author => Filter::Author(value.to_lowercase()),
        Field::Tag => Filter::Tag(value.to_uppercase()),
        // Names keep the case they were written in (the status line shows them); they match in
        // any case.
        Field::Source => Filter::Source(value.to_owned()),
        Field::Category => Filter::Category(value.to_owned()),
        Field::Lang => Filter::Lang(value.to_owned()),
        Field::Sentiment => Filter::Sentiment(
            value
                .split(['|', ','])
                .filter(|part| !part.is_empty())
                .map(|part| Sentiment::parse(part).ok_or_else(bad))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Field::Since => Filter::Date {
            from: Some(parse_when(value, now).ok_or_else(bad)?),
            until: None,
        },
        Field::Before => Filter::Date {
            from: None,
            until: Some(parse_when(value, now).ok_or_else(bad)?),
        },
        Field::Date if value.eq_ignore_ascii_case("unknown") => Filter::DateUnknown,
        Field::Date => {
            let (first, last) = value.split_once("..").unwrap_or((value, value));
            let from = match first.trim() {
                "" => None,
                first => Some(period(first).ok_or_else(bad)?.start),
            };
            let until = match last.trim() {
                "" => None,
                last => Some(period(last).ok_or_else(bad)?.end),
            };
            if from.is_none() && until.is_none() {
                return Err(bad());
            }
            Filter::Date { from, until }
        }
        Field::Score => Filter::Score(NumberRange::parse(value).ok_or_else(bad)?),
        Field::Sticky => Filter::Sticky(NumberRange::parse(value).ok_or_else(bad)?),
        Field::Is => {
            let lower = value.to_ascii_lowercase();
            let (flag, _) = FLAGS
                .iter()
                .find(|(_, names)| names.contains(&lower.as_str()))
                .ok_or_else(bad)?;
            Filter::Is(*flag)
        }
    })
}

/// A year (`2026`), a month (`2026-03`), a day (`2026-03-31`): its first instant and the first
/// after it. A date with a time is that instant alone.
fn period(text: &str) -> Option<Range<DateTime<Utc>>> {
    let midnight = |date: NaiveDate| date.and_hms_opt(0, 0, 0).map(|naive| naive.and_utc());
    let parts: Vec<&str> = text.split('-').collect();
    let numbers: Option<Vec<u32>> = parts.iter().map(|part| part.parse().ok()).collect();
    match (parts.as_slice(), numbers.as_deref()) {
        ([year], Some(&[y])) if year.len() == 4 => {
            let y = i32::try_from(y).ok()?;
            Some(
                midnight(NaiveDate::from_ymd_opt(y, 1, 1)?)?
                    ..midnight(NaiveDate::from_ymd_opt(y + 1, 1, 1)?)?,
            )
        }
        ([year, _], Some(&[y, m])) if year.len() == 4 => {
            let y = i32::try_from(y).ok()?;
            let start = NaiveDate::from_ymd_opt(y, m, 1)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)?
            };
            Some(midnight(start)?..midnight(next)?)
        }
        ([year, _, _], Some(&[y, m, d])) if year.len() == 4 => {
            let day = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
            Some(midnight(day)?..midnight(day.succ_opt()?)?)
        }
        _ => parse_date(text).map(|instant| instant..instant),
    }
}

/// `7d`, `12h`, `2w`, `3m` (30-day months), `1y`, `today`, `yesterday`, or a date.
fn parse_when(value: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let lower = value.to_ascii_lowercase();
    let midnight = |day: DateTime<Utc>| {
        day.date_naive()
            .and_hms_opt(0, 0, 0)
            .map(|naive| naive.and_utc())
            .unwrap_or(day)
    };
    match lower.as_str() {
        "today" => return Some(midnight(now)),
        "yesterday" => return Some(midnight(now - Duration::days(1))),
        _ => {}
    }
    let split = lower
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(lower.len());
    let (digits, unit) = lower.split_at(split);
    if let Ok(amount) = digits.parse::<i64>()
        && !(unit.is_empty() && digits.len() == 4)
    {
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
            return Some(
                now.checked_sub_signed(span)
                    .unwrap_or(DateTime::<Utc>::MIN_UTC),
            );
        }
    }
    parse_date(value).or_else(|| period(value).map(|period| period.start))
}

/// A value as a query writes it: in quotes when it holds a space or a character the query
/// language reads as syntax.
fn quoted(value: &str) -> String {
    if value.is_empty()
        || value.contains(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '|'))
        || value.starts_with(['-', '/'])
        || value.eq_ignore_ascii_case("or")
    {
        format!("\"{value}\"")
    } else {
        value.to_owned()
    }
}

fn instant(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl Filter {
    /// The value as it follows `field:`, without the field.
    fn value(&self) -> String {
        match self {
            Self::Text(words)
            | Self::Title(words)
            | Self::Author(words)
            | Self::Tag(words)
            | Self::Source(words)
            | Self::Category(words)
            | Self::Lang(words) => quoted(words),
            Self::Sentiment(sentiments) => sentiments
                .iter()
                .map(|s| s.short_name())
                .collect::<Vec<_>>()
                .join("|"),
            Self::Date { from, until } => match (from, until) {
                (Some(from), None) => instant(from),
                (None, Some(until)) => instant(until),
                (Some(from), Some(until)) => format!("{}..{}", instant(from), instant(until)),
                (None, None) => String::new(),
            },
            Self::DateUnknown => "unknown".to_owned(),
            Self::TitlePattern(pattern) => format!("/{}/", pattern.source),
            Self::Score(range) | Self::Sticky(range) => range.to_string(),
            Self::Is(flag) => FLAGS
                .iter()
                .find(|(f, _)| f == flag)
                .map(|(_, names)| names[0])
                .unwrap_or_default()
                .to_owned(),
        }
    }

    /// The field it is written with; `None` for free words.
    const fn field(&self) -> Option<Field> {
        Some(match self {
            Self::Text(_) | Self::TitlePattern(_) => return None,
            Self::Title(_) => Field::Title,
            Self::Author(_) => Field::Author,
            Self::Tag(_) => Field::Tag,
            Self::Source(_) => Field::Source,
            Self::Category(_) => Field::Category,
            Self::Lang(_) => Field::Lang,
            Self::Sentiment(_) => Field::Sentiment,
            Self::Date { from, until } => match (from, until) {
                (Some(_), None) => Field::Since,
                (None, Some(_)) => Field::Before,
                _ => Field::Date,
            },
            Self::DateUnknown => Field::Date,
            Self::Score(_) => Field::Score,
            Self::Sticky(_) => Field::Sticky,
            Self::Is(_) => Field::Is,
        })
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field() {
            Some(field) => write!(f, "{}:{}", field.name(), self.value()),
            None => f.write_str(&self.value()),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Groups in parentheses where the text would otherwise read differently.
        let grouped = |expr: &Self| match expr {
            Self::All(items) | Self::Any(items) if items.len() != 1 => format!("({expr})"),
            _ => expr.to_string(),
        };
        match self {
            Self::Filter(filter) => filter.fmt(f),
            Self::Saved(name, _) => write!(f, "@{}", quoted(name)),
            Self::Not(inner) => write!(f, "-{}", grouped(inner)),
            Self::All(items) => {
                let parts: Vec<String> = items.iter().map(grouped).collect();
                f.write_str(&parts.join(" "))
            }
            Self::Any(items) => {
                // Alternatives of one field read as `tag:ETF|BTC`.
                let fields: Vec<Option<Field>> = items
                    .iter()
                    .map(|item| match item {
                        Self::Filter(filter) => filter.field(),
                        _ => None,
                    })
                    .collect();
                if let Some(Some(field)) = fields.first()
                    && field.info().alternatives
                    && *field != Field::Sentiment
                    && fields.iter().all(|other| other == &Some(*field))
                {
                    let values: Vec<String> = items
                        .iter()
                        .filter_map(|item| match item {
                            Self::Filter(filter) => Some(filter.value()),
                            _ => None,
                        })
                        .collect();
                    return write!(f, "{}:{}", field.name(), values.join("|"));
                }
                let parts: Vec<String> = items
                    .iter()
                    .map(|item| match item {
                        Self::Any(_) => grouped(item),
                        _ => item.to_string(),
                    })
                    .collect();
                f.write_str(&parts.join(" or "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
    }

    fn parse(text: &str) -> Expr {
        let query = Query::parse(text, now());
        assert!(query.errors.is_empty(), "{:?}", query.errors);
        query.expr
    }

    fn text(word: &str) -> Expr {
        Expr::Filter(Filter::Text(word.into()))
    }

    fn not(expr: Expr) -> Expr {
        Expr::Not(Box::new(expr))
    }

    fn tag(name: &str) -> Expr {
        Expr::Filter(Filter::Tag(name.into()))
    }

    #[test]
    fn words_phrases_and_negation() {
        assert_eq!(
            parse(r#"Bitcoin "short squeeze" -ether"#),
            Expr::All(vec![
                text("bitcoin"),
                text("short squeeze"),
                not(text("ether"))
            ])
        );
    }

    #[test]
    fn every_field() {
        assert_eq!(
            parse(
                r#"tag:etf tag:"bitcoin news" source:CoinDesk cat:btc lang:UK -is:read is:starred"#
            ),
            Expr::All(vec![
                tag("ETF"),
                tag("BITCOIN NEWS"),
                Expr::Filter(Filter::Source("CoinDesk".into())),
                Expr::Filter(Filter::Category("btc".into())),
                Expr::Filter(Filter::Lang("UK".into())),
                not(Expr::Filter(Filter::Is(Flag::Read))),
                Expr::Filter(Filter::Is(Flag::Starred)),
            ])
        );
        for unknown in ["sentiment:unknown", "sentiment:unk", "s:?"] {
            assert_eq!(
                parse(unknown),
                Expr::Filter(Filter::Sentiment(vec![Sentiment::Unknown])),
                "{unknown}"
            );
        }
    }

    #[test]
    fn patterns_for_titles_keep_spaces_parentheses_and_escaped_slashes() {
        let pattern =
            |source: &str| Expr::Filter(Filter::TitlePattern(TitlePattern::new(source).unwrap()));
        assert_eq!(
            parse("/rate (cut|hike)/ tag:etf -/^ether/"),
            Expr::All(vec![
                pattern("rate (cut|hike)"),
                tag("ETF"),
                not(pattern("^ether"))
            ])
        );
        assert_eq!(parse(r"/24\/7/"), pattern(r"24\/7"));
        // Still being typed: the pattern runs to the end; a lone slash is nothing yet.
        assert_eq!(
            parse("btc /rate c"),
            Expr::All(vec![text("btc"), pattern("rate c")])
        );
        assert_eq!(parse("/"), Expr::default());
        let regex = pattern("BITCOIN");
        let Expr::Filter(Filter::TitlePattern(found)) = &regex else {
            unreachable!()
        };
        assert!(
            found.regex().is_match("Spot bitcoin funds"),
            "case is ignored"
        );
        let query = Query::parse("eth /ra(te/", now());
        assert_eq!(query.errors.len(), 1);
        assert_eq!(query.errors[0].span, Some(4..11));
        assert!(
            query.errors[0].to_string().contains("unclosed group"),
            "{}",
            query.errors[0]
        );
        assert_eq!(
            query.expr,
            text("eth"),
            "the rest of the query still applies"
        );
    }

    #[test]
    fn alternatives_or_and_groups() {
        assert_eq!(
            parse("tag:etf|btc -source:a|b"),
            Expr::All(vec![
                Expr::Any(vec![tag("ETF"), tag("BTC")]),
                not(Expr::Any(vec![
                    Expr::Filter(Filter::Source("a".into())),
                    Expr::Filter(Filter::Source("b".into()))
                ])),
            ])
        );
        let negative = Expr::Filter(Filter::Sentiment(vec![Sentiment::Negative]));
        assert_eq!(
            parse("(tag:etf or tag:btc) -sentiment:neg"),
            Expr::All(vec![
                Expr::Any(vec![tag("ETF"), tag("BTC")]),
                not(negative.clone())
            ])
        );
        // `and` binds tighter than `or`; a quoted "or" is a word.
        assert_eq!(
            parse("a b OR c"),
            Expr::Any(vec![Expr::All(vec![text("a"), text("b")]), text("c")])
        );
        assert_eq!(parse("\"or\""), text("or"));
        assert_eq!(
            parse("-(a or b)"),
            not(Expr::Any(vec![text("a"), text("b")]))
        );
    }

    #[test]
    fn numbers_and_dates() {
        let score = |low, high| Expr::Filter(Filter::Score(NumberRange { low, high }));
        assert_eq!(
            parse("score:>50"),
            score(Bound::Excluded(50.0), Bound::Unbounded)
        );
        assert_eq!(
            parse("score:10..80"),
            score(Bound::Included(10.0), Bound::Included(80.0))
        );
        assert_eq!(
            parse("sticky:>=1"),
            Expr::Filter(Filter::Sticky(NumberRange {
                low: Bound::Included(1.0),
                high: Bound::Unbounded
            }))
        );
        let at = |y, m, d| Some(Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap());
        assert_eq!(
            parse("date:2026-01..2026-03"),
            Expr::Filter(Filter::Date {
                from: at(2026, 1, 1),
                until: at(2026, 4, 1)
            })
        );
        assert_eq!(
            parse("date:2025"),
            Expr::Filter(Filter::Date {
                from: at(2025, 1, 1),
                until: at(2026, 1, 1)
            })
        );
        assert_eq!(
            parse("since:7d before:2026-11-20"),
            Expr::All(vec![
                Expr::Filter(Filter::Date {
                    from: Some(Utc.with_ymd_and_hms(2026, 11, 18, 12, 0, 0).unwrap()),
                    until: None
                }),
                Expr::Filter(Filter::Date {
                    from: None,
                    until: at(2026, 11, 20)
                }),
            ])
        );
        assert_eq!(
            parse("since:today"),
            Expr::Filter(Filter::Date {
                from: at(2026, 11, 25),
                until: None
            })
        );
        assert_eq!(parse("date:unknown"), Expr::Filter(Filter::DateUnknown));
    }

    #[test]
    fn half_typed_terms_are_ignored_and_bad_values_reported_where_they_are() {
        assert!(Query::parse("tag:", now()).is_empty());
        assert!(Query::parse("(", now()).is_empty());
        assert!(Query::parse("a or", now()).errors.is_empty());
        assert_eq!(parse("(tag:etf or"), tag("ETF"));
        let text = "since:someday sentiment:great is:weird score:>lots ok";
        let query = Query::parse(text, now());
        assert_eq!(query.errors.len(), 4, "{:?}", query.errors);
        assert_eq!(query.expr, Expr::Filter(Filter::Text("ok".into())));
        let spans: Vec<&str> = query
            .errors
            .iter()
            .map(|error| &text[error.span.clone().unwrap()])
            .collect();
        assert_eq!(
            spans,
            [
                "since:someday",
                "sentiment:great",
                "is:weird",
                "score:>lots"
            ]
        );
        assert_eq!(
            query.errors[2].to_string(),
            "is:weird — use unread, read, starred, draft or pinned"
        );
        let unmatched = Query::parse("a ) b", now());
        assert_eq!(unmatched.errors[0].span, Some(2..3));
        assert_eq!(
            unmatched.expr,
            Expr::All(vec![self::text("a"), self::text("b")])
        );
    }

    #[test]
    fn a_lone_dash_is_a_negation_being_typed() {
        assert!(Query::parse("-", now()).is_empty());
        assert_eq!(parse("btc -"), text("btc"));
    }

    #[test]
    fn colons_in_words_are_text() {
        assert_eq!(parse("10:30"), text("10:30"));
    }

    #[test]
    fn drafts_only_when_asked() {
        assert!(Query::parse("is:draft", now()).wants_drafts());
        assert!(!Query::parse("-is:draft", now()).wants_drafts());
        assert!(!Query::parse("draft", now()).wants_drafts());
    }

    fn word() -> impl Strategy<Value = String> {
        "[a-z0-9][a-z0-9.']{0,7}"
    }

    fn name() -> impl Strategy<Value = String> {
        prop_oneof!["[a-z0-9]{1,8}", "[a-z]{1,5} [a-z]{1,5}"]
    }

    fn number() -> impl Strategy<Value = f64> {
        (-1000i32..1000, 0u8..4)
            .prop_map(|(whole, tenths)| f64::from(whole) + f64::from(tenths) / 4.0)
    }

    fn range() -> impl Strategy<Value = NumberRange> {
        (number(), number(), 0..6).prop_map(|(a, b, shape)| {
            let (low, high) = match shape {
                0 => (Bound::Included(a), Bound::Included(a)),
                1 => (Bound::Included(a.min(b)), Bound::Included(a.max(b))),
                2 => (Bound::Included(a), Bound::Unbounded),
                3 => (Bound::Excluded(a), Bound::Unbounded),
                4 => (Bound::Unbounded, Bound::Included(a)),
                _ => (Bound::Unbounded, Bound::Excluded(a)),
            };
            NumberRange { low, high }
        })
    }

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..4_000_000_000).prop_map(|seconds| DateTime::from_timestamp(seconds, 0).unwrap())
    }

    fn filter() -> impl Strategy<Value = Filter> {
        let flag = prop_oneof![
            Just(Flag::Unread),
            Just(Flag::Read),
            Just(Flag::Starred),
            Just(Flag::Draft),
            Just(Flag::Pinned)
        ];
        let sentiments = proptest::sample::subsequence(Sentiment::ALL.to_vec(), 1..=4);
        prop_oneof![
            word().prop_map(Filter::Text),
            "/[a-z]{1,4}".prop_map(Filter::Text),
            "[a-z]{1,5} [a-z]{1,5}".prop_map(Filter::Text),
            name().prop_map(Filter::Title),
            name().prop_map(Filter::Author),
            name().prop_map(|n| Filter::Tag(n.to_uppercase())),
            name().prop_map(Filter::Source),
            name().prop_map(Filter::Category),
            "[a-z]{2}".prop_map(Filter::Lang),
            sentiments.prop_map(Filter::Sentiment),
            (
                proptest::option::of(instant()),
                proptest::option::of(instant())
            )
                .prop_filter("one end at least", |(a, b)| a.is_some() || b.is_some())
                .prop_map(|(from, until)| Filter::Date { from, until }),
            Just(Filter::DateUnknown),
            prop_oneof![
                "[a-z]{1,6}",
                "[a-z]{1,4}( [a-z]{1,4})?",
                "\\^[a-z]{1,4}\\$",
                "[a-z]{1,3}\\\\/[a-z]{1,3}"
            ]
            .prop_map(|source| Filter::TitlePattern(TitlePattern::new(&source).unwrap())),
            range().prop_map(Filter::Score),
            range().prop_map(Filter::Sticky),
            flag.prop_map(Filter::Is),
        ]
    }

    /// Queries as the parser builds them: groups of two or more, no group inside a group of
    /// its own kind without parentheses' reason.
    fn expr() -> impl Strategy<Value = Expr> {
        let leaf = filter().prop_map(Expr::Filter);
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
                proptest::collection::vec(inner.clone(), 2..4).prop_map(Expr::All),
                proptest::collection::vec(inner, 2..4).prop_map(Expr::Any),
            ]
        })
    }

    proptest! {
        #[test]
        fn every_query_prints_back_to_text_that_parses_to_it(expr in expr()) {
            let text = expr.to_string();
            let query = Query::parse(&text, now());
            prop_assert!(query.errors.is_empty(), "{text}: {:?}", query.errors);
            prop_assert_eq!(&query.expr, &expr, "printed as {}", text);
        }
    }
}
