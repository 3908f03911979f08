//! Shared helpers of the browser tests: the emulator's address and control API, storage and URL
//! resets, signing in through a real callback, and waiting for a condition.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

use authkit_yew::browser::page;
use authkit_yew::client::AuthKitClient;
use authkit_yew::protocol::{pkce, session};
use authkit_yew::{AuthKitOptions, DevMode};
use gloo_net::http::Request;
use serde_json::{json, Value};

/// The client of the browser-test seed (`xtask/browser-seed.toml`).
pub const CLIENT_ID: &str = "client_demo";
/// A seeded user with two organizations.
pub const DEMO_EMAIL: &str = "demo@example.com";
/// The seeded organizations of the demo user.
pub const ACME: &str = "org_01ACME000000000000000000AC";
/// Second organization of the demo user.
pub const GLOBEX: &str = "org_01GRBX000000000000000000GX";

/// Fails unless this runs in a real Chromium page (user agent and document), and returns its
/// window: every browser test file has one test that proves where it ran.
pub fn assert_in_chromium() -> web_sys::Window {
    let window = web_sys::window().expect("a browser window exists");
    let agent = window.navigator().user_agent().expect("userAgent");
    assert!(agent.contains("Chrome"), "not Chromium: {agent}");
    assert!(window.document().is_some(), "no document");
    window
}

/// The emulator URL baked in at compile time; a clear failure when it is missing.
pub fn emulator_url() -> &'static str {
    match option_env!("AUTHKIT_EMULATOR_URL") {
        Some(url) if !url.is_empty() => url.trim_end_matches('/'),
        _ => panic!(
            "AUTHKIT_EMULATOR_URL was not set when these browser tests were compiled. Start the \
             emulator (cargo run -p authkit-emulator -- --port 0 --in-memory --config \
             xtask/browser-seed.toml) and build the tests with \
             AUTHKIT_EMULATOR_URL=http://127.0.0.1:PORT, or run `cargo xtask test`."
        ),
    }
}

/// `(host, port)` of the emulator.
pub fn emulator_host_port() -> (String, u16) {
    let url = emulator_url();
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, port) = rest
        .rsplit_once(':')
        .expect("AUTHKIT_EMULATOR_URL needs a port");
    (host.to_owned(), port.parse().expect("numeric port"))
}

/// The origin of the test page (served by wasm-bindgen-test-runner on a random port).
pub fn origin() -> String {
    page::location().origin
}

/// The redirect URI the tests use (`/callback` on the test page's origin, allowed by the seed).
pub fn redirect_uri() -> String {
    format!("{}/callback", origin())
}

/// Options pointing at the emulator, dev mode explicit.
pub fn options(dev_mode: DevMode) -> AuthKitOptions {
    let (host, port) = emulator_host_port();
    AuthKitOptions::new(CLIENT_ID)
        .api_hostname(host)
        .https(false)
        .port(port)
        .redirect_uri(redirect_uri())
        .dev_mode(dev_mode)
}

