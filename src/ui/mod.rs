//! The Yew layer: [`AuthKitProvider`], the hooks and a few components. It is thin: every
//! behaviour lives in [`AuthKitClient`](crate::client::AuthKitClient).

mod components;
mod handle;
mod hooks;
mod provider;

pub use components::{GuardProps, SignInEndpoint, SignInEndpointProps, SignedIn, SignedOut};
pub use handle::{Auth, AuthHandle};
pub use hooks::{use_auth, use_auth_handle, use_try_auth, use_try_auth_handle, use_user};
pub use provider::{AuthKitProvider, AuthKitProviderProps};
