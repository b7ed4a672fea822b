//! PHP values ⇄ JSON values, the plain data that crosses the boundary.
//!
//! A PHP list (keys 0..n in order) becomes a JSON array, any other array a JSON object; objects
//! are refused (the boundary is arrays and scalars only). JSON objects come back as associative
//! arrays, as `json_decode($x, true)` would give, so both backends hand PHP identical values.

use crate::Error;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::{Map, Number, Value};

/// Deepest nesting read from PHP; deeper input (a recursive array included) is refused rather
/// than risking the stack. The engine's own limit (`engine::input::MAX_DEPTH`) is the one that
/// counts; this one only keeps the conversion safe, with the same message.
const MAX_DEPTH: usize = crate::engine::input::MAX_DEPTH;

/// Reads a PHP value as JSON.
pub fn to_json(zval: &Zval) -> Result<Value, Error> {
    caught(|| read(zval, 0))
}

/// Runs a conversion, turning the panic ext-php-rs raises on an array key that is not valid
/// UTF-8 into the invalid input it is.
fn caught(convert: impl FnOnce() -> Result<Value, Error>) -> Result<Value, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(convert))
        .unwrap_or_else(|_| Err(Error::invalid_input(crate::engine::input::NOT_UTF8)))
}

fn read(zval: &Zval, depth: usize) -> Result<Value, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::invalid_input(crate::engine::input::DEEP));
    }
    if zval.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = zval.bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = zval.long() {
        return Ok(Value::from(n));
    }
    if let Some(f) = zval.double() {
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| Error::invalid_input("NAN and INF cannot cross the boundary"));
    }
    if let Some(s) = zval.str() {
        return Ok(Value::String(s.to_owned()));
    }
    if zval.is_string() {
        return Err(Error::invalid_input(crate::engine::input::NOT_UTF8));
    }
    if let Some(array) = zval.array() {
        return read_array(array, depth);
    }
    Err(Error::invalid_input(
        "only arrays, strings, numbers, booleans and null can be passed to the engine",
    ))
}

/// Reads a PHP array as JSON (a list, or an object for any other keys). An array key that is
/// not valid UTF-8 makes ext-php-rs panic while iterating: that panic is caught here and
/// refused as invalid input, as the FFI shim refuses it.
pub fn table_to_json(array: &ZendHashTable) -> Result<Value, Error> {
    caught(|| read_array(array, 0))
}

/// Reads a string argument: a string that is not valid UTF-8 is invalid input (as on the FFI
/// shim), anything but a string a `TypeError` (as PHP's own `string` parameter type says).
pub fn text(zval: &Zval) -> Result<Option<String>, Error> {
    if !zval.is_string() {
        return Ok(None);
    }
    match zval.str() {
        Some(text) => Ok(Some(text.to_owned())),
        None => Err(Error::invalid_input(crate::engine::input::NOT_UTF8)),
    }
}

fn read_array(array: &ZendHashTable, depth: usize) -> Result<Value, Error> {
    if array.has_sequential_keys() {
        let items = array
            .values()
            .map(|v| read(v, depth + 1))
            .collect::<Result<_, _>>()?;
        return Ok(Value::Array(items));
    }
    let mut map = Map::new();
    for (key, value) in array.iter() {
        map.insert(key.to_string(), read(value, depth + 1)?);
    }
    Ok(Value::Object(map))
}

/// Builds the PHP value for a JSON value.
pub fn from_json(value: &Value) -> Result<Zval, Error> {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(b) => zval.set_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => zval.set_long(i),
            None => zval.set_double(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => zval.set_string(s, false).map_err(php_error)?,
        Value::Array(items) => {
            let mut table = ZendHashTable::with_capacity(items.len().min(u32::MAX as usize) as u32);
            for item in items {
                table.push(from_json(item)?).map_err(php_error)?;
            }
            zval.set_hashtable(table);
        }
        Value::Object(map) => zval.set_hashtable(object_table(map)?),
    }
    Ok(zval)
}

fn object_table(map: &Map<String, Value>) -> Result<ZBox<ZendHashTable>, Error> {
    let mut table = ZendHashTable::with_capacity(map.len().min(u32::MAX as usize) as u32);
    for (key, value) in map {
        // PHP turns numeric string keys into integer keys; do the same so lookups agree.
        match key.parse::<i64>() {
            Ok(n) if n.to_string() == *key => table.insert_at_index(n, from_json(value)?),
            _ => table.insert(key.as_str(), from_json(value)?),
        }
        .map_err(php_error)?;
    }
    Ok(table)
}

fn php_error(e: ext_php_rs::error::Error) -> Error {
    Error::internal(format!("building a PHP value failed: {e}"))
}
