//! Browser tests of the Yew layer: provider, hooks, cheap re-renders, disposal on unmount.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use authkit_yew::prelude::*;
use common::*;
use serde_json::json;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Shared observations of the test components (compared by identity, so props never change).
#[derive(Default)]
struct Probe {
    auth_renders: Cell<u32>,
    handle_renders: Cell<u32>,
    handle: RefCell<Option<AuthHandle>>,
    last: RefCell<Option<Rc<AuthState>>>,
    users: RefCell<Vec<Option<String>>>,
    outside: RefCell<Option<bool>>,
}

#[derive(Clone)]
struct ProbeRef(Rc<Probe>);

impl PartialEq for ProbeRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
struct ProbeProps {
    probe: ProbeRef,
}

#[component]
fn AuthConsumer(props: &ProbeProps) -> Html {
    let auth = use_auth();
    let p = &props.probe.0;
    p.auth_renders.set(p.auth_renders.get() + 1);
    *p.last.borrow_mut() = Some(auth.state());
    html! { <p>{ auth.organization_id.clone().unwrap_or_default() }</p> }
}

#[component]
fn HandleConsumer(props: &ProbeProps) -> Html {
    let handle = use_auth_handle();
    let p = &props.probe.0;
    p.handle_renders.set(p.handle_renders.get() + 1);
    *p.handle.borrow_mut() = Some(handle);
    html! {}
}

#[component]
fn UserConsumer(props: &ProbeProps) -> Html {
    let user = use_user();
    props.probe.0.users.borrow_mut().push(user.map(|u| u.email));
    html! {}
}

#[component]
fn Outside(props: &ProbeProps) -> Html {
    let auth = use_try_auth();
    *props.probe.0.outside.borrow_mut() = Some(auth.is_some());
    html! {}
}

#[derive(Properties, PartialEq)]
struct AppProps {
    options: AuthKitOptions,
    probe: ProbeRef,
}

#[component]
fn App(props: &AppProps) -> Html {
    html! {
        <AuthKitProvider options={props.options.clone()}>
            <AuthConsumer probe={props.probe.clone()} />
            <HandleConsumer probe={props.probe.clone()} />
            <UserConsumer probe={props.probe.clone()} />
        </AuthKitProvider>
    }
}

/// Renders `C` with `props` into a fresh `<div>` appended to the body; returns the app and
/// that root.
fn render<C: BaseComponent>(props: C::Properties) -> (yew::AppHandle<C>, web_sys::Element) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    (app, root)
}

#[wasm_bindgen_test]
async fn use_try_auth_is_none_outside_a_provider() {
    let probe = ProbeRef(Rc::new(Probe::default()));
    let (app, _) = render::<Outside>(ProbeProps {
        probe: probe.clone(),
    });
    yew::scheduler::flush().await;
    assert_eq!(*probe.0.outside.borrow(), Some(false));
    app.destroy();
}

#[wasm_bindgen_test]
async fn provider_signs_in_and_a_refresh_without_visible_change_rerenders_nothing() {
    reset().await;
    let code = prepare_code(DEMO_EMAIL, Some(ACME)).await;
    set_callback_url(&format!("?code={code}"));
    let probe = ProbeRef(Rc::new(Probe::default()));
    let (app, _) = render::<App>(AppProps {
        options: options(DevMode::Auto),
        probe: probe.clone(),
    });
    let p = probe.0.clone();
    wait_until("the provider shows the signed-in user", move || {
        p.last.borrow().as_ref().is_some_and(|s| s.is_authenticated)
    })
    .await;
    yew::scheduler::flush().await;
    let state = probe.0.last.borrow().clone().unwrap();
    assert_eq!(state.user.as_ref().unwrap().email, DEMO_EMAIL);
    assert_eq!(state.organization_id.as_deref(), Some(ACME));
    // use_user: None while loading, then the user.
    let users = probe.0.users.borrow().clone();
    assert_eq!(users.first(), Some(&None));
    assert_eq!(users.last(), Some(&Some(DEMO_EMAIL.to_owned())));

    for mark in [
        "authkit:init",
        "authkit:exchange-start",
        "authkit:exchange-end",
        "authkit:ready",
        "authkit:signed-in",
    ] {
        assert!(marked(mark), "performance mark {mark} missing");
    }
    assert!(
        !marked("authkit:refresh-start"),
        "no refresh during a callback sign-in"
    );

    let handle = probe.0.handle.borrow().clone().unwrap();
    let auth_renders = probe.0.auth_renders.get();
    let handle_renders = probe.0.handle_renders.get();
    let old = handle.get_access_token().await.unwrap();
    let new = handle.get_access_token_with(true).await.unwrap();
    assert_ne!(old, new, "the refresh happened");
    assert!(marked("authkit:refresh-start") && marked("authkit:refresh-end"));
    yew::scheduler::flush().await;

    // A visible change afterwards: exactly one more render, so the refresh caused none.
    handle
        .switch_to_organization(GLOBEX, SignInOptions::default())
        .await
        .unwrap();
    let p = probe.0.clone();
    wait_until("the consumer shows the new organization", move || {
        p.last
            .borrow()
            .as_ref()
            .is_some_and(|s| s.organization_id.as_deref() == Some(GLOBEX))
    })
    .await;
    yew::scheduler::flush().await;
    assert_eq!(probe.0.auth_renders.get(), auth_renders + 1);
    assert_eq!(
        probe.0.handle_renders.get(),
        handle_renders,
        "handle-only consumers never re-render on state"
    );

    app.destroy();
    yew::scheduler::flush().await;
    assert!(
        handle.client().is_disposed(),
        "unmounting the provider disposes the client"
    );
    assert_eq!(
        handle.get_access_token().await.map(|_| ()),
        Err(AuthKitError::Config(
            "the AuthKit client was disposed (its provider unmounted)".into()
        ))
    );
}

