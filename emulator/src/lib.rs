//! # authkit-emulator
//!
//! A local stand-in for the WorkOS AuthKit API with hosted sign-in pages, so the SDK, the
//! demo and every test run offline. See `emulator/README.md` for flags, the seed format and
//! the control API.
//!
//! Start one in-process (port 0 picks a free port):
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use authkit_emulator::{Emulator, EmulatorOptions};
//! let emu = Emulator::start(EmulatorOptions { port: 0, ..EmulatorOptions::default() }).await?;
//! println!("{}", emu.base_url());
//! emu.shutdown().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod cli;
pub mod clock;
pub mod cookies;
pub mod faults;
pub mod html;
pub mod ids;
pub mod keys;
pub mod middleware;
pub mod model;
pub mod params;
pub mod password;
pub mod pattern;
pub mod reqlog;
pub mod routes;
pub mod seed;
pub mod server;
pub mod settings;
pub mod state;
pub mod store;
pub mod tokens;
pub mod x509;

use std::net::SocketAddr;
use std::path::PathBuf;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::seed::Seed;
use crate::state::{AppState, StateOptions};

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// Host to bind and to print (`localhost` binds 127.0.0.1 and ::1).
    pub host: String,
    /// Port (0 = any free port).
    pub port: u16,
    /// The seed (default: the built-in `seed.toml`).
    pub seed: Option<Seed>,
    /// Where the SQLite file lives; `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    /// Override of `settings.access_token_ttl_secs`.
    pub access_token_ttl_secs: Option<i64>,
    /// Override of `settings.refresh_grace_secs`.
    pub refresh_grace_secs: Option<i64>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            host: "localhost".into(),
            port: 4100,
            seed: None,
            data_dir: None,
            access_token_ttl_secs: None,
            refresh_grace_secs: None,
        }
    }
}

/// A failure to start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The built-in or given seed is invalid.
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    /// State (store, keys) could not be built.
    #[error(transparent)]
    State(#[from] state::StateError),
    /// Sockets.
    #[error(transparent)]
    Serve(#[from] server::ServeError),
}

/// A running emulator. Dropping it (or calling [`Emulator::shutdown`]) stops the listeners
/// and closes open connections.
#[derive(Debug)]
pub struct Emulator {
    state: AppState,
    addrs: Vec<SocketAddr>,
    base_url: String,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Emulator {
    /// Build the state and start listening.
    pub async fn start(opts: EmulatorOptions) -> Result<Self, StartError> {
        let seed = match opts.seed {
            Some(s) => s,
            None => Seed::parse(seed::DEFAULT_SEED)?,
        };
        let mut settings = seed.settings.clone();
        if let Some(t) = opts.access_token_ttl_secs {
            settings.access_token_ttl_secs = t.max(1);
        }
        if let Some(g) = opts.refresh_grace_secs {
            settings.refresh_grace_secs = g.max(0);
        }
        let state = AppState::new(StateOptions {
            seed,
            settings,
            data_dir: opts.data_dir,
        })?;
        let listeners = server::bind(&opts.host, opts.port).await?;
        let addrs: Vec<SocketAddr> = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        let port = addrs.first().map(|a| a.port()).unwrap_or(opts.port);
        let host = if opts.host.contains(':') && !opts.host.starts_with('[') {
            format!("[{}]", opts.host)
        } else {
            opts.host.clone()
        };
        let base_url = format!("http://{host}:{port}");
        let (tx, rx) = watch::channel(false);
        let router = routes::router(state.clone());
        let tasks = listeners
            .into_iter()
            .map(|l| tokio::spawn(server::serve(l, router.clone(), rx.clone())))
            .collect();
        Ok(Self {
            state,
            addrs,
            base_url,
            shutdown: tx,
            tasks,
        })
    }

    /// `http://HOST:PORT` with the real port.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound socket addresses.
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// The shared state (for in-process inspection).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stop accepting, close open connections and wait for the listeners to stop.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}
