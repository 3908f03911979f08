//! The hosted pages' requests, kept server-side under an unguessable `rid`: started by
//! authorize, finished once. A finished request remembers where it sent the browser, so a
//! double-submitted form gets the same answer (and the same code) instead of a second code.
//!
//! Whoever proves who they are (password, Magic Auth code, Google, a password reset) goes
//! through the same steps: email verification (a password sign-in of an unverified address,
//! when `email_verification` is on), the authenticator-app code (a password sign-in of a user
//! with a TOTP factor), the invitation being accepted, the organization, and the code.

use super::accounts::{NewUser, SignUpRefusal};
use super::email_codes::CodeError;
use super::{Changes, World};
use crate::ids;
use crate::mailbox::EmailKind;
use crate::model::{CodeGrant, EmailChallenge, Membership, PendingAuth, Stage};
use crate::query::with_query;
use crate::store::StoreError;

/// A hosted page to continue on (`/hosted/{path}?rid=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextPage {
    /// Back to the sign-in page (with the request's notice).
    SignIn,
    /// The email-verification code.
    VerifyEmail,
    /// The Magic Auth code.
    MagicCode,
    /// The authenticator-app code.
    Totp,
    /// The new password of a reset.
    NewPassword,
}

impl NextPage {
    /// The page's path segment.
    pub fn path(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::VerifyEmail => "verify-email",
            Self::MagicCode => "magic-code",
            Self::Totp => "mfa",
            Self::NewPassword => "new-password",
        }
    }
}

/// What the hosted page does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Send the browser here: the app's redirect URI with a code, or with an error.
    Redirect(String),
    /// Show the organization picker: (id, name) of each membership.
    Picker {
        /// The choices.
        orgs: Vec<(String, String)>,
        /// The previous choice was not one of them.
        invalid_choice: bool,
    },
    /// Continue on another page of the same request.
    Next(NextPage),
    /// The code was not accepted: the same page again, with this reason beside the field.
    Retry(CodeError),
    /// The request is gone (expired, or never existed).
    Expired,
}

impl World {
    /// Keep an authorize request for the hosted page under `rid`.
    pub fn start_sign_in(&mut self, rid: String, pending: PendingAuth) {
        self.pending.insert(rid, pending);
    }

    /// The live, unfinished request under `rid`.
    pub fn sign_in_page(&self, rid: &str, now: i64) -> Option<&PendingAuth> {
        self.pending
            .get(rid)
            .filter(|p| p.is_live(now) && p.finished.is_none())
    }

    /// The live, unfinished request under `rid`, to change.
    pub(super) fn live_mut(&mut self, rid: &str, now: i64) -> Option<&mut PendingAuth> {
        self.pending
            .get_mut(rid)
            .filter(|p| p.is_live(now) && p.finished.is_none())
    }

    /// A finished request's redirect (the answer to a double submit).
    pub fn finished_sign_in(&self, rid: &str, now: i64) -> Option<SignInStep> {
        let p = self.pending.get(rid).filter(|p| p.is_live(now))?;
        p.finished.clone().map(SignInStep::Redirect)
    }

    /// The live, unfinished request under `rid` for a step to continue, or the step's answer
    /// without one: a finished request's redirect again (a double submit), else
    /// [`SignInStep::Expired`].
    pub fn ongoing_sign_in(&self, rid: &str, now: i64) -> Result<&PendingAuth, SignInStep> {
        if let Some(done) = self.finished_sign_in(rid, now) {
            return Err(done);
        }
        self.sign_in_page(rid, now).ok_or(SignInStep::Expired)
    }

    /// [`World::ongoing_sign_in`], to change.
    pub(super) fn ongoing_sign_in_mut(
        &mut self,
        rid: &str,
        now: i64,
    ) -> Result<&mut PendingAuth, SignInStep> {
        if let Some(done) = self.finished_sign_in(rid, now) {
            return Err(done);
        }
        self.live_mut(rid, now).ok_or(SignInStep::Expired)
    }

    /// Remember where the request ended.
    fn finish(&mut self, rid: &str, location: String) -> SignInStep {
        if let Some(p) = self.pending.get_mut(rid) {
            p.finished = Some(location.clone());
        }
        SignInStep::Redirect(location)
    }

    /// Back to the first page with `notice` (a code that can no longer be used, an invitation
    /// that went away): nobody is identified any more.
    pub(super) fn restart(&mut self, rid: &str, notice: String) -> SignInStep {
        if let Some(p) = self.pending.get_mut(rid) {
            p.stage = Stage::Start;
            p.notice = Some(notice);
        }
        SignInStep::Next(NextPage::SignIn)
    }

