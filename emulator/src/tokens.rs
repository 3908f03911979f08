//! Access-token claims and the `/user_management/authenticate` success body (reference §3.3, §5).

use serde_json::{json, Map, Value};

use crate::ids;
use crate::model::{Session, User};
use crate::world::World;

/// Inputs for minting one access token.
#[derive(Debug, Clone, Copy)]
pub struct MintContext<'a> {
    /// `{base}/user_management/{client_id}` is the `iss`.
    pub issuer_base: &'a str,
    /// Now, epoch s.
    pub now: i64,
    /// Lifetime, s.
    pub ttl: i64,
    /// Optional `aud`.
    pub audience: Option<&'a str>,
}

/// The claims of an access token for `session` (organization claims from the session's
/// current organization, re-evaluated at every mint).
pub fn access_claims(world: &World, session: &Session, ctx: MintContext<'_>) -> Value {
    let mut c = Map::new();
    c.insert(
        "iss".into(),
        json!(format!(
            "{}/user_management/{}",
            ctx.issuer_base, session.client_id
        )),
    );
    c.insert("sub".into(), json!(session.user_id));
    c.insert("sid".into(), json!(session.id));
    c.insert("jti".into(), json!(ids::ulid((ctx.now * 1000) as u64)));
    c.insert("iat".into(), json!(ctx.now));
    c.insert("exp".into(), json!(ctx.now + ctx.ttl));
    c.insert("client_id".into(), json!(session.client_id));
    c.insert("auth_time".into(), json!(session.auth_time));
    if let Some(aud) = ctx.audience {
        c.insert("aud".into(), json!(aud));
    }
    if let Some(org_id) = &session.organization_id {
        c.insert("org_id".into(), json!(org_id));
        if let Some(m) = world.membership(&session.user_id, org_id) {
            c.insert("role".into(), json!(m.role));
            c.insert("roles".into(), json!(m.roles));
            c.insert("permissions".into(), json!(m.permissions));
        }
        if let Some(org) = world.organization(org_id) {
            if !org.entitlements.is_empty() {
                c.insert("entitlements".into(), json!(org.entitlements));
            }
            if !org.feature_flags.is_empty() {
                c.insert("feature_flags".into(), json!(org.feature_flags));
            }
        }
    }
    if let Some(imp) = &session.impersonator {
        c.insert("act".into(), json!({ "sub": imp.email }));
    }
    Value::Object(c)
}

/// The success body: `user`, `access_token`, `refresh_token`, `authentication_method`,
/// `organization_id` only when set, `impersonator` only when impersonating; no `expires_in`.
pub fn auth_body(user: &User, session: &Session, access_token: &str, refresh_token: &str) -> Value {
    let mut body = Map::new();
    body.insert("user".into(), user.to_json());
    if let Some(org) = &session.organization_id {
        body.insert("organization_id".into(), json!(org));
    }
    body.insert("access_token".into(), json!(access_token));
    body.insert("refresh_token".into(), json!(refresh_token));
    body.insert(
        "authentication_method".into(),
        json!(session.authentication_method),
    );
    if let Some(imp) = &session.impersonator {
        body.insert(
            "impersonator".into(),
            json!({ "email": imp.email, "reason": imp.reason }),
        );
    }
    Value::Object(body)
}
