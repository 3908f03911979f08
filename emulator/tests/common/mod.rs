//! Helpers for the emulator's integration tests: start an emulator in-process on a free port,
//! drive the hosted HTML forms, exchange codes, verify JWTs against the JWKS.
#![allow(dead_code)]

pub mod binary;

use std::path::PathBuf;

use authkit_emulator::{Emulator, EmulatorOptions};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::redirect::Policy;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const CLIENT: &str = "client_demo";
pub const REDIRECT: &str = "http://localhost:5173/account";
pub const ORIGIN: &str = "http://localhost:5173";
pub const ACME: &str = "org_01ACME000000000000000000AC";
pub const GLOBEX: &str = "org_01GRBX000000000000000000GX";
pub const DEMO: (&str, &str) = ("demo@example.com", "demo-password");
pub const SOLO: (&str, &str) = ("solo@example.com", "solo-password");

pub struct Emu {
    pub emu: Emulator,
    pub base: String,
    pub http: reqwest::Client,
}

/// Default options on 127.0.0.1 and a free port; tests change fields with
/// `EmulatorOptions { field, ..local_options() }`.
pub fn local_options() -> EmulatorOptions {
    EmulatorOptions {
        host: "127.0.0.1".into(),
        port: 0,
        ..EmulatorOptions::default()
    }
}

pub async fn start() -> Emu {
    start_with(local_options()).await
}

pub async fn start_in(dir: PathBuf) -> Emu {
    start_with(EmulatorOptions {
        data_dir: Some(dir),
        ..local_options()
    })
    .await
}

pub async fn start_with(opts: EmulatorOptions) -> Emu {
    let emu = Emulator::start(opts).await.expect("emulator starts");
    let base = emu.base_url().to_string();
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client");
    Emu { emu, base, http }
}

pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

pub fn pkce() -> Pkce {
    let verifier = format!("{}{}", authkit_emulator::ids::secret(48), "x".repeat(64));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce {
        verifier,
        challenge,
    }
}

pub fn location(h: &HeaderMap) -> String {
    h.get(LOCATION)
        .expect("Location header")
        .to_str()
        .unwrap()
        .to_string()
}

/// Query parameter `name` of an absolute or relative URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let full = if url.starts_with('/') {
        format!("http://x{url}")
    } else {
        url.to_string()
    };
    url::Url::parse(&full)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The value of the first `<input name="…" value="…">`.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

impl Emu {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn authorize_url(&self, extra: &[(&str, &str)], p: &Pkce) -> String {
        let mut u = url::Url::parse(&self.url("/user_management/authorize")).unwrap();
        {
            let mut q = u.query_pairs_mut();
            q.append_pair("client_id", CLIENT)
                .append_pair("redirect_uri", REDIRECT)
                .append_pair("response_type", "code")
                .append_pair("provider", "authkit")
                .append_pair("code_challenge", &p.challenge)
                .append_pair("code_challenge_method", "S256");
            for (k, v) in extra {
                q.append_pair(k, v);
            }
        }
        u.to_string()
    }

