//! Decoding the access-token payload into typed claims (no signature check: the browser only
//! reads claims; your backend verifies tokens against the JWKS).

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

use crate::error::AuthKitError;
use crate::protocol::de::{null_as_default, numeric_date};
use crate::protocol::wire::BodyError;

/// base64url that accepts JWT parts with or without `=` padding (RFC 7515 omits it; some
/// encoders add it), and nothing of the standard alphabet (`+`, `/`).
const JWT_PART: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The actor of an impersonated session (`act` claim, RFC 8693).
///
/// ```
/// let actor: authkit_yew::protocol::claims::Actor =
///     serde_json::from_str(r#"{"sub":"admin@foocorp.com"}"#).unwrap();
/// assert_eq!(actor.sub, "admin@foocorp.com");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The impersonator's email.
    pub sub: String,
}

/// The claims of a WorkOS access token. Optional claims that are missing or `null` read as
/// empty; every other claim (JWT templates, `aud`) is read with [`AccessTokenClaims::extra`].
///
/// ```
/// use authkit_yew::AccessTokenClaims;
/// let claims = AccessTokenClaims::default();
/// assert!(claims.permissions.is_empty());
/// assert_eq!(claims.extra::<String>("aud").unwrap(), None);
/// ```
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct AccessTokenClaims {
    /// Issuer.
    #[serde(default)]
    pub iss: Option<String>,
    /// User id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub sub: String,
    /// Session id (used for sign-out).
    #[serde(default, deserialize_with = "null_as_default")]
    pub sid: String,
    /// Token id.
    #[serde(default)]
    pub jti: Option<String>,
    /// Issued at (epoch seconds; a fractional date is truncated).
    #[serde(default, deserialize_with = "date_or_zero")]
    pub iat: i64,
    /// Expires at (epoch seconds).
    #[serde(default, deserialize_with = "date_or_zero")]
    pub exp: i64,
    /// Selected organization.
    #[serde(default)]
    pub org_id: Option<String>,
    /// Role in the organization.
    #[serde(default)]
    pub role: Option<String>,
    /// All roles in the organization.
    #[serde(default, deserialize_with = "null_as_default")]
    pub roles: Vec<String>,
    /// Permission slugs.
    #[serde(default, deserialize_with = "null_as_default")]
    pub permissions: Vec<String>,
    /// Entitlements of the organization.
    #[serde(default, deserialize_with = "null_as_default")]
    pub entitlements: Vec<String>,
    /// Enabled feature flags.
    #[serde(default, deserialize_with = "null_as_default")]
    pub feature_flags: Vec<String>,
    /// The impersonator, when impersonated.
    #[serde(default)]
    pub act: Option<Actor>,
    /// Client the token was minted for.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Time of the last active authentication (epoch seconds).
    #[serde(default, deserialize_with = "numeric_date")]
    pub auth_time: Option<i64>,
    /// The decoded payload, for [`AccessTokenClaims::extra`].
    #[serde(skip)]
    payload: String,
}

/// [`numeric_date`] with a missing or `null` date as `0`.
fn date_or_zero<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    Ok(numeric_date(deserializer)?.unwrap_or_default())
}

// Hand-written `Debug`: the claims without the raw payload text they were read from.
impl std::fmt::Debug for AccessTokenClaims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokenClaims")
            .field("iss", &self.iss)
            .field("sub", &self.sub)
            .field("sid", &self.sid)
            .field("jti", &self.jti)
            .field("iat", &self.iat)
            .field("exp", &self.exp)
            .field("org_id", &self.org_id)
            .field("role", &self.role)
            .field("roles", &self.roles)
            .field("permissions", &self.permissions)
            .field("entitlements", &self.entitlements)
            .field("feature_flags", &self.feature_flags)
            .field("act", &self.act)
            .field("client_id", &self.client_id)
            .field("auth_time", &self.auth_time)
            .finish_non_exhaustive()
    }
}

impl AccessTokenClaims {
    /// Any claim by name, read into your type: `Ok(None)` when the token does not have it,
    /// an [`AuthKitError::InvalidToken`] naming the claim when it has another shape. Use it for
    /// JWT-template claims, `aud`, or a known claim in another form.
    ///
    /// ```
    /// use authkit_yew::protocol::claims::decode_claims;
    /// #[derive(serde::Deserialize, Debug, PartialEq)]
    /// struct Tenant { plan: String }
    /// // {"alg":"RS256"} . {"sid":"s","aud":"x","tenant":{"plan":"pro"}} . sig
    /// let claims = decode_claims(
    ///     "eyJhbGciOiJSUzI1NiJ9.eyJzaWQiOiJzIiwiYXVkIjoieCIsInRlbmFudCI6eyJwbGFuIjoicHJvIn19.c2ln",
    /// ).unwrap();
    /// assert_eq!(claims.extra::<String>("aud").unwrap().as_deref(), Some("x"));
    /// assert_eq!(claims.extra::<Tenant>("tenant").unwrap(), Some(Tenant { plan: "pro".into() }));
    /// assert_eq!(claims.extra::<serde_json::Value>("nope").unwrap(), None);
    /// assert!(claims.extra::<u32>("aud").is_err());
    /// ```
    pub fn extra<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, AuthKitError> {
        if self.payload.is_empty() {
            return Ok(None);
        }
        let mut payload: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&self.payload).map_err(|_| invalid("payload", "JSON"))?;
        payload
            .remove(name)
            .map(T::deserialize)
            .transpose()
            .map_err(|_| {
                AuthKitError::InvalidToken(format!(
                    "the access token's claim `{name}` does not have the type the app asked for"
                ))
            })
    }
}

