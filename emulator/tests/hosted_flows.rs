//! The hosted flows of issue 12, over HTTP, one test per flow: email verification, password
//! reset (through the sign-in endpoint), Magic Auth, invitations, emulated Google, TOTP MFA,
//! `screen_hint`/`login_hint`/`prompt`, and what every page must carry to look finished.

mod common;

use authkit_emulator::seed::Seed;
use authkit_emulator::EmulatorOptions;
use common::*;
use serde_json::{json, Value};

/// Exchange the code in `location` and return the success body.
async fn exchange_at(emu: &Emu, location: &str, p: &Pkce) -> Value {
    let code = query_param(location, "code").unwrap_or_else(|| panic!("no code in {location}"));
    let r = emu.exchange(&code, &p.verifier).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// POST the form of the hosted page `step` (`/hosted/{step}?rid=…`): `rid`, then `fields`.
async fn post_step(emu: &Emu, step: &str, rid: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    emu.post_with_rid(&format!("/hosted/{step}?rid={rid}"), rid, fields)
        .await
}

fn seed_with(extra: &str) -> EmulatorOptions {
    let text = format!("{}\n{extra}", authkit_emulator::seed::DEFAULT_SEED);
    EmulatorOptions {
        seed: Some(Seed::parse(&text).unwrap()),
        ..local_options()
    }
}

#[tokio::test]
async fn email_verification_after_sign_up_and_for_unverified_seed_users() {
    let emu = start_with(seed_with(
        "[[users]]\nemail = \"late@example.com\"\npassword = \"late-password\"\nemail_verified = false\n",
    ))
    .await;
    let p = pkce();
    let (_, rid, r) = emu
        .begin_and_post(
            &[("screen_hint", "sign-up")],
            &p,
            &[("email", "vera@example.com"), ("password", "vera-password")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let verify = location(r.headers());
    assert_eq!(verify, format!("/hosted/verify-email?rid={rid}"));
    let mail = emu.mailbox("vera@example.com").await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0]["kind"], "email_verification");
    let first = mail[0]["code"].as_str().unwrap().to_string();
    assert!(first.len() == 6 && first.bytes().all(|b| b.is_ascii_digit()));
    let (status, html) = emu.page(&verify).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("vera@example.com"),
        "the page names the address"
    );

    // A wrong code: the page again, the reason beside the field.
    let wrong = if first == "000000" {
        "111111"
    } else {
        "000000"
    };
    let r = emu.post_with_rid(&verify, &rid, &[("code", wrong)]).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"code-error\"") && html.contains("aria-invalid=\"true\""));
    // A new code replaces the old one.
    let r = emu
        .post_with_rid(&verify, &rid, &[("intent", "resend")])
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("We sent a new code"));
    let second = emu.latest_code("vera@example.com").await;
    assert_eq!(emu.mailbox("vera@example.com").await.len(), 2);
    if second != first {
        let r = emu.post_with_rid(&verify, &rid, &[("code", &first)]).await;
        assert_eq!(r.status(), 400, "the old code no longer works");
    }
    let r = emu.post_with_rid(&verify, &rid, &[("code", &second)]).await;
    assert_eq!(r.status(), 302);
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    // What WorkOS answers after a verification: the password method, a verified user.
    assert_eq!(body["authentication_method"], "Password");
    assert_eq!(body["user"]["email"], "vera@example.com");
    assert_eq!(body["user"]["email_verified"], true);

    // A seed user with email_verified = false is asked at the password sign-in; the demo
    // user (verified) is not.
    let p = pkce();
    let (_, rid, r) = emu
        .begin_and_post(
            &[],
            &p,
            &[("email", "late@example.com"), ("password", "late-password")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(r.headers()),
        format!("/hosted/verify-email?rid={rid}")
    );
    let code = emu.latest_code("late@example.com").await;
    let r = post_step(&emu, "verify-email", &rid, &[("code", &code)]).await;
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    assert_eq!(body["user"]["email_verified"], true);
    let demo = emu.session(DEMO, Some(ACME)).await;
    assert_eq!(demo["authentication_method"], "Password");
    assert!(
        emu.mailbox(DEMO.0).await.is_empty(),
        "no email for the verified demo user"
    );

    // With the setting off, a sign-up completes at once, its address still unverified.
    emu.control("/_emulator/config", json!({"email_verification": false}))
        .await;
    let p = pkce();
    let (_, _, r) = emu
        .begin_and_post(
            &[("screen_hint", "sign-up")],
            &p,
            &[("email", "off@example.com"), ("password", "off-password")],
        )
        .await;
    assert_eq!(r.status(), 302);
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    assert_eq!(body["user"]["email_verified"], false);
}

