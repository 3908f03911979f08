//! A small JSON value with its parser and writer.
//!
//! The SDK reads a handful of JSON shapes (the authenticate response, error bodies, token
//! claims, its own tab messages) and writes two request bodies. A general serialization
//! framework costs tens of KB of wasm for that; this module is a few KB. Numbers are kept as
//! their JSON text, so they are exact and no float parser or printer is linked unless you call
//! [`Json::as_f64`]. With the `serde` feature, [`Json`] also implements `Serialize`.

use std::fmt;

/// A JSON value. Objects keep their pairs in document order, repeated keys included; a lookup
/// takes the last value of a key (as most parsers do). Parsing is linear in the input (no
/// per-key search), so a hostile body with many keys costs no more than its length.
///
/// ```
/// use authkit_yew::Json;
/// let value = Json::parse(r#"{"plan":"pro","seats":[1,2],"beta":true,"n":null}"#).unwrap();
/// assert_eq!(value["plan"], "pro");
/// assert_eq!(value["seats"][1].as_i64(), Some(2));
/// assert_eq!(value["beta"].as_bool(), Some(true));
/// assert!(value["n"].is_null() && value["missing"].is_null());
/// assert_eq!(value.to_string(), r#"{"plan":"pro","seats":[1,2],"beta":true,"n":null}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Json {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text (e.g. `42`, `-1.5e3`): exact, never rounded. A text that is
    /// not a JSON number (possible when built by hand) reads as no number and is written as
    /// `null`, never verbatim.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in document order.
    Object(Vec<(String, Json)>),
}

/// Why a text is not JSON: the byte offset where reading stopped.
///
/// ```
/// use authkit_yew::Json;
/// let error = Json::parse("{\"a\":}").unwrap_err();
/// assert_eq!(error.offset, 5);
/// assert_eq!(error.to_string(), "invalid JSON at byte 5");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid JSON at byte {offset}")]
#[non_exhaustive]
pub struct JsonError {
    /// Byte offset of the first byte that does not fit.
    pub offset: usize,
}

/// Nesting deeper than this is refused (no stack exhaustion on hostile input).
const MAX_DEPTH: u32 = 128;

static NULL: Json = Json::Null;

