//! `/login`: the sign-in endpoint ("Initiate Login URL" in the WorkOS dashboard). AuthKit
//! sends visitors here when a sign-in did not start at the app; `<SignInEndpoint/>` starts a
//! fresh sign-in at once, forwarding `login_hint`, `organization_id` and `invitation_token`.

use authkit_yew::prelude::*;
use yew::prelude::*;

use crate::components::layout::Layout;

/// The sign-in endpoint page.
#[function_component(Login)]
pub fn login() -> Html {
    let auth = use_auth();
    html! {
        <Layout redirecting={auth.error.is_none()}>
            <h1>{ "Sign in" }</h1>
            <p class="muted">{ "Starting a sign-in…" }</p>
            <SignInEndpoint />
        </Layout>
    }
}
