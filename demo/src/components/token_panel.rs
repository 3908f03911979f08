//! Fetches an access token and shows its decoded claims and a live expiry countdown.

use authkit_yew::prelude::*;
use gloo_timers::callback::Interval;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// What the panel shows.
#[derive(Clone, PartialEq)]
enum TokenView {
    Idle,
    Fetching,
    Loaded { claims: String, exp: Option<i64> },
    Failed(AuthKitError),
}

/// The payload of a JWT as pretty JSON, plus its `exp`, with the SDK's decoder. The
/// signature is not checked: the API checks it; the client only reads the claims.
fn decode(token: &str) -> Option<(String, Option<i64>)> {
    let json = authkit_yew::protocol::claims::decode_payload(token).ok()?;
    let pretty = serde_json::to_string_pretty(&json).ok()?;
    Some((pretty, json["exp"].as_i64()))
}

fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// The token panel.
#[function_component(TokenPanel)]
pub fn token_panel() -> Html {
    let handle = use_auth_handle();
    let view = use_state(|| TokenView::Idle);
    let now = use_state(now_secs);
    {
        // Ticks once a second for the countdown; dropped (stopped) on unmount.
        let now = now.clone();
        use_effect_with((), move |_| {
            let tick = Interval::new(1_000, move || now.set(now_secs()));
            move || drop(tick)
        });
    }
    let onclick = {
        let (view, now) = (view.clone(), now.clone());
        Callback::from(move |_| {
            let handle = handle.clone();
            let (view, now) = (view.clone(), now.clone());
            view.set(TokenView::Fetching);
            spawn_local(async move {
                let token = handle.get_access_token().await;
                // The countdown starts from now, not from the last tick (up to a second old,
                // which would show a fresh token living longer than its lifetime).
                now.set(now_secs());
                view.set(match token {
                    Ok(token) => match decode(&token) {
                        Some((claims, exp)) => TokenView::Loaded { claims, exp },
                        None => TokenView::Loaded {
                            claims: "the token is not a readable JWT".to_owned(),
                            exp: None,
                        },
                    },
                    Err(err) => TokenView::Failed(err),
                });
            });
        })
    };
    let body = match &*view {
        TokenView::Idle => html! { <p class="muted">{ "No token fetched yet." }</p> },
        TokenView::Fetching => html! { <p class="muted">{ "Fetching an access token…" }</p> },
        TokenView::Failed(err) => {
            html! { <p class="error" id="token-error">{ format!("Could not get a token: {err}") }</p> }
        }
        TokenView::Loaded { claims, exp } => html! {
            <>
                if let Some(exp) = exp.filter(|exp| *exp > *now) {
                    <p>
                        { "Expires in " }
                        <strong id="token-expiry">{ exp - *now }</strong>
                        { " s (the SDK refreshes it before then)." }
                    </p>
                } else if exp.is_some() {
                    <p class="muted" id="token-expired">
                        { "This copy has expired; the SDK already holds a fresh token: fetch it again." }
                    </p>
                }
                <pre id="token-claims">{ claims }</pre>
            </>
        },
    };
    html! {
        <section class="card">
            <h3>{ "Access token" }</h3>
            <button id="get-token" {onclick}>{ "Get access token" }</button>
            { body }
        </section>
    }
}
