//! Baseline (a): a counter, the smallest app that renders, holds state and handles a click.

use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    let count = use_state(|| 0u32);
    let onclick = {
        let count = count.clone();
        Callback::from(move |_| count.set(*count + 1))
    };
    html! {
        <main>
            <h1>{ "Baseline" }</h1>
            <p id="count">{ format!("count={}", *count) }</p>
            <button id="inc" {onclick}>{ "Increment" }</button>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
