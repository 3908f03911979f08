//! What the bench reads from a page: the `authkit:*` marks, Navigation and Resource Timing,
//! and the waits on them.

use std::time::{Duration, Instant};

use authkit_e2e::browser::{redact, Browser};
use serde_json::{json, Value};

use crate::error::BenchError;

/// How long a page may take to reach a state the bench waits for (generous: a deadline on a
/// loaded 2-core machine, not a performance bound).
pub const PAGE_LIMIT: Duration = Duration::from_secs(60);

/// Reads every `authkit:*` mark (first occurrence), the navigation entry, the `.wasm` entry,
/// the largest resource of the page's own origin, and when the last of its own `.js`,
/// `.wasm` and `.css` arrived. Times are ms since `performance.timeOrigin`.
pub const PAGE_JS: &str = r#"
const marks = {};
for (const e of performance.getEntriesByType('mark')) {
  if (e.name.startsWith('authkit:') && !(e.name in marks)) marks[e.name] = e.startTime;
}
const nav = performance.getEntriesByType('navigation')[0] || null;
const resources = performance.getEntriesByType('resource');
const own = resources.filter(r => r.name.startsWith(location.origin + '/'));
const wasm = own.find(r => r.name.split('?')[0].endsWith('.wasm')) || null;
const largest = own.reduce((a, r) => (!a || r.decodedBodySize > a.decodedBodySize) ? r : a, null);
const code = own.filter(r => /\.(js|wasm|css)$/.test(r.name.split('?')[0]));
return {
  marks,
  nav: nav && { fetchStart: nav.fetchStart, responseEnd: nav.responseEnd, type: nav.type,
                redirectCount: nav.redirectCount, domContentLoaded: nav.domContentLoadedEventEnd },
  wasm: wasm && { startTime: wasm.startTime, responseEnd: wasm.responseEnd,
                  transferSize: wasm.transferSize, encodedBodySize: wasm.encodedBodySize },
  largest: largest && { name: largest.name.slice(location.origin.length), startTime: largest.startTime,
                        responseEnd: largest.responseEnd, encodedBodySize: largest.encodedBodySize,
                        decodedBodySize: largest.decodedBodySize },
  codeFetched: code.length ? Math.max(...code.map(r => r.responseEnd)) : null,
  timers: performance.getEntriesByName('authkit:timer').length,
  visibility: document.visibilityState,
  path: location.pathname,
};
"#;

/// Every Resource Timing entry of the page, its navigation entry and its `authkit:*` marks,
/// in start order: kind (the navigation, the initiator type, or `mark`), name (the path for
/// the page's own origin), start and end (ms since navigation start), transfer, encoded and
/// decoded sizes (bytes; 0 for a cross-origin response without `Timing-Allow-Origin`).
pub const WATERFALL_JS: &str = r#"
const origin = location.origin;
const short = n => n.startsWith(origin + '/') ? n.slice(origin.length) : n;
const row = (kind, e) => ({ kind, name: short(e.name), start: e.startTime, end: e.responseEnd,
  transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize });
const rows = [];
for (const n of performance.getEntriesByType('navigation')) rows.push(row('navigation', n));
for (const r of performance.getEntriesByType('resource')) rows.push(row(r.initiatorType, r));
for (const m of performance.getEntriesByType('mark')) {
  if (m.name.startsWith('authkit:') && m.name !== 'authkit:timer') {
    rows.push({ kind: 'mark', name: m.name, start: m.startTime, end: null,
                transfer: null, encoded: null, decoded: null });
  }
}
rows.sort((a, b) => a.start - b.start);
return rows;
"#;

/// Resolves once the page has the mark `arguments[0]` (at once when it has it already),
/// from a `PerformanceObserver`: the bench does not poll the page while it loads.
const AWAIT_MARK_JS: &str = r#"
const [name, done] = [arguments[0], arguments[arguments.length - 1]];
new PerformanceObserver((list, observer) => {
  if (list.getEntriesByName(name).length) { observer.disconnect(); done(true); }
}).observe({ type: 'mark', buffered: true });
"#;

/// The time of mark `name` in page data read by [`PAGE_JS`].
pub fn mark(page: &Value, name: &str) -> Option<f64> {
    page["marks"][name].as_f64()
}

/// Waits until the current page has the mark `name`, for at most [`PAGE_LIMIT`]. A script
/// cut short by a navigation or the script timeout is started again.
pub async fn wait_for_mark(b: &Browser, name: &str) -> Result<(), BenchError> {
    let deadline = Instant::now() + PAGE_LIMIT;
    loop {
        let attempt = b
            .client
            .execute_async(AWAIT_MARK_JS, vec![json!(name)])
            .await;
        if attempt.is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(BenchError::Page(format!(
                "no {name} mark within {PAGE_LIMIT:?}; {}",
                b.describe().await
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `#status` reads `expected`, for at most [`PAGE_LIMIT`].
pub async fn wait_status(b: &Browser, expected: &str) -> Result<(), BenchError> {
    let deadline = Instant::now() + PAGE_LIMIT;
    while b.text("#status").await.as_deref() != Some(expected) {
        if Instant::now() > deadline {
            return Err(BenchError::Page(format!(
                "#status is not {expected:?} after {PAGE_LIMIT:?}; {}",
                b.describe().await
            )));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Waits for `authkit:signed-in` and for `#status` to read `signed-in`; returns the page data
/// of [`PAGE_JS`].
pub async fn signed_in_page(b: &Browser) -> Result<Value, BenchError> {
    wait_for_mark(b, "authkit:signed-in").await?;
    let page = b.js(PAGE_JS, vec![]).await?;
    wait_status(b, "signed-in").await?;
    Ok(page)
}

/// The waterfall rows of the current page ([`WATERFALL_JS`]), with `code` and `state`
/// redacted from names.
pub async fn waterfall(b: &Browser) -> Result<Value, BenchError> {
    let mut rows = b.js(WATERFALL_JS, vec![]).await?;
    if let Some(rows) = rows.as_array_mut() {
        for row in rows {
            if let Some(name) = row["name"].as_str() {
                row["name"] = json!(redact(name));
            }
        }
    }
    Ok(rows)
}

/// Empties the current origin's local and session storage and deletes the cookies the page
/// can see (the emulator's on the same host included): the app starts signed out.
pub async fn clear_site_data(b: &Browser) -> Result<(), BenchError> {
    b.js("localStorage.clear(); sessionStorage.clear();", vec![])
        .await?;
    b.client.delete_all_cookies().await?;
    Ok(())
}
