//! Every argument PHP hands the engine passes here once, whichever backend carried it (the
//! extension's Zend values or the FFI shim's JSON), so both refuse the same bad input with the
//! same `InvalidInputException`: nesting too deep, a NUL byte, a text or a list too long, an
//! argument too large as a whole. Rust memory is outside PHP's `memory_limit`: a 50 MB search
//! text must be refused at the door, not searched.
//!
//! What cannot even reach this point (invalid UTF-8, recursive arrays, objects) is refused by
//! each adapter with the same messages (`DEEP`, `NOT_UTF8`), see `php::convert` and
//! `php-shim/src/Engine.php`.

use crate::{Error, Result};
use serde_json::Value;

/// Deepest nesting of an argument (the arguments object itself is level 0, each argument 1).
pub const MAX_DEPTH: usize = 64;
/// Longest text anywhere in an argument, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Longest free text that is searched (catalog and log searches), in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Longest list anywhere in an argument.
pub const MAX_LIST: usize = 500_000;
/// Most values (scalars, lists, maps) in one call's arguments.
pub const MAX_VALUES: usize = 10_000_000;
/// Longest state directory path, in bytes.
pub const MAX_PATH_BYTES: usize = 4096;

/// The message for nesting too deep (or a recursive array), the same on both backends.
pub const DEEP: &str = "the value is nested too deeply";
/// The message for a string or an array key that is not valid UTF-8, the same on both backends.
pub const NOT_UTF8: &str = "a string is not valid UTF-8";

/// The free-text fields that are searched, by method: their path in the arguments.
const SEARCHED: &[(&str, &[&str])] = &[
    ("searchCatalog", &["query", "text"]),
    ("queryLogs", &["query", "text"]),
    ("exportLogs", &["query", "text"]),
];

/// Admits the arguments of `method`, or says which one is refused and why.
pub fn admit(method: &str, args: &Value) -> Result<()> {
    let mut values = 0usize;
    let mut path = Vec::new();
    walk(args, 0, &mut path, &mut values)?;
    for (name, field) in SEARCHED.iter().filter(|(name, _)| *name == method) {
        let text = field.iter().try_fold(args, |v, key| v.get(key));
        if let Some(Value::String(text)) = text {
            if text.chars().count() > MAX_SEARCH_CHARS {
                return Err(Error::invalid_input(format!(
                    "{name}: {} is longer than {MAX_SEARCH_CHARS} characters",
                    field.join(".")
                )));
            }
        }
    }
    Ok(())
}

/// Admits a state directory: not empty, no NUL byte (a C string would cut the path there and
/// use another directory), not absurdly long.
pub fn admit_state_dir(dir: &str) -> Result<()> {
    if dir.trim().is_empty() {
        return Err(Error::invalid_input("the state directory is empty"));
    }
    if dir.contains('\0') {
        return Err(Error::invalid_input(
            "the state directory contains a NUL byte",
        ));
    }
    if dir.len() > MAX_PATH_BYTES {
        return Err(Error::invalid_input(format!(
            "the state directory is longer than {MAX_PATH_BYTES} bytes"
        )));
    }
    Ok(())
}

fn walk<'a>(
    value: &'a Value,
    depth: usize,
    path: &mut Vec<&'a str>,
    values: &mut usize,
) -> Result<()> {
    *values += 1;
    if *values > MAX_VALUES {
        return Err(Error::invalid_input(format!(
            "the arguments hold more than {MAX_VALUES} values"
        )));
    }
    let refuse = |path: &[&str], why: String| {
        let at = if path.is_empty() {
            "an argument".to_owned()
        } else {
            path.join(".")
        };
        Err(Error::invalid_input(format!("{at}: {why}")))
    };
    match value {
        Value::String(text) => {
            if text.len() > MAX_TEXT_BYTES {
                return refuse(
                    path,
                    format!("a text is longer than {MAX_TEXT_BYTES} bytes"),
                );
            }
            if text.contains('\0') {
                return refuse(path, "a text contains a NUL byte".into());
            }
        }
        Value::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(Error::invalid_input(DEEP));
            }
            if items.len() > MAX_LIST {
                return refuse(path, format!("a list is longer than {MAX_LIST} entries"));
            }
            for item in items {
                walk(item, depth + 1, path, values)?;
            }
        }
        Value::Object(map) => {
            if depth >= MAX_DEPTH {
                return Err(Error::invalid_input(DEEP));
            }
            if map.len() > MAX_LIST {
                return refuse(path, format!("a map is longer than {MAX_LIST} entries"));
            }
            for (key, item) in map {
                if key.len() > MAX_TEXT_BYTES || key.contains('\0') {
                    return refuse(path, "a key is too long or contains a NUL byte".into());
                }
                path.push(key);
                let walked = walk(item, depth + 1, path, values);
                path.pop();
                walked?;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(depth: usize) -> Value {
        (0..depth).fold(json!(1), |inner, _| json!([inner]))
    }

    #[test]
    fn ordinary_arguments_pass() {
        admit(
            "searchCatalog",
            &json!({"query": {"text": "assiette", "page": 2}}),
        )
        .unwrap();
        admit("pushOrders", &json!({"limit": 50})).unwrap();
    }

    #[test]
    fn nesting_past_the_limit_is_refused() {
        admit("x", &json!({ "a": nested(MAX_DEPTH - 1) })).unwrap();
        let error = admit("x", &json!({ "a": nested(MAX_DEPTH) })).unwrap_err();
        assert_eq!(error.message(), DEEP);
    }

    #[test]
    fn nul_bytes_long_texts_and_long_searches_are_refused_naming_the_argument() {
        let nul = admit("link", &json!({"item_id": "a\0b"})).unwrap_err();
        assert!(nul.message().contains("item_id"), "{nul}");
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        assert!(admit("x", &json!({ "note": long })).is_err());
        let search = "é".repeat(MAX_SEARCH_CHARS + 1);
        let error = admit("searchCatalog", &json!({"query": {"text": search}})).unwrap_err();
        assert!(error.message().contains("query.text"), "{error}");
        assert!(admit(
            "searchCatalog",
            &json!({"query": {"text": "é".repeat(200)}})
        )
        .is_ok());
    }

    #[test]
    fn the_state_directory_is_checked() {
        assert!(admit_state_dir("/var/lib/x").is_ok());
        assert!(admit_state_dir("/tmp/a\0b").is_err());
        assert!(admit_state_dir(" ").is_err());
    }
}
