//! Refresh rotation, replay, grace, organization switching, session end, logout, cookie mode
//! and impersonation, over HTTP.

mod common;

use authkit_emulator::EmulatorOptions;
use common::*;
use serde_json::{json, Value};

async fn error_of(r: reqwest::Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    (
        status,
        v["error"].as_str().unwrap_or_default().to_string(),
        v["error_description"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test]
async fn refresh_rotates_and_replay_is_rejected() {
    let emu = start().await;
    let s = emu.session(DEMO, Some(ACME)).await;
    let rt1 = s["refresh_token"].as_str().unwrap();
    let sid = claims(s["access_token"].as_str().unwrap())["sid"].clone();

    let r = emu.refresh(rt1, None).await;
    assert_eq!(r.status(), 200);
    let s2: Value = r.json().await.unwrap();
    let rt2 = s2["refresh_token"].as_str().unwrap();
    assert_ne!(rt1, rt2, "rotated");
    let c2 = claims(s2["access_token"].as_str().unwrap());
    assert_eq!(c2["sid"], sid);
    assert_eq!(c2["org_id"], ACME, "no organization_id keeps the last one");
    assert_eq!(s2["organization_id"], ACME);
    assert_eq!(s2["authentication_method"], "Password");

    assert_eq!(
        error_of(emu.refresh(rt1, None).await).await,
        (
            400,
            "invalid_grant".into(),
            "Refresh token already exchanged.".into()
        )
    );
    assert_eq!(
        error_of(emu.refresh("garbage", None).await).await,
        (400, "invalid_grant".into(), "Invalid refresh token.".into())
    );
    assert_eq!(
        error_of(
            emu.authenticate(
                json!({"grant_type":"refresh_token","client_id":CLIENT}),
                None
            )
            .await
        )
        .await,
        (
            400,
            "invalid_request".into(),
            "Missing refresh token.".into()
        )
    );
    assert_eq!(
        error_of(
            emu.authenticate(
                json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":null}),
                None
            )
            .await
        )
        .await
        .2,
        "Missing refresh token."
    );
    // The successor still works.
    assert_eq!(emu.refresh(rt2, None).await.status(), 200);
}

#[tokio::test]
async fn grace_window_returns_the_same_successor() {
    let emu = start_with(EmulatorOptions {
        refresh_grace_secs: Some(300),
        ..local_options()
    })
    .await;
    let s = emu.session(SOLO, None).await;
    let rt1 = s["refresh_token"].as_str().unwrap();
    let a = emu.refresh_json(rt1, None).await;
    let b = emu.refresh_json(rt1, None).await;
    assert_eq!(a["refresh_token"], b["refresh_token"], "same successor");
    assert!(b["access_token"].is_string());
    emu.control("/_emulator/clock", json!({"advance_secs": 301}))
        .await;
    assert_eq!(
        error_of(emu.refresh(rt1, None).await).await.2,
        "Refresh token already exchanged."
    );
    // Contention mode answers 429 + Retry-After inside the window.
    emu.control(
        "/_emulator/config",
        json!({"refresh_grace_mode": "contention"}),
    )
    .await;
    let rt2 = a["refresh_token"].as_str().unwrap();
    assert_eq!(emu.refresh(rt2, None).await.status(), 200);
    let r = emu.refresh(rt2, None).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(error_of(r).await.1, "too_many_requests");
}

#[tokio::test]
async fn default_grace_is_zero() {
    let emu = start().await;
    let cfg = emu.get_json("/_emulator/config").await;
    assert_eq!(cfg["refresh_grace_secs"], 0);
    let s = emu.session(SOLO, None).await;
    let rt1 = s["refresh_token"].as_str().unwrap();
    assert_eq!(emu.refresh(rt1, None).await.status(), 200);
    assert_eq!(emu.refresh(rt1, None).await.status(), 400);
}

#[tokio::test]
async fn organization_switch_keeps_the_session() {
    let emu = start().await;
    let s = emu.session(DEMO, Some(ACME)).await;
    let sid = claims(s["access_token"].as_str().unwrap())["sid"].clone();
    let r = emu
        .refresh(s["refresh_token"].as_str().unwrap(), Some(GLOBEX))
        .await;
    assert_eq!(r.status(), 200);
    let s2: Value = r.json().await.unwrap();
    let c = claims(s2["access_token"].as_str().unwrap());
    assert_eq!(c["sid"], sid);
    assert_eq!(c["org_id"], GLOBEX);
    assert_eq!(c["role"], "member");
    assert_eq!(c["permissions"], json!(["posts:read"]));
    assert_eq!(s2["organization_id"], GLOBEX);
    // The switch is remembered.
    let s3 = emu
        .refresh_json(s2["refresh_token"].as_str().unwrap(), None)
        .await;
    assert_eq!(
        claims(s3["access_token"].as_str().unwrap())["org_id"],
        GLOBEX
    );

    let rt = s3["refresh_token"].as_str().unwrap();
    let solo = emu.session(SOLO, None).await;
    assert_eq!(
        error_of(
            emu.refresh(solo["refresh_token"].as_str().unwrap(), Some(ACME))
                .await
        )
        .await
        .1,
        "organization_membership_not_found"
    );
    assert_eq!(
        error_of(emu.refresh(rt, Some("org_nope")).await).await.1,
        "organization_not_found"
    );
    // A rejected switch does not consume the token.
    assert_eq!(emu.refresh(rt, Some(ACME)).await.status(), 200);
}

#[tokio::test]
async fn logout_ends_the_session_and_redirects_only_to_allowed_urls() {
    let emu = start().await;
    let s = emu.session(DEMO, Some(ACME)).await;
    let sid = sid_of(&s);
    let port = emu.emu.addrs()[0].port();
    let r = emu
        .get_with(
            &format!("/user_management/sessions/logout?session_id={sid}&return_to=http%3A%2F%2Flocalhost%3A5173%2F"),
            "host",
            &format!("localhost:{port}"),
        )
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(r.headers()), "http://localhost:5173/");
    assert_eq!(
        error_of(
            emu.refresh(s["refresh_token"].as_str().unwrap(), None)
                .await
        )
        .await,
        (
            400,
            "invalid_grant".into(),
            "Session has already ended.".into()
        )
    );
    let sessions = emu.get_json("/_emulator/sessions").await;
    let entry = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == sid.as_str())
        .unwrap();
    assert_eq!(entry["ended"], true);
    assert_eq!(entry["user_email"], "demo@example.com");

    // A foreign return_to falls back to the default for the host in use (127.0.0.1 here).
    let r = emu
        .get(&format!(
            "/user_management/sessions/logout?session_id={sid}&return_to=https%3A%2F%2Fevil.example%2F"
        ))
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(r.headers()), "http://127.0.0.1:5173/");

    let r = emu.get("/user_management/sessions/logout").await;
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].is_string());
}

