//! The Sign out button.

use authkit_yew::prelude::*;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// Properties of [`SignOutButton`].
#[derive(Properties, PartialEq)]
pub struct SignOutButtonProps {
    /// Called with `true` when sign-out starts and `false` if it failed.
    pub on_busy: Callback<bool>,
    /// Receives the error when sign-out fails.
    pub on_error: Callback<AuthKitError>,
}

/// Ends the session at AuthKit and comes back to the home page.
#[function_component(SignOutButton)]
pub fn sign_out_button(props: &SignOutButtonProps) -> Html {
    let handle = use_auth_handle();
    // Disabled from the click until the page leaves (or the sign-out failed): a second click
    // would find no session any more.
    let busy = use_state(|| false);
    let onclick = {
        let on_busy = props.on_busy.clone();
        let on_error = props.on_error.clone();
        let busy = busy.clone();
        Callback::from(move |_| {
            let handle = handle.clone();
            let on_busy = on_busy.clone();
            let on_error = on_error.clone();
            let busy = busy.clone();
            busy.set(true);
            on_busy.emit(true);
            spawn_local(async move {
                let options = SignOutOptions {
                    return_to: Some(format!("{}/", crate::config::origin())),
                    navigate: true,
                };
                if let Err(err) = handle.sign_out(options).await {
                    busy.set(false);
                    on_busy.emit(false);
                    on_error.emit(err);
                }
            });
        })
    };
    html! {
        <button id="sign-out" class="secondary" {onclick} disabled={*busy}>{ "Sign out" }</button>
    }
}