#[tokio::test]
async fn password_reset_link_goes_through_the_sign_in_endpoint() {
    let emu = start().await;
    let p = pkce();
    let (page, rid) = emu.begin_rid(&[], &p).await;
    let (_, html) = emu.page(&page).await;
    assert!(html.contains(&format!("href=\"/hosted/forgot-password?rid={rid}\"")));
    // After a wrong password, the link takes the typed address along.
    let r = emu
        .post_with_rid(&page, &rid, &[("email", SOLO.0), ("password", "wrong")])
        .await;
    let html = r.text().await.unwrap();
    let carried = format!("/hosted/forgot-password?rid={rid}&amp;email=solo%40example.com");
    assert!(html.contains(&carried), "{html}");
    let (_, html) = emu.page(&carried.replace("&amp;", "&")).await;
    assert!(html.contains(&format!("value=\"{}\"", SOLO.0)));
    let forgot = format!("/hosted/forgot-password?rid={rid}");
    // Unknown and known addresses get the same page; only the known one gets an email.
    for email in ["nobody@example.com", SOLO.0] {
        let r = emu.post_with_rid(&forgot, &rid, &[("email", email)]).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("If an account exists for"), "{email}");
    }
    assert!(emu.mailbox("nobody@example.com").await.is_empty());
    let mail = emu.mailbox(SOLO.0).await;
    assert_eq!(mail[0]["kind"], "password_reset");
    let link = mail[0]["link"].as_str().unwrap().to_string();
    assert!(link.starts_with(&format!("{}/hosted/reset-password?token=", emu.base)));

    // The link, opened directly: to the app's sign-in endpoint, the token in a cookie.
    let r = emu.open(&link).await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        location(r.headers()),
        "http://127.0.0.1:5173/login?login_hint=solo%40example.com"
    );
    let cookies = set_cookies(r.headers());
    let token = cookie_value(&cookies, "authkit-emulator-reset").expect("reset cookie");
    assert!(cookies.iter().any(|c| c.contains("HttpOnly")));
    // The app's sign-in endpoint starts a fresh PKCE authorize: the new-password page.
    let p = pkce();
    let r = emu
        .authorize_with_cookie(
            &[("login_hint", SOLO.0)],
            &p,
            &format!("authkit-emulator-reset={token}"),
        )
        .await;
    assert_eq!(r.status(), 302);
    let page = location(r.headers());
    assert!(page.starts_with("/hosted/new-password?rid="), "{page}");
    let rid = query_param(&page, "rid").unwrap();
    let (status, html) = emu.page(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("solo@example.com") && html.contains("autocomplete=\"new-password\""));
    let r = emu
        .post_with_rid(&page, &rid, &[("password", "short")])
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("id=\"password-error\""));
    let r = emu
        .post_with_rid(&page, &rid, &[("password", "brand-new-password")])
        .await;
    assert_eq!(r.status(), 302);
    let cleared = set_cookies(r.headers());
    assert_eq!(
        cookie_value(&cleared, "authkit-emulator-reset").as_deref(),
        Some("")
    );
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    assert_eq!(body["user"]["email"], SOLO.0);
    assert_eq!(body["authentication_method"], "Password");

    // The new password works, the old one does not, the link is used up.
    let again = emu.session((SOLO.0, "brand-new-password"), None).await;
    assert_eq!(again["user"]["id"], body["user"]["id"]);
    let p = pkce();
    let (_, _, r) = emu
        .begin_and_post(&[], &p, &[("email", SOLO.0), ("password", SOLO.1)])
        .await;
    assert_eq!(r.status(), 401);
    let r = emu.open(&link).await;
    assert_eq!(r.status(), 410);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("password-reset-link-expired"));
}

