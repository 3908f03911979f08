//! A panic in a handler becomes a `500` naming the request id; the connection, the server and
//! every other request carry on.

use std::panic::AssertUnwindSafe;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use super::context::RequestMeta;
use crate::error::ApiError;

/// The middleware.
pub async fn catch_panic(req: Request, next: Next) -> Response {
    let request_id = req
        .extensions()
        .get::<RequestMeta>()
        .map(|m| m.request_id.clone())
        .unwrap_or_default();
    match AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            // The panic hook already printed the message and location.
            tracing::error!(request_id = %request_id, "a handler panicked; answered 500");
            ApiError::internal(&request_id).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::{to_bytes, Body};
    use axum::extract::Path;
    use axum::http::Request;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    use crate::routes::with_middleware;
    use crate::state::testing::state;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_with_its_request_id_and_the_rest_carries_on() {
        let routes = Router::new()
            // An index out of bounds, as a bug would have it.
            .route(
                "/items/{i}",
                get(|Path(i): Path<usize>| async move { ["a", "b"][i] }),
            )
            .route("/fine", get(|| async { "fine" }));
        let app = with_middleware(state(), routes);
        let r = app
            .clone()
            .oneshot(Request::get("/items/7").body(Body::empty()).unwrap())
            .await
            .expect("an answer, not a dropped connection");
        assert_eq!(r.status(), 500);
        let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
        let body: serde_json::Value =
            serde_json::from_slice(&to_bytes(r.into_body(), 1 << 16).await.unwrap()).unwrap();
        assert_eq!(body["error"], "internal_error");
        assert!(body["message"].as_str().unwrap().contains(&id), "{body}");
        let r = app
            .oneshot(Request::get("/fine").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}