impl Json {
    /// Parses a complete JSON text (surrounding whitespace allowed).
    ///
    /// ```
    /// use authkit_yew::Json;
    /// assert_eq!(Json::parse(" [1, \"\\u00e9\"] ").unwrap()[1], "é");
    /// assert!(Json::parse("[1,]").is_err());
    /// assert!(Json::parse("{} x").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Json, JsonError> {
        let mut reader = Reader::new(text);
        let value = reader.value(0)?;
        reader.skip_space();
        if reader.pos != reader.bytes.len() {
            return Err(reader.error());
        }
        Ok(value)
    }

    /// Builds an object from key/value pairs.
    ///
    /// ```
    /// use authkit_yew::Json;
    /// let state = Json::object([("return_to", Json::from("/account")), ("n", 3.into())]);
    /// assert_eq!(state.to_string(), r#"{"return_to":"/account","n":3}"#);
    /// ```
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The value of `key` when this is an object that has it (the last one, if repeated).
    ///
    /// ```
    /// use authkit_yew::Json;
    /// let v = Json::parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
    /// assert_eq!(v.get("a"), Some(&Json::from(3)));
    /// assert_eq!(v.get("c"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&Json> {
        last_value(self.as_object()?, key)
    }

    /// The string, when this is one.
    ///
    /// ```
    /// assert_eq!(authkit_yew::Json::from("x").as_str(), Some("x"));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    ///
    /// ```
    /// assert_eq!(authkit_yew::Json::Bool(true).as_bool(), Some(true));
    /// ```
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer part of a number that fits in an `i64` (`1.9` gives 1, `-1.9` gives -1,
    /// `1.5e3` gives 1500), else `None`. Exact: no float rounding.
    ///
    /// ```
    /// use authkit_yew::Json;
    /// assert_eq!(Json::parse("1709193557").unwrap().as_i64(), Some(1_709_193_557));
    /// assert_eq!(Json::parse("1.7e9").unwrap().as_i64(), Some(1_700_000_000));
    /// assert_eq!(Json::parse("1e30").unwrap().as_i64(), None);
    /// assert_eq!(Json::from("1").as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(text) => integer_part(text),
            _ => None,
        }
    }

    /// The number as an `f64` (may round).
    ///
    /// ```
    /// assert_eq!(authkit_yew::Json::parse("-2.5").unwrap().as_f64(), Some(-2.5));
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// The elements, when this is an array.
    ///
    /// ```
    /// assert_eq!(authkit_yew::Json::parse("[1]").unwrap().as_array().map(|a| a.len()), Some(1));
    /// ```
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The key/value pairs, when this is an object.
    ///
    /// ```
    /// let v = authkit_yew::Json::parse(r#"{"a":1,"b":2}"#).unwrap();
    /// let keys: Vec<&str> = v.as_object().unwrap().iter().map(|(k, _)| k.as_str()).collect();
    /// assert_eq!(keys, ["a", "b"]);
    /// ```
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(fields) => Some(fields),
            _ => None,
        }
    }

    /// Indented JSON text (two spaces per level), e.g. to show claims to a person.
    ///
    /// ```
    /// let v = authkit_yew::Json::parse(r#"{"a":[1,{}],"b":{}}"#).unwrap();
    /// assert_eq!(v.pretty(), "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {}\n}");
    /// ```
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write_pretty(&mut out, 0);
        out
    }

    fn write_pretty(&self, out: &mut String, depth: usize) {
        let (open, close, len) = match self {
            Json::Array(items) if !items.is_empty() => ('[', ']', items.len()),
            Json::Object(fields) if !fields.is_empty() => ('{', '}', fields.len()),
            scalar => return out.push_str(&scalar.to_string()),
        };
        out.push(open);
        for i in 0..len {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&"  ".repeat(depth + 1));
            let value = match self {
                Json::Array(items) => &items[i],
                Json::Object(fields) => {
                    out.push_str(&Json::from(fields[i].0.as_str()).to_string());
                    out.push_str(": ");
                    &fields[i].1
                }
                _ => unreachable!("only containers reach here"),
            };
            value.write_pretty(out, depth + 1);
        }
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
        out.push(close);
    }

    /// Whether this is `null`.
    ///
    /// ```
    /// assert!(authkit_yew::Json::Null.is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
}

/// The last value of `key` among an object's pairs.
pub(crate) fn last_value<'a>(fields: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Whether `text` is exactly one JSON number.
fn is_number(text: &str) -> bool {
    let mut reader = Reader::new(text);
    // `number` reads a leading `-`/digit; anything else fails or stops early.
    reader.number().is_ok() && reader.pos == text.len()
}