#[tokio::test]
async fn magic_auth_signs_in_and_creates_accounts() {
    let emu = start().await;
    let p = pkce();
    let (_, rid, r) = emu
        .begin_and_post(
            &[("state", "m1")],
            &p,
            &[("email", SOLO.0), ("intent", "magic")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let code_page = location(r.headers());
    assert_eq!(code_page, format!("/hosted/magic-code?rid={rid}"));
    let mail = emu.mailbox(SOLO.0).await;
    assert_eq!(mail[0]["kind"], "magic_auth");
    let code = mail[0]["code"].as_str().unwrap().to_string();
    let (status, html) = emu.page(&code_page).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("autocomplete=\"one-time-code\"") && html.contains("inputmode=\"numeric\"")
    );
    let r = emu
        .post_with_rid(&code_page, &rid, &[("code", &code)])
        .await;
    assert_eq!(r.status(), 302);
    let loc = location(r.headers());
    assert_eq!(query_param(&loc, "state").as_deref(), Some("m1"));
    let body = exchange_at(&emu, &loc, &p).await;
    assert_eq!(body["authentication_method"], "MagicAuth");
    assert_eq!(body["user"]["email"], SOLO.0);
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["sub"], body["user"]["id"]);

    // An address without an account: the code creates it, verified, without a password.
    let p = pkce();
    let (_, rid, _) = emu
        .begin_and_post(
            &[],
            &p,
            &[("email", "fresh@example.com"), ("intent", "magic")],
        )
        .await;
    let code_page = format!("/hosted/magic-code?rid={rid}");
    // Five wrong codes void it; a new code works.
    let good = emu.latest_code("fresh@example.com").await;
    let wrong = if good == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = emu
            .post_with_rid(&code_page, &rid, &[("code", wrong)])
            .await;
        assert_eq!(r.status(), 400);
    }
    let r = emu
        .post_with_rid(&code_page, &rid, &[("code", &good)])
        .await;
    assert_eq!(r.status(), 400, "void after five wrong codes");
    assert!(r.text().await.unwrap().contains("Too many incorrect codes"));
    emu.post_with_rid(&code_page, &rid, &[("intent", "resend")])
        .await;
    let fresh = emu.latest_code("fresh@example.com").await;
    let r = emu
        .post_with_rid(&code_page, &rid, &[("code", &fresh)])
        .await;
    assert_eq!(r.status(), 302);
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    assert_eq!(body["authentication_method"], "MagicAuth");
    assert_eq!(body["user"]["email_verified"], true);
    let users = emu.get_json("/_emulator/users").await;
    assert!(users
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["email"] == "fresh@example.com"));

    // "Use a different email" goes back to the sign-in page with the address filled in.
    let p = pkce();
    let (page, rid, _) = emu
        .begin_and_post(&[], &p, &[("email", SOLO.0), ("intent", "magic")])
        .await;
    let r = post_step(&emu, "magic-code", &rid, &[("intent", "back")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(r.headers()), format!("/hosted/sign-in?rid={rid}"));
    let (_, html) = emu.page(&page).await;
    assert!(html.contains(&format!("value=\"{}\"", SOLO.0)));
}

