//! The hosted pages' requests, kept server-side under an unguessable `rid`: started by
//! authorize, finished once. A finished request remembers where it sent the browser, so a
//! double-submitted form gets the same redirect (and the same code) instead of a second code.

use super::accounts::{NewUser, SignUpRefusal};
use super::World;
use crate::model::{CodeGrant, PendingAuth};
use crate::query::with_query;
use crate::store::StoreError;

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

    /// A finished request's redirect (the answer to a double submit).
    pub fn finished_sign_in(&self, rid: &str, now: i64) -> Option<SignInStep> {
        let p = self.pending.get(rid).filter(|p| p.is_live(now))?;
        p.finished.clone().map(SignInStep::Redirect)
    }

    /// Remember where the request ended.
    fn finish(&mut self, rid: &str, location: String) -> SignInStep {
        if let Some(p) = self.pending.get_mut(rid) {
            p.finished = Some(location.clone());
        }
        SignInStep::Redirect(location)
    }

    /// The user cancelled: back to the app with `access_denied`.
    pub fn cancel_sign_in(&mut self, rid: &str, now: i64) -> SignInStep {
        if let Some(done) = self.finished_sign_in(rid, now) {
            return done;
        }
        let Some(p) = self.sign_in_page(rid, now) else {
            return SignInStep::Expired;
        };
        let location = with_query(
            &p.redirect_uri,
            &[
                ("error", Some("access_denied")),
                ("error_description", Some("The user cancelled the sign-in.")),
                ("state", p.state.as_deref()),
            ],
        );
        self.finish(rid, location)
    }

    /// The user proved who they are: issue the code for the requested or only organization,
    /// or ask which organization.
    pub fn finish_sign_in(
        &mut self,
        rid: &str,
        user_id: &str,
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let now = now_ms.div_euclid(1000);
        if let Some(done) = self.finished_sign_in(rid, now) {
            return Ok(done);
        }
        let Some(p) = self.sign_in_page(rid, now).cloned() else {
            return Ok(SignInStep::Expired);
        };
        let orgs: Vec<String> = self
            .memberships_of(user_id)
            .iter()
            .map(|m| m.organization_id.clone())
            .collect();
        match (&p.organization_id, orgs.len()) {
            (Some(requested), _) if orgs.contains(requested) => {
                self.complete(rid, &p, user_id, Some(requested.clone()), now_ms)
            }
            (Some(_), _) => {
                let location = with_query(
                    &p.redirect_uri,
                    &[
                        ("error", Some("organization_invalid")),
                        (
                            "error_description",
                            Some("The user is not a member of the requested organization."),
                        ),
                        ("state", p.state.as_deref()),
                    ],
                );
                Ok(self.finish(rid, location))
            }
            (None, 0) => self.complete(rid, &p, user_id, None, now_ms),
            (None, 1) => self.complete(rid, &p, user_id, orgs.first().cloned(), now_ms),
            (None, _) => {
                if let Some(pending) = self.pending.get_mut(rid) {
                    pending.authenticated_user = Some(user_id.to_string());
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
        if let Some(done) = self.finished_sign_in(rid, now) {
            return Ok(done);
        }
        let Some(p) = self.sign_in_page(rid, now).cloned() else {
            return Ok(SignInStep::Expired);
        };
        let Some(user_id) = p.authenticated_user.clone() else {
            return Ok(SignInStep::Expired);
        };
        if self.membership(&user_id, org_id).is_none() {
            return Ok(SignInStep::Picker {
                orgs: self.picker_choices(&user_id),
                invalid_choice: true,
            });
        }
        self.complete(rid, &p, &user_id, Some(org_id.to_string()), now_ms)
    }

    /// Create the account and finish the sign-in, in one step: a double-submitted sign-up
    /// form makes one user and one code.
    pub fn sign_up_and_finish(
        &mut self,
        rid: &str,
        new: NewUser,
        now_ms: i64,
    ) -> Result<SignInStep, SignUpRefusal> {
        let now = now_ms.div_euclid(1000);
        if let Some(done) = self.finished_sign_in(rid, now) {
            return Ok(done);
        }
        if self.sign_in_page(rid, now).is_none() {
            return Ok(SignInStep::Expired);
        }
        let user = self.sign_up(new, now_ms)?;
        Ok(self.finish_sign_in(rid, &user.id, now_ms)?)
    }

    /// (id, name) of a user's organizations.
    fn picker_choices(&self, user_id: &str) -> Vec<(String, String)> {
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
        now_ms: i64,
    ) -> Result<SignInStep, StoreError> {
        let code = self.issue_code(
            CodeGrant {
                client_id: p.client_id.clone(),
                redirect_uri: p.redirect_uri.clone(),
                code_challenge: p.code_challenge.clone(),
                user_id: user_id.to_string(),
                organization_id,
                authentication_method: p.authentication_method.clone(),
                impersonator: None,
            },
            now_ms,
        )?;
        let location = with_query(
            &p.redirect_uri,
            &[("code", Some(&code)), ("state", p.state.as_deref())],
        );
        Ok(self.finish(rid, location))
    }
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
            authenticated_user: None,
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
