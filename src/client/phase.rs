//! The client's state machine: one [`Phase`], the [`Event`]s that move it and the [`Effect`]s
//! the async shell runs for them. [`Machine::apply`] is the only writer of the phase; it touches
//! no browser API and is tested on the host.
//!
//! What can happen while a refresh is in flight? Any [`Event`]: the flight's own result
//! (`SessionReceived` via `Refresh`, `RefreshFailed`), a sibling's hand-off or sign-out, a
//! sign-out here, `Disposed`. The sign-outs and `Disposed` bump [`Machine::epoch`], so a result
//! that arrives later is dropped by the flight before it becomes an event.

use crate::error::AuthKitError;
use crate::protocol::session::Session;
use crate::protocol::timing::{backoff_ms, refresh_delay_ms};

use super::state::{AuthState, SignedOutReason};

/// Floor of the automatic refresh delay: at most one automatic refresh (or gate question) per
/// second, even for tokens that live shorter than the refresh buffer.
pub(crate) const MIN_REFRESH_INTERVAL_MS: u32 = 1_000;

/// Where a client is in its life.
#[derive(Debug, Clone)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) enum Phase {
    /// Created; not started.
    Idle,
    /// Handling the redirect callback or restoring the session (`is_loading`). `retrying`: a
    /// code exchange failed transiently and is being retried (`is_reconnecting` too).
    Starting { retrying: bool },
    /// The client cannot run (inside an iframe, unusable options); every action returns this.
    Blocked(AuthKitError),
    /// Nobody is signed in; the reason, when there is one to tell.
    SignedOut(Option<SignedOutReason>),
    /// Signed in. `retry`: the last refresh failed transiently, the token is still usable, and
    /// the next attempt is scheduled.
    Active {
        session: Session,
        retry: Option<Backoff>,
    },
    /// The session cannot be confirmed: AuthKit is unreachable or overloaded, the SDK retries.
    /// `last`: the session whose token expired meanwhile, if any.
    Reconnecting {
        last: Option<Session>,
        retry: Backoff,
    },
    /// The provider unmounted; nothing runs any more.
    Disposed,
}

/// The schedule of retries after transient failures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Backoff {
    /// Consecutive transient failures (1 after the first).
    pub attempt: u32,
    /// When the next attempt is due (epoch ms). Fixed when the failure happens, so waking up
    /// (focus, visibility) never moves it.
    pub retry_at_ms: f64,
}

impl Backoff {
    /// The schedule after one more failure at `now_ms`: exponential from 1 s, capped at 60 s,
    /// scaled by `jitter` (0..=1) to 50–100 %, never before a `Retry-After`.
    pub(crate) fn after(
        previous: Option<Backoff>,
        now_ms: f64,
        retry_after_ms: Option<u64>,
        jitter: f64,
    ) -> Backoff {
        let attempt = previous.map_or(1, |b| b.attempt.saturating_add(1));
        Backoff {
            attempt,
            retry_at_ms: now_ms + backoff_ms(attempt, retry_after_ms, jitter) as f64,
        }
    }
}

/// Where a new session comes from.
#[derive(Debug, Clone)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) enum Via {
    /// The code exchange of the sign-in callback.
    Exchange,
    /// This tab's refresh; `organization` when it switched organizations explicitly.
    Refresh { organization: Option<String> },
    /// A sibling tab's hand-off (already accepted, see [`Machine::accepts_hand_off`]).
    HandOff,
}

/// Something that happened (past tense); [`Machine::apply`] decides what it means.
#[derive(Debug, Clone)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) enum Event {
    /// `start` ran: the options are valid and the page is not framed.
    Started,
    /// The client cannot run (inside an iframe, unusable options).
    Refused(AuthKitError),
    /// The sign-in callback failed (shown to the app; a restore may follow).
    CallbackFailed(AuthKitError),
    /// The code exchange failed transiently and is retried.
    ExchangeRetrying,
    /// A fresh session.
    SessionReceived { session: Box<Session>, via: Via },
    /// A refresh failed. `initial`: the restore on page load (a terminal answer is then the
    /// expected "signed out" and fires no `on_refresh_failure`). `org_switch`: an explicit
    /// organization switch (a refusal keeps the current session).
    RefreshFailed {
        error: AuthKitError,
        retry_after_ms: Option<u64>,
        initial: bool,
        org_switch: bool,
        now_ms: f64,
        jitter: f64,
    },
    /// Initialization is over.
    Settled,
    /// The visitor signed out in this tab (`session_id`: the ended session). `navigating`: the
    /// page is leaving for the logout URL, so nothing is published (a `use_user` guard would
    /// start a sign-in navigation that cancels the logout).
    SignedOutHere {
        session_id: Option<String>,
        navigating: bool,
    },
    /// A sibling tab signed out of `session_id`.
    SignedOutElsewhere { session_id: Option<String> },
    /// The provider unmounted.
    Disposed,
    /// An error of work started for the app outside an action (the `use_user` guard).
    ErrorReported(AuthKitError),
}

