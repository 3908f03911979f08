//! Runtime settings: token lifetimes, grace window, cookie behaviour, rate limits, email
//! verification. Seeded from
//! the `[settings]` table of the seed, overridable by flags and by `POST /_emulator/config`.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

/// The accepted ranges of the numeric settings, in seconds. Seeds, flags and
/// `POST /_emulator/config` are checked against them.
pub mod limits {
    use std::ops::RangeInclusive;

    /// `access_token_ttl_secs`: one second to one year.
    pub const ACCESS_TOKEN_TTL: RangeInclusive<i64> = 1..=31_536_000;
    /// `refresh_grace_secs`: none to one day.
    pub const REFRESH_GRACE: RangeInclusive<i64> = 0..=86_400;
    /// `code_ttl_secs`: one second to one day.
    pub const CODE_TTL: RangeInclusive<i64> = 1..=86_400;
    /// `session_lifetime_secs`: one second to ten years.
    pub const SESSION_LIFETIME: RangeInclusive<i64> = 1..=315_360_000;
    /// `inactivity_timeout_secs` when set (`0` turns it off): one second to ten years.
    pub const INACTIVITY_TIMEOUT: RangeInclusive<i64> = 1..=315_360_000;
    /// A rate limit's `window_secs`: one second to one day.
    pub const RATE_WINDOW: RangeInclusive<i64> = 1..=86_400;
}

/// A setting outside its range, or malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// A number outside its range.
    #[error("{field} must be between {} and {} (got {value})", range.start(), range.end())]
    OutOfRange {
        /// The setting.
        field: String,
        /// What was given.
        value: i64,
        /// What is accepted.
        range: RangeInclusive<i64>,
    },
    /// A rate-limit key that names no route.
    #[error(
        "rate_limits key `{0}` must be \"METHOD /path\", e.g. \"POST /user_management/authenticate\""
    )]
    RateLimitKey(String),
    /// An issuer base that is not an http(s) URL.
    #[error("issuer_base `{0}` must be an http:// or https:// URL")]
    IssuerBase(String),
    /// A cookie domain that is not a bare host name.
    #[error(
        "cookie_domain `{0}` must be a bare host name such as example.test \
         (no scheme, port, path or spaces)"
    )]
    CookieDomain(String),
}

/// Check a cookie domain (see [`Settings::cookie_domain`]) and normalize it: a leading dot is
/// dropped (browsers ignore it) and letters are lowercased. It must be a host name: dot-separated
/// labels of ASCII letters, digits and inner hyphens, at most 253 characters.
///
/// ```
/// use authkit_emulator::settings::cookie_domain;
/// assert_eq!(cookie_domain(".Example.test").unwrap(), "example.test");
/// assert!(cookie_domain("https://example.test").is_err());
/// assert!(cookie_domain("example.test:4100").is_err());
/// ```
pub fn cookie_domain(value: &str) -> Result<String, SettingsError> {
    let host = value
        .strip_prefix('.')
        .unwrap_or(value)
        .to_ascii_lowercase();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.len() <= 253 && host.split('.').all(label_ok) {
        Ok(host)
    } else {
        Err(SettingsError::CookieDomain(value.to_string()))
    }
}

fn check(field: &str, value: i64, range: RangeInclusive<i64>) -> Result<(), SettingsError> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(SettingsError::OutOfRange {
            field: field.to_string(),
            value,
            range,
        })
    }
}

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

/// The `SameSite` attribute of the cookie-mode cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CookieSameSite {
    /// `SameSite=Lax`: enough when the app and the emulator are same-site.
    #[default]
    Lax,
    /// `SameSite=None; Secure`, for an app on another site. Over plain http, browsers accept
    /// `Secure` cookies from `localhost`; elsewhere put an https proxy in front.
    None,
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
    /// `Domain=` of the two cookie-mode cookies, e.g. `example.test` when the app runs on
    /// `app.example.test` and the emulator as `auth.example.test`; `null` (the default) keeps
    /// them host-only. Checked and normalized by [`cookie_domain`].
    pub cookie_domain: Option<String>,
    /// `SameSite` of the two cookie-mode cookies (`none` adds `Secure`).
    pub cookie_same_site: CookieSameSite,
    /// Per-route limits keyed by `"METHOD /path"`, e.g. `"POST /user_management/authenticate"`.
    pub rate_limits: BTreeMap<String, RateLimit>,
    /// Issuer base; `null` means the request's own `scheme://host`. The `iss` claim is
    /// `{issuer_base}/user_management/{client_id}`.
    pub issuer_base: Option<String>,
    /// An `aud` claim to add; `null` (the default, like live WorkOS tokens) adds none.
    pub audience: Option<String>,
    /// Require a verified email for password sign-ins and sign-ups: an unverified user gets
    /// a code by email (the mailbox) before the sign-in completes. Seed users are verified
    /// unless their `email_verified = false`.
    pub email_verification: bool,
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
            cookie_domain: None,
            cookie_same_site: CookieSameSite::Lax,
            rate_limits: BTreeMap::new(),
            issuer_base: None,
            audience: None,
            email_verification: true,
        }
    }
}

