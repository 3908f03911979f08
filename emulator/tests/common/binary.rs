//! The emulator binary as a child process, for the tests that run it (`cli.rs`, `crash.rs`),
//! and the token calls they make against its base URL.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The emulator binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_authkit-emulator");

/// Spawn `command` (the binary and its arguments) with its stdout piped, and read the one line
/// the binary prints there; the child and that line, as read.
pub fn spawn_and_read_line(mut command: Command) -> (Child, String) {
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

/// Kill a child this test started and wait for it to end.
pub fn stop(child: &mut Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Mint a code for `email` through `POST {base}/_emulator/codes` (PKCE with `verifier`) and
/// exchange it: the code and the exchange's JSON answer.
pub async fn mint_and_exchange(
    http: &reqwest::Client,
    base: &str,
    email: &str,
    verifier: &str,
) -> (String, Value) {
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let minted: Value = http
        .post(format!("{base}/_emulator/codes"))
        .json(&json!({"client_id": "client_demo", "email": email,
                      "code_challenge": challenge, "redirect_uri": "http://localhost:5173/account"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = minted["code"].as_str().unwrap().to_string();
    let body: Value = http
        .post(format!("{base}/user_management/authenticate"))
        .json(
            &json!({"grant_type": "authorization_code", "client_id": "client_demo",
                      "code": code, "code_verifier": verifier}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (code, body)
}

/// `POST {base}/user_management/authenticate` with a refresh-token grant for `token`; the
/// result of sending it (an error when no answer arrived).
pub async fn post_refresh(
    http: &reqwest::Client,
    base: &str,
    token: &str,
) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{base}/user_management/authenticate"))
        .json(
            &json!({"grant_type": "refresh_token", "client_id": "client_demo",
                      "refresh_token": token}),
        )
        .send()
        .await
}
