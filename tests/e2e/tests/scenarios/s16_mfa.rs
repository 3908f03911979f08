//! Scenario 16 (issue 12, flow 6): a user whose seed enrols an authenticator-app factor signs
//! in with the password, then the TOTP code, computed here (RFC 6238, `totp-rs`) from the
//! secret the emulator's mailbox shows, at the emulator's clock.

use authkit_e2e::config::{MFA_EMAIL, MFA_PASSWORD, ORG_ACME};
use authkit_e2e::flows::{open_hosted_sign_in, path_of, totp_code};
use authkit_e2e::scenario;

#[tokio::test]
async fn s16_totp_code_after_the_password_signs_in() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        open_hosted_sign_in(b, &ctx.dev_url("/")).await;
        b.fill("#email", MFA_EMAIL).await.unwrap();
        b.fill("#password", MFA_PASSWORD).await.unwrap();
        b.click("#submit").await.unwrap();
        b.wait_url("the authenticator-app page", |u| u.contains("/hosted/mfa"))
            .await;

        let secret = ctx.emu.totp_secret(MFA_EMAIL).await.unwrap();
        let code = totp_code(&secret, ctx.emu.now().await.unwrap());
        b.fill("#code", &code).await.unwrap();
        b.click("#submit").await.unwrap();

        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "landed on {url}");
        b.wait_text("#user-email", MFA_EMAIL).await;
        b.wait_text("#auth-method", "Password").await;
        b.wait_text("#organization-id", ORG_ACME).await;
    })
    .await;
}