#[tokio::test]
async fn revoke_expiry_and_inactivity_end_sessions() {
    let emu = start().await;
    let a = emu.session(SOLO, None).await;
    let sid = sid_of(&a);
    let v = emu
        .control(&format!("/_emulator/sessions/{sid}/revoke"), json!({}))
        .await;
    assert_eq!(v["ended"], true);
    assert_eq!(
        error_of(
            emu.refresh(a["refresh_token"].as_str().unwrap(), None)
                .await
        )
        .await
        .2,
        "Session has already ended."
    );

    let b = emu.session(SOLO, None).await;
    emu.control("/_emulator/clock", json!({"advance_secs": 30 * 86_400 + 1}))
        .await;
    assert_eq!(
        error_of(
            emu.refresh(b["refresh_token"].as_str().unwrap(), None)
                .await
        )
        .await
        .2,
        "Session has already ended."
    );

    emu.control("/_emulator/config", json!({"inactivity_timeout_secs": 60}))
        .await;
    let c = emu.session(SOLO, None).await;
    let c2 = emu
        .refresh_json(c["refresh_token"].as_str().unwrap(), None)
        .await;
    emu.control("/_emulator/clock", json!({"advance_secs": 61}))
        .await;
    assert_eq!(
        error_of(
            emu.refresh(c2["refresh_token"].as_str().unwrap(), None)
                .await
        )
        .await
        .2,
        "Session has already ended."
    );
}

