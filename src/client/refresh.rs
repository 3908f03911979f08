//! Refreshing the session: single-flight in the tab, the cross-tab lock, hand-off to sibling
//! tabs, one timer at expiry − buffer, and backoff after transient failures.

use std::rc::Rc;

use futures::channel::oneshot;
use futures::FutureExt as _;

use super::{disposed, Inner, Session};
use crate::browser::channel::{Message, SessionHandOff};
use crate::browser::lock;
use crate::browser::timer::{self, Timer};
use crate::browser::{http, page, storage};
use crate::error::AuthKitError;
use crate::protocol::claims::decode_claims;
use crate::protocol::timing::{backoff_ms, refresh_delay_ms};
use crate::protocol::urls::authenticate_url;
use crate::protocol::wire::RefreshGrant;

/// Floor of the automatic refresh delay.
const MIN_REFRESH_INTERVAL_MS: u32 = 1_000;

/// How long the tab that refreshed keeps the lock after storing the rotated token and posting
/// its hand-off. Windows of one browser run in separate processes: `localStorage` writes and
/// `BroadcastChannel` messages reach them asynchronously, on other channels than the lock
/// grant, so a sibling granted the lock at once could still read the retired token.
const HAND_OFF_SETTLE_MS: u32 = 100;

/// How long a tab waits for a sibling's hand-off it expects (after the sibling stored the
/// rotated token, before its message arrives).
const HAND_OFF_WAIT_MS: u32 = 300;

/// Why a wait for a sibling's hand-off was woken (a dropped sender means: stop waiting, the
/// client signed out or was disposed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HandOffWake {
    /// A sibling's session was adopted: look whether it is the one awaited.
    Adopted,
    /// The wait's time is up.
    Deadline,
}

/// What a refresh is for.
#[derive(Debug, Clone, Default)]
pub(super) struct RefreshRequest {
    /// Switch to this organization (explicit `switch_to_organization`).
    pub organization_id: Option<String>,
    /// The restore on page load (or its retries): a terminal failure is the expected
    /// "signed out" and fires no `on_refresh_failure`.
    pub initial: bool,
}

/// What happened inside the lock.
#[derive(Clone)]
enum Outcome {
    Refreshed(Box<Session>),
    /// A sibling tab refreshed while this one waited; its session was adopted.
    Adopted,
    /// Signed out or disposed meanwhile: the result was discarded.
    Cancelled,
    Failed(AuthKitError, Option<u64>),
}

/// Refreshes once for every concurrent caller. A request for another organization than the
/// one in flight waits for it and then runs (an org switch is never dropped).
pub(super) async fn refresh(inner: Rc<Inner>, req: RefreshRequest) -> Result<(), AuthKitError> {
    loop {
        let existing = inner.core.borrow().inflight.clone();
        match existing {
            Some((_, org, pending)) => {
                let result = pending.await.unwrap_or_else(|_| Err(disposed()));
                if req.organization_id.is_none() || req.organization_id == org {
                    return result;
                }
            }
            None => {
                let id = {
                    let mut core = inner.core.borrow_mut();
                    core.next_refresh_id += 1;
                    core.next_refresh_id
                };
                let (done, pending) = oneshot::channel();
                let pending = pending.shared();
                inner.core.borrow_mut().inflight =
                    Some((id, req.organization_id.clone(), pending.clone()));
                // Runs to completion even if every caller goes away.
                let runner = inner.clone();
                let r = req.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let result = run(runner.clone(), r).await;
                    {
                        let mut core = runner.core.borrow_mut();
                        if core.inflight.as_ref().is_some_and(|(i, _, _)| *i == id) {
                            core.inflight = None;
                        }
                    }
                    let _ = done.send(result);
                });
                return pending.await.unwrap_or_else(|_| Err(disposed()));
            }
        }
    }
}

fn is_fresh(session: &Session, buffer_secs: u32, now: f64) -> bool {
    now < session.expires_at_ms - f64::from(buffer_secs) * 1000.0
}

