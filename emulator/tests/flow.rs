//! Authorize validation, the hosted HTML pages and the authorization-code grant, over HTTP.

mod common;

use authkit_emulator::seed::Seed;
use authkit_emulator::EmulatorOptions;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::*;
use serde_json::json;
use sha2::{Digest, Sha256};

#[tokio::test]
async fn full_pkce_flow_through_the_forms_with_org_picker() {
    let emu = start().await;
    let p = pkce();
    let state = r#"{"returnTo":"/x?a=1&b=2"} ü+%20"#;
    let loc = emu
        .sign_in(DEMO, Some(GLOBEX), &[("state", state)], &p)
        .await;
    assert!(
        loc.starts_with("http://localhost:5173/account?code="),
        "{loc}"
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some(state));
    let code = query_param(&loc, "code").unwrap();

    let r = emu.exchange(&code, &p.verifier).await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    let obj = body.as_object().unwrap();
    for k in [
        "user",
        "access_token",
        "refresh_token",
        "authentication_method",
    ] {
        assert!(obj.contains_key(k), "missing {k}");
    }
    assert!(!obj.contains_key("expires_in"));
    assert!(!obj.contains_key("impersonator"));
    assert_eq!(body["organization_id"], GLOBEX);
    assert_eq!(body["authentication_method"], "Password");
    let user = body["user"].as_object().unwrap();
    for k in [
        "object",
        "id",
        "first_name",
        "last_name",
        "profile_picture_url",
        "email",
        "email_verified",
        "external_id",
        "last_sign_in_at",
        "created_at",
        "updated_at",
    ] {
        assert!(user.contains_key(k), "user.{k} missing");
    }
    assert_eq!(user["email"], "demo@example.com");
    assert!(user["profile_picture_url"].is_null());
    assert_eq!(user["name"], "Demo User");

    let at = body["access_token"].as_str().unwrap();
    let c = claims(at);
    assert_eq!(c["sub"], user["id"]);
    assert_eq!(c["org_id"], GLOBEX);
    assert_eq!(c["role"], "member");
    assert_eq!(c["roles"], json!(["member"]));
    assert_eq!(c["permissions"], json!(["posts:read"]));
    assert_eq!(c["feature_flags"], json!(["new-dashboard"]));
    assert_eq!(c["client_id"], CLIENT);
    assert_eq!(
        c["iss"],
        format!("{}/user_management/{CLIENT}", emu.base).as_str()
    );
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 300);
    assert!(c["sid"].as_str().unwrap().starts_with("session_"));
    assert!(c["jti"].is_string() && c["auth_time"].is_i64());
    assert!(c.get("aud").is_none() && c.get("act").is_none());
    assert_eq!(jwt_header(at)["alg"], "RS256");

    let jwks = emu.get_json(&format!("/sso/jwks/{CLIENT}")).await;
    assert!(
        verify_with_jwks(at, &jwks),
        "signature verifies against the JWKS"
    );
    let mut tampered = at.to_string();
    tampered.insert(at.find('.').unwrap() + 5, 'A');
    assert!(!verify_with_jwks(&tampered, &jwks));
    let key = &jwks["keys"][0];
    for k in ["kid", "n", "e", "alg", "kty", "use", "x5c", "x5t#S256"] {
        assert!(key.get(k).is_some(), "jwk.{k}");
    }
    assert_eq!(key["kid"], jwt_header(at)["kid"]);
    let der = STANDARD.decode(key["x5c"][0].as_str().unwrap()).unwrap();
    assert_eq!(der[0], 0x30, "x5c is a DER certificate");
    assert_eq!(
        key["x5t#S256"].as_str().unwrap(),
        URL_SAFE_NO_PAD.encode(Sha256::digest(&der))
    );
    let r = emu.get("/sso/jwks/client_nope").await;
    assert_eq!(r.status(), 404);
    assert!(r.json::<serde_json::Value>().await.unwrap()["message"].is_string());
}

