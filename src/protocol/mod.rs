//! The AuthKit protocol as pure functions and types: no browser, no framework, unit-tested on
//! the host. The browser layer and the client state machine are built on top of it.

pub mod base64url;
pub mod callback;
pub mod claims;
pub mod json;
pub mod pkce;
pub mod session;
pub mod text;
pub mod timing;
pub mod urls;
pub mod wire;
