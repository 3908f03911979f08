//! Browser tests of the web-platform glue (no emulator needed): environment, cross-tab lock,
//! iframe detection, storage, tab channel.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use authkit_yew::browser::channel::{Channel, Message};
use authkit_yew::browser::lock::{self, LockKind, LockTimeout};
use authkit_yew::browser::{page, storage, timer};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn runs_in_a_real_chromium_page() {
    common::assert_in_chromium();
    assert!(
        page::location().origin.starts_with("http://127.0.0.1:")
            || page::location().origin.starts_with("http://localhost:")
    );
    assert_eq!(lock::kind(), LockKind::WebLocks);
}

#[wasm_bindgen_test]
fn top_window_is_not_framed_but_an_iframe_is() {
    page::override_framed_for_tests(None);
    let window = web_sys::window().unwrap();
    assert!(!page::is_framed_in(&window));
    assert!(!page::is_framed());
    let document = window.document().unwrap();
    let iframe: web_sys::HtmlIFrameElement = document
        .create_element("iframe")
        .unwrap()
        .dyn_into()
        .unwrap();
    document.body().unwrap().append_child(&iframe).unwrap();
    let framed = iframe.content_window().expect("iframe window");
    assert!(
        page::is_framed_in(&framed),
        "an iframe's window must count as framed"
    );
    iframe.remove();
}

#[wasm_bindgen_test]
fn storage_round_trip_and_removal() {
    assert!(storage::available(storage::Area::Local));
    let key = "authkit-test:storage";
    assert!(storage::set(storage::Area::Local, key, "v1"));
    assert_eq!(
        storage::get(storage::Area::Local, key).as_deref(),
        Some("v1")
    );
    assert_eq!(storage::get(storage::Area::Session, key), None);
    storage::set_persistent(storage::Area::Session, key, "s1").unwrap();
    assert_eq!(
        storage::get(storage::Area::Session, key).as_deref(),
        Some("s1")
    );
    storage::remove(storage::Area::Local, key);
    storage::remove(storage::Area::Session, key);
    assert_eq!(storage::get(storage::Area::Local, key), None);
    assert_eq!(storage::get(storage::Area::Session, key), None);
}

