//! Client options with documented defaults, and the per-call options of the actions.

use std::fmt;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

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

    /// The warning to log when dev mode is forced on for a page that is not served from
    /// `localhost` / `127.0.0.1` (the refresh token would sit in `localStorage` in production);
    /// `None` otherwise.
    ///
    /// ```
    /// use authkit_yew::DevMode;
    /// assert!(DevMode::On.warning("app.example.com").is_some());
    /// assert!(DevMode::On.warning("localhost").is_none());
    /// assert!(DevMode::Auto.warning("app.example.com").is_none());
    /// ```
    pub fn warning(self, hostname: &str) -> Option<String> {
        (self == DevMode::On && !is_local_hostname(hostname)).then(|| {
            format!(
                "authkit-yew: dev mode is on for {hostname}: the refresh token is kept in \
                 localStorage, where any injected script can read it. Use DevMode::Off (cookie \
                 mode with a custom authentication domain) in production."
            )
        })
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
    /// The `state` given to `sign_in`, parsed from JSON (`None` when absent, `null` or
    /// malformed). Read it into your own type with [`RedirectCallbackParams::state_as`].
    pub state: Option<Value>,
    /// The signed-in user.
    pub user: User,
    /// The organization of the session, if any.
    pub organization_id: Option<String>,
    /// Who is impersonating the user, if anyone.
    pub impersonator: Option<Impersonator>,
    /// How the user authenticated.
    pub authentication_method: Option<AuthenticationMethod>,
}

impl RedirectCallbackParams {
    /// The `state` read into your own type: `Ok(None)` without state, an error when it has
    /// another shape (the URL came back from AuthKit, so treat it as untrusted input).
    ///
    /// ```
    /// use authkit_yew::RedirectCallbackParams;
    /// #[derive(serde::Deserialize)]
    /// struct AppState { return_to: String }
    /// fn after_sign_in(params: &RedirectCallbackParams) {
    ///     if let Ok(Some(state)) = params.state_as::<AppState>() {
    ///         let _ = state.return_to;
    ///     }
    /// }
    /// ```
    pub fn state_as<T: DeserializeOwned>(&self) -> Result<Option<T>, serde_json::Error> {
        self.state.as_ref().map(T::deserialize).transpose()
    }
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
#[derive(Clone, PartialEq)]
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

// Hand-written `Debug`: apps log these params, and the access token must not reach a log.
impl fmt::Debug for RefreshParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshParams")
            .field("user", &self.user)
            .field("access_token", &crate::protocol::wire::REDACTED)
            .field("organization_id", &self.organization_id)
            .field("impersonator", &self.impersonator)
            .field("authentication_method", &self.authentication_method)
            .finish()
    }
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

