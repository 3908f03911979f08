//! The web platform (storage, fetch, locks, page, events, tab channel, timers).
//! Every call is fallible; nothing here panics. These are building blocks of
//! [`AuthKitClient`]; apps rarely need them directly.
//!
//! [`AuthKitClient`]: crate::client::AuthKitClient

pub mod channel;
pub mod early;
pub mod events;
pub mod http;
pub mod lock;
pub mod navigation;
pub mod page;
pub mod storage;
pub mod timer;
