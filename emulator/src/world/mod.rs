//! The world: every mutable record behind one lock (see [`crate::state::AppState::with_world`]).
//! Fields are private; each check-then-act is one method, so what a method checks still holds
//! when it acts. Records that must change together are written in one SQLite transaction
//! ([`World::commit`]) and reach memory only once that transaction committed.

mod accounts;
mod admin;
mod codes;
mod email_codes;
mod google;
mod impersonation;
mod invitations;
mod mail;
mod mfa;
mod password_reset;
mod refresh;
mod sign_in;
mod sweep;

use std::collections::{BTreeMap, HashMap};

use crate::faults::Faults;
use crate::mailbox::Mailbox;
use crate::model::{
    CodeRecord, Invitation, Membership, Organization, PasswordReset, PendingAuth,
    PendingImpersonation, RefreshRecord, Session, User,
};
use crate::reqlog::RequestLog;
use crate::seed::{Client, Seed, SeedError};
use crate::settings::Settings;
use crate::store::{Store, StoreError, Write};

pub use accounts::{NewUser, SignUpRefusal};
pub use admin::{ClientChange, MembershipChange, OrganizationChange};
pub use codes::{CodeRedemption, Issued};
pub use email_codes::CodeError;
pub use google::GoogleAccount;
pub use impersonation::{ImpersonationRequest, ImpersonationStep};
pub use invitations::{InvitationRequest, InvitationState};
pub use refresh::RefreshRequest;
pub use sign_in::{NextPage, SignInStep};
pub use sweep::{Stats, SWEEP_EVERY_SECS};

/// How long a hosted page stays usable, seconds.
pub const PENDING_TTL_SECS: i64 = 1800;
/// How long a pending impersonation stays usable, seconds.
pub const IMPERSONATION_TTL_SECS: i64 = 600;
/// Impersonation sessions are capped at this length, seconds.
pub const IMPERSONATION_SESSION_SECS: i64 = 3600;
/// How long a password-reset link works, seconds.
pub const RESET_TTL_SECS: i64 = 900;
/// How long an emailed code (verification, Magic Auth) works, seconds.
pub const EMAIL_CODE_TTL_SECS: i64 = 600;
/// Wrong codes allowed before a code (or, for the authenticator app, the sign-in) is void.
pub const MAX_CODE_ATTEMPTS: u32 = 5;

/// A failure to load the world.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// Persistence.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Seed.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// Password hashing.
    #[error("password hashing failed: {0}")]
    Password(String),
}

/// Everything mutable.
#[derive(Debug)]
pub struct World {
    store: Store,
    settings: Settings,
    clients: Vec<Client>,
    users: BTreeMap<String, User>,
    orgs: BTreeMap<String, Organization>,
    memberships: BTreeMap<String, Membership>,
    sessions: BTreeMap<String, Session>,
    refresh: HashMap<String, RefreshRecord>,
    codes: HashMap<String, CodeRecord>,
    pending: HashMap<String, PendingAuth>,
    impersonations: HashMap<String, PendingImpersonation>,
    invitations: BTreeMap<String, Invitation>,
    resets: HashMap<String, PasswordReset>,
    mailbox: Mailbox,
    totp_used: HashMap<String, u64>,
    faults: Faults,
    log: RequestLog,
    rate: HashMap<String, (i64, u32)>,
    next_sweep_at: i64,
}

/// Records to write together.
#[derive(Debug, Default)]
struct Changes {
    users: Vec<User>,
    orgs: Vec<Organization>,
    memberships: Vec<Membership>,
    sessions: Vec<Session>,
    refresh: Vec<RefreshRecord>,
    invitations: Vec<Invitation>,
}

impl World {
    /// Load what `store` has, then add the seed records that are missing.
    pub fn load(
        store: Store,
        seed: &Seed,
        settings: Settings,
        now_ms: i64,
    ) -> Result<Self, LoadError> {
        let mut world = World {
            settings,
            clients: seed.clients()?,
            users: index(store.load::<User>("users")?, |u| u.id.clone()),
            orgs: index(store.load::<Organization>("organizations")?, |o| {
                o.id.clone()
            }),
            memberships: index(store.load::<Membership>("memberships")?, |m| m.id.clone()),
            sessions: index(store.load::<Session>("sessions")?, |s| s.id.clone()),
            refresh: store
                .load::<RefreshRecord>("refresh_tokens")?
                .into_iter()
                .map(|r| (r.hash.clone(), r))
                .collect(),
            invitations: index(store.load::<Invitation>("invitations")?, |i| i.id.clone()),
            store,
            codes: HashMap::new(),
            pending: HashMap::new(),
            impersonations: HashMap::new(),
            resets: HashMap::new(),
            mailbox: Mailbox::default(),
            totp_used: HashMap::new(),
            faults: Faults::default(),
            log: RequestLog::default(),
            rate: HashMap::new(),
            next_sweep_at: 0,
        };
        world.apply_seed(seed, now_ms)?;
        Ok(world)
    }

