//! Runtime settings: token lifetimes, grace window, cookie behaviour, rate limits. Seeded from
//! the `[settings]` table of the seed, overridable by flags and by `POST /_emulator/config`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What the old refresh token does inside the grace window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GraceMode {
    /// Return the same successor refresh token (and a fresh access token).
    #[default]
    SameSuccessor,
    /// Answer `429 too_many_requests` with `Retry-After: 1` (the "contention" answer).
    Contention,
}

/// A fixed-window rate limit for one `"METHOD /path"` route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: u32,
    /// Window length in seconds.
    pub window_secs: u32,
    /// Which of the two documented 429 bodies to send.
    #[serde(default)]
    pub body: RateLimitBody,
}

/// The 429 body shapes of the WorkOS spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RateLimitBody {
    /// `{"error":"too_many_requests","error_description":…}`.
    #[default]
    TooManyRequests,
    /// `{"code":"daily_quota_exceeded","message":…}`.
    DailyQuotaExceeded,
}

/// The effective emulator settings.
///
/// ```
/// let s = authkit_emulator::settings::Settings::default();
/// assert_eq!(s.access_token_ttl_secs, 300);
/// assert_eq!(s.refresh_grace_secs, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Access-token lifetime (`exp - iat`), seconds. WorkOS default: 300.
    pub access_token_ttl_secs: i64,
    /// Window after a rotation during which the old refresh token still works, seconds.
    pub refresh_grace_secs: i64,
    /// What a replay inside the grace window gets.
    pub refresh_grace_mode: GraceMode,
    /// Authorization-code lifetime, seconds.
    pub code_ttl_secs: i64,
    /// Maximum session length, seconds (impersonation sessions are capped at 3600).
    pub session_lifetime_secs: i64,
    /// End a session not refreshed for this long, seconds (`null`: never).
    pub inactivity_timeout_secs: Option<i64>,
    /// Set the refresh cookie and `workos-has-session` on exchanges from allowed origins.
    pub cookie_mode: bool,
    /// Pretend the browser dropped the refresh cookie (Safari ITP, third-party cookies off).
    pub third_party_cookies_blocked: bool,
    /// Per-route limits keyed by `"METHOD /path"`, e.g. `"POST /user_management/authenticate"`.
    pub rate_limits: BTreeMap<String, RateLimit>,
    /// Issuer base; `null` means the request's own `scheme://host`. The `iss` claim is
    /// `{issuer_base}/user_management/{client_id}`.
    pub issuer_base: Option<String>,
    /// An `aud` claim to add; `null` (the default, like live WorkOS tokens) adds none.
    pub audience: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            access_token_ttl_secs: 300,
            refresh_grace_secs: 0,
            refresh_grace_mode: GraceMode::SameSuccessor,
            code_ttl_secs: 600,
            session_lifetime_secs: 30 * 24 * 3600,
            inactivity_timeout_secs: None,
            cookie_mode: true,
            third_party_cookies_blocked: false,
            rate_limits: BTreeMap::new(),
            issuer_base: None,
            audience: None,
        }
    }
}

/// A partial update from `POST /_emulator/config`; absent fields are left unchanged.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// See [`Settings::access_token_ttl_secs`].
    pub access_token_ttl_secs: Option<i64>,
    /// See [`Settings::refresh_grace_secs`].
    pub refresh_grace_secs: Option<i64>,
    /// See [`Settings::refresh_grace_mode`].
    pub refresh_grace_mode: Option<GraceMode>,
    /// See [`Settings::code_ttl_secs`].
    pub code_ttl_secs: Option<i64>,
    /// See [`Settings::session_lifetime_secs`].
    pub session_lifetime_secs: Option<i64>,
    /// See [`Settings::inactivity_timeout_secs`] (`0` turns it off).
    pub inactivity_timeout_secs: Option<i64>,
    /// See [`Settings::cookie_mode`].
    pub cookie_mode: Option<bool>,
    /// See [`Settings::third_party_cookies_blocked`].
    pub third_party_cookies_blocked: Option<bool>,
    /// Replaces the whole rate-limit table.
    pub rate_limits: Option<BTreeMap<String, RateLimit>>,
    /// See [`Settings::issuer_base`] (`""` resets to the request host).
    pub issuer_base: Option<String>,
    /// See [`Settings::audience`] (`""` removes it).
    pub audience: Option<String>,
}

impl Settings {
    /// Apply a patch.
    pub fn apply(&mut self, p: SettingsPatch) {
        if let Some(v) = p.access_token_ttl_secs {
            self.access_token_ttl_secs = v.max(1);
        }
        if let Some(v) = p.refresh_grace_secs {
            self.refresh_grace_secs = v.max(0);
        }
        if let Some(v) = p.refresh_grace_mode {
            self.refresh_grace_mode = v;
        }
        if let Some(v) = p.code_ttl_secs {
            self.code_ttl_secs = v.max(1);
        }
        if let Some(v) = p.session_lifetime_secs {
            self.session_lifetime_secs = v.max(1);
        }
        if let Some(v) = p.inactivity_timeout_secs {
            self.inactivity_timeout_secs = (v > 0).then_some(v);
        }
        if let Some(v) = p.cookie_mode {
            self.cookie_mode = v;
        }
        if let Some(v) = p.third_party_cookies_blocked {
            self.third_party_cookies_blocked = v;
        }
        if let Some(v) = p.rate_limits {
            self.rate_limits = v;
        }
        if let Some(v) = p.audience {
            self.audience = (!v.is_empty()).then_some(v);
        }
        if let Some(v) = p.issuer_base {
            self.issuer_base = (!v.is_empty()).then(|| v.trim_end_matches('/').to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_changes_only_given_fields() {
        let mut s = Settings::default();
        let p: SettingsPatch = serde_json::from_str(
            r#"{"refresh_grace_secs":2,"inactivity_timeout_secs":0,"issuer_base":"https://x/"}"#,
        )
        .unwrap();
        s.apply(p);
        assert_eq!(s.refresh_grace_secs, 2);
        assert_eq!(s.access_token_ttl_secs, 300);
        assert_eq!(s.inactivity_timeout_secs, None);
        assert_eq!(s.issuer_base.as_deref(), Some("https://x"));
        assert!(serde_json::from_str::<SettingsPatch>(r#"{"nope":1}"#).is_err());
    }
}
