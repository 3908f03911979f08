//! Scenario 1 (and issue 12, flow 1): sign up a new user through the hosted page, verify the
//! address with the code from the emulator's mailbox, and land on the protected route signed
//! in with the name shown; the address bar holds no `code` or `state`.

use authkit_e2e::flows::{has_callback_params, path_of};
use authkit_e2e::scenario;

#[tokio::test]
async fn s01_sign_up_lands_signed_in_on_the_protected_route() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        b.goto(&ctx.dev_url("/")).await.unwrap();
        b.wait_status("signed-out").await;
        b.click("#sign-up").await.unwrap();
        b.wait_url("the hosted sign-up page", |u| u.contains("/hosted/sign-up"))
            .await;
        b.fill("#first_name", "Ada").await.unwrap();
        b.fill("#last_name", "Lovelace").await.unwrap();
        b.fill("#email", "ada@example.com").await.unwrap();
        b.fill("#password", "analytical-engine-1843").await.unwrap();
        b.click("#submit").await.unwrap();

        // Email verification: the code the emulator "sent" is in its mailbox.
        b.wait_url("the verification page", |u| {
            u.contains("/hosted/verify-email")
        })
        .await;
        let email = ctx
            .emu
            .latest_email("ada@example.com", "email_verification")
            .await
            .unwrap();
        b.fill("#code", email["code"].as_str().unwrap())
            .await
            .unwrap();
        b.click("#submit").await.unwrap();

        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "landed on {url}");
        assert!(!has_callback_params(&url), "callback params left in {url}");
        b.wait_text("#user-name", "Ada Lovelace").await;
        b.wait_text("#user-email", "ada@example.com").await;
        b.wait_text("#auth-method", "Password").await;
        let users = ctx.emu.users().await.unwrap();
        let ada = users.iter().find(|u| u["email"] == "ada@example.com");
        assert_eq!(ada.map(|u| u["email_verified"].clone()), Some(true.into()));
        // The emulator exchanged exactly one code for this sign-up.
        let exchanges = ctx.emu.grants("authorization_code").await.unwrap();
        assert_eq!(exchanges.len(), 1, "code exchanges: {exchanges:?}");
        assert_eq!(exchanges[0]["status"], 200);
    })
    .await;
}
