//! The refresh in flight: one per tab for every concurrent caller, run under the cross-tab
//! lock, its outcome turned into an [`Event`].

use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::Shared;
use futures::FutureExt as _;

use super::phase::Event;
use super::request::{self, Outcome};
use super::{disposed, Inner};
use crate::browser::lock;
use crate::browser::{page, timer};
use crate::error::AuthKitError;

/// How long the tab that refreshed keeps the lock after storing the rotated token and posting
/// its hand-off. Windows of one browser run in separate processes: `localStorage` writes and
/// `BroadcastChannel` messages reach them asynchronously, on other channels than the lock
/// grant, so a sibling granted the lock at once could still read the retired token.
pub(super) const HAND_OFF_SETTLE_MS: u32 = 100;

/// What a refresh is for.
#[derive(Debug, Clone, Default)]
pub(super) struct RefreshRequest {
    /// Switch to this organization (explicit `switch_to_organization`).
    pub organization_id: Option<String>,
    /// The restore on page load (or its retries): a terminal failure is the expected
    /// "signed out" and fires no `on_refresh_failure`.
    pub initial: bool,
}

/// The refresh in flight (at most one per tab: later callers await it): the organization it
/// switches to, and its result for every caller.
pub(super) struct Flight {
    organization_id: Option<String>,
    result: Shared<oneshot::Receiver<Result<(), AuthKitError>>>,
}

/// Refreshes once for every concurrent caller. A request for another organization than the
/// one in flight waits for it and then runs (an org switch is never dropped).
pub(super) async fn refresh(inner: Rc<Inner>, req: RefreshRequest) -> Result<(), AuthKitError> {
    loop {
        let existing = inner
            .core
            .borrow()
            .flight
            .as_ref()
            .map(|f| (f.organization_id.clone(), f.result.clone()));
        let Some((organization_id, pending)) = existing else {
            break;
        };
        let result = pending.await.unwrap_or_else(|_| Err(disposed()));
        if req.organization_id.is_none() || req.organization_id == organization_id {
            return result;
        }
    }
    let (done, result) = oneshot::channel();
    let result = result.shared();
    inner.core.borrow_mut().flight = Some(Flight {
        organization_id: req.organization_id.clone(),
        result: result.clone(),
    });
    // Runs to completion even if every caller goes away.
    let runner = inner.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = run(runner.clone(), req).await;
        runner.core.borrow_mut().flight = None;
        let _ = done.send(outcome);
    });
    result.await.unwrap_or_else(|_| Err(disposed()))
}

/// One refresh: under the cross-tab lock, then its outcome applied.
async fn run(inner: Rc<Inner>, req: RefreshRequest) -> Result<(), AuthKitError> {
    page::mark("authkit:refresh-start");
    let epoch = inner.core.borrow().machine.epoch();
    let before = inner
        .core
        .borrow()
        .machine
        .session()
        .map(|s| s.access_token.clone());
    // The token this tab last saw, not the one stored now: a sibling may have rotated it just
    // before this refresh started, its hand-off still on the way.
    let known_rt = {
        let seen = inner.core.borrow().seen_refresh_token.clone();
        seen.or_else(|| inner.stored_refresh_token())
    };
    // The outcome comes back as soon as it is known; after a refresh the lock is kept a little
    // longer in the background (see `HAND_OFF_SETTLE_MS`) without delaying this tab.
    let (tx, rx) = oneshot::channel();
    {
        let inner = inner.clone();
        let req = req.clone();
        let name = inner.config.lock_name.clone();
        let timeout_ms = inner.lock_timeout_ms.get();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = lock::with_lock(&name, timeout_ms, move || async move {
                let outcome = request::locked_refresh(inner, req, epoch, before, known_rt).await;
                let settle = matches!(outcome, Outcome::Refreshed);
                let _ = tx.send(outcome);
                if settle {
                    timer::sleep_ms(HAND_OFF_SETTLE_MS).await;
                }
            })
            .await;
        });
    }
    // No outcome: the lock was not acquired in time.
    let outcome = rx
        .await
        .unwrap_or(Outcome::Failed(AuthKitError::RefreshTimeout, None));
    let result = finish(&inner, &req, epoch, outcome);
    page::mark("authkit:refresh-end");
    result
}

/// The outcome as the caller's result; a failure becomes an event of the state machine.
fn finish(
    inner: &Rc<Inner>,
    req: &RefreshRequest,
    epoch: u64,
    outcome: Outcome,
) -> Result<(), AuthKitError> {
    if inner.core.borrow().machine.epoch() != epoch {
        return Err(AuthKitError::LoginRequired);
    }
    match outcome {
        Outcome::Refreshed | Outcome::Adopted => Ok(()),
        Outcome::Cancelled => Err(AuthKitError::LoginRequired),
        Outcome::Failed(error, retry_after_ms) => {
            inner.apply(Event::RefreshFailed {
                error: error.clone(),
                retry_after_ms,
                initial: req.initial,
                org_switch: req.organization_id.is_some(),
                now_ms: page::now_ms(),
                jitter: page::jitter(),
            });
            Err(error)
        }
    }
}
