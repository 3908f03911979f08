//! Substring search without `core`'s two-way searcher: the SDK only looks for short needles
//! (`://`, `refresh token`) in short strings, and a byte-window scan is a few dozen bytes of
//! wasm instead of ~2 KB.

/// Byte offset of the first `needle` in `hay`.
///
/// ```
/// use authkit_yew::protocol::text::find;
/// assert_eq!(find("https://x", "://"), Some(5));
/// assert_eq!(find("x", "://"), None);
/// assert_eq!(find("", ""), Some(0));
/// ```
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len().max(1))
        .position(|w| w == needle.as_bytes())
        .or((needle.is_empty()).then_some(0))
}

/// Whether `hay` contains `needle`.
///
/// ```
/// assert!(authkit_yew::protocol::text::contains("Missing refresh token.", "refresh token"));
/// ```
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_str_find() {
        let hays = [
            "",
            "a",
            "ab",
            "://",
            "http://x://y",
            "ééé://",
            "refresh tokens",
            "aaab",
        ];
        let needles = [
            "",
            "a",
            "b",
            "://",
            "é",
            "aab",
            "refresh token",
            "zzzzzzzzzzzzzzzzzz",
        ];
        for hay in hays {
            for needle in needles {
                assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
            }
        }
    }
}