/// What the shell must do after an event (imperative), in order.
#[derive(Debug, Clone)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) enum Effect {
    /// Recompute the visible state and notify subscribers when it changed.
    Publish,
    /// (Re)arm the one timer at [`Machine::next_wake_ms`].
    ArmTimer,
    /// Stop the timer.
    CancelTimer,
    /// Hand the current session to sibling tabs.
    PostHandOff,
    /// Tell sibling tabs that this session ended.
    PostSignOut(Option<String>),
    /// Remember this tab's organization (an explicit switch).
    RememberOrganization(String),
    /// Remove what this client keeps in storage for the session that ended: the tab's
    /// organization, and the dev-mode refresh token while it is still the one this tab last
    /// saw (a different one is a sibling's newer session, e.g. a sign-in after this sign-out).
    ForgetStoredSession,
    /// Remove what this client keeps in storage, whatever refresh token is stored: the visitor
    /// signed out here, so no session of this browser may stay.
    ClearStoredSession,
    /// Call `on_refresh` with the current session.
    FireOnRefresh,
    /// Call `on_refresh_failure`.
    FireOnRefreshFailure(AuthKitError),
    /// Wake the refreshes waiting for a sibling's hand-off (one was adopted).
    WakeHandOffWaits,
    /// End the waits for a sibling's hand-off (the session is over).
    EndHandOffWaits,
    /// Wake the actions waiting for initialization.
    ReleaseWaiters,
    /// Drop timer, listeners, tab channel, waiters and subscribers.
    Dispose,
}

/// What a sibling's hand-off is to this tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandOffFit {
    /// Take it instead of refreshing.
    Adopt,
    /// A session of another organization: this tab keeps its own (and refreshes for it).
    OtherOrganization,
    /// Not for this tab (a signed-out session, an older token, a client that does not run).
    Ignore,
}

/// What a wake-up (timer, focus, visibility, network) should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WakeAction {
    /// Refresh now (if the tab is visible and the app's gate allows it).
    Refresh,
    /// Re-arm the timer at the due time (which the wake-up does not move).
    Rearm,
    /// Nothing to do.
    Nothing,
}

/// What woke the client up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wake {
    /// Its timer fired.
    Timer,
    /// The tab became visible or gained focus.
    Attention,
    /// The network came back (`online`): a failed refresh is retried at once.
    Online,
}

/// The state machine of one client.
#[derive(Debug)]
pub(crate) struct Machine {
    phase: Phase,
    /// The last error worth showing. Beside the phase, not in it: a failed callback stays
    /// visible next to the session a restore brought back.
    error: Option<AuthKitError>,
    /// Bumped when the session ends here or in a sibling and on dispose: results of requests
    /// started before are dropped.
    epoch: u64,
    /// The session id that was signed out (here or in a sibling): never adopted again.
    ended_session: Option<String>,
    buffer_secs: u32,
    dev_mode: bool,
}

impl Machine {
    /// A machine for a client that refreshes `buffer_secs` before expiry.
    pub(crate) fn new(buffer_secs: u32, dev_mode: bool) -> Self {
        Machine {
            phase: Phase::Idle,
            error: None,
            epoch: 0,
            ended_session: None,
            buffer_secs,
            dev_mode,
        }
    }

    /// The current phase.
    pub(crate) fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The epoch (see the field).
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The session this tab holds: the active one, or the expired one while reconnecting.
    pub(crate) fn session(&self) -> Option<&Session> {
        match &self.phase {
            Phase::Active { session, .. } => Some(session),
            Phase::Reconnecting { last, .. } => last.as_ref(),
            _ => None,
        }
    }

    /// True once initialization is over (or the client was refused or disposed).
    pub(crate) fn is_loaded(&self) -> bool {
        !matches!(self.phase, Phase::Idle | Phase::Starting { .. })
    }

    /// True once `start` ran.
    pub(crate) fn is_started(&self) -> bool {
        !matches!(self.phase, Phase::Idle)
    }

    /// True after dispose.
    pub(crate) fn is_disposed(&self) -> bool {
        matches!(self.phase, Phase::Disposed)
    }

    /// The error every action returns when the client cannot run.
    pub(crate) fn blocked(&self) -> Option<&AuthKitError> {
        match &self.phase {
            Phase::Blocked(error) => Some(error),
            _ => None,
        }
    }

    /// True while there is a session to refresh: signed in, or reconnecting.
    pub(crate) fn has_session(&self) -> bool {
        matches!(
            self.phase,
            Phase::Active { .. } | Phase::Reconnecting { .. }
        )
    }

