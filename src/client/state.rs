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
    /// (network, 408, 429, 5xx): the SDK retries with backoff and at once when the tab regains
    /// focus or the network. Not a sign-out.
    pub is_reconnecting: bool,
    /// True when a session (a user) is present.
    pub is_authenticated: bool,
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

impl AuthState {
    /// The state before initialization finishes.
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
    /// over, the session is not merely unreachable (reconnecting), and no error is showing that
    /// a new sign-in would only repeat (a failed callback, an iframe, a configuration problem).
    ///
    /// ```
    /// use authkit_yew::{AuthKitError, AuthState};
    /// let mut state = AuthState::default();
    /// assert!(state.should_start_sign_in());
    /// state.error = Some(AuthKitError::MissingCodeVerifier);
    /// assert!(!state.should_start_sign_in());
    /// ```
    pub fn should_start_sign_in(&self) -> bool {
        if self.is_loading || self.is_reconnecting || self.user.is_some() {
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
