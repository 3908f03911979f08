//! The binary: `--help`, the one stdout line, a request, a clean stop.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_authkit-emulator");

#[test]
fn help_documents_every_flag() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--host",
        "--port",
        "--config",
        "--data-dir",
        "--in-memory",
        "--access-token-ttl",
        "--refresh-grace",
    ] {
        assert!(text.contains(flag), "{flag} in --help");
    }
}

#[test]
fn prints_the_listening_line_serves_and_logs_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("stderr.log");
    let mut child = Command::new(BIN)
        .args(["--host", "127.0.0.1", "--port", "0", "--in-memory"])
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim_end()
        .strip_prefix("authkit-emulator listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"));
    let result = std::panic::catch_unwind(|| {
        let base = base.expect("listening line");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let http = reqwest::Client::new();
            let verifier = "v".repeat(64);
            let challenge = {
                use base64::Engine;
                use sha2::Digest;
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(sha2::Sha256::digest(verifier.as_bytes()))
            };
            let code: Value = http
                .post(format!("{base}/_emulator/codes"))
                .json(
                    &json!({"client_id":"client_demo","email":"demo@example.com",
                    "code_challenge":challenge,"redirect_uri":"http://localhost:5173/account"}),
                )
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let code = code["code"].as_str().unwrap().to_string();
            let body: Value = http
                .post(format!("{base}/user_management/authenticate"))
                .json(
                    &json!({"grant_type":"authorization_code","client_id":"client_demo",
                    "code":code,"code_verifier":verifier}),
                )
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let refresh = body["refresh_token"].as_str().unwrap().to_string();
            let r = http
                .post(format!("{base}/user_management/authenticate"))
                .json(
                    &json!({"grant_type":"refresh_token","client_id":"client_demo",
                    "refresh_token":refresh}),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let access = body["access_token"].as_str().unwrap().to_string();
            vec![code, verifier, refresh, access]
        })
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let secrets = result.unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("path=/user_management/authenticate"), "{log}");
    assert!(log.contains("status=200") && log.contains("latency_ms="));
    for s in secrets {
        assert!(!log.contains(&s), "stderr leaks a secret");
    }
}

#[test]
fn a_bad_config_fails_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.toml");
    std::fs::write(
        &path,
        "[[clients]]\nid = \"c\"\nredirect_uris = [\"http://example.com:*/x\"]\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["--port", "0", "--in-memory", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("port wildcard"), "{err}");
    assert!(out.stdout.is_empty());
}
