//! The records the emulator keeps: users (with their TOTP factor), organizations, memberships,
//! invitations, sessions, refresh tokens, authorization codes, pending hosted-page requests and
//! password resets.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::clock::rfc3339_ms;

/// A user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct User {
    /// `user_…`.
    pub id: String,
    /// Email (unique, case-insensitive).
    pub email: String,
    /// Whether the email is verified.
    pub email_verified: bool,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Argon2 PHC string; never the password.
    pub password_hash: Option<String>,
    /// Avatar URL.
    pub profile_picture_url: Option<String>,
    /// External id.
    pub external_id: Option<String>,
    /// Last sign-in, epoch ms.
    pub last_sign_in_at: Option<i64>,
    /// Creation, epoch ms.
    pub created_at: i64,
    /// Last update, epoch ms.
    pub updated_at: i64,
    /// An enrolled authenticator-app factor: a password sign-in then asks for its code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<TotpFactor>,
}

/// An authenticator-app (TOTP) factor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TotpFactor {
    /// `auth_factor_…`.
    pub id: String,
    /// The shared secret, base32 (the server must compute codes, so it is kept usable).
    pub secret: String,
    /// Enrolled, epoch ms.
    pub created_at: i64,
}

impl User {
    /// The WorkOS `user` object (§3.3): every required key present, `null` where empty.
    pub fn to_json(&self) -> Value {
        let name = match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(f), None) => Some(f.clone()),
            (None, Some(l)) => Some(l.clone()),
            (None, None) => None,
        };
        json!({
            "object": "user",
            "id": self.id,
            "email": self.email,
            "email_verified": self.email_verified,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "name": name,
            "profile_picture_url": self.profile_picture_url,
            "external_id": self.external_id,
            "metadata": {},
            "locale": null,
            "last_sign_in_at": self.last_sign_in_at.map(rfc3339_ms),
            "created_at": rfc3339_ms(self.created_at),
            "updated_at": rfc3339_ms(self.updated_at),
        })
    }
}

/// An organization.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Organization {
    /// `org_…`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Feature flags.
    pub feature_flags: Vec<String>,
    /// Entitlements.
    pub entitlements: Vec<String>,
    /// Policy that blocks switching into this organization by refresh: `sso` or `mfa`.
    #[serde(default)]
    pub requires: Option<OrgPolicy>,
}

/// An organization policy that a token refresh cannot satisfy (the hosted page can).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum OrgPolicy {
    /// Switching in answers `sso_required`.
    Sso,
    /// Switching in answers `mfa_enrollment`.
    Mfa,
}

/// A user's membership in an organization.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Membership {
    /// `om_…`.
    pub id: String,
    /// User id.
    pub user_id: String,
    /// Organization id.
    pub organization_id: String,
    /// Role slug.
    pub role: String,
    /// All role slugs.
    pub roles: Vec<String>,
    /// Permission slugs.
    pub permissions: Vec<String>,
}

/// Who is impersonating.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Impersonator {
    /// Impersonator email (also `act.sub`).
    pub email: String,
    /// Reason, may be null.
    pub reason: Option<String>,
}

/// A session (`sid`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Session {
    /// `session_…`.
    pub id: String,
    /// User id.
    pub user_id: String,
    /// Client the session belongs to.
    pub client_id: String,
    /// Most recently used organization.
    pub organization_id: Option<String>,
    /// `Password`, `Impersonation`, ….
    pub authentication_method: String,
    /// Set for impersonation sessions.
    pub impersonator: Option<Impersonator>,
    /// Last active authentication, epoch s (claim `auth_time`).
    pub auth_time: i64,
    /// Creation, epoch ms.
    pub created_at: i64,
    /// Hard expiry, epoch s.
    pub expires_at: i64,
    /// Last refresh or sign-in, epoch s (for the inactivity timeout).
    pub last_active_at: i64,
    /// When it ended (logout, revoke), epoch ms.
    pub ended_at: Option<i64>,
    /// Why it ended.
    pub ended_reason: Option<String>,
}

