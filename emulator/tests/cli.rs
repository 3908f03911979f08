//! The binary: `--help`, the one stdout line, a request, a clean stop.

mod common;

use std::process::{Command, Stdio};

use common::binary::{mint_and_exchange, post_refresh, spawn_and_read_line, stop, BIN};

/// Run `f` to completion on a new current-thread runtime.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

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
        "--cookie-domain",
        "--cookie-same-site",
        "--read-timeout",
        "--control-from-anywhere",
    ] {
        assert!(text.contains(flag), "{flag} in --help");
    }
}

#[test]
fn prints_the_listening_line_serves_and_logs_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("stderr.log");
    let mut command = Command::new(BIN);
    command
        .args(["--host", "127.0.0.1", "--port", "0", "--in-memory"])
        .env("RUST_LOG", "trace")
        .stderr(std::fs::File::create(&log_path).unwrap());
    let (mut child, line) = spawn_and_read_line(command);
    let base = line
        .trim_end()
        .strip_prefix("authkit-emulator listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"));
    let result = std::panic::catch_unwind(|| {
        let base = base.expect("listening line");
        block_on(async {
            let http = reqwest::Client::new();
            let verifier = "v".repeat(64);
            let (code, body) = mint_and_exchange(&http, &base, "demo@example.com", &verifier).await;
            let refresh = body["refresh_token"].as_str().unwrap().to_string();
            let r = post_refresh(&http, &base, &refresh).await.unwrap();
            assert_eq!(r.status(), 200);
            let access = body["access_token"].as_str().unwrap().to_string();
            vec![code, verifier, refresh, access]
        })
    });
    stop(&mut child);
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

/// Starts the emulator with the default seed edited by `edit` (`from` replaced by `to`) and
/// checks that it refuses to start (exit 2) saying `message`.
fn refused_seed((from, to): (&str, &str), message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let seed = authkit_emulator::seed::DEFAULT_SEED.replace(from, to);
    assert_ne!(
        seed,
        authkit_emulator::seed::DEFAULT_SEED,
        "the edit applies"
    );
    let path = dir.path().join("seed.toml");
    std::fs::write(&path, seed).unwrap();
    let (code, _, stderr) = refused(&[
        "--port",
        "0",
        "--in-memory",
        "--config",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains(message), "{stderr}");
}

/// Run the binary with `args`, which must refuse to start; its exit code, stdout and stderr.
/// One that is still running after a minute has started (and is killed).
fn refused(args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            stop(&mut child);
            panic!("{args:?} started instead of refusing");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "{args:?} exited successfully");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn out_of_range_numbers_in_flags_and_seed_are_refused_at_start() {
    for (flag, value, range) in [
        ("--access-token-ttl", "0", "1..=31536000"),
        ("--access-token-ttl", "9000000000000000000", "1..=31536000"),
        ("--refresh-grace", "-1", "0..=86400"),
        ("--read-timeout", "0", "1..=3600"),
    ] {
        let (code, stdout, stderr) = refused(&["--port", "0", "--in-memory", flag, value]);
        assert_eq!(code, 2, "{flag} {value}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(flag) && stderr.contains(range), "{stderr}");
    }
    refused_seed(
        (
            "session_lifetime_secs = 2592000",
            "session_lifetime_secs = -5",
        ),
        "session_lifetime_secs must be between 1 and 315360000 (got -5)",
    );
}

#[test]
fn a_cookie_domain_is_a_bare_host_name_in_flags_and_seed() {
    for value in [
        "https://example.test",
        "example.test:4100",
        "example.test/app",
        "example test",
        "",
    ] {
        let (code, stdout, stderr) =
            refused(&["--port", "0", "--in-memory", "--cookie-domain", value]);
        assert_eq!(code, 2, "{value:?}: {stderr}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains("--cookie-domain") && stderr.contains("must be a bare host name"),
            "{stderr}"
        );
    }
    refused_seed(
        (
            "cookie_mode = true",
            "cookie_mode = true\ncookie_domain = \"example.test:4100\"",
        ),
        "cookie_domain `example.test:4100` must be a bare host name",
    );

    // A good one (leading dot dropped) becomes the setting.
    let (mut child, base) = spawn(
        &[
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--in-memory",
            "--cookie-domain",
            ".example.test",
        ],
        Stdio::null(),
    );
    let config = block_on(async {
        reqwest::Client::new()
            .get(format!("{base}/_emulator/config"))
            .send()
            .await?
            .json::<serde_json::Value>()
            .await
    });
    stop(&mut child);
    assert_eq!(config.unwrap()["cookie_domain"], "example.test");
}

/// Spawn the binary; wait for its listening line; returns the child and the base URL.
fn spawn(args: &[&str], stderr: Stdio) -> (std::process::Child, String) {
    let mut command = Command::new(BIN);
    command.args(args).stderr(stderr);
    let (child, line) = spawn_and_read_line(command);
    let port = line
        .trim_end()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_string();
    (child, format!("http://127.0.0.1:{port}"))
}

#[test]
fn a_second_emulator_on_one_data_dir_names_the_first_ones_pid() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (mut first, _) = spawn(
        &["--host", "127.0.0.1", "--port", "0", "--data-dir", data],
        Stdio::null(),
    );
    let (code, stdout, stderr) =
        refused(&["--host", "127.0.0.1", "--port", "0", "--data-dir", data]);
    stop(&mut first);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains(&format!("pid {}", first.id())), "{stderr}");
}

#[test]
fn listening_on_all_interfaces_warns_and_keeps_the_control_api_local() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("stderr.log");
    let (mut child, base) = spawn(
        &["--host", "0.0.0.0", "--port", "0", "--in-memory"],
        Stdio::from(std::fs::File::create(&log).unwrap()),
    );
    let status = block_on(async {
        reqwest::Client::new()
            .get(format!("{base}/_emulator/clock"))
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    stop(&mut child);
    assert_eq!(status.unwrap(), 200, "this machine may still drive it");
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert!(stderr.contains("reachable from other machines"), "{stderr}");
    assert!(stderr.contains("--control-from-anywhere"), "{stderr}");
}

/// Issue 11 item 5: the workspace's release profile (the one `cargo run --release -p
/// authkit-emulator` uses) unwinds, so the catch-panic layer can turn a panicking handler into a
/// 500 in release builds too.
#[test]
fn the_release_profile_unwinds() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let manifest: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let panic = manifest
        .get("profile")
        .and_then(|p| p.get("release"))
        .and_then(|r| r.get("panic"))
        .and_then(toml::Value::as_str);
    assert!(
        matches!(panic, None | Some("unwind")),
        "[profile.release] sets panic = {panic:?}: a release emulator would die on a handler panic"
    );
}