#[tokio::test]
async fn access_token_ttl_is_configurable() {
    let emu = start_with(EmulatorOptions {
        access_token_ttl_secs: Some(42),
        ..local_options()
    })
    .await;
    let s = emu.session(SOLO, None).await;
    let c = claims(s["access_token"].as_str().unwrap());
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 42);
    let cfg = emu
        .control("/_emulator/config", json!({"access_token_ttl_secs": 7}))
        .await;
    assert_eq!(cfg["access_token_ttl_secs"], 7);
    let s2 = emu
        .refresh_json(s["refresh_token"].as_str().unwrap(), None)
        .await;
    let c = claims(s2["access_token"].as_str().unwrap());
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 7);
    assert!(c.get("aud").is_none());

    // Optional aud and a fixed issuer, for verifiers that need them.
    emu.control(
        "/_emulator/config",
        json!({"audience": "client_demo", "issuer_base": "https://api.workos.com"}),
    )
    .await;
    let s3 = emu
        .refresh_json(s2["refresh_token"].as_str().unwrap(), None)
        .await;
    let c = claims(s3["access_token"].as_str().unwrap());
    assert_eq!(c["aud"], "client_demo");
    assert_eq!(
        c["iss"],
        "https://api.workos.com/user_management/client_demo"
    );
}

#[tokio::test]
async fn cookie_mode_sets_uses_and_clears_cookies() {
    let emu = start().await;
    let p = pkce();
    let code = emu.code_for(SOLO, None, &p).await;
    let r = emu.exchange_from(&code, &p.verifier, Some(ORIGIN)).await;
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(r.headers());
    let refresh_name = "workos-refresh-token.client_demo";
    let refresh_cookie = cookies
        .iter()
        .find(|c| c.starts_with(refresh_name))
        .unwrap();
    assert!(refresh_cookie.contains("HttpOnly"));
    assert!(refresh_cookie.contains("SameSite=Lax"));
    assert!(!refresh_cookie.contains("Secure"), "plain http: no Secure");
    let has = cookies
        .iter()
        .find(|c| c.starts_with("workos-has-session="))
        .unwrap();
    assert!(has.starts_with("workos-has-session=client_demo;"));
    assert!(!has.contains("HttpOnly"));
    let body: Value = r.json().await.unwrap();
    let token = cookie_value(&cookies, refresh_name).unwrap();
    assert_eq!(body["refresh_token"].as_str().unwrap(), token);

    // Refresh with only the cookie (body without refresh_token).
    let r = cookie_refresh(
        &emu,
        format!("{refresh_name}={token}; workos-has-session=client_demo"),
    )
    .await;
    assert_eq!(r.status(), 200);
    let rotated = cookie_value(&set_cookies(r.headers()), refresh_name).unwrap();
    assert_ne!(rotated, token);

    // Third-party cookies blocked: the cookie is not seen, and both cookies are cleared.
    emu.control(
        "/_emulator/config",
        json!({"third_party_cookies_blocked": true}),
    )
    .await;
    let r = cookie_refresh(
        &emu,
        format!("{refresh_name}={rotated}; workos-has-session=client_demo"),
    )
    .await;
    assert_eq!(r.status(), 400);
    let cleared = set_cookies(r.headers());
    assert_eq!(cookie_value(&cleared, refresh_name).as_deref(), Some(""));
    assert_eq!(
        cookie_value(&cleared, "workos-has-session").as_deref(),
        Some("")
    );
    assert_eq!(error_of(r).await.2, "Missing refresh token.");
    emu.control(
        "/_emulator/config",
        json!({"third_party_cookies_blocked": false}),
    )
    .await;

    // Logout clears both cookies.
    let r = cookie_logout(&emu, &body, &rotated).await;
    assert_eq!(r.status(), 302);
    let cleared = set_cookies(r.headers());
    assert!(cleared
        .iter()
        .any(|c| c.starts_with(&format!("{refresh_name}=;")) && c.contains("Max-Age=0")));
    assert!(cleared
        .iter()
        .any(|c| c.starts_with("workos-has-session=;") && c.contains("Max-Age=0")));
}

#[tokio::test]
async fn no_cookies_without_an_allowed_origin_and_secure_behind_https() {
    let emu = start().await;
    for origin in [None, Some("https://evil.example")] {
        let p = pkce();
        let code = emu.code_for(SOLO, None, &p).await;
        let r = emu.exchange_from(&code, &p.verifier, origin).await;
        assert_eq!(r.status(), 200);
        assert!(set_cookies(r.headers()).is_empty(), "{origin:?}");
    }
    let p = pkce();
    let code = emu.code_for(SOLO, None, &p).await;
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .header("origin", ORIGIN)
        .header("x-forwarded-proto", "https")
        .json(&json!({"grant_type":"authorization_code","client_id":CLIENT,"code":code,"code_verifier":p.verifier}))
        .send()
        .await
        .unwrap();
    assert!(set_cookies(r.headers())
        .iter()
        .all(|c| c.contains("; Secure")));
}

