//! The refresh grant: checks, the grace window, organization switching, and the rotation
//! itself (old token retired, new token stored, session touched) as one transaction.

use super::{Changes, Issued, World};
use crate::error::ApiError;
use crate::ids;
use crate::model::{RefreshRecord, Session};
use crate::settings::GraceMode;
use crate::successor;

/// A refresh grant as received.
#[derive(Debug, Clone, Copy)]
pub struct RefreshRequest<'a> {
    /// `client_id`.
    pub client_id: &'a str,
    /// The refresh token (from the body or the cookie).
    pub token: &'a str,
    /// `organization_id` to switch to.
    pub organization_id: Option<&'a str>,
    /// Now, epoch ms.
    pub now_ms: i64,
}

/// How far a chain of grace successors is followed (a guard against a corrupt cycle).
const MAX_CHAIN: usize = 10_000;

impl World {
    /// Exchange a refresh token.
    pub fn refresh(&mut self, r: RefreshRequest<'_>) -> Result<Issued, ApiError> {
        let now = r.now_ms.div_euclid(1000);
        let hash = ids::digest(r.token);
        let Some(rec) = self.refresh.get(&hash).cloned() else {
            return Err(ApiError::invalid_refresh());
        };
        if rec.client_id != r.client_id {
            return Err(ApiError::invalid_client(
                "The refresh token was issued to another client.",
            ));
        }
        let session = self.live_session(&rec.session_id, r.now_ms)?;
        if let Some(exchanged_at) = rec.exchanged_at {
            return self.replay(r.token, &rec, session, exchanged_at, now);
        }
        let session = self.switched(session, r.organization_id)?;
        self.rotate(r.token, rec, session, now)
    }

    /// The session of a token if it can still be refreshed; an expired one is ended.
    fn live_session(&mut self, id: &str, now_ms: i64) -> Result<Session, ApiError> {
        let now = now_ms.div_euclid(1000);
        let Some(session) = self.sessions.get(id).cloned() else {
            return Err(ApiError::session_ended());
        };
        if session.is_live(now, self.settings.inactivity_timeout_secs) {
            return Ok(session);
        }
        if session.ended_at.is_none() {
            self.end_session(id, "expired", now_ms)
                .map_err(|e| ApiError::storage("the expired session", &e))?;
        }
        Err(ApiError::session_ended())
    }

    /// A token that was already rotated. Inside the grace window the session's current token
    /// is handed out again (`same_successor`), or the caller is told to retry while the
    /// successor is still current (`contention`); anything else is a replay.
    fn replay(
        &self,
        token: &str,
        rec: &RefreshRecord,
        session: Session,
        exchanged_at: i64,
        now: i64,
    ) -> Result<Issued, ApiError> {
        let grace = self.settings.refresh_grace_secs;
        if grace == 0 || now > exchanged_at + grace {
            return Err(ApiError::already_exchanged());
        }
        let Some((current, steps)) = self.current_successor(token, rec) else {
            return Err(ApiError::already_exchanged());
        };
        match self.settings.refresh_grace_mode {
            GraceMode::SameSuccessor => Ok(Issued {
                user: self
                    .users
                    .get(&session.user_id)
                    .cloned()
                    .ok_or_else(ApiError::session_ended)?,
                session,
                refresh_token: current,
            }),
            // The successor is still current: the first exchange may not have answered yet.
            GraceMode::Contention if steps == 1 => Err(ApiError::contention()),
            // It has been rotated again: retrying can never succeed.
            _ => Err(ApiError::already_exchanged()),
        }
    }

    /// Follow sealed successors from `token` to the session's current token; with how many
    /// rotations lie in between.
    fn current_successor(&self, token: &str, rec: &RefreshRecord) -> Option<(String, usize)> {
        let (mut token, mut rec) = (token.to_string(), rec.clone());
        for steps in 1..=MAX_CHAIN {
            let next = successor::open(&token, rec.successor.as_deref()?)?;
            let next_rec = self.refresh.get(&ids::digest(&next))?;
            if next_rec.session_id != rec.session_id {
                return None;
            }
            if next_rec.exchanged_at.is_none() {
                return Some((next, steps));
            }
            (token, rec) = (next, next_rec.clone());
        }
        None
    }