    /// True after a deliberate sign-out (here or in a sibling) until the next session: a
    /// rotated refresh token that arrives then must not be stored.
    pub(crate) fn signed_out_deliberately(&self) -> bool {
        matches!(
            self.phase,
            Phase::SignedOut(Some(SignedOutReason::SignedOut))
        )
    }

    /// Whether this tab takes a sibling's session (`sid`, organization, expiry) instead of
    /// refreshing: not a session that was signed out, not one that expires before this tab's,
    /// and only for the organization this tab is in (`remembered_org`: the one this tab chose
    /// explicitly, when it holds no session; a tab in no organization takes any).
    pub(crate) fn hand_off_fit(
        &self,
        sid: &str,
        organization: Option<&str>,
        expires_at_ms: f64,
        remembered_org: Option<&str>,
    ) -> HandOffFit {
        if !self.is_started() || self.is_disposed() || self.blocked().is_some() {
            return HandOffFit::Ignore;
        }
        if self.ended_session.as_deref() == Some(sid) {
            return HandOffFit::Ignore;
        }
        let tab_org = match self.session() {
            Some(current) if current.expires_at_ms > expires_at_ms => return HandOffFit::Ignore,
            Some(current) => current.organization_id.as_deref(),
            None => remembered_org,
        };
        if tab_org.is_none() || tab_org == organization {
            HandOffFit::Adopt
        } else {
            HandOffFit::OtherOrganization
        }
    }

    /// True while `session`'s token is outside the refresh buffer at `now_ms`.
    pub(crate) fn is_fresh(&self, session: &Session, now_ms: f64) -> bool {
        now_ms < session.expires_at_ms - f64::from(self.buffer_secs) * 1000.0
    }

    /// Milliseconds until the timer should fire, `None` when no timer is needed: at expiry −
    /// buffer (at least [`MIN_REFRESH_INTERVAL_MS`]), or when the next retry is due.
    pub(crate) fn next_wake_ms(&self, now_ms: f64) -> Option<u32> {
        match &self.phase {
            Phase::Active {
                session,
                retry: None,
            } => Some(
                refresh_delay_ms(session.expires_at_ms, now_ms, self.buffer_secs)
                    .max(MIN_REFRESH_INTERVAL_MS),
            ),
            Phase::Active {
                retry: Some(retry), ..
            }
            | Phase::Reconnecting { retry, .. } => {
                Some(refresh_delay_ms(retry.retry_at_ms, now_ms, 0))
            }
            _ => None,
        }
    }

    /// True when the session should be refreshed at `now_ms`: its token is within the buffer
    /// of expiry, or a retry is due.
    pub(crate) fn is_due(&self, now_ms: f64) -> bool {
        match &self.phase {
            Phase::Active {
                session,
                retry: None,
            } => !self.is_fresh(session, now_ms),
            Phase::Active {
                retry: Some(retry), ..
            }
            | Phase::Reconnecting { retry, .. } => now_ms >= retry.retry_at_ms,
            _ => false,
        }
    }

    /// What a wake-up means now.
    pub(crate) fn on_wake(&self, wake: Wake, now_ms: f64) -> WakeAction {
        if !self.has_session() {
            return WakeAction::Nothing;
        }
        let failing = matches!(
            self.phase,
            Phase::Active { retry: Some(_), .. } | Phase::Reconnecting { .. }
        );
        match wake {
            Wake::Timer => WakeAction::Refresh,
            Wake::Online if failing => WakeAction::Refresh,
            Wake::Online | Wake::Attention if self.is_due(now_ms) => WakeAction::Refresh,
            Wake::Online | Wake::Attention => WakeAction::Rearm,
        }
    }

    /// The state an app renders.
    pub(crate) fn state(&self) -> AuthState {
        let (session, loading, reconnecting, reason) = match &self.phase {
            Phase::Idle => (None, true, false, None),
            Phase::Starting { retrying } => (None, true, *retrying, None),
            Phase::Blocked(_) | Phase::Disposed => (None, false, false, None),
            Phase::SignedOut(reason) => (None, false, false, *reason),
            Phase::Active { session, .. } => (Some(session), false, false, None),
            Phase::Reconnecting { last, .. } => (last.as_ref(), false, true, None),
        };
        let mut state = AuthState::build(session, loading, reconnecting, self.error.clone());
        state.signed_out_reason = reason;
        state
    }

