//! The signed-in session held in memory, storage keys, and the `workos-has-session` hint.

use crate::error::AuthKitError;
use crate::protocol::claims::AccessTokenClaims;
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
    pub fn from_response(
        response: AuthenticateResponse,
        received_at_ms: f64,
    ) -> Result<Session, AuthKitError> {
        let _ = (response, received_at_ms);
        todo!("sdk-core")
    }

    /// The refresh token (dev mode); crate-private so it never reaches app code.
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
pub fn has_session_cookie(document_cookie: &str, client_id: &str) -> bool {
    let _ = (document_cookie, client_id);
    todo!("sdk-core")
}
