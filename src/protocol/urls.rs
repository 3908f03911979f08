//! URLs the SDK builds: authorize, logout, authenticate; and query-string encoding.
//!
//! Encoding follows the `application/x-www-form-urlencoded` serializer of the URL Standard (the
//! `form_urlencoded` crate), which is what `URLSearchParams` (and therefore authkit-js)
//! produces: ASCII alphanumerics and `*-._` are kept, a space becomes `+`, every other byte of
//! the UTF-8 encoding becomes `%XX` (upper-case hex). The decoding counterpart is
//! [`parse_query`].

use serde_json::Value;

use crate::options::SignInOptions;

/// Which hosted screen to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Sign-in (no `screen_hint` is sent).
    SignIn,
    /// Sign-up (`screen_hint=sign-up`).
    SignUp,
}

/// Form-urlencodes one key or value exactly as `URLSearchParams` does (the `form_urlencoded`
/// crate's serializer of the URL Standard).
fn form_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Splits a query string (with or without a leading `?`) into decoded `(key, value)` pairs in
/// order, as `new URLSearchParams(query)` does: empty segments are skipped, a segment without
/// `=` has an empty value, keys may repeat.
///
/// ```
/// use authkit_yew::protocol::urls::parse_query;
/// assert_eq!(
///     parse_query("?code=a%2Bb&flag&&x=1+2"),
///     vec![("code".into(), "a+b".into()), ("flag".into(), "".into()), ("x".into(), "1 2".into())]
/// );
/// ```
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Encodes pairs as `application/x-www-form-urlencoded` in the order given, `None` or empty
/// values dropped (authkit-js's `toQueryString`).
///
/// authkit-js sorts the keys; the one caller, [`authorize_url`], lists its keys already sorted
/// by their bytes (a fixed list, checked by a test), so nothing is sorted at run time.
///
/// ```
/// use authkit_yew::protocol::urls::to_query_string;
/// assert_eq!(to_query_string(&[("a", Some("x y")), ("b", Some("2")), ("c", None), ("d", Some(""))]), "a=x+y&b=2");
/// ```
pub fn to_query_string(pairs: &[(&str, Option<&str>)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        let Some(v) = v.filter(|v| !v.is_empty()) else {
            continue;
        };
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&form_encode(k));
        out.push('=');
        out.push_str(&form_encode(v));
    }
    out
}

/// `JSON.stringify(state)` when `state` is truthy in JavaScript terms, as authkit-js sends it:
/// `null`, `false`, `0` and `""` send no `state` at all.
fn state_param(state: Option<&Value>) -> Option<String> {
    match state? {
        Value::Null | Value::Bool(false) => None,
        // `0`, `-0`, `0.0`, `0e5`.
        Value::Number(n) if n.as_f64() == Some(0.0) => None,
        Value::String(s) if s.is_empty() => None,
        // `to_string` (not `Display`): the same serializer as every other JSON the SDK writes.
        other => serde_json::to_string(other).ok(),
    }
}

/// `{base_url}/user_management/authorize?…` with `client_id`, `code_challenge`,
/// `code_challenge_method=S256`, `provider=authkit`, `redirect_uri`, `response_type=code`, the
/// options (`state` as JSON, `organization_id`, `login_hint`, `invitation_token`,
/// `password_reset_token`) and `screen_hint=sign-up` for [`Screen::SignUp`] only.
///
/// Keys are sorted and empty options are left out, so the URL is byte-for-byte what authkit-js
/// builds. A `state` that JavaScript considers falsy (`null`, `false`, `0`, `""`) is not sent.
///
/// ```
/// use authkit_yew::protocol::urls::{authorize_url, Screen};
/// use authkit_yew::SignInOptions;
/// let url = authorize_url(
///     "http://localhost:4100",
///     "client_demo",
///     "http://localhost:5173/account",
///     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
///     Screen::SignUp,
///     &SignInOptions::new().login_hint("ada@example.com"),
/// );
/// assert_eq!(
///     url,
///     "http://localhost:4100/user_management/authorize?client_id=client_demo\
///      &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256\
///      &login_hint=ada%40example.com&provider=authkit\
///      &redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Faccount&response_type=code&screen_hint=sign-up"
/// );
/// ```
pub fn authorize_url(
    base_url: &str,
    client_id: &str,
    redirect_uri: &str,
    code_challenge: &str,
    screen: Screen,
    options: &SignInOptions,
) -> String {
    let state = state_param(options.state.as_ref());
    let screen_hint = match screen {
        Screen::SignIn => None,
        Screen::SignUp => Some("sign-up"),
    };
    // Sorted by bytes, as authkit-js sorts them (`authorize_url_keys_are_sorted_by_bytes`).
    let query = to_query_string(&[
        ("client_id", Some(client_id)),
        ("code_challenge", Some(code_challenge)),
        ("code_challenge_method", Some("S256")),
        ("invitation_token", options.invitation_token.as_deref()),
        ("login_hint", options.login_hint.as_deref()),
        ("organization_id", options.organization_id.as_deref()),
        (
            "password_reset_token",
            options.password_reset_token.as_deref(),
        ),
        ("provider", Some("authkit")),
        ("redirect_uri", Some(redirect_uri)),
        ("response_type", Some("code")),
        ("screen_hint", screen_hint),
        ("state", state.as_deref()),
    ]);
    format!("{base_url}/user_management/authorize?{query}")
}

