//! Baseline (t+SDK): baseline (t), the typical Yew app, plus the SDK doing the work of
//! baseline (b): the provider, `use_auth`, a sign-in button, `use_user` and
//! `get_access_token`. (t+SDK) − (t) is what the SDK adds to an app that already links
//! yew-router, gloo-net, serde/serde_json and gloo-storage. Status, Account (`shared/sdk.rs`
//! instead of `shared/plain.rs`) and App's provider are the only parts that differ from (t),
//! exactly as (b) differs from (a').

use authkit_yew::prelude::*;
use yew::prelude::*;

#[path = "../../shared/counter.rs"]
mod counter;
#[path = "../../shared/sdk.rs"]
mod sdk;
#[path = "../../shared/typical.rs"]
mod typical;

use counter::Counter;
use sdk::{Account, Status};
use typical::Routed;

#[function_component(App)]
fn app() -> Html {
    let options = use_memo((), |_| {
        AuthKitOptions::new("client_demo").api_hostname("localhost")
    });
    html! {
        <AuthKitProvider options={(*options).clone()}>
            <Routed />
        </AuthKitProvider>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
