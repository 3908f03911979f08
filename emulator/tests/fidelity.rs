//! Fidelity fixes (issue 11, items 10–12): impersonation into a requested organization checks
//! the membership and carries its claims; a grace-window replay gets the session's current
//! token (and successors survive a restart); runtime changes to memberships, organizations and
//! clients show up on the next refresh.

mod common;

use authkit_emulator::EmulatorOptions;
use common::*;
use serde_json::{json, Value};

/// Start an impersonation of `email` and open its link; returns the cookie pair.
async fn impersonation_cookie(emu: &Emu, email: &str) -> String {
    let v = emu.impersonate(email).await;
    impersonation_pair(emu.open(v["url"].as_str().unwrap()).await.headers())
}

#[tokio::test]
async fn impersonation_into_a_requested_organization_checks_the_membership() {
    let emu = start().await;
    let cookie = impersonation_cookie(&emu, SOLO.0).await;
    let p = pkce();
    let r = emu
        .authorize_with_cookie(&[("organization_id", ACME), ("state", "x")], &p, &cookie)
        .await;
    let loc = location(r.headers());
    assert!(loc.starts_with(REDIRECT), "{loc}");
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("organization_invalid")
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("x"));
    assert!(query_param(&loc, "code").is_none());

    // A member gets that organization's role, roles and permissions.
    let cookie = impersonation_cookie(&emu, DEMO.0).await;
    let r = emu
        .authorize_with_cookie(&[("organization_id", GLOBEX)], &p, &cookie)
        .await;
    let code = query_param(&location(r.headers()), "code").expect("a code");
    let body: Value = emu.exchange(&code, &p.verifier).await.json().await.unwrap();
    assert_eq!(body["organization_id"], GLOBEX);
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["role"], "member");
    assert_eq!(c["roles"], json!(["member"]));
    assert_eq!(c["permissions"], json!(["posts:read"]));
    assert_eq!(c["act"], json!({"sub": "admin@example.com"}));
}

fn grace(secs: i64) -> EmulatorOptions {
    EmulatorOptions {
        refresh_grace_secs: Some(secs),
        ..local_options()
    }
}

async fn rotate(emu: &Emu, token: &str) -> String {
    let r = emu.refresh(token, None).await;
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_replay_inside_the_grace_window_gets_the_current_token() {
    let emu = start_with(grace(60)).await;
    let s = emu.session(SOLO, None).await;
    let t0 = s["refresh_token"].as_str().unwrap().to_string();
    let t1 = rotate(&emu, &t0).await;
    let t2 = rotate(&emu, &t1).await;
    // t0's successor t1 has itself been rotated: the replay gets t2, which works.
    let r = emu.refresh(&t0, None).await;
    assert_eq!(r.status(), 200);
    let replayed: Value = r.json().await.unwrap();
    assert_eq!(replayed["refresh_token"], t2.as_str());
    assert_eq!(rotate(&emu, &t2).await.len(), t2.len());

    // Contention mode: a replay whose successor moved on can never succeed: invalid_grant.
    emu.control(
        "/_emulator/config",
        json!({"refresh_grace_mode": "contention"}),
    )
    .await;
    let (status, error, description) = error_parts(emu.refresh(&t0, None).await).await;
    assert_eq!(
        (status, error.as_str(), description.as_str()),
        (400, "invalid_grant", "Refresh token already exchanged.")
    );
}

#[tokio::test]
async fn grace_successors_survive_a_restart_without_being_stored_in_plain() {
    let dir = tempfile::tempdir().unwrap();
    let opts = || EmulatorOptions {
        data_dir: Some(dir.path().to_path_buf()),
        ..grace(300)
    };
    let emu = start_with(opts()).await;
    let s = emu.session(SOLO, None).await;
    let t0 = s["refresh_token"].as_str().unwrap().to_string();
    let t1 = rotate(&emu, &t0).await;
    emu.emu.shutdown().await;

    let emu = start_with(opts()).await;
    let r = emu.refresh(&t0, None).await;
    assert_eq!(r.status(), 200, "the replay is still inside the window");
    assert_eq!(
        r.json::<Value>().await.unwrap()["refresh_token"],
        t1.as_str()
    );
    emu.emu.shutdown().await;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        for token in [&t0, &t1] {
            assert!(
                !raw.windows(token.len()).any(|w| w == token.as_bytes()),
                "a refresh token is stored in plain"
            );
        }
    }
}