async fn send(method: &str, path: &str, body: Option<Value>) -> Value {
    let url = format!("{}{}", emulator_url(), path);
    let builder = match method {
        "GET" => Request::get(&url),
        "POST" => Request::post(&url),
        "DELETE" => Request::delete(&url),
        other => panic!("unsupported method {other}"),
    };
    let response = match body {
        Some(body) => builder.json(&body).expect("json body").send().await,
        None => builder.send().await,
    }
    .unwrap_or_else(|e| panic!("emulator control request {method} {path} failed: {e}"));
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert!(
        (200..300).contains(&status),
        "emulator control request {method} {path} answered {status}: {text}"
    );
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// `POST /_emulator/<path>`.
pub async fn control_post(path: &str, body: Value) -> Value {
    send("POST", &format!("/_emulator/{path}"), Some(body)).await
}

/// `GET /_emulator/<path>`.
pub async fn control_get(path: &str) -> Value {
    send("GET", &format!("/_emulator/{path}"), None).await
}

/// `DELETE /_emulator/<path>`.
pub async fn control_delete(path: &str) -> Value {
    send("DELETE", &format!("/_emulator/{path}"), None).await
}

/// Injects a fault into `POST /user_management/authenticate` for one grant type
/// (`refresh_token` or `authorization_code`): `fault` holds the rest of the emulator's fault
/// spec (`status`, `delay_ms`, `drop`, `headers`, `count`).
pub async fn authenticate_fault(grant_type: &str, fault: Value) {
    let mut spec = json!({"method": "POST", "path": "/user_management/authenticate",
                          "grant_type": grant_type});
    for (k, v) in fault.as_object().expect("a fault spec is an object") {
        spec[k] = v.clone();
    }
    control_post("faults", spec).await;
}

/// A fault on refresh requests (see [`authenticate_fault`]).
pub async fn refresh_fault(fault: Value) {
    authenticate_fault("refresh_token", fault).await;
}

/// Waits until `client` is signed in again after a failure, then checks that it is no longer
/// reconnecting and carries no error.
pub async fn wait_until_signed_in_again(client: &AuthKitClient, what: &str) {
    let c = client.clone();
    wait_until(what, move || c.state().is_authenticated).await;
    let s = client.state();
    assert!(!s.is_reconnecting, "{s:?}");
    assert_eq!(s.error, None);
}

/// Clears browser storage, SDK cookies we can reach, the URL, the frame override, and resets
/// the emulator (seed, faults, clock, request log).
pub async fn reset() {
    let window = web_sys::window().expect("window");
    if let Ok(Some(s)) = window.local_storage() {
        s.clear().ok();
    }
    if let Ok(Some(s)) = window.session_storage() {
        s.clear().ok();
    }
    clear_readable_cookies();
    if let Some(perf) = window.performance() {
        perf.clear_marks();
    }
    page::override_framed_for_tests(None);
    authkit_yew::browser::navigation::intercept_for_tests(None::<fn(&str)>);
    deny_storage("localStorage", false);
    deny_storage("sessionStorage", false);
    page::replace_url("/").expect("replaceState");
    control_post("reset", json!({})).await;
    control_delete("requests").await;
}

/// The logged `POST /user_management/authenticate` requests (optionally one grant type).
pub async fn authenticate_requests(grant_type: Option<&str>) -> Vec<Value> {
    let log = control_get("requests").await;
    log.as_array()
        .expect("request log is an array")
        .iter()
        .filter(|r| r["path"] == "/user_management/authenticate" && r["method"] == "POST")
        .filter(|r| grant_type.is_none_or(|g| r["grant_type"] == g))
        .cloned()
        .collect()
}

/// Every logged request to the public API (not the control API).
pub async fn api_requests() -> Vec<Value> {
    let log = control_get("requests").await;
    log.as_array()
        .expect("request log is an array")
        .iter()
        .filter(|r| !r["path"].as_str().unwrap_or("").starts_with("/_emulator"))
        .cloned()
        .collect()
}

/// Stores a fresh verifier as `sign_in` would and mints a code for it at the emulator.
pub async fn prepare_code(email: &str, organization_id: Option<&str>) -> String {
    let verifier = pkce::verifier().expect("verifier");
    let window = web_sys::window().expect("window");
    window
        .session_storage()
        .expect("sessionStorage")
        .expect("sessionStorage")
        .set_item(&session::code_verifier_key(CLIENT_ID), &verifier)
        .expect("store verifier");
    let challenge = pkce::challenge(&verifier);
    mint_code(email, &challenge, organization_id).await
}

/// `POST /_emulator/codes`.
pub async fn mint_code(email: &str, challenge: &str, organization_id: Option<&str>) -> String {
    let mut body = json!({
        "client_id": CLIENT_ID,
        "email": email,
        "code_challenge": challenge,
        "redirect_uri": redirect_uri(),
    });
    if let Some(org) = organization_id {
        body["organization_id"] = json!(org);
    }
    let answer = control_post("codes", body).await;
    answer["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code in {answer}"))
        .to_owned()
}

/// Puts the tab on the callback URL (without navigating).
pub fn set_callback_url(query: &str) {
    page::replace_url(&format!("/callback{query}")).expect("replaceState");
}

/// A client for `options` on the current page, initialized (callback handled or session
/// restored).
pub async fn initialized(options: AuthKitOptions) -> AuthKitClient {
    let client = AuthKitClient::new(options);
    client.initialize().await;
    client
}

/// Signs in through a real callback (code minted at the emulator, exchanged by the client).
pub async fn signed_in_client(options: AuthKitOptions) -> AuthKitClient {
    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?code={code}"));
    let client = initialized(options).await;
    let state = client.state();
    assert!(
        state.is_authenticated,
        "sign-in through the callback failed: {:?}",
        state.error
    );
    client
}

/// A dev-mode session left in storage by a tab that is gone (signed in, then disposed), on a
/// page that is no callback, without readable cookies, with an empty request log: the next
/// client restores from it. Returns the session's id.
pub async fn session_left_in_storage() -> String {
    reset().await;
    let first = signed_in_client(options(DevMode::Auto)).await;
    let session_id = first.state().session_id.clone().expect("a session id");
    first.dispose();
    clear_readable_cookies();
    page::replace_url("/").expect("replaceState");
    control_delete("requests").await;
    session_id
}

/// Puts the tab on `path_and_query` (without navigating).
pub fn page_url(path_and_query: &str) {
    page::replace_url(path_and_query).expect("replaceState");
}

/// Current `location.pathname + location.search`.
pub fn current_path() -> String {
    let here = page::location();
    format!("{}{}", here.pathname, here.search)
}

