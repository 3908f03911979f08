//! A headless Chromium session over WebDriver (fantoccini), with polling helpers.
//!
//! Every helper that waits polls the DOM with a deadline and panics with what it last saw:
//! tests never sleep and hope.

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

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
        Ok(Self { client, profile })
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
