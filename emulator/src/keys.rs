//! RS256 signing keys: generation, PEM persistence, JWKS rendering and JWT signing.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rsa::pkcs1v15::SigningKey as Pkcs1Signer;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A key failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// RSA generation or PEM decoding failed.
    #[error("rsa: {0}")]
    Rsa(String),
}

/// A key as persisted: id, PKCS#8 PEM, creation time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredKey {
    /// `sso_oidc_key_pair_…`.
    pub kid: String,
    /// PKCS#8 PEM of the private key.
    pub pem: String,
    /// Creation, epoch s.
    pub created_at: i64,
}

/// A loaded signing key with its public JWK.
#[derive(Debug, Clone)]
pub struct SigningKey {
    /// Key id.
    pub kid: String,
    signer: Pkcs1Signer<Sha256>,
    jwk: Value,
}

impl SigningKey {
    /// Generate a new 2048-bit key.
    pub fn generate(kid: String, created_at: i64) -> Result<(Self, StoredKey), KeyError> {
        let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
            .map_err(|e| KeyError::Rsa(e.to_string()))?;
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeyError::Rsa(e.to_string()))?
            .to_string();
        let stored = StoredKey {
            kid,
            pem,
            created_at,
        };
        Ok((Self::load(&stored)?, stored))
    }

    /// Load a persisted key.
    pub fn load(stored: &StoredKey) -> Result<Self, KeyError> {
        let key =
            RsaPrivateKey::from_pkcs8_pem(&stored.pem).map_err(|e| KeyError::Rsa(e.to_string()))?;
        let cert = crate::x509::self_signed(&key, &stored.kid, stored.created_at)
            .map_err(|e| KeyError::Rsa(e.to_string()))?;
        let public = key.to_public_key();
        let jwk = json!({
            "alg": "RS256",
            "kty": "RSA",
            "use": "sig",
            "kid": stored.kid,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
            "x5c": [STANDARD.encode(&cert)],
            "x5t#S256": URL_SAFE_NO_PAD.encode(Sha256::digest(&cert)),
        });
        Ok(Self {
            kid: stored.kid.clone(),
            signer: Pkcs1Signer::<Sha256>::new(key),
            jwk,
        })
    }

    /// The public JWK.
    pub fn jwk(&self) -> &Value {
        &self.jwk
    }

    /// Sign `claims` as a compact RS256 JWT with this key's `kid`.
    pub fn sign_jwt(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let sig = self.signer.sign(input.as_bytes()).to_vec();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }
}

/// All keys; the last one signs, all are published (so tokens signed before a rotation still
/// verify).
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<SigningKey>,
}

impl KeySet {
    /// Add a key; it becomes the active one.
    pub fn push(&mut self, key: SigningKey) {
        self.keys.push(key);
    }

    /// The active key.
    pub fn active(&self) -> Option<&SigningKey> {
        self.keys.last()
    }

    /// The JWKS document, active key first.
    pub fn jwks(&self) -> Value {
        json!({ "keys": self.keys.iter().rev().map(|k| k.jwk().clone()).collect::<Vec<_>>() })
    }
}
