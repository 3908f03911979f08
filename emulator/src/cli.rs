//! The command line (`authkit-emulator --help`).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::seed::Seed;
use crate::settings::limits;
use crate::EmulatorOptions;

/// A local WorkOS AuthKit API with hosted sign-in pages, for offline development and tests.
///
/// Once listening it prints exactly one line to stdout,
/// `authkit-emulator listening on http://HOST:PORT`; logs go to stderr (`RUST_LOG` filters).
#[derive(Debug, Clone, Parser)]
#[command(name = "authkit-emulator", version)]
pub struct Cli {
    /// Host to listen on: `localhost` (127.0.0.1 and ::1 when available) or an IP such as
    /// 127.0.0.2. Printed as given. Anything beyond loopback (e.g. 0.0.0.0) makes the API
    /// reachable from other machines; the control API still answers only this one.
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
    /// refresh tokens, signing keys). One emulator at a time. Default: ./.emulator-data
    #[arg(long, value_name = "DIR", conflicts_with = "in_memory")]
    pub data_dir: Option<PathBuf>,
    /// Keep everything in memory; nothing is written to disk.
    #[arg(long)]
    pub in_memory: bool,
    /// Access-token lifetime in seconds (default 300, or the seed's setting).
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(*limits::ACCESS_TOKEN_TTL.start()..=*limits::ACCESS_TOKEN_TTL.end()))]
    pub access_token_ttl: Option<i64>,
    /// Refresh-token replay grace window in seconds (default 0, or the seed's setting).
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(*limits::REFRESH_GRACE.start()..=*limits::REFRESH_GRACE.end()))]
    pub refresh_grace: Option<i64>,
    /// `Domain=` of the cookie-mode cookies (refresh cookie and `workos-has-session`), e.g.
    /// `example.test` for an app on app.example.test and the emulator as auth.example.test.
    /// A bare host name; default: host-only cookies, or the seed's setting.
    #[arg(long, value_name = "DOMAIN", value_parser = parse_cookie_domain)]
    pub cookie_domain: Option<String>,
    /// `SameSite` of the cookie-mode cookies: `lax`, or `none` (with `Secure`) for an app on
    /// another site (default: lax, or the seed's setting).
    #[arg(long, value_name = "MODE", value_enum)]
    pub cookie_same_site: Option<crate::settings::CookieSameSite>,
    /// Seconds a client may take to send a request's head, and then its body; slower
    /// clients are disconnected (head) or answered 408 (body).
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub read_timeout: u64,
    /// Let the control API (/_emulator) answer other machines too. Only on a trusted
    /// network: it resets data, mints codes and impersonates users.
    #[arg(long)]
    pub control_from_anywhere: bool,
}

/// `--cookie-domain`: checked and normalized by [`crate::settings::cookie_domain`].
fn parse_cookie_domain(value: &str) -> Result<String, String> {
    crate::settings::cookie_domain(value).map_err(|e| e.to_string())
}

/// The default data directory, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = ".emulator-data";

impl Cli {
    /// The options these flags ask for, with `seed` (`None`: the built-in one).
    pub fn options(&self, seed: Option<Seed>) -> EmulatorOptions {
        let data_dir = if self.in_memory {
            None
        } else {
            Some(
                self.data_dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
            )
        };
        EmulatorOptions {
            host: self.host.clone(),
            port: self.port,
            seed,
            data_dir,
            access_token_ttl_secs: self.access_token_ttl,
            refresh_grace_secs: self.refresh_grace,
            cookie_domain: self.cookie_domain.clone(),
            cookie_same_site: self.cookie_same_site,
            read_timeout: Duration::from_secs(self.read_timeout),
            control_from_anywhere: self.control_from_anywhere,
        }
    }
}