impl Session {
    /// Whether the session can still be refreshed at `now` (epoch s).
    pub fn is_live(&self, now: i64, inactivity: Option<i64>) -> bool {
        self.ended_at.is_none()
            && now < self.expires_at
            && inactivity.is_none_or(|t| now < self.last_active_at + t)
    }
}

/// A refresh token, stored by the SHA-256 of the token (never the token itself).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RefreshRecord {
    /// Hex SHA-256 of the token.
    pub hash: String,
    /// Session.
    pub session_id: String,
    /// Client it was issued to.
    pub client_id: String,
    /// Issued, epoch s.
    pub created_at: i64,
    /// Rotated away, epoch s.
    pub exchanged_at: Option<i64>,
    /// After a rotation inside a grace window: the successor token, sealed so that only the
    /// holder of this token can open it ([`crate::successor`]). Swept when the window ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

/// What an authorization code grants: filled in by the hosted pages, impersonation and
/// `/_emulator/codes`, checked and redeemed by the code grant.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    /// Client.
    pub client_id: String,
    /// Redirect URI the code is delivered to.
    pub redirect_uri: String,
    /// S256 challenge, if any.
    pub code_challenge: Option<String>,
    /// User.
    pub user_id: String,
    /// Organization selected at sign-in.
    pub organization_id: Option<String>,
    /// Authentication method.
    pub authentication_method: String,
    /// Set for impersonation.
    pub impersonator: Option<Impersonator>,
}

/// An issued authorization code (memory only).
#[derive(Debug, Clone)]
pub struct CodeRecord {
    /// What it grants.
    pub grant: CodeGrant,
    /// Issued, epoch s.
    pub created_at: i64,
}

/// An authorize request waiting on the hosted pages (memory only, keyed by `rid`).
#[derive(Debug, Clone, PartialEq)]
pub struct PendingAuth {
    /// Client.
    pub client_id: String,
    /// Validated redirect URI.
    pub redirect_uri: String,
    /// Opaque state, echoed byte-for-byte.
    pub state: Option<String>,
    /// S256 challenge.
    pub code_challenge: Option<String>,
    /// Requested organization.
    pub organization_id: Option<String>,
    /// Pre-filled email.
    pub login_hint: Option<String>,
    /// `Password` for provider=authkit, else the provider name / `SSO`; replaced by the method
    /// the user actually proved themselves with (`MagicAuth`, `GoogleOAuth`).
    pub authentication_method: String,
    /// Whether the request is AuthKit's own pages (`provider=authkit`) rather than a direct
    /// provider or SSO selector.
    pub authkit: bool,
    /// A pending invitation being accepted (its id).
    pub invitation: Option<String>,
    /// A message for the first page (an invitation that could not be used).
    pub notice: Option<String>,
    /// Where the request stands.
    pub stage: Stage,
    /// Once finished: where the browser was sent (it carries the code), kept so that a
    /// double-submitted form gets the same answer instead of a second code.
    pub finished: Option<String>,
    /// Created, epoch s.
    pub created_at: i64,
}

impl PendingAuth {
    /// Whether the page is still usable at `now` (epoch s).
    pub fn is_live(&self, now: i64) -> bool {
        now <= self.created_at + crate::world::PENDING_TTL_SECS && now >= self.created_at - 60
    }
}

/// Where a hosted-page request stands: who has been identified, and what is still asked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Stage {
    /// Nobody has proved who they are yet (sign-in, sign-up, Google, forgot-password pages).
    #[default]
    Start,
    /// A Magic Auth code was emailed; the code page waits for it.
    MagicCode(EmailChallenge),
    /// A password sign-in or sign-up of an unverified email: a verification code was emailed.
    VerifyEmail {
        /// The user.
        user_id: String,
        /// The code sent.
        challenge: EmailChallenge,
    },
    /// A password sign-in of a user with an authenticator-app factor: its code is asked.
    Totp {
        /// The user.
        user_id: String,
        /// Wrong codes so far.
        attempts: u32,
    },
    /// The user is known and has several organizations: the picker.
    Organization {
        /// The user.
        user_id: String,
    },
    /// A password reset link led here: the new-password page.
    NewPassword {
        /// The user.
        user_id: String,
        /// The reset (digest of its token).
        reset: String,
    },
}