/// The integer part of a JSON number text, exactly, if it fits in an `i64`.
fn integer_part(text: &str) -> Option<i64> {
    if !is_number(text) {
        return None;
    }
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => match text[i + 1..].parse::<i32>() {
            Ok(e) => (&text[..i], e),
            // A huge negative exponent: below 1 in magnitude, so the integer part is 0.
            Err(_) if text[i + 1..].starts_with('-') => return Some(0),
            // A huge positive one: 0 stays 0, anything else is out of range.
            Err(_) => (&text[..i], i32::MAX),
        },
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The digits before the decimal point once the exponent has moved it.
    let point = i64::try_from(int.len()).ok()? + i64::from(exponent);
    let mut magnitude: u64 = 0;
    for (i, digit) in int.bytes().chain(frac.bytes()).enumerate() {
        if i as i64 >= point {
            break;
        }
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
    }
    // Trailing zeros the exponent adds beyond the written digits (an i64 has at most 19
    // digits: more zeros overflow, unless the value is 0).
    let written = (int.len() + frac.len()) as i64;
    let zeros = (point - written).max(0);
    if magnitude == 0 {
        return Some(0);
    }
    if zeros > 19 {
        return None;
    }
    for _ in 0..zeros {
        magnitude = magnitude.checked_mul(10)?;
    }
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    fn error(&self) -> JsonError {
        JsonError { offset: self.pos }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Consumes `byte` after optional whitespace.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error())
        }
    }

    fn value(&mut self, depth: u32) -> Result<Json, JsonError> {
        self.skip_space();
        if depth > MAX_DEPTH {
            return Err(self.error());
        }
        match self.peek() {
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(Json::Array(items))
            }
            Some(b'{') => {
                self.pos += 1;
                let mut fields = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.skip_space();
                        let key = self.string()?;
                        self.expect(b':')?;
                        let value = self.value(depth + 1)?;
                        fields.push((key, value));
                        if self.eat(b'}') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(Json::Object(fields))
            }
            _ => self.number(),
        }
    }

    /// Consumes one or more ASCII digits.
    fn digits(&mut self) -> Result<(), JsonError> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.error());
        }
        Ok(())
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as text.
    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.pos;
        self.pos += usize::from(self.peek() == Some(b'-'));
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            self.digits()?;
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digits()?;
        }
        // The bytes are ASCII digits and signs, so this slice is valid UTF-8.
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).map_err(|_| self.error())?;
        Ok(Json::Number(text.to_owned()))
    }

    /// Four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.error())?;
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }

    /// A string starting at the opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.error());
        }
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let byte = self.peek().ok_or_else(|| self.error())?;
            match byte {
                b'"' => {
                    self.pos += 1;
                    // The input was a `&str` and escapes add whole characters: valid UTF-8.
                    return String::from_utf8(out).map_err(|_| self.error());
                }
                0..=0x1f => return Err(self.error()),
                b'\\' => {
                    self.pos += 1;
                    let escaped = self.peek().ok_or_else(|| self.error())?;
                    self.pos += 1;
                    let c = match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => {
                            self.pos -= 1;
                            return Err(self.error());
                        }
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => {
                    out.push(byte);
                    self.pos += 1;
                }
            }
        }
    }

    /// The character of a `\uXXXX` escape (after the `u`), joining a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&first) {
            if !self.bytes[self.pos..].starts_with(b"\\u") {
                return Err(self.error());
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xdc00..0xe000).contains(&second) {
                return Err(self.error());
            }
            0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error())
    }
}

/// Writes `text` as a JSON string literal.
fn write_string(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        f.write_str(&text[start..i])?;
        if escape.is_empty() {
            write!(f, "\\u{:04x}", c as u32)?;
        } else {
            f.write_str(escape)?;
        }
        start = i + c.len_utf8();
    }
    f.write_str(&text[start..])?;
    f.write_str("\"")
}

/// Compact JSON text (no spaces), the inverse of [`Json::parse`].
impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            // Only a valid number is written as is: a hand-built text cannot inject JSON.
            Json::Number(text) if is_number(text) => f.write_str(text),
            Json::Number(_) => f.write_str("null"),
            Json::String(s) => write_string(f, s),
            Json::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    item.fmt(f)?;
                }
                f.write_str("]")
            }
            Json::Object(fields) => {
                f.write_str("{")?;
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_string(f, key)?;
                    f.write_str(":")?;
                    value.fmt(f)?;
                }
                f.write_str("}")
            }
        }
    }
}

/// `value["key"]`: the key's value, or `null` when missing or not an object.
impl std::ops::Index<&str> for Json {
    type Output = Json;
    fn index(&self, key: &str) -> &Json {
        self.get(key).unwrap_or(&NULL)
    }
}

