//! Appending query parameters to a redirect URL.

use url::Url;

/// `url` with query pairs appended (existing query kept; values encoded; `None` skipped).
///
/// ```
/// use authkit_emulator::query::with_query;
/// assert_eq!(
///     with_query("http://a/cb?x=1", &[("code", Some("c d")), ("state", None)]),
///     "http://a/cb?x=1&code=c+d"
/// );
/// ```
pub fn with_query(url: &str, pairs: &[(&str, Option<&str>)]) -> String {
    match Url::parse(url) {
        Ok(_) if pairs.iter().all(|(_, v)| v.is_none()) => url.to_string(),
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in pairs {
                    if let Some(v) = v {
                        q.append_pair(k, v);
                    }
                }
            }
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}
