//! Decoding the access-token payload into typed claims (no signature check: the browser only
//! reads claims; your backend verifies tokens against the JWKS).

use crate::error::AuthKitError;
use crate::protocol::base64url;
use crate::protocol::json::{read, Json};

/// The actor of an impersonated session (`act` claim, RFC 8693).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Actor {
    /// The impersonator's email.
    pub sub: String,
}

/// The claims of a WorkOS access token. Optional claims default to empty; unknown claims
/// (JWT templates, `aud`) are kept in `extra`, in token order.
///
/// ```
/// use authkit_yew::AccessTokenClaims;
/// let claims = AccessTokenClaims::default();
/// assert!(claims.permissions.is_empty());
/// assert_eq!(claims.extra("aud"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AccessTokenClaims {
    /// Issuer.
    pub iss: Option<String>,
    /// User id.
    pub sub: String,
    /// Session id (used for sign-out).
    pub sid: String,
    /// Token id.
    pub jti: Option<String>,
    /// Issued at (epoch seconds).
    pub iat: i64,
    /// Expires at (epoch seconds).
    pub exp: i64,
    /// Selected organization.
    pub org_id: Option<String>,
    /// Role in the organization.
    pub role: Option<String>,
    /// All roles in the organization.
    pub roles: Vec<String>,
    /// Permission slugs.
    pub permissions: Vec<String>,
    /// Entitlements of the organization.
    pub entitlements: Vec<String>,
    /// Enabled feature flags.
    pub feature_flags: Vec<String>,
    /// The impersonator, when impersonated.
    pub act: Option<Actor>,
    /// Client the token was minted for.
    pub client_id: Option<String>,
    /// Time of the last active authentication (epoch seconds).
    pub auth_time: Option<i64>,
    /// Every other claim, in token order (read one with [`AccessTokenClaims::extra`]).
    pub other: Vec<(String, Json)>,
}

/// The claims read into named fields; everything else goes to `other`.
const KNOWN: [&str; 15] = [
    "iss",
    "sub",
    "sid",
    "jti",
    "iat",
    "exp",
    "org_id",
    "role",
    "roles",
    "permissions",
    "entitlements",
    "feature_flags",
    "act",
    "client_id",
    "auth_time",
];

impl AccessTokenClaims {
    /// An unknown claim by name (e.g. `aud`, or a JWT-template claim).
    ///
    /// ```
    /// use authkit_yew::protocol::claims::decode_claims;
    /// // {"alg":"RS256"} . {"sid":"s","aud":"x"} . sig
    /// let claims = decode_claims("eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzIiwiYXVkIjoieCJ9.c2ln").unwrap();
    /// assert_eq!(claims.extra("aud").and_then(|v| v.as_str()), Some("x"));
    /// ```
    pub fn extra(&self, name: &str) -> Option<&Json> {
        crate::protocol::json::last_value(&self.other, name)
    }

    /// Reads claims from a decoded payload object. Missing or `null` optional claims read as
    /// empty; a known claim of the wrong type is an error naming it.
    ///
    /// ```
    /// use authkit_yew::{AccessTokenClaims, Json};
    /// let payload = Json::parse(r#"{"sid":"s","exp":301,"roles":["admin"]}"#).unwrap();
    /// let claims = AccessTokenClaims::from_json(&payload).unwrap();
    /// assert_eq!((claims.sid.as_str(), claims.exp), ("s", 301));
    /// let bad = Json::parse(r#"{"roles":"admin"}"#).unwrap();
    /// assert_eq!(AccessTokenClaims::from_json(&bad).unwrap_err(), "roles");
    /// ```
    pub fn from_json(payload: &Json) -> Result<AccessTokenClaims, &'static str> {
        let text = |key| read::opt_string(payload, key).map(Option::unwrap_or_default);
        let list = |key: &'static str| -> Result<Vec<String>, &'static str> {
            match read::opt(payload, key) {
                None => Ok(Vec::new()),
                Some(v) => v
                    .as_array()
                    .ok_or(key)?
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned).ok_or(key))
                    .collect(),
            }
        };
        let date = |key: &'static str| match read::opt(payload, key) {
            None => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or(key),
        };
        let act = match read::opt(payload, "act") {
            None => None,
            Some(a) => Some(Actor {
                sub: read::string(a, "sub").map_err(|_| "act")?,
            }),
        };
        Ok(AccessTokenClaims {
            iss: read::opt_string(payload, "iss")?,
            sub: text("sub")?,
            sid: text("sid")?,
            jti: read::opt_string(payload, "jti")?,
            iat: date("iat")?.unwrap_or_default(),
            exp: date("exp")?.unwrap_or_default(),
            org_id: read::opt_string(payload, "org_id")?,
            role: read::opt_string(payload, "role")?,
            roles: list("roles")?,
            permissions: list("permissions")?,
            entitlements: list("entitlements")?,
            feature_flags: list("feature_flags")?,
            act,
            client_id: read::opt_string(payload, "client_id")?,
            auth_time: date("auth_time")?,
            other: payload
                .as_object()
                .unwrap_or_default()
                .iter()
                .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
                .cloned()
                .collect(),
        })
    }
}

