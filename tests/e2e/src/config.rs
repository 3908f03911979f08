//! The emulator config the harness generates: the built-in seed with the demo client opened
//! up to every loopback port and pointed at the harness's `/login`.

use toml::Value;

use crate::error::HarnessError;
use crate::CLIENT_ID;

/// The seed user with two organizations (see `emulator/seed.toml`).
pub const DEMO_EMAIL: &str = "demo@example.com";
/// Password of [`DEMO_EMAIL`].
pub const DEMO_PASSWORD: &str = "demo-password";
/// The seed user with no organization.
pub const SOLO_EMAIL: &str = "solo@example.com";
/// Password of [`SOLO_EMAIL`].
pub const SOLO_PASSWORD: &str = "solo-password";
/// The seed user with an authenticator-app (TOTP) factor (member of Acme).
pub const MFA_EMAIL: &str = "mfa@example.com";
/// Password of [`MFA_EMAIL`].
pub const MFA_PASSWORD: &str = "mfa-password";
/// The first organization of the demo user (role `admin`).
pub const ORG_ACME: &str = "org_01ACME000000000000000000AC";
/// The second organization of the demo user (role `member`).
pub const ORG_GLOBEX: &str = "org_01GRBX000000000000000000GX";

const LOOPBACK: [&str; 3] = [
    "http://localhost:*",
    "http://127.0.0.1:*",
    "http://127.0.0.2:*",
];

/// Rewrites `seed` (the TOML of `emulator/seed.toml`) so that the demo client accepts the
/// demo on any loopback port (origins, `/account` redirects, `/` sign-out redirects) and its
/// sign-in endpoint is `sign_in_endpoint`.
///
/// ```
/// let seed = r#"
/// [[clients]]
/// id = "client_demo"
/// redirect_uris = ["http://localhost:5173/account"]
/// "#;
/// let out = authkit_e2e::config::for_demo(seed, "http://localhost:9/login").unwrap();
/// assert!(out.contains("http://127.0.0.2:*/account"));
/// assert!(out.contains("http://localhost:9/login"));
/// ```
pub fn for_demo(seed: &str, sign_in_endpoint: &str) -> Result<String, HarnessError> {
    let mut doc: Value = toml::from_str(seed)
        .map_err(|e| HarnessError::Setup(format!("emulator/seed.toml is not TOML: {e}")))?;
    let clients = doc
        .get_mut("clients")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| HarnessError::Setup("seed has no [[clients]]".into()))?;
    let client = clients
        .iter_mut()
        .find(|c| c.get("id").and_then(Value::as_str) == Some(CLIENT_ID))
        .and_then(Value::as_table_mut)
        .ok_or_else(|| HarnessError::Setup(format!("seed has no client {CLIENT_ID}")))?;
    let list = |suffix: &str| {
        Value::Array(
            LOOPBACK
                .iter()
                .map(|o| Value::String(format!("{o}{suffix}")))
                .collect(),
        )
    };
    client.insert("allowed_origins".into(), list(""));
    client.insert("redirect_uris".into(), list("/account"));
    client.insert("sign_out_redirects".into(), list("/"));
    client.insert(
        "sign_in_endpoint".into(),
        Value::String(sign_in_endpoint.to_owned()),
    );
    toml::to_string(&doc).map_err(|e| HarnessError::Setup(format!("serialise config: {e}")))
}
