//! A small static file server for the Trunk-built demo, with SPA fallback to `index.html`.
//!
//! It listens on the same port on `127.0.0.1`, `127.0.0.2` and `[::1]`, so one build is
//! reachable as `http://localhost:D` / `http://127.0.0.1:D` (dev mode, auto) and as
//! `http://127.0.0.2:D` (cookie mode, auto). A few extra pages (e.g. the iframe host page)
//! can be registered under fixed paths.
//!
//! Like any static host it compresses text and wasm: a request whose `Accept-Encoding` accepts
//! gzip gets `Content-Encoding: gzip` (`gzip -9`, the level of the bench's size table, made
//! once per distinct body and kept in memory); one that does not gets the plain bytes.
//! Compressible types always carry `Vary: Accept-Encoding`. Every answer is
//! `Cache-Control: no-store`, so each page load downloads what it uses.
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

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
    let request = read_request(&mut reader)?;
    let path = request.target.split(['?', '#']).next().unwrap_or("/");
    let (status, content_type, body) = resolve(root, extra, path);
    let response = encode(content_type, body, request.accepts_gzip());
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{}Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        response.body.len(),
        response.headers(),
    )?;
    out.write_all(&response.body)?;
    out.flush()
}

/// What the server reads of a request: the target and the `Accept-Encoding` header(s).
#[derive(Debug, Default, PartialEq)]
struct Request {
    target: String,
    accept_encoding: Option<String>,
}

impl Request {
    /// Whether the client accepts a gzip-coded answer.
    fn accepts_gzip(&self) -> bool {
        self.accept_encoding.as_deref().is_some_and(accepts_gzip)
    }
}

/// Reads the request line and the headers (the apps never send a body to this server).
fn read_request(reader: &mut impl BufRead) -> std::io::Result<Request> {
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut request = Request {
        target: request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_owned(),
        accept_encoding: None,
    };
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            return Ok(request);
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("accept-encoding") {
            let value = value.trim();
            // Repeated headers are one comma-separated list (RFC 9110, 5.3).
            request.accept_encoding = Some(match request.accept_encoding.take() {
                Some(earlier) => format!("{earlier}, {value}"),
                None => value.to_owned(),
            });
        }
    }
}

/// Whether an `Accept-Encoding` value accepts gzip (RFC 9110, 12.5.3): `gzip` (or `x-gzip`)
/// with a non-zero weight, or else `*` with a non-zero weight: Chromium's
/// `gzip, deflate, br, zstd` does, `gzip;q=0, *` and `identity` do not.
fn accepts_gzip(header: &str) -> bool {
    let mut star = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match coding.as_str() {
            "gzip" | "x-gzip" => return weight > 0.0,
            "*" => star = Some(weight > 0.0),
            _ => {}
        }
    }
    star.unwrap_or(false)
}

/// A body as sent, with its coding.
#[derive(Debug, PartialEq)]
struct Encoded {
    body: Arc<Vec<u8>>,
    /// `Content-Encoding: gzip`.
    gzip: bool,
    /// The type has a compressed variant, so caches must key on `Accept-Encoding`.
    varies: bool,
}

impl Encoded {
    /// The header lines that depend on the coding (each ending in CRLF).
    fn headers(&self) -> String {
        let mut headers = String::new();
        if self.gzip {
            headers.push_str("Content-Encoding: gzip\r\n");
        }
        if self.varies {
            headers.push_str("Vary: Accept-Encoding\r\n");
        }
        headers
    }
}

/// `body` gzip-coded when its type is compressible, the client accepts gzip and the coded
/// body is smaller; else as it is.
fn encode(content_type: &str, body: Vec<u8>, accepts_gzip: bool) -> Encoded {
    let varies = compressible(content_type);
    if varies && accepts_gzip {
        if let Some(gz) = gzip_cached(&body).filter(|gz| gz.len() < body.len()) {
            return Encoded {
                body: gz,
                gzip: true,
                varies,
            };
        }
    }
    Encoded {
        body: Arc::new(body),
        gzip: false,
        varies,
    }
}

/// Text, JSON, SVG and wasm compress well; images are compressed already.
fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/json")
        || content_type.starts_with("application/wasm")
        || content_type.starts_with("image/svg+xml")
}

/// Compressed bodies by (length, hash) of the plain body.
type GzipCache = Mutex<HashMap<(usize, u64), Arc<Vec<u8>>>>;

