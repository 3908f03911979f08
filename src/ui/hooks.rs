//! `use_auth`, `use_try_auth`, `use_auth_handle` and the `use_user` guard.

use yew::prelude::*;

use crate::browser::page;
use crate::options::SignInOptions;
use crate::protocol::wire::User;
use crate::ui::handle::{Auth, AuthHandle};
use crate::ui::provider::StateContext;

const OUTSIDE: &str =
    "use_auth must be used inside an <AuthKitProvider>: wrap your app in <AuthKitProvider options={...}>";

/// The auth state and actions; re-renders the component when the state changes.
///
/// # Panics
/// Outside an [`AuthKitProvider`](crate::AuthKitProvider), with a message saying so. Use
/// [`use_try_auth`] to get `None` instead.
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
///
/// #[component]
/// fn Header() -> Html {
///     let auth = use_auth();
///     let onclick = {
///         let handle = auth.handle();
///         Callback::from(move |_| {
///             let handle = handle.clone();
///             wasm_bindgen_futures::spawn_local(async move {
///                 let _ = handle.sign_in(SignInOptions::default()).await;
///             });
///         })
///     };
///     html! {
///         if auth.is_authenticated { <span>{ auth.user.as_ref().map(|u| u.email.clone()) }</span> }
///         else { <button {onclick}>{"Sign in"}</button> }
///     }
/// }
/// ```
#[hook]
pub fn use_auth() -> Auth {
    match use_try_auth() {
        Some(auth) => auth,
        None => panic!("{OUTSIDE}"),
    }
}

/// Like [`use_auth`], but `None` outside an [`AuthKitProvider`](crate::AuthKitProvider).
///
/// (Yew requires hook names to start with `use_`, hence `use_try_auth` rather than
/// `try_use_auth`.)
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
///
/// #[component]
/// fn Maybe() -> Html {
///     match use_try_auth() {
///         Some(auth) => html! { <p>{ auth.is_authenticated }</p> },
///         None => html! { <p>{"no provider"}</p> },
///     }
/// }
/// ```
#[hook]
pub fn use_try_auth() -> Option<Auth> {
    let handle = use_context::<AuthHandle>();
    let state = use_context::<StateContext>();
    match (handle, state) {
        (Some(handle), Some(state)) => Some(Auth::new(state.0, handle)),
        _ => None,
    }
}

/// The stable action handle only: the component does not re-render when the state changes.
///
/// # Panics
/// Outside an [`AuthKitProvider`](crate::AuthKitProvider).
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
///
/// #[component]
/// fn TokenButton() -> Html {
///     let handle = use_auth_handle();
///     let onclick = Callback::from(move |_| {
///         let handle = handle.clone();
///         wasm_bindgen_futures::spawn_local(async move {
///             if let Ok(token) = handle.get_access_token().await { let _ = token; }
///         });
///     });
///     html! { <button {onclick}>{"Call API"}</button> }
/// }
/// ```
#[hook]
pub fn use_auth_handle() -> AuthHandle {
    match use_context::<AuthHandle>() {
        Some(handle) => handle,
        None => panic!("{OUTSIDE}"),
    }
}

/// Like [`use_auth_handle`], but `None` outside a provider.
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
/// #[component]
/// fn Maybe() -> Html {
///     let handle = use_try_auth_handle();
///     html! { <p>{ handle.is_some() }</p> }
/// }
/// ```
#[hook]
pub fn use_try_auth_handle() -> Option<AuthHandle> {
    use_context::<AuthHandle>()
}

/// A guard for protected routes: the user, or `None` while loading or redirecting.
///
/// Once loading is over with nobody signed in (and the session is not merely reconnecting, no
/// failed sign-in is showing, which a new attempt would only repeat, and the visitor did not
/// just sign out, see [`AuthState::signed_out_reason`](crate::AuthState::signed_out_reason)),
/// it starts sign-in with
/// `state = {"return_to": current path + query}`. After the callback the SDK returns to that
/// path, same-origin paths only. If sign-in cannot start (e.g. browser storage is denied), the
/// reason is in `use_auth().error`.
///
/// # Panics
/// Outside an [`AuthKitProvider`](crate::AuthKitProvider).
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
///
/// #[component]
/// fn Account() -> Html {
///     match use_user() {
///         Some(user) => html! { <p>{ user.email }</p> },
///         None => html! { <p>{"Loading…"}</p> },
///     }
/// }
/// ```
#[hook]
pub fn use_user() -> Option<User> {
    let auth = use_auth();
    let started = use_mut_ref(|| false);
    let should = auth.should_start_sign_in();
    {
        let handle = auth.handle();
        use_effect_with(should, move |should| {
            if *should && !*started.borrow() {
                *started.borrow_mut() = true;
                let here = page::location();
                let return_to = format!("{}{}", here.pathname, here.search);
                // Set directly: `SignInOptions::state` would link serde_json's value serializer
                // into every app that uses this guard.
                let mut state = serde_json::Map::new();
                state.insert("return_to".to_owned(), return_to.into());
                let mut options = SignInOptions::new();
                options.state = Some(state.into());
                wasm_bindgen_futures::spawn_local(async move {
                    if let Err(e) = handle.sign_in(options).await {
                        // Not only the console: the app shows `auth.error` (e.g. storage denied).
                        page::warn(&format!("authkit: could not start sign-in: {e}"));
                        handle.client().report_error(e);
                    }
                });
            }
        });
    }
    if auth.is_loading {
        None
    } else {
        auth.user.clone()
    }
}