/// `InvalidToken("the access token {part} is not {what}")`.
fn invalid(part: &str, what: &str) -> AuthKitError {
    AuthKitError::InvalidToken(format!("the access token {part} is not {what}"))
}

/// The base64url-decoded `payload` of a JWT after checking that it and the header are JSON
/// objects. The signature is not checked. Errors never contain the token.
fn jwt_payload(token: &str) -> Result<String, AuthKitError> {
    let parts: Vec<&str> = token.split('.').collect();
    let &[header, payload, _signature] = parts.as_slice() else {
        return Err(AuthKitError::InvalidToken(format!(
            "the access token is not a JWT: expected 3 dot-separated parts, found {}",
            parts.len()
        )));
    };
    let decode = |part: &str, name: &str| {
        let bytes = JWT_PART
            .decode(part)
            .map_err(|_| invalid(name, "base64url"))?;
        let text = String::from_utf8(bytes).map_err(|_| invalid(name, "JSON"))?;
        // Whitespace before the object is valid JSON; `[`, strings and numbers are not objects.
        match text.trim_start().starts_with('{') {
            true => Ok(text),
            false if serde_json::from_str::<IgnoredAny>(&text).is_ok() => {
                Err(invalid(name, "a JSON object"))
            }
            false => Err(invalid(name, "JSON")),
        }
    };
    let header = decode(header, "header")?;
    serde_json::from_str::<IgnoredAny>(&header).map_err(|_| invalid("header", "JSON"))?;
    decode(payload, "payload")
}

/// The error for a payload that is not JSON or does not fit the type asked for (its position,
/// never a value).
fn malformed(error: &serde_json::Error) -> AuthKitError {
    match BodyError::classify(error) {
        BodyError::NotJson => invalid("payload", "JSON"),
        problem => {
            AuthKitError::InvalidToken(format!("the access token has a malformed claim: {problem}"))
        }
    }
}

/// Decodes the claims of a JWT (`header.payload.signature`) without checking the signature.
///
/// Errors with [`AuthKitError::InvalidToken`] unless the token has exactly three parts and
/// base64url JSON-object header and payload. Padding (`=`) is accepted but not required;
/// optional claims may be missing or `null`; a known claim of the wrong type is an error giving
/// its position in the payload (never its value, never the token).
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
/// assert_eq!(claims.extra::<String>("aud").unwrap().as_deref(), Some("x"));
/// ```
pub fn decode_claims(token: &str) -> Result<AccessTokenClaims, AuthKitError> {
    let payload = jwt_payload(token)?;
    let mut claims: AccessTokenClaims =
        serde_json::from_str(&payload).map_err(|e| malformed(&e))?;
    claims.payload = payload;
    Ok(claims)
}

/// Decodes the payload of a JWT as raw JSON (authkit-js's `getClaims`), e.g. to show every
/// claim. Same checks and errors as [`decode_claims`]; the signature is not checked.
///
/// ```
/// use authkit_yew::protocol::claims::decode_payload;
/// let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEiLCJzaWQiOiJzZXNzaW9uXzEiLCJpYXQiOjEsImV4cCI6MzAxLCJhdWQiOiJ4In0.c2ln";
/// let raw = decode_payload(token).unwrap();
/// assert_eq!(raw["sid"], "session_1");
/// assert_eq!(raw["iat"], 1);
/// ```
pub fn decode_payload(token: &str) -> Result<serde_json::Value, AuthKitError> {
    decode_payload_as(token)
}

