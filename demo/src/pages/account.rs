//! `/account`: protected by `use_user` (signed-out visitors are sent to sign in and come
//! back here); also the callback route where AuthKit returns with `?code=`.

use authkit_yew::prelude::*;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::components::layout::Layout;
use crate::components::org_switcher::OrgSwitcher;
use crate::components::session_details::SessionDetails;
use crate::components::sign_out_button::SignOutButton;
use crate::components::token_panel::TokenPanel;
use crate::components::user_card::UserCard;

/// The app state carried through a sign-in: the SDK follows a same-origin `return_to`
/// after the callback.
#[derive(serde::Serialize)]
struct ReturnTo {
    return_to: &'static str,
}

/// The account page.
#[function_component(Account)]
pub fn account() -> Html {
    let auth = use_auth();
    let user = use_user();
    let signing_out = use_state(|| false);
    let action_error = use_state(|| None::<AuthKitError>);

    let Some(user) = user else {
        // `use_user` starts a sign-in once it knows nobody is signed in, unless the API is
        // briefly unreachable or a failed sign-in is showing (the layout shows the error).
        let redirecting = auth.should_start_sign_in();
        let text = if auth.is_loading {
            "Checking your session…"
        } else if redirecting {
            "This page needs a signed-in user: redirecting you to sign in…"
        } else {
            "This page needs a signed-in user."
        };
        // After a failed sign-in the guard does not retry on its own: offer it.
        let retry = (!auth.is_loading && !redirecting && !auth.is_reconnecting).then(|| {
            let handle = auth.handle();
            let action_error = action_error.clone();
            Callback::from(move |_| {
                let (handle, action_error) = (handle.clone(), action_error.clone());
                spawn_local(async move {
                    let options = SignInOptions::new().state(ReturnTo {
                        return_to: "/account",
                    });
                    if let Err(err) = handle.sign_in(options).await {
                        action_error.set(Some(err));
                    }
                });
            })
        });
        return html! {
            <Layout {redirecting} action_error={(*action_error).clone()}>
                <h1>{ "Account" }</h1>
                <p class="muted">{ text }</p>
                if let Some(onclick) = retry {
                    <div class="row"><button id="sign-in" {onclick}>{ "Sign in again" }</button></div>
                }
            </Layout>
        };
    };

    let on_busy = {
        let signing_out = signing_out.clone();
        Callback::from(move |busy| signing_out.set(busy))
    };
    let on_error = {
        let action_error = action_error.clone();
        Callback::from(move |err| action_error.set(Some(err)))
    };
    let on_switch_error = {
        let action_error = action_error.clone();
        Callback::from(move |err| action_error.set(err))
    };
    html! {
        <Layout redirecting={*signing_out} action_error={(*action_error).clone()}>
            <h1>{ "Account" }</h1>
            <UserCard {user} impersonator={auth.impersonator.clone()} />
            <SessionDetails />
            <OrgSwitcher on_error={on_switch_error} />
            <TokenPanel />
            <div class="row">
                <SignOutButton {on_busy} {on_error} />
            </div>
        </Layout>
    }
}