#[tokio::test]
async fn membership_organization_and_client_changes_show_on_the_next_refresh() {
    let emu = start().await;
    let s = emu.session(DEMO, Some(ACME)).await;
    let mut token = s["refresh_token"].as_str().unwrap().to_string();
    let m = emu
        .control(
            "/_emulator/memberships",
            json!({"user": DEMO.0, "organization_id": ACME, "role": "viewer",
                   "permissions": ["posts:read"]}),
        )
        .await;
    assert_eq!(m["role"], "viewer");
    assert_eq!(m["roles"], json!(["viewer"]));
    let r = emu.refresh(&token, None).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    token = body["refresh_token"].as_str().unwrap().to_string();
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["role"], "viewer");
    assert_eq!(c["roles"], json!(["viewer"]));
    assert_eq!(c["permissions"], json!(["posts:read"]));

    let o = emu
        .control(
            &format!("/_emulator/organizations/{ACME}"),
            json!({"feature_flags": ["flag-x"], "entitlements": []}),
        )
        .await;
    assert_eq!(o["feature_flags"], json!(["flag-x"]));
    let r = emu.refresh(&token, None).await;
    let body: Value = r.json().await.unwrap();
    token = body["refresh_token"].as_str().unwrap().to_string();
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["feature_flags"], json!(["flag-x"]));
    assert!(
        c.get("entitlements").is_none(),
        "empty entitlements are omitted"
    );

    // A new app origin: CORS answers it on the next call, and its redirect URI is accepted.
    let origin = "http://localhost:6006";
    let r = emu
        .authenticate(
            json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":token}),
            Some(origin),
        )
        .await;
    assert!(r.headers().get("access-control-allow-origin").is_none());
    token = r.json::<Value>().await.unwrap()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let c = emu
        .control(
            &format!("/_emulator/clients/{CLIENT}"),
            json!({"allowed_origins": [origin], "redirect_uris": ["http://localhost:6006/cb"]}),
        )
        .await;
    assert_eq!(c["allowed_origins"], json!([origin]));
    let r = emu
        .authenticate(
            json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":token}),
            Some(origin),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], origin);
    let p = pkce();
    let u = emu.authorize_url_redirecting_to("http://localhost:6006/cb", &p);
    let r = emu.open(&u).await;
    assert!(location(r.headers()).starts_with("/hosted/sign-in"));
    // The old ones were replaced.
    let r = emu.open(&emu.authorize_url(&[], &p)).await;
    assert_eq!(r.status(), 400);

    // Reset brings back the seed.
    emu.control("/_emulator/reset", json!({})).await;
    let clients = emu.get_json("/_emulator/clients").await;
    assert_eq!(clients[0]["allowed_origins"][0], ORIGIN);
}

#[tokio::test]
async fn runtime_changes_are_refused_clearly_when_they_cannot_apply() {
    let emu = start().await;
    let cases = [
        (
            "/_emulator/memberships",
            json!({"user": SOLO.0, "organization_id": ACME, "role": "x"}),
            404,
            "membership_not_found",
        ),
        (
            "/_emulator/memberships",
            json!({"user": DEMO.0, "organization_id": ACME}),
            400,
            "nothing_to_change",
        ),
        (
            "/_emulator/organizations/org_nope",
            json!({"feature_flags": []}),
            404,
            "organization_not_found",
        ),
        (
            "/_emulator/clients/client_nope",
            json!({"allowed_origins": []}),
            404,
            "client_not_found",
        ),
        (
            &format!("/_emulator/clients/{CLIENT}"),
            json!({"redirect_uris": ["http://example.com:*/x"]}),
            400,
            "invalid_pattern",
        ),
    ];
    for (path, body, status, error) in cases {
        let (s, v) = emu.control_status(path, body).await;
        assert_eq!(
            (s, v["error"].as_str()),
            (status, Some(error)),
            "{path}: {v}"
        );
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}
