//! Base64url (RFC 4648 §5) without a crate: the SDK needs only unpadded encoding (PKCE) and
//! padding-indifferent decoding (JWT parts), and a few hundred bytes of wasm do both.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes bytes as base64url without `=` padding.
///
/// ```
/// use authkit_yew::protocol::base64url::encode;
/// assert_eq!(encode(b"?>>"), "Pz4-");
/// assert_eq!(encode(b"ab"), "YWI");
/// ```
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn sextet(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes base64url with or without `=` padding (only after a partial final group, complete
/// or not, as the `base64` crate's padding-indifferent mode). `None` for any other character, a length no encoding
/// produces, or non-zero trailing bits (so every byte string has one accepted unpadded form).
///
/// ```
/// use authkit_yew::protocol::base64url::decode;
/// assert_eq!(decode("Pz4-").as_deref(), Some(&b"?>>"[..]));
/// assert_eq!(decode("YWI=").as_deref(), Some(&b"ab"[..]));
/// assert_eq!(decode("YWI").as_deref(), Some(&b"ab"[..]));
/// assert_eq!(decode("Pz4+"), None); // standard base64, not base64url
/// ```
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let unpadded = text.trim_end_matches('=');
    let padding = bytes.len() - unpadded.len();
    let data = unpadded.as_bytes();
    let rem = data.len() % 4;
    // Padding may only follow a partial final group, and never more of it than it lacks.
    if rem == 1 || (padding > 0 && (rem == 0 || padding > 4 - rem)) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    for chunk in data.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= sextet(c)? << (18 - 6 * i);
        }
        let produced = chunk.len() - 1;
        // The bits below the last produced byte must be zero (canonical encoding).
        if n & (0x00ff_ffff >> (8 * produced)) != 0 {
            return None;
        }
        out.extend_from_slice(&n.to_be_bytes()[1..=produced]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
    use base64::Engine as _;

    /// A deterministic byte stream (xorshift) so the oracle comparison covers many shapes.
    fn bytes(seed: u32, len: usize) -> Vec<u8> {
        let mut x = seed.max(1);
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    }

    #[test]
    fn rfc4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn agrees_with_the_base64_crate_on_every_length_up_to_200() {
        for len in 0..200 {
            let data = bytes(len as u32 + 7, len);
            let ours = encode(&data);
            assert_eq!(ours, URL_SAFE_NO_PAD.encode(&data), "len {len}");
            assert_eq!(decode(&ours).unwrap(), data, "len {len}");
            assert_eq!(
                decode(&URL_SAFE.encode(&data)).unwrap(),
                data,
                "padded len {len}"
            );
        }
    }

    #[test]
    fn accepts_and_rejects_exactly_what_the_base64_crate_does() {
        let indifferent = base64::engine::GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let mut rejected = 0;
        for text in [
            "Z", "Zg", "Zg=", "Zg==", "Zg===", "Z===", "Zh", "Zm9=", "Zm8=", "Zm+v", "Zm/v",
            "Zm v", "Zg==Zg", "=", "==", "Zm9v=", "Zm9v==", "é", "Zm9vYg=", "Zm9vYmE", "Zm8==",
            "Zm8=", "Zg=\n",
        ] {
            let ours = decode(text);
            assert_eq!(ours, indifferent.decode(text).ok(), "{text}");
            rejected += usize::from(ours.is_none());
        }
        assert!(
            rejected >= 10,
            "the cases must include rejections: {rejected}"
        );
    }
}
