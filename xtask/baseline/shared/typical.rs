//! What makes baseline (t) a typical Yew app, shared by (t) and (t+SDK): a router with two
//! routes, one JSON document fetched with gloo-net and deserialized with serde, and one
//! `localStorage` key read with gloo-storage. Included with `#[path]`; the including crate
//! provides `Counter`, `Status` and `Account`.

use gloo_storage::Storage as _;
use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{Account, Counter, Status};

/// The two routes.
#[derive(Clone, Copy, PartialEq, Eq, Routable)]
pub enum Route {
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

/// The typical app's page: the stored theme, the router, its links and its two routes.
#[function_component(Routed)]
pub fn routed() -> Html {
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