/// A partial update from `POST /_emulator/config`; absent fields are left unchanged.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
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
    /// See [`Settings::cookie_domain`] (`""` removes it).
    pub cookie_domain: Option<String>,
    /// See [`Settings::cookie_same_site`].
    pub cookie_same_site: Option<CookieSameSite>,
    /// Replaces the whole rate-limit table.
    pub rate_limits: Option<BTreeMap<String, RateLimit>>,
    /// See [`Settings::issuer_base`] (`""` resets to the request host).
    pub issuer_base: Option<String>,
    /// See [`Settings::audience`] (`""` removes it).
    pub audience: Option<String>,
    /// See [`Settings::email_verification`].
    pub email_verification: Option<bool>,
}

impl Settings {
    /// Check every setting against its range ([`limits`]). `inactivity_timeout_secs: 0` is
    /// read as "off".
    pub fn validate(mut self) -> Result<Self, SettingsError> {
        if self.inactivity_timeout_secs == Some(0) {
            self.inactivity_timeout_secs = None;
        }
        check(
            "access_token_ttl_secs",
            self.access_token_ttl_secs,
            limits::ACCESS_TOKEN_TTL,
        )?;
        check(
            "refresh_grace_secs",
            self.refresh_grace_secs,
            limits::REFRESH_GRACE,
        )?;
        check("code_ttl_secs", self.code_ttl_secs, limits::CODE_TTL)?;
        check(
            "session_lifetime_secs",
            self.session_lifetime_secs,
            limits::SESSION_LIFETIME,
        )?;
        if let Some(t) = self.inactivity_timeout_secs {
            check("inactivity_timeout_secs", t, limits::INACTIVITY_TIMEOUT)?;
        }
        for (key, limit) in &self.rate_limits {
            let route_ok = key.split_once(' ').is_some_and(|(method, path)| {
                !method.is_empty()
                    && method.bytes().all(|b| b.is_ascii_uppercase())
                    && path.starts_with('/')
                    && !path.contains(' ')
            });
            if !route_ok {
                return Err(SettingsError::RateLimitKey(key.clone()));
            }
            check(
                &format!("rate_limits.\"{key}\".window_secs"),
                i64::from(limit.window_secs),
                limits::RATE_WINDOW,
            )?;
        }
        if let Some(base) = &self.issuer_base {
            let ok = url::Url::parse(base).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
            if !ok {
                return Err(SettingsError::IssuerBase(base.clone()));
            }
        }
        if let Some(d) = &self.cookie_domain {
            self.cookie_domain = Some(cookie_domain(d)?);
        }
        Ok(self)
    }

