//! Minting authorization codes and sessions, shared by the hosted pages, impersonation,
//! `/_emulator/codes` and the code grant.

use crate::ids;
use crate::model::{CodeRecord, Impersonator, Session};
use crate::state::{AppState, World};

/// What a code will grant.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    /// Client.
    pub client_id: String,
    /// Redirect URI the code is delivered to.
    pub redirect_uri: String,
    /// S256 challenge.
    pub code_challenge: Option<String>,
    /// User.
    pub user_id: String,
    /// Organization.
    pub organization_id: Option<String>,
    /// Authentication method.
    pub authentication_method: String,
    /// Impersonator.
    pub impersonator: Option<Impersonator>,
}

/// Store a new single-use code; also records the user's sign-in time.
pub fn issue_code(state: &AppState, g: CodeGrant) -> String {
    let code = ids::secret(32);
    let now_ms = state.clock.now_ms();
    let mut w = state.world();
    if let Some(mut u) = w.users.get(&g.user_id).cloned() {
        u.last_sign_in_at = Some(now_ms);
        u.updated_at = now_ms;
        w.save_user(u);
    }
    w.codes.insert(
        code.clone(),
        CodeRecord {
            client_id: g.client_id,
            redirect_uri: g.redirect_uri,
            code_challenge: g.code_challenge,
            user_id: g.user_id,
            organization_id: g.organization_id,
            authentication_method: g.authentication_method,
            impersonator: g.impersonator,
            created_at: now_ms / 1000,
        },
    );
    code
}

/// Create a session for a redeemed code.
pub fn create_session(w: &mut World, code: &CodeRecord, now_ms: i64, lifetime: i64) -> Session {
    let now = now_ms / 1000;
    let lifetime = if code.impersonator.is_some() {
        lifetime.min(3600)
    } else {
        lifetime
    };
    let session = Session {
        id: ids::prefixed("session", now_ms as u64),
        user_id: code.user_id.clone(),
        client_id: code.client_id.clone(),
        organization_id: code.organization_id.clone(),
        authentication_method: code.authentication_method.clone(),
        impersonator: code.impersonator.clone(),
        auth_time: code.created_at,
        created_at: now_ms,
        expires_at: now + lifetime,
        last_active_at: now,
        ended_at: None,
        ended_reason: None,
    };
    w.save_session(session.clone());
    session
}
