//! Baseline (a'): the app of baseline (b) with the same components and the same kinds of
//! state and callbacks, but without the SDK: (b) − (a') is the SDK's own cost.

use yew::prelude::*;

#[function_component(Counter)]
fn counter() -> Html {
    let count = use_state(|| 0u32);
    let onclick = {
        let count = count.clone();
        Callback::from(move |_| count.set(*count + 1))
    };
    html! {
        <>
            <p id="count">{ format!("count={}", *count) }</p>
            <button id="inc" {onclick}>{ "Increment" }</button>
        </>
    }
}

#[function_component(Status)]
fn status() -> Html {
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
fn account() -> Html {
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

#[function_component(App)]
fn app() -> Html {
    html! {
        <main>
            <h1>{ "Baseline" }</h1>
            <Counter />
            <Status />
            <Account />
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