#[tokio::test]
async fn invitations_create_the_user_and_the_membership() {
    let emu = start().await;
    let inv = emu
        .control(
            "/_emulator/invitations",
            json!({"email": "ivy@example.com", "organization_id": GLOBEX, "role_slug": "editor"}),
        )
        .await;
    assert_eq!(inv["object"], "invitation");
    assert_eq!(inv["state"], "pending");
    assert_eq!(inv["organization_id"], GLOBEX);
    let token = inv["token"].as_str().unwrap().to_string();
    let mail = emu.mailbox("ivy@example.com").await;
    assert_eq!(mail[0]["kind"], "invitation");
    assert_eq!(mail[0]["link"], inv["accept_invitation_url"]);
    // The emailed link goes to the app's sign-in endpoint, which forwards invitation_token.
    let r = emu.open(mail[0]["link"].as_str().unwrap()).await;
    assert_eq!(r.status(), 302);
    let to_app = location(r.headers());
    assert!(
        to_app.starts_with("http://127.0.0.1:5173/login?"),
        "{to_app}"
    );
    assert_eq!(
        query_param(&to_app, "invitation_token").as_deref(),
        Some(token.as_str())
    );

    // authorize with invitation_token: the sign-up page with the invited address, fixed.
    let p = pkce();
    let (page, rid) = emu.begin_rid(&[("invitation_token", &token)], &p).await;
    assert!(page.starts_with("/hosted/sign-up?"), "{page}");
    let (_, html) = emu.page(&page).await;
    assert!(html.contains("value=\"ivy@example.com\"") && html.contains(" readonly"));
    assert!(html.contains("invited to join Globex"));
    // The typed address cannot replace the invited one; no verification (the email proved it).
    let r = emu
        .post_with_rid(
            &page,
            &rid,
            &[("email", "other@example.com"), ("password", "ivy-password")],
        )
        .await;
    assert_eq!(r.status(), 302, "straight back to the app");
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    assert_eq!(body["user"]["email"], "ivy@example.com");
    assert_eq!(body["user"]["email_verified"], true);
    assert_eq!(body["organization_id"], GLOBEX);
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["org_id"], GLOBEX);
    assert_eq!(c["role"], "editor");
    let list = emu.get_json("/_emulator/invitations").await;
    assert_eq!(list[0]["state"], "accepted");
    assert_eq!(list[0]["accepted_user_id"], body["user"]["id"]);

    // A used token: the sign-in page says so; the control API refuses what makes no sense.
    let p = pkce();
    let (page, _) = emu.begin_rid(&[("invitation_token", &token)], &p).await;
    let (_, html) = emu.page(&page).await;
    assert!(html.contains("already accepted"), "{html}");
    let refusals = [
        (
            json!({"email": "ivy@example.com", "organization_id": GLOBEX}),
            400,
            "already_a_member",
        ),
        (
            json!({"email": "x@example.com", "organization_id": "org_nope"}),
            404,
            "organization_not_found",
        ),
        (
            json!({"email": "nope", "organization_id": ACME}),
            400,
            "invalid_email",
        ),
        (
            json!({"email": "x@example.com", "organization_id": ACME, "expires_in_days": 31}),
            400,
            "invalid_expires_in_days",
        ),
    ];
    for (body, status, error) in refusals {
        let (s, v) = emu.control_status("/_emulator/invitations", body).await;
        assert_eq!((s, v["error"].as_str().unwrap()), (status, error));
    }
    // An existing user is invited on the sign-in page; a revoked invitation is refused.
    let inv = emu
        .control(
            "/_emulator/invitations",
            json!({"email": SOLO.0, "organization_id": ACME}),
        )
        .await;
    let (s, v) = emu
        .control_status(
            "/_emulator/invitations",
            json!({"email": SOLO.0, "organization_id": ACME}),
        )
        .await;
    assert_eq!(
        (s, v["error"].as_str().unwrap()),
        (400, "invitation_already_pending")
    );
    let p = pkce();
    let (page, rid) = emu
        .begin_rid(&[("invitation_token", inv["token"].as_str().unwrap())], &p)
        .await;
    assert!(page.starts_with("/hosted/sign-in?"), "{page}");
    let r = emu
        .post_with_rid(&page, &rid, &[("email", SOLO.0), ("password", SOLO.1)])
        .await;
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    assert_eq!(body["organization_id"], ACME);
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["role"],
        "member"
    );
    let other = emu
        .control(
            "/_emulator/invitations",
            json!({"email": "rev@example.com", "organization_id": ACME}),
        )
        .await;
    let id = other["id"].as_str().unwrap();
    let revoked = emu
        .control(&format!("/_emulator/invitations/{id}/revoke"), json!({}))
        .await;
    assert_eq!(revoked["state"], "revoked");
    let r = emu
        .open(other["accept_invitation_url"].as_str().unwrap())
        .await;
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("invitation-revoked"));
}

