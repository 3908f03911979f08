//! Client options with documented defaults, and the per-call options of the actions.

use std::fmt;
use std::rc::Rc;

use crate::error::AuthKitError;
use crate::protocol::wire::{AuthenticationMethod, Impersonator, User};

/// Where the refresh token lives.
///
/// * `On` (dev mode): in `localStorage`, sent in the request body; no cookies. Fine on
///   `localhost`, unsafe in production (any XSS can read it).
/// * `Off` (cookie mode): in the HttpOnly cookie of your custom authentication domain; the SDK
///   never sees it and sends requests with credentials. Use this in production.
/// * `Auto` (default): `On` when the page is served from `localhost` or `127.0.0.1`, else `Off`.
///
/// ```
/// use authkit_yew::DevMode;
/// assert!(DevMode::Auto.resolve("localhost"));
/// assert!(!DevMode::Auto.resolve("app.example.com"));
/// assert!(DevMode::On.resolve("app.example.com"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DevMode {
    /// On for `localhost` / `127.0.0.1`, off elsewhere.
    #[default]
    Auto,
    /// Always dev mode (the SDK warns on a non-local host).
    On,
    /// Always cookie mode.
    Off,
}

impl DevMode {
    /// Resolves the mode for a page served from `hostname`.
    pub fn resolve(self, hostname: &str) -> bool {
        match self {
            DevMode::On => true,
            DevMode::Off => false,
            DevMode::Auto => is_local_hostname(hostname),
        }
    }
}

/// True for the hostnames that auto-enable dev mode (`localhost`, `127.0.0.1`).
pub fn is_local_hostname(hostname: &str) -> bool {
    hostname == "localhost" || hostname == "127.0.0.1"
}

/// What `on_redirect_callback` receives after a successful sign-in. It never carries the
/// refresh token.
///
/// ```
/// use authkit_yew::RedirectCallbackParams;
/// fn handle(params: &RedirectCallbackParams) -> String {
///     params.user.email.clone()
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RedirectCallbackParams {
    /// The `state` given to `sign_in`, parsed from JSON (`None` when absent or malformed).
    pub state: Option<serde_json::Value>,
    /// The signed-in user.
    pub user: User,
    /// The organization of the session, if any.
    pub organization_id: Option<String>,
    /// Who is impersonating the user, if anyone.
    pub impersonator: Option<Impersonator>,
    /// How the user authenticated.
    pub authentication_method: Option<AuthenticationMethod>,
}

/// What `on_refresh` receives after every successful code exchange or refresh. It never carries
/// the refresh token.
///
/// ```
/// use authkit_yew::RefreshParams;
/// fn handle(params: &RefreshParams) -> usize {
///     params.access_token.len()
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshParams {
    /// The signed-in user.
    pub user: User,
    /// The new access token (a JWT).
    pub access_token: String,
    /// The organization of the session, if any.
    pub organization_id: Option<String>,
    /// Who is impersonating the user, if anyone.
    pub impersonator: Option<Impersonator>,
    /// How the user authenticated.
    pub authentication_method: Option<AuthenticationMethod>,
}

/// A shared callback stored in the options (compared by identity).
pub struct Hook<A, R = ()>(Rc<dyn Fn(A) -> R>);

impl<A, R> Hook<A, R> {
    /// Wraps a closure.
    ///
    /// ```
    /// use authkit_yew::options::Hook;
    /// let hook: Hook<u32, u32> = Hook::new(|x| x + 1);
    /// assert_eq!(hook.call(1), 2);
    /// ```
    pub fn new(f: impl Fn(A) -> R + 'static) -> Self {
        Self(Rc::new(f))
    }

    /// Calls the closure.
    pub fn call(&self, arg: A) -> R {
        (self.0)(arg)
    }
}

impl<A, R> Clone for Hook<A, R> {
    fn clone(&self) -> Self {
        Self(Rc::clone(&self.0))
    }
}

impl<A, R> PartialEq for Hook<A, R> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<A, R> fmt::Debug for Hook<A, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hook(..)")
    }
}

