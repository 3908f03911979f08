//! Grace-window successors at rest. After a rotation the old refresh-token record keeps its
//! successor sealed under a key that only the holder of the old token can derive, so the
//! database never holds a usable token (tokens themselves are stored as SHA-256 digests) and
//! a replay inside the grace window still finds the successor after a restart.
//!
//! The key stream is SHA-256 over a domain label, the old token and a block counter; each old
//! token is random and seals exactly one successor, so the stream is never reused.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

const LABEL: &[u8] = b"authkit-emulator grace successor v1\0";

fn key_stream(old_token: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut block: u32 = 0;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(LABEL);
        h.update(old_token.as_bytes());
        h.update(block.to_be_bytes());
        out.extend_from_slice(&h.finalize());
        block += 1;
    }
    out.truncate(len);
    out
}

/// Seal `successor` for the holder of `old_token`.
///
/// ```
/// use authkit_emulator::successor::{open, seal};
/// let sealed = seal("old-token", "next-token");
/// assert!(!sealed.contains("next-token"));
/// assert_eq!(open("old-token", &sealed).as_deref(), Some("next-token"));
/// ```
pub fn seal(old_token: &str, successor: &str) -> String {
    let stream = key_stream(old_token, successor.len());
    let bytes: Vec<u8> = successor.bytes().zip(stream).map(|(b, k)| b ^ k).collect();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Open a sealed successor with the old token. A wrong token yields garbage or `None`; the
/// caller checks the result against the stored digests.
pub fn open(old_token: &str, sealed: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
    let stream = key_stream(old_token, bytes.len());
    String::from_utf8(bytes.iter().zip(stream).map(|(b, k)| b ^ k).collect()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_old_token_opens_it() {
        let next = crate::ids::secret(32);
        let sealed = seal("t0", &next);
        assert_eq!(open("t0", &sealed), Some(next.clone()));
        assert_ne!(open("t1", &sealed), Some(next.clone()));
        // The digest stored for the old token is not the key.
        assert_ne!(open(&crate::ids::digest("t0"), &sealed), Some(next));
    }
}
