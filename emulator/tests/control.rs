//! CORS, request ids, the control API (faults, clock, config, request log, rate limits, keys,
//! codes, reset, dashboard) and persistence across a restart, over HTTP.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn cors_for_allowed_and_foreign_origins() {
    let emu = start().await;
    let pre = |origin: &str| {
        emu.http
            .request(
                reqwest::Method::OPTIONS,
                emu.url("/user_management/authenticate"),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let r = pre(ORIGIN).await.unwrap();
    assert_eq!(r.status(), 204);
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], ORIGIN);
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert!(h["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    assert!(h["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("content-type"));
    assert!(h.get_all("vary").iter().any(|v| v == "Origin"));
    assert!(h.get("x-request-id").is_some());

    let r = pre("https://evil.example").await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert!(r
        .headers()
        .get("access-control-allow-credentials")
        .is_none());

    // Actual responses, errors included.
    let r = emu
        .authenticate(
            json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":"x"}),
            Some("http://127.0.0.1:5173"),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://127.0.0.1:5173"
    );
    assert_eq!(r.headers()["access-control-allow-credentials"], "true");
    assert!(r.headers().get_all("vary").iter().any(|v| v == "Origin"));
    let r = emu
        .authenticate(
            json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":"x"}),
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    // Another port is not the allowed origin.
    let r = emu
        .authenticate(
            json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":"x"}),
            Some("http://localhost:5174"),
        )
        .await;
    assert!(r.headers().get("access-control-allow-origin").is_none());

    // The control API allows any loopback origin, not others.
    let r = emu
        .get_with("/_emulator/clock", "origin", "http://127.0.0.1:45678")
        .await;
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://127.0.0.1:45678"
    );
    let r = emu
        .get_with("/_emulator/clock", "origin", "https://evil.example")
        .await;
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    let emu = start().await;
    for path in [
        "/nope",
        "/_emulator/",
        "/user_management/authorize",
        "/sso/jwks/client_demo",
        "/user_management/sessions/logout",
    ] {
        let r = emu.get(path).await;
        let id = r.headers()["x-request-id"].to_str().unwrap();
        assert!(!id.is_empty(), "{path}");
    }
    let r = emu
        .get_with("/_emulator/clock", "x-request-id", "my-trace-1")
        .await;
    assert_eq!(r.headers()["x-request-id"], "my-trace-1");
    let a = emu.get("/nope").await;
    let b = emu.get("/nope").await;
    assert_ne!(a.headers()["x-request-id"], b.headers()["x-request-id"]);
}

#[tokio::test]
async fn status_faults_with_count_and_grant_type() {
    let emu = start().await;
    let s = emu.session(SOLO, None).await;
    let rt = s["refresh_token"].as_str().unwrap().to_string();
    let v = emu
        .control(
            "/_emulator/faults",
            json!({"method":"POST","path":"/user_management/authenticate","grant_type":"refresh_token",
                   "status":503,"body":"<html>down</html>","headers":{"Retry-After":"1"},"count":2}),
        )
        .await;
    assert!(v["id"].as_str().unwrap().starts_with("fault_"));
    for _ in 0..2 {
        let r = emu
            .authenticate(
                json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":rt}),
                Some(ORIGIN),
            )
            .await;
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], "1");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        assert_eq!(
            r.headers()["access-control-allow-origin"],
            ORIGIN,
            "CORS on faults"
        );
        assert!(r.headers().get("x-request-id").is_some());
        assert_eq!(r.text().await.unwrap(), "<html>down</html>");
    }
    // Other grants are untouched, and after two the fault is gone: the token was never used.
    let p = pkce();
    let code = emu.code_for(SOLO, None, &p).await;
    emu.control(
        "/_emulator/faults",
        json!({"method":"POST","path":"/user_management/authenticate","grant_type":"refresh_token","status":500}),
    )
    .await;
    assert_eq!(emu.exchange(&code, &p.verifier).await.status(), 200);
    assert_eq!(emu.refresh(&rt, None).await.status(), 500, "until cleared");
    assert_eq!(emu.refresh(&rt, None).await.status(), 500);
    let r = emu.delete("/_emulator/faults").await;
    assert!(r.status().is_success());
    assert_eq!(emu.refresh(&rt, None).await.status(), 200);
}