    /// The session moved to `organization_id`, after the membership and policy checks.
    fn switched(&self, mut session: Session, org_id: Option<&str>) -> Result<Session, ApiError> {
        let Some(org_id) = org_id else {
            return Ok(session);
        };
        let Some(org) = self.orgs.get(org_id) else {
            return Err(ApiError::oauth(
                axum::http::StatusCode::BAD_REQUEST,
                "organization_not_found",
                "The organization was not found.",
            ));
        };
        if self.membership(&session.user_id, org_id).is_none() {
            return Err(ApiError::oauth(
                axum::http::StatusCode::BAD_REQUEST,
                "organization_membership_not_found",
                "The user is not a member of the organization.",
            ));
        }
        let switching = session.organization_id.as_deref() != Some(org_id);
        if let (true, Some(policy)) = (switching, org.requires) {
            let user = self.users.get(&session.user_id);
            return Err(ApiError::OrgPolicy {
                policy,
                org_id: org_id.to_string(),
                email: user.map(|u| u.email.clone()),
                user: user.map(crate::model::User::to_json),
                pending_authentication_token: ids::secret(24),
            });
        }
        session.organization_id = Some(org_id.to_string());
        Ok(session)
    }

    /// Retire `old`, store its successor and touch the session: one transaction.
    fn rotate(
        &mut self,
        token: &str,
        mut old: RefreshRecord,
        mut session: Session,
        now: i64,
    ) -> Result<Issued, ApiError> {
        let user = self
            .users
            .get(&session.user_id)
            .cloned()
            .ok_or_else(ApiError::session_ended)?;
        let next = ids::secret(32);
        old.exchanged_at = Some(now);
        old.successor =
            (self.settings.refresh_grace_secs > 0).then(|| successor::seal(token, &next));
        session.last_active_at = now;
        let new = RefreshRecord {
            hash: ids::digest(&next),
            session_id: session.id.clone(),
            client_id: old.client_id.clone(),
            created_at: now,
            exchanged_at: None,
            successor: None,
        };
        self.commit(Changes {
            sessions: vec![session.clone()],
            refresh: vec![old, new],
            ..Changes::default()
        })
        .map_err(|e| ApiError::storage("the refresh", &e))?;
        Ok(Issued {
            user,
            session,
            refresh_token: next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::world;
    use super::*;
    use crate::model::CodeGrant;
    use crate::settings::SettingsPatch;
    use crate::world::CodeRedemption;

    const NOW_MS: i64 = 1_700_000_100_000;

    fn signed_in(w: &mut World) -> String {
        let user = w.user_by_email("solo@example.com").unwrap().id.clone();
        let code = w
            .issue_code(
                CodeGrant {
                    client_id: "client_demo".into(),
                    redirect_uri: "http://localhost:5173/account".into(),
                    code_challenge: None,
                    user_id: user,
                    organization_id: None,
                    authentication_method: "Password".into(),
                    impersonator: None,
                },
                NOW_MS,
            )
            .unwrap();
        // A code without PKCE cannot be redeemed; give it a challenge.
        let verifier = "v".repeat(50);
        w.codes.get_mut(&code).unwrap().grant.code_challenge =
            Some(URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())));
        w.redeem_code(CodeRedemption {
            client_id: "client_demo",
            code: &code,
            code_verifier: Some(&verifier),
            now_ms: NOW_MS,
        })
        .unwrap()
        .refresh_token
    }

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256};

    fn refresh(w: &mut World, token: &str) -> Result<Issued, ApiError> {
        w.refresh(RefreshRequest {
            client_id: "client_demo",
            token,
            organization_id: None,
            now_ms: NOW_MS + 1000,
        })
    }

    #[test]
    fn a_rotation_that_cannot_be_committed_leaves_memory_untouched() {
        let mut w = world();
        let t0 = signed_in(&mut w);
        let before = w.refresh.clone();
        // Make the transaction fail halfway: the session is written, the tokens cannot be.
        w.store.execute_batch_for_tests("DROP TABLE refresh_tokens");
        let e = refresh(&mut w, &t0).unwrap_err();
        assert_eq!(e.status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(w.refresh, before, "no token retired, none added");
    }

    #[test]
    fn a_replay_follows_the_chain_to_the_current_token() {
        let mut w = world();
        w.settings = w
            .settings
            .patched(SettingsPatch {
                refresh_grace_secs: Some(60),
                ..SettingsPatch::default()
            })
            .unwrap();
        let t0 = signed_in(&mut w);
        let t1 = refresh(&mut w, &t0).unwrap().refresh_token;
        let t2 = refresh(&mut w, &t1).unwrap().refresh_token;
        assert_eq!(refresh(&mut w, &t0).unwrap().refresh_token, t2);
        assert_eq!(refresh(&mut w, &t1).unwrap().refresh_token, t2);
    }
}