/// Decodes the payload of a JWT into your own type, e.g. a struct for your JWT-template
/// claims. Same checks as [`decode_payload`]; a payload that does not fit `T` is an
/// [`AuthKitError::InvalidToken`] naming the missing claim or the position of the bad one.
///
/// ```
/// use authkit_yew::protocol::claims::decode_payload_as;
/// #[derive(serde::Deserialize)]
/// struct Mine { sid: String }
/// let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEiLCJzaWQiOiJzZXNzaW9uXzEiLCJpYXQiOjEsImV4cCI6MzAxLCJhdWQiOiJ4In0.c2ln";
/// let mine: Mine = decode_payload_as(token).unwrap();
/// assert_eq!(mine.sid, "session_1");
/// ```
pub fn decode_payload_as<T: DeserializeOwned>(token: &str) -> Result<T, AuthKitError> {
    serde_json::from_str(&jwt_payload(token)?).map_err(|e| malformed(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{URL_SAFE as URL_SAFE_PADDED, URL_SAFE_NO_PAD};
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
        let c = decode_claims(&jwt(&json!({}))).unwrap();
        assert_eq!(
            AccessTokenClaims {
                payload: String::new(),
                ..c
            },
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
        assert_eq!(
            AccessTokenClaims {
                payload: String::new(),
                ..c
            },
            AccessTokenClaims::default()
        );
    }

    #[test]
    fn other_claims_are_read_with_extra() {
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
            c.extra::<serde_json::Value>("tenant").unwrap(),
            Some(json!({"plan": "pro", "seats": [1, 2]}))
        );
        assert_eq!(c.extra::<bool>("custom_flag").unwrap(), Some(true));
        assert_eq!(c.extra::<u8>("count").unwrap(), Some(3));
        assert_eq!(c.extra::<Option<String>>("nothing").unwrap(), Some(None));
        assert_eq!(c.extra::<String>("absent").unwrap(), None);
        // Known claims are there too, in their raw form.
        assert_eq!(c.extra::<String>("sid").unwrap().as_deref(), Some("s"));
    }

    #[test]
    fn extra_names_the_claim_of_the_wrong_shape() {
        let c = decode_claims(&jwt(&json!({"count": "SECRET-VALUE"}))).unwrap();
        let err = c.extra::<u32>("count").unwrap_err().to_string();
        assert!(err.contains("`count`") && !err.contains("SECRET"), "{err}");
    }

    #[test]
    fn aud_as_string_or_array_is_read_with_extra() {
        let c = decode_claims(&jwt(&json!({"aud": "client_123"}))).unwrap();
        assert_eq!(
            c.extra::<String>("aud").unwrap().as_deref(),
            Some("client_123")
        );
        let c = decode_claims(&jwt(&json!({"aud": ["a", "b"]}))).unwrap();
        assert_eq!(c.extra::<Vec<String>>("aud").unwrap().unwrap(), ["a", "b"]);
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
            URL_SAFE_PADDED.encode(HEADER),
            URL_SAFE_PADDED.encode(payload)
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
        let err = decode_claims(&format!("{}.{}.sig", b64("{\"a\":"), b64("{}"))).unwrap_err();
        assert_eq!(
            err,
            AuthKitError::InvalidToken("the access token header is not JSON".into())
        );
    }

    #[test]
    fn rejects_json_that_is_not_an_object() {
        for payload in ["[1,2]", "42", "\"s\"", "null", " [] "] {
            let token = format!("{}.{}.sig", b64(HEADER), b64(payload));
            assert_eq!(
                decode_claims(&token).unwrap_err(),
                AuthKitError::InvalidToken("the access token payload is not a JSON object".into()),
                "{payload}"
            );
            assert!(decode_payload(&token).is_err(), "{payload}");
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
        assert_eq!(decode_payload(&jwt(&payload)).unwrap(), payload);
    }

    #[test]
    fn custom_type_decoding_applies_the_same_format_checks() {
        assert!(decode_payload("a.b").is_err());
        assert!(decode_payload(&format!("{}.{}.s", b64(HEADER), b64("nope"))).is_err());
        assert!(decode_payload(&format!("{}.{}.s", b64(HEADER), b64("[1]"))).is_err());
    }

    #[test]
    fn a_wrongly_typed_claim_is_located_without_its_value() {
        let payload = r#"{"permissions":["a",7]}"#;
        let err = decode_claims(&format!("{}.{}.sig", b64(HEADER), b64(payload))).unwrap_err();
        assert_eq!(
            err,
            AuthKitError::InvalidToken(format!(
                "the access token has a malformed claim: a field has the wrong type or value \
                 (line 1, column {})",
                payload.find('7').unwrap() + 1
            ))
        );
        let err = decode_claims(&jwt(&json!({"sid": "SECRET-SID", "role": ["SECRET"]})));
        let text = err.unwrap_err().to_string();
        assert!(
            text.contains("column") && !text.contains("SECRET"),
            "{text}"
        );
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Mine {
            tenant: String,
        }
        let err = decode_payload_as::<Mine>(&jwt(&json!({"sid": "SECRET"}))).unwrap_err();
        assert!(err.to_string().contains("`tenant` is missing"), "{err}");
    }

    #[test]
    fn payload_that_is_not_utf8_is_not_json() {
        let token = format!(
            "{}.{}.sig",
            b64(HEADER),
            URL_SAFE_NO_PAD.encode([b'{', 0xff, b'}'])
        );
        assert_eq!(
            decode_claims(&token).unwrap_err(),
            AuthKitError::InvalidToken("the access token payload is not JSON".into())
        );
    }

    #[test]
    fn deeply_nested_claims_are_refused_without_overflowing() {
        let deep = format!(
            r#"{{"sid":"s","x":{}1{}}}"#,
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        let token = format!("{}.{}.sig", b64(HEADER), b64(&deep));
        // Ignored by the typed claims; refused when read as JSON values.
        assert_eq!(decode_claims(&token).unwrap().sid, "s");
        assert!(decode_claims(&token)
            .unwrap()
            .extra::<serde_json::Value>("x")
            .is_err());
        assert!(decode_payload(&token).is_err());
    }
}
