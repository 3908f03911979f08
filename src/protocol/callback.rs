//! Recognising the redirect callback and cleaning the address bar.
//!
//! Everything here treats the URL as untrusted input: `state` may be anything, and a
//! `return_to` taken from it is followed only when it is a same-origin path.

use serde_json::Value;

use crate::protocol::urls::parse_query;

/// Query parameters removed from the address bar after a callback.
pub const CALLBACK_PARAMS: [&str; 4] = ["code", "state", "error", "error_description"];

/// What the current URL is, as far as sign-in is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Not a callback.
    None,
    /// `?code=…[&state=…]` on the redirect URI's path.
    Code {
        /// The authorization code.
        code: String,
        /// The raw `state` parameter.
        state: Option<String>,
    },
    /// `?error=…[&error_description=…][&state=…]` on the redirect URI's path.
    Error {
        /// The OAuth error code.
        error: String,
        /// The description.
        description: Option<String>,
        /// The raw `state` parameter.
        state: Option<String>,
    },
}

/// Classifies the current location: a callback needs the path of the redirect URI (or that path
/// plus `/`) and a `code` (or an `error`) parameter. Scheme, host and port are ignored.
///
/// `query` may start with `?`. Values are percent-decoded; when a key repeats, its first value
/// counts (as `URLSearchParams.get`). A `code` parameter wins over an `error` parameter, and its
/// mere presence makes a callback (as authkit-js's `searchParams.has("code")`), even when empty.
/// An empty `error_description` counts as absent.
///
/// ```
/// use authkit_yew::protocol::callback::{parse_callback, Callback};
/// assert_eq!(
///     parse_callback("/account", "/account/", "?code=01E2&state=%7B%7D"),
///     Callback::Code { code: "01E2".into(), state: Some("{}".into()) }
/// );
/// assert_eq!(parse_callback("/account", "/", "?code=01E2"), Callback::None);
/// ```
pub fn parse_callback(redirect_path: &str, current_path: &str, query: &str) -> Callback {
    let on_redirect_path = current_path == redirect_path
        || current_path
            .strip_suffix('/')
            .is_some_and(|without| without == redirect_path);
    if !on_redirect_path {
        return Callback::None;
    }
    let pairs = parse_query(query);
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let state = get("state");
    if let Some(code) = get("code") {
        return Callback::Code { code, state };
    }
    if let Some(error) = get("error") {
        let description = get("error_description").filter(|d| !d.is_empty());
        return Callback::Error {
            error,
            description,
            state,
        };
    }
    Callback::None
}

/// The path of a redirect URI, for [`parse_callback`]: `http://localhost:5173/account?x#y` →
/// `/account`. An origin without a path (`https://app.example.com`) gives `/`; a value that is
/// already a path is returned without its query and fragment.
///
/// ```
/// use authkit_yew::protocol::callback::redirect_path;
/// assert_eq!(redirect_path("http://localhost:5173/account?x=1"), "/account");
/// assert_eq!(redirect_path("capacitor://localhost"), "/");
/// assert_eq!(redirect_path("/callback#top"), "/callback");
/// ```
pub fn redirect_path(redirect_uri: &str) -> String {
    let without_fragment = redirect_uri.split('#').next().unwrap_or_default();
    let without_query = without_fragment.split('?').next().unwrap_or_default();
    let path = match without_query.find("://") {
        Some(i) => {
            let rest = &without_query[i + 3..];
            rest.find('/').map_or("", |slash| &rest[slash..])
        }
        None => without_query,
    };
    if path.is_empty() {
        "/".to_owned()
    } else {
        path.to_owned()
    }
}