    /// Applies `event`: the only place the phase changes. Returns the effects to run, in order.
    pub(crate) fn apply(&mut self, event: Event) -> Vec<Effect> {
        use Effect::*;
        if matches!(self.phase, Phase::Disposed) {
            return Vec::new();
        }
        match event {
            Event::Started => {
                if matches!(self.phase, Phase::Idle) {
                    self.phase = Phase::Starting { retrying: false };
                }
                Vec::new()
            }
            Event::Refused(error) => {
                self.error = Some(error.clone());
                self.phase = Phase::Blocked(error);
                vec![CancelTimer, Publish, ReleaseWaiters]
            }
            Event::Disposed => {
                self.phase = Phase::Disposed;
                self.epoch += 1;
                vec![Dispose]
            }
            // A blocked client takes nothing but `Disposed`.
            _ if self.blocked().is_some() => Vec::new(),
            Event::CallbackFailed(error) => {
                self.error = Some(error);
                if let Phase::Starting { retrying } = &mut self.phase {
                    *retrying = false;
                }
                Vec::new()
            }
            Event::ExchangeRetrying => match &mut self.phase {
                Phase::Starting { retrying } => {
                    *retrying = true;
                    vec![Publish]
                }
                _ => Vec::new(),
            },
            Event::SessionReceived { session, via } => self.receive(*session, via),
            Event::RefreshFailed {
                error,
                retry_after_ms,
                initial,
                org_switch,
                now_ms,
                jitter,
            } => {
                if error.is_transient() {
                    self.transient_failure(error, retry_after_ms, now_ms, jitter)
                } else {
                    self.terminal_failure(error, initial, org_switch)
                }
            }
            Event::Settled => {
                if let Phase::Starting { .. } = self.phase {
                    self.phase = Phase::SignedOut(None);
                }
                vec![Publish, ReleaseWaiters]
            }
            Event::SignedOutHere {
                session_id,
                navigating,
            } => {
                self.end_session(session_id.clone());
                let mut effects = vec![
                    CancelTimer,
                    EndHandOffWaits,
                    ClearStoredSession,
                    PostSignOut(session_id),
                ];
                if !navigating {
                    effects.push(Publish);
                }
                effects
            }
            Event::SignedOutElsewhere { session_id } => {
                let ours = self.session().map(|s| s.session_id());
                let names_ours = match (ours, session_id.as_deref()) {
                    (Some(ours), Some(ended)) => ours == ended,
                    // A message without a session id, from an earlier version or a tab that
                    // held none: only for tabs that hold none either.
                    (Some(_), None) => false,
                    (None, _) => true,
                };
                if !names_ours {
                    return Vec::new();
                }
                self.end_session(session_id);
                // A refresh of this tab that crossed the sign-out may have stored a rotated
                // token after the signing-out tab cleared it: the session is over, drop it again.
                vec![CancelTimer, EndHandOffWaits, ForgetStoredSession, Publish]
            }
            Event::ErrorReported(error) => {
                self.error = Some(error);
                vec![Publish]
            }
        }
    }

    /// A fresh session: signed in, whatever came before (but a sign-in failure of this start
    /// stays visible beside a session that a restore brought back).
    fn receive(&mut self, session: Session, via: Via) -> Vec<Effect> {
        use Effect::*;
        if !matches!(self.phase, Phase::Starting { .. }) {
            self.error = None;
        }
        self.phase = Phase::Active {
            session,
            retry: None,
        };
        let mut effects = vec![ArmTimer];
        match via {
            // Published when initialization settles, after `on_redirect_callback` and the
            // `return_to` navigation: the app renders the signed-in state once, at its target.
            Via::Exchange => return vec![ArmTimer, PostHandOff, FireOnRefresh],
            Via::Refresh { organization } => {
                effects.push(PostHandOff);
                effects.extend(organization.map(RememberOrganization));
            }
            Via::HandOff => effects.push(WakeHandOffWaits),
        }
        effects.extend([Publish, FireOnRefresh]);
        effects
    }

    /// Keeps the session while its token lasts, else reconnects; schedules the next attempt.
    fn transient_failure(
        &mut self,
        error: AuthKitError,
        retry_after_ms: Option<u64>,
        now_ms: f64,
        jitter: f64,
    ) -> Vec<Effect> {
        let phase = std::mem::replace(&mut self.phase, Phase::Idle);
        self.phase = match phase {
            Phase::Active { session, retry } => {
                let retry = Backoff::after(retry, now_ms, retry_after_ms, jitter);
                if session.is_expired(now_ms) {
                    self.error = Some(error);
                    Phase::Reconnecting {
                        last: Some(session),
                        retry,
                    }
                } else {
                    Phase::Active {
                        session,
                        retry: Some(retry),
                    }
                }
            }
            Phase::Starting { .. } => {
                self.error = Some(error);
                Phase::Reconnecting {
                    last: None,
                    retry: Backoff::after(None, now_ms, retry_after_ms, jitter),
                }
            }
            Phase::Reconnecting { last, retry } => {
                self.error = Some(error);
                Phase::Reconnecting {
                    last,
                    retry: Backoff::after(Some(retry), now_ms, retry_after_ms, jitter),
                }
            }
            other => {
                self.phase = other;
                return Vec::new();
            }
        };
        vec![Effect::ArmTimer, Effect::Publish]
    }

