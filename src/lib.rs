//! # authkit-yew
//!
//! Client-only [WorkOS AuthKit](https://workos.com/docs/authkit) for [Yew](https://yew.rs)
//! single-page apps: PKCE sign-in through the hosted AuthKit pages, session restore on load,
//! token refresh, organization switching and sign-out, entirely from the browser. It follows
//! WorkOS's own `authkit-js` / `authkit-react` on the wire and fixes their known faults (see
//! [Behaviour](#behaviour)).
//!
//! ## Quick start
//!
//! ```no_run
//! use authkit_yew::prelude::*;
//! use yew::prelude::*;
//!
//! #[component]
//! fn App() -> Html {
//!     let options = AuthKitOptions::new("client_123")          // your WorkOS client id
//!         .api_hostname("auth.example.com")                   // your custom auth domain
//!         .redirect_uri("https://app.example.com/account");   // the callback route
//!     html! {
//!         <AuthKitProvider {options}>
//!             <Routes />
//!         </AuthKitProvider>
//!     }
//! }
//!
//! #[component]
//! fn Routes() -> Html {
//!     let path = web_sys::window()
//!         .and_then(|w| w.location().pathname().ok())
//!         .unwrap_or_default();
//!     match path.as_str() {
//!         // Register https://app.example.com/login as the dashboard's sign-in endpoint.
//!         "/login" => html! { <SignInEndpoint><p>{"Redirecting to sign-in…"}</p></SignInEndpoint> },
//!         // Protected route, and the redirect URI: the callback is handled here.
//!         "/account" => html! { <Account /> },
//!         _ => html! { <Home /> },
//!     }
//! }
//!
//! #[component]
//! fn Home() -> Html {
//!     let auth = use_auth();
//!     let handle = auth.handle();
//!     let sign_in = Callback::from(move |_| {
//!         let handle = handle.clone();
//!         wasm_bindgen_futures::spawn_local(async move {
//!             let _ = handle.sign_in(SignInOptions::default()).await;
//!         });
//!     });
//!     let handle = auth.handle();
//!     let sign_out = Callback::from(move |_| {
//!         let handle = handle.clone();
//!         wasm_bindgen_futures::spawn_local(async move {
//!             let _ = handle.sign_out(SignOutOptions::default()).await;
//!         });
//!     });
//!     if auth.is_loading {
//!         return html! { <p>{"Loading…"}</p> };
//!     }
//!     let body = match &auth.user {
//!         Some(user) => html! {
//!             <>
//!                 <p>{ format!("Signed in as {}", user.display_name()) }</p>
//!                 <button onclick={sign_out}>{"Sign out"}</button>
//!             </>
//!         },
//!         None => html! { <button onclick={sign_in}>{"Sign in"}</button> },
//!     };
//!     html! {
//!         <>
//!             if let Some(error) = &auth.error { <p role="alert">{ error.to_string() }</p> }
//!             if auth.is_reconnecting { <p>{"Reconnecting…"}</p> }
//!             { body }
//!         </>
//!     }
//! }
//!
//! #[component]
//! fn Account() -> Html {
//!     let handle = use_auth_handle();
//!     let auth = use_auth();
//!     // None while loading; sends the visitor to sign-in (and back here) when signed out. After
//!     // a failed sign-in (the visitor cancelled, say) the error tells why.
//!     let Some(user) = use_user() else {
//!         return match &auth.error {
//!             Some(error) => html! { <p role="alert">{ error.to_string() }</p> },
//!             None => html! { <p>{"Loading…"}</p> },
//!         };
//!     };
//!     let call_api = Callback::from(move |_| {
//!         let handle = handle.clone();
//!         wasm_bindgen_futures::spawn_local(async move {
//!             match handle.get_access_token().await {
//!                 Ok(token) => { let _ = token; /* Authorization: Bearer {token} */ }
//!                 Err(AuthKitError::LoginRequired) => { /* the session ended */ }
//!                 Err(other) => { let _ = other; }
//!             }
//!         });
//!     });
//!     html! {
//!         <>
//!             <h1>{ user.email }</h1>
//!             <button onclick={call_api}>{"Call my API"}</button>
//!         </>
//!     }
//! }
//! ```
//!
//! ## Dashboard setup
//! - **Redirect URI**: the route that renders [`use_user`] or [`use_auth`] under the provider
//!   (e.g. `/account`); pass it as [`AuthKitOptions::redirect_uri`] (default: the page origin).
//!   The callback is recognised by its path and a `code` (or `error`) parameter.
//! - **Sign-in endpoint**: a route rendering [`SignInEndpoint`] (e.g. `/login`). AuthKit sends
//!   sign-ins that did not start in the app there (a bookmarked hosted page, an impersonation).
//! - **Allowed origins (CORS)**: the app's origin.
//! - **Sign-out redirects**: every `return_to` you pass to `sign_out`.
//!
//! ## Dev mode and cookie mode
//! [`DevMode::Auto`] (default) is on for `localhost` / `127.0.0.1`: the refresh token is kept in
//! `localStorage` and sent in the body. Elsewhere the refresh token lives in an HttpOnly cookie of
//! your custom authentication domain (use one on the same site as the app) and requests are sent
//! with credentials; the SDK never sees the token. Forcing dev mode on a public host logs a
//! warning: any script on the page could steal the token.
//!
//! ## State and actions
//! [`use_auth`] returns [`Auth`], which derefs to [`AuthState`] (`is_loading`,
//! `is_reconnecting`, `is_authenticated`, `user`, `organization_id`, `role`, `roles`,
//! `permissions`, `feature_flags`, `entitlements`, `impersonator`, `authentication_method`,
//! `session_id`, `error`, `signed_out_reason`) and has the async actions `sign_in`, `sign_up`,
//! `get_sign_in_url`,
//! `get_sign_up_url`, `get_access_token`, `get_access_token_with(force)`,
//! `switch_to_organization`, `sign_out`. [`use_auth_handle`] returns only the stable
//! [`AuthHandle`] (no re-render on state changes); [`use_try_auth`] returns `None` outside a
//! provider (it is named `use_try_auth`, not `try_use_auth`, because Yew requires every hook
//! name to start with `use_`; likewise [`use_try_auth_handle`]). Actions called while loading
//! wait for initialization; none is a silent no-op. Errors are one enum, [`AuthKitError`].
//!
//! [`SignInOptions`] is `#[non_exhaustive]`: build it with its builder methods, e.g.
//! `SignInOptions::new().organization_id("org_123").login_hint("ada@example.com")`.
//!
//! ## The API
//! Everything an app uses is at the crate root and in [`prelude`]: [`AuthKitProvider`], the
//! hooks ([`use_auth`], [`use_user`], [`use_auth_handle`], [`use_try_auth`],
//! [`use_try_auth_handle`]) with [`Auth`] and [`AuthHandle`], the components [`SignedIn`],
//! [`SignedOut`] and [`SignInEndpoint`], the state ([`AuthState`], [`SignedOutReason`]), the
//! options ([`AuthKitOptions`], [`DevMode`], [`SignInOptions`], [`SignOutOptions`],
//! [`RedirectCallbackParams`], [`RefreshParams`]), the one error ([`AuthKitError`]), the data
//! types ([`User`], [`Impersonator`], [`AuthenticationMethod`], [`AccessTokenClaims`]), the
//! claim decoders in [`protocol::claims`], and [`AuthKitClient`] to drive the flow without Yew.
//! The building blocks behind them (storage, locks, HTTP, the tab messages, the protocol
//! helpers) and their test hooks are crate-private; the SDK's own tests reach them through the
//! `internals` feature, which is not an API and which no app needs.
//!
//! ## State, claims and serde
//! The SDK speaks serde. App state for a sign-in is any `Serialize` value
//! (`SignInOptions::new().state(MyState { return_to: "/account".into() })`, or a
//! `serde_json::json!` value); it comes back in [`RedirectCallbackParams::state`] as a
//! `serde_json::Value`, or as your own type with [`RedirectCallbackParams::state_as`]. Token
//! claims are typed ([`AccessTokenClaims`]); any other claim (JWT templates, `aud`) is read with
//! [`AccessTokenClaims::extra`] (`claims.extra::<Tenant>("tenant")`), and
//! [`protocol::claims::decode_payload_as`] reads the whole payload into your type
//! ([`protocol::claims::decode_payload`] into a `serde_json::Value`). [`User`],
//! [`Impersonator`] and [`AuthenticationMethod`] implement `Serialize` and `Deserialize`.
//!
//! Under the hood: serde derives for every wire type, serde_json for bodies, claims and tab
//! messages, gloo-net for requests, gloo-storage for storage, and sha2 + getrandom + base64 for
//! PKCE, so sign-in also works on a plain-http LAN address where `crypto.subtle` is missing.
//!
//! ## Behaviour
//! Kept from authkit-js: the authorize URL (sorted keys, empty values dropped, S256 PKCE with a
//! 128-character verifier), JSON bodies, `credentials: include` on authenticate requests only in
//! cookie mode, restore on
//! load only with a session hint (`workos-has-session` naming this client, or a dev-mode token),
//! local expiry = receive time + (`exp` − `iat`), refresh 10 s before expiry, transient vs
//! terminal failures (below), a cross-tab lock around every refresh, per-tab
//! organization memory, `NoSession` on sign-out without a session. Done better:
//! - failed callbacks (`?error=`, failed exchange, replayed code, missing verifier) reach the app
//!   in `auth.error`, the URL is cleaned, nothing loops, and a visitor with a session stays
//!   signed in (the session is restored beside the error); a code exchange that fails
//!   transiently is retried with the same code;
//! - every request has a timeout ([`AuthKitOptions::request_timeout_ms`], 10 s): a stalled
//!   network shows `is_reconnecting` instead of loading forever, and the cross-tab lock is
//!   released;
//! - only network errors, timeouts, 408, 429, 500, 502, 503 and 504 are transient; any other
//!   status ends the session, and [`AuthState::signed_out_reason`] tells "your session has
//!   ended" ([`SignedOutReason::SessionEnded`]) from "signed out" and from "never signed in";
//! - pages inside an iframe refuse to run ([`AuthKitError::InsideIframe`]), with no request;
//! - one timer at expiry − buffer instead of polling, re-armed on `visibilitychange`, `focus` and
//!   `online`; hidden tabs wait; exponential backoff honouring `Retry-After` (focus and
//!   visibility never jump it, only `online` retries at once); a vetoed automatic refresh
//!   (`on_before_auto_refresh`) is asked again at the next due time;
//! - an outage while restoring shows `is_reconnecting` instead of signing the visitor out;
//! - the tab that refreshes hands the new session to the other tabs (`BroadcastChannel`), so N
//!   tabs make one request per token lifetime; a tab adopts only a session of its own
//!   organization (per-tab organization memory); sign-out reaches every tab that holds the
//!   ended session;
//! - sign-out stops timers and never triggers `on_refresh_failure`; it is final even while
//!   reconnecting, and a background sign-out that AuthKit did not get is an error in cookie
//!   mode ([`AuthKitError::SignOutIncomplete`]); unmounting disposes;
//! - org switches requested during a refresh are queued, not dropped;
//! - the refresh token never reaches callbacks, logs or (outside dev mode) storage;
//! - a `return_to` in `state` is followed only for same-origin paths;
//! - a refresh that changes no visible claim re-renders nothing.
//!
//! ## The early script
//! The crate ships `js/authkit-early.js`. Inlined at the top of `<head>` (Trunk:
//! `<link data-trunk rel="inline" href="authkit-early.js" />`), it sends the SDK's first
//! request (the callback's code exchange, or the restore on reload) while the wasm downloads,
//! and the SDK takes its answer when it starts: on a slow network the request's two round trips
//! no longer follow the download. It needs no settings (the SDK remembers its own in
//! `localStorage` under `authkit:early`), holds the SDK's cross-tab lock for a refresh until the
//! SDK has taken over, and keeps the refresh token where the SDK keeps it. See the README.
//!
//! ## Performance marks
//! The SDK sets `performance.mark` entries: `authkit:init` (the client starts),
//! `authkit:exchange-start` / `authkit:exchange-end` (code exchange), `authkit:refresh-start` /
//! `authkit:refresh-end`, `authkit:early-exchange` / `authkit:early-restore` (the early script's
//! answer was taken), `authkit:ready` (first settled state), `authkit:signed-in` (first state
//! with a user) and `authkit:timer` (each time one of the SDK's timers fires: the refresh timer,
//! a back-off or lock wait; count them to see the SDK's wake-ups).
#![deny(missing_docs)]

