//! HTML for the hosted pages, error pages and the dashboard. The hosted pages use no
//! JavaScript; the dashboard has one small script for its revoke buttons.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

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

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f4f7;margin:0}\
main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.5rem;\
box-shadow:0 1px 4px #0002}label{display:block;margin:.8rem 0 .2rem}\
input[type=email],input[type=password],input[type=text]{width:100%;padding:.5rem;box-sizing:border-box}\
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}.muted{color:#666;font-size:.9rem}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}";

/// A full page.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>",
        esc(title)
    );
    let mut resp = (status, Html(html)).into_response();
    resp.headers_mut().insert(
        "x-frame-options",
        axum::http::HeaderValue::from_static("DENY"),
    );
    resp.headers_mut().insert(
        "cache-control",
        axum::http::HeaderValue::from_static("no-store"),
    );
    resp
}

fn error_block(error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                "<p class=\"error\" id=\"error\" role=\"alert\">{}</p>",
                esc(e)
            )
        })
        .unwrap_or_default()
}

/// The sign-in page.
pub fn sign_in(
    app: &str,
    rid: &str,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let body = format!(
        "<main><h1>Sign in</h1><p class=\"muted\">to continue to {app}</p>{err}\
<form method=\"post\" action=\"/hosted/sign-in?rid={rid}\">\
<input type=\"hidden\" name=\"rid\" value=\"{rid}\">\
<label for=\"email\">Email</label>\
<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" value=\"{email}\" required>\
<label for=\"password\">Password</label>\
<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
<button id=\"submit\" type=\"submit\">Sign in</button>\
</form>\
<form method=\"post\" action=\"/hosted/sign-in?rid={rid}\">\
<input type=\"hidden\" name=\"rid\" value=\"{rid}\">\
<button id=\"cancel\" name=\"cancel\" value=\"1\" type=\"submit\" formnovalidate>Cancel</button></form>\
<p class=\"muted\">No account? <a id=\"to-sign-up\" href=\"/hosted/sign-up?rid={rid}\">Sign up</a></p></main>",
        app = esc(app),
        err = error_block(error),
        rid = esc(rid),
        email = esc(email),
    );
    page(status, "Sign in", &body)
}

/// The sign-up page.
pub fn sign_up(
    app: &str,
    rid: &str,
    fields: [&str; 3],
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let [email, first, last] = fields;
    let body = format!(
        "<main><h1>Create an account</h1><p class=\"muted\">for {app}</p>{err}\
<form method=\"post\" action=\"/hosted/sign-up?rid={rid}\">\
<input type=\"hidden\" name=\"rid\" value=\"{rid}\">\
<label for=\"first_name\">First name</label>\
<input id=\"first_name\" name=\"first_name\" type=\"text\" autocomplete=\"given-name\" value=\"{first}\">\
<label for=\"last_name\">Last name</label>\
<input id=\"last_name\" name=\"last_name\" type=\"text\" autocomplete=\"family-name\" value=\"{last}\">\
<label for=\"email\">Email</label>\
<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" value=\"{email}\" required>\
<label for=\"password\">Password (8 characters or more)</label>\
<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"8\" required>\
<button id=\"submit\" type=\"submit\">Sign up</button>\
</form>\
<form method=\"post\" action=\"/hosted/sign-up?rid={rid}\">\
<input type=\"hidden\" name=\"rid\" value=\"{rid}\">\
<button id=\"cancel\" name=\"cancel\" value=\"1\" type=\"submit\" formnovalidate>Cancel</button></form>\
<p class=\"muted\">Have an account? <a id=\"to-sign-in\" href=\"/hosted/sign-in?rid={rid}\">Sign in</a></p></main>",
        app = esc(app),
        err = error_block(error),
        rid = esc(rid),
        email = esc(email),
        first = esc(first),
        last = esc(last),
    );
    page(status, "Sign up", &body)
}

/// The organization picker (after a good password, for a user with several memberships).
pub fn org_picker(rid: &str, orgs: &[(String, String)], error: Option<&str>) -> Response {
    let options: String = orgs
        .iter()
        .enumerate()
        .map(|(i, (id, name))| {
            format!(
                "<label><input type=\"radio\" name=\"organization_id\" value=\"{id}\" id=\"org-{i}\"{checked}> {name}</label>",
                id = esc(id),
                name = esc(name),
                checked = if i == 0 { " checked" } else { "" },
            )
        })
        .collect();
    let body = format!(
        "<main><h1>Choose an organization</h1>{err}\
<form method=\"post\" action=\"/hosted/sign-in?rid={rid}\">\
<input type=\"hidden\" name=\"rid\" value=\"{rid}\">{options}\
<button id=\"submit\" type=\"submit\">Continue</button></form>\
<form method=\"post\" action=\"/hosted/sign-in?rid={rid}\">\
<input type=\"hidden\" name=\"rid\" value=\"{rid}\">\
<button id=\"cancel\" name=\"cancel\" value=\"1\" type=\"submit\">Cancel</button></form></main>",
        err = error_block(error),
        rid = esc(rid),
    );
    page(StatusCode::OK, "Choose an organization", &body)
}

/// An error page (stands in for `error.workos.com/...`).
pub fn error_page(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<main><h1>Something went wrong</h1>\
<p id=\"error-code\" data-error-code=\"{c}\"><code>{c}</code></p>\
<p id=\"error-message\">{m}</p></main>",
        c = esc(code),
        m = esc(message),
    );
    page(status, "Error", &body)
}
