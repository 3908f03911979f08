//! Cookies: the HttpOnly refresh cookie and the readable `workos-has-session` cookie of cookie
//! mode, plus the emulator's own helper cookies. `Secure` is added only when the request came
//! over https (`X-Forwarded-Proto: https` from a TLS proxy); the emulator itself speaks plain
//! HTTP on loopback, where browsers would drop `Secure` cookies set over http. The two session
//! cookies are host-only unless a cookie domain is configured, and `SameSite=Lax` unless
//! `SameSite=None` (with `Secure`, whatever the scheme) is configured ([`Scope`]).

use axum::http::{header, HeaderMap, HeaderValue};

/// Name of the readable session-presence cookie.
pub const HAS_SESSION: &str = "workos-has-session";

/// Name of the HttpOnly refresh cookie for a client.
///
/// ```
/// assert_eq!(authkit_emulator::cookies::refresh_cookie_name("client_demo"),
///            "workos-refresh-token.client_demo");
/// ```
pub fn refresh_cookie_name(client_id: &str) -> String {
    format!("workos-refresh-token.{client_id}")
}

/// Read a cookie from the request.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_string())
}

/// Whether the request arrived over https (as told by a TLS-terminating proxy).
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn push(out: &mut HeaderMap, cookie: String) {
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        out.append(header::SET_COOKIE, v);
    }
}

/// How the two session cookies are scoped: host-only (the default) or with a `Domain=`, and
/// `SameSite=Lax` (the default) or `SameSite=None; Secure`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// The `Domain=` attribute (a checked [`Settings::cookie_domain`]); `None`: host-only.
    ///
    /// [`Settings::cookie_domain`]: crate::settings::Settings::cookie_domain
    pub domain: Option<String>,
    /// `SameSite=None; Secure` instead of `SameSite=Lax`.
    pub same_site_none: bool,
}

impl Scope {
    /// The scope the settings ask for.
    pub fn of(settings: &crate::settings::Settings) -> Self {
        Self {
            domain: settings.cookie_domain.clone(),
            same_site_none: settings.cookie_same_site == crate::settings::CookieSameSite::None,
        }
    }
}

/// Append a host-only `Set-Cookie`.
pub fn set(
    out: &mut HeaderMap,
    req: &HeaderMap,
    name: &str,
    value: &str,
    max_age: i64,
    http_only: bool,
) {
    set_in(out, req, &Scope::default(), name, value, max_age, http_only);
}

/// Append a `Set-Cookie` scoped by `scope`.
fn set_in(
    out: &mut HeaderMap,
    req: &HeaderMap,
    scope: &Scope,
    name: &str,
    value: &str,
    max_age: i64,
    http_only: bool,
) {
    let mut c = format!("{name}={value}; Path=/");
    if let Some(d) = &scope.domain {
        c.push_str("; Domain=");
        c.push_str(d);
    }
    let same_site = if scope.same_site_none { "None" } else { "Lax" };
    c.push_str(&format!("; Max-Age={max_age}; SameSite={same_site}"));
    if http_only {
        c.push_str("; HttpOnly");
    }
    if scope.same_site_none || is_https(req) {
        c.push_str("; Secure");
    }
    push(out, c);
}

/// Append a `Set-Cookie` that deletes a cookie.
pub fn clear(out: &mut HeaderMap, req: &HeaderMap, name: &str, http_only: bool) {
    set(out, req, name, "", 0, http_only);
}

/// Set the refresh cookie and add `client_id` to `workos-has-session` (a `.`-separated list).
pub fn set_session(
    out: &mut HeaderMap,
    req: &HeaderMap,
    scope: &Scope,
    client_id: &str,
    refresh_token: &str,
    max_age: i64,
) {
    set_in(
        out,
        req,
        scope,
        &refresh_cookie_name(client_id),
        refresh_token,
        max_age,
        true,
    );
    let mut ids: Vec<String> = get(req, HAS_SESSION)
        .map(|v| {
            v.split('.')
                .filter(|s| !s.is_empty() && *s != "1")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if !ids.iter().any(|i| i == client_id) {
        ids.push(client_id.to_string());
    }
    set_in(out, req, scope, HAS_SESSION, &ids.join("."), max_age, false);
}

/// Delete the refresh cookie and remove `client_id` from `workos-has-session` (deleting it
/// when no client is left). `scope` must be the one they were set with, or the browser keeps
/// them.
pub fn clear_session(out: &mut HeaderMap, req: &HeaderMap, scope: &Scope, client_id: &str) {
    set_in(
        out,
        req,
        scope,
        &refresh_cookie_name(client_id),
        "",
        0,
        true,
    );
    let rest: Vec<String> = get(req, HAS_SESSION)
        .map(|v| {
            v.split('.')
                .filter(|s| !s.is_empty() && *s != "1" && *s != client_id)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if rest.is_empty() {
        set_in(out, req, scope, HAS_SESSION, "", 0, false);
    } else {
        let value = rest.join(".");
        set_in(out, req, scope, HAS_SESSION, &value, 30 * 86_400, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        h
    }

    fn set_cookies(h: &HeaderMap) -> Vec<String> {
        h.get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn has_session_lists_clients() {
        let mut out = HeaderMap::new();
        set_session(
            &mut out,
            &req("workos-has-session=other"),
            &Scope::default(),
            "client_a",
            "t",
            60,
        );
        let c = set_cookies(&out);
        assert!(c[0].starts_with("workos-refresh-token.client_a=t;") && c[0].contains("HttpOnly"));
        assert!(
            c[1].starts_with("workos-has-session=other.client_a;") && !c[1].contains("HttpOnly")
        );

        let mut out = HeaderMap::new();
        clear_session(
            &mut out,
            &req("workos-has-session=other.client_a"),
            &Scope::default(),
            "client_a",
        );
        let c = set_cookies(&out);
        assert!(c[0].starts_with("workos-refresh-token.client_a=;") && c[0].contains("Max-Age=0"));
        assert!(c[1].starts_with("workos-has-session=other;"));

        let mut out = HeaderMap::new();
        clear_session(
            &mut out,
            &req("workos-has-session=client_a"),
            &Scope::default(),
            "client_a",
        );
        assert!(set_cookies(&out)[1].contains("Max-Age=0"));
    }

    #[test]
    fn reads_cookies_among_others() {
        let h = req("a=1; workos-has-session=client_demo; b=2");
        assert_eq!(get(&h, HAS_SESSION).as_deref(), Some("client_demo"));
        assert_eq!(get(&h, "missing"), None);
    }
}
