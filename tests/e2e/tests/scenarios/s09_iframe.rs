//! Scenario 9: a page on another origin frames the demo; the demo shows the refusal and the
//! emulator sees no request.

use authkit_e2e::{scenario, FRAME_HOST_PATH};

#[tokio::test]
async fn s09_framed_demo_refuses_without_contacting_the_api() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        // The host page is on 127.0.0.1; it frames the demo on localhost (another origin).
        let host = format!(
            "http://127.0.0.1:{}{FRAME_HOST_PATH}",
            ctx.harness.demo_port
        );
        b.goto(&host).await.unwrap();
        b.wait_element("#host").await;
        let frame_src = b
            .wait_for("the iframe src", || async {
                b.js(
                    "return document.getElementById('appframe').src || null;",
                    vec![],
                )
                .await
                .ok()?
                .as_str()
                .map(str::to_owned)
            })
            .await;
        assert!(frame_src.starts_with("http://localhost:"), "{frame_src}");

        b.client
            .enter_frame(0)
            .await
            .expect("enter the demo's frame");
        let error = b.wait_element("#error").await;
        assert!(
            error.to_lowercase().contains("iframe"),
            "the refusal should say why: {error:?}"
        );
        b.wait_status("signed-out").await;
        b.client.enter_parent_frame().await.unwrap();
        assert_eq!(b.url().await.unwrap(), host, "the top page was navigated");

        let log = ctx.emu.requests().await.unwrap();
        let api: Vec<_> = log
            .iter()
            .filter(|r| !r["path"].as_str().unwrap_or("").starts_with("/_emulator"))
            .collect();
        assert!(api.is_empty(), "the emulator saw requests: {api:?}");
    })
    .await;
}