    /// The user cancelled: back to the app with `access_denied`.
    pub fn cancel_sign_in(&mut self, rid: &str, now: i64) -> SignInStep {
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p,
            Err(answer) => return answer,
        };
        let location = error_location(p, "access_denied", "The user cancelled the sign-in.");
        self.finish(rid, location)
    }

    /// A good password (on the sign-in page, or the stand-in page of a direct provider):
    /// verification, authenticator app, organization.
    pub fn password_signed_in(
        &mut self,
        rid: &str,
        user_id: &str,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p,
            Err(answer) => return Ok(answer),
        };
        // The stand-in of a direct provider or SSO: that provider vouches for the address.
        let proven = p.authentication_method != "Password";
        self.identified(rid, user_id, None, proven, now_ms)
    }

    /// `user_id` proved who they are, with `method` (`None`: the request's own). `proven`: the
    /// address was proven too (an emailed code or link, Google, an invitation).
    pub(super) fn identified(
        &mut self,
        rid: &str,
        user_id: &str,
        method: Option<&str>,
        proven: bool,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let Some(p) = self.live_mut(rid, now) else {
            return Ok(SignInStep::Expired);
        };
        if let Some(m) = method {
            p.authentication_method = m.to_string();
        }
        let by_invitation = p.invitation.is_some();
        let client_id = p.client_id.clone();
        let Some(user) = self.users.get(user_id).cloned() else {
            return Ok(SignInStep::Expired);
        };
        if !user.email_verified {
            if proven || by_invitation {
                self.mark_verified(user_id, now_ms)?;
            } else if self.settings.email_verification {
                let challenge = EmailChallenge {
                    email: user.email.clone(),
                    code: ids::digits(6),
                    expires_at: now + super::EMAIL_CODE_TTL_SECS,
                    attempts: 0,
                };
                self.send_code(EmailKind::EmailVerification, &challenge, &client_id, now_ms);
                if let Some(p) = self.pending.get_mut(rid) {
                    p.stage = Stage::VerifyEmail {
                        user_id: user_id.to_string(),
                        challenge,
                    };
                }
                return Ok(SignInStep::Next(NextPage::VerifyEmail));
            }
        }
        self.after_email(rid, user_id, now_ms)
    }

    /// The address is settled: a password sign-in of a user with a TOTP factor asks for its
    /// code, anything else goes on.
    pub(super) fn after_email(
        &mut self,
        rid: &str,
        user_id: &str,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let has_factor = self.users.get(user_id).is_some_and(|u| u.totp.is_some());
        let Some(p) = self.live_mut(rid, now) else {
            return Ok(SignInStep::Expired);
        };
        if has_factor && p.authentication_method == "Password" {
            p.stage = Stage::Totp {
                user_id: user_id.to_string(),
                attempts: 0,
            };
            return Ok(SignInStep::Next(NextPage::Totp));
        }
        self.finish_sign_in(rid, user_id, now_ms)
    }

    /// The user is fully authenticated: accept the request's invitation, then issue the code
    /// for the requested, invited or only organization, or ask which organization.
    pub fn finish_sign_in(
        &mut self,
        rid: &str,
        user_id: &str,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p.clone(),
            Err(answer) => return Ok(answer),
        };
        let Some(user) = self.users.get(user_id).cloned() else {
            return Ok(SignInStep::Expired);
        };
        let mut orgs: Vec<String> = self
            .memberships_of(user_id)
            .iter()
            .map(|m| m.organization_id.clone())
            .collect();
        let mut accepted = Changes::default();
        let mut invited_org = None;
        if let Some(inv_id) = &p.invitation {
            let usable = self
                .invitations
                .get(inv_id)
                .filter(|i| i.state(now) == "pending" && i.email.eq_ignore_ascii_case(&user.email))
                .cloned();
            let Some(mut inv) = usable else {
                if let Some(p) = self.pending.get_mut(rid) {
                    p.invitation = None;
                }
                return Ok(self.restart(
                    rid,
                    "The invitation can no longer be used (it was revoked, expired or already \
                     accepted). Sign in to continue without it."
                        .into(),
                ));
            };
            if !orgs.contains(&inv.organization_id) {
                accepted.memberships.push(Membership {
                    id: ids::prefixed("om", now_ms as u64),
                    user_id: user_id.to_string(),
                    organization_id: inv.organization_id.clone(),
                    role: inv.role.clone(),
                    roles: vec![inv.role.clone()],
                    permissions: Vec::new(),
                });
                orgs.push(inv.organization_id.clone());
            }
            invited_org = Some(inv.organization_id.clone());
            inv.accepted_at = Some(now_ms);
            inv.accepted_user_id = Some(user_id.to_string());
            inv.updated_at = now_ms;
            accepted.invitations.push(inv);
        }
        match (p.organization_id.clone().or(invited_org), orgs.len()) {
            (Some(requested), _) if orgs.contains(&requested) => {
                self.complete(rid, &p, user_id, Some(requested), accepted, now_ms)
            }
            (Some(_), _) => {
                let location = error_location(
                    &p,
                    "organization_invalid",
                    "The user is not a member of the requested organization.",
                );
                Ok(self.finish(rid, location))
            }
            (None, 0) => self.complete(rid, &p, user_id, None, accepted, now_ms),
            (None, 1) => self.complete(rid, &p, user_id, orgs.first().cloned(), accepted, now_ms),
            (None, _) => {
                if let Some(pending) = self.pending.get_mut(rid) {
                    pending.stage = Stage::Organization {
                        user_id: user_id.to_string(),
                    };
                }
                Ok(SignInStep::Picker {
                    orgs: self.picker_choices(user_id),
                    invalid_choice: false,
                })
            }
        }
    }

    /// The organization picked on the picker page.
    pub fn choose_organization(
        &mut self,
        rid: &str,
        org_id: &str,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p.clone(),
            Err(answer) => return Ok(answer),
        };
        let Stage::Organization { user_id } = &p.stage else {
            return Ok(SignInStep::Expired);
        };
        if self.membership(user_id, org_id).is_none() {
            return Ok(SignInStep::Picker {
                orgs: self.picker_choices(user_id),
                invalid_choice: true,
            });
        }
        self.complete(
            rid,
            &p,
            user_id,
            Some(org_id.to_string()),
            Changes::default(),
            now_ms,
        )
    }

    /// Create the account and go on as a password sign-in, in one step: a double-submitted
    /// sign-up form makes one user and one code. With an invitation, only its address.
    pub fn sign_up_and_finish(
        &mut self,
        rid: &str,
        mut new: NewUser,
        now_ms: i64,
    ) -> Result<SignInStep, SignUpRefusal> {
        let now = now_ms.div_euclid(1000);
        let p = match self.ongoing_sign_in(rid, now) {
            Ok(p) => p,
            Err(answer) => return Ok(answer),
        };
        if let Some(email) = self.invited_email(p) {
            new.email = email;
        }
        let user = self.sign_up(new, now_ms)?;
        Ok(self.identified(rid, &user.id, None, false, now_ms)?)
    }

    /// The address of the request's invitation, which the pages use instead of the typed one.
    pub fn invited_email(&self, p: &PendingAuth) -> Option<String> {
        let id = p.invitation.as_ref()?;
        self.invitations.get(id).map(|i| i.email.clone())
    }

    /// (id, name) of a user's organizations.
    pub fn picker_choices(&self, user_id: &str) -> Vec<(String, String)> {
        self.memberships_of(user_id)
            .iter()
            .map(|m| {
                let name = self
                    .orgs
                    .get(&m.organization_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| m.organization_id.clone());
                (m.organization_id.clone(), name)
            })
            .collect()
    }

    fn complete(
        &mut self,
        rid: &str,
        p: &PendingAuth,
        user_id: &str,
        organization_id: Option<String>,
        accepted: Changes,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let code = self.issue_code_with(
            CodeGrant {
                client_id: p.client_id.clone(),
                redirect_uri: p.redirect_uri.clone(),
                code_challenge: p.code_challenge.clone(),
                user_id: user_id.to_string(),
                organization_id,
                authentication_method: self
                    .pending
                    .get(rid)
                    .map(|q| q.authentication_method.clone())
                    .unwrap_or_else(|| p.authentication_method.clone()),
                impersonator: None,
            },
            accepted,
            now_ms,
        )?;
        let location = with_query(
            &p.redirect_uri,
            &[("code", Some(&code)), ("state", p.state.as_deref())],
        );
        Ok(self.finish(rid, location))
    }
}