/// Declares a module that is crate-private, and public (hidden from the docs) with the
/// `internals` feature, which only the SDK's own tests enable: the building blocks and their
/// test hooks are not part of the API.
macro_rules! internal_mod {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[cfg(feature = "internals")]
        #[doc(hidden)]
        pub mod $name;
        $(#[$meta])*
        #[cfg(not(feature = "internals"))]
        pub(crate) mod $name;
    };
}

internal_mod!(browser);
#[cfg(not(feature = "internals"))]
mod api_surface;
pub mod client;
pub mod error;
pub mod options;
pub mod protocol;
pub mod ui;

pub use client::{AuthKitClient, AuthState, SignedOutReason};
pub use error::AuthKitError;
pub use options::{
    AuthKitOptions, DevMode, RedirectCallbackParams, RefreshParams, SignInOptions, SignOutOptions,
};
pub use protocol::claims::AccessTokenClaims;
pub use protocol::wire::{AuthenticationMethod, Impersonator, User};
pub use ui::{
    use_auth, use_auth_handle, use_try_auth, use_try_auth_handle, use_user, Auth, AuthHandle,
    AuthKitProvider, AuthKitProviderProps, SignInEndpoint, SignedIn, SignedOut,
};

/// Everything an app needs: `use authkit_yew::prelude::*;`.
pub mod prelude {
    pub use crate::{
        use_auth, use_auth_handle, use_try_auth, use_try_auth_handle, use_user, AccessTokenClaims,
        Auth, AuthHandle, AuthKitError, AuthKitOptions, AuthKitProvider, AuthState,
        AuthenticationMethod, DevMode, Impersonator, RedirectCallbackParams, RefreshParams,
        SignInEndpoint, SignInOptions, SignOutOptions, SignedIn, SignedOut, SignedOutReason, User,
    };
}
