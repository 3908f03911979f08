//! Request-body parameters: JSON objects or `application/x-www-form-urlencoded`.

use std::collections::HashMap;

use axum::http::{header, HeaderMap};
use serde_json::Value;

/// Why a body could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamsError {
    /// The JSON was malformed or not an object.
    #[error("Malformed JSON body.")]
    BadJson,
}

/// Parse a body into string parameters. JSON strings stay strings, `null` counts as absent,
/// numbers and booleans are stringified. Content type decides; without one, JSON is tried
/// first, then form encoding.
///
/// ```
/// use axum::http::HeaderMap;
/// let p = authkit_emulator::params::parse(&HeaderMap::new(), br#"{"grant_type":"refresh_token","refresh_token":null}"#).unwrap();
/// assert_eq!(p.get("grant_type").map(String::as_str), Some("refresh_token"));
/// assert!(!p.contains_key("refresh_token"));
/// ```
pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, ParamsError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.contains("x-www-form-urlencoded") {
        return Ok(form(body));
    }
    if ct.contains("json") {
        return json(body);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(HashMap::new());
    }
    json(body).or_else(|_| Ok(form(body)))
}

fn form(body: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

fn json(body: &[u8]) -> Result<HashMap<String, String>, ParamsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ParamsError::BadJson);
    }
    let Value::Object(map) = serde_json::from_slice(body).map_err(|_| ParamsError::BadJson)? else {
        return Err(ParamsError::BadJson);
    };
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::Null => None,
            Value::String(s) => Some((k, s)),
            other => Some((k, other.to_string())),
        })
        .collect())
}
