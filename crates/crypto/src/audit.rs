//! Audit log checkpoints: Ed25519 signatures (as C2SP signed notes use) and SHA-256.

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Signs audit checkpoints. The key comes from the master key by HKDF, is zeroized on drop,
/// and `Debug` shows only the public key.
pub struct AuditSigner {
    key: SigningKey,
}

impl fmt::Debug for AuditSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditSigner")
            .field("public_key", &self.public_key_hex())
            .finish()
    }
}

impl AuditSigner {
    pub(crate) fn new(key: SigningKey) -> AuditSigner {
        AuditSigner { key }
    }

    /// A deterministic Ed25519 signature (RFC 8032) of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    /// The 32-byte public key in lowercase hex, to publish to witnesses and verifiers.
    pub fn public_key_hex(&self) -> String {
        crate::hex(self.key.verifying_key().as_bytes())
    }

    /// Whether `signature` is this key's signature of `message`. Strict verification (no
    /// malleable or small-order encodings); `false` for any malformed input, never a panic.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        verify_with(&self.key.verifying_key(), message, signature)
    }
}

/// Verifies a checkpoint signature with only the public key (hex, as
/// [`AuditSigner::public_key_hex`] gives it), as a witness or offline verifier would.
/// `false` for any malformed key or signature.
pub fn verify_signature(public_key_hex: &str, message: &[u8], signature: &[u8]) -> bool {
    let mut bytes = [0u8; 32];
    if !crate::decode_hex_into(public_key_hex.trim(), &mut bytes) {
        return false;
    }
    match VerifyingKey::from_bytes(&bytes) {
        Ok(key) => verify_with(&key, message, signature),
        Err(_) => false,
    }
}

fn verify_with(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    match Signature::from_slice(signature) {
        Ok(signature) => key.verify_strict(message, &signature).is_ok(),
        Err(_) => false,
    }
}

/// SHA-256 in lowercase hex (64 characters).
pub fn sha256_hex(data: &[u8]) -> String {
    crate::hex(&Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MasterKey;

    #[test]
    fn sha256_known_answers() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn signer_is_deterministic_from_master_key() {
        let master = MasterKey::generate();
        let again = MasterKey::from_hex(&master.to_hex()).unwrap();
        let (a, b) = (master.audit_signer(), again.audit_signer());
        assert_eq!(a.public_key_hex(), b.public_key_hex());
        assert_eq!(a.public_key_hex().len(), 64);
        assert_eq!(a.sign(b"checkpoint"), b.sign(b"checkpoint"));
        assert_ne!(
            a.public_key_hex(),
            MasterKey::generate().audit_signer().public_key_hex()
        );
    }

    #[test]
    fn verify_accepts_only_the_exact_message_and_signature() {
        let signer = MasterKey::generate().audit_signer();
        let message = b"mosaique.example/audit\n42\nq8Zb3Wkg1MBnjxQSj0Ch0gG2wQfvb6VzOLnLTKXMp3U=\n";
        let signature = signer.sign(message);
        assert!(signer.verify(message, &signature));
        assert!(verify_signature(
            &signer.public_key_hex(),
            message,
            &signature
        ));

        let mut changed = message.to_vec();
        changed[24] ^= 1;
        assert!(!signer.verify(&changed, &signature));
        assert!(!signer.verify(b"", &signature));
        for i in [0, 31, 32, 63] {
            let mut bad = signature;
            bad[i] ^= 1;
            assert!(!signer.verify(message, &bad), "byte {i}");
        }
        assert!(!signer.verify(message, &signature[..63]));
        assert!(!signer.verify(message, &[signature.as_slice(), &[0]].concat()));
        assert!(!signer.verify(message, &[]));
        assert!(!signer.verify(message, &[0xff; 64]));
        assert!(!signer.verify(message, &[0; 64]));
        let other = MasterKey::generate().audit_signer();
        assert!(!other.verify(message, &signature));
    }

    #[test]
    fn verify_signature_rejects_malformed_keys() {
        let signer = MasterKey::generate().audit_signer();
        let signature = signer.sign(b"m");
        let key = signer.public_key_hex();
        assert!(verify_signature(&key.to_uppercase(), b"m", &signature));
        let plus = format!("+{}", &key[1..]);
        for bad in [
            "",
            "zz",
            &key[..62],
            &format!("{key}00"),
            &"g".repeat(64),
            &plus,
        ] {
            assert!(!verify_signature(bad, b"m", &signature), "{bad}");
        }
        let multibyte = format!("é{}", &key[2..]);
        assert!(!verify_signature(&multibyte, b"m", &signature));
    }

    #[test]
    fn debug_shows_only_the_public_key() {
        let signer = MasterKey::generate().audit_signer();
        let debug = format!("{signer:?}");
        assert_eq!(
            debug,
            format!(
                "AuditSigner {{ public_key: {:?} }}",
                signer.public_key_hex()
            )
        );
    }
}