    /// These settings with a patch applied, checked; `self` is left as it is.
    pub fn patched(&self, p: SettingsPatch) -> Result<Self, SettingsError> {
        let mut next = self.clone();
        if let Some(v) = p.access_token_ttl_secs {
            next.access_token_ttl_secs = v;
        }
        if let Some(v) = p.refresh_grace_secs {
            next.refresh_grace_secs = v;
        }
        if let Some(v) = p.refresh_grace_mode {
            next.refresh_grace_mode = v;
        }
        if let Some(v) = p.code_ttl_secs {
            next.code_ttl_secs = v;
        }
        if let Some(v) = p.session_lifetime_secs {
            next.session_lifetime_secs = v;
        }
        if let Some(v) = p.inactivity_timeout_secs {
            if v < 0 {
                check("inactivity_timeout_secs", v, limits::INACTIVITY_TIMEOUT)?;
            }
            next.inactivity_timeout_secs = Some(v);
        }
        if let Some(v) = p.cookie_mode {
            next.cookie_mode = v;
        }
        if let Some(v) = p.third_party_cookies_blocked {
            next.third_party_cookies_blocked = v;
        }
        if let Some(v) = p.cookie_same_site {
            next.cookie_same_site = v;
        }
        if let Some(v) = p.cookie_domain {
            next.cookie_domain = (!v.is_empty()).then_some(v);
        }
        if let Some(v) = p.rate_limits {
            next.rate_limits = v;
        }
        if let Some(v) = p.email_verification {
            next.email_verification = v;
        }
        if let Some(v) = p.audience {
            next.audience = (!v.is_empty()).then_some(v);
        }
        if let Some(v) = p.issuer_base {
            next.issuer_base = (!v.is_empty()).then(|| v.trim_end_matches('/').to_string());
        }
        next.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_changes_only_given_fields() {
        let s = Settings::default();
        let p: SettingsPatch = serde_json::from_str(
            r#"{"refresh_grace_secs":2,"inactivity_timeout_secs":0,"issuer_base":"https://x/"}"#,
        )
        .unwrap();
        let s = s.patched(p).unwrap();
        assert_eq!(s.refresh_grace_secs, 2);
        assert_eq!(s.access_token_ttl_secs, 300);
        assert_eq!(s.inactivity_timeout_secs, None);
        assert_eq!(s.issuer_base.as_deref(), Some("https://x"));
        assert!(serde_json::from_str::<SettingsPatch>(r#"{"nope":1}"#).is_err());
    }
}

#[cfg(test)]
mod range_tests {
    use super::*;
    use proptest::prelude::*;

    fn patch(json: serde_json::Value) -> Result<Settings, SettingsError> {
        Settings::default().patched(serde_json::from_value(json).unwrap())
    }

    #[test]
    fn out_of_range_values_are_named_with_their_range() {
        let e = patch(serde_json::json!({"session_lifetime_secs": -5})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "session_lifetime_secs must be between 1 and 315360000 (got -5)"
        );
        assert!(patch(serde_json::json!({"refresh_grace_secs": 86_401})).is_err());
        assert!(patch(serde_json::json!({"inactivity_timeout_secs": -1})).is_err());
        assert_eq!(
            patch(serde_json::json!({"inactivity_timeout_secs": 0}))
                .unwrap()
                .inactivity_timeout_secs,
            None
        );
        let e =
            patch(serde_json::json!({"rate_limits": {"/token": {"limit": 1, "window_secs": 1}}}))
                .unwrap_err();
        assert!(matches!(e, SettingsError::RateLimitKey(_)));
        let e =
            patch(serde_json::json!({"rate_limits": {"GET /x": {"limit": 1, "window_secs": 0}}}))
                .unwrap_err();
        assert!(e
            .to_string()
            .contains("window_secs must be between 1 and 86400"));
        assert!(patch(serde_json::json!({"issuer_base": "ftp://x"})).is_err());
        for bad in [
            "https://example.test",
            "example.test:4100",
            "example.test/",
            "exa mple.test",
            ".",
            "example..test",
            "-example.test",
            "ex_ample.test",
        ] {
            let e = patch(serde_json::json!({ "cookie_domain": bad })).unwrap_err();
            assert_eq!(e, SettingsError::CookieDomain(bad.to_string()));
        }
        assert_eq!(
            patch(serde_json::json!({"cookie_domain": ".Auth-1.Example.test"}))
                .unwrap()
                .cookie_domain
                .as_deref(),
            Some("auth-1.example.test")
        );
    }

    proptest! {
        /// Whatever numbers are patched in, what is accepted lies inside the documented ranges,
        /// and a refused patch names the field.
        #[test]
        fn accepted_settings_stay_inside_their_ranges(
            ttl in any::<i64>(), grace in any::<i64>(), code in any::<i64>(),
            life in any::<i64>(), idle in any::<i64>(), window in any::<u32>(),
        ) {
            let p: SettingsPatch = serde_json::from_value(serde_json::json!({
                "access_token_ttl_secs": ttl, "refresh_grace_secs": grace, "code_ttl_secs": code,
                "session_lifetime_secs": life, "inactivity_timeout_secs": idle,
                "rate_limits": {"GET /x": {"limit": 1, "window_secs": window}},
            })).unwrap();
            match Settings::default().patched(p) {
                Ok(s) => {
                    prop_assert!(limits::ACCESS_TOKEN_TTL.contains(&s.access_token_ttl_secs));
                    prop_assert!(limits::REFRESH_GRACE.contains(&s.refresh_grace_secs));
                    prop_assert!(limits::CODE_TTL.contains(&s.code_ttl_secs));
                    prop_assert!(limits::SESSION_LIFETIME.contains(&s.session_lifetime_secs));
                    prop_assert!(s.inactivity_timeout_secs.is_none_or(|t| limits::INACTIVITY_TIMEOUT.contains(&t)));
                }
                Err(e) => prop_assert!(e.to_string().contains("must be")),
            }
        }
    }
}
