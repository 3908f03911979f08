//! # authkit-yew
//!
//! Client-only WorkOS AuthKit for Yew single-page apps. (Crate docs with a complete example:
//! to be written, see README.md.)
#![deny(missing_docs)]

pub mod browser;
pub mod client;
pub mod error;
pub mod options;
pub mod protocol;
pub mod ui;

pub use error::AuthKitError;
pub use options::{
    AuthKitOptions, DevMode, RedirectCallbackParams, RefreshParams, SignInOptions, SignOutOptions,
};
pub use protocol::claims::AccessTokenClaims;
pub use protocol::wire::{AuthenticationMethod, Impersonator, User};
