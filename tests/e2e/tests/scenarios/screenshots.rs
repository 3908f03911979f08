//! Not a test: takes screenshots of the demo (phone and desktop width) for a human to look at.
//! `AUTHKIT_E2E_SCREENSHOTS=/tmp/shots cargo test -p authkit-e2e -- --ignored screenshots`

use authkit_e2e::config::{DEMO_EMAIL, ORG_ACME};
use authkit_e2e::flows::open_hosted_sign_in;
use authkit_e2e::scenario;

#[tokio::test]
#[ignore = "writes screenshots for a human to look at; run with --ignored"]
async fn screenshots() {
    scenario(|ctx| async move {
        let dir = std::env::var("AUTHKIT_E2E_SCREENSHOTS").unwrap_or_else(|_| "/tmp".into());
        let b = &ctx.browser;
        for (name, w, h) in [("phone", 390, 844), ("desktop", 1280, 900)] {
            b.client.set_window_size(w, h).await.unwrap();
            b.goto(&ctx.dev_url("/")).await.unwrap();
            b.wait_status("signed-out").await;
            let png = b.client.screenshot().await.unwrap();
            std::fs::write(format!("{dir}/demo-home-{name}.png"), png).unwrap();
        }
        let start = ctx
            .emu
            .impersonation_url(DEMO_EMAIL, ORG_ACME, "support@example.com", "Ticket 42")
            .await
            .unwrap();
        b.goto(&start).await.unwrap();
        b.wait_status("signed-in").await;
        b.click("#get-token").await.unwrap();
        b.wait_element("#token-claims").await;
        for (name, w, h) in [("phone", 390, 1800), ("desktop", 1280, 1400)] {
            b.client.set_window_size(w, h).await.unwrap();
            let png = b.client.screenshot().await.unwrap();
            std::fs::write(format!("{dir}/demo-account-{name}.png"), png).unwrap();
        }
    })
    .await;
}

/// Where the hosted pages' screenshots go: `$AUTHKIT_E2E_HOSTED_SCREENSHOTS`, else
/// `emulator/docs/screenshots` (the emulator README shows them).
fn hosted_dir() -> std::path::PathBuf {
    std::env::var_os("AUTHKIT_E2E_HOSTED_SCREENSHOTS")
        .map(Into::into)
        .unwrap_or_else(|| authkit_e2e::workspace_root().join("emulator/docs/screenshots"))
}

/// Saves the page as `{name}.png` at phone size (390 × 844).
async fn shoot(b: &authkit_e2e::Browser, name: &str) {
    b.client.set_window_size(390, 844).await.unwrap();
    let png = b.client.screenshot().await.unwrap();
    let dir = hosted_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Not a test: a phone-sized screenshot of every hosted page (and the mailbox) for the
/// emulator README. `cargo test -p authkit-e2e -- --ignored hosted_page_screenshots`
#[tokio::test]
#[ignore = "writes the hosted pages' screenshots into emulator/docs/screenshots; run with --ignored"]
async fn hosted_page_screenshots() {
    use authkit_e2e::config::{DEMO_PASSWORD, MFA_EMAIL, MFA_PASSWORD, SOLO_EMAIL};
    scenario(|ctx| async move {
        let b = &ctx.browser;
        open_hosted_sign_in(&ctx.browser, &ctx.dev_url("/")).await;
        b.client.set_window_size(1280, 900).await.unwrap();
        let png = b.client.screenshot().await.unwrap();
        std::fs::create_dir_all(hosted_dir()).unwrap();
        std::fs::write(hosted_dir().join("sign-in-desktop.png"), png).unwrap();
        shoot(b, "sign-in").await;
        b.fill("#email", SOLO_EMAIL).await.unwrap();
        b.fill("#password", "not-the-password").await.unwrap();
        b.click("#submit").await.unwrap();
        b.wait_element("#password-error").await;
        shoot(b, "sign-in-error").await;
        b.click("#forgot-password").await.unwrap();
        b.wait_url("forgot", |u| u.contains("/hosted/forgot-password"))
            .await;
        shoot(b, "forgot-password").await;
        b.click("#submit").await.unwrap();
        b.wait_element("#notice").await;
        shoot(b, "reset-sent").await;
        b.click("#to-sign-in").await.unwrap();
        b.click("#google").await.unwrap();
        b.wait_url("google", |u| u.contains("/hosted/google")).await;
        shoot(b, "google").await;
        b.click("#back").await.unwrap();
        b.fill("#email", SOLO_EMAIL).await.unwrap();
        b.click("#magic-code").await.unwrap();
        b.wait_url("magic", |u| u.contains("/hosted/magic-code"))
            .await;
        shoot(b, "magic-code").await;

        let link = ctx
            .emu
            .latest_email(SOLO_EMAIL, "password_reset")
            .await
            .unwrap();
        b.goto(link["link"].as_str().unwrap()).await.unwrap();
        b.wait_url("new password", |u| u.contains("/hosted/new-password"))
            .await;
        shoot(b, "new-password").await;
        b.click("#cancel").await.unwrap();
        b.wait_status("signed-out").await;

        b.goto(&ctx.dev_url("/")).await.unwrap();
        b.wait_status("signed-out").await;
        b.click("#sign-up").await.unwrap();
        b.wait_url("sign-up", |u| u.contains("/hosted/sign-up"))
            .await;
        shoot(b, "sign-up").await;
        b.fill("#email", "new@example.com").await.unwrap();
        b.fill("#password", "new-password-1").await.unwrap();
        b.click("#submit").await.unwrap();
        b.wait_url("verify", |u| u.contains("/hosted/verify-email"))
            .await;
        shoot(b, "verify-email").await;

        open_hosted_sign_in(&ctx.browser, &ctx.dev_url("/")).await;
        b.fill("#email", MFA_EMAIL).await.unwrap();
        b.fill("#password", MFA_PASSWORD).await.unwrap();
        b.click("#submit").await.unwrap();
        b.wait_url("mfa", |u| u.contains("/hosted/mfa")).await;
        shoot(b, "mfa").await;

        open_hosted_sign_in(&ctx.browser, &ctx.dev_url("/")).await;
        b.fill("#email", DEMO_EMAIL).await.unwrap();
        b.fill("#password", DEMO_PASSWORD).await.unwrap();
        b.click("#submit").await.unwrap();
        b.wait_element("#org-0").await;
        shoot(b, "organization-picker").await;

        let invitation = ctx
            .emu
            .invite("ivy@example.com", authkit_e2e::config::ORG_GLOBEX)
            .await
            .unwrap();
        b.goto(invitation["accept_invitation_url"].as_str().unwrap())
            .await
            .unwrap();
        b.wait_url("invited sign-up", |u| u.contains("/hosted/sign-up"))
            .await;
        shoot(b, "invitation-sign-up").await;

        b.goto(&format!("{}/_emulator/mailbox.html", ctx.emu.base))
            .await
            .unwrap();
        b.wait_element("#emails").await;
        b.client.set_window_size(1280, 900).await.unwrap();
        let png = b.client.screenshot().await.unwrap();
        std::fs::write(hosted_dir().join("mailbox.png"), png).unwrap();
    })
    .await;
}