/// `{base_url}/user_management/sessions/logout?session_id=…[&return_to=…]`.
///
/// `session_id` is always sent; an empty `return_to` is left out (as authkit-js does).
///
/// ```
/// use authkit_yew::protocol::urls::logout_url;
/// assert_eq!(
///     logout_url("https://auth.example.com", "session_1", Some("https://app.example.com/?bye=1")),
///     "https://auth.example.com/user_management/sessions/logout?session_id=session_1\
///      &return_to=https%3A%2F%2Fapp.example.com%2F%3Fbye%3D1"
/// );
/// ```
pub fn logout_url(base_url: &str, session_id: &str, return_to: Option<&str>) -> String {
    let mut url = format!(
        "{base_url}/user_management/sessions/logout?session_id={}",
        form_encode(session_id)
    );
    if let Some(return_to) = return_to.filter(|r| !r.is_empty()) {
        url.push_str("&return_to=");
        url.push_str(&form_encode(return_to));
    }
    url
}

/// `{base_url}/user_management/authenticate`.
///
/// ```
/// use authkit_yew::protocol::urls::authenticate_url;
/// assert_eq!(authenticate_url("https://api.workos.com"), "https://api.workos.com/user_management/authenticate");
/// ```
pub fn authenticate_url(base_url: &str) -> String {
    format!("{base_url}/user_management/authenticate")
}

