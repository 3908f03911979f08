//! Authorization codes: issued by the hosted pages, impersonation and `/_emulator/codes`,
//! redeemed once by the code grant (PKCE), which creates the session and its first refresh
//! token in one transaction.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::{Changes, World, IMPERSONATION_SESSION_SECS};
use crate::error::ApiError;
use crate::ids;
use crate::model::{CodeGrant, CodeRecord, RefreshRecord, Session, User};
use crate::store::StoreError;

/// What a successful exchange (code or refresh) hands out.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The user.
    pub user: User,
    /// The session, as it is now.
    pub session: Session,
    /// The refresh token to return (never stored in plain).
    pub refresh_token: String,
}

/// A code grant as received.
#[derive(Debug, Clone, Copy)]
pub struct CodeRedemption<'a> {
    /// `client_id`.
    pub client_id: &'a str,
    /// `code`.
    pub code: &'a str,
    /// `code_verifier`.
    pub code_verifier: Option<&'a str>,
    /// Now, epoch ms.
    pub now_ms: i64,
}

impl World {
    /// Store a new single-use code and record the user's sign-in time.
    pub fn issue_code(&mut self, grant: CodeGrant, now_ms: i64) -> Result<String, StoreError> {
        self.issue_code_with(grant, Changes::default(), now_ms)
    }

    /// [`World::issue_code`], writing `changes` (an accepted invitation and its membership)
    /// in the same transaction: all of it, or (the write failed) none of it and no code.
    pub(super) fn issue_code_with(
        &mut self,
        grant: CodeGrant,
        mut changes: Changes,
        now_ms: i64,
    ) -> Result<String, StoreError> {
        if let Some(mut u) = self.users.get(&grant.user_id).cloned() {
            u.last_sign_in_at = Some(now_ms);
            u.updated_at = now_ms;
            changes.users.push(u);
        }
        self.commit(changes)?;
        let code = ids::secret(32);
        self.codes.insert(
            code.clone(),
            CodeRecord {
                grant,
                created_at: now_ms.div_euclid(1000),
            },
        );
        Ok(code)
    }

    /// Redeem a code: check it (client, age, PKCE), then create the session and its first
    /// refresh token. A code is used up only when the session was saved.
    pub fn redeem_code(&mut self, r: CodeRedemption<'_>) -> Result<Issued, ApiError> {
        let Some(rec) = self.codes.get(r.code).cloned() else {
            return Err(ApiError::code_invalid());
        };
        if r.now_ms.div_euclid(1000) - rec.created_at >= self.settings.code_ttl_secs {
            self.codes.remove(r.code);
            return Err(ApiError::code_invalid());
        }
        if rec.grant.client_id != r.client_id {
            return Err(ApiError::invalid_client(
                "The authorization code was issued to another client.",
            ));
        }
        check_pkce(rec.grant.code_challenge.as_deref(), r.code_verifier)?;
        let Some(user) = self.users.get(&rec.grant.user_id).cloned() else {
            return Err(ApiError::code_invalid());
        };
        let session = new_session(&rec, r.now_ms, self.settings.session_lifetime_secs);
        let refresh_token = ids::secret(32);
        let now = r.now_ms.div_euclid(1000);
        self.commit(Changes {
            sessions: vec![session.clone()],
            refresh: vec![RefreshRecord {
                hash: ids::digest(&refresh_token),
                session_id: session.id.clone(),
                client_id: r.client_id.to_string(),
                created_at: now,
                exchanged_at: None,
                successor: None,
            }],
            ..Changes::default()
        })
        .map_err(|e| ApiError::storage("the new session", &e))?;
        self.codes.remove(r.code);
        Ok(Issued {
            user,
            session,
            refresh_token,
        })
    }
}

fn check_pkce(challenge: Option<&str>, verifier: Option<&str>) -> Result<(), ApiError> {
    match (challenge, verifier) {
        (Some(_), None) => Err(ApiError::invalid_request(
            "Missing required parameter: code_verifier",
        )),
        (Some(challenge), Some(verifier)) => {
            if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge {
                Ok(())
            } else {
                Err(ApiError::invalid_grant(
                    "The code_verifier does not match the code_challenge.",
                ))
            }
        }
        (None, Some(_)) => Err(ApiError::Coded {
            status: axum::http::StatusCode::BAD_REQUEST,
            code: "code_challenge_not_found",
            message: "A code_verifier was sent for a code issued without a code_challenge.".into(),
        }),
        (None, None) => Err(ApiError::invalid_client(
            "This code was issued without PKCE; public clients must use a code_challenge.",
        )),
    }
}

fn new_session(code: &CodeRecord, now_ms: i64, lifetime: i64) -> Session {
    let now = now_ms.div_euclid(1000);
    let grant = &code.grant;
    let lifetime = if grant.impersonator.is_some() {
        lifetime.min(IMPERSONATION_SESSION_SECS)
    } else {
        lifetime
    };
    Session {
        id: ids::prefixed("session", now_ms as u64),
        user_id: grant.user_id.clone(),
        client_id: grant.client_id.clone(),
        organization_id: grant.organization_id.clone(),
        authentication_method: grant.authentication_method.clone(),
        impersonator: grant.impersonator.clone(),
        auth_time: code.created_at,
        created_at: now_ms,
        expires_at: now + lifetime,
        last_active_at: now,
        ended_at: None,
        ended_reason: None,
    }
}