    /// The session is over (refused refresh token, revoked session), except for a refused
    /// organization switch, which keeps the current session (the caller signs in to it).
    fn terminal_failure(
        &mut self,
        error: AuthKitError,
        initial: bool,
        org_switch: bool,
    ) -> Vec<Effect> {
        use Effect::*;
        match &self.phase {
            Phase::Active { .. } if org_switch => return Vec::new(),
            Phase::Starting { .. } | Phase::Active { .. } | Phase::Reconnecting { .. } => {}
            _ => return Vec::new(),
        }
        // A failed restore is the expected "signed out", except in cookie mode when the API
        // got no refresh cookie although the hint cookie says there is a session: the cookie
        // is most likely blocked (third-party), which the app should see.
        let cookie_blocked = !self.dev_mode && error.is_missing_refresh_token();
        if !initial || cookie_blocked {
            self.error = Some(error.clone());
        }
        self.phase = Phase::SignedOut(Some(SignedOutReason::SessionEnded));
        let mut effects = vec![CancelTimer, EndHandOffWaits, ForgetStoredSession, Publish];
        if !initial {
            effects.push(FireOnRefreshFailure(error));
        }
        effects
    }

    /// Records that the session ended here or in a sibling: the ended session (`session_id`,
    /// else this tab's own) is never adopted again, and requests started before are dropped.
    fn end_session(&mut self, session_id: Option<String>) {
        let ended = session_id.or_else(|| self.session().map(|s| s.session_id().to_owned()));
        if let Some(sid) = ended.filter(|sid| !sid.is_empty()) {
            self.ended_session = Some(sid);
        }
        self.epoch += 1;
        self.error = None;
        self.phase = Phase::SignedOut(Some(SignedOutReason::SignedOut));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::claims::AccessTokenClaims;
    use Effect::*;

    const NOW: f64 = 1_000_000.0;

    fn session(sid: &str, organization: Option<&str>, expires_at_ms: f64) -> Session {
        let user = serde_json::from_str(r#"{"id":"user_1","email":"a@b.c"}"#).unwrap();
        Session {
            user,
            access_token: format!("token-of-{sid}-{expires_at_ms}"),
            claims: {
                let mut claims = AccessTokenClaims::default();
                claims.sid = sid.to_owned();
                claims
            },
            organization_id: organization.map(str::to_owned),
            impersonator: None,
            authentication_method: None,
            expires_at_ms,
            refresh_token: None,
        }
    }

    fn received(session: Session, via: Via) -> Event {
        Event::SessionReceived {
            session: Box::new(session),
            via,
        }
    }

    fn refreshed(session: Session) -> Event {
        received(session, Via::Refresh { organization: None })
    }

    fn failed(error: AuthKitError, initial: bool) -> Event {
        Event::RefreshFailed {
            error,
            retry_after_ms: None,
            initial,
            org_switch: false,
            now_ms: NOW,
            jitter: 1.0,
        }
    }

    fn outage() -> AuthKitError {
        AuthKitError::Network("offline".into())
    }

    fn ended() -> AuthKitError {
        AuthKitError::Refresh {
            status: Some(400),
            error: Some("invalid_grant".into()),
            description: None,
            transient: false,
        }
    }

    /// A started machine in dev mode with a 10 s buffer.
    fn started() -> Machine {
        let mut m = Machine::new(10, true);
        assert_eq!(m.apply(Event::Started), vec![]);
        assert!(m.state().is_loading && !m.is_loaded());
        m
    }

    /// A machine signed in with a token that expires at `NOW + 300 s`.
    fn signed_in() -> Machine {
        let mut m = started();
        m.apply(refreshed(session("s1", Some("org_a"), NOW + 300_000.0)));
        m.apply(Event::Settled);
        m
    }

    #[test]
    fn without_a_session_initialization_ends_signed_out_with_no_reason() {
        let mut m = started();
        assert_eq!(m.apply(Event::Settled), vec![Publish, ReleaseWaiters]);
        assert_eq!(m.phase(), &Phase::SignedOut(None));
        let state = m.state();
        assert!(!state.is_loading && !state.is_authenticated);
        assert_eq!(state.signed_out_reason, None);
        assert!(state.should_start_sign_in());
    }

    #[test]
    fn a_refused_client_shows_why_and_ignores_everything_but_dispose() {
        let mut m = Machine::new(10, true);
        let effects = m.apply(Event::Refused(AuthKitError::InsideIframe));
        assert_eq!(effects, vec![CancelTimer, Publish, ReleaseWaiters]);
        assert_eq!(m.blocked(), Some(&AuthKitError::InsideIframe));
        assert_eq!(m.state().error, Some(AuthKitError::InsideIframe));
        assert!(!m.state().is_loading);
        let s = session("s1", None, NOW + 300_000.0);
        assert_eq!(m.apply(refreshed(s.clone())), vec![]);
        assert_eq!(
            m.hand_off_fit("s1", None, s.expires_at_ms, None),
            HandOffFit::Ignore
        );
        assert_eq!(m.apply(Event::Disposed), vec![Dispose]);
        assert!(m.is_disposed());
    }

    #[test]
    fn the_code_exchange_is_published_when_initialization_settles() {
        let mut m = started();
        let effects = m.apply(received(session("s1", None, NOW + 1.0), Via::Exchange));
        assert_eq!(effects, vec![ArmTimer, PostHandOff, FireOnRefresh]);
        assert_eq!(m.apply(Event::Settled), vec![Publish, ReleaseWaiters]);
        assert!(m.state().is_authenticated && !m.state().is_loading);
    }

    #[test]
    fn a_failed_callback_stays_visible_beside_the_restored_session() {
        let mut m = started();
        m.apply(Event::CallbackFailed(AuthKitError::MissingCodeVerifier));
        let effects = m.apply(refreshed(session("s1", None, NOW + 300_000.0)));
        assert_eq!(effects, vec![ArmTimer, PostHandOff, Publish, FireOnRefresh]);
        m.apply(Event::Settled);
        let state = m.state();
        assert!(state.is_authenticated);
        assert_eq!(state.error, Some(AuthKitError::MissingCodeVerifier));
        // The next session (a later refresh) clears it.
        m.apply(refreshed(session("s1", None, NOW + 600_000.0)));
        assert_eq!(m.state().error, None);
    }

    #[test]
    fn a_failed_callback_without_a_hint_ends_loading_with_the_error() {
        let mut m = started();
        m.apply(Event::CallbackFailed(AuthKitError::MissingCodeVerifier));
        m.apply(Event::Settled);
        let state = m.state();
        assert!(!state.is_loading && !state.is_authenticated);
        assert_eq!(state.error, Some(AuthKitError::MissingCodeVerifier));
        assert!(
            !state.should_start_sign_in(),
            "a new sign-in would only repeat it"
        );
    }

    #[test]
    fn an_exchange_retry_shows_reconnecting_while_loading() {
        let mut m = started();
        assert_eq!(m.apply(Event::ExchangeRetrying), vec![Publish]);
        let state = m.state();
        assert!(state.is_loading && state.is_reconnecting);
        m.apply(Event::CallbackFailed(outage()));
        assert!(!m.state().is_reconnecting);
    }

    #[test]
    fn the_timer_is_armed_buffer_seconds_before_expiry_and_at_least_a_second_out() {
        let m = signed_in();
        assert_eq!(m.next_wake_ms(NOW), Some(290_000));
        assert_eq!(
            m.next_wake_ms(NOW + 295_000.0),
            Some(MIN_REFRESH_INTERVAL_MS)
        );
        assert!(!m.is_due(NOW + 289_999.0));
        assert!(m.is_due(NOW + 290_000.0));
        assert_eq!(Machine::new(10, true).next_wake_ms(NOW), None);
    }

    #[test]
    fn a_transient_failure_with_a_usable_token_keeps_the_session_quietly() {
        let mut m = signed_in();
        let effects = m.apply(failed(outage(), false));
        assert_eq!(effects, vec![ArmTimer, Publish]);
        assert!(matches!(
            m.phase(),
            Phase::Active {
                retry: Some(Backoff { attempt: 1, .. }),
                ..
            }
        ));
        let state = m.state();
        assert!(state.is_authenticated && !state.is_reconnecting && state.error.is_none());
        // jitter 1.0: the first retry is a full second later.
        assert_eq!(m.next_wake_ms(NOW), Some(1_000));
    }

    #[test]
    fn a_transient_failure_with_an_expired_token_reconnects() {
        let mut m = started();
        m.apply(refreshed(session("s1", None, NOW - 1.0)));
        m.apply(failed(outage(), false));
        let state = m.state();
        assert!(state.is_reconnecting && state.is_authenticated);
        assert_eq!(state.error, Some(outage()));
        assert!(m.has_session());
    }

    #[test]
    fn an_outage_at_page_load_is_reconnecting_not_signed_out() {
        let mut m = started();
        m.apply(failed(outage(), true));
        m.apply(Event::Settled);
        let state = m.state();
        assert!(!state.is_loading && state.is_reconnecting && !state.is_authenticated);
        assert!(!state.should_start_sign_in());
        assert!(matches!(m.phase(), Phase::Reconnecting { last: None, .. }));
    }

    #[test]
    fn backoff_grows_and_honours_retry_after() {
        let mut m = started();
        m.apply(failed(outage(), true));
        for (attempt, expected) in [(2, 2_000), (3, 4_000), (4, 8_000)] {
            m.apply(failed(outage(), true));
            assert_eq!(m.next_wake_ms(NOW), Some(expected), "attempt {attempt}");
        }
        m.apply(Event::RefreshFailed {
            error: outage(),
            retry_after_ms: Some(60_000),
            initial: true,
            org_switch: false,
            now_ms: NOW,
            jitter: 0.0,
        });
        assert_eq!(m.next_wake_ms(NOW), Some(60_000));
    }

    #[test]
    fn focus_and_visibility_keep_a_scheduled_retry_and_online_retries_at_once() {
        let mut m = signed_in();
        m.apply(Event::RefreshFailed {
            error: outage(),
            retry_after_ms: Some(60_000),
            initial: false,
            org_switch: false,
            now_ms: NOW,
            jitter: 0.0,
        });
        assert_eq!(m.on_wake(Wake::Attention, NOW + 1_000.0), WakeAction::Rearm);
        // Re-arming does not move the retry: still due at NOW + 60 s.
        assert_eq!(m.next_wake_ms(NOW + 1_000.0), Some(59_000));
        assert_eq!(
            m.on_wake(Wake::Attention, NOW + 60_000.0),
            WakeAction::Refresh
        );
        assert_eq!(m.on_wake(Wake::Online, NOW + 1_000.0), WakeAction::Refresh);
        assert_eq!(m.on_wake(Wake::Timer, NOW + 1_000.0), WakeAction::Refresh);
    }

    #[test]
    fn a_healthy_session_refreshes_on_attention_only_when_due() {
        let m = signed_in();
        assert_eq!(m.on_wake(Wake::Attention, NOW), WakeAction::Rearm);
        assert_eq!(m.on_wake(Wake::Online, NOW), WakeAction::Rearm);
        assert_eq!(
            m.on_wake(Wake::Attention, NOW + 295_000.0),
            WakeAction::Refresh
        );
        let mut out = started();
        out.apply(Event::Settled);
        assert_eq!(out.on_wake(Wake::Online, NOW), WakeAction::Nothing);
    }

    #[test]
    fn a_terminal_restore_is_a_quiet_ended_session() {
        let mut m = started();
        let effects = m.apply(failed(ended(), true));
        assert_eq!(
            effects,
            vec![CancelTimer, EndHandOffWaits, ForgetStoredSession, Publish]
        );
        let state = m.state();
        assert_eq!(state.signed_out_reason, Some(SignedOutReason::SessionEnded));
        assert_eq!(state.error, None);
        assert!(state.should_start_sign_in());
    }

    #[test]
    fn a_terminal_refresh_ends_the_session_and_fires_on_refresh_failure() {
        let mut m = signed_in();
        let effects = m.apply(failed(ended(), false));
        assert_eq!(
            effects,
            vec![
                CancelTimer,
                EndHandOffWaits,
                ForgetStoredSession,
                Publish,
                FireOnRefreshFailure(ended())
            ]
        );
        let state = m.state();
        assert!(!state.is_authenticated);
        assert_eq!(state.signed_out_reason, Some(SignedOutReason::SessionEnded));
        assert_eq!(state.error, Some(ended()));
    }

    #[test]
    fn in_cookie_mode_a_missing_refresh_cookie_at_restore_is_shown() {
        let missing = AuthKitError::Refresh {
            status: Some(400),
            error: Some("invalid_request".into()),
            description: Some("Missing refresh token.".into()),
            transient: false,
        };
        let mut cookie = Machine::new(10, false);
        cookie.apply(Event::Started);
        cookie.apply(failed(missing.clone(), true));
        assert_eq!(cookie.state().error, Some(missing.clone()));
        let mut dev = started();
        dev.apply(failed(missing, true));
        assert_eq!(dev.state().error, None);
    }

    #[test]
    fn a_refused_organization_switch_keeps_the_session() {
        let mut m = signed_in();
        let before = m.state();
        let effects = m.apply(Event::RefreshFailed {
            error: ended(),
            retry_after_ms: None,
            initial: false,
            org_switch: true,
            now_ms: NOW,
            jitter: 1.0,
        });
        assert_eq!(effects, vec![]);
        assert_eq!(m.state(), before);
        let switched = received(
            session("s1", Some("org_b"), NOW + 300_000.0),
            Via::Refresh {
                organization: Some("org_b".into()),
            },
        );
        assert_eq!(
            m.apply(switched),
            vec![
                ArmTimer,
                PostHandOff,
                RememberOrganization("org_b".into()),
                Publish,
                FireOnRefresh
            ]
        );
    }

    #[test]
    fn signing_out_here_is_final_and_its_session_never_comes_back() {
        let mut m = signed_in();
        let epoch = m.epoch();
        let effects = m.apply(Event::SignedOutHere {
            session_id: Some("s1".into()),
            navigating: false,
        });
        assert_eq!(
            effects,
            vec![
                CancelTimer,
                EndHandOffWaits,
                ClearStoredSession,
                PostSignOut(Some("s1".into())),
                Publish
            ]
        );
        assert!(m.epoch() > epoch);
        assert!(m.signed_out_deliberately());
        assert_eq!(
            m.state().signed_out_reason,
            Some(SignedOutReason::SignedOut)
        );
        assert!(!m.state().should_start_sign_in());
        assert_eq!(
            m.hand_off_fit("s1", Some("org_a"), NOW + 900_000.0, None),
            HandOffFit::Ignore
        );
        assert_eq!(
            m.hand_off_fit("s2", Some("org_a"), NOW + 900_000.0, None),
            HandOffFit::Adopt
        );
        // Navigating away: nothing is published.
        let mut leaving = signed_in();
        let effects = leaving.apply(Event::SignedOutHere {
            session_id: Some("s1".into()),
            navigating: true,
        });
        assert!(!effects.contains(&Publish));
    }

    #[test]
    fn a_siblings_sign_out_applies_only_to_the_session_it_names() {
        let sign_out = |sid: Option<&str>| Event::SignedOutElsewhere {
            session_id: sid.map(str::to_owned),
        };
        let mut m = signed_in();
        assert_eq!(m.apply(sign_out(Some("other"))), vec![]);
        assert_eq!(m.apply(sign_out(None)), vec![]);
        assert!(m.state().is_authenticated);
        let effects = m.apply(sign_out(Some("s1")));
        assert_eq!(
            effects,
            vec![CancelTimer, EndHandOffWaits, ForgetStoredSession, Publish]
        );
        assert_eq!(
            m.state().signed_out_reason,
            Some(SignedOutReason::SignedOut)
        );
        // A tab that holds no session yet (still restoring) takes any sign-out.
        let mut loading = started();
        loading.apply(failed(outage(), true));
        assert!(!loading.apply(sign_out(None)).is_empty());
        assert!(loading.signed_out_deliberately());
    }

    #[test]
    fn a_hand_off_is_adopted_only_for_this_tabs_organization() {
        let m = signed_in();
        let later = NOW + 600_000.0;
        assert_eq!(
            m.hand_off_fit("s1", Some("org_a"), later, None),
            HandOffFit::Adopt
        );
        assert_eq!(
            m.hand_off_fit("s1", Some("org_b"), later, None),
            HandOffFit::OtherOrganization
        );
        assert_eq!(
            m.hand_off_fit("s1", Some("org_a"), NOW + 1.0, None),
            HandOffFit::Ignore,
            "an older token"
        );
        // Without a session the tab's remembered organization decides; without one, any.
        let waiting = started();
        assert_eq!(
            waiting.hand_off_fit("s1", Some("org_b"), later, Some("org_a")),
            HandOffFit::OtherOrganization
        );
        assert_eq!(
            waiting.hand_off_fit("s1", Some("org_b"), later, None),
            HandOffFit::Adopt
        );
        // A tab in no organization takes a sibling's, as a refresh without one would.
        let mut plain = started();
        plain.apply(refreshed(session("s1", None, NOW + 300_000.0)));
        assert_eq!(
            plain.hand_off_fit("s1", Some("org_b"), later, None),
            HandOffFit::Adopt
        );
    }

    #[test]
    fn an_adopted_hand_off_wakes_the_waiting_refreshes() {
        let mut m = signed_in();
        let effects = m.apply(received(
            session("s1", Some("org_a"), NOW + 600_000.0),
            Via::HandOff,
        ));
        assert_eq!(
            effects,
            vec![ArmTimer, WakeHandOffWaits, Publish, FireOnRefresh]
        );
    }

    #[test]
    fn after_dispose_nothing_happens() {
        let mut m = signed_in();
        let epoch = m.epoch();
        assert_eq!(m.apply(Event::Disposed), vec![Dispose]);
        assert!(m.epoch() > epoch);
        for event in [
            refreshed(session("s2", None, NOW + 300_000.0)),
            failed(outage(), false),
            Event::Settled,
            Event::ErrorReported(outage()),
            Event::SignedOutElsewhere { session_id: None },
        ] {
            assert_eq!(m.apply(event), vec![]);
        }
        assert!(m.is_disposed() && !m.has_session());
    }

    #[test]
    fn a_reported_error_is_shown() {
        let mut m = started();
        m.apply(Event::Settled);
        let error = AuthKitError::Storage("denied".into());
        assert_eq!(m.apply(Event::ErrorReported(error.clone())), vec![Publish]);
        assert_eq!(m.state().error, Some(error));
    }
}
