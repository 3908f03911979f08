//! Scenario 14 (issue 12, flow 4): an invitation created through the control API; its emailed
//! link goes to the demo's sign-in endpoint, whose `SignInEndpoint` forwards
//! `invitation_token` to authorize; the hosted sign-up page shows the invited address, creates
//! the user and the membership, and the token carries the organization.

use authkit_e2e::config::ORG_GLOBEX;
use authkit_e2e::flows::path_of;
use authkit_e2e::scenario;

const INVITEE: &str = "ivy@example.com";

#[tokio::test]
async fn s14_invitation_link_signs_up_into_the_organization() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        let invitation = ctx.emu.invite(INVITEE, ORG_GLOBEX).await.unwrap();
        let email = ctx.emu.latest_email(INVITEE, "invitation").await.unwrap();
        assert_eq!(email["link"], invitation["accept_invitation_url"]);

        ctx.emu.clear_requests().await.unwrap();
        b.goto(email["link"].as_str().unwrap()).await.unwrap();
        b.wait_url("the hosted sign-up page", |u| u.contains("/hosted/sign-up"))
            .await;
        let notice = b.wait_element("#notice").await;
        assert!(notice.contains("Globex"), "{notice:?}");
        let shown = b
            .js(
                "const e = document.querySelector('#email'); return [e.value, e.readOnly];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(shown, serde_json::json!([INVITEE, true]));
        b.fill("#first_name", "Ivy").await.unwrap();
        b.fill("#password", "invited-and-joined").await.unwrap();
        b.click("#submit").await.unwrap();

        let url = b.wait_status("signed-in").await;
        assert_eq!(path_of(&url), "/account", "landed on {url}");
        b.wait_text("#user-email", INVITEE).await;
        b.wait_text("#organization-id", ORG_GLOBEX).await;
        b.wait_text("#role", "member").await;
        // The app's /login started the sign-in (one authorize after the link, from the SDK).
        let lines = authkit_e2e::flows::log_lines(&ctx.emu.requests().await.unwrap());
        let at = |line: &str| lines.iter().position(|l| l == line);
        assert!(
            at("GET /hosted/invite") < at("GET /user_management/authorize"),
            "{lines:?}"
        );
        let list = ctx
            .emu
            .call("GET", "/_emulator/invitations", None)
            .await
            .unwrap();
        assert_eq!(list[0]["state"], "accepted");
    })
    .await;
}