async fn exclusive_sections(use_fallback: bool) {
    let name = if use_fallback {
        "authkit-test-fallback"
    } else {
        "authkit-test-native"
    };
    let log = Rc::new(RefCell::new(Vec::new()));
    let run = |id: u32| {
        let log = log.clone();
        async move {
            let body = || async {
                log.borrow_mut().push(format!("enter {id}"));
                timer::sleep_ms(30).await;
                log.borrow_mut().push(format!("leave {id}"));
                id
            };
            if use_fallback {
                lock::with_fallback_lock(name, 5_000, 15_000, body).await
            } else {
                lock::with_lock(name, 5_000, body).await
            }
        }
    };
    let (a, b) = futures::join!(run(1), run(2));
    assert_eq!((a, b), (Ok(1), Ok(2)));
    let log = log.borrow();
    assert_eq!(log.len(), 4);
    // Never interleaved: every enter is directly followed by its own leave.
    for pair in log.chunks(2) {
        assert_eq!(
            pair[0].replace("enter", ""),
            pair[1].replace("leave", ""),
            "{log:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn web_lock_serializes_sections() {
    exclusive_sections(false).await;
}

#[wasm_bindgen_test]
async fn fallback_lock_serializes_sections() {
    exclusive_sections(true).await;
}

async fn times_out_while_held(use_fallback: bool) {
    let name = if use_fallback {
        "authkit-test-held-fb"
    } else {
        "authkit-test-held"
    };
    let (release_tx, release_rx) = futures::channel::oneshot::channel::<()>();
    let (held_tx, held_rx) = futures::channel::oneshot::channel::<()>();
    let holder = async move {
        let body = || async move {
            let _ = held_tx.send(());
            let _ = release_rx.await;
        };
        if use_fallback {
            lock::with_fallback_lock(name, 5_000, 15_000, body).await
        } else {
            lock::with_lock(name, 5_000, body).await
        }
    };
    let waiter = async move {
        held_rx.await.unwrap();
        let result = if use_fallback {
            lock::with_fallback_lock(name, 100, 15_000, || async { 7 }).await
        } else {
            lock::with_lock(name, 100, || async { 7 }).await
        };
        let _ = release_tx.send(());
        result
    };
    let (held, waited) = futures::join!(holder, waiter);
    assert_eq!(held, Ok(()));
    assert_eq!(waited, Err(LockTimeout));
    // Released afterwards: a new request succeeds.
    let again = if use_fallback {
        lock::with_fallback_lock(name, 5_000, 15_000, || async { 8 }).await
    } else {
        lock::with_lock(name, 5_000, || async { 8 }).await
    };
    assert_eq!(again, Ok(8));
}

#[wasm_bindgen_test]
async fn web_lock_acquisition_times_out_while_another_holder_keeps_it() {
    times_out_while_held(false).await;
}

#[wasm_bindgen_test]
async fn fallback_lock_acquisition_times_out_while_another_holder_keeps_it() {
    times_out_while_held(true).await;
}

#[wasm_bindgen_test]
async fn channel_delivers_to_other_instances_only() {
    let got_a = Rc::new(RefCell::new(Vec::new()));
    let got_b = Rc::new(RefCell::new(Vec::new()));
    let a = {
        let got = got_a.clone();
        Channel::open("client_channel_test", move |m| got.borrow_mut().push(m)).unwrap()
    };
    let _b = {
        let got = got_b.clone();
        Channel::open("client_channel_test", move |m| got.borrow_mut().push(m)).unwrap()
    };
    a.post(&Message::SignedOut { session_id: None });
    for _ in 0..250 {
        if !got_b.borrow().is_empty() {
            break;
        }
        timer::sleep_ms(20).await;
    }
    assert_eq!(
        *got_b.borrow(),
        vec![Message::SignedOut { session_id: None }]
    );
    assert!(got_a.borrow().is_empty(), "a channel does not hear itself");
}

/// Replaces `window.fetch` for the duration of `f` with `replacement` (JS source of a
/// function), then restores it.
async fn with_fetch<T>(replacement: &str, f: impl std::future::Future<Output = T>) -> T {
    let window: wasm_bindgen::JsValue = web_sys::window().unwrap().into();
    let real = js_sys::Reflect::get(&window, &"fetch".into()).unwrap();
    let fake = js_sys::Function::new_no_args(&format!("return {replacement};")).call0(&window);
    js_sys::Reflect::set(&window, &"fetch".into(), &fake.unwrap()).unwrap();
    let out = f.await;
    js_sys::Reflect::set(&window, &"fetch".into(), &real).unwrap();
    out
}

/// The failure `authenticate` reports when `fetch` rejects with the value of `rejection` (JS).
async fn failure_when_fetch_rejects_with(
    rejection: &str,
) -> authkit_yew::browser::http::HttpFailure {
    let body = serde_json::json!({"client_id": "c"});
    let url = "http://127.0.0.1:9/user_management/authenticate";
    let replacement = format!("() => Promise.reject({rejection})");
    let result = with_fetch(
        &replacement,
        authkit_yew::browser::http::authenticate(url, &body, false, 10_000),
    )
    .await;
    result.expect_err("fetch rejected")
}

#[wasm_bindgen_test]
async fn a_fetch_failure_that_cannot_be_printed_is_still_a_network_error() {
    use authkit_yew::browser::http::HttpFailure;
    // A rejection value without toString: String(value) throws.
    assert_eq!(
        failure_when_fetch_rejects_with("Object.create(null)").await,
        HttpFailure::Network("unknown error".into())
    );
    // An ordinary TypeError keeps its name and message.
    assert_eq!(
        failure_when_fetch_rejects_with("new TypeError('Failed to fetch')").await,
        HttpFailure::Network("TypeError: Failed to fetch".into())
    );
}

#[wasm_bindgen_test]
async fn a_fallback_lease_is_renewed_while_its_holder_works() {
    let name = "authkit-test-renewed";
    let (release_tx, release_rx) = futures::channel::oneshot::channel::<()>();
    let (held_tx, held_rx) = futures::channel::oneshot::channel::<()>();
    let holder = async move {
        lock::with_fallback_lock(name, 5_000, 600, || async move {
            let _ = held_tx.send(());
            let _ = release_rx.await;
        })
        .await
    };
    let waiter = async move {
        held_rx.await.unwrap();
        // Over three leases: without renewal the lease would run out under the working holder
        // and the waiter would take the lock.
        let result = lock::with_fallback_lock(name, 2_000, 600, || async { 7 }).await;
        let _ = release_tx.send(());
        result
    };
    let (held, waited) = futures::join!(holder, waiter);
    assert_eq!(held, Ok(()));
    assert_eq!(waited, Err(LockTimeout));
    assert_eq!(
        lock::with_fallback_lock(name, 5_000, 600, || async { 8 }).await,
        Ok(8),
        "released when the holder is done"
    );
}