/// The default of [`AuthKitOptions::request_timeout_ms`].
pub const DEFAULT_REQUEST_TIMEOUT_MS: u32 = 10_000;

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
/// | `request_timeout_ms` | `10_000` |
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
    /// How long a request to AuthKit may take before it is aborted (milliseconds). A refresh
    /// that times out is a transient failure: the session is kept and retried with backoff.
    pub request_timeout_ms: u32,
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
            request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
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

    /// Sets how long a request to AuthKit may take before it is aborted (default 10 000 ms;
    /// at least 1). The cross-tab lock is released and waiting callers get
    /// [`AuthKitError::Timeout`].
    ///
    /// ```
    /// let options = authkit_yew::AuthKitOptions::new("client_123").request_timeout_ms(5_000);
    /// assert_eq!(options.request_timeout_ms, 5_000);
    /// ```
    pub fn request_timeout_ms(mut self, ms: u32) -> Self {
        self.request_timeout_ms = ms;
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

    /// Checks the options: the client id is not empty, the API hostname is a bare host name
    /// (no scheme, path or spaces), and a redirect URI, when set, is an absolute URL.
    ///
    /// ```
    /// use authkit_yew::{AuthKitError, AuthKitOptions};
    /// assert!(AuthKitOptions::new("client_123").validate().is_ok());
    /// assert!(matches!(AuthKitOptions::new("").validate(), Err(AuthKitError::Config(_))));
    /// assert!(AuthKitOptions::new("client_123").api_hostname("https://auth.example.com").validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), AuthKitError> {
        if self.request_timeout_ms == 0 {
            return Err(AuthKitError::Config(
                "request_timeout_ms is 0: every request would be aborted at once; use at least \
                 a few seconds (the default is 10 000)"
                    .to_owned(),
            ));
        }
        if self.client_id.trim().is_empty() {
            return Err(AuthKitError::Config(
                "client_id is empty: pass your WorkOS client id (client_…) to AuthKitOptions::new"
                    .to_owned(),
            ));
        }
        let host = &self.api_hostname;
        if host.trim().is_empty() {
            return Err(AuthKitError::Config(
                "api_hostname is empty: set it to your authentication API host, e.g. \
                 api.workos.com or auth.example.com"
                    .to_owned(),
            ));
        }
        if host.contains('/') || host.chars().any(char::is_whitespace) {
            return Err(AuthKitError::Config(format!(
                "api_hostname `{host}` must be a bare host name such as auth.example.com: set the \
                 scheme with .https(..) and the port with .port(..)"
            )));
        }
        if let Some(uri) = &self.redirect_uri {
            if !uri.contains("://") || uri.chars().any(char::is_whitespace) {
                return Err(AuthKitError::Config(format!(
                    "redirect_uri `{uri}` must be an absolute URL such as \
                     https://app.example.com/callback, registered as a redirect URI in the WorkOS \
                     dashboard"
                )));
            }
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
    /// App state carried through the sign-in as JSON (comes back in `on_redirect_callback`),
    /// set with [`SignInOptions::state`]. A `{"return_to": "/path"}` object is followed after
    /// sign-in when it is a same-origin path.
    pub state: Option<Value>,
    /// Sign in to this organization.
    pub organization_id: Option<String>,
    /// Pre-fills the email on the hosted page.
    pub login_hint: Option<String>,
    /// An invitation to redeem.
    pub invitation_token: Option<String>,
    /// A password-reset token to continue with.
    pub password_reset_token: Option<String>,
    /// Why [`SignInOptions::state`] could not turn the app's value into JSON; reported by
    /// the action that uses these options.
    pub(crate) state_error: Option<String>,
}

impl SignInOptions {
    /// No options: a plain sign-in.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the app state carried through the sign-in: any serializable value, sent as JSON
    /// in `state` and given back in [`RedirectCallbackParams::state`] (read it back with
    /// [`RedirectCallbackParams::state_as`]). A value serde cannot turn into JSON (a map with
    /// non-string keys) makes the sign-in fail with [`AuthKitError::Config`] saying why.
    ///
    /// ```
    /// use authkit_yew::SignInOptions;
    /// #[derive(serde::Serialize)]
    /// struct AppState { return_to: &'static str, tab: u8 }
    /// let opts = SignInOptions::new().state(AppState { return_to: "/account", tab: 2 });
    /// assert_eq!(opts.state.unwrap()["return_to"], "/account");
    /// ```
    pub fn state(mut self, state: impl Serialize) -> Self {
        match serde_json::to_value(state) {
            Ok(value) => {
                self.state = Some(value);
                self.state_error = None;
            }
            Err(e) => {
                self.state = None;
                self.state_error = Some(e.to_string());
            }
        }
        self
    }

    /// The state as JSON, or the error the app must see (state that is not JSON).
    pub(crate) fn checked_state(&self) -> Result<Option<&Value>, AuthKitError> {
        match &self.state_error {
            Some(why) => Err(AuthKitError::Config(format!(
                "the sign-in state cannot be sent: serde could not turn it into JSON ({why})"
            ))),
            None => Ok(self.state.as_ref()),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn refresh_params_debug_redacts_the_access_token() {
        let user: User = serde_json::from_str(r#"{"id": "user_1", "email": "a@b.c"}"#).unwrap();
        let params = RefreshParams {
            user,
            access_token: "eyJ.SECRET.sig".into(),
            organization_id: Some("org_1".into()),
            impersonator: None,
            authentication_method: None,
        };
        let printed = format!("{params:?}");
        assert!(!printed.contains("SECRET"), "{printed}");
        assert!(
            printed.contains("<redacted>") && printed.contains("org_1"),
            "{printed}"
        );
    }

    #[test]
    fn auto_dev_mode_is_on_only_for_localhost_and_127_0_0_1() {
        assert!(DevMode::Auto.resolve("localhost"));
        assert!(DevMode::Auto.resolve("127.0.0.1"));
        for host in [
            "127.0.0.2",
            "app.example.com",
            "localhost.example.com",
            "[::1]",
            "",
            "mylocalhost",
        ] {
            assert!(!DevMode::Auto.resolve(host), "{host}");
        }
    }

    #[test]
    fn forced_dev_modes_ignore_the_host() {
        for host in ["localhost", "127.0.0.1", "app.example.com"] {
            assert!(DevMode::On.resolve(host));
            assert!(!DevMode::Off.resolve(host));
        }
    }

    #[test]
    fn dev_mode_warning_only_when_forced_on_off_localhost() {
        let warning = DevMode::On.warning("app.example.com").unwrap();
        assert!(
            warning.contains("app.example.com") && warning.contains("localStorage"),
            "{warning}"
        );
        assert_eq!(DevMode::On.warning("127.0.0.1"), None);
        assert_eq!(DevMode::Off.warning("app.example.com"), None);
        assert_eq!(DevMode::Auto.warning("app.example.com"), None);
    }

    #[test]
    fn defaults_match_the_reference() {
        let o = AuthKitOptions::new("client_123");
        assert_eq!(o.client_id, "client_123");
        assert_eq!(o.api_hostname, "api.workos.com");
        assert!(o.https);
        assert_eq!(o.port, None);
        assert_eq!(o.redirect_uri, None);
        assert_eq!(o.dev_mode, DevMode::Auto);
        assert_eq!(o.refresh_buffer_secs, 10);
        assert_eq!(o.request_timeout_ms, 10_000);
        assert!(o.on_redirect_callback.is_none() && o.on_refresh.is_none());
        assert!(o.on_refresh_failure.is_none() && o.on_before_auto_refresh.is_none());
    }

    #[test]
    fn base_url_defaults_to_https_api_workos_com() {
        assert_eq!(
            AuthKitOptions::new("c").base_url(),
            "https://api.workos.com"
        );
    }

    #[test]
    fn base_url_with_scheme_and_port() {
        let o = AuthKitOptions::new("c")
            .api_hostname("localhost")
            .https(false)
            .port(4100);
        assert_eq!(o.base_url(), "http://localhost:4100");
        let o = AuthKitOptions::new("c")
            .api_hostname("auth.example.com")
            .port(8443);
        assert_eq!(o.base_url(), "https://auth.example.com:8443");
    }

    #[test]
    fn builder_sets_every_field() {
        let o = AuthKitOptions::new("c")
            .redirect_uri("http://localhost:5173/account")
            .dev_mode(DevMode::Off)
            .refresh_buffer_secs(30);
        assert_eq!(
            o.redirect_uri.as_deref(),
            Some("http://localhost:5173/account")
        );
        assert_eq!(o.dev_mode, DevMode::Off);
        assert_eq!(o.refresh_buffer_secs, 30);
    }

    #[test]
    fn callbacks_are_stored_and_called() {
        let vetoed = Rc::new(Cell::new(0));
        let seen = Rc::clone(&vetoed);
        let o = AuthKitOptions::new("c")
            .on_before_auto_refresh(move |()| {
                seen.set(seen.get() + 1);
                false
            })
            .on_refresh_failure(|_| {});
        assert!(!o.on_before_auto_refresh.as_ref().unwrap().call(()));
        assert_eq!(vetoed.get(), 1);
        assert!(o.on_refresh_failure.is_some());
    }

    #[test]
    fn options_compare_callbacks_by_identity() {
        let a = AuthKitOptions::new("c").on_refresh(|_| {});
        assert_eq!(a.clone(), a);
        let b = AuthKitOptions::new("c").on_refresh(|_| {});
        assert_ne!(a, b);
        assert_eq!(AuthKitOptions::new("c"), AuthKitOptions::new("c"));
    }

    #[test]
    fn validate_accepts_good_options() {
        assert_eq!(AuthKitOptions::new("client_demo").validate(), Ok(()));
        let o = AuthKitOptions::new("client_demo")
            .api_hostname("127.0.0.2")
            .https(false)
            .port(4100)
            .redirect_uri("capacitor://localhost");
        assert_eq!(o.validate(), Ok(()));
    }

    #[test]
    fn validate_rejects_an_empty_client_id_with_a_fix() {
        for id in ["", "   "] {
            match AuthKitOptions::new(id).validate() {
                Err(AuthKitError::Config(msg)) => {
                    assert!(msg.contains("AuthKitOptions::new"), "{msg}")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn validate_rejects_a_hostname_with_scheme_path_or_spaces() {
        for host in [
            "",
            " ",
            "https://auth.example.com",
            "auth.example.com/",
            "auth example.com",
        ] {
            let result = AuthKitOptions::new("c").api_hostname(host).validate();
            assert!(
                matches!(result, Err(AuthKitError::Config(_))),
                "{host:?}: {result:?}"
            );
        }
        let msg = AuthKitOptions::new("c")
            .api_hostname("https://x.io")
            .validate()
            .unwrap_err()
            .to_string();
        assert!(msg.contains(".https(") && msg.contains(".port("), "{msg}");
    }

    #[test]
    fn validate_rejects_a_zero_request_timeout() {
        let result = AuthKitOptions::new("c").request_timeout_ms(0).validate();
        assert!(matches!(result, Err(AuthKitError::Config(m)) if m.contains("request_timeout_ms")));
        assert_eq!(
            AuthKitOptions::new("c").request_timeout_ms(1).validate(),
            Ok(())
        );
    }

    #[test]
    fn validate_rejects_a_relative_redirect_uri() {
        for uri in ["/account", "", "localhost:5173/account", "http://x/ y"] {
            let result = AuthKitOptions::new("c").redirect_uri(uri).validate();
            assert!(
                matches!(result, Err(AuthKitError::Config(_))),
                "{uri:?}: {result:?}"
            );
        }
    }

    #[test]
    fn sign_in_options_builder_sets_each_field() {
        let o = SignInOptions::new()
            .state(serde_json::json!({"return_to": "/a"}))
            .organization_id("org_1")
            .login_hint("a@b.c")
            .invitation_token("inv")
            .password_reset_token("prt");
        assert_eq!(o.checked_state().unwrap(), o.state.as_ref());
        assert_eq!(o.state.unwrap().to_string(), r#"{"return_to":"/a"}"#);
        assert_eq!(o.organization_id.as_deref(), Some("org_1"));
        assert_eq!(o.login_hint.as_deref(), Some("a@b.c"));
        assert_eq!(o.invitation_token.as_deref(), Some("inv"));
        assert_eq!(o.password_reset_token.as_deref(), Some("prt"));
        assert_eq!(SignInOptions::new(), SignInOptions::default());
    }

    #[test]
    fn state_is_any_serializable_value_and_comes_back_typed() {
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct AppState {
            return_to: String,
            tab: u8,
        }
        let sent = AppState {
            return_to: "/account".into(),
            tab: 2,
        };
        let o = SignInOptions::new().state(&sent);
        let params = RedirectCallbackParams {
            state: o.state.clone(),
            user: serde_json::from_str(r#"{"id":"u","email":"e@x"}"#).unwrap(),
            organization_id: None,
            impersonator: None,
            authentication_method: None,
        };
        assert_eq!(params.state_as::<AppState>().unwrap(), Some(sent));
        assert!(params.state_as::<Vec<u8>>().is_err());
        let none = RedirectCallbackParams {
            state: None,
            ..params
        };
        assert_eq!(none.state_as::<AppState>().unwrap(), None);
    }

    #[test]
    fn state_that_is_not_json_is_an_error_of_the_action_not_a_silent_drop() {
        let mut bad = std::collections::HashMap::new();
        bad.insert((1, 2), "a map with non-string keys");
        let o = SignInOptions::new().state(&bad);
        assert_eq!(o.state, None);
        match o.checked_state() {
            Err(AuthKitError::Config(why)) => assert!(why.contains("state"), "{why}"),
            other => panic!("{other:?}"),
        }
        // A later valid state replaces the failed one.
        let o = o.state("fine");
        assert_eq!(o.checked_state().unwrap(), Some(&Value::from("fine")));
    }

    #[test]
    fn sign_out_navigates_by_default() {
        let o = SignOutOptions::default();
        assert!(o.navigate);
        assert_eq!(o.return_to, None);
    }
}
