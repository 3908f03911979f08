//! `Status` and `Account` without the SDK: the same kinds of state and callbacks as `sdk.rs`,
//! for baselines (a') and (t). Included with `#[path]`.

use yew::prelude::*;

#[function_component(Status)]
pub fn status() -> Html {
    let signed_in = use_state(|| false);
    let sign_in = {
        let signed_in = signed_in.clone();
        Callback::from(move |_| {
            let signed_in = signed_in.clone();
            wasm_bindgen_futures::spawn_local(async move {
                signed_in.set(true);
            });
        })
    };
    html! {
        <>
            <p id="status">{ if *signed_in { "signed-in" } else { "signed-out" } }</p>
            <button id="sign-in" onclick={sign_in}>{ "Sign in" }</button>
        </>
    }
}

#[function_component(Account)]
pub fn account() -> Html {
    let email = use_state(|| None::<String>);
    let token_len = use_state(|| 0usize);
    let get_token = {
        let token_len = token_len.clone();
        let email = email.clone();
        Callback::from(move |_| {
            let token_len = token_len.clone();
            let email = email.clone();
            wasm_bindgen_futures::spawn_local(async move {
                token_len.set(3);
                email.set(Some("a@b.c".to_owned()));
            });
        })
    };
    html! {
        <>
            <p id="user-email">{ (*email).clone().unwrap_or_default() }</p>
            <button id="get-token" onclick={get_token}>{ "Get token" }</button>
            <p id="token-len">{ *token_len }</p>
        </>
    }
}