/// The query string without `code`, `state`, `error` and `error_description` (others kept in
/// order); empty string or `?…`.
///
/// Kept parameters are copied byte-for-byte (not re-encoded); a key is matched after decoding,
/// so `co%64e=…` is removed too. Empty segments (`&&`) are dropped.
///
/// ```
/// use authkit_yew::protocol::callback::strip_callback_params;
/// assert_eq!(strip_callback_params("?code=1&tab=2&state=x"), "?tab=2");
/// assert_eq!(strip_callback_params("?code=1"), "");
/// ```
pub fn strip_callback_params(query: &str) -> String {
    let query = query.strip_prefix('?').unwrap_or(query);
    let kept: Vec<&str> = query
        .split('&')
        .filter(|segment| !segment.is_empty())
        .filter(|segment| {
            // The segment's key, decoded (so `co%64e` is `code` too).
            let key = form_urlencoded::parse(segment.as_bytes()).next();
            !key.is_some_and(|(key, _)| CALLBACK_PARAMS.contains(&key.as_ref()))
        })
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// Parses `state` as JSON; malformed state is `None` (ignored, never fatal).
///
/// Absent, empty, malformed and `null` state are all `None`; so is state nested deeper than
/// the JSON reader allows.
///
/// ```
/// use authkit_yew::protocol::callback::parse_state;
/// assert_eq!(parse_state(Some(r#"{"a":1}"#)), Some(serde_json::json!({"a": 1})));
/// assert_eq!(parse_state(Some("not json")), None);
/// ```
pub fn parse_state(raw: Option<&str>) -> Option<Value> {
    match serde_json::from_str(raw?) {
        Ok(Value::Null) | Err(_) => None,
        Ok(value) => Some(value),
    }
}

/// The `return_to` of a state object when it is a same-origin path (`/…`, not `//…`, no scheme,
/// no backslash), else `None`: no open redirects.
///
/// The key `returnTo` (the authkit-react convention) is read when `return_to` is absent. A
/// value is accepted only when it starts with exactly one `/` and has no backslash and no
/// control or whitespace-like character that a URL parser would strip (tabs and newlines would
/// turn `/\t/evil` into `//evil`).
///
/// ```
/// use authkit_yew::protocol::callback::safe_return_to;
/// use serde_json::json;
/// let ok = json!({"return_to": "/account?tab=1"});
/// assert_eq!(safe_return_to(&ok).as_deref(), Some("/account?tab=1"));
/// assert_eq!(safe_return_to(&json!({"return_to": "//evil.example"})), None);
/// ```
pub fn safe_return_to(state: &Value) -> Option<String> {
    let value = state
        .get("return_to")
        .or_else(|| state.get("returnTo"))?
        .as_str()?;
    is_same_origin_path(value).then(|| value.to_owned())
}

/// True for a path that stays on the current origin whatever the browser does with it.
fn is_same_origin_path(value: &str) -> bool {
    let mut chars = value.chars();
    if chars.next() != Some('/') {
        return false;
    }
    if matches!(chars.next(), Some('/')) {
        return false;
    }
    !value.chars().any(|c| c == '\\' || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code(code: &str, state: Option<&str>) -> Callback {
        Callback::Code {
            code: code.to_owned(),
            state: state.map(str::to_owned),
        }
    }

    // isRedirectCallback (authkit-js test names).

    #[test]
    fn callback_on_the_redirect_path_with_code() {
        assert_eq!(
            parse_callback("/callback", "/callback", "?code=abc"),
            code("abc", None)
        );
    }

    #[test]
    fn callback_on_the_redirect_path_with_trailing_slash() {
        assert_eq!(
            parse_callback("/callback", "/callback/", "?code=abc"),
            code("abc", None)
        );
    }

    #[test]
    fn no_code_is_not_a_callback() {
        assert_eq!(parse_callback("/callback", "/callback", ""), Callback::None);
        assert_eq!(
            parse_callback("/callback", "/callback", "?state=x&codes=1"),
            Callback::None
        );
    }

    #[test]
    fn different_path_is_not_a_callback() {
        assert_eq!(
            parse_callback("/callback", "/other", "?code=abc"),
            Callback::None
        );
        assert_eq!(
            parse_callback("/callback", "/callback/x", "?code=abc"),
            Callback::None
        );
        assert_eq!(
            parse_callback("/callback", "/callbackx", "?code=abc"),
            Callback::None
        );
        assert_eq!(
            parse_callback("/callback", "/callback//", "?code=abc"),
            Callback::None
        );
        assert_eq!(
            parse_callback("/callback", "/", "?code=abc"),
            Callback::None
        );
    }

    #[test]
    fn capacitor_android_origin_matches_on_path_only() {
        let path = redirect_path("http://localhost");
        assert_eq!(parse_callback(&path, "/", "?code=abc"), code("abc", None));
    }

    #[test]
    fn capacitor_ios_origin_matches_on_path_only() {
        let path = redirect_path("capacitor://localhost");
        assert_eq!(
            parse_callback(&path, "/", "?code=abc&state=s"),
            code("abc", Some("s"))
        );
    }

    #[test]
    fn callback_with_state_is_decoded() {
        assert_eq!(
            parse_callback(
                "/account",
                "/account",
                "code=c%2B1&state=%7B%22return_to%22%3A%22%2Fx%22%7D"
            ),
            code("c+1", Some(r#"{"return_to":"/x"}"#))
        );
    }

    #[test]
    fn first_code_wins_when_repeated() {
        assert_eq!(
            parse_callback("/a", "/a", "?code=1&code=2"),
            code("1", None)
        );
    }

    #[test]
    fn present_but_empty_code_is_still_a_code_callback() {
        assert_eq!(parse_callback("/a", "/a", "?code="), code("", None));
        assert_eq!(parse_callback("/a", "/a", "?code"), code("", None));
    }

    #[test]
    fn error_callback_carries_error_description_and_state() {
        assert_eq!(
            parse_callback(
                "/account",
                "/account",
                "?error=organization_invalid&error_description=No%20connection%20associated%20with%20organization&state=123456789"
            ),
            Callback::Error {
                error: "organization_invalid".into(),
                description: Some("No connection associated with organization".into()),
                state: Some("123456789".into()),
            }
        );
    }

    #[test]
    fn error_callback_without_description() {
        assert_eq!(
            parse_callback("/a", "/a/", "?error=access_denied&error_description="),
            Callback::Error {
                error: "access_denied".into(),
                description: None,
                state: None
            }
        );
    }

    #[test]
    fn error_on_another_path_is_not_a_callback() {
        assert_eq!(
            parse_callback("/account", "/", "?error=access_denied"),
            Callback::None
        );
    }

    #[test]
    fn code_wins_over_error() {
        assert_eq!(
            parse_callback("/a", "/a", "?error=x&code=c"),
            code("c", None)
        );
    }

    #[test]
    fn redirect_path_of_various_uris() {
        assert_eq!(redirect_path("http://localhost:5173/account"), "/account");
        assert_eq!(redirect_path("http://localhost:5173/account/"), "/account/");
        assert_eq!(redirect_path("https://app.example.com"), "/");
        assert_eq!(redirect_path("https://app.example.com/"), "/");
        assert_eq!(redirect_path("https://app.example.com?x=1"), "/");
        assert_eq!(redirect_path("https://app.example.com#frag"), "/");
        assert_eq!(redirect_path("https://app.example.com/a/b?x=1#y"), "/a/b");
        assert_eq!(redirect_path(""), "/");
    }

    // Stripping.

    #[test]
    fn strip_removes_code_and_state_keeping_other_params_in_order() {
        assert_eq!(
            strip_callback_params("?a=1&code=x&b=2&state=y&c=3"),
            "?a=1&b=2&c=3"
        );
    }

    #[test]
    fn strip_removes_error_params() {
        assert_eq!(
            strip_callback_params(
                "?error=access_denied&error_description=User+cancelled&state=s&keep=1"
            ),
            "?keep=1"
        );
    }

    #[test]
    fn strip_keeps_other_params_byte_for_byte() {
        assert_eq!(
            strip_callback_params("?q=a%20b+c&code=1&x=%E2%82%AC&flag&y=%zz"),
            "?q=a%20b+c&x=%E2%82%AC&flag&y=%zz"
        );
    }

    #[test]
    fn strip_matches_encoded_keys_and_repeated_keys() {
        assert_eq!(
            strip_callback_params("co%64e=1&code=2&st%61te=3&t=4"),
            "?t=4"
        );
    }

    #[test]
    fn strip_of_empty_or_only_callback_params_is_empty() {
        assert_eq!(strip_callback_params(""), "");
        assert_eq!(strip_callback_params("?"), "");
        assert_eq!(strip_callback_params("?code=1&state=2&&"), "");
    }

    #[test]
    fn strip_does_not_remove_lookalike_keys() {
        assert_eq!(
            strip_callback_params("?codes=1&state_x=2&error_code=3"),
            "?codes=1&state_x=2&error_code=3"
        );
    }

    // State.

    #[test]
    fn parse_state_reads_json() {
        assert_eq!(
            parse_state(Some(r#"{"return_to":"/a"}"#)),
            Some(json!({"return_to": "/a"}))
        );
        assert_eq!(parse_state(Some("[1,2]")), Some(json!([1, 2])));
        assert_eq!(parse_state(Some("\"s\"")), Some(json!("s")));
        assert_eq!(parse_state(Some("7")), Some(json!(7)));
    }

    #[test]
    fn malformed_state_is_ignored() {
        assert_eq!(parse_state(None), None);
        assert_eq!(parse_state(Some("")), None);
        assert_eq!(parse_state(Some("123456789x")), None);
        assert_eq!(parse_state(Some("{\"a\":")), None);
        assert_eq!(parse_state(Some("undefined")), None);
        assert_eq!(parse_state(Some("null")), None);
    }

    // return_to.

    fn rt(value: Value) -> Option<String> {
        safe_return_to(&json!({ "return_to": value }))
    }

    #[test]
    fn return_to_accepts_same_origin_paths() {
        for ok in [
            "/",
            "/account",
            "/account?tab=1#top",
            "/a/b/../c",
            "/%2F%2Fevil.example",
            "/é",
            "/a//b",
        ] {
            assert_eq!(rt(json!(ok)).as_deref(), Some(ok), "{ok}");
        }
    }

    #[test]
    fn return_to_rejects_protocol_relative_and_backslash_tricks() {
        for bad in [
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/a\\b",
        ] {
            assert_eq!(rt(json!(bad)), None, "{bad}");
        }
    }

    #[test]
    fn return_to_rejects_schemes_and_relative_paths() {
        for bad in [
            "https://evil.example/",
            "javascript:alert(1)",
            "data:text/html,x",
            "evil.example",
            "account",
            "./account",
            "?x=1",
            "#top",
            "",
            " /account",
        ] {
            assert_eq!(rt(json!(bad)), None, "{bad}");
        }
    }

    #[test]
    fn return_to_rejects_control_characters() {
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/a\rb",
            "/a\u{0}",
            "/a\u{7f}",
            "/a\u{85}",
        ] {
            assert_eq!(rt(json!(bad)), None, "{bad:?}");
        }
    }

    #[test]
    fn return_to_must_be_a_string_in_an_object() {
        assert_eq!(rt(json!(1)), None);
        assert_eq!(rt(json!(null)), None);
        assert_eq!(rt(json!(["/a"])), None);
        assert_eq!(safe_return_to(&json!("/a")), None);
        assert_eq!(safe_return_to(&json!({})), None);
        assert_eq!(safe_return_to(&json!(null)), None);
    }

    #[test]
    fn return_to_reads_camel_case_key_as_fallback() {
        assert_eq!(
            safe_return_to(&json!({"returnTo": "/x"})).as_deref(),
            Some("/x")
        );
        assert_eq!(safe_return_to(&json!({"returnTo": "//x"})), None);
        assert_eq!(
            safe_return_to(&json!({"return_to": "/snake", "returnTo": "/camel"})).as_deref(),
            Some("/snake")
        );
    }
}
