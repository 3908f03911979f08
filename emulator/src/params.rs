//! Request-body parameters of the token endpoint: a JSON object
//! (`Content-Type: application/json`) or a form (`application/x-www-form-urlencoded`), the two
//! media types the API documents. Anything else — `text/plain`, or no content type, what a
//! page can post cross-site without a preflight — is refused.

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
    /// Neither JSON nor a form.
    #[error("Content-Type must be application/json or application/x-www-form-urlencoded.")]
    UnsupportedMediaType,
}

/// Parse a body into string parameters. JSON strings stay strings, `null` counts as absent,
/// numbers and booleans are stringified.
///
/// ```
/// use axum::http::{header, HeaderMap, HeaderValue};
/// use authkit_emulator::params::{parse, ParamsError};
/// let mut h = HeaderMap::new();
/// h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
/// let p = parse(&h, br#"{"grant_type":"refresh_token","refresh_token":null}"#).unwrap();
/// assert_eq!(p.get("grant_type").map(String::as_str), Some("refresh_token"));
/// assert!(!p.contains_key("refresh_token"));
/// assert_eq!(parse(&HeaderMap::new(), b"{}"), Err(ParamsError::UnsupportedMediaType));
/// ```
pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, ParamsError> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/x-www-form-urlencoded" => Ok(form(body)),
        "application/json" => json(body),
        _ => Err(ParamsError::UnsupportedMediaType),
    }
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
