//! Baseline (t): a typical Yew app without the SDK. Besides the components of baseline (a')
//! (Counter, Status, Account) it does what most real apps do: a router with two routes, one
//! JSON document fetched with gloo-net and deserialized with serde, and one `localStorage`
//! key read with gloo-storage. Baseline (t+SDK) is this app plus the SDK, so
//! (t+SDK) − (t) is what the SDK adds to an app that already links these crates.

use gloo_storage::Storage as _;
use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

/// The two routes.
#[derive(Clone, Copy, PartialEq, Eq, Routable)]
enum Route {
    #[at("/")]
    Home,
    #[at("/account")]
    Account,
}

/// The JSON document the home page fetches.
#[derive(Deserialize)]
struct Announcement {
    title: String,
    body: String,
    #[serde(default)]
    tags: Vec<String>,
}

/// `GET /announcement.json`, deserialized.
async fn fetch_announcement() -> Result<Announcement, gloo_net::Error> {
    gloo_net::http::Request::get("/announcement.json")
        .send()
        .await?
        .json::<Announcement>()
        .await
}

/// The `theme` key in `localStorage`, or `light`.
fn stored_theme() -> String {
    gloo_storage::LocalStorage::get::<String>("theme").unwrap_or_else(|_| "light".to_owned())
}

#[function_component(AnnouncementPanel)]
fn announcement_panel() -> Html {
    let announcement = use_state(|| None::<Result<Announcement, String>>);
    {
        let announcement = announcement.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                announcement.set(Some(fetch_announcement().await.map_err(|e| e.to_string())));
            });
        });
    }
    match &*announcement {
        None => html! { <p id="announcement">{ "Loading…" }</p> },
        Some(Ok(a)) => html! {
            <section id="announcement">
                <h2>{ &a.title }</h2>
                <p>{ &a.body }</p>
                <p>{ a.tags.join(", ") }</p>
            </section>
        },
        Some(Err(e)) => html! { <p id="announcement" class="error">{ e }</p> },
    }
}

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

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! {
            <>
                <Counter />
                <Status />
                <AnnouncementPanel />
            </>
        },
        Route::Account => html! { <Account /> },
    }
}

#[function_component(App)]
fn app() -> Html {
    let theme = use_memo((), |_| stored_theme());
    html! {
        <BrowserRouter>
            <main class={(*theme).clone()}>
                <h1>{ "Baseline" }</h1>
                <nav>
                    <Link<Route> to={Route::Home}>{ "Home" }</Link<Route>>
                    <Link<Route> to={Route::Account}>{ "Account" }</Link<Route>>
                </nav>
                <Switch<Route> render={switch} />
            </main>
        </BrowserRouter>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
