//! `/`: public. Shows the status and offers Sign in / Sign up (or Sign out).

use authkit_yew::prelude::*;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::layout::Layout;
use crate::components::sign_out_button::SignOutButton;
use crate::Route;

/// The home page.
#[function_component(Home)]
pub fn home() -> Html {
    let auth = use_auth();
    let redirecting = use_state(|| false);
    let action_error = use_state(|| None::<AuthKitError>);

    // Sign in and sign up navigate away on success; an error comes back to the page.
    let start = |sign_up: bool| {
        let handle = auth.handle();
        let (redirecting, action_error) = (redirecting.clone(), action_error.clone());
        Callback::from(move |_| {
            let (handle, redirecting, action_error) =
                (handle.clone(), redirecting.clone(), action_error.clone());
            redirecting.set(true);
            action_error.set(None);
            spawn_local(async move {
                let result = if sign_up {
                    handle.sign_up(SignInOptions::default()).await
                } else {
                    handle.sign_in(SignInOptions::default()).await
                };
                if let Err(err) = result {
                    redirecting.set(false);
                    action_error.set(Some(err));
                }
            });
        })
    };
    let on_busy = {
        let redirecting = redirecting.clone();
        Callback::from(move |busy| redirecting.set(busy))
    };
    let on_error = {
        let action_error = action_error.clone();
        Callback::from(move |err| action_error.set(Some(err)))
    };

    let body = if auth.is_authenticated {
        let name = auth
            .user
            .as_ref()
            .map(User::display_name)
            .unwrap_or_default();
        html! {
            <section class="card">
                <p>{ "Welcome back, " }<strong>{ name }</strong>{ "." }</p>
                <div class="row">
                    <Link<Route> to={Route::Account} classes="button">{ "Open your account" }</Link<Route>>
                    <SignOutButton {on_busy} {on_error} />
                </div>
            </section>
        }
    } else {
        html! {
            <section class="card">
                <p>
                    { "This demo signs you in with AuthKit (here: the local emulator; demo user " }
                    <code>{ "demo@example.com" }</code>{ " / " }<code>{ "demo-password" }</code>
                    { "). " }
                    <Link<Route> to={Route::Account}>{ "Your account" }</Link<Route>>
                    { " is protected: opening it signed out sends you to sign in." }
                </p>
                <div class="row">
                    <button id="sign-in" onclick={start(false)} disabled={auth.is_loading}>{ "Sign in" }</button>
                    <button id="sign-up" class="secondary" onclick={start(true)} disabled={auth.is_loading}>{ "Sign up" }</button>
                </div>
            </section>
        }
    };
    html! {
        <Layout redirecting={*redirecting} action_error={(*action_error).clone()}>
            <h1>{ "Home" }</h1>
            { body }
        </Layout>
    }
}