#[tokio::test]
async fn acme_admin_claims_and_no_org_user() {
    let emu = start().await;
    let body = emu.session(DEMO, Some(ACME)).await;
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["role"], "admin");
    assert_eq!(
        c["permissions"],
        json!(["posts:read", "posts:write", "members:manage"])
    );
    assert_eq!(c["entitlements"], json!(["audit-logs", "sso"]));

    let solo = emu.session(SOLO, None).await;
    assert!(solo.get("organization_id").is_none());
    let c = claims(solo["access_token"].as_str().unwrap());
    for k in ["org_id", "role", "roles", "permissions"] {
        assert!(c.get(k).is_none(), "{k} absent without an org");
    }
}

#[tokio::test]
async fn state_is_omitted_when_absent_and_org_selector_skips_the_picker() {
    let emu = start().await;
    let p = pkce();
    let loc = emu
        .sign_in(DEMO, None, &[("organization_id", ACME)], &p)
        .await;
    assert!(query_param(&loc, "code").is_some());
    assert!(!loc.contains("state="), "{loc}");
    let body = emu.exchange_redirect(&loc, &p).await;
    assert_eq!(body["organization_id"], ACME);
}

#[tokio::test]
async fn authorize_errors_render_a_page_and_never_redirect() {
    let emu = start().await;
    let p = pkce();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("client_id", "client_nope")], "client-id-invalid"),
        (vec![("client_id", "")], "client-id-invalid"),
        (
            vec![("redirect_uri", "https://evil.example/account")],
            "redirect-uri-invalid",
        ),
        (
            vec![("redirect_uri", "http://localhost:5173/other")],
            "redirect-uri-invalid",
        ),
        (
            vec![("redirect_uri", "http://localhost:5173/account#frag")],
            "redirect-uri-invalid",
        ),
        (vec![("response_type", "token")], "invalid-response-type"),
        (vec![("provider", "")], "invalid-connection-selector"),
        (
            vec![("connection_id", "conn_1")],
            "invalid-connection-selector",
        ),
        (vec![("provider", "NopeOAuth")], "invalid-provider"),
        (
            vec![("code_challenge_method", "plain")],
            "invalid-code-challenge",
        ),
        (
            vec![("provider", "GoogleOAuth"), ("screen_hint", "sign-up")],
            "invalid-screen-hint",
        ),
    ];
    for (overrides, expected) in cases {
        let mut u = url::Url::parse(&emu.authorize_url(&[], &p)).unwrap();
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .filter(|(k, _)| !overrides.iter().any(|(o, _)| o == k))
            .chain(
                overrides
                    .iter()
                    .filter(|(_, v)| !v.is_empty() || *expected == *"client-id-invalid")
                    .map(|(k, v)| (k.to_string(), v.to_string())),
            )
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        let r = emu.open(u.as_str()).await;
        assert_eq!(r.status(), 400, "{expected}");
        assert!(r.headers().get("location").is_none(), "{expected}");
        assert!(r.headers().get("x-request-id").is_some());
        let html = r.text().await.unwrap();
        assert!(html.contains(expected), "{expected}: {html}");
    }
}

#[tokio::test]
async fn loopback_port_wildcard_redirect_uris() {
    let emu = start().await;
    let p = pkce();
    for (uri, ok) in [
        ("http://localhost:41234/account", true),
        ("http://127.0.0.1:9/account", true),
        ("http://localhost:41234/other", false),
        ("http://127.0.0.2:9/account", false),
    ] {
        let r = emu.open(&emu.authorize_url_redirecting_to(uri, &p)).await;
        assert_eq!(r.status() == 302, ok, "{uri}");
    }
}

#[tokio::test]
async fn unknown_organization_is_reported_to_the_app() {
    let emu = start().await;
    let p = pkce();
    let r = emu
        .open(&emu.authorize_url(&[("organization_id", "org_nope"), ("state", "s1")], &p))
        .await;
    assert_eq!(r.status(), 302);
    let loc = location(r.headers());
    assert!(loc.starts_with(REDIRECT));
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("organization_invalid")
    );
    assert!(query_param(&loc, "error_description").is_some());
    assert_eq!(query_param(&loc, "state").as_deref(), Some("s1"));
}

