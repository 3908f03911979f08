//! The command line (`authkit-emulator --help`).

use std::path::PathBuf;

use clap::Parser;

/// A local WorkOS AuthKit API with hosted sign-in pages, for offline development and tests.
///
/// Once listening it prints exactly one line to stdout,
/// `authkit-emulator listening on http://HOST:PORT`; logs go to stderr (`RUST_LOG` filters).
#[derive(Debug, Clone, Parser)]
#[command(name = "authkit-emulator", version)]
pub struct Cli {
    /// Host to listen on: `localhost` (127.0.0.1 and ::1 when available) or an IP such as
    /// 127.0.0.2. Printed as given.
    #[arg(long, default_value = "localhost")]
    pub host: String,
    /// Port to listen on; 0 picks a free port (the real one is printed).
    #[arg(long, default_value_t = 4100)]
    pub port: u16,
    /// TOML seed replacing the built-in one (clients, organizations, users, memberships,
    /// settings); format in emulator/README.md.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory of the SQLite database (users, organizations, memberships, sessions,
    /// refresh tokens, signing keys). Default: ./.emulator-data
    #[arg(long, value_name = "DIR", conflicts_with = "in_memory")]
    pub data_dir: Option<PathBuf>,
    /// Keep everything in memory; nothing is written to disk.
    #[arg(long)]
    pub in_memory: bool,
    /// Access-token lifetime in seconds (default 300, or the seed's setting).
    #[arg(long, value_name = "SECS")]
    pub access_token_ttl: Option<i64>,
    /// Refresh-token replay grace window in seconds (default 0, or the seed's setting).
    #[arg(long, value_name = "SECS")]
    pub refresh_grace: Option<i64>,
}

/// The default data directory, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = ".emulator-data";
