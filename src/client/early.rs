//! The answers of `js/authkit-early.js`, which sends the SDK's first request while the wasm
//! loads: taken as the SDK's own restore, or as the first attempt of its code exchange.

use std::rc::Rc;

use super::phase::{Event, Via};
use super::{hand_off, request, Inner, Session};
use crate::browser::channel::Message;
use crate::browser::early::EarlyAnswer;
use crate::browser::http::HttpFailure;
use crate::browser::page;
use crate::protocol::timing::parse_retry_after;
use crate::protocol::wire::{ApiErrorBody, AuthenticateResponse};

/// True when `answer` is this client's: the same client id, API, storage mode and grant (and,
/// for a code exchange, `code`). Anything else is left alone, and the SDK sends its own request.
fn is_ours(inner: &Inner, answer: &EarlyAnswer, grant: &str, code: Option<&str>) -> bool {
    answer.client_id == inner.config.client_id
        && answer.base_url == inner.config.base_url
        && answer.dev_mode == inner.config.dev_mode
        && answer.grant == grant
        && answer.code.as_deref() == code
}

/// The answer as `http::authenticate` would have returned it.
fn as_response(inner: &Inner, answer: &EarlyAnswer) -> Result<AuthenticateResponse, HttpFailure> {
    if answer.status == 0 {
        return Err(match answer.failure.as_deref() {
            Some("timeout") => HttpFailure::Timeout {
                after_ms: inner.config.request_timeout_ms,
            },
            _ => HttpFailure::Network(
                answer
                    .message
                    .clone()
                    .unwrap_or_else(|| "no answer".to_owned()),
            ),
        });
    }
    if (200..300).contains(&answer.status) {
        return AuthenticateResponse::parse(&answer.body).map_err(|problem| {
            HttpFailure::Unreadable {
                status: answer.status,
                problem,
            }
        });
    }
    Err(HttpFailure::Status {
        status: answer.status,
        body: ApiErrorBody::parse(&answer.body)
            .filter(|b| b.error_code().is_some() || b.description().is_some()),
        retry_after_ms: answer
            .retry_after
            .as_deref()
            .and_then(|v| parse_retry_after(v, page::now_ms())),
    })
}

/// Applies what the script heard on the tab channel before the SDK listened (a sibling's
/// sign-out, a hand-off), as if this tab had heard it: a session signed out meanwhile is then
/// not restored. The rotated token the script stored (dev mode) counts as this tab's own write,
/// so a sign-out that crossed the restore removes it again.
pub(super) fn replay_messages(inner: &Rc<Inner>, answer: &EarlyAnswer) {
    if is_ours(inner, answer, "refresh_token", None) {
        let stored = inner.stored_refresh_token();
        inner.core.borrow_mut().seen_refresh_token = stored;
    }
    for text in &answer.messages {
        if let Some(message) = Message::parse(text) {
            hand_off::on_message(inner, message);
        }
    }
}

/// The first attempt of the code exchange for `code`, when the script made it, with the time
/// its answer arrived.
pub(super) fn exchange_answer(
    inner: &Inner,
    answer: Option<&EarlyAnswer>,
    code: &str,
) -> Option<(Result<AuthenticateResponse, HttpFailure>, f64)> {
    let answer = answer.filter(|a| is_ours(inner, a, "authorization_code", Some(code)))?;
    page::mark("authkit:early-exchange");
    Some((as_response(inner, answer), answer.received_at_ms))
}

/// The restore the script sent, under the cross-tab lock it still holds, applied as this tab's
/// own restore would be (after [`replay_messages`]). False when the answer is not this client's
/// restore.
pub(super) fn restore(inner: &Rc<Inner>, answer: &EarlyAnswer) -> bool {
    if !is_ours(inner, answer, "refresh_token", None) {
        return false;
    }
    if inner.core.borrow().machine.signed_out_deliberately() {
        // Another tab signed out while the script restored: nothing to install, and the
        // replayed sign-out already removed the token the script stored.
        return true;
    }
    page::mark("authkit:early-restore");
    // The rotated token the script stored is already this tab's last seen (`replay_messages`).
    let (error, retry_after_ms) = match as_response(inner, answer)
        .map(|response| Session::from_response(response, answer.received_at_ms))
    {
        Ok(Ok(session)) => {
            inner.apply(Event::SessionReceived {
                session: Box::new(session),
                via: Via::Refresh { organization: None },
            });
            return true;
        }
        Ok(Err(invalid_token)) => (request::unreadable_success(invalid_token), None),
        Err(failure) => {
            let retry_after_ms = failure.retry_after_ms();
            (failure.into_refresh_error(), retry_after_ms)
        }
    };
    inner.apply(Event::RefreshFailed {
        error,
        retry_after_ms,
        initial: true,
        org_switch: false,
        now_ms: page::now_ms(),
        jitter: page::jitter(),
    });
    true
}
