//! The master key and the data keys it wraps.
//!
//! One master key (from the key file) never encrypts data itself: HKDF-SHA256 derives a
//! separate key per purpose, so a leak or misuse in one purpose does not expose another, and
//! each purpose can be rotated by bumping the version in its info string.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use ed25519_dalek::SigningKey;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::audit::AuditSigner;
use crate::blind::BlindIndex;
use crate::field::FieldCipher;
use crate::{CryptoError, fill_random};

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// `[24-byte nonce][32-byte key + 16-byte tag]`.
const WRAPPED_LEN: usize = NONCE_LEN + KEY_LEN + TAG_LEN;

/// HKDF-SHA256 (RFC 5869) from `ikm` to a 32-byte key for the purpose named by `info`.
pub(crate) fn derive(ikm: &[u8; KEY_LEN], info: &str) -> Zeroizing<[u8; KEY_LEN]> {
    let mut okm = Zeroizing::new([0u8; KEY_LEN]);
    Hkdf::<Sha256>::new(None, ikm)
        .expand(info.as_bytes(), okm.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    okm
}

/// The 32-byte root of every other key. Not `Clone`: share it behind an `Arc`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; KEY_LEN]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// A fresh key from the OS CSPRNG.
    pub fn generate() -> MasterKey {
        let mut key = MasterKey([0u8; KEY_LEN]);
        fill_random(&mut key.0);
        key
    }

    /// Parses the key file's content: exactly 64 hex digits once surrounding whitespace (the
    /// trailing newline) is trimmed. Anything else is `InvalidKey`, never a shorter key.
    pub fn from_hex(hex: &str) -> Result<MasterKey, CryptoError> {
        let mut key = MasterKey([0u8; KEY_LEN]);
        if crate::decode_hex_into(hex.trim(), &mut key.0) {
            Ok(key)
        } else {
            Err(CryptoError::InvalidKey)
        }
    }

    /// Lowercase hex for writing the key file; zeroized when dropped.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(crate::hex(&self.0))
    }

    /// The field cipher of one scope (e.g. a table or an organization) and key version.
    pub fn field_cipher(&self, scope: &str, version: u8) -> FieldCipher {
        let key = derive(&self.0, &format!("mosaique/field/v{version}/{scope}"));
        FieldCipher::new(&key, version)
    }

    /// The blind index of one scope. Scope it per organization: the same name then indexes
    /// differently in two organizations, so no one can match people across them.
    pub fn blind_index(&self, scope: &str) -> BlindIndex {
        let key = derive(&self.0, &format!("mosaique/blind-index/v1/{scope}"));
        BlindIndex::new(key)
    }

    /// The Ed25519 key that signs audit checkpoints, deterministic from the master key so
    /// every server signs with the same key.
    pub fn audit_signer(&self) -> AuditSigner {
        let seed = derive(&self.0, "mosaique/audit-signing/v1");
        AuditSigner::new(SigningKey::from_bytes(&seed))
    }

    /// Wraps a data key for storage. `context` (e.g. `"org:<uuid>:v1"`) is authenticated,
    /// so a wrapped key moved to another row does not unwrap. Output: `[24-byte nonce]
    /// [ciphertext + tag]`, 72 bytes. XChaCha20-Poly1305 rather than AES-KW (ASVS Appendix
    /// C): a deviation to record in the cryptographic inventory.
    pub fn wrap(&self, key: &DataKey, context: &str) -> Vec<u8> {
        let kek = self.kek();
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce);
        let nonce = XNonce::from(nonce);
        let ciphertext = kek
            .encrypt(
                &nonce,
                Payload {
                    msg: &key.0,
                    aad: context.as_bytes(),
                },
            )
            .expect("a 32-byte message is within XChaCha20-Poly1305 limits");
        let mut out = Vec::with_capacity(WRAPPED_LEN);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    /// Reverses [`MasterKey::wrap`]; `Decrypt` for another master key or context.
    pub fn unwrap(&self, wrapped: &[u8], context: &str) -> Result<DataKey, CryptoError> {
        if wrapped.len() != WRAPPED_LEN {
            return Err(CryptoError::Format);
        }
        let (nonce, ciphertext) = wrapped.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| CryptoError::Format)?;
        let plaintext = Zeroizing::new(
            self.kek()
                .decrypt(
                    &nonce,
                    Payload {
                        msg: ciphertext,
                        aad: context.as_bytes(),
                    },
                )
                .map_err(|_| CryptoError::Decrypt)?,
        );
        if plaintext.len() != KEY_LEN {
            return Err(CryptoError::Format);
        }
        let mut key = DataKey([0u8; KEY_LEN]);
        key.0.copy_from_slice(&plaintext);
        Ok(key)
    }

    fn kek(&self) -> XChaCha20Poly1305 {
        let kek = derive(&self.0, "mosaique/kek/v1");
        XChaCha20Poly1305::new(<&Key>::from(&*kek))
    }
}

