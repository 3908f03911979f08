//! A hard crash loses nothing (issue 11, item 9): the binary is killed with SIGKILL in the
//! middle of 200 concurrent refreshes; after a restart every session is at its old or its new
//! refresh token, and the database holds exactly one current token per session.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use authkit_emulator::ids::digest;
use common::binary::{mint_and_exchange, post_refresh, spawn_and_read_line, stop, BIN};
use serde_json::Value;

const SESSIONS: usize = 200;

/// Start the binary on `dir` with a long grace window, so that a session whose rotation
/// happened but whose answer was lost can still be reached through its old token.
fn spawn(dir: &Path) -> (Child, String) {
    let mut command = Command::new(BIN);
    command
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--refresh-grace",
            "3600",
        ])
        .arg("--data-dir")
        .arg(dir)
        .stderr(Stdio::null());
    let (child, line) = spawn_and_read_line(command);
    let base = line
        .trim_end()
        .strip_prefix("authkit-emulator listening on ")
        .unwrap_or_else(|| panic!("no listening line: {line:?}"))
        .to_string();
    (child, base)
}

async fn new_session(http: &reqwest::Client, base: &str) -> String {
    let verifier = authkit_emulator::ids::secret(48);
    let (_, body) = mint_and_exchange(http, base, "solo@example.com", &verifier).await;
    body["refresh_token"].as_str().unwrap().to_string()
}

/// Refresh `token`; the new token when an answer arrived.
async fn refresh(http: reqwest::Client, base: String, token: String) -> Option<String> {
    let r = post_refresh(&http, &base, &token).await.ok()?;
    assert!(
        r.status() == 200,
        "a refresh before the crash answered {}",
        r.status()
    );
    let body: Value = r.json().await.ok()?;
    Some(body["refresh_token"].as_str()?.to_string())
}

/// What the killed process left on disk, after checking that the database is intact and every
/// record readable: each refresh token's session, and each session's current (not yet
/// exchanged) refresh tokens.
struct OnDisk {
    session_of: HashMap<String, String>,
    current: HashMap<String, Vec<String>>,
}

fn on_disk(dir: &Path) -> OnDisk {
    let db = rusqlite::Connection::open(dir.join("emulator.sqlite3")).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    for table in authkit_emulator::store::TABLES {
        let mut stmt = db.prepare(&format!("SELECT data FROM {table}")).unwrap();
        for data in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
            serde_json::from_str::<Value>(&data.unwrap()).expect("a readable record");
        }
    }
    let mut found = OnDisk {
        session_of: HashMap::new(),
        current: HashMap::new(),
    };
    let mut stmt = db.prepare("SELECT data FROM refresh_tokens").unwrap();
    for data in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let record: Value = serde_json::from_str(&data.unwrap()).unwrap();
        let hash = record["hash"].as_str().unwrap().to_string();
        let session = record["session_id"].as_str().unwrap().to_string();
        if record["exchanged_at"].is_null() {
            found
                .current
                .entry(session.clone())
                .or_default()
                .push(hash.clone());
        }
        found.session_of.insert(hash, session);
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_200_refreshes_loses_no_session() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = spawn(dir.path());
    // A request the kill cut off must end as "no answer", not wait on a dead connection forever
    // (one CI run hung here once); the emulator answers these within milliseconds.
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap();
    let mut old = Vec::with_capacity(SESSIONS);
    for _ in 0..SESSIONS {
        old.push(new_session(&http, &base).await);
    }

    let mut flights = tokio::task::JoinSet::new();
    for (i, token) in old.iter().enumerate() {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        flights.spawn(async move { (i, refresh(http, base, token).await) });
    }
    let mut new: Vec<Option<String>> = vec![None; SESSIONS];
    let mut killed = false;
    while let Some(done) = flights.join_next().await {
        let (i, token) = done.unwrap();
        new[i] = token;
        if !killed {
            stop(&mut child); // SIGKILL, while the other refreshes are in flight
            killed = true;
        }
    }

    let disk = on_disk(dir.path());
    assert_eq!(
        disk.current.len(),
        SESSIONS,
        "every session has a current token"
    );
    for (i, old_token) in old.iter().enumerate() {
        let session = disk
            .session_of
            .get(&digest(old_token))
            .unwrap_or_else(|| panic!("session {i} lost its old token"));
        let current = &disk.current[session];
        assert_eq!(current.len(), 1, "session {i}: one current token");
        match &new[i] {
            // The answer arrived: the rotation it reports was kept.
            Some(t) => assert_eq!(current[0], digest(t), "session {i}"),
            // No answer: at the old token, or at a successor whose answer was lost.
            None if current[0] == digest(old_token) => {}
            None => assert_eq!(
                disk.session_of.get(&current[0]),
                Some(session),
                "session {i}"
            ),
        }
    }

    let (mut child, base) = spawn(dir.path());
    let result = async {
        let sessions: Value = http
            .get(format!("{base}/_emulator/sessions"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(sessions.as_array().unwrap().len(), SESSIONS);
        for (i, old_token) in old.iter().enumerate() {
            // At the new token: it works. At the old one: it works (a plain rotation), and a
            // session that rotated without its answer reaching us is reached through the old
            // token's grace window, which hands out the current token.
            let token = new[i].clone().unwrap_or_else(|| old_token.clone());
            let r = post_refresh(&http, &base, &token).await.unwrap();
            assert_eq!(r.status(), 200, "session {i} after the restart");
        }
    }
    .await;
    stop(&mut child);
    result
}