/// Decodes one base64url part of a JWT into a JSON object (`what` names the part in errors).
fn decode_part(part: &str, what: &str) -> Result<Json, AuthKitError> {
    let invalid = |problem: &str| {
        AuthKitError::InvalidToken(format!("the access token {what} is not {problem}"))
    };
    let bytes = base64url::decode(part).ok_or_else(|| invalid("base64url"))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| invalid("JSON"))?;
    let json = Json::parse(text).map_err(|_| invalid("JSON"))?;
    if json.as_object().is_none() {
        return Err(invalid("a JSON object"));
    }
    Ok(json)
}

/// Decodes the claims of a JWT (`header.payload.signature`) without checking the signature.
///
/// Errors with [`AuthKitError::InvalidToken`] unless the token has exactly three parts and
/// base64url JSON header and payload. Padding (`=`) is accepted but not required; optional
/// claims may be missing or `null`; unknown claims (e.g. `aud`, JWT-template claims) land in
/// [`AccessTokenClaims::other`]. Error messages never contain the token.
///
/// ```
/// use authkit_yew::protocol::claims::decode_claims;
/// assert!(decode_claims("not-a-jwt").is_err());
/// // {"alg":"RS256"} . {"sub":"user_1","sid":"session_1","iat":1,"exp":301,"aud":"x"} . sig
/// let claims = decode_claims(
///     "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEiLCJzaWQiOiJzZXNzaW9uXzEiLCJpYXQiOjEsImV4cCI6MzAxLCJhdWQiOiJ4In0.c2ln",
/// ).unwrap();
/// assert_eq!(claims.sid, "session_1");
/// assert_eq!(claims.exp - claims.iat, 300);
/// assert_eq!(claims.extra("aud").unwrap(), "x");
/// ```
pub fn decode_claims(token: &str) -> Result<AccessTokenClaims, AuthKitError> {
    AccessTokenClaims::from_json(&decode_payload(token)?).map_err(|claim| {
        AuthKitError::InvalidToken(format!(
            "the access token has a malformed claim: `{claim}` has the wrong type"
        ))
    })
}

/// Decodes the payload of a JWT as raw JSON (authkit-js's `getClaims`), e.g. to read
/// JWT-template claims or show every claim. Same checks and errors as [`decode_claims`]; the
/// signature is not checked. With the `serde` feature, `decode_payload_as` reads it into
/// your own type.
///
/// ```
/// use authkit_yew::protocol::claims::decode_payload;
/// let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEiLCJzaWQiOiJzZXNzaW9uXzEiLCJpYXQiOjEsImV4cCI6MzAxLCJhdWQiOiJ4In0.c2ln";
/// let raw = decode_payload(token).unwrap();
/// assert_eq!(raw["sid"], "session_1");
/// assert_eq!(raw["iat"].as_i64(), Some(1));
/// ```
pub fn decode_payload(token: &str) -> Result<Json, AuthKitError> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(AuthKitError::InvalidToken(format!(
            "the access token is not a JWT: expected 3 dot-separated parts, found {}",
            parts.len()
        )));
    }
    decode_part(parts[0], "header")?;
    decode_part(parts[1], "payload")
}

