//! The one place that knows which TOML library reads Hugo's `+++` frontmatter. It gives the same
//! neutral JSON value tree as the YAML side, so the key mapping is written once.

use serde_json::{Map, Number, Value};

/// Parses TOML frontmatter into a mapping. Dates and times (TOML has them as a type of its own)
/// become their text, which the date parser reads like any other.
pub fn parse_mapping(text: &str) -> Result<Map<String, Value>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|error| describe(&error, text))?;
    Ok(table
        .into_iter()
        .map(|(key, value)| (key, to_json(value)))
        .collect())
}

fn to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text),
        toml::Value::Integer(number) => Value::Number(number.into()),
        toml::Value::Float(number) => Number::from_f64(number).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(flag) => Value::Bool(flag),
        toml::Value::Datetime(at) => Value::String(at.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(key, value)| (key, to_json(value)))
                .collect(),
        ),
    }
}

/// The error in one line, with its line counted in the file (the frontmatter starts on line 2).
fn describe(error: &toml::de::Error, text: &str) -> String {
    let reason = error
        .message()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match error.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 2;
            format!("{reason} at line {line}")
        }
        None => reason,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_mapping;

    #[test]
    fn tables_arrays_and_dates() {
        let map = parse_mapping(
            "title = \"A\"\ndate = 2019-04-02T08:30:00+02:00\ntags = [\"x\", \"y\"]\n\
             draft = true\nweight = 1.5\n[author]\nname = \"B\"\n",
        )
        .unwrap();
        assert_eq!(map["title"], "A");
        assert_eq!(map["date"], "2019-04-02T08:30:00+02:00");
        assert_eq!(map["tags"][1], "y");
        assert_eq!(map["draft"], true);
        assert_eq!(map["weight"], 1.5);
        assert_eq!(map["author"]["name"], "B");
    }

    #[test]
    fn bad_toml_is_one_line_with_its_line() {
        let error = parse_mapping("title = \"A\"\ntags = [\n").unwrap_err();
        assert!(!error.contains('\n'), "{error}");
        assert!(error.contains("line 3"), "{error}");
    }
}
