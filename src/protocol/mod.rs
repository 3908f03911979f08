//! The AuthKit protocol as pure functions and types: no browser, no framework, unit-tested on
//! the host. The browser layer and the client state machine are built on top of it.

pub mod callback;
pub mod claims;
pub mod de;
pub mod pkce;
pub mod session;
pub mod timing;
pub mod urls;
pub mod wire;
