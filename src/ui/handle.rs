//! [`AuthHandle`] (stable actions) and [`Auth`] (state + actions), what the hooks return.

use std::ops::Deref;
use std::rc::Rc;

use crate::client::{AuthKitClient, AuthState};
use crate::error::AuthKitError;
use crate::options::{SignInOptions, SignOutOptions};

/// The actions, written once for [`AuthHandle`] and [`Auth`]: each forwards to the same
/// method of [`AuthKitClient`] (reached through `self.client()`). `$ty` names the type in the
/// doc examples.
macro_rules! actions {
    ($ty:literal) => {
        /// Starts sign-in (navigates to AuthKit); see [`AuthKitClient::sign_in`].
        ///
        #[doc = concat!("```no_run\n# async fn f(auth: authkit_yew::", $ty, ") -> Result<(), authkit_yew::AuthKitError> {\n",
            "auth.sign_in(authkit_yew::SignInOptions::new().login_hint(\"ada@example.com\")).await?;\n# Ok(()) }\n```")]
        pub async fn sign_in(&self, options: SignInOptions) -> Result<(), AuthKitError> {
            self.client().sign_in(options).await
        }

        /// Starts sign-up (navigates to AuthKit); see [`AuthKitClient::sign_up`].
        ///
        #[doc = concat!("```no_run\n# async fn f(auth: authkit_yew::", $ty, ") -> Result<(), authkit_yew::AuthKitError> {\n",
            "auth.sign_up(authkit_yew::SignInOptions::new()).await?;\n# Ok(()) }\n```")]
        pub async fn sign_up(&self, options: SignInOptions) -> Result<(), AuthKitError> {
            self.client().sign_up(options).await
        }

        /// The sign-in URL without navigating; see [`AuthKitClient::get_sign_in_url`].
        ///
        #[doc = concat!("```no_run\n# async fn f(auth: authkit_yew::", $ty, ") -> Result<(), authkit_yew::AuthKitError> {\n",
            "let url = auth.get_sign_in_url(authkit_yew::SignInOptions::new()).await?;\n# Ok(()) }\n```")]
        pub async fn get_sign_in_url(&self, options: SignInOptions) -> Result<String, AuthKitError> {
            self.client().get_sign_in_url(options).await
        }

        /// The sign-up URL without navigating; see [`AuthKitClient::get_sign_up_url`].
        ///
        #[doc = concat!("```no_run\n# async fn f(auth: authkit_yew::", $ty, ") -> Result<(), authkit_yew::AuthKitError> {\n",
            "let url = auth.get_sign_up_url(authkit_yew::SignInOptions::new()).await?;\n# Ok(()) }\n```")]
        pub async fn get_sign_up_url(&self, options: SignInOptions) -> Result<String, AuthKitError> {
            self.client().get_sign_up_url(options).await
        }

        /// A valid access token (refreshed when due); see [`AuthKitClient::get_access_token`].
        ///
        #[doc = concat!("```no_run\n# async fn f(auth: authkit_yew::", $ty, ") -> Result<(), authkit_yew::AuthKitError> {\n",
            "let token = auth.get_access_token().await?;\n# Ok(()) }\n```")]
        pub async fn get_access_token(&self) -> Result<String, AuthKitError> {
            self.client().get_access_token().await
        }

        /// An access token, refreshed first when `force_refresh`; see
        /// [`AuthKitClient::get_access_token_with`].
        ///
        #[doc = concat!("```no_run\n# async fn f(auth: authkit_yew::", $ty, ") -> Result<(), authkit_yew::AuthKitError> {\n",
            "let token = auth.get_access_token_with(true).await?;\n# Ok(()) }\n```")]
        pub async fn get_access_token_with(&self, force_refresh: bool) -> Result<String, AuthKitError> {
            self.client().get_access_token_with(force_refresh).await
        }

        /// Switches the session to another organization; see
        /// [`AuthKitClient::switch_to_organization`].
        ///
        #[doc = concat!("```no_run\n# async fn f(auth: authkit_yew::", $ty, ") -> Result<(), authkit_yew::AuthKitError> {\n",
            "auth.switch_to_organization(\"org_123\", authkit_yew::SignInOptions::new()).await?;\n# Ok(()) }\n```")]
        pub async fn switch_to_organization(
            &self,
            organization_id: &str,
            sign_in_options: SignInOptions,
        ) -> Result<(), AuthKitError> {
            self.client()
                .switch_to_organization(organization_id, sign_in_options)
                .await
        }

        /// Signs out; see [`AuthKitClient::sign_out`].
        ///
        #[doc = concat!("```no_run\n# async fn f(auth: authkit_yew::", $ty, ") -> Result<(), authkit_yew::AuthKitError> {\n",
            "auth.sign_out(authkit_yew::SignOutOptions::default()).await?;\n# Ok(()) }\n```")]
        pub async fn sign_out(&self, options: SignOutOptions) -> Result<(), AuthKitError> {
            self.client().sign_out(options).await
        }
    };
}

