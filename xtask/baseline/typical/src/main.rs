//! Baseline (t): a typical Yew app without the SDK. Besides the components of baseline (a')
//! (Counter, Status, Account) it does what most real apps do: a router with two routes, one
//! JSON document fetched with gloo-net and deserialized with serde, and one `localStorage`
//! key read with gloo-storage (`shared/typical.rs`). Baseline (t+SDK) is this app plus the SDK,
//! so (t+SDK) − (t) is what the SDK adds to an app that already links these crates.

use yew::prelude::*;

#[path = "../../shared/counter.rs"]
mod counter;
#[path = "../../shared/plain.rs"]
mod plain;
#[path = "../../shared/typical.rs"]
mod typical;

use counter::Counter;
use plain::{Account, Status};
use typical::Routed;

#[function_component(App)]
fn app() -> Html {
    html! { <Routed /> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
