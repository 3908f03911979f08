//! `Status` and `Account` with the SDK doing real work (`use_auth`, a sign-in, `use_user`,
//! `get_access_token`), for baselines (b) and (t+SDK). Included with `#[path]`.

use authkit_yew::prelude::*;
use yew::prelude::*;

#[function_component(Status)]
pub fn status() -> Html {
    let auth = use_auth();
    let sign_in = {
        let handle = auth.handle();
        Callback::from(move |_| {
            let handle = handle.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = handle.sign_in(SignInOptions::default()).await;
            });
        })
    };
    html! {
        <>
            <p id="status">{ if auth.is_authenticated { "signed-in" } else { "signed-out" } }</p>
            <button id="sign-in" onclick={sign_in}>{ "Sign in" }</button>
        </>
    }
}

#[function_component(Account)]
pub fn account() -> Html {
    let user = use_user();
    let auth = use_auth();
    let token_len = use_state(|| 0usize);
    let get_token = {
        let handle = auth.handle();
        let token_len = token_len.clone();
        Callback::from(move |_| {
            let handle = handle.clone();
            let token_len = token_len.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(token) = handle.get_access_token().await {
                    token_len.set(token.len());
                }
            });
        })
    };
    html! {
        <>
            <p id="user-email">{ user.map(|u| u.email).unwrap_or_default() }</p>
            <button id="get-token" onclick={get_token}>{ "Get token" }</button>
            <p id="token-len">{ *token_len }</p>
        </>
    }
}
