//! Decoding the access-token payload into typed claims (no signature check: the browser only
//! reads claims; your backend verifies tokens against the JWKS).

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::AuthKitError;

/// The actor of an impersonated session (`act` claim, RFC 8693).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The impersonator's email.
    pub sub: String,
}

/// The claims of a WorkOS access token. Optional claims default to empty; unknown claims
/// (JWT templates) are kept in `extra`.
///
/// ```
/// use authkit_yew::AccessTokenClaims;
/// let claims = AccessTokenClaims::default();
/// assert!(claims.permissions.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
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
    /// Issued at (epoch seconds).
    #[serde(default, deserialize_with = "numeric_date")]
    pub iat: i64,
    /// Expires at (epoch seconds).
    #[serde(default, deserialize_with = "numeric_date")]
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
    #[serde(default, deserialize_with = "optional_numeric_date")]
    pub auth_time: Option<i64>,
    /// Every other claim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Base64url, accepting the payload with or without `=` padding.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// `null` reads as the type's default (an empty list, an empty string).
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A JWT NumericDate: integer or fractional epoch seconds (fractions truncated), `null` as 0.
fn numeric_date<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(optional_numeric_date(d)?.unwrap_or_default())
}

fn optional_numeric_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error as _;
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| D::Error::custom("a date claim is not a number of seconds")),
    }
}

/// Decodes one base64url part of a JWT and checks that it is a JSON object (`what` names the
/// part in the error). Returns the JSON bytes, so the payload is parsed straight into its type
/// (no intermediate `serde_json::Value`: smaller wasm).
fn decode_part(part: &str, what: &str) -> Result<Vec<u8>, AuthKitError> {
    let bytes = BASE64URL.decode(part).map_err(|_| {
        AuthKitError::InvalidToken(format!("the access token {what} is not base64url"))
    })?;
    serde_json::from_slice::<serde::de::IgnoredAny>(&bytes)
        .map_err(|_| AuthKitError::InvalidToken(format!("the access token {what} is not JSON")))?;
    // Valid JSON, so the first non-whitespace byte tells the kind of value.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(AuthKitError::InvalidToken(format!(
            "the access token {what} is not a JSON object"
        )));
    }
    Ok(bytes)
}

/// Decodes the payload of a JWT (`header.payload.signature`) without checking the signature.
///
/// Errors with [`AuthKitError::InvalidToken`] unless the token has exactly three parts and
/// base64url JSON header and payload. Padding (`=`) is accepted but not required; optional
/// claims may be missing or `null`; unknown claims (e.g. `aud`, JWT-template claims) land in
/// [`AccessTokenClaims::extra`]. Error messages never contain the token.
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
/// assert_eq!(claims.extra["aud"], "x");
/// ```
pub fn decode_claims(token: &str) -> Result<AccessTokenClaims, AuthKitError> {
    decode_payload(token)
}

/// Decodes the payload of a JWT into any type (authkit-js's `getClaims<T>`), e.g. your own
/// struct for JWT-template claims, or [`serde_json::Value`] to show the raw claims. Same checks
/// and errors as [`decode_claims`]; the signature is not checked.
///
/// ```
/// use authkit_yew::protocol::claims::decode_payload;
/// #[derive(serde::Deserialize)]
/// struct Mine { sid: String }
/// let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEiLCJzaWQiOiJzZXNzaW9uXzEiLCJpYXQiOjEsImV4cCI6MzAxLCJhdWQiOiJ4In0.c2ln";
/// let mine: Mine = decode_payload(token).unwrap();
/// assert_eq!(mine.sid, "session_1");
/// let raw: serde_json::Value = decode_payload(token).unwrap();
/// assert_eq!(raw["iat"], 1);
/// ```
pub fn decode_payload<T: DeserializeOwned>(token: &str) -> Result<T, AuthKitError> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(AuthKitError::InvalidToken(format!(
            "the access token is not a JWT: expected 3 dot-separated parts, found {}",
            parts.len()
        )));
    }
    decode_part(parts[0], "header")?;
    let payload = decode_part(parts[1], "payload")?;
    serde_json::from_slice(&payload).map_err(|e| {
        AuthKitError::InvalidToken(format!("the access token has a malformed claim: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
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
        assert!(c.extra.is_empty(), "{:?}", c.extra);
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
        assert_eq!(c.extra["tenant"], json!({"plan": "pro", "seats": [1, 2]}));
        assert_eq!(c.extra["custom_flag"], json!(true));
        assert_eq!(c.extra["count"], json!(3));
        assert_eq!(c.extra["nothing"], json!(null));
        assert_eq!(c.extra.len(), 4);
    }

    #[test]
    fn aud_as_string_lands_in_extra() {
        let c = decode_claims(&jwt(&json!({"aud": "client_123"}))).unwrap();
        assert_eq!(c.extra["aud"], json!("client_123"));
    }

    #[test]
    fn aud_as_array_lands_in_extra() {
        let c = decode_claims(&jwt(&json!({"aud": ["a", "b"]}))).unwrap();
        assert_eq!(c.extra["aud"], json!(["a", "b"]));
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

    #[test]
    fn decodes_into_a_custom_type() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Custom {
            tenant: String,
            seats: u32,
        }
        let token = jwt(&json!({"tenant": "acme", "seats": 5, "sid": "s"}));
        assert_eq!(
            decode_payload::<Custom>(&token).unwrap(),
            Custom {
                tenant: "acme".into(),
                seats: 5
            }
        );
        let missing = jwt(&json!({"tenant": "acme"}));
        assert!(matches!(
            decode_payload::<Custom>(&missing),
            Err(AuthKitError::InvalidToken(_))
        ));
    }

    #[test]
    fn decodes_nested_values_arrays_numbers_and_nulls_as_raw_json() {
        let payload =
            json!({"a": {"b": [1, 2.5, null, {"c": true}]}, "n": -3, "z": null, "e": {}, "l": []});
        let raw: serde_json::Value = decode_payload(&jwt(&payload)).unwrap();
        assert_eq!(raw, payload);
    }

    #[test]
    fn custom_type_decoding_applies_the_same_format_checks() {
        assert!(decode_payload::<serde_json::Value>("a.b").is_err());
        assert!(
            decode_payload::<serde_json::Value>(&format!("{}.{}.s", b64(HEADER), b64("nope")))
                .is_err()
        );
    }

    #[test]
    fn claims_round_trip_through_serde() {
        let token =
            jwt(&json!({"sid": "s", "roles": ["a"], "aud": "x", "act": {"sub": "admin@x"}}));
        let c = decode_claims(&token).unwrap();
        let back: AccessTokenClaims =
            serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
