//! The authkit-yew demo: a small Yew app that shows everything the SDK offers.
//!
//! - `/` (public): the sign-in status, Sign in / Sign up buttons.
//! - `/account` (protected by `use_user`, also the callback route): the user, organization,
//!   roles, permissions, flags, entitlements, session, a token panel, an organization switcher.
//! - `/login`: the sign-in endpoint (`<SignInEndpoint/>`), where AuthKit sends visitors who
//!   did not start at the app (a bookmarked sign-in page, an impersonation).
//!
//! Configuration comes from build-time environment variables, see [`config`].

mod components;
mod config;
mod pages;

use authkit_yew::prelude::*;
use yew::prelude::*;
use yew_router::prelude::*;

/// The routes of the demo.
#[derive(Clone, Copy, PartialEq, Eq, Routable)]
pub enum Route {
    /// Public home page.
    #[at("/")]
    Home,
    /// Protected page; also the redirect URI (callback route).
    #[at("/account")]
    Account,
    /// The sign-in endpoint.
    #[at("/login")]
    Login,
    /// Anything else.
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <pages::home::Home /> },
        Route::Account => html! { <pages::account::Account /> },
        Route::Login => html! { <pages::login::Login /> },
        Route::NotFound => html! { <pages::not_found::NotFound /> },
    }
}

#[function_component(App)]
fn app() -> Html {
    // Built once: the provider restarts its client when the options change.
    let options = use_memo((), |_| config::options());
    html! {
        <AuthKitProvider options={(*options).clone()}>
            <BrowserRouter>
                <Switch<Route> render={switch} />
            </BrowserRouter>
        </AuthKitProvider>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
