//! A tiny HTTP/1.1 client for the emulator's control API (JSON in, JSON out, loopback only).

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::HarnessError;

/// An HTTP response: status and body text.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header lines as (lower-cased name, value).
    pub headers: Vec<(String, String)>,
    /// The body, decoded from chunked encoding when needed.
    pub body: String,
}

impl Response {
    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value, HarnessError> {
        serde_json::from_str(&self.body)
            .map_err(|e| HarnessError::Http(format!("status {}: not JSON ({e})", self.status)))
    }
}

/// Sends one request to `url` (`http://host:port/path?query`) with an optional JSON body and
/// optional extra headers.
///
/// ```no_run
/// # async fn demo() -> Result<(), authkit_e2e::HarnessError> {
/// let res = authkit_e2e::http::request("GET", "http://127.0.0.1:4100/_emulator/clock", None, &[]).await?;
/// assert_eq!(res.status, 200);
/// # Ok(()) }
/// ```
pub async fn request(
    method: &str,
    url: &str,
    json: Option<&Value>,
    headers: &[(&str, &str)],
) -> Result<Response, HarnessError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| HarnessError::Http(format!("not an http URL: {url}")))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let body = json.map(Value::to_string).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nAccept: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if json.is_some() {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let exchange = async {
        let mut stream = TcpStream::connect(authority)
            .await
            .map_err(|e| HarnessError::Http(format!("connect {authority}: {e}")))?;
        stream
            .write_all(head.as_bytes())
            .await
            .and(stream.write_all(body.as_bytes()).await)
            .map_err(|e| HarnessError::Http(format!("write {url}: {e}")))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| HarnessError::Http(format!("read {url}: {e}")))?;
        parse(&raw)
    };
    tokio::time::timeout(Duration::from_secs(20), exchange)
        .await
        .map_err(|_| HarnessError::Http(format!("{method} {url}: no answer within 20 s")))?
}

fn parse(raw: &[u8]) -> Result<Response, HarnessError> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| HarnessError::Http("response without a header end".into()))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| HarnessError::Http(format!("bad status line in {head:?}")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Ok(Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, HarnessError> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| HarnessError::Http("truncated chunk header".into()))?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| HarnessError::Http(format!("bad chunk size {size_text:?}")))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size {
            return Err(HarnessError::Http("truncated chunk".into()));
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_chunked_bodies() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        let res = parse(raw).unwrap();
        assert_eq!(res.status, 200);
        assert_eq!(res.body, "abcde");
    }

    #[test]
    fn parses_plain_bodies() {
        let raw = b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}";
        let res = parse(raw).unwrap();
        assert_eq!(res.status, 404);
        assert_eq!(res.json().unwrap(), serde_json::json!({}));
    }
}