/// Decodes the payload of a JWT into your own type (`serde` feature), e.g. a struct for your
/// JWT-template claims. Same checks as [`decode_payload`].
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use authkit_yew::protocol::claims::decode_payload_as;
/// #[derive(serde::Deserialize)]
/// struct Mine { sid: String }
/// let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEiLCJzaWQiOiJzZXNzaW9uXzEiLCJpYXQiOjEsImV4cCI6MzAxLCJhdWQiOiJ4In0.c2ln";
/// let mine: Mine = decode_payload_as(token).unwrap();
/// assert_eq!(mine.sid, "session_1");
/// # }
/// ```
#[cfg(feature = "serde")]
pub fn decode_payload_as<T: serde::de::DeserializeOwned>(token: &str) -> Result<T, AuthKitError> {
    serde_json::from_str(&decode_payload(token)?.to_string()).map_err(|e| {
        AuthKitError::InvalidToken(format!("the access token has a malformed claim: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
    use base64::Engine as _;
    use serde_json::json;

    const HEADER: &str = r#"{"alg":"RS256","kid":"sso_oidc_key_pair_01"}"#;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn jwt(payload: &serde_json::Value) -> String {
        format!(
            "{}.{}.fake-signature",
            b64(HEADER),
            b64(&payload.to_string())
        )
    }

    fn j(value: serde_json::Value) -> Json {
        Json::parse(&value.to_string()).unwrap()
    }

    fn is_invalid(result: Result<AccessTokenClaims, AuthKitError>) -> bool {
        matches!(result, Err(AuthKitError::InvalidToken(_)))
    }

    #[test]
    fn decodes_a_full_workos_token() {
        let token = jwt(&json!({
            "iss": "https://api.workos.com/user_management/client_123",
            "sub": "user_01HBEQKA6K4QJAS93VPE39W1JT",
            "act": {"sub": "admin@foocorp.com"},
            "org_id": "org_01HRDMC6CM357W30QMHMQ96Q0S",
            "role": "member",
            "roles": ["member", "viewer"],
            "permissions": ["posts:read", "posts:write"],
            "entitlements": ["audit-logs"],
            "feature_flags": ["beta"],
            "sid": "session_01HQSXZGF8FHF7A9ZZFCW4387R",
            "jti": "01HQSXZXPPFPKMDD32RKTFY6PV",
            "client_id": "client_123",
            "auth_time": 1709193500,
            "exp": 1709193857,
            "iat": 1709193557
        }));
        let c = decode_claims(&token).unwrap();
        assert_eq!(
            c.iss.as_deref(),
            Some("https://api.workos.com/user_management/client_123")
        );
        assert_eq!(c.sub, "user_01HBEQKA6K4QJAS93VPE39W1JT");
        assert_eq!(
            c.act,
            Some(Actor {
                sub: "admin@foocorp.com".into()
            })
        );
        assert_eq!(c.org_id.as_deref(), Some("org_01HRDMC6CM357W30QMHMQ96Q0S"));
        assert_eq!(c.role.as_deref(), Some("member"));
        assert_eq!(c.roles, ["member", "viewer"]);
        assert_eq!(c.permissions, ["posts:read", "posts:write"]);
        assert_eq!(c.entitlements, ["audit-logs"]);
        assert_eq!(c.feature_flags, ["beta"]);
        assert_eq!(c.sid, "session_01HQSXZGF8FHF7A9ZZFCW4387R");
        assert_eq!(c.jti.as_deref(), Some("01HQSXZXPPFPKMDD32RKTFY6PV"));
        assert_eq!(c.client_id.as_deref(), Some("client_123"));
        assert_eq!(c.auth_time, Some(1709193500));
        assert_eq!(c.exp - c.iat, 300);
        assert!(c.other.is_empty(), "{:?}", c.other);
    }

    #[test]
    fn decodes_a_minimal_token_with_every_optional_claim_missing() {
        let c = decode_claims(&jwt(
            &json!({"sub": "user_1", "sid": "session_1", "iat": 10, "exp": 20}),
        ))
        .unwrap();
        assert_eq!(c.sub, "user_1");
        assert_eq!(c.sid, "session_1");
        assert_eq!((c.iat, c.exp), (10, 20));
        assert_eq!(c.iss, None);
        assert_eq!(c.jti, None);
        assert_eq!(c.org_id, None);
        assert_eq!(c.role, None);
        assert!(c.roles.is_empty() && c.permissions.is_empty());
        assert!(c.entitlements.is_empty() && c.feature_flags.is_empty());
        assert_eq!(c.act, None);
        assert_eq!(c.client_id, None);
        assert_eq!(c.auth_time, None);
    }

    #[test]
    fn decodes_an_empty_payload_object_to_defaults() {
        assert_eq!(
            decode_claims(&jwt(&json!({}))).unwrap(),
            AccessTokenClaims::default()
        );
    }

    #[test]
    fn null_optional_claims_read_as_absent() {
        let c = decode_claims(&jwt(&json!({
            "sub": null, "sid": null, "iat": null, "exp": null, "iss": null, "jti": null,
            "org_id": null, "role": null, "roles": null, "permissions": null,
            "entitlements": null, "feature_flags": null, "act": null, "client_id": null,
            "auth_time": null
        })))
        .unwrap();
        assert_eq!(c, AccessTokenClaims::default());
    }

    #[test]
    fn extra_claims_are_kept_in_extra() {
        let c = decode_claims(&jwt(&json!({
            "sid": "s",
            "tenant": {"plan": "pro", "seats": [1, 2]},
            "custom_flag": true,
            "count": 3,
            "nothing": null
        })))
        .unwrap();
        assert_eq!(c.sid, "s");
        assert_eq!(
            c.extra("tenant"),
            Some(&j(json!({"plan": "pro", "seats": [1, 2]})))
        );
        assert_eq!(c.extra("custom_flag"), Some(&j(json!(true))));
        assert_eq!(c.extra("count"), Some(&j(json!(3))));
        assert_eq!(c.extra("nothing"), Some(&j(json!(null))));
        assert_eq!(c.other.len(), 4);
    }

    #[test]
    fn extra_claims_keep_token_order() {
        let payload = r#"{"zeta":1,"sid":"s","alpha":2,"mid":3}"#;
        let c = decode_claims(&format!("{}.{}.sig", b64(HEADER), b64(payload))).unwrap();
        let order: Vec<&str> = c.other.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(order, ["zeta", "alpha", "mid"]);
    }

    #[test]
    fn aud_as_string_lands_in_extra() {
        let c = decode_claims(&jwt(&json!({"aud": "client_123"}))).unwrap();
        assert_eq!(c.extra("aud"), Some(&j(json!("client_123"))));
    }

    #[test]
    fn aud_as_array_lands_in_extra() {
        let c = decode_claims(&jwt(&json!({"aud": ["a", "b"]}))).unwrap();
        assert_eq!(c.extra("aud"), Some(&j(json!(["a", "b"]))));
    }

    #[test]
    fn fractional_dates_are_truncated_to_seconds() {
        let c = decode_claims(&jwt(
            &json!({"iat": 100.9, "exp": 400.2, "auth_time": 99.5}),
        ))
        .unwrap();
        assert_eq!((c.iat, c.exp, c.auth_time), (100, 400, Some(99)));
    }

    #[test]
    fn accepts_padded_and_unpadded_base64url() {
        // 13 bytes: the standard encoding ends in `==`.
        let payload = r#"{"sid":"s12"}"#;
        let padded = format!(
            "{}.{}.sig",
            URL_SAFE.encode(HEADER),
            URL_SAFE.encode(payload)
        );
        let unpadded = format!("{}.{}.sig", b64(HEADER), b64(payload));
        assert!(padded.contains('='));
        assert_eq!(decode_claims(&padded).unwrap().sid, "s12");
        assert_eq!(decode_claims(&unpadded).unwrap().sid, "s12");
    }

    #[test]
    fn accepts_url_safe_characters_in_the_payload() {
        // "?>>" encodes to "Pz4-" in base64url ("Pz4+" in standard base64).
        let payload = r#"{"sid":"?>>","x":"???"}"#;
        let token = format!("{}.{}.sig", b64(HEADER), b64(payload));
        assert!(token.contains('-') || token.contains('_'), "{token}");
        assert_eq!(decode_claims(&token).unwrap().sid, "?>>");
    }

    #[test]
    fn rejects_standard_base64_characters() {
        let payload = URL_SAFE_NO_PAD
            .encode(r#"{"sid":"?>>"}"#)
            .replace('-', "+")
            .replace('_', "/");
        assert!(payload.contains('+') || payload.contains('/'));
        assert!(is_invalid(decode_claims(&format!(
            "{}.{}.sig",
            b64(HEADER),
            payload
        ))));
    }

    #[test]
    fn accepts_an_empty_signature() {
        let token = format!("{}.{}.", b64(HEADER), b64(r#"{"sid":"s"}"#));
        assert_eq!(decode_claims(&token).unwrap().sid, "s");
    }

    #[test]
    fn rejects_two_parts() {
        let token = format!("{}.{}", b64(HEADER), b64("{}"));
        let err = decode_claims(&token).unwrap_err();
        assert!(err.to_string().contains("found 2"), "{err}");
    }

    #[test]
    fn rejects_four_parts() {
        let token = format!("{}.{}.sig.extra", b64(HEADER), b64("{}"));
        let err = decode_claims(&token).unwrap_err();
        assert!(err.to_string().contains("found 4"), "{err}");
    }

    #[test]
    fn rejects_the_empty_string() {
        assert!(is_invalid(decode_claims("")));
        assert!(is_invalid(decode_claims("..")));
    }

    #[test]
    fn rejects_bad_base64_in_payload() {
        let err = decode_claims(&format!("{}.!!!not-base64!!!.sig", b64(HEADER))).unwrap_err();
        assert_eq!(
            err,
            AuthKitError::InvalidToken("the access token payload is not base64url".into())
        );
    }

    #[test]
    fn rejects_bad_base64_in_header() {
        let err = decode_claims(&format!("%%%.{}.sig", b64("{}"))).unwrap_err();
        assert_eq!(
            err,
            AuthKitError::InvalidToken("the access token header is not base64url".into())
        );
    }

    #[test]
    fn rejects_non_json_payload() {
        let err = decode_claims(&format!("{}.{}.sig", b64(HEADER), b64("not json"))).unwrap_err();
        assert_eq!(
            err,
            AuthKitError::InvalidToken("the access token payload is not JSON".into())
        );
    }

    #[test]
    fn rejects_non_json_header() {
        let err = decode_claims(&format!("{}.{}.sig", b64("not json"), b64("{}"))).unwrap_err();
        assert_eq!(
            err,
            AuthKitError::InvalidToken("the access token header is not JSON".into())
        );
    }

    #[test]
    fn rejects_json_that_is_not_an_object() {
        for payload in ["[1,2]", "42", "\"s\"", "null"] {
            let token = format!("{}.{}.sig", b64(HEADER), b64(payload));
            assert!(is_invalid(decode_claims(&token)), "{payload}");
        }
        assert!(is_invalid(decode_claims(&format!(
            "{}.{}.sig",
            b64("[]"),
            b64("{}")
        ))));
    }

    #[test]
    fn rejects_wrongly_typed_known_claims() {
        assert!(is_invalid(decode_claims(&jwt(&json!({"roles": "admin"})))));
        assert!(is_invalid(decode_claims(&jwt(&json!({"exp": "soon"})))));
        assert!(is_invalid(decode_claims(&jwt(&json!({"act": "admin@x"})))));
    }

    #[test]
    fn error_messages_never_contain_the_token() {
        let secret_payload = b64(r#"{"sid":"SECRET-VALUE""#); // truncated JSON
        let token = format!("{}.{}.SIGNATURE", b64(HEADER), secret_payload);
        let err = decode_claims(&token).unwrap_err().to_string();
        assert!(
            !err.contains(&secret_payload) && !err.contains("SIGNATURE") && !err.contains("SECRET"),
            "{err}"
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn decodes_into_a_custom_type() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Custom {
            tenant: String,
            seats: u32,
        }
        let token = jwt(&json!({"tenant": "acme", "seats": 5, "sid": "s"}));
        assert_eq!(
            decode_payload_as::<Custom>(&token).unwrap(),
            Custom {
                tenant: "acme".into(),
                seats: 5
            }
        );
        let missing = jwt(&json!({"tenant": "acme"}));
        assert!(matches!(
            decode_payload_as::<Custom>(&missing),
            Err(AuthKitError::InvalidToken(_))
        ));
    }

    #[test]
    fn decodes_nested_values_arrays_numbers_and_nulls_as_raw_json() {
        let payload =
            json!({"a": {"b": [1, 2.5, null, {"c": true}]}, "n": -3, "z": null, "e": {}, "l": []});
        let raw = decode_payload(&jwt(&payload)).unwrap();
        assert_eq!(raw, j(payload.clone()));
        let back: serde_json::Value = serde_json::from_str(&raw.to_string()).unwrap();
        assert_eq!(back, payload);
    }

    #[test]
    fn custom_type_decoding_applies_the_same_format_checks() {
        assert!(decode_payload("a.b").is_err());
        assert!(decode_payload(&format!("{}.{}.s", b64(HEADER), b64("nope"))).is_err());
        assert!(decode_payload(&format!("{}.{}.s", b64(HEADER), b64("[1]"))).is_err());
    }

    #[test]
    fn a_wrongly_typed_claim_is_named_without_its_value() {
        let err = decode_claims(&jwt(&json!({"permissions": ["a", 7]}))).unwrap_err();
        assert_eq!(
            err.to_string(),
            AuthKitError::InvalidToken(
                "the access token has a malformed claim: `permissions` has the wrong type".into()
            )
            .to_string()
        );
    }

    #[test]
    fn payload_that_is_not_utf8_is_not_json() {
        let token = format!(
            "{}.{}.sig",
            b64(HEADER),
            URL_SAFE_NO_PAD.encode([0xff, b'{'])
        );
        assert_eq!(
            decode_claims(&token).unwrap_err(),
            AuthKitError::InvalidToken("the access token payload is not JSON".into())
        );
    }
}
