//! The part of a refresh under the cross-tab lock: re-read, maybe adopt a sibling's session,
//! else one `POST /user_management/authenticate`.

use std::rc::Rc;

use super::flight::RefreshRequest;
use super::hand_off;
use super::phase::{Event, Via};
use super::{Inner, Session};
use crate::browser::{page, timer};
use crate::error::AuthKitError;
use crate::protocol::wire::RefreshGrant;

/// What happened inside the lock.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Outcome {
    /// A fresh session, already installed and handed to the siblings.
    Refreshed,
    /// A sibling tab refreshed while this one waited; its session was adopted.
    Adopted,
    /// Signed out or disposed meanwhile: the result was dropped.
    Cancelled,
    /// The refresh failed (with `Retry-After`, when sent).
    Failed(AuthKitError, Option<u64>),
}

/// Under the lock: let a queued hand-off arrive, adopt it, or refresh with the newest token.
/// `before` is the access token this tab held when the refresh started, `known_rt` the refresh
/// token it last saw (dev mode).
pub(super) async fn locked_refresh(
    inner: Rc<Inner>,
    req: RefreshRequest,
    epoch: u64,
    before: Option<String>,
    known_rt: Option<String>,
) -> Outcome {
    // Let queued messages from the tab that held the lock (its hand-off) arrive first.
    timer::sleep_ms(0).await;
    let cancelled = |inner: &Inner| inner.core.borrow().machine.epoch() != epoch;
    if cancelled(&inner) {
        return Outcome::Cancelled;
    }
    if req.organization_id.is_none() && hand_off::adopted(&inner, before.as_ref()) {
        return Outcome::Adopted;
    }
    if inner.config.dev_mode {
        let Some(rt) = inner.stored_refresh_token() else {
            return Outcome::Failed(missing_refresh_token(), None);
        };
        if Some(&rt) != known_rt.as_ref() && req.organization_id.is_none() {
            // A sibling rotated the token: its hand-off is on the way (unless it is in another
            // organization, then this tab refreshes with the newest token).
            if hand_off::wait(&inner, before.as_ref(), epoch).await {
                return Outcome::Adopted;
            }
            if cancelled(&inner) {
                return Outcome::Cancelled;
            }
        }
    }
    let mut rt = inner.stored_refresh_token();
    let mut retried = false;
    loop {
        let organization_id = req.organization_id.clone().or_else(|| {
            let session_org = inner
                .core
                .borrow()
                .machine
                .session()
                .and_then(|s| s.claims.org_id.clone());
            session_org.or_else(|| inner.remembered_organization())
        });
        let body = RefreshGrant::new(
            &inner.config.client_id,
            rt.as_deref(),
            organization_id.as_deref(),
        );
        // The token this request spends is the one this tab last saw: after a terminal answer
        // only this token is removed from storage, not a newer one a sibling stored meanwhile.
        inner.core.borrow_mut().seen_refresh_token = rt.clone();
        let response = inner.authenticate(&body).await;
        if cancelled(&inner) {
            // The server has rotated the token already: after an unmount keep the new one, or
            // the next mount (or a sibling tab) would find a retired token and be signed out.
            if let Ok(response) = &response {
                inner.keep_rotated_refresh_token(response);
            }
            return Outcome::Cancelled;
        }
        let failure = match response {
            Ok(response) => {
                // Persist the rotated token before anything else.
                inner.keep_rotated_refresh_token(&response);
                return match Session::from_response(response, page::now_ms()) {
                    Ok(session) => {
                        inner.apply(Event::SessionReceived {
                            session: Box::new(session),
                            via: Via::Refresh {
                                organization: req.organization_id.clone(),
                            },
                        });
                        Outcome::Refreshed
                    }
                    // A garbled success is like a non-JSON body: keep the session, back off.
                    Err(e) => Outcome::Failed(unreadable_success(e), None),
                };
            }
            Err(failure) => failure,
        };
        let retry_after = failure.retry_after_ms();
        let err = failure.into_refresh_error();
        // A terminal failure may only mean another tab rotated the token meanwhile.
        if !err.is_transient() && inner.config.dev_mode && !retried {
            let now_rt = inner.stored_refresh_token();
            if now_rt.is_some() && now_rt != rt {
                // This window read the token before the sibling's write reached it: take the
                // sibling's session rather than spend its token too.
                if req.organization_id.is_none()
                    && hand_off::wait(&inner, before.as_ref(), epoch).await
                {
                    return Outcome::Adopted;
                }
                if cancelled(&inner) {
                    return Outcome::Cancelled;
                }
                retried = true;
                rt = inner.stored_refresh_token().or(now_rt);
                continue;
            }
        }
        return Outcome::Failed(err, retry_after);
    }
}

/// A 2xx refresh whose token could not be used: transient (the session is kept and the refresh
/// retried with backoff), with the reason in the description.
pub(super) fn unreadable_success(cause: AuthKitError) -> AuthKitError {
    AuthKitError::Refresh {
        status: Some(200),
        error: None,
        description: Some(cause.to_string()),
        transient: true,
    }
}

fn missing_refresh_token() -> AuthKitError {
    AuthKitError::Refresh {
        status: None,
        error: Some("missing_refresh_token".into()),
        description: Some("no refresh token is stored in this browser".into()),
        transient: false,
    }
}
