//! What the control API changes at runtime: memberships, organizations, clients, sessions,
//! settings, faults, rate-limit windows and the request log.

use serde::Deserialize;

use super::{Changes, World};
use crate::error::ApiError;
use crate::faults::{Fault, FaultError, FaultSpec};
use crate::model::{Membership, OrgPolicy, Organization};
use crate::pattern::UrlPattern;
use crate::reqlog::LogEntry;
use crate::seed::Client;
use crate::settings::{Settings, SettingsError, SettingsPatch};
use crate::store::StoreError;

/// `POST /_emulator/memberships`: change one membership; absent fields stay.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipChange {
    /// The user, by email or id.
    pub user: String,
    /// The organization.
    pub organization_id: String,
    /// New role slug (claim `role`); `roles` becomes `[role]` unless given too.
    #[serde(default)]
    pub role: Option<String>,
    /// New role slugs (claim `roles`).
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    /// New permission slugs (claim `permissions`).
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

/// `POST /_emulator/organizations/{id}`: change an organization; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationChange {
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Feature flags (claim `feature_flags`).
    #[serde(default)]
    pub feature_flags: Option<Vec<String>>,
    /// Entitlements (claim `entitlements`).
    #[serde(default)]
    pub entitlements: Option<Vec<String>>,
}

/// `POST /_emulator/clients/{id}`: change a client's URLs; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientChange {
    /// Allowed web origins (CORS, cookie mode).
    #[serde(default)]
    pub allowed_origins: Option<Vec<String>>,
    /// Redirect URIs.
    #[serde(default)]
    pub redirect_uris: Option<Vec<String>>,
    /// Sign-out redirects.
    #[serde(default)]
    pub sign_out_redirects: Option<Vec<String>>,
    /// Sign-in endpoint; `""` removes it.
    #[serde(default)]
    pub sign_in_endpoint: Option<String>,
}

fn nothing_to_change() -> ApiError {
    ApiError::bad_control("nothing_to_change", "The body names nothing to change.")
}