/// `gzip -9 -n` of `body`, made once per distinct body (keyed by length and hash) and kept
/// for the life of the process; `None` when `gzip` cannot run.
fn gzip_cached(body: &[u8]) -> Option<Arc<Vec<u8>>> {
    static CACHE: OnceLock<GzipCache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    let key = (body.len(), hasher.finish());
    if let Some(hit) = cache.lock().ok()?.get(&key) {
        return Some(Arc::clone(hit));
    }
    let gz = Arc::new(gzip(body).ok()?);
    cache.lock().ok()?.insert(key, Arc::clone(&gz));
    Some(gz)
}

/// Runs `gzip -9 -n -c` over `body` (the system gzip, as the size table does).
fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut child = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = child.stdin.take().ok_or(std::io::ErrorKind::BrokenPipe)?;
    let input = body.to_vec();
    // Written from another thread: gzip's output would fill the pipe before it read all.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_end(&mut out)?;
    }
    let written = writer
        .join()
        .unwrap_or(Err(std::io::ErrorKind::Other.into()));
    let status = child.wait()?;
    written?;
    if status.success() {
        Ok(out)
    } else {
        Err(std::io::Error::other(format!("gzip exited with {status}")))
    }
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

    #[test]
    fn reads_the_target_and_every_accept_encoding() {
        let raw = "GET /app.js?v=1 HTTP/1.1\r\nHost: x\r\naccept-encoding: br\r\nAccept-Encoding: gzip;q=0.5\r\n\r\nbody";
        let request = read_request(&mut raw.as_bytes()).unwrap();
        assert_eq!(request.target, "/app.js?v=1");
        assert_eq!(request.accept_encoding.as_deref(), Some("br, gzip;q=0.5"));
        assert!(request.accepts_gzip());
        let none = read_request(&mut "GET / HTTP/1.1\r\n\r\n".as_bytes()).unwrap();
        assert!(!none.accepts_gzip());
    }

    #[test]
    fn gzip_is_accepted_by_name_or_star_unless_its_weight_is_zero() {
        assert!(accepts_gzip("gzip, deflate, br, zstd"));
        assert!(accepts_gzip("br;q=1.0, GZIP;q=0.1"));
        assert!(accepts_gzip("x-gzip"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("identity"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("gzip;q=0.000, *"));
        assert!(!accepts_gzip("*;q=0"));
        assert!(!accepts_gzip(""));
    }

    #[test]
    fn compresses_wasm_and_text_only_when_accepted() {
        let text = "let x = 1;\n".repeat(200).into_bytes();
        let coded = encode("text/javascript", text.clone(), true);
        assert!(coded.gzip && coded.varies);
        assert!(coded.body.len() < text.len());
        assert_eq!(&coded.body[..2], b"\x1f\x8b", "a gzip member");
        assert!(coded.headers().contains("Content-Encoding: gzip\r\n"));
        assert!(coded.headers().contains("Vary: Accept-Encoding\r\n"));

        let plain = encode("text/javascript", text.clone(), false);
        assert!(!plain.gzip && plain.varies);
        assert_eq!(*plain.body, text);
        assert_eq!(plain.headers(), "Vary: Accept-Encoding\r\n");

        let png = encode("image/png", text.clone(), true);
        assert!(!png.gzip && !png.varies);
        assert_eq!(png.headers(), "");
        assert!(encode("application/wasm", vec![0; 4096], true).gzip);
    }

    #[test]
    fn a_body_that_gzip_would_grow_goes_out_plain() {
        let tiny = encode("text/html; charset=utf-8", b"<p>".to_vec(), true);
        assert!(!tiny.gzip);
        assert_eq!(*tiny.body, b"<p>");
    }

    #[test]
    fn serves_gzip_over_tcp_to_a_client_that_accepts_it() {
        let dir = std::env::temp_dir().join(format!("authkit-e2e-gzip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let js = "console.log('hello');\n".repeat(100);
        std::fs::write(dir.join("app.js"), &js).unwrap();
        let port = serve(dir.clone(), ExtraPages::new()).unwrap();
        let get = |accept: &str| {
            let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
            write!(s, "GET /app.js HTTP/1.1\r\nHost: x\r\n{accept}\r\n").unwrap();
            let mut answer = Vec::new();
            s.read_to_end(&mut answer).unwrap();
            let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
            let head = String::from_utf8(answer[..split].to_vec()).unwrap();
            (head, answer[split + 4..].to_vec())
        };
        let (head, body) = get("Accept-Encoding: gzip, deflate\r\n");
        assert!(head.contains("Content-Encoding: gzip"), "{head}");
        assert!(
            head.contains(&format!("Content-Length: {}", body.len())),
            "{head}"
        );
        assert!(body.len() < js.len());
        let (head, body) = get("");
        assert!(!head.contains("Content-Encoding"), "{head}");
        assert!(head.contains("Vary: Accept-Encoding"), "{head}");
        assert_eq!(body, js.as_bytes());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
