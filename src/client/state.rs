//! [`AuthState`]: what the UI shows, derived from the session.

use crate::error::AuthKitError;
use crate::protocol::session::Session;
use crate::protocol::wire::{AuthenticationMethod, Impersonator, User};

/// The authentication state an app renders (`use_auth()` derefs to it).
///
/// A new value is published only when a field changes, so a token refresh that changes no
/// visible claim re-renders nothing.
///
/// ```
/// use authkit_yew::AuthState;
/// let state = AuthState::loading();
/// assert!(state.is_loading && !state.is_authenticated && state.user.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct AuthState {
    /// True until the first state is settled (callback handled, session restored or not).
    pub is_loading: bool,
    /// True while the session cannot be confirmed because AuthKit is unreachable or overloaded
    /// (network, timeout, 408, 429, 500, 502, 503, 504): the SDK retries with backoff and at once when the tab regains
    /// focus or the network. Not a sign-out.
    pub is_reconnecting: bool,
    /// True when a session (a user) is present.
    pub is_authenticated: bool,
    /// Why nobody is signed in, when there is something to tell: the visitor signed out (here or
    /// in another tab; [`use_user`](crate::use_user) then does not send them back to sign-in),
    /// or AuthKit ended the session (show "your session has ended, please sign in again").
    /// `None` while signed in, loading, or when nobody had signed in.
    pub signed_out_reason: Option<SignedOutReason>,
    /// The signed-in user.
    pub user: Option<User>,
    /// The organization of the session.
    pub organization_id: Option<String>,
    /// The role in that organization (`role` claim).
    pub role: Option<String>,
    /// All roles in that organization (`roles` claim).
    pub roles: Vec<String>,
    /// Permission slugs (`permissions` claim).
    pub permissions: Vec<String>,
    /// Enabled feature flags (`feature_flags` claim).
    pub feature_flags: Vec<String>,
    /// Entitlements (`entitlements` claim).
    pub entitlements: Vec<String>,
    /// The admin impersonating the user, if any.
    pub impersonator: Option<Impersonator>,
    /// How the user authenticated.
    pub authentication_method: Option<AuthenticationMethod>,
    /// The session id (`sid` claim).
    pub session_id: Option<String>,
    /// The last error worth showing (a failed sign-in callback, a session that ended, an
    /// outage while reconnecting, an iframe, a configuration problem).
    pub error: Option<AuthKitError>,
}

/// Why nobody is signed in ([`AuthState::signed_out_reason`]).
///
/// ```
/// use authkit_yew::{AuthState, SignedOutReason};
/// fn banner(state: &AuthState) -> Option<&'static str> {
///     match state.signed_out_reason? {
///         SignedOutReason::SessionEnded => Some("Your session has ended, please sign in again."),
///         SignedOutReason::SignedOut => Some("You are signed out."),
///         _ => None,
///     }
/// }
/// assert_eq!(banner(&AuthState::default()), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedOutReason {
    /// The visitor signed out, in this tab or in another one.
    SignedOut,
    /// AuthKit ended the session: the refresh token was refused (the session was revoked,
    /// expired, or ended elsewhere). The visitor must sign in again.
    SessionEnded,
}

impl AuthState {
    /// The state before initialization finishes.
    ///
    /// ```
    /// assert!(authkit_yew::AuthState::loading().is_loading);
    /// ```
    pub fn loading() -> Self {
        Self {
            is_loading: true,
            ..Self::default()
        }
    }

    /// Builds the visible state from a session and the client's flags.
    pub(crate) fn build(
        session: Option<&Session>,
        is_loading: bool,
        is_reconnecting: bool,
        error: Option<AuthKitError>,
    ) -> Self {
        let Some(s) = session else {
            return Self {
                is_loading,
                is_reconnecting,
                error,
                ..Self::default()
            };
        };
        let c = &s.claims;
        let impersonator = s.impersonator.clone().or_else(|| {
            c.act.as_ref().map(|a| Impersonator {
                email: a.sub.clone(),
                reason: None,
            })
        });
        Self {
            is_loading,
            is_reconnecting,
            is_authenticated: true,
            signed_out_reason: None,
            user: Some(s.user.clone()),
            organization_id: s.organization_id.clone().or_else(|| c.org_id.clone()),
            role: c.role.clone(),
            roles: c.roles.clone(),
            permissions: c.permissions.clone(),
            feature_flags: c.feature_flags.clone(),
            entitlements: c.entitlements.clone(),
            impersonator,
            authentication_method: s.authentication_method.clone(),
            session_id: Some(c.sid.clone()).filter(|sid| !sid.is_empty()),
            error,
        }
    }