/// A one-time code sent by email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailChallenge {
    /// The address it went to.
    pub email: String,
    /// The 6 digits.
    pub code: String,
    /// Expiry, epoch s.
    pub expires_at: i64,
    /// Wrong codes so far.
    pub attempts: u32,
}

/// A password reset requested on the forgot-password page (memory only, keyed by the SHA-256
/// of the token that the emailed link carries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    /// The user.
    pub user_id: String,
    /// The client whose sign-in endpoint the link goes through.
    pub client_id: String,
    /// Created, epoch s.
    pub created_at: i64,
}

impl PasswordReset {
    /// Whether the link still works at `now` (epoch s).
    pub fn is_live(&self, now: i64) -> bool {
        now <= self.created_at + crate::world::RESET_TTL_SECS && now >= self.created_at - 60
    }
}

/// An invitation to join an organization (persisted).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Invitation {
    /// `invitation_…`.
    pub id: String,
    /// The invited address.
    pub email: String,
    /// The organization to join.
    pub organization_id: String,
    /// Role slug of the membership it creates.
    pub role: String,
    /// The token (`invitation_token` on authorize). WorkOS's API returns it too.
    pub token: String,
    /// The link emailed to the invitee.
    pub accept_invitation_url: String,
    /// Accepted by this user.
    pub accepted_user_id: Option<String>,
    /// Accepted, epoch ms.
    pub accepted_at: Option<i64>,
    /// Revoked, epoch ms.
    pub revoked_at: Option<i64>,
    /// Expiry, epoch s.
    pub expires_at: i64,
    /// Created, epoch ms.
    pub created_at: i64,
    /// Last change, epoch ms.
    pub updated_at: i64,
}

impl Invitation {
    /// `pending`, `accepted`, `revoked` or `expired` at `now` (epoch s).
    pub fn state(&self, now: i64) -> &'static str {
        match (self.accepted_at, self.revoked_at) {
            (Some(_), _) => "accepted",
            (None, Some(_)) => "revoked",
            (None, None) if now > self.expires_at => "expired",
            (None, None) => "pending",
        }
    }

    /// The WorkOS `invitation` object (plus `role_slug`).
    pub fn to_json(&self, now: i64) -> Value {
        json!({
            "object": "invitation",
            "id": self.id,
            "email": self.email,
            "state": self.state(now),
            "accepted_at": self.accepted_at.map(rfc3339_ms),
            "revoked_at": self.revoked_at.map(rfc3339_ms),
            "expires_at": rfc3339_ms(self.expires_at.saturating_mul(1000)),
            "token": self.token,
            "accept_invitation_url": self.accept_invitation_url,
            "organization_id": self.organization_id,
            "inviter_user_id": null,
            "accepted_user_id": self.accepted_user_id,
            "role_slug": self.role,
            "created_at": rfc3339_ms(self.created_at),
            "updated_at": rfc3339_ms(self.updated_at),
        })
    }
}

/// A pending impersonation started through the control API (memory only).
#[derive(Debug, Clone)]
pub struct PendingImpersonation {
    /// Client.
    pub client_id: String,
    /// Impersonated user.
    pub user_id: String,
    /// Organization, if requested.
    pub organization_id: Option<String>,
    /// Impersonator.
    pub impersonator: Impersonator,
    /// App origin whose sign-in endpoint path the link sends the browser to.
    pub app_origin: Option<String>,
    /// Created, epoch s.
    pub created_at: i64,
}

impl PendingImpersonation {
    /// Whether it can still be used at `now` (epoch s).
    pub fn is_live(&self, now: i64) -> bool {
        now <= self.created_at + crate::world::IMPERSONATION_TTL_SECS && now >= self.created_at - 60
    }
}
