//! The signed-in session held in memory, storage keys, and the `workos-has-session` hint.

use crate::error::AuthKitError;
use crate::protocol::claims::{decode_claims, AccessTokenClaims};
use crate::protocol::wire::{AuthenticateResponse, AuthenticationMethod, Impersonator, User};

/// A signed-in session: user, access token, its claims and its local expiry.
///
/// The refresh token (dev mode only) is kept private to the SDK.
#[derive(Clone, PartialEq)]
pub struct Session {
    /// The user.
    pub user: User,
    /// The access token (JWT).
    pub access_token: String,
    /// Its decoded claims.
    pub claims: AccessTokenClaims,
    /// The organization (from the response body, else the `org_id` claim).
    pub organization_id: Option<String>,
    /// The impersonator, when impersonating.
    pub impersonator: Option<Impersonator>,
    /// How the user authenticated.
    pub authentication_method: Option<AuthenticationMethod>,
    /// Local expiry in epoch milliseconds: receive time + (exp − iat).
    pub expires_at_ms: f64,
    pub(crate) refresh_token: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user.id)
            .field("session_id", &self.claims.sid)
            .field("organization_id", &self.organization_id)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Builds a session from an authenticate response received at `received_at_ms` (local clock).
    ///
    /// The access token's claims are decoded (an undecodable token is
    /// [`AuthKitError::InvalidToken`]). The organization is the body's `organization_id`, else
    /// the token's `org_id` claim. The local expiry is `received_at_ms + (exp − iat) × 1000`, so
    /// a skewed client clock does not matter; a token without a positive lifetime (`exp` not
    /// after `iat`, or either missing) is [`AuthKitError::InvalidToken`]. The refresh token is
    /// kept inside the SDK.
    ///
    /// ```
    /// use authkit_yew::protocol::session::Session;
    /// use authkit_yew::protocol::wire::AuthenticateResponse;
    /// // Token payload: {"sid":"session_1","org_id":"org_1","iat":1000,"exp":1300}
    /// let body = r#"{"user":{"id":"user_1","email":"a@b.c"},"refresh_token":"r",
    ///   "access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzZXNzaW9uXzEiLCJvcmdfaWQiOiJvcmdfMSIsImlhdCI6MTAwMCwiZXhwIjoxMzAwfQ.c2ln"}"#;
    /// let response = AuthenticateResponse::parse(body).unwrap();
    /// let session = Session::from_response(response, 5_000.0).unwrap();
    /// assert_eq!(session.organization_id.as_deref(), Some("org_1"));
    /// assert_eq!(session.expires_at_ms, 305_000.0);
    /// assert!(!session.is_expired(304_999.0));
    /// assert!(session.is_expired(305_000.0));
    /// ```
    pub fn from_response(
        response: AuthenticateResponse,
        received_at_ms: f64,
    ) -> Result<Session, AuthKitError> {
        let claims = decode_claims(&response.access_token)?;
        let lifetime_secs = claims.exp.saturating_sub(claims.iat);
        if lifetime_secs <= 0 {
            // Such a token is expired on arrival; accepting it would refresh again at once,
            // over and over.
            return Err(AuthKitError::InvalidToken(format!(
                "the access token has no lifetime (exp {} is not after iat {})",
                claims.exp, claims.iat
            )));
        }
        let organization_id = response
            .organization_id
            .filter(|org| !org.is_empty())
            .or_else(|| claims.org_id.clone().filter(|org| !org.is_empty()));
        Ok(Session {
            user: response.user,
            access_token: response.access_token,
            claims,
            organization_id,
            impersonator: response.impersonator,
            authentication_method: response.authentication_method,
            expires_at_ms: received_at_ms + lifetime_secs as f64 * 1000.0,
            refresh_token: response.refresh_token.filter(|t| !t.is_empty()),
        })
    }

    /// The session id (`sid` claim), used for sign-out.
    pub fn session_id(&self) -> &str {
        &self.claims.sid
    }

    /// The refresh token (dev mode); crate-private so it never reaches app code.
    // The client may read the token from the response before building the session.
    #[allow(dead_code)]
    pub(crate) fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// True when the access token is past its local expiry at `now_ms`.
    pub fn is_expired(&self, now_ms: f64) -> bool {
        now_ms >= self.expires_at_ms
    }
}