#[tokio::test]
async fn organization_id_alone_has_no_connection_to_use() {
    let emu = start().await;
    let p = pkce();
    // organization_id as the only selector means the org's SSO connection; none is modelled.
    let r = emu
        .open(
            &emu.authorize_url_without_provider(&[("organization_id", ACME), ("state", "s1")], &p),
        )
        .await;
    assert_eq!(r.status(), 302);
    let loc = location(r.headers());
    assert!(loc.starts_with(&format!("{REDIRECT}?")), "{loc}");
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("organization_invalid")
    );
    assert_eq!(
        query_param(&loc, "error_description").as_deref(),
        Some("No connection associated with organization")
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("s1"));
    assert!(query_param(&loc, "code").is_none());
    // Without state, none comes back.
    let r = emu
        .open(&emu.authorize_url_without_provider(&[("organization_id", ACME)], &p))
        .await;
    let loc = location(r.headers());
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("organization_invalid")
    );
    assert!(query_param(&loc, "state").is_none(), "{loc}");

    // provider=authkit&organization_id=… (what the SDK sends) still shows the sign-in page
    // and signs in to that organization with the password.
    let page = emu.begin(&[("organization_id", ACME)], &p).await;
    assert!(page.starts_with("/hosted/sign-in?"), "{page}");
    let loc = emu
        .sign_in(DEMO, None, &[("organization_id", ACME)], &p)
        .await;
    let body = emu.exchange_redirect(&loc, &p).await;
    assert_eq!(body["organization_id"], ACME);
    assert_eq!(body["authentication_method"], "Password");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let emu = start().await;
    let p = pkce();
    let (page, rid) = emu.begin_rid(&[], &p).await;
    let a = emu
        .post_with_rid(&page, &rid, &[("email", DEMO.0), ("password", "wrong")])
        .await;
    assert_eq!(a.status(), 401);
    let a = a.text().await.unwrap();
    let b = emu
        .post_with_rid(
            &page,
            &rid,
            &[("email", "nobody@example.com"), ("password", "wrong")],
        )
        .await;
    assert_eq!(b.status(), 401);
    let b = b.text().await.unwrap();
    assert!(a.contains("Incorrect email or password."));
    assert!(b.contains("Incorrect email or password."));
    // The email is echoed in its field and, encoded, in the "Forgot password?" link.
    assert_eq!(
        a.replace(DEMO.0, "EMAIL")
            .replace("demo%40example.com", "EMAIL"),
        b.replace("nobody@example.com", "EMAIL")
            .replace("nobody%40example.com", "EMAIL"),
        "the pages differ only by the echoed email"
    );
    // The request is still pending: the right password now works.
    let r = emu
        .post_with_rid(&page, &rid, &[("email", SOLO.0), ("password", SOLO.1)])
        .await;
    assert_eq!(r.status(), 302);
}

#[tokio::test]
async fn login_hint_prefills_and_links_join_the_pages() {
    let emu = start().await;
    let p = pkce();
    let page = emu.begin(&[("login_hint", "demo@example.com")], &p).await;
    let (_, html) = emu.page(&page).await;
    assert!(html.contains("value=\"demo@example.com\""));
    assert!(html.contains("name=\"password\""));
    assert!(html.contains("id=\"submit\"") && html.contains("id=\"cancel\""));
    assert!(html.contains("/hosted/sign-up?rid="));
    assert!(!html.contains("<script"));
}

