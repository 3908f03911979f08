//! Initialization: iframe refusal, the redirect callback (with retries of a code exchange that
//! failed transiently), and the session restore on load, also after a failed callback.

use std::rc::Rc;

use super::flight::{self, RefreshRequest};
use super::phase::{Backoff, Event, Via, Wake};
use super::{schedule, Inner, Session};
use crate::browser::channel::Channel;
use crate::browser::early::{self, EarlyConfig};
use crate::browser::events::Listener;
use crate::browser::page::{self, Location};
use crate::browser::{http, storage, timer};
use crate::error::AuthKitError;
use crate::options::RedirectCallbackParams;
use crate::protocol::callback::{
    parse_callback, parse_state, safe_return_to, strip_callback_params, Callback,
};
use crate::protocol::session::has_session_cookie;
use crate::protocol::wire::{AuthenticateResponse, CodeGrant};

/// How often a code exchange is tried when AuthKit is unreachable or overloaded (an
/// authorization code stays valid for minutes; the retries span about 15 s).
const EXCHANGE_ATTEMPTS: u32 = 5;

/// Runs once per client; later calls return at once (callers wait with `ready`).
pub(super) async fn initialize(inner: Rc<Inner>) {
    if inner.core.borrow().machine.is_started() {
        return;
    }
    page::mark("authkit:init");
    let refusal = match inner.options.borrow().validate() {
        Err(e) => Some(e),
        // No request, no storage write.
        Ok(()) if page::is_framed() => Some(AuthKitError::InsideIframe),
        Ok(()) => None,
    };
    if let Some(error) = refusal {
        inner.apply(Event::Refused(error));
        return;
    }
    inner.apply(Event::Started);
    early::remember(&EarlyConfig {
        client_id: &inner.config.client_id,
        base_url: &inner.config.base_url,
        dev_mode: inner.config.dev_mode,
        redirect_path: &inner.config.redirect_path,
        lock_name: &inner.config.lock_name,
        timeout_ms: inner.config.request_timeout_ms,
    });
    // The answer of `js/authkit-early.js`, which may have sent the first request while the wasm
    // loaded (after a refresh it holds the cross-tab lock until the answer is released).
    let early_answer = early::take().await;
    if !inner.config.dev_mode {
        // A refresh token left in localStorage by a dev-mode build of this app (or written by
        // the script with the settings of that build): outside dev mode it must not stay.
        storage::remove(storage::Area::Local, &inner.rt_key());
    }
    let here = page::location();
    let warning = inner.options.borrow().dev_mode.warning(&here.hostname);
    if let Some(warning) = warning {
        page::warn(&warning);
    }
    listen(&inner);
    if let Some(answer) = &early_answer {
        super::early::replay_messages(&inner, answer);
    }
    let signed_in = match parse_callback(&inner.config.redirect_path, &here.pathname, &here.search)
    {
        Callback::Code { code, state } => {
            let first = super::early::exchange_answer(&inner, early_answer.as_ref(), &code);
            handle_code(&inner, &here, &code, state.as_deref(), first).await
        }
        Callback::Error {
            error, description, ..
        } => {
            clean_url(&here);
            storage::remove(storage::Area::Session, &inner.verifier_key());
            inner.apply(Event::CallbackFailed(AuthKitError::OAuthRedirect {
                error,
                description,
            }));
            false
        }
        Callback::None => false,
    };
    // A failed or replayed callback does not sign a signed-in visitor out: with a session hint
    // the session is restored, and the callback's error stays visible beside it.
    let restore = !signed_in && should_restore(&inner);
    let restored = restore
        && early_answer
            .as_ref()
            .is_some_and(|answer| super::early::restore(&inner, answer));
    if let Some(answer) = early_answer {
        if restored && inner.core.borrow().machine.session().is_some() {
            // As after this tab's own refresh: the lock stays held a moment, until the other
            // windows see the rotated token in storage.
            wasm_bindgen_futures::spawn_local(async move {
                timer::sleep_ms(flight::HAND_OFF_SETTLE_MS).await;
                answer.release();
            });
        } else {
            answer.release();
        }
    }
    if restore && !restored {
        let _ = flight::refresh(
            inner.clone(),
            RefreshRequest {
                organization_id: None,
                initial: true,
            },
        )
        .await;
    }
    inner.apply(Event::Settled);
}

/// Restore only with a hint: a dev-mode refresh token, or a `workos-has-session` cookie naming
/// this client (or `1`). Otherwise no request at all.
fn should_restore(inner: &Inner) -> bool {
    let core = inner.core.borrow();
    if core.machine.is_disposed() {
        return false;
    }
    drop(core);
    inner.stored_refresh_token().is_some()
        || has_session_cookie(&storage::document_cookie(), &inner.config.client_id)
}

