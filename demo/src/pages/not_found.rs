//! Any unknown path.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::layout::Layout;
use crate::Route;

/// The 404 page.
#[function_component(NotFound)]
pub fn not_found() -> Html {
    html! {
        <Layout>
            <h1>{ "Page not found" }</h1>
            <p><Link<Route> to={Route::Home}>{ "Back home" }</Link<Route>></p>
        </Layout>
    }
}
