//! Baseline (a'): the app of baseline (b) with the same components and the same kinds of
//! state and callbacks, but without the SDK: (b) − (a') is the SDK's own cost.

use yew::prelude::*;

#[path = "../../shared/counter.rs"]
mod counter;
#[path = "../../shared/plain.rs"]
mod plain;

use counter::Counter;
use plain::{Account, Status};

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