/// A random 32-byte key (one per organization, or per person for crypto-shredding), stored
/// only wrapped by the master key. Destroying every wrapped copy destroys the data it keyed.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; KEY_LEN]);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// A fresh key from the OS CSPRNG.
    pub fn generate() -> DataKey {
        let mut key = DataKey([0u8; KEY_LEN]);
        fill_random(&mut key.0);
        key
    }

    /// The field cipher for this data key; `version` is the data key's own version, written
    /// into every ciphertext so rotation knows which key opens it.
    pub fn field_cipher(&self, version: u8) -> FieldCipher {
        let key = derive(&self.0, &format!("mosaique/field/v{version}"));
        FieldCipher::new(&key, version)
    }

    /// A blind index keyed by this data key (which the master key wraps, so rotating the
    /// master key never forces recomputing the index).
    pub fn blind_index(&self) -> BlindIndex {
        BlindIndex::new(derive(&self.0, "mosaique/blind-index/v1"))
    }

    /// An audit signer keyed by this data key: the public key survives master-key rotation,
    /// so old checkpoints keep verifying.
    pub fn audit_signer(&self) -> AuditSigner {
        let seed = derive(&self.0, "mosaique/audit-signing/v1");
        AuditSigner::new(SigningKey::from_bytes(&seed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn hex_round_trip_and_trimming() {
        let key = MasterKey::from_hex(&format!("  {HEX}\n")).unwrap();
        assert_eq!(key.to_hex().as_str(), HEX);
        let upper = MasterKey::from_hex(&HEX.to_uppercase()).unwrap();
        assert_eq!(upper.to_hex().as_str(), HEX);
        let generated = MasterKey::generate();
        let again = MasterKey::from_hex(&generated.to_hex()).unwrap();
        assert_eq!(generated.to_hex(), again.to_hex());
    }

    #[test]
    fn from_hex_rejects_bad_input() {
        let cases = [
            String::new(),
            HEX[..62].to_string(),
            format!("{HEX}00"),
            format!("{}zz", &HEX[..62]),
            format!("{} {}", &HEX[..32], &HEX[32..]),
            format!("0x{}", &HEX[..62]),
            format!("{}é", &HEX[..62]),
        ];
        for case in cases {
            assert_eq!(
                MasterKey::from_hex(&case).map(|_| ()),
                Err(CryptoError::InvalidKey),
                "{case:?}"
            );
        }
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(
            MasterKey::generate().to_hex(),
            MasterKey::generate().to_hex()
        );
    }

    #[test]
    fn derivation_separates_purposes() {
        let key = MasterKey::from_hex(HEX).unwrap();
        let infos = [
            "mosaique/field/v1/a",
            "mosaique/field/v1/b",
            "mosaique/field/v2/a",
            "mosaique/blind-index/v1/a",
            "mosaique/kek/v1",
            "mosaique/audit-signing/v1",
        ];
        let keys: Vec<[u8; 32]> = infos.iter().map(|i| *derive(&key.0, i)).collect();
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        // Deterministic, and RFC 5869 HKDF-SHA256 (checked against Python's hmac/hashlib).
        assert_eq!(
            crate::hex(&keys[0]),
            "9420380050e301008b0ce8e2761bcd5c5be7dd3e21a34ea751cb46211cf376d6"
        );
    }

    #[test]
    fn purpose_keys_for_scopes_differ() {
        let key = MasterKey::generate();
        let sealed = key.field_cipher("org-a", 1).seal(b"x", "t", "c", "r");
        assert!(
            key.field_cipher("org-b", 1)
                .open(&sealed, "t", "c", "r")
                .is_err()
        );
        assert!(
            key.field_cipher("org-a", 1)
                .open(&sealed, "t", "c", "r")
                .is_ok()
        );
    }

    #[test]
    fn wrap_unwrap_round_trip() {
        let master = MasterKey::generate();
        let data = DataKey::generate();
        let wrapped = master.wrap(&data, "org:1:v1");
        assert_eq!(wrapped.len(), WRAPPED_LEN);
        let unwrapped = master.unwrap(&wrapped, "org:1:v1").unwrap();
        assert_eq!(unwrapped.0, data.0);
        // A random nonce each time: wrapping twice never gives the same bytes.
        assert_ne!(master.wrap(&data, "org:1:v1"), wrapped);
        // The unwrapped key works as the original.
        let sealed = data.field_cipher(1).seal(b"secret", "t", "c", "r");
        let opened = unwrapped
            .field_cipher(1)
            .open(&sealed, "t", "c", "r")
            .unwrap();
        assert_eq!(opened.as_slice(), b"secret");
    }

    #[test]
    fn unwrap_fails_on_wrong_context_key_or_tampering() {
        let master = MasterKey::generate();
        let wrapped = master.wrap(&DataKey::generate(), "org:1:v1");
        let err = |r: Result<DataKey, CryptoError>| r.map(|_| ()).unwrap_err();
        assert_eq!(
            err(master.unwrap(&wrapped, "org:2:v1")),
            CryptoError::Decrypt
        );
        assert_eq!(err(master.unwrap(&wrapped, "")), CryptoError::Decrypt);
        let other = MasterKey::generate();
        assert_eq!(
            err(other.unwrap(&wrapped, "org:1:v1")),
            CryptoError::Decrypt
        );
        for i in [0, NONCE_LEN, WRAPPED_LEN - 1] {
            let mut flipped = wrapped.clone();
            flipped[i] ^= 1;
            assert_eq!(
                err(master.unwrap(&flipped, "org:1:v1")),
                CryptoError::Decrypt
            );
        }
        assert_eq!(
            err(master.unwrap(&wrapped[..WRAPPED_LEN - 1], "org:1:v1")),
            CryptoError::Format
        );
        assert_eq!(err(master.unwrap(&[], "org:1:v1")), CryptoError::Format);
    }

    #[test]
    fn data_key_versions_differ() {
        let data = DataKey::generate();
        let sealed = data.field_cipher(1).seal(b"x", "t", "c", "r");
        let mut relabelled = sealed.clone();
        relabelled[0] = 2;
        assert!(
            data.field_cipher(2)
                .open(&relabelled, "t", "c", "r")
                .is_err()
        );
        assert!(
            DataKey::generate()
                .field_cipher(1)
                .open(&sealed, "t", "c", "r")
                .is_err()
        );
    }

    #[test]
    fn debug_never_shows_key_bytes() {
        let master = MasterKey::from_hex(HEX).unwrap();
        let debug = format!("{master:?} {master:#?}");
        assert_eq!(format!("{master:?}"), "MasterKey(..)");
        assert!(!debug.contains("0102"), "{debug}");
        let data = DataKey::generate();
        assert_eq!(format!("{data:?}"), "DataKey(..)");
        let cipher = master.field_cipher("s", 1);
        let debug = format!("{cipher:?} {:?}", master.blind_index("s"));
        assert!(!debug.contains(&derive_hex(&master, "mosaique/field/v1/s")[..8]));
        assert!(!debug.contains(&derive_hex(&master, "mosaique/blind-index/v1/s")[..8]));
    }

    fn derive_hex(master: &MasterKey, info: &str) -> String {
        crate::hex(&*derive(&master.0, info))
    }
}