/// Waits (yielding to the event loop) until `cond` holds; panics with `what` after a generous
/// bound so that a broken behaviour fails instead of hanging.
pub async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..1500 {
        if cond() {
            return;
        }
        authkit_yew::browser::timer::sleep_ms(20).await;
    }
    panic!("timed out waiting until {what}");
}

/// Records values passed to a callback.
#[derive(Clone, Default)]
pub struct Recorder<T>(pub Rc<RefCell<Vec<T>>>);

impl<T: Clone + 'static> Recorder<T> {
    /// A new, empty recorder.
    pub fn new() -> Self {
        Self(Rc::new(RefCell::new(Vec::new())))
    }
    /// A closure that records its argument.
    pub fn sink(&self) -> impl Fn(T) + 'static {
        let inner = self.0.clone();
        move |v| inner.borrow_mut().push(v)
    }
    /// How many values were recorded.
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }
    /// The recorded values.
    pub fn values(&self) -> Vec<T> {
        self.0.borrow().clone()
    }
}

/// Expires the cookies JavaScript can see (e.g. `workos-has-session` set by the emulator on
/// this host), so that each test starts without a session hint.
pub fn clear_readable_cookies() {
    use wasm_bindgen::JsCast;
    let document: web_sys::HtmlDocument = web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
        .dyn_into()
        .expect("HtmlDocument");
    let cookies = document.cookie().unwrap_or_default();
    for cookie in cookies.split(';') {
        let name = cookie.split('=').next().unwrap_or("").trim();
        if !name.is_empty() {
            document
                .set_cookie(&format!("{name}=; Max-Age=0; Path=/"))
                .ok();
        }
    }
}

/// A percent-encoded query value.
pub fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

/// True when `performance.mark(name)` was set since the last [`reset`].
pub fn marked(name: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.get_entries_by_name(name).length() > 0)
        .unwrap_or(false)
}

/// Makes every SDK navigation record its URL instead of leaving the test page (until the next
/// [`reset`]).
pub fn intercept_navigation() -> Recorder<String> {
    let recorder = Recorder::new();
    let sink = recorder.sink();
    authkit_yew::browser::navigation::intercept_for_tests(Some(move |url: &str| {
        sink(url.to_owned())
    }));
    recorder
}

/// Query parameter `name` of `url`, decoded (`None` when absent).
pub fn url_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let query = query.split('#').next().unwrap_or("");
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(key) == name).then(|| decode(value))
    })
}

/// `url` without its query and fragment.
pub fn url_without_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or("").to_owned()
}

fn decode(value: &str) -> String {
    js_sys::decode_uri_component(&value.replace('+', " "))
        .map(String::from)
        .unwrap_or_else(|_| panic!("bad percent-encoding in {value}"))
}

thread_local! {
    static STORAGE_DESCRIPTORS: RefCell<Vec<(String, wasm_bindgen::JsValue)>> =
        const { RefCell::new(Vec::new()) };
}

/// Makes `window.localStorage` or `window.sessionStorage` throw a `SecurityError` as a browser
/// that denies storage does (`deny = false` restores the original property).
pub fn deny_storage(name: &str, deny: bool) {
    use wasm_bindgen::JsValue;
    let window: JsValue = web_sys::window().expect("window").into();
    let window_obj: &js_sys::Object = wasm_bindgen::JsCast::unchecked_ref(&window);
    let saved = STORAGE_DESCRIPTORS.with(|d| {
        d.borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    });
    if deny {
        if saved.is_none() {
            let original = js_sys::Object::get_own_property_descriptor(window_obj, &name.into());
            assert!(
                !original.is_undefined(),
                "window.{name} is expected to be an own property of window"
            );
            STORAGE_DESCRIPTORS.with(|d| d.borrow_mut().push((name.to_owned(), original)));
        }
        let thrower = js_sys::Function::new_no_args(
            "throw new DOMException('The operation is insecure.', 'SecurityError');",
        );
        let descriptor = js_sys::Object::new();
        js_sys::Reflect::set(&descriptor, &"get".into(), &thrower).expect("set get");
        js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into())
            .expect("set configurable");
        js_sys::Object::define_property(window_obj, &name.into(), &descriptor);
        let denied = match name {
            "localStorage" => web_sys::window().expect("window").local_storage().is_err(),
            _ => web_sys::window()
                .expect("window")
                .session_storage()
                .is_err(),
        };
        assert!(denied, "window.{name} still answers after being denied");
    } else if let Some(original) = saved {
        js_sys::Object::define_property(
            window_obj,
            &name.into(),
            wasm_bindgen::JsCast::unchecked_ref(&original),
        );
        STORAGE_DESCRIPTORS.with(|d| d.borrow_mut().retain(|(n, _)| n != name));
    }
}
