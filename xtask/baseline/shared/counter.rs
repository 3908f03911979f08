//! The counter every baseline app shows: local state and a callback, no SDK.
//! Each app includes this file with `#[path]`, so the component is the same code in all of them.

use yew::prelude::*;

#[function_component(Counter)]
pub fn counter() -> Html {
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
