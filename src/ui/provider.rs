//! [`AuthKitProvider`]: owns one [`AuthKitClient`] per mount and shares it through two contexts.

use std::rc::Rc;

use yew::prelude::*;

use crate::client::{AuthKitClient, AuthState};
use crate::options::{AuthKitOptions, DevMode};
use crate::ui::handle::AuthHandle;

/// Props of [`AuthKitProvider`].
///
/// ```
/// use authkit_yew::{AuthKitOptions, AuthKitProviderProps};
/// let props = AuthKitProviderProps { options: AuthKitOptions::new("client_123"), children: Default::default() };
/// assert_eq!(props.options.client_id, "client_123");
/// ```
#[derive(Properties, PartialEq)]
pub struct AuthKitProviderProps {
    /// Client options (client id, API host, callbacks, …).
    pub options: AuthKitOptions,
    /// The app.
    #[prop_or_default]
    pub children: Html,
}

/// The changing half of the auth context (the stable half is [`AuthHandle`]).
#[derive(Clone, PartialEq)]
pub(crate) struct StateContext(pub(crate) Rc<AuthState>);

/// The settings that define a client; changing one of them replaces the client. Callbacks are
/// updated in place.
type ConnectionKey = (
    String,
    String,
    bool,
    Option<u16>,
    Option<String>,
    DevMode,
    u32,
    u32,
);

fn connection_key(o: &AuthKitOptions) -> ConnectionKey {
    (
        o.client_id.clone(),
        o.api_hostname.clone(),
        o.https,
        o.port,
        o.redirect_uri.clone(),
        o.dev_mode,
        o.refresh_buffer_secs,
        o.request_timeout_ms,
    )
}

/// Provides AuthKit to its children: creates the client when mounted (handling the sign-in
/// callback or restoring the session), disposes it when unmounted.
///
/// It provides two contexts, as yew-router does: a stable [`AuthHandle`] (actions) and the
/// [`AuthState`], which changes only when a visible field changes — so a token refresh that
/// changes no claim re-renders no [`use_auth`](crate::use_auth) consumer.
///
/// ```no_run
/// use authkit_yew::prelude::*;
/// use yew::prelude::*;
///
/// #[component]
/// fn App() -> Html {
///     let options = AuthKitOptions::new("client_123")
///         .api_hostname("auth.example.com")
///         .redirect_uri("https://app.example.com/account");
///     html! {
///         <AuthKitProvider {options}>
///             <p>{"your app"}</p>
///         </AuthKitProvider>
///     }
/// }
/// ```
#[component]
pub fn AuthKitProvider(props: &AuthKitProviderProps) -> Html {
    let client = use_memo(connection_key(&props.options), {
        let options = props.options.clone();
        move |_| AuthKitClient::new(options)
    });
    let state = use_state_eq(|| client.state());
    {
        let setter = state.setter();
        use_effect_with(client.clone(), move |client| {
            let client: AuthKitClient = (**client).clone();
            setter.set(client.state());
            let subscription = client.subscribe(move |s| setter.set(s));
            client.start();
            move || {
                drop(subscription);
                client.dispose();
            }
        });
    }
    {
        let client = client.clone();
        use_effect_with(props.options.clone(), move |options| {
            client.update_callbacks(options);
        });
    }
    let handle = AuthHandle::new((*client).clone());
    html! {
        <ContextProvider<AuthHandle> context={handle}>
            <ContextProvider<StateContext> context={StateContext((*state).clone())}>
                { props.children.clone() }
            </ContextProvider<StateContext>>
        </ContextProvider<AuthHandle>>
    }
}