    /// Back to the seed: records (invitations too), codes, pages, impersonations, password
    /// resets, the mailbox, faults, log, rate windows, clients and settings, the records in
    /// one transaction (a failure changes nothing). Signing keys are kept.
    pub fn reset(&mut self, seed: &Seed, settings: Settings, now_ms: i64) -> Result<(), LoadError> {
        let clients = seed.clients()?;
        let kept = (
            std::mem::take(&mut self.users),
            std::mem::take(&mut self.orgs),
            std::mem::take(&mut self.memberships),
            std::mem::take(&mut self.sessions),
            std::mem::take(&mut self.refresh),
            std::mem::take(&mut self.invitations),
        );
        let clear = [
            "users",
            "organizations",
            "memberships",
            "sessions",
            "refresh_tokens",
            "invitations",
        ]
        .map(|table| Write::Clear { table });
        let fresh = self
            .seed_changes(seed, now_ms)
            .and_then(|changes| Ok(self.commit_after(&clear, changes)?));
        if let Err(e) = fresh {
            (
                self.users,
                self.orgs,
                self.memberships,
                self.sessions,
                self.refresh,
                self.invitations,
            ) = kept;
            return Err(e);
        }
        self.codes.clear();
        self.pending.clear();
        self.impersonations.clear();
        self.resets.clear();
        self.mailbox.clear();
        self.totp_used.clear();
        self.faults.clear();
        self.log.clear();
        self.rate.clear();
        self.clients = clients;
        self.settings = settings;
        Ok(())
    }

    /// Write `changes` in one transaction, then (only if it committed) into memory.
    fn commit(&mut self, changes: Changes) -> Result<(), StoreError> {
        self.commit_after(&[], changes)
    }

    /// [`World::commit`], with `first` written ahead in the same transaction.
    fn commit_after(&mut self, first: &[Write], changes: Changes) -> Result<(), StoreError> {
        let mut writes = first.to_vec();
        for u in &changes.users {
            writes.push(Write::put("users", &u.id, u)?);
        }
        for o in &changes.orgs {
            writes.push(Write::put("organizations", &o.id, o)?);
        }
        for m in &changes.memberships {
            writes.push(Write::put("memberships", &m.id, m)?);
        }
        for s in &changes.sessions {
            writes.push(Write::put("sessions", &s.id, s)?);
        }
        for r in &changes.refresh {
            writes.push(Write::put("refresh_tokens", &r.hash, r)?);
        }
        for i in &changes.invitations {
            writes.push(Write::put("invitations", &i.id, i)?);
        }
        self.store.apply(&writes)?;
        for u in changes.users {
            self.users.insert(u.id.clone(), u);
        }
        for o in changes.orgs {
            self.orgs.insert(o.id.clone(), o);
        }
        for m in changes.memberships {
            self.memberships.insert(m.id.clone(), m);
        }
        for s in changes.sessions {
            self.sessions.insert(s.id.clone(), s);
        }
        for r in changes.refresh {
            self.refresh.insert(r.hash.clone(), r);
        }
        for i in changes.invitations {
            self.invitations.insert(i.id.clone(), i);
        }
        Ok(())
    }

    /// Persist a signing key.
    pub fn save_key(&mut self, key: &crate::keys::StoredKey) -> Result<(), StoreError> {
        self.store
            .apply(&[Write::put("signing_keys", &key.kid, key)?])
    }

    /// The persisted signing keys.
    pub fn stored_keys(&self) -> Result<Vec<crate::keys::StoredKey>, StoreError> {
        self.store.load("signing_keys")
    }

    /// Effective settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// A client by id.
    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }

    /// All clients, in seed order.
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }

    /// A user by id.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.get(id)
    }

    /// A user by email (case-insensitive).
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        let email = email.trim();
        self.users
            .values()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    /// A user by email or id.
    pub fn user_by_email_or_id(&self, key: &str) -> Option<&User> {
        self.users.get(key).or_else(|| self.user_by_email(key))
    }

    /// An organization by id.
    pub fn organization(&self, id: &str) -> Option<&Organization> {
        self.orgs.get(id)
    }

    /// A user's memberships.
    pub fn memberships_of(&self, user_id: &str) -> Vec<&Membership> {
        self.memberships
            .values()
            .filter(|m| m.user_id == user_id)
            .collect()
    }

    /// The membership of `user_id` in `org_id`.
    pub fn membership(&self, user_id: &str, org_id: &str) -> Option<&Membership> {
        self.memberships
            .values()
            .find(|m| m.user_id == user_id && m.organization_id == org_id)
    }

    /// A session by id.
    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.get(id)
    }

    /// Every user, by id.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values()
    }

    /// Every organization, by id.
    pub fn organizations(&self) -> impl Iterator<Item = &Organization> {
        self.orgs.values()
    }

    /// Every session, by id.
    pub fn sessions(&self) -> impl Iterator<Item = &Session> {
        self.sessions.values()
    }
}

fn index<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> BTreeMap<String, T> {
    items.into_iter().map(|t| (key(&t), t)).collect()
}

#[cfg(test)]
pub(crate) mod testing {
    //! A world on the built-in seed, in memory, for unit tests.
    use super::*;

    /// The built-in seed's world (passwords hashed: slow-ish, so build one per test).
    pub fn world() -> World {
        let seed = Seed::parse(crate::seed::DEFAULT_SEED).unwrap();
        let settings = seed.settings.clone();
        World::load(
            Store::in_memory().unwrap(),
            &seed,
            settings,
            1_700_000_000_000,
        )
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::world;
    use super::*;

    #[test]
    fn a_reset_that_cannot_be_written_keeps_every_record() {
        let mut w = world();
        let seed = Seed::parse(crate::seed::DEFAULT_SEED).unwrap();
        let before = (w.users.clone(), w.memberships.clone());
        w.store.execute_batch_for_tests("DROP TABLE memberships");
        assert!(w.reset(&seed, seed.settings.clone(), 1).is_err());
        assert_eq!((w.users.clone(), w.memberships.clone()), before);
    }
}
