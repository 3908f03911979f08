//! `AuthKitClient`: the state machine tying the protocol to the browser.