/// The sign-in options a sign-in endpoint forwards from its query string (`login_hint`,
/// `organization_id`, `invitation_token`); everything else is ignored.
///
/// The query may start with `?`; values are decoded, the first occurrence of a key wins, and
/// empty values count as absent.
///
/// ```
/// use authkit_yew::protocol::urls::sign_in_endpoint_options;
/// let opts = sign_in_endpoint_options("?login_hint=ada%40example.com&context=x&organization_id=");
/// assert_eq!(opts.login_hint.as_deref(), Some("ada@example.com"));
/// assert_eq!(opts.organization_id, None);
/// assert_eq!(opts.state, None);
/// ```
pub fn sign_in_endpoint_options(query: &str) -> SignInOptions {
    let pairs = parse_query(query);
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    SignInOptions {
        login_hint: get("login_hint"),
        organization_id: get("organization_id"),
        invitation_token: get("invitation_token"),
        ..SignInOptions::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BASE: &str = "https://api.workos.com";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const REDIRECT: &str = "http://localhost:5173/account";

    fn sign_in(options: &SignInOptions) -> String {
        authorize_url(
            BASE,
            "client_123",
            REDIRECT,
            CHALLENGE,
            Screen::SignIn,
            options,
        )
    }

    // toQueryString (authkit-js test names: empty, one pair, many, undefined omitted,
    // deterministic key order).

    #[test]
    fn query_string_of_nothing_is_empty() {
        assert_eq!(to_query_string(&[]), "");
    }

    #[test]
    fn query_string_of_one_pair() {
        assert_eq!(to_query_string(&[("a", Some("1"))]), "a=1");
    }

    #[test]
    fn query_string_of_many_pairs_joins_with_ampersand() {
        assert_eq!(
            to_query_string(&[("a", Some("1")), ("b", Some("2")), ("c", Some("3"))]),
            "a=1&b=2&c=3"
        );
    }

    #[test]
    fn query_string_omits_none_and_empty_values() {
        assert_eq!(
            to_query_string(&[("a", None), ("b", Some("")), ("c", Some("3"))]),
            "c=3"
        );
        assert_eq!(to_query_string(&[("a", None), ("b", Some(""))]), "");
    }

    #[test]
    fn query_string_keeps_the_order_given() {
        assert_eq!(
            to_query_string(&[("k", Some("2")), ("a", Some("x")), ("k", Some("1"))]),
            "k=2&a=x&k=1"
        );
    }

    #[test]
    fn query_string_encodes_like_url_search_params() {
        assert_eq!(form_encode("AZaz09*-._"), "AZaz09*-._");
        assert_eq!(form_encode(" "), "+");
        assert_eq!(form_encode("~!'()"), "%7E%21%27%28%29");
        assert_eq!(form_encode("+&=/?:#%"), "%2B%26%3D%2F%3F%3A%23%25");
        assert_eq!(form_encode("é€😀"), "%C3%A9%E2%82%AC%F0%9F%98%80");
        assert_eq!(form_encode("\n\t\0"), "%0A%09%00");
        assert_eq!(
            to_query_string(&[("redirect_uri", Some("http://x:1/a b?c=d"))]),
            "redirect_uri=http%3A%2F%2Fx%3A1%2Fa+b%3Fc%3Dd"
        );
    }

    #[test]
    fn query_string_encodes_keys_too() {
        assert_eq!(to_query_string(&[("a b", Some("c"))]), "a+b=c");
    }

    /// The value of `v=<text>` as `parse_query` decodes it.
    fn decode(text: &str) -> String {
        parse_query(&format!("v={text}")).remove(0).1
    }

    #[test]
    fn decode_reverses_encode_for_any_text() {
        for s in [
            "",
            "plain",
            "a b+c",
            "100%",
            "é€😀 /?#&=",
            "*-._~",
            "\u{7f}\u{1}",
        ] {
            assert_eq!(decode(&form_encode(s)), s, "{s:?}");
        }
    }

    #[test]
    fn decode_keeps_malformed_escapes_literally() {
        assert_eq!(decode("%"), "%");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("%zz1"), "%zz1");
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%41%"), "A%");
        assert_eq!(decode("%e2%82%ac"), "€");
        assert_eq!(decode("a+b%26c%3dd%2F%C3%A9%zz"), "a b&c=d/é%zz");
    }

    #[test]
    fn decode_replaces_invalid_utf8() {
        assert_eq!(decode("%FFa"), "\u{FFFD}a");
    }

    #[test]
    fn parse_query_handles_prefix_empty_segments_and_missing_values() {
        assert_eq!(parse_query(""), vec![]);
        assert_eq!(parse_query("?"), vec![]);
        assert_eq!(
            parse_query("a=1&&b&c==d"),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), String::new()),
                ("c".to_owned(), "=d".to_owned())
            ]
        );
    }

    // Authorize URL (authkit-js: exact query-param sets of sign-in and sign-up).

    #[test]
    fn sign_in_url_has_exactly_the_reference_params() {
        assert_eq!(
            sign_in(&SignInOptions::default()),
            "https://api.workos.com/user_management/authorize?client_id=client_123\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256&provider=authkit\
             &redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Faccount&response_type=code"
        );
    }

    #[test]
    fn sign_up_url_adds_only_screen_hint_sign_up() {
        let url = authorize_url(
            BASE,
            "client_123",
            REDIRECT,
            CHALLENGE,
            Screen::SignUp,
            &SignInOptions::default(),
        );
        assert_eq!(
            url,
            format!("{}&screen_hint=sign-up", sign_in(&SignInOptions::default()))
        );
    }

    #[test]
    fn sign_in_url_never_sends_screen_hint() {
        let url = sign_in(
            &SignInOptions::new()
                .login_hint("a@b.c")
                .organization_id("org_1"),
        );
        assert!(!url.contains("screen_hint"));
    }

    #[test]
    fn authorize_url_puts_every_option_in_sorted_position() {
        let options = SignInOptions::new()
            .state(json!({"return_to": "/account"}))
            .organization_id("org_01H")
            .login_hint("ada+test@example.com")
            .invitation_token("inv_1")
            .password_reset_token("prt 1");
        let url = authorize_url(
            BASE,
            "client_123",
            REDIRECT,
            CHALLENGE,
            Screen::SignUp,
            &options,
        );
        assert_eq!(
            url,
            "https://api.workos.com/user_management/authorize?client_id=client_123\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256&invitation_token=inv_1\
             &login_hint=ada%2Btest%40example.com&organization_id=org_01H\
             &password_reset_token=prt+1&provider=authkit\
             &redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Faccount&response_type=code\
             &screen_hint=sign-up&state=%7B%22return_to%22%3A%22%2Faccount%22%7D"
        );
    }

    #[test]
    fn authorize_url_keys_are_sorted_by_bytes() {
        // authkit-js sorts the keys with JavaScript's default sort; `authorize_url` lists them
        // in that order, so adding a key out of place fails here.
        let options = SignInOptions::new()
            .state(json!({"a": 1}))
            .organization_id("o")
            .login_hint("l")
            .invitation_token("i")
            .password_reset_token("p");
        let url = authorize_url(BASE, "c", REDIRECT, CHALLENGE, Screen::SignUp, &options);
        let keys: Vec<String> = parse_query(url.split_once('?').unwrap().1)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys.len(), 12);
        assert_eq!(keys, sorted);
    }

    #[test]
    fn authorize_url_drops_empty_options() {
        let options = SignInOptions::new()
            .organization_id("")
            .login_hint("")
            .invitation_token("")
            .password_reset_token("");
        assert_eq!(sign_in(&options), sign_in(&SignInOptions::default()));
    }

    #[test]
    fn authorize_url_sends_state_as_json() {
        let url = sign_in(&SignInOptions::new().state(json!("plain")));
        assert!(url.ends_with("&state=%22plain%22"), "{url}");
        let url = sign_in(&SignInOptions::new().state(json!([1, true])));
        assert!(url.ends_with("&state=%5B1%2Ctrue%5D"), "{url}");
        let url = sign_in(&SignInOptions::new().state(json!({})));
        assert!(url.ends_with("&state=%7B%7D"), "{url}");
        let url = sign_in(&SignInOptions::new().state(json!(42)));
        assert!(url.ends_with("&state=42"), "{url}");
    }

    #[test]
    fn authorize_url_omits_state_that_javascript_considers_falsy() {
        let bare = sign_in(&SignInOptions::default());
        for falsy in [json!(null), json!(false), json!(0), json!(0.0), json!("")] {
            assert_eq!(
                sign_in(&SignInOptions::new().state(falsy.clone())),
                bare,
                "{falsy}"
            );
        }
        assert_ne!(sign_in(&SignInOptions::new().state(json!(true))), bare);
    }

    #[test]
    fn authorize_url_uses_the_base_url_verbatim() {
        let url = authorize_url(
            "http://localhost:4100",
            "c",
            "http://localhost:5173",
            "x",
            Screen::SignIn,
            &SignInOptions::default(),
        );
        assert!(
            url.starts_with("http://localhost:4100/user_management/authorize?client_id=c&"),
            "{url}"
        );
    }

    // Logout URL (authkit-js http-client: with and without return_to).

    #[test]
    fn logout_url_without_return_to() {
        assert_eq!(
            logout_url(BASE, "session_01HQ", None),
            "https://api.workos.com/user_management/sessions/logout?session_id=session_01HQ"
        );
    }

    #[test]
    fn logout_url_with_return_to_is_encoded() {
        assert_eq!(
            logout_url(BASE, "session_01HQ", Some("http://localhost:5173/?a=b c")),
            "https://api.workos.com/user_management/sessions/logout?session_id=session_01HQ\
             &return_to=http%3A%2F%2Flocalhost%3A5173%2F%3Fa%3Db+c"
        );
    }

    #[test]
    fn logout_url_ignores_empty_return_to() {
        assert_eq!(logout_url(BASE, "s", Some("")), logout_url(BASE, "s", None));
    }

    #[test]
    fn logout_url_encodes_the_session_id() {
        assert_eq!(
            logout_url(BASE, "a&b", None),
            "https://api.workos.com/user_management/sessions/logout?session_id=a%26b"
        );
    }

    #[test]
    fn authenticate_url_appends_the_path() {
        assert_eq!(
            authenticate_url("http://127.0.0.2:4100"),
            "http://127.0.0.2:4100/user_management/authenticate"
        );
    }

    // Sign-in endpoint.

    #[test]
    fn sign_in_endpoint_forwards_the_three_known_params() {
        let opts = sign_in_endpoint_options(
            "?login_hint=ada%40example.com&organization_id=org_1&invitation_token=inv+1&context=old&state=%7B%7D",
        );
        assert_eq!(opts.login_hint.as_deref(), Some("ada@example.com"));
        assert_eq!(opts.organization_id.as_deref(), Some("org_1"));
        assert_eq!(opts.invitation_token.as_deref(), Some("inv 1"));
        assert_eq!(opts.state, None);
        assert_eq!(opts.password_reset_token, None);
    }

    #[test]
    fn sign_in_endpoint_with_no_query_is_default() {
        assert_eq!(sign_in_endpoint_options(""), SignInOptions::default());
        assert_eq!(sign_in_endpoint_options("?"), SignInOptions::default());
        assert_eq!(
            sign_in_endpoint_options("?foo=bar"),
            SignInOptions::default()
        );
    }

    #[test]
    fn sign_in_endpoint_takes_first_value_and_ignores_empty() {
        let opts = sign_in_endpoint_options(
            "login_hint=&login_hint=b&organization_id=o1&organization_id=o2",
        );
        assert_eq!(opts.login_hint, None);
        assert_eq!(opts.organization_id.as_deref(), Some("o1"));
    }
}