#[tokio::test]
async fn impersonation_lands_on_the_sign_in_endpoint_and_yields_act() {
    let emu = start().await;
    let v = emu
        .control(
            "/_emulator/impersonate",
            json!({"client_id": CLIENT, "email": DEMO.0, "impersonator": "admin@example.com", "reason": "support ticket"}),
        )
        .await;
    let url = v["url"].as_str().unwrap();
    assert!(url.starts_with(&emu.base));
    let r = emu.open(url).await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(r.headers()), "http://127.0.0.1:5173/login");
    let pair = impersonation_pair(r.headers());

    // The app's /login starts a normal authorize; no form is shown.
    let p = pkce();
    let r = emu
        .authorize_with_cookie(&[("state", "imp")], &p, &pair)
        .await;
    assert_eq!(r.status(), 302);
    let loc = location(r.headers());
    assert!(loc.starts_with(REDIRECT), "{loc}");
    assert_eq!(query_param(&loc, "state").as_deref(), Some("imp"));
    let body = emu.exchange_redirect(&loc, &p).await;
    assert_eq!(body["authentication_method"], "Impersonation");
    assert_eq!(
        body["impersonator"],
        json!({"email": "admin@example.com", "reason": "support ticket"})
    );
    assert_eq!(body["organization_id"], ACME, "first membership chosen");
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["act"], json!({"sub": "admin@example.com"}));

    // The refresh keeps the impersonation; the session is capped at 60 minutes.
    let r = emu
        .refresh_json(body["refresh_token"].as_str().unwrap(), None)
        .await;
    assert_eq!(r["authentication_method"], "Impersonation");
    assert!(r["impersonator"].is_object());
    emu.control("/_emulator/clock", json!({"advance_secs": 3601}))
        .await;
    assert_eq!(
        error_of(
            emu.refresh(r["refresh_token"].as_str().unwrap(), None)
                .await
        )
        .await
        .2,
        "Session has already ended."
    );

    // The pending impersonation was used up: the next authorize shows the form.
    let r = emu.authorize_with_cookie(&[], &p, &pair).await;
    assert!(location(r.headers()).starts_with("/hosted/sign-in"));
}

#[tokio::test]
async fn switching_into_an_sso_or_mfa_org_needs_the_hosted_page() {
    let emu = start().await;
    let s = emu.session(DEMO, Some(GLOBEX)).await;
    let rt = s["refresh_token"].as_str().unwrap();
    let v = emu
        .control(
            &format!("/_emulator/organizations/{ACME}/policy"),
            json!({"requires": "sso"}),
        )
        .await;
    assert_eq!(v["requires"], "sso");
    // 403 as node's fixture answers; sso_required keeps the OAuth shape.
    let r = emu.refresh(rt, Some(ACME)).await;
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "sso_required");
    assert!(body["error_description"].is_string());
    assert_eq!(body["email"], DEMO.0);
    assert!(body["connection_ids"].is_array());
    assert!(body["pending_authentication_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    emu.control(
        &format!("/_emulator/organizations/{ACME}/policy"),
        json!({"requires": "mfa"}),
    )
    .await;
    // mfa_enrollment is a plain-shape 403 step-up: code, message, pending token, user (and
    // CORS headers for the app's origin, like every token-endpoint answer).
    let refresh = json!({"grant_type": "refresh_token", "client_id": CLIENT,
                             "refresh_token": rt, "organization_id": ACME});
    let r = emu.authenticate(refresh.clone(), Some(ORIGIN)).await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["access-control-allow-origin"], ORIGIN);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "mfa_enrollment");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(body.get("error").is_none() && body.get("error_description").is_none());
    let pending = body["pending_authentication_token"].as_str().unwrap();
    assert!(!pending.is_empty());
    assert_eq!(body["user"]["object"], "user");
    assert_eq!(body["user"]["id"], s["user"]["id"]);
    assert_eq!(
        body["user"], s["user"],
        "the user object as in authenticate"
    );
    // Each refusal carries a fresh token.
    let again: Value = emu.authenticate(refresh, None).await.json().await.unwrap();
    assert_ne!(again["pending_authentication_token"], pending);
    // The token was not consumed, and the fallback (authorize with organization_id) works.
    assert_eq!(emu.refresh(rt, None).await.status(), 200);
    let p = pkce();
    let loc = emu
        .sign_in(DEMO, None, &[("organization_id", ACME)], &p)
        .await;
    let body = emu.exchange_redirect(&loc, &p).await;
    assert_eq!(body["organization_id"], ACME);
    // Refreshing within the org it is already in is fine.
    assert_eq!(
        emu.refresh(body["refresh_token"].as_str().unwrap(), Some(ACME))
            .await
            .status(),
        200
    );
}