fn patterns(field: &str, raw: Option<Vec<String>>) -> Result<Option<Vec<UrlPattern>>, ApiError> {
    raw.map(|list| {
        list.iter()
            .map(|p| UrlPattern::parse(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::bad_control("invalid_pattern", format!("{field}: {e}")))
    })
    .transpose()
}

impl World {
    /// Change a membership (persisted); the next token minted for it carries the change.
    pub fn update_membership(&mut self, c: MembershipChange) -> Result<Membership, ApiError> {
        let Some(user) = self.user_by_email_or_id(&c.user) else {
            return Err(ApiError::not_found(
                "user_not_found",
                format!("No user `{}`.", c.user),
            ));
        };
        if !self.orgs.contains_key(&c.organization_id) {
            return Err(ApiError::not_found(
                "organization_not_found",
                format!("No organization `{}`.", c.organization_id),
            ));
        }
        let Some(mut m) = self.membership(&user.id, &c.organization_id).cloned() else {
            return Err(ApiError::not_found(
                "membership_not_found",
                format!("{} is not a member of {}.", user.email, c.organization_id),
            ));
        };
        if c.role.is_none() && c.roles.is_none() && c.permissions.is_none() {
            return Err(nothing_to_change());
        }
        if c.role.as_deref().is_some_and(str::is_empty) {
            return Err(ApiError::bad_control(
                "invalid_role",
                "role cannot be empty.",
            ));
        }
        if let Some(role) = c.role {
            m.roles = vec![role.clone()];
            m.role = role;
        }
        if let Some(roles) = c.roles {
            if let Some(first) = roles.first().filter(|_| !roles.contains(&m.role)) {
                m.role = first.clone();
            }
            m.roles = roles;
        }
        if let Some(permissions) = c.permissions {
            m.permissions = permissions;
        }
        self.commit(Changes {
            memberships: vec![m.clone()],
            ..Changes::default()
        })
        .map_err(|e| ApiError::control_storage("the membership", &e))?;
        Ok(m)
    }

    /// Change an organization (persisted).
    pub fn update_organization(
        &mut self,
        id: &str,
        c: OrganizationChange,
    ) -> Result<Organization, ApiError> {
        let mut org = self.organization_or_404(id)?;
        if c.name.is_none() && c.feature_flags.is_none() && c.entitlements.is_none() {
            return Err(nothing_to_change());
        }
        if let Some(name) = c.name {
            org.name = name;
        }
        if let Some(flags) = c.feature_flags {
            org.feature_flags = flags;
        }
        if let Some(entitlements) = c.entitlements {
            org.entitlements = entitlements;
        }
        self.save_org(org)
    }

    /// Set what a refresh switching into the organization fails with.
    pub fn set_policy(
        &mut self,
        id: &str,
        requires: Option<OrgPolicy>,
    ) -> Result<Organization, ApiError> {
        let mut org = self.organization_or_404(id)?;
        org.requires = requires;
        self.save_org(org)
    }

    fn organization_or_404(&self, id: &str) -> Result<Organization, ApiError> {
        self.orgs.get(id).cloned().ok_or_else(|| {
            ApiError::not_found("organization_not_found", format!("No organization `{id}`."))
        })
    }

    fn save_org(&mut self, org: Organization) -> Result<Organization, ApiError> {
        self.commit(Changes {
            orgs: vec![org.clone()],
            ..Changes::default()
        })
        .map_err(|e| ApiError::control_storage("the organization", &e))?;
        Ok(org)
    }

    /// Change a client's URLs (memory only, like settings; reset restores the seed).
    pub fn update_client(&mut self, id: &str, c: ClientChange) -> Result<Client, ApiError> {
        let Some(pos) = self.clients.iter().position(|x| x.id == id) else {
            return Err(ApiError::not_found(
                "client_not_found",
                format!("No client `{id}`."),
            ));
        };
        if c.allowed_origins.is_none()
            && c.redirect_uris.is_none()
            && c.sign_out_redirects.is_none()
            && c.sign_in_endpoint.is_none()
        {
            return Err(nothing_to_change());
        }
        let mut client = self.clients[pos].clone();
        if let Some(v) = patterns("allowed_origins", c.allowed_origins)? {
            client.allowed_origins = v;
        }
        if let Some(v) = patterns("redirect_uris", c.redirect_uris)? {
            client.redirect_uris = v;
        }
        if let Some(v) = patterns("sign_out_redirects", c.sign_out_redirects)? {
            client.sign_out_redirects = v;
        }
        match c.sign_in_endpoint.as_deref() {
            None => {}
            Some("") => client.sign_in_endpoint = None,
            Some(s) => {
                let url = url::Url::parse(s).map_err(|_| {
                    ApiError::bad_control(
                        "invalid_pattern",
                        format!("sign_in_endpoint `{s}` is not a URL."),
                    )
                })?;
                client.sign_in_endpoint = Some(url);
            }
        }
        self.clients[pos] = client.clone();
        Ok(client)
    }

    /// End a session (revoke, logout, expiry); its refresh tokens die with it. Returns whether
    /// the session exists.
    pub fn end_session(&mut self, id: &str, reason: &str, now_ms: i64) -> Result<bool, StoreError> {
        let Some(mut s) = self.sessions.get(id).cloned() else {
            return Ok(false);
        };
        if s.ended_at.is_none() {
            s.ended_at = Some(now_ms);
            s.ended_reason = Some(reason.to_string());
            self.commit(Changes {
                sessions: vec![s],
                ..Changes::default()
            })?;
        }
        Ok(true)
    }

    /// Apply a settings patch, all or nothing; rate-limit windows start over.
    pub fn update_settings(&mut self, p: SettingsPatch) -> Result<&Settings, SettingsError> {
        self.settings = self.settings.patched(p)?;
        self.rate.clear();
        Ok(&self.settings)
    }

    /// Install a fault after checking it.
    pub fn add_fault(&mut self, id: String, spec: FaultSpec) -> Result<(), FaultError> {
        spec.validate()?;
        self.faults.add(id, spec);
        Ok(())
    }

    /// The installed faults.
    pub fn faults(&self) -> &[Fault] {
        self.faults.list()
    }

    /// Remove every fault.
    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// Take one use of the first fault matching a request (see [`crate::faults::Faults::take`]).
    pub fn take_fault(
        &mut self,
        method: &str,
        path: &str,
        grant_type: Option<&str>,
    ) -> Option<Fault> {
        self.faults.take(method, path, grant_type)
    }

    /// Settle a use taken by [`World::take_fault`].
    pub fn settle_fault(&mut self, id: &str, counted: bool) {
        self.faults.settle(id, counted);
    }

    /// Count a request against the rate limit of its route (`"METHOD /path"`), if any: the
    /// `429` to answer when it is over the limit.
    pub fn check_rate(&mut self, route: &str, now: i64) -> Result<(), ApiError> {
        let Some(limit) = self.settings.rate_limits.get(route).copied() else {
            return Ok(());
        };
        let window = i64::from(limit.window_secs);
        let entry = self.rate.entry(route.to_string()).or_insert((now, 0));
        if now >= entry.0 + window || now < entry.0 {
            *entry = (now, 0);
        }
        if entry.1 < limit.limit {
            entry.1 += 1;
            return Ok(());
        }
        let retry_after = u32::try_from((entry.0 + window - now).max(1)).unwrap_or(u32::MAX);
        Err(ApiError::RateLimited {
            retry_after,
            shape: limit.body,
        })
    }

    /// Log a request.
    pub fn log_request(&mut self, entry: LogEntry) {
        self.log.push(entry);
    }

    /// The request log, oldest first.
    pub fn requests(&self) -> Vec<LogEntry> {
        self.log.entries()
    }

    /// Clear the request log.
    pub fn clear_requests(&mut self) {
        self.log.clear();
    }
}
