//! A TCP relay in front of the emulator that holds each CORS preflight for the network
//! profile's latency.
//!
//! Chromium's network emulation delays every request of the page but not the `OPTIONS`
//! preflight its CORS layer sends before a JSON `POST` (measured: a preflighted `POST` took
//! 165–180 ms at 150 ms latency, as long as one without a preflight). Both SDKs preflight
//! their `authenticate` calls, so without this relay the mobile profile would leave out one
//! round trip per call. The apps talk to the emulator through the relay (their API port is
//! the relay's); the bench's control calls go straight to the emulator.
//!
//! The relay looks only at the first bytes of each chunk the browser sends: a browser never
//! pipelines, so a request head starts a read; one that starts with `OPTIONS ` waits for the
//! current delay before it is forwarded. Everything else is copied as it comes, both ways.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::BenchError;

/// The relay: its port on `localhost` (127.0.0.1 and, when free, ::1) and the current delay.
#[derive(Debug, Clone)]
pub struct PreflightRelay {
    port: u16,
    delay_us: Arc<AtomicU64>,
}

impl PreflightRelay {
    /// Starts relaying `localhost:<new port>` to `127.0.0.1:upstream_port`, with no delay.
    pub async fn start(upstream_port: u16) -> Result<PreflightRelay, BenchError> {
        let bind = |e| BenchError::io("bind the preflight relay", e);
        let v4 = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(bind)?;
        let port = v4.local_addr().map_err(bind)?.port();
        let relay = PreflightRelay {
            port,
            delay_us: Arc::new(AtomicU64::new(0)),
        };
        tokio::spawn(accept_loop(v4, upstream_port, Arc::clone(&relay.delay_us)));
        // `localhost` may resolve to ::1 first; serve it there too when the port is free.
        if let Ok(v6) = TcpListener::bind((Ipv6Addr::LOCALHOST, port)).await {
            tokio::spawn(accept_loop(v6, upstream_port, Arc::clone(&relay.delay_us)));
        }
        Ok(relay)
    }

    /// The port the apps use as their API port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Holds each preflight for `latency_ms` from now on (0: none).
    pub fn set_delay_ms(&self, latency_ms: f64) {
        let micros = (latency_ms.max(0.0) * 1000.0).round() as u64;
        self.delay_us.store(micros, Ordering::SeqCst);
    }
}

async fn accept_loop(listener: TcpListener, upstream_port: u16, delay_us: Arc<AtomicU64>) {
    while let Ok((client, _)) = listener.accept().await {
        tokio::spawn(relay(client, upstream_port, Arc::clone(&delay_us)));
    }
}

/// Relays one connection until either side closes it.
async fn relay(client: TcpStream, upstream_port: u16, delay_us: Arc<AtomicU64>) {
    let Ok(server) = TcpStream::connect((Ipv4Addr::LOCALHOST, upstream_port)).await else {
        return;
    };
    // No Nagle: a held-back small write would add its own delay to loopback timings.
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let down = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
        let _ = to_client.shutdown().await;
    });
    let mut buf = vec![0u8; 16 * 1024];
    while let Ok(n) = from_client.read(&mut buf).await {
        if n == 0 {
            break;
        }
        if is_preflight(&buf[..n]) {
            let micros = delay_us.load(Ordering::SeqCst);
            if micros > 0 {
                tokio::time::sleep(Duration::from_micros(micros)).await;
            }
        }
        if to_server.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to_server.shutdown().await;
    let _ = down.await;
}

/// Whether a chunk from the browser starts an `OPTIONS` request.
fn is_preflight(chunk: &[u8]) -> bool {
    chunk.starts_with(b"OPTIONS ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn only_options_requests_are_preflights() {
        assert!(is_preflight(
            b"OPTIONS /user_management/authenticate HTTP/1.1\r\n"
        ));
        assert!(!is_preflight(
            b"POST /user_management/authenticate HTTP/1.1\r\n"
        ));
        assert!(!is_preflight(b"{\"grant_type\":\"OPTIONS \"}"));
    }

    /// An echo server behind the relay: a `GET` comes back at once, an `OPTIONS` after the
    /// delay.
    #[tokio::test]
    async fn holds_preflights_for_the_delay_and_relays_the_rest() {
        let upstream = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let upstream_port = upstream.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = upstream.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 64];
                    while let Ok(n) = s.read(&mut buf).await {
                        if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        let relay = PreflightRelay::start(upstream_port).await.unwrap();
        relay.set_delay_ms(200.0);
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, relay.port()))
            .await
            .unwrap();
        let get = round_trip(&mut s, b"GET / HTTP/1.1\r\n\r\n").await;
        let options = round_trip(&mut s, b"OPTIONS / HTTP/1.1\r\n\r\n").await;
        assert!(get < Duration::from_millis(150), "{get:?}");
        assert!(options >= Duration::from_millis(200), "{options:?}");
        relay.set_delay_ms(0.0);
        let options = round_trip(&mut s, b"OPTIONS / HTTP/1.1\r\n\r\n").await;
        assert!(options < Duration::from_millis(150), "{options:?}");
    }

    /// Sends `req` and reads its echo; returns how long that took.
    async fn round_trip(s: &mut TcpStream, req: &[u8]) -> Duration {
        let started = Instant::now();
        s.write_all(req).await.unwrap();
        let mut buf = vec![0u8; req.len()];
        s.read_exact(&mut buf).await.unwrap();
        assert_eq!(buf, req);
        started.elapsed()
    }
}
