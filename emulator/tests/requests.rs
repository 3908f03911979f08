//! What a request must look like (issue 11, items 2 and 3): the token endpoint takes JSON or
//! form bodies only, bodies over the limit get a 413 that says so, and a client that stalls
//! while sending its headers or its body is cut off.

mod common;

use std::time::Duration;

use authkit_emulator::EmulatorOptions;
use common::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn authenticate_refuses_bodies_that_are_neither_json_nor_form() {
    let emu = start().await;
    let s = emu.session(SOLO, None).await;
    let rt = s["refresh_token"].as_str().unwrap();
    let body = json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":rt});
    for content_type in [Some("text/plain"), Some("text/plain;charset=UTF-8"), None] {
        let mut req = emu
            .http
            .post(emu.url("/user_management/authenticate"))
            .body(body.to_string());
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let (status, error, description) = error_parts(req.send().await.unwrap()).await;
        assert_eq!(
            (status, error.as_str()),
            (400, "invalid_request"),
            "{content_type:?}"
        );
        assert_eq!(
            description,
            "Content-Type must be application/json or application/x-www-form-urlencoded."
        );
    }
    // None of those rotated the token; the documented media types work.
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .header("content-type", "application/json; charset=utf-8")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let rt2 = r.json::<Value>().await.unwrap()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("refresh_token", &rt2),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_cross_site_simple_post_cannot_use_the_refresh_cookie() {
    let emu = start().await;
    let p = pkce();
    let code = emu.code_for(DEMO, Some(ACME), &p).await;
    let r = emu.exchange_from(&code, &p.verifier, Some(ORIGIN)).await;
    let cookies = set_cookies(r.headers());
    let token = cookie_value(&cookies, "workos-refresh-token.client_demo").unwrap();
    let cookie = format!("workos-refresh-token.client_demo={token}");
    // text/plain: the one body type besides forms a page can post without a preflight.
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .header("origin", "http://localhost:3000")
        .header("cookie", &cookie)
        .header("content-type", "text/plain")
        .body(
            json!({"grant_type":"refresh_token","client_id":CLIENT,"organization_id":GLOBEX})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A form post from a foreign origin does not get to use the cookie either.
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .header("origin", "http://localhost:3000")
        .header("cookie", &cookie)
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT),
            ("organization_id", GLOBEX),
        ])
        .send()
        .await
        .unwrap();
    let (status, error, description) = error_parts(r).await;
    assert_eq!(
        (status, error.as_str(), description.as_str()),
        (400, "invalid_request", "Missing refresh token.")
    );
    // The app itself still refreshes with it, and the session is still in Acme.
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .header("origin", ORIGIN)
        .header("cookie", &cookie)
        .json(&json!({"grant_type":"refresh_token","client_id":CLIENT}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["organization_id"], ACME);
}

