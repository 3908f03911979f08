//! Recognising the redirect callback and cleaning the address bar.

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
/// `query` may start with `?`.
pub fn parse_callback(redirect_path: &str, current_path: &str, query: &str) -> Callback {
    let _ = (redirect_path, current_path, query);
    todo!("sdk-core")
}

/// The query string without `code`, `state`, `error` and `error_description` (others kept in
/// order); empty string or `?…`.
///
/// ```
/// use authkit_yew::protocol::callback::strip_callback_params;
/// assert_eq!(strip_callback_params("?code=1&tab=2&state=x"), "?tab=2");
/// assert_eq!(strip_callback_params("?code=1"), "");
/// ```
pub fn strip_callback_params(query: &str) -> String {
    let _ = query;
    todo!("sdk-core")
}

/// Parses `state` as JSON; malformed state is `None` (ignored, never fatal).
pub fn parse_state(raw: Option<&str>) -> Option<serde_json::Value> {
    let _ = raw;
    todo!("sdk-core")
}

/// The `return_to` of a state object when it is a same-origin path (`/…`, not `//…`, no scheme,
/// no backslash), else `None`: no open redirects.
///
/// ```
/// use authkit_yew::protocol::callback::safe_return_to;
/// let ok = serde_json::json!({"return_to": "/account?tab=1"});
/// assert_eq!(safe_return_to(&ok).as_deref(), Some("/account?tab=1"));
/// let evil = serde_json::json!({"return_to": "//evil.example"});
/// assert_eq!(safe_return_to(&evil), None);
/// ```
pub fn safe_return_to(state: &serde_json::Value) -> Option<String> {
    let _ = state;
    todo!("sdk-core")
}
