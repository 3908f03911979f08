//! What an app cannot reach: checked by compile-fail doc tests, which `cargo xtask test` runs
//! without the `internals` feature (`cargo test -p authkit-yew --doc -- api_surface`).
//!
//! The browser glue (storage, lock, HTTP, the tab channel) is not API:
//!
//! ```compile_fail
//! let _ = authkit_yew::browser::storage::get;
//! ```
//!
//! ```compile_fail
//! use authkit_yew::browser::lock::with_lock;
//! ```
//!
//! ```compile_fail
//! use authkit_yew::browser::http::authenticate;
//! ```
//!
//! Nor is the tab-message format:
//!
//! ```compile_fail
//! use authkit_yew::browser::channel::Message;
//! ```
//!
//! Nor are the protocol helpers behind the client:
//!
//! ```compile_fail
//! use authkit_yew::protocol::wire::RefreshGrant;
//! ```
//!
//! No release build can switch off the iframe refusal or intercept navigations:
//!
//! ```compile_fail
//! authkit_yew::browser::page::override_framed_for_tests(Some(false));
//! ```
//!
//! ```compile_fail
//! authkit_yew::browser::navigation::intercept_for_tests(None::<fn(&str)>);
//! ```
//!
//! What apps use compiles (the control of the checks above):
//!
//! ```
//! use authkit_yew::prelude::*;
//! use authkit_yew::protocol::claims::{decode_claims, decode_payload, decode_payload_as};
//! let _ = AuthKitOptions::new("client_123");
//! let _ = (decode_claims, decode_payload, decode_payload_as::<serde_json::Value>);
//! ```
