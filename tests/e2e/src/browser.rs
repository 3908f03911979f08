//! A headless Chromium session over WebDriver (fantoccini), with polling helpers.
//!
//! Every helper that waits polls the DOM with a deadline and panics with what it last saw:
//! tests never sleep and hope.

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::error::HarnessError;

/// How long a DOM condition may take before the test fails. A deadline, not a performance
/// bound: on a loaded 2-core CI machine the first render of the debug demo has been seen to
/// take longer than 20 s, so the limit is generous; a passing condition returns at once.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// The Chromium flags from the team brief (root needs `--no-sandbox`).
pub const CHROME_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--window-size=1280,900",
];

/// The Chromium executable: `$CHROMIUM_PATH`, Debian's real binary, or `chromium` on PATH.
pub fn chromium_binary() -> String {
    if let Ok(path) = std::env::var("CHROMIUM_PATH") {
        return path;
    }
    for candidate in ["/usr/lib/chromium/chromium", "/usr/bin/chromium"] {
        if std::path::Path::new(candidate).exists() {
            return candidate.to_owned();
        }
    }
    "chromium".to_owned()
}

/// One browser (one Chromium process with a fresh profile).
///
/// ```no_run
/// # async fn demo(webdriver_url: &str) -> Result<(), authkit_e2e::HarnessError> {
/// let browser = authkit_e2e::Browser::launch(webdriver_url).await?;
/// browser.goto("http://localhost:5173/").await?;
/// browser.close().await;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Browser {
    /// The WebDriver client (use it for anything the helpers lack).
    pub client: Client,
    profile: PathBuf,
    /// The chromedriver this session runs on (for its Chromium-only endpoints).
    webdriver_url: String,
}

/// Network conditions for Chromium's DevTools emulation (`Network.emulateNetworkConditions`):
/// a latency added to every request and caps on throughput. Chromium applies them per request
/// (it does not model TCP round trips or slow start).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkConditions {
    /// Added to every request, in milliseconds.
    pub latency_ms: f64,
    /// Download throughput in bytes per second.
    pub download_bytes_per_sec: f64,
    /// Upload throughput in bytes per second.
    pub upload_bytes_per_sec: f64,
}

impl NetworkConditions {
    /// The parameters of `Network.emulateNetworkConditions`; `None` lifts the emulation
    /// (no latency, `-1` = no throughput cap).
    ///
    /// ```
    /// use authkit_e2e::browser::NetworkConditions;
    /// let slow = NetworkConditions { latency_ms: 150.0, download_bytes_per_sec: 2e5, upload_bytes_per_sec: 1e5 };
    /// assert_eq!(NetworkConditions::cdp_params(Some(&slow))["latency"], 150.0);
    /// assert_eq!(NetworkConditions::cdp_params(None)["downloadThroughput"], -1.0);
    /// ```
    pub fn cdp_params(conditions: Option<&Self>) -> Value {
        match conditions {
            Some(c) => json!({
                "offline": false,
                "latency": c.latency_ms,
                "downloadThroughput": c.download_bytes_per_sec,
                "uploadThroughput": c.upload_bytes_per_sec,
            }),
            None => json!({
                "offline": false,
                "latency": 0.0,
                "downloadThroughput": -1.0,
                "uploadThroughput": -1.0,
            }),
        }
    }
}

