//! The data dir (issue 11, items 6 and 8): a rotation is one transaction whose failure is a
//! 500, one emulator per data dir, a schema version (newer refused, older migrated), and
//! short-lived records swept.

mod common;

use std::path::Path;

use authkit_emulator::{Emulator, EmulatorOptions};
use common::*;
use rusqlite::Connection;
use serde_json::{json, Value};

fn database(dir: &Path) -> Connection {
    Connection::open(dir.join("emulator.sqlite3")).unwrap()
}

fn options_in(dir: &Path) -> EmulatorOptions {
    EmulatorOptions {
        data_dir: Some(dir.to_path_buf()),
        ..local_options()
    }
}

#[tokio::test]
async fn a_rotation_that_cannot_be_saved_is_a_500_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start_in(dir.path().to_path_buf()).await;
    let s = emu.session(DEMO, Some(ACME)).await;
    let rt = s["refresh_token"].as_str().unwrap();

    // Another process holds the database's write lock.
    let other = database(dir.path());
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let r = emu.refresh(rt, Some(GLOBEX)).await;
    let (status, error, description) = error_parts(r).await;
    assert_eq!((status, error.as_str()), (500, "server_error"));
    assert!(
        description.contains("could not save") && description.contains("locked"),
        "{description}"
    );
    other.execute_batch("ROLLBACK").unwrap();

    // Nothing was rotated or switched: the same token still works, in the same organization.
    let r = emu.refresh(rt, None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["organization_id"], ACME);
}

#[tokio::test]
async fn a_second_emulator_on_the_same_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_in(dir.path().to_path_buf()).await;
    let err = Emulator::start(options_in(dir.path()))
        .await
        .expect_err("the data dir is taken");
    let message = err.to_string();
    assert!(
        message.contains(&format!("pid {}", std::process::id())),
        "{message}"
    );
    assert!(
        message.contains(&dir.path().display().to_string()),
        "{message}"
    );
    assert!(message.contains("--data-dir"), "{message}");
    // Once the first has stopped, the dir is free again.
    first.emu.shutdown().await;
    let again = Emulator::start(options_in(dir.path())).await.unwrap();
    again.shutdown().await;
}

#[tokio::test]
async fn a_newer_schema_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start_in(dir.path().to_path_buf()).await;
    emu.emu.shutdown().await;
    database(dir.path())
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let message = Emulator::start(options_in(dir.path()))
        .await
        .expect_err("a newer schema")
        .to_string();
    assert!(message.contains("schema version 99"), "{message}");
    assert!(message.contains("newer authkit-emulator"), "{message}");
}

#[tokio::test]
async fn an_unversioned_data_dir_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start_in(dir.path().to_path_buf()).await;
    let s = emu.session(DEMO, Some(ACME)).await;
    emu.emu.shutdown().await;
    // What an emulator from before the schema version left behind: version 0, no successor
    // fields in the refresh-token records.
    let db = database(dir.path());
    db.pragma_update(None, "user_version", 0).unwrap();
    let rows: Vec<(String, String)> = db
        .prepare("SELECT id, data FROM refresh_tokens")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (id, data) in rows {
        let mut v: Value = serde_json::from_str(&data).unwrap();
        v.as_object_mut().unwrap().remove("successor");
        db.execute(
            "UPDATE refresh_tokens SET data = ?1 WHERE id = ?2",
            (v.to_string(), id),
        )
        .unwrap();
    }
    drop(db);

    let emu = start_in(dir.path().to_path_buf()).await;
    let version: i64 = database(dir.path())
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, authkit_emulator::store::SCHEMA_VERSION);
    let r = emu
        .refresh(s["refresh_token"].as_str().unwrap(), None)
        .await;
    assert_eq!(r.status(), 200, "the old session carries on");
}

#[tokio::test]
async fn codes_sign_ins_impersonations_and_successors_are_swept() {
    let emu = start_with(EmulatorOptions {
        refresh_grace_secs: Some(30),
        ..local_options()
    })
    .await;
    let s = emu.session(SOLO, None).await;
    emu.refresh(s["refresh_token"].as_str().unwrap(), None)
        .await;
    let p = pkce();
    emu.begin(&[], &p).await;
    emu.code_for(DEMO, Some(ACME), &p).await;
    emu.impersonate(DEMO.0).await;
    let stats = emu.get_json("/_emulator/stats").await;
    assert_eq!(stats["codes"], 1);
    assert_eq!(stats["pending_sign_ins"], 1, "{stats}");
    assert_eq!(
        stats["finished_sign_ins"], 2,
        "kept to answer a double submit: {stats}"
    );
    assert_eq!(stats["impersonations"], 1);
    assert_eq!(stats["grace_successors"], 1);

    // Past every lifetime (codes 10 min, pages 30 min, impersonations 10 min, grace 30 s).
    emu.control("/_emulator/clock", json!({"advance_secs": 1801}))
        .await;
    let stats = emu.get_json("/_emulator/stats").await;
    for key in [
        "codes",
        "pending_sign_ins",
        "finished_sign_ins",
        "impersonations",
        "grace_successors",
    ] {
        assert_eq!(stats[key], 0, "{key}: {stats}");
    }
    assert_eq!(stats["sessions"], 1, "records are kept: {stats}");
}
