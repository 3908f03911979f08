//! Sweeping what only lives for a while: expired codes, hosted-page requests, impersonations
//! and password resets (memory), and grace successors once their window has passed
//! (persisted).
//! [`crate::state::AppState::with_world`] sweeps when one is due, on the emulator clock, so
//! advancing the clock sweeps at the next request.

use serde::Serialize;

use super::{Changes, World};

/// How often a sweep is due, in emulator seconds.
pub const SWEEP_EVERY_SECS: i64 = 60;

/// Counts for `GET /_emulator/stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Authorization codes not yet redeemed.
    pub codes: usize,
    /// Hosted-page requests waiting for the user.
    pub pending_sign_ins: usize,
    /// Finished hosted-page requests, kept to answer a double submit.
    pub finished_sign_ins: usize,
    /// Impersonations not yet redeemed.
    pub impersonations: usize,
    /// Password-reset links that still work.
    pub password_resets: usize,
    /// Emails in the mailbox.
    pub emails: usize,
    /// Invitations (any state).
    pub invitations: usize,
    /// Rotated refresh tokens whose sealed successor is kept for the grace window.
    pub grace_successors: usize,
    /// Users.
    pub users: usize,
    /// Sessions (ended ones included).
    pub sessions: usize,
    /// Refresh-token records (digests).
    pub refresh_tokens: usize,
}

impl World {
    /// Sweep if one is due at `now_ms` (or the clock was moved back past the last one).
    pub fn sweep_if_due(&mut self, now_ms: i64) {
        let now = now_ms.div_euclid(1000);
        if now >= self.next_sweep_at || self.next_sweep_at - now > SWEEP_EVERY_SECS {
            self.sweep(now);
            self.next_sweep_at = now + SWEEP_EVERY_SECS;
        }
    }

    /// Drop everything that has expired at `now` (epoch s).
    pub fn sweep(&mut self, now: i64) {
        let code_ttl = self.settings.code_ttl_secs;
        self.codes.retain(|_, c| now - c.created_at < code_ttl);
        self.pending.retain(|_, p| p.is_live(now));
        self.impersonations.retain(|_, i| i.is_live(now));
        self.resets.retain(|_, r| r.is_live(now));
        let grace = self.settings.refresh_grace_secs;
        let done: Vec<_> = self
            .refresh
            .values()
            .filter(|r| r.successor.is_some() && r.exchanged_at.is_none_or(|at| now > at + grace))
            .map(|r| {
                let mut r = r.clone();
                r.successor = None;
                r
            })
            .collect();
        if let Err(e) = self.commit(Changes {
            refresh: done,
            ..Changes::default()
        }) {
            // Housekeeping only: the successors stay (harmless) and the next sweep retries.
            tracing::warn!(error = %e, "sweeping grace successors failed");
        }
    }

    /// Counts of what the world holds.
    pub fn stats(&self) -> Stats {
        let finished = self
            .pending
            .values()
            .filter(|p| p.finished.is_some())
            .count();
        Stats {
            codes: self.codes.len(),
            pending_sign_ins: self.pending.len() - finished,
            finished_sign_ins: finished,
            impersonations: self.impersonations.len(),
            password_resets: self.resets.len(),
            emails: self.mailbox.len(),
            invitations: self.invitations.len(),
            grace_successors: self
                .refresh
                .values()
                .filter(|r| r.successor.is_some())
                .count(),
            users: self.users.len(),
            sessions: self.sessions.len(),
            refresh_tokens: self.refresh.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::world;
    use crate::model::{CodeGrant, PendingAuth, Stage};

    #[test]
    fn expired_codes_and_pages_go_live_ones_stay() {
        let mut w = world();
        let now_ms = 1_700_000_000_000;
        let grant = CodeGrant {
            client_id: "client_demo".into(),
            redirect_uri: "http://localhost:5173/account".into(),
            code_challenge: None,
            user_id: "user_01S010000000000000000000S0".into(),
            organization_id: None,
            authentication_method: "Password".into(),
            impersonator: None,
        };
        w.issue_code(grant.clone(), now_ms).unwrap();
        w.issue_code(grant, now_ms + 590_000).unwrap();
        let page = |created_at| PendingAuth {
            client_id: "client_demo".into(),
            redirect_uri: "http://localhost:5173/account".into(),
            state: None,
            code_challenge: None,
            organization_id: None,
            login_hint: None,
            authentication_method: "Password".into(),
            authkit: true,
            invitation: None,
            notice: None,
            stage: Stage::Start,
            finished: None,
            created_at,
        };
        w.start_sign_in("old".into(), page(now_ms / 1000));
        w.start_sign_in("new".into(), page(now_ms / 1000 + 500));
        w.sweep(now_ms / 1000 + 599);
        let stats = w.stats();
        assert_eq!((stats.codes, stats.pending_sign_ins), (2, 2));
        w.sweep(now_ms / 1000 + 1801);
        let stats = w.stats();
        assert_eq!((stats.codes, stats.pending_sign_ins), (0, 1));
    }
}