/// sessionStorage key of the PKCE verifier, scoped by client id.
pub fn code_verifier_key(client_id: &str) -> String {
    format!("workos:code-verifier:{client_id}")
}

/// localStorage key of the dev-mode refresh token (same as authkit-js).
pub fn refresh_token_key(client_id: &str) -> String {
    format!("workos:refresh-token:{client_id}")
}

/// sessionStorage key of the organization chosen in this tab (same as authkit-js).
pub fn organization_key(client_id: &str) -> String {
    format!("workos-org-id:{client_id}")
}

/// True when `document.cookie` has a `workos-has-session` cookie whose value is `1` or a
/// `.`-separated list containing `client_id`. Every cookie of that name is read.
///
/// ```
/// use authkit_yew::protocol::session::has_session_cookie;
/// assert!(has_session_cookie("a=b; workos-has-session=client_x.client_1", "client_1"));
/// assert!(!has_session_cookie("workos-has-session=client_x", "client_1"));
/// ```
///
/// Whitespace around names, values and list items is ignored, as are surrounding double
/// quotes; a cookie named differently (e.g. `xworkos-has-session`) does not count.
pub fn has_session_cookie(document_cookie: &str, client_id: &str) -> bool {
    document_cookie
        .split(';')
        .filter_map(|cookie| cookie.split_once('='))
        .filter(|(name, _)| name.trim() == HAS_SESSION_COOKIE)
        .any(|(_, value)| {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value)
                .trim();
            value == "1"
                || (!client_id.is_empty() && value.split('.').any(|id| id.trim() == client_id))
        })
}