#[tokio::test]
async fn bodies_over_the_limit_get_a_413_that_says_so() {
    let emu = start().await;
    let big = "x".repeat(authkit_emulator::middleware::body::MAX_BODY_BYTES + 1);
    let with_length = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .header("content-type", "application/json")
        .body(big.clone());
    let form = emu
        .http
        .post(emu.url("/hosted/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big.clone());
    for req in [with_length, form] {
        let r = req.send().await.unwrap();
        assert!(r.headers().get("x-request-id").is_some());
        let (status, error, message) = error_parts(r).await;
        assert_eq!((status, error.as_str()), (413, "request_too_large"));
        assert_eq!(message, "The request body is larger than 1048576 bytes.");
    }

    // Without a Content-Length (chunked), the limit is found while reading.
    let mut s = TcpStream::connect(emu.emu.addrs()[0]).await.unwrap();
    s.write_all(
        b"POST /_emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
          Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    .await
    .unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..=(big.len() / chunk.len()) {
        s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .unwrap();
        s.write_all(&chunk).await.unwrap();
        s.write_all(b"\r\n").await.unwrap();
    }
    s.write_all(b"0\r\n\r\n").await.unwrap();
    let answer = read_until_closed(&mut s).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("request_too_large"), "{answer}");
    assert_eq!(emu.get_json("/_emulator/faults").await, json!([]));
}

/// Reads what the server sends until it closes the connection. The outer timeout only keeps a
/// broken server from hanging the test run; it is far above the emulator's own timeout.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(120), stream.read_to_end(&mut out))
        .await
        .expect("the emulator closes a stalled connection")
        .ok();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn a_client_that_stalls_is_cut_off() {
    let emu = start_with(EmulatorOptions {
        read_timeout: Duration::from_secs(1),
        ..local_options()
    })
    .await;
    let addr = emu.emu.addrs()[0];

    // Half a request head, then nothing.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /sso/jwks/client_demo HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut s).await;
    assert!(!answer.contains("200 OK"), "{answer}");

    // A head announcing 100 bytes, then 10.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(
        b"POST /user_management/authenticate HTTP/1.1\r\nHost: 127.0.0.1\r\n\
          Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"grant_t",
    )
    .await
    .unwrap();
    let answer = read_until_closed(&mut s).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");

    // A finished request on a kept-alive connection, then silence: the connection is closed.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /sso/jwks/client_demo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut s).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // The server itself is fine.
    let r = emu.get("/sso/jwks/client_demo").await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_read_timeout_out_of_range_is_refused_at_start() {
    for bad in [Duration::ZERO, Duration::MAX, Duration::from_secs(3601)] {
        let e = authkit_emulator::Emulator::start(EmulatorOptions {
            read_timeout: bad,
            ..local_options()
        })
        .await
        .expect_err("refused");
        assert!(
            e.to_string()
                .contains("read_timeout must be between 1 ms and 3600 s"),
            "{e}"
        );
    }
}

/// The CORS headers an allowed origin must see on an answer, so a browser reads the status
/// instead of a bare network error.
fn assert_credentialed_cors(answer: &str) {
    let lower = answer.to_ascii_lowercase();
    assert!(
        lower.contains(&format!("\r\naccess-control-allow-origin: {ORIGIN}\r\n")),
        "{answer}"
    );
    assert!(
        lower.contains("\r\naccess-control-allow-credentials: true\r\n"),
        "{answer}"
    );
}

#[tokio::test]
async fn body_errors_carry_cors_headers_for_an_allowed_origin() {
    let emu = start_with(EmulatorOptions {
        read_timeout: Duration::from_secs(1),
        ..local_options()
    })
    .await;
    // Too large: 413.
    let big = "x".repeat(authkit_emulator::middleware::body::MAX_BODY_BYTES + 1);
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .header("origin", ORIGIN)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(r.headers()["access-control-allow-credentials"], "true");
    assert!(r.headers().get_all("vary").iter().any(|v| v == "Origin"));

    // Stalled: 408.
    let mut s = TcpStream::connect(emu.emu.addrs()[0]).await.unwrap();
    s.write_all(
        format!(
            "POST /user_management/authenticate HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Origin: {ORIGIN}\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\n\r\n{{\"grant_t"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let answer = read_until_closed(&mut s).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_credentialed_cors(&answer);

    // A foreign origin still gets none.
    let r = emu
        .http
        .post(emu.url("/user_management/authenticate"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/json")
        .body("x".repeat(authkit_emulator::middleware::body::MAX_BODY_BYTES + 1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_handler_panic_answers_500_with_cors_headers_for_an_allowed_origin() {
    use authkit_emulator::seed::{Seed, DEFAULT_SEED};
    use authkit_emulator::state::{AppState, StateOptions};
    use axum::body::Body;
    use axum::routing::post;
    use tower::ServiceExt;

    let seed = Seed::parse(DEFAULT_SEED).unwrap();
    let state = AppState::new(StateOptions {
        settings: seed.settings.clone(),
        seed,
        data_dir: None,
        read_timeout: Duration::from_secs(5),
        control_from_anywhere: false,
    })
    .unwrap();
    let routes = axum::Router::new().route(
        "/user_management/authenticate",
        post(|| async {
            let items: Vec<&str> = Vec::new();
            items[usize::from(items.is_empty())].to_string()
        }),
    );
    let app = authkit_emulator::routes::with_middleware(state, routes);
    let r = app
        .oneshot(
            axum::http::Request::post("/user_management/authenticate")
                .header("origin", ORIGIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    assert_eq!(r.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(r.headers()["access-control-allow-credentials"], "true");
}
