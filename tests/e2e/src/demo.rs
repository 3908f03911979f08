//! Building the demo with Trunk (offline) into a directory outside the repository.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::HarnessError;

/// Set to `1` to build the demo with `trunk build --release` (used by `authkit-bench`).
pub const RELEASE_ENV: &str = "AUTHKIT_E2E_RELEASE";

/// Runs `trunk build --offline --dist <dist>` at the workspace root with `AUTHKIT_API_PORT`
/// set to `api_port`, so the demo talks to the emulator the harness started. Output goes to
/// `log`. Trunk runs cargo for wasm32 and honours `CARGO_TARGET_DIR`.
///
/// With [`RELEASE_ENV`] set to `1` it builds the release profile (`trunk build --release`,
/// wasm-opt when on PATH): the benchmarks measure what visitors would download.
pub fn build(workspace: &Path, dist: &Path, api_port: u16, log: &Path) -> Result<(), HarnessError> {
    let trunk = std::env::var("TRUNK").unwrap_or_else(|_| "trunk".to_owned());
    let release = std::env::var(RELEASE_ENV).is_ok_and(|v| v == "1");
    let out = std::fs::File::create(log)
        .map_err(|e| HarnessError::io(format!("create {}", log.display()), e))?;
    let err = out
        .try_clone()
        .map_err(|e| HarnessError::io("clone log handle", e))?;
    let status = Command::new(&trunk)
        .current_dir(workspace)
        .args(["build", "--offline"])
        .args(release.then_some("--release"))
        .arg("--dist")
        .arg(dist)
        .env("AUTHKIT_API_PORT", api_port.to_string())
        // Everything else at its default: client_demo, API host = the page's host, http,
        // dev mode auto (on for localhost/127.0.0.1, off for 127.0.0.2).
        .env_remove("AUTHKIT_CLIENT_ID")
        .env_remove("AUTHKIT_API_HOSTNAME")
        .env_remove("AUTHKIT_API_HTTPS")
        .env_remove("AUTHKIT_DEV_MODE")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| HarnessError::io(format!("run {trunk} (is trunk 0.21 installed?)"), e))?;
    if !status.success() {
        return Err(HarnessError::Setup(format!(
            "trunk build failed ({status}); see {}",
            log.display()
        )));
    }
    if !dist.join("index.html").is_file() {
        return Err(HarnessError::Setup(format!(
            "trunk build wrote no index.html into {}",
            dist.display()
        )));
    }
    Ok(())
}
