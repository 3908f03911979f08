//! # authkit-yew
//!
//! Client-only WorkOS AuthKit for Yew single-page apps. (Full crate docs: being written.)
#![deny(missing_docs)]

pub mod browser;
pub mod client;
pub mod error;
pub mod options;
pub mod protocol;
pub mod ui;

pub use client::{AuthKitClient, AuthState};
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
        SignInEndpoint, SignInOptions, SignOutOptions, SignedIn, SignedOut, User,
    };
}
