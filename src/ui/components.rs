//! Ready-made components: the sign-in endpoint route and `<SignedIn>` / `<SignedOut>`.

use yew::prelude::*;

use crate::browser::page;
use crate::error::AuthKitError;
use crate::protocol::urls::sign_in_endpoint_options;
use crate::ui::hooks::{use_auth, use_auth_handle};

/// Props of [`SignInEndpoint`].
///
/// ```
/// let props = authkit_yew::ui::SignInEndpointProps { children: Default::default() };
/// let _ = props;
/// ```
#[derive(Properties, PartialEq)]
pub struct SignInEndpointProps {
    /// Shown while the browser is sent to AuthKit (default: nothing).
    #[prop_or_default]
    pub children: Html,
}

/// The app's sign-in endpoint (e.g. the `/login` route): starts sign-in at once, forwarding
/// `login_hint`, `organization_id` and `invitation_token` from the query string.
///
/// AuthKit sends sign-ins that did not start in the app (a bookmarked hosted page, an
/// impersonation started from the dashboard) to this route: register its URL as the **sign-in
/// endpoint** in the WorkOS dashboard (Redirects). If sign-in cannot start (e.g. browser storage
/// is denied), the error is shown in place of the children and reported in `use_auth().error`.
///
/// # Panics
/// Outside an [`AuthKitProvider`](crate::AuthKitProvider).
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
///
/// #[component]
/// fn LoginRoute() -> Html {
///     html! { <SignInEndpoint><p>{"Redirecting to sign-in…"}</p></SignInEndpoint> }
/// }
/// ```
#[component]
pub fn SignInEndpoint(props: &SignInEndpointProps) -> Html {
    let handle = use_auth_handle();
    let error = use_state(|| None::<AuthKitError>);
    {
        let setter = error.setter();
        use_effect_with((), move |_| {
            let options = sign_in_endpoint_options(&page::location().search);
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = handle.sign_in(options).await {
                    handle.client().report_error(e.clone());
                    setter.set(Some(e));
                }
            });
        });
    }
    match &*error {
        Some(e) => html! { <p class="authkit-error" role="alert">{ e.to_string() }</p> },
        None => props.children.clone(),
    }
}

/// Props of [`SignedIn`] and [`SignedOut`].
///
/// ```
/// let props = authkit_yew::ui::GuardProps { children: Default::default() };
/// let _ = props;
/// ```
#[derive(Properties, PartialEq)]
pub struct GuardProps {
    /// Rendered when the condition holds.
    #[prop_or_default]
    pub children: Html,
}

/// Renders its children only while someone is signed in.
///
/// # Panics
/// Outside an [`AuthKitProvider`](crate::AuthKitProvider).
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
/// let _ = html! { <SignedIn><p>{"Welcome back"}</p></SignedIn> };
/// ```
#[component]
pub fn SignedIn(props: &GuardProps) -> Html {
    let auth = use_auth();
    if auth.is_authenticated {
        props.children.clone()
    } else {
        Html::default()
    }
}

/// Renders its children only once loading is over and nobody is signed in, and not while the
/// session is reconnecting (an outage is not a sign-out: the visitor may still be signed in).
///
/// # Panics
/// Outside an [`AuthKitProvider`](crate::AuthKitProvider).
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
/// let _ = html! { <SignedOut><p>{"Please sign in"}</p></SignedOut> };
/// ```
#[component]
pub fn SignedOut(props: &GuardProps) -> Html {
    let auth = use_auth();
    if !auth.is_loading && !auth.is_authenticated && !auth.is_reconnecting {
        props.children.clone()
    } else {
        Html::default()
    }
}
