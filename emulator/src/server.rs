//! Listening sockets and the per-connection loop. Each request carries its connection's peer
//! address ([`PeerAddr`], for the control guard) and a [`ConnKill`] handle (so a fault can
//! close the connection without answering). A client that does not finish sending its request
//! head within the read timeout is disconnected.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::middleware::context::ConnKill;
use crate::middleware::control_guard::PeerAddr;

/// A startup failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// Could not bind.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address.
        addr: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The host name did not resolve.
    #[error("cannot resolve host `{0}`")]
    Resolve(String),
}

/// Bind: `localhost` → 127.0.0.1 (and ::1 on the same port when available); an IP literal →
/// that address; another name → its first resolved address.
pub async fn bind(host: &str, port: u16) -> Result<Vec<TcpListener>, ServeError> {
    let err = |addr: SocketAddr| {
        move |source| ServeError::Bind {
            addr: addr.to_string(),
            source,
        }
    };
    if host.eq_ignore_ascii_case("localhost") {
        let v4 = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
        let first = TcpListener::bind(v4).await.map_err(err(v4))?;
        let real = first.local_addr().map_err(err(v4))?.port();
        let mut out = vec![first];
        if let Ok(l) =
            TcpListener::bind(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), real)).await
        {
            out.push(l);
        }
        return Ok(out);
    }
    let trimmed = host.trim_start_matches('[').trim_end_matches(']');
    let addr = match trimmed.parse::<IpAddr>() {
        Ok(ip) => SocketAddr::new(ip, port),
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .ok()
            .and_then(|mut a| a.next())
            .ok_or_else(|| ServeError::Resolve(host.to_string()))?,
    };
    Ok(vec![TcpListener::bind(addr).await.map_err(err(addr))?])
}

/// Accept connections on `listener` until `shutdown` turns true; then close the open
/// connections and wait for them to end.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
    read_timeout: Duration,
) {
    let mut connections = JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            _ = shutdown.changed() => break,
        };
        let router = router.clone();
        let mut stop = shutdown.clone();
        connections.spawn(async move {
            let kill = Arc::new(Notify::new());
            let handle = kill.clone();
            let svc = tower::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnKill(handle.clone()));
                req.extensions_mut().insert(PeerAddr(peer));
                router.clone().oneshot(req.map(Body::new))
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(read_timeout)
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(svc));
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = stop.changed() => {}
            }
        });
    }
    connections.shutdown().await;
}