/// Options of an [`AuthKitProvider`](crate::AuthKitProvider): built with [`AuthKitOptions::new`]
/// and the builder methods below.
///
/// | option | default |
/// |---|---|
/// | `client_id` | required (empty is a [`AuthKitError::Config`] error) |
/// | `api_hostname` | `api.workos.com` (in production: your custom authentication domain) |
/// | `https` | `true` |
/// | `port` | none |
/// | `redirect_uri` | the page origin (`window.location.origin`) |
/// | `dev_mode` | [`DevMode::Auto`] |
/// | `refresh_buffer_secs` | `10` |
///
/// ```
/// use authkit_yew::{AuthKitOptions, DevMode};
/// let options = AuthKitOptions::new("client_123")
///     .api_hostname("localhost")
///     .https(false)
///     .port(4100)
///     .redirect_uri("http://localhost:5173/account")
///     .dev_mode(DevMode::Auto);
/// assert_eq!(options.base_url(), "http://localhost:4100");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AuthKitOptions {
    /// The WorkOS client id (`client_…`).
    pub client_id: String,
    /// Host of the authentication API.
    pub api_hostname: String,
    /// Use `https` for the API.
    pub https: bool,
    /// Port of the API, when not the scheme's default.
    pub port: Option<u16>,
    /// Where AuthKit sends the browser back; its path is also the callback route.
    pub redirect_uri: Option<String>,
    /// Refresh-token custody, see [`DevMode`].
    pub dev_mode: DevMode,
    /// Refresh this many seconds before the access token expires.
    pub refresh_buffer_secs: u32,
    /// Called after a successful sign-in callback.
    pub on_redirect_callback: Option<Hook<RedirectCallbackParams>>,
    /// Called after every successful code exchange or refresh.
    pub on_refresh: Option<Hook<RefreshParams>>,
    /// Called when a refresh fails for good (never for the first attempt on page load, never
    /// after a deliberate sign-out).
    pub on_refresh_failure: Option<Hook<AuthKitError>>,
    /// Asked before each automatic refresh; returning `false` skips it.
    pub on_before_auto_refresh: Option<Hook<(), bool>>,
}

impl AuthKitOptions {
    /// Options for `client_id` with every default.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            api_hostname: "api.workos.com".to_owned(),
            https: true,
            port: None,
            redirect_uri: None,
            dev_mode: DevMode::Auto,
            refresh_buffer_secs: 10,
            on_redirect_callback: None,
            on_refresh: None,
            on_refresh_failure: None,
            on_before_auto_refresh: None,
        }
    }

    /// Sets the API host (e.g. `auth.example.com`).
    pub fn api_hostname(mut self, host: impl Into<String>) -> Self {
        self.api_hostname = host.into();
        self
    }

    /// Uses `https` (default) or `http`.
    pub fn https(mut self, https: bool) -> Self {
        self.https = https;
        self
    }

    /// Sets the API port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Sets the redirect URI (its path is the callback route).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Sets where the refresh token lives, see [`DevMode`].
    pub fn dev_mode(mut self, mode: DevMode) -> Self {
        self.dev_mode = mode;
        self
    }

    /// Sets how many seconds before expiry the token is refreshed (default 10).
    pub fn refresh_buffer_secs(mut self, secs: u32) -> Self {
        self.refresh_buffer_secs = secs;
        self
    }

    /// Sets the callback run after a successful sign-in callback.
    pub fn on_redirect_callback(mut self, f: impl Fn(RedirectCallbackParams) + 'static) -> Self {
        self.on_redirect_callback = Some(Hook::new(f));
        self
    }

    /// Sets the callback run after every successful exchange or refresh.
    pub fn on_refresh(mut self, f: impl Fn(RefreshParams) + 'static) -> Self {
        self.on_refresh = Some(Hook::new(f));
        self
    }

    /// Sets the callback run when a refresh fails for good.
    pub fn on_refresh_failure(mut self, f: impl Fn(AuthKitError) + 'static) -> Self {
        self.on_refresh_failure = Some(Hook::new(f));
        self
    }

    /// Sets the gate asked before each automatic refresh.
    pub fn on_before_auto_refresh(mut self, f: impl Fn(()) -> bool + 'static) -> Self {
        self.on_before_auto_refresh = Some(Hook::new(f));
        self
    }

    /// `{scheme}://{api_hostname}[:{port}]`.
    pub fn base_url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        match self.port {
            Some(port) => format!("{scheme}://{}:{port}", self.api_hostname),
            None => format!("{scheme}://{}", self.api_hostname),
        }
    }

    /// Checks the options, e.g. that the client id is not empty.
    pub fn validate(&self) -> Result<(), AuthKitError> {
        if self.client_id.trim().is_empty() {
            return Err(AuthKitError::Config(
                "client_id is empty: pass your WorkOS client id (client_…) to AuthKitOptions::new"
                    .to_owned(),
            ));
        }
        if self.api_hostname.trim().is_empty() {
            return Err(AuthKitError::Config("api_hostname is empty".to_owned()));
        }
        Ok(())
    }
}

