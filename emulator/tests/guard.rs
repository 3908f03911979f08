//! Who may drive the emulator (issue 11, item 1): control calls that change state must be
//! non-simple requests from this machine, no `GET` changes state, and the control API refuses
//! foreign origins and foreign `Host` names. Refusals from other machines are unit-tested in
//! `src/middleware/control_guard.rs` (a test cannot open a connection from another machine).

mod common;

use common::*;
use serde_json::{json, Value};

async fn offset(emu: &Emu) -> i64 {
    emu.get_json("/_emulator/clock").await["offset_secs"]
        .as_i64()
        .unwrap()
}

/// A JSON reset call sent with an `Origin` header.
async fn reset_from(emu: &Emu, origin: &str) -> reqwest::Response {
    emu.http
        .post(emu.url("/_emulator/reset"))
        .header("origin", origin)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn simple_posts_cannot_change_state() {
    let emu = start().await;
    emu.control("/_emulator/clock", json!({"offset_secs": 100}))
        .await;
    // What a web page can send without a preflight: a form post, a text/plain post, a bare post.
    for content_type in [
        Some("application/x-www-form-urlencoded"),
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut req = emu.http.post(emu.url("/_emulator/reset"));
        if let Some(ct) = content_type {
            req = req.header("content-type", ct).body("a=1");
        }
        let (status, error, message) = error_parts(req.send().await.unwrap()).await;
        assert_eq!(status, 415, "{content_type:?}");
        assert_eq!(error, "control_call_not_json");
        assert!(message.contains("application/json"), "{message}");
        assert!(message.contains("X-Emulator-Control"), "{message}");
    }
    assert_eq!(offset(&emu).await, 100, "nothing was reset");

    // JSON, or any body with the custom header, is a call a page cannot make unasked.
    let r = emu
        .http
        .post(emu.url("/_emulator/reset"))
        .header("x-emulator-control", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(offset(&emu).await, 0);
}

#[tokio::test]
async fn the_dashboard_revoke_form_post_is_refused_and_its_json_call_works() {
    let emu = start().await;
    let s = emu.session(SOLO, None).await;
    let sid = sid_of(&s);
    let path = format!("/_emulator/sessions/{sid}/revoke");
    assert_eq!(emu.post_form(&path, &[]).await.status(), 415);
    let rt = s["refresh_token"].as_str().unwrap();
    let r = emu.refresh(rt, None).await;
    assert_eq!(r.status(), 200, "the session survived the form post");
    let rt: Value = r.json().await.unwrap();

    let (_, html) = emu.page("/_emulator/").await;
    assert!(html.contains(&format!("data-revoke=\"{path}\"")), "{html}");
    assert!(html.contains("'Content-Type': 'application/json'"));
    let v = emu.control(&path, json!({})).await;
    assert_eq!(v, json!({"id": sid, "ended": true}));
    assert_eq!(
        emu.refresh(rt["refresh_token"].as_str().unwrap(), None)
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn get_impersonate_no_longer_signs_anyone_in() {
    let emu = start().await;
    let r = emu
        .get(&format!(
            "/_emulator/impersonate?client_id={CLIENT}&email={}&impersonator=evil%40example.com",
            DEMO.0
        ))
        .await;
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "POST");
    assert!(
        set_cookies(r.headers()).is_empty(),
        "no impersonation cookie"
    );
    let (_, error, message) = error_parts(r).await;
    assert_eq!(error, "method_not_allowed");
    assert!(message.contains("POST"), "{message}");
}

#[tokio::test]
async fn impersonation_links_are_single_use_capabilities() {
    let emu = start().await;
    let v = emu.impersonate(DEMO.0).await;
    let url = v["url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with(&format!("{}/_emulator/impersonate/", emu.base)),
        "{url}"
    );
    assert!(v["expires_at"].is_i64());
    // Opening the link twice changes nothing: the same pending impersonation.
    let first = emu.open(&url).await;
    let second = emu.open(&url).await;
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (302, 302)
    );
    let cookie = impersonation_pair(first.headers());
    assert_eq!(cookie, impersonation_pair(second.headers()));

    let p = pkce();
    let r = emu.authorize_with_cookie(&[], &p, &cookie).await;
    assert!(query_param(&location(r.headers()), "code").is_some());
    // Used up: the link is gone.
    let r = emu.open(&url).await;
    assert_eq!(r.status(), 410);
    assert!(set_cookies(r.headers()).is_empty());

    // An unknown ticket is refused the same way, never a sign-in.
    let r = emu.get("/_emulator/impersonate/not-a-ticket").await;
    assert_eq!(r.status(), 410);

    // A client that lost its sign-in endpoint meanwhile: the link says so.
    let v = emu.impersonate(DEMO.0).await;
    emu.control(
        &format!("/_emulator/clients/{CLIENT}"),
        json!({"sign_in_endpoint": ""}),
    )
    .await;
    let r = emu.open(v["url"].as_str().unwrap()).await;
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("sign-in-endpoint-not-configured"));
}

#[tokio::test]
async fn cross_origin_control_calls_are_refused() {
    let emu = start().await;
    emu.control("/_emulator/clock", json!({"offset_secs": 7}))
        .await;
    let r = reset_from(&emu, "https://evil.example").await;
    let (status, error, message) = error_parts(r).await;
    assert_eq!(status, 403);
    assert_eq!(error, "control_origin_refused");
    assert!(message.contains("https://evil.example"), "{message}");
    assert_eq!(offset(&emu).await, 7);

    // A loopback page (a browser test) may, after its preflight.
    let pre = emu
        .http
        .request(reqwest::Method::OPTIONS, emu.url("/_emulator/reset"))
        .header("origin", "http://127.0.0.1:45678")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 204);
    assert_eq!(
        pre.headers()["access-control-allow-origin"],
        "http://127.0.0.1:45678"
    );
    let r = reset_from(&emu, "http://127.0.0.1:45678").await;
    assert_eq!(r.status(), 200);
    assert_eq!(offset(&emu).await, 0);
}

#[tokio::test]
async fn a_foreign_host_name_is_refused_as_dns_rebinding() {
    let emu = start().await;
    for path in ["/_emulator/sessions", "/_emulator/"] {
        let r = emu.get_with(path, "host", "rebound.evil.example").await;
        let (status, error, message) = error_parts(r).await;
        assert_eq!(status, 403, "{path}");
        assert_eq!(error, "control_host_refused");
        assert!(message.contains("rebound.evil.example"), "{message}");
    }
    // The public API does not care about the host name.
    let r = emu
        .get_with("/sso/jwks/client_demo", "host", "auth.example.com")
        .await;
    assert_eq!(r.status(), 200);
}
