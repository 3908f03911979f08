//! The binary: `--help`, the one stdout line, a request, a clean stop.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

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
fn prints_the_listening_line_and_serves() {
    let mut child = Command::new(BIN)
        .args(["--host", "127.0.0.1", "--port", "0", "--in-memory"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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
            let r = reqwest::get(format!("{base}/sso/jwks/client_demo"))
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let v: serde_json::Value = r.json().await.unwrap();
            assert_eq!(v["keys"][0]["alg"], "RS256");
        });
    });
    child.kill().unwrap();
    child.wait().unwrap();
    result.unwrap();
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
