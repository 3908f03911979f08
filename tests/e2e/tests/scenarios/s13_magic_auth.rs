//! Scenario 13 (issue 12, flow 3): "Email me a code" on the hosted sign-in page, the 6-digit
//! code from the emulator's mailbox, and the demo signed in with `MagicAuth`.

use authkit_e2e::config::SOLO_EMAIL;
use authkit_e2e::flows::{open_hosted_sign_in, path_of};
use authkit_e2e::scenario;

#[tokio::test]
async fn s13_magic_auth_code_signs_in() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        open_hosted_sign_in(b, &ctx.dev_url("/")).await;
        b.fill("#email", SOLO_EMAIL).await.unwrap();
        b.click("#magic-code").await.unwrap();
        b.wait_url("the code page", |u| u.contains("/hosted/magic-code"))
            .await;
        let email = ctx
            .emu
            .latest_email(SOLO_EMAIL, "magic_auth")
            .await
            .unwrap();
        let code = email["code"].as_str().unwrap();
        assert!(code.len() == 6 && code.bytes().all(|c| c.is_ascii_digit()));
        b.fill("#code", code).await.unwrap();
        b.click("#submit").await.unwrap();

        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "landed on {url}");
        b.wait_text("#user-email", SOLO_EMAIL).await;
        b.wait_text("#auth-method", "MagicAuth").await;
        let sessions = ctx.emu.sessions().await.unwrap();
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0]["authentication_method"], "MagicAuth");
    })
    .await;
}
