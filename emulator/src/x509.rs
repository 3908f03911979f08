//! A minimal self-signed X.509 v3 certificate (DER) for the JWKS `x5c` / `x5t#S256` fields.
//! Deterministic: PKCS#1 v1.5 signatures are, and the validity comes from the key's
//! creation time, so the certificate is the same after a restart.

use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::EncodePublicKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};

use crate::clock::utc_parts;

const OID_SHA256_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B];
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn time(epoch: i64) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = utc_parts(epoch);
    if (1950..2050).contains(&y) {
        let text = format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100);
        tlv(0x17, text.as_bytes())
    } else {
        let text = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z");
        tlv(0x18, text.as_bytes())
    }
}

fn name(cn: &str) -> Vec<u8> {
    let atv = seq(&[tlv(0x06, OID_CN), tlv(0x0C, cn.as_bytes())]);
    seq(&[tlv(0x31, &atv)])
}

/// Build a self-signed certificate for `key`, valid for ten years from `created_at` (epoch s).
///
/// Fails only if the public key cannot be DER-encoded.
pub fn self_signed(
    key: &RsaPrivateKey,
    kid: &str,
    created_at: i64,
) -> Result<Vec<u8>, rsa::pkcs8::spki::Error> {
    let spki = key.to_public_key().to_public_key_der()?;
    let mut serial = Sha256::digest(kid.as_bytes())[..16].to_vec();
    serial[0] &= 0x7F;
    serial[0] |= 0x01;
    let alg = seq(&[tlv(0x06, OID_SHA256_RSA), tlv(0x05, &[])]);
    let tbs = seq(&[
        tlv(0xA0, &tlv(0x02, &[0x02])),
        tlv(0x02, &serial),
        alg.clone(),
        name("authkit-emulator"),
        seq(&[
            time(created_at - 3600),
            time(created_at + 10 * 365 * 86_400),
        ]),
        name(kid),
        spki.as_bytes().to_vec(),
    ]);
    let signer = SigningKey::<Sha256>::new(key.clone());
    let signature = signer.sign(&tbs).to_vec();
    let mut bits = vec![0u8];
    bits.extend(signature);
    Ok(seq(&[tbs, alg, tlv(0x03, &bits)]))
}

#[cfg(test)]
mod tests {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::pkcs8::DecodePublicKey;
    use rsa::signature::Verifier;
    use rsa::RsaPublicKey;

    use super::*;

    /// Split one DER element off `input`: (tag, whole element, content, rest).
    fn element(input: &[u8]) -> (u8, &[u8], &[u8], &[u8]) {
        let tag = input[0];
        let (len, header) = if input[1] < 0x80 {
            (input[1] as usize, 2)
        } else {
            let n = (input[1] & 0x7F) as usize;
            let len = input[2..2 + n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, 2 + n)
        };
        (
            tag,
            &input[..header + len],
            &input[header..header + len],
            &input[header + len..],
        )
    }

    #[test]
    fn certificate_is_self_signed_by_the_key_and_deterministic() {
        let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 1024).unwrap();
        let cert = self_signed(&key, "kid_1", 1_800_000_000).unwrap();
        assert_eq!(cert, self_signed(&key, "kid_1", 1_800_000_000).unwrap());
        let (tag, _, body, rest) = element(&cert);
        assert_eq!((tag, rest.len()), (0x30, 0));
        let (tbs_tag, tbs, tbs_body, rest) = element(body);
        assert_eq!(tbs_tag, 0x30);
        let (_, _, _, rest) = element(rest); // signature algorithm
        let (bits_tag, _, bits, rest) = element(rest);
        assert_eq!((bits_tag, bits[0], rest.len()), (0x03, 0, 0));
        // The SubjectPublicKeyInfo is the 7th TBS field.
        let mut fields = tbs_body;
        let mut spki = &[][..];
        for _ in 0..7 {
            let (_, whole, _, rest) = element(fields);
            spki = whole;
            fields = rest;
        }
        let public = RsaPublicKey::from_public_key_der(spki).unwrap();
        assert_eq!(public, key.to_public_key());
        let sig = Signature::try_from(&bits[1..]).unwrap();
        VerifyingKey::<Sha256>::new(public)
            .verify(tbs, &sig)
            .expect("self-signature verifies");
    }
}