    /// GET authorize; returns the hosted page path (`/hosted/…?rid=…`).
    pub async fn begin(&self, extra: &[(&str, &str)], p: &Pkce) -> String {
        let r = self
            .http
            .get(self.authorize_url(extra, p))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 302, "authorize redirects to the hosted page");
        let loc = location(r.headers());
        assert!(loc.starts_with("/hosted/"), "{loc}");
        loc
    }

    /// GET authorize; the hosted page it redirects to and that page's `rid`.
    pub async fn begin_rid(&self, extra: &[(&str, &str)], p: &Pkce) -> (String, String) {
        let page = self.begin(extra, p).await;
        let rid = query_param(&page, "rid").unwrap();
        (page, rid)
    }

    /// POST a hosted form whose fields are `rid` and then `fields`.
    pub async fn post_with_rid(
        &self,
        path: &str,
        rid: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form = vec![("rid", rid)];
        form.extend_from_slice(fields);
        self.post_form(path, &form).await
    }

    /// Begin a sign-in and post the form of the page it starts on (`rid`, then `fields`): the
    /// page, its `rid` and the answer.
    pub async fn begin_and_post(
        &self,
        extra: &[(&str, &str)],
        p: &Pkce,
        fields: &[(&str, &str)],
    ) -> (String, String, reqwest::Response) {
        let (page, rid) = self.begin_rid(extra, p).await;
        let r = self.post_with_rid(&page, &rid, fields).await;
        (page, rid, r)
    }

    /// POST a hosted form; returns the response.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Full sign-in through the HTML forms; `org` picks in the org picker if one appears.
    /// Returns the final redirect URL (to the app).
    pub async fn sign_in(
        &self,
        creds: (&str, &str),
        org: Option<&str>,
        extra: &[(&str, &str)],
        p: &Pkce,
    ) -> String {
        let page = self.begin(extra, p).await;
        let html = self
            .http
            .get(self.url(&page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("<form method=\"post\""), "sign-in form");
        let rid = input_value(&html, "rid").expect("rid input");
        let r = self
            .post_with_rid(&page, &rid, &[("email", creds.0), ("password", creds.1)])
            .await;
        if r.status() == 302 {
            return location(r.headers());
        }
        assert_eq!(r.status(), 200, "org picker");
        let html = r.text().await.unwrap();
        assert!(html.contains("name=\"organization_id\""), "{html}");
        let r = self
            .post_with_rid(
                &page,
                &rid,
                &[("organization_id", org.expect("org choice"))],
            )
            .await;
        assert_eq!(r.status(), 302);
        location(r.headers())
    }

    pub async fn code_for(&self, creds: (&str, &str), org: Option<&str>, p: &Pkce) -> String {
        let loc = self.sign_in(creds, org, &[], p).await;
        query_param(&loc, "code").expect("code in redirect")
    }

    pub async fn authenticate(&self, body: Value, origin: Option<&str>) -> reqwest::Response {
        let mut req = self.http.post(self.url("/user_management/authenticate"));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.json(&body).send().await.unwrap()
    }

    pub async fn exchange(&self, code: &str, verifier: &str) -> reqwest::Response {
        self.exchange_from(code, verifier, None).await
    }

    /// Sign in and exchange: the success body.
    pub async fn session(&self, creds: (&str, &str), org: Option<&str>) -> Value {
        let p = pkce();
        let code = self.code_for(creds, org, &p).await;
        let r = self.exchange(&code, &p.verifier).await;
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    pub async fn refresh(&self, token: &str, org: Option<&str>) -> reqwest::Response {
        let mut body =
            json!({"grant_type":"refresh_token","client_id":CLIENT,"refresh_token":token});
        if let Some(o) = org {
            body["organization_id"] = json!(o);
        }
        self.authenticate(body, None).await
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// Decode a JWT's payload without verifying.
pub fn claims(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// Decode a JWT's header.
pub fn jwt_header(jwt: &str) -> Value {
    let part = jwt.split('.').next().expect("header");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// Verify an RS256 JWT against a JWKS document; returns whether the signature is valid.
pub fn verify_with_jwks(jwt: &str, jwks: &Value) -> bool {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;
    use rsa::{BigUint, RsaPublicKey};
    let kid = jwt_header(jwt)["kid"].as_str().unwrap().to_string();
    let Some(jwk) = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
    else {
        return false;
    };
    let b = |k: &str| URL_SAFE_NO_PAD.decode(jwk[k].as_str().unwrap()).unwrap();
    let key = RsaPublicKey::new(
        BigUint::from_bytes_be(&b("n")),
        BigUint::from_bytes_be(&b("e")),
    )
    .unwrap();
    let (input, sig) = jwt.rsplit_once('.').unwrap();
    let sig = Signature::try_from(URL_SAFE_NO_PAD.decode(sig).unwrap().as_slice()).unwrap();
    VerifyingKey::<Sha256>::new(key)
        .verify(input.as_bytes(), &sig)
        .is_ok()
}

/// `Set-Cookie` headers as strings.
pub fn set_cookies(h: &HeaderMap) -> Vec<String> {
    h.get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// The value a `Set-Cookie` list assigns to `name`.
pub fn cookie_value(cookies: &[String], name: &str) -> Option<String> {
    cookies.iter().find_map(|c| {
        let (pair, _) = c.split_once(';').unwrap_or((c, ""));
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

impl Emu {
    /// POST a JSON body to a control path; returns the status and the JSON answer (`null`
    /// when the body is not JSON).
    pub async fn control_status(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// A full sign-in (hosted form, code exchange) and one refresh: the success bodies.
    pub async fn sign_in_and_refresh(&self, creds: (&str, &str), org: Option<&str>) -> Value {
        let s = self.session(creds, org).await;
        let r = self
            .refresh(s["refresh_token"].as_str().expect("refresh token"), None)
            .await;
        assert_eq!(r.status(), 200, "refresh after sign-in");
        r.json().await.unwrap()
    }
}

/// The `error`/`error_description` (OAuth shape) or `error`/`message` (control shape) of a
/// JSON error answer, with its status.
pub async fn error_parts(r: reqwest::Response) -> (u16, String, String) {
    let status = r.status().as_u16();
    let v: Value = r.json().await.expect("a JSON error body");
    let text = v["error_description"]
        .as_str()
        .or(v["message"].as_str())
        .unwrap_or_default()
        .to_string();
    (
        status,
        v["error"].as_str().unwrap_or_default().to_string(),
        text,
    )
}

impl Emu {
    /// `GET /_emulator/mailbox?to=…`: the emails to `to`, newest first.
    pub async fn mailbox(&self, to: &str) -> Vec<Value> {
        let url = format!(
            "/_emulator/mailbox?to={}",
            url::form_urlencoded::byte_serialize(to.as_bytes()).collect::<String>()
        );
        self.get_json(&url).await["emails"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The code of the newest email to `to`.
    pub async fn latest_code(&self, to: &str) -> String {
        let mail = self.mailbox(to).await;
        mail.first()
            .and_then(|e| e["code"].as_str())
            .unwrap_or_else(|| panic!("no email with a code to {to}: {mail:?}"))
            .to_string()
    }

    /// `GET` a hosted page (a path with its `rid`): status and HTML.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Sign up through the hosted form and enter the verification code from the mailbox;
    /// returns the final redirect (to the app).
    pub async fn sign_up(&self, email: &str, password: &str, p: &Pkce) -> String {
        let (_, rid, r) = self
            .begin_and_post(
                &[("screen_hint", "sign-up")],
                p,
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(r.status(), 303, "sign-up goes on to the verification page");
        let next = location(r.headers());
        assert_eq!(next, format!("/hosted/verify-email?rid={rid}"));
        let code = self.latest_code(email).await;
        let r = self.post_with_rid(&next, &rid, &[("code", &code)]).await;
        assert_eq!(r.status(), 302, "a verified sign-up goes back to the app");
        location(r.headers())
    }
}

impl Emu {
    /// `GET` a path of the emulator.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// `GET` a path of the emulator with one extra request header.
    pub async fn get_with(&self, path: &str, header: &str, value: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header(header, value)
            .send()
            .await
            .unwrap()
    }

    /// `GET` an absolute URL (a link the emulator handed out).
    pub async fn open(&self, url: &str) -> reqwest::Response {
        self.http.get(url).send().await.unwrap()
    }

    /// `DELETE` a path of the emulator.
    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.http.delete(self.url(path)).send().await.unwrap()
    }

    /// The authorize URL of [`Emu::authorize_url`] (no extra parameters) with `redirect_uri`
    /// set to `uri`.
    pub fn authorize_url_redirecting_to(&self, uri: &str, p: &Pkce) -> String {
        let mut u = url::Url::parse(&self.authorize_url(&[], p)).unwrap();
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                if k == "redirect_uri" {
                    (k.into_owned(), uri.to_string())
                } else {
                    (k.into_owned(), v.into_owned())
                }
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        u.to_string()
    }

    /// The authorize URL of [`Emu::authorize_url`] without `provider` (another selector, or
    /// none, in `extra`).
    pub fn authorize_url_without_provider(&self, extra: &[(&str, &str)], p: &Pkce) -> String {
        let mut u = url::Url::parse(&self.authorize_url(extra, p)).unwrap();
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| k != "provider")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        u.to_string()
    }

    /// Exchange the code in the redirect `loc` for `p`; the JSON answer, whatever its status.
    pub async fn exchange_redirect(&self, loc: &str, p: &Pkce) -> Value {
        self.exchange(&query_param(loc, "code").unwrap(), &p.verifier)
            .await
            .json()
            .await
            .unwrap()
    }

    /// `GET` authorize with `extra` parameters and a `Cookie` header (a pending reset or
    /// impersonation); the response, not followed.
    pub async fn authorize_with_cookie(
        &self,
        extra: &[(&str, &str)],
        p: &Pkce,
        cookie: &str,
    ) -> reqwest::Response {
        self.http
            .get(self.authorize_url(extra, p))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
    }

    /// The code exchange of [`Emu::exchange`], sent with an `Origin` header (`None`: without).
    pub async fn exchange_from(
        &self,
        code: &str,
        verifier: &str,
        origin: Option<&str>,
    ) -> reqwest::Response {
        self.authenticate(
            json!({"grant_type":"authorization_code","client_id":CLIENT,"code":code,"code_verifier":verifier}),
            origin,
        )
        .await
    }

    /// Refresh `token` (into `org`) and read the JSON answer, whatever its status.
    pub async fn refresh_json(&self, token: &str, org: Option<&str>) -> Value {
        self.refresh(token, org).await.json().await.unwrap()
    }

    /// Start an impersonation of `email` by admin@example.com: the control API's answer.
    pub async fn impersonate(&self, email: &str) -> Value {
        self.control(
            "/_emulator/impersonate",
            json!({"client_id": CLIENT, "email": email, "impersonator": "admin@example.com"}),
        )
        .await
    }
}

/// The session id (`sid` claim) of a success body's access token.
pub fn sid_of(body: &Value) -> String {
    claims(body["access_token"].as_str().unwrap())["sid"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The `name=value` pair of the pending-impersonation cookie a response sets.
pub fn impersonation_pair(h: &HeaderMap) -> String {
    set_cookies(h)
        .into_iter()
        .find(|c| c.starts_with("authkit-emulator-impersonation="))
        .expect("impersonation cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}
