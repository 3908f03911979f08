//! Initialization: iframe refusal, the redirect callback, and the session restore on load.

use std::rc::Rc;

use super::refresh::{self, RefreshRequest};
use super::{Inner, Session};
use crate::browser::channel::Channel;
use crate::browser::events::Listener;
use crate::browser::page::{self, Location};
use crate::browser::{http, storage};
use crate::error::AuthKitError;
use crate::options::RedirectCallbackParams;
use crate::protocol::callback::{
    parse_callback, parse_state, safe_return_to, strip_callback_params, Callback,
};
use crate::protocol::session::has_session_cookie;
use crate::protocol::urls::authenticate_url;
use crate::protocol::wire::CodeGrant;

/// Runs once per client; later calls return at once (callers wait with `ready`).
pub(super) async fn initialize(inner: Rc<Inner>) {
    {
        let mut core = inner.core.borrow_mut();
        if core.started || core.disposed {
            return;
        }
        core.started = true;
    }
    page::mark("authkit:init");
    if let Err(e) = inner.options.borrow().validate() {
        block(&inner, e);
        return settle(&inner);
    }
    if page::is_framed() {
        // No request, no storage write.
        block(&inner, AuthKitError::InsideIframe);
        return settle(&inner);
    }
    let here = page::location();
    let warning = inner.options.borrow().dev_mode.warning(&here.hostname);
    if let Some(warning) = warning {
        page::warn(&warning);
    }
    listen(&inner);
    match parse_callback(&inner.config.redirect_path, &here.pathname, &here.search) {
        Callback::Code { code, state } => handle_code(&inner, &here, &code, state.as_deref()).await,
        Callback::Error {
            error, description, ..
        } => {
            clean_url(&here);
            storage::remove(storage::Area::Session, &inner.verifier_key());
            inner.core.borrow_mut().error =
                Some(AuthKitError::OAuthRedirect { error, description });
        }
        Callback::None => {
            if should_restore(&inner) {
                let _ = refresh::refresh(
                    inner.clone(),
                    RefreshRequest {
                        organization_id: None,
                        initial: true,
                    },
                )
                .await;
            }
        }
    }
    settle(&inner);
}

fn block(inner: &Rc<Inner>, error: AuthKitError) {
    let mut core = inner.core.borrow_mut();
    core.blocked = Some(error.clone());
    core.error = Some(error);
}

/// Ends loading: publishes the first settled state and wakes the actions waiting for it.
fn settle(inner: &Rc<Inner>) {
    let waiters = {
        let mut core = inner.core.borrow_mut();
        if core.disposed {
            return;
        }
        core.loaded = true;
        std::mem::take(&mut core.waiters)
    };
    inner.publish();
    page::mark("authkit:ready");
    for w in waiters {
        let _ = w.send(());
    }
}

/// Restore only with a hint: a dev-mode refresh token, or a `workos-has-session` cookie naming
/// this client (or `1`). Otherwise no request at all.
fn should_restore(inner: &Inner) -> bool {
    inner.stored_refresh_token().is_some()
        || has_session_cookie(&storage::document_cookie(), &inner.config.client_id)
}

fn listen(inner: &Rc<Inner>) {
    let mut listeners = Vec::new();
    for (on_document, event) in [
        (true, "visibilitychange"),
        (false, "focus"),
        (false, "online"),
    ] {
        let weak = Rc::downgrade(inner);
        let handler = move || {
            if let Some(inner) = weak.upgrade() {
                refresh::wake(&inner);
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
            refresh::on_message(&inner, message);
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

async fn handle_code(inner: &Rc<Inner>, here: &Location, code: &str, raw_state: Option<&str>) {
    let clean = clean_url(here);
    let verifier_key = inner.verifier_key();
    let verifier = storage::get(storage::Area::Session, &verifier_key);
    storage::remove(storage::Area::Session, &verifier_key);
    let Some(verifier) = verifier else {
        inner.core.borrow_mut().error = Some(AuthKitError::MissingCodeVerifier);
        return;
    };
    page::mark("authkit:exchange-start");
    let body = CodeGrant::new(&inner.config.client_id, code, &verifier);
    let url = authenticate_url(&inner.config.base_url);
    let result = http::authenticate(&url, &body, !inner.config.dev_mode).await;
    page::mark("authkit:exchange-end");
    if let Ok(response) = &result {
        // Before the disposed check: the code is spent, and a remount restores from this token.
        inner.keep_rotated_refresh_token(response);
    }
    if inner.core.borrow().disposed {
        return;
    }
    let response = match result {
        Ok(r) => r,
        Err(failure) => {
            inner.core.borrow_mut().error = Some(failure.into_exchange_error());
            return;
        }
    };
    let session = match Session::from_response(response, page::now_ms()) {
        Ok(s) => s,
        Err(e) => {
            inner.core.borrow_mut().error = Some(e);
            return;
        }
    };
    inner.install_session(session.clone());
    inner.broadcast(&inner.hand_off(&session));
    refresh::arm_timer(inner);
    inner.fire_on_refresh(&session);
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
}
