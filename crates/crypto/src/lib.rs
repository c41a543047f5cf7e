//! Mosaïque's cryptography, in one pure crate (no I/O, no async): field encryption bound to
//! its row, per-purpose keys derived from one master key, blind indexes, audit checkpoint
//! signatures, password hashing and policy, TOTP, and random tokens.
//!
//! Every secret type zeroizes itself on drop and prints redacted in `Debug`, so a key never
//! reaches a log through `{:?}`.

mod audit;
mod blind;
mod field;
mod keys;
mod password;
mod tokens;
mod totp;

pub use audit::{AuditSigner, sha256_hex, verify_signature};
pub use blind::{BlindIndex, normalize_for_index};
pub use field::{FieldCipher, sealed_key_version};
pub use keys::{DataKey, MasterKey};
pub use password::{
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PasswordProblem, check_password_policy, hash_password,
    is_common_password, verify_password,
};
pub use tokens::{
    constant_time_eq, normalize_recovery_code, random_token, recovery_codes, token_hash,
};
pub use totp::{TotpSecret, qr_svg, try_qr_svg};

/// Errors are deliberately coarse: telling an attacker *why* decryption failed helps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// A key of the wrong length or encoding.
    #[error("invalid key")]
    InvalidKey,
    /// Authentication failed: wrong key, wrong context, or tampered data.
    #[error("decryption failed")]
    Decrypt,
    /// Input too short, too long or otherwise not in the expected layout.
    #[error("malformed input")]
    Format,
    /// The password hasher failed.
    #[error("password hashing failed")]
    Hash,
}

/// Fills a buffer from the OS CSPRNG. Without randomness no key, nonce or token is safe, so
/// failure (which modern kernels do not report) aborts the operation rather than degrade.
pub(crate) fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random number generator failed");
}

/// Lowercase hex, the encoding every digest and token uses.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Decodes hex (either case) into `out`; `false` unless `hex` is exactly `2 * out.len()`
/// hex digits. Writes in place so a decoded secret leaves no copy behind.
pub(crate) fn decode_hex_into(hex: &str, out: &mut [u8]) -> bool {
    fn value(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let hex = hex.as_bytes();
    if hex.len() != out.len() * 2 {
        return false;
    }
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let (Some(hi), Some(lo)) = (value(pair[0]), value(pair[1])) else {
            return false;
        };
        *byte = (hi << 4) | lo;
    }
    true
}

/// Known answers computed outside Rust (Python: hmac/hashlib for HKDF, PyNaCl's libsodium
/// for XChaCha20-Poly1305, pyca/cryptography for Ed25519), so the formats are pinned against
/// independent implementations, not just against themselves.
#[cfg(test)]
mod interop {
    use super::*;

    const MASTER: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn bytes(hex: &str) -> Vec<u8> {
        let mut out = vec![0u8; hex.len() / 2];
        assert!(decode_hex_into(hex, &mut out));
        out
    }

    #[test]
    fn field_ciphertext_from_libsodium_opens() {
        let sealed = bytes(concat!(
            "01",
            "6465666768696a6b6c6d6e6f707172737475767778797a7b",
            "760e6c41e44f5dd1dbc687e9ecd6999dfcd57621158e0ea24f271e1ed82cdd"
        ));
        let cipher = MasterKey::from_hex(MASTER)
            .unwrap()
            .field_cipher("org-1", 1);
        let opened = cipher.open(&sealed, "persons", "name", "row-1").unwrap();
        assert_eq!(opened.as_slice(), "Élise Tremblay".as_bytes());
        assert!(cipher.open(&sealed, "persons", "name", "row-2").is_err());
    }

    #[test]
    fn wrapped_key_from_libsodium_unwraps() {
        let wrapped = bytes(concat!(
            "6465666768696a6b6c6d6e6f707172737475767778797a7b",
            "c1ffac620fb4ff6d9e32128e6e1e87be38f6ff8178f4401a356b4f086f76dcb4",
            "e107a7cd0bf2f59809099385f65ed75e"
        ));
        let master = MasterKey::from_hex(MASTER).unwrap();
        let data = master.unwrap(&wrapped, "org:1:v1").unwrap();
        // The data key was bytes 200..232: check through a cipher both sides derive.
        let mut raw = [0u8; 32];
        for (i, b) in raw.iter_mut().enumerate() {
            *b = 200 + i as u8;
        }
        let expected = keys::derive(&raw, "mosaique/field/v1");
        let sealed = data.field_cipher(1).seal(b"x", "t", "c", "r");
        let same = field::FieldCipher::new(&expected, 1);
        assert_eq!(same.open(&sealed, "t", "c", "r").unwrap().as_slice(), b"x");
    }

    #[test]
    fn audit_signature_matches_pyca() {
        let signer = MasterKey::from_hex(MASTER).unwrap().audit_signer();
        assert_eq!(
            signer.public_key_hex(),
            "674a7a474b95f8b37fed97304295b69328589395a32f41b33d8587922501624c"
        );
        let signature = concat!(
            "b813b7299916c97ff60991484c4a3968fba56e3ce7f79de55b171e378df42dec",
            "ace4e6b8d68f674d18151eab3356a0f0375fe06209aff94782823f365c8a0a02"
        );
        assert_eq!(hex(&signer.sign(b"checkpoint")), signature);
        assert!(signer.verify(b"checkpoint", &bytes(signature)));
    }
}