/// The stable, cheap-to-clone handle to the actions. It never changes while the provider is
/// mounted, so components that only hold it never re-render because of auth state.
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
///
/// #[component]
/// fn SignOutButton() -> Html {
///     let handle = use_auth_handle();
///     let onclick = Callback::from(move |_| {
///         let handle = handle.clone();
///         wasm_bindgen_futures::spawn_local(async move {
///             let _ = handle.sign_out(SignOutOptions::default()).await;
///         });
///     });
///     html! { <button {onclick}>{"Sign out"}</button> }
/// }
/// ```
#[derive(Clone, PartialEq, Debug)]
pub struct AuthHandle {
    client: AuthKitClient,
}

impl AuthHandle {
    pub(crate) fn new(client: AuthKitClient) -> Self {
        Self { client }
    }

    /// The underlying client.
    ///
    /// ```no_run
    /// # fn f(h: authkit_yew::AuthHandle) {
    /// let dev_mode = h.client().is_dev_mode();
    /// # }
    /// ```
    pub fn client(&self) -> &AuthKitClient {
        &self.client
    }

    /// The current state (read once, not subscribed).
    ///
    /// ```no_run
    /// # fn f(h: authkit_yew::AuthHandle) {
    /// let signed_in = h.state().is_authenticated;
    /// # }
    /// ```
    pub fn state(&self) -> Rc<AuthState> {
        self.client.state()
    }

    /// Waits until initialization is over.
    ///
    /// ```no_run
    /// # async fn f(h: authkit_yew::AuthHandle) -> Result<(), authkit_yew::AuthKitError> {
    /// h.ready().await?;
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self) -> Result<(), AuthKitError> {
        self.client.ready().await
    }

    actions!("AuthHandle");
}

/// What [`use_auth`](crate::use_auth) returns: the state (through `Deref`) and the actions.
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
///
/// #[component]
/// fn Status() -> Html {
///     let auth = use_auth();
///     if auth.is_loading {
///         return html! { <p>{"loading"}</p> };
///     }
///     match &auth.user {
///         Some(user) => html! { <p>{format!("Hello {}", user.display_name())}</p> },
///         None => html! { <p>{"signed out"}</p> },
///     }
/// }
/// ```
#[derive(Clone, PartialEq, Debug)]
pub struct Auth {
    state: Rc<AuthState>,
    handle: AuthHandle,
}

impl Auth {
    pub(crate) fn new(state: Rc<AuthState>, handle: AuthHandle) -> Self {
        Self { state, handle }
    }

    /// The stable handle (for closures and `spawn_local`).
    ///
    /// ```no_run
    /// # fn f(auth: authkit_yew::Auth) {
    /// let handle = auth.handle();
    /// # }
    /// ```
    pub fn handle(&self) -> AuthHandle {
        self.handle.clone()
    }

    /// The state as a shared value.
    ///
    /// ```no_run
    /// # fn f(auth: authkit_yew::Auth) {
    /// let state = auth.state();
    /// # }
    /// ```
    pub fn state(&self) -> Rc<AuthState> {
        self.state.clone()
    }

    /// The underlying client.
    ///
    /// ```no_run
    /// # fn f(auth: authkit_yew::Auth) {
    /// let dev_mode = auth.client().is_dev_mode();
    /// # }
    /// ```
    pub fn client(&self) -> &AuthKitClient {
        self.handle.client()
    }

    actions!("Auth");
}

impl Deref for Auth {
    type Target = AuthState;

    fn deref(&self) -> &AuthState {
        &self.state
    }
}
