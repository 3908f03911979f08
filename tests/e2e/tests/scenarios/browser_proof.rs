//! Proof that the tests drive a real Chromium that runs the wasm demo.

use authkit_e2e::scenario;

#[tokio::test]
async fn a_real_chromium_renders_the_wasm_demo() {
    scenario(|ctx| async move {
        let b = &ctx.browser;
        b.goto(&ctx.dev_url("/")).await.unwrap();
        // The status only exists once the wasm app has rendered.
        b.wait_status("signed-out").await;
        let ua = b.js("return navigator.userAgent;", vec![]).await.unwrap();
        let ua = ua.as_str().unwrap_or_default();
        assert!(ua.contains("HeadlessChrome/"), "user agent: {ua}");
        let has_wasm = b
            .js(
                "return typeof WebAssembly === 'object' && performance.getEntriesByType('resource').some(r => r.name.endsWith('.wasm'));",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(has_wasm, serde_json::Value::Bool(true), "no .wasm was loaded");
    })
    .await;
}
