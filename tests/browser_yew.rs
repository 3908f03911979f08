//! Browser tests of the Yew layer: provider, hooks, cheap re-renders, disposal on unmount.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use authkit_yew::prelude::*;
use common::*;
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

fn mount_root() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

#[wasm_bindgen_test]
async fn use_try_auth_is_none_outside_a_provider() {
    let probe = ProbeRef(Rc::new(Probe::default()));
    let app = yew::Renderer::<Outside>::with_root_and_props(
        mount_root(),
        ProbeProps {
            probe: probe.clone(),
        },
    )
    .render();
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
    let app = yew::Renderer::<App>::with_root_and_props(
        mount_root(),
        AppProps {
            options: options(DevMode::Auto),
            probe: probe.clone(),
        },
    )
    .render();
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
    let root = mount_root();
    let app = yew::Renderer::<Guards>::with_root_and_props(
        root.clone(),
        GuardsProps {
            options: options(DevMode::Auto),
        },
    )
    .render();
    let r = root.clone();
    wait_until("the signed-out guard renders", move || {
        r.inner_html().contains("content-for-visitors")
    })
    .await;
    assert!(!root.inner_html().contains("content-for-members"));
    app.destroy();

    let code = prepare_code(DEMO_EMAIL, None).await;
    set_callback_url(&format!("?code={code}"));
    let root = mount_root();
    let app = yew::Renderer::<Guards>::with_root_and_props(
        root.clone(),
        GuardsProps {
            options: options(DevMode::Auto),
        },
    )
    .render();
    let r = root.clone();
    wait_until("the signed-in guard renders", move || {
        r.inner_html().contains("content-for-members")
    })
    .await;
    assert!(!root.inner_html().contains("content-for-visitors"));
    app.destroy();
}