async fn run(inner: Rc<Inner>, req: RefreshRequest) -> Result<(), AuthKitError> {
    page::mark("authkit:refresh-start");
    let epoch = inner.core.borrow().epoch;
    let before = inner
        .core
        .borrow()
        .session
        .as_ref()
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
                let outcome = locked_refresh(inner, req, epoch, before, known_rt).await;
                let settle = matches!(outcome, Outcome::Refreshed(_));
                let _ = tx.send(outcome);
                if settle {
                    timer::sleep_ms(HAND_OFF_SETTLE_MS).await;
                }
            })
            .await;
        });
    }
    // No outcome: the lock was not acquired in time.
    let locked = rx.await.map_err(|_| lock::LockTimeout);
    let result = finish(&inner, &req, epoch, locked);
    page::mark("authkit:refresh-end");
    result
}

/// The part under the cross-tab lock: re-read, maybe adopt, else one `authenticate`.
async fn locked_refresh(
    inner: Rc<Inner>,
    req: RefreshRequest,
    epoch: u64,
    before: Option<String>,
    known_rt: Option<String>,
) -> Outcome {
    // Let queued messages from the tab that held the lock (its hand-off) arrive first.
    timer::sleep_ms(0).await;
    if inner.core.borrow().epoch != epoch {
        return Outcome::Cancelled;
    }
    if req.organization_id.is_none() && adopted(&inner, before.as_ref()) {
        return Outcome::Adopted;
    }
    let mut rt = inner.stored_refresh_token();
    if inner.config.dev_mode {
        if rt.is_none() {
            return Outcome::Failed(missing_refresh_token(), None);
        }
        if rt != known_rt && req.organization_id.is_none() {
            if await_hand_off(&inner, before.as_ref(), epoch).await {
                // Another tab rotated the token and handed its session over.
                return Outcome::Adopted;
            }
            if inner.core.borrow().epoch != epoch {
                return Outcome::Cancelled;
            }
        }
    }
    let url = authenticate_url(&inner.config.base_url);
    let mut retried = false;
    loop {
        let organization_id = req
            .organization_id
            .clone()
            .or_else(|| {
                inner
                    .core
                    .borrow()
                    .session
                    .as_ref()
                    .and_then(|s| s.claims.org_id.clone())
            })
            .or_else(|| storage::get(storage::Area::Session, &inner.org_key()));
        let body = RefreshGrant::new(
            &inner.config.client_id,
            rt.as_deref(),
            organization_id.as_deref(),
        );
        let response = http::authenticate(&url, &body, !inner.config.dev_mode).await;
        if inner.core.borrow().epoch != epoch {
            // The server has rotated the token already: after an unmount keep the new one, or
            // the next mount (or a sibling tab) would find a retired token and be signed out.
            if let Ok(response) = &response {
                inner.keep_rotated_refresh_token(response);
            }
            return Outcome::Cancelled;
        }
        match response {
            Ok(response) => {
                // Persist the rotated token before anything else.
                inner.keep_rotated_refresh_token(&response);
                let session = match Session::from_response(response, page::now_ms()) {
                    Ok(s) => s,
                    // A garbled success is like a non-JSON body: keep the session, back off.
                    Err(e) => return Outcome::Failed(unreadable_success(e), None),
                };
                inner.install_session(session.clone());
                inner.broadcast(&inner.hand_off(&session));
                return Outcome::Refreshed(Box::new(session));
            }
            Err(failure) => {
                let retry_after = failure.retry_after_ms();
                let err = failure.into_refresh_error();
                // A terminal failure may only mean another tab rotated the token meanwhile.
                if !err.is_transient() && inner.config.dev_mode && !retried {
                    let now_rt = inner.stored_refresh_token();
                    if now_rt.is_some() && now_rt != rt {
                        // This window read the token before the sibling's write reached it:
                        // take the sibling's session rather than spend its token too.
                        if req.organization_id.is_none()
                            && await_hand_off(&inner, before.as_ref(), epoch).await
                        {
                            return Outcome::Adopted;
                        }
                        if inner.core.borrow().epoch != epoch {
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
    }
}

/// True when this tab now holds a fresh session other than the one it had (`before`): a
/// sibling's hand-off arrived.
fn adopted(inner: &Inner, before: Option<&String>) -> bool {
    let core = inner.core.borrow();
    core.session.as_ref().is_some_and(|s| {
        Some(&s.access_token) != before && is_fresh(s, inner.config.buffer_secs, page::now_ms())
    })
}

/// Waits up to [`HAND_OFF_WAIT_MS`] for the hand-off of a sibling that rotated the token; true
/// once adopted. No polling: the wait sleeps until `adopt` wakes it or its one deadline timer
/// fires (cancelled, so never firing, when the hand-off comes first). A sign-out (here or in a
/// sibling) or dispose ends it at once (false; the epoch tells the caller).
async fn await_hand_off(inner: &Rc<Inner>, before: Option<&String>, epoch: u64) -> bool {
    if adopted(inner, before) {
        return true;
    }
    let id = {
        let mut core = inner.core.borrow_mut();
        core.next_hand_off_wait += 1;
        core.next_hand_off_wait
    };
    // Removes this wait's waker from `Core` however the wait ends (even if dropped).
    struct Registered<'a>(&'a Inner, u64);
    impl Drop for Registered<'_> {
        fn drop(&mut self) {
            end_hand_off_wait(self.0, self.1, None);
        }
    }
    let _registered = Registered(inner, id);
    let weak = Rc::downgrade(inner);
    let _deadline = Timer::after_ms(HAND_OFF_WAIT_MS, move || {
        if let Some(inner) = weak.upgrade() {
            end_hand_off_wait(&inner, id, Some(HandOffWake::Deadline));
        }
    });
    loop {
        let (wake, woken) = oneshot::channel();
        {
            let mut core = inner.core.borrow_mut();
            if core.epoch != epoch {
                return false;
            }
            core.hand_off_waiters.push((id, wake));
        }
        let why = woken.await.ok();
        if adopted(inner, before) {
            return true;
        }
        if why != Some(HandOffWake::Adopted) {
            return false;
        }
        // A session was adopted but not a fresh one: keep waiting until the deadline.
    }
}

/// Wakes the wait `id` with `why` (`None`: just removes it, waking it with `None`).
fn end_hand_off_wait(inner: &Inner, id: u64, why: Option<HandOffWake>) {
    let ended: Vec<_> = {
        let mut core = inner.core.borrow_mut();
        let (ended, kept) = std::mem::take(&mut core.hand_off_waiters)
            .into_iter()
            .partition(|(i, _)| *i == id);
        core.hand_off_waiters = kept;
        ended
    };
    for (_, wake) in ended {
        if let Some(why) = why {
            let _ = wake.send(why);
        }
    }
}

/// Wakes every wait for a sibling's hand-off: a session was adopted.
fn wake_hand_off_waiters(inner: &Inner) {
    let waiting = std::mem::take(&mut inner.core.borrow_mut().hand_off_waiters);
    for (_, wake) in waiting {
        let _ = wake.send(HandOffWake::Adopted);
    }
}

/// A 2xx refresh whose token could not be used: transient (the session is kept and the refresh
/// retried with backoff), with the reason in the description.
fn unreadable_success(cause: AuthKitError) -> AuthKitError {
    AuthKitError::Refresh {
        status: Some(200),
        error: None,
        description: Some(cause.to_string()),
        transient: true,
    }
}

/// The API's answer when no refresh token reached it (`invalid_request`, "Missing refresh
/// token.").
fn is_missing_refresh_token(err: &AuthKitError) -> bool {
    match err {
        AuthKitError::Refresh {
            error, description, ..
        } => {
            error.as_deref() == Some("invalid_request")
                && description
                    .as_deref()
                    .is_some_and(|d| d.to_ascii_lowercase().contains("refresh token"))
        }
        _ => false,
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

/// Applies the outcome outside the lock: state, timer, callbacks.
fn finish(
    inner: &Rc<Inner>,
    req: &RefreshRequest,
    epoch: u64,
    locked: Result<Outcome, lock::LockTimeout>,
) -> Result<(), AuthKitError> {
    if inner.core.borrow().epoch != epoch {
        return Err(AuthKitError::LoginRequired);
    }
    match locked {
        Err(lock::LockTimeout) => {
            transient_failure(inner, AuthKitError::RefreshTimeout, None);
            Err(AuthKitError::RefreshTimeout)
        }
        Ok(Outcome::Cancelled) => Err(AuthKitError::LoginRequired),
        Ok(Outcome::Adopted) => Ok(()),
        Ok(Outcome::Refreshed(session)) => {
            if let Some(org) = &req.organization_id {
                storage::set(storage::Area::Session, &inner.org_key(), org);
            }
            arm_timer(inner);
            inner.publish();
            inner.fire_on_refresh(&session);
            Ok(())
        }
        Ok(Outcome::Failed(err, retry_after)) if err.is_transient() => {
            transient_failure(inner, err.clone(), retry_after);
            Err(err)
        }
        Ok(Outcome::Failed(err, _)) => {
            if req.organization_id.is_some() && inner.core.borrow().session.is_some() {
                // A refused org switch: keep the current session; the caller signs in to the org.
                return Err(err);
            }
            // A failed restore is the expected "signed out", except in cookie mode when the API
            // got no refresh cookie although the hint cookie says there is a session: the
            // cookie is most likely blocked (third-party), which the app should see.
            let cookie_blocked = !inner.config.dev_mode && is_missing_refresh_token(&err);
            let shown = if req.initial && !cookie_blocked {
                None
            } else {
                Some(err.clone())
            };
            inner.clear_session(shown);
            inner.clear_storage();
            inner.publish();
            if !req.initial {
                let hook = inner.options.borrow().on_refresh_failure.clone();
                if let Some(hook) = hook {
                    hook.call(err.clone());
                }
            }
            Err(err)
        }
    }
}

/// Keeps the session, marks "reconnecting" when it is no longer usable, and schedules a retry.
fn transient_failure(inner: &Rc<Inner>, err: AuthKitError, retry_after: Option<u64>) {
    {
        let mut core = inner.core.borrow_mut();
        core.failures = core.failures.saturating_add(1);
        core.retry_after_ms = retry_after;
        let usable = core
            .session
            .as_ref()
            .is_some_and(|s| !s.is_expired(page::now_ms()));
        core.reconnecting = !usable;
        core.error = if usable { None } else { Some(err) };
    }
    arm_timer(inner);
    inner.publish();
}

/// (Re)arms the one timer: at expiry − buffer, or at the backoff delay after failures.
pub(super) fn arm_timer(inner: &Rc<Inner>) {
    let mut core = inner.core.borrow_mut();
    let old = core.timer.take();
    if core.disposed || core.blocked.is_some() {
        drop(core);
        drop(old);
        return;
    }
    let delay = if core.failures > 0 {
        let jitter = f64::from(page::random_u32()) / f64::from(u32::MAX);
        backoff_ms(core.failures, core.retry_after_ms, jitter).min(u64::from(i32::MAX as u32))
            as u32
    } else if let Some(s) = &core.session {
        // At most one automatic refresh per second, even for tokens that live shorter than the
        // buffer (which would otherwise be due again at once).
        refresh_delay_ms(s.expires_at_ms, page::now_ms(), inner.config.buffer_secs)
            .max(MIN_REFRESH_INTERVAL_MS)
    } else {
        drop(core);
        drop(old);
        return;
    };
    let weak = Rc::downgrade(inner);
    core.timer = Some(Timer::after_ms(delay, move || {
        if let Some(inner) = weak.upgrade() {
            wasm_bindgen_futures::spawn_local(auto_refresh(inner));
        }
    }));
    drop(core);
    drop(old);
}

/// The timer fired: refresh unless the tab is hidden or the app vetoes it.
pub(super) async fn auto_refresh(inner: Rc<Inner>) {
    let (active, initial) = {
        let core = inner.core.borrow();
        let active = !core.disposed
            && core.blocked.is_none()
            && (core.session.is_some() || core.reconnecting);
        (active, core.session.is_none())
    };
    if !active || page::is_hidden() {
        // Hidden tabs wait: `visibilitychange` re-arms.
        return;
    }
    let gate = inner.options.borrow().on_before_auto_refresh.clone();
    if let Some(gate) = gate {
        if !gate.call(()) {
            return;
        }
    }
    let _ = refresh(
        inner,
        RefreshRequest {
            organization_id: None,
            initial,
        },
    )
    .await;
}

/// `visibilitychange` (visible), `focus` or `online`: retry at once after failures, refresh
/// when due, else re-arm the timer (timers drift in background tabs).
pub(super) fn wake(inner: &Rc<Inner>) {
    if page::is_hidden() {
        return;
    }
    let (failing, due, has_session) = {
        let core = inner.core.borrow();
        if core.disposed || core.blocked.is_some() || !core.loaded {
            return;
        }
        let due = core
            .session
            .as_ref()
            .is_some_and(|s| !is_fresh(s, inner.config.buffer_secs, page::now_ms()));
        (
            core.failures > 0 || core.reconnecting,
            due,
            core.session.is_some(),
        )
    };
    if failing || due {
        wasm_bindgen_futures::spawn_local(auto_refresh(inner.clone()));
    } else if has_session {
        arm_timer(inner);
    }
}

/// A message from a sibling tab.
pub(super) fn on_message(inner: &Rc<Inner>, message: Message) {
    {
        let core = inner.core.borrow();
        if core.disposed || core.blocked.is_some() {
            return;
        }
    }
    match message {
        Message::Session(hand_off) => adopt(inner, *hand_off),
        Message::SignedOut { session_id } => {
            let had = {
                let core = inner.core.borrow();
                core.session.is_some() || core.reconnecting
            };
            // The message names the ended session, so a tab that held none yet (still loading)
            // does not adopt it later from a crossing hand-off.
            inner.end_session(session_id);
            // A refresh of this tab that crossed the sign-out may have stored a rotated token
            // after the signing-out tab cleared it: the session is over, so drop it again.
            inner.clear_storage();
            if had {
                inner.clear_session(None);
                inner.publish();
            }
        }
    }
}

fn adopt(inner: &Rc<Inner>, hand_off: SessionHandOff) {
    let Ok(claims) = decode_claims(&hand_off.access_token) else {
        return;
    };
    {
        let core = inner.core.borrow();
        // A sibling's refresh that crossed a sign-out must not bring the ended session back.
        if core.ended_session.as_deref() == Some(claims.sid.as_str()) {
            return;
        }
        if let Some(current) = &core.session {
            if current.expires_at_ms > hand_off.expires_at_ms as f64 {
                return;
            }
        }
    }
    let session = Session {
        user: hand_off.user,
        access_token: hand_off.access_token,
        claims,
        organization_id: hand_off.organization_id,
        impersonator: hand_off.impersonator,
        authentication_method: hand_off.authentication_method,
        expires_at_ms: hand_off.expires_at_ms as f64,
        refresh_token: None,
    };
    inner.install_session(session.clone());
    // The token behind the adopted session (as far as this window sees storage yet).
    let stored = inner.stored_refresh_token();
    inner.core.borrow_mut().seen_refresh_token = stored;
    // A refresh waiting for this hand-off resumes (in a microtask, after this returns).
    wake_hand_off_waiters(inner);
    arm_timer(inner);
    inner.publish();
    inner.fire_on_refresh(&session);
}
