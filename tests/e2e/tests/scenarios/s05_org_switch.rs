//! Scenario 5: switching organization changes role, permissions and feature flags on the page;
//! the session (`sid`) stays the same.

use authkit_e2e::config::{ORG_ACME, ORG_GLOBEX};
use authkit_e2e::flows::sign_in_demo_user;
use authkit_e2e::scenario;
use fantoccini::Locator;

#[tokio::test]
async fn s05_switching_organization_changes_claims_but_not_the_session() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        sign_in_demo_user(b, &ctx.dev_url("/"), 0).await;
        b.wait_text("#organization-id", ORG_ACME).await;
        b.wait_text("#role", "admin").await;
        b.wait_text("#permissions", "posts:read, posts:write, members:manage")
            .await;
        b.wait_text("#feature-flags", "new-dashboard, beta-reports")
            .await;
        let sid = b.wait_element("#session-id").await;

        b.client
            .find(Locator::Css("#org-switcher"))
            .await
            .unwrap()
            .select_by_value(ORG_GLOBEX)
            .await
            .unwrap();
        b.click("#switch-org").await.unwrap();

        b.wait_text("#organization-id", ORG_GLOBEX).await;
        b.wait_text("#role", "member").await;
        b.wait_text("#permissions", "posts:read").await;
        b.wait_text("#feature-flags", "new-dashboard").await;
        b.wait_text("#entitlements", "none").await;
        b.wait_text("#session-id", &sid).await;
        b.wait_status("signed-in").await;

        // The new access token says the same: same sid, new org.
        b.click("#get-token").await.unwrap();
        let claims = b.wait_element("#token-claims").await;
        let claims: serde_json::Value = serde_json::from_str(&claims).unwrap();
        assert_eq!(claims["sid"], sid.as_str());
        assert_eq!(claims["org_id"], ORG_GLOBEX);
        assert_eq!(claims["role"], "member");

        // The switch was a refresh grant naming the organization, not a new sign-in.
        let log = ctx.emu.requests().await.unwrap();
        let sign_ins = log
            .iter()
            .filter(|r| r["path"] == "/user_management/authorize")
            .count();
        assert_eq!(sign_ins, 1, "the switch started a new sign-in: {log:?}");
        let sessions = ctx.emu.sessions().await.unwrap();
        assert_eq!(sessions.len(), 1, "{sessions:?}");
    })
    .await;
}
