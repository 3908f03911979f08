//! The shared emulator state: configuration, clock, keys and the world of records, with
//! write-through persistence.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use crate::clock::Clock;
use crate::faults::Faults;
use crate::ids;
use crate::keys::{KeySet, SigningKey, StoredKey};
use crate::model::{
    CodeRecord, Membership, Organization, PendingAuth, PendingImpersonation, RefreshRecord,
    Session, User,
};
use crate::password;
use crate::reqlog::RequestLog;
use crate::seed::{Client, Seed, SeedError};
use crate::settings::Settings;
use crate::store::{Store, StoreError};

/// A failure to build the state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Persistence.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Seed.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// Signing key.
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
    /// Password hashing.
    #[error("password hashing failed: {0}")]
    Password(String),
}

/// Everything mutable, behind one lock.
#[derive(Debug)]
pub struct World {
    store: Store,
    /// Effective settings.
    pub settings: Settings,
    /// Users by id.
    pub users: BTreeMap<String, User>,
    /// Organizations by id.
    pub orgs: BTreeMap<String, Organization>,
    /// Memberships by id.
    pub memberships: BTreeMap<String, Membership>,
    /// Sessions by id.
    pub sessions: BTreeMap<String, Session>,
    /// Refresh tokens by hash.
    pub refresh: HashMap<String, RefreshRecord>,
    /// Old refresh-token hash → successor token (memory only; serves the grace window).
    pub successors: HashMap<String, String>,
    /// Authorization codes.
    pub codes: HashMap<String, CodeRecord>,
    /// Pending hosted-page requests by `rid`.
    pub pending: HashMap<String, PendingAuth>,
    /// Pending impersonations by cookie value.
    pub impersonations: HashMap<String, PendingImpersonation>,
    /// Installed faults.
    pub faults: Faults,
    /// Request log.
    pub log: RequestLog,
    /// Rate-limit windows: route → (window start s, count).
    pub rate: HashMap<String, (i64, u32)>,
}

/// Shared, cheaply cloneable state.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

/// The immutable parts plus the locks.
#[derive(Debug)]
pub struct Inner {
    /// The seed as loaded (for reset).
    pub seed: Seed,
    /// Settings after CLI overrides (what reset returns to).
    pub base_settings: Settings,
    /// Clients.
    pub clients: Vec<Client>,
    /// Clock.
    pub clock: Clock,
    /// Signing keys.
    pub keys: RwLock<KeySet>,
    world: Mutex<World>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

fn log_store(r: Result<(), StoreError>) {
    if let Err(e) = r {
        tracing::error!(error = %e, "persisting a record failed");
    }
}

impl World {
    /// Persist a user.
    pub fn save_user(&mut self, user: User) {
        log_store(self.store.put("users", &user.id, &user));
        self.users.insert(user.id.clone(), user);
    }

    /// Persist a session.
    pub fn save_session(&mut self, session: Session) {
        log_store(self.store.put("sessions", &session.id, &session));
        self.sessions.insert(session.id.clone(), session);
    }

    /// Persist a refresh-token record.
    pub fn save_refresh(&mut self, rec: RefreshRecord) {
        log_store(self.store.put("refresh_tokens", &rec.hash, &rec));
        self.refresh.insert(rec.hash.clone(), rec);
    }

    /// Persist an organization.
    pub fn save_org(&mut self, org: Organization) {
        log_store(self.store.put("organizations", &org.id, &org));
        self.orgs.insert(org.id.clone(), org);
    }

    fn save_membership(&mut self, m: Membership) {
        log_store(self.store.put("memberships", &m.id, &m));
        self.memberships.insert(m.id.clone(), m);
    }

    /// A user by email (case-insensitive).
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        let email = email.trim();
        self.users
            .values()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    /// A user's memberships, in organization order of the seed/creation.
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

    /// End a session; its refresh tokens die with it.
    pub fn end_session(&mut self, session_id: &str, reason: &str, now_ms: i64) -> bool {
        let Some(mut s) = self.sessions.get(session_id).cloned() else {
            return false;
        };
        if s.ended_at.is_none() {
            s.ended_at = Some(now_ms);
            s.ended_reason = Some(reason.to_string());
            self.save_session(s);
        }
        // The tokens stay on record (so a later use answers "Session has already ended.")
        // but can never be exchanged again; grace successors are forgotten.
        let hashes: Vec<String> = self
            .refresh
            .values()
            .filter(|r| r.session_id == session_id)
            .map(|r| r.hash.clone())
            .collect();
        for h in hashes {
            self.successors.remove(&h);
        }
        true
    }

