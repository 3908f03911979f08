//! Impersonation: started through the control API (`POST /_emulator/impersonate`), which
//! checks everything and keeps the request under an unguessable ticket; the link it returns
//! hands the ticket to one browser; the next authorize for that client from that browser
//! redeems it.

use serde::Deserialize;

use super::{World, IMPERSONATION_TTL_SECS};
use crate::error::ApiError;
use crate::ids;
use crate::model::{CodeGrant, Impersonator, PendingImpersonation};
use crate::store::StoreError;

/// `POST /_emulator/impersonate`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpersonationRequest {
    /// Client.
    pub client_id: String,
    /// The impersonated user's email.
    pub email: String,
    /// The impersonator's email (`act.sub`).
    pub impersonator: String,
    /// Reason shown to the app.
    #[serde(default)]
    pub reason: Option<String>,
    /// Organization to land in (the user must be a member); default: the first membership.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// A registered app origin whose sign-in endpoint path the link opens.
    #[serde(default)]
    pub app_origin: Option<String>,
}

/// What authorize does with the impersonation cookie it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImpersonationStep {
    /// No live impersonation for this client: the normal hosted page.
    NotPending,
    /// The code for the impersonation (the ticket is used up).
    Code(String),
    /// The authorize request names an organization the user is not a member of; the ticket
    /// stays usable.
    NotAMember,
}

impl World {
    /// Check and keep an impersonation; returns its ticket and when it expires (epoch s).
    pub fn start_impersonation(
        &mut self,
        req: ImpersonationRequest,
        now: i64,
    ) -> Result<(String, i64), ApiError> {
        let Some(client) = self.client(&req.client_id) else {
            return Err(ApiError::bad_control(
                "invalid_client",
                format!("Unknown client_id `{}`.", req.client_id),
            ));
        };
        if client.sign_in_endpoint.is_none() {
            return Err(ApiError::bad_control(
                "sign_in_endpoint_not_configured",
                "The client has no sign_in_endpoint, so there is nowhere to start the sign-in.",
            ));
        }
        if let Some(origin) = &req.app_origin {
            if !client.knows_app_origin(origin) {
                return Err(ApiError::bad_control(
                    "invalid_app_origin",
                    format!("app_origin `{origin}` is not a registered origin of the client."),
                ));
            }
        }
        if !req.impersonator.contains('@') {
            return Err(ApiError::bad_control(
                "invalid_impersonator",
                "impersonator must be the impersonating admin's email.",
            ));
        }
        let Some(user_id) = self.user_by_email(&req.email).map(|u| u.id.clone()) else {
            return Err(ApiError::bad_control(
                "user_not_found",
                "No user with that email.",
            ));
        };
        if let Some(org) = &req.organization_id {
            if self.membership(&user_id, org).is_none() {
                return Err(ApiError::bad_control(
                    "organization_membership_not_found",
                    "The user is not a member of that organization.",
                ));
            }
        }
        let ticket = ids::secret(24);
        self.impersonations.insert(
            ticket.clone(),
            PendingImpersonation {
                client_id: req.client_id,
                user_id,
                organization_id: req.organization_id,
                impersonator: Impersonator {
                    email: req.impersonator,
                    reason: req.reason.filter(|r| !r.is_empty()),
                },
                app_origin: req.app_origin,
                created_at: now,
            },
        );
        Ok((ticket, now + IMPERSONATION_TTL_SECS))
    }

    /// The live impersonation under `ticket`.
    pub fn impersonation(&self, ticket: &str, now: i64) -> Option<&PendingImpersonation> {
        self.impersonations.get(ticket).filter(|i| i.is_live(now))
    }

    /// Redeem the impersonation under `ticket` for an authorize of `client_id`: check the
    /// requested organization's membership, issue the code, use the ticket up.
    pub fn take_impersonation(
        &mut self,
        ticket: &str,
        grant: CodeGrant,
        now_ms: i64,
    ) -> Result<ImpersonationStep, StoreError> {
        let Some(imp) = self
            .impersonation(ticket, now_ms.div_euclid(1000))
            .filter(|i| i.client_id == grant.client_id)
            .cloned()
        else {
            return Ok(ImpersonationStep::NotPending);
        };
        let organization_id = match &grant.organization_id {
            Some(org) if self.membership(&imp.user_id, org).is_none() => {
                return Ok(ImpersonationStep::NotAMember)
            }
            Some(org) => Some(org.clone()),
            None => imp.organization_id.clone().or_else(|| {
                self.memberships_of(&imp.user_id)
                    .first()
                    .map(|m| m.organization_id.clone())
            }),
        };
        let code = self.issue_code(
            CodeGrant {
                user_id: imp.user_id.clone(),
                organization_id,
                authentication_method: "Impersonation".into(),
                impersonator: Some(imp.impersonator.clone()),
                ..grant
            },
            now_ms,
        )?;
        self.impersonations.remove(ticket);
        Ok(ImpersonationStep::Code(code))
    }
}
