//! The AuthKit protocol as pure functions and types: no browser, no framework, unit-tested on
//! the host. The browser layer and the client state machine are built on top of it. Of it,
//! only [`claims`] is API: decoding the access token's claims into your own types.

internal_mod!(callback);
pub mod claims;
internal_mod!(de);
internal_mod!(pkce);
internal_mod!(session);
internal_mod!(timing);
internal_mod!(urls);
internal_mod!(wire);