#[tokio::test]
async fn continue_with_google_signs_in_or_creates_the_user() {
    let emu = start().await;
    let p = pkce();
    let (page, rid) = emu
        .begin_rid(&[("login_hint", "gail@example.com")], &p)
        .await;
    let (_, html) = emu.page(&page).await;
    let google = format!("/hosted/google?rid={rid}");
    assert!(
        html.contains(&format!("href=\"{google}\""))
            && html.contains("Continue with Google (emulated)")
    );
    let (status, html) = emu.page(&google).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("value=\"gail@example.com\""),
        "login_hint fills the consent page"
    );
    let r = emu
        .post_with_rid(
            &google,
            &rid,
            &[
                ("email", "gail@example.com"),
                ("first_name", "Gail"),
                ("last_name", "Gee"),
            ],
        )
        .await;
    assert_eq!(r.status(), 302);
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    assert_eq!(body["authentication_method"], "GoogleOAuth");
    assert_eq!(body["user"]["name"], "Gail Gee");
    assert_eq!(body["user"]["email_verified"], true);

    // An existing account (two organizations): the picker, then GoogleOAuth.
    let p = pkce();
    let (_, rid) = emu.begin_rid(&[], &p).await;
    let google = format!("/hosted/google?rid={rid}");
    let r = emu.post_with_rid(&google, &rid, &[("email", DEMO.0)]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("name=\"organization_id\""));
    let r = post_step(&emu, "sign-in", &rid, &[("organization_id", ACME)]).await;
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    assert_eq!(body["authentication_method"], "GoogleOAuth");
    assert_eq!(body["user"]["email"], DEMO.0);

    // provider=GoogleOAuth goes straight to the consent page.
    let p = pkce();
    let u = emu
        .authorize_url(&[], &p)
        .replace("provider=authkit", "provider=GoogleOAuth");
    let r = emu.open(&u).await;
    assert!(location(r.headers()).starts_with("/hosted/google?rid="));
    // A bad address stays on the page, the error beside the field.
    let rid = query_param(&location(r.headers()), "rid").unwrap();
    let r = post_step(&emu, "google", &rid, &[("email", "no")]).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("id=\"email-error\""));
}

/// The emulator's clock, epoch seconds.
async fn emulator_now(emu: &Emu) -> u64 {
    emu.get_json("/_emulator/clock").await["now"]
        .as_u64()
        .unwrap()
}

/// The code an authenticator app shows for `secret` at `unix` (RFC 6238, via totp-rs).
fn totp_code(secret: &str, unix: u64) -> String {
    use totp_rs::{Algorithm, Secret, TOTP};
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 0, 30, bytes)
        .unwrap()
        .generate(unix)
}

#[tokio::test]
async fn totp_is_asked_after_the_password_of_an_enrolled_user() {
    let emu = start().await;
    let mfa = ("mfa@example.com", "mfa-password");
    let mailbox = emu.get_json("/_emulator/mailbox").await;
    let factor = mailbox["totp_factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["email"] == mfa.0)
        .cloned()
        .expect("the seed enrols mfa@example.com");
    let secret = factor["secret"].as_str().unwrap().to_string();
    assert!(factor["otpauth_uri"]
        .as_str()
        .unwrap()
        .contains(&format!("secret={secret}")));

    let p = pkce();
    let (_, rid, r) = emu
        .begin_and_post(&[], &p, &[("email", mfa.0), ("password", mfa.1)])
        .await;
    assert_eq!(r.status(), 303);
    let mfa_page = location(r.headers());
    assert_eq!(mfa_page, format!("/hosted/mfa?rid={rid}"));
    let now = emulator_now(&emu).await;
    let good = totp_code(&secret, now);
    let wrong = format!("{:06}", (good.parse::<u32>().unwrap() + 1) % 1_000_000);
    let r = emu
        .post_with_rid(&mfa_page, &rid, &[("code", &wrong)])
        .await;
    assert_eq!(r.status(), 400);
    let r = emu.post_with_rid(&mfa_page, &rid, &[("code", &good)]).await;
    assert_eq!(r.status(), 302);
    let body = exchange_at(&emu, &location(r.headers()), &p).await;
    assert_eq!(body["authentication_method"], "Password");
    assert_eq!(body["user"]["email"], mfa.0);

    // The same code cannot be used twice.
    let p = pkce();
    let (_, rid, _) = emu
        .begin_and_post(&[], &p, &[("email", mfa.0), ("password", mfa.1)])
        .await;
    let mfa_page = format!("/hosted/mfa?rid={rid}");
    let r = emu.post_with_rid(&mfa_page, &rid, &[("code", &good)]).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("already used"));
    // Five wrong codes end the attempt: back to the sign-in page, which says why.
    for i in 0..5 {
        let r = emu
            .post_with_rid(&mfa_page, &rid, &[("code", &wrong)])
            .await;
        assert_eq!(r.status(), if i < 4 { 400 } else { 303 });
    }
    let (_, html) = emu.page(&format!("/hosted/sign-in?rid={rid}")).await;
    assert!(html.contains("Too many incorrect authentication codes"));
    // The next step's code works (the clock moved on), and Magic Auth needs no TOTP.
    emu.control("/_emulator/clock", json!({"advance_secs": 30}))
        .await;
    let p = pkce();
    let (_, rid, _) = emu
        .begin_and_post(&[], &p, &[("email", mfa.0), ("password", mfa.1)])
        .await;
    let code = totp_code(&secret, emulator_now(&emu).await);
    let r = post_step(&emu, "mfa", &rid, &[("code", &code)]).await;
    assert_eq!(r.status(), 302);
    let p = pkce();
    let (_, rid, _) = emu
        .begin_and_post(&[], &p, &[("email", mfa.0), ("intent", "magic")])
        .await;
    let code = emu.latest_code(mfa.0).await;
    let r = post_step(&emu, "magic-code", &rid, &[("code", &code)]).await;
    assert_eq!(
        r.status(),
        302,
        "Magic Auth signs in without the authenticator app"
    );
}