impl Browser {
    /// Starts a new Chromium session on the chromedriver at `webdriver_url`.
    pub async fn launch(webdriver_url: &str) -> Result<Self, HarnessError> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let profile =
            std::env::temp_dir().join(format!("authkit-e2e-{}-profile-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile)
            .map_err(|e| HarnessError::io(format!("create {}", profile.display()), e))?;
        let mut args: Vec<String> = CHROME_FLAGS.iter().map(|s| (*s).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium_binary(), "args": args }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(webdriver_url)
            .await
            .map_err(|e| HarnessError::WebDriver(format!("new session: {e}")))?;
        // A navigation that hangs fails the step instead of the whole run.
        let timeouts = fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(30)),
            Some(Duration::from_secs(30)),
            Some(Duration::ZERO),
        );
        client
            .update_timeouts(timeouts)
            .await
            .map_err(|e| HarnessError::WebDriver(format!("set timeouts: {e}")))?;
        Ok(Self {
            client,
            profile,
            webdriver_url: webdriver_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Sends one DevTools protocol command to the current window's page through chromedriver
    /// (`POST /session/{id}/chromium/send_command_and_get_result`) and returns its result.
    pub async fn cdp(&self, method: &str, params: Value) -> Result<Value, HarnessError> {
        let session = self
            .client
            .session_id()
            .await
            .map_err(|e| HarnessError::WebDriver(format!("session id: {e}")))?
            .ok_or_else(|| HarnessError::WebDriver("no session".into()))?;
        let url = format!(
            "{}/session/{session}/chromium/send_command_and_get_result",
            self.webdriver_url
        );
        let body = json!({ "cmd": method, "params": params });
        let exchange = post_json(&url, &body);
        let (status, answer) = tokio::time::timeout(Duration::from_secs(30), exchange)
            .await
            .map_err(|_| HarnessError::WebDriver(format!("{method}: no answer within 30 s")))??;
        if status != 200 {
            return Err(HarnessError::WebDriver(format!(
                "{method}: {status} {}",
                answer["value"]["message"]
            )));
        }
        Ok(answer["value"].clone())
    }

    /// Emulates `conditions` for every request of the current window from now on, across
    /// navigations (`Network.enable`, then `Network.emulateNetworkConditions`); `None` lifts
    /// the emulation.
    pub async fn emulate_network(
        &self,
        conditions: Option<&NetworkConditions>,
    ) -> Result<(), HarnessError> {
        self.cdp("Network.enable", json!({})).await?;
        self.cdp(
            "Network.emulateNetworkConditions",
            NetworkConditions::cdp_params(conditions),
        )
        .await
        .map(drop)
    }

    /// Ends the session (Chromium exits) and removes the profile.
    pub async fn close(self) {
        let _ = self.client.close().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    /// Navigates the current window to `url`.
    pub async fn goto(&self, url: &str) -> Result<(), HarnessError> {
        self.client
            .goto(url)
            .await
            .map_err(|e| HarnessError::WebDriver(format!("goto {url}: {e}")))
    }

    /// Reloads the page.
    pub async fn reload(&self) -> Result<(), HarnessError> {
        self.client
            .refresh()
            .await
            .map_err(|e| HarnessError::WebDriver(format!("reload: {e}")))
    }

    /// Goes back in history.
    pub async fn back(&self) -> Result<(), HarnessError> {
        self.client
            .back()
            .await
            .map_err(|e| HarnessError::WebDriver(format!("back: {e}")))
    }

    /// The address bar.
    pub async fn url(&self) -> Result<String, HarnessError> {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .map_err(|e| HarnessError::WebDriver(format!("current_url: {e}")))
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) and returns its result.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value, HarnessError> {
        self.client
            .execute(script, args)
            .await
            .map_err(|e| HarnessError::WebDriver(format!("execute: {e}")))
    }

    /// The trimmed text of the first element matching `css`, `None` when absent.
    pub async fn text(&self, css: &str) -> Option<String> {
        let v = self
            .js(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
                vec![json!(css)],
            )
            .await
            .ok()?;
        v.as_str().map(|s| s.trim().to_owned())
    }

    /// True when an element matches `css`.
    pub async fn exists(&self, css: &str) -> bool {
        matches!(
            self.js(
                "return document.querySelector(arguments[0]) !== null;",
                vec![json!(css)]
            )
            .await,
            Ok(Value::Bool(true))
        )
    }

    /// Clicks the element matching `css` (waiting for it to appear first).
    pub async fn click(&self, css: &str) -> Result<(), HarnessError> {
        self.wait_for(&format!("{css} to appear"), || async {
            self.exists(css).await.then_some(())
        })
        .await;
        self.client
            .find(Locator::Css(css))
            .await
            .map_err(|e| HarnessError::WebDriver(format!("find {css}: {e}")))?
            .click()
            .await
            .map_err(|e| HarnessError::WebDriver(format!("click {css}: {e}")))
    }

    /// Types `text` into the input matching `css` (clearing it first).
    pub async fn fill(&self, css: &str, text: &str) -> Result<(), HarnessError> {
        self.wait_for(&format!("{css} to appear"), || async {
            self.exists(css).await.then_some(())
        })
        .await;
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .map_err(|e| HarnessError::WebDriver(format!("find {css}: {e}")))?;
        el.clear()
            .await
            .map_err(|e| HarnessError::WebDriver(format!("clear {css}: {e}")))?;
        el.send_keys(text)
            .await
            .map_err(|e| HarnessError::WebDriver(format!("type into {css}: {e}")))
    }

    /// Polls `probe` every 100 ms until it yields `Some`, for at most [`DEFAULT_WAIT`];
    /// panics with `what` (and the page's `#status`, `#error` and URL) on timeout.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        self.wait_for_within(what, DEFAULT_WAIT, probe).await
    }

    /// [`Browser::wait_for`] with an explicit deadline.
    pub async fn wait_for_within<T, F, Fut>(&self, what: &str, limit: Duration, mut probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(v) = probe().await {
                return v;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out after {limit:?} waiting for {what}; page: {}",
                    self.describe().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `#status` reads `expected` and returns the page URL.
    pub async fn wait_status(&self, expected: &str) -> String {
        self.wait_status_within(expected, DEFAULT_WAIT).await
    }

    /// [`Browser::wait_status`] with an explicit deadline.
    pub async fn wait_status_within(&self, expected: &str, limit: Duration) -> String {
        self.wait_for_within(&format!("#status = {expected:?}"), limit, || async {
            (self.text("#status").await.as_deref() == Some(expected)).then_some(())
        })
        .await;
        self.url().await.unwrap_or_default()
    }

    /// Waits until `css` has exactly the text `expected`.
    pub async fn wait_text(&self, css: &str, expected: &str) {
        self.wait_for(&format!("{css} = {expected:?}"), || async {
            (self.text(css).await.as_deref() == Some(expected)).then_some(())
        })
        .await
    }

    /// Waits until the element `css` exists and returns its text.
    pub async fn wait_element(&self, css: &str) -> String {
        self.wait_for(&format!("{css} to appear"), || async {
            self.text(css).await
        })
        .await
    }

    /// Waits until the address bar satisfies `pred`, returning it.
    pub async fn wait_url(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_for(what, || async {
            let url = self.url().await.ok()?;
            pred(&url).then_some(url)
        })
        .await
    }

    /// All of `localStorage` (or `sessionStorage` when `session` is true) as key → value.
    pub async fn storage(&self, session: bool) -> serde_json::Map<String, Value> {
        let store = if session {
            "sessionStorage"
        } else {
            "localStorage"
        };
        let script = format!(
            "const s = window.{store}; const o = {{}}; for (let i = 0; i < s.length; i++) {{ const k = s.key(i); o[k] = s.getItem(k); }} return o;"
        );
        match self.js(&script, vec![]).await {
            Ok(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        }
    }

    /// A one-line description of the page for failure messages (never token values).
    pub async fn describe(&self) -> String {
        let url = redact(&self.url().await.unwrap_or_else(|e| format!("<{e}>")));
        let status = self.text("#status").await;
        let error = self.text("#error").await;
        format!("url={url} #status={status:?} #error={error:?}")
    }
}

/// POSTs `body` to `url` (`http://host:port/path`) and reads the JSON answer by its
/// `Content-Length`: chromedriver says `Connection: close` but keeps the socket open.
async fn post_json(url: &str, body: &Value) -> Result<(u16, Value), HarnessError> {
    let http = |what: String| HarnessError::Http(format!("{url}: {what}"));
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| http("not an http URL".into()))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let body = body.to_string();
    let stream = tokio::net::TcpStream::connect(authority)
        .await
        .map_err(|e| http(format!("connect: {e}")))?;
    let mut stream = BufReader::new(stream);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .get_mut()
        .write_all((head + &body).as_bytes())
        .await
        .map_err(|e| http(format!("write: {e}")))?;
    let mut status_line = String::new();
    stream
        .read_line(&mut status_line)
        .await
        .map_err(|e| http(format!("read: {e}")))?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| http(format!("bad status line {status_line:?}")))?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        stream
            .read_line(&mut line)
            .await
            .map_err(|e| http(format!("read: {e}")))?;
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut answer = vec![0; length];
    stream
        .read_exact(&mut answer)
        .await
        .map_err(|e| http(format!("read the body: {e}")))?;
    let json = serde_json::from_slice(&answer).map_err(|e| http(format!("not JSON: {e}")))?;
    Ok((status, json))
}

/// `url` with the values of `code` and `state` replaced (failure messages must not leak codes).
///
/// ```
/// use authkit_e2e::browser::redact;
/// assert_eq!(redact("http://x/account?code=abc&state=s&a=1"), "http://x/account?code=…&state=…&a=1");
/// ```
pub fn redact(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k == "code" || k == "state" => format!("{k}=…"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}
