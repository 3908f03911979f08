//! The current page: location, history, framing, navigation, visibility, performance marks and
//! console warnings. Every call tolerates a missing `window`.

use wasm_bindgen::{JsCast, JsValue};

use crate::error::AuthKitError;

/// The parts of `window.location` the SDK reads.
///
/// Its `Debug` output leaves out the query and the fragment, which may hold a one-time
/// authorization code.
///
/// ```
/// let mut here = authkit_yew::browser::page::Location::default();
/// assert!(here.pathname.is_empty());
/// here.search = "?code=SECRET&state=1".into();
/// assert!(!format!("{here:?}").contains("SECRET"));
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// `location.origin`, e.g. `http://localhost:5173`.
    pub origin: String,
    /// `location.hostname`, e.g. `localhost`.
    pub hostname: String,
    /// `location.pathname`, e.g. `/account`.
    pub pathname: String,
    /// `location.search`, e.g. `?code=…` (or empty).
    pub search: String,
    /// `location.hash` (or empty).
    pub hash: String,
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Location")
            .field("origin", &self.origin)
            .field("hostname", &self.hostname)
            .field("pathname", &self.pathname)
            .field(
                "search",
                &if self.search.is_empty() {
                    ""
                } else {
                    "<redacted>"
                },
            )
            .field(
                "hash",
                &if self.hash.is_empty() {
                    ""
                } else {
                    "<redacted>"
                },
            )
            .finish()
    }
}

/// Reads `window.location` (all fields empty when there is no window).
///
/// ```no_run
/// let here = authkit_yew::browser::page::location();
/// println!("{}{}", here.pathname, here.search);
/// ```
pub fn location() -> Location {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return Location::default();
    };
    Location {
        origin: loc.origin().unwrap_or_default(),
        hostname: loc.hostname().unwrap_or_default(),
        pathname: loc.pathname().unwrap_or_default(),
        search: loc.search().unwrap_or_default(),
        hash: loc.hash().unwrap_or_default(),
    }
}

#[cfg(feature = "internals")]
thread_local! {
    static FRAMED_OVERRIDE: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// True when the page runs in a frame (`window.top !== window.self`). When the answer cannot be
/// determined the page is treated as framed (fail closed).
///
/// ```no_run
/// if authkit_yew::browser::page::is_framed() { /* refuse to run */ }
/// ```
pub fn is_framed() -> bool {
    #[cfg(feature = "internals")]
    if let Some(forced) = FRAMED_OVERRIDE.with(|f| f.get()) {
        return forced;
    }
    match web_sys::window() {
        Some(window) => is_framed_in(&window),
        None => true,
    }
}

/// [`is_framed`] for a given window (e.g. an iframe's `contentWindow`).
///
/// ```no_run
/// let w = web_sys::window().unwrap();
/// assert!(!authkit_yew::browser::page::is_framed_in(&w));
/// ```
pub fn is_framed_in(window: &web_sys::Window) -> bool {
    match window.top() {
        Ok(Some(top)) => !js_sys::Object::is(top.as_ref(), window.as_ref()),
        Ok(None) => false,
        Err(_) => true,
    }
}

/// Test support only (`internals` feature, so no app build can switch the iframe refusal
/// off): makes [`is_framed`] answer `Some(value)` in this page (`None` restores the real
/// check). The browser tests use it because a wasm test cannot run inside an iframe;
/// [`is_framed_in`] is tested on a real iframe.
///
/// ```no_run
/// authkit_yew::browser::page::override_framed_for_tests(Some(true));
/// ```
#[cfg(feature = "internals")]
pub fn override_framed_for_tests(value: Option<bool>) {
    FRAMED_OVERRIDE.with(|f| f.set(value));
}

/// Replaces the current history entry's URL (`history.replaceState(null, "", url)`), e.g. to
/// drop `code` and `state` from the address bar.
///
/// ```no_run
/// authkit_yew::browser::page::replace_url("/account?tab=1").ok();
/// ```
pub fn replace_url(url: &str) -> Result<(), AuthKitError> {
    let history = web_sys::window()
        .ok_or_else(no_window)?
        .history()
        .map_err(|_| AuthKitError::Config("history is not available".into()))?;
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(url))
        .map_err(|_| AuthKitError::Config("history.replaceState was refused".into()))
}

/// Tells routers that the URL changed without a navigation (dispatches `popstate`), after
/// [`replace_url`] moved to another route.
///
/// ```no_run
/// authkit_yew::browser::page::notify_url_changed();
/// ```
pub fn notify_url_changed() {
    if let Some(window) = web_sys::window() {
        if let Ok(event) = web_sys::Event::new("popstate") {
            let _ = window.dispatch_event(&event);
        }
    }
}

/// Navigates the tab to `url` (`location.assign`).
///
/// ```no_run
/// authkit_yew::browser::page::navigate("https://auth.example.com/user_management/authorize?…").ok();
/// ```
pub fn navigate(url: &str) -> Result<(), AuthKitError> {
    web_sys::window()
        .ok_or_else(no_window)?
        .location()
        .assign(url)
        .map_err(|_| AuthKitError::Config(format!("the browser refused to navigate to {url}")))
}

/// True when the document is hidden (a background tab).
///
/// ```no_run
/// let hidden = authkit_yew::browser::page::is_hidden();
/// ```
pub fn is_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
        .unwrap_or(false)
}

/// `performance.mark(name)`; ignored when unavailable.
///
/// ```no_run
/// authkit_yew::browser::page::mark("authkit:ready");
/// ```
pub fn mark(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.mark(name);
    }
}

/// Milliseconds since the epoch on the local clock (`Date.now()`).
///
/// ```no_run
/// let now = authkit_yew::browser::page::now_ms();
/// ```
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// `console.warn(message)`. Never pass a token, code or verifier.
///
/// ```no_run
/// authkit_yew::browser::page::warn("authkit: dev mode is on for a public host");
/// ```
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(message));
}

/// A random `u32` from `getrandom` (`crypto.getRandomValues`), or `Math.random` when there
/// is no secure source (for jitter and lock ids; not for secrets).
///
/// ```no_run
/// let r = authkit_yew::browser::page::random_u32();
/// ```
pub fn random_u32() -> u32 {
    getrandom::u32().unwrap_or_else(|_| (js_sys::Math::random() * f64::from(u32::MAX)) as u32)
}

/// A random fraction in `0.0..=1.0` for backoff jitter ([`random_u32`]).
///
/// ```no_run
/// let j = authkit_yew::browser::page::jitter();
/// assert!((0.0..=1.0).contains(&j));
/// ```
pub fn jitter() -> f64 {
    f64::from(random_u32()) / f64::from(u32::MAX)
}

/// The `window` as an event target, when there is one.
pub(crate) fn window_target() -> Option<web_sys::EventTarget> {
    web_sys::window().map(|w| w.unchecked_into())
}

/// The `document` as an event target, when there is one.
pub(crate) fn document_target() -> Option<web_sys::EventTarget> {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.unchecked_into())
}

fn no_window() -> AuthKitError {
    AuthKitError::Config("no browser window".into())
}
