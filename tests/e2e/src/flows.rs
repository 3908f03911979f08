//! Reusable user journeys: filling the emulator's hosted pages, signing in from the demo.

use std::time::Duration;

use serde_json::Value;

use crate::browser::Browser;
use crate::config::{DEMO_EMAIL, DEMO_PASSWORD};

/// Waits for the emulator's hosted sign-in form, submits `email`/`password`, and picks the
/// organization at `org_index` when the organization picker appears (the demo user has two).
pub async fn complete_hosted_sign_in(b: &Browser, email: &str, password: &str, org_index: usize) {
    b.wait_url("the hosted sign-in page", |u| u.contains("/hosted/sign-in"))
        .await;
    b.fill("#email", email).await.unwrap();
    b.fill("#password", password).await.unwrap();
    b.click("#submit").await.unwrap();
    // Either the organization picker (same origin, radio inputs) or already back at the app.
    let picker = b
        .wait_for("the org picker or the app", || async {
            let url = b.url().await.ok()?;
            if b.exists("input[name=organization_id]").await {
                Some(true)
            } else if !url.contains("/hosted/") {
                Some(false)
            } else {
                None
            }
        })
        .await;
    if picker {
        b.click(&format!("#org-{org_index}")).await.unwrap();
        b.click("#submit").await.unwrap();
    }
}

/// From the demo's home page at `home_url`, signed out: click Sign in and wait for the
/// emulator's hosted sign-in page.
pub async fn open_hosted_sign_in(b: &Browser, home_url: &str) {
    b.goto(home_url).await.unwrap();
    b.wait_status("signed-out").await;
    b.click("#sign-in").await.unwrap();
    b.wait_url("the hosted sign-in page", |u| u.contains("/hosted/sign-in"))
        .await;
}

/// From the demo's home page at `home_url`: click Sign in, sign in as the seed demo user in
/// the organization at `org_index`, and wait until the demo shows `signed-in`.
pub async fn sign_in_demo_user(b: &Browser, home_url: &str, org_index: usize) {
    open_hosted_sign_in(b, home_url).await;
    complete_hosted_sign_in(b, DEMO_EMAIL, DEMO_PASSWORD, org_index).await;
    b.wait_status("signed-in").await;
}

/// The code an authenticator app shows for `secret` (base32) at `unix_secs`: RFC 6238 with
/// SHA-1, 6 digits and 30-second steps, computed by `totp-rs`.
///
/// ```
/// // RFC 6238 appendix B (SHA-1, T = 59 s): the last 6 of its 8 digits.
/// assert_eq!(authkit_e2e::flows::totp_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59), "287082");
/// ```
pub fn totp_code(secret: &str, unix_secs: u64) -> String {
    use totp_rs::{Algorithm, Secret, TOTP};
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .expect("a base32 secret");
    TOTP::new(Algorithm::SHA1, 6, 0, 30, bytes)
        .expect("a 6-digit TOTP with a secret of at least 128 bits")
        .generate(unix_secs)
}

/// `s` form-urlencoded (for a query value).
///
/// ```
/// assert_eq!(authkit_e2e::flows::encode("http://a:1/b c"), "http%3A%2F%2Fa%3A1%2Fb%20c");
/// ```
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The paths of the emulator's request log, in order (`"GET /hosted/sign-in"`), without the
/// control API.
pub fn log_lines(log: &[Value]) -> Vec<String> {
    log.iter()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap_or("?"),
                r["path"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// The short access-token lifetime of the refresh scenarios and the bench, in seconds.
pub const SHORT_TTL_SECS: u64 = 15;

/// The SDK's default `refresh_buffer_secs` (the demo keeps it): a refresh comes this long
/// before expiry, so one every `SHORT_TTL_SECS - REFRESH_BUFFER_SECS` seconds.
pub const REFRESH_BUFFER_SECS: u64 = 10;

/// Makes the dev-mode emulator issue [`SHORT_TTL_SECS`] access tokens, signs the demo user in
/// from the demo's home page, and returns the session id the demo shows.
pub async fn sign_in_with_short_tokens(ctx: &crate::Ctx) -> String {
    ctx.emu
        .set_config(serde_json::json!({ "access_token_ttl_secs": SHORT_TTL_SECS }))
        .await
        .unwrap();
    sign_in_demo_user(&ctx.browser, &ctx.dev_url("/"), 0).await;
    ctx.browser.wait_element("#session-id").await
}

/// True when `url` carries an OAuth callback parameter (`code`, `state`, `error`).
///
/// ```
/// use authkit_e2e::flows::has_callback_params;
/// assert!(has_callback_params("http://x/account?code=1&state=2"));
/// assert!(has_callback_params("http://x/account?a=1&error=access_denied"));
/// assert!(!has_callback_params("http://x/account?encode=1"));
/// ```
pub fn has_callback_params(url: &str) -> bool {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let query = query.split('#').next().unwrap_or("");
    query.split('&').any(|pair| {
        let key = pair.split('=').next().unwrap_or("");
        matches!(key, "code" | "state" | "error" | "error_description")
    })
}

/// The path of `url` (`/account` for `http://host:1/account?x#y`).
///
/// ```
/// assert_eq!(authkit_e2e::flows::path_of("http://h:1/account?x=1"), "/account");
/// assert_eq!(authkit_e2e::flows::path_of("http://h:1"), "/");
/// ```
pub fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
    path.split(['?', '#']).next().unwrap_or("/").to_owned()
}

/// Every string in browser storage: values, and the string leaves of values that are JSON.
pub fn storage_strings(store: &serde_json::Map<String, Value>) -> Vec<String> {
    fn leaves(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| leaves(x, out)),
            Value::Object(o) => o.values().for_each(|x| leaves(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for value in store.values() {
        if let Some(s) = value.as_str() {
            out.push(s.to_owned());
            if let Ok(json) = serde_json::from_str::<Value>(s) {
                leaves(&json, &mut out);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Decodes the payload of a JWT (no signature check) for assertions.
pub fn jwt_claims(token: &str) -> Option<Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A deadline for waits that span several token lifetimes.
pub fn long_wait(lifetimes: u32, ttl_secs: u64) -> Duration {
    Duration::from_secs(ttl_secs * u64::from(lifetimes) + 30)
}