#[tokio::test]
async fn dropped_connections_and_lost_responses() {
    let emu = start().await;
    let s = emu.session(SOLO, None).await;
    let rt = s["refresh_token"].as_str().unwrap().to_string();

    emu.control(
        "/_emulator/faults",
        json!({"method":"POST","path":"/user_management/authenticate","drop":true,"count":1}),
    )
    .await;
    let err = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .json(&json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":rt}))
        .send()
        .await;
    assert!(err.is_err(), "connection closed without a response");
    // Nothing happened server-side: the token still rotates.
    let r = emu.refresh(&rt, None).await;
    assert_eq!(r.status(), 200);
    let rt2 = r.json::<Value>().await.unwrap()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();

    // after_success: the refresh happens, the response is lost.
    emu.control(
        "/_emulator/faults",
        json!({"method":"POST","path":"/user_management/authenticate","grant_type":"refresh_token",
               "after_success":true,"count":1}),
    )
    .await;
    let lost = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .json(&json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":rt2}))
        .send()
        .await;
    assert!(lost.is_err());
    let r = emu.refresh(&rt2, None).await;
    assert_eq!(r.status(), 400, "the lost refresh did rotate the token");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error_description"], "Refresh token already exchanged.");

    let log = emu.get_json("/_emulator/requests").await;
    let dropped: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["dropped"] == true)
        .collect();
    assert_eq!(dropped.len(), 2);
    assert_eq!(dropped[0]["status"], 0);
    assert_eq!(dropped[1]["status"], 200);
    assert_eq!(dropped[1]["grant_type"], "refresh_token");
}

#[tokio::test]
async fn delayed_requests_still_complete() {
    let emu = start().await;
    emu.control(
        "/_emulator/faults",
        json!({"method":"GET","path":"/sso/jwks/*","delay_ms":50,"count":1}),
    )
    .await;
    let r = emu.get("/sso/jwks/client_demo").await;
    assert_eq!(r.status(), 200);
    let faults = emu.get_json("/_emulator/faults").await;
    assert_eq!(faults.as_array().unwrap().len(), 0, "count 1 used up");
}

#[tokio::test]
async fn clock_expires_access_tokens_and_codes() {
    let emu = start().await;
    let c = emu.get_json("/_emulator/clock").await;
    assert_eq!(c["offset_secs"], 0);
    let s = emu.session(SOLO, None).await;
    let before = claims(s["access_token"].as_str().unwrap());
    let v = emu
        .control("/_emulator/clock", json!({"advance_secs": 400}))
        .await;
    assert_eq!(v["offset_secs"], 400);
    let v = emu
        .control("/_emulator/clock", json!({"advance_secs": 100}))
        .await;
    assert_eq!(v["offset_secs"], 500);
    let after = emu
        .refresh_json(s["refresh_token"].as_str().unwrap(), None)
        .await;
    let iat = claims(after["access_token"].as_str().unwrap())["iat"]
        .as_i64()
        .unwrap();
    assert!(
        iat >= before["exp"].as_i64().unwrap() + 200,
        "minted on the shifted clock"
    );
    let v = emu
        .control("/_emulator/clock", json!({"offset_secs": -5}))
        .await;
    assert_eq!(v["offset_secs"], -5);
}

#[tokio::test]
async fn request_log_has_no_secrets() {
    let emu = start().await;
    let p = pkce();
    let code = emu.code_for(DEMO, Some(ACME), &p).await;
    let r = emu.exchange_from(&code, &p.verifier, Some(ORIGIN)).await;
    let body: Value = r.json().await.unwrap();
    let rt = body["refresh_token"].as_str().unwrap();
    emu.refresh(rt, None).await;
    let log = emu.get_json("/_emulator/requests").await;
    let text = log.to_string();
    for secret in [
        code.as_str(),
        p.verifier.as_str(),
        p.challenge.as_str(),
        rt,
        body["access_token"].as_str().unwrap(),
        "demo-password",
    ] {
        assert!(!text.contains(secret), "log leaks a secret");
    }
    let entries = log.as_array().unwrap();
    let auth: Vec<&Value> = entries
        .iter()
        .filter(|e| e["path"] == "/user_management/authenticate")
        .collect();
    assert_eq!(auth.len(), 2);
    assert_eq!(auth[0]["grant_type"], "authorization_code");
    assert_eq!(auth[0]["origin"], ORIGIN);
    assert_eq!(auth[0]["status"], 200);
    assert_eq!(auth[1]["grant_type"], "refresh_token");
    assert!(auth[1]["origin"].is_null());
    assert!(entries
        .iter()
        .all(|e| e["at_ms"].is_i64() && e["seq"].is_u64()));
    assert!(entries
        .iter()
        .any(|e| e["path"] == "/user_management/authorize" && e["method"] == "GET"));
    assert!(entries
        .iter()
        .all(|e| !e["path"].as_str().unwrap().starts_with("/_emulator")));
    emu.delete("/_emulator/requests").await;
    assert_eq!(emu.get_json("/_emulator/requests").await, json!([]));
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let emu = start().await;
    let cfg = emu
        .control(
            "/_emulator/config",
            json!({"rate_limits": {"GET /sso/jwks/client_demo": {"limit": 2, "window_secs": 60}}}),
        )
        .await;
    assert_eq!(cfg["rate_limits"]["GET /sso/jwks/client_demo"]["limit"], 2);
    let get = || emu.get("/sso/jwks/client_demo");
    assert_eq!(get().await.status(), 200);
    assert_eq!(get().await.status(), 200);
    let r = get().await;
    assert_eq!(r.status(), 429);
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "too_many_requests");
    emu.control("/_emulator/clock", json!({"advance_secs": 61}))
        .await;
    assert_eq!(get().await.status(), 200);

    emu.control(
        "/_emulator/config",
        json!({"rate_limits": {"GET /sso/jwks/client_demo":
            {"limit": 0, "window_secs": 10, "body": "daily_quota_exceeded"}}}),
    )
    .await;
    let r = get().await;
    assert_eq!(r.status(), 429);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "daily_quota_exceeded");
    assert!(v["message"].is_string());
}

