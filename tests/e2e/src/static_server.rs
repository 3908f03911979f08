//! A small static file server for the Trunk-built demo, with SPA fallback to `index.html`.
//!
//! It listens on the same port on `127.0.0.1`, `127.0.0.2` and `[::1]`, so one build is
//! reachable as `http://localhost:D` / `http://127.0.0.1:D` (dev mode, auto) and as
//! `http://127.0.0.2:D` (cookie mode, auto). A few extra pages (e.g. the iframe host page)
//! can be registered under fixed paths.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::HarnessError;

/// Extra in-memory pages: path → HTML.
pub type ExtraPages = HashMap<String, String>;

/// Binds the same free port on 127.0.0.1, 127.0.0.2 and ::1 and serves `root` on it from
/// background threads (they live as long as the process). Returns the port.
///
/// ```no_run
/// let port = authkit_e2e::static_server::serve("/tmp/dist".into(), Default::default()).unwrap();
/// assert!(port > 0);
/// ```
pub fn serve(root: PathBuf, extra: ExtraPages) -> Result<u16, HarnessError> {
    let root = Arc::new(root);
    let extra = Arc::new(extra);
    for _attempt in 0..20 {
        let first = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| HarnessError::io("bind 127.0.0.1:0", e))?;
        let port = first
            .local_addr()
            .map_err(|e| HarnessError::io("local_addr", e))?
            .port();
        let second = TcpListener::bind((Ipv4Addr::new(127, 0, 0, 2), port));
        let third = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port)));
        let (Ok(second), Ok(third)) = (second, third) else {
            continue;
        };
        for listener in [first, second, third] {
            let root = Arc::clone(&root);
            let extra = Arc::clone(&extra);
            std::thread::spawn(move || accept_loop(listener, root, extra));
        }
        return Ok(port);
    }
    Err(HarnessError::Setup(
        "no port free on 127.0.0.1, 127.0.0.2 and ::1 at once".into(),
    ))
}

fn accept_loop(listener: TcpListener, root: Arc<PathBuf>, extra: Arc<ExtraPages>) {
    for stream in listener.incoming().flatten() {
        let root = Arc::clone(&root);
        let extra = Arc::clone(&extra);
        std::thread::spawn(move || {
            let _ = handle(stream, &root, &extra);
        });
    }
}

fn handle(stream: TcpStream, root: &Path, extra: &ExtraPages) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers (the demo never sends a body to this server).
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (status, content_type, body) = resolve(root, extra, path);
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    out.write_all(&body)?;
    out.flush()
}

fn resolve(root: &Path, extra: &ExtraPages, path: &str) -> (&'static str, &'static str, Vec<u8>) {
    if let Some(html) = extra.get(path) {
        return (
            "200 OK",
            "text/html; charset=utf-8",
            html.clone().into_bytes(),
        );
    }
    let relative = path.trim_start_matches('/');
    let safe = !relative
        .split('/')
        .any(|seg| seg == ".." || seg.contains('\\'));
    if safe && !relative.is_empty() {
        let file = root.join(relative);
        if file.is_file() {
            if let Ok(bytes) = std::fs::read(&file) {
                return ("200 OK", content_type(&file), bytes);
            }
        }
    }
    // SPA fallback: any extension-less path is a route of the app.
    let last = relative.rsplit('/').next().unwrap_or("");
    if safe && !last.contains('.') {
        if let Ok(bytes) = std::fs::read(root.join("index.html")) {
            return ("200 OK", "text/html; charset=utf-8", bytes);
        }
    }
    ("404 Not Found", "text/plain", b"not found".to_vec())
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_index_for_routes_only() {
        let dir = std::env::temp_dir().join(format!("authkit-e2e-static-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<html>app</html>").unwrap();
        std::fs::write(dir.join("app.js"), "js").unwrap();
        let extra = ExtraPages::from([("/frame".to_owned(), "<iframe>".to_owned())]);
        assert_eq!(resolve(&dir, &extra, "/account").2, b"<html>app</html>");
        assert_eq!(resolve(&dir, &extra, "/app.js").1, "text/javascript");
        assert_eq!(resolve(&dir, &extra, "/missing.js").0, "404 Not Found");
        assert_eq!(resolve(&dir, &extra, "/../etc/passwd").0, "404 Not Found");
        assert_eq!(resolve(&dir, &extra, "/frame").2, b"<iframe>");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