/// A cookie-mode refresh from the app's origin: the body has no refresh token, only `cookie`
/// carries it.
/// The demo client's refresh cookie.
const REFRESH_COOKIE: &str = "workos-refresh-token.client_demo";

/// `GET /user_management/sessions/logout` for the session of `body` (an authenticate answer),
/// sending the refresh cookie `token` and `workos-has-session` as the browser would.
async fn cookie_logout(emu: &Emu, body: &Value, token: &str) -> reqwest::Response {
    emu.get_with(
        &format!(
            "/user_management/sessions/logout?session_id={}",
            sid_of(body)
        ),
        "cookie",
        &format!("{REFRESH_COOKIE}={token}; workos-has-session=client_demo"),
    )
    .await
}

async fn cookie_refresh(emu: &Emu, cookie: String) -> reqwest::Response {
    emu.http
        .post(emu.url("/user_management/authenticate"))
        .header("origin", ORIGIN)
        .header("cookie", cookie)
        .json(&json!({"grant_type":"refresh_token","client_id":CLIENT}))
        .send()
        .await
        .unwrap()
}

/// Checks both cookie-mode cookies in `set`: `workos-has-session` carries exactly `attrs`, the
/// refresh cookie the same plus `HttpOnly` (written before `Secure`).
fn assert_session_cookies(set: &[String], attrs: &[&str]) {
    let mut refresh: Vec<&str> = attrs.iter().copied().filter(|a| *a != "Secure").collect();
    refresh.push("HttpOnly");
    if attrs.contains(&"Secure") {
        refresh.push("Secure");
    }
    assert_eq!(
        attributes(cookie_named(set, REFRESH_COOKIE)),
        refresh,
        "{set:?}"
    );
    assert_eq!(
        attributes(cookie_named(set, "workos-has-session")),
        attrs,
        "{set:?}"
    );
}

/// The attributes of a `Set-Cookie` after its `name=value`, with `Max-Age=N` written
/// `Max-Age=*` unless it is 0.
fn attributes(cookie: &str) -> Vec<String> {
    cookie
        .split("; ")
        .skip(1)
        .map(|a| match a.strip_prefix("Max-Age=") {
            Some(n) if n != "0" => "Max-Age=*".to_string(),
            _ => a.to_string(),
        })
        .collect()
}

/// The one `Set-Cookie` of `cookies` that sets `name`.
fn cookie_named<'a>(cookies: &'a [String], name: &str) -> &'a str {
    let prefix = format!("{name}=");
    let found: Vec<&String> = cookies.iter().filter(|c| c.starts_with(&prefix)).collect();
    assert_eq!(found.len(), 1, "one {name} in {cookies:?}");
    found[0]
}

#[tokio::test]
async fn a_cookie_domain_scopes_both_session_cookies_from_exchange_to_logout() {
    let seed = authkit_emulator::seed::DEFAULT_SEED.replace(
        "cookie_mode = true",
        "cookie_mode = true\ncookie_domain = \"example.test\"",
    );
    let emu = start_with(EmulatorOptions {
        seed: Some(authkit_emulator::seed::Seed::parse(&seed).expect("seed with cookie_domain")),
        ..local_options()
    })
    .await;
    assert_eq!(
        emu.get_json("/_emulator/config").await["cookie_domain"],
        "example.test"
    );
    let p = pkce();
    let code = emu.code_for(SOLO, None, &p).await;
    let r = emu.exchange_from(&code, &p.verifier, Some(ORIGIN)).await;
    assert_eq!(r.status(), 200);
    let set = set_cookies(r.headers());
    assert_session_cookies(
        &set,
        &["Path=/", "Domain=example.test", "Max-Age=*", "SameSite=Lax"],
    );
    let body: Value = r.json().await.unwrap();
    let token = cookie_value(&set, REFRESH_COOKIE).unwrap();

    // A cookie refresh sets them again on the same domain.
    let r = cookie_refresh(
        &emu,
        format!("{REFRESH_COOKIE}={token}; workos-has-session=client_demo"),
    )
    .await;
    assert_eq!(r.status(), 200);
    let set = set_cookies(r.headers());
    for name in [REFRESH_COOKIE, "workos-has-session"] {
        assert!(
            attributes(cookie_named(&set, name)).contains(&"Domain=example.test".to_string()),
            "{set:?}"
        );
    }
    let rotated = cookie_value(&set, REFRESH_COOKIE).unwrap();

    // Logout clears them on that domain too (a clearing cookie without it would not match).
    let r = cookie_logout(&emu, &body, &rotated).await;
    assert_eq!(r.status(), 302);
    let set = set_cookies(r.headers());
    assert_session_cookies(
        &set,
        &["Path=/", "Domain=example.test", "Max-Age=0", "SameSite=Lax"],
    );

    // A terminal refresh failure (the session has ended) clears them on that domain as well.
    let r = cookie_refresh(
        &emu,
        format!("{REFRESH_COOKIE}={rotated}; workos-has-session=client_demo"),
    )
    .await;
    assert_eq!(r.status(), 400);
    let set = set_cookies(r.headers());
    for name in [REFRESH_COOKIE, "workos-has-session"] {
        let a = attributes(cookie_named(&set, name));
        assert!(
            a.contains(&"Domain=example.test".to_string()) && a.contains(&"Max-Age=0".to_string())
        );
    }
}

