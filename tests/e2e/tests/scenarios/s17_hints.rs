//! Scenario 17 (issue 12, flow 7): `login_hint` forwarded by the demo's sign-in endpoint fills
//! in the hosted sign-in page; the demo's Sign up button (`screen_hint=sign-up`) opens the
//! sign-up page first; `prompt=none` comes back to the app as `login_required`.

use authkit_e2e::config::SOLO_EMAIL;
use authkit_e2e::flows::has_callback_params;
use authkit_e2e::scenario;

#[tokio::test]
async fn s17_login_hint_screen_hint_and_prompt() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        b.goto(&ctx.dev_url("/login?login_hint=solo%40example.com"))
            .await
            .unwrap();
        b.wait_url("the hosted sign-in page", |u| u.contains("/hosted/sign-in"))
            .await;
        let value = b
            .js("return document.querySelector('#email').value;", vec![])
            .await
            .unwrap();
        assert_eq!(value, SOLO_EMAIL);
        let focused = b
            .js(
                "return document.activeElement && document.activeElement.id;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            focused, "password",
            "with the email known, the password has the focus"
        );

        b.goto(&ctx.dev_url("/")).await.unwrap();
        b.wait_status("signed-out").await;
        b.click("#sign-up").await.unwrap();
        b.wait_url("the hosted sign-up page", |u| u.contains("/hosted/sign-up"))
            .await;

        // prompt=none: no page may be shown, so the app hears login_required at once.
        let authorize = format!(
            "{}/user_management/authorize?client_id=client_demo&provider=authkit\
             &response_type=code&prompt=none&redirect_uri={}",
            ctx.emu.base,
            authkit_e2e::flows::encode(&ctx.dev_url("/account"))
        );
        b.goto(&authorize).await.unwrap();
        let error = b.wait_element("#error").await;
        assert!(error.contains("login_required"), "{error:?}");
        let url = b.wait_status("signed-out").await;
        assert!(!has_callback_params(&url), "URL not cleaned: {url}");
    })
    .await;
}
