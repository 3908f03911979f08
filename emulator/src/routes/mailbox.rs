//! The mailbox (`/_emulator/mailbox`): the emails the emulator would have sent, as JSON for
//! tests and as a page for people (`/_emulator/mailbox.html`, linked from the dashboard), plus
//! the authenticator-app secrets of users whose seed enrolled a factor. Like the rest of
//! `/_emulator`, it answers only this machine.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

use crate::clock::rfc3339_ms;
use crate::error::ApiError;
use crate::html::{esc, page};
use crate::state::AppState;
use crate::totp;

/// The issuer shown in authenticator apps.
const ISSUER: &str = "authkit-emulator";

fn factors(state: &AppState) -> Vec<Value> {
    state.with_world(|w| {
        w.totp_factors()
            .map(|(u, f)| {
                json!({
                    "user_id": u.id,
                    "email": u.email,
                    "factor_id": f.id,
                    "secret": f.secret,
                    "otpauth_uri": totp::otpauth_uri(&f.secret, ISSUER, &u.email),
                    "algorithm": "SHA1",
                    "digits": totp::DIGITS,
                    "period": totp::PERIOD_SECS,
                })
            })
            .collect()
    })
}

/// `GET /_emulator/mailbox[?to=EMAIL]`: `{"emails":[…newest first],"totp_factors":[…]}`.
pub async fn mailbox_json(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let to = q.get("to").map(String::as_str).filter(|t| !t.is_empty());
    let emails: Vec<Value> =
        state.with_world(|w| w.mailbox().list(to).map(|e| e.to_json()).collect());
    Ok(Json(
        json!({ "emails": emails, "totp_factors": factors(&state) }),
    ))
}

/// `DELETE /_emulator/mailbox`.
pub async fn clear_mailbox(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.with_world(|w| w.clear_mailbox());
    Ok(Json(json!({ "ok": true })))
}

/// `GET /_emulator/mailbox.html`: the mailbox for people.
pub async fn mailbox_page(State(state): State<AppState>) -> Response {
    let now = state.clock().now_secs();
    let rows: String = state.with_world(|w| {
        w.mailbox()
            .list(None)
            .map(|e| {
                let code = e
                    .code
                    .as_deref()
                    .map(|c| format!("<span class=\"mono code-big\">{}</span>", esc(c)))
                    .unwrap_or_default();
                let link = e
                    .link
                    .as_deref()
                    .map(|l| format!("<a href=\"{}\">Open the link</a>", esc(l)))
                    .unwrap_or_default();
                let state = if now > e.expires_at {
                    "expired"
                } else {
                    "valid"
                };
                format!(
                    "<tr><td>{sent}</td><td>{to}</td><td><strong>{subject}</strong><br>\
<span class=\"muted\">{text}</span></td><td>{code}{link}</td><td>{state}</td></tr>",
                    sent = esc(&rfc3339_ms(e.sent_at_ms)),
                    to = esc(&e.to),
                    subject = esc(&e.subject),
                    text = esc(&e.text),
                )
            })
            .collect()
    });
    let emails = if rows.is_empty() {
        "<p id=\"no-emails\" class=\"muted\">No emails yet. Sign-up verification, Magic Auth \
codes, password resets and invitations appear here.</p>"
            .to_string()
    } else {
        format!(
            "<div class=\"table-wrap\"><table id=\"emails\"><caption class=\"visually-hidden\">Emails, newest first</caption>\
<thead><tr><th scope=\"col\">Sent</th><th scope=\"col\">To</th><th scope=\"col\">Message</th>\
<th scope=\"col\">Code or link</th><th scope=\"col\">State</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )
    };
    let factor_rows: String = factors(&state)
        .iter()
        .map(|f| {
            format!(
                "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>",
                esc(f["email"].as_str().unwrap_or_default()),
                esc(f["secret"].as_str().unwrap_or_default()),
                esc(f["otpauth_uri"].as_str().unwrap_or_default()),
            )
        })
        .collect();
    let factors = if factor_rows.is_empty() {
        "<p class=\"muted\">No user has an authenticator-app factor (seed: <code>totp = true</code>).</p>".to_string()
    } else {
        format!(
            "<p class=\"muted\">RFC 6238: SHA-1, 6 digits, 30-second steps, on the emulator's clock.</p>\
<div class=\"table-wrap\"><table id=\"totp-factors\"><thead><tr><th scope=\"col\">User</th>\
<th scope=\"col\">Secret (base32)</th><th scope=\"col\">otpauth URI</th></tr></thead><tbody>{factor_rows}</tbody></table></div>"
        )
    };
    page(
        StatusCode::OK,
        "Mailbox · authkit-emulator",
        &format!(
            "<main class=\"card wide\" aria-labelledby=\"title\"><p><a href=\"/_emulator/\">← Dashboard</a></p>\
<h1 id=\"title\">Mailbox</h1><p class=\"lead\">The emails the emulator would have sent, newest \
first. Nothing leaves this machine. JSON: <a href=\"/_emulator/mailbox\"><code>/_emulator/mailbox</code></a>.</p>\
{emails}<h2>Authenticator-app secrets</h2>{factors}</main>"
        ),
    )
}