#[derive(Properties, PartialEq)]
struct GuardsProps {
    options: AuthKitOptions,
}

#[component]
fn Guards(props: &GuardsProps) -> Html {
    html! {
        <AuthKitProvider options={props.options.clone()}>
            <SignedIn><span>{"content-for-members"}</span></SignedIn>
            <SignedOut><span>{"content-for-visitors"}</span></SignedOut>
        </AuthKitProvider>
    }
}

#[wasm_bindgen_test]
async fn signed_in_and_signed_out_guards_follow_the_state() {
    reset().await;
    let (app, root) = render::<Guards>(GuardsProps {
        options: options(DevMode::Auto),
    });
    let r = root.clone();
    wait_until("the signed-out guard renders", move || {
        r.inner_html().contains("content-for-visitors")
    })
    .await;
    assert!(!root.inner_html().contains("content-for-members"));
    app.destroy();

    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?code={code}"));
    let (app, root) = render::<Guards>(GuardsProps {
        options: options(DevMode::Auto),
    });
    let r = root.clone();
    wait_until("the signed-in guard renders", move || {
        r.inner_html().contains("content-for-members")
    })
    .await;
    assert!(!root.inner_html().contains("content-for-visitors"));
    app.destroy();
}

#[derive(Properties, PartialEq)]
struct EndpointProps {
    options: AuthKitOptions,
}

#[component]
fn EndpointApp(props: &EndpointProps) -> Html {
    html! {
        <AuthKitProvider options={props.options.clone()}>
            <SignInEndpoint><span>{"redirecting"}</span></SignInEndpoint>
        </AuthKitProvider>
    }
}

#[wasm_bindgen_test]
async fn the_sign_in_endpoint_starts_sign_in_forwarding_the_query() {
    reset().await;
    let navigations = intercept_navigation();
    page_url(&format!(
        "/login?login_hint={}&organization_id={ACME}&invitation_token=inv_123&state=evil&other=x",
        encode("ada@example.com")
    ));
    let (app, root) = render::<EndpointApp>(EndpointProps {
        options: options(DevMode::Auto),
    });
    let n = navigations.clone();
    wait_until("the endpoint starts sign-in", move || n.len() > 0).await;
    yew::scheduler::flush().await;
    assert!(
        root.inner_html().contains("redirecting"),
        "children shown meanwhile"
    );
    let urls = navigations.values();
    assert_eq!(urls.len(), 1, "{urls:?}");
    let url = &urls[0];
    assert_eq!(
        url_without_query(url),
        format!("{}/user_management/authorize", emulator_url())
    );
    assert_eq!(
        url_param(url, "login_hint").as_deref(),
        Some("ada@example.com")
    );
    assert_eq!(url_param(url, "organization_id").as_deref(), Some(ACME));
    assert_eq!(
        url_param(url, "invitation_token").as_deref(),
        Some("inv_123")
    );
    assert_eq!(
        url_param(url, "state"),
        None,
        "only the three documented parameters"
    );
    assert_eq!(url_param(url, "other"), None);
    assert_eq!(url_param(url, "screen_hint"), None);
    app.destroy();
}

