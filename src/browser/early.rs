//! The early restore of `js/authkit-early.js`: the settings the script needs (remembered at
//! each start) and the answer it hands over.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::browser::storage;

/// The localStorage key of [`EarlyConfig`] (the script reads it on the next page load).
pub const CONFIG_KEY: &str = "authkit:early";

/// The global accessor the script defines (it removes itself when called).
const ACCESSOR: &str = "__authkitEarlyRestore";

/// What the script needs to restore as the SDK would; nothing secret.
///
/// ```no_run
/// use authkit_yew::browser::early::{remember, EarlyConfig};
/// remember(&EarlyConfig {
///     client_id: "client_123", base_url: "https://auth.example.com", dev_mode: false,
///     redirect_path: "/account", lock_name: "WORKOS_REFRESH_SESSION:client_123", timeout_ms: 10_000,
/// });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EarlyConfig<'a> {
    /// The client id.
    pub client_id: &'a str,
    /// `{scheme}://{host}[:{port}]` of the API.
    pub base_url: &'a str,
    /// Whether the refresh token lives in localStorage.
    pub dev_mode: bool,
    /// The callback route's path (the script stays out of callbacks).
    pub redirect_path: &'a str,
    /// The cross-tab lock's name.
    pub lock_name: &'a str,
    /// The request timeout.
    pub timeout_ms: u32,
}

/// Stores `config` for the script's next run (best effort: without storage there is no early
/// restore, and the SDK restores as usual).
pub fn remember(config: &EarlyConfig<'_>) {
    storage::set_json(storage::Area::Local, CONFIG_KEY, config);
}

/// The script's answer to its request: the status, `Retry-After`, when it arrived and the body
/// (without its refresh token). After a refresh the script holds the cross-tab lock until
/// [`EarlyAnswer::release`].
#[derive(Debug)]
pub struct EarlyAnswer {
    /// The client id the script used.
    pub client_id: String,
    /// The API it asked.
    pub base_url: String,
    /// The storage mode it ran in (the settings the SDK remembered on its last start).
    pub dev_mode: bool,
    /// The grant it sent: `refresh_token` (a restore) or `authorization_code` (the callback).
    pub grant: String,
    /// The code it exchanged (`authorization_code` only).
    pub code: Option<String>,
    /// The HTTP status; `0` when no answer came ([`EarlyAnswer::failure`] says why).
    pub status: u16,
    /// Why no answer came: `timeout` (the request timeout passed) or `network`.
    pub failure: Option<String>,
    /// The browser's description of a failure without an answer.
    pub message: Option<String>,
    /// The `Retry-After` header, when sent.
    pub retry_after: Option<String>,
    /// When the answer arrived (epoch ms, this browser's clock).
    pub received_at_ms: f64,
    /// The body (a success without its refresh token).
    pub body: String,
    /// What the SDK's tab channel carried from the script's request until the answer was
    /// taken (raw message texts, for the SDK to apply as if it had heard them).
    pub messages: Vec<String>,
    release: Option<js_sys::Function>,
}

impl EarlyAnswer {
    /// Lets the script release the cross-tab lock: the session is installed and announced.
    pub fn release(&self) {
        if let Some(release) = &self.release {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Takes the script's answer, once: `None` when the script is not on the page, did not run
/// (neither a callback with this tab's verifier nor a session hint), or its request got no
/// answer at all.
pub async fn take() -> Option<EarlyAnswer> {
    let window: JsValue = web_sys::window()?.into();
    let accessor = js_sys::Reflect::get(&window, &JsValue::from_str(ACCESSOR)).ok()?;
    let accessor = accessor.dyn_into::<js_sys::Function>().ok()?;
    let promise = accessor
        .call0(&window)
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    let answer = JsFuture::from(promise).await.ok()?;
    if answer.is_null() || answer.is_undefined() {
        return None;
    }
    let field = |name: &str| js_sys::Reflect::get(&answer, &JsValue::from_str(name)).ok();
    let text = |name: &str| field(name)?.as_string();
    let function = |name: &str| field(name)?.dyn_into::<js_sys::Function>().ok();
    let release = function("release");
    // Called at once, also for an unusable answer: it closes the script's channel, and the SDK
    // listens itself from here on.
    let messages: Vec<String> = function("messages")
        .and_then(|f| f.call0(&JsValue::UNDEFINED).ok())
        .and_then(|list| list.dyn_into::<js_sys::Array>().ok())
        .map(|list| list.iter().filter_map(|m| m.as_string()).collect())
        .unwrap_or_default();
    let read = |messages: Vec<String>| {
        Some(EarlyAnswer {
            client_id: text("client_id")?,
            base_url: text("base_url")?,
            dev_mode: field("dev_mode")?.as_bool()?,
            grant: text("grant")?,
            code: text("code"),
            status: u16::try_from(field("status")?.as_f64()? as i64).ok()?,
            failure: text("failure"),
            message: text("message"),
            retry_after: text("retry_after"),
            received_at_ms: field("received_at_ms")?.as_f64()?,
            body: text("body")?,
            messages,
            release: release.clone(),
        })
    };
    let answer = read(messages);
    if answer.is_none() {
        // Unusable: free the lock at once, the SDK restores by itself.
        if let Some(release) = release {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
    answer
}