#[tokio::test]
async fn key_rotation_publishes_both_keys() {
    let emu = start().await;
    let s1 = emu.session(SOLO, None).await;
    let old_kid = jwt_header(s1["access_token"].as_str().unwrap())["kid"].clone();
    let v = emu.control("/_emulator/keys/rotate", json!({})).await;
    let new_kid = v["kid"].as_str().unwrap().to_string();
    assert_ne!(old_kid, new_kid.as_str());
    let s2 = emu
        .refresh_json(s1["refresh_token"].as_str().unwrap(), None)
        .await;
    let at2 = s2["access_token"].as_str().unwrap();
    assert_eq!(jwt_header(at2)["kid"], new_kid.as_str());
    let jwks = emu.get_json("/sso/jwks/client_demo").await;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    assert_eq!(jwks["keys"][0]["kid"], new_kid.as_str(), "active key first");
    assert!(verify_with_jwks(at2, &jwks));
    assert!(verify_with_jwks(
        s1["access_token"].as_str().unwrap(),
        &jwks
    ));
}

#[tokio::test]
async fn minted_codes_reset_and_dashboard() {
    let emu = start().await;
    let p = pkce();
    let v = emu
        .control(
            "/_emulator/codes",
            json!({"client_id":CLIENT,"email":DEMO.0,"code_challenge":p.challenge,
                   "redirect_uri":"http://127.0.0.1:40000/account","organization_id":GLOBEX}),
        )
        .await;
    let r = emu.exchange(v["code"].as_str().unwrap(), &p.verifier).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["organization_id"], GLOBEX);
    let (bad, _) = emu
        .control_status(
            "/_emulator/codes",
            json!({"client_id":CLIENT,"email":DEMO.0,"code_challenge":p.challenge,
                   "redirect_uri":"https://evil.example/account"}),
        )
        .await;
    assert_eq!(bad, 400);

    let (_, html) = emu.page("/_emulator/").await;
    assert!(html.contains("demo@example.com") && html.contains("Globex"));
    let sid = sid_of(&body);
    assert!(html.contains(&format!("/_emulator/sessions/{sid}/revoke")));
    // The dashboard's button sends the JSON call (a form post is refused: tests/guard.rs).
    let v = emu
        .control(&format!("/_emulator/sessions/{sid}/revoke"), json!({}))
        .await;
    assert_eq!(v["ended"], true);
    assert_eq!(
        emu.refresh(body["refresh_token"].as_str().unwrap(), None)
            .await
            .status(),
        400
    );

    emu.control("/_emulator/clock", json!({"advance_secs": 99}))
        .await;
    emu.control("/_emulator/config", json!({"access_token_ttl_secs": 9}))
        .await;
    emu.control(
        "/_emulator/faults",
        json!({"method":"GET","path":"/nope","status":500}),
    )
    .await;
    emu.control("/_emulator/reset", json!({})).await;
    assert_eq!(emu.get_json("/_emulator/clock").await["offset_secs"], 0);
    assert_eq!(
        emu.get_json("/_emulator/config").await["access_token_ttl_secs"],
        300
    );
    assert_eq!(emu.get_json("/_emulator/faults").await, json!([]));
    assert_eq!(emu.get_json("/_emulator/sessions").await, json!([]));
    assert_eq!(emu.get_json("/_emulator/requests").await, json!([]));
    let users = emu.get_json("/_emulator/users").await;
    assert_eq!(users.as_array().unwrap().len(), 3, "the seed's three users");
    // The seed users still sign in after a reset.
    emu.session(DEMO, Some(ACME)).await;
}