#[component]
fn GuardedPage(props: &ProbeProps) -> Html {
    html! { <UserConsumer probe={props.probe.clone()} /> }
}

#[derive(Properties, PartialEq)]
struct GuardedProps {
    options: AuthKitOptions,
    probe: ProbeRef,
}

#[component]
fn GuardedApp(props: &GuardedProps) -> Html {
    html! {
        <AuthKitProvider options={props.options.clone()}>
            <GuardedPage probe={props.probe.clone()} />
            <AuthConsumer probe={props.probe.clone()} />
        </AuthKitProvider>
    }
}

#[wasm_bindgen_test]
async fn use_user_sends_a_signed_out_visitor_to_sign_in_once_with_the_current_path() {
    reset().await;
    let navigations = intercept_navigation();
    page_url("/account?tab=2");
    let probe = ProbeRef(Rc::new(Probe::default()));
    let (app, _) = render::<GuardedApp>(GuardedProps {
        options: options(DevMode::Auto),
        probe: probe.clone(),
    });
    let n = navigations.clone();
    wait_until("the guard starts sign-in", move || n.len() > 0).await;
    // Later renders do not start a second sign-in.
    authkit_yew::browser::timer::sleep_ms(200).await;
    yew::scheduler::flush().await;
    let urls = navigations.values();
    assert_eq!(urls.len(), 1, "{urls:?}");
    assert_eq!(
        url_param(&urls[0], "state"),
        Some(json!({"return_to": "/account?tab=2"}).to_string())
    );
    assert!(
        probe.0.users.borrow().iter().all(Option::is_none),
        "use_user is None throughout"
    );
    let state = probe.0.last.borrow().clone().unwrap();
    assert!(!state.is_loading && !state.is_authenticated);
    app.destroy();
}

#[derive(Properties, PartialEq)]
struct TwoProps {
    a: AuthKitOptions,
    b: AuthKitOptions,
    pa: ProbeRef,
    pb: ProbeRef,
}

#[component]
fn TwoProviders(props: &TwoProps) -> Html {
    html! {
        <>
            <AuthKitProvider options={props.a.clone()}>
                <AuthConsumer probe={props.pa.clone()} />
                <HandleConsumer probe={props.pa.clone()} />
            </AuthKitProvider>
            <AuthKitProvider options={props.b.clone()}>
                <AuthConsumer probe={props.pb.clone()} />
                <HandleConsumer probe={props.pb.clone()} />
            </AuthKitProvider>
        </>
    }
}

#[wasm_bindgen_test]
async fn two_providers_do_not_interfere_and_a_remount_restores_the_session() {
    reset().await;
    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?code={code}"));
    let (host, port) = emulator_host_port();
    let other = AuthKitOptions::new("client_other")
        .api_hostname(host)
        .https(false)
        .port(port)
        .redirect_uri(format!("{}/elsewhere", origin()))
        .dev_mode(DevMode::Auto);
    let (pa, pb) = (
        ProbeRef(Rc::new(Probe::default())),
        ProbeRef(Rc::new(Probe::default())),
    );
    let (app, _) = render::<TwoProviders>(TwoProps {
        a: options(DevMode::Auto),
        b: other,
        pa: pa.clone(),
        pb: pb.clone(),
    });
    let (a, b) = (pa.0.clone(), pb.0.clone());
    wait_until("A signs in and B settles", move || {
        a.last.borrow().as_ref().is_some_and(|s| s.is_authenticated)
            && b.last.borrow().as_ref().is_some_and(|s| !s.is_loading)
    })
    .await;
    let b_state = pb.0.last.borrow().clone().unwrap();
    assert!(
        !b_state.is_authenticated && b_state.error.is_none() && b_state.signed_out_reason.is_none()
    );
    assert_eq!(api_requests().await.len(), 1, "only A's code exchange");
    // Unmounting disposes both clients.
    let handle_a = pa.0.handle.borrow().clone().unwrap();
    let handle_b = pb.0.handle.borrow().clone().unwrap();
    assert_ne!(handle_a, handle_b);
    app.destroy();
    yew::scheduler::flush().await;
    assert!(handle_a.client().is_disposed() && handle_b.client().is_disposed());

    // Remount on a normal page: the session comes back from the stored (dev-mode) token.
    page_url("/");
    let probe = ProbeRef(Rc::new(Probe::default()));
    let (app, _) = render::<TwoProviders>(TwoProps {
        a: options(DevMode::Auto),
        b: AuthKitOptions::new("client_other")
            .api_hostname("127.0.0.1")
            .https(false)
            .port(1)
            .dev_mode(DevMode::Auto),
        pa: probe.clone(),
        pb: pb.clone(),
    });
    let p = probe.0.clone();
    wait_until("the remounted provider restores the session", move || {
        p.last.borrow().as_ref().is_some_and(|s| s.is_authenticated)
    })
    .await;
    let handle = probe.0.handle.borrow().clone().unwrap();
    handle
        .sign_out(SignOutOptions {
            return_to: None,
            navigate: false,
        })
        .await
        .unwrap();
    yew::scheduler::flush().await;
    let b_state = pb.0.last.borrow().clone().unwrap();
    assert!(
        b_state.signed_out_reason.is_none() && b_state.error.is_none(),
        "another client's sign-out does not reach B"
    );
    app.destroy();
}

