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
pub mod data_dir;
pub mod error;
pub mod extract;
pub mod faults;
pub mod html;
pub mod ids;
pub mod keys;
pub mod mailbox;
pub mod middleware;
pub mod model;
pub mod params;
pub mod password;
pub mod pattern;
pub mod query;
pub mod reqlog;
pub mod routes;
pub mod seed;
pub mod server;
pub mod settings;
pub mod state;
pub mod store;
pub mod successor;
pub mod tokens;
pub mod totp;
pub mod world;
pub mod x509;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::seed::Seed;
use crate::settings::SettingsPatch;
use crate::state::{AppState, StateOptions};

/// The default read timeout for a request's head and body.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest read timeout accepted (`--read-timeout` 3600).
pub const MAX_READ_TIMEOUT: Duration = Duration::from_secs(3600);

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
    /// Override of `settings.cookie_domain` (checked like the seed's).
    pub cookie_domain: Option<String>,
    /// Override of `settings.cookie_same_site`.
    pub cookie_same_site: Option<settings::CookieSameSite>,
    /// How long a client may take to send a request's head, and then its body: from 1 ms to
    /// [`MAX_READ_TIMEOUT`].
    pub read_timeout: Duration,
    /// Let the control API answer other machines (it answers only loopback peers otherwise).
    pub control_from_anywhere: bool,
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
            cookie_domain: None,
            cookie_same_site: None,
            read_timeout: DEFAULT_READ_TIMEOUT,
            control_from_anywhere: false,
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
    /// A setting override is out of range.
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
    /// The read timeout is out of range.
    #[error("read_timeout must be between 1 ms and 3600 s (got {0:?})")]
    ReadTimeout(Duration),
    /// State (data dir, store, keys) could not be built.
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
        let settings = seed.settings.patched(SettingsPatch {
            access_token_ttl_secs: opts.access_token_ttl_secs,
            refresh_grace_secs: opts.refresh_grace_secs,
            cookie_domain: opts.cookie_domain,
            cookie_same_site: opts.cookie_same_site,
            ..SettingsPatch::default()
        })?;
        let read_timeout = opts.read_timeout;
        if !(Duration::from_millis(1)..=MAX_READ_TIMEOUT).contains(&read_timeout) {
            return Err(StartError::ReadTimeout(read_timeout));
        }
        let state = AppState::new(StateOptions {
            seed,
            settings,
            data_dir: opts.data_dir,
            read_timeout,
            control_from_anywhere: opts.control_from_anywhere,
        })?;
        let listeners = server::bind(&opts.host, opts.port).await?;
        let addrs: Vec<SocketAddr> = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        warn_about_exposure(&addrs, opts.control_from_anywhere);
        let port = addrs.first().map(|a| a.port()).unwrap_or(opts.port);
        let host = if opts.host.contains(':') && !opts.host.starts_with('[') {
            format!("[{}]", opts.host)
        } else {
            opts.host.clone()
        };
        let base_url = format!("http://{host}:{port}");
        let (tx, rx) = watch::channel(false);
        let router = routes::router(state.clone());
        let mut tasks: Vec<JoinHandle<()>> = listeners
            .into_iter()
            .map(|l| tokio::spawn(server::serve(l, router.clone(), rx.clone(), read_timeout)))
            .collect();
        tasks.push(tokio::spawn(sweep_periodically(state.clone(), rx)));
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

    /// Stop accepting, close open connections, wait for the listeners to stop, and let go of
    /// the data dir.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
        self.state.release_data_dir();
    }
}

/// Sweep expired records once a minute even when no request comes (requests sweep too).
async fn sweep_periodically(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(world::SWEEP_EVERY_SECS as u64));
    loop {
        tokio::select! {
            _ = tick.tick() => state.with_world(|_| ()),
            _ = shutdown.changed() => return,
        }
    }
}

/// Listening beyond loopback deserves a word on stderr (through `tracing`).
fn warn_about_exposure(addrs: &[SocketAddr], control_from_anywhere: bool) {
    let exposed: Vec<String> = addrs
        .iter()
        .filter(|a| !a.ip().is_loopback())
        .map(ToString::to_string)
        .collect();
    match (exposed.is_empty(), control_from_anywhere) {
        (true, true) => tracing::warn!(
            "--control-from-anywhere has no effect: the emulator listens only on loopback"
        ),
        (true, false) => {}
        (false, false) => tracing::warn!(
            "listening on {} makes the API reachable from other machines; the control API \
             (/_emulator) still answers only this machine (start with --control-from-anywhere \
             to change that)",
            exposed.join(", ")
        ),
        (false, true) => tracing::warn!(
            "listening on {} with --control-from-anywhere: anyone who can reach this port can \
             reset data, mint codes and impersonate users",
            exposed.join(", ")
        ),
    }
}
