//! HTML for the hosted pages, error pages, the dashboard and the mailbox: one stylesheet
//! ([`STYLE`]), one page shell ([`page`], [`branded_page`]). The hosted pages use no
//! JavaScript; the dashboard has one small script for its revoke buttons.

pub mod brand;
pub mod form;
pub mod hosted;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use self::brand::Brand;

/// The one stylesheet of every page the emulator renders.
pub const STYLE: &str = include_str!("style.css");

/// Escape text for HTML content and attribute values.
///
/// ```
/// assert_eq!(authkit_emulator::html::esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A full page in the emulator's own colours (dashboard, mailbox): `body` goes inside
/// `<body>` as it is.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    document(status, &Brand::default(), title, body)
}

/// A hosted page: the card with the app's initial and name, in the app's colours. `body` is
/// the card's content after the brand line; `title` also heads the document title.
pub fn branded_page(
    status: StatusCode,
    brand: &Brand,
    app: &str,
    title: &str,
    body: &str,
) -> Response {
    let initial = app
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_else(|| "A".into());
    let main = format!(
        "<main class=\"card\" aria-labelledby=\"title\">\
<div class=\"brand\"><span class=\"logo\" aria-hidden=\"true\">{initial}</span>\
<span id=\"app-name\">{app}</span></div>{body}</main>\
<p class=\"fine\">Emulated AuthKit (authkit-emulator). Emails it would send are in the \
mailbox at <code>/_emulator/mailbox.html</code>.</p>",
        initial = esc(&initial),
        app = esc(app),
    );
    document(status, brand, &format!("{title} · {app}"), &main)
}

fn document(status: StatusCode, brand: &Brand, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta name=\"color-scheme\" content=\"light\">\
<title>{}</title><style>{}{STYLE}</style></head><body>{body}</body></html>",
        esc(title),
        brand.css_vars(),
    );
    let mut resp = (status, Html(html)).into_response();
    resp.headers_mut()
        .insert("x-frame-options", HeaderValue::from_static("DENY"));
    resp.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-store"));
    resp.headers_mut()
        .insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    resp
}

/// An error page (stands in for `error.workos.com/...`).
pub fn error_page(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<main class=\"card\" aria-labelledby=\"title\"><h1 id=\"title\">Something went wrong</h1>\
<div class=\"banner error\" role=\"alert\"><p id=\"error-message\" style=\"margin:0\">{m}</p></div>\
<p id=\"error-code\" data-error-code=\"{c}\" class=\"muted\">Error code: <code>{c}</code></p></main>",
        c = esc(code),
        m = esc(message),
    );
    page(status, "Error", &body)
}