#[tokio::test]
async fn session_cookies_stay_host_only_until_the_control_api_sets_a_cookie_domain() {
    let emu = start().await;
    let exchange = || async {
        let p = pkce();
        let code = emu.code_for(SOLO, None, &p).await;
        let r = emu.exchange_from(&code, &p.verifier, Some(ORIGIN)).await;
        assert_eq!(r.status(), 200);
        set_cookies(r.headers())
    };
    // The default: host-only, SameSite=Lax, no Secure over plain http.
    let set = exchange().await;
    assert_session_cookies(&set, &["Path=/", "Max-Age=*", "SameSite=Lax"]);
    assert_eq!(
        emu.get_json("/_emulator/config").await["cookie_domain"],
        Value::Null
    );

    // A leading dot is tolerated and dropped, letters are lowercased.
    let cfg = emu
        .control(
            "/_emulator/config",
            json!({"cookie_domain": ".Example.TEST"}),
        )
        .await;
    assert_eq!(cfg["cookie_domain"], "example.test");
    let set = exchange().await;
    for name in [REFRESH_COOKIE, "workos-has-session"] {
        assert_eq!(
            attributes(cookie_named(&set, name))[..2],
            ["Path=/", "Domain=example.test"]
        );
    }

    // Anything but a bare host name is refused, and changes nothing.
    for bad in [
        "https://example.test",
        "example.test:4100",
        "example.test/app",
        "example test",
        "..example.test",
    ] {
        let (status, v) = emu
            .control_status("/_emulator/config", json!({ "cookie_domain": bad }))
            .await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(v["error"], "invalid_setting", "{v}");
        assert!(
            v["message"].as_str().unwrap().contains("bare host name"),
            "{v}"
        );
    }
    assert_eq!(
        emu.get_json("/_emulator/config").await["cookie_domain"],
        "example.test"
    );

    // "" removes it: host-only again.
    let cfg = emu
        .control("/_emulator/config", json!({"cookie_domain": ""}))
        .await;
    assert_eq!(cfg["cookie_domain"], Value::Null);
    let set = exchange().await;
    assert!(set.iter().all(|c| !c.contains("Domain=")), "{set:?}");
}

#[tokio::test]
async fn same_site_none_marks_both_session_cookies_secure_even_over_http() {
    let emu = start().await;
    let cfg = emu
        .control("/_emulator/config", json!({"cookie_same_site": "none"}))
        .await;
    assert_eq!(cfg["cookie_same_site"], "none");
    let p = pkce();
    let code = emu.code_for(SOLO, None, &p).await;
    let r = emu.exchange_from(&code, &p.verifier, Some(ORIGIN)).await;
    assert_eq!(r.status(), 200);
    let set = set_cookies(r.headers());
    assert_session_cookies(&set, &["Path=/", "Max-Age=*", "SameSite=None", "Secure"]);
    let body: Value = r.json().await.unwrap();
    let token = cookie_value(&set, REFRESH_COOKIE).unwrap();
    let r = cookie_logout(&emu, &body, &token).await;
    let set = set_cookies(r.headers());
    assert_eq!(
        attributes(cookie_named(&set, "workos-has-session")),
        ["Path=/", "Max-Age=0", "SameSite=None", "Secure"]
    );
    let (status, _) = emu
        .control_status("/_emulator/config", json!({"cookie_same_site": "strict"}))
        .await;
    assert_eq!(status, 400);
}