#[tokio::test]
async fn a_restart_keeps_users_sessions_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start_in(dir.path().to_path_buf()).await;
    let p = pkce();
    let done = emu.sign_up("kept@example.com", "kept-password", &p).await;
    let code = query_param(&done, "code").unwrap();
    let body: Value = emu.exchange(&code, &p.verifier).await.json().await.unwrap();
    let rt = body["refresh_token"].as_str().unwrap().to_string();
    let kid = jwt_header(body["access_token"].as_str().unwrap())["kid"].clone();
    let jwks_before = emu.get_json("/sso/jwks/client_demo").await;
    emu.emu.shutdown().await;

    let emu = start_in(dir.path().to_path_buf()).await;
    let r = emu.refresh(&rt, None).await;
    assert_eq!(r.status(), 200, "the session survived the restart");
    let after: Value = r.json().await.unwrap();
    assert_eq!(after["user"]["email"], "kept@example.com");
    assert_eq!(
        after["user"]["email_verified"], true,
        "the verification was kept"
    );
    assert_eq!(
        jwt_header(after["access_token"].as_str().unwrap())["kid"],
        kid
    );
    assert_eq!(emu.get_json("/sso/jwks/client_demo").await, jwks_before);
    let again = emu
        .session(("kept@example.com", "kept-password"), None)
        .await;
    assert_eq!(again["user"]["id"], body["user"]["id"]);
    // Passwords are stored hashed.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!raw.windows(13).any(|w| w == b"kept-password"));
        assert!(
            !raw.windows(rt.len()).any(|w| w == rt.as_bytes()),
            "refresh tokens are hashed"
        );
    }
    emu.emu.shutdown().await;

    // In memory, nothing is kept.
    let mem = start().await;
    assert_eq!(mem.refresh(&rt, None).await.status(), 400);
}

#[tokio::test]
async fn the_jwks_is_public_cors_for_any_origin_without_credentials() {
    let emu = start().await;
    // An origin on no client's list still gets to read the keys, without credentials.
    let r = emu
        .get_with(
            "/sso/jwks/client_demo",
            "origin",
            "https://verifier.example",
        )
        .await;
    assert_eq!(r.status(), 200);
    let acao = r.headers()["access-control-allow-origin"].to_str().unwrap();
    assert!(acao == "*" || acao == "https://verifier.example", "{acao}");
    assert!(r
        .headers()
        .get("access-control-allow-credentials")
        .is_none());
    assert!(r.headers().get_all("vary").iter().any(|v| v == "Origin"));
    // Its preflight too.
    let r = emu
        .http
        .request(reqwest::Method::OPTIONS, emu.url("/sso/jwks/client_demo"))
        .header("origin", "https://verifier.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-trace")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.headers().get("access-control-allow-origin").is_some());
    assert!(r
        .headers()
        .get("access-control-allow-credentials")
        .is_none());
    assert!(r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("GET"));
    // An allowed origin keeps the credentialed echo.
    let r = emu
        .get_with("/sso/jwks/client_demo", "origin", ORIGIN)
        .await;
    assert_eq!(r.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(r.headers()["access-control-allow-credentials"], "true");
    // Other API routes still refuse a foreign origin.
    let r = emu
        .get_with(
            "/user_management/authorize",
            "origin",
            "https://verifier.example",
        )
        .await;
    assert!(r.headers().get("access-control-allow-origin").is_none());
}
