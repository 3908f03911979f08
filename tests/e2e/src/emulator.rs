//! The emulator: building it, starting it with a generated config, and its control API.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::error::HarnessError;
use crate::http;
use crate::procs::{self, ChildGuard};

/// Builds `authkit-emulator` with cargo (honouring `CARGO_TARGET_DIR`) and returns the path of
/// the binary, as reported by cargo itself.
pub fn build(workspace: &Path, log: &Path) -> Result<PathBuf, HarnessError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let stderr = std::fs::File::create(log)
        .map_err(|e| HarnessError::io(format!("create {}", log.display()), e))?;
    let out = Command::new(cargo)
        .current_dir(workspace)
        .args([
            "build",
            "-p",
            "authkit-emulator",
            "--bin",
            "authkit-emulator",
            "--message-format=json",
        ])
        .stdin(Stdio::null())
        .stderr(stderr)
        .output()
        .map_err(|e| HarnessError::io("cargo build -p authkit-emulator", e))?;
    if !out.status.success() {
        return Err(HarnessError::Setup(format!(
            "cargo build -p authkit-emulator failed ({}); see {}",
            out.status,
            log.display()
        )));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "authkit-emulator")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| HarnessError::Setup("cargo reported no authkit-emulator executable".into()))
}

/// A running emulator process.
#[derive(Debug)]
pub struct Running {
    /// Keeps the process alive; it is killed on drop.
    pub guard: ChildGuard,
    /// The port it listens on.
    pub port: u16,
}

/// Starts `binary` on `host:port` (0 = any) with `config`, stderr into `log`; waits for the
/// contract's ready line and returns the real port.
pub fn start(
    binary: &Path,
    host: &str,
    port: u16,
    config: &Path,
    log: &Path,
) -> Result<Running, HarnessError> {
    let stderr = std::fs::File::create(log)
        .map_err(|e| HarnessError::io(format!("create {}", log.display()), e))?;
    let mut cmd = Command::new(binary);
    cmd.args(["--host", host, "--port", &port.to_string(), "--in-memory"])
        .arg("--config")
        .arg(config);
    procs::server_stdio(&mut cmd).stderr(stderr);
    let mut guard = procs::spawn(&mut cmd, &format!("authkit-emulator on {host}"))?;
    let prefix = format!("authkit-emulator listening on http://{host}:");
    let line = procs::wait_for_line(&mut guard, Duration::from_secs(60), move |l| {
        l.starts_with(&prefix)
    })
    .map_err(|e| HarnessError::Setup(format!("{e}; emulator log: {}", log.display())))?;
    let port = line
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().trim_end_matches('/').parse().ok())
        .ok_or_else(|| HarnessError::Setup(format!("bad ready line {line:?}")))?;
    Ok(Running { guard, port })
}

/// The header that marks a control call as one no web page could send unasked.
const CONTROL_HEADER: &str = "X-Emulator-Control";

/// A handle on one emulator's control API (`/_emulator/…`) and its base URL.
///
/// ```no_run
/// # async fn demo() -> Result<(), authkit_e2e::HarnessError> {
/// let emu = authkit_e2e::Emulator::new("http://127.0.0.1:4100");
/// emu.reset().await?;
/// let log = emu.requests().await?;
/// assert!(log.is_empty());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Emulator {
    /// `http://host:port` as the browser sees it.
    pub base: String,
}

impl Emulator {
    /// A handle on the emulator at `base`.
    pub fn new(base: impl Into<String>) -> Self {
        Self { base: base.into() }
    }