    /// True when nobody is signed in and the SDK may send the visitor to sign in: loading is
    /// over, the session is not merely unreachable (reconnecting), the visitor did not just sign
    /// out, and no error is showing that a new sign-in would only repeat (a failed callback, an
    /// iframe, a configuration problem).
    ///
    /// ```
    /// use authkit_yew::{AuthKitError, AuthState};
    /// let mut state = AuthState::default();
    /// assert!(state.should_start_sign_in());
    /// state.error = Some(AuthKitError::MissingCodeVerifier);
    /// assert!(!state.should_start_sign_in());
    /// ```
    pub fn should_start_sign_in(&self) -> bool {
        if self.is_loading
            || self.is_reconnecting
            || self.user.is_some()
            || self.signed_out_reason == Some(SignedOutReason::SignedOut)
        {
            return false;
        }
        !matches!(
            self.error,
            Some(
                AuthKitError::CodeExchange { .. }
                    | AuthKitError::OAuthRedirect { .. }
                    | AuthKitError::MissingCodeVerifier
                    | AuthKitError::InsideIframe
                    | AuthKitError::Config(_)
                    | AuthKitError::Storage(_)
                    | AuthKitError::InvalidToken(_)
            )
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::wire::AuthenticateResponse;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use serde_json::json;

    fn session(claims: serde_json::Value, body_extra: serde_json::Value) -> Session {
        let token = format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut body = json!({
            "user": {"object": "user", "id": "user_1", "email": "a@b.c",
                     "created_at": "x", "updated_at": "x"},
            "access_token": token,
            "refresh_token": "rt",
            "authentication_method": "Password",
        });
        for (k, v) in body_extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let response = AuthenticateResponse::parse(&body.to_string()).unwrap();
        Session::from_response(response, 1_000.0).unwrap()
    }

    #[test]
    fn builds_every_visible_field_from_the_session() {
        let s = session(
            json!({"sid": "session_1", "sub": "user_1", "iat": 0, "exp": 300,
                   "org_id": "org_1", "role": "admin", "roles": ["admin", "member"],
                   "permissions": ["p:r"], "feature_flags": ["f"], "entitlements": ["e"],
                   "act": {"sub": "boss@x.io"}}),
            json!({}),
        );
        let state = AuthState::build(Some(&s), false, false, None);
        assert!(state.is_authenticated && !state.is_loading);
        assert_eq!(state.user.as_ref().unwrap().email, "a@b.c");
        assert_eq!(state.organization_id.as_deref(), Some("org_1"));
        assert_eq!(state.role.as_deref(), Some("admin"));
        assert_eq!(state.roles, ["admin", "member"]);
        assert_eq!(state.permissions, ["p:r"]);
        assert_eq!(state.feature_flags, ["f"]);
        assert_eq!(state.entitlements, ["e"]);
        assert_eq!(state.session_id.as_deref(), Some("session_1"));
        assert_eq!(
            state.authentication_method,
            Some(AuthenticationMethod::Password)
        );
        // No impersonator in the body: the `act` claim is used.
        assert_eq!(state.impersonator.as_ref().unwrap().email, "boss@x.io");
    }

    #[test]
    fn the_body_impersonator_wins_and_missing_claims_are_empty() {
        let s = session(
            json!({"sid": "s", "iat": 0, "exp": 60}),
            json!({"impersonator": {"email": "admin@x.io", "reason": "support"}}),
        );
        let state = AuthState::build(Some(&s), false, false, None);
        assert_eq!(
            state.impersonator,
            Some(Impersonator {
                email: "admin@x.io".into(),
                reason: Some("support".into())
            })
        );
        assert_eq!(state.organization_id, None);
        assert!(state.roles.is_empty() && state.permissions.is_empty());
    }

    #[test]
    fn a_refresh_with_the_same_claims_gives_an_equal_state() {
        let claims = json!({"sid": "s", "iat": 0, "exp": 60, "org_id": "o", "role": "r"});
        let a = session(claims.clone(), json!({}));
        let mut claims_b = claims;
        claims_b["jti"] = json!("another-token-id");
        claims_b["iat"] = json!(100);
        claims_b["exp"] = json!(160);
        let b = session(claims_b, json!({}));
        assert_ne!(a.access_token, b.access_token);
        assert_eq!(
            AuthState::build(Some(&a), false, false, None),
            AuthState::build(Some(&b), false, false, None)
        );
    }

    #[test]
    fn sign_in_is_started_only_when_nothing_else_explains_the_signed_out_state() {
        let mut state = AuthState::build(None, false, false, None);
        assert!(state.should_start_sign_in());
        state.is_reconnecting = true;
        assert!(!state.should_start_sign_in());
        state.is_reconnecting = false;
        state.is_loading = true;
        assert!(!state.should_start_sign_in());
        state.is_loading = false;
        state.signed_out_reason = Some(SignedOutReason::SignedOut);
        assert!(!state.should_start_sign_in(), "sign-out is final");
        state.signed_out_reason = Some(SignedOutReason::SessionEnded);
        assert!(
            state.should_start_sign_in(),
            "an ended session signs in again"
        );
        state.signed_out_reason = None;
        for blocking in [
            AuthKitError::InsideIframe,
            AuthKitError::MissingCodeVerifier,
            AuthKitError::OAuthRedirect {
                error: "access_denied".into(),
                description: None,
            },
            AuthKitError::CodeExchange {
                status: Some(400),
                error: None,
                description: None,
            },
        ] {
            state.error = Some(blocking);
            assert!(!state.should_start_sign_in());
        }
        // A session that ended (terminal refresh failure) sends the visitor to sign in again.
        state.error = Some(AuthKitError::Refresh {
            status: Some(400),
            error: Some("invalid_grant".into()),
            description: None,
            transient: false,
        });
        assert!(state.should_start_sign_in());
    }
}
