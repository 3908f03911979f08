//! A `BroadcastChannel` per client id: the tab that refreshed hands the new session to its
//! siblings, and a sign-out reaches every tab. Same-origin only; the refresh token is never sent.

use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::wire::{AuthenticationMethod, Impersonator, User, MAX_BODY_BYTES};

/// A session handed to sibling tabs (no refresh token).
///
/// ```
/// use authkit_yew::browser::channel::{Message, SessionHandOff};
/// fn is_session(m: &Message) -> bool { matches!(m, Message::Session(_)) }
/// assert!(!is_session(&Message::SignedOut { session_id: None }));
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
    /// Local expiry in whole epoch milliseconds (the same clock for every tab of the browser).
    pub expires_at_ms: i64,
}

/// The hand-off of a session: everything but its claims (re-read from the token) and its
/// refresh token (never sent).
///
/// ```
/// # fn f(session: &authkit_yew::protocol::session::Session) {
/// use authkit_yew::browser::channel::{Message, SessionHandOff};
/// let message = Message::Session(Box::new(SessionHandOff::from(session)));
/// # }
/// ```
impl From<&crate::protocol::session::Session> for SessionHandOff {
    fn from(session: &crate::protocol::session::Session) -> Self {
        SessionHandOff {
            user: session.user.clone(),
            access_token: session.access_token.clone(),
            organization_id: session.organization_id.clone(),
            impersonator: session.impersonator.clone(),
            authentication_method: session.authentication_method.clone(),
            // Whole milliseconds: the sub-millisecond part of the local clock does not matter.
            expires_at_ms: session.expires_at_ms as i64,
        }
    }
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

/// What tabs tell each other, as JSON text: `{"session":{…}}` or
/// `{"signed_out":{"session_id":…}}` (the bare `"signed_out"` of earlier versions is read too).
///
/// ```
/// use authkit_yew::browser::channel::Message;
/// let out = Message::SignedOut { session_id: Some("session_1".into()) };
/// let text = out.to_text();
/// assert_eq!(text, r#"{"signed_out":{"session_id":"session_1"}}"#);
/// assert_eq!(Message::parse(&text), Some(out));
/// assert_eq!(Message::parse(r#""signed_out""#), Some(Message::SignedOut { session_id: None }));
/// assert_eq!(Message::parse(r#"{"session":{}}"#), None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Message {
    /// A fresh session: adopt it instead of refreshing.
    Session(Box<SessionHandOff>),
    /// The user signed out in another tab. `session_id` is the ended session: a tab that did
    /// not hold it yet (still loading) must not adopt it later from a crossing hand-off.
    SignedOut {
        /// The `sid` of the ended session, when known.
        session_id: Option<String>,
    },
}

impl Message {
    /// The message as JSON text.
    ///
    /// ```
    /// use authkit_yew::browser::channel::Message;
    /// let out = Message::SignedOut { session_id: None };
    /// assert_eq!(out.to_text(), r#"{"signed_out":{"session_id":null}}"#);
    /// ```
    pub fn to_text(&self) -> String {
        // Plain data with string keys: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a message sent by another tab; `None` for anything malformed or larger than
    /// [`MAX_BODY_BYTES`] (another tab is trusted no more than a server).
    ///
    /// ```
    /// use authkit_yew::browser::channel::Message;
    /// assert_eq!(Message::parse("\"hello\""), None);
    /// ```
    pub fn parse(text: &str) -> Option<Message> {
        if text.len() > MAX_BODY_BYTES {
            return None;
        }
        if text == r#""signed_out""# {
            return Some(Message::SignedOut { session_id: None });
        }
        serde_json::from_str(text).ok()
    }
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
                if let Some(message) = Message::parse(&text) {
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
    /// if let Some(ch) = Channel::open("client_1", |_| {}) {
    ///     ch.post(&Message::SignedOut { session_id: None });
    /// }
    /// ```
    pub fn post(&self, message: &Message) {
        let text = message.to_text();
        let _ = self.inner.post_message(&JsValue::from_str(&text));
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.inner.set_onmessage(None);
        self.inner.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hand_off() -> SessionHandOff {
        let user =
            serde_json::from_str(r#"{"id":"user_1","email":"a@b.c","first_name":"Ada"}"#).unwrap();
        SessionHandOff {
            user,
            access_token: "a.b.c".into(),
            organization_id: Some("org_1".into()),
            impersonator: Some(Impersonator {
                email: "admin@x".into(),
                reason: None,
            }),
            authentication_method: Some(AuthenticationMethod::Password),
            expires_at_ms: 1_764_480_000_123,
        }
    }

    #[test]
    fn a_session_message_round_trips_through_its_text() {
        let message = Message::Session(Box::new(hand_off()));
        let text = message.to_text();
        assert!(text.starts_with(r#"{"session":{"user":{"#), "{text}");
        assert!(text.contains(r#""expires_at_ms":1764480000123"#), "{text}");
        assert!(
            text.contains(r#""authentication_method":"Password""#),
            "{text}"
        );
        assert_eq!(Message::parse(&text), Some(message));
        assert_eq!(
            Message::parse(r#""signed_out""#),
            Some(Message::SignedOut { session_id: None })
        );
        let out = Message::SignedOut {
            session_id: Some("session_1".into()),
        };
        assert_eq!(Message::parse(&out.to_text()), Some(out));
        assert_eq!(Message::parse(r#"{"signed_out":{"session_id":5}}"#), None);
    }

    #[test]
    fn the_text_is_what_earlier_versions_send_and_read() {
        // The bytes of the previous release (hand-written JSON), so old and new tabs talk.
        let earlier = r#"{"session":{"user":{"object":"","id":"user_1","email":"a@b.c","email_verified":false,"first_name":"Ada","last_name":null,"name":null,"profile_picture_url":null,"external_id":null,"metadata":null,"last_sign_in_at":null,"locale":null,"created_at":"","updated_at":""},"access_token":"a.b.c","organization_id":"org_1","impersonator":{"email":"admin@x","reason":null},"authentication_method":"Password","expires_at_ms":1764480000123}}"#;
        let message = Message::Session(Box::new(hand_off()));
        assert_eq!(message.to_text(), earlier);
        assert_eq!(Message::parse(earlier), Some(message));
    }

    #[test]
    fn malformed_messages_are_dropped() {
        let good = Message::Session(Box::new(hand_off())).to_text();
        for bad in [
            String::new(),
            "\"signed_in\"".into(),
            "{}".into(),
            good.replace(r#""access_token":"a.b.c""#, r#""access_token":1"#),
            good.replace(
                r#""expires_at_ms":1764480000123"#,
                r#""expires_at_ms":"soon""#,
            ),
            good.replace(r#""expires_at_ms":1764480000123"#, r#""expires_at_ms":1.5"#),
            good.replace(r#""email":"a@b.c""#, r#""email":null"#),
            good.replace(r#""email":"admin@x""#, r#""email":false"#),
            format!("{good} trailing"),
            format!("{{\"session\":{}}}", "[".repeat(MAX_BODY_BYTES)),
        ] {
            assert_eq!(Message::parse(&bad), None, "{bad:.200}");
        }
    }
}