#[tokio::test]
async fn sign_up_creates_a_user_and_rejects_bad_input() {
    let emu = start().await;
    let p = pkce();
    let (page, rid) = emu
        .begin_rid(&[("screen_hint", "sign-up"), ("state", "su")], &p)
        .await;
    assert!(page.starts_with("/hosted/sign-up?rid="));
    let (_, html) = emu.page(&page).await;
    for field in ["first_name", "last_name", "email", "password"] {
        assert!(html.contains(&format!("name=\"{field}\"")), "{field}");
    }
    assert!(html.contains("/hosted/sign-in?rid="));
    let r = emu
        .post_with_rid(
            &page,
            &rid,
            &[("email", "demo@example.com"), ("password", "long-enough")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("already exists"));
    let r = emu
        .post_with_rid(
            &page,
            &rid,
            &[("email", "new@example.com"), ("password", "short")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let r = emu
        .post_with_rid(
            &page,
            &rid,
            &[
                ("email", "new@example.com"),
                ("password", "new-password"),
                ("first_name", "New"),
                ("last_name", "Person"),
            ],
        )
        .await;
    // The address is verified with the emailed code before the sign-in completes.
    assert_eq!(r.status(), 303);
    let verify = location(r.headers());
    assert_eq!(verify, format!("/hosted/verify-email?rid={rid}"));
    let code = emu.latest_code("new@example.com").await;
    let r = emu.post_with_rid(&verify, &rid, &[("code", &code)]).await;
    assert_eq!(r.status(), 302);
    let loc = location(r.headers());
    assert_eq!(query_param(&loc, "state").as_deref(), Some("su"));
    let body = emu.exchange_redirect(&loc, &p).await;
    assert_eq!(body["user"]["email"], "new@example.com");
    assert_eq!(body["user"]["first_name"], "New");
    assert_eq!(body["user"]["email_verified"], true);
    assert!(body.get("organization_id").is_none());
    // And the new account can sign in with its password.
    let again = emu.session(("new@example.com", "new-password"), None).await;
    assert_eq!(again["user"]["id"], body["user"]["id"]);
}

#[tokio::test]
async fn cancel_redirects_with_access_denied() {
    let emu = start().await;
    let p = pkce();
    let (page, rid) = emu.begin_rid(&[("state", "c-1")], &p).await;
    let r = emu.post_with_rid(&page, &rid, &[("cancel", "1")]).await;
    assert_eq!(r.status(), 302);
    let loc = location(r.headers());
    assert!(loc.starts_with(REDIRECT));
    assert_eq!(query_param(&loc, "error").as_deref(), Some("access_denied"));
    assert!(query_param(&loc, "error_description").is_some());
    assert_eq!(query_param(&loc, "state").as_deref(), Some("c-1"));
    assert!(query_param(&loc, "code").is_none());
}

#[tokio::test]
async fn bookmarked_or_stale_page_goes_to_the_sign_in_endpoint() {
    let emu = start().await;
    // The test server is reached as 127.0.0.1, so the 127.0.0.1 variant is chosen.
    let r = emu.get("/hosted/sign-in").await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(r.headers()), "http://127.0.0.1:5173/login");
    let port = emu.emu.addrs()[0].port();
    let r = emu
        .get_with(
            "/hosted/sign-in?login_hint=demo%40example.com",
            "host",
            &format!("localhost:{port}"),
        )
        .await;
    assert_eq!(
        location(r.headers()),
        "http://localhost:5173/login?login_hint=demo%40example.com"
    );
    // A browser that last came from a wildcard-port app goes back to that app.
    let r = emu
        .get_with(
            "/hosted/sign-up?rid=stale",
            "cookie",
            "authkit-emulator-app.client_demo=http://localhost:41234",
        )
        .await;
    assert_eq!(location(r.headers()), "http://localhost:41234/login");
    // A foreign origin in that cookie is ignored.
    let r = emu
        .get_with(
            "/hosted/sign-in",
            "cookie",
            "authkit-emulator-app.client_demo=https://evil.example",
        )
        .await;
    assert_eq!(location(r.headers()), "http://127.0.0.1:5173/login");
    // A page left open past its lifetime is stale too.
    let p = pkce();
    let page = emu.begin(&[], &p).await;
    emu.control("/_emulator/clock", json!({"advance_secs": 1801}))
        .await;
    let r = emu.get(&page).await;
    assert_eq!(r.status(), 302);
    assert!(location(r.headers()).ends_with("/login"));
}

#[tokio::test]
async fn code_grant_error_rows() {
    let two_clients = r#"
[[clients]]
id = "client_demo"
allowed_origins = ["http://localhost:5173"]
redirect_uris = ["http://localhost:5173/account"]
[[clients]]
id = "client_other"
redirect_uris = ["http://localhost:5173/account"]
[[users]]
email = "solo@example.com"
password = "solo-password"
"#;
    let emu = start_with(EmulatorOptions {
        seed: Some(Seed::parse(two_clients).unwrap()),
        ..local_options()
    })
    .await;
    let p = pkce();
    let code = emu.code_for(SOLO, None, &p).await;
    let err = |r: serde_json::Value| (r["error"].as_str().unwrap_or("").to_string(), r);

    let r = emu.exchange("not-a-code", &p.verifier).await;
    assert_eq!(r.status(), 400);
    assert_eq!(err(r.json().await.unwrap()).0, "invalid_grant");

    let r = emu.exchange(&code, "wrong-verifier").await;
    assert_eq!(r.status(), 400);
    assert_eq!(err(r.json().await.unwrap()).0, "invalid_grant");

    let r = emu
        .authenticate(
            json!({"grant_type":"authorization_code","client_id":CLIENT,"code":code}),
            None,
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(err(r.json().await.unwrap()).0, "invalid_request");

    let r = emu
        .authenticate(
            json!({"grant_type":"authorization_code","client_id":"client_other","code":code,"code_verifier":p.verifier}),
            None,
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(err(r.json().await.unwrap()).0, "invalid_client");

    let r = emu
        .authenticate(
            json!({"grant_type":"authorization_code","client_id":"client_nope","code":code,"code_verifier":p.verifier}),
            None,
        )
        .await;
    assert_eq!(err(r.json().await.unwrap()).0, "invalid_client");

    // Caller-fixable errors did not burn the code; form encoding is accepted.
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT),
            ("code", code.as_str()),
            ("code_verifier", p.verifier.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = emu.exchange(&code, &p.verifier).await;
    assert_eq!(r.status(), 400, "single use");
    let (e, body) = err(r.json().await.unwrap());
    assert_eq!(e, "invalid_grant");
    assert!(body["error_description"].is_string());

    let p2 = pkce();
    let code2 = emu.code_for(SOLO, None, &p2).await;
    emu.control("/_emulator/clock", json!({"advance_secs": 601}))
        .await;
    let r = emu.exchange(&code2, &p2.verifier).await;
    assert_eq!(err(r.json().await.unwrap()).0, "invalid_grant", "expired");

    for (body, expected) in [
        (json!({"client_id": CLIENT}), "invalid_request"),
        (
            json!({"grant_type": "password", "client_id": CLIENT}),
            "invalid_request",
        ),
        (
            json!({"grant_type": "authorization_code"}),
            "invalid_request",
        ),
    ] {
        let r = emu.authenticate(body, None).await;
        assert_eq!(r.status(), 400);
        assert_eq!(err(r.json().await.unwrap()).0, expected);
    }
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(err(r.json().await.unwrap()).0, "invalid_request");
}

#[tokio::test]
async fn domain_hint_is_a_selector_only_without_another_one() {
    let emu = start().await;
    let p = pkce();
    // With provider=authkit it is an optional hint, not a second selector.
    let page = emu.begin(&[("domain_hint", "example.com")], &p).await;
    assert!(page.starts_with("/hosted/sign-in?"), "{page}");
    // With organization_id (modifying provider=authkit) too.
    let page = emu
        .begin(
            &[("domain_hint", "example.com"), ("organization_id", ACME)],
            &p,
        )
        .await;
    assert!(page.starts_with("/hosted/sign-in?"), "{page}");
    // Alone, it is the selector.
    let mut u = url::Url::parse(&emu.authorize_url(&[("domain_hint", "example.com")], &p)).unwrap();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| k != "provider")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    u.query_pairs_mut().clear().extend_pairs(pairs.clone());
    let r = emu.open(u.as_str()).await;
    assert_eq!(r.status(), 302);
    assert!(location(r.headers()).starts_with("/hosted/sign-in?"));
    // With connection_id instead of provider: still one selector.
    let mut with_conn = pairs.clone();
    with_conn.push(("connection_id".into(), "conn_1".into()));
    u.query_pairs_mut().clear().extend_pairs(with_conn);
    let r = emu.open(u.as_str()).await;
    assert_eq!(r.status(), 302);
    // Two real selectors are still refused, domain_hint or not.
    let r = emu
        .open(&emu.authorize_url(
            &[("domain_hint", "example.com"), ("connection_id", "conn_1")],
            &p,
        ))
        .await;
    assert_eq!(r.status(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("invalid-connection-selector"));
}
