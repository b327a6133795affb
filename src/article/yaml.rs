//! The one place that knows which YAML library we use. It turns frontmatter into a neutral JSON
//! value tree, so swapping serde_yaml touches only this file.

use serde_json::{Map, Value};

/// Parses frontmatter into a mapping. An empty document is an empty mapping.
pub fn parse_mapping(yaml: &str) -> Result<Map<String, Value>, String> {
    if yaml.trim().is_empty() {
        return Ok(Map::new());
    }
    // serde_yaml refuses alias expansion past a repetition limit and nesting past a depth limit,
    // which is what keeps "billion laughs" and deep nesting from costing memory or stack.
    let value: Value = serde_yaml::from_str(yaml).map_err(|error| describe(&error))?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(format!(
            "frontmatter is a {} instead of key: value pairs",
            kind_name(&other)
        )),
    }
}

const fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

/// The error with its position counted in lines of the file (the frontmatter starts on line 2).
fn describe(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    let Some(location) = error.location() else {
        return one_line(&message);
    };
    let reason = message.split(" at line ").next().unwrap_or(&message);
    one_line(&format!(
        "{reason} at line {} column {}",
        location.line() + 1,
        location.column()
    ))
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::parse_mapping;

    #[test]
    fn maps_and_nested_values() {
        let map = parse_mapping("title: A\nsource: {name: X, key: x}\ntags: [A, B]\n").unwrap();
        assert_eq!(map["title"], "A");
        assert_eq!(map["source"]["key"], "x");
        assert_eq!(map["tags"][1], "B");
    }

    #[test]
    fn rejects_bad_yaml_and_non_mappings_with_a_message() {
        let error = parse_mapping("title: ok\ntags: [unclosed\n").unwrap_err();
        assert!(error.contains("line 4"), "{error}");
        assert!(parse_mapping("- a\n- b\n").unwrap_err().contains("list"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut previous = 'a';
        for name in 'b'..='k' {
            let refs = vec![format!("*{previous}"); 10].join(", ");
            yaml.push_str(&format!("{name}: &{name} [{refs}]\n"));
            previous = name;
        }
        assert!(parse_mapping(&yaml).is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let yaml = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse_mapping(&yaml).is_err());
    }
}