/// Waits until the probed `auth.error` is set, lets storage work again, and returns the state
/// after checking that the error is the denied storage's.
async fn storage_error_in_auth_state(probe: &ProbeRef, what: &str) -> Rc<AuthState> {
    let p = probe.0.clone();
    wait_until(what, move || {
        p.last.borrow().as_ref().is_some_and(|s| s.error.is_some())
    })
    .await;
    deny_storage("sessionStorage", false);
    let state = probe.0.last.borrow().clone().unwrap();
    assert!(
        matches!(state.error, Some(AuthKitError::Storage(_))),
        "{:?}",
        state.error
    );
    state
}

#[wasm_bindgen_test]
async fn use_user_reports_a_sign_in_that_cannot_start_in_auth_error() {
    reset().await;
    let navigations = intercept_navigation();
    page_url("/account");
    deny_storage("sessionStorage", true);
    let probe = ProbeRef(Rc::new(Probe::default()));
    let (app, _) = render::<GuardedApp>(GuardedProps {
        options: options(DevMode::Auto),
        probe: probe.clone(),
    });
    let state = storage_error_in_auth_state(&probe, "the guard's failure reaches auth.error").await;
    assert!(!state.should_start_sign_in(), "no retry loop");
    assert_eq!(navigations.len(), 0);
    app.destroy();
}

#[derive(Properties, PartialEq)]
struct ObservedProps {
    options: AuthKitOptions,
    probe: ProbeRef,
}

#[component]
fn ObservedSignedOut(props: &ObservedProps) -> Html {
    html! {
        <AuthKitProvider options={props.options.clone()}>
            <SignedOut><span>{"content-for-visitors"}</span></SignedOut>
            <AuthConsumer probe={props.probe.clone()} />
        </AuthKitProvider>
    }
}

#[wasm_bindgen_test]
async fn the_signed_out_guard_stays_empty_while_reconnecting() {
    session_left_in_storage().await;
    refresh_fault(json!({"status": 503, "count": null})).await;
    let probe = ProbeRef(Rc::new(Probe::default()));
    let (app, root) = render::<ObservedSignedOut>(ObservedProps {
        options: options(DevMode::Auto),
        probe: probe.clone(),
    });
    let p = probe.0.clone();
    wait_until("reconnecting at load", move || {
        p.last.borrow().as_ref().is_some_and(|s| s.is_reconnecting)
    })
    .await;
    yew::scheduler::flush().await;
    assert!(
        !root.inner_html().contains("content-for-visitors"),
        "an outage is not a sign-out"
    );
    app.destroy();
}

#[component]
fn ObservedEndpoint(props: &ObservedProps) -> Html {
    html! {
        <AuthKitProvider options={props.options.clone()}>
            <SignInEndpoint><span>{"redirecting"}</span></SignInEndpoint>
            <AuthConsumer probe={props.probe.clone()} />
        </AuthKitProvider>
    }
}

#[wasm_bindgen_test]
async fn the_sign_in_endpoint_reports_a_sign_in_that_cannot_start_in_auth_error() {
    reset().await;
    let navigations = intercept_navigation();
    page_url("/login");
    deny_storage("sessionStorage", true);
    let probe = ProbeRef(Rc::new(Probe::default()));
    let (app, root) = render::<ObservedEndpoint>(ObservedProps {
        options: options(DevMode::Auto),
        probe: probe.clone(),
    });
    storage_error_in_auth_state(&probe, "the endpoint's failure reaches auth.error").await;
    yew::scheduler::flush().await;
    assert!(
        root.inner_html().contains("authkit-error"),
        "and the endpoint still shows it"
    );
    assert_eq!(navigations.len(), 0);
    app.destroy();
}
