//! Users: the seed's accounts (with their TOTP factors), sign-up, and the accounts that Magic
//! Auth and Google create.

use std::collections::HashMap;

use super::{Changes, LoadError, World};
use crate::ids;
use crate::model::{Membership, Organization, TotpFactor, User};
use crate::password;
use crate::seed::Seed;
use crate::store::StoreError;

/// A sign-up, its password already hashed (hashing is slow and runs before the lock).
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Email.
    pub email: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
}

/// Why a sign-up made no user.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignUpRefusal {
    /// The email is taken (checked under the same lock as the insert).
    #[error("An account with this email already exists. Sign in instead.")]
    EmailTaken,
    /// The user could not be saved.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl World {
    /// Create a user unless the email is taken, in one step. The address is not verified yet:
    /// with `email_verification` on, the sign-in asks for the emailed code.
    pub fn sign_up(&mut self, new: NewUser, now_ms: i64) -> Result<User, SignUpRefusal> {
        if self.user_by_email(&new.email).is_some() {
            return Err(SignUpRefusal::EmailTaken);
        }
        let mut user = new_user(&new.email, new.first_name, new.last_name, now_ms);
        user.password_hash = Some(new.password_hash);
        self.commit(Changes {
            users: vec![user.clone()],
            ..Changes::default()
        })?;
        Ok(user)
    }

    /// The user with `email`, or a new one without a password whose address is verified (it
    /// was just proven: a Magic Auth code, a Google account).
    pub(super) fn user_or_create(
        &mut self,
        email: &str,
        first_name: Option<String>,
        last_name: Option<String>,
        now_ms: i64,
    ) -> Result<String, StoreError> {
        if let Some(u) = self.user_by_email(email) {
            return Ok(u.id.clone());
        }
        let mut user = new_user(email, first_name, last_name, now_ms);
        user.email_verified = true;
        let id = user.id.clone();
        self.commit(Changes {
            users: vec![user],
            ..Changes::default()
        })?;
        Ok(id)
    }

    /// Mark a user's address verified (persisted); nothing to write when it already is.
    pub(super) fn mark_verified(&mut self, user_id: &str, now_ms: i64) -> Result<(), StoreError> {
        let Some(mut u) = self
            .users
            .get(user_id)
            .cloned()
            .filter(|u| !u.email_verified)
        else {
            return Ok(());
        };
        u.email_verified = true;
        u.updated_at = now_ms;
        self.commit(Changes {
            users: vec![u],
            ..Changes::default()
        })
    }

    /// Insert seed records that do not exist yet (by id, users also by email), in one
    /// transaction.
    pub(super) fn apply_seed(&mut self, seed: &Seed, now_ms: i64) -> Result<(), LoadError> {
        let changes = self.seed_changes(seed, now_ms)?;
        Ok(self.commit(changes)?)
    }

    /// The seed records that do not exist yet.
    pub(super) fn seed_changes(&self, seed: &Seed, now_ms: i64) -> Result<Changes, LoadError> {
        let mut changes = Changes::default();
        for o in &seed.organizations {
            if !self.orgs.contains_key(&o.id) {
                changes.orgs.push(Organization {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    feature_flags: o.feature_flags.clone(),
                    entitlements: o.entitlements.clone(),
                    requires: o.requires,
                });
            }
        }
        let mut email_to_id = HashMap::new();
        for u in &seed.users {
            let existing = self
                .user_by_email(&u.email)
                .map(|x| x.id.clone())
                .or_else(|| u.id.clone().filter(|id| self.users.contains_key(id)));
            let id = match existing {
                Some(id) => id,
                None => {
                    let id =
                        u.id.clone()
                            .unwrap_or_else(|| ids::prefixed("user", now_ms as u64));
                    let hash = password::hash(&u.password)
                        .map_err(|e| LoadError::Password(e.to_string()))?;
                    changes.users.push(User {
                        id: id.clone(),
                        email: u.email.clone(),
                        email_verified: u.email_verified,
                        first_name: u.first_name.clone(),
                        last_name: u.last_name.clone(),
                        password_hash: Some(hash),
                        profile_picture_url: u.profile_picture_url.clone(),
                        external_id: u.external_id.clone(),
                        last_sign_in_at: None,
                        created_at: now_ms,
                        updated_at: now_ms,
                        totp: u.totp.then(|| TotpFactor {
                            id: ids::prefixed("auth_factor", now_ms as u64),
                            secret: crate::totp::new_secret(),
                            created_at: now_ms,
                        }),
                    });
                    id
                }
            };
            email_to_id.insert(u.email.to_ascii_lowercase(), id.clone());
            if let Some(seed_id) = &u.id {
                email_to_id.insert(seed_id.to_ascii_lowercase(), id);
            }
        }
        for (i, m) in seed.memberships.iter().enumerate() {
            let Some(user_id) = email_to_id.get(&m.user.to_ascii_lowercase()).cloned() else {
                continue;
            };
            if self.membership(&user_id, &m.organization).is_none() {
                changes.memberships.push(Membership {
                    id: ids::prefixed("om", now_ms as u64 + i as u64),
                    user_id,
                    organization_id: m.organization.clone(),
                    role: m.role.clone(),
                    roles: m.roles.clone().unwrap_or_else(|| vec![m.role.clone()]),
                    permissions: m.permissions.clone(),
                });
            }
        }
        Ok(changes)
    }
}

/// A new user record (no password, address not verified).
fn new_user(
    email: &str,
    first_name: Option<String>,
    last_name: Option<String>,
    now_ms: i64,
) -> User {
    User {
        id: ids::prefixed("user", now_ms as u64),
        email: email.trim().to_string(),
        email_verified: false,
        first_name,
        last_name,
        password_hash: None,
        profile_picture_url: None,
        external_id: None,
        last_sign_in_at: None,
        created_at: now_ms,
        updated_at: now_ms,
        totp: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::world;
    use super::*;

    #[test]
    fn a_second_sign_up_of_the_same_email_is_refused_under_the_same_lock() {
        let mut w = world();
        let new = || NewUser {
            email: "Twice@Example.com".into(),
            password_hash: "x".into(),
            first_name: None,
            last_name: None,
        };
        let user = w.sign_up(new(), 1).unwrap();
        assert!(matches!(
            w.sign_up(new(), 2),
            Err(SignUpRefusal::EmailTaken)
        ));
        assert_eq!(w.user_by_email("twice@example.com").unwrap().id, user.id);
    }
}