/// `value[i]`: the element, or `null` when out of range or not an array.
impl std::ops::Index<usize> for Json {
    type Output = Json;
    fn index(&self, i: usize) -> &Json {
        self.as_array().and_then(|a| a.get(i)).unwrap_or(&NULL)
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Json::String(s.to_owned())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Self {
        Json::String(s)
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Self {
        Json::Bool(b)
    }
}

impl From<i64> for Json {
    fn from(n: i64) -> Self {
        Json::Number(n.to_string())
    }
}

impl From<i32> for Json {
    fn from(n: i32) -> Self {
        Json::from(i64::from(n))
    }
}

impl From<u32> for Json {
    fn from(n: u32) -> Self {
        Json::from(i64::from(n))
    }
}

impl From<u64> for Json {
    fn from(n: u64) -> Self {
        Json::Number(n.to_string())
    }
}

impl From<usize> for Json {
    fn from(n: usize) -> Self {
        Json::Number(n.to_string())
    }
}

/// A finite float as its shortest text; NaN and the infinities (which JSON cannot hold) are
/// `null`, as in `JSON.stringify`. Float printing is linked only when an app uses this.
///
/// ```
/// use authkit_yew::Json;
/// assert_eq!(Json::from(1.5).to_string(), "1.5");
/// assert_eq!(Json::from(f64::NAN), Json::Null);
/// assert_eq!(Json::from(1e21).as_f64(), Some(1e21));
/// ```
impl From<f64> for Json {
    fn from(n: f64) -> Self {
        if n.is_finite() {
            // `{:?}` keeps the exponent form for huge and tiny values (`1e21`), valid JSON.
            Json::Number(format!("{n:?}"))
        } else {
            Json::Null
        }
    }
}

impl<T: Into<Json>> From<Vec<T>> for Json {
    fn from(items: Vec<T>) -> Self {
        Json::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Json>> From<Option<T>> for Json {
    fn from(value: Option<T>) -> Self {
        value.map_or(Json::Null, Into::into)
    }
}

impl PartialEq<str> for Json {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Json {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

/// Reading typed fields out of a parsed object, naming the field in the error.
pub(crate) mod read {
    use super::Json;

    /// The field that is missing or of the wrong type.
    pub(crate) type Missing = &'static str;

    /// A required string.
    pub(crate) fn string(object: &Json, key: &'static str) -> Result<String, Missing> {
        object
            .get(key)
            .and_then(Json::as_str)
            .map(str::to_owned)
            .ok_or(key)
    }

    /// An optional string: missing or `null` is `None`; another type is an error.
    pub(crate) fn opt_string(object: &Json, key: &'static str) -> Result<Option<String>, Missing> {
        match object.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(key),
        }
    }

    /// An optional value of any type other than `null`.
    pub(crate) fn opt<'a>(object: &'a Json, key: &str) -> Option<&'a Json> {
        object.get(key).filter(|v| !v.is_null())
    }
}

/// `serde_json::json!` syntax producing this crate's [`Json`] (tests write JSON with
/// serde_json; the code under test reads it with this module).
#[cfg(test)]
macro_rules! test_json {
    ($($tokens:tt)*) => {
        $crate::protocol::json::Json::parse(&serde_json::json!($($tokens)*).to_string()).unwrap()
    };
}
#[cfg(test)]
pub(crate) use test_json;

#[cfg(feature = "serde")]
mod serde_impls {
    use super::Json;

    impl serde::Serialize for Json {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{SerializeMap, SerializeSeq};
            match self {
                Json::Null => s.serialize_unit(),
                Json::Bool(b) => s.serialize_bool(*b),
                Json::Number(text) => {
                    if let Ok(n) = text.parse::<i64>() {
                        s.serialize_i64(n)
                    } else if let Ok(n) = text.parse::<u64>() {
                        s.serialize_u64(n)
                    } else {
                        match text.parse::<f64>() {
                            Ok(f) if f.is_finite() && super::is_number(text) => s.serialize_f64(f),
                            _ => Err(serde::ser::Error::custom(format!(
                                "the JSON number {text} does not fit a 64-bit number"
                            ))),
                        }
                    }
                }
                Json::String(text) => s.serialize_str(text),
                Json::Array(items) => {
                    let mut seq = s.serialize_seq(Some(items.len()))?;
                    for item in items {
                        seq.serialize_element(item)?;
                    }
                    seq.end()
                }
                Json::Object(fields) => {
                    let mut map = s.serialize_map(Some(fields.len()))?;
                    for (k, v) in fields {
                        map.serialize_entry(k, v)?;
                    }
                    map.end()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses with both this module and serde_json and checks they agree on the value.
    fn agrees(text: &str) {
        let ours = Json::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        let ours_again: serde_json::Value = serde_json::from_str(&ours.to_string()).unwrap();
        assert_eq!(ours_again, theirs, "{text}");
    }

    #[test]
    fn agrees_with_serde_json_on_valid_documents() {
        for text in [
            "null",
            "true",
            " false ",
            "0",
            "-0",
            "12",
            "-3.25",
            "1e3",
            "1E-2",
            "2.5e+10",
            r#""""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u4e2d\ud83d\ude00""#,
            "\"é中😀\"",
            "[]",
            "[1,[2,[3,{}]]]",
            r#"{"a":{"b":[null,true,"x"]},"c":-1}"#,
            "{\n  \"sp ace\" : [ 1 , 2 ] \n}",
            r#"{"ctl":"\u0001\u001f"}"#,
        ] {
            agrees(text);
        }
    }

    #[test]
    fn rejects_what_serde_json_rejects() {
        for text in [
            "",
            " ",
            "nul",
            "True",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "+1",
            "[1,]",
            "[1 2]",
            "{\"a\"}",
            "{\"a\":1,}",
            "{a:1}",
            "\"abc",
            "\"a\nb\"",
            r#""\x""#,
            r#""\u12""#,
            r#""\ud800""#,
            r#""\ud800\u0041""#,
            r#""\udc00""#,
            "[] []",
            "{}}",
            "'a'",
        ] {
            assert!(Json::parse(text).is_err(), "accepted {text:?}");
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_err(),
                "{text:?}"
            );
        }
    }

    /// A small deterministic generator (xorshift) of JSON-like texts: valid documents built
    /// from tricky atoms, then randomly mutated with punctuation, so most are invalid.
    struct Texts(u64);

    impl Texts {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn document(&mut self, depth: u32, out: &mut String) {
            const ATOMS: &[&str] = &[
                "null",
                "true",
                "false",
                "0",
                "-0",
                "1.5e3",
                "-12.34E-5",
                "9223372036854775807",
                "-9223372036854775808",
                "1e300",
                r#""""#,
                r#""a\u00e9""#,
                r#""\ud83d\ude00""#,
                r#""\ud800""#,
                r#""\u0000""#,
                r#""\/""#,
                "\"é中\"",
                r#""\t""#,
                "01",
                ".5",
            ];
            match if depth > 5 { 0 } else { self.below(4) } {
                0 | 1 => out.push_str(ATOMS[self.below(ATOMS.len())]),
                2 => {
                    out.push('[');
                    for i in 0..self.below(4) {
                        out.push_str(if i > 0 { "," } else { "" });
                        self.document(depth + 1, out);
                    }
                    out.push(']');
                }
                _ => {
                    out.push('{');
                    for i in 0..self.below(4) {
                        out.push_str(if i > 0 { "," } else { "" });
                        out.push_str(["\"a\"", "\"b\"", "\"\\u0061\""][self.below(3)]);
                        out.push(':');
                        self.document(depth + 1, out);
                    }
                    out.push('}');
                }
            }
        }

        fn mutated(&mut self) -> String {
            const BITS: &[&str] = &[
                "[", "]", "{", "}", ",", ":", " ", "\"", "\\", "\t", "\u{a0}", "x", "e", "-", "+",
                ".", "0", "\u{0}", "\u{1}",
            ];
            let mut text = String::new();
            self.document(0, &mut text);
            let mut chars: Vec<String> = text.chars().map(String::from).collect();
            for _ in 0..self.below(3) {
                let at = self.below(chars.len() + 1);
                let bit = BITS[self.below(BITS.len())].to_owned();
                match self.below(3) {
                    0 => chars.insert(at, bit),
                    1 if at < chars.len() => drop(chars.remove(at)),
                    _ if at < chars.len() => chars[at] = bit,
                    _ => {}
                }
            }
            chars.concat()
        }
    }

    #[test]
    fn twenty_thousand_generated_texts_agree_with_serde_json() {
        let mut texts = Texts(0x9E37_79B9_7F4A_7C15);
        let (mut accepted, mut rejected) = (0, 0);
        for _ in 0..20_000 {
            let text = texts.mutated();
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            match (Json::parse(&text), theirs) {
                (Ok(ours), Ok(theirs)) => {
                    accepted += 1;
                    let written: serde_json::Value = serde_json::from_str(&ours.to_string())
                        .unwrap_or_else(|e| panic!("{text:?} written invalid: {e}"));
                    assert_eq!(written, theirs, "{text:?}");
                    assert_eq!(Json::parse(&ours.to_string()).unwrap(), ours, "{text:?}");
                }
                (Err(_), Err(_)) => rejected += 1,
                // JSON's grammar has no range: a number beyond f64 is valid JSON (kept as
                // text here) that serde_json without arbitrary precision refuses.
                (Ok(_), Err(e)) if e.to_string().contains("number out of range") => {}
                (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
            }
        }
        // Both kinds occur in numbers, so the comparison means something either way.
        assert!(
            accepted > 2_000 && rejected > 2_000,
            "{accepted} / {rejected}"
        );
    }

    #[test]
    fn error_offsets_point_at_the_first_bad_byte() {
        assert_eq!(Json::parse("[1,]").unwrap_err().offset, 3);
        assert_eq!(Json::parse("").unwrap_err().offset, 0);
        assert_eq!(Json::parse("{\"a\":1} x").unwrap_err().offset, 8);
        assert_eq!(Json::parse(r#""\q""#).unwrap_err().offset, 2);
    }

    #[test]
    fn deep_nesting_is_refused_without_exhausting_the_stack() {
        let deep = "[".repeat(100_000);
        assert!(Json::parse(&deep).is_err());
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(Json::parse(&ok).is_ok());
    }

    #[test]
    fn repeated_keys_are_kept_and_lookups_take_the_last_like_serde_json() {
        let text = r#"{"a":1,"b":2,"a":3}"#;
        let v = Json::parse(text).unwrap();
        assert_eq!(v.to_string(), text);
        assert_eq!(v["a"].as_i64(), Some(3));
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(theirs["a"], 3);
        // Written back, a reader that takes the last value still sees 3.
        let again: serde_json::Value = serde_json::from_str(&v.to_string()).unwrap();
        assert_eq!(again["a"], 3);
    }

    #[test]
    fn many_distinct_keys_parse_without_a_per_key_search() {
        // 50 000 keys: with a search per key this took seconds (quadratic); now it is linear.
        let body: Vec<String> = (0..50_000).map(|i| format!("\"k{i}\":{i}")).collect();
        let v = Json::parse(&format!("{{{}}}", body.join(","))).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 50_000);
        assert_eq!(v["k49999"].as_i64(), Some(49_999));
    }

    #[test]
    fn hand_built_number_texts_cannot_inject_json() {
        let evil = Json::Number("1,\"admin\":true".into());
        let v = Json::object([("n", evil.clone())]);
        assert_eq!(v.to_string(), r#"{"n":null}"#);
        assert_eq!(evil.as_i64(), None);
        for bad in ["+5", " 7", "", "-", "abc", "1e", "0x10"] {
            assert_eq!(Json::Number(bad.into()).as_i64(), None, "{bad}");
            assert_eq!(Json::Number(bad.into()).to_string(), "null", "{bad}");
        }
    }

    #[test]
    fn integer_part_is_exact() {
        let cases = [
            ("0", Some(0)),
            ("-0", Some(0)),
            ("42", Some(42)),
            ("-42", Some(-42)),
            ("1.9", Some(1)),
            ("-1.9", Some(-1)),
            ("0.5", Some(0)),
            ("1.5e3", Some(1500)),
            ("15e-1", Some(1)),
            ("1e-400", Some(0)),
            ("9223372036854775807", Some(i64::MAX)),
            ("9223372036854775808", None),
            ("-9223372036854775808", Some(i64::MIN)),
            ("-9223372036854775809", None),
            ("1e19", None),
            ("1.7e9", Some(1_700_000_000)),
            ("1709193557.123", Some(1_709_193_557)),
            ("12E+2", Some(1200)),
            // Huge exponents: answered at once, not by multiplying by ten 2^31 times.
            ("0e2147483647", Some(0)),
            ("-0.0e2000000000", Some(0)),
            ("0e99999999999", Some(0)),
            ("1e99999999999", None),
            ("1e2147483647", None),
            ("1e-99999999999", Some(0)),
            ("-9e-233720368594775808", Some(0)),
            ("1e18", Some(1_000_000_000_000_000_000)),
            ("0.00001e5", Some(1)),
        ];
        for (text, expected) in cases {
            assert_eq!(Json::parse(text).unwrap().as_i64(), expected, "{text}");
        }
    }

    #[test]
    fn writer_escapes_what_json_requires() {
        let v = Json::from("q\"b\\n\nr\rt\t\u{1}\u{7f}é");
        assert_eq!(v.to_string(), "\"q\\\"b\\\\n\\nr\\rt\\t\\u0001\u{7f}é\"");
        let back: String = serde_json::from_str(&v.to_string()).unwrap();
        assert_eq!(back, "q\"b\\n\nr\rt\t\u{1}\u{7f}é");
    }

    #[test]
    fn indexing_missing_keys_and_wrong_types_gives_null() {
        let v = Json::parse(r#"{"a":[1]}"#).unwrap();
        assert!(v["b"].is_null());
        assert!(v["a"]["x"].is_null());
        assert!(v["a"][5].is_null());
        assert_eq!(v["a"][0], Json::from(1));
        assert_ne!(v["a"][0], "1");
    }

    #[test]
    fn conversions_and_object_builder() {
        let v = Json::object([
            ("s", Json::from("x")),
            ("n", Json::from(-7)),
            ("b", Json::from(false)),
            ("l", Json::from(vec!["a", "b"])),
            ("o", Json::from(None::<String>)),
            ("s", Json::from(String::from("y"))),
        ]);
        assert_eq!(
            v.to_string(),
            r#"{"s":"x","n":-7,"b":false,"l":["a","b"],"o":null,"s":"y"}"#
        );
        assert_eq!(v["s"], "y");
    }

    #[test]
    fn pretty_text_is_the_same_json_as_serde_json_pretty() {
        let text = r#"{"a":[1,{"b":null,"c":"x\"y"}],"e":[],"o":{},"n":-1.5}"#;
        let ours = Json::parse(text).unwrap().pretty();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&ours).unwrap(),
            theirs
        );
        assert!(
            ours.contains("\n  \"a\": [\n    1,\n    {\n      \"b\": null"),
            "{ours}"
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serializes_like_serde_json_reads_it() {
        let text = r#"{"a":[1,-2.5,"x",null,true],"b":{"c":{}}}"#;
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        let ours = serde_json::to_value(Json::parse(text).unwrap()).unwrap();
        assert_eq!(ours, theirs);
        // u64 beyond i64 stays exact; a number no 64-bit type holds is an error, not `null`.
        let big = serde_json::to_value(Json::parse("18446744073709551615").unwrap()).unwrap();
        assert_eq!(big, serde_json::json!(u64::MAX));
        assert!(serde_json::to_value(Json::parse("1e400").unwrap()).is_err());
    }

    #[test]
    fn floats_and_wide_integers_convert_to_valid_json_numbers() {
        for f in [
            0.0,
            -0.0,
            1.5,
            -2.25e-7,
            1e21,
            123456789.125,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            let text = Json::from(f).to_string();
            let back: f64 = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(back, f, "{text}");
        }
        assert_eq!(Json::from(f64::INFINITY), Json::Null);
        assert_eq!(Json::from(u64::MAX).to_string(), "18446744073709551615");
        assert_eq!(Json::from(7usize).as_i64(), Some(7));
    }

    #[test]
    fn typed_reads_name_the_bad_field() {
        let v = Json::parse(r#"{"s":"x","n":1,"z":null}"#).unwrap();
        assert_eq!(read::string(&v, "s"), Ok("x".to_owned()));
        assert_eq!(read::string(&v, "n"), Err("n"));
        assert_eq!(read::string(&v, "missing"), Err("missing"));
        assert_eq!(read::opt_string(&v, "z"), Ok(None));
        assert_eq!(read::opt_string(&v, "missing"), Ok(None));
        assert_eq!(read::opt_string(&v, "n"), Err("n"));
        assert!(read::opt(&v, "z").is_none() && read::opt(&v, "n").is_some());
    }
}