#[tokio::test]
async fn screen_hint_login_hint_and_prompt() {
    let emu = start().await;
    let p = pkce();
    let page = emu
        .begin(
            &[
                ("screen_hint", "sign-up"),
                ("login_hint", "hint@example.com"),
            ],
            &p,
        )
        .await;
    assert!(page.starts_with("/hosted/sign-up?"));
    let rid = query_param(&page, "rid").unwrap();
    for path in ["sign-up", "sign-in", "forgot-password", "google"] {
        let (status, html) = emu.page(&format!("/hosted/{path}?rid={rid}")).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains("value=\"hint@example.com\""),
            "{path} is pre-filled"
        );
    }
    // prompt=none cannot show a page: the app gets login_required with its state.
    let r = emu
        .open(&emu.authorize_url(&[("prompt", "none"), ("state", "pn")], &p))
        .await;
    assert_eq!(r.status(), 302);
    let loc = location(r.headers());
    assert!(loc.starts_with(REDIRECT), "{loc}");
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("login_required")
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("pn"));
    for prompt in ["login", "consent", "select_account"] {
        let page = emu.begin(&[("prompt", prompt)], &p).await;
        assert!(page.starts_with("/hosted/sign-in?"), "{prompt}");
    }
}

#[tokio::test]
async fn prompt_values_the_emulator_does_not_model_are_ignored() {
    let emu = start().await;
    let p = pkce();
    for prompt in ["always", "create", "login consent", "NONE"] {
        let page = emu.begin(&[("prompt", prompt)], &p).await;
        assert!(page.starts_with("/hosted/sign-in?"), "{prompt}: {page}");
    }
    // With the other hints they change nothing either.
    let page = emu
        .begin(&[("prompt", "always"), ("screen_hint", "sign-up")], &p)
        .await;
    assert!(page.starts_with("/hosted/sign-up?"), "{page}");
    // A full sign-in still ends with a code.
    let loc = emu.sign_in(SOLO, None, &[("prompt", "always")], &p).await;
    assert!(query_param(&loc, "code").is_some(), "{loc}");
}

/// Every `<input>` that is not hidden has a `<label for>`, and no page runs a script.
fn assert_accessible(name: &str, html: &str) {
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"),
        "{name}"
    );
    assert_eq!(html.matches("<style>").count(), 1, "{name}: one stylesheet");
    assert!(!html.contains("<script"), "{name}");
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("<h1 id=\"title\">"),
        "{name}"
    );
    for input in html.split("<input ").skip(1) {
        let tag = &input[..input.find('>').unwrap()];
        if tag.contains("type=\"hidden\"") || tag.contains(" hidden") {
            continue;
        }
        let id = tag
            .split("id=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("");
        assert!(
            !id.is_empty() && html.contains(&format!("for=\"{id}\"")),
            "{name}: input without a label: {tag}"
        );
    }
}

