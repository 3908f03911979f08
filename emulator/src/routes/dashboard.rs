//! The dashboard at `/_emulator/`: a link to the mailbox, users, organizations, invitations,
//! sessions (with revoke buttons). The buttons send the same JSON call as a test would (`fetch` with `Content-Type:
//! application/json`), a request no other web page can make without a CORS preflight.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::clock::rfc3339_ms;
use crate::html::{esc, page};
use crate::state::AppState;

/// The revoke buttons' script: a JSON POST, then a reload.
const REVOKE_SCRIPT: &str = "<script>\
document.addEventListener('click', async (event) => {\
  const url = event.target.dataset && event.target.dataset.revoke;\
  if (!url) return;\
  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });\
  if (!r.ok) { alert('Revoke failed: ' + (await r.text())); }\
  location.reload();\
});\
</script>";

/// `GET /_emulator/`.
pub async fn dashboard(State(state): State<AppState>) -> Response {
    let now = state.clock().now_secs();
    let body = state.with_world(|w| {
        let mut body = String::from(
            "<main class=\"card wide\" aria-labelledby=\"title\"><h1 id=\"title\">authkit-emulator</h1>\
<nav aria-label=\"Emulator\"><p><a id=\"mailbox-link\" href=\"/_emulator/mailbox.html\">Mailbox</a>: \
the emails the emulator would have sent (codes, links, invitations) and the authenticator-app \
secrets.</p></nav>",
        );
        body.push_str("<h2>Users</h2><table id=\"users\"><tr><th>Email</th><th>Name</th><th>Id</th><th>Organizations</th></tr>");
        for u in w.users() {
            let orgs: Vec<String> = w
                .memberships_of(&u.id)
                .iter()
                .map(|m| format!("{} ({})", m.organization_id, m.role))
                .collect();
            body.push_str(&format!(
                "<tr><td>{}</td><td>{} {}</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(&u.email),
                esc(u.first_name.as_deref().unwrap_or("")),
                esc(u.last_name.as_deref().unwrap_or("")),
                esc(&u.id),
                esc(&orgs.join(", ")),
            ));
        }
        body.push_str("</table><h2>Organizations</h2><table id=\"organizations\"><tr><th>Name</th><th>Id</th><th>Feature flags</th><th>Entitlements</th></tr>");
        for o in w.organizations() {
            body.push_str(&format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&o.name),
                esc(&o.id),
                esc(&o.feature_flags.join(", ")),
                esc(&o.entitlements.join(", ")),
            ));
        }
        body.push_str("</table><h2>Invitations</h2><table id=\"invitations\"><tr><th>Email</th><th>Organization</th><th>Role</th><th>State</th><th>Link</th></tr>");
        for i in w.invitations() {
            body.push_str(&format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td><a href=\"{}\">accept</a></td></tr>",
                esc(&i.email),
                esc(&i.organization_id),
                esc(&i.role),
                i.state(now),
                esc(&i.accept_invitation_url),
            ));
        }
        body.push_str("</table><h2>Sessions</h2><table id=\"sessions\"><tr><th>Id</th><th>User</th><th>Organization</th><th>Method</th><th>Created</th><th>State</th><th></th></tr>");
        let inactivity = w.settings().inactivity_timeout_secs;
        let sessions: Vec<_> = w.sessions().collect();
        for s in sessions.into_iter().rev() {
            let live = s.is_live(now, inactivity);
            let email = w.user(&s.user_id).map(|u| u.email.clone()).unwrap_or_default();
            let action = if live {
                format!(
                    "<button type=\"button\" data-revoke=\"/_emulator/sessions/{}/revoke\">Revoke</button>",
                    esc(&s.id)
                )
            } else {
                String::new()
            };
            body.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.id),
                esc(&email),
                esc(s.organization_id.as_deref().unwrap_or("")),
                esc(&s.authentication_method),
                esc(&rfc3339_ms(s.created_at)),
                if live { "active" } else { "ended" },
                action,
            ));
        }
        body
    });
    page(
        StatusCode::OK,
        "authkit-emulator",
        &format!("{body}</table></main>{REVOKE_SCRIPT}"),
    )
}
