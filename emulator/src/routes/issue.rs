//! Minting authorization codes and sessions, shared by the hosted pages, impersonation,
//! `/_emulator/codes` and the code grant.

use crate::ids;
pub use crate::model::CodeGrant;
use crate::model::{CodeRecord, Session};
use crate::state::{AppState, World};

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
            grant: g,
            created_at: now_ms / 1000,
        },
    );
    code
}

/// Create a session for a redeemed code.
pub fn create_session(w: &mut World, code: &CodeRecord, now_ms: i64, lifetime: i64) -> Session {
    let now = now_ms / 1000;
    let grant = &code.grant;
    let lifetime = if grant.impersonator.is_some() {
        lifetime.min(3600)
    } else {
        lifetime
    };
    let session = Session {
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
    };
    w.save_session(session.clone());
    session
}