/// Name of the readable cookie the API sets while a session exists (cookie mode).
pub const HAS_SESSION_COOKIE: &str = "workos-has-session";

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use serde_json::json;

    fn token(payload: serde_json::Value) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        )
    }

    fn response(body: serde_json::Value) -> AuthenticateResponse {
        AuthenticateResponse::parse(&body.to_string()).unwrap()
    }

    fn user() -> serde_json::Value {
        json!({"object": "user", "id": "user_1", "email": "ada@example.com", "email_verified": true,
               "first_name": "Ada", "last_name": null, "profile_picture_url": null,
               "external_id": null, "last_sign_in_at": null,
               "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})
    }

    fn claims() -> serde_json::Value {
        json!({"sub": "user_1", "sid": "session_1", "iat": 1_700_000_000, "exp": 1_700_000_300})
    }

    #[test]
    fn expiry_is_receive_time_plus_token_lifetime() {
        let r = response(
            json!({"user": user(), "access_token": token(claims()), "refresh_token": "rt"}),
        );
        // The local clock is far from the token's clock: only exp − iat matters.
        let s = Session::from_response(r, 42_000.0).unwrap();
        assert_eq!(s.expires_at_ms, 42_000.0 + 300_000.0);
        assert!(!s.is_expired(341_999.0));
        assert!(s.is_expired(342_000.0));
    }

    #[test]
    fn token_without_a_positive_lifetime_is_invalid() {
        for claims in [
            json!({"sid": "s", "iat": 100, "exp": 100}),
            json!({"sid": "s", "iat": 100, "exp": 50}),
            json!({"sid": "s", "iat": 100}),
            json!({"sid": "s", "iat": i64::MAX, "exp": i64::MIN}),
        ] {
            let r = response(json!({"user": user(), "access_token": token(claims.clone())}));
            match Session::from_response(r, 5.0) {
                Err(AuthKitError::InvalidToken(why)) => assert!(why.contains("lifetime"), "{why}"),
                other => panic!("{claims}: {other:?}"),
            }
        }
    }

    #[test]
    fn huge_lifetimes_do_not_overflow() {
        let t = token(json!({"sid": "s", "iat": i64::MIN, "exp": i64::MAX}));
        let s = Session::from_response(response(json!({"user": user(), "access_token": t})), 5.0)
            .unwrap();
        assert!(s.expires_at_ms.is_finite() && s.expires_at_ms > 5.0);
        assert!(!s.is_expired(1e15));
    }

    #[test]
    fn organization_comes_from_the_body_first() {
        let t = token(json!({"sid": "s", "org_id": "org_claim", "iat": 0, "exp": 1}));
        let r = response(json!({"user": user(), "access_token": t, "organization_id": "org_body"}));
        assert_eq!(
            Session::from_response(r, 0.0)
                .unwrap()
                .organization_id
                .as_deref(),
            Some("org_body")
        );
    }

    #[test]
    fn organization_falls_back_to_the_org_id_claim() {
        let t = token(json!({"sid": "s", "org_id": "org_claim", "iat": 0, "exp": 1}));
        for body in [
            json!({"user": user(), "access_token": t}),
            json!({"user": user(), "access_token": t, "organization_id": null}),
            json!({"user": user(), "access_token": t, "organization_id": ""}),
        ] {
            assert_eq!(
                Session::from_response(response(body), 0.0)
                    .unwrap()
                    .organization_id
                    .as_deref(),
                Some("org_claim")
            );
        }
    }

    #[test]
    fn no_organization_anywhere_is_none() {
        let r = response(
            json!({"user": user(), "access_token": token(claims()), "organization_id": null}),
        );
        assert_eq!(
            Session::from_response(r, 0.0).unwrap().organization_id,
            None
        );
    }

    #[test]
    fn keeps_user_claims_impersonator_and_method() {
        let t = token(
            json!({"sid": "session_9", "iat": 0, "exp": 60, "act": {"sub": "admin@x.io"},
                             "permissions": ["a:b"], "entitlements": ["e"]}),
        );
        let r = response(json!({
            "user": user(), "access_token": t, "refresh_token": "rt",
            "authentication_method": "Impersonation",
            "impersonator": {"email": "admin@x.io", "reason": null},
            "oauth_tokens": {"provider": "GoogleOAuth"}, "authkit_authorization_code": "x"
        }));
        let s = Session::from_response(r, 0.0).unwrap();
        assert_eq!(s.user.email, "ada@example.com");
        assert_eq!(s.session_id(), "session_9");
        assert_eq!(s.claims.permissions, ["a:b"]);
        assert_eq!(s.claims.entitlements, ["e"]);
        assert_eq!(
            s.claims.act.as_ref().map(|a| a.sub.as_str()),
            Some("admin@x.io")
        );
        assert_eq!(
            s.authentication_method,
            Some(AuthenticationMethod::Impersonation)
        );
        assert_eq!(
            s.impersonator,
            Some(Impersonator {
                email: "admin@x.io".into(),
                reason: None
            })
        );
        assert_eq!(
            s.access_token,
            token(
                json!({"sid": "session_9", "iat": 0, "exp": 60, "act": {"sub": "admin@x.io"},
                             "permissions": ["a:b"], "entitlements": ["e"]})
            )
        );
    }

    #[test]
    fn refresh_token_is_kept_privately_and_never_debug_printed() {
        let r = response(
            json!({"user": user(), "access_token": token(claims()), "refresh_token": "rt_SECRET"}),
        );
        let s = Session::from_response(r, 0.0).unwrap();
        assert_eq!(s.refresh_token(), Some("rt_SECRET"));
        let debug = format!("{s:?}");
        assert!(!debug.contains("rt_SECRET"), "{debug}");
        assert!(!debug.contains(&s.access_token), "{debug}");
        assert!(debug.contains("session_1"), "{debug}");
    }

    #[test]
    fn missing_or_empty_refresh_token_is_none() {
        let r = response(json!({"user": user(), "access_token": token(claims())}));
        assert_eq!(
            Session::from_response(r, 0.0).unwrap().refresh_token(),
            None
        );
        let r =
            response(json!({"user": user(), "access_token": token(claims()), "refresh_token": ""}));
        assert_eq!(
            Session::from_response(r, 0.0).unwrap().refresh_token(),
            None
        );
    }

    #[test]
    fn undecodable_access_token_is_an_invalid_token_error() {
        let r = response(json!({"user": user(), "access_token": "opaque-token"}));
        assert!(matches!(
            Session::from_response(r, 0.0),
            Err(AuthKitError::InvalidToken(_))
        ));
    }

    #[test]
    fn storage_keys_are_scoped_by_client_id() {
        assert_eq!(
            code_verifier_key("client_a"),
            "workos:code-verifier:client_a"
        );
        assert_eq!(
            refresh_token_key("client_a"),
            "workos:refresh-token:client_a"
        );
        assert_eq!(organization_key("client_a"), "workos-org-id:client_a");
        assert_ne!(code_verifier_key("client_a"), code_verifier_key("client_b"));
    }

    // workos-has-session.

    #[test]
    fn has_session_cookie_value_one_counts_for_any_client() {
        assert!(has_session_cookie("workos-has-session=1", "client_1"));
        assert!(has_session_cookie("workos-has-session=1", "client_other"));
    }

    #[test]
    fn has_session_cookie_list_must_contain_the_client() {
        assert!(has_session_cookie(
            "workos-has-session=client_1",
            "client_1"
        ));
        assert!(has_session_cookie(
            "workos-has-session=client_a.client_1.client_b",
            "client_1"
        ));
        assert!(!has_session_cookie(
            "workos-has-session=client_a.client_b",
            "client_1"
        ));
        assert!(!has_session_cookie(
            "workos-has-session=client_10",
            "client_1"
        ));
        assert!(!has_session_cookie(
            "workos-has-session=xclient_1",
            "client_1"
        ));
    }

    #[test]
    fn has_session_cookie_reads_every_cookie_of_that_name() {
        let cookies = "workos-has-session=client_other; theme=dark; workos-has-session=client_1";
        assert!(has_session_cookie(cookies, "client_1"));
        assert!(!has_session_cookie(cookies, "client_2"));
    }

    #[test]
    fn has_session_cookie_tolerates_whitespace_and_quotes() {
        assert!(has_session_cookie(
            "a=b;workos-has-session=client_1",
            "client_1"
        ));
        assert!(has_session_cookie(
            "a=b ;  workos-has-session = client_x . client_1 ",
            "client_1"
        ));
        assert!(has_session_cookie(
            "workos-has-session=\"client_1\"",
            "client_1"
        ));
        assert!(has_session_cookie(" workos-has-session= 1 ", "client_1"));
    }

    #[test]
    fn has_session_cookie_is_false_without_the_cookie() {
        assert!(!has_session_cookie("", "client_1"));
        assert!(!has_session_cookie("a=b; c=d", "client_1"));
        assert!(!has_session_cookie("workos-has-session", "client_1"));
        assert!(!has_session_cookie("workos-has-session=", "client_1"));
        assert!(!has_session_cookie("workos-has-session=0", "client_1"));
        assert!(!has_session_cookie("workos-has-session=11", "client_1"));
        assert!(!has_session_cookie(
            "other=workos-has-session=1",
            "client_1"
        ));
        assert!(!has_session_cookie(
            "xworkos-has-session=1; workos-has-sessionx=client_1",
            "client_1"
        ));
    }

    #[test]
    fn has_session_cookie_with_empty_client_id_matches_only_one() {
        assert!(!has_session_cookie("workos-has-session=a..b", ""));
        assert!(has_session_cookie("workos-has-session=1", ""));
    }
}