#[tokio::test]
async fn hosted_pages_carry_the_brand_labels_and_one_stylesheet() {
    let text = authkit_emulator::seed::DEFAULT_SEED
        .replace("primary_color = \"#4f46e5\"", "primary_color = \"#0a8\"");
    let emu = start_with(EmulatorOptions {
        seed: Some(Seed::parse(&text).unwrap()),
        ..local_options()
    })
    .await;
    let p = pkce();
    let (page, rid) = emu.begin_rid(&[], &p).await;
    let mut pages = Vec::new();
    for path in ["sign-in", "sign-up", "forgot-password", "google"] {
        pages.push((
            path.to_string(),
            emu.page(&format!("/hosted/{path}?rid={rid}")).await.1,
        ));
    }
    let r = emu
        .post_with_rid(&page, &rid, &[("email", "bad"), ("password", "x")])
        .await;
    pages.push(("sign-in with an error".into(), r.text().await.unwrap()));
    emu.post_with_rid(&page, &rid, &[("email", SOLO.0), ("intent", "magic")])
        .await;
    pages.push((
        "magic-code".into(),
        emu.page(&format!("/hosted/magic-code?rid={rid}")).await.1,
    ));
    for (name, html) in &pages {
        assert_accessible(name, html);
        assert!(
            html.contains("--primary:#00aa88"),
            "{name}: the seed's colour"
        );
        assert!(
            html.contains("<span id=\"app-name\">AuthKit Yew Demo</span>"),
            "{name}"
        );
        assert!(html.contains(":focus-visible"), "{name}: focus states");
        assert!(
            html.contains("min-height:3rem"),
            "{name}: touch-sized controls"
        );
    }
    let error = &pages[4].1;
    assert!(
        error.contains("aria-describedby=\"email-error\"") && error.contains("id=\"email-error\"")
    );

    // A colour that is not one is refused at start.
    let bad = authkit_emulator::seed::DEFAULT_SEED
        .replace("primary_color = \"#4f46e5\"", "primary_color = \"purple\"");
    assert!(Seed::parse(&bad)
        .map(|s| s.clients().is_err())
        .unwrap_or(true));
}

#[tokio::test]
async fn the_mailbox_lists_clears_and_is_linked_from_the_dashboard() {
    let emu = start().await;
    let p = pkce();
    let (_, _, _) = emu
        .begin_and_post(&[], &p, &[("email", SOLO.0), ("intent", "magic")])
        .await;
    let code = emu.latest_code(SOLO.0).await;
    let (status, html) = emu.page("/_emulator/mailbox.html").await;
    assert_eq!(status, 200);
    assert!(html.contains(&code) && html.contains("solo@example.com"));
    assert!(html.contains("id=\"totp-factors\"") && html.contains("mfa@example.com"));
    let (_, dashboard) = emu.page("/_emulator/").await;
    assert!(dashboard.contains("href=\"/_emulator/mailbox.html\""));
    let stats = emu.get_json("/_emulator/stats").await;
    assert_eq!(stats["emails"], 1);
    let r = emu.delete("/_emulator/mailbox").await;
    assert_eq!(r.status(), 200);
    assert!(emu.mailbox(SOLO.0).await.is_empty());
    // A reset empties it too, and drops invitations.
    emu.control(
        "/_emulator/invitations",
        json!({"email": "z@example.com", "organization_id": ACME}),
    )
    .await;
    emu.control("/_emulator/reset", json!({})).await;
    assert_eq!(emu.get_json("/_emulator/invitations").await, json!([]));
    assert!(emu.mailbox("z@example.com").await.is_empty());
    // Like the rest of the control API, it refuses other origins.
    let r = emu
        .get_with("/_emulator/mailbox", "origin", "https://evil.example")
        .await;
    assert_eq!(r.status(), 403);
}
