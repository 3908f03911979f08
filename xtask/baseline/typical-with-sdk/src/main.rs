//! Baseline (t+SDK): baseline (t), the typical Yew app, plus the SDK doing the work of
//! baseline (b): the provider, `use_auth`, a sign-in button, `use_user` and
//! `get_access_token`. (t+SDK) − (t) is what the SDK adds to an app that already links
//! yew-router, gloo-net, serde/serde_json and gloo-storage. Status, Account and App are the
//! only parts that differ from (t), exactly as (b) differs from (a').

use authkit_yew::prelude::*;
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
fn account() -> Html {
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
    let options = use_memo((), |_| {
        AuthKitOptions::new("client_demo").api_hostname("localhost")
    });
    html! {
        <AuthKitProvider options={(*options).clone()}>
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
        </AuthKitProvider>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