/// Options of `sign_in`, `sign_up`, `get_sign_in_url` and `get_sign_up_url`.
///
/// Build it with [`SignInOptions::new`] and the builder methods (the struct is
/// `#[non_exhaustive]`, so outside this crate it cannot be written as a struct literal). Empty
/// strings are treated as absent when the authorize URL is built.
///
/// ```
/// use authkit_yew::SignInOptions;
/// let opts = SignInOptions::new()
///     .login_hint("ada@example.com")
///     .state(serde_json::json!({"return_to": "/account"}));
/// assert_eq!(opts.login_hint.as_deref(), Some("ada@example.com"));
/// assert!(opts.organization_id.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct SignInOptions {
    /// App state carried through the sign-in as JSON (comes back in `on_redirect_callback`).
    /// A `{"return_to": "/path"}` object is followed after sign-in when it is a same-origin path.
    pub state: Option<serde_json::Value>,
    /// Sign in to this organization.
    pub organization_id: Option<String>,
    /// Pre-fills the email on the hosted page.
    pub login_hint: Option<String>,
    /// An invitation to redeem.
    pub invitation_token: Option<String>,
    /// A password-reset token to continue with.
    pub password_reset_token: Option<String>,
}

impl SignInOptions {
    /// No options: a plain sign-in.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the app state carried through the sign-in (sent as JSON in `state`).
    pub fn state(mut self, state: serde_json::Value) -> Self {
        self.state = Some(state);
        self
    }

    /// Signs in to this organization (`organization_id`).
    pub fn organization_id(mut self, organization_id: impl Into<String>) -> Self {
        self.organization_id = Some(organization_id.into());
        self
    }

    /// Pre-fills the email on the hosted page (`login_hint`).
    pub fn login_hint(mut self, login_hint: impl Into<String>) -> Self {
        self.login_hint = Some(login_hint.into());
        self
    }

    /// Redeems an invitation during sign-in (`invitation_token`).
    pub fn invitation_token(mut self, invitation_token: impl Into<String>) -> Self {
        self.invitation_token = Some(invitation_token.into());
        self
    }

    /// Continues a password reset (`password_reset_token`).
    pub fn password_reset_token(mut self, password_reset_token: impl Into<String>) -> Self {
        self.password_reset_token = Some(password_reset_token.into());
        self
    }
}

/// Options of `sign_out`.
///
/// ```
/// use authkit_yew::SignOutOptions;
/// let opts = SignOutOptions { return_to: Some("http://localhost:5173/".into()), navigate: true };
/// assert!(opts.navigate);
/// assert!(SignOutOptions::default().navigate);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SignOutOptions {
    /// Where AuthKit sends the browser after sign-out (must be an allowed sign-out redirect).
    pub return_to: Option<String>,
    /// `true` (default): navigate to the logout URL. `false`: end the session with a background
    /// request and stay on the page.
    pub navigate: bool,
}

impl Default for SignOutOptions {
    fn default() -> Self {
        Self {
            return_to: None,
            navigate: true,
        }
    }
}
