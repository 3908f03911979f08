//! Organization, roles, permissions, flags, entitlements, method and session id.

use authkit_yew::prelude::*;
use yew::prelude::*;

use super::join_or_none;

/// Everything the session says about the user's access.
#[function_component(SessionDetails)]
pub fn session_details() -> Html {
    let auth = use_auth();
    let row = |label: &str, id: &str, value: String| {
        html! {
            <>
                <dt>{ label.to_owned() }</dt>
                <dd id={id.to_owned()}>{ value }</dd>
            </>
        }
    };
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_owned());
    html! {
        <section class="card">
            <h3>{ "Session" }</h3>
            <dl>
                { row("Organization", "organization-id", or_none(&auth.organization_id)) }
                { row("Role", "role", or_none(&auth.role)) }
                { row("Roles", "roles", join_or_none(&auth.roles)) }
                { row("Permissions", "permissions", join_or_none(&auth.permissions)) }
                { row("Feature flags", "feature-flags", join_or_none(&auth.feature_flags)) }
                { row("Entitlements", "entitlements", join_or_none(&auth.entitlements)) }
                { row("Signed in with", "auth-method", auth.authentication_method.as_ref().map(|m| m.as_str().to_owned()).unwrap_or_else(|| "unknown".to_owned())) }
                { row("Session id", "session-id", or_none(&auth.session_id)) }
            </dl>
        </section>
    }
}
