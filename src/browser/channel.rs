//! A `BroadcastChannel` per client id: the tab that refreshed hands the new session to its
//! siblings, and a sign-out reaches every tab. Same-origin only; the refresh token is never sent.

use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::wire::{AuthenticationMethod, Impersonator, User};

/// A session handed to sibling tabs (no refresh token).
///
/// ```
/// use authkit_yew::browser::channel::{Message, SessionHandOff};
/// fn is_session(m: &Message) -> bool { matches!(m, Message::Session(_)) }
/// assert!(!is_session(&Message::SignedOut));
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionHandOff {
    /// The user.
    pub user: User,
    /// The access token.
    pub access_token: String,
    /// The organization, if any.
    pub organization_id: Option<String>,
    /// The impersonator, if any.
    pub impersonator: Option<Impersonator>,
    /// How the user authenticated.
    pub authentication_method: Option<AuthenticationMethod>,
    /// Local expiry (epoch ms, same clock for every tab of the browser).
    pub expires_at_ms: f64,
}

impl std::fmt::Debug for SessionHandOff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the access token.
        f.debug_struct("SessionHandOff")
            .field("user", &self.user.id)
            .field("organization_id", &self.organization_id)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

/// What tabs tell each other.
///
/// Externally tagged (`"signed_out"`, `{"session":{…}}`): an internally tagged enum makes serde
/// buffer the content and compile a second `User` deserializer, about 7 KB of gzip wasm.
///
/// ```
/// use authkit_yew::browser::channel::Message;
/// let json = serde_json::to_string(&Message::SignedOut).unwrap();
/// assert_eq!(json, r#""signed_out""#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Message {
    /// A fresh session: adopt it instead of refreshing.
    Session(Box<SessionHandOff>),
    /// The user signed out in another tab.
    SignedOut,
}

/// An open channel; dropping it closes it and removes its listener.
///
/// ```no_run
/// let ch = authkit_yew::browser::channel::Channel::open("client_1", |_| {});
/// ```
#[must_use = "the channel closes when dropped"]
pub struct Channel {
    inner: web_sys::BroadcastChannel,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("name", &self.inner.name())
            .finish()
    }
}

/// The channel name of a client.
///
/// ```
/// assert_eq!(authkit_yew::browser::channel::channel_name("client_1"), "authkit:client_1");
/// ```
pub fn channel_name(client_id: &str) -> String {
    format!("authkit:{client_id}")
}

impl Channel {
    /// Opens the channel of `client_id`; `on_message` gets each well-formed message from other
    /// tabs. `None` where `BroadcastChannel` is unavailable.
    ///
    /// ```no_run
    /// use authkit_yew::browser::channel::{Channel, Message};
    /// let ch = Channel::open("client_1", |m: Message| { let _ = m; });
    /// ```
    pub fn open(client_id: &str, mut on_message: impl FnMut(Message) + 'static) -> Option<Self> {
        let inner = web_sys::BroadcastChannel::new(&channel_name(client_id)).ok()?;
        let closure = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                if let Ok(message) = serde_json::from_str::<Message>(&text) {
                    on_message(message);
                }
            },
        );
        inner.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Some(Self {
            inner,
            _on_message: closure,
        })
    }

    /// Sends `message` to the other tabs (never to this one).
    ///
    /// ```no_run
    /// use authkit_yew::browser::channel::{Channel, Message};
    /// if let Some(ch) = Channel::open("client_1", |_| {}) { ch.post(&Message::SignedOut); }
    /// ```
    pub fn post(&self, message: &Message) {
        if let Ok(text) = serde_json::to_string(message) {
            let _ = self.inner.post_message(&JsValue::from_str(&text));
        }
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.inner.set_onmessage(None);
        self.inner.close();
    }
}
