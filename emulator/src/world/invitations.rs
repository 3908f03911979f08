//! Invitations to organizations: created through the control API (which emails the invitee),
//! listed and revoked there; accepted by a hosted sign-in whose authorize carried the
//! `invitation_token` (see [`World::finish_sign_in`]), which creates the membership.

use serde::Deserialize;

use super::{Changes, World};
use crate::error::ApiError;
use crate::ids;
use crate::mailbox::{Email, EmailKind};
use crate::model::Invitation;

/// Days an invitation lasts by default (WorkOS's default).
pub const DEFAULT_EXPIRES_IN_DAYS: i64 = 7;
/// The accepted range of `expires_in_days` (WorkOS's).
pub const EXPIRES_IN_DAYS: std::ops::RangeInclusive<i64> = 1..=30;

/// `POST /_emulator/invitations`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// The invitee's address.
    pub email: String,
    /// The organization to join.
    pub organization_id: String,
    /// Role slug of the membership (default `member`).
    #[serde(default)]
    pub role_slug: Option<String>,
    /// Lifetime in days, 1 to 30 (default 7).
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// Why an invitation token cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvitationState {
    /// No invitation has this token.
    #[error("This invitation link is not valid.")]
    Unknown,
    /// Already accepted.
    #[error("This invitation was already accepted. Sign in instead.")]
    Accepted,
    /// Revoked by an admin.
    #[error("This invitation was revoked. Ask for a new one.")]
    Revoked,
    /// Past its expiry.
    #[error("This invitation has expired. Ask for a new one.")]
    Expired,
}

impl World {
    /// Check and store an invitation (persisted), and email its link. `base` is the emulator's
    /// URL as the caller reached it.
    pub fn create_invitation(
        &mut self,
        req: InvitationRequest,
        base: &str,
        now_ms: i64,
    ) -> Result<Invitation, ApiError> {
        let email = req.email.trim().to_string();
        if !email.contains('@') || email.len() > 320 || email.contains(char::is_whitespace) {
            return Err(ApiError::bad_control(
                "invalid_email",
                format!("`{email}` is not an email address."),
            ));
        }
        let Some(org) = self.orgs.get(&req.organization_id).cloned() else {
            return Err(ApiError::not_found(
                "organization_not_found",
                format!("No organization `{}`.", req.organization_id),
            ));
        };
        let days = req.expires_in_days.unwrap_or(DEFAULT_EXPIRES_IN_DAYS);
        if !EXPIRES_IN_DAYS.contains(&days) {
            return Err(ApiError::bad_control(
                "invalid_expires_in_days",
                format!("expires_in_days must be between 1 and 30 (got {days})."),
            ));
        }
        let role = req.role_slug.unwrap_or_else(|| "member".into());
        if role.trim().is_empty() {
            return Err(ApiError::bad_control(
                "invalid_role",
                "role_slug cannot be empty.",
            ));
        }
        let now = now_ms.div_euclid(1000);
        if let Some(user) = self.user_by_email(&email) {
            if self.membership(&user.id, &org.id).is_some() {
                return Err(ApiError::bad_control(
                    "already_a_member",
                    format!("{email} is already a member of {}.", org.name),
                ));
            }
        }
        let pending = self.invitations.values().any(|i| {
            i.organization_id == org.id
                && i.email.eq_ignore_ascii_case(&email)
                && i.state(now) == "pending"
        });
        if pending {
            return Err(ApiError::bad_control(
                "invitation_already_pending",
                format!(
                    "{email} already has a pending invitation to {}; revoke it first.",
                    org.name
                ),
            ));
        }
        let token = ids::secret(24);
        let link = format!("{base}/hosted/invite?invitation_token={token}");
        let inv = Invitation {
            id: ids::prefixed("invitation", now_ms as u64),
            email: email.clone(),
            organization_id: org.id.clone(),
            role,
            token,
            accept_invitation_url: link.clone(),
            accepted_user_id: None,
            accepted_at: None,
            revoked_at: None,
            expires_at: now + days * 86_400,
            created_at: now_ms,
            updated_at: now_ms,
        };
        self.commit(Changes {
            invitations: vec![inv.clone()],
            ..Changes::default()
        })
        .map_err(|e| ApiError::control_storage("the invitation", &e))?;
        self.deliver(Email {
            id: ids::prefixed("email", now_ms as u64),
            to: email,
            kind: EmailKind::Invitation,
            subject: format!("You have been invited to join {}", org.name),
            text: format!(
                "You have been invited to join {} in {}. Accept the invitation: {link} It \
                 expires in {days} days.",
                org.name,
                self.app_name("")
            ),
            code: None,
            link: Some(link),
            sent_at_ms: now_ms,
            expires_at: inv.expires_at,
        });
        Ok(inv)
    }

    /// An invitation by id.
    pub fn invitation(&self, id: &str) -> Option<&Invitation> {
        self.invitations.get(id)
    }

    /// Every invitation, oldest first.
    pub fn invitations(&self) -> Vec<&Invitation> {
        let mut all: Vec<&Invitation> = self.invitations.values().collect();
        all.sort_by_key(|i| i.created_at);
        all
    }

    /// Revoke a pending invitation (persisted).
    pub fn revoke_invitation(&mut self, id: &str, now_ms: i64) -> Result<Invitation, ApiError> {
        let Some(mut inv) = self.invitations.get(id).cloned() else {
            return Err(ApiError::not_found(
                "invitation_not_found",
                format!("No invitation `{id}`."),
            ));
        };
        let state = inv.state(now_ms.div_euclid(1000));
        if state != "pending" {
            return Err(ApiError::bad_control(
                "invitation_not_pending",
                format!("The invitation is {state}; only a pending one can be revoked."),
            ));
        }
        inv.revoked_at = Some(now_ms);
        inv.updated_at = now_ms;
        self.commit(Changes {
            invitations: vec![inv.clone()],
            ..Changes::default()
        })
        .map_err(|e| ApiError::control_storage("the invitation", &e))?;
        Ok(inv)
    }

    /// The pending invitation with `token`, or why it cannot be used.
    pub fn pending_invitation(
        &self,
        token: &str,
        now: i64,
    ) -> Result<&Invitation, InvitationState> {
        let inv = self
            .invitations
            .values()
            .find(|i| i.token == token)
            .ok_or(InvitationState::Unknown)?;
        match inv.state(now) {
            "pending" => Ok(inv),
            "accepted" => Err(InvitationState::Accepted),
            "revoked" => Err(InvitationState::Revoked),
            _ => Err(InvitationState::Expired),
        }
    }
}