fn listen(inner: &Rc<Inner>) {
    let mut listeners = Vec::new();
    for (on_document, event, wake) in [
        (true, "visibilitychange", Wake::Attention),
        (false, "focus", Wake::Attention),
        (false, "online", Wake::Online),
    ] {
        let weak = Rc::downgrade(inner);
        let handler = move || {
            if let Some(inner) = weak.upgrade() {
                schedule::wake(&inner, wake);
            }
        };
        let listener = if on_document {
            Listener::on_document(event, handler)
        } else {
            Listener::on_window(event, handler)
        };
        listeners.extend(listener);
    }
    let weak = Rc::downgrade(inner);
    let channel = Channel::open(&inner.config.client_id, move |message| {
        if let Some(inner) = weak.upgrade() {
            super::hand_off::on_message(&inner, message);
        }
    });
    let mut core = inner.core.borrow_mut();
    core.listeners = listeners;
    core.channel = channel;
}

/// Drops `code`, `state`, `error` and `error_description` from the address bar (other
/// parameters and the fragment stay), so a reload never replays the callback.
fn clean_url(here: &Location) -> String {
    let clean = format!(
        "{}{}{}",
        here.pathname,
        strip_callback_params(&here.search),
        here.hash
    );
    if let Err(e) = page::replace_url(&clean) {
        page::warn(&format!("authkit: could not clean the callback URL: {e}"));
    }
    clean
}

/// The sign-in callback: exchange the code (the stored verifier proves this tab started the
/// sign-in), install the session, call `on_redirect_callback`, follow a same-origin
/// `return_to`. True when signed in.
async fn handle_code(
    inner: &Rc<Inner>,
    here: &Location,
    code: &str,
    raw_state: Option<&str>,
    first: Option<(Result<AuthenticateResponse, http::HttpFailure>, f64)>,
) -> bool {
    let clean = clean_url(here);
    let verifier_key = inner.verifier_key();
    let Some(verifier) = storage::get(storage::Area::Session, &verifier_key) else {
        inner.apply(Event::CallbackFailed(AuthKitError::MissingCodeVerifier));
        return false;
    };
    page::mark("authkit:exchange-start");
    let result = exchange(inner, code, &verifier, first).await;
    page::mark("authkit:exchange-end");
    // Spent or refused for good (or given up): the verifier cannot serve again.
    storage::remove(storage::Area::Session, &verifier_key);
    if let Ok((response, _)) = &result {
        // Before the disposed check: the code is spent, and a remount restores from this token.
        inner.store_refresh_token(response);
    }
    if inner.core.borrow().machine.is_disposed() {
        return false;
    }
    let session = match result
        .map_err(|failure| failure.into_exchange_error())
        // Expiry counts from when the answer arrived (the early script's may be older).
        .and_then(|(response, received_at_ms)| Session::from_response(response, received_at_ms))
    {
        Ok(session) => session,
        Err(error) => {
            inner.apply(Event::CallbackFailed(error));
            return false;
        }
    };
    inner.apply(Event::SessionReceived {
        session: Box::new(session.clone()),
        via: Via::Exchange,
    });
    let state = parse_state(raw_state);
    let hook = inner.options.borrow().on_redirect_callback.clone();
    if let Some(hook) = hook {
        hook.call(RedirectCallbackParams {
            state: state.clone(),
            user: session.user.clone(),
            // Already the body's organization, else the `org_id` claim.
            organization_id: session.organization_id.clone(),
            impersonator: session.impersonator.clone(),
            authentication_method: session.authentication_method.clone(),
        });
    }
    // Follow a same-origin `return_to` only (no open redirects).
    if let Some(target) = state.as_ref().and_then(safe_return_to) {
        let current = page::location();
        let current = format!("{}{}", current.pathname, current.search);
        if target != current && target != clean && page::replace_url(&target).is_ok() {
            page::notify_url_changed();
        }
    }
    true
}

/// Exchanges the code, retrying with backoff (and `Retry-After`) while AuthKit is
/// unreachable or overloaded: the code is still valid, and throwing it away would send the
/// visitor through the hosted pages again. The state shows `is_reconnecting` meanwhile.
/// `first`: the first attempt's answer and when it arrived, when the early script made it. The
/// response comes with the time it arrived.
async fn exchange(
    inner: &Rc<Inner>,
    code: &str,
    verifier: &str,
    mut first: Option<(Result<AuthenticateResponse, http::HttpFailure>, f64)>,
) -> Result<(AuthenticateResponse, f64), http::HttpFailure> {
    let body = CodeGrant::new(&inner.config.client_id, code, verifier);
    let mut backoff = None;
    loop {
        let result = match first.take() {
            Some((answer, received_at_ms)) => answer.map(|r| (r, received_at_ms)),
            None => inner.authenticate(&body).await.map(|r| (r, page::now_ms())),
        };
        let failure = match result {
            Err(failure) if failure.is_transient() => failure,
            final_answer => return final_answer,
        };
        let now = page::now_ms();
        let next = Backoff::after(backoff, now, failure.retry_after_ms(), page::jitter());
        if next.attempt >= EXCHANGE_ATTEMPTS || inner.core.borrow().machine.is_disposed() {
            return Err(failure);
        }
        backoff = Some(next);
        inner.apply(Event::ExchangeRetrying);
        timer::sleep_ms((next.retry_at_ms - now) as u32).await;
    }
}
