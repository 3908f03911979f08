//! The demo's configuration, fixed at build time by environment variables (read with
//! `option_env!`, so `AUTHKIT_API_PORT=443 trunk build` bakes them in):
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `AUTHKIT_CLIENT_ID` | `client_demo` | the WorkOS client id |
//! | `AUTHKIT_API_HOSTNAME` | the page's own hostname | API host (your custom auth domain) |
//! | `AUTHKIT_API_PORT` | `4100` | API port; empty = the scheme's default |
//! | `AUTHKIT_API_HTTPS` | `false` | `true` for https |
//! | `AUTHKIT_DEV_MODE` | `auto` | `auto`, `on` or `off` |
//!
//! The defaults talk to the local emulator: a page on `localhost:5173` uses
//! `http://localhost:4100`, a page on `127.0.0.2:X` uses `http://127.0.0.2:4100`.

use authkit_yew::prelude::*;

/// The client id.
pub const CLIENT_ID: &str = match option_env!("AUTHKIT_CLIENT_ID") {
    Some(id) => id,
    None => "client_demo",
};

/// Organizations of the emulator's demo user, offered by the organization switcher (any other
/// id can be typed in).
pub const KNOWN_ORGANIZATIONS: &[(&str, &str)] = &[
    ("org_01ACME000000000000000000AC", "Acme"),
    ("org_01GRBX000000000000000000GX", "Globex"),
];

/// The page's origin, e.g. `http://localhost:5173`.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

fn page_hostname() -> String {
    web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// The API port: `AUTHKIT_API_PORT`, `4100` when unset, none when empty.
fn api_port() -> Option<u16> {
    match option_env!("AUTHKIT_API_PORT") {
        None => Some(4100),
        Some(p) if p.trim().is_empty() => None,
        Some(p) => p.trim().parse().ok(),
    }
}

/// The SDK options for this build.
pub fn options() -> AuthKitOptions {
    let hostname = option_env!("AUTHKIT_API_HOSTNAME")
        .filter(|h| !h.trim().is_empty())
        .map(str::to_owned)
        .unwrap_or_else(page_hostname);
    let https = matches!(option_env!("AUTHKIT_API_HTTPS"), Some("true" | "1" | "yes"));
    let dev_mode = match option_env!("AUTHKIT_DEV_MODE") {
        Some("on" | "true" | "1") => DevMode::On,
        Some("off" | "false" | "0") => DevMode::Off,
        _ => DevMode::Auto,
    };
    let mut options = AuthKitOptions::new(CLIENT_ID)
        .api_hostname(hostname)
        .https(https)
        .dev_mode(dev_mode)
        .redirect_uri(format!("{}/account", origin()));
    if let Some(port) = api_port() {
        options = options.port(port);
    }
    options
}