/// Where a request that ends in an OAuth `error` sends the browser: the app's redirect URI
/// with the error, its `description` and the app's `state`.
fn error_location(p: &PendingAuth, error: &str, description: &str) -> String {
    with_query(
        &p.redirect_uri,
        &[
            ("error", Some(error)),
            ("error_description", Some(description)),
            ("state", p.state.as_deref()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::world;
    use super::*;

    fn pending(now: i64) -> PendingAuth {
        PendingAuth {
            client_id: "client_demo".into(),
            redirect_uri: "http://localhost:5173/account".into(),
            state: Some("s".into()),
            code_challenge: Some("c".into()),
            organization_id: None,
            login_hint: None,
            authentication_method: "Password".into(),
            authkit: true,
            invitation: None,
            notice: None,
            stage: Stage::Start,
            finished: None,
            created_at: now,
        }
    }

    #[test]
    fn finishing_twice_gives_the_same_redirect_and_one_code() {
        let mut w = world();
        let now_ms = 1_700_000_000_000;
        w.start_sign_in("rid".into(), pending(now_ms / 1000));
        let solo = w.user_by_email("solo@example.com").unwrap().id.clone();
        let first = w.finish_sign_in("rid", &solo, now_ms).unwrap();
        let second = w.finish_sign_in("rid", &solo, now_ms).unwrap();
        assert!(matches!(&first, SignInStep::Redirect(l) if l.contains("code=")));
        assert_eq!(first, second);
        assert_eq!(w.codes.len(), 1);
        assert!(
            w.sign_in_page("rid", now_ms / 1000).is_none(),
            "no longer a page"
        );
    }
}