    /// Sends a control request and checks for a 2xx answer; returns the JSON body (or `null`).
    /// Every call carries `X-Emulator-Control`, which the emulator requires of a `POST`
    /// without a JSON body (so that no web page can send one).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, HarnessError> {
        let url = format!("{}{path}", self.base);
        let res = http::request(method, &url, body.as_ref(), &[(CONTROL_HEADER, "1")]).await?;
        if !(200..300).contains(&res.status) {
            return Err(HarnessError::Http(format!(
                "{method} {path} → {}: {}",
                res.status, res.body
            )));
        }
        if res.body.trim().is_empty() {
            Ok(Value::Null)
        } else {
            res.json()
        }
    }

    /// `POST /_emulator/reset`: back to the seed.
    pub async fn reset(&self) -> Result<(), HarnessError> {
        self.call("POST", "/_emulator/reset", None).await.map(drop)
    }

    /// `POST /_emulator/config` with `patch`; returns the effective config.
    pub async fn set_config(&self, patch: Value) -> Result<Value, HarnessError> {
        self.call("POST", "/_emulator/config", Some(patch)).await
    }

    /// `POST /_emulator/faults`; returns the fault id.
    pub async fn fault(&self, fault: Value) -> Result<String, HarnessError> {
        let v = self.call("POST", "/_emulator/faults", Some(fault)).await?;
        Ok(v["id"].as_str().unwrap_or_default().to_owned())
    }

    /// `GET /_emulator/requests`: the request log (never a secret).
    pub async fn requests(&self) -> Result<Vec<Value>, HarnessError> {
        let v = self.call("GET", "/_emulator/requests", None).await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    /// `DELETE /_emulator/requests`.
    pub async fn clear_requests(&self) -> Result<(), HarnessError> {
        self.call("DELETE", "/_emulator/requests", None)
            .await
            .map(drop)
    }

    /// The logged token requests (`POST /user_management/authenticate`) with this grant type.
    pub async fn grants(&self, grant_type: &str) -> Result<Vec<Value>, HarnessError> {
        Ok(self
            .requests()
            .await?
            .into_iter()
            .filter(|r| {
                r["path"] == "/user_management/authenticate" && r["grant_type"] == grant_type
            })
            .collect())
    }

    /// `POST /_emulator/impersonate`: starts an impersonation of `email` in `organization_id`
    /// by `impersonator` and returns the single-use link a browser opens to receive it (it
    /// lands on the demo's sign-in endpoint, whose authorize then signs in at once).
    pub async fn impersonation_url(
        &self,
        email: &str,
        organization_id: &str,
        impersonator: &str,
        reason: &str,
    ) -> Result<String, HarnessError> {
        let v = self
            .call(
                "POST",
                "/_emulator/impersonate",
                Some(json!({
                    "client_id": "client_demo",
                    "email": email,
                    "organization_id": organization_id,
                    "impersonator": impersonator,
                    "reason": reason,
                })),
            )
            .await?;
        v["url"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| HarnessError::Http(format!("no url in the impersonation answer {v}")))
    }

    /// `GET /_emulator/sessions`.
    pub async fn sessions(&self) -> Result<Vec<Value>, HarnessError> {
        let v = self.call("GET", "/_emulator/sessions", None).await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    /// `POST /user_management/authenticate` with a refresh token, as an attacker replaying a
    /// stolen token would; returns the raw response.
    pub async fn replay_refresh(
        &self,
        client_id: &str,
        refresh_token: &str,
    ) -> Result<http::Response, HarnessError> {
        let body = json!({
            "client_id": client_id,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        });
        http::request(
            "POST",
            &format!("{}/user_management/authenticate", self.base),
            Some(&body),
            &[],
        )
        .await
    }

    /// `GET /_emulator/mailbox?to=…`: the emails to `to`, newest first.
    pub async fn mailbox(&self, to: &str) -> Result<Vec<Value>, HarnessError> {
        let to = crate::flows::encode(to);
        let v = self
            .call("GET", &format!("/_emulator/mailbox?to={to}"), None)
            .await?;
        Ok(v["emails"].as_array().cloned().unwrap_or_default())
    }

    /// The newest email to `to` of `kind` (`email_verification`, `magic_auth`,
    /// `password_reset`, `invitation`), waiting briefly for it to arrive.
    pub async fn latest_email(&self, to: &str, kind: &str) -> Result<Value, HarnessError> {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(e) = self
                .mailbox(to)
                .await?
                .into_iter()
                .find(|e| e["kind"] == kind)
            {
                return Ok(e);
            }
            if std::time::Instant::now() > deadline {
                return Err(HarnessError::Http(format!(
                    "no {kind} email to {to} in the mailbox"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The authenticator-app secret (base32) the mailbox shows for `email`.
    pub async fn totp_secret(&self, email: &str) -> Result<String, HarnessError> {
        let v = self.call("GET", "/_emulator/mailbox", None).await?;
        v["totp_factors"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["email"] == email))
            .and_then(|f| f["secret"].as_str())
            .map(str::to_owned)
            .ok_or_else(|| HarnessError::Http(format!("no TOTP factor for {email}")))
    }

    /// The emulator's clock, epoch seconds (`GET /_emulator/clock`).
    pub async fn now(&self) -> Result<u64, HarnessError> {
        let v = self.call("GET", "/_emulator/clock", None).await?;
        v["now"]
            .as_u64()
            .ok_or_else(|| HarnessError::Http(format!("no clock in {v}")))
    }

    /// `POST /_emulator/invitations`: invites `email` to `organization_id`; returns the
    /// invitation (with `token` and `accept_invitation_url`).
    pub async fn invite(&self, email: &str, organization_id: &str) -> Result<Value, HarnessError> {
        self.call(
            "POST",
            "/_emulator/invitations",
            Some(json!({ "email": email, "organization_id": organization_id })),
        )
        .await
    }

    /// `GET /_emulator/users`.
    pub async fn users(&self) -> Result<Vec<Value>, HarnessError> {
        let v = self.call("GET", "/_emulator/users", None).await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }
}
