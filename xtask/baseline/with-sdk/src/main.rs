//! Baseline (b): baseline (a) plus the SDK doing real work: the provider, `use_auth`, a
//! sign-in button, `use_user` and `get_access_token`. Its size minus (a)'s is the SDK's cost.
//!
//! The size build talks to `https://localhost`. The bench's browser half builds the same app
//! with `AUTHKIT_API_PORT` and `AUTHKIT_REDIRECT_URI` set, so that it signs in against the
//! emulator (plain http on that port) and comes back to that URI; both are read at compile
//! time, so the size build carries none of it.

use authkit_yew::prelude::*;
use yew::prelude::*;

#[path = "../../shared/counter.rs"]
mod counter;
#[path = "../../shared/sdk.rs"]
mod sdk;

use counter::Counter;
use sdk::{Account, Status};

/// The emulator's port and the redirect URI of the bench's served build; `None` in the
/// size build.
const SERVED: Option<(u16, &str)> = match (
    option_env!("AUTHKIT_API_PORT"),
    option_env!("AUTHKIT_REDIRECT_URI"),
) {
    (Some(port), Some(redirect_uri)) => Some((parse_port(port), redirect_uri)),
    _ => None,
};

/// A decimal port number, at compile time (a bad digit stops the build).
const fn parse_port(text: &str) -> u16 {
    let bytes = text.as_bytes();
    let mut port: u16 = 0;
    let mut i = 0;
    while i < bytes.len() {
        assert!(
            bytes[i].is_ascii_digit(),
            "AUTHKIT_API_PORT is not a number"
        );
        port = port * 10 + (bytes[i] - b'0') as u16;
        i += 1;
    }
    port
}

#[function_component(App)]
fn app() -> Html {
    let options = use_memo((), |_| {
        let options = AuthKitOptions::new("client_demo").api_hostname("localhost");
        match SERVED {
            Some((port, redirect_uri)) => {
                options.https(false).port(port).redirect_uri(redirect_uri)
            }
            None => options,
        }
    });
    html! {
        <AuthKitProvider options={(*options).clone()}>
            <main>
                <h1>{ "Baseline" }</h1>
                <Counter />
                <Status />
                <Account />
            </main>
        </AuthKitProvider>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
