//! Lenient serde readers for values WorkOS may send as `null` or as a float, shared by the
//! wire types and the token claims.

use serde::{Deserialize, Deserializer};

/// Reads `T`, with `null` as `T::default()` (use with `#[serde(default)]` for a missing key).
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Body {
///     #[serde(default, deserialize_with = "authkit_yew::protocol::de::null_as_default")]
///     roles: Vec<String>,
/// }
/// let body: Body = serde_json::from_str(r#"{"roles":null}"#).unwrap();
/// assert!(body.roles.is_empty());
/// ```
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads a JWT NumericDate (RFC 7519 §2: seconds since the epoch, possibly fractional) as whole
/// seconds; `null` is `None`. Fractions are truncated; a value outside `i64` is an error.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Claims {
///     #[serde(default, deserialize_with = "authkit_yew::protocol::de::numeric_date")]
///     exp: Option<i64>,
/// }
/// let claims: Claims = serde_json::from_str(r#"{"exp":400.9}"#).unwrap();
/// assert_eq!(claims.exp, Some(400));
/// ```
pub fn numeric_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    deserializer.deserialize_option(NumericDate)
}

/// The visitor of [`numeric_date`]: integers, floats and `null`.
struct NumericDate;

impl<'de> serde::de::Visitor<'de> for NumericDate {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a number of seconds")
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom("a date beyond the range of i64"))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // `as` saturates; the range check rejects what would have saturated (and NaN).
        if v.is_finite() && v >= i64::MIN as f64 && v < i64::MAX as f64 {
            Ok(Some(v.trunc() as i64))
        } else {
            Err(E::custom("a date beyond the range of i64"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Dates {
        #[serde(default, deserialize_with = "numeric_date")]
        at: Option<i64>,
    }

    fn at(json: &str) -> Result<Option<i64>, serde_json::Error> {
        serde_json::from_str::<Dates>(json).map(|d| d.at)
    }

    #[test]
    fn numeric_dates_accept_integers_floats_null_and_absence() {
        assert_eq!(at(r#"{"at":1709193557}"#).unwrap(), Some(1709193557));
        assert_eq!(at(r#"{"at":-5}"#).unwrap(), Some(-5));
        assert_eq!(at(r#"{"at":99.99}"#).unwrap(), Some(99));
        assert_eq!(at(r#"{"at":1e3}"#).unwrap(), Some(1000));
        assert_eq!(at(r#"{"at":null}"#).unwrap(), None);
        assert_eq!(at("{}").unwrap(), None);
    }

    #[test]
    fn numeric_dates_reject_other_types_and_out_of_range_values() {
        for bad in [
            r#"{"at":"soon"}"#,
            r#"{"at":true}"#,
            r#"{"at":[1]}"#,
            r#"{"at":18446744073709551615}"#,
            r#"{"at":1e300}"#,
        ] {
            assert!(at(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn null_reads_as_the_default() {
        #[derive(Deserialize)]
        struct Body {
            #[serde(default, deserialize_with = "null_as_default")]
            name: String,
        }
        let read = |json| serde_json::from_str::<Body>(json).map(|b| b.name);
        assert_eq!(read(r#"{"name":null}"#).unwrap(), "");
        assert_eq!(read("{}").unwrap(), "");
        assert_eq!(read(r#"{"name":"x"}"#).unwrap(), "x");
        assert!(read(r#"{"name":1}"#).is_err());
    }
}
