//! The page frame: header with navigation, the status line (`#status` and its sentence
//! `#status-text`), the error box (`#error`) and a footer with the build's configuration.

use authkit_yew::prelude::*;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::Route;

/// Properties of [`Layout`].
#[derive(Properties, PartialEq)]
pub struct LayoutProps {
    /// The page is navigating away to sign in or out.
    #[prop_or_default]
    pub redirecting: bool,
    /// An error returned by an action the page started (shown when the SDK has none).
    #[prop_or_default]
    pub action_error: Option<AuthKitError>,
    /// The page content.
    #[prop_or_default]
    pub children: Html,
}

/// The status code shown in `#status` (the e2e tests read it) and a sentence for people.
fn status(auth: &AuthState, redirecting: bool) -> (&'static str, &'static str) {
    if auth.is_loading {
        ("loading", "Checking for a session…")
    } else if redirecting {
        ("redirecting", "Redirecting to AuthKit…")
    } else if auth.is_reconnecting {
        (
            "reconnecting",
            "The authentication server is unreachable; your session is kept while we retry.",
        )
    } else if auth.is_authenticated {
        ("signed-in", "You are signed in.")
    } else if auth.signed_out_reason == Some(SignedOutReason::SessionEnded) {
        (
            "signed-out",
            "Your session has ended, please sign in again.",
        )
    } else {
        ("signed-out", "You are signed out.")
    }
}

/// The frame around every page.
#[function_component(Layout)]
pub fn layout(props: &LayoutProps) -> Html {
    let auth = use_auth();
    let (code, sentence) = status(&auth, props.redirecting);
    // The SDK's error and the page's own action error (a click) each keep their line.
    let error = auth.error.clone();
    let action_error = props
        .action_error
        .clone()
        .filter(|e| Some(e) != error.as_ref());
    let options = crate::config::options();
    html! {
        <>
            <header class="top">
                <Link<Route> to={Route::Home} classes="brand">{ "AuthKit Yew demo" }</Link<Route>>
                <nav>
                    <Link<Route> to={Route::Home}>{ "Home" }</Link<Route>>
                    <Link<Route> to={Route::Account}>{ "Account" }</Link<Route>>
                </nav>
            </header>
            <main>
                <p class="status">
                    <span id="status" class={classes!("pill", code)}>{ code }</span>
                    <span id="status-text" class="sentence">{ sentence }</span>
                </p>
                if let Some(err) = error {
                    <div id="error" class="error" role="alert">{ err.to_string() }</div>
                }
                if let Some(err) = action_error {
                    <div id="action-error" class="error" role="alert">{ err.to_string() }</div>
                }
                { props.children.clone() }
            </main>
            <footer>
                { format!("client {} · API {} · dev mode {:?}", options.client_id, options.base_url(), options.dev_mode) }
            </footer>
        </>
    }
}
