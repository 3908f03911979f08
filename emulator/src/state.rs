//! The shared emulator state: the seed, the clock, the signing keys, the data-dir lock and the
//! [`World`] behind one mutex, reached only through [`AppState::with_world`] — a closure,
//! which cannot hold the lock across an `.await`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::clock::Clock;
use crate::data_dir::{self, DataDirError, DataDirLock};
use crate::ids;
use crate::keys::{KeyError, KeySet, SigningKey};
use crate::seed::Seed;
use crate::settings::Settings;
use crate::store::{Store, StoreError};
use crate::world::{LoadError, World};

/// A failure to build or reset the state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Persistence.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The data dir is taken or unusable.
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    /// Loading the records.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Signing key.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// How to build the state.
#[derive(Debug, Clone)]
pub struct StateOptions {
    /// The seed.
    pub seed: Seed,
    /// Settings after flag overrides (checked).
    pub settings: Settings,
    /// `None` = in memory.
    pub data_dir: Option<PathBuf>,
    /// Body read timeout (the header read timeout is the server's).
    pub read_timeout: Duration,
    /// Whether the control API answers other machines.
    pub control_from_anywhere: bool,
}

/// Shared, cheaply cloneable state.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    seed: Seed,
    base_settings: Settings,
    clock: Clock,
    keys: RwLock<KeySet>,
    world: Mutex<World>,
    data_dir: Mutex<Option<DataDirLock>>,
    read_timeout: Duration,
    control_from_anywhere: bool,
}

impl AppState {
    /// Lock the data dir, open its store (or one in memory), load the records, add missing
    /// seed records, and load or create a signing key.
    pub fn new(opts: StateOptions) -> Result<Self, StateError> {
        let (lock, store) = match &opts.data_dir {
            Some(dir) => {
                let (lock, store) = data_dir::open(dir)?;
                (Some(lock), store)
            }
            None => (None, Store::in_memory()?),
        };
        let clock = Clock::default();
        let now_ms = clock.now_ms();
        let mut world = World::load(store, &opts.seed, opts.settings.clone(), now_ms)?;
        let mut keys = KeySet::default();
        let stored = world.stored_keys()?;
        for k in &stored {
            keys.push(SigningKey::load(k)?);
        }
        if stored.is_empty() {
            let (key, stored) = SigningKey::generate(
                ids::prefixed("sso_oidc_key_pair", now_ms as u64),
                clock.now_secs(),
            )?;
            world.save_key(&stored)?;
            keys.push(key);
        }
        Ok(Self(Arc::new(Inner {
            seed: opts.seed,
            base_settings: opts.settings,
            clock,
            keys: RwLock::new(keys),
            world: Mutex::new(world),
            data_dir: Mutex::new(lock),
            read_timeout: opts.read_timeout,
            control_from_anywhere: opts.control_from_anywhere,
        })))
    }

    /// Run `f` with the world locked (sweeping first when a sweep is due). Never await inside:
    /// the closure makes that a compile-time fact.
    pub fn with_world<T>(&self, f: impl FnOnce(&mut World) -> T) -> T {
        let mut world = self.0.world.lock().unwrap_or_else(|p| p.into_inner());
        world.sweep_if_due(self.0.clock.now_ms());
        f(&mut world)
    }

    /// The emulator clock.
    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }

    /// How long a request body may take to arrive.
    pub fn read_timeout(&self) -> Duration {
        self.0.read_timeout
    }

    /// Whether the control API answers other machines (`--control-from-anywhere`).
    pub fn control_from_anywhere(&self) -> bool {
        self.0.control_from_anywhere
    }

    /// Sign claims with the active key.
    pub fn sign_jwt(&self, claims: &serde_json::Value) -> String {
        let keys = self.0.keys.read().unwrap_or_else(|p| p.into_inner());
        keys.active()
            .map(|k| k.sign_jwt(claims))
            .unwrap_or_default()
    }

    /// The JWKS document.
    pub fn jwks(&self) -> serde_json::Value {
        self.0.keys.read().unwrap_or_else(|p| p.into_inner()).jwks()
    }

    /// Generate a new signing key and make it active; returns its kid.
    pub fn rotate_key(&self) -> Result<String, StateError> {
        let now = self.0.clock.now_ms();
        let (key, stored) = SigningKey::generate(
            ids::prefixed("sso_oidc_key_pair", now as u64),
            self.0.clock.now_secs(),
        )?;
        self.with_world(|w| w.save_key(&stored))?;
        let kid = key.kid.clone();
        self.0
            .keys
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(key);
        Ok(kid)
    }

    /// Back to the seed (see [`World::reset`]); the clock too. Signing keys are kept.
    pub fn reset(&self) -> Result<(), StateError> {
        self.0.clock.reset();
        let now_ms = self.0.clock.now_ms();
        self.with_world(|w| w.reset(&self.0.seed, self.0.base_settings.clone(), now_ms))?;
        Ok(())
    }

    /// Let go of the data dir (at shutdown), so another emulator may use it.
    pub fn release_data_dir(&self) {
        self.0
            .data_dir
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! An in-memory state on the built-in seed, for unit tests.
    use super::*;

    /// A fresh in-memory state.
    pub fn state() -> AppState {
        let seed = Seed::parse(crate::seed::DEFAULT_SEED).unwrap();
        AppState::new(StateOptions {
            settings: seed.settings.clone(),
            seed,
            data_dir: None,
            read_timeout: Duration::from_secs(5),
            control_from_anywhere: false,
        })
        .unwrap()
    }
}