    /// Issue a new refresh token for a session; returns the token.
    pub fn issue_refresh(&mut self, session_id: &str, client_id: &str, now: i64) -> String {
        let token = ids::secret(32);
        self.save_refresh(RefreshRecord {
            hash: ids::digest(&token),
            session_id: session_id.to_string(),
            client_id: client_id.to_string(),
            created_at: now,
            exchanged_at: None,
        });
        token
    }

    /// Insert seed records that do not exist yet (by id, users also by email).
    fn apply_seed(&mut self, seed: &Seed, now_ms: i64) -> Result<(), StateError> {
        for o in &seed.organizations {
            if !self.orgs.contains_key(&o.id) {
                self.save_org(Organization {
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
                        .map_err(|e| StateError::Password(e.to_string()))?;
                    self.save_user(User {
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
                self.save_membership(Membership {
                    id: ids::prefixed("om", now_ms as u64 + i as u64),
                    user_id,
                    organization_id: m.organization.clone(),
                    role: m.role.clone(),
                    roles: m.roles.clone().unwrap_or_else(|| vec![m.role.clone()]),
                    permissions: m.permissions.clone(),
                });
            }
        }
        Ok(())
    }
}

/// How to build the state.
#[derive(Debug, Clone)]
pub struct StateOptions {
    /// The seed.
    pub seed: Seed,
    /// Settings overrides from flags.
    pub settings: Settings,
    /// `None` = in memory.
    pub data_dir: Option<std::path::PathBuf>,
}

impl AppState {
    /// Open the store, load what it has, add missing seed records, load or create a key.
    pub fn new(opts: StateOptions) -> Result<Self, StateError> {
        let clients = opts.seed.clients()?;
        let store = match &opts.data_dir {
            Some(dir) => Store::open(dir)?,
            None => Store::in_memory()?,
        };
        let clock = Clock::default();
        let now_ms = clock.now_ms();
        let mut world = World {
            settings: opts.settings.clone(),
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
            store,
            successors: HashMap::new(),
            codes: HashMap::new(),
            pending: HashMap::new(),
            impersonations: HashMap::new(),
            faults: Faults::default(),
            log: RequestLog::default(),
            rate: HashMap::new(),
        };
        world.apply_seed(&opts.seed, now_ms)?;
        let mut keys = KeySet::default();
        let stored: Vec<StoredKey> = world.store.load("signing_keys")?;
        for k in &stored {
            keys.push(SigningKey::load(k)?);
        }
        if stored.is_empty() {
            let (key, stored) = SigningKey::generate(
                ids::prefixed("sso_oidc_key_pair", now_ms as u64),
                clock.now_secs(),
            )?;
            world.store.put("signing_keys", &stored.kid, &stored)?;
            keys.push(key);
        }
        Ok(Self(Arc::new(Inner {
            seed: opts.seed,
            base_settings: opts.settings,
            clients,
            clock,
            keys: RwLock::new(keys),
            world: Mutex::new(world),
        })))
    }

    /// Lock the world (never held across an await).
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A client by id.
    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }

    /// Generate a new signing key and make it active; returns its kid.
    pub fn rotate_key(&self) -> Result<String, StateError> {
        let now = self.clock.now_ms();
        let (key, stored) = SigningKey::generate(
            ids::prefixed("sso_oidc_key_pair", now as u64),
            self.clock.now_secs(),
        )?;
        self.world()
            .store
            .put("signing_keys", &stored.kid, &stored)?;
        let kid = key.kid.clone();
        self.keys
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(key);
        Ok(kid)
    }

    /// Back to the seed: users, organizations, memberships, sessions, tokens, codes, faults,
    /// clock, log and settings. Signing keys are kept.
    pub fn reset(&self) -> Result<(), StateError> {
        self.clock.set_offset(0);
        let now_ms = self.clock.now_ms();
        let mut w = self.world();
        for t in [
            "users",
            "organizations",
            "memberships",
            "sessions",
            "refresh_tokens",
        ] {
            w.store.clear(t)?;
        }
        w.users.clear();
        w.orgs.clear();
        w.memberships.clear();
        w.sessions.clear();
        w.refresh.clear();
        w.successors.clear();
        w.codes.clear();
        w.pending.clear();
        w.impersonations.clear();
        w.faults.clear();
        w.log.clear();
        w.rate.clear();
        w.settings = self.base_settings.clone();
        w.apply_seed(&self.seed, now_ms)
    }
}

fn index<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> BTreeMap<String, T> {
    items.into_iter().map(|t| (key(&t), t)).collect()
}
